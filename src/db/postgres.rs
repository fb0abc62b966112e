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

use ::postgres::config::SslMode;
use ::postgres::error::SqlState;
use ::postgres::{Client, Statement};
use chrono::{DateTime, Utc};

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
}

/// One connection, with the statements it has prepared.
pub struct Session {
    client: RefCell<Client>,
    statements: RefCell<HashMap<String, Statement>>,
}

/// The URL as it may be shown: without a password in its user part or its
/// query (`password=`).
pub fn redact(url: &str) -> String {
    let (head, query) = url.split_once('?').unwrap_or((url, ""));
    let head = match head.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((user, host)) => {
                let user = user.split_once(':').map_or(user, |(name, _)| name);
                format!("{scheme}://{user}@{host}")
            }
            None => head.to_string(),
        },
        None => head.to_string(),
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("password="))
        .collect();
    if kept.is_empty() {
        head
    } else {
        format!("{head}?{}", kept.join("&"))
    }
}

/// Whether the URL itself holds a password (in its user part or as `password=`).
pub fn url_has_password(url: &str) -> bool {
    url.parse::<::postgres::Config>()
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

pub fn connect(target: &PostgresTarget) -> Result<Session> {
    let shown = redact(&target.url);
    let mut config: ::postgres::Config = target.url.parse().map_err(|_| {
        Error::Config(format!(
            "the database URL {shown} is not one PostgreSQL understands; \
             write it like postgres://invitectl@db.example/invitectl?sslmode=require"
        ))
    })?;
    if config.get_password().is_none()
        && let Some(password) = password(target)?
    {
        config.password(password);
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    config.application_name("invitectl");
    config.options(&format!("-c lock_timeout={LOCK_TIMEOUT}"));
    // A unix socket is local: there is nothing for TLS to protect.
    let local = config
        .get_hosts()
        .iter()
        .all(|host| matches!(host, ::postgres::config::Host::Unix(_)));
    let client = match config.get_ssl_mode() {
        SslMode::Disable => config.connect(::postgres::NoTls),
        _ if local => config.connect(::postgres::NoTls),
        _ => config.connect(tls()?),
    }
    .map_err(|e| {
        let reason = describe(&e);
        let hint = match e.code() {
            Some(&SqlState::INVALID_PASSWORD | &SqlState::INVALID_AUTHORIZATION_SPECIFICATION) => {
                "check the user and password ([database] url, password_env or password_file)"
            }
            Some(&SqlState::INVALID_CATALOG_NAME) => {
                "create the database first (see README, Many hosts) or fix the name in [database] url"
            }
            _ if reason.contains("TLS") || reason.contains("certificate") => {
                "the server's certificate must be signed by a root this host trusts (add your CA to \
                 the system's roots, or SSL_CERT_FILE), or use sslmode=disable on a trusted network"
            }
            _ => "check [database] url and that the server is running and reachable",
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

/// TLS for `sslmode=prefer` (the default) and `require`: the server's
/// certificate is checked against the system's roots, so an internal CA works.
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
    PostgresTarget {
        url: format!("{base}/{name}?{query}"),
        password_env: None,
        password_file: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_shown_without_its_password() {
        assert_eq!(
            redact("postgres://invitectl:s3cret@db.example:5432/app?sslmode=require&password=x"),
            "postgres://invitectl@db.example:5432/app?sslmode=require"
        );
        assert_eq!(
            redact("postgres://db.example/app"),
            "postgres://db.example/app"
        );
    }

    #[test]
    fn statements_are_written_once_for_both_engines() {
        assert_eq!(
            dialect("SELECT group_concat(name, ',') FROM t WHERE a = ?1 AND b = ?12 AND c = '?'"),
            "SELECT string_agg(name, ',') FROM t WHERE a = $1 AND b = $12 AND c = '?'"
        );
    }
}
