//! Onboard this week's new hires from an HR export, the way a company's own
//! tooling would use invitectl as a library.
//!
//!     cargo run --example onboard_from_csv -- new-hires.csv
//!
//! The CSV has the columns `email,role,team`. Addresses that are already
//! invited or already users are skipped, so the job can run every day.

use chrono::Utc;
use invitectl::config::{self, Flags};
use invitectl::db;
use invitectl::domain::invitations::{self, InviteOptions, Request};
use invitectl::mail::delivery;

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "new-hires.csv".into());
    let config = config::load(&Flags::default(), &|name| std::env::var(name).ok())?;
    let mut conn = db::open(&config.database)?;

    let mut requests = Vec::new();
    for record in csv::Reader::from_path(&path)?.records() {
        let record = record?;
        requests.push(Request {
            email: record.get(0).unwrap_or_default().to_string(),
            role: record.get(1).map(str::to_string),
            department: None,
            teams: record
                .get(2)
                .map(|team| vec![team.to_string()])
                .unwrap_or_default(),
            location: None,
            ttl: None,
            lang: None,
        });
    }

    let options = InviteOptions {
        invited_by: "HR onboarding".into(),
        actor: "root".into(),
        skip_existing: true,
        dry_run: false,
        sender: None,
    };
    let outcomes = invitations::invite(
        &mut conn,
        &config.organization,
        &requests,
        &options,
        Utc::now(),
    )?;
    let issued = invitations::issued(&outcomes);
    let report = delivery::deliver(
        &mut conn,
        &config,
        &issued,
        None,
        None,
        delivery::Surroundings {
            clock: &Utc::now,
            env: &|name| std::env::var(name).ok(),
            on_message: &mut || {},
        },
    )?;

    println!(
        "{} invited, {} skipped, {} mail failures",
        issued.len(),
        outcomes.len() - issued.len(),
        report.failed.len()
    );
    for (email, reason) in &report.failed {
        println!("  {email}: {reason} (retry with `invitectl resend --failed`)");
    }
    Ok(())
}
