//! The CLI adapter: turns parsed arguments into library calls, reads the
//! clock, talks to the terminal and prints results.

#[path = "cli_people.rs"]
mod cli_people;

use std::collections::HashMap;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cli::{
    AcceptArgs, CancelArgs, Cli, Command, ConfigCommand, DbCommand, EditArgs, GroupCommand,
    HooksCommand, InviteArgs, ListArgs, LogArgs, ResendArgs, ShowArgs, SmtpCommand, StatusFilter,
    UserStatusFilter, UsersCommand,
};
use crate::config::{self, Config, Flags};
use crate::db::Database;
use crate::directory::{self, Group};
use crate::error::{Error, Result};
use crate::invitations::{
    self, Acceptance, InviteOptions, Issued, Outcome, Request, Selection, Status,
};
use crate::output::{self, Format, Listing};
use crate::token::Token;
use crate::users::{self, Change, UserStatus};
use crate::{address, audit, db, delivery, hooks, mail, resets, suggest, time};

/// What every command needs: settings, the database, and how chatty to be.
struct Context {
    config: Config,
    verbose: bool,
    quiet: bool,
}

impl Context {
    fn open(&self) -> Result<Database> {
        if self.verbose {
            eprintln!("database: {}", self.config.database.display());
        }
        let database = db::open(&self.config.database)?;
        if let Some(notice) = database.creation_notice() {
            eprintln!("{notice}");
        }
        Ok(database)
    }

    /// The database for a command that only reads: never created, opened read-only.
    fn read(&self) -> Result<Database> {
        let target = &self.config.database;
        if self.verbose {
            eprintln!("database: {} (read-only)", target.display());
        }
        db::open_read_only(target)?.ok_or_else(|| {
            let config = match &self.config.file {
                Some(file) => format!("config file {}", file.display()),
                None => "no config file found".to_string(),
            };
            Error::Other(anyhow::anyhow!(
                "there is no database at {} ({config}); check --db or [database] path or url, \
                 or run a command that writes, such as `invitectl invite`, to create it",
                target.display()
            ))
        })
    }

    /// Progress and summaries for people; silent with -q.
    fn note(&self, text: &str) {
        if !self.quiet {
            say(text);
        }
    }

    /// The name the invitee sees as Invited By when --invited-by is not given.
    fn invited_by(&self) -> String {
        self.config.organization.admin.clone().unwrap_or_else(actor)
    }

    /// Delivers a batch at the --rate asked for, with a progress bar only
    /// for a person watching.
    fn deliver(
        &self,
        conn: &mut Database,
        issued: &[Issued],
        rate: Option<delivery::Rate>,
        sender: Option<invitations::Sender>,
    ) -> Result<delivery::Report> {
        let bar = if !self.quiet && io::stderr().is_terminal() && issued.len() > 1 {
            ProgressBar::new(issued.len() as u64)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} messages, {per_sec}, {eta} left")
                .expect("static template"),
        );
        let report = delivery::deliver(
            conn,
            &self.config,
            issued,
            rate,
            sender,
            delivery::Surroundings {
                clock: &now,
                env: &environment,
                on_message: &mut || bar.inc(1),
            },
        );
        bar.finish_and_clear();
        report
    }

    fn print<T: Listing>(&self, format: Format, rows: &[T]) -> Result<()> {
        write_formatted(format, |out| output::write(out, format, rows, now()))
    }

    fn print_each<T: Listing>(&self, format: Format, rows: impl Iterator<Item = T>) -> Result<()> {
        write_formatted(format, |out| output::write_each(out, format, rows, now()))
    }
}

/// Writes to stdout; a reader that went away (`invitectl list | head`) ends
/// the command quietly, as it does for any Unix filter.
fn write_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Error::OutputClosed),
        Err(e) => Err(Error::Other(anyhow::anyhow!(
            "cannot write the output: {e}"
        ))),
    }
}

/// [`write_stdout`] for output in `format`: JSON and CSV written to a
/// terminal have their control characters and bidirectional overrides
/// escaped there, as the table has (a hook's output or a name could
/// otherwise retitle the window or clear the screen); into a pipe or a file
/// they stay byte for byte what the database holds.
fn write_formatted(
    format: Format,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    if format != Format::Table && io::stdout().is_terminal() {
        write_stdout(|out| {
            let mut safe = output::TerminalSafe::new(out, format);
            write(&mut safe)?;
            safe.flush()
        })
    } else {
        write_stdout(write)
    }
}

/// A message on stderr. It may quote what users typed or what the database
/// holds, so control characters are escaped (as in main's error line).
fn say(text: &str) {
    eprintln!("{}", output::lines_for_terminal(text));
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

fn environment(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn rate(text: Option<&str>) -> Result<Option<delivery::Rate>> {
    text.map(delivery::Rate::parse)
        .transpose()
        .map_err(Error::Invalid)
}

/// Who is acting, for the audit log: the person behind sudo, else the login
/// name of the effective user. Never a setting or a flag.
fn actor() -> String {
    if let Some(user) = std::env::var("SUDO_USER").ok().filter(|u| !u.is_empty()) {
        return user.chars().filter(|c| !c.is_control()).collect();
    }
    let uid = nix::unistd::Uid::effective();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => format!("uid {uid}"),
    }
}

/// Takes a delivery lease for this process, first ending those of senders on
/// this host that were killed, so their queued mail is sent now.
fn start_sending(conn: &mut Database) -> Result<invitations::Sender> {
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

pub fn run(cli: Cli) -> Result<()> {
    let flags = Flags {
        config: cli.config.clone(),
        db: cli.db.clone(),
        db_from_environment: cli.db_from_environment,
    };
    let config = config::load(&flags, &|name| std::env::var(name).ok())?;
    if !cli.db_from_environment && cli.db.as_deref().is_some_and(db::url_has_password) {
        say(
            "warning: the --db URL holds a password, which every local user can read in the \
             process list (ps); give it with [database] password_env or password_file, or \
             PGPASSWORD, instead",
        );
    }
    if cli.verbose {
        match &config.file {
            Some(file) => eprintln!("config: {}", file.display()),
            None => eprintln!("config: none found, using defaults"),
        }
    }
    let context = Context {
        config,
        verbose: cli.verbose,
        quiet: cli.quiet,
    };
    match cli.command {
        Command::Invite(args) => invite(&context, args),
        Command::List(args) => list(&context, args),
        Command::Show(args) => show(&context, args),
        Command::Log(args) => log(&context, args),
        Command::Config(ConfigCommand::Show { format }) => {
            config_show(&context, &flags, format.format)
        }
        Command::Resend(args) => resend(&context, args),
        Command::Cancel(args) => cancel(&context, args),
        Command::Accept(args) => accept(&context, args),
        Command::Users(UsersCommand::Export) => cli_people::export(&context),
        Command::Users(UsersCommand::Expire) => cli_people::expire(&context),
        Command::Users(command) => users_command(&context, command),
        Command::Plan(args) => cli_people::plan(&context, args),
        Command::Apply(args) => cli_people::apply(&context, args),
        Command::Teams(command) => group_command(&context, Group::Team, command),
        Command::Departments(command) => group_command(&context, Group::Department, command),
        Command::Smtp(SmtpCommand::Test { to }) => smtp_test(&context, to),
        Command::Db(DbCommand::Status { format }) => db_status(&context, format.format),
        Command::Db(DbCommand::Copy { to, force }) => db_copy(&context, &to, force),
        Command::Hooks(command) => hooks_command(&context, command),
        Command::ServeAccept { bind } => {
            let options = crate::web::Options {
                bind: bind.unwrap_or_else(|| context.config.server_bind.clone()),
                quiet: context.quiet,
            };
            crate::web::serve(context.config, options)
        }
        Command::Completions { shell } => {
            let mut command = completable(&context)?;
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "invitectl", &mut script);
            write_stdout(|out| out.write_all(&script))
        }
    }
}

/// The command line with the names this installation knows as the values
/// of `--role`, `--department`, `--team` and `teams`/`departments remove`, so
/// that completions offer them. Nothing is created to find them.
fn completable(context: &Context) -> Result<clap::Command> {
    let (teams, departments) = match db::open_read_only(&context.config.database)? {
        Some(conn) => (
            directory::names(&conn, Group::Team)?,
            directory::names(&conn, Group::Department)?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let roles = context.config.organization.roles.clone();
    let offer = |names: &[String]| {
        let names = names.to_vec();
        move |arg: clap::Arg| {
            if names.is_empty() {
                arg
            } else {
                arg.value_parser(clap::builder::PossibleValuesParser::new(names.clone()))
            }
        }
    };
    fn every(
        command: clap::Command,
        id: &'static str,
        change: &(impl Fn(clap::Arg) -> clap::Arg + Clone),
    ) -> clap::Command {
        let mut command = if command.get_arguments().any(|arg| arg.get_id() == id) {
            command.mut_arg(id, change.clone())
        } else {
            command
        };
        let names: Vec<String> = command
            .get_subcommands()
            .map(|sub| sub.get_name().to_string())
            .collect();
        for name in names {
            command = command.mut_subcommand(name, |sub| every(sub, id, change));
        }
        command
    }
    let mut command = <Cli as clap::CommandFactory>::command();
    command = every(command, "role", &offer(&roles));
    command = every(command, "department", &offer(&departments));
    command = every(command, "teams", &offer(&teams));
    for (group, names) in [("teams", &teams), ("departments", &departments)] {
        command = command.mut_subcommand(group, |sub| {
            sub.mut_subcommand("remove", |remove| remove.mut_arg("name", offer(names)))
        });
    }
    Ok(command)
}

/// One line of `invite` or `resend` output.
#[derive(Debug, Serialize)]
struct SentRow {
    email: String,
    /// One word (docs/reference.md): invited, would_invite, skipped, resent.
    outcome: &'static str,
    /// Why, in a sentence, when the outcome needs one.
    reason: Option<String>,
    #[serde(serialize_with = "time::serialize_optional")]
    expires_at: Option<DateTime<Utc>>,
    delivery: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<String>,
}

impl Listing for SentRow {
    const HEADINGS: &'static [&'static str] =
        &["Email", "Outcome", "Expires At", "Delivery", "Link"];
    // A link cut short would be useless: it stays whole even if the line wraps.
    const WHOLE: &'static [&'static str] = &["Expires At", "Link"];
    const FIELDS: &'static [&'static str] = &[
        "email",
        "outcome",
        "reason",
        "expires_at",
        "delivery",
        "link",
    ];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        let outcome = match &self.reason {
            Some(reason) => format!("{}: {reason}", self.outcome.replace('_', " ")),
            None => self.outcome.replace('_', " "),
        };
        let mut cells = vec![
            self.email.clone(),
            outcome,
            self.expires_at
                .map(|t| output::relative_time(t, now))
                .unwrap_or_default(),
            output::optional(&self.delivery),
        ];
        cells.extend(self.link.clone());
        cells
    }

    fn csv_cells(&self) -> Vec<String> {
        let mut cells = vec![
            self.email.clone(),
            self.outcome.to_string(),
            output::optional(&self.reason),
            output::optional_stamp(self.expires_at),
            output::optional(&self.delivery),
        ];
        cells.extend(self.link.clone());
        cells
    }
}

fn invite(context: &Context, args: InviteArgs) -> Result<()> {
    let rate = rate(args.rate.as_deref())?;
    // A dry run sends nothing, so it needs no mail password; it does check
    // the templates the real run would use.
    if args.dry_run {
        mail::templates::Templates::load(&context.config.mail)?;
    } else {
        mail::check(&context.config, &environment)?;
    }
    let requests = gather_requests(&args)?;
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
    let outcomes = invitations::invite_all(
        &mut conn,
        &context.config.organization,
        requests,
        &options,
        now(),
    )?;
    if args.dry_run {
        // Printed as the plan yields them: a huge dry run is never held twice.
        let total = outcomes.len();
        let skipped = std::cell::Cell::new(0);
        let rows = outcomes.map(|outcome| {
            if matches!(outcome, Outcome::Skipped { .. }) {
                skipped.set(skipped.get() + 1);
            }
            invite_row(context, &outcome, &HashMap::new(), args.print_link)
        });
        let printed = context.print_each(args.format.format, rows);
        let skipped = skipped.get();
        context.note(&format!(
            "dry run: {} would be invited, {skipped} skipped; nothing was written or sent",
            total - skipped
        ));
        return printed;
    }
    let outcomes: Vec<Outcome> = outcomes.collect();
    let issued = invitations::issued(&outcomes);
    if let Some(date) = args.end_date {
        cli_people::set_end_dates(&mut conn, &issued, date)?;
    }
    let report = context.deliver(&mut conn, &issued, rate, options.sender)?;
    let failures = report.failures();
    let rows: Vec<SentRow> = outcomes
        .iter()
        .map(|outcome| invite_row(context, outcome, &failures, args.print_link))
        .collect();
    // A reader that went away must not hide a delivery failure (exit 4).
    let printed = context.print(args.format.format, &rows);
    let count = |wanted: fn(&Outcome) -> bool| outcomes.iter().filter(|o| wanted(o)).count();
    let skipped = count(|o| matches!(o, Outcome::Skipped { .. }));
    let invited = count(|o| matches!(o, Outcome::Invited(_)));
    let resent = count(|o| matches!(o, Outcome::Resent(_)));
    context.note(&match resent {
        0 => format!("invited {invited}, skipped {skipped}"),
        _ => format!("invited {invited}, resent {resent}, skipped {skipped}"),
    });
    finish_delivery(context, &report).and(printed)
}

/// The row `invite` prints for one address.
fn invite_row(
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
            link: print_link.then(String::new),
        },
        Outcome::Skipped { email, reason } => SentRow {
            email: email.clone(),
            outcome: "skipped",
            reason: Some(reason.clone()),
            expires_at: None,
            delivery: None,
            link: print_link.then(String::new),
        },
    }
}

fn sent_row(
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
        link: print_link.then(|| context.config.organization.accept_link(&issued.token)),
    }
}

/// Tells where the mail went; exit code 4 when any message did not go out.
fn finish_delivery(context: &Context, report: &delivery::Report) -> Result<()> {
    if report.sent > 0 {
        context.note(&format!(
            "{} message(s) sent to {}",
            report.sent, report.destination
        ));
    }
    if report.failed.is_empty() {
        return Ok(());
    }
    let (_, first_reason) = &report.failed[0];
    Err(Error::Delivery(format!(
        "{} message(s) could not be sent ({first_reason}); the invitations are stored: \
         fix the mail settings and run `invitectl resend --failed`",
        report.failed.len()
    )))
}

/// The batch as the admin gave it: arguments (comma lists, - for stdin) and
/// --from-file rows, the file read row by row so a huge one is never held whole.
fn gather_requests(args: &InviteArgs) -> Result<impl Iterator<Item = Result<Request>> + '_> {
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
    let from_arguments = emails.into_iter().map(|email| {
        Ok(Request {
            email,
            role: args.role.clone(),
            department: args.department.clone(),
            teams: args.teams.clone(),
            location: None,
        })
    });
    let from_file = args
        .from_file
        .as_deref()
        .map(|path| read_csv(path, args))
        .transpose()?;
    Ok(from_arguments.chain(from_file.into_iter().flatten()))
}

/// Commas and newlines separate addresses; blank pieces are ignored.
fn split_addresses(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
}

fn read_csv<'a>(
    path: &'a Path,
    args: &'a InviteArgs,
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
        Some(Ok(Request {
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
fn csv_problem(error: &csv::Error) -> String {
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

fn list(context: &Context, args: ListArgs) -> Result<()> {
    let statuses = if args.status.contains(&StatusFilter::All) {
        Status::ALL.to_vec()
    } else {
        args.status
            .iter()
            .map(|filter| match filter {
                StatusFilter::Pending => Status::Pending,
                StatusFilter::Expired => Status::Expired,
                StatusFilter::Accepted => Status::Accepted,
                StatusFilter::Cancelled | StatusFilter::All => Status::Cancelled,
            })
            .collect()
    };
    let now = now();
    let sent_before = match &args.older_than {
        Some(text) => Some(time::sub(
            now,
            time::parse_duration(text).map_err(|e| {
                Error::Invalid(format!("--older-than {text} is not a duration: {e}"))
            })?,
        )),
        None => None,
    };
    let conn = context.read()?;
    let filter = invitations::ListFilter {
        statuses,
        sent_before,
    };
    let rows = invitations::list(&conn, &filter, now)?;
    if rows.is_empty() && args.format.format == Format::Table {
        context.note("no invitations match");
        return Ok(());
    }
    context.print(args.format.format, &rows)
}

fn selection(targets: Vec<String>, expired: bool, failed: bool) -> Selection {
    if expired {
        Selection::Expired
    } else if failed {
        Selection::Failed
    } else {
        Selection::Named(targets)
    }
}

fn resend(context: &Context, args: ResendArgs) -> Result<()> {
    let rate = rate(args.rate.as_deref())?;
    mail::check(&context.config, &environment)?;
    let mut conn = context.open()?;
    let sender = start_sending(&mut conn)?;
    let selected = invitations::select(
        &conn,
        &selection(args.targets, args.expired, args.failed),
        now(),
    )?;
    if selected.is_empty() {
        invitations::stop_sending(&conn, sender)?;
        context.note("nothing to resend");
        return Ok(());
    }
    let issued = invitations::resend(
        &mut conn,
        &context.config.organization,
        &selected,
        &actor(),
        Some(sender),
        now(),
    )?;
    let report = context.deliver(&mut conn, &issued, rate, Some(sender))?;
    let failures = report.failures();
    let rows: Vec<SentRow> = issued
        .iter()
        .map(|issued| sent_row(context, issued, "resent", &failures, false))
        .collect();
    let printed = context.print(args.format.format, &rows);
    finish_delivery(context, &report).and(printed)
}

fn cancel(context: &Context, args: CancelArgs) -> Result<()> {
    let mut conn = context.open()?;
    let (targets, already) = split_cancelled(&conn, args.targets)?;
    for email in &already {
        context.note(&format!(
            "the invitation for {email} was already cancelled; nothing changed"
        ));
    }
    if !already.is_empty() && targets.is_empty() {
        return Ok(());
    }
    let selected = invitations::select(&conn, &selection(targets, args.expired, false), now())?;
    if selected.is_empty() {
        context.note("nothing to cancel");
        return Ok(());
    }
    let names: Vec<&str> = selected.iter().map(|i| i.email.as_str()).collect();
    confirm(
        args.yes.yes,
        "cancel",
        &format!(
            "Cancel {} invitation(s) ({})? Their links stop working at once",
            selected.len(),
            name_list(&names)
        ),
    )?;
    invitations::cancel(&mut conn, &selected, &actor(), now())?;
    let emails: Vec<&str> = selected.iter().map(|i| i.email.as_str()).collect();
    context.note(&format!(
        "cancelled {} invitation(s); their links no longer work: {}",
        selected.len(),
        emails.join(", ")
    ));
    Ok(())
}

fn on_terminal() -> bool {
    io::stdin().is_terminal() && io::stderr().is_terminal()
}

/// Named targets whose invitation is already cancelled (and has no newer one)
/// are a no-op, not a refusal: cancelling twice is what a rerun does.
fn split_cancelled(conn: &Database, targets: Vec<String>) -> Result<(Vec<String>, Vec<String>)> {
    if targets.is_empty() {
        return Ok((targets, Vec::new()));
    }
    let filter = invitations::ListFilter {
        statuses: Status::ALL.to_vec(),
        sent_before: None,
    };
    let known = invitations::list(conn, &filter, now())?;
    let mut rest = Vec::new();
    let mut already = Vec::new();
    for target in targets {
        let key = crate::address::lookup_key(&target);
        let id: Option<i64> = target.trim().parse().ok();
        // The newest invitation of that address decides, as `select` does.
        let email = known
            .iter()
            .find(|i| Some(i.id) == id || i.email == key)
            .map(|i| i.email.clone());
        let newest = email.as_ref().and_then(|email| {
            known
                .iter()
                .filter(|i| &i.email == email)
                .max_by_key(|i| i.id)
        });
        match newest {
            Some(invitation) if invitation.status == Status::Cancelled => {
                already.push(invitation.email.clone())
            }
            _ => rest.push(target),
        }
    }
    Ok((rest, already))
}

/// Up to ten names, then how many more.
fn name_list(names: &[&str]) -> String {
    let shown = &names[..names.len().min(10)];
    match names.len() - shown.len() {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The one confirmation of every command that removes or takes something
/// away: `--yes`, or a yes on a terminal; without a terminal it refuses.
fn confirm(yes: bool, command: &str, prompt: &str) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !on_terminal() {
        return Err(Error::Refused(format!(
            "{command} needs confirmation and there is no terminal to ask on; pass --yes"
        )));
    }
    let confirmed = dialoguer::Confirm::new()
        .with_prompt(prompt)
        .default(false)
        .interact()
        .map_err(|e| Error::Other(anyhow::anyhow!("cannot ask for confirmation: {e}")))?;
    if confirmed {
        Ok(())
    } else {
        Err(Error::Refused(format!(
            "nothing was changed: {command} was not confirmed (confirmation declined)"
        )))
    }
}

/// One line of stdin, without its line ending.
fn read_stdin_line(what: &str) -> Result<String> {
    let mut line = String::new();
    io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::Invalid(format!("cannot read {what} from stdin: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn accept(context: &Context, args: AcceptArgs) -> Result<()> {
    // `accept -` keeps the link out of the process list: it comes from stdin.
    let token = if args.token == "-" {
        Token::parse(&read_stdin_line("the link")?)?
    } else {
        Token::parse(&args.token)?
    };
    let mut conn = context.open()?;
    let invitation = invitations::open(&conn, &token, now())?;
    let org = &context.config.organization;
    let mut summary = format!(
        "{} invites {} to join as {}",
        org.name, invitation.email, invitation.role
    );
    if let Some(department) = &invitation.department {
        summary.push_str(&format!(" in {department}"));
    }
    if !invitation.teams.is_empty() {
        summary.push_str(&format!(" (teams: {})", invitation.teams.join(", ")));
    }
    say(&format!("{summary}."));

    let interactive = on_terminal();
    let ask = |label: &str, given: Option<String>| -> Result<String> {
        match given {
            Some(value) => Ok(value),
            None if interactive => dialoguer::Input::new()
                .with_prompt(label)
                .interact_text()
                .map_err(|e| Error::Other(anyhow::anyhow!("cannot read {label}: {e}"))),
            None => Err(Error::Invalid(format!(
                "{label} is required; pass --{} when not on a terminal",
                label.to_lowercase().replace(' ', "-")
            ))),
        }
    };
    let first_name = ask("First Name", args.first_name)?;
    let last_name = ask("Last Name", args.last_name)?;
    let user = if args.password_stdin {
        let password = read_stdin_line("the password")?;
        let form = Acceptance {
            first_name,
            last_name,
            confirm_password: password.clone(),
            password,
        };
        invitations::accept(&mut conn, &token, &form, now())?
    } else if interactive {
        accept_with_prompts(&mut conn, &token, first_name, last_name)?
    } else {
        return Err(Error::Invalid(
            "a password is required; pass --password-stdin and write it to stdin when not on a terminal".into(),
        ));
    };
    context.note(&format!(
        "Welcome, {}! Your account {} is active as {}. Log in at {}/login",
        user.full_name(),
        user.email,
        user.role,
        org.base_url
    ));
    Ok(())
}

/// Asks for the password (hidden, twice) until it meets the policy, three tries at most.
fn accept_with_prompts(
    conn: &mut Database,
    token: &Token,
    first_name: String,
    last_name: String,
) -> Result<users::User> {
    let mut tries = 0;
    loop {
        let read = |prompt: &str| {
            dialoguer::Password::new()
                .with_prompt(prompt)
                .interact()
                .map_err(|e| Error::Other(anyhow::anyhow!("cannot read the password: {e}")))
        };
        let form = Acceptance {
            first_name: first_name.clone(),
            last_name: last_name.clone(),
            password: read("Password")?,
            confirm_password: read("Confirm Password")?,
        };
        match invitations::accept(conn, token, &form, now()) {
            Err(Error::Invalid(problem)) if tries < 2 => {
                say(&problem);
                tries += 1;
            }
            result => return result,
        }
    }
}

fn users_command(context: &Context, command: UsersCommand) -> Result<()> {
    if let UsersCommand::Edit(args) = command {
        return users_edit(context, args);
    }
    if let UsersCommand::ResetPassword { email, print_link } = command {
        return reset_password(context, &email, print_link);
    }
    let mut conn = match command {
        UsersCommand::List { .. } => context.read()?,
        _ => context.open()?,
    };
    let actor = actor();
    let (change, email, state) = match command {
        UsersCommand::List { status, format } => {
            let statuses: Vec<UserStatus> = if status.contains(&UserStatusFilter::All) {
                Vec::new()
            } else if status.is_empty() {
                vec![UserStatus::Active, UserStatus::Pending]
            } else {
                status
                    .iter()
                    .map(|s| match s {
                        UserStatusFilter::Active => UserStatus::Active,
                        UserStatusFilter::Inactive => UserStatus::Inactive,
                        UserStatusFilter::Pending | UserStatusFilter::All => UserStatus::Pending,
                    })
                    .collect()
            };
            let rows = users::list(&conn, &statuses)?;
            if rows.is_empty() && format.format == Format::Table {
                context.note("no users match");
                return Ok(());
            }
            return context.print(format.format, &rows);
        }
        UsersCommand::Deactivate { email, yes } => {
            // Nothing to confirm when there is nothing to take away.
            let user = users::find_by_email(&conn, &email)?;
            if user.is_some_and(|u| u.status == UserStatus::Active) {
                confirm(
                    yes.yes,
                    "users deactivate",
                    &format!("Deactivate {}? Their sessions end at once", email.trim()),
                )?;
            }
            (
                users::deactivate(&mut conn, &email, &actor, now())?,
                email,
                "inactive",
            )
        }
        UsersCommand::Edit(_) => unreachable!("handled above"),
        UsersCommand::Reactivate { email } => (
            users::reactivate(&mut conn, &email, &actor, now())?,
            email,
            "active",
        ),
        UsersCommand::ResetPassword { .. } => unreachable!("handled by reset_password"),
        UsersCommand::Export | UsersCommand::Expire => unreachable!("handled by cli_people"),
    };
    match change {
        Change::Done => context.note(&format!("{} is now {state}", email.trim())),
        Change::AlreadySo => context.note(&format!(
            "{} was already {state}; nothing changed",
            email.trim()
        )),
    }
    Ok(())
}

fn users_edit(context: &Context, args: EditArgs) -> Result<()> {
    if args.end_date.is_some() || args.no_end_date {
        cli_people::edit_end_date(context, &args.email, args.end_date)?;
        let others = args.role.is_some()
            || args.department.is_some()
            || args.no_department
            || !args.teams.is_empty()
            || args.no_teams
            || args.first_name.is_some()
            || args.last_name.is_some();
        if !others {
            return Ok(());
        }
    }
    if !args.teams.is_empty() && args.teams.iter().all(|team| team.trim().is_empty()) {
        return Err(Error::Invalid(
            "--team needs a team name; to take every team away use --no-teams".into(),
        ));
    }
    let wanted = users::Edit {
        role: args.role,
        department: match (args.no_department, args.department) {
            (true, _) => Some(None),
            (false, department) => department.map(Some),
        },
        teams: match (args.no_teams, args.teams.is_empty()) {
            (true, _) => Some(Vec::new()),
            (false, true) => None,
            (false, false) => Some(args.teams),
        },
        first_name: args.first_name,
        last_name: args.last_name,
    };
    let named = wanted.first_name.is_some() || wanted.last_name.is_some();
    let mut conn = context.open()?;
    let edited = users::edit(
        &mut conn,
        &context.config.organization,
        &args.email,
        &wanted,
        &actor(),
        now(),
    )?;
    let user = &edited.user;
    if edited.changes.is_empty() {
        context.note(&format!(
            "{} already has {}the role {}, department {} and teams {}; nothing changed",
            user.email,
            if named {
                format!("the name \"{}\", ", user.full_name())
            } else {
                String::new()
            },
            user.role,
            user.department.as_deref().unwrap_or("(none)"),
            match user.teams.as_slice() {
                [] => "(none)".to_string(),
                teams => teams.join(", "),
            }
        ));
        return Ok(());
    }
    context.note(&format!(
        "changed {}: {}",
        user.email,
        edited.changes.join("; ")
    ));
    if user.status == UserStatus::Pending {
        context.note(
            "their pending invitation shows the new values on the accept page and in a resent mail; \
             its link keeps working",
        );
        if named {
            context.note("the name they type when they accept replaces the one set now");
        }
    }
    Ok(())
}

/// `--since`: a duration back from now, or an instant (a date is its midnight, UTC).
fn since(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(duration) = time::parse_duration(text) {
        return Ok(time::sub(now, duration));
    }
    if let Some(instant) = time::parse_stamp(text) {
        return Ok(instant);
    }
    match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) => Ok(date.and_time(chrono::NaiveTime::MIN).and_utc()),
        Err(_) => Err(Error::Invalid(format!(
            "--since {text} is neither a duration (like 7d or 12h) nor a time \
             (like 2026-01-31 or 2026-01-31T09:00:00Z)"
        ))),
    }
}

fn log(context: &Context, args: LogArgs) -> Result<()> {
    let now = now();
    let filter = audit::Filter {
        since: args
            .since
            .as_deref()
            .map(|text| since(text, now))
            .transpose()?,
        actor: args.actor,
        action: args.action,
        subject: args.email.as_deref().map(address::lookup_key),
        limit: args.limit,
    };
    let conn = context.read()?;
    let entries = audit::list(&conn, &filter)?;
    if entries.is_empty() {
        // A mistyped action matches nothing: name the ones there are.
        if let Some(action) = &filter.action {
            let known = audit::actions(&conn)?;
            if !known.iter().any(|k| k.eq_ignore_ascii_case(action.trim())) {
                context.note(&suggest::unknown("action", action.trim(), &known));
            }
        }
        if args.format.format == Format::Table {
            context.note("no entries match");
            return Ok(());
        }
    }
    context.print(args.format.format, &entries)
}

/// One invitation in `show`'s table: the address, role, department and
/// teams are the user's, said above it (JSON has each invitation's own).
#[derive(Serialize)]
struct ShownInvitation<'a>(&'a invitations::Invitation);

impl Listing for ShownInvitation<'_> {
    const HEADINGS: &'static [&'static str] = &[
        "ID",
        "Invited By",
        "Sent At",
        "Expires At",
        "Status",
        "Delivery",
    ];
    const WHOLE: &'static [&'static str] = &["ID", "Sent At", "Expires At", "Status"];
    const FIELDS: &'static [&'static str] = &[];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        let invitation = self.0;
        vec![
            invitation.id.to_string(),
            invitation.invited_by.clone(),
            output::relative_time(invitation.sent_at, now),
            output::relative_time(invitation.expires_at, now),
            invitation.status.as_str().to_string(),
            invitation.delivery.clone(),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        Vec::new()
    }
}

/// One delivery attempt: one line of `show`'s second table, and one row of
/// its CSV (with an invitation that has none as a row of its own).
#[derive(Serialize)]
struct ShownAttempt<'a> {
    email: &'a str,
    invitation: &'a invitations::Invitation,
    delivery: Option<&'a invitations::Delivery>,
}

impl Listing for ShownAttempt<'_> {
    const HEADINGS: &'static [&'static str] = &["Invitation", "At", "Transport", "Result", "Reply"];
    const WHOLE: &'static [&'static str] = &["Invitation", "At", "Result"];
    const FIELDS: &'static [&'static str] = &[
        "email",
        "invitation_id",
        "status",
        "sent_at",
        "expires_at",
        "at",
        "result",
        "reply",
        "transport",
        "message_id",
    ];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        let delivery = self.delivery.expect("the table lists attempts only");
        vec![
            self.invitation.id.to_string(),
            output::relative_time(delivery.at, now),
            delivery.transport.clone(),
            delivery.result.to_string(),
            delivery.reply.clone(),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        let invitation = self.invitation;
        let mut cells = vec![
            self.email.to_string(),
            invitation.id.to_string(),
            invitation.status.as_str().to_string(),
            time::stamp(invitation.sent_at),
            time::stamp(invitation.expires_at),
        ];
        cells.extend(match self.delivery {
            Some(delivery) => vec![
                time::stamp(delivery.at),
                delivery.result.to_string(),
                delivery.reply.clone(),
                delivery.transport.clone(),
                output::optional(&delivery.message_id),
            ],
            None => vec![String::new(); 5],
        });
        cells
    }
}

fn show(context: &Context, args: ShowArgs) -> Result<()> {
    let now = now();
    let mut conn = context.read()?;
    let record = {
        let snapshot = conn.snapshot()?;
        invitations::record(&snapshot, &args.target, now)?
    };
    let email = record.email.as_str();
    let attempts = |with_empty: bool| {
        record.invitations.iter().flat_map(move |sent| {
            let none = (with_empty && sent.deliveries.is_empty()).then_some(None);
            sent.deliveries
                .iter()
                .map(Some)
                .chain(none)
                .map(move |delivery| ShownAttempt {
                    email,
                    invitation: &sent.invitation,
                    delivery,
                })
        })
    };
    match args.format.format {
        Format::Json => write_formatted(Format::Json, |out| {
            serde_json::to_writer(&mut *out, &record)?;
            writeln!(out)
        }),
        Format::Csv => context.print_each(Format::Csv, attempts(true)),
        Format::Table => {
            let invitations: Vec<ShownInvitation> = record
                .invitations
                .iter()
                .map(|sent| ShownInvitation(&sent.invitation))
                .collect();
            let attempts: Vec<ShownAttempt> = attempts(false).collect();
            write_stdout(|out| {
                write_user(out, email, record.user.as_ref(), now)?;
                writeln!(out)?;
                if invitations.is_empty() {
                    writeln!(out, "Invitations: none")?;
                } else {
                    writeln!(out, "Invitations:")?;
                    output::write(out, Format::Table, &invitations, now)?;
                }
                writeln!(out)?;
                if attempts.is_empty() {
                    writeln!(out, "Delivery attempts: none")
                } else {
                    writeln!(out, "Delivery attempts:")?;
                    output::write(out, Format::Table, &attempts, now)
                }
            })
        }
    }
}

/// `users reset-password`: a new link, mailed (and printed with --print-link).
fn reset_password(context: &Context, email: &str, print_link: bool) -> Result<()> {
    let templates = mail::check(&context.config, &environment)?;
    let org = &context.config.organization;
    let mut conn = context.open()?;
    let tx = conn.write()?;
    let issued = resets::issue(&tx, org, email, &actor(), None, now())?;
    tx.commit()?;
    let outcome = delivery::send_reset(
        &context.config,
        &templates,
        &issued,
        &mut None,
        &environment,
        now(),
    );
    resets::record_delivery(&conn, issued.id, &outcome)?;
    if print_link {
        let link = org.reset_link(&issued.token);
        write_stdout(|out| writeln!(out, "{link}"))?;
    }
    let until = format!(
        "{} ({})",
        time::stamp(issued.expires_at),
        output::relative_time(issued.expires_at, now())
    );
    match outcome {
        Ok(_) => {
            context.note(&format!(
                "a link to set a new password was sent to {} ({}); it works once, until {until}",
                issued.email,
                delivery::destination(&context.config)
            ));
            Ok(())
        }
        Err(reason) => {
            let printed = if print_link { " (printed above)" } else { "" };
            Err(Error::Delivery(format!(
                "the password reset link for {} could not be mailed ({reason}); the link{printed} \
                 works until {until}; fix the mail settings and run \
                 `invitectl users reset-password {}` again",
                issued.email, issued.email
            )))
        }
    }
}

/// The user part of `show`, a field a line.
fn write_user(
    out: &mut dyn Write,
    email: &str,
    user: Option<&users::User>,
    now: DateTime<Utc>,
) -> io::Result<()> {
    let Some(user) = user else {
        let lines = [
            ("Email", email.to_string()),
            (
                "User",
                "none (a cancelled invitation takes its pending user with it)".to_string(),
            ),
        ];
        return write_fields(out, &lines);
    };
    let when = |instant: Option<DateTime<Utc>>| {
        instant.map_or(String::new(), |instant| {
            format!(
                "{} ({})",
                output::relative_time(instant, now),
                time::stamp(instant)
            )
        })
    };
    let lines = [
        ("Email", user.email.clone()),
        ("Status", user.status.as_str().to_string()),
        ("Name", user.full_name()),
        ("Role", user.role.clone()),
        ("Department", output::optional(&user.department)),
        ("Teams", user.teams.join(", ")),
        ("Created At", when(Some(user.created_at))),
        ("Activated At", when(user.activated_at)),
    ];
    write_fields(out, &lines)
}

fn write_fields(out: &mut dyn Write, lines: &[(&str, String)]) -> io::Result<()> {
    let width = lines
        .iter()
        .map(|(label, _)| label.len())
        .max()
        .unwrap_or(0);
    for (label, value) in lines {
        let line = format!("{label:width$}  {}", output::for_terminal(value));
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn config_show(context: &Context, flags: &Flags, format: Format) -> Result<()> {
    let (file, settings) = config::show(flags, &environment)?;
    if format == Format::Table {
        context.note(&match file {
            Some(file) => format!("config file: {}", file.display()),
            None => "no config file found; the settings are defaults and the environment's".into(),
        });
    }
    context.print(format, &settings)
}

fn group_command(context: &Context, group: Group, command: GroupCommand) -> Result<()> {
    let mut conn = match command {
        GroupCommand::List { .. } => context.read()?,
        _ => context.open()?,
    };
    match command {
        GroupCommand::Add { name } => {
            match directory::add(&mut conn, group, &name, &actor(), now())? {
                (name, Change::Done) => context.note(&format!("added {} \"{name}\"", group.noun())),
                (name, Change::AlreadySo) => context.note(&format!(
                    "the {} \"{name}\" already exists; nothing changed",
                    group.noun()
                )),
            }
            Ok(())
        }
        GroupCommand::List { format } => {
            let rows = directory::list(&conn, group)?;
            if rows.is_empty() && format.format == Format::Table {
                context.note(&format!(
                    "no {}s yet; add one with `invitectl {}s add NAME`",
                    group.noun(),
                    group.noun()
                ));
                return Ok(());
            }
            context.print(format.format, &rows)
        }
        GroupCommand::Remove { name, yes } => {
            directory::removable(&conn, group, &name)?;
            confirm(
                yes.yes,
                &format!("{}s remove", group.noun()),
                &format!("Remove the {} \"{}\"?", group.noun(), name.trim()),
            )?;
            directory::remove(&mut conn, group, &name, &actor(), now())?;
            context.note(&format!("removed {} \"{}\"", group.noun(), name.trim()));
            Ok(())
        }
    }
}

/// What `db status` prints: one record.
#[derive(Serialize)]
struct DbStatus {
    #[serde(flatten)]
    location: db::Location,
    invitations: std::collections::BTreeMap<invitations::Status, i64>,
    users: std::collections::BTreeMap<UserStatus, i64>,
}

/// A flag that SIGINT or SIGTERM sets, instead of ending the process: a
/// hook runs in a process group of its own, so a signal to invitectl would
/// leave it running, unwatched and unrecorded.
fn stop_on_signal() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    if let Ok(runtime) = runtime {
        // Registered before this returns, so no signal falls between.
        let terminate = runtime.block_on(async {
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        });
        let interrupt = runtime.block_on(async {
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        });
        if let (Ok(mut terminate), Ok(mut interrupt)) = (terminate, interrupt) {
            std::thread::spawn(move || {
                runtime.block_on(async {
                    tokio::select! {
                        _ = terminate.recv() => {}
                        _ = interrupt.recv() => {}
                    }
                });
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
            });
        }
    }
    stop
}

fn hooks_command(context: &Context, command: HooksCommand) -> Result<()> {
    match command {
        HooksCommand::Run => {
            if context.config.hooks.command.is_none() {
                return Err(hooks::not_set());
            }
            let mut conn = context.open()?;
            hooks::prune(&mut conn, context.config.hooks.retention, now())?;
            let stop = stop_on_signal();
            let stopped = || stop.load(std::sync::atomic::Ordering::SeqCst);
            let summary =
                hooks::run_pending(&mut conn, &context.config.hooks, &actor(), &now, &stopped)?;
            if stopped() {
                return Err(Error::Other(anyhow::anyhow!(
                    "stopped by a signal after {} hook runs; a hook that was running was killed, \
                     and its event runs again with the next `invitectl hooks run`",
                    summary.failed + summary.done
                )));
            }
            if summary.failed > 0 {
                return Err(Error::Other(anyhow::anyhow!(
                    "{} of {} hook runs failed; they are retried by a later `invitectl hooks run`, \
                     see `invitectl hooks list --status failed` and `invitectl log --action hook`",
                    summary.failed,
                    summary.failed + summary.done
                )));
            }
            context.note(&match summary.done {
                0 => "no events are due".to_string(),
                1 => "ran 1 event".to_string(),
                n => format!("ran {n} events"),
            });
            Ok(())
        }
        HooksCommand::List { status, format } => {
            let conn = context.read()?;
            let rows = hooks::list(&conn, &status)?;
            if rows.is_empty() && format.format == Format::Table {
                context.note("no events match");
                return Ok(());
            }
            context.print(format.format, &rows)
        }
        HooksCommand::Retry { ids, failed } => {
            let which = if failed {
                hooks::Retry::Failed
            } else {
                hooks::Retry::Ids(ids)
            };
            let mut conn = context.open()?;
            let retried = hooks::retry(&mut conn, &which, &actor(), now())?;
            let mut due = 0;
            for outcome in &retried {
                match outcome {
                    hooks::Retried::DueNow(_) => due += 1,
                    hooks::Retried::AlreadyDue(id) => context.note(&format!(
                        "event {id} is due already (or waits for an earlier event of its user); \
                         nothing changed"
                    )),
                    hooks::Retried::Done(id) => context.note(&format!(
                        "event {id} is done; nothing to retry (`invitectl hooks sync` sends \
                         every active user's current state again)"
                    )),
                }
            }
            let runner = if context.config.hooks.command.is_some() {
                "serve-accept runs them within a second, or run `invitectl hooks run`"
            } else {
                "they run at the next `invitectl hooks run` or serve-accept where [hooks] command is set"
            };
            match (due, &which) {
                (0, hooks::Retry::Failed) if retried.is_empty() => {
                    context.note("no events have failed; nothing to retry")
                }
                (0, _) => {}
                (1, _) => context.note(&format!("1 event is due now; {runner}")),
                (n, _) => context.note(&format!("{n} events are due now; {runner}")),
            }
            Ok(())
        }
        HooksCommand::Sync => {
            let mut conn = context.open()?;
            let synced = hooks::sync(&mut conn, &actor(), now())?;
            let runner = if context.config.hooks.command.is_some() {
                "serve-accept runs them by itself, or run `invitectl hooks run`"
            } else {
                "they run where [hooks] command is set (serve-accept, or `invitectl hooks run`)"
            };
            context.note(&match synced {
                0 => "there are no active users; no events recorded".to_string(),
                1 => format!("recorded 1 user.synced event, for the one active user; {runner}"),
                n => format!("recorded {n} user.synced events, one per active user; {runner}"),
            });
            Ok(())
        }
    }
}

fn db_status(context: &Context, format: Format) -> Result<()> {
    let conn = context.read()?;
    let status = DbStatus {
        location: conn.locate(&context.config.database)?,
        invitations: invitations::count_by_status(&conn, now())?,
        users: users::count_by_status(&conn)?,
    };
    write_formatted(format, |out| output::write_record(out, format, &status))
}

fn db_copy(context: &Context, to: &str, force: bool) -> Result<()> {
    let to = match db::Target::parse(to)? {
        // Not on the command line, where every user could read it.
        db::Target::Postgres(mut target) if std::env::var_os("PGPASSWORD").is_some() => {
            target.password_env = Some("PGPASSWORD".into());
            db::Target::Postgres(target)
        }
        target => target,
    };
    let mut source = context.read()?;
    if let Some(who) = db::others_using(&source, &context.config.database)? {
        let what = format!(
            "{} is in use ({who}): whatever it writes after the copy is not in the copy",
            context.config.database.display()
        );
        if !force {
            return Err(Error::Refused(format!(
                "{what}; stop serve-accept and the timers or cron jobs that run invitectl, then copy \
                 (README: Moving to PostgreSQL), or give --force to copy anyway"
            )));
        }
        say(&format!("warning: {what} (--force)"));
    }
    let copied = db::copy(&mut source, &context.config.database, &to)?;
    let rows: i64 = copied.iter().map(|(_, count)| count).sum();
    context.note(&format!(
        "copied {rows} rows in {} tables to {}; the source is unchanged",
        copied.len(),
        to.display()
    ));
    Ok(())
}

/// Walks through what a delivery does, saying each step that passed and exactly which one failed.
fn smtp_test(context: &Context, to: Option<String>) -> Result<()> {
    let settings = mail::smtp::Settings::from_config(&context.config, &environment)?;
    let mut transport = mail::smtp::SmtpTransport::connect(settings, &mut |step| {
        context.note(&format!("ok: {step}"))
    })?;
    let Some(to) = to else {
        context.note("the SMTP settings work; add --to ADDR to send a test message");
        return Ok(());
    };
    let to = crate::address::normalize(&to)
        .map_err(|reason| Error::Invalid(format!("--to {to} is not a valid address: {reason}")))?;
    let message = mail::message::test_message(&context.config, &to, now())?;
    match mail::Transport::send(&mut transport, &message) {
        Ok(reply) => {
            context.note(&format!("ok: test message to {to} accepted: {reply}"));
            Ok(())
        }
        Err(reason) => Err(Error::Delivery(format!(
            "SMTP: the test message to {to} was not accepted: {reason}"
        ))),
    }
}
