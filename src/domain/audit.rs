//! The audit log: who did what to whom, and when. Every change appends an
//! entry in the transaction that makes it; `invitectl log` reads them back.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::{Database, Value};
use crate::error::Result;
use crate::{params, time};

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

/// One entry, as `invitectl log` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: i64,
    #[serde(serialize_with = "time::serialize")]
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: Option<String>,
}

/// Which entries to read; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// At this instant or later.
    pub since: Option<DateTime<Utc>>,
    /// Compared without regard to ASCII case, as every name is.
    pub actor: Option<String>,
    pub action: Option<String>,
    /// The address (or team, department) the entry is about.
    pub subject: Option<String>,
    /// The newest this many.
    pub limit: Option<u32>,
}

/// The entries that match, newest first; the database filters, orders and
/// limits them, so a long log is never read whole for a few lines.
pub fn list(conn: &Database, filter: &Filter) -> Result<Vec<Entry>> {
    // Each condition is our own text; only the values come from the user.
    let conditions: [(&str, Option<Value<'_>>); 4] = [
        (" AND at >= ?", filter.since.map(Value::Time)),
        (
            " AND lower(actor) = lower(?)",
            filter.actor.as_deref().map(|t| Value::Text(t.trim())),
        ),
        (
            " AND lower(action) = lower(?)",
            filter.action.as_deref().map(|t| Value::Text(t.trim())),
        ),
        (
            " AND lower(subject) = lower(?)",
            filter.subject.as_deref().map(|t| Value::Text(t.trim())),
        ),
    ];
    let mut sql =
        String::from("SELECT id, at, actor, action, subject, detail FROM audit_log WHERE 1 = 1");
    let mut values = Vec::new();
    for (template, value) in conditions {
        if let Some(value) = value {
            bind(&mut sql, &mut values, template, value);
        }
    }
    sql.push_str(" ORDER BY at DESC, id DESC");
    if let Some(limit) = filter.limit {
        bind(
            &mut sql,
            &mut values,
            " LIMIT ?",
            Value::Int(i64::from(limit)),
        );
    }
    conn.query(&sql, &values, |row| {
        Ok(Entry {
            id: row.get(0)?,
            at: row.get(1)?,
            actor: row.get(2)?,
            action: row.get(3)?,
            subject: row.get(4)?,
            detail: row.get(5)?,
        })
    })
}

/// Appends `template` to `sql` with its `?` numbered as the next parameter.
fn bind<'a>(sql: &mut String, values: &mut Vec<Value<'a>>, template: &str, value: Value<'a>) {
    values.push(value);
    sql.push_str(&template.replace('?', &format!("?{}", values.len())));
}

/// The actions invitectl writes, as docs/reference.md lists them.
pub const ACTIONS: &[&str] = &[
    "invite",
    "resend",
    "cancel",
    "accept",
    "login",
    "failed login",
    "logout",
    "edit",
    "deactivate",
    "reactivate",
    "team add",
    "team remove",
    "department add",
    "department remove",
    "reset requested",
    "password reset",
    "rate limited",
    "hook",
    "hook retry",
    "hooks sync",
];

/// The actions there are: those invitectl writes and any other the log
/// holds (from an older or newer invitectl), for naming the closest when a
/// filter names none of them.
pub fn actions(conn: &Database) -> Result<Vec<String>> {
    let mut known: Vec<String> = ACTIONS.iter().map(|a| a.to_string()).collect();
    let logged: Vec<String> = conn.query("SELECT DISTINCT action FROM audit_log", &[], |row| {
        row.get(0)
    })?;
    for action in logged {
        if !known.contains(&action) {
            known.push(action);
        }
    }
    Ok(known)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::db;

    #[test]
    fn the_log_is_filtered_ordered_and_limited_by_the_database_on_either_engine() {
        let conn = db::for_tests();
        let at = |hour| Utc.with_ymd_and_hms(2026, 3, 1, hour, 0, 0).unwrap();
        for (hour, actor, action, subject) in [
            (9, "root", "invite", "ann@acme.example"),
            (10, "Ann@Acme.example", "login", "ann@acme.example"),
            (11, "root", "team add", "ops"),
            (12, "alice", "invite", "bob@acme.example"),
        ] {
            record(&conn, at(hour), actor, action, subject).unwrap();
        }
        record_detail(
            &conn,
            at(8),
            "root",
            "edit",
            "ann@acme.example",
            Some("role: a -> b"),
        )
        .unwrap();
        let subjects = |filter: Filter| -> Vec<String> {
            list(&conn, &filter)
                .unwrap()
                .into_iter()
                .map(|entry| format!("{} {}", entry.action, entry.subject))
                .collect()
        };
        // Newest first by time, whatever order they were written in.
        assert_eq!(
            subjects(Filter::default()),
            [
                "invite bob@acme.example",
                "team add ops",
                "login ann@acme.example",
                "invite ann@acme.example",
                "edit ann@acme.example",
            ]
        );
        assert_eq!(
            subjects(Filter {
                since: Some(at(10)),
                limit: Some(2),
                ..Filter::default()
            }),
            ["invite bob@acme.example", "team add ops"]
        );
        assert_eq!(
            subjects(Filter {
                actor: Some("ann@ACME.example".into()),
                ..Filter::default()
            }),
            ["login ann@acme.example"]
        );
        assert_eq!(
            subjects(Filter {
                action: Some(" INVITE ".into()),
                subject: Some("ANN@acme.example".into()),
                ..Filter::default()
            }),
            ["invite ann@acme.example"]
        );
        let edit = list(
            &conn,
            &Filter {
                action: Some("edit".into()),
                ..Filter::default()
            },
        )
        .unwrap();
        assert_eq!(edit[0].detail.as_deref(), Some("role: a -> b"));
        assert_eq!(edit[0].at, at(8));
        let known = actions(&conn).unwrap();
        assert!(known.iter().any(|a| a == "failed login"), "{known:?}");
    }
}
