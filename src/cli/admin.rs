//! The operator's commands: `log`, `config show`, `db status`, `db copy`,
//! `smtp test`, `hooks`, and `completions`.

use super::*;

/// The command line with the names this installation knows as the values
/// of `--role`, `--department`, `--team` and `teams`/`departments remove`, so
/// that completions offer them. Nothing is created to find them.
pub(super) fn completable(context: &Context) -> Result<clap::Command> {
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
    pub(super) fn every(
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

/// `--since`: a duration back from now, or an instant (a date is its midnight, UTC).
pub(super) fn since(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
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

pub(super) fn log(context: &Context, args: LogArgs) -> Result<()> {
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
    context.print(args.format.view(), &entries)
}

pub(super) fn config_show(context: &Context, flags: &Flags, view: View) -> Result<()> {
    let (file, settings) = config::show(flags, &environment)?;
    if view.format == Format::Table {
        context.note(&match file {
            Some(file) => format!("config file: {}", file.display()),
            None => "no config file found; the settings are defaults and the environment's".into(),
        });
    }
    context.print(view, &settings)
}

pub(super) fn hooks_command(context: &Context, command: HooksCommand) -> Result<()> {
    match command {
        HooksCommand::Run => {
            if context.config.hooks.command.is_none() {
                return Err(hooks::not_set());
            }
            let mut conn = context.open()?;
            hook_events::prune(&mut conn, context.config.hooks.retention, now())?;
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
            let status: Vec<hook_events::Status> = status.into_iter().map(Into::into).collect();
            let rows = hook_events::list(&conn, &status)?;
            if rows.is_empty() && format.format == Format::Table {
                context.note("no events match");
                return Ok(());
            }
            context.print(format.view(), &rows)
        }
        HooksCommand::Retry { ids, failed } => {
            let which = if failed {
                hook_events::Retry::Failed
            } else {
                hook_events::Retry::Ids(ids)
            };
            let mut conn = context.open()?;
            let retried = hook_events::retry(&mut conn, &which, &actor(), now())?;
            let mut due = 0;
            for outcome in &retried {
                match outcome {
                    hook_events::Retried::DueNow(_) => due += 1,
                    hook_events::Retried::AlreadyDue(id) => context.note(&format!(
                        "event {id} is due already (or waits for an earlier event of its user); \
                         nothing changed"
                    )),
                    hook_events::Retried::Done(id) => context.note(&format!(
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
                (0, hook_events::Retry::Failed) if retried.is_empty() => {
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
            let synced = hook_events::sync(&mut conn, &actor(), now())?;
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

pub(super) fn db_status(context: &Context, format: Format) -> Result<()> {
    let conn = context.read()?;
    let status = DbStatus {
        location: conn.locate(&context.config.database)?,
        invitations: invitations::count_by_status(&conn, now())?,
        users: user::count_by_status(&conn)?,
    };
    write_formatted(format, |out| output::write_record(out, format, &status))
}

pub(super) fn db_copy(context: &Context, to: &str, force: bool) -> Result<()> {
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
/// `mail preview`: a mail as it would go out, to sample people, with the
/// operator's templates and organization; nothing is stored or sent.
pub(super) fn mail_preview(
    context: &Context,
    kind: MailKind,
    lang: Option<crate::i18n::Lang>,
    html: bool,
) -> Result<()> {
    use crate::mail::message;
    let config = &context.config;
    let org = &config.organization;
    let templates = crate::mail::templates::Templates::load(&config.mail)?;
    let now = now();
    let language = lang.unwrap_or(org.language);
    let lang = Some(language);
    let issued = crate::domain::invitations::Issued {
        id: 0,
        email: "ann.lee@example.com".into(),
        role: org.roles.first().cloned().unwrap_or_default(),
        department: Some("Engineering".into()),
        teams: vec!["ops".into(), "web".into()],
        invited_by: org.admin.clone().unwrap_or_else(|| "Ida Admin".into()),
        token: crate::token::Token::generate(),
        expires_at: crate::time::add(now, org.invitation_ttl),
        lang,
    };
    let written = match kind {
        MailKind::Invitation => message::write_invitation(&templates, org, &issued)?,
        MailKind::Reminder => message::write_reminder(&templates, org, &issued)?,
        MailKind::Reset => {
            let reset = crate::domain::resets::IssuedReset {
                id: 0,
                email: issued.email.clone(),
                first_name: Some("Ann".into()),
                last_name: Some("Lee".into()),
                token: issued.token.clone(),
                expires_at: crate::time::add(now, org.reset_ttl),
                lang,
            };
            message::write_reset(&templates, org, &reset)?
        }
        MailKind::EndWarning => {
            let warning = crate::domain::end_dates::EndWarning {
                email: issued.email.clone(),
                first_name: Some("Ann".into()),
                last_name: Some("Lee".into()),
                end_date: crate::time::add(now, org.end_warning).date_naive(),
                lang,
            };
            message::write_end_warning(&templates, org, &warning)?
        }
        MailKind::RenewalRequest => {
            let org = &crate::config::Organization {
                language,
                ..org.clone()
            };
            let request = message::RenewalRequest {
                email: &issued.email,
                role: &issued.role,
                expired_at: now,
            };
            message::write_renewal_request(&templates, org, &request)?
        }
    };
    let shown = if html {
        written.html
    } else {
        format!(
            "Subject: {}\n\n{}\n",
            written.subject,
            written.text.trim_end()
        )
    };
    write_stdout(|out| out.write_all(shown.as_bytes()))
}

pub(super) fn smtp_test(context: &Context, to: Option<String>) -> Result<()> {
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
