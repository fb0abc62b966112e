//! Sending invitations and recording what happened to each one.

pub mod message;
pub mod smtp;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use lettre::Message;
use rusqlite::Connection;

use crate::config::{Config, TransportKind};
use crate::error::{Error, Result};
use crate::invitations::{self, Attempt, Issued, Sender};

/// Where messages go. `send` hands over one message and returns what the far
/// end said (a server reply, a file name); an error is one sentence.
pub trait Transport {
    fn name(&self) -> &'static str;
    fn send(&mut self, message: &Message) -> std::result::Result<String, String>;
}

/// Writes one `.eml` per message into a directory that only its owner can
/// read: each file holds a live link.
pub struct FileTransport {
    dir: PathBuf,
}

impl FileTransport {
    pub fn new(dir: &Path) -> Result<FileTransport> {
        let problem = |e: std::io::Error| {
            Error::Config(format!(
                "cannot create the mail directory {}: {e}; check [mail] file_dir",
                dir.display()
            ))
        };
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(problem)?;
        // Also an outbox made by an older version, or under another umask.
        #[cfg(unix)]
        std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .map_err(problem)?;
        Ok(FileTransport {
            dir: dir.to_path_buf(),
        })
    }

    /// Writes under a temporary name and renames it, so a full disk or a
    /// crash never leaves a partial message that looks delivered.
    fn write(&self, message: &Message) -> std::io::Result<PathBuf> {
        let name = format!("{:032x}", rand::random::<u128>());
        let partial = self.dir.join(format!(".{name}.partial"));
        let path = self.dir.join(format!("{name}.eml"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options
            .open(&partial)
            .and_then(|mut file| file.write_all(&message.formatted()));
        match written.and_then(|()| std::fs::rename(&partial, &path)) {
            Ok(()) => Ok(path),
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                Err(e)
            }
        }
    }
}

impl Transport for FileTransport {
    fn name(&self) -> &'static str {
        "file"
    }

    fn send(&mut self, message: &Message) -> std::result::Result<String, String> {
        self.write(message)
            .map(|path| format!("written to {}", path.display()))
            .map_err(|e| format!("could not write to {}: {e}", self.dir.display()))
    }
}

/// Checks the mail settings without connecting, so a wrong one stops a
/// command before it writes anything.
pub fn check(config: &Config) -> Result<()> {
    if config.mail.transport == TransportKind::Smtp {
        smtp::Settings::from_config(config, &|name| std::env::var(name).ok())?;
    }
    Ok(())
}

/// Hands each message to the local `sendmail` program.
pub struct SendmailTransport(lettre::SendmailTransport);

impl Transport for SendmailTransport {
    fn name(&self) -> &'static str {
        "sendmail"
    }

    fn send(&mut self, message: &Message) -> std::result::Result<String, String> {
        use lettre::Transport as _;
        self.0
            .send(message)
            .map(|()| "accepted by sendmail".to_string())
            .map_err(|e| format!("sendmail failed: {e}"))
    }
}

/// Opens the configured transport; for SMTP this connects to the server, so a
/// wrong setting is reported before anything is sent.
pub fn connect(config: &Config) -> Result<Box<dyn Transport>> {
    match config.mail.transport {
        TransportKind::File => Ok(Box::new(FileTransport::new(&config.mail.file_dir)?)),
        TransportKind::Sendmail => Ok(Box::new(
            SendmailTransport(lettre::SendmailTransport::new()),
        )),
        TransportKind::Smtp => {
            let settings = smtp::Settings::from_config(config, &|name| std::env::var(name).ok())?;
            Ok(Box::new(smtp::SmtpTransport::connect(
                settings,
                &mut |_| {},
            )?))
        }
    }
}

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

/// How a batch goes out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pacing {
    pub rate: Option<Rate>,
    /// Show a progress bar on stderr (only when it is a terminal).
    pub progress: bool,
}

/// Attempts are written in small batches: one transaction per message would
/// cost more than sending it. A crash loses at most one batch of records; those
/// invitations stay visibly queued and `resend --failed` sends them again.
const RECORD_EVERY_MESSAGES: usize = 100;
const RECORD_EVERY: Duration = Duration::from_millis(250);

/// Sends one message per invitation, recording the attempts as it goes, so
/// that a crash leaves the rest visibly queued for `resend --failed`.
/// A transport that cannot start marks every invitation failed. The
/// `sender`'s lease is renewed while this runs and ended when it is done.
pub fn deliver(
    conn: &mut Connection,
    config: &Config,
    issued: &[Issued],
    clock: &dyn Fn() -> DateTime<Utc>,
    pacing: Pacing,
    sender: Option<Sender>,
) -> Result<Report> {
    let report = deliver_all(conn, config, issued, clock, pacing, sender)?;
    if let Some(sender) = sender {
        invitations::stop_sending(conn, sender)?;
    }
    Ok(report)
}

fn deliver_all(
    conn: &mut Connection,
    config: &Config,
    issued: &[Issued],
    clock: &dyn Fn() -> DateTime<Utc>,
    pacing: Pacing,
    sender: Option<Sender>,
) -> Result<Report> {
    let keep_sending = |conn: &Connection| match sender {
        Some(sender) => invitations::keep_sending(conn, sender, clock()),
        None => Ok(()),
    };
    let bar = if pacing.progress && issued.len() > 1 {
        ProgressBar::new(issued.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} messages, {per_sec}, {eta} left")
            .expect("static template"),
    );
    let mut report = Report {
        destination: match config.mail.transport {
            TransportKind::File => format!("{}/", config.mail.file_dir.display()),
            TransportKind::Smtp => format!(
                "SMTP server {}",
                config.smtp.host.clone().unwrap_or_default()
            ),
            TransportKind::Sendmail => "sendmail".into(),
        },
        ..Report::default()
    };
    if issued.is_empty() {
        return Ok(report);
    }
    let mut transport = match connect(config) {
        Ok(transport) => transport,
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
    let sender = config.mail.sender();
    let started = Instant::now();
    let mut unrecorded: Vec<Attempt> = Vec::new();
    let mut last_record = Instant::now();
    for (index, invitation) in issued.iter().enumerate() {
        if let Some(rate) = pacing.rate {
            let due = started + rate.offset(index);
            // A slow rate may wait longer than the lease lasts: renew it meanwhile.
            while let wait @ 1.. = due.saturating_duration_since(Instant::now()).as_millis() {
                let slice = Duration::from_millis(wait as u64).min(invitations::SENDER_LEASE / 4);
                std::thread::sleep(slice);
                keep_sending(conn)?;
            }
        }
        let message_id = message::new_message_id(&sender);
        let outcome = message::invitation(
            &config.organization,
            &sender,
            invitation,
            &message_id,
            clock(),
        )
        .map_err(|e| e.to_string())
        .and_then(|message| transport.send(&message))
        .map(|reply| summary(&reply))
        .map_err(|reason| summary(&reason));
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
        bar.inc(1);
    }
    invitations::record_deliveries(conn, &unrecorded)?;
    bar.finish_and_clear();
    Ok(report)
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
