//! Opening the one SQLite file and keeping its schema current.

use std::fs::OpenOptions;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_init.sql")];

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens (creating it readable by its owner only) and migrates the database.
pub fn open(path: &Path) -> Result<Connection> {
    create_private(path)?;
    let mut conn = connect(path)?;
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// Opens a database that `open` has already created and migrated, as a
/// long-running server does for each request.
pub fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(|e| {
        Error::Config(format!(
            "cannot open the database {}: {e}; check --db or [database] path",
            path.display()
        ))
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(conn)
}

fn create_private(path: &Path) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop).map_err(|e| {
        let hint = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() && !dir.exists() => {
                format!(
                    "create the directory {} or choose another --db",
                    dir.display()
                )
            }
            _ => "check --db or [database] path and its permissions".to_string(),
        };
        Error::Config(format!(
            "cannot create the database {}: {e}; {hint}",
            path.display()
        ))
    })
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let known = MIGRATIONS.len() as i64;
    let tx = write(conn)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > known {
        return Err(Error::Config(format!(
            "the database {} was written by a newer invitectl (schema {version}, this one knows {known}); \
             upgrade invitectl",
            path.display()
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
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
