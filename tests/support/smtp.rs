//! A real SMTP server (aiosmtpd, tests/smtp_server.py) on 127.0.0.1, stopped on Drop.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::Group;

#[derive(Default)]
pub struct Options {
    pub starttls: bool,
    pub implicit_tls: bool,
    /// (user, password): AUTH is then required.
    pub user: Option<(&'static str, &'static str)>,
    /// (recipient, reply) for RCPT, like ("bob@x", "550 5.1.1 no such user").
    pub replies: Vec<(&'static str, &'static str)>,
    /// Recipients whose DATA makes the server drop the connection.
    pub drop: Vec<&'static str>,
    /// Keep no copies (for benchmarks).
    pub discard: bool,
    /// Announce PIPELINING.
    pub pipelining: bool,
    /// Refuse AUTH with a reply that quotes the credentials.
    pub echo_auth: bool,
}

pub struct SmtpServer {
    _process: Group,
    pub port: u16,
    pub maildir: PathBuf,
    _dir: tempfile::TempDir,
}

/// The python that has aiosmtpd; in CI its absence fails, never skips.
fn python() -> String {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "{python} cannot import aiosmtpd: run scripts/setup.sh (pip install aiosmtpd)"
    );
    python
}

impl SmtpServer {
    pub fn start(options: Options) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        std::fs::create_dir(&maildir).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py");
        let mut command = Command::new(python());
        command.arg(script);
        if !options.discard {
            command.arg("--maildir").arg(&maildir);
        }
        if options.starttls || options.implicit_tls {
            let (cert, key) = super::self_signed_certificate(dir.path(), "smtp.test");
            command.arg("--cert").arg(cert).arg("--key").arg(key);
        }
        if options.implicit_tls {
            command.arg("--implicit-tls");
        }
        if let Some((user, password)) = options.user {
            command.arg("--user").arg(format!("{user}:{password}"));
        }
        for (address, reply) in &options.replies {
            command.arg("--reply").arg(format!("{address}={reply}"));
        }
        if options.pipelining {
            command.arg("--pipelining");
        }
        if options.echo_auth {
            command.arg("--echo-auth");
        }
        for address in &options.drop {
            command.arg("--drop").arg(address);
        }
        let mut process = Group::spawn(command.stdout(Stdio::piped()).stderr(Stdio::null()))
            .expect("start the SMTP server");
        let mut line = String::new();
        BufReader::new(process.child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("the SMTP server did not start: {line:?}"));
        SmtpServer {
            _process: process,
            port,
            maildir,
            _dir: dir,
        }
    }

    /// Every message the server accepted, in order, decoded.
    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.maildir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| super::decode_message(&std::fs::read_to_string(p).unwrap()))
            .collect()
    }

    /// The To address of every message the server accepted, in order.
    pub fn recipients(&self) -> Vec<String> {
        self.messages()
            .iter()
            .filter_map(|m| {
                m.lines()
                    .find_map(|l| l.strip_prefix("To: ").map(str::to_string))
            })
            .collect()
    }

    /// The [mail]/[smtp] config that points invitectl at this server.
    pub fn config(&self, extra: &str) -> String {
        format!(
            "[mail]\nfrom = \"Acme IT <it@acme.example>\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\ntimeout = \"5s\"\n{extra}\n",
            self.port
        )
    }
}
