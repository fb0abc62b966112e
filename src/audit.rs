use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::error::Result;
use crate::time::stamp;

/// Appends "who did what to whom" inside the caller's transaction.
pub fn record(
    conn: &Connection,
    now: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: &str,
) -> Result<()> {
    record_detail(conn, now, actor, action, subject, None)
}

/// The same, with a detail such as the client's address.
pub fn record_detail(
    conn: &Connection,
    now: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((stamp(now), actor, action, subject, detail))?;
    Ok(())
}
