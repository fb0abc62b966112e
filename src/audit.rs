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
    conn.prepare_cached(
        "INSERT INTO audit_log (at, actor, action, subject) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((stamp(now), actor, action, subject))?;
    Ok(())
}
