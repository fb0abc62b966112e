//! `users`: list, edit, deactivate, reactivate, reset-password.

use super::*;

pub(super) fn users_command(context: &Context, command: UsersCommand) -> Result<()> {
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
            let rows = user::list(&conn, &statuses)?;
            if rows.is_empty() && format.format == Format::Table {
                context.note("no users match");
                return Ok(());
            }
            return context.print(format.view(), &rows);
        }
        UsersCommand::Deactivate { email, yes } => {
            // Nothing to confirm when there is nothing to take away.
            let user = user::find_by_email(&conn, &email)?;
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
        UsersCommand::Export | UsersCommand::Expire => unreachable!("handled by cli::people"),
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

pub(super) fn users_edit(context: &Context, args: EditArgs) -> Result<()> {
    if args.end_date.is_some() || args.no_end_date {
        people::edit_end_date(context, &args.email, args.end_date)?;
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
        lang: args.lang,
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

/// `users reset-password`: a new link, mailed (and printed with --print-link).
pub(super) fn reset_password(context: &Context, email: &str, print_link: bool) -> Result<()> {
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
