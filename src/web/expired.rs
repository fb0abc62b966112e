//! The Invitation Expired page, with "Send me a new link" as
//! `[organization] renew` allows, and the other pages of a link that does
//! not open.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::App;
use super::respond::{contact, error_page, html};
use crate::config::RenewPolicy;
use crate::error::Error;
use crate::i18n::{Arg, Texts};

#[derive(Template)]
#[template(path = "web/expired.html")]
pub(super) struct Expired<'a> {
    t: Texts,
    organization: &'a str,
    expired_at: DateTime<Utc>,
    token: &'a str,
    /// `renew = "auto"`: the link comes at once, not through an admin.
    auto: bool,
    /// "Please contact …", as HTML.
    contact_sentence: String,
}

impl Expired<'_> {
    fn expired_on(&self) -> String {
        let date = self.t.date_time(self.expired_at);
        self.t.text("expired-on", &[("date", Arg::Text(&date))])
    }
}

/// The page for a link that does not open: the Invitation Expired page
/// (in its invitee's language) with its "Send me a new link" button unless
/// `[organization] renew` is off; any other the page it has always had.
pub(super) fn refused_page(app: &App, t: &Texts, error: &Error, token: &str) -> Response {
    match error {
        Error::Expired {
            expired_at, lang, ..
        } if app.config.followup.renew != RenewPolicy::Off => {
            expired_page(app, &app.texts_for(*lang), *expired_at, token)
        }
        _ => error_page(app, t, error),
    }
}

pub(super) fn expired_page(
    app: &App,
    t: &Texts,
    expired_at: DateTime<Utc>,
    token: &str,
) -> Response {
    let page = Expired {
        t: *t,
        organization: &app.config.organization.name,
        expired_at,
        token,
        auto: app.config.followup.renew == RenewPolicy::Auto,
        contact_sentence: contact(app, t, "expired-contact"),
    };
    html(StatusCode::GONE, page)
}
