//! A lock one command holds for the whole of a long operation made of many
//! write transactions (`apply`), so a second one waits its turn instead of
//! acting on a plan the first is carrying out. On SQLite an exclusive
//! `flock` on a file beside the database; on PostgreSQL a session-level
//! advisory lock, which every host sees and which ends with the connection.

use super::{Database, Engine};
use crate::error::{Error, Result};

/// The advisory lock of `apply` ("invi" "ap").
const APPLY_LOCK: i64 = 0x696e_7669_0000_6170;

/// Held until dropped (or the process ends).
pub struct Held {
    _file: Option<nix::fcntl::Flock<std::fs::File>>,
}

impl Database {
    /// Waits for, then takes, the lock of `apply`.
    pub fn hold_apply_lock(&self) -> Result<Held> {
        match &self.engine {
            Engine::Sqlite(conn) => {
                let Some(path) = conn.path().filter(|p| !p.is_empty()) else {
                    return Ok(Held { _file: None });
                };
                let lock_path = format!("{path}.apply-lock");
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&lock_path)
                    .map_err(|e| {
                        Error::Other(anyhow::anyhow!(
                            "cannot open the lock file {lock_path}: {e}"
                        ))
                    })?;
                let flock = nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive)
                    .map_err(|(_, e)| {
                        Error::Other(anyhow::anyhow!("cannot lock {lock_path}: {e}"))
                    })?;
                Ok(Held { _file: Some(flock) })
            }
            Engine::Postgres(session) => {
                // Waits without the statement's lock timeout: an apply may be long.
                session.batch(&format!(
                    "SET lock_timeout = 0; SELECT pg_advisory_lock({APPLY_LOCK}); RESET lock_timeout"
                ))?;
                Ok(Held { _file: None })
            }
        }
    }
}
