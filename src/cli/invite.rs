//! `invite`: addresses from arguments, stdin or a CSV file, checked, written
//! and mailed a chunk at a time.

use super::*;

pub(super) fn rate(text: Option<&str>) -> Result<Option<delivery::Rate>> {
    text.map(delivery::Rate::parse)
        .transpose()
        .map_err(Error::Invalid)
}

/// Takes a delivery lease for this process, first ending those of senders on
/// this host that were killed, so their queued mail is sent now.
pub(super) fn start_sending(conn: &mut Database) -> Result<invitations::Sender> {
    let host = nix::unistd::gethostname()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    invitations::end_dead_senders(conn, &host, |pid| {
        let Ok(pid) = i32::try_from(pid) else {
            return false;
        };
        // EPERM: alive, but another user's.
        !matches!(
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None),
            Err(nix::errno::Errno::ESRCH)
        )
    })?;
    let me = invitations::Process {
        host,
        pid: std::process::id(),
    };
    invitations::start_sending(conn, &me, now())
}

pub(super) fn invite(context: &Context, args: InviteArgs) -> Result<()> {
    let rate = rate(args.rate.as_deref())?;
    // A dry run sends nothing, so it needs no mail password; it does check
    // the templates the real run would use.
    if args.dry_run {
        mail::templates::Templates::load(&context.config.mail)?;
    } else {
        mail::check(&context.config, &environment)?;
    }
    let ttl = remind::ttl_flag(context, args.ttl.as_deref())?;
    let requests = gather_requests(&args, ttl, context.config.followup.max_invitation_ttl)?;
    let options = InviteOptions {
        invited_by: args
            .invited_by
            .clone()
            .unwrap_or_else(|| context.invited_by()),
        actor: actor(),
        skip_existing: args.skip_existing,
        dry_run: args.dry_run,
        sender: None,
    };
    let mut conn = context.open()?;
    let options = InviteOptions {
        sender: (!args.dry_run)
            .then(|| start_sending(&mut conn))
            .transpose()?,
        ..options
    };
    let org = &context.config.organization;
    let mut batch = invitations::plan_batch(&mut conn, org, requests, &options, now())?;
    let mut rows = SentRows::new(args.format.view(), batch.len());
    if args.dry_run {
        // Printed as the plan yields them: a huge dry run is never held twice.
        let total = batch.len();
        let mut skipped = 0;
        for outcome in batch.planned() {
            if matches!(outcome, Outcome::Skipped { .. }) {
                skipped += 1;
            }
            rows.push(invite_row(
                context,
                &outcome,
                &HashMap::new(),
                args.print_link,
            ));
        }
        let printed = rows.finish();
        context.note(&format!(
            "dry run: {} would be invited, {skipped} skipped; nothing was written or sent",
            total - skipped
        ));
        return printed;
    }
    // Written and mailed a chunk at a time: only one chunk's links are
    // ever in memory, however big the batch.
    let bar = context.progress(batch.to_send());
    let mut session = delivery::Session::start(&context.config, rate, options.sender, &environment);
    let mut tally = Tally::default();
    let (mut invited, mut resent, mut skipped) = (0, 0, 0);
    loop {
        let chunk = match batch.write_next(&mut conn, org, &options, now()) {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                // What was mailed is recorded, so a rerun does not mail it
                // again, and the rows say what was done before the failure.
                bar.finish();
                session.finish(&mut conn)?;
                let _ = rows.finish();
                return Err(e);
            }
        };
        let issued = invitations::issued(&chunk);
        if let Some(date) = args.end_date {
            people::set_end_dates(&mut conn, &issued, date)?;
        }
        let report = session.send(&mut conn, &issued, &now, &mut || bar.tick())?;
        let failures = report.failures();
        for outcome in &chunk {
            match outcome {
                Outcome::Invited(_) => invited += 1,
                Outcome::Resent(_) => resent += 1,
                _ => skipped += 1,
            }
            rows.push(invite_row(context, outcome, &failures, args.print_link));
        }
        tally.add(report);
    }
    bar.finish();
    session.finish(&mut conn)?;
    // A reader that went away must not hide a delivery failure (exit 4).
    let printed = rows.finish();
    context.note(&match resent {
        0 => format!("invited {invited}, skipped {skipped}"),
        _ => format!("invited {invited}, resent {resent}, skipped {skipped}"),
    });
    finish_delivery(context, &tally).and(printed)
}

/// More rows than a person reads in a table: a bigger batch's table shows
/// the problems and a count per outcome instead (JSON and CSV have them all).
pub(super) const TABLE_ROWS: usize = 1000;

/// What a delivery in parts did, all parts together.
#[derive(Default)]
pub(super) struct Tally {
    sent: usize,
    failed: usize,
    first_failure: Option<String>,
    destination: String,
}

impl Tally {
    pub(super) fn add(&mut self, report: delivery::Report) {
        self.sent += report.sent;
        self.failed += report.failed.len();
        if self.first_failure.is_none() {
            self.first_failure = report.failed.into_iter().next().map(|(_, reason)| reason);
        }
        self.destination = report.destination;
    }
}

/// The row `invite` prints for one address.
pub(super) fn invite_row(
    context: &Context,
    outcome: &Outcome,
    failures: &HashMap<&str, &str>,
    print_link: bool,
) -> SentRow {
    match outcome {
        Outcome::Invited(issued) => sent_row(context, issued, "invited", failures, print_link),
        Outcome::Resent(issued) => SentRow {
            reason: Some(format!(
                "{} was already invited but the mail never went out; a new link was sent",
                issued.email
            )),
            ..sent_row(context, issued, "resent", failures, print_link)
        },
        Outcome::WouldInvite { email, expires_at } => SentRow {
            email: email.clone(),
            outcome: "would_invite",
            reason: None,
            expires_at: Some(*expires_at),
            delivery: None,
            id: None,
            link: print_link.then(String::new),
        },
        Outcome::Skipped { email, reason } => SentRow {
            email: email.clone(),
            outcome: "skipped",
            reason: Some(reason.clone()),
            expires_at: None,
            delivery: None,
            id: None,
            link: print_link.then(String::new),
        },
    }
}

pub(super) fn sent_row(
    context: &Context,
    issued: &Issued,
    outcome: &'static str,
    failures: &HashMap<&str, &str>,
    print_link: bool,
) -> SentRow {
    let failure = failures.get(issued.email.as_str());
    SentRow {
        email: issued.email.clone(),
        outcome,
        reason: None,
        expires_at: Some(issued.expires_at),
        delivery: Some(match failure {
            Some(reason) => format!("failed: {reason}"),
            None => "sent".into(),
        }),
        id: Some(issued.id),
        link: print_link.then(|| context.config.organization.accept_link(&issued.token)),
    }
}

/// Tells where the mail went; exit code 4 when any message did not go out.
pub(super) fn finish_delivery(context: &Context, tally: &Tally) -> Result<()> {
    if tally.sent > 0 {
        context.note(&format!(
            "{} message(s) sent to {}",
            tally.sent, tally.destination
        ));
    }
    let Some(first_reason) = &tally.first_failure else {
        return Ok(());
    };
    Err(Error::Delivery(format!(
        "{} message(s) could not be sent ({first_reason}); the invitations are stored: \
         fix the mail settings and run `invitectl resend --failed`",
        tally.failed
    )))
}

/// The batch as the admin gave it: arguments (comma lists, - for stdin) and
/// --from-file rows, the file read row by row so a huge one is never held whole.
pub(super) fn gather_requests(
    args: &InviteArgs,
    ttl: Option<std::time::Duration>,
    cap: std::time::Duration,
) -> Result<impl Iterator<Item = Result<Request>> + '_> {
    let mut emails = Vec::new();
    for argument in &args.emails {
        if argument == "-" {
            let mut text = String::new();
            io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::Invalid(format!("cannot read addresses from stdin: {e}")))?;
            emails.extend(split_addresses(&text).map(str::to_string));
        } else {
            emails.extend(split_addresses(argument).map(str::to_string));
        }
    }
    let from_arguments = emails.into_iter().map(move |email| {
        Ok(Request {
            email,
            role: args.role.clone(),
            department: args.department.clone(),
            teams: args.teams.clone(),
            location: None,
            ttl,
            lang: args.lang,
        })
    });
    let from_file = args
        .from_file
        .as_deref()
        .map(|path| read_csv(path, args, ttl, cap))
        .transpose()?;
    Ok(from_arguments.chain(from_file.into_iter().flatten()))
}

/// Commas and newlines separate addresses; blank pieces are ignored.
pub(super) fn split_addresses(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
}

pub(super) fn read_csv<'a>(
    path: &'a Path,
    args: &'a InviteArgs,
    ttl: Option<std::time::Duration>,
    cap: std::time::Duration,
) -> Result<impl Iterator<Item = Result<Request>> + 'a> {
    let problem = move |what: String| Error::Invalid(format!("{}: {what}", path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| problem(format!("cannot read it: {e}")))?;
    let headers = reader
        .headers()
        .map_err(|e| problem(csv_problem(&e)))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let Some(email_column) = column("email") else {
        return Err(problem(
            "the first line must be a header with at least an email column: email,role,department,teams".into(),
        ));
    };
    let (role, department, teams) = (column("role"), column("department"), column("teams"));
    let (ttl_column, lang_column) = (column("ttl"), column("lang"));
    let rows = reader.into_records().filter_map(move |record| {
        let record = match record {
            Ok(record) => record,
            Err(e) => return Some(Err(problem(csv_problem(&e)))),
        };
        let cell = |index: Option<usize>| {
            index
                .and_then(|i| record.get(i))
                .filter(|value| !value.is_empty())
                .map(str::to_string)
        };
        let email = cell(Some(email_column))?;
        let line = record.position().map(|p| p.line());
        let at = line.map_or(String::new(), |line| format!("line {line}: "));
        let ttl = match cell(ttl_column) {
            Some(text) => match remind::checked_ttl(&text, cap, &format!("{at}ttl")) {
                Ok(own) => Some(own),
                Err(e) => return Some(Err(problem(e.to_string()))),
            },
            None => ttl,
        };
        let lang = match cell(lang_column).map(|code| code.parse::<crate::i18n::Lang>()) {
            Some(Ok(lang)) => Some(lang),
            Some(Err(e)) => return Some(Err(problem(format!("{at}lang: {e}")))),
            None => args.lang,
        };
        Some(Ok(Request {
            ttl,
            lang,
            email,
            location: line.map(|line| format!("{} line {line}", path.display())),
            role: cell(role).or_else(|| args.role.clone()),
            department: cell(department).or_else(|| args.department.clone()),
            teams: match cell(teams) {
                Some(list) => list.split(';').map(|t| t.trim().to_string()).collect(),
                None => args.teams.clone(),
            },
        }))
    });
    Ok(rows)
}

/// A CSV reading error as one sentence: the line, what is wrong there, the fix.
pub(super) fn csv_problem(error: &csv::Error) -> String {
    let line = error
        .position()
        .map_or(String::new(), |p| format!("line {}: ", p.line()));
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "{line}this row has {len} cell(s) but the header has {expected_len}; fix that row and run again"
        ),
        csv::ErrorKind::Utf8 { .. } => {
            format!("{line}this row is not UTF-8 text; save the file as UTF-8 and run again")
        }
        csv::ErrorKind::Io(e) => format!("cannot read it: {e}"),
        _ => format!("{line}{error}; fix that row and run again"),
    }
}
