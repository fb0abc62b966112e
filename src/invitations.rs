//! The lifecycle rules: invite, resend, cancel, accept, and what status an
//! invitation has at a given instant. Nothing here prints or reads the clock.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::Organization;
use crate::db::{self, Database, Row, Value};
use crate::directory::{self, Group};
use crate::error::{Error, Result};
use crate::time::{self, stamp};
use crate::token::Token;
use crate::users::{self, User};
use crate::{address, audit, hooks, params, password, suggest};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Expired,
    Accepted,
    Cancelled,
    /// Replaced by a resend: history, shown only by `invitectl show`.
    Superseded,
}

impl Status {
    /// Every status `list` shows; superseded invitations are history.
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
            Status::Superseded => "superseded",
        }
    }

    fn from_db(text: &str) -> Status {
        match text {
            "pending" => Status::Pending,
            "expired" => Status::Expired,
            "accepted" => Status::Accepted,
            "superseded" => Status::Superseded,
            _ => Status::Cancelled,
        }
    }
}

/// One invitation as `list` shows it; JSON shows times as RFC 3339 UTC.
#[derive(Debug, Clone, Serialize)]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub department: Option<String>,
    pub teams: Vec<String>,
    pub invited_by: String,
    #[serde(serialize_with = "time::serialize")]
    pub sent_at: DateTime<Utc>,
    #[serde(serialize_with = "time::serialize")]
    pub expires_at: DateTime<Utc>,
    pub status: Status,
    pub delivery: String,
    #[serde(serialize_with = "time::serialize_optional")]
    pub accepted_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "time::serialize_optional")]
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// The one expiry rule, as SQL over an invitation `i`: it expires when its
/// window ends, and nothing needs to run for that. Every statement that uses
/// it binds the current instant as `?1`.
macro_rules! expired {
    () => {
        "i.expires_at <= ?1"
    };
}

/// The status a person sees: a pending invitation past its window is expired.
macro_rules! status {
    () => {
        concat!(
            "CASE WHEN i.status = 'pending' AND ",
            expired!(),
            " THEN 'expired' ELSE i.status END"
        )
    };
}

/// An invitation `i` whose mail failed or never went out, and that no live
/// process is sending right now (`?1` is the current instant).
macro_rules! undelivered {
    () => {
        "(i.delivery <> 'sent' AND NOT EXISTS
            (SELECT 1 FROM senders s WHERE s.id = i.sender_id AND s.expires_at > ?1))"
    };
}

/// The columns of `Invitation`, with the status derived from the clock (`?1`).
macro_rules! select {
    () => {
        concat!(
            "SELECT i.id, i.email, i.role, d.name,
               (SELECT group_concat(t.name, ',') FROM invitation_teams it
                  JOIN teams t ON t.id = it.team_id WHERE it.invitation_id = i.id),
               i.invited_by, i.sent_at, i.expires_at, ",
            status!(),
            ", i.delivery, i.accepted_at, i.cancelled_at
            FROM invitations i LEFT JOIN departments d ON d.id = i.department_id"
        )
    };
}

const SELECT: &str = select!();

fn from_row(row: &Row<'_>) -> Result<Invitation> {
    let teams: Option<String> = row.get(4)?;
    let status: String = row.get(8)?;
    Ok(Invitation {
        id: row.get(0)?,
        email: row.get(1)?,
        role: row.get(2)?,
        department: row.get(3)?,
        teams: crate::directory::team_names(teams),
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
    /// Where it was read, such as `hires.csv line 3`, for naming a bad row.
    pub location: Option<String>,
}

#[derive(Debug, Clone)]
pub struct InviteOptions {
    /// The name the invitee sees as Invited By.
    pub invited_by: String,
    /// Who the audit log records as having done it.
    pub actor: String,
    pub skip_existing: bool,
    pub dry_run: bool,
    /// The process that will send the mail, from [`start_sending`].
    pub sender: Option<Sender>,
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
    Invited(Box<Issued>),
    /// `--skip-existing` met a pending invitation whose mail failed or never
    /// went out: it got a new link, so a rerun after a failure delivers.
    Resent(Box<Issued>),
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
            Outcome::Invited(issued) | Outcome::Resent(issued) => Some((**issued).clone()),
            _ => None,
        })
        .collect()
}

/// Rows written per transaction: short enough that other writers, such as
/// serve-accept accepting an invitation, get their turn between two of them.
/// Each table's rows of a chunk go in one statement: on PostgreSQL a
/// statement is a round trip to the server.
const WRITE_CHUNK: usize = 200;

/// Addresses looked up in one statement.
const LOOKUP_CHUNK: usize = 500;

/// A request that passed every check. Kept small, names as ids: a batch may
/// hold a million of them.
struct Checked {
    email: Box<str>,
    /// Index into the organization's roles.
    role: u16,
    department: Option<i64>,
    /// Shared between the rows that name the same teams.
    teams: Arc<[i64]>,
}

/// What to do with one checked address.
enum Step {
    Invite(Checked),
    Resend { invitation_id: i64, email: Box<str> },
    Skip { email: Box<str>, reason: Box<str> },
}

impl Step {
    fn email(&self) -> &str {
        match self {
            Step::Invite(checked) => &checked.email,
            Step::Resend { email, .. } | Step::Skip { email, .. } => email,
        }
    }
}

/// What a batch did (or, in a dry run, would do), one outcome per address in
/// the order given. A dry run yields them from the plan as they are read, so
/// a huge batch is never held twice.
pub struct Outcomes(OutcomesInner);

enum OutcomesInner {
    Written(std::vec::IntoIter<Outcome>),
    Planned {
        steps: std::vec::IntoIter<Step>,
        expires_at: DateTime<Utc>,
    },
}

impl Iterator for Outcomes {
    type Item = Outcome;

    fn next(&mut self) -> Option<Outcome> {
        match &mut self.0 {
            OutcomesInner::Written(outcomes) => outcomes.next(),
            OutcomesInner::Planned { steps, expires_at } => steps.next().map(|step| match step {
                Step::Invite(Checked { email, .. }) | Step::Resend { email, .. } => {
                    Outcome::WouldInvite {
                        email: email.into_string(),
                        expires_at: *expires_at,
                    }
                }
                Step::Skip { email, reason } => Outcome::Skipped {
                    email: email.into_string(),
                    reason: reason.into_string(),
                },
            }),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            OutcomesInner::Written(outcomes) => outcomes.size_hint(),
            OutcomesInner::Planned { steps, .. } => steps.size_hint(),
        }
    }
}

impl ExactSizeIterator for Outcomes {}

/// Invites a batch. Every address is checked, and compared with who is
/// already known, before anything is written and without the write lock;
/// with any problem nothing is written. The writes then go in short
/// transactions, so a big import never holds other processes up for long.
pub fn invite(
    conn: &mut Database,
    org: &Organization,
    requests: &[Request],
    options: &InviteOptions,
    now: DateTime<Utc>,
) -> Result<Vec<Outcome>> {
    Ok(invite_all(conn, org, requests.iter().cloned().map(Ok), options, now)?.collect())
}

/// [`invite`] for requests read one by one, as from a large file.
pub fn invite_all(
    conn: &mut Database,
    org: &Organization,
    requests: impl IntoIterator<Item = Result<Request>>,
    options: &InviteOptions,
    now: DateTime<Utc>,
) -> Result<Outcomes> {
    check_invited_by(&options.invited_by)?;
    let names = Names::read(conn)?;
    let steps = plan(conn, org, &names, requests, options.skip_existing, now)?;
    if options.dry_run {
        return Ok(Outcomes(OutcomesInner::Planned {
            steps: steps.into_iter(),
            expires_at: time::add(now, org.invitation_ttl),
        }));
    }
    let mut outcomes = Vec::with_capacity(steps.len());
    let mut steps = steps.into_iter().peekable();
    while steps.peek().is_some() {
        let chunk: Vec<Step> = steps.by_ref().take(WRITE_CHUNK).collect();
        let tx = conn.write()?;
        outcomes.extend(write_chunk(&tx, org, &names, chunk, options, now)?);
        tx.commit()?;
    }
    Ok(Outcomes(OutcomesInner::Written(outcomes.into_iter())))
}

/// Checks the whole batch and decides each address's step, reading a
/// snapshot of the database without taking the write lock.
fn plan(
    conn: &mut Database,
    org: &Organization,
    names: &Names,
    requests: impl IntoIterator<Item = Result<Request>>,
    skip_existing: bool,
    now: DateTime<Utc>,
) -> Result<Vec<Step>> {
    let snapshot = conn.snapshot()?;
    let mut steps = Vec::new();
    let mut problems_found = Vec::new();
    let mut refusals = Vec::new();
    let mut check = Checker::new(&snapshot, org, names);
    // Who already has an address is asked for many addresses at a time.
    let mut decide = |checked: &mut Vec<Checked>| -> Result<()> {
        let emails: Vec<&str> = checked.iter().map(|c| &*c.email).collect();
        let mut found = existing(&snapshot, &emails, now)?;
        for request in checked.drain(..) {
            match found.remove(&*request.email) {
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
                    reason: found.refusal(&request.email).into(),
                    email: request.email,
                }),
                Some(found) => refusals.push(found.refusal(&request.email)),
            }
        }
        Ok(())
    };
    let mut checked = Vec::with_capacity(LOOKUP_CHUNK);
    for request in requests {
        if let Some(request) = check.request(request?, &mut problems_found) {
            checked.push(request);
        }
        if checked.len() == LOOKUP_CHUNK {
            decide(&mut checked)?;
        }
    }
    decide(&mut checked)?;
    problems_found.extend(listed_twice(&steps));
    if !problems_found.is_empty() {
        return Err(Error::Invalid(problems(problems_found)));
    }
    if !refusals.is_empty() {
        return Err(Error::Refused(problems(refusals)));
    }
    if steps.is_empty() {
        return Err(Error::Invalid(
            "no addresses were given; name them as arguments, with - for stdin, or with --from-file".into(),
        ));
    }
    Ok(steps)
}

/// Each address given more than once, named once. Sorting positions costs
/// four bytes an address, where a set of every address would cost a copy.
fn listed_twice(steps: &[Step]) -> Vec<String> {
    let mut order: Vec<u32> = (0..steps.len() as u32).collect();
    order.sort_unstable_by(|a, b| steps[*a as usize].email().cmp(steps[*b as usize].email()));
    let mut twice = Vec::new();
    for pair in order.windows(2) {
        let (first, second) = (
            steps[pair[0] as usize].email(),
            steps[pair[1] as usize].email(),
        );
        if first == second && twice.last() != Some(&first) {
            twice.push(first);
        }
    }
    twice
        .into_iter()
        .map(|email| format!("{email} is listed more than once"))
        .collect()
}

/// Writes a chunk of steps in the caller's transaction, in the order given.
fn write_chunk(
    tx: &Database,
    org: &Organization,
    names: &Names,
    steps: Vec<Step>,
    options: &InviteOptions,
    now: DateTime<Utc>,
) -> Result<Vec<Outcome>> {
    let meanwhile = |email: Box<str>| Outcome::Skipped {
        reason: format!(
            "{email} was invited or changed by another process meanwhile; not invited again"
        ),
        email: email.into_string(),
    };
    // Another process may have invited some of them since the batch was checked.
    let invites: Vec<&str> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Invite(checked) => Some(&*checked.email),
            _ => None,
        })
        .collect();
    let taken = existing(tx, &invites, now)?;
    let fresh: Vec<&Checked> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Invite(checked) if !taken.contains_key(&*checked.email) => Some(checked),
            _ => None,
        })
        .collect();
    let mut issued = insert(tx, org, names, &fresh, options, now)?;
    let mut outcomes = Vec::with_capacity(steps.len());
    for step in steps {
        outcomes.push(match step {
            Step::Skip { email, reason } => Outcome::Skipped {
                email: email.into_string(),
                reason: reason.into_string(),
            },
            Step::Invite(checked) => match issued.remove(&*checked.email) {
                Some(new) => Outcome::Invited(Box::new(new)),
                None => meanwhile(checked.email),
            },
            Step::Resend {
                invitation_id,
                email,
            } => match reissue(tx, org, invitation_id, &options.actor, options.sender, now)? {
                Some(new) => Outcome::Resent(Box::new(new)),
                None => meanwhile(email),
            },
        });
    }
    Ok(outcomes)
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
pub(crate) fn problems(list: Vec<String>) -> String {
    match list.as_slice() {
        [one] => format!("{one}; nothing was written"),
        many => format!(
            "{} problems, nothing was written:\n  {}",
            many.len(),
            many.join("\n  ")
        ),
    }
}

/// Checks one request after another against the organization's roles and
/// the known teams and departments, naming each problem once.
struct Checker<'a> {
    conn: &'a Database,
    org: &'a Organization,
    names: &'a Names,
    /// Each unknown name once: where its problem is in the list, and the
    /// other rows it was on.
    unknown_names: HashMap<(&'static str, String), Unknown>,
    team_lists: HashMap<Vec<i64>, Arc<[i64]>>,
}

impl<'a> Checker<'a> {
    fn new(conn: &'a Database, org: &'a Organization, names: &'a Names) -> Self {
        Checker {
            conn,
            org,
            names,
            unknown_names: HashMap::new(),
            team_lists: HashMap::new(),
        }
    }

    /// The checked request, or `None` with its problems added to `problems`.
    fn request(&mut self, request: Request, problems: &mut Vec<String>) -> Option<Checked> {
        let at = request
            .location
            .as_deref()
            .map_or(String::new(), |location| format!("{location}: "));
        let email = match address::normalize(&request.email) {
            Ok(email) => email,
            Err(reason) => {
                problems.push(format!(
                    "{at}\"{}\" is not a valid address: {reason}",
                    request.email.escape_default()
                ));
                return None;
            }
        };
        let before = problems.len();
        let role = match request
            .role
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            None => {
                problems.push(format!(
                    "{at}{email} has no role: pass --role or fill the role column"
                ));
                None
            }
            Some(role) => match role_index(self.org, role) {
                Ok(known) => Some(known),
                Err(problem) => {
                    let key = ("role", role.to_lowercase());
                    self.unknown(key, &at, problems, || problem);
                    None
                }
            },
        };
        let department = request
            .department
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .and_then(|name| self.lookup(Group::Department, name, &at, problems));
        let mut teams = Vec::new();
        for name in request.teams.iter().filter(|t| !t.trim().is_empty()) {
            if let Some(id) = self.lookup(Group::Team, name, &at, problems)
                && !teams.contains(&id)
            {
                teams.push(id);
            }
        }
        let (Some(role), true) = (role, problems.len() == before) else {
            return None;
        };
        let teams = self
            .team_lists
            .entry(teams)
            .or_insert_with_key(|ids| Arc::from(ids.as_slice()))
            .clone();
        Some(Checked {
            email: email.into(),
            role: role as u16,
            department,
            teams,
        })
    }

    fn lookup(
        &mut self,
        group: Group,
        name: &str,
        at: &str,
        problems: &mut Vec<String>,
    ) -> Option<i64> {
        let name = name.trim();
        let found = self.names.id(group, name);
        if found.is_none() {
            let conn = self.conn;
            self.unknown((group.noun(), name.to_lowercase()), at, problems, || {
                directory::unknown(conn, group, name)
                    .map(|e| e.to_string())
                    .unwrap_or_else(|e| e.to_string())
            });
        }
        found
    }

    /// Names an unknown role, team or department once, at the first row
    /// (`at`, such as "hires.csv line 3: ") it is on, with a count of the others.
    fn unknown(
        &mut self,
        key: (&'static str, String),
        at: &str,
        problems: &mut Vec<String>,
        problem: impl FnOnce() -> String,
    ) {
        match self.unknown_names.entry(key) {
            Entry::Vacant(entry) => {
                let problem = problem();
                problems.push(format!("{at}{problem}"));
                entry.insert(Unknown {
                    index: problems.len() - 1,
                    first_row: at.trim_end_matches(": ").to_string(),
                    problem,
                    other_rows: 0,
                });
            }
            Entry::Occupied(mut entry) if !at.is_empty() => {
                let unknown = entry.get_mut();
                unknown.other_rows += 1;
                problems[unknown.index] = format!(
                    "{} and {} more row(s): {}",
                    unknown.first_row, unknown.other_rows, unknown.problem
                );
            }
            Entry::Occupied(_) => {}
        }
    }
}

struct Unknown {
    index: usize,
    first_row: String,
    problem: String,
    other_rows: usize,
}

/// Which of the organization's roles `role` names (without regard to ASCII
/// case), or the problem, naming the closest ones.
pub(crate) fn role_index(org: &Organization, role: &str) -> std::result::Result<usize, String> {
    let role = role.trim();
    org.roles
        .iter()
        .position(|known| known.eq_ignore_ascii_case(role))
        .ok_or_else(|| {
            format!(
                "{}; roles come from [organization] roles",
                suggest::unknown("role", role, &org.roles)
            )
        })
}

/// The known teams and departments, by lower-case name and by id.
struct Names {
    ids: HashMap<(Group, String), i64>,
    names: HashMap<(Group, i64), String>,
}

impl Names {
    fn read(conn: &Database) -> Result<Names> {
        let mut known = Names {
            ids: HashMap::new(),
            names: HashMap::new(),
        };
        for (group, sql) in [
            (Group::Team, "SELECT id, name FROM teams"),
            (Group::Department, "SELECT id, name FROM departments"),
        ] {
            let rows: Vec<(i64, String)> =
                conn.query(sql, &[], |row| Ok((row.get(0)?, row.get(1)?)))?;
            for (id, name) in rows {
                known.ids.insert((group, name.to_lowercase()), id);
                known.names.insert((group, id), name);
            }
        }
        Ok(known)
    }

    fn id(&self, group: Group, name: &str) -> Option<i64> {
        self.ids.get(&(group, name.to_lowercase())).copied()
    }

    fn name(&self, group: Group, id: i64) -> String {
        self.names.get(&(group, id)).cloned().unwrap_or_default()
    }
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

/// Who already has each of `emails` (normalized), by address.
fn existing(
    conn: &Database,
    emails: &[&str],
    now: DateTime<Utc>,
) -> Result<HashMap<String, Existing>> {
    let mut found = HashMap::new();
    for chunk in emails.chunks(LOOKUP_CHUNK) {
        let sql = format!(
            concat!(
                "SELECT u.email, u.status, i.id, ",
                expired!(),
                ", ",
                undelivered!(),
                " FROM (VALUES {}) AS wanted
                  JOIN users u ON u.email = wanted.column1
                  LEFT JOIN invitations i ON i.email = u.email AND i.status = 'pending'"
            ),
            // A join with a list of values, not `IN (…)`: PostgreSQL's plan
            // for the latter compared every user with every address.
            (2..2 + chunk.len())
                .map(|i| format!("(?{i})"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut params = vec![Value::Time(now)];
        params.extend(chunk.iter().map(|email| Value::Text(email)));
        let rows = conn.query(&sql, &params, |row| {
            let status: String = row.get(1)?;
            let existing = match status.as_str() {
                "active" => Existing::Active,
                "inactive" => Existing::Inactive,
                _ => Existing::Pending {
                    invitation_id: row.get::<Option<i64>>(2)?.unwrap_or_default(),
                    expired: row.get::<Option<bool>>(3)?.unwrap_or(false),
                    undelivered: row.get::<Option<bool>>(4)?.unwrap_or(false),
                },
            };
            Ok((row.get::<String>(0)?, existing))
        })?;
        found.extend(rows);
    }
    Ok(found)
}

/// Writes a pending user and an invitation with a fresh token for each
/// request, a few statements for all of them; the issued ones by address.
fn insert(
    tx: &Database,
    org: &Organization,
    names: &Names,
    requests: &[&Checked],
    options: &InviteOptions,
    now: DateTime<Utc>,
) -> Result<HashMap<Box<str>, Issued>> {
    if requests.is_empty() {
        return Ok(HashMap::new());
    }
    let role = |request: &Checked| org.roles[usize::from(request.role)].as_str();
    let mut values = Vec::with_capacity(requests.len() * 5);
    for request in requests {
        values.extend([
            Value::Text(&request.email),
            Value::Text(role(request)),
            request.department.into(),
            Value::Text("pending"),
            Value::Time(now),
        ]);
    }
    let user_ids: HashMap<String, i64> = tx
        .query(
            &format!(
                "INSERT INTO users (email, role, department_id, status, created_at) VALUES {}
                 RETURNING email, id",
                db::row_slots(requests.len(), 5)
            ),
            &values,
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?
        .into_iter()
        .collect();
    let user_id = |request: &Checked| user_ids[&*request.email];
    insert_teams(
        tx,
        "user_teams (user_id, team_id)",
        requests.iter().map(|r| (user_id(r), &r.teams[..])),
    )?;

    let expires_at = time::add(now, org.invitation_ttl);
    let tokens: Vec<Token> = requests.iter().map(|_| Token::generate()).collect();
    let hashes: Vec<[u8; 32]> = tokens.iter().map(Token::hash).collect();
    let mut values = Vec::with_capacity(requests.len() * 10);
    for (request, hash) in requests.iter().zip(&hashes) {
        values.extend([
            Value::Text(&request.email),
            Value::Int(user_id(request)),
            Value::Text(role(request)),
            request.department.into(),
            Value::Text(&options.invited_by),
            Value::Blob(hash),
            Value::Text("pending"),
            Value::Time(now),
            Value::Time(expires_at),
            options.sender.map(|sender| sender.0).into(),
        ]);
    }
    let invitation_ids: HashMap<String, i64> = tx
        .query(
            &format!(
                "INSERT INTO invitations
                   (email, user_id, role, department_id, invited_by, token_hash, status, sent_at,
                    expires_at, sender_id)
                 VALUES {} RETURNING email, id",
                db::row_slots(requests.len(), 10)
            ),
            &values,
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?
        .into_iter()
        .collect();
    let invitation_id = |request: &Checked| invitation_ids[&*request.email];
    insert_teams(
        tx,
        "invitation_teams (invitation_id, team_id)",
        requests.iter().map(|r| (invitation_id(r), &r.teams[..])),
    )?;
    audit::record_all(
        tx,
        now,
        &options.actor,
        "invite",
        requests.iter().map(|r| &*r.email),
    )?;

    let department = |request: &Checked| {
        request
            .department
            .map(|id| names.name(Group::Department, id))
    };
    let teams = |request: &Checked| {
        let mut teams: Vec<String> = request
            .teams
            .iter()
            .map(|id| names.name(Group::Team, *id))
            .collect();
        teams.sort_by_key(|name| name.to_ascii_lowercase());
        teams
    };
    let invited: Vec<User> = requests
        .iter()
        .map(|request| User {
            id: user_id(request),
            email: request.email.to_string(),
            first_name: None,
            last_name: None,
            role: role(request).to_string(),
            department: department(request),
            teams: teams(request),
            status: users::UserStatus::Pending,
            created_at: now,
            activated_at: None,
            end_date: None,
        })
        .collect();
    hooks::record_all(tx, hooks::Event::Invited, &invited, &options.actor, now)?;
    Ok(requests
        .iter()
        .zip(tokens)
        .map(|(request, token)| {
            let teams = teams(request);
            let issued = Issued {
                id: invitation_id(request),
                email: request.email.to_string(),
                role: role(request).to_string(),
                department: department(request),
                teams,
                invited_by: options.invited_by.clone(),
                token,
                expires_at,
            };
            (request.email.clone(), issued)
        })
        .collect())
}

/// Rows of a team table (`user_teams (user_id, team_id)` or the like): each
/// owner with each of its teams, in one statement.
fn insert_teams<'a>(
    tx: &Database,
    table: &str,
    owners: impl Iterator<Item = (i64, &'a [i64])>,
) -> Result<()> {
    let pairs: Vec<(i64, i64)> = owners
        .flat_map(|(owner, teams)| teams.iter().map(move |team| (owner, *team)))
        .collect();
    for chunk in pairs.chunks(WRITE_CHUNK * 4) {
        let values: Vec<Value> = chunk
            .iter()
            .flat_map(|(owner, team)| [Value::Int(*owner), Value::Int(*team)])
            .collect();
        tx.execute(
            &format!(
                "INSERT INTO {table} VALUES {}",
                db::row_slots(chunk.len(), 2)
            ),
            &values,
        )?;
    }
    Ok(())
}

/// What an invitation row carries over from one token to the next.
struct Fields<'a> {
    email: &'a str,
    user_id: Option<i64>,
    role: &'a str,
    department_id: Option<i64>,
    team_ids: &'a [i64],
    invited_by: &'a str,
    sender: Option<Sender>,
}

/// Writes a pending invitation with a fresh token and window.
fn issue(
    tx: &Database,
    org: &Organization,
    fields: Fields<'_>,
    now: DateTime<Utc>,
) -> Result<Issued> {
    let token = Token::generate();
    let expires_at = time::add(now, org.invitation_ttl);
    let id: i64 = tx.query_one(
        "INSERT INTO invitations
           (email, user_id, role, department_id, invited_by, token_hash, status, sent_at, expires_at,
            sender_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8, ?9) RETURNING id",
        params![
            fields.email,
            fields.user_id,
            fields.role,
            fields.department_id,
            fields.invited_by,
            &token.hash(),
            now,
            expires_at,
            fields.sender.map(|sender| sender.0),
        ],
        |row| row.get(0),
    )?;
    for team_id in fields.team_ids {
        tx.execute(
            "INSERT INTO invitation_teams (invitation_id, team_id) VALUES (?1, ?2)",
            params![id, team_id],
        )?;
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
pub fn list(conn: &Database, filter: &ListFilter, now: DateTime<Utc>) -> Result<Vec<Invitation>> {
    let statuses = if filter.statuses.is_empty() {
        vec![Status::Pending, Status::Expired, Status::Accepted]
    } else {
        filter.statuses.clone()
    };
    // The statuses are our own words, never user text; all of them need no test.
    let wanted: Vec<String> = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    let only = if Status::ALL.iter().all(|s| statuses.contains(s)) {
        String::new()
    } else {
        format!("AND {} IN ({})", status!(), wanted.join(", "))
    };
    let before = match filter.sent_before {
        Some(_) => "AND i.sent_at < ?2",
        None => "",
    };
    let sql = format!("{SELECT} WHERE i.status <> 'superseded' {only} {before} ORDER BY i.id");
    match filter.sent_before {
        Some(before) => conn.query(&sql, params![now, before], from_row),
        None => conn.query(&sql, params![now], from_row),
    }
}

/// How many invitations there are of each status as `list` shows it
/// (superseded links are history, not counted); every status is named.
pub fn count_by_status(conn: &Database, now: DateTime<Utc>) -> Result<BTreeMap<Status, i64>> {
    let sql = format!(
        "SELECT {} AS shown, count(*) FROM invitations i WHERE i.status <> 'superseded' GROUP BY shown",
        status!()
    );
    let mut counts: BTreeMap<Status, i64> = Status::ALL.into_iter().map(|s| (s, 0)).collect();
    let rows = conn.query(&sql, params![now], |row| {
        Ok((Status::from_db(&row.get::<String>(0)?), row.get(1)?))
    })?;
    counts.extend(rows);
    Ok(counts)
}

/// One hand-over of an invitation's mail to the transport, as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    #[serde(serialize_with = "time::serialize")]
    pub at: DateTime<Utc>,
    /// `sent` or `failed`.
    pub result: &'static str,
    /// What the far end answered (a mail server's reply, the file written),
    /// or why it failed.
    pub reply: String,
    /// `smtp`, `file`, `sendmail`, or `none` when no transport could start.
    pub transport: String,
    /// The message's Message-ID, to look for in the mail server's log.
    pub message_id: Option<String>,
}

/// An invitation with every attempt to deliver it, oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    #[serde(flatten)]
    pub invitation: Invitation,
    pub deliveries: Vec<Delivery>,
}

/// Everything known about one address: what `invitectl show` tells.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub email: String,
    /// None when there is no user (any more): a cancelled invitation takes
    /// its pending user with it.
    pub user: Option<User>,
    /// Every invitation of the address, superseded ones too, oldest first.
    pub invitations: Vec<Sent>,
}

/// The user and every invitation and delivery attempt of an address, or of
/// the address of an invitation id. Unknown: refused, naming the closest
/// known addresses. Read it in a snapshot, so the parts agree.
pub fn record(conn: &Database, target: &str, now: DateTime<Utc>) -> Result<Record> {
    let target = target.trim();
    let email = match target.parse::<i64>() {
        Ok(id) => conn
            .query_row(
                "SELECT email FROM invitations WHERE id = ?1",
                params![id],
                |row| row.get(0),
            )?
            .ok_or_else(|| {
                Error::Refused(format!(
                    "there is no invitation with the id {id}; the ids are the ID column of \
                     `invitectl list --status all`"
                ))
            })?,
        Err(_) => address::lookup_key(target),
    };
    let user = users::find_by_email(conn, &email)?;
    let invitations = conn.query(
        &format!("{SELECT} WHERE i.email = ?2 ORDER BY i.id"),
        params![now, &email],
        from_row,
    )?;
    if user.is_none() && invitations.is_empty() {
        return Err(unknown_address(conn, target)?);
    }
    let attempts: Vec<(i64, Delivery)> = conn.query(
        "SELECT a.invitation_id, a.attempted_at, a.succeeded, a.detail, a.transport, a.message_id
         FROM delivery_attempts a JOIN invitations i ON i.id = a.invitation_id
         WHERE i.email = ?1 ORDER BY a.attempted_at, a.id",
        params![&email],
        |row| {
            let succeeded: bool = row.get(2)?;
            Ok((
                row.get(0)?,
                Delivery {
                    at: row.get(1)?,
                    result: if succeeded { "sent" } else { "failed" },
                    reply: row.get(3)?,
                    transport: row.get(4)?,
                    message_id: row.get(5)?,
                },
            ))
        },
    )?;
    let mut by_invitation: HashMap<i64, Vec<Delivery>> = HashMap::new();
    for (id, delivery) in attempts {
        by_invitation.entry(id).or_default().push(delivery);
    }
    let invitations = invitations
        .into_iter()
        .map(|invitation| Sent {
            deliveries: by_invitation.remove(&invitation.id).unwrap_or_default(),
            invitation,
        })
        .collect();
    Ok(Record {
        email: user.as_ref().map_or(email, |user| user.email.clone()),
        user,
        invitations,
    })
}

/// "There is no user or invitation for …", with the closest known addresses.
fn unknown_address(conn: &Database, wanted: &str) -> Result<Error> {
    let known: Vec<String> = conn.query(
        "SELECT email FROM users UNION SELECT email FROM invitations",
        &[],
        |row| row.get(0),
    )?;
    let close = suggest::closest_addresses(&address::lookup_key(wanted), &known);
    let hint = match close.as_slice() {
        [] => String::new(),
        close => format!(" (did you mean {}?)", close.join(" or ")),
    };
    Ok(Error::Refused(format!(
        "there is no user or invitation for {wanted}{hint}; see `invitectl users list --status all` \
         and `invitectl list --status all`"
    )))
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
    conn: &Database,
    selection: &Selection,
    now: DateTime<Utc>,
) -> Result<Vec<Invitation>> {
    let query_all = |condition: &str| -> Result<Vec<Invitation>> {
        let sql = format!("{SELECT} WHERE {condition} ORDER BY i.id");
        conn.query(&sql, params![now], from_row)
    };
    let names = match selection {
        Selection::Expired => {
            return query_all(concat!("i.status = 'pending' AND ", expired!()));
        }
        Selection::Failed => {
            return query_all(concat!("i.status = 'pending' AND ", undelivered!()));
        }
        Selection::Named(names) => names,
    };
    let current = format!(
        "{SELECT} WHERE i.email = (SELECT email FROM invitations WHERE id = ?2 OR email = ?3 LIMIT 1)
          AND i.status <> 'superseded' ORDER BY i.id DESC LIMIT 1"
    );
    let mut found = Vec::new();
    let mut refusals = Vec::new();
    for name in names {
        let name = name.trim();
        let id: Option<i64> = name.parse().ok();
        let email = address::lookup_key(name);
        let invitation = conn.query_row(&current, params![now, id, &email], from_row)?;
        match invitation {
            None => refusals.push(format!("there is no invitation for {name}")),
            Some(invitation) if found.iter().any(|f: &Invitation| f.id == invitation.id) => {}
            Some(invitation) => match invitation.status {
                Status::Accepted => refusals.push(format!(
                    "{} already accepted the invitation at {}",
                    invitation.email,
                    invitation.accepted_at.map_or("an earlier time".into(), stamp)
                )),
                Status::Cancelled | Status::Superseded => refusals.push(format!(
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
    conn: &mut Database,
    org: &Organization,
    selected: &[Invitation],
    actor: &str,
    sender: Option<Sender>,
    now: DateTime<Utc>,
) -> Result<Vec<Issued>> {
    let tx = conn.write()?;
    let mut issued = Vec::with_capacity(selected.len());
    for invitation in selected {
        match reissue(&tx, org, invitation.id, actor, sender, now)? {
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
    tx: &Database,
    org: &Organization,
    invitation_id: i64,
    actor: &str,
    sender: Option<Sender>,
    now: DateTime<Utc>,
) -> Result<Option<Issued>> {
    let old: Option<CarriedOver> = tx.query_row(
        "UPDATE invitations SET status = 'superseded', superseded_at = ?2, superseded_by = ?3
         WHERE id = ?1 AND status = 'pending'
         RETURNING email, user_id, role, department_id, invited_by",
        params![invitation_id, now, actor],
        |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        },
    )?;
    let Some((email, user_id, role, department_id, invited_by)) = old else {
        return Ok(None);
    };
    let teams: Vec<(i64, String)> = tx.query(
        "SELECT t.id, t.name FROM invitation_teams it JOIN teams t ON t.id = it.team_id
         WHERE it.invitation_id = ?1 ORDER BY lower(t.name)",
        params![invitation_id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let department: Option<String> = tx.query_row(
        "SELECT name FROM departments WHERE id = ?1",
        params![department_id],
        |row| row.get(0),
    )?;
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
            sender,
        },
        now,
    )?;
    tx.execute(
        "UPDATE invitations SET replaced_by = ?2 WHERE id = ?1",
        params![invitation_id, new.id],
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
    conn: &mut Database,
    selected: &[Invitation],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let tx = conn.write()?;
    for invitation in selected {
        let user_id: Option<Option<i64>> = tx.query_row(
            "UPDATE invitations SET status = 'cancelled', cancelled_at = ?2, cancelled_by = ?3
             WHERE id = ?1 AND status = 'pending' RETURNING user_id",
            params![invitation.id, now, actor],
            |row| row.get(0),
        )?;
        let Some(user_id) = user_id else {
            return Err(changed_meanwhile(&invitation.email));
        };
        tx.execute(
            "DELETE FROM users WHERE id = ?1 AND status = 'pending'",
            params![user_id],
        )?;
        audit::record(&tx, now, actor, "cancel", &invitation.email)?;
    }
    tx.commit()?;
    Ok(())
}

/// The pending, unexpired invitation a token opens; what an invitee sees
/// before accepting. A used link says so: its account exists.
pub fn open(conn: &Database, token: &Token, now: DateTime<Utc>) -> Result<Invitation> {
    let invitation = conn.query_row(
        concat!(
            select!(),
            " WHERE i.token_hash = ?2 AND i.status IN ('pending', 'accepted')"
        ),
        params![now, &token.hash()],
        from_row,
    )?;
    match invitation {
        None => Err(Error::InvalidToken),
        Some(invitation) if invitation.status == Status::Accepted => Err(Error::AlreadyAccepted),
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

/// A field of the accept form, for saying which one a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    FirstName,
    LastName,
    Password,
    ConfirmPassword,
}

/// Every problem with the form, each with its field, in the form's order;
/// empty when `accept` takes it. The same checks `accept` makes, so that a
/// page can show each message at its field.
pub fn check_form(form: &Acceptance) -> Vec<(Field, String)> {
    let mut problems = check_names(&form.first_name, &form.last_name);
    problems.extend(check_passwords(&form.password, &form.confirm_password));
    problems
}

/// The problems with a first and a last name, each at its field: the rules of
/// every form that sets a name (accept, the dashboard, `users edit`).
pub fn check_names(first_name: &str, last_name: &str) -> Vec<(Field, String)> {
    [
        (Field::FirstName, "First Name", first_name),
        (Field::LastName, "Last Name", last_name),
    ]
    .into_iter()
    .filter_map(|(field, label, value)| {
        check_name(label, value)
            .err()
            .map(|e| (field, e.to_string()))
    })
    .collect()
}

/// The problem with a new password and its confirmation, at its field; a
/// confirmation is only compared with a password that would do. Shared by
/// every form that sets a password.
pub fn check_passwords(password: &str, confirmation: &str) -> Option<(Field, String)> {
    match password::check_password(password) {
        Err(e) => Some((Field::Password, e.to_string())),
        Ok(()) => password::check_confirmation(password, confirmation)
            .err()
            .map(|e| (Field::ConfirmPassword, e.to_string())),
    }
}

/// A name as it is stored (trimmed), or why it is refused: required, made of
/// visible characters, no control characters, at most [`MAX_NAME_CHARS`].
pub fn check_name(label: &str, value: &str) -> Result<String> {
    let value = value.trim();
    if crate::text::is_blank(value) {
        return Err(Error::Invalid(format!(
            "{label} is required: type a name made of visible characters"
        )));
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
    conn: &mut Database,
    token: &Token,
    form: &Acceptance,
    now: DateTime<Utc>,
) -> Result<User> {
    open(conn, token, now)?;
    let first_name = check_name("First Name", &form.first_name)?;
    let last_name = check_name("Last Name", &form.last_name)?;
    password::check_policy(&form.password, &form.confirm_password)?;
    let password_hash = password::hash(&form.password)?;

    let tx = conn.write()?;
    let accepted: Option<(i64, Option<i64>, String, Option<i64>)> = tx.query_row(
        concat!(
            "UPDATE invitations AS i SET status = 'accepted', accepted_at = ?1
             WHERE i.token_hash = ?2 AND i.status = 'pending' AND NOT (",
            expired!(),
            ") RETURNING id, user_id, role, department_id"
        ),
        params![now, &token.hash()],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )?;
    let Some((invitation_id, Some(user_id), role, department_id)) = accepted else {
        drop(tx);
        // Someone else used it, or it expired or was cancelled meanwhile: say which.
        open(conn, token, now)?;
        return Err(Error::InvalidToken);
    };
    let activated = tx.execute(
        "UPDATE users SET status = 'active', first_name = ?2, last_name = ?3, password_hash = ?4,
                role = ?5, department_id = ?6, activated_at = ?7
         WHERE id = ?1 AND status = 'pending'",
        params![
            user_id,
            &first_name,
            &last_name,
            &password_hash,
            &role,
            department_id,
            now
        ],
    )?;
    if activated != 1 {
        return Err(Error::InvalidToken);
    }
    tx.execute(
        "DELETE FROM user_teams WHERE user_id = ?1",
        params![user_id],
    )?;
    tx.execute(
        "INSERT INTO user_teams (user_id, team_id) SELECT ?1, team_id FROM invitation_teams WHERE invitation_id = ?2",
        params![user_id, invitation_id],
    )?;
    let email: String = tx.query_one(
        "SELECT email FROM users WHERE id = ?1",
        params![user_id],
        |row| row.get(0),
    )?;
    audit::record(&tx, now, &email, "accept", &email)?;
    hooks::record(&tx, hooks::Event::Activated, user_id, &email, now)?;
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

/// How long a sending process's claim on its batch lasts unless renewed.
pub const SENDER_LEASE: std::time::Duration = std::time::Duration::from_secs(120);

/// A process that is sending a batch: while its lease is fresh, `resend
/// --failed` leaves that batch's queued invitations alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sender(i64);

/// This process on this host, as a sender.
#[derive(Debug, Clone)]
pub struct Process {
    pub host: String,
    pub pid: u32,
}

/// Registers this process as a sender, before it writes what it will send.
pub fn start_sending(conn: &mut Database, me: &Process, now: DateTime<Utc>) -> Result<Sender> {
    let tx = conn.write()?;
    tx.execute("DELETE FROM senders WHERE expires_at <= ?1", params![now])?;
    let id = tx.query_one(
        "INSERT INTO senders (host, pid, expires_at) VALUES (?1, ?2, ?3) RETURNING id",
        params![&me.host, me.pid, time::add(now, SENDER_LEASE)],
        |row| row.get(0),
    )?;
    tx.commit()?;
    Ok(Sender(id))
}

/// Ends the leases of senders on this host whose process is gone (killed or
/// crashed), so what they were sending is picked up at once, not when the
/// lease runs out. `is_running` tells whether a process id is alive here.
pub fn end_dead_senders(
    conn: &mut Database,
    host: &str,
    is_running: impl Fn(u32) -> bool,
) -> Result<()> {
    let on_this_host: Vec<(i64, i64)> = conn.query(
        "SELECT id, pid FROM senders WHERE host = ?1",
        params![host],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let dead: Vec<i64> = on_this_host
        .into_iter()
        .filter(|(_, pid)| u32::try_from(*pid).is_ok_and(|pid| !is_running(pid)))
        .map(|(id, _)| id)
        .collect();
    if dead.is_empty() {
        return Ok(());
    }
    let tx = conn.write()?;
    for id in dead {
        tx.execute("DELETE FROM senders WHERE id = ?1", params![id])?;
    }
    tx.commit()?;
    Ok(())
}

/// Renews the lease: this process is still sending.
pub fn keep_sending(conn: &Database, sender: Sender, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE senders SET expires_at = ?2 WHERE id = ?1",
        params![sender.0, time::add(now, SENDER_LEASE)],
    )?;
    Ok(())
}

/// Ends the lease: whatever is still queued is free for `resend --failed`.
pub fn stop_sending(conn: &Database, sender: Sender) -> Result<()> {
    conn.execute("DELETE FROM senders WHERE id = ?1", params![sender.0])?;
    Ok(())
}

/// Records delivery attempts and each invitation's delivery state, in one
/// transaction, a statement or two for many attempts.
pub fn record_deliveries(conn: &mut Database, attempts: &[Attempt]) -> Result<()> {
    if attempts.is_empty() {
        return Ok(());
    }
    let tx = conn.write()?;
    for chunk in attempts.chunks(WRITE_CHUNK) {
        let states: Vec<(&str, String)> = chunk
            .iter()
            .map(|attempt| match &attempt.outcome {
                Ok(detail) => (detail.as_str(), "sent".to_string()),
                Err(reason) => (reason.as_str(), format!("failed: {reason}")),
            })
            .collect();
        let mut values = Vec::with_capacity(chunk.len() * 6);
        for (attempt, (detail, _)) in chunk.iter().zip(&states) {
            values.extend([
                Value::Int(attempt.invitation_id),
                Value::Time(attempt.at),
                Value::Text(attempt.transport),
                Value::Bool(attempt.outcome.is_ok()),
                Value::Text(detail),
                attempt.message_id.as_deref().into(),
            ]);
        }
        tx.execute(
            &format!(
                "INSERT INTO delivery_attempts (invitation_id, attempted_at, transport, succeeded, detail, message_id)
                 VALUES {}",
                db::row_slots(chunk.len(), 6)
            ),
            &values,
        )?;
        let values: Vec<Value> = chunk
            .iter()
            .zip(&states)
            .flat_map(|(attempt, (_, state))| {
                [Value::Int(attempt.invitation_id), Value::Text(state)]
            })
            .collect();
        let cases: Vec<String> = (0..chunk.len())
            .map(|i| format!("WHEN ?{} THEN ?{}", 2 * i + 1, 2 * i + 2))
            .collect();
        let ids: Vec<String> = (0..chunk.len())
            .map(|i| format!("?{}", 2 * i + 1))
            .collect();
        tx.execute(
            &format!(
                "UPDATE invitations SET delivery = CASE id {} END WHERE id IN ({})",
                cases.join(" "),
                ids.join(", ")
            ),
            &values,
        )?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
#[path = "invitations_tests.rs"]
mod tests;
