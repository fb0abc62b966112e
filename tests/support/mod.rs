//! A temporary working directory with its own database and outbox, and a way
//! to run the built `invitectl` in it the way a user would.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

pub const BIN: &str = env!("CARGO_BIN_EXE_invitectl");

pub struct Env {
    pub dir: tempfile::TempDir,
    vars: Vec<(String, String)>,
    /// The env's own database on the shared cluster, in a PostgreSQL run.
    database: Option<postgres::Database<'static>>,
}

/// The storage engine a test run uses; see [`engine`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// PostgreSQL when `INVITECTL_TEST_ENGINE=postgres` (the second pass of
/// scripts/test.sh), else SQLite.
pub fn engine() -> Engine {
    match std::env::var("INVITECTL_TEST_ENGINE").as_deref() {
        Err(_) | Ok("" | "sqlite") => Engine::Sqlite,
        Ok("postgres") => Engine::Postgres,
        Ok(other) => panic!(
            "INVITECTL_TEST_ENGINE={other:?} is no engine: set it to postgres, or to sqlite or nothing for SQLite"
        ),
    }
}

/// What one run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Run {
        assert_eq!(
            self.code, expected,
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn ok(&self) -> &Run {
        self.code(0)
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Run {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Run {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}:\n{}",
            self.stdout
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }
}

impl Env {
    /// A new directory; with PostgreSQL, also a new empty database on the
    /// shared cluster, which every command run here is given as INVITECTL_DB.
    pub fn new() -> Env {
        let database = match engine() {
            Engine::Sqlite => None,
            Engine::Postgres => Some(postgres::Cluster::shared().new_database()),
        };
        let vars = database
            .iter()
            .map(|database| ("INVITECTL_DB".to_string(), database.url()))
            .collect();
        Env {
            dir: tempfile::tempdir().unwrap(),
            vars,
            database,
        }
    }

    /// An env on SQLite whatever the engine of the run, for a test about the
    /// SQLite file itself (its permissions, locks, where it is created).
    pub fn sqlite() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            vars: Vec::new(),
            database: None,
        }
    }

    /// The env's PostgreSQL database, in a PostgreSQL run.
    pub fn postgres(&self) -> Option<&postgres::Database<'static>> {
        self.database.as_ref()
    }

    /// What `query` prints against the env's database, whichever engine it
    /// is: `a|b` lines, NULL as nothing (sqlite3's list mode, psql's
    /// unaligned tuples). Keep to SQL both engines take; booleans print as
    /// 1/0 on SQLite and t/f on PostgreSQL, times as stored (RFC 3339
    /// text) on SQLite and as timestamptz (`2026-12-01 08:00:00+00`) on
    /// PostgreSQL, so compare those in the query, not as printed.
    #[track_caller]
    pub fn sql(&self, query: &str) -> String {
        match &self.database {
            Some(database) => database.sql(query),
            None => sqlite(&self.path("invitectl.db"), query),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes ./invitectl.toml, which invitectl finds by itself.
    pub fn config(&self, text: &str) -> &Env {
        std::fs::write(self.path("invitectl.toml"), text).unwrap();
        self
    }

    pub fn var(mut self, name: &str, value: &str) -> Env {
        self.vars.push((name.into(), value.into()));
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        self.command_with(BIN, args)
    }

    /// Runs `program` (invitectl, or a shell around it) in the directory.
    pub fn command_with(&self, program: &str, args: &[&str]) -> Command {
        let mut command = Command::new(program);
        command
            .args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg"))
            .envs(self.vars.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null());
        command
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run(self.command(args), None)
    }

    /// Runs with extra environment variables for this run only.
    pub fn run_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut command = self.command(args);
        command.envs(vars.iter().copied());
        run(command, None)
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        run(self.command(args), Some(stdin))
    }

    /// Runs invitectl with the clock moved by `offset` (libfaketime, e.g. "+25h").
    pub fn run_at(&self, offset: &str, args: &[&str], stdin: Option<&str>) -> Run {
        let mut command = self.command(args);
        command.envs(faketime(offset));
        run(command, stdin)
    }

    /// Every delivered message in outbox/, oldest first, decoded.
    pub fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.path("outbox")) else {
            return Vec::new();
        };
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .map(|p| (std::fs::metadata(&p).unwrap().modified().unwrap(), p))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|(_, p)| decode_message(&std::fs::read_to_string(p).unwrap()))
            .collect()
    }

    /// Every accept link mailed to `email`, oldest first.
    pub fn links_for(&self, email: &str) -> Vec<String> {
        self.messages()
            .iter()
            .filter(|m| m.lines().any(|l| l == format!("To: {email}")))
            .filter_map(|m| first_link(m).or_else(|| first_link(&bodies(m))))
            .collect()
    }

    pub fn link_for(&self, email: &str) -> String {
        self.links_for(email)
            .pop()
            .unwrap_or_else(|| panic!("no message to {email}"))
    }

    /// `bytes` as a literal for [`Env::sql`]: a BLOB on SQLite, a BYTEA on PostgreSQL.
    pub fn bytes_literal(&self, bytes: &[u8]) -> String {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        match self.database {
            Some(_) => format!("'\\x{hex}'::bytea"),
            None => format!("X'{hex}'"),
        }
    }

    /// What the database holds, to look for a secret in: the SQLite file
    /// and its WAL files as raw bytes; on PostgreSQL, the env's database as
    /// pg_dump writes its rows (`--data-only`, as text).
    pub fn database_bytes(&self) -> Vec<u8> {
        if let Some(database) = &self.database {
            return database.dump().into_bytes();
        }
        ["invitectl.db", "invitectl.db-wal", "invitectl.db-shm"]
            .iter()
            .filter_map(|name| std::fs::read(self.path(name)).ok())
            .flatten()
            .collect()
    }

    /// Accepts an invitation on the command line as a script would.
    pub fn accept(&self, link: &str, password: &str) -> Run {
        run(
            self.command(&accept_args(link)),
            Some(&format!("{password}\n")),
        )
    }

    /// The same, with the clock moved by `offset`.
    pub fn accept_at(&self, offset: &str, link: &str, password: &str) -> Run {
        self.run_at(offset, &accept_args(link), Some(&format!("{password}\n")))
    }
}

fn accept_args(link: &str) -> [&str; 7] {
    [
        "accept",
        link,
        "--first-name",
        "Ann",
        "--last-name",
        "Lee",
        "--password-stdin",
    ]
}

/// A process a test started, in a process group of its own, so that what it
/// starts in turn (chromium's helpers, a shell's children) goes with it: the
/// whole group is killed when this is dropped, when a test fails too.
pub struct Group {
    pub child: Child,
}

impl Group {
    pub fn spawn(command: &mut Command) -> std::io::Result<Group> {
        let child = command.process_group(0).spawn()?;
        Ok(Group { child })
    }

    /// Sends `signal` to every process in the group.
    pub fn signal(&self, signal: Signal) {
        let _ = killpg(Pid::from_raw(self.child.id() as i32), signal);
    }

    /// SIGTERM to the group; waits for the process the test started.
    pub fn terminate(&mut self) -> ExitStatus {
        self.signal(Signal::SIGTERM);
        self.child.wait().unwrap()
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.signal(Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

pub fn run(mut command: Command, stdin: Option<&str>) -> Run {
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut group = Group::spawn(&mut command).expect("spawn");
    if let Some(text) = stdin {
        // A process that refuses early may not read its input.
        let _ = group.child.stdin.take().unwrap().write_all(text.as_bytes());
    }
    let (mut stdout, mut stderr) = (
        group.child.stdout.take().unwrap(),
        group.child.stderr.take().unwrap(),
    );
    let errors = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let mut out = Vec::new();
    let _ = stdout.read_to_end(&mut out);
    let output = std::process::Output {
        stderr: errors.join().unwrap(),
        stdout: out,
        status: group.child.wait().unwrap(),
    };
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// What the sqlite3 shell prints for `sql` run against `database`: for tests
/// about the SQLite file itself; [`Env::sql`] reads whichever engine is used.
pub fn sqlite(database: &Path, sql: &str) -> String {
    let output = Command::new("sqlite3")
        .arg(database)
        .arg(sql)
        .output()
        .expect("sqlite3: run scripts/setup.sh");
    assert!(
        output.status.success(),
        "sqlite3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A loopback port where nothing listens: a mail server that is down.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The login name of the user running the tests: what invitectl records as
/// the actor, and shows as Invited By when nothing else is set.
pub fn os_user() -> String {
    let output = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// The setting `key` (`{key, value, origin}`) in `config show --format json`.
pub fn setting(shown: &serde_json::Value, key: &str) -> serde_json::Value {
    shown
        .as_array()
        .expect("config show lists its settings")
        .iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {shown}"))
        .clone()
}

/// The environment that moves a process's clock by `offset` ("+25h"):
/// libfaketime preloaded. Not the faketime wrapper, whose semaphores, left
/// in /dev/shm by the processes tests kill, fail a later wrapper that gets
/// the same pid. In CI its absence is a failure, never a skip.
pub fn faketime(offset: &str) -> [(&'static str, String); 2] {
    let library = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("faketime/libfaketime.so.1"))
        .chain([PathBuf::from("/usr/lib/faketime/libfaketime.so.1")])
        .find(|path| path.exists())
        .unwrap_or_else(|| {
            panic!(
                "libfaketime is not installed: run scripts/setup.sh (apt-get install libfaketime)"
            )
        });
    [
        ("LD_PRELOAD", library.display().to_string()),
        ("FAKETIME", offset.to_string()),
    ]
}

/// A self-signed certificate and key for `name` in `dir`, made with openssl.
pub fn self_signed_certificate(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let output = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .arg("-subj")
        .arg(format!("/CN={name}"))
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is missing: run scripts/setup.sh");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (cert, key)
}

/// Every invitation, cancelled ones included, as `list --format json` prints them.
pub fn invitations(env: &Env) -> Vec<serde_json::Value> {
    let listed = env
        .run(&["list", "--status", "all", "--format", "json"])
        .ok()
        .json();
    listed.as_array().unwrap().clone()
}

pub fn first_link(message: &str) -> Option<String> {
    let start = message.find("http")?;
    let rest = &message[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

/// A mail's text and HTML bodies as a person reads them, whatever their
/// transfer encoding.
pub fn bodies(message: &str) -> String {
    use base64::Engine as _;
    let mut out = String::new();
    for part in message.split("Content-Transfer-Encoding: ").skip(1) {
        let (encoding, rest) = part.split_once("\r\n").or(part.split_once('\n')).unwrap();
        let body = rest.trim_start();
        let body = body.split("\n--").next().unwrap_or(body);
        match encoding.trim() {
            "base64" => {
                let joined: String = body.split_whitespace().collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(joined)
                    .unwrap();
                out.push_str(&String::from_utf8(bytes).unwrap());
            }
            _ => out.push_str(body),
        }
        out.push('\n');
    }
    out
}

pub fn token_of(link: &str) -> &str {
    link.split("token=").nth(1).unwrap()
}

/// A message with its quoted-printable parts decoded (base64 ones are left
/// to [`bodies`]), and its line ends as `\n`.
pub fn decode_message(raw: &str) -> String {
    const HEADER: &str = "Content-Transfer-Encoding: ";
    let mut parts = raw.split(HEADER);
    let mut out = parts.next().unwrap_or_default().to_string();
    for part in parts {
        out.push_str(HEADER);
        if part.starts_with("quoted-printable") {
            out.push_str(&decode_quoted_printable(part));
        } else {
            out.push_str(part);
        }
    }
    out.replace("\r\n", "\n")
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(value) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(value);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}
pub mod browser;
pub mod catalogue;
pub mod postgres;
pub mod smtp;
pub mod web;
