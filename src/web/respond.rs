//! The answers every page group shares: a rendered page, a message page,
//! the error pages (404, 410, 429, 503, 403) and form errors at their fields.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;

use super::language::Browser;
use super::pools::blocking;
use super::{App, Shared, pages};
use crate::domain::user::{Field, MAX_NAME_CHARS, Problem};
use crate::error::{Error, StorageKind};
use crate::i18n::{Arg, Texts, escape_html};
use crate::password::{self, PasswordProblem};

pub(super) fn html(status: StatusCode, page: impl Template) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            eprintln!("error: cannot render a page: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub(super) fn message(
    app: &App,
    t: &Texts,
    status: StatusCode,
    title: &str,
    paragraphs: Vec<String>,
    link: Option<(&str, &str)>,
) -> Response {
    let page = pages::Message {
        t: *t,
        organization: &app.config.organization.name,
        title: t.get(title),
        paragraphs,
        link: link.map(|(href, key)| (href, t.get(key))),
    };
    html(status, page)
}

/// A paragraph of a message page: the message `key` as HTML, without variables.
pub(super) fn paragraph(t: &Texts, key: &str) -> String {
    t.html(key, &[])
}

/// A sentence that names who to write to: `[organization] contact` as a
/// mailto link, or "your administrator".
pub(super) fn contact(app: &App, t: &Texts, key: &str) -> String {
    let markup = match &app.config.organization.contact {
        Some(address) => {
            let address = escape_html(address);
            format!("<a href=\"mailto:{address}\">{address}</a>")
        }
        None => escape_html(t.get("your-administrator")),
    };
    t.html(key, &[("contact", Arg::Markup(&markup))])
}

/// The one place an error becomes an HTTP status and a page.
pub(super) fn error_page(app: &App, t: &Texts, error: &Error) -> Response {
    match error {
        Error::InvalidToken => message(
            app,
            t,
            StatusCode::NOT_FOUND,
            "invalid-title",
            vec![
                paragraph(t, "invalid-text"),
                contact(app, t, "invalid-contact"),
            ],
            Some(("/login", "invalid-log-in")),
        ),
        Error::AlreadyAccepted => message(
            app,
            t,
            StatusCode::NOT_FOUND,
            "used-title",
            vec![
                paragraph(t, "used-text"),
                paragraph(t, "used-log-in"),
                contact(app, t, "used-contact"),
            ],
            Some(("/login", "link-log-in")),
        ),
        Error::Expired {
            expired_at, lang, ..
        } => {
            let t = &app.texts_for(*lang);
            let date = t.date_time(*expired_at);
            message(
                app,
                t,
                StatusCode::GONE,
                "expired-title",
                vec![
                    t.html("expired-on", &[("date", Arg::Text(&date))]),
                    contact(app, t, "expired-contact"),
                ],
                None,
            )
        }
        Error::Storage {
            kind: StorageKind::Unavailable,
            ..
        } => {
            eprintln!("error: {error}");
            message(
                app,
                t,
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable-title",
                vec![paragraph(t, "unavailable-text")],
                None,
            )
        }
        _ => {
            eprintln!("error: {error}");
            message(
                app,
                t,
                StatusCode::INTERNAL_SERVER_ERROR,
                "failed-title",
                vec![paragraph(t, "failed-text")],
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

pub(super) fn too_many(app: &App, t: &Texts) -> Response {
    message(
        app,
        t,
        StatusCode::TOO_MANY_REQUESTS,
        "too-many-title",
        vec![paragraph(t, "too-many-text")],
        None,
    )
}

pub(super) fn forbidden(app: &App, t: &Texts) -> Response {
    message(
        app,
        t,
        StatusCode::FORBIDDEN,
        "refused-title",
        vec![paragraph(t, "refused-text")],
        None,
    )
}

pub(super) fn busy(app: &App, t: &Texts) -> Response {
    message(
        app,
        t,
        StatusCode::SERVICE_UNAVAILABLE,
        "busy-title",
        vec![paragraph(t, "busy-text")],
        None,
    )
}

pub(super) async fn not_found(State(app): State<Shared>, Browser(t): Browser) -> Response {
    message(
        &app,
        &t,
        StatusCode::NOT_FOUND,
        "not-found-title",
        vec![paragraph(&t, "not-found-text")],
        Some(("/login", "link-log-in")),
    )
}

/// Each problem of a form at its field, in the reader's language.
pub(super) fn field_errors(
    t: &Texts,
    problems: impl IntoIterator<Item = (Field, Problem)>,
) -> pages::FieldErrors {
    let errors = problems
        .into_iter()
        .map(|(field, problem)| pages::FieldError {
            id: field_id(field),
            message: problem_text(t, field, problem),
        });
    pages::FieldErrors(errors.collect())
}

/// A problem with a field, as the reader reads it.
pub(super) fn problem_text(t: &Texts, field: Field, problem: Problem) -> String {
    let name_key = |first: &'static str, last: &'static str| match field {
        Field::FirstName => first,
        _ => last,
    };
    let (key, value) = match problem {
        Problem::NameRequired => (
            name_key("problem-first-name-required", "problem-last-name-required"),
            None,
        ),
        Problem::NameTooLong => (
            name_key("problem-first-name-too-long", "problem-last-name-too-long"),
            Some(("max", MAX_NAME_CHARS as i64)),
        ),
        Problem::Password(PasswordProblem::TooShort) => (
            "problem-password-too-short",
            Some(("min", password::MIN_CHARS as i64)),
        ),
        Problem::Password(PasswordProblem::TooLong) => (
            "problem-password-too-long",
            Some(("max", password::MAX_BYTES as i64)),
        ),
        Problem::Password(PasswordProblem::Blank) => ("problem-password-blank", None),
        Problem::Password(PasswordProblem::Common) => ("problem-password-common", None),
        Problem::Password(PasswordProblem::Mismatch) => ("problem-passwords-differ", None),
    };
    match value {
        Some((name, n)) => t.text(key, &[(name, Arg::Number(n))]),
        None => t.get(key).to_string(),
    }
}

/// The `id` (and `name`) of a field of a form that sets a password.
pub(super) fn field_id(field: Field) -> &'static str {
    match field {
        Field::FirstName => "first_name",
        Field::LastName => "last_name",
        Field::Password => "password",
        Field::ConfirmPassword => "confirm_password",
    }
}
