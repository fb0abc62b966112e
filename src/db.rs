//! Opening the one SQLite file and keeping its schema current.
//!
//! Commands that write call [`open`]: it creates the database on first use
//! and migrates it. Commands that only read call [`open_read_only`]: it never
//! creates, never migrates and never takes the write lock.

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use crate::error::{Error, Result, StorageKind};

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_delivery_leases.sql"),
    include_str!("migrations/0003_rate_limits.sql"),
];

/// Written into the SQLite header ("invi"), so a file is recognisably ours.
const APPLICATION_ID: i32 = 0x696e_7669;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens the database for a command that writes, creating it (readable by its
/// owner only) on first use and bringing its schema up to date.
pub fn open(path: &Path) -> Result<Connection> {
    sqlite_file(path)?;
    if !path.exists() {
        create(path)?;
    }
    let mut conn = connect(path)?;
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// Opens an existing database for a command that only reads: read-only, so a
/// user who may read but not write the file can use it, and nothing is created.
/// `None` when there is no database at `path`.
pub fn open_read_only(path: &Path) -> Result<Option<Connection>> {
    sqlite_file(path)?;
    if !path.exists() {
        return Ok(None);
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| cannot_open(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let version = match check_ours(&conn, path) {
        Err(Error::Storage {
            kind: StorageKind::ReadOnly,
            ..
        }) if !sidecar(path, "-wal").exists() => {
            return open_snapshot(path).map(Some);
        }
        checked => checked?,
    };
    if version < MIGRATIONS.len() as i64 {
        // An older schema: bring it up to date once, then read as asked.
        drop(conn);
        drop(open(path)?);
        return open_read_only(path);
    }
    Ok(Some(conn))
}

/// Only SQLite files so far: a database URL (`postgres://…`) is refused
/// rather than taken for a file name. The URL is not repeated: it may hold a
/// password.
fn sqlite_file(path: &Path) -> Result<()> {
    match path.to_str().and_then(|text| text.split_once("://")) {
        Some((scheme, _)) => Err(Error::Config(format!(
            "this invitectl keeps its data in a SQLite file and cannot use a {scheme}:// database yet; \
             give --db, --to or [database] path a file path"
        ))),
        None => Ok(()),
    }
}

/// A reader that may not write the directory cannot create the WAL index
/// that a WAL database needs while no writer has it open. With no WAL file
/// there is no writer and nothing uncheckpointed: the file itself is the
/// whole database, and SQLite may read it without the WAL index.
fn open_snapshot(path: &Path) -> Result<Connection> {
    let mut uri = String::from("file:");
    for byte in path.as_os_str().as_encoded_bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'.' | b'-' | b'_' => {
                uri.push(char::from(*byte))
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri.push_str("?immutable=1");
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(&uri, flags).map_err(|e| cannot_open(path, e))?;
    check_ours(&conn, path)?;
    Ok(conn)
}

/// Opens a database that `open` has already created and migrated, as a
/// long-running server does for each request.
pub fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| cannot_open(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    check_ours(&conn, path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(conn)
}

fn cannot_open(path: &Path, e: rusqlite::Error) -> Error {
    Error::Config(format!(
        "cannot open the database {}: {e}; check --db or [database] path and the file's permissions",
        path.display()
    ))
}

/// The schema version of an invitectl database; refuses another program's
/// database before anything in it is changed.
fn check_ours(conn: &Connection, path: &Path) -> Result<i64> {
    let application_id: i32 = conn.pragma_query_value(None, "application_id", |row| row.get(0))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if application_id == APPLICATION_ID {
        return Ok(version);
    }
    let has_tables: bool = conn
        .query_row("SELECT 1 FROM sqlite_master LIMIT 1", [], |_| Ok(()))
        .optional()?
        .is_some();
    // Databases made before the application id was written have our tables.
    let ours_before_the_id: bool = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'invitations'",
            [],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if !has_tables || (version > 0 && ours_before_the_id) {
        return Ok(version);
    }
    Err(Error::Other(anyhow::anyhow!(
        "{} is not an invitectl database (it holds another program's tables); nothing was changed in it: \
         point --db or [database] path at invitectl's own file",
        path.display()
    )))
}

/// Builds a new database under a temporary name and links it into place, so
/// that of several processes creating it at once exactly one file wins, fully
/// migrated, and the others simply use it.
fn create(path: &Path) -> Result<()> {
    let staging = staging_path(path);
    let result = (|| {
        create_private(&staging, path)?;
        let mut conn = connect(&staging)?;
        migrate(&mut conn, path)?;
        drop(conn);
        match std::fs::hard_link(&staging, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(Error::Config(format!(
                "cannot create the database {}: {e}; check --db or [database] path and its directory's permissions",
                path.display()
            ))),
        }
    })();
    for leftover in [
        staging.clone(),
        sidecar(&staging, "-wal"),
        sidecar(&staging, "-shm"),
    ] {
        let _ = std::fs::remove_file(leftover);
    }
    result
}

fn staging_path(path: &Path) -> PathBuf {
    let name = path.file_name().map_or_else(
        || "invitectl.db".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let unique: u64 = rand::random();
    path.with_file_name(format!(".{name}.{}.{unique:016x}.new", std::process::id()))
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Creates `staging` readable by its owner only; errors name the database `path`.
fn create_private(staging: &Path, path: &Path) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(staging).map(drop).map_err(|e| {
        let hint = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() && !dir.exists() => {
                format!(
                    "create the directory {} or choose another --db",
                    dir.display()
                )
            }
            _ => "check --db or [database] path and its directory's permissions".to_string(),
        };
        Error::Config(format!(
            "cannot create the database {}: {e}; {hint}",
            path.display()
        ))
    })
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let known = MIGRATIONS.len() as i64;
    let newer = |version: i64| {
        Error::Config(format!(
            "the database {} was written by a newer invitectl (schema {version}, this one knows {known}); \
             upgrade invitectl",
            path.display()
        ))
    };
    // Up to date, the usual case: nothing to write, so no write lock is taken.
    let version = check_ours(conn, path)?;
    let application_id: i32 = conn.pragma_query_value(None, "application_id", |row| row.get(0))?;
    if version > known {
        return Err(newer(version));
    }
    if version == known && application_id == APPLICATION_ID {
        return Ok(());
    }
    let tx = write(conn)?;
    // Another process may have migrated it meanwhile.
    let version = check_ours(&tx, path)?;
    if version > known {
        return Err(newer(version));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}

/// Which database this is: what `invitectl db status` shows first.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Location {
    pub engine: &'static str,
    pub location: String,
    pub schema_version: i64,
    /// The schema this invitectl writes; a database behind it is migrated by
    /// the next command that writes.
    pub schema_current: i64,
}

pub fn locate(conn: &Connection, path: &Path) -> Result<Location> {
    Ok(Location {
        engine: "sqlite",
        location: std::path::absolute(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string(),
        schema_version: conn.pragma_query_value(None, "user_version", |row| row.get(0))?,
        schema_current: MIGRATIONS.len() as i64,
    })
}

/// Copies every row of `source` into the database at `target`, created if
/// need be, with the same ids, hashes and history, in one transaction. The
/// target must hold no row; the source is only read. Returns each table with
/// its row count.
pub fn copy(
    source: &mut Connection,
    source_path: &Path,
    target_path: &Path,
) -> Result<Vec<(String, i64)>> {
    let same = |a: &Path, b: &Path| matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b);
    if same(source_path, target_path) {
        return Err(Error::Refused(format!(
            "{} is the database being copied; give --to another file",
            target_path.display()
        )));
    }
    let mut target = open(target_path)?;
    let snapshot = source.transaction_with_behavior(TransactionBehavior::Deferred)?;
    let tables: Vec<String> = snapshot
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // Table names come from invitectl's own schema, never from input.
    for table in &tables {
        let holds_rows: bool = target.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM \"{table}\")"),
            [],
            |row| row.get(0),
        )?;
        if holds_rows {
            return Err(Error::Refused(format!(
                "{} is not empty (its {table} table holds rows); copy into a new file or an empty database",
                target_path.display()
            )));
        }
    }
    let tx = write(&mut target)?;
    // Rows may point at rows copied after them (a resent invitation at its successor).
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    let mut copied = Vec::with_capacity(tables.len());
    for table in &tables {
        let columns: Vec<String> = snapshot
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let list = columns.join(", ");
        let slots = vec!["?"; columns.len()].join(", ");
        let mut insert = tx.prepare(&format!(
            "INSERT INTO \"{table}\" ({list}) VALUES ({slots})"
        ))?;
        let mut select = snapshot.prepare(&format!("SELECT {list} FROM \"{table}\""))?;
        let mut rows = select.query([])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let values = (0..columns.len())
                .map(|i| row.get::<_, rusqlite::types::Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            insert.execute(rusqlite::params_from_iter(values))?;
            count += 1;
        }
        copied.push((table.clone(), count));
    }
    // AUTOINCREMENT counters too, so the copy never reuses an id the source gave out.
    let counters: Vec<(String, i64)> = snapshot
        .prepare("SELECT name, seq FROM sqlite_sequence")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, seq) in counters {
        tx.execute("DELETE FROM sqlite_sequence WHERE name = ?1", [&name])?;
        tx.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)",
            (&name, seq),
        )?;
    }
    tx.commit()?;
    Ok(copied)
}

/// An instant stored as its stamp (see `time::stamp`).
pub fn instant(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<DateTime<Utc>> {
    let text = row.get_ref(index)?.as_str()?;
    crate::time::parse_stamp(text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            format!("not an RFC 3339 time: {text:?}").into(),
        )
    })
}

pub fn optional_instant(
    row: &rusqlite::Row<'_>,
    index: usize,
) -> rusqlite::Result<Option<DateTime<Utc>>> {
    match row.get_ref(index)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => instant(row, index).map(Some),
    }
}

/// A write transaction that takes the write lock up front, so that a second
/// process waits its turn (busy timeout) instead of failing half-way.
pub fn write(conn: &mut Connection) -> Result<Transaction<'_>> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

#[cfg(test)]
pub fn in_memory() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    migrate(&mut conn, Path::new(":memory:")).unwrap();
    conn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_the_file_private_and_refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("invitectl.db");
        drop(open(&path).unwrap());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = open(&path).unwrap_err().to_string();
        assert!(err.contains("newer invitectl"), "{err}");
    }

    #[test]
    fn email_uniqueness_is_case_insensitive_in_the_schema() {
        let conn = in_memory();
        let insert = "INSERT INTO users (email, role, status, created_at) VALUES (?1, 'viewer', 'pending', 'now')";
        conn.execute(insert, ["ann@example.com"]).unwrap();
        assert!(conn.execute(insert, ["ANN@example.com"]).is_err());
    }
}
