//! `list`, `show`, `resend`, `cancel` and `accept`: the invitations after
//! they were sent.

use super::*;

pub(super) fn list(context: &Context, args: ListArgs) -> Result<()> {
    let statuses = if args.status.contains(&StatusFilter::All) {
        Status::ALL.to_vec()
    } else {
        args.status
            .iter()
            .map(|filter| match filter {
                StatusFilter::Pending => Status::Pending,
                StatusFilter::Expired => Status::Expired,
                StatusFilter::Accepted => Status::Accepted,
                StatusFilter::Renewal => Status::Expired,
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
    let mut rows = invitations::list(&conn, &filter, now)?;
    if args.status.contains(&StatusFilter::Renewal) {
        remind::keep_renewals(&args.status, &mut rows);
    }
    if rows.is_empty() && args.format.format == Format::Table {
        context.note("no invitations match");
        return Ok(());
    }
    context.print(args.format.view(), &rows)
}

pub(super) fn selection(targets: Vec<String>, expired: bool, failed: bool) -> Selection {
    if expired {
        Selection::Expired
    } else if failed {
        Selection::Failed
    } else {
        Selection::Named(targets)
    }
}

pub(super) fn resend(context: &Context, args: ResendArgs) -> Result<()> {
    let rate = rate(args.rate.as_deref())?;
    let ttl = remind::ttl_flag(context, args.ttl.as_deref())?;
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
    let organization = config::Organization {
        invitation_ttl: ttl.unwrap_or(context.config.organization.invitation_ttl),
        ..context.config.organization.clone()
    };
    let issued = invitations::resend(
        &mut conn,
        &organization,
        &selected,
        &actor(),
        Some(sender),
        now(),
    )?;
    let report = context.deliver(&mut conn, &issued, rate, Some(sender))?;
    let failures = report.failures();
    let mut rows = SentRows::new(args.format.view(), issued.len());
    for issued in &issued {
        rows.push(sent_row(context, issued, "resent", &failures, false));
    }
    let printed = rows.finish();
    let mut tally = Tally::default();
    tally.add(report);
    finish_delivery(context, &tally).and(printed)
}

pub(super) fn cancel(context: &Context, args: CancelArgs) -> Result<()> {
    let mut conn = context.open()?;
    let (targets, already) = invitations::split_cancelled(&conn, args.targets)?;
    for email in &already {
        context.note(&format!(
            "the invitation for {email} was already cancelled; nothing changed"
        ));
    }
    if !already.is_empty() && targets.is_empty() {
        return Ok(());
    }
    let mut selected = invitations::select(&conn, &selection(targets, args.expired, false), now())?;
    if args.expired {
        remind::keep_requested_renewals(context, &mut selected);
    }
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

/// Up to ten names, then how many more.
pub(super) fn name_list(names: &[&str]) -> String {
    let shown = &names[..names.len().min(10)];
    match names.len() - shown.len() {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

pub(super) fn accept(context: &Context, args: AcceptArgs) -> Result<()> {
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
pub(super) fn accept_with_prompts(
    conn: &mut Database,
    token: &Token,
    first_name: String,
    last_name: String,
) -> Result<user::User> {
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

pub(super) fn show(context: &Context, args: ShowArgs) -> Result<()> {
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
            let table = args.format.view();
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
                    output::write(out, table, &invitations, now)?;
                    remind::write_followups(out, &record, now)?;
                }
                writeln!(out)?;
                if attempts.is_empty() {
                    writeln!(out, "Delivery attempts: none")
                } else {
                    writeln!(out, "Delivery attempts:")?;
                    output::write(out, table, &attempts, now)
                }
            })
        }
    }
}

/// The user part of `show`, a field a line.
pub(super) fn write_user(
    out: &mut dyn Write,
    email: &str,
    user: Option<&user::User>,
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

pub(super) fn write_fields(out: &mut dyn Write, lines: &[(&str, String)]) -> io::Result<()> {
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
