//! The storage seam: one open database, SQLite or PostgreSQL, behind one set
//! of calls. The rest of the library writes each statement once, in the
//! dialect both engines share (`?1` parameters, typed values); this module
//! and its engine files are the only places that know which engine runs it.
//!
//! Commands that write call [`open`]: it creates the database on first use
//! and migrates it. Commands that only read call [`open_read_only`]: it never
//! creates, never migrates and never takes the write lock.

mod copy;
mod lock;
mod pg_client;
mod postgres;
mod sqlite;
mod value;

pub use lock::Held;

use std::path::PathBuf;

use chrono::{DateTime, Utc};

pub use copy::{copy, others_using};
pub use postgres::{PostgresTarget, redact, url_has_password};
pub use value::{Column, Row, Value};

use crate::error::Result;

/// Each migration's text for each engine, side by side; both engines'
/// schema versions mean the same schema.
struct Migration {
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        sqlite: include_str!("../migrations/sqlite/0002_delivery_leases.sql"),
        postgres: include_str!("../migrations/postgres/0002_delivery_leases.sql"),
    },
    Migration {
        sqlite: include_str!("../migrations/sqlite/0003_rate_limits.sql"),
        postgres: include_str!("../migrations/postgres/0003_rate_limits.sql"),
    },
    Migration {
        sqlite: include_str!("../migrations/sqlite/0004_password_resets.sql"),
        postgres: include_str!("../migrations/postgres/0004_password_resets.sql"),
    },
    Migration {
        sqlite: include_str!("../migrations/sqlite/0005_hook_events.sql"),
        postgres: include_str!("../migrations/postgres/0005_hook_events.sql"),
    },
    Migration {
        sqlite: include_str!("../migrations/sqlite/0006_logins_and_reset_links.sql"),
        postgres: include_str!("../migrations/postgres/0006_logins_and_reset_links.sql"),
    },
    Migration {
        sqlite: include_str!("../migrations/sqlite/0007_no_dead_ends.sql"),
        postgres: include_str!("../migrations/postgres/0007_no_dead_ends.sql"),
    },
    Migration {
        sqlite: include_str!("../migrations/sqlite/0008_end_dates.sql"),
        postgres: include_str!("../migrations/postgres/0008_end_dates.sql"),
    },
    Migration {
        sqlite: include_str!("../migrations/sqlite/0009_languages.sql"),
        postgres: include_str!("../migrations/postgres/0009_languages.sql"),
    },
];

/// The schema this invitectl writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Where the data lives: `--db`, `INVITECTL_DB`, `[database] path` or `url`.
#[derive(Debug, Clone)]
pub enum Target {
    Sqlite(PathBuf),
    Postgres(PostgresTarget),
}

impl Target {
    /// A `--db` value: a `postgres://` URL, or a file path.
    pub fn parse(text: &str) -> Result<Target> {
        match text.split_once("://") {
            Some(("postgres" | "postgresql", _)) => {
                Ok(Target::Postgres(PostgresTarget::from_url(text)))
            }
            // The value is not repeated: it may hold a password.
            Some((scheme, _)) => Err(crate::error::Error::Config(format!(
                "a {scheme}:// database is not one invitectl can use; give a SQLite file path or a postgres:// URL"
            ))),
            None => Ok(Target::Sqlite(PathBuf::from(text))),
        }
    }

    /// Whether a short read may run on an async thread: SQLite reads its
    /// file in-process, in microseconds; PostgreSQL waits on the network,
    /// and its client may not run on async threads at all.
    pub fn reads_in_process(&self) -> bool {
        matches!(self, Target::Sqlite(_))
    }

    /// Where it is, as a person may be shown it: a path, or the URL without its password.
    pub fn display(&self) -> String {
        match self {
            Target::Sqlite(path) => path.display().to_string(),
            Target::Postgres(target) => redact(&target.url),
        }
    }
}

/// One open connection to the database.
pub struct Database {
    engine: Engine,
    /// The absolute path of the SQLite file that opening it created.
    created: Option<PathBuf>,
}

enum Engine {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Session>),
}

/// Opens the database for a command that writes, creating it on first use
/// and bringing its schema up to date.
pub fn open(target: &Target) -> Result<Database> {
    let (engine, created) = match target {
        Target::Sqlite(path) => {
            let (conn, created) = sqlite::open(path)?;
            let created = created.then(|| std::path::absolute(path).unwrap_or(path.clone()));
            (Engine::Sqlite(conn), created)
        }
        Target::Postgres(target) => (Engine::Postgres(Box::new(postgres::open(target)?)), None),
    };
    Ok(Database {
        created,
        ..Database::new(engine)
    })
}

/// Opens an existing database for a command that only reads. `None` when
/// there is no database there yet (no file, or a PostgreSQL database that
/// invitectl has never written to).
pub fn open_read_only(target: &Target) -> Result<Option<Database>> {
    let engine = match target {
        Target::Sqlite(path) => sqlite::open_read_only(path)?.map(Engine::Sqlite),
        Target::Postgres(target) => {
            postgres::open_read_only(target)?.map(|s| Engine::Postgres(Box::new(s)))
        }
    };
    Ok(engine.map(Database::new))
}

/// Opens a database that `open` has already created and migrated, as a
/// long-running server does for its pool.
pub fn connect(target: &Target) -> Result<Database> {
    let engine = match target {
        Target::Sqlite(path) => Engine::Sqlite(sqlite::connect(path)?),
        Target::Postgres(target) => Engine::Postgres(Box::new(postgres::connect(target)?)),
    };
    Ok(Database::new(engine))
}

/// Opens a connection that may only read, to a database `open` has already
/// created and migrated.
pub fn connect_reader(target: &Target) -> Result<Database> {
    let engine = match target {
        Target::Sqlite(path) => Engine::Sqlite(sqlite::connect_reader(path)?),
        Target::Postgres(target) => {
            let session = postgres::connect(target)?;
            session.batch("SET default_transaction_read_only = on")?;
            Engine::Postgres(Box::new(session))
        }
    };
    Ok(Database::new(engine))
}

impl Database {
    fn new(engine: Engine) -> Database {
        Database {
            engine,
            created: None,
        }
    }

    /// What to tell the user when [`open`] created the database, which
    /// may be in a directory they did not mean.
    pub fn creation_notice(&self) -> Option<String> {
        let path = self.created.as_ref()?;
        Some(format!("created a new database at {}", path.display()))
    }

    /// Runs a statement; how many rows it changed.
    pub fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<usize> {
        match &self.engine {
            Engine::Sqlite(conn) => Ok(conn
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(params))?),
            Engine::Postgres(session) => session.execute(sql, params),
        }
    }

    /// Every row a query returns, each turned into a `T` by `each`.
    pub fn query<T>(
        &self,
        sql: &str,
        params: &[Value<'_>],
        mut each: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        match &self.engine {
            Engine::Sqlite(conn) => {
                let mut statement = conn.prepare_cached(sql)?;
                let mut rows = statement.query(rusqlite::params_from_iter(params))?;
                let mut found = Vec::new();
                while let Some(row) = rows.next()? {
                    found.push(each(&Row::Sqlite(row))?);
                }
                Ok(found)
            }
            Engine::Postgres(session) => session
                .query(sql, params)?
                .iter()
                .map(|row| each(&Row::Postgres(row)))
                .collect(),
        }
    }

    /// The first row a query returns, if any.
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[Value<'_>],
        each: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        match &self.engine {
            Engine::Sqlite(conn) => {
                let mut statement = conn.prepare_cached(sql)?;
                let mut rows = statement.query(rusqlite::params_from_iter(params))?;
                rows.next()?.map(|row| each(&Row::Sqlite(row))).transpose()
            }
            Engine::Postgres(session) => session
                .query(sql, params)?
                .first()
                .map(|row| each(&Row::Postgres(row)))
                .transpose(),
        }
    }

    /// The one row a query always returns (an aggregate, a RETURNING insert).
    pub fn query_one<T>(
        &self,
        sql: &str,
        params: &[Value<'_>],
        each: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        self.query_row(sql, params, each)?.ok_or_else(|| {
            crate::error::Error::Other(anyhow::anyhow!("a query that returns a row returned none"))
        })
    }

    /// A write transaction. It takes the one write lock up front, so a second
    /// writer, in this process or on another host, waits its turn instead of
    /// failing half-way.
    pub fn write(&mut self) -> Result<Tx<'_>> {
        match &self.engine {
            Engine::Sqlite(conn) => conn.execute_batch("BEGIN IMMEDIATE")?,
            Engine::Postgres(session) => session.begin_write()?,
        }
        Ok(Tx {
            db: self,
            open: true,
        })
    }

    /// A read transaction: every query in it sees the same snapshot, and it
    /// takes no lock that holds up writers.
    pub fn snapshot(&mut self) -> Result<Tx<'_>> {
        match &self.engine {
            Engine::Sqlite(conn) => conn.execute_batch("BEGIN DEFERRED")?,
            Engine::Postgres(session) => {
                session.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?
            }
        }
        Ok(Tx {
            db: self,
            open: true,
        })
    }

    /// The database server's clock; the local one for SQLite, which has no server.
    pub fn clock(&self) -> Result<DateTime<Utc>> {
        match &self.engine {
            Engine::Sqlite(_) => Ok(Utc::now()),
            Engine::Postgres(session) => session.clock(),
        }
    }

    /// Which database this is: what `invitectl db status` shows first.
    pub fn locate(&self, target: &Target) -> Result<Location> {
        let (engine, location, schema_version) = match (&self.engine, target) {
            (Engine::Sqlite(conn), Target::Sqlite(path)) => (
                "sqlite",
                std::path::absolute(path)
                    .unwrap_or_else(|_| path.clone())
                    .display()
                    .to_string(),
                sqlite::schema_version(conn)?,
            ),
            (Engine::Postgres(session), Target::Postgres(target)) => {
                ("postgresql", redact(&target.url), session.schema_version()?)
            }
            _ => unreachable!("a database is opened from its own target"),
        };
        Ok(Location {
            engine,
            location,
            schema_version,
            schema_current: SCHEMA_VERSION,
        })
    }

    /// For the web server's writer: room for the rate-limit counters of a spray.
    pub fn reserve_cache(&self, kib: i64) -> Result<()> {
        if let Engine::Sqlite(conn) = &self.engine {
            conn.pragma_update(None, "cache_size", -kib)?;
        }
        Ok(())
    }

    /// Whether the connection is known to be broken (the server went away);
    /// a pool drops such a connection rather than keeping it.
    pub fn is_broken(&self) -> bool {
        match &self.engine {
            Engine::Sqlite(_) => false,
            Engine::Postgres(session) => session.is_closed(),
        }
    }

    fn end(&self, commit: bool) -> Result<()> {
        let sql = if commit { "COMMIT" } else { "ROLLBACK" };
        match &self.engine {
            Engine::Sqlite(conn) => conn.execute_batch(sql)?,
            Engine::Postgres(session) => session.batch(sql)?,
        }
        Ok(())
    }
}

/// An open transaction; everything a [`Database`] does, it does inside it.
/// Dropped without [`Tx::commit`], it rolls back.
pub struct Tx<'a> {
    db: &'a Database,
    open: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        self.db.end(true)
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Database;

    fn deref(&self) -> &Database {
        self.db
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.db.end(false);
        }
    }
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

/// `count` placeholders from `?first` on, comma-separated.
fn slots(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `(?1, ?2), (?3, ?4), …`: `rows` rows of `width` placeholders, for a
/// many-row `INSERT … VALUES` that costs one round trip however many rows.
pub fn row_slots(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", slots(row * width + 1, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An enum the database stores as one of our own words: `as_str` gives the
/// word (for the database, JSON and tables), `from_db` reads one back, a
/// word it does not know being `$fallback`.
#[macro_export]
macro_rules! stored_words {
    ($name:ident { $($variant:ident => $word:literal),+ $(,)? } else $fallback:ident) => {
        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            pub(crate) fn from_db(text: &str) -> $name {
                match text {
                    $($word => $name::$variant,)+
                    _ => $name::$fallback,
                }
            }
        }
    };
}

/// Our own words as an SQL list, `'a', 'b'`, for `IN (…)`: never user text.
pub fn word_list<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    words
        .into_iter()
        .map(|word| format!("'{word}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Positional parameters for a statement: `params![a, b]` binds `?1`, `?2`.
#[macro_export]
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::db::Value::from($value)),*][..]
    };
}

/// Whether this test run is the one on PostgreSQL (`INVITECTL_TEST_ENGINE`).
#[cfg(test)]
fn testing_postgres() -> bool {
    std::env::var("INVITECTL_TEST_ENGINE").as_deref() == Ok("postgres")
}

/// A fresh, empty, migrated database for a unit test: SQLite in memory, or
/// a new database on the test run's PostgreSQL.
#[cfg(test)]
pub fn for_tests() -> Database {
    if testing_postgres() {
        open(&Target::Postgres(postgres::target_for_tests())).unwrap()
    } else {
        Database::new(Engine::Sqlite(sqlite::in_memory()))
    }
}

/// Where a unit test that opens several connections keeps its database:
/// a file in `dir`, or a new database on the test run's PostgreSQL.
#[cfg(test)]
pub fn target_for_tests(dir: &std::path::Path) -> Target {
    if testing_postgres() {
        Target::Postgres(postgres::target_for_tests())
    } else {
        Target::Sqlite(dir.join("invitectl.db"))
    }
}
