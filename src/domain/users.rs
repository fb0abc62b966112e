//! The user directory: pending users come from invitations, active ones from accepting.

use chrono::{DateTime, Utc};

use crate::config::Organization;
use crate::db::Database;
use crate::domain::audit;
use crate::domain::change::Change;
use crate::domain::directory::{self, Group};
use crate::domain::hook_events;
use crate::domain::user::{self, User, UserStatus, find_by_email, not_found};
use crate::error::{Error, Result};
use crate::params;

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
        return Err(not_found(&tx, email)?);
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
        user::end_sessions(&tx, user.id)?;
        // Or a link mailed before would work again after a reactivation.
        tx.execute(
            "UPDATE password_resets SET status = 'replaced' WHERE user_id = ?1 AND status = 'pending'",
            params![user.id],
        )?;
    }
    let (action, event) = match wanted {
        UserStatus::Inactive => ("deactivate", hook_events::Event::Deactivated),
        _ => ("reactivate", hook_events::Event::Reactivated),
    };
    audit::record(&tx, now, actor, action, &user.email)?;
    hook_events::record(&tx, event, user.id, actor, now)?;
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
    pub lang: Option<crate::i18n::Lang>,
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
        Some(value) => match user::check_name(label, value) {
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
        Some(role) => match org.role_index(role) {
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
        return Err(Error::Invalid(crate::error::problems(problems)));
    }

    // The user and their pending invitation, if any, get the same values.
    tx.execute(
        "UPDATE users SET role = ?2, department_id = ?3, first_name = ?4, last_name = ?5, lang = ?6
         WHERE id = ?1",
        params![
            before.id,
            &role,
            department,
            first_name.as_deref(),
            last_name.as_deref(),
            wanted.lang.or(before.lang).map(|lang| lang.code())
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
    let after = user::get(tx, before.id)?;
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
    hook_events::record_all(
        tx,
        hook_events::Event::Changed,
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
        (
            "language",
            before.lang.map(|lang| lang.to_string()),
            after.lang.map(|lang| lang.to_string()),
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
