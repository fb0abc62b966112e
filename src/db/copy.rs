//! `invitectl db copy`: every row of one database into another, of either
//! engine, with the same ids, hashes and history.

use chrono::{DateTime, Utc};

use super::{Database, Engine, Row, Target, Value, open};
use crate::error::{Error, Result};

/// Every table of the schema, each after the tables it points at. The
/// schema-parity test checks that both engines have exactly these.
pub const TABLES: &[&str] = &[
    "departments",
    "teams",
    "users",
    "user_teams",
    "invitations",
    "invitation_teams",
    "invitation_links",
    "delivery_attempts",
    "sessions",
    "password_resets",
    "audit_log",
    "senders",
    "rate_limits",
    "hook_events",
];

/// A column's value as read, before it is written into the other engine.
#[derive(Debug, Clone)]
enum Owned {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
    Time(DateTime<Utc>),
    Bool(bool),
}

impl Owned {
    fn as_value(&self) -> Value<'_> {
        match self {
            Owned::Null => Value::Null,
            Owned::Int(value) => Value::Int(*value),
            Owned::Text(text) => Value::Text(text),
            Owned::Blob(bytes) => Value::Blob(bytes),
            Owned::Time(instant) => Value::Time(*instant),
            Owned::Bool(value) => Value::Bool(*value),
        }
    }

    /// SQLite keeps instants as text and booleans as integers; a PostgreSQL
    /// column of those types wants them typed.
    fn fit(self, ty: &::postgres::types::Type) -> Result<Owned> {
        use ::postgres::types::Type;
        Ok(match (self, ty) {
            (Owned::Text(text), &Type::TIMESTAMPTZ) => {
                Owned::Time(crate::time::parse_stamp(&text).ok_or_else(|| {
                    Error::Other(anyhow::anyhow!("{text:?} is not an RFC 3339 time"))
                })?)
            }
            (Owned::Int(value), &Type::BOOL) => Owned::Bool(value != 0),
            (value, _) => value,
        })
    }
}

/// Copies every row of `source` into the database at `to`, created if need
/// be, in one transaction. The target must hold no row; the source is only
/// read. Returns each table with its row count.
pub fn copy(source: &mut Database, from: &Target, to: &Target) -> Result<Vec<(String, i64)>> {
    if same(from, to) {
        return Err(Error::Refused(format!(
            "{} is the database being copied; give --to another database",
            to.display()
        )));
    }
    // A file that is already there must be ours, and becomes private, before
    // SQLite writes a byte into it; and again once SQLite has it open, in
    // case it was swapped meanwhile (a shared directory).
    // So must its WAL and journal files, which hold the same rows.
    if let Target::Sqlite(path) = to {
        claim_existing(path)?;
    }
    let mut target = open(to)?;
    if let Target::Sqlite(path) = to {
        claim_existing(path)?;
    }
    for table in TABLES {
        let holds_rows: bool = target.query_one(
            &format!("SELECT EXISTS (SELECT 1 FROM {table})"),
            &[],
            |row| row.get(0),
        )?;
        if holds_rows {
            return Err(Error::Refused(format!(
                "{} is not empty (its {table} table holds rows); copy into a new file or an empty database",
                to.display()
            )));
        }
    }
    let snapshot = source.snapshot()?;
    let tx = target.write()?;
    // Rows may point at rows copied after them (a resent invitation at its successor).
    match &tx.engine {
        Engine::Sqlite(conn) => conn.pragma_update(None, "defer_foreign_keys", true)?,
        Engine::Postgres(session) => session.batch("SET CONSTRAINTS ALL DEFERRED")?,
    }
    let mut copied = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let columns = snapshot.columns(table)?;
        let list = columns.join(", ");
        let slots: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let insert = format!("INSERT INTO {table} ({list}) VALUES ({})", slots.join(", "));
        let rows = snapshot.rows(&format!("SELECT {list} FROM {table}"))?;
        let count = rows.len() as i64;
        for row in rows {
            tx.insert_owned(&insert, row)?;
        }
        // Sequences too, so the copy never hands out an id the source gave out.
        if columns.iter().any(|c| c == "id") {
            let high = snapshot.id_high_water(table)?;
            tx.set_id_high_water(table, high)?;
        }
        copied.push((table.to_string(), count));
    }
    tx.commit()?;
    drop(snapshot);
    Ok(copied)
}

/// [`claim`] for the file at `path` and its `-wal`, `-shm` and `-journal`
/// files, those of them that exist.
fn claim_existing(path: &std::path::Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = std::path::PathBuf::from(name);
        if std::fs::symlink_metadata(&file).is_ok() {
            claim(&file)?;
        }
    }
    Ok(())
}

/// Makes sure that the SQLite file at `path`, which is to hold every
/// password hash and live token of the source, is a regular file of the
/// user running invitectl (not a link to one elsewhere, not another user's
/// file in a shared directory), and readable by that user only.
fn claim(path: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
    let shown = path.display();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(nix::libc::ELOOP) => Error::Refused(format!(
                "{shown} is a symbolic link; db copy writes only to a file itself: give its real path, \
                 or a new file"
            )),
            _ => Error::Config(format!(
                "cannot open {shown}: {e}; check --to and the file's permissions"
            )),
        })?;
    let metadata = file
        .metadata()
        .map_err(|e| Error::Config(format!("cannot read the owner of {shown}: {e}")))?;
    if !metadata.file_type().is_file() {
        return Err(Error::Refused(format!(
            "{shown} is not a regular file; give --to a new file or an empty database file"
        )));
    }
    let me = nix::unistd::Uid::effective();
    if metadata.uid() != me.as_raw() {
        let owner = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(metadata.uid()))
            .ok()
            .flatten()
            .map_or_else(|| format!("uid {}", metadata.uid()), |user| user.name);
        return Err(Error::Refused(format!(
            "{shown} belongs to {owner}, not to the user running invitectl; whoever owns it could \
             read every password hash copied into it: remove it, or copy into a new file"
        )));
    }
    if metadata.permissions().mode() & 0o7777 != 0o600 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::Config(format!("cannot make {shown} private (0600): {e}")))?;
    }
    Ok(())
}

/// Who else has the source open, and so may write to it while it is copied
/// (a running serve-accept, a timer's command): `None` when no one does.
///
/// SQLite: every connection to a WAL database holds a shared lock on one
/// byte of its `-shm` file (the "dead man switch", offset 128) for as long
/// as it is open; a lock held by another process is seen with F_GETLK.
/// PostgreSQL: other sessions of invitectl on the database.
pub fn others_using(source: &Database, from: &Target) -> Result<Option<String>> {
    match (&source.engine, from) {
        (Engine::Sqlite(_), Target::Sqlite(path)) => {
            let mut shm = path.as_os_str().to_owned();
            shm.push("-shm");
            let Ok(file) = std::fs::File::open(&shm) else {
                return Ok(None);
            };
            let mut lock = nix::libc::flock {
                l_type: nix::libc::F_WRLCK as i16,
                l_whence: nix::libc::SEEK_SET as i16,
                l_start: 128,
                l_len: 1,
                l_pid: 0,
            };
            match nix::fcntl::fcntl(&file, nix::fcntl::FcntlArg::F_GETLK(&mut lock)) {
                Ok(_) if lock.l_type != nix::libc::F_UNLCK as i16 => {
                    Ok(Some(format!("process {} has it open", lock.l_pid)))
                }
                _ => Ok(None),
            }
        }
        (Engine::Postgres(_), _) => {
            let others: i64 = source.query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()
                   AND application_name = 'invitectl'",
                &[],
                |row| row.get(0),
            )?;
            Ok((others > 0)
                .then(|| format!("{others} other invitectl connection(s) are open on it")))
        }
        _ => Ok(None),
    }
}

fn same(from: &Target, to: &Target) -> bool {
    match (from, to) {
        (Target::Sqlite(a), Target::Sqlite(b)) => {
            matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
        }
        (Target::Postgres(a), Target::Postgres(b)) => a.url == b.url,
        _ => false,
    }
}

impl Database {
    /// A table's columns, in their order.
    fn columns(&self, table: &str) -> Result<Vec<String>> {
        let sql = match &self.engine {
            Engine::Sqlite(_) => "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
            Engine::Postgres(_) => {
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position"
            }
        };
        self.query(sql, &[Value::Text(table)], |row| row.get(0))
    }

    fn rows(&self, sql: &str) -> Result<Vec<Vec<Owned>>> {
        match &self.engine {
            Engine::Sqlite(conn) => {
                let mut statement = conn.prepare(sql)?;
                let width = statement.column_count();
                let mut rows = statement.query([])?;
                let mut found = Vec::new();
                while let Some(row) = rows.next()? {
                    let mut values = Vec::with_capacity(width);
                    for index in 0..width {
                        use rusqlite::types::ValueRef;
                        values.push(match row.get_ref(index)? {
                            ValueRef::Null => Owned::Null,
                            ValueRef::Integer(value) => Owned::Int(value),
                            ValueRef::Real(value) => Owned::Text(value.to_string()),
                            ValueRef::Text(text) => {
                                Owned::Text(String::from_utf8_lossy(text).into_owned())
                            }
                            ValueRef::Blob(bytes) => Owned::Blob(bytes.to_vec()),
                        });
                    }
                    found.push(values);
                }
                Ok(found)
            }
            Engine::Postgres(session) => session
                .query(sql, &[])?
                .iter()
                .map(|row| {
                    (0..row.len())
                        .map(|index| postgres_owned(row, index))
                        .collect()
                })
                .collect(),
        }
    }

    fn insert_owned(&self, sql: &str, values: Vec<Owned>) -> Result<()> {
        let values = match &self.engine {
            Engine::Sqlite(_) => values,
            Engine::Postgres(session) => {
                let types = session.parameter_types(sql)?;
                values
                    .into_iter()
                    .zip(types.iter())
                    .map(|(value, ty)| value.fit(ty))
                    .collect::<Result<_>>()?
            }
        };
        let params: Vec<Value<'_>> = values.iter().map(Owned::as_value).collect();
        self.execute(sql, &params)?;
        Ok(())
    }

    /// The highest id the table has given out, rows since deleted included.
    fn id_high_water(&self, table: &str) -> Result<i64> {
        let sql = match &self.engine {
            Engine::Sqlite(_) => format!(
                "SELECT max(coalesce((SELECT max(id) FROM {table}), 0),
                            coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0))"
            ),
            Engine::Postgres(_) => format!(
                "SELECT greatest(coalesce((SELECT max(id) FROM {table}), 0),
                                 coalesce((SELECT last_value FROM pg_sequences
                                           WHERE sequencename = '{table}_id_seq' AND schemaname = current_schema()), 0))"
            ),
        };
        self.query_one(&sql, &[], |row: &Row<'_>| row.get(0))
    }

    fn set_id_high_water(&self, table: &str, high: i64) -> Result<()> {
        if high == 0 {
            return Ok(());
        }
        match &self.engine {
            // Only AUTOINCREMENT tables keep a counter; the others go on from max(id).
            Engine::Sqlite(_) => {
                let counted: bool = self.query_one(
                    "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?1 AND sql LIKE '%AUTOINCREMENT%')",
                    &[Value::Text(table)],
                    |row| row.get(0),
                )?;
                if counted {
                    self.execute(
                        "DELETE FROM sqlite_sequence WHERE name = ?1",
                        &[Value::Text(table)],
                    )?;
                    self.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)",
                        &[Value::Text(table), Value::Int(high)],
                    )?;
                }
            }
            Engine::Postgres(_) => {
                self.query_one(
                    &format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), ?1)"),
                    &[Value::Int(high)],
                    |_| Ok(()),
                )?;
            }
        }
        Ok(())
    }
}

fn postgres_owned(row: &::postgres::Row, index: usize) -> Result<Owned> {
    use ::postgres::types::Type;
    let ty = row.columns()[index].type_().clone();
    let owned = if ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(index)?.map(Owned::Int)
    } else if ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(index)?.map(Owned::Blob)
    } else if ty == Type::TIMESTAMPTZ {
        row.try_get::<_, Option<DateTime<Utc>>>(index)?
            .map(Owned::Time)
    } else if ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(index)?.map(Owned::Bool)
    } else {
        row.try_get::<_, Option<String>>(index)?.map(Owned::Text)
    };
    Ok(owned.unwrap_or(Owned::Null))
}
