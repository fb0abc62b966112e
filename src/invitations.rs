//! The lifecycle rules: invite, resend, cancel, accept, and what status an
//! invitation has at a given instant. Nothing here prints or reads the clock.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::Organization;
use crate::directory::{self, Group};
use crate::error::{Error, Result};
use crate::time::{self, stamp};
use crate::token::Token;
use crate::users::{self, User};
use crate::{address, audit, db, password, suggest};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Expired,
    Accepted,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Pending,
        Status::Expired,
        Status::Accepted,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Expired => "expired",
            Status::Accepted => "accepted",
            Status::Cancelled => "cancelled",
        }
    }

    fn from_db(text: &str) -> Status {
        match text {
            "pending" => Status::Pending,
            "expired" => Status::Expired,
            "accepted" => Status::Accepted,
            _ => Status::Cancelled,
        }
    }
}

/// One invitation as `list` shows it. Times are RFC 3339 UTC text.
#[derive(Debug, Clone, Serialize)]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub department: Option<String>,
    pub teams: Vec<String>,
    pub invited_by: String,
    pub sent_at: String,
    pub expires_at: String,
    pub status: Status,
    pub delivery: String,
    pub accepted_at: Option<String>,
    pub cancelled_at: Option<String>,
}

/// The columns of `Invitation`, with the status derived from the clock: an
/// invitation expires without anything having to run.
const SELECT: &str = "
    SELECT i.id, i.email, i.role, d.name,
           (SELECT group_concat(name, ',') FROM (SELECT t.name FROM invitation_teams it
              JOIN teams t ON t.id = it.team_id WHERE it.invitation_id = i.id ORDER BY t.name)),
           i.invited_by, i.sent_at, i.expires_at,
           CASE WHEN i.status = 'pending' AND i.expires_at <= :now THEN 'expired' ELSE i.status END,
           i.delivery, i.accepted_at, i.cancelled_at
    FROM invitations i LEFT JOIN departments d ON d.id = i.department_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Invitation> {
    let teams: Option<String> = row.get(4)?;
    let status: String = row.get(8)?;
    Ok(Invitation {
        id: row.get(0)?,
        email: row.get(1)?,
        role: row.get(2)?,
        department: row.get(3)?,
        teams: teams
            .map(|t| t.split(',').map(str::to_owned).collect())
            .unwrap_or_default(),
        invited_by: row.get(5)?,
        sent_at: row.get(6)?,
        expires_at: row.get(7)?,
        status: Status::from_db(&status),
        delivery: row.get(9)?,
        accepted_at: row.get(10)?,
        cancelled_at: row.get(11)?,
    })
}

/// What one line of a batch asks for, as the admin typed it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub email: String,
    pub role: Option<String>,
    pub department: Option<String>,
    pub teams: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct InviteOptions {
    /// The name the invitee sees as Invited By.
    pub invited_by: String,
    /// Who the audit log records as having done it.
    pub actor: String,
    pub skip_existing: bool,
    pub dry_run: bool,
}

/// A stored invitation with the plaintext token that goes into its email.
/// The token exists only here, in memory, until the message is built.
#[derive(Debug, Clone)]
pub struct Issued {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub department: Option<String>,
    pub teams: Vec<String>,
    pub invited_by: String,
    pub token: Token,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    Invited(Issued),
    /// `--skip-existing` met a pending invitation whose mail failed or never
    /// went out: it got a new link, so a rerun after a failure delivers.
    Resent(Issued),
    /// `--dry-run`: everything was checked and would have been written.
    WouldInvite {
        email: String,
        expires_at: DateTime<Utc>,
    },
    Skipped {
        email: String,
        reason: String,
    },
}

/// The invitations a batch issued, in order: the ones to mail.
pub fn issued(outcomes: &[Outcome]) -> Vec<Issued> {
    outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            Outcome::Invited(issued) | Outcome::Resent(issued) => Some(issued.clone()),
            _ => None,
        })
        .collect()
}

/// Rows written per transaction: short enough that other writers, such as
/// serve-accept accepting an invitation, get their turn between two of them.
const WRITE_CHUNK: usize = 200;

/// A request that passed every check, with names resolved. Kept small: a
/// batch may hold a million of them.
struct Checked {
    email: Box<str>,
    role: Arc<str>,
    department: Option<(i64, Arc<str>)>,
    teams: Box<[(i64, Arc<str>)]>,
}

/// What to do with one checked address.
enum Step {
    Invite(Checked),
    Resend { invitation_id: i64, email: Box<str> },
    Skip { email: Box<str>, reason: String },
}

/// Invites a batch. Every address is checked, and compared with who is
/// already known, before anything is written and without the write lock;
/// with any problem nothing is written. The writes then go in short
/// transactions, so a big import never holds other processes up for long.
pub fn invite(
    conn: &mut Connection,
    org: &Organization,
    requests: &[Request],
    options: &InviteOptions,
    now: DateTime<Utc>,
) -> Result<Vec<Outcome>> {
    invite_all(conn, org, requests.iter().cloned().map(Ok), options, now)
}

/// [`invite`] for requests read one by one, as from a large file.
pub fn invite_all(
    conn: &mut Connection,
    org: &Organization,
    requests: impl IntoIterator<Item = Result<Request>>,
    options: &InviteOptions,
    now: DateTime<Utc>,
) -> Result<Vec<Outcome>> {
    check_invited_by(&options.invited_by)?;
    let steps = plan(conn, org, requests, options.skip_existing, now)?;
    if options.dry_run {
        return Ok(steps
            .into_iter()
            .map(|step| match step {
                Step::Invite(Checked { email, .. }) | Step::Resend { email, .. } => {
                    Outcome::WouldInvite {
                        email: email.into(),
                        expires_at: time::add(now, org.invitation_ttl),
                    }
                }
                Step::Skip { email, reason } => Outcome::Skipped {
                    email: email.into(),
                    reason,
                },
            })
            .collect());
    }
    let mut outcomes = Vec::with_capacity(steps.len());
    let mut steps = steps.into_iter().peekable();
    while steps.peek().is_some() {
        let tx = db::write(conn)?;
        for step in steps.by_ref().take(WRITE_CHUNK) {
            outcomes.push(write_step(&tx, org, step, options, now)?);
        }
        tx.commit()?;
    }
    Ok(outcomes)
}

/// Checks the whole batch and decides each address's step, reading a
/// snapshot of the database without taking the write lock.
fn plan(
    conn: &mut Connection,
    org: &Organization,
    requests: impl IntoIterator<Item = Result<Request>>,
    skip_existing: bool,
    now: DateTime<Utc>,
) -> Result<Vec<Step>> {
    let snapshot = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
    let checked = check_requests(&snapshot, org, requests)?;
    if checked.is_empty() {
        return Err(Error::Invalid(
            "no addresses were given; name them as arguments, with - for stdin, or with --from-file".into(),
        ));
    }
    let mut steps = Vec::with_capacity(checked.len());
    let mut refusals = Vec::new();
    for request in checked {
        match existing(&snapshot, &request.email, now)? {
            None => steps.push(Step::Invite(request)),
            Some(Existing::Pending {
                invitation_id,
                undelivered: true,
                expired: false,
            }) if skip_existing => steps.push(Step::Resend {
                invitation_id,
                email: request.email,
            }),
            Some(found) if skip_existing => steps.push(Step::Skip {
                reason: found.refusal(&request.email),
                email: request.email,
            }),
            Some(found) => refusals.push(found.refusal(&request.email)),
        }
    }
    if !refusals.is_empty() {
        return Err(Error::Refused(problems(refusals)));
    }
    Ok(steps)
}

fn write_step(
    tx: &Transaction<'_>,
    org: &Organization,
    step: Step,
    options: &InviteOptions,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let meanwhile = |email: Box<str>| Outcome::Skipped {
        reason: format!(
            "{email} was invited or changed by another process meanwhile; not invited again"
        ),
        email: email.into(),
    };
    Ok(match step {
        Step::Skip { email, reason } => Outcome::Skipped {
            email: email.into(),
            reason,
        },
        // Another process may have invited the address since the batch was checked.
        Step::Invite(request) => match existing(tx, &request.email, now)? {
            None => Outcome::Invited(insert(tx, org, request, options, now)?),
            Some(_) => meanwhile(request.email),
        },
        Step::Resend {
            invitation_id,
            email,
        } => match reissue(tx, org, invitation_id, &options.actor, now)? {
            Some(issued) => Outcome::Resent(issued),
            None => meanwhile(email),
        },
    })
}

/// Invited By is printed in the mail: one line of plain text.
fn check_invited_by(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(Error::Invalid(format!(
            "Invited By \"{}\" is empty or contains a control character such as a line break; \
             give one line of text with --invited-by or [organization] admin",
            name.escape_default()
        )));
    }
    Ok(())
}

/// One sentence when there is one problem, all of them named, one a line, when there are more.
fn problems(list: Vec<String>) -> String {
    match list.as_slice() {
        [one] => format!("{one}; nothing was written"),
        many => format!(
            "{} problems, nothing was written:\n  {}",
            many.len(),
            many.join("\n  ")
        ),
    }
}

fn check_requests(
    tx: &Transaction<'_>,
    org: &Organization,
    requests: impl IntoIterator<Item = Result<Request>>,
) -> Result<Vec<Checked>> {
    let team_ids = ids_by_name(tx, Group::Team)?;
    let department_ids = ids_by_name(tx, Group::Department)?;
    let roles: Vec<Arc<str>> = org.roles.iter().map(|r| Arc::from(r.as_str())).collect();
    let mut problems_found = Vec::new();
    let mut unknown_names: HashSet<(&'static str, String)> = HashSet::new();
    let mut seen = HashSet::new();
    let mut checked = Vec::new();

    for request in requests {
        let request = request?;
        let email = match address::normalize(&request.email) {
            Ok(email) => email,
            Err(reason) => {
                problems_found.push(format!(
                    "\"{}\" is not a valid address: {reason}",
                    request.email.escape_default()
                ));
                continue;
            }
        };
        if !seen.insert(address_fingerprint(&email)) {
            problems_found.push(format!("{email} is listed more than once"));
            continue;
        }
        let before = problems_found.len();
        let role = match request
            .role
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            None => {
                problems_found.push(format!(
                    "{email} has no role: pass --role or fill the role column"
                ));
                None
            }
            Some(role) => {
                let known = roles.iter().find(|known| known.eq_ignore_ascii_case(role));
                if known.is_none() && unknown_names.insert(("role", role.to_lowercase())) {
                    problems_found.push(format!(
                        "{}; roles come from [organization] roles",
                        suggest::unknown("role", role, &org.roles)
                    ));
                }
                known.cloned()
            }
        };
        let mut lookup = |group: Group, ids: &Names, name: &str| {
            let name = name.trim();
            let found = ids.get(&name.to_lowercase()).cloned();
            if found.is_none() && unknown_names.insert((group.noun(), name.to_lowercase())) {
                problems_found.push(
                    directory::unknown(tx, group, name)
                        .map(|e| e.to_string())
                        .unwrap_or_else(|e| e.to_string()),
                );
            }
            found
        };
        let department = request
            .department
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .and_then(|name| lookup(Group::Department, &department_ids, name));
        let mut teams = Vec::new();
        for name in request.teams.iter().filter(|t| !t.trim().is_empty()) {
            if let Some(found) = lookup(Group::Team, &team_ids, name)
                && !teams.contains(&found)
            {
                teams.push(found);
            }
        }
        let (Some(role), true) = (role, problems_found.len() == before) else {
            continue;
        };
        checked.push(Checked {
            email: email.into(),
            role,
            department,
            teams: teams.into(),
        });
    }
    if problems_found.is_empty() {
        Ok(checked)
    } else {
        Err(Error::Invalid(problems(problems_found)))
    }
}

/// Spots an address listed twice in a batch without keeping a second copy of
/// every address: 128 bits of its SHA-256 make a collision practically impossible.
fn address_fingerprint(email: &str) -> u128 {
    let digest = Sha256::digest(email.as_bytes());
    u128::from_le_bytes(digest[..16].try_into().expect("16 bytes"))
}

/// Known names by their lower-case form.
type Names = HashMap<String, (i64, Arc<str>)>;

fn ids_by_name(conn: &Connection, group: Group) -> Result<Names> {
    let sql = match group {
        Group::Team => "SELECT id, name FROM teams",
        Group::Department => "SELECT id, name FROM departments",
    };
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map([], |row| {
        let name: String = row.get(1)?;
        Ok((name.to_lowercase(), (row.get(0)?, Arc::from(name))))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Who already has an address.
enum Existing {
    Active,
    Inactive,
    Pending {
        invitation_id: i64,
        expired: bool,
        /// Its mail failed or never went out.
        undelivered: bool,
    },
}

impl Existing {
    /// Why the address cannot be invited, saying which kind of user has it and what to do.
    fn refusal(&self, email: &str) -> String {
        match self {
            Existing::Active => format!("{email} is already an active user"),
            Existing::Inactive => format!(
                "{email} belongs to an inactive user; bring it back with `invitectl users reactivate {email}`"
            ),
            Existing::Pending { expired: true, .. } => format!(
                "{email} already has an expired invitation; send a new link with `invitectl resend {email}`"
            ),
            Existing::Pending { .. } => format!(
                "{email} already has a pending invitation; send a new link with `invitectl resend {email}`"
            ),
        }
    }
}

fn existing(conn: &Connection, email: &str, now: DateTime<Utc>) -> Result<Option<Existing>> {
    let now = stamp(now);
    Ok(conn
        .prepare_cached(
            "SELECT u.status, i.id, i.expires_at, i.delivery
             FROM users u LEFT JOIN invitations i ON i.email = u.email AND i.status = 'pending'
             WHERE u.email = ?1",
        )?
        .query_row([email], |row| {
            let status: String = row.get(0)?;
            Ok(match status.as_str() {
                "active" => Existing::Active,
                "inactive" => Existing::Inactive,
                _ => Existing::Pending {
                    invitation_id: row.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                    expired: row
                        .get::<_, Option<String>>(2)?
                        .is_some_and(|at| at.as_str() <= now.as_str()),
                    undelivered: row
                        .get::<_, Option<String>>(3)?
                        .is_some_and(|d| d != "sent"),
                },
            })
        })
        .optional()?)
}

fn insert(
    tx: &Transaction<'_>,
    org: &Organization,
    request: Checked,
    options: &InviteOptions,
    now: DateTime<Utc>,
) -> Result<Issued> {
    let department_id = request.department.as_ref().map(|(id, _)| *id);
    let user_id: i64 = tx
        .prepare_cached(
            "INSERT INTO users (email, role, department_id, status, created_at)
             VALUES (?1, ?2, ?3, 'pending', ?4) RETURNING id",
        )?
        .query_row(
            (&*request.email, &*request.role, department_id, stamp(now)),
            |row| row.get(0),
        )?;
    let mut add_team =
        tx.prepare_cached("INSERT INTO user_teams (user_id, team_id) VALUES (?1, ?2)")?;
    for (team_id, _) in &request.teams {
        add_team.execute((user_id, team_id))?;
    }
    let team_ids: Vec<i64> = request.teams.iter().map(|(id, _)| *id).collect();
    let issued = issue(
        tx,
        org,
        Fields {
            email: &request.email,
            user_id: Some(user_id),
            role: &request.role,
            department_id,
            team_ids: &team_ids,
            invited_by: &options.invited_by,
        },
        now,
    )?;
    audit::record(tx, now, &options.actor, "invite", &request.email)?;
    Ok(Issued {
        department: request.department.map(|(_, name)| name.to_string()),
        teams: request
            .teams
            .iter()
            .map(|(_, name)| name.to_string())
            .collect(),
        ..issued
    })
}

/// What an invitation row carries over from one token to the next.
struct Fields<'a> {
    email: &'a str,
    user_id: Option<i64>,
    role: &'a str,
    department_id: Option<i64>,
    team_ids: &'a [i64],
    invited_by: &'a str,
}

/// Writes a pending invitation with a fresh token and window.
fn issue(
    tx: &Transaction<'_>,
    org: &Organization,
    fields: Fields<'_>,
    now: DateTime<Utc>,
) -> Result<Issued> {
    let token = Token::generate();
    let expires_at = time::add(now, org.invitation_ttl);
    let id: i64 = tx
        .prepare_cached(
            "INSERT INTO invitations
               (email, user_id, role, department_id, invited_by, token_hash, status, sent_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8) RETURNING id",
        )?
        .query_row(
            (
                fields.email,
                fields.user_id,
                fields.role,
                fields.department_id,
                fields.invited_by,
                &token.hash()[..],
                stamp(now),
                stamp(expires_at),
            ),
            |row| row.get(0),
        )?;
    let mut add_team =
        tx.prepare_cached("INSERT INTO invitation_teams (invitation_id, team_id) VALUES (?1, ?2)")?;
    for team_id in fields.team_ids {
        add_team.execute((id, team_id))?;
    }
    Ok(Issued {
        id,
        email: fields.email.to_string(),
        role: fields.role.to_string(),
        department: None,
        teams: Vec::new(),
        invited_by: fields.invited_by.to_string(),
        token,
        expires_at,
    })
}

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Empty means the default: pending, expired and accepted.
    pub statuses: Vec<Status>,
    /// Only those sent before this instant (`--older-than`).
    pub sent_before: Option<DateTime<Utc>>,
}

/// The invitations an admin follows up on; superseded ones are history and never listed.
pub fn list(conn: &Connection, filter: &ListFilter, now: DateTime<Utc>) -> Result<Vec<Invitation>> {
    let statuses = if filter.statuses.is_empty() {
        vec![Status::Pending, Status::Expired, Status::Accepted]
    } else {
        filter.statuses.clone()
    };
    let sql = format!(
        "{SELECT} WHERE i.status <> 'superseded' AND (:before IS NULL OR i.sent_at < :before) ORDER BY i.id"
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(
        rusqlite::named_params! { ":now": stamp(now), ":before": filter.sent_before.map(stamp) },
        from_row,
    )?;
    let mut listed = Vec::new();
    for row in rows {
        let invitation = row?;
        if statuses.contains(&invitation.status) {
            listed.push(invitation);
        }
    }
    Ok(listed)
}

/// Which invitations `resend` or `cancel` act on.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Email addresses or invitation ids, as typed.
    Named(Vec<String>),
    Expired,
    /// Pending ones whose last delivery failed or never finished.
    Failed,
}

/// The current invitation for each selected one, refused as a whole when a
/// named one does not exist or is already accepted or cancelled.
pub fn select(
    conn: &Connection,
    selection: &Selection,
    now: DateTime<Utc>,
) -> Result<Vec<Invitation>> {
    let now_text = stamp(now);
    let query_all = |condition: &str| -> Result<Vec<Invitation>> {
        let sql = format!("{SELECT} WHERE {condition} ORDER BY i.id");
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map(rusqlite::named_params! { ":now": now_text }, from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let names = match selection {
        Selection::Expired => return query_all("i.status = 'pending' AND i.expires_at <= :now"),
        Selection::Failed => return query_all("i.status = 'pending' AND i.delivery <> 'sent'"),
        Selection::Named(names) => names,
    };
    let mut current = conn.prepare(&format!(
        "{SELECT} WHERE i.email = (SELECT email FROM invitations WHERE id = :id OR email = :email)
          AND i.status <> 'superseded' ORDER BY i.id DESC LIMIT 1"
    ))?;
    let mut found = Vec::new();
    let mut refusals = Vec::new();
    for name in names {
        let name = name.trim();
        let id: Option<i64> = name.parse().ok();
        let email = address::lookup_key(name);
        let invitation = current
            .query_row(
                rusqlite::named_params! { ":now": now_text, ":id": id, ":email": email },
                from_row,
            )
            .optional()?;
        match invitation {
            None => refusals.push(format!("there is no invitation for {name}")),
            Some(invitation) if found.iter().any(|f: &Invitation| f.id == invitation.id) => {}
            Some(invitation) => match invitation.status {
                Status::Accepted => refusals.push(format!(
                    "{} already accepted the invitation at {}",
                    invitation.email,
                    invitation.accepted_at.as_deref().unwrap_or("an earlier time")
                )),
                Status::Cancelled => refusals.push(format!(
                    "the invitation for {} was cancelled; invite the address again with `invitectl invite`",
                    invitation.email
                )),
                Status::Pending | Status::Expired => found.push(invitation),
            },
        }
    }
    if refusals.is_empty() {
        Ok(found)
    } else {
        Err(Error::Refused(problems(refusals)))
    }
}

/// New token and a fresh window for each selected invitation; every earlier
/// token of it stops working in the same transaction.
pub fn resend(
    conn: &mut Connection,
    org: &Organization,
    selected: &[Invitation],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Issued>> {
    let tx = db::write(conn)?;
    let mut issued = Vec::with_capacity(selected.len());
    for invitation in selected {
        match reissue(&tx, org, invitation.id, actor, now)? {
            Some(new) => issued.push(new),
            None => return Err(changed_meanwhile(&invitation.email)),
        }
    }
    tx.commit()?;
    Ok(issued)
}

/// What a resend carries over from the invitation it supersedes:
/// email, user id, role, department id, Invited By.
type CarriedOver = (String, Option<i64>, String, Option<i64>, String);

/// Supersedes a pending invitation with a new token and a fresh window;
/// `None` when it is no longer pending.
fn reissue(
    tx: &Transaction<'_>,
    org: &Organization,
    invitation_id: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Option<Issued>> {
    let old: Option<CarriedOver> = tx
        .prepare_cached(
            "UPDATE invitations SET status = 'superseded', superseded_at = ?2, superseded_by = ?3
             WHERE id = ?1 AND status = 'pending'
             RETURNING email, user_id, role, department_id, invited_by",
        )?
        .query_row((invitation_id, stamp(now), actor), |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        })
        .optional()?;
    let Some((email, user_id, role, department_id, invited_by)) = old else {
        return Ok(None);
    };
    let teams: Vec<(i64, String)> = tx
        .prepare_cached(
            "SELECT t.id, t.name FROM invitation_teams it JOIN teams t ON t.id = it.team_id
             WHERE it.invitation_id = ?1 ORDER BY t.name",
        )?
        .query_map([invitation_id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let department: Option<String> = tx
        .prepare_cached("SELECT name FROM departments WHERE id = ?1")?
        .query_row([department_id], |row| row.get(0))
        .optional()?;
    let team_ids: Vec<i64> = teams.iter().map(|(id, _)| *id).collect();
    let new = issue(
        tx,
        org,
        Fields {
            email: &email,
            user_id,
            role: &role,
            department_id,
            team_ids: &team_ids,
            invited_by: &invited_by,
        },
        now,
    )?;
    tx.execute(
        "UPDATE invitations SET replaced_by = ?2 WHERE id = ?1",
        (invitation_id, new.id),
    )?;
    audit::record(tx, now, actor, "resend", &email)?;
    Ok(Some(Issued {
        department,
        teams: teams.into_iter().map(|(_, name)| name).collect(),
        ..new
    }))
}

fn changed_meanwhile(email: &str) -> Error {
    Error::Refused(format!(
        "the invitation for {email} was changed by someone else meanwhile; nothing was written, check `invitectl list --status all`"
    ))
}

/// Kills each selected invitation's link at once. The pending user record
/// goes with it, so the address can be invited again later.
pub fn cancel(
    conn: &mut Connection,
    selected: &[Invitation],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let tx = db::write(conn)?;
    for invitation in selected {
        let user_id: Option<Option<i64>> = tx
            .prepare_cached(
                "UPDATE invitations SET status = 'cancelled', cancelled_at = ?2, cancelled_by = ?3
                 WHERE id = ?1 AND status = 'pending' RETURNING user_id",
            )?
            .query_row((invitation.id, stamp(now), actor), |row| row.get(0))
            .optional()?;
        let Some(user_id) = user_id else {
            return Err(changed_meanwhile(&invitation.email));
        };
        tx.execute(
            "DELETE FROM users WHERE id = ?1 AND status = 'pending'",
            [user_id],
        )?;
        audit::record(&tx, now, actor, "cancel", &invitation.email)?;
    }
    tx.commit()?;
    Ok(())
}

/// The pending, unexpired invitation a token opens; what an invitee sees before accepting.
pub fn open(conn: &Connection, token: &Token, now: DateTime<Utc>) -> Result<Invitation> {
    let invitation = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE i.token_hash = :hash AND i.status = 'pending'"
        ))?
        .query_row(
            rusqlite::named_params! { ":now": stamp(now), ":hash": &token.hash()[..] },
            from_row,
        )
        .optional()?;
    match invitation {
        None => Err(Error::InvalidToken),
        Some(invitation) if invitation.status == Status::Expired => Err(Error::Expired {
            admin: invitation.invited_by,
            expired_at: invitation.expires_at,
        }),
        Some(invitation) => Ok(invitation),
    }
}

/// What the invitee fills in.
#[derive(Clone, Default)]
pub struct Acceptance {
    pub first_name: String,
    pub last_name: String,
    pub password: String,
    pub confirm_password: String,
}

pub const MAX_NAME_CHARS: usize = 100;

fn check_name(label: &str, value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::Invalid(format!("{label} is required")));
    }
    if value.chars().count() > MAX_NAME_CHARS || value.chars().any(char::is_control) {
        return Err(Error::Invalid(format!(
            "{label} must be at most {MAX_NAME_CHARS} characters, without control characters"
        )));
    }
    Ok(value.to_string())
}

/// Accepts an invitation: checks the form, hashes the password, then in one
/// transaction marks exactly one pending, unexpired invitation accepted and
/// makes its user active. Of two concurrent accepts of one token, one wins.
pub fn accept(
    conn: &mut Connection,
    token: &Token,
    form: &Acceptance,
    now: DateTime<Utc>,
) -> Result<User> {
    open(conn, token, now)?;
    let first_name = check_name("First Name", &form.first_name)?;
    let last_name = check_name("Last Name", &form.last_name)?;
    password::check_policy(&form.password, &form.confirm_password)?;
    let password_hash = password::hash(&form.password)?;

    let tx = db::write(conn)?;
    let accepted: Option<(i64, Option<i64>, String, Option<i64>)> = tx
        .prepare_cached(
            "UPDATE invitations SET status = 'accepted', accepted_at = :now
             WHERE token_hash = :hash AND status = 'pending' AND expires_at > :now
             RETURNING id, user_id, role, department_id",
        )?
        .query_row(
            rusqlite::named_params! { ":now": stamp(now), ":hash": &token.hash()[..] },
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let Some((invitation_id, Some(user_id), role, department_id)) = accepted else {
        drop(tx);
        // Someone else used it, or it expired or was cancelled meanwhile: say which.
        open(conn, token, now)?;
        return Err(Error::InvalidToken);
    };
    let activated = tx
        .prepare_cached(
            "UPDATE users SET status = 'active', first_name = ?2, last_name = ?3, password_hash = ?4,
                    role = ?5, department_id = ?6, activated_at = ?7
             WHERE id = ?1 AND status = 'pending'",
        )?
        .execute((user_id, &first_name, &last_name, &password_hash, &role, department_id, stamp(now)))?;
    if activated != 1 {
        return Err(Error::InvalidToken);
    }
    tx.execute("DELETE FROM user_teams WHERE user_id = ?1", [user_id])?;
    tx.execute(
        "INSERT INTO user_teams (user_id, team_id) SELECT ?1, team_id FROM invitation_teams WHERE invitation_id = ?2",
        (user_id, invitation_id),
    )?;
    let email: String =
        tx.query_row("SELECT email FROM users WHERE id = ?1", [user_id], |row| {
            row.get(0)
        })?;
    audit::record(&tx, now, &email, "accept", &email)?;
    tx.commit()?;
    users::get(conn, user_id)
}

/// One hand-over of a message to the transport.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub invitation_id: i64,
    pub at: DateTime<Utc>,
    pub transport: &'static str,
    pub message_id: Option<String>,
    /// What the far end said, or why it failed.
    pub outcome: std::result::Result<String, String>,
}

/// Records delivery attempts and each invitation's delivery state, in one transaction.
pub fn record_deliveries(conn: &mut Connection, attempts: &[Attempt]) -> Result<()> {
    let tx = db::write(conn)?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO delivery_attempts (invitation_id, attempted_at, transport, succeeded, detail, message_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut update = tx.prepare_cached("UPDATE invitations SET delivery = ?2 WHERE id = ?1")?;
        for attempt in attempts {
            let (detail, state) = match &attempt.outcome {
                Ok(detail) => (detail, "sent".to_string()),
                Err(reason) => (reason, format!("failed: {reason}")),
            };
            insert.execute((
                attempt.invitation_id,
                stamp(attempt.at),
                attempt.transport,
                attempt.outcome.is_ok(),
                detail,
                &attempt.message_id,
            ))?;
            update.execute((attempt.invitation_id, state))?;
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
#[path = "invitations_tests.rs"]
mod tests;
