//! The answers every page group shares: a rendered page, a message page,
//! the error pages (404, 410, 429, 503, 403) and form errors at their fields.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;

use super::pools::blocking;
use super::{App, Shared, pages};
use crate::domain::user::Field;
use crate::error::{Error, StorageKind};

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
    status: StatusCode,
    title: &str,
    paragraphs: Vec<String>,
    link: Option<(&str, &str)>,
) -> Response {
    let paragraphs = paragraphs.into_iter().map(pages::Paragraph::from).collect();
    message_with(app, status, title, paragraphs, link)
}

pub(super) fn message_with(
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
pub(super) fn contact(app: &App, before: &str, after: &str) -> pages::Paragraph {
    pages::Paragraph::Contact {
        before: before.into(),
        contact: app.config.organization.contact.clone(),
        after: after.into(),
    }
}

/// The one place an error becomes an HTTP status and a page.
pub(super) fn error_page(app: &App, error: &Error) -> Response {
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

pub(super) fn too_many(app: &App) -> Response {
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

pub(super) fn busy(app: &App) -> Response {
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

pub(super) fn field_errors(
    problems: impl IntoIterator<Item = (Field, String)>,
) -> pages::FieldErrors {
    let errors = problems
        .into_iter()
        .map(|(field, problem)| pages::FieldError {
            id: field_id(field),
            message: capitalized(&problem),
        });
    pages::FieldErrors(errors.collect())
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

pub(super) fn capitalized(sentence: &str) -> String {
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}
