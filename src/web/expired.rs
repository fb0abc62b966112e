//! The Invitation Expired page, with "Send me a new link" as
//! `[organization] renew` allows, and the other pages of a link that does
//! not open.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::App;
use super::respond::{error_page, html};
use crate::config::RenewPolicy;
use crate::error::Error;
use crate::mail::message::human_time;

#[derive(Template)]
#[template(path = "web/expired.html")]
pub(super) struct Expired<'a> {
    organization: &'a str,
    expired: String,
    token: &'a str,
    /// `renew = "auto"`: the link comes at once, not through an admin.
    auto: bool,
    contact: Option<&'a str>,
}

/// The page for a link that does not open: the Invitation Expired page
/// with its "Send me a new link" button unless `[organization] renew` is
/// off; any other the page it has always had.
pub(super) fn refused_page(app: &App, error: &Error, token: &str) -> Response {
    match error {
        Error::Expired { expired_at, .. } if app.config.followup.renew != RenewPolicy::Off => {
            expired_page(app, *expired_at, token)
        }
        _ => error_page(app, error),
    }
}

pub(super) fn expired_page(app: &App, expired_at: DateTime<Utc>, token: &str) -> Response {
    let page = Expired {
        organization: &app.config.organization.name,
        expired: human_time(expired_at),
        token,
        auto: app.config.followup.renew == RenewPolicy::Auto,
        contact: app.config.organization.contact.as_deref(),
    };
    html(StatusCode::GONE, page)
}
