//! Inviting a batch: every address checked before anything is written, then
//! written (and handed to the mailer) a chunk at a time.

use super::*;

/// What one line of a batch asks for, as the admin typed it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub email: String,
    pub role: Option<String>,
    pub department: Option<String>,
    pub teams: Vec<String>,
    /// Where it was read, such as `hires.csv line 3`, for naming a bad row.
    pub location: Option<String>,
    /// How long its link works, when not `invitation_ttl` (`--ttl`, a CSV
    /// `ttl` cell; checked against the cap by whoever read it).
    pub ttl: Option<std::time::Duration>,
    /// The language of its mail and pages (`--lang`, a `lang` cell).
    pub lang: Option<Lang>,
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
    /// The language its mail is written in, when not `[organization] language`.
    pub lang: Option<Lang>,
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
pub(super) const WRITE_CHUNK: usize = 200;

/// Addresses looked up in one statement.
pub(super) const LOOKUP_CHUNK: usize = 500;

/// What to do with one checked address.
pub(super) enum Step {
    Invite(Checked),
    Resend { invitation_id: i64, email: Box<str> },
    Skip { email: Box<str>, reason: Box<str> },
}

impl Step {
    pub(super) fn email(&self) -> &str {
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

pub(super) enum OutcomesInner {
    Written(std::vec::IntoIter<Outcome>),
    Planned {
        steps: std::vec::IntoIter<Step>,
        now: DateTime<Utc>,
        ttl: std::time::Duration,
    },
}

impl Iterator for Outcomes {
    type Item = Outcome;

    fn next(&mut self) -> Option<Outcome> {
        match &mut self.0 {
            OutcomesInner::Written(outcomes) => outcomes.next(),
            OutcomesInner::Planned { steps, now, ttl } => steps.next().map(|step| match step {
                Step::Invite(Checked {
                    email, ttl: own, ..
                }) => Outcome::WouldInvite {
                    email: email.into_string(),
                    expires_at: time::add(*now, own.unwrap_or(*ttl)),
                },
                Step::Resend { email, .. } => Outcome::WouldInvite {
                    email: email.into_string(),
                    expires_at: time::add(*now, *ttl),
                },
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
    let mut batch = plan_batch(conn, org, requests, options, now)?;
    if options.dry_run {
        return Ok(batch.planned());
    }
    let mut outcomes = Vec::with_capacity(batch.len());
    while let Some(chunk) = batch.write_next(conn, org, options, now)? {
        outcomes.extend(chunk);
    }
    Ok(Outcomes(OutcomesInner::Written(outcomes.into_iter())))
}

/// A batch that passed every check, not yet written: what a dry run
/// shows, or what is written a chunk at a time ([`Batch::write_next`]), so
/// that a caller can mail each chunk before the next and hold no more than
/// one chunk's links.
pub struct Batch {
    steps: std::vec::IntoIter<Step>,
    names: Names,
    now: DateTime<Utc>,
    ttl: std::time::Duration,
}

/// Checks a whole batch against the rules and the database, writing
/// nothing: with any problem, all of them are named and nothing is planned.
pub fn plan_batch(
    conn: &mut Database,
    org: &Organization,
    requests: impl IntoIterator<Item = Result<Request>>,
    options: &InviteOptions,
    now: DateTime<Utc>,
) -> Result<Batch> {
    check_invited_by(&options.invited_by)?;
    let names = Names::read(conn)?;
    let steps = plan(conn, org, &names, requests, options.skip_existing, now)?;
    Ok(Batch {
        steps: steps.into_iter(),
        names,
        now,
        ttl: org.invitation_ttl,
    })
}

impl Batch {
    /// Addresses not yet written.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.len() == 0
    }

    /// Addresses not yet written that will get a mail when they are.
    pub fn to_send(&self) -> usize {
        self.steps
            .as_slice()
            .iter()
            .filter(|step| !matches!(step, Step::Skip { .. }))
            .count()
    }

    /// What a dry run shows: the outcome each address would have, made as
    /// they are read.
    pub fn planned(self) -> Outcomes {
        Outcomes(OutcomesInner::Planned {
            steps: self.steps,
            now: self.now,
            ttl: self.ttl,
        })
    }

    /// Writes the next chunk of the batch in one short transaction (other
    /// writers get their turn between two); `None` when all are written.
    pub fn write_next(
        &mut self,
        conn: &mut Database,
        org: &Organization,
        options: &InviteOptions,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<Outcome>>> {
        let chunk: Vec<Step> = self.steps.by_ref().take(WRITE_CHUNK).collect();
        if chunk.is_empty() {
            return Ok(None);
        }
        let tx = conn.write()?;
        let outcomes = write_chunk(&tx, org, &self.names, chunk, options, now)?;
        tx.commit()?;
        Ok(Some(outcomes))
    }
}

/// Checks the whole batch and decides each address's step, reading a
/// snapshot of the database without taking the write lock.
pub(super) fn plan(
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

/// Writes a chunk of steps in the caller's transaction, in the order given.
pub(super) fn write_chunk(
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

/// Who already has an address.
pub(super) enum Existing {
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
    pub(super) fn refusal(&self, email: &str) -> String {
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
pub(super) fn existing(
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
pub(super) fn insert(
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
    let mut values = Vec::with_capacity(requests.len() * 6);
    for request in requests {
        values.extend([
            Value::Text(&request.email),
            Value::Text(role(request)),
            request.department.into(),
            Value::Text("pending"),
            Value::Time(now),
            request.lang.map(Lang::code).into(),
        ]);
    }
    let user_ids: HashMap<String, i64> = tx
        .query(
            &format!(
                "INSERT INTO users (email, role, department_id, status, created_at, lang) VALUES {}
                 RETURNING email, id",
                db::row_slots(requests.len(), 6)
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

    let expires_at = |request: &Checked| time::add(now, request.ttl.unwrap_or(org.invitation_ttl));
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
            Value::Time(expires_at(request)),
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
            status: user::UserStatus::Pending,
            created_at: now,
            activated_at: None,
            end_date: None,
            lang: request.lang,
        })
        .collect();
    hook_events::record_all(
        tx,
        hook_events::Event::Invited,
        &invited,
        &options.actor,
        now,
    )?;
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
                expires_at: expires_at(request),
                lang: request.lang,
            };
            (request.email.clone(), issued)
        })
        .collect())
}

/// Rows of a team table (`user_teams (user_id, team_id)` or the like): each
/// owner with each of its teams, in one statement.
pub(super) fn insert_teams<'a>(
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
