//! A nightly report of invitations nobody has accepted for more than 12 hours,
//! for a team chat or an email to the admins.
//!
//!     cargo run --example pending_report

use std::time::Duration;

use chrono::Utc;
use invitectl::config::{self, Flags};
use invitectl::domain::invitations::{self, ListFilter, Status};
use invitectl::{db, time};

fn main() -> anyhow::Result<()> {
    let config = config::load(&Flags::default(), &|name| std::env::var(name).ok())?;
    let conn = db::open(&config.database)?;
    let now = Utc::now();
    let filter = ListFilter {
        statuses: vec![Status::Pending, Status::Expired],
        sent_before: Some(time::sub(now, Duration::from_secs(12 * 3600))),
    };
    let waiting = invitations::list(&conn, &filter, now)?;
    if waiting.is_empty() {
        println!("Every invitation older than 12 hours has been accepted.");
        return Ok(());
    }
    println!(
        "{} invitation(s) waiting for more than 12 hours:",
        waiting.len()
    );
    for invitation in &waiting {
        println!(
            "  {:<32} {:<8} invited by {} at {} ({}, delivery {})",
            invitation.email,
            invitation.role,
            invitation.invited_by,
            invitation.sent_at,
            invitation.status.as_str(),
            invitation.delivery
        );
    }
    println!("Send new links with `invitectl resend EMAIL` or `invitectl resend --expired`.");
    Ok(())
}
