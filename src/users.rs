//! The user directory: pending users come from invitations, active ones from accepting.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::{Database, Row};
use crate::error::{Error, Result};
use crate::{address, audit, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    Pending,
    Active,
    Inactive,
}

impl UserStatus {
    pub const ALL: [UserStatus; 3] = [
        UserStatus::Pending,
        UserStatus::Active,
        UserStatus::Inactive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Pending => "pending",
            UserStatus::Active => "active",
            UserStatus::Inactive => "inactive",
        }
    }

    fn from_db(text: &str) -> UserStatus {
        match text {
            "active" => UserStatus::Active,
            "inactive" => UserStatus::Inactive,
            _ => UserStatus::Pending,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: String,
    pub department: Option<String>,
    pub teams: Vec<String>,
    pub status: UserStatus,
    #[serde(serialize_with = "crate::time::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::time::serialize_optional")]
    pub activated_at: Option<DateTime<Utc>>,
}

impl User {
    pub fn full_name(&self) -> String {
        [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

const SELECT: &str = "
    SELECT u.id, u.email, u.first_name, u.last_name, u.role, d.name,
           (SELECT group_concat(t.name, ',' ORDER BY lower(t.name)) FROM user_teams ut
              JOIN teams t ON t.id = ut.team_id WHERE ut.user_id = u.id),
           u.status, u.created_at, u.activated_at
    FROM users u LEFT JOIN departments d ON d.id = u.department_id";

fn from_row(row: &Row<'_>) -> Result<User> {
    let teams: Option<String> = row.get(6)?;
    let status: String = row.get(7)?;
    Ok(User {
        id: row.get(0)?,
        email: row.get(1)?,
        first_name: row.get(2)?,
        last_name: row.get(3)?,
        role: row.get(4)?,
        department: row.get(5)?,
        teams: teams
            .map(|t| t.split(',').map(str::to_owned).collect())
            .unwrap_or_default(),
        status: UserStatus::from_db(&status),
        created_at: row.get(8)?,
        activated_at: row.get(9)?,
    })
}

/// Users with one of `statuses`, or every user when it is empty.
pub fn list(conn: &Database, statuses: &[UserStatus]) -> Result<Vec<User>> {
    let wanted = if statuses.is_empty() {
        &UserStatus::ALL[..]
    } else {
        statuses
    };
    // The statuses are our own words, never user text.
    let wanted: Vec<String> = wanted.iter().map(|s| format!("'{}'", s.as_str())).collect();
    conn.query(
        &format!(
            "{SELECT} WHERE u.status IN ({}) ORDER BY u.id",
            wanted.join(", ")
        ),
        &[],
        from_row,
    )
}

pub fn get(conn: &Database, id: i64) -> Result<User> {
    conn.query_one(&format!("{SELECT} WHERE u.id = ?1"), params![id], from_row)
}

pub fn find_by_email(conn: &Database, email: &str) -> Result<Option<User>> {
    let email = address::lookup_key(email);
    conn.query_row(
        &format!("{SELECT} WHERE u.email = ?1"),
        params![&email],
        from_row,
    )
}

/// The stored hash and status of a user, for logging in.
pub fn credentials(
    conn: &Database,
    email: &str,
) -> Result<Option<(i64, UserStatus, Option<String>)>> {
    let email = address::lookup_key(email);
    conn.query_row(
        "SELECT id, status, password_hash FROM users WHERE email = ?1",
        params![&email],
        |row| {
            let status: String = row.get(1)?;
            Ok((row.get(0)?, UserStatus::from_db(&status), row.get(2)?))
        },
    )
}

/// Whether a call changed anything; repeating one is not an error, so scripts can rerun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Done,
    AlreadySo,
}

/// Takes away an active user's access: their sessions end at once.
pub fn deactivate(
    conn: &mut Database,
    email: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Change> {
    set_status(conn, email, UserStatus::Inactive, actor, now)
}

pub fn reactivate(
    conn: &mut Database,
    email: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Change> {
    set_status(conn, email, UserStatus::Active, actor, now)
}

fn set_status(
    conn: &mut Database,
    email: &str,
    wanted: UserStatus,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Change> {
    let tx = conn.write()?;
    let Some(user) = find_by_email(&tx, email)? else {
        return Err(Error::Refused(format!(
            "there is no user {}; see `invitectl users list --status all`",
            email.trim()
        )));
    };
    if user.status == wanted {
        return Ok(Change::AlreadySo);
    }
    if user.status == UserStatus::Pending {
        return Err(Error::Refused(format!(
            "{} has not accepted their invitation yet; cancel it with `invitectl cancel {}`",
            user.email, user.email
        )));
    }
    let deactivated_at = (wanted == UserStatus::Inactive).then_some(now);
    tx.execute(
        "UPDATE users SET status = ?2, deactivated_at = ?3 WHERE id = ?1",
        params![user.id, wanted.as_str(), deactivated_at],
    )?;
    if wanted == UserStatus::Inactive {
        tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![user.id])?;
    }
    let action = match wanted {
        UserStatus::Inactive => "deactivate",
        _ => "reactivate",
    };
    audit::record(&tx, now, actor, action, &user.email)?;
    tx.commit()?;
    Ok(Change::Done)
}

/// How many users there are of each status; every status is named.
pub fn count_by_status(conn: &Database) -> Result<std::collections::BTreeMap<UserStatus, i64>> {
    let mut counts: std::collections::BTreeMap<UserStatus, i64> =
        UserStatus::ALL.into_iter().map(|s| (s, 0)).collect();
    let rows = conn.query(
        "SELECT status, count(*) FROM users GROUP BY status",
        &[],
        |row| Ok((UserStatus::from_db(&row.get::<String>(0)?), row.get(1)?)),
    )?;
    counts.extend(rows);
    Ok(counts)
}
