//! PostgreSQL for the tests, made by scripts/postgres-cluster.sh: the cluster
//! scripts/test.sh starts for the whole run ([`Cluster::shared`]), or a
//! private one for a test that stops and restarts it ([`Cluster::start`]).
//! Each test gets a database of its own ([`Cluster::fresh_database`]).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// Set by scripts/test.sh to the admin URL of the shared cluster, as
/// `scripts/postgres-cluster.sh start` printed it.
pub const SHARED_VAR: &str = "INVITECTL_TEST_POSTGRES";

/// The login role that owns the tests' databases, and its password: the
/// same as in scripts/postgres-cluster.sh.
pub const ROLE: &str = "invitectl";
pub const PASSWORD: &str = "invitectl-test";

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/postgres-cluster.sh");

/// A running PostgreSQL: its unix socket and files in `dir`, TCP on
/// 127.0.0.1:`port`.
pub struct Cluster {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
    /// Started by this test, stopped and removed on drop.
    private: bool,
}

impl Cluster {
    /// The cluster that scripts/test.sh started for the whole run.
    pub fn shared() -> &'static Cluster {
        static SHARED: OnceLock<Cluster> = OnceLock::new();
        SHARED.get_or_init(|| {
            let url = std::env::var(SHARED_VAR).unwrap_or_else(|_| {
                panic!(
                    "{SHARED_VAR} is not set: run the tests with scripts/test.sh, which starts PostgreSQL"
                )
            });
            Cluster::from_admin_url(&url, false)
        })
    }

    /// A cluster of this test's own, in a new directory on a new port;
    /// stopped and removed when dropped.
    pub fn start() -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("invitectl-pg.")
            .tempdir()
            .unwrap()
            .keep();
        let output = script("start", &dir);
        let url = String::from_utf8(output.stdout).unwrap();
        Cluster::from_admin_url(url.trim(), true)
    }

    /// `postgresql://postgres@/postgres?host=DIR&port=PORT`, as the script prints it.
    fn from_admin_url(url: &str, private: bool) -> Cluster {
        let query = url
            .split_once('?')
            .unwrap_or_else(|| {
                panic!("{url:?} is not an admin URL from scripts/postgres-cluster.sh")
            })
            .1;
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                .unwrap_or_else(|| panic!("{url:?} has no {name}="))
        };
        let dir = PathBuf::from(param("host"));
        let port = param("port").parse().unwrap();
        let bin = std::fs::read_to_string(dir.join("bindir")).unwrap_or_else(|e| {
            panic!("{}/bindir: {e}: is the cluster still there?", dir.display())
        });
        Cluster {
            dir,
            port,
            bin: PathBuf::from(bin.trim()),
            private,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Where the socket, the data directory (data/) and the log (postgres.log) are.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The superuser over the unix socket, no password: for psql, not for invitectl.
    pub fn admin_url(&self) -> String {
        format!(
            "postgresql://postgres@/postgres?host={}&port={}",
            self.dir.display(),
            self.port
        )
    }

    /// Stops the server as for maintenance (`pg_ctl stop -m fast`): clients
    /// are disconnected, nothing committed is lost. Private clusters only.
    pub fn stop(&self) {
        self.own("stop");
        script("down", &self.dir);
    }

    /// Kills the server as a crash would (`pg_ctl stop -m immediate`). With
    /// synchronous_commit off, the last fraction of a second of commits may
    /// be lost, as on a real server so configured. Private clusters only.
    pub fn crash(&self) {
        self.own("crash");
        script("crash", &self.dir);
    }

    /// Starts a stopped cluster again: the same directory, data and port.
    pub fn start_again(&self) {
        self.own("start again");
        script("up", &self.dir);
    }

    /// An outage of a moment: stop, then start again on the same port.
    pub fn restart(&self) {
        self.stop();
        self.start_again();
    }

    fn own(&self, what: &str) {
        assert!(
            self.private,
            "the shared cluster is every test's: {what} a Cluster::start() of this test's own"
        );
    }

    /// A new empty database owned by role invitectl; its URL for invitectl,
    /// with the password: `postgres://invitectl:PASSWORD@127.0.0.1:PORT/NAME`.
    /// It lasts as long as the cluster does.
    pub fn fresh_database(&self) -> String {
        let database = self.new_database();
        let url = database.url();
        std::mem::forget(database);
        url
    }

    /// The same without the password in the URL (give it as [`PASSWORD`],
    /// through `[database] password_env` or `password_file`).
    pub fn fresh_database_without_password(&self) -> String {
        let database = self.new_database();
        let url = database.url_without_password();
        std::mem::forget(database);
        url
    }

    /// A new empty database that is dropped with this value.
    pub fn new_database(&self) -> Database<'_> {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        static RUN: OnceLock<u128> = OnceLock::new();
        let run = RUN.get_or_init(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_micros()
                % 1_000_000_000
        });
        let name = format!(
            "test_{}_{}_{}",
            std::process::id(),
            run,
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        // FILE_COPY copies template0's few files: about 5 ms in the server,
        // against 40 ms for the default WAL_LOG (which writes it all to the WAL).
        self.psql(
            "postgres",
            &format!("CREATE DATABASE {name} OWNER {ROLE} TEMPLATE template0 STRATEGY FILE_COPY"),
        );
        Database {
            cluster: self,
            name,
        }
    }

    /// What psql prints for `sql`, rows as `a|b` lines, NULL as nothing,
    /// like the sqlite3 shell's list mode (but booleans are t/f, and
    /// timestamptz looks like `2026-12-01 08:00:00+00`). Every statement's
    /// rows are printed, not only the last one's. `url_or_db` is a URL, or a
    /// database name to reach as the superuser over the socket.
    #[track_caller]
    pub fn psql(&self, url_or_db: &str, sql: &str) -> String {
        self.try_psql(url_or_db, sql)
            .unwrap_or_else(|error| panic!("psql failed on {sql:?}: {error}"))
    }

    /// The same, with psql's error message if it fails (it cannot connect, say).
    pub fn try_psql(&self, url_or_db: &str, sql: &str) -> Result<String, String> {
        let mut command = self.client("psql");
        command.args(["-X", "-q", "-A", "-t", "-F|", "-v", "ON_ERROR_STOP=1", "-w"]);
        self.connect(&mut command, url_or_db);
        command.args(["-f", "-"]);
        let output = with_stdin(command, sql);
        if output.status.success() {
            Ok(String::from_utf8(output.stdout).unwrap())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    }

    /// The rows of every table in `db` as SQL text (`pg_dump --data-only`).
    pub fn dump(&self, db: &str) -> String {
        let mut command = self.client("pg_dump");
        command.args(["--data-only", "-w"]);
        self.connect(&mut command, db);
        let output = command.stdin(Stdio::null()).output().unwrap();
        assert!(
            output.status.success(),
            "pg_dump {db}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    fn connect(&self, command: &mut Command, url_or_db: &str) {
        if url_or_db.contains("://") {
            command.args(["-d", url_or_db]);
        } else {
            command.arg("-h").arg(&self.dir).args([
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                url_or_db,
            ]);
        }
    }

    /// A client program of the cluster's own version, with nothing from the
    /// caller's environment (PGPASSWORD, ~/.pgpass, PGHOST…) that could let
    /// it in or send it elsewhere.
    fn client(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin.join(program));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            // A file that is never there (/dev/null draws a warning).
            .env("PGPASSFILE", self.dir.join("no.pgpass"))
            .env("PGTZ", "UTC")
            .env("PGCONNECT_TIMEOUT", "10");
        command
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.private {
            let output = Command::new("bash")
                .arg(SCRIPT)
                .arg("stop")
                .arg(&self.dir)
                .stdin(Stdio::null())
                .output();
            if let Ok(output) = output
                && !output.status.success()
            {
                eprintln!("{}", String::from_utf8_lossy(&output.stderr));
            }
        }
    }
}

/// One test's database; dropped (with whoever is still connected) when
/// this is.
pub struct Database<'a> {
    cluster: &'a Cluster,
    pub name: String,
}

impl Database<'_> {
    /// `postgres://invitectl:PASSWORD@127.0.0.1:PORT/NAME`: TCP, password auth.
    pub fn url(&self) -> String {
        format!(
            "postgres://{ROLE}:{PASSWORD}@127.0.0.1:{}/{}",
            self.cluster.port, self.name
        )
    }

    /// `postgres://invitectl@127.0.0.1:PORT/NAME`: the password ([`PASSWORD`]) given apart.
    pub fn url_without_password(&self) -> String {
        format!(
            "postgres://{ROLE}@127.0.0.1:{}/{}",
            self.cluster.port, self.name
        )
    }

    /// Runs `sql` as invitectl connects: role invitectl, over TCP, with the password.
    #[track_caller]
    pub fn sql(&self, sql: &str) -> String {
        self.cluster.psql(&self.url(), sql)
    }

    pub fn dump(&self) -> String {
        self.cluster.dump(&self.name)
    }
}

impl Drop for Database<'_> {
    fn drop(&mut self) {
        let _ = self.cluster.try_psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

fn script(command: &str, dir: &Path) -> Output {
    let output = Command::new("bash")
        .arg(SCRIPT)
        .arg(command)
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{SCRIPT}: {e}"));
    assert!(
        output.status.success(),
        "scripts/postgres-cluster.sh {command} {}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr).trim()
    );
    output
}

fn with_stdin(mut command: Command, input: &str) -> Output {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    // Written from a thread: psql may print before it has read it all.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}
