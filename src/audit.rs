use crate::db::{Database, Value};
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

/// One entry for each of `subjects`, in one statement.
pub fn record_all<'a>(
    conn: &Database,
    now: DateTime<Utc>,
    actor: &str,
    action: &str,
    subjects: impl Iterator<Item = &'a str>,
) -> Result<()> {
    let subjects: Vec<&str> = subjects.collect();
    for chunk in subjects.chunks(500) {
        let values: Vec<Value> = chunk
            .iter()
            .flat_map(|subject| {
                [
                    Value::Time(now),
                    Value::Text(actor),
                    Value::Text(action),
                    Value::Text(subject),
                ]
            })
            .collect();
        conn.execute(
            &format!(
                "INSERT INTO audit_log (at, actor, action, subject) VALUES {}",
                crate::db::row_slots(chunk.len(), 4)
            ),
            &values,
        )?;
    }
    Ok(())
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
