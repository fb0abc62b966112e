//! The route handlers: each one a thin adapter over the library, turning its
//! answers and errors into pages and statuses.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use askama::Template;
use axum::extract::{ConnectInfo, Form, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;

use super::forward::return_url;
mod renew;
mod reset;

pub(super) use renew::renew_submit;
pub(super) use reset::{forgot_page, forgot_submit, reset_page, reset_submit};

use super::limiter::{self, Attempt};
use super::pools::{blocking, hashing, reading, writing};
use super::{App, COOKIE, Shared, client_ip, pages};
use crate::error::{Error, StorageKind};
use crate::invitations::{self, Acceptance, Field, Invitation};
use crate::sessions;
use crate::token::Token;

fn html(status: StatusCode, page: impl Template) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            eprintln!("error: cannot render a page: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn message(
    app: &App,
    status: StatusCode,
    title: &str,
    paragraphs: Vec<String>,
    link: Option<(&str, &str)>,
) -> Response {
    let paragraphs = paragraphs.into_iter().map(pages::Paragraph::from).collect();
    message_with(app, status, title, paragraphs, link)
}

fn message_with(
    app: &App,
    status: StatusCode,
    title: &str,
    paragraphs: Vec<pages::Paragraph>,
    link: Option<(&str, &str)>,
) -> Response {
    let page = pages::Message {
        organization: &app.config.organization.name,
        title,
        paragraphs,
        link,
    };
    html(status, page)
}

/// A sentence that names who to write to: `[organization] contact`, or
/// "your administrator".
fn contact(app: &App, before: &str, after: &str) -> pages::Paragraph {
    pages::Paragraph::Contact {
        before: before.into(),
        contact: app.config.organization.contact.clone(),
        after: after.into(),
    }
}

/// The one place an error becomes an HTTP status and a page.
fn error_page(app: &App, error: &Error) -> Response {
    match error {
        Error::InvalidToken => message_with(
            app,
            StatusCode::NOT_FOUND,
            "Invalid Token",
            vec![
                "This invitation link does not work. It may have been cancelled, or replaced by a newer email."
                    .to_string()
                    .into(),
                contact(
                    app,
                    "Open the link in the most recent invitation email you got. If there is none, please contact",
                    " and ask for a new invitation.",
                ),
            ],
            Some(("/login", "Log in, if you have an account already")),
        ),
        Error::AlreadyAccepted => message_with(
            app,
            StatusCode::NOT_FOUND,
            "Invitation Already Accepted",
            vec![
                "This invitation has been accepted already, so its account is set up.".to_string().into(),
                "Log in with its email address and the password chosen then.".to_string().into(),
                contact(app, "If you did not accept it yourself, please contact", " at once."),
            ],
            Some(("/login", "Log in")),
        ),
        Error::Expired { expired_at, .. } => message_with(
            app,
            StatusCode::GONE,
            "Invitation Expired",
            vec![
                format!(
                    "This invitation expired on {}.",
                    crate::mail::message::human_time(*expired_at)
                )
                .into(),
                contact(app, "Please contact", " and ask for a new invitation."),
            ],
            None,
        ),
        Error::Storage {
            kind: StorageKind::Unavailable,
            ..
        } => {
            eprintln!("error: {error}");
            message(
                app,
                StatusCode::SERVICE_UNAVAILABLE,
                "Temporarily Unavailable",
                vec!["The server cannot reach its database right now. Please try again in a minute.".into()],
                None,
            )
        }
        _ => {
            eprintln!("error: {error}");
            message(
                app,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something Went Wrong",
                vec!["The server could not finish this request. Please try again in a minute.".into()],
                None,
            )
        }
    }
}

/// `GET /healthz`: 200 `ok` while the database answers (with a warning line
/// when this host's clock is too far from the database's), 503 when it does not.
pub(super) async fn health(State(app): State<Shared>) -> Response {
    match blocking(&app, |conn| conn.clock()).await {
        Ok(database) => match super::clock_skew(database, Utc::now()) {
            None => "ok".into_response(),
            Some(warning) => {
                eprintln!("warning: {warning}");
                format!("ok\nwarning: {warning}\n").into_response()
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

fn too_many(app: &App) -> Response {
    message(
        app,
        StatusCode::TOO_MANY_REQUESTS,
        "Too Many Attempts",
        vec!["There were too many failed attempts from your network or for this account. Please wait a few minutes and try again.".into()],
        None,
    )
}

pub(super) fn forbidden(app: &App) -> Response {
    message(
        app,
        StatusCode::FORBIDDEN,
        "Request Refused",
        vec!["This form was sent from another site, so it was not accepted. Open the page on this site and try again.".into()],
        None,
    )
}

fn busy(app: &App) -> Response {
    message(
        app,
        StatusCode::SERVICE_UNAVAILABLE,
        "Busy",
        vec!["The server is busy. Please try again in a minute.".into()],
        None,
    )
}

pub(super) async fn not_found(State(app): State<Shared>) -> Response {
    message(
        &app,
        StatusCode::NOT_FOUND,
        "Page Not Found",
        vec!["There is nothing at this address.".into()],
        Some(("/login", "Log in")),
    )
}

#[derive(Deserialize)]
pub(super) struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Looks an invitation up; a bad token counts against the client's address.
/// A good token only reads, so pages open even while another process writes.
async fn open_invitation(
    app: &Shared,
    ip: IpAddr,
    token_text: &str,
) -> std::result::Result<(Token, Invitation), Response> {
    let shown_token = token_text;
    let token_text = token_text.to_string();
    let now = Utc::now();
    // A link that works opens without touching the counters: a 256-bit
    // token cannot be guessed, so the limit is there to make guessing
    // expensive, and a valid link is never the attacker's business.
    let looked = reading(app, move |conn| {
        Ok(Token::parse(&token_text).and_then(|token| {
            invitations::open(conn, &token, now).map(|invitation| (token, invitation))
        }))
    })
    .await;
    match looked {
        // Counted, with the limit checked, in one write: of many
        // concurrent bad guesses, those past the limit learn nothing but 429.
        Ok(Err(e @ (Error::InvalidToken | Error::AlreadyAccepted | Error::Expired { .. }))) => {
            let attempt = Attempt::token(ip);
            match writing(app, move |tx| limiter::reserve(tx, &attempt, now)).await {
                Ok(true) => Err(renew::refused_page(app, &e, shown_token)),
                Ok(false) => Err(too_many(app)),
                Err(e) => Err(error_page(app, &e)),
            }
        }
        looked => looked
            .and_then(|found| found)
            .map_err(|e| error_page(app, &e)),
    }
}

/// Looking never changes anything: mail scanners open links before people do.
pub(super) async fn accept_page(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Response {
    match open_invitation(
        &app,
        client_ip(&app.config.trusted_proxies, peer, &headers),
        &query.token,
    )
    .await
    {
        Ok((token, invitation)) => {
            if invitation.opened_at.is_none() {
                renew::record_opened(&app, invitation.id).await;
            }
            html(
                StatusCode::OK,
                pages::Accept::new(&app.config.organization.name, &invitation, token.as_str()),
            )
        }
        Err(page) => page,
    }
}

#[derive(Deserialize)]
pub(super) struct AcceptForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
}

pub(super) async fn accept_submit(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<AcceptForm>,
) -> Response {
    let (token, invitation) = match open_invitation(
        &app,
        client_ip(&app.config.trusted_proxies, peer, &headers),
        &form.token,
    )
    .await
    {
        Ok(found) => found,
        Err(page) => return page,
    };
    let acceptance = Acceptance {
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        password: form.password,
        confirm_password: form.confirm_password,
    };
    // Every problem at once, each at its field, without waiting for a hash.
    let problems = invitations::check_form(&acceptance);
    if !problems.is_empty() {
        let errors = field_errors(problems);
        let page = pages::Accept {
            first_name: &form.first_name,
            last_name: &form.last_name,
            errors,
            ..pages::Accept::new(&app.config.organization.name, &invitation, token.as_str())
        };
        return html(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let accepting = token.clone();
    let lifetime = app.config.organization.session_ttl;
    let result = hashing(&app, move |conn| {
        let now = Utc::now();
        let user = invitations::accept(conn, &accepting, &acceptance, now)?;
        sessions::create(conn, user.id, lifetime, now)
    })
    .await;
    let Some(result) = result else {
        return busy(&app);
    };
    match result {
        Ok(secret) => signed_in(&app, &app.config.organization.dashboard_url, &secret),
        Err(Error::Invalid(problem)) => {
            let problem = capitalized(&problem);
            let page = pages::Accept {
                first_name: &form.first_name,
                last_name: &form.last_name,
                error: Some(&problem),
                ..pages::Accept::new(&app.config.organization.name, &invitation, token.as_str())
            };
            html(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Err(e) => error_page(&app, &e),
    }
}

fn field_errors(problems: impl IntoIterator<Item = (Field, String)>) -> pages::FieldErrors {
    let errors = problems
        .into_iter()
        .map(|(field, problem)| pages::FieldError {
            id: field_id(field),
            message: capitalized(&problem),
        });
    pages::FieldErrors(errors.collect())
}

/// The `id` (and `name`) of a field of a form that sets a password.
fn field_id(field: Field) -> &'static str {
    match field {
        Field::FirstName => "first_name",
        Field::LastName => "last_name",
        Field::Password => "password",
        Field::ConfirmPassword => "confirm_password",
    }
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

fn capitalized(sentence: &str) -> String {
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

pub(super) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(COOKIE)
                .and_then(|rest| rest.strip_prefix('='))
                .map(str::to_string)
        })
}

fn cookie(app: &App, value: &str, max_age: Duration) -> HeaderValue {
    let secure = if app.config.organization.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    // With cookie_domain the cookie is shared by sibling hosts; clearing it
    // (logout) must name the same Domain, or the browser keeps it.
    let domain = app
        .config
        .cookie_domain
        .as_deref()
        .map(|domain| format!("; Domain={domain}"))
        .unwrap_or_default();
    let text = format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{domain}{secure}",
        max_age.as_secs()
    );
    HeaderValue::from_str(&text).expect("cookie text is ASCII")
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn signed_in(app: &App, location: &str, secret: &str) -> Response {
    let mut response = redirect(location);
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie(app, secret, app.config.organization.session_ttl),
    );
    response
}

pub(super) async fn dashboard(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let Some(secret) = session_cookie(&headers) else {
        return redirect("/login");
    };
    match reading(&app, move |conn| sessions::user(conn, &secret, Utc::now())).await {
        Ok(Some(user)) => html(
            StatusCode::OK,
            pages::Dashboard::new(&app.config.organization.name, &user),
        ),
        Ok(None) => redirect("/login"),
        Err(e) => error_page(&app, &e),
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
    /// Refused, with the user as they are, for the form again.
    Refused(Box<crate::users::User>, pages::FieldErrors),
}

/// `POST /dashboard`: the logged-in user changes their own name, with the
/// rules of the accept form (`users edit` semantics: audited, a
/// `user.changed` event); the session is checked in the transaction that
/// writes. 303 back to the dashboard, or 422 with the form and each problem.
pub(super) async fn dashboard_submit(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<NameForm>,
) -> Response {
    let Some(secret) = session_cookie(&headers) else {
        return redirect("/login");
    };
    let wanted = crate::users::Edit {
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
        let problems = invitations::check_names(
            wanted.first_name.as_deref().unwrap_or_default(),
            wanted.last_name.as_deref().unwrap_or_default(),
        );
        if !problems.is_empty() {
            return Ok(Renamed::Refused(Box::new(user), field_errors(problems)));
        }
        let actor = user.email.clone();
        let edited = crate::users::edit_user(&tx, &organization, user, &wanted, &actor, now)?;
        if !edited.changes.is_empty() {
            tx.commit()?;
        }
        Ok(Renamed::Done)
    })
    .await;
    match result {
        Ok(Renamed::LoggedOut) => redirect("/login"),
        Ok(Renamed::Done) => redirect("/dashboard"),
        Ok(Renamed::Refused(user, errors)) => {
            let page = pages::Dashboard {
                first_name: &form.first_name,
                last_name: &form.last_name,
                errors,
                ..pages::Dashboard::new(&app.config.organization.name, &user)
            };
            html(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Err(e) => error_page(&app, &e),
    }
}

/// The login form; `rd`, when it is a safe place to return to, rides along
/// in a hidden field (an unsafe one is dropped here, and refused again at
/// the POST).
pub(super) async fn login_page(State(app): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let rd =
        return_url(&app, &rd_parameter(query.as_deref().unwrap_or_default())).unwrap_or_default();
    let page = pages::Login {
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
fn rd_parameter(query: &str) -> String {
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
        Ok(false) => return too_many(&app),
        Err(e) => return error_page(&app, &e),
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
            return error_page(&app, &e);
        }
        return busy(&app);
    };
    match result {
        Ok(secret) => {
            let back = return_url(&app, &form.rd)
                .unwrap_or_else(|| app.config.organization.dashboard_url.clone());
            signed_in(&app, &back, &secret)
        }
        Err(Error::Refused(problem)) => {
            let problem = capitalized(&problem);
            let rd = return_url(&app, &form.rd).unwrap_or_default();
            let page = pages::Login {
                organization: &app.config.organization.name,
                email: &form.email,
                error: Some(&problem),
                rd: &rd,
            };
            html(StatusCode::UNAUTHORIZED, page)
        }
        Err(e) => error_page(&app, &e),
    }
}

pub(super) async fn logout(State(app): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(secret) = session_cookie(&headers)
        && let Err(e) = writing(&app, move |tx| sessions::end(tx, &secret, Utc::now())).await
    {
        return error_page(&app, &e);
    }
    let mut response = redirect("/login");
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie(&app, "", Duration::ZERO));
    response
}
