//! Reminders (`invitectl remind`) and the first opening of a link.
//!
//! A reminder is one more mail for a pending invitation that has waited
//! `[organization] remind_after`, with a link of its own. It neither extends
//! the window nor kills the first mail's link: the new token is a row of
//! `invitation_links` pointing at the same invitation, and lives exactly as
//! long as that invitation does (a resend supersedes the row and with it
//! every token; a cancel or an accept ends it). Each invitation gets at most
//! one reminder: `reminded_at` is set in the same statement that claims it,
//! so two runs at once remind it once. Nothing here prints or reads the clock.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::db::Database;
use crate::domain::audit;
use crate::domain::invitations::{self, Invitation, Issued, ListFilter, Status};
use crate::error::Result;
use crate::params;
use crate::time::{self, stamp};
use crate::token::Token;

/// What `remind` did (or, in a dry run, would do) for one invitation.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A reminder with a new link, to mail; its `expires_at` is the
    /// invitation's own, unchanged.
    Reminded(Box<Issued>),
    WouldRemind {
        email: String,
        expires_at: DateTime<Utc>,
    },
    Skipped {
        email: String,
        reason: String,
    },
}

impl Outcome {
    pub fn email(&self) -> &str {
        match self {
            Outcome::Reminded(issued) => &issued.email,
            Outcome::WouldRemind { email, .. } | Outcome::Skipped { email, .. } => email,
        }
    }
}

/// The reminders a run mailed, in order.
pub fn issued(outcomes: &[Outcome]) -> Vec<Issued> {
    outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            Outcome::Reminded(issued) => Some((**issued).clone()),
            _ => None,
        })
        .collect()
}

/// Invitations claimed per transaction.
const WRITE_CHUNK: usize = 200;

/// One reminder for every pending, unexpired invitation sent more than
/// `after` ago that has had none and whose first mail went out; a row for
/// each of those invitations. The others of them are skipped with the
/// reason. With `dry_run` nothing is written.
pub fn remind(
    conn: &mut Database,
    after: Duration,
    dry_run: bool,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Outcome>> {
    let waiting = invitations::list(
        conn,
        &ListFilter {
            statuses: vec![Status::Pending],
            sent_before: Some(time::sub(now, after)),
        },
        now,
    )?;
    // `None` holds the place of a due one until it is written.
    let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(waiting.len());
    let mut due = Vec::new();
    for invitation in waiting {
        outcomes.push(match skip_reason(&invitation) {
            Some(reason) => Some(Outcome::Skipped {
                email: invitation.email.clone(),
                reason,
            }),
            None if dry_run => Some(Outcome::WouldRemind {
                email: invitation.email.clone(),
                expires_at: invitation.expires_at,
            }),
            None => {
                due.push(invitation);
                None
            }
        });
    }
    let mut written = Vec::with_capacity(due.len());
    for chunk in due.chunks(WRITE_CHUNK) {
        let tx = conn.write()?;
        for invitation in chunk {
            written.push(claim(&tx, invitation, actor, now)?);
        }
        tx.commit()?;
    }
    let mut written = written.into_iter();
    Ok(outcomes
        .into_iter()
        .map(|outcome| {
            outcome.unwrap_or_else(|| written.next().expect("one outcome per due invitation"))
        })
        .collect())
}

/// Why a pending invitation old enough for a reminder gets none.
fn skip_reason(invitation: &Invitation) -> Option<String> {
    if let Some(at) = invitation.reminded_at {
        return Some(format!("already reminded at {}", stamp(at)));
    }
    if invitation.delivery != "sent" {
        return Some(format!(
            "its invitation was never delivered ({}); `invitectl resend --failed` sends a new link",
            invitation.delivery
        ));
    }
    None
}

/// Claims one invitation's reminder and gives it a new link, in the
/// caller's transaction; skipped when another run (or a resend, cancel or
/// accept) got there first.
fn claim(
    tx: &Database,
    invitation: &Invitation,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let claimed = tx.execute(
        "UPDATE invitations SET reminded_at = ?2
         WHERE id = ?1 AND status = 'pending' AND reminded_at IS NULL AND expires_at > ?2",
        params![invitation.id, now],
    )?;
    if claimed != 1 {
        return Ok(Outcome::Skipped {
            email: invitation.email.clone(),
            reason: "it was reminded, resent, cancelled or accepted by another process meanwhile"
                .into(),
        });
    }
    let token = Token::generate();
    tx.execute(
        "INSERT INTO invitation_links (token_hash, invitation_id, created_at) VALUES (?1, ?2, ?3)",
        params![&token.hash(), invitation.id, now],
    )?;
    audit::record(tx, now, actor, "remind", &invitation.email)?;
    Ok(Outcome::Reminded(Box::new(Issued {
        id: invitation.id,
        email: invitation.email.clone(),
        role: invitation.role.clone(),
        department: invitation.department.clone(),
        teams: invitation.teams.clone(),
        invited_by: invitation.invited_by.clone(),
        token,
        expires_at: invitation.expires_at,
        lang: invitation.lang,
    })))
}

/// Records the first opening of a valid link of invitation `id`; a later
/// one changes nothing. Call it only when the row read said `opened_at`
/// was empty, so that opening a link stays a read after the first time.
pub fn record_opened(conn: &Database, id: i64, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE invitations SET opened_at = ?2 WHERE id = ?1 AND opened_at IS NULL",
        params![id, now],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
