//! An invitation link as a page finds it: looked up by its token (a bad one
//! counted against the client), and its first opening recorded.

use std::net::IpAddr;

use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use super::Shared;
use super::expired::refused_page;
use super::limiter::{self, Attempt};
use super::pools::{reading, writing};
use super::respond::{error_page, too_many};
use crate::domain::invitations::{self, Invitation};
use crate::domain::reminders;
use crate::error::Error;
use crate::i18n::Texts;
use crate::token::Token;

#[derive(Deserialize)]
pub(super) struct TokenQuery {
    #[serde(default)]
    pub(super) token: String,
}

/// Looks an invitation up; a bad token counts against the client's address.
/// A good token only reads, so pages open even while another process writes.
/// A link that does not open says so in `t`, the browser's language (an
/// expired one in its invitee's).
pub(super) async fn open_invitation(
    app: &Shared,
    t: &Texts,
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
                Ok(true) => Err(refused_page(app, t, &e, shown_token)),
                Ok(false) => Err(too_many(app, t)),
                Err(e) => Err(error_page(app, t, &e)),
            }
        }
        looked => looked
            .and_then(|found| found)
            .map_err(|e| error_page(app, t, &e)),
    }
}

/// Records the first opening of a valid link. Only called when the row
/// read said it had never been opened, so a link opened again stays a read.
pub(super) async fn record_opened(app: &Shared, invitation_id: i64) {
    let recorded = writing(app, move |tx| {
        reminders::record_opened(tx, invitation_id, Utc::now())
    })
    .await;
    if let Err(e) = recorded {
        eprintln!("warning: could not record that an invitation link was opened: {e}");
    }
}
