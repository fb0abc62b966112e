//! The lifecycle rules: invite, resend, cancel, accept, and what status an
//! invitation has at a given instant. Nothing here prints or reads the clock.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::Organization;
use crate::db::{self, Database, Row, Value};
use crate::domain::audit;
use crate::domain::directory::{self, Group};
use crate::domain::hook_events;
use crate::domain::user;
use crate::domain::user::{Field, Problem, User, check_name, check_names, check_passwords};
use crate::error::{Error, Result, problems};
use crate::i18n::Lang;
use crate::time::{self, stamp};
use crate::token::Token;
use crate::{address, params, password, suggest};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Expired,
    Accepted,
    Cancelled,
    /// Replaced by a resend: history, shown only by `invitectl show`.
    Superseded,
}

impl Status {
    /// Every status `list` shows; superseded invitations are history.
    pub const ALL: [Status; 4] = [
        Status::Pending,
        Status::Expired,
        Status::Accepted,
        Status::Cancelled,
    ];
}

crate::stored_words!(Status {
    Pending => "pending",
    Expired => "expired",
    Accepted => "accepted",
    Cancelled => "cancelled",
    Superseded => "superseded",
} else Cancelled);

/// One invitation as `list` shows it; JSON shows times as RFC 3339 UTC.
#[derive(Debug, Clone, Serialize)]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub department: Option<String>,
    pub teams: Vec<String>,
    pub invited_by: String,
    #[serde(serialize_with = "time::serialize")]
    pub sent_at: DateTime<Utc>,
    #[serde(serialize_with = "time::serialize")]
    pub expires_at: DateTime<Utc>,
    pub status: Status,
    pub delivery: String,
    #[serde(serialize_with = "time::serialize_optional")]
    pub accepted_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "time::serialize_optional")]
    pub cancelled_at: Option<DateTime<Utc>>,
    /// When `remind` mailed its reminder.
    #[serde(serialize_with = "time::serialize_optional")]
    pub reminded_at: Option<DateTime<Utc>>,
    /// When a valid link of it was first opened: a hint, not a status.
    #[serde(serialize_with = "time::serialize_optional")]
    pub opened_at: Option<DateTime<Utc>>,
    /// When the invitee asked for a new link (`[organization] renew = "admin"`).
    #[serde(serialize_with = "time::serialize_optional")]
    pub renewal_requested_at: Option<DateTime<Utc>>,
    /// The language its invitee reads, when one was chosen (`--lang`).
    #[serde(skip)]
    pub lang: Option<Lang>,
}

/// The one expiry rule, as SQL over an invitation `i`: it expires when its
/// window ends, and nothing needs to run for that. Every statement that uses
/// it binds the current instant as `?1`.
macro_rules! expired {
    () => {
        "i.expires_at <= ?1"
    };
}

/// The status a person sees: a pending invitation past its window is expired.
macro_rules! status {
    () => {
        concat!(
            "CASE WHEN i.status = 'pending' AND ",
            expired!(),
            " THEN 'expired' ELSE i.status END"
        )
    };
}

/// An invitation `i` whose mail failed or never went out, and that no live
/// process is sending right now (`?1` is the current instant).
macro_rules! undelivered {
    () => {
        "(i.delivery <> 'sent' AND NOT EXISTS
            (SELECT 1 FROM senders s WHERE s.id = i.sender_id AND s.expires_at > ?1))"
    };
}

/// The columns of `Invitation`, with the status derived from the clock (`?1`).
macro_rules! select {
    () => {
        concat!(
            "SELECT i.id, i.email, i.role, d.name,
               (SELECT group_concat(t.name, ',') FROM invitation_teams it
                  JOIN teams t ON t.id = it.team_id WHERE it.invitation_id = i.id),
               i.invited_by, i.sent_at, i.expires_at, ",
            status!(),
            ", i.delivery, i.accepted_at, i.cancelled_at,
               i.reminded_at, i.opened_at, i.renewal_requested_at,
               (SELECT u.lang FROM users u WHERE u.id = i.user_id)
            FROM invitations i LEFT JOIN departments d ON d.id = i.department_id"
        )
    };
}

const SELECT: &str = select!();

/// A stored language code; one this version does not know reads as none.
pub(crate) fn lang_of(code: Option<String>) -> Option<Lang> {
    code.as_deref().and_then(Lang::from_tag)
}

fn from_row(row: &Row<'_>) -> Result<Invitation> {
    let teams: Option<String> = row.get(4)?;
    let status: String = row.get(8)?;
    Ok(Invitation {
        id: row.get(0)?,
        email: row.get(1)?,
        role: row.get(2)?,
        department: row.get(3)?,
        teams: crate::domain::user::team_names(teams),
        invited_by: row.get(5)?,
        sent_at: row.get(6)?,
        expires_at: row.get(7)?,
        status: Status::from_db(&status),
        delivery: row.get(9)?,
        accepted_at: row.get(10)?,
        cancelled_at: row.get(11)?,
        reminded_at: row.get(12)?,
        opened_at: row.get(13)?,
        renewal_requested_at: row.get(14)?,
        lang: lang_of(row.get(15)?),
    })
}

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Empty means the default: pending, expired and accepted.
    pub statuses: Vec<Status>,
    /// Only those sent before this instant (`--older-than`).
    pub sent_before: Option<DateTime<Utc>>,
}

/// The invitations an admin follows up on; superseded ones are history and never listed.
pub fn list(conn: &Database, filter: &ListFilter, now: DateTime<Utc>) -> Result<Vec<Invitation>> {
    let statuses = if filter.statuses.is_empty() {
        vec![Status::Pending, Status::Expired, Status::Accepted]
    } else {
        filter.statuses.clone()
    };
    // All of them need no test.
    let only = if Status::ALL.iter().all(|s| statuses.contains(s)) {
        String::new()
    } else {
        let wanted = db::word_list(statuses.iter().map(|s| s.as_str()));
        format!("AND {} IN ({wanted})", status!())
    };
    let before = match filter.sent_before {
        Some(_) => "AND i.sent_at < ?2",
        None => "",
    };
    let sql = format!("{SELECT} WHERE i.status <> 'superseded' {only} {before} ORDER BY i.id");
    match filter.sent_before {
        Some(before) => conn.query(&sql, params![now, before], from_row),
        None => conn.query(&sql, params![now], from_row),
    }
}

/// How many invitations there are of each status as `list` shows it
/// (superseded links are history, not counted); every status is named.
pub fn count_by_status(conn: &Database, now: DateTime<Utc>) -> Result<BTreeMap<Status, i64>> {
    let sql = format!(
        "SELECT {} AS shown, count(*) FROM invitations i WHERE i.status <> 'superseded' GROUP BY shown",
        status!()
    );
    let mut counts: BTreeMap<Status, i64> = Status::ALL.into_iter().map(|s| (s, 0)).collect();
    let rows = conn.query(&sql, params![now], |row| {
        Ok((Status::from_db(&row.get::<String>(0)?), row.get(1)?))
    })?;
    counts.extend(rows);
    Ok(counts)
}

mod accept;
mod check;
mod invite;
mod leases;
mod record;
mod resend;
#[cfg(test)]
mod tests;

pub use accept::*;
use check::*;
pub use invite::*;
pub use leases::*;
pub use record::*;
pub use resend::*;
