//! End dates: an account ends at 00:00 UTC of its end date. The check at
//! login and on every session (`/auth`) is part of their one read
//! (`sessions`); this module holds the conversions and the writes.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::Database;
use crate::domain::audit;
use crate::domain::hook_events;
use crate::domain::user::User;
use crate::error::Result;
use crate::params;

/// The instant an account with end date `date` ends: 00:00 UTC that day.
pub fn ends_at(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
}

/// The end date of a stored `ends_at`.
pub fn date_of(ends_at: Option<DateTime<Utc>>) -> Option<NaiveDate> {
    ends_at.map(|at| at.date_naive())
}

/// Sets (or with `None` clears) a user's end date in the caller's write
/// transaction, audited as `end_date` with a `user.changed` event. Returns
/// whether it changed.
pub fn set(
    tx: &Database,
    user: &User,
    date: Option<NaiveDate>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    if user.end_date == date {
        return Ok(false);
    }
    tx.execute(
        "UPDATE users SET ends_at = ?2, end_warned_at = NULL WHERE id = ?1",
        params![user.id, date.map(ends_at)],
    )?;
    audit::record(tx, now, actor, "end_date", &user.email)?;
    hook_events::record(tx, hook_events::Event::Changed, user.id, actor, now)?;
    Ok(true)
}

/// `end_date` in JSON: `"2027-03-31"` or null.
pub fn serialize<S: serde::Serializer>(
    date: &Option<NaiveDate>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    match date {
        Some(date) => serializer.collect_str(date),
        None => serializer.serialize_none(),
    }
}

/// The active users whose end has come by `now`: what `users expire` deactivates.
pub fn ended(conn: &Database, now: DateTime<Utc>) -> Result<Vec<String>> {
    conn.query(
        "SELECT email FROM users WHERE status = 'active' AND ends_at IS NOT NULL AND ends_at <= ?1
         ORDER BY id",
        params![now],
        |row| row.get(0),
    )
}
