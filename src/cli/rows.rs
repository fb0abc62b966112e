//! Every row the CLI lists, as a table, JSON and CSV ([`Listing`]): one
//! place for what each command's columns and fields are.

use super::output::{optional, optional_stamp, relative_time};
use super::*;

/// One line of `invite` or `resend` output.
#[derive(Debug, Serialize)]
pub(super) struct SentRow {
    pub(super) email: String,
    /// One word (docs/reference.md): invited, would_invite, skipped, resent.
    pub(super) outcome: &'static str,
    /// Why, in a sentence, when the outcome needs one.
    pub(super) reason: Option<String>,
    #[serde(serialize_with = "time::serialize_optional")]
    pub(super) expires_at: Option<DateTime<Utc>>,
    pub(super) delivery: Option<String>,
    /// The invitation's ID (for `cancel ID`, `show ID`); none when nothing
    /// was written.
    pub(super) id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) link: Option<String>,
}

impl Listing for SentRow {
    const HEADINGS: &'static [&'static str] =
        &["ID", "Email", "Outcome", "Expires At", "Delivery", "Link"];
    // A link cut short would be useless: it stays whole even if the line wraps.
    const WHOLE: &'static [&'static str] = &["Expires At", "Link"];
    const NARROW_DROPS: &'static [&'static str] = &["Expires At"];
    const FIELDS: &'static [&'static str] = &[
        "email",
        "outcome",
        "reason",
        "expires_at",
        "delivery",
        "id",
        "link",
    ];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        let outcome = match &self.reason {
            Some(reason) => format!("{}: {reason}", self.outcome.replace('_', " ")),
            None => self.outcome.replace('_', " "),
        };
        let mut cells = vec![
            self.id.map(|id| id.to_string()).unwrap_or_default(),
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
            self.id.map(|id| id.to_string()).unwrap_or_default(),
        ];
        cells.extend(self.link.clone());
        cells
    }
}

/// Where the rows of `invite` and `resend` go as they are made: JSON and
/// CSV straight to stdout; a table when it is small enough to read,
/// otherwise only its problems and a count per outcome. None is held
/// beyond that, so a batch of a million takes no more memory than one of
/// a thousand. A reader that goes away stops the printing, not the batch.
pub(super) struct SentRows {
    pub(super) view: View,
    pub(super) total: usize,
    pub(super) stream: Option<output::Stream<io::BufWriter<io::Stdout>>>,
    /// The table's rows; for a big batch, only its problems.
    pub(super) table: Vec<SentRow>,
    /// Problems beyond those the table shows.
    pub(super) more_problems: usize,
    /// How many rows had each outcome, in the order first seen.
    pub(super) counts: Vec<(String, usize)>,
    pub(super) failed: Option<io::Error>,
}

impl SentRows {
    pub(super) fn new(view: View, total: usize) -> SentRows {
        SentRows {
            view,
            total,
            stream: (view.format != Format::Table)
                .then(|| output::Stream::new(io::BufWriter::new(io::stdout()), view.format)),
            table: Vec::new(),
            more_problems: 0,
            counts: Vec::new(),
            failed: None,
        }
    }

    /// A table that shows problems and counts, not every row.
    pub(super) fn summarized(&self) -> bool {
        self.view.format == Format::Table && self.total > TABLE_ROWS
    }

    pub(super) fn push(&mut self, row: SentRow) {
        if let Some(stream) = &mut self.stream {
            if self.failed.is_none()
                && let Err(e) = stream.row(&row)
            {
                self.failed = Some(e);
            }
            return;
        }
        if !self.summarized() {
            self.table.push(row);
            return;
        }
        let failed = row
            .delivery
            .as_deref()
            .is_some_and(|d| d.starts_with("failed"));
        let outcome = match failed {
            true => format!("{}, mail failed", row.outcome.replace('_', " ")),
            false => row.outcome.replace('_', " "),
        };
        match self.counts.iter_mut().find(|(seen, _)| *seen == outcome) {
            Some((_, count)) => *count += 1,
            None => self.counts.push((outcome, 1)),
        }
        if failed || row.outcome == "skipped" {
            if self.table.len() < TABLE_ROWS {
                self.table.push(row);
            } else {
                self.more_problems += 1;
            }
        }
    }

    pub(super) fn finish(self) -> Result<()> {
        if let Some(stream) = self.stream {
            let finished = match self.failed {
                Some(e) => Err(e),
                None => stream.finish::<SentRow>(),
            };
            return write_stdout(|_| finished);
        }
        if !self.summarized() {
            return write_stdout(|out| output::write(out, self.view, &self.table, now()));
        }
        let counts: Vec<OutcomeCount> = self
            .counts
            .into_iter()
            .map(|(outcome, addresses)| OutcomeCount { outcome, addresses })
            .collect();
        let (total, problems, more) = (self.total, self.table.len(), self.more_problems);
        write_stdout(|out| {
            if problems > 0 {
                output::write(out, self.view, &self.table, now())?;
                if more > 0 {
                    writeln!(out, "and {more} more problems")?;
                }
                writeln!(out)?;
            }
            output::write(out, self.view, &counts, now())?;
            writeln!(
                out,
                "\n{total} addresses: only the problems and a count per outcome are shown; \
                 --format csv lists every address"
            )
        })
    }
}

/// One line of the count per outcome of a big batch's table.
#[derive(Serialize)]
pub(super) struct OutcomeCount {
    pub(super) outcome: String,
    pub(super) addresses: usize,
}

impl Listing for OutcomeCount {
    const HEADINGS: &'static [&'static str] = &["Outcome", "Addresses"];
    const FIELDS: &'static [&'static str] = &["outcome", "addresses"];

    fn table_cells(&self, _now: DateTime<Utc>) -> Vec<String> {
        self.csv_cells()
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![self.outcome.clone(), self.addresses.to_string()]
    }
}

/// One invitation in `show`'s table: the address, role, department and
/// teams are the user's, said above it (JSON has each invitation's own).
#[derive(Serialize)]
pub(super) struct ShownInvitation<'a>(pub(super) &'a invitations::Invitation);

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
    const NARROW_DROPS: &'static [&'static str] = &["Invited By", "Sent At"];
    const FIELDS: &'static [&'static str] = &[];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        let invitation = self.0;
        vec![
            invitation.id.to_string(),
            invitation.invited_by.clone(),
            output::relative_time(invitation.sent_at, now),
            table_expiry(invitation, now),
            invitation.shown_status(),
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
pub(super) struct ShownAttempt<'a> {
    pub(super) email: &'a str,
    pub(super) invitation: &'a invitations::Invitation,
    pub(super) delivery: Option<&'a invitations::Delivery>,
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

/// What `db status` prints: one record.
#[derive(Serialize)]
pub(super) struct DbStatus {
    #[serde(flatten)]
    pub(super) location: db::Location,
    pub(super) invitations: std::collections::BTreeMap<invitations::Status, i64>,
    pub(super) users: std::collections::BTreeMap<UserStatus, i64>,
}

use crate::time::stamp;

impl Listing for crate::domain::audit::Entry {
    const HEADINGS: &'static [&'static str] = &["ID", "At", "Actor", "Action", "Subject", "Detail"];
    const WHOLE: &'static [&'static str] = &["ID", "At", "Action"];
    const FIELDS: &'static [&'static str] = &["id", "at", "actor", "action", "subject", "detail"];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        vec![
            self.id.to_string(),
            relative_time(self.at, now),
            self.actor.clone(),
            self.action.clone(),
            self.subject.clone(),
            optional(&self.detail),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            stamp(self.at),
            self.actor.clone(),
            self.action.clone(),
            self.subject.clone(),
            optional(&self.detail),
        ]
    }
}

impl Listing for crate::domain::hook_events::Listed {
    const HEADINGS: &'static [&'static str] = &[
        "ID",
        "Event",
        "Email",
        "At",
        "Status",
        "Runs",
        "Retry",
        "Last Result",
    ];
    const WHOLE: &'static [&'static str] = &["ID", "Event", "At", "Status", "Retry"];
    const NARROW_DROPS: &'static [&'static str] = &["Runs", "At"];
    const FIELDS: &'static [&'static str] = &[
        "id",
        "event",
        "email",
        "at",
        "actor",
        "status",
        "attempts",
        "last_attempt_at",
        "last_result",
        "next_attempt_at",
        "done_at",
    ];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.event.clone(),
            self.email.clone(),
            relative_time(self.at, now),
            self.status.as_str().to_string(),
            self.attempts.to_string(),
            self.next_attempt_at
                .map(|t| relative_time(t, now))
                .unwrap_or_default(),
            optional(&self.last_result),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.event.clone(),
            self.email.clone(),
            stamp(self.at),
            self.actor.clone(),
            self.status.as_str().to_string(),
            self.attempts.to_string(),
            optional_stamp(self.last_attempt_at),
            optional(&self.last_result),
            optional_stamp(self.next_attempt_at),
            optional_stamp(self.done_at),
        ]
    }
}

impl Listing for crate::config::Shown {
    const HEADINGS: &'static [&'static str] = &["Key", "Value", "Origin"];
    const WHOLE: &'static [&'static str] = &["Key"];
    const FIELDS: &'static [&'static str] = &["key", "value", "origin"];

    fn table_cells(&self, _now: DateTime<Utc>) -> Vec<String> {
        self.csv_cells()
    }

    fn csv_cells(&self) -> Vec<String> {
        let value = match &self.value {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Array(items) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map_or_else(|| item.to_string(), str::to_string)
                })
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        };
        vec![self.key.clone(), value, self.origin.clone()]
    }
}

impl Listing for crate::domain::invitations::Invitation {
    const HEADINGS: &'static [&'static str] = &[
        "ID",
        "Email",
        "Role",
        "Department",
        "Teams",
        "Invited By",
        "Sent At",
        "Expires At",
        "Status",
        "Delivery",
    ];
    const WHOLE: &'static [&'static str] = &["ID", "Sent At", "Expires At", "Status"];
    const NARROW_DROPS: &'static [&'static str] =
        &["Invited By", "Teams", "Department", "Sent At", "Role"];
    const FIELDS: &'static [&'static str] = &[
        "id",
        "email",
        "role",
        "department",
        "teams",
        "invited_by",
        "sent_at",
        "expires_at",
        "status",
        "delivery",
        "accepted_at",
        "cancelled_at",
        "reminded_at",
        "opened_at",
        "renewal_requested_at",
    ];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.email.clone(),
            self.role.clone(),
            optional(&self.department),
            self.teams.join(", "),
            self.invited_by.clone(),
            relative_time(self.sent_at, now),
            table_expiry(self, now),
            self.shown_status(),
            self.delivery.clone(),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.email.clone(),
            self.role.clone(),
            optional(&self.department),
            self.teams.join(";"),
            self.invited_by.clone(),
            stamp(self.sent_at),
            stamp(self.expires_at),
            self.status.as_str().to_string(),
            self.delivery.clone(),
            optional_stamp(self.accepted_at),
            optional_stamp(self.cancelled_at),
            optional_stamp(self.reminded_at),
            optional_stamp(self.opened_at),
            optional_stamp(self.renewal_requested_at),
        ]
    }
}

/// When an invitation's link stops working, for the table: nothing for an
/// accepted or cancelled one, whose link works no more anyway.
pub fn table_expiry(
    invitation: &crate::domain::invitations::Invitation,
    now: DateTime<Utc>,
) -> String {
    use crate::domain::invitations::Status;
    match invitation.status {
        Status::Accepted | Status::Cancelled => String::new(),
        _ => relative_time(invitation.expires_at, now),
    }
}

impl crate::domain::invitations::Invitation {
    /// The Status cell of a table: an expired invitation whose invitee
    /// asked for a new link says so.
    pub fn shown_status(&self) -> String {
        match (self.status, self.renewal_requested_at) {
            (invitations::Status::Expired, Some(_)) => "expired (renewal asked)".into(),
            (status, _) => status.as_str().to_string(),
        }
    }
}

impl Listing for crate::domain::user::User {
    const HEADINGS: &'static [&'static str] = &[
        "Email",
        "First Name",
        "Last Name",
        "Role",
        "Department",
        "Teams",
        "Status",
        "Created At",
        "Activated At",
        "End Date",
    ];
    const WHOLE: &'static [&'static str] = &["Status", "Created At", "Activated At", "End Date"];
    const NARROW_DROPS: &'static [&'static str] = &[
        "Created At",
        "Teams",
        "Department",
        "Activated At",
        "End Date",
    ];
    const FIELDS: &'static [&'static str] = &[
        "id",
        "email",
        "first_name",
        "last_name",
        "role",
        "department",
        "teams",
        "status",
        "created_at",
        "activated_at",
        "end_date",
    ];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        vec![
            self.email.clone(),
            optional(&self.first_name),
            optional(&self.last_name),
            self.role.clone(),
            optional(&self.department),
            self.teams.join(", "),
            self.status.as_str().to_string(),
            relative_time(self.created_at, now),
            self.activated_at
                .map(|t| relative_time(t, now))
                .unwrap_or_default(),
            self.end_date.map(|d| d.to_string()).unwrap_or_default(),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.email.clone(),
            optional(&self.first_name),
            optional(&self.last_name),
            self.role.clone(),
            optional(&self.department),
            self.teams.join(";"),
            self.status.as_str().to_string(),
            stamp(self.created_at),
            optional_stamp(self.activated_at),
            self.end_date.map(|d| d.to_string()).unwrap_or_default(),
        ]
    }
}

impl Listing for crate::domain::directory::Entry {
    const HEADINGS: &'static [&'static str] = &["Name", "Users", "Created At"];
    const WHOLE: &'static [&'static str] = &["Users", "Created At"];
    const NARROW_DROPS: &'static [&'static str] = &["Created At"];
    const FIELDS: &'static [&'static str] = &["name", "users", "created_at"];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        vec![
            self.name.clone(),
            self.users.to_string(),
            relative_time(self.created_at, now),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.users.to_string(),
            stamp(self.created_at),
        ]
    }
}
