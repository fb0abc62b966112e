//! Checking a batch against the organization's roles and the known teams
//! and departments, naming each problem once, with the row it is on.

use super::*;

/// Each address given more than once, named once. Sorting positions costs
/// four bytes an address, where a set of every address would cost a copy.
pub(super) fn listed_twice(steps: &[Step]) -> Vec<String> {
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

/// Invited By is printed in the mail: one line of plain text.
pub(super) fn check_invited_by(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(Error::Invalid(format!(
            "Invited By \"{}\" is empty or contains a control character such as a line break; \
             give one line of text with --invited-by or [organization] admin",
            name.escape_default()
        )));
    }
    Ok(())
}

/// Checks one request after another against the organization's roles and
/// the known teams and departments, naming each problem once.
pub(super) struct Checker<'a> {
    conn: &'a Database,
    org: &'a Organization,
    names: &'a Names,
    /// Each unknown name once: where its problem is in the list, and the
    /// other rows it was on.
    unknown_names: HashMap<(&'static str, String), Unknown>,
    team_lists: HashMap<Vec<i64>, Arc<[i64]>>,
}

impl<'a> Checker<'a> {
    pub(super) fn new(conn: &'a Database, org: &'a Organization, names: &'a Names) -> Self {
        Checker {
            conn,
            org,
            names,
            unknown_names: HashMap::new(),
            team_lists: HashMap::new(),
        }
    }

    /// The checked request, or `None` with its problems added to `problems`.
    pub(super) fn request(
        &mut self,
        request: Request,
        problems: &mut Vec<String>,
    ) -> Option<Checked> {
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
            Some(role) => match self.org.role_index(role) {
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
            ttl: request.ttl,
            lang: request.lang,
        })
    }

    pub(super) fn lookup(
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
    pub(super) fn unknown(
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

pub(super) struct Unknown {
    index: usize,
    first_row: String,
    problem: String,
    other_rows: usize,
}

/// The known teams and departments, by lower-case name and by id.
pub(super) struct Names {
    ids: HashMap<(Group, String), i64>,
    names: HashMap<(Group, i64), String>,
}

impl Names {
    pub(super) fn read(conn: &Database) -> Result<Names> {
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

    pub(super) fn id(&self, group: Group, name: &str) -> Option<i64> {
        self.ids.get(&(group, name.to_lowercase())).copied()
    }

    pub(super) fn name(&self, group: Group, id: i64) -> String {
        self.names.get(&(group, id)).cloned().unwrap_or_default()
    }
}

/// A request that passed every check. Kept small, names as ids: a batch may
/// hold a million of them.
pub(super) struct Checked {
    pub(super) email: Box<str>,
    /// Index into the organization's roles.
    pub(super) role: u16,
    pub(super) department: Option<i64>,
    /// Shared between the rows that name the same teams.
    pub(super) teams: Arc<[i64]>,
    /// Its own lifetime, when not the organization's.
    pub(super) ttl: Option<std::time::Duration>,
    pub(super) lang: Option<Lang>,
}
