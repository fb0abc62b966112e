//! Forgotten passwords: `/forgot` asks for a link by mail, `/reset` sets a
//! new password with it. The same rules as the CLI's `users reset-password`
//! (see `crate::domain::resets`); pages in the style of the invitation ones.

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

use askama::Template;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::StatusCode;
use axum::http::header::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use super::cookie::signed_in;
use super::language::Browser;
use super::limiter::{self, Attempt};
use super::link::TokenQuery;
use super::pages::{FieldErrors, password_help};
use super::pools::{hashing, reading, writing};
use super::respond::{busy, error_page, field_errors, html, message, paragraph, too_many};
use super::{App, Shared, client_ip};
use crate::domain::resets::{self, NewPassword, ResetLink};
use crate::domain::sessions;
use crate::domain::user;
use crate::error::Error;
use crate::i18n::{Arg, Texts};
use crate::token::Token;

#[derive(Template)]
#[template(path = "web/forgot.html")]
struct Forgot<'a> {
    t: Texts,
    organization: &'a str,
    email: &'a str,
    lifetime: String,
    error: Option<&'static str>,
}

impl Forgot<'_> {
    fn intro(&self) -> String {
        self.t
            .text("forgot-intro", &[("lifetime", Arg::Text(&self.lifetime))])
    }
}

#[derive(Template)]
#[template(path = "web/reset.html")]
struct Reset<'a> {
    t: Texts,
    organization: &'a str,
    email: &'a str,
    token: &'a str,
    errors: FieldErrors,
    /// A problem that belongs to no one field.
    error: Option<&'a str>,
}

impl<'a> Reset<'a> {
    /// The form for `link`, without errors, in its user's language.
    fn new(app: &'a App, link: &'a ResetLink, token: &'a Token) -> Reset<'a> {
        Reset {
            t: app.texts_for(link.lang),
            organization: &app.config.organization.name,
            email: &link.email,
            token: token.as_str(),
            errors: FieldErrors::default(),
            error: None,
        }
    }

    fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.error.is_some()
    }

    fn intro(&self) -> String {
        self.t.html(
            "reset-intro",
            &[("organization", Arg::Text(self.organization))],
        )
    }

    fn password_help(&self) -> String {
        password_help(&self.t)
    }
}

/// How long a reset link works, in words.
fn lifetime(app: &App, t: &Texts) -> String {
    t.duration(app.config.organization.reset_ttl)
}

/// A reset link's own pages for the errors that are about it.
fn link_error_page(app: &App, t: &Texts, error: &Error) -> Response {
    let again = Some(("/forgot", "reset-ask-again"));
    match error {
        Error::InvalidResetLink => message(
            app,
            t,
            StatusCode::NOT_FOUND,
            "reset-invalid-title",
            vec![
                paragraph(t, "reset-invalid-text"),
                paragraph(t, "reset-invalid-again"),
            ],
            again,
        ),
        Error::ResetExpired { expired_at } => {
            let date = t.date_time(*expired_at);
            let lifetime = lifetime(app, t);
            message(
                app,
                t,
                StatusCode::GONE,
                "reset-expired-title",
                vec![
                    t.html("reset-expired-on", &[("date", Arg::Text(&date))]),
                    t.html("reset-expired-again", &[("lifetime", Arg::Text(&lifetime))]),
                ],
                again,
            )
        }
        _ => error_page(app, t, error),
    }
}

pub(super) async fn forgot_page(State(app): State<Shared>, Browser(t): Browser) -> Response {
    let page = Forgot {
        t,
        organization: &app.config.organization.name,
        email: "",
        lifetime: lifetime(&app, &t),
        error: None,
    };
    html(StatusCode::OK, page)
}

#[derive(Deserialize)]
pub(super) struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// Answers at once, the same for every address; the link is issued and
/// mailed afterwards, by the mailer, only for an active user.
pub(super) async fn forgot_submit(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Browser(t): Browser,
    headers: HeaderMap,
    Form(form): Form<ForgotForm>,
) -> Response {
    let email = form.email.trim();
    if crate::text::is_blank(email) {
        let page = Forgot {
            t,
            organization: &app.config.organization.name,
            email,
            lifetime: lifetime(&app, &t),
            error: Some(t.get("forgot-email-missing")),
        };
        return html(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let ip = client_ip(&app.config.trusted_proxies, peer, &headers);
    let attempt = Attempt::reset_request(ip, email);
    match writing(&app, move |tx| limiter::reserve(tx, &attempt, Utc::now())).await {
        Ok(true) => {}
        Ok(false) => return too_many(&app, &t),
        Err(e) => return error_page(&app, &t, &e),
    }
    let lifetime = lifetime(&app, &t);
    let answer = message(
        &app,
        &t,
        StatusCode::OK,
        "forgot-sent-title",
        vec![
            t.html(
                "forgot-sent",
                &[
                    ("email", Arg::Text(email)),
                    ("lifetime", Arg::Text(&lifetime)),
                ],
            ),
            t.html(
                "forgot-sent-spam",
                &[(
                    "contact",
                    Arg::Text(&app.config.organization.contact_in(&t)),
                )],
            ),
        ],
        Some(("/login", "forgot-back")),
    );
    // Only once the answer has gone does the mail thread start, so that its
    // work cannot slow this answer down for an address that has an account.
    let (mailer, email) = (app.clone(), email.to_string());
    let (parts, body) = answer.into_parts();
    let body = Then {
        body,
        then: Some(Box::new(move || {
            mailer.mailer.request(email, ip);
        })),
    };
    Response::from_parts(parts, Body::new(body))
}

/// A response body that does something when it is done with: written out
/// (or the client gone).
struct Then {
    body: Body,
    then: Option<Box<dyn FnOnce() + Send>>,
}

impl HttpBody for Then {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<hyper::body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Then {
    fn drop(&mut self) {
        if let Some(then) = self.then.take() {
            then();
        }
    }
}

/// Looks a reset link up; a bad token counts against the client's address,
/// as a bad invitation token does.
async fn open_link(
    app: &Shared,
    t: &Texts,
    ip: IpAddr,
    token_text: &str,
) -> std::result::Result<(Token, ResetLink), Response> {
    let token_text = token_text.to_string();
    let now = Utc::now();
    let looked = reading(app, move |conn| {
        Ok(Token::parse(&token_text)
            .map_err(|_| Error::InvalidResetLink)
            .and_then(|token| resets::open(conn, &token, now).map(|link| (token, link))))
    })
    .await;
    match looked {
        Ok(Err(e @ (Error::InvalidResetLink | Error::ResetExpired { .. }))) => {
            let attempt = Attempt::reset_token(ip);
            match writing(app, move |tx| limiter::reserve(tx, &attempt, now)).await {
                Ok(true) => Err(link_error_page(app, t, &e)),
                Ok(false) => Err(too_many(app, t)),
                Err(e) => Err(link_error_page(app, t, &e)),
            }
        }
        looked => looked
            .and_then(|found| found)
            .map_err(|e| link_error_page(app, t, &e)),
    }
}

/// Looking never changes anything: mail scanners open links before people do.
pub(super) async fn reset_page(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Browser(t): Browser,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Response {
    let ip = client_ip(&app.config.trusted_proxies, peer, &headers);
    match open_link(&app, &t, ip, &query.token).await {
        Ok((token, link)) => html(StatusCode::OK, Reset::new(&app, &link, &token)),
        Err(page) => page,
    }
}

#[derive(Deserialize)]
pub(super) struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
}

/// Sets the password, ends every other session of the user, logs them in.
pub(super) async fn reset_submit(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Browser(browser): Browser,
    headers: HeaderMap,
    Form(form): Form<ResetForm>,
) -> Response {
    let ip = client_ip(&app.config.trusted_proxies, peer, &headers);
    let (token, link) = match open_link(&app, &browser, ip, &form.token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let t = app.texts_for(link.lang);
    if let Some(problem) = user::check_passwords(&form.password, &form.confirm_password) {
        let page = Reset {
            errors: field_errors(&t, [problem]),
            ..Reset::new(&app, &link, &token)
        };
        return html(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let new_password = NewPassword {
        password: form.password,
        confirm_password: form.confirm_password,
    };
    let using = token.clone();
    let lifetime = app.config.organization.session_ttl;
    let result = hashing(&app, move |conn| {
        let now = Utc::now();
        let user = resets::complete(conn, &using, &new_password, now)?;
        sessions::create(conn, user.id, lifetime, now)
    })
    .await;
    let Some(result) = result else {
        return busy(&app, &t);
    };
    match result {
        Ok(secret) => signed_in(&app, &app.config.organization.dashboard_url, &secret),
        Err(e) => link_error_page(&app, &t, &e),
    }
}
