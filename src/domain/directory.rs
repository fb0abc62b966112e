//! Teams and departments that invitations may pre-assign.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::Database;
use crate::domain::audit;
use crate::domain::change::Change;
use crate::error::{Error, Result};
use crate::{params, suggest, time};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Team,
    Department,
}

impl Group {
    pub fn noun(self) -> &'static str {
        match self {
            Group::Team => "team",
            Group::Department => "department",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Group::Team => "teams",
            Group::Department => "departments",
        }
    }

    fn command(self) -> &'static str {
        match self {
            Group::Team => "teams",
            Group::Department => "departments",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub name: String,
    /// Users (pending included) assigned to it.
    pub users: i64,
    #[serde(serialize_with = "time::serialize")]
    pub created_at: DateTime<Utc>,
}

/// Team and department names: no commas or semicolons, since lists use them.
pub fn check_name(group: Group, raw: &str) -> Result<String> {
    let name = raw.trim();
    let problem = if name.is_empty() {
        Some("is empty")
    } else if name.chars().count() > 64 {
        Some("is longer than 64 characters")
    } else if name.contains([',', ';']) || name.chars().any(char::is_control) {
        Some("contains a comma, semicolon or control character")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(Error::Invalid(format!(
            "the {} name \"{}\" {problem}; choose another name",
            group.noun(),
            name.escape_default()
        ))),
        None => Ok(name.to_string()),
    }
}

pub fn names(conn: &Database, group: Group) -> Result<Vec<String>> {
    let sql = format!("SELECT name FROM {} ORDER BY lower(name)", group.table());
    conn.query(&sql, &[], |row| row.get(0))
}

/// The id of a known name, or an error naming the closest known ones.
pub fn resolve(conn: &Database, group: Group, name: &str) -> Result<i64> {
    let sql = format!(
        "SELECT id FROM {} WHERE lower(name) = lower(?1)",
        group.table()
    );
    let id = conn.query_row(&sql, params![name.trim()], |row| row.get(0))?;
    match id {
        Some(id) => Ok(id),
        None => Err(unknown(conn, group, name)?),
    }
}

/// The id of a name that must exist, as for `remove`: an unknown one is not
/// found (exit 3), with the closest known ones.
pub fn existing(conn: &Database, group: Group, name: &str) -> Result<i64> {
    resolve(conn, group, name).map_err(|error| match error {
        Error::Invalid(_) => match names(conn, group) {
            Ok(known) => Error::Refused(format!(
                "{}; see `invitectl {} list`",
                suggest::unknown(group.noun(), name.trim(), &known),
                group.command()
            )),
            Err(e) => e,
        },
        other => other,
    })
}

pub fn unknown(conn: &Database, group: Group, name: &str) -> Result<Error> {
    let known = names(conn, group)?;
    Ok(Error::Invalid(format!(
        "{}; add it with `invitectl {} add {}`",
        suggest::unknown(group.noun(), name.trim(), &known),
        group.command(),
        name.trim()
    )))
}

/// Adds a name; one that exists already (in any case) is left as it is and
/// returned as stored, so a rerun is a no-op.
pub fn add(
    conn: &mut Database,
    group: Group,
    raw: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(String, Change)> {
    let name = check_name(group, raw)?;
    let tx = conn.write()?;
    let sql = format!(
        "INSERT INTO {} (name, created_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        group.table()
    );
    if tx.execute(&sql, params![&name, now])? == 0 {
        let stored: String = tx.query_one(
            &format!(
                "SELECT name FROM {} WHERE lower(name) = lower(?1)",
                group.table()
            ),
            params![&name],
            |row| row.get(0),
        )?;
        return Ok((stored, Change::AlreadySo));
    }
    audit::record(&tx, now, actor, &format!("{} add", group.noun()), &name)?;
    tx.commit()?;
    Ok((name, Change::Done))
}

pub fn list(conn: &Database, group: Group) -> Result<Vec<Entry>> {
    let sql = match group {
        Group::Team => {
            "SELECT t.name, (SELECT count(*) FROM user_teams ut WHERE ut.team_id = t.id), t.created_at
             FROM teams t ORDER BY lower(t.name)"
        }
        Group::Department => {
            "SELECT d.name, (SELECT count(*) FROM users u WHERE u.department_id = d.id), d.created_at
             FROM departments d ORDER BY lower(d.name)"
        }
    };
    conn.query(sql, &[], |row| {
        Ok(Entry {
            name: row.get(0)?,
            users: row.get(1)?,
            created_at: row.get(2)?,
        })
    })
}

/// The id of one that [`remove`] may remove: it exists and no user or
/// pending invitation has it; otherwise the refusal that says what to do.
pub fn removable(conn: &Database, group: Group, name: &str) -> Result<i64> {
    let id = existing(conn, group, name)?;
    let (users, invitations): (i64, i64) = match group {
        Group::Team => conn.query_one(
            "SELECT (SELECT count(*) FROM user_teams WHERE team_id = ?1),
                    (SELECT count(*) FROM invitation_teams it JOIN invitations i ON i.id = it.invitation_id
                      WHERE it.team_id = ?1 AND i.status = 'pending')",
            params![id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?,
        Group::Department => conn.query_one(
            "SELECT (SELECT count(*) FROM users WHERE department_id = ?1),
                    (SELECT count(*) FROM invitations WHERE department_id = ?1 AND status = 'pending')",
            params![id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?,
    };
    if users > 0 || invitations > 0 {
        // A pending invitation follows its user's edit; one whose user is
        // gone can only be cancelled.
        let assigned: Vec<String> = conn.query(
            match group {
                Group::Team => {
                    "SELECT u.email FROM users u JOIN user_teams ut ON ut.user_id = u.id
                     WHERE ut.team_id = ?1 ORDER BY lower(u.email) LIMIT 3"
                }
                Group::Department => {
                    "SELECT email FROM users WHERE department_id = ?1 ORDER BY lower(email) LIMIT 3"
                }
            },
            params![id],
            |row| row.get(0),
        )?;
        let example = assigned.first().map_or("EMAIL", String::as_str);
        let more = users - assigned.len() as i64;
        let who = match (assigned.is_empty(), more) {
            (true, _) => String::new(),
            (false, 0) => format!(" ({})", assigned.join(", ")),
            (false, more) => format!(" ({} and {more} more)", assigned.join(", ")),
        };
        let (flag, none) = match group {
            Group::Team => ("--team OTHER", "--no-teams"),
            Group::Department => ("--department OTHER", "--no-department"),
        };
        return Err(Error::Refused(format!(
            "the {} \"{}\" is still assigned to {users} user(s){who} and {invitations} pending invitation(s); \
             reassign each of them first with `invitectl users edit {example} {flag}` (or {none}), \
             which also changes their pending invitation",
            group.noun(),
            name.trim()
        )));
    }
    Ok(id)
}

/// Removes an unused one; one still assigned to a user or a pending invitation is refused.
pub fn remove(
    conn: &mut Database,
    group: Group,
    name: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let tx = conn.write()?;
    let id = removable(&tx, group, name)?;
    // Only finished invitations still name it; they let go of it.
    tx.execute(
        match group {
            Group::Team => "DELETE FROM invitation_teams WHERE team_id = ?1",
            Group::Department => {
                "UPDATE invitations SET department_id = NULL WHERE department_id = ?1"
            }
        },
        params![id],
    )?;
    tx.execute(
        &format!("DELETE FROM {} WHERE id = ?1", group.table()),
        params![id],
    )?;
    audit::record(
        &tx,
        now,
        actor,
        &format!("{} remove", group.noun()),
        name.trim(),
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_names_come_in_the_order_the_database_sorts_them() {
        let conn = crate::db::for_tests();
        let names = [
            "ops", "Émile", "Zed", "b-team", "Apps", "éclair", "_x", "10", "9",
        ];
        for name in names {
            conn.execute(
                "INSERT INTO teams (name, created_at) VALUES (?1, ?2)",
                params![name, Utc::now()],
            )
            .unwrap();
        }
        let sorted: Vec<String> = conn
            .query("SELECT name FROM teams ORDER BY lower(name)", &[], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(
            crate::domain::user::team_names(Some(names.join(","))),
            sorted
        );
        assert!(crate::domain::user::team_names(None).is_empty());
    }
}
