//! Logging in and out, and the dashboard a logged-in user lands on.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, Form, RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap};
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use super::cookie::{cookie, redirect, session_cookie, signed_in};
use super::forward::return_url;
use super::language::Browser;
use super::limiter::{self, Attempt};
use super::pools::{blocking, hashing, reading, writing};
use super::respond::{busy, error_page, field_errors, html, too_many};
use super::{Shared, client_ip, pages};
use crate::domain::sessions;
use crate::domain::user;
use crate::error::Error;
use crate::i18n::Texts;

/// The user's own pages are in their language, when they have one.
fn user_texts(app: &Shared, user: &user::User, browser: Texts) -> Texts {
    user.lang.map_or(browser, |lang| app.texts_for(Some(lang)))
}

pub(super) async fn dashboard(
    State(app): State<Shared>,
    Browser(browser): Browser,
    headers: HeaderMap,
) -> Response {
    let Some(secret) = session_cookie(&headers) else {
        return redirect("/login");
    };
    match reading(&app, move |conn| sessions::user(conn, &secret, Utc::now())).await {
        Ok(Some(user)) => {
            let t = user_texts(&app, &user, browser);
            html(
                StatusCode::OK,
                pages::Dashboard::new(t, &app.config.organization.name, &user),
            )
        }
        Ok(None) => redirect("/login"),
        Err(e) => error_page(&app, &browser, &e),
    }
}

#[derive(Deserialize)]
pub(super) struct NameForm {
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
}

/// What a name change came to.
enum Renamed {
    /// No current session: log in first.
    LoggedOut,
    /// Saved (or it was so already).
    Done,
    /// Refused, with the user as they are and the problems, for the form again.
    Refused(Box<user::User>, Vec<(user::Field, user::Problem)>),
}

/// `POST /dashboard`: the logged-in user changes their own name, with the
/// rules of the accept form (`users edit` semantics: audited, a
/// `user.changed` event); the session is checked in the transaction that
/// writes. 303 back to the dashboard, or 422 with the form and each problem.
pub(super) async fn dashboard_submit(
    State(app): State<Shared>,
    Browser(browser): Browser,
    headers: HeaderMap,
    Form(form): Form<NameForm>,
) -> Response {
    let Some(secret) = session_cookie(&headers) else {
        return redirect("/login");
    };
    let wanted = crate::domain::users::Edit {
        first_name: Some(form.first_name.clone()),
        last_name: Some(form.last_name.clone()),
        ..Default::default()
    };
    let organization = app.config.organization.clone();
    let result = blocking(&app, move |conn| {
        let now = Utc::now();
        let tx = conn.write()?;
        let Some(user) = sessions::user(&tx, &secret, now)? else {
            return Ok(Renamed::LoggedOut);
        };
        let problems = user::check_names(
            wanted.first_name.as_deref().unwrap_or_default(),
            wanted.last_name.as_deref().unwrap_or_default(),
        );
        if !problems.is_empty() {
            return Ok(Renamed::Refused(Box::new(user), problems));
        }
        let actor = user.email.clone();
        let edited =
            crate::domain::users::edit_user(&tx, &organization, user, &wanted, &actor, now)?;
        if !edited.changes.is_empty() {
            tx.commit()?;
        }
        Ok(Renamed::Done)
    })
    .await;
    match result {
        Ok(Renamed::LoggedOut) => redirect("/login"),
        Ok(Renamed::Done) => redirect("/dashboard"),
        Ok(Renamed::Refused(user, problems)) => {
            let t = user_texts(&app, &user, browser);
            let page = pages::Dashboard {
                first_name: &form.first_name,
                last_name: &form.last_name,
                errors: field_errors(&t, problems),
                ..pages::Dashboard::new(t, &app.config.organization.name, &user)
            };
            html(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Err(e) => error_page(&app, &browser, &e),
    }
}

/// The login form; `rd`, when it is a safe place to return to, rides along
/// in a hidden field (an unsafe one is dropped here, and refused again at
/// the POST).
pub(super) async fn login_page(
    State(app): State<Shared>,
    Browser(t): Browser,
    RawQuery(query): RawQuery,
) -> Response {
    let rd =
        return_url(&app, &rd_parameter(query.as_deref().unwrap_or_default())).unwrap_or_default();
    let page = pages::Login {
        t,
        organization: &app.config.organization.name,
        email: "",
        error: None,
        rd: &rd,
    };
    html(StatusCode::OK, page)
}

/// The `rd` of a query string. A proxy cannot percent-encode the URL it
/// sends (nginx's `rd=$scheme://$host$request_uri`), so an `rd` whose value
/// starts with `http://` or `https://` as written is the rest of the query
/// string verbatim, its own `?` and `&` included; any other `rd` is decoded
/// as usual.
pub(super) fn rd_parameter(query: &str) -> String {
    let mut offset = 0;
    for pair in query.split('&') {
        if let Some(value) = pair.strip_prefix("rd=")
            && (value.starts_with("https://") || value.starts_with("http://"))
        {
            return query[offset + 3..].to_string();
        }
        offset += pair.len() + 1;
    }
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "rd")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// Where to go back to (`/login?rd=`), checked again here.
    #[serde(default)]
    rd: String,
}

pub(super) async fn login_submit(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Browser(t): Browser,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let ip = client_ip(&app.config.trusted_proxies, peer, &headers);
    let attempt = Attempt::login(ip, &form.email);
    // Counted as a failure before the hash starts, so however many requests
    // race, no more than the limit get a password check.
    let reserving = attempt.clone();
    let reserved = writing(&app, move |tx| limiter::reserve(tx, &reserving, Utc::now())).await;
    match reserved {
        Ok(true) => {}
        Ok(false) => return too_many(&app, &t),
        Err(e) => return error_page(&app, &t, &e),
    }
    let (email, password) = (form.email.clone(), form.password);
    let unused = attempt.clone();
    let lifetime = app.config.organization.session_ttl;
    let result = hashing(&app, move |conn| {
        let now = Utc::now();
        let client = format!("from {ip}");
        let (_, secret) = sessions::login(conn, &email, &password, &client, lifetime, now, |tx| {
            limiter::give_back(tx, &attempt, now)
        })?;
        Ok(secret)
    })
    .await;
    let Some(result) = result else {
        // Never checked, so not a failure.
        if let Err(e) = writing(&app, move |tx| limiter::give_back(tx, &unused, Utc::now())).await {
            return error_page(&app, &t, &e);
        }
        return busy(&app, &t);
    };
    match result {
        Ok(secret) => {
            let back = return_url(&app, &form.rd)
                .unwrap_or_else(|| app.config.organization.dashboard_url.clone());
            signed_in(&app, &back, &secret)
        }
        Err(Error::Refused(problem)) => {
            let problem = t.get(if problem == sessions::INACTIVE_LOGIN {
                "login-inactive"
            } else {
                "login-wrong"
            });
            let rd = return_url(&app, &form.rd).unwrap_or_default();
            let page = pages::Login {
                t,
                organization: &app.config.organization.name,
                email: &form.email,
                error: Some(problem),
                rd: &rd,
            };
            html(StatusCode::UNAUTHORIZED, page)
        }
        Err(e) => error_page(&app, &t, &e),
    }
}

pub(super) async fn logout(
    State(app): State<Shared>,
    Browser(t): Browser,
    headers: HeaderMap,
) -> Response {
    if let Some(secret) = session_cookie(&headers)
        && let Err(e) = writing(&app, move |tx| sessions::end(tx, &secret, Utc::now())).await
    {
        return error_page(&app, &t, &e);
    }
    let mut response = redirect("/login");
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie(&app, "", Duration::ZERO));
    response
}

#[cfg(test)]
mod tests {
    use super::rd_parameter;

    #[test]
    fn rd_is_decoded_or_taken_verbatim_when_a_proxy_wrote_it_unencoded() {
        assert_eq!(
            rd_parameter("rd=https%3A%2F%2Fapps.acme.example%2Fa%3Fb%3D1%26c%3D2"),
            "https://apps.acme.example/a?b=1&c=2"
        );
        assert_eq!(
            rd_parameter("x=1&rd=https://apps.acme.example/a%20b?b=1&c=2"),
            "https://apps.acme.example/a%20b?b=1&c=2"
        );
        assert_eq!(rd_parameter("rd=%2F%2Fevil.example"), "//evil.example");
        assert_eq!(rd_parameter("other=1"), "");
        assert_eq!(rd_parameter(""), "");
    }
}
