//! Delivering a batch: one message per invitation over one transport, each
//! attempt recorded, the sending process's lease kept, the rate kept. The
//! adapters (the CLI, serve-accept, a script) give it the clock, the
//! environment and what to do after each message.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::db::Database;
use chrono::{DateTime, Utc};

use crate::config::{Config, TransportKind};
use crate::error::Result;
use crate::invitations::{self, Attempt, Issued, Sender};
use crate::mail;

/// What a batch delivery did.
#[derive(Debug, Default)]
pub struct Report {
    pub sent: usize,
    /// (email, reason) for each message that did not go out.
    pub failed: Vec<(String, String)>,
    /// Where the messages went, for telling the admin ("outbox/", "smtp.acme.example").
    pub destination: String,
}

impl Report {
    /// The reason each failed address failed, for looking up by address.
    pub fn failures(&self) -> HashMap<&str, &str> {
        self.failed
            .iter()
            .map(|(email, reason)| (email.as_str(), reason.as_str()))
            .collect()
    }
}

/// At most `messages` per `per`, for providers that throttle (`--rate 10/s`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub messages: u32,
    pub per: Duration,
}

impl Rate {
    pub fn parse(text: &str) -> std::result::Result<Rate, String> {
        let problem = || format!("--rate {text}: write it like 10/s, 300/m or 5000/h");
        let (count, unit) = text.trim().split_once('/').ok_or_else(problem)?;
        let messages: u32 = count
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(problem)?;
        let per = match unit.trim() {
            "s" | "sec" => Duration::from_secs(1),
            "m" | "min" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            _ => return Err(problem()),
        };
        Ok(Rate { messages, per })
    }

    /// When the message with this index may go, counted from the first.
    fn offset(&self, index: usize) -> Duration {
        self.per.mul_f64(index as f64 / f64::from(self.messages))
    }
}

/// Attempts are written in small batches: one transaction per message would
/// cost more than sending it. A crash loses at most one batch of records; those
/// invitations stay visibly queued and `resend --failed` sends them again.
const RECORD_EVERY_MESSAGES: usize = 100;
const RECORD_EVERY: Duration = Duration::from_millis(250);

/// What the adapter that runs a delivery provides: the clock, the
/// environment (for the SMTP password), and a word after each message.
pub struct Surroundings<'a> {
    pub clock: &'a dyn Fn() -> DateTime<Utc>,
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub on_message: &'a mut dyn FnMut(),
}

/// Sends one message per invitation, recording the attempts as it goes, so
/// that a crash leaves the rest visibly queued for `resend --failed`.
/// A transport that cannot start marks every invitation failed. The
/// `sender`'s lease is renewed while this runs and ended when it is done.
pub fn deliver(
    conn: &mut Database,
    config: &Config,
    issued: &[Issued],
    rate: Option<Rate>,
    sender: Option<Sender>,
    around: Surroundings<'_>,
) -> Result<Report> {
    deliver_letters(
        conn,
        config,
        Letter::Invitation,
        issued,
        rate,
        sender,
        around,
    )
}

/// Which message each invitation gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Letter {
    Invitation,
    /// `invitectl remind`'s: its attempts are recorded with "reminder: "
    /// before the reply, so `show` tells them from the invitation's.
    Reminder,
}

/// [`deliver`] for `letter`.
pub fn deliver_letters(
    conn: &mut Database,
    config: &Config,
    letter: Letter,
    issued: &[Issued],
    rate: Option<Rate>,
    sender: Option<Sender>,
    around: Surroundings<'_>,
) -> Result<Report> {
    let report = deliver_all(conn, config, letter, issued, rate, sender, around)?;
    if let Some(sender) = sender {
        invitations::stop_sending(conn, sender)?;
    }
    Ok(report)
}

fn deliver_all(
    conn: &mut Database,
    config: &Config,
    letter: Letter,
    issued: &[Issued],
    rate: Option<Rate>,
    sender: Option<Sender>,
    around: Surroundings<'_>,
) -> Result<Report> {
    let Surroundings {
        clock,
        env,
        on_message,
    } = around;
    let keep_sending = |conn: &Database| match sender {
        Some(sender) => invitations::keep_sending(conn, sender, clock()),
        None => Ok(()),
    };
    let mut report = Report {
        destination: destination(config),
        ..Report::default()
    };
    if issued.is_empty() {
        return Ok(report);
    }
    let connected = mail::templates::Templates::load(&config.mail)
        .and_then(|templates| Ok((templates, mail::connect(config, env)?)));
    let (templates, mut transport) = match connected {
        Ok(connected) => connected,
        Err(e) => {
            let reason = summary(&e.to_string());
            let attempts: Vec<Attempt> = issued
                .iter()
                .map(|invitation| Attempt {
                    invitation_id: invitation.id,
                    at: clock(),
                    transport: "none",
                    message_id: None,
                    outcome: Err(reason.clone()),
                })
                .collect();
            invitations::record_deliveries(conn, &attempts)?;
            report.failed = issued
                .iter()
                .map(|i| (i.email.clone(), reason.clone()))
                .collect();
            return Ok(report);
        }
    };
    let from = config.mail.sender();
    let started = Instant::now();
    let mut unrecorded: Vec<Attempt> = Vec::new();
    let mut last_record = Instant::now();
    for (index, invitation) in issued.iter().enumerate() {
        if let Some(rate) = rate {
            let due = started + rate.offset(index);
            // A slow rate may wait longer than the lease lasts: renew it meanwhile.
            while let wait @ 1.. = due.saturating_duration_since(Instant::now()).as_millis() {
                let slice = Duration::from_millis(wait as u64).min(invitations::SENDER_LEASE / 4);
                std::thread::sleep(slice);
                keep_sending(conn)?;
            }
        }
        let message_id = mail::message::new_message_id(&from);
        let build = match letter {
            Letter::Invitation => mail::message::invitation,
            Letter::Reminder => mail::message::reminder,
        };
        let noted = |text: String| match letter {
            Letter::Invitation => text,
            Letter::Reminder => format!("reminder: {text}"),
        };
        let outcome = build(
            &templates,
            &config.organization,
            &from,
            invitation,
            &message_id,
            clock(),
        )
        .map_err(|e| e.to_string())
        .and_then(|message| transport.send(&message))
        .map(|reply| noted(summary(&reply)))
        .map_err(|reason| noted(summary(&reason)));
        match &outcome {
            Ok(_) => report.sent += 1,
            Err(reason) => report
                .failed
                .push((invitation.email.clone(), reason.clone())),
        }
        unrecorded.push(Attempt {
            invitation_id: invitation.id,
            at: clock(),
            transport: transport.name(),
            message_id: Some(message_id),
            outcome,
        });
        if unrecorded.len() >= RECORD_EVERY_MESSAGES || last_record.elapsed() >= RECORD_EVERY {
            invitations::record_deliveries(conn, &unrecorded)?;
            keep_sending(conn)?;
            unrecorded.clear();
            last_record = Instant::now();
        }
        on_message();
    }
    invitations::record_deliveries(conn, &unrecorded)?;
    Ok(report)
}

/// Where the messages go, for telling the admin ("outbox/", "SMTP server smtp.acme.example").
pub fn destination(config: &Config) -> String {
    match config.mail.transport {
        TransportKind::File => format!("{}/", config.mail.file_dir.display()),
        TransportKind::Smtp => format!(
            "SMTP server {}",
            config.smtp.host.clone().unwrap_or_default()
        ),
        TransportKind::Sendmail => "sendmail".into(),
    }
}

/// Sends one password reset link: builds the message and hands it to the
/// transport in `connection`, opening one when there is none, and leaves it
/// there for the next message. What the far end said, or why it failed, as
/// one clean line; the caller records it ([`crate::resets::record_delivery`]).
pub fn send_reset(
    config: &Config,
    templates: &mail::templates::Templates,
    reset: &crate::resets::IssuedReset,
    connection: &mut Option<Box<dyn mail::Transport>>,
    env: &dyn Fn(&str) -> Option<String>,
    now: DateTime<Utc>,
) -> std::result::Result<String, String> {
    let from = config.mail.sender();
    let message_id = mail::message::new_message_id(&from);
    let message = mail::message::reset(
        templates,
        &config.organization,
        &from,
        reset,
        &message_id,
        now,
    )
    .map_err(|e| summary(&e.to_string()))?;
    if let Some(transport) = connection.as_mut() {
        match transport.send(&message) {
            Ok(reply) => return Ok(summary(&reply)),
            // A kept connection that the server has closed meanwhile, or a
            // refusal: once more, on a new connection.
            Err(_) => *connection = None,
        }
    }
    let opened = mail::connect(config, env).map_err(|e| summary(&e.to_string()))?;
    let transport = connection.insert(opened);
    match transport.send(&message) {
        Ok(reply) => Ok(summary(&reply)),
        Err(reason) => {
            *connection = None;
            Err(summary(&reason))
        }
    }
}

/// Mails `[organization] contact` that an invitee asked for a new link;
/// what the far end said, or why it failed, as one clean line.
pub fn send_renewal_request(
    config: &Config,
    to: &str,
    request: &mail::message::RenewalRequest<'_>,
    env: &dyn Fn(&str) -> Option<String>,
    now: DateTime<Utc>,
) -> std::result::Result<String, String> {
    let templates = mail::templates::Templates::load(&config.mail).map_err(|e| e.to_string())?;
    let message = mail::message::renewal_request(
        &templates,
        &config.organization,
        &config.mail.sender(),
        to,
        request,
        now,
    )
    .map_err(|e| summary(&e.to_string()))?;
    let mut transport = mail::connect(config, env).map_err(|e| summary(&e.to_string()))?;
    transport
        .send(&message)
        .map(|reply| summary(&reply))
        .map_err(|reason| summary(&reason))
}

/// The longest reply or reason kept: enough for a code and a sentence.
const MAX_SUMMARY: usize = 200;

/// What is kept of a server's reply or an error: the first line, without
/// control characters, at most `MAX_SUMMARY` characters. A hostile or chatty
/// server's text goes into the database and onto admins' terminals.
fn summary(text: &str) -> String {
    let line = text.split(['\r', '\n']).next().unwrap_or_default();
    let clean: String = line.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    match clean.char_indices().nth(MAX_SUMMARY) {
        Some((cut, _)) => format!("{}…", &clean[..cut]),
        None => clean.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_reply_is_kept_to_its_first_clean_line() {
        assert_eq!(
            summary("550 5.1.1 no\x1b[2J such user\n550 second line"),
            "550 5.1.1 no[2J such user"
        );
        let long = format!("250 {}", "é".repeat(500));
        let kept = summary(&long);
        assert_eq!(kept.chars().count(), MAX_SUMMARY + 1);
        assert!(kept.ends_with('…'));
    }

    #[test]
    fn rates_as_people_write_them() {
        let ten_a_second = Rate::parse("10/s").unwrap();
        assert_eq!(ten_a_second.offset(0), Duration::ZERO);
        assert_eq!(ten_a_second.offset(5), Duration::from_millis(500));
        assert_eq!(
            Rate::parse("300/m").unwrap().offset(300),
            Duration::from_secs(60)
        );
        for bad in ["", "10", "0/s", "ten/s", "10/week"] {
            assert!(Rate::parse(bad).unwrap_err().contains("10/s"), "{bad}");
        }
    }
}
