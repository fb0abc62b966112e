//! The user directory: pending users come from invitations, active ones from accepting.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::Organization;
use crate::db::{Database, Row};
use crate::directory::{self, Group};
use crate::error::{Error, Result};
use crate::{address, audit, hooks, invitations, params, suggest};

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
    /// The day the account ends (from 00:00 UTC), if it does.
    #[serde(serialize_with = "crate::end_dates::serialize")]
    pub end_date: Option<chrono::NaiveDate>,
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

/// Every field of a user, in one row; `u` is the users table.
pub(crate) const SELECT: &str = "
    SELECT u.id, u.email, u.first_name, u.last_name, u.role, d.name,
           (SELECT group_concat(t.name, ',') FROM user_teams ut
              JOIN teams t ON t.id = ut.team_id WHERE ut.user_id = u.id),
           u.status, u.created_at, u.activated_at, u.ends_at
    FROM users u LEFT JOIN departments d ON d.id = u.department_id";

pub(crate) fn from_row(row: &Row<'_>) -> Result<User> {
    let teams: Option<String> = row.get(6)?;
    let status: String = row.get(7)?;
    Ok(User {
        id: row.get(0)?,
        email: row.get(1)?,
        first_name: row.get(2)?,
        last_name: row.get(3)?,
        role: row.get(4)?,
        department: row.get(5)?,
        teams: crate::directory::team_names(teams),
        status: UserStatus::from_db(&status),
        created_at: row.get(8)?,
        activated_at: row.get(9)?,
        end_date: crate::end_dates::date_of(row.get(10)?),
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

/// What a login checks a password against, and the epoch its session must
/// still find (see [`crate::sessions::login`]).
pub struct Credentials {
    pub id: i64,
    pub status: UserStatus,
    pub password_hash: Option<String>,
    pub session_epoch: i64,
}

pub fn credentials(conn: &Database, email: &str) -> Result<Option<Credentials>> {
    let email = address::lookup_key(email);
    conn.query_row(
        "SELECT id, status, password_hash, session_epoch FROM users WHERE email = ?1",
        params![&email],
        |row| {
            let status: String = row.get(1)?;
            Ok(Credentials {
                id: row.get(0)?,
                status: UserStatus::from_db(&status),
                password_hash: row.get(2)?,
                session_epoch: row.get(3)?,
            })
        },
    )
}

/// Ends every session of a user, and every login still checking a password
/// it read before now.
pub fn end_sessions(conn: &Database, user_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ?1",
        params![user_id],
    )?;
    conn.execute("DELETE FROM sessions WHERE user_id = ?1", params![user_id])?;
    Ok(())
}

/// Whether a call changed anything; repeating one is not an error, so scripts can rerun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Done,
    AlreadySo,
}

/// Takes away an active user's access: their sessions and reset links end at once.
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
        end_sessions(&tx, user.id)?;
        // Or a link mailed before would work again after a reactivation.
        tx.execute(
            "UPDATE password_resets SET status = 'replaced' WHERE user_id = ?1 AND status = 'pending'",
            params![user.id],
        )?;
    }
    let (action, event) = match wanted {
        UserStatus::Inactive => ("deactivate", hooks::Event::Deactivated),
        _ => ("reactivate", hooks::Event::Reactivated),
    };
    audit::record(&tx, now, actor, action, &user.email)?;
    hooks::record(&tx, event, user.id, actor, now)?;
    tx.commit()?;
    Ok(Change::Done)
}

/// What `users edit` changes; a field left `None` stays as it is.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    pub role: Option<String>,
    /// `Some(None)` takes the department away.
    pub department: Option<Option<String>>,
    /// The teams the user is to be in, exactly; `Some(vec![])` takes every one away.
    pub teams: Option<Vec<String>>,
    /// Checked as the accept form checks it.
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// What an edit did: the user as they are now, and each change as
/// `what: before -> after`; no changes when everything was already so.
#[derive(Debug, Clone)]
pub struct Edited {
    pub user: User,
    pub changes: Vec<String>,
}

/// Changes a pending, active or inactive user's name, role, department or
/// teams, checked as `invite` checks them (and the name as `accept` does):
/// with any problem nothing is written, and each unknown name is named with
/// the closest known ones. A pending
/// user's pending invitation changes with them, so the accept page and a
/// resent mail show the new values; its link keeps working. An edit that
/// changes nothing writes nothing.
pub fn edit(
    conn: &mut Database,
    org: &Organization,
    email: &str,
    wanted: &Edit,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Edited> {
    let tx = conn.write()?;
    let Some(before) = find_by_email(&tx, email)? else {
        return Err(not_found(&tx, email)?);
    };
    let edited = edit_user(&tx, org, before, wanted, actor, now)?;
    // An edit that changed nothing is dropped, and rolls back: a rerun writes nothing.
    if !edited.changes.is_empty() {
        tx.commit()?;
    }
    Ok(edited)
}

/// [`edit`] of the user `before`, in the caller's write transaction, for a
/// caller that found the user another way (the dashboard, by its session).
/// Commit it only when there are changes.
pub fn edit_user(
    tx: &Database,
    org: &Organization,
    before: User,
    wanted: &Edit,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Edited> {
    let mut problems = Vec::new();
    let mut name = |label: &str, wanted: &Option<String>, current: &Option<String>| match wanted {
        Some(value) => match invitations::check_name(label, value) {
            Ok(value) => Some(value),
            Err(problem) => {
                problems.push(problem.to_string());
                current.clone()
            }
        },
        None => current.clone(),
    };
    let first_name = name("First Name", &wanted.first_name, &before.first_name);
    let last_name = name("Last Name", &wanted.last_name, &before.last_name);
    let role = match &wanted.role {
        Some(role) => match invitations::role_index(org, role) {
            Ok(index) => org.roles[index].clone(),
            Err(problem) => {
                problems.push(problem);
                before.role.clone()
            }
        },
        None => before.role.clone(),
    };
    let mut resolve = |group: Group, name: &str| match directory::resolve(tx, group, name) {
        Ok(id) => Ok(Some(id)),
        Err(Error::Invalid(problem)) => {
            problems.push(problem);
            Ok(None)
        }
        Err(other) => Err(other),
    };
    let department: Option<i64> = match &wanted.department {
        Some(Some(name)) => resolve(Group::Department, name)?,
        Some(None) => None,
        None => tx.query_one(
            "SELECT department_id FROM users WHERE id = ?1",
            params![before.id],
            |row| row.get(0),
        )?,
    };
    let teams: Option<Vec<i64>> = match &wanted.teams {
        Some(names) => {
            let mut ids = Vec::new();
            for name in names.iter().filter(|name| !name.trim().is_empty()) {
                if let Some(id) = resolve(Group::Team, name)?
                    && !ids.contains(&id)
                {
                    ids.push(id);
                }
            }
            Some(ids)
        }
        None => None,
    };
    if !problems.is_empty() {
        return Err(Error::Invalid(invitations::problems(problems)));
    }

    // The user and their pending invitation, if any, get the same values.
    tx.execute(
        "UPDATE users SET role = ?2, department_id = ?3, first_name = ?4, last_name = ?5 WHERE id = ?1",
        params![
            before.id,
            &role,
            department,
            first_name.as_deref(),
            last_name.as_deref()
        ],
    )?;
    tx.execute(
        "UPDATE invitations SET role = ?2, department_id = ?3 WHERE user_id = ?1 AND status = 'pending'",
        params![before.id, &role, department],
    )?;
    if let Some(teams) = &teams {
        tx.execute(
            "DELETE FROM user_teams WHERE user_id = ?1",
            params![before.id],
        )?;
        tx.execute(
            "DELETE FROM invitation_teams WHERE invitation_id IN
               (SELECT id FROM invitations WHERE user_id = ?1 AND status = 'pending')",
            params![before.id],
        )?;
        for team in teams {
            tx.execute(
                "INSERT INTO user_teams (user_id, team_id) VALUES (?1, ?2)",
                params![before.id, team],
            )?;
            tx.execute(
                "INSERT INTO invitation_teams (invitation_id, team_id)
                 SELECT id, ?2 FROM invitations WHERE user_id = ?1 AND status = 'pending'",
                params![before.id, team],
            )?;
        }
    }
    let after = get(tx, before.id)?;
    let changes = changes(&before, &after);
    if changes.is_empty() {
        return Ok(Edited {
            user: before,
            changes,
        });
    }
    audit::record_detail(
        tx,
        now,
        actor,
        "edit",
        &after.email,
        Some(&changes.join("; ")),
    )?;
    hooks::record_all(
        tx,
        hooks::Event::Changed,
        std::slice::from_ref(&after),
        actor,
        now,
    )?;
    Ok(Edited {
        user: after,
        changes,
    })
}

/// Each difference a person would see, as `what: before -> after`.
fn changes(before: &User, after: &User) -> Vec<String> {
    let shown = |text: Option<&str>| match text {
        Some(text) if !text.is_empty() => text.to_string(),
        _ => "(none)".to_string(),
    };
    let fields = [
        (
            "first name",
            before.first_name.clone(),
            after.first_name.clone(),
        ),
        (
            "last name",
            before.last_name.clone(),
            after.last_name.clone(),
        ),
        ("role", Some(before.role.clone()), Some(after.role.clone())),
        (
            "department",
            before.department.clone(),
            after.department.clone(),
        ),
        (
            "teams",
            Some(before.teams.join(", ")),
            Some(after.teams.join(", ")),
        ),
    ];
    fields
        .into_iter()
        .filter(|(_, old, new)| old != new)
        .map(|(what, old, new)| {
            format!(
                "{what}: {} -> {}",
                shown(old.as_deref()),
                shown(new.as_deref())
            )
        })
        .collect()
}

/// "There is no user …", with the closest known addresses (exit 3).
pub fn not_found(conn: &Database, email: &str) -> Result<Error> {
    let known: Vec<String> = conn.query("SELECT email FROM users", &[], |row| row.get(0))?;
    let close = suggest::closest_addresses(&address::lookup_key(email), &known);
    let hint = match close.as_slice() {
        [] => String::new(),
        close => format!(" (did you mean {}?)", close.join(" or ")),
    };
    Ok(Error::Refused(format!(
        "there is no user {}{hint}; see `invitectl users list --status all`",
        email.trim()
    )))
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
