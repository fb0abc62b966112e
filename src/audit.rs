use crate::db::Database;
use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::params;

/// Appends "who did what to whom" inside the caller's transaction.
pub fn record(
    conn: &Database,
    now: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: &str,
) -> Result<()> {
    record_detail(conn, now, actor, action, subject, None)
}

/// The same, with a detail such as the client's address.
pub fn record_detail(
    conn: &Database,
    now: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now, actor, action, subject, detail],
    )?;
    Ok(())
}
