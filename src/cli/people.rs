//! The CLI of people as code: `plan`, `apply` and `users export`.
//! A child of `commands`, so it shares its Context, actor and confirmation.

use super::*;
use crate::cli::args::{ApplyArgs, PlanArgs};
use crate::cli::output::Format;
use crate::domain::invitations::InviteOptions;
use crate::domain::people::{self, Action, Step};
use crate::domain::user::{self, UserStatus};
use crate::domain::users;
use crate::error::{Error, Result};

/// `invitectl users export`: the people file of the active and pending users.
pub(super) fn export(context: &Context) -> Result<()> {
    let conn = context.read()?;
    let rows = user::list(&conn, &[UserStatus::Active, UserStatus::Pending])?;
    write_stdout(|out| {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(people::HEADER)?;
        for user in rows {
            let mut teams = user.teams.clone();
            teams.sort_by_key(|t| t.to_lowercase());
            writer.write_record([
                user.email.as_str(),
                user.first_name.as_deref().unwrap_or(""),
                user.last_name.as_deref().unwrap_or(""),
                user.role.as_str(),
                user.department.as_deref().unwrap_or(""),
                teams.join(";").as_str(),
                user.end_date
                    .map(|d| d.to_string())
                    .unwrap_or_default()
                    .as_str(),
            ])?;
        }
        writer.flush()
    })
}

fn print_plan(context: &Context, format: Format, steps: &[Step]) -> Result<()> {
    let shown: Vec<&Step> = steps
        .iter()
        .filter(|s| context.verbose || s.action != Action::Unchanged)
        .collect();
    write_stdout(|out| match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &shown)?;
            writeln!(out)
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(["email", "action", "changes"])?;
            for step in &shown {
                writer.write_record([
                    step.email.as_str(),
                    step.action.as_str(),
                    step.changes.join("; ").as_str(),
                ])?;
            }
            writer.flush()
        }
        _ => {
            // One line per person, each change on its own indented line,
            // so the plan stays readable at 80 columns.
            for step in &shown {
                writeln!(out, "{:<10}  {}", step.action.as_str(), step.email)?;
                for change in &step.changes {
                    writeln!(out, "{:<10}    {change}", "")?;
                }
            }
            Ok(())
        }
    })?;
    context.note(&summary(steps));
    Ok(())
}

fn summary(steps: &[Step]) -> String {
    let count = |a: Action| steps.iter().filter(|s| s.action == a).count();
    format!(
        "{} to invite, {} to change, {} to reactivate, {} to deactivate, {} unchanged",
        count(Action::Invite),
        count(Action::Change),
        count(Action::Reactivate),
        count(Action::Deactivate),
        count(Action::Unchanged)
    )
}

/// `invitectl plan FILE`: what `apply` would do. Writes nothing.
pub(super) fn plan(context: &Context, args: PlanArgs) -> Result<()> {
    let conn = context.read()?;
    let people = people::read(&args.file, &conn, &context.config.organization)?;
    let steps = people::plan(&conn, &people, args.prune, now())?;
    print_plan(context, args.format.format, &steps)
}

/// `invitectl apply FILE`: carries out the plan, computed again here.
pub(super) fn apply(context: &Context, args: ApplyArgs) -> Result<()> {
    crate::mail::check(&context.config, &super::environment)?;
    let mut conn = context.open()?;
    let org = &context.config.organization;
    let people = people::read(&args.file, &conn, org)?;
    // A second apply waits here, then plans again on what the first did.
    let _held = conn.hold_apply_lock()?;
    let steps = people::plan(&conn, &people, args.prune, now())?;
    if steps.iter().all(|s| s.action == Action::Unchanged) {
        context.note("no changes");
        return Ok(());
    }
    let leaving = steps
        .iter()
        .filter(|s| s.action == Action::Deactivate)
        .count();
    if args.prune {
        let active = user::count_by_status(&conn)?
            .get(&UserStatus::Active)
            .copied()
            .unwrap_or(0);
        let limit = args.max_deactivate.unwrap_or_else(|| {
            people::default_max_deactivate(usize::try_from(active).unwrap_or(0))
        });
        if leaving > limit {
            return Err(Error::Refused(format!(
                "the plan deactivates {leaving} users, more than --max-deactivate {limit}; \
                 nothing was done. Check that {} is complete, or pass --max-deactivate {leaving}",
                args.file.display()
            )));
        }
    }
    print_plan(context, Format::Table, &steps)?;
    confirm(args.yes.yes, "apply", "Apply this plan?")?;
    let sender = start_sending(&mut conn)?;
    let options = InviteOptions {
        invited_by: context.invited_by(),
        actor: actor(),
        skip_existing: true,
        dry_run: false,
        sender: Some(sender),
    };
    let applied = people::apply(&mut conn, org, &steps, &options, now())?;
    let report = context.deliver(&mut conn, &applied.issued, None, Some(sender))?;
    context.note(&format!("applied {} change(s)", applied.done));
    let mut tally = Tally::default();
    tally.add(report);
    finish_delivery(context, &tally)
}

/// `users edit --end-date DATE | --no-end-date`.
pub(super) fn edit_end_date(
    context: &Context,
    email: &str,
    date: Option<chrono::NaiveDate>,
) -> Result<()> {
    let mut conn = context.open()?;
    let tx = conn.write()?;
    let Some(user) = user::find_by_email(&tx, email)? else {
        return Err(user::not_found(&tx, email)?);
    };
    let shown = date.map_or("none".to_string(), |d| d.to_string());
    if crate::domain::end_dates::set(&tx, &user, date, &actor(), now())? {
        tx.commit()?;
        context.note(&format!("changed {}: end date {shown}", user.email));
    } else {
        context.note(&format!(
            "{} already has the end date {shown}; nothing changed",
            user.email
        ));
    }
    Ok(())
}

/// `users expire`: deactivates every active account whose end date has
/// come, and mails once each user whose account ends within
/// `[organization] end_warning` (exit 4 when a warning could not be sent:
/// it is due again at the next run).
pub(super) fn expire(context: &Context) -> Result<()> {
    use crate::domain::end_dates;
    let mut conn = context.open()?;
    let actor = actor();
    let at = now();
    let ended = end_dates::ended(&conn, at)?;
    for email in &ended {
        users::deactivate(&mut conn, email, &actor, at)?;
        context.note(&format!("{email} reached its end date and is now inactive"));
    }
    if ended.is_empty() {
        context.note("no account has reached its end date");
    }
    let org = &context.config.organization;
    let warnings = end_dates::claim_warnings(&mut conn, org.end_warning, &actor, at)?;
    let env = |name: &str| std::env::var(name).ok();
    let sent = crate::mail::delivery::send_end_warnings(&context.config, &warnings, &env, at);
    let mut failed = Vec::new();
    for (warning, result) in warnings.iter().zip(sent) {
        match result {
            Ok(_) => context.note(&format!(
                "{} was told that the account ends on {}",
                warning.email, warning.end_date
            )),
            Err(reason) => {
                end_dates::release_warning(&conn, &warning.email)?;
                failed.push(format!("{} ({reason})", warning.email));
            }
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    Err(Error::Delivery(format!(
        "the end warning to {} could not be sent; fix the mail settings and run `invitectl users expire` again",
        failed.join(", ")
    )))
}

/// `invite --end-date`: the new pending users get the end date, in one
/// write transaction.
pub(super) fn set_end_dates(
    conn: &mut crate::db::Database,
    issued: &[crate::domain::invitations::Issued],
    date: chrono::NaiveDate,
) -> Result<()> {
    let actor = actor();
    let at = now();
    let tx = conn.write()?;
    for invitation in issued {
        if let Some(user) = user::find_by_email(&tx, &invitation.email)? {
            crate::domain::end_dates::set(&tx, &user, Some(date), &actor, at)?;
        }
    }
    tx.commit()
}
