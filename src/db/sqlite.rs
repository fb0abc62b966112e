//! The SQLite engine: opening the one file, creating it safely, and keeping
//! its schema current.

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{MIGRATIONS, SCHEMA_VERSION};
use crate::error::{Error, Result, StorageKind};

/// Written into the SQLite header ("invi"), so a file is recognisably ours.
const APPLICATION_ID: i32 = 0x696e_7669;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens the database for a command that writes, creating it (readable by its
/// owner only) on first use and bringing its schema up to date. Says whether
/// this call created it (of two processes at once, one did).
pub fn open(path: &Path) -> Result<(Connection, bool)> {
    let created = !path.exists() && create(path)?;
    let mut conn = connect(path)?;
    migrate(&mut conn, path)?;
    Ok((conn, created))
}

/// Opens an existing database for a command that only reads: read-only, so a
/// user who may read but not write the file can use it, and nothing is created.
/// `None` when there is no database at `path`.
pub fn open_read_only(path: &Path) -> Result<Option<Connection>> {
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
    if version < SCHEMA_VERSION {
        // An older schema: bring it up to date once, then read as asked.
        drop(conn);
        open(path)?;
        return open_read_only(path);
    }
    Ok(Some(conn))
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

/// Like [`connect`], for a connection that must never write.
pub fn connect_reader(path: &Path) -> Result<Connection> {
    let conn = connect(path)?;
    conn.pragma_update(None, "query_only", true)?;
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
/// Whether this call made it: false when another process was first.
fn create(path: &Path) -> Result<bool> {
    let staging = staging_path(path);
    let result = (|| {
        create_private(&staging, path)?;
        let mut conn = connect(&staging)?;
        migrate(&mut conn, path)?;
        drop(conn);
        match std::fs::hard_link(&staging, path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
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
    let known = SCHEMA_VERSION;
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
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Another process may have migrated it meanwhile.
    let version = check_ours(&tx, path)?;
    if version > known {
        return Err(newer(version));
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(migration.sqlite)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}

pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
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
        assert!(open(&path).unwrap().1, "created");
        assert!(!open(&path).unwrap().1, "already there");
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
