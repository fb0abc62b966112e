//! End dates: an account ends at 00:00 UTC of its end date. The check at
//! login and on every session (`/auth`) is part of their one read
//! (`sessions`); this module holds the conversions and the writes.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::Database;
use crate::domain::audit;
use crate::domain::hook_events;
use crate::domain::user::User;
use crate::error::Result;
use crate::i18n::Lang;
use crate::{params, time};

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

/// A user to tell that their account ends soon.
#[derive(Debug, Clone)]
pub struct EndWarning {
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub end_date: NaiveDate,
    pub lang: Option<Lang>,
}

/// Claims the warning of each active user whose account ends within
/// `within` of `now` and who has not been warned for that date: marked
/// warned in the same statement, so two runs at once never warn anyone
/// twice. Audited as `end warned`.
pub fn claim_warnings(
    conn: &mut Database,
    within: std::time::Duration,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Vec<EndWarning>> {
    let tx = conn.write()?;
    let warnings = tx.query(
        "UPDATE users SET end_warned_at = ?1
         WHERE status = 'active' AND end_warned_at IS NULL AND ends_at IS NOT NULL
           AND ends_at > ?1 AND ends_at <= ?2
         RETURNING email, first_name, last_name, ends_at, lang",
        params![now, time::add(now, within)],
        |row| {
            Ok(EndWarning {
                email: row.get(0)?,
                first_name: row.get(1)?,
                last_name: row.get(2)?,
                end_date: row.get::<DateTime<Utc>>(3)?.date_naive(),
                lang: row
                    .get::<Option<String>>(4)?
                    .as_deref()
                    .and_then(Lang::from_tag),
            })
        },
    )?;
    let warned = warnings.iter().map(|w| w.email.as_str());
    audit::record_all(&tx, now, actor, "end warned", warned)?;
    tx.commit()?;
    Ok(warnings)
}

/// A warning whose mail did not go out is due again at the next run.
pub fn release_warning(conn: &Database, email: &str) -> Result<()> {
    conn.execute(
        "UPDATE users SET end_warned_at = NULL WHERE email = ?1",
        params![email],
    )?;
    Ok(())
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
