//! The PostgreSQL engine, for an organization that runs invitectl on many
//! hosts against one database. The synchronous client runs a small runtime
//! of its own, so it is only ever used, and dropped, off async threads.
//!
//! Writes keep SQLite's one-writer semantics: a write transaction takes one
//! transaction-scoped advisory lock first, as `BEGIN IMMEDIATE` takes
//! SQLite's write lock, so checks made inside it still hold at commit.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_postgres::Config;
use tokio_postgres::Statement;
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::error::SqlState;

use super::pg_client::{Client, ConnectError, Transport};
use super::{MIGRATIONS, SCHEMA_VERSION, Value};
use crate::error::{Error, Result, StorageKind};

/// The advisory lock every write transaction takes ("invi" "wr").
const WRITE_LOCK: i64 = 0x696e_7669_0000_7772;
/// The advisory lock a host takes to migrate ("invi" "mg").
const MIGRATE_LOCK: i64 = 0x696e_7669_0000_6d67;

/// How long a writer waits for the write lock, as SQLite's busy timeout.
const LOCK_TIMEOUT: &str = "30s";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// `[database] url` with where its password comes from when the URL has none.
#[derive(Debug, Clone)]
pub struct PostgresTarget {
    pub url: String,
    pub password_env: Option<String>,
    pub password_file: Option<PathBuf>,
    /// `[database] allow_plaintext_auth`: answer a request for a cleartext
    /// or MD5 password on an unencrypted connection to a host that is not
    /// loopback (refused unless true).
    pub allow_plaintext_auth: bool,
}

impl PostgresTarget {
    /// A URL with nothing else said about it (no password_env, no opt-ins).
    pub fn from_url(url: &str) -> PostgresTarget {
        PostgresTarget {
            url: url.to_string(),
            password_env: None,
            password_file: None,
            allow_plaintext_auth: false,
        }
    }
}

/// One connection, with the statements it has prepared.
pub struct Session {
    client: RefCell<Client>,
    statements: RefCell<HashMap<String, Statement>>,
}

/// The database as it may be shown: rebuilt from the settings parsed out of
/// the URL (user, hosts, ports, database name, the sslmode in effect), never
/// from its text, so no spelling of a password (in the user part, with `?`
/// or `#` in it, as `?password=` or `?pass%77ord=`) can come along.
pub fn redact(url: &str) -> String {
    match url.parse::<Config>() {
        Ok(config) => shown(&config),
        Err(_) => "(a postgres:// URL that does not parse, not shown)".to_string(),
    }
}

/// What [`redact`] shows for a URL whose second `@` put the rest of a password
/// into its host or database name.
const MISPLACED_AT: &str = "(a postgres:// URL with an @ after its user part, not shown: write an @ in the password as %40)";

fn shown(config: &Config) -> String {
    // The user part ends at the first `@`: a password with an `@` in it
    // (not written %40) leaves its tail in the host or the database name.
    let at = |text: &str| text.contains('@');
    if config.get_dbname().is_some_and(at)
        || config.get_hosts().iter().any(|host| match host {
            Host::Tcp(name) => at(name),
            Host::Unix(dir) => at(&dir.to_string_lossy()),
        })
    {
        return MISPLACED_AT.to_string();
    }
    let mut out = String::from("postgres://");
    if let Some(user) = config.get_user() {
        out.push_str(&encode(user));
        out.push('@');
    }
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let name = match host {
                Host::Tcp(name) if name.contains(':') => format!("[{name}]"),
                Host::Tcp(name) => encode(name),
                Host::Unix(dir) => encode(&dir.to_string_lossy()),
            };
            match ports.get(i).or(ports.first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    out.push_str(&hosts.join(","));
    out.push('/');
    if let Some(dbname) = config.get_dbname() {
        out.push_str(&encode(dbname));
    }
    let mut params = Vec::new();
    let addrs: Vec<String> = config
        .get_hostaddrs()
        .iter()
        .map(|a| a.to_string())
        .collect();
    if !addrs.is_empty() {
        params.push(format!("hostaddr={}", addrs.join(",")));
    }
    params.push(format!(
        "sslmode={}",
        ssl_mode_name(effective_ssl_mode(config))
    ));
    out.push('?');
    out.push_str(&params.join("&"));
    out
}

/// Percent-encodes all but the unreserved characters of a URL.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn ssl_mode_name(mode: SslMode) -> &'static str {
    match mode {
        SslMode::Disable => "disable",
        SslMode::Prefer => "prefer",
        SslMode::Require => "require",
        _ => "require",
    }
}

/// Whether every host the connection may reach is on this machine: a unix
/// socket, or a loopback address (or `localhost`); an address given as
/// `hostaddr` is the one that counts.
fn all_local(config: &Config) -> bool {
    let hosts = config.get_hosts();
    let addrs = config.get_hostaddrs();
    (0..hosts.len().max(addrs.len())).all(|i| match (addrs.get(i), hosts.get(i)) {
        (Some(addr), _) => loopback_ip(*addr),
        (None, Some(Host::Unix(_))) => true,
        (None, Some(Host::Tcp(name))) => loopback_name(name),
        (None, None) => true,
    })
}

fn loopback_ip(addr: std::net::IpAddr) -> bool {
    match addr {
        std::net::IpAddr::V4(v4) => v4.is_loopback(),
        std::net::IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

fn loopback_name(name: &str) -> bool {
    let name = name.trim_start_matches('[').trim_end_matches(']');
    match name.parse::<std::net::IpAddr>() {
        Ok(addr) => loopback_ip(addr),
        Err(_) => name.eq_ignore_ascii_case("localhost"),
    }
}

/// The sslmode a connection uses: to a host that is not loopback, TLS is
/// required (and the certificate verified) unless the URL says
/// `sslmode=disable`; `prefer`, which an attacker on the path turns into
/// plaintext by refusing TLS, is taken as `require`.
fn effective_ssl_mode(config: &Config) -> SslMode {
    match config.get_ssl_mode() {
        SslMode::Prefer if !all_local(config) => SslMode::Require,
        mode => mode,
    }
}

/// Whether the URL itself holds a password (in its user part or as `password=`).
pub fn url_has_password(url: &str) -> bool {
    url.parse::<Config>()
        .is_ok_and(|config| config.get_password().is_some())
}

pub fn open(target: &PostgresTarget) -> Result<Session> {
    let session = connect(target)?;
    migrate(&session)?;
    Ok(session)
}

pub fn open_read_only(target: &PostgresTarget) -> Result<Option<Session>> {
    let session = connect(target)?;
    match session.schema_version_if_any()? {
        None => Ok(None),
        Some(version) if version > SCHEMA_VERSION => Err(newer(version)),
        Some(version) if version < SCHEMA_VERSION => {
            // An older schema: bring it up to date once, then read as asked.
            migrate(&session)?;
            Ok(Some(session))
        }
        Some(_) => Ok(Some(session)),
    }
}

/// Where a password may come from, for a message that says none was given.
const PASSWORD_HINT: &str = "give the password with [database] password_env or password_file \
     (INVITECTL_DATABASE_PASSWORD_ENV / _FILE), or PGPASSWORD in the environment; \
     not in a URL on the command line, where every local user sees it";

pub fn connect(target: &PostgresTarget) -> Result<Session> {
    let mut config: Config = target.url.parse().map_err(|_| {
        Error::Config(
            "the database URL (not shown: it may hold a password) is not one PostgreSQL understands; \
             write it like postgres://invitectl@db.example/invitectl?sslmode=require"
                .to_string(),
        )
    })?;
    let shown = shown(&config);
    if config.get_password().is_none()
        && let Some(password) = password(target)?
    {
        config.password(password);
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    config.application_name("invitectl");
    config.options(format!("-c lock_timeout={LOCK_TIMEOUT}"));
    // A unix socket or loopback is local: nothing on the path to protect
    // against. Anywhere else TLS is required unless sslmode=disable says
    // otherwise, and then no cleartext or MD5 password goes out unless the
    // operator allows it.
    let local = all_local(&config);
    let unix_only = config
        .get_hosts()
        .iter()
        .all(|host| matches!(host, Host::Unix(_)))
        && config.get_hostaddrs().is_empty();
    let mode = effective_ssl_mode(&config);
    config.ssl_mode(mode);
    let transport = match mode {
        SslMode::Disable if !local && !target.allow_plaintext_auth => Transport::Guarded,
        SslMode::Disable => Transport::Plain,
        _ if unix_only => Transport::Plain,
        _ => Transport::Tls(tls()?),
    };
    let client = Client::connect(&config, transport).map_err(|e| {
        let (reason, hint) = match &e {
            ConnectError::Refused(method) => (
                format!(
                    "the server asked for the password as {method} over an unencrypted connection \
                     (sslmode=disable) to a host that is not loopback, and it was not sent"
                ),
                "use TLS (leave sslmode out, or sslmode=require), make the server ask for \
                 scram-sha-256, or, on a network you trust, set [database] allow_plaintext_auth = true \
                 (INVITECTL_DATABASE_ALLOW_PLAINTEXT_AUTH=true)"
                    .to_string(),
            ),
            ConnectError::Io(e) => (e.to_string(), connect_hint(None, "", mode)),
            ConnectError::Driver(e) => {
                let reason = describe(e);
                let hint = connect_hint(e.code(), &reason, mode);
                (reason, hint)
            }
        };
        Error::Storage {
            message: format!("cannot connect to the PostgreSQL database {shown}: {reason}; {hint}"),
            kind: StorageKind::Unavailable,
        }
    })?;
    Ok(Session {
        client: RefCell::new(client),
        statements: RefCell::new(HashMap::new()),
    })
}

fn connect_hint(code: Option<&SqlState>, reason: &str, mode: SslMode) -> String {
    match code {
        Some(&SqlState::INVALID_PASSWORD | &SqlState::INVALID_AUTHORIZATION_SPECIFICATION) => {
            "check the user and password ([database] url, password_env or password_file)".into()
        }
        Some(&SqlState::INVALID_CATALOG_NAME) => {
            "create the database first (see README, Many hosts) or fix the name in [database] url"
                .into()
        }
        _ if reason.contains("password missing") => {
            format!("the server asks for a password and none was given: {PASSWORD_HINT}")
        }
        _ if reason.contains("server does not support TLS") => format!(
            "the server offers no TLS, which invitectl requires (sslmode={}) for a host that is not \
             loopback; enable ssl on the server, or on a network you trust add sslmode=disable to the URL",
            ssl_mode_name(mode)
        ),
        _ if reason.contains("TLS") || reason.contains("certificate") => {
            "the server's certificate must be signed by a root this host trusts (add your CA to \
             the system's roots, or SSL_CERT_FILE), or use sslmode=disable on a trusted network"
                .into()
        }
        _ => "check [database] url and that the server is running and reachable".into(),
    }
}

fn password(target: &PostgresTarget) -> Result<Option<String>> {
    if let Some(variable) = &target.password_env {
        return match std::env::var(variable) {
            Ok(password) => Ok(Some(password)),
            Err(_) => Err(Error::Config(format!(
                "database.password_env names {variable}, which is not set; export it with the database password"
            ))),
        };
    }
    if let Some(file) = &target.password_file {
        return match std::fs::read_to_string(file) {
            Ok(text) => Ok(Some(text.trim_end_matches(['\r', '\n']).to_string())),
            Err(e) => Err(Error::Config(format!(
                "database.password_file {} cannot be read: {e}; check the path and its permissions",
                file.display()
            ))),
        };
    }
    Ok(None)
}

/// TLS for `sslmode=require` (and `prefer`, which is `require` for any host
/// that is not loopback): the server's certificate is checked against the
/// system's roots and its name, so an internal CA works.
fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(certificate);
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| Error::Other(anyhow::anyhow!("cannot set up TLS: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Our SQL, written once, in PostgreSQL's words: `?N` parameters become
/// `$N`, and SQLite's `group_concat` is `string_agg`.
fn dialect(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '?' if chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            _ => out.push(c),
        }
    }
    out.replace("group_concat(", "string_agg(")
}

impl Session {
    fn statement(&self, sql: &str) -> Result<Statement> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.borrow_mut().prepare(&dialect(sql))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    pub fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<usize> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn ::postgres::types::ToSql + Sync)> =
            params.iter().map(|p| p as _).collect();
        Ok(self.client.borrow_mut().execute(&statement, &params)? as usize)
    }

    pub fn query(&self, sql: &str, params: &[Value<'_>]) -> Result<Vec<::postgres::Row>> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn ::postgres::types::ToSql + Sync)> =
            params.iter().map(|p| p as _).collect();
        Ok(self.client.borrow_mut().query(&statement, &params)?)
    }

    /// What the server takes each parameter of `sql` to be.
    pub fn parameter_types(&self, sql: &str) -> Result<Vec<::postgres::types::Type>> {
        Ok(self.statement(sql)?.params().to_vec())
    }

    pub fn batch(&self, sql: &str) -> Result<()> {
        Ok(self.client.borrow_mut().batch_execute(sql)?)
    }

    pub fn begin_write(&self) -> Result<()> {
        let begun = self.batch(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
        ));
        if begun.is_err() {
            // The lock timed out: leave no failed transaction open behind.
            let _ = self.batch("ROLLBACK");
        }
        begun
    }

    pub fn clock(&self) -> Result<DateTime<Utc>> {
        let rows = self.query("SELECT clock_timestamp()", &[])?;
        Ok(rows[0].try_get(0)?)
    }

    pub fn is_closed(&self) -> bool {
        self.client.borrow().is_closed()
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.schema_version_if_any()?.unwrap_or(0))
    }

    /// `None` when invitectl has never written to this database; refuses
    /// one that holds another program's tables and not ours. (One
    /// statement, so one snapshot: another host may be migrating meanwhile.)
    fn schema_version_if_any(&self) -> Result<Option<i64>> {
        let row = &self.query(
            "SELECT to_regclass('invitectl_schema') IS NOT NULL,
                    EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema())",
            &[],
        )?[0];
        let (ours, any_tables): (bool, bool) = (row.try_get(0)?, row.try_get(1)?);
        if !ours {
            return match any_tables {
                false => Ok(None),
                true => Err(Error::Other(anyhow::anyhow!(
                    "this PostgreSQL database is not an invitectl database (it holds another program's tables); \
                     nothing was changed in it: point [database] url at a database of invitectl's own"
                ))),
            };
        }
        let rows = self.query("SELECT max(version) FROM invitectl_schema", &[])?;
        Ok(rows[0].try_get::<_, Option<i64>>(0)?)
    }
}

fn newer(version: i64) -> Error {
    Error::Config(format!(
        "the database was written by a newer invitectl (schema {version}, this one knows {SCHEMA_VERSION}); \
         upgrade invitectl on this host"
    ))
}

/// The first host to get here migrates, in one transaction; the others wait
/// on the lock and then find the schema current.
fn migrate(session: &Session) -> Result<()> {
    match session.schema_version_if_any()? {
        Some(SCHEMA_VERSION) => return Ok(()),
        Some(version) if version > SCHEMA_VERSION => return Err(newer(version)),
        _ => {}
    }
    session.batch(&format!(
        "BEGIN; SELECT pg_advisory_xact_lock({MIGRATE_LOCK})"
    ))?;
    let result = (|| {
        let version = match session.schema_version_if_any()? {
            Some(version) => version,
            None => {
                session.batch("CREATE TABLE invitectl_schema (version BIGINT NOT NULL)")?;
                0
            }
        };
        if version > SCHEMA_VERSION {
            return Err(newer(version));
        }
        for migration in MIGRATIONS.iter().skip(version as usize) {
            session.batch(migration.postgres)?;
        }
        session.batch(&format!(
            "DELETE FROM invitectl_schema; INSERT INTO invitectl_schema (version) VALUES ({SCHEMA_VERSION})"
        ))?;
        session.batch("COMMIT")
    })();
    if result.is_err() {
        let _ = session.batch("ROLLBACK");
    }
    result
}

impl From<::postgres::Error> for Error {
    fn from(error: ::postgres::Error) -> Error {
        let kind = match error.code() {
            _ if error.is_closed() => StorageKind::Unavailable,
            Some(code) if code.code().starts_with("08") || code.code().starts_with("57P") => {
                StorageKind::Unavailable
            }
            Some(&SqlState::LOCK_NOT_AVAILABLE) => StorageKind::Busy,
            Some(&SqlState::READ_ONLY_SQL_TRANSACTION | &SqlState::INSUFFICIENT_PRIVILEGE) => {
                StorageKind::ReadOnly
            }
            Some(_) => StorageKind::Other,
            // No code: the connection itself failed (refused, reset, timed out).
            None => StorageKind::Unavailable,
        };
        Error::Storage {
            message: describe(&error),
            kind,
        }
    }
}

/// The server's own words, or the client's error with its causes
/// ("error performing TLS handshake: invalid peer certificate: UnknownIssuer").
fn describe(error: &::postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        source = cause.source();
    }
    text
}

/// A new, empty database of its own on the test cluster.
#[cfg(test)]
pub fn target_for_tests() -> PostgresTarget {
    let admin = std::env::var("INVITECTL_TEST_POSTGRES")
        .expect("INVITECTL_TEST_POSTGRES names the test cluster: run scripts/test.sh");
    let name = format!("unit_{:016x}", rand::random::<u64>());
    let mut client = ::postgres::Client::connect(&admin, ::postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("CREATE DATABASE {name} OWNER invitectl"))
        .unwrap();
    let (base, query) = admin.split_once('?').unwrap_or((&admin, ""));
    let base = base.rsplit_once('/').unwrap().0;
    PostgresTarget::from_url(&format!("{base}/{name}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_shown_from_its_settings_never_from_its_text() {
        for (url, expected) in [
            (
                "postgres://invitectl:s3cret@db.example:5432/app?sslmode=require&password=x",
                "postgres://invitectl@db.example:5432/app?sslmode=require",
            ),
            // `?` and `#` in the password: everything up to the first `@` is credentials.
            (
                "postgres://inv:pa?ss#w0rd@db.example/app",
                "postgres://inv@db.example:5432/app?sslmode=require",
            ),
            (
                "postgres://inv@db.example/app?pass%77ord=s3cret&sslmode=disable",
                "postgres://inv@db.example:5432/app?sslmode=disable",
            ),
            (
                "postgres://inv@127.0.0.1:5433,[::1]/app?password=s3cret",
                "postgres://inv@127.0.0.1:5433,[::1]:5432/app?sslmode=prefer",
            ),
            (
                "postgresql://postgres@/postgres?host=/tmp/pg%20dir&port=5499",
                "postgres://postgres@%2Ftmp%2Fpg%20dir:5499/postgres?sslmode=prefer",
            ),
            (
                "postgres://db.example/app",
                "postgres://db.example:5432/app?sslmode=require",
            ),
        ] {
            assert_eq!(redact(url), expected, "{url}");
            assert!(!redact(url).contains("s3cret") && !redact(url).contains("w0rd"));
        }
        for url in [
            "postgres://inv:s3c@ret@db.example/app",
            "postgres://inv:s3c@r/et@db.example/app",
        ] {
            assert_eq!(redact(url), MISPLACED_AT);
        }
        assert_eq!(
            redact("postgres://inv:s3cret@db.example/app?no_such_option=1"),
            "(a postgres:// URL that does not parse, not shown)"
        );
    }

    #[test]
    fn tls_is_required_for_any_host_that_is_not_loopback() {
        let mode = |url: &str| ssl_mode_name(effective_ssl_mode(&url.parse().unwrap()));
        assert_eq!(mode("postgres://db.example/app"), "require");
        assert_eq!(mode("postgres://10.0.0.5/app?sslmode=prefer"), "require");
        assert_eq!(mode("postgres://db.example/app?sslmode=disable"), "disable");
        assert_eq!(mode("postgres://localhost,127.0.0.2/app"), "prefer");
        assert_eq!(mode("postgres://[::1]/app"), "prefer");
        assert_eq!(mode("postgres://localhost,db.example/app"), "require");
        // hostaddr is where the connection goes.
        assert_eq!(
            mode("postgres://localhost/app?hostaddr=10.0.0.5"),
            "require"
        );
        assert_eq!(
            mode("postgres://db.example/app?hostaddr=127.0.0.1"),
            "prefer"
        );
        assert_eq!(mode("postgres:///app?host=/run/postgresql"), "prefer");
    }

    #[test]
    fn statements_are_written_once_for_both_engines() {
        assert_eq!(
            dialect("SELECT group_concat(name, ',') FROM t WHERE a = ?1 AND b = ?12 AND c = '?'"),
            "SELECT string_agg(name, ',') FROM t WHERE a = $1 AND b = $12 AND c = '?'"
        );
    }
}
