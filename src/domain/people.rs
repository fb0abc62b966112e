//! People as code: the people file, and the plan that brings the directory
//! in line with it. Takes `now`, prints nothing.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::config::Organization;
use crate::db::Database;
use crate::domain::directory::{self, Group};
use crate::domain::invitations::{self, InviteOptions, Request};
use crate::domain::user::{self, User, UserStatus};
use crate::domain::users;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::{address, suggest};

/// The columns of a people file, in the order `users export` writes them.
pub const HEADER: [&str; 7] = [
    "email",
    "first_name",
    "last_name",
    "role",
    "department",
    "teams",
    "end_date",
];

/// One checked row of a people file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub line: u64,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: String,
    pub department: Option<String>,
    pub teams: Vec<String>,
    pub end_date: Option<NaiveDate>,
    /// The language of their mail and pages; an empty cell keeps theirs.
    pub lang: Option<Lang>,
}

/// Reads and checks every row of `path`; with any bad row, every problem is
/// named by file and line and nothing is returned.
pub fn read(path: &Path, conn: &Database, org: &Organization) -> Result<Vec<Person>> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::Invalid(format!("cannot read {}: {e}", path.display())))?;
    read_from(&path.display().to_string(), file, conn, org)
}

pub fn read_from(
    name: &str,
    input: impl std::io::Read,
    conn: &Database,
    org: &Organization,
) -> Result<Vec<Person>> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::Invalid(format!("{name}: cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |wanted: &str| header.iter().position(|h| h == wanted);
    let unknown: Vec<&String> = header
        .iter()
        .filter(|h| !HEADER.contains(&h.as_str()) && h.as_str() != "lang")
        .collect();
    let missing: Vec<&str> = HEADER
        .iter()
        .copied()
        .filter(|h| column(h).is_none())
        .collect();
    if !unknown.is_empty() || !missing.is_empty() {
        let mut problems = Vec::new();
        if !unknown.is_empty() {
            problems.push(format!(
                "unknown column(s) {}",
                unknown
                    .iter()
                    .map(|u| format!("\"{u}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !missing.is_empty() {
            problems.push(format!("missing column(s) {}", missing.join(", ")));
        }
        return Err(Error::Invalid(format!(
            "{name} line 1: {}; a people file has the header {} (and optionally lang)",
            problems.join("; "),
            HEADER.join(",")
        )));
    }
    let at = |h: &str| column(h).expect("checked above");
    let lang_column = column("lang");
    let departments = directory::names(conn, Group::Department)?;
    let teams_known = directory::names(conn, Group::Team)?;
    let mut problems = Vec::new();
    let mut people = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(format!("{name} line {line}: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let here = format!("{name} line {line}");
        let cell = |h: &str| record.get(at(h)).unwrap_or("").trim().to_string();
        let optional = |value: String| (!value.is_empty()).then_some(value);
        let before = problems.len();
        let raw_email = cell("email");
        let email = match address::normalize(&raw_email) {
            Ok(email) => email,
            Err(reason) => {
                problems.push(format!(
                    "{here}: \"{}\" is not a valid address: {reason}",
                    raw_email.escape_default()
                ));
                continue;
            }
        };
        if let Some(first) = seen.get(&email) {
            problems.push(format!(
                "{here}: {email} is also on line {first}; one row per person"
            ));
            continue;
        }
        seen.insert(email.clone(), line);
        let mut name = |label: &str, value: String| match optional(value) {
            None => None,
            Some(value) => match user::check_name(label, &value) {
                Ok(value) => Some(value),
                Err(problem) => {
                    problems.push(format!("{here}: {problem}"));
                    None
                }
            },
        };
        let first_name = name("first name", cell("first_name"));
        let last_name = name("last name", cell("last_name"));
        let role = cell("role");
        let role = if role.is_empty() {
            problems.push(format!("{here}: {email} has no role: fill the role column"));
            String::new()
        } else {
            match org.role_index(&role) {
                Ok(index) => org.roles[index].clone(),
                Err(problem) => {
                    problems.push(format!("{here}: {problem}"));
                    String::new()
                }
            }
        };
        let known =
            |group: Group, known: &[String], wanted: &str, problems: &mut Vec<String>| match known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(wanted))
            {
                Some(k) => Some(k.clone()),
                None => {
                    problems.push(format!(
                        "{here}: {}; add it with `invitectl {}s add`",
                        suggest::unknown(group.noun(), wanted, known),
                        group.noun()
                    ));
                    None
                }
            };
        let department = optional(cell("department"))
            .and_then(|d| known(Group::Department, &departments, &d, &mut problems));
        let mut teams: Vec<String> = cell("teams")
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .filter_map(|t| known(Group::Team, &teams_known, t, &mut problems))
            .collect();
        teams.sort_by_key(|t| t.to_lowercase());
        teams.dedup();
        let end_date = match optional(cell("end_date")) {
            None => None,
            Some(text) => match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    problems.push(format!(
                        "{here}: end_date \"{}\" is not a date like 2027-03-31",
                        text.escape_default()
                    ));
                    None
                }
            },
        };
        let lang = match lang_column.and_then(|c| record.get(c)).map(str::trim) {
            None | Some("") => None,
            Some(code) => match code.parse::<Lang>() {
                Ok(lang) => Some(lang),
                Err(problem) => {
                    problems.push(format!("{here}: lang {problem}"));
                    None
                }
            },
        };
        if problems.len() == before {
            people.push(Person {
                line,
                email,
                first_name,
                last_name,
                role,
                department,
                teams,
                end_date,
                lang,
            });
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(format!(
            "{} bad row(s); nothing was changed:\n{}",
            problems.len(),
            problems.join("\n")
        )));
    }
    Ok(people)
}

/// What `apply` does for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Invite,
    Change,
    Reactivate,
    Deactivate,
    Unchanged,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Invite => "invite",
            Action::Change => "change",
            Action::Reactivate => "reactivate",
            Action::Deactivate => "deactivate",
            Action::Unchanged => "unchanged",
        }
    }
}

/// One row of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub email: String,
    pub action: Action,
    /// Each difference as `field: old → new`.
    pub changes: Vec<String>,
    #[serde(skip)]
    pub person: Option<Person>,
    #[serde(skip)]
    pub status: Option<UserStatus>,
    /// Its invitation mail failed: a `change` that sends it again (so a
    /// rerun after a mail failure repairs it).
    #[serde(skip)]
    pub resend: bool,
}

fn shown(value: Option<&str>) -> String {
    value.unwrap_or("(none)").to_string()
}

/// The differences between a user and their row, as `field: old → new`.
/// An empty name in the file never takes away a name the user set.
fn differences(user: &User, person: &Person) -> Vec<String> {
    let mut changes = Vec::new();
    let mut field = |label: &str, old: String, new: String| {
        if old != new {
            changes.push(format!("{label}: {old} → {new}"));
        }
    };
    if let Some(first) = &person.first_name {
        field(
            "first_name",
            shown(user.first_name.as_deref()),
            first.clone(),
        );
    }
    if let Some(last) = &person.last_name {
        field("last_name", shown(user.last_name.as_deref()), last.clone());
    }
    field("role", user.role.clone(), person.role.clone());
    field(
        "department",
        shown(user.department.as_deref()),
        shown(person.department.as_deref()),
    );
    let teams = |t: &[String]| match t {
        [] => "(none)".to_string(),
        t => t.join(";"),
    };
    let mut current = user.teams.clone();
    current.sort_by_key(|t| t.to_lowercase());
    field("teams", teams(&current), teams(&person.teams));
    let date = |d: Option<NaiveDate>| d.map_or("(none)".to_string(), |d| d.to_string());
    field("end_date", date(user.end_date), date(person.end_date));
    if let Some(lang) = person.lang {
        let current = user.lang.map_or("(default)".to_string(), |l| l.to_string());
        field("lang", current, lang.to_string());
    }
    changes
}

/// The change that says a failed invitation mail is sent again.
const SENT_AGAIN: &str = "delivery: failed → sent again, with a new link";

/// Compares the file with the directory. Reads only.
pub fn plan(
    conn: &Database,
    people: &[Person],
    prune: bool,
    now: DateTime<Utc>,
) -> Result<Vec<Step>> {
    let known: HashMap<String, User> = user::list(conn, &[])?
        .into_iter()
        .map(|u| (address::lookup_key(&u.email), u))
        .collect();
    let undelivered: std::collections::HashSet<String> =
        invitations::select(conn, &invitations::Selection::Failed, now)?
            .into_iter()
            .map(|i| address::lookup_key(&i.email))
            .collect();
    let mut steps = Vec::with_capacity(people.len());
    let mut in_file = std::collections::HashSet::with_capacity(people.len());
    for person in people {
        let key = address::lookup_key(&person.email);
        in_file.insert(key.clone());
        let step = match known.get(&key) {
            None => Step {
                email: person.email.clone(),
                action: Action::Invite,
                changes: Vec::new(),
                person: Some(person.clone()),
                status: None,
                resend: false,
            },
            Some(user) => {
                let mut changes = differences(user, person);
                let resend = user.status == UserStatus::Pending && undelivered.contains(&key);
                if resend {
                    changes.push(SENT_AGAIN.to_string());
                }
                let action = if user.status == UserStatus::Inactive {
                    Action::Reactivate
                } else if changes.is_empty() {
                    Action::Unchanged
                } else {
                    Action::Change
                };
                Step {
                    email: user.email.clone(),
                    action,
                    changes,
                    person: Some(person.clone()),
                    status: Some(user.status),
                    resend,
                }
            }
        };
        steps.push(step);
    }
    if prune {
        let mut leaving: Vec<&User> = known
            .iter()
            .filter(|(key, u)| u.status != UserStatus::Inactive && !in_file.contains(*key))
            .map(|(_, u)| u)
            .collect();
        leaving.sort_by_key(|u| u.id);
        steps.extend(leaving.into_iter().map(|u| Step {
            email: u.email.clone(),
            action: Action::Deactivate,
            changes: Vec::new(),
            person: None,
            status: Some(u.status),
            resend: false,
        }));
    }
    Ok(steps)
}

/// How many deactivations `apply --prune` allows by default: 10 % of the
/// active users, at least 1.
pub fn default_max_deactivate(active: usize) -> usize {
    (active / 10).max(1)
}

/// Gives `email` the end date of its row, in its own write transaction.
fn set_end_date(
    conn: &mut Database,
    email: &str,
    date: Option<NaiveDate>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let tx = conn.write()?;
    let Some(user) = user::find_by_email(&tx, email)? else {
        return Ok(());
    };
    if crate::domain::end_dates::set(&tx, &user, date, actor, now)? {
        tx.commit()?;
    }
    Ok(())
}

/// What `apply` did: the invitations to mail, and the count of each action.
pub struct Applied {
    pub issued: Vec<invitations::Issued>,
    pub done: usize,
}

/// Carries out `steps` (a plan just computed). Invitations go through
/// `invite`, changes through `users edit`, deactivations through
/// `users deactivate`, and a pending user's invitation is cancelled.
pub fn apply(
    conn: &mut Database,
    org: &Organization,
    steps: &[Step],
    options: &InviteOptions,
    now: DateTime<Utc>,
) -> Result<Applied> {
    let mut done = 0;
    let requests: Vec<Request> = steps
        .iter()
        .filter(|s| s.action == Action::Invite)
        .filter_map(|s| s.person.as_ref())
        .map(|p| Request {
            email: p.email.clone(),
            role: Some(p.role.clone()),
            department: p.department.clone(),
            teams: p.teams.clone(),
            location: Some(format!("line {}", p.line)),
            ttl: None,
            lang: p.lang,
        })
        .collect();
    let mut issued = Vec::new();
    if !requests.is_empty() {
        let options = InviteOptions {
            skip_existing: true,
            ..options.clone()
        };
        let outcomes = invitations::invite(conn, org, &requests, &options, now)?;
        done += outcomes.len();
        issued = invitations::issued(&outcomes);
        // Names given in the file go on the new pending users.
        for step in steps.iter().filter(|s| s.action == Action::Invite) {
            let Some(person) = &step.person else { continue };
            if person.end_date.is_some() {
                set_end_date(conn, &person.email, person.end_date, &options.actor, now)?;
            }
            if person.first_name.is_some() || person.last_name.is_some() {
                let wanted = users::Edit {
                    first_name: person.first_name.clone(),
                    last_name: person.last_name.clone(),
                    ..users::Edit::default()
                };
                users::edit(conn, org, &person.email, &wanted, &options.actor, now)?;
            }
        }
    }
    for step in steps {
        match step.action {
            Action::Invite | Action::Unchanged => {}
            Action::Change | Action::Reactivate => {
                let person = step.person.as_ref().expect("a row of the file");
                if step.action == Action::Reactivate {
                    users::reactivate(conn, &step.email, &options.actor, now)?;
                }
                let wanted = users::Edit {
                    role: Some(person.role.clone()),
                    department: Some(person.department.clone()),
                    teams: Some(person.teams.clone()),
                    first_name: person.first_name.clone(),
                    last_name: person.last_name.clone(),
                    lang: person.lang,
                };
                users::edit(conn, org, &step.email, &wanted, &options.actor, now)?;
                set_end_date(conn, &step.email, person.end_date, &options.actor, now)?;
                done += 1;
            }
            Action::Deactivate => {
                if step.status == Some(UserStatus::Pending) {
                    let pending = invitations::list(
                        conn,
                        &invitations::ListFilter {
                            statuses: vec![
                                invitations::Status::Pending,
                                invitations::Status::Expired,
                            ],
                            sent_before: None,
                        },
                        now,
                    )?;
                    let selected: Vec<_> = pending
                        .into_iter()
                        .filter(|i| i.email == step.email)
                        .collect();
                    invitations::cancel(conn, &selected, &options.actor, now)?;
                } else {
                    users::deactivate(conn, &step.email, &options.actor, now)?;
                }
                done += 1;
            }
        }
    }
    let again: Vec<String> = steps
        .iter()
        .filter(|s| s.resend)
        .map(|s| s.email.clone())
        .collect();
    if !again.is_empty() {
        let selected = invitations::select(conn, &invitations::Selection::Named(again), now)?;
        issued.extend(invitations::resend(
            conn,
            org,
            &selected,
            &options.actor,
            options.sender,
            now,
        )?);
    }
    Ok(Applied { issued, done })
}
