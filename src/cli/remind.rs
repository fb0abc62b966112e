//! The CLI side of "no dead ends": `invitectl remind`, `--ttl` and the CSV
//! `ttl` column, `list --status renewal`, and the nightly clean-up keeping
//! the invitations whose invitee asked for a new link. A child of
//! `commands`, whose context and printing it uses.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Context, actor, environment, finish_delivery, now};
use crate::cli::args::{RemindArgs, StatusFilter};
use crate::cli::output::{self, Listing};
use crate::domain::invitations::{Invitation, Status};
use crate::domain::reminders::{self, Outcome};
use crate::error::{Error, Result};
use crate::mail::delivery::{self, Letter};
use crate::{mail, time};

/// A lifetime as the admin gave it (`--ttl`, a CSV `ttl` cell), checked
/// against `[organization] max_invitation_ttl`; `what` names where it came from.
pub(super) fn checked_ttl(text: &str, cap: Duration, what: &str) -> Result<Duration> {
    let ttl = time::parse_duration(text)
        .map_err(|e| Error::Invalid(format!("{what} {text} is not a duration: {e}")))?;
    if ttl > cap {
        return Err(Error::Invalid(format!(
            "{what} {text} is longer than the cap of {} ([organization] max_invitation_ttl); \
             give at most that, or raise the cap",
            time::format_duration(cap)
        )));
    }
    Ok(ttl)
}

/// `--ttl`, checked, when given.
pub(super) fn ttl_flag(context: &Context, text: Option<&str>) -> Result<Option<Duration>> {
    text.map(|text| checked_ttl(text, context.config.followup.max_invitation_ttl, "--ttl"))
        .transpose()
}

/// The rows `list` shows for `--status renewal`: the expired ones with a
/// renewal request, and whatever else was asked for besides.
pub(super) fn keep_renewals(filters: &[StatusFilter], rows: &mut Vec<Invitation>) {
    let expired_too =
        filters.contains(&StatusFilter::Expired) || filters.contains(&StatusFilter::All);
    rows.retain(|row| {
        row.status != Status::Expired || expired_too || row.renewal_requested_at.is_some()
    });
}

/// `cancel --expired` (the nightly clean-up) leaves the invitations whose
/// invitee asked for a new link for an admin to answer; says so.
pub(super) fn keep_requested_renewals(context: &Context, selected: &mut Vec<Invitation>) {
    let before = selected.len();
    selected.retain(|invitation| invitation.renewal_requested_at.is_none());
    let kept = before - selected.len();
    if kept > 0 {
        context.note(&format!(
            "kept {kept} expired invitation(s) whose invitee asked for a new link; answer them with \
             `invitectl resend` (see `invitectl list --status renewal`) or cancel them by address"
        ));
    }
}

/// Under `show`'s table of invitations: when each was opened, reminded, or
/// asked to be renewed, one line per invitation that has any of them.
pub(super) fn write_followups(
    out: &mut dyn std::io::Write,
    record: &crate::domain::invitations::Record,
    now: DateTime<Utc>,
) -> std::io::Result<()> {
    for sent in &record.invitations {
        let invitation = &sent.invitation;
        let said: Vec<String> = [
            ("opened", invitation.opened_at),
            ("reminded", invitation.reminded_at),
            ("renewal asked", invitation.renewal_requested_at),
        ]
        .into_iter()
        .filter_map(|(what, at)| at.map(|at| format!("{what} {}", output::relative_time(at, now))))
        .collect();
        if !said.is_empty() {
            writeln!(out, "  {}: {}", invitation.id, said.join(", "))?;
        }
    }
    Ok(())
}

/// One line of `remind` output.
#[derive(Debug, Serialize)]
struct RemindRow {
    email: String,
    /// One word: reminded, would_remind, skipped.
    outcome: &'static str,
    reason: Option<String>,
    #[serde(serialize_with = "time::serialize_optional")]
    expires_at: Option<DateTime<Utc>>,
    delivery: Option<String>,
}

impl Listing for RemindRow {
    const HEADINGS: &'static [&'static str] = &["Email", "Outcome", "Expires At", "Delivery"];
    const WHOLE: &'static [&'static str] = &["Expires At"];
    const FIELDS: &'static [&'static str] =
        &["email", "outcome", "reason", "expires_at", "delivery"];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        let outcome = match &self.reason {
            Some(reason) => format!("{}: {reason}", self.outcome.replace('_', " ")),
            None => self.outcome.replace('_', " "),
        };
        vec![
            self.email.clone(),
            outcome,
            self.expires_at
                .map(|t| output::relative_time(t, now))
                .unwrap_or_default(),
            output::optional(&self.delivery),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.email.clone(),
            self.outcome.to_string(),
            output::optional(&self.reason),
            output::optional_stamp(self.expires_at),
            output::optional(&self.delivery),
        ]
    }
}

/// `invitectl remind [--dry-run]`.
pub(super) fn remind(context: &Context, args: RemindArgs) -> Result<()> {
    let Some(after) = context.config.followup.remind_after else {
        context.note("reminders are off ([organization] remind_after = \"off\"); nothing was sent");
        return print_rows(context, args.format.format, &[]);
    };
    if args.dry_run {
        mail::templates::Templates::load(&context.config.mail)?;
    } else {
        mail::check(&context.config, &environment)?;
    }
    let mut conn = context.open()?;
    let outcomes = reminders::remind(&mut conn, after, args.dry_run, &actor(), now())?;
    let issued = reminders::issued(&outcomes);
    let report = if issued.is_empty() {
        delivery::Report::default()
    } else {
        delivery::deliver_letters(
            &mut conn,
            &context.config,
            Letter::Reminder,
            &issued,
            None,
            None,
            delivery::Surroundings {
                clock: &now,
                env: &environment,
                on_message: &mut || {},
            },
        )?
    };
    let failures = report.failures();
    let rows: Vec<RemindRow> = outcomes
        .iter()
        .map(|outcome| match outcome {
            Outcome::Reminded(issued) => RemindRow {
                email: issued.email.clone(),
                outcome: "reminded",
                reason: None,
                expires_at: Some(issued.expires_at),
                delivery: Some(match failures.get(issued.email.as_str()) {
                    Some(reason) => format!("failed: {reason}"),
                    None => "sent".into(),
                }),
            },
            Outcome::WouldRemind { email, expires_at } => RemindRow {
                email: email.clone(),
                outcome: "would_remind",
                reason: None,
                expires_at: Some(*expires_at),
                delivery: None,
            },
            Outcome::Skipped { email, reason } => RemindRow {
                email: email.clone(),
                outcome: "skipped",
                reason: Some(reason.clone()),
                expires_at: None,
                delivery: None,
            },
        })
        .collect();
    let printed = print_rows(context, args.format.format, &rows);
    let count = |word: &str| rows.iter().filter(|row| row.outcome == word).count();
    context.note(&if args.dry_run {
        format!(
            "dry run: {} would be reminded, {} skipped; nothing was written or sent",
            count("would_remind"),
            count("skipped")
        )
    } else {
        format!(
            "reminded {}, skipped {} (pending invitations sent more than {} ago)",
            count("reminded"),
            count("skipped"),
            time::format_duration(after)
        )
    });
    let mut tally = super::Tally::default();
    tally.add(report);
    finish_delivery(context, &tally).and(printed)
}

/// The rows; a table of none is no table (the summary on stderr says it).
fn print_rows(context: &Context, format: output::Format, rows: &[RemindRow]) -> Result<()> {
    if rows.is_empty() && format == output::Format::Table {
        return Ok(());
    }
    context.print(format, rows)
}
