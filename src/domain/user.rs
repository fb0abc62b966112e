//! The user record as every rule reads it, and the rules of a user's names
//! and password on a form: the bottom of the domain, below the directory,
//! the hook events and the users' own changes.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::{Database, Row};
use crate::error::{Error, Result};
use crate::{address, params, password, suggest};

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
}

crate::stored_words!(UserStatus {
    Pending => "pending",
    Active => "active",
    Inactive => "inactive",
} else Pending);

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
    #[serde(serialize_with = "serialize_date")]
    pub end_date: Option<chrono::NaiveDate>,
    /// The language of their mail and pages, when not `[organization] language`.
    pub lang: Option<crate::i18n::Lang>,
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
           u.status, u.created_at, u.activated_at, u.ends_at, u.lang
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
        teams: team_names(teams),
        status: UserStatus::from_db(&status),
        created_at: row.get(8)?,
        activated_at: row.get(9)?,
        end_date: row
            .get::<Option<DateTime<Utc>>>(10)?
            .map(|at| at.date_naive()),
        lang: row
            .get::<Option<String>>(11)?
            .as_deref()
            .and_then(crate::i18n::Lang::from_tag),
    })
}

/// Users with one of `statuses`, or every user when it is empty.
pub fn list(conn: &Database, statuses: &[UserStatus]) -> Result<Vec<User>> {
    let wanted = if statuses.is_empty() {
        &UserStatus::ALL[..]
    } else {
        statuses
    };
    let wanted = crate::db::word_list(wanted.iter().map(|s| s.as_str()));
    conn.query(
        &format!("{SELECT} WHERE u.status IN ({wanted}) ORDER BY u.id"),
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
/// still find (see [`crate::domain::sessions::login`]).
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

/// "There is no user …" (exit 3), saying where the address went when an
/// invitation of it was cancelled, else naming the closest known addresses.
pub fn not_found(conn: &Database, email: &str) -> Result<Error> {
    let key = address::lookup_key(email);
    let cancelled: Option<i64> = conn.query_row(
        "SELECT id FROM invitations WHERE email = ?1 AND status = 'cancelled' ORDER BY id DESC LIMIT 1",
        params![&key],
        |row| row.get(0),
    )?;
    if cancelled.is_some() {
        return Ok(Error::Refused(format!(
            "there is no user {key}: their invitation was cancelled (see `invitectl show {key}`); \
             invite them again with `invitectl invite {key} --role ROLE`"
        )));
    }
    let known: Vec<String> = conn.query("SELECT email FROM users", &[], |row| row.get(0))?;
    let close = suggest::closest_addresses(&key, &known);
    Ok(Error::Refused(format!(
        "there is no user {}{}; see `invitectl users list --status all`",
        email.trim(),
        suggest::did_you_mean(&close)
    )))
}

pub const MAX_NAME_CHARS: usize = 100;

/// A field of the accept form, for saying which one a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    FirstName,
    LastName,
    Password,
    ConfirmPassword,
}

/// Why a field of a form that sets a name or a password will not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    NameRequired,
    NameTooLong,
    Password(password::PasswordProblem),
}

/// The problems with a first and a last name, each at its field: the rules of
/// every form that sets a name (accept, the dashboard, `users edit`).
pub fn check_names(first_name: &str, last_name: &str) -> Vec<(Field, Problem)> {
    [(Field::FirstName, first_name), (Field::LastName, last_name)]
        .into_iter()
        .filter_map(|(field, value)| name_problem(value).map(|problem| (field, problem)))
        .collect()
}

/// The problem with a new password and its confirmation, at its field; a
/// confirmation is only compared with a password that would do. Shared by
/// every form that sets a password.
pub fn check_passwords(password: &str, confirmation: &str) -> Option<(Field, Problem)> {
    match password::password_problem(password) {
        Some(problem) => Some((Field::Password, Problem::Password(problem))),
        None => password::check_confirmation(password, confirmation)
            .err()
            .map(|_| {
                let mismatch = password::PasswordProblem::Mismatch;
                (Field::ConfirmPassword, Problem::Password(mismatch))
            }),
    }
}

/// What is wrong with a name: not there, or too long or with control characters.
fn name_problem(value: &str) -> Option<Problem> {
    let value = value.trim();
    if crate::text::is_blank(value) {
        Some(Problem::NameRequired)
    } else if value.chars().count() > MAX_NAME_CHARS || value.chars().any(char::is_control) {
        Some(Problem::NameTooLong)
    } else {
        None
    }
}

/// A name as it is stored (trimmed), or why it is refused: required, made of
/// visible characters, no control characters, at most [`MAX_NAME_CHARS`].
pub fn check_name(label: &str, value: &str) -> Result<String> {
    match name_problem(value) {
        Some(Problem::NameRequired) => Err(Error::Invalid(format!(
            "{label} is required: type a name made of visible characters"
        ))),
        Some(_) => Err(Error::Invalid(format!(
            "{label} must be at most {MAX_NAME_CHARS} characters, without control characters"
        ))),
        None => Ok(value.trim().to_string()),
    }
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

/// The team names of a `group_concat(t.name, ',')` column, in the order
/// `ORDER BY lower(t.name)` gives on both engines: ASCII folded, then byte by
/// byte (PostgreSQL's names are "C"-collated), with no ties, as names are
/// unique that way. Sorted here because an aggregate's own ORDER BY builds a
/// temporary b-tree for every row it is asked for: about a quarter
/// of the CPU time of a GET /auth.
pub fn team_names(concatenated: Option<String>) -> Vec<String> {
    let mut names: Vec<String> = concatenated
        .map(|t| t.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    names.sort_by_cached_key(|name| name.to_ascii_lowercase());
    names
}

/// `end_date` in JSON: `"2027-03-31"` or null.
pub fn serialize_date<S: serde::Serializer>(
    date: &Option<chrono::NaiveDate>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    match date {
        Some(date) => serializer.collect_str(date),
        None => serializer.serialize_none(),
    }
}
