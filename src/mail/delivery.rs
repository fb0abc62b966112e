//! Delivering a batch: one message per invitation over one transport, each
//! attempt recorded, the sending process's lease kept, the rate kept. The
//! adapters (the CLI, serve-accept, a script) give it the clock, the
//! environment and what to do after each message.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::db::Database;
use chrono::{DateTime, Utc};

use crate::config::{Config, TransportKind};
use crate::domain::invitations::{self, Attempt, Issued, Sender};
use crate::error::Result;
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
    if issued.is_empty() {
        if let Some(sender) = sender {
            invitations::stop_sending(conn, sender)?;
        }
        return Ok(Report {
            destination: destination(config),
            ..Report::default()
        });
    }
    let mut session = Session::start(config, rate, sender, around.env);
    session.letter = letter;
    let report = session.send(conn, issued, around.clock, around.on_message)?;
    session.finish(conn)?;
    Ok(report)
}

/// A delivery that goes on over many parts of one batch: one transport
/// (one SMTP connection), one rate counted from the first message, one
/// sender lease. A batch written a part at a time is mailed a part at a
/// time, so no more than one part's links are ever held in memory.
pub struct Session<'a> {
    config: &'a Config,
    env: &'a dyn Fn(&str) -> Option<String>,
    /// The templates and the open transport, or why they could not start;
    /// `None` until the first message (a batch of skips connects to nothing).
    ready: Option<std::result::Result<Ready, String>>,
    letter: Letter,
    from: lettre::message::Mailbox,
    rate: Option<Rate>,
    sender: Option<Sender>,
    started: Instant,
    /// Messages attempted so far (the rate's index).
    attempted: usize,
    unrecorded: Vec<Attempt>,
    last_record: Instant,
}

type Ready = (mail::templates::Templates, Box<dyn mail::Transport>);

impl<'a> Session<'a> {
    /// A delivery that loads the templates and connects when its first
    /// message is due; a failure to do either makes every message of
    /// [`Session::send`] fail with its reason.
    pub fn start(
        config: &'a Config,
        rate: Option<Rate>,
        sender: Option<Sender>,
        env: &'a dyn Fn(&str) -> Option<String>,
    ) -> Session<'a> {
        Session {
            config,
            env,
            ready: None,
            letter: Letter::Invitation,
            from: config.mail.sender(),
            rate,
            sender,
            started: Instant::now(),
            attempted: 0,
            unrecorded: Vec::new(),
            last_record: Instant::now(),
        }
    }

    /// Where the messages go, for telling the admin.
    pub fn destination(&self) -> String {
        destination(self.config)
    }

    /// Sends one message per invitation of this part; the report is this part's.
    pub fn send(
        &mut self,
        conn: &mut Database,
        issued: &[Issued],
        clock: &dyn Fn() -> DateTime<Utc>,
        on_message: &mut dyn FnMut(),
    ) -> Result<Report> {
        let mut report = Report {
            destination: destination(self.config),
            ..Report::default()
        };
        if issued.is_empty() {
            return Ok(report);
        }
        if self.ready.is_none() {
            let (config, env) = (self.config, self.env);
            self.ready = Some(
                mail::templates::Templates::load(&config.mail)
                    .and_then(|templates| Ok((templates, mail::connect(config, env)?)))
                    .map_err(|e| summary(&e.to_string())),
            );
            self.started = Instant::now();
        }
        let ready = self.ready.as_mut().expect("set above");
        let (templates, transport) = match ready {
            Ok((templates, transport)) => (&*templates, transport),
            Err(reason) => {
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
                self.attempted += issued.len();
                return Ok(report);
            }
        };
        for invitation in issued {
            if let Some(rate) = self.rate {
                let due = self.started + rate.offset(self.attempted);
                // A slow rate may wait longer than the lease lasts: renew it meanwhile.
                while let wait @ 1.. = due.saturating_duration_since(Instant::now()).as_millis() {
                    let slice =
                        Duration::from_millis(wait as u64).min(invitations::SENDER_LEASE / 4);
                    std::thread::sleep(slice);
                    if let Some(sender) = self.sender {
                        invitations::keep_sending(conn, sender, clock())?;
                    }
                }
            }
            let message_id = mail::message::new_message_id(&self.from);
            let build = match self.letter {
                Letter::Invitation => mail::message::invitation,
                Letter::Reminder => mail::message::reminder,
            };
            let letter = self.letter;
            let noted = |text: String| match letter {
                Letter::Invitation => text,
                Letter::Reminder => format!("reminder: {text}"),
            };
            let outcome = build(
                templates,
                &self.config.organization,
                &self.from,
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
            self.unrecorded.push(Attempt {
                invitation_id: invitation.id,
                at: clock(),
                transport: transport.name(),
                message_id: Some(message_id),
                outcome,
            });
            self.attempted += 1;
            if self.unrecorded.len() >= RECORD_EVERY_MESSAGES
                || self.last_record.elapsed() >= RECORD_EVERY
            {
                invitations::record_deliveries(conn, &self.unrecorded)?;
                if let Some(sender) = self.sender {
                    invitations::keep_sending(conn, sender, clock())?;
                }
                self.unrecorded.clear();
                self.last_record = Instant::now();
            }
            on_message();
        }
        Ok(report)
    }

    /// Records what is left and ends the sender's lease.
    pub fn finish(self, conn: &mut Database) -> Result<()> {
        invitations::record_deliveries(conn, &self.unrecorded)?;
        if let Some(sender) = self.sender {
            invitations::stop_sending(conn, sender)?;
        }
        Ok(())
    }
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
/// one clean line; the caller records it ([`crate::domain::resets::record_delivery`]).
pub fn send_reset(
    config: &Config,
    templates: &mail::templates::Templates,
    reset: &crate::domain::resets::IssuedReset,
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

/// Mails each end warning over one connection; for each, the reply or why
/// it failed.
pub fn send_end_warnings(
    config: &Config,
    warnings: &[crate::domain::end_dates::EndWarning],
    env: &dyn Fn(&str) -> Option<String>,
    now: DateTime<Utc>,
) -> Vec<std::result::Result<String, String>> {
    let templates = match mail::templates::Templates::load(&config.mail) {
        Ok(templates) => templates,
        Err(e) => return warnings.iter().map(|_| Err(e.to_string())).collect(),
    };
    let mut transport = match mail::connect(config, env) {
        Ok(transport) => transport,
        Err(e) => {
            return warnings
                .iter()
                .map(|_| Err(summary(&e.to_string())))
                .collect();
        }
    };
    let sender = config.mail.sender();
    warnings
        .iter()
        .map(|warning| {
            let message =
                mail::message::end_warning(&templates, &config.organization, &sender, warning, now)
                    .map_err(|e| summary(&e.to_string()))?;
            transport
                .send(&message)
                .map(|reply| summary(&reply))
                .map_err(|reason| summary(&reason))
        })
        .collect()
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
