//! Each language's invitation, as sent over SMTP, through SpamAssassin's own
//! rules (Debian's, local tests only: no network lookups): an invitation a
//! filter takes for spam is a dead end of its own.

use crate::support;

use std::io::Write;
use std::process::{Command, Stdio};

use support::Env;
use support::catalogue::LANGS;
use support::smtp::{Options, SmtpServer};

/// The most a plain invitation may score (SpamAssassin calls 5.0 spam).
const MOST: f64 = 1.0;

/// SpamAssassin's score for each message of `mbox`, with its report.
fn spamassassin(mbox: &[u8]) -> Vec<(f64, String)> {
    let mut child = Command::new("spamassassin")
        .args(["--local", "--test-mode", "--mbox"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spamassassin is missing: run scripts/setup.sh (Debian package spamassassin)");
    child.stdin.take().unwrap().write_all(mbox).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "spamassassin failed");
    let output = String::from_utf8_lossy(&output.stdout);
    output
        .split("X-Spam-Status: ")
        .skip(1)
        .map(|message| {
            let score = message
                .split_once("score=")
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .and_then(|score| score.parse().ok())
                .unwrap_or_else(|| panic!("no score in:\n{message}"));
            (score, message.to_string())
        })
        .collect()
}

#[test]
fn every_languages_invitation_scores_under_one() {
    let server = SmtpServer::start(Options::default());
    let env = Env::new();
    env.config(&format!(
        "[organization]\nname = \"Acme Corp\"\nadmin = \"Ida Admin\"\nbase_url = \"https://invite.acme.example\"\n{}",
        server.config("security = \"none\"")
    ));
    for lang in LANGS {
        env.run(&[
            "invite",
            &format!("{lang}@acme.example"),
            "--role",
            "editor",
            "--lang",
            lang,
        ])
        .ok();
    }
    // The messages as the server received them, one mbox.
    let mut mbox = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&server.maildir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), LANGS.len());
    for file in files {
        let message = std::fs::read_to_string(file).unwrap().replace("\r\n", "\n");
        mbox.extend_from_slice(b"From it@acme.example Fri Dec  4 10:00:00 2026\n");
        for line in message.lines() {
            if line.starts_with("From ") {
                mbox.push(b'>');
            }
            mbox.extend_from_slice(line.as_bytes());
            mbox.push(b'\n');
        }
        mbox.push(b'\n');
    }
    let scored = spamassassin(&mbox);
    assert_eq!(scored.len(), LANGS.len());
    for (score, report) in &scored {
        let to = report
            .lines()
            .find_map(|line| line.strip_prefix("To: "))
            .unwrap_or("?");
        eprintln!("spamassassin: {to}: {score}");
        assert!(
            *score < MOST,
            "the invitation to {to} scores {score}:\n{report}"
        );
    }
}
