//! Where request work runs off the async threads: pooled database
//! connections, and a few dedicated threads for password hashing.

use std::path::PathBuf;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use super::{HASHING_QUEUE, Shared};
use crate::db;
use crate::error::{Error, Result};

/// Open database connections kept for the next request: opening one costs
/// more than most queries here.
pub(super) struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// Idle connections kept at most; a burst beyond that opens and drops its own.
const POOL_SIZE: usize = 16;

impl Pool {
    pub(super) fn new(path: PathBuf) -> Pool {
        Pool {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    pub(super) fn run<T>(&self, work: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let idle = self.idle.lock().expect("pool lock").pop();
        let mut conn = match idle {
            Some(conn) => conn,
            None => db::connect(&self.path)?,
        };
        let result = work(&mut conn);
        let mut idle = self.idle.lock().expect("pool lock");
        if idle.len() < POOL_SIZE {
            idle.push(conn);
        }
        result
    }
}

/// A fixed set of threads for password hashing. Each argon2 call takes 19 MiB;
/// keeping it to a few threads bounds that memory (and the allocator's
/// per-thread arenas that would keep it) however many requests arrive.
pub(super) struct Workers {
    queue: SyncSender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

impl Workers {
    pub(super) fn new(threads: usize) -> Workers {
        let (queue, jobs) = sync_channel::<Job>(HASHING_QUEUE);
        let jobs = Arc::new(Mutex::new(jobs));
        for index in 0..threads {
            let jobs = jobs.clone();
            std::thread::Builder::new()
                .name(format!("hashing-{index}"))
                .spawn(move || {
                    loop {
                        let job = jobs.lock().expect("job queue lock").recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                })
                .expect("start a hashing thread");
        }
        Workers { queue }
    }

    /// Runs work on a hashing thread; None when the queue is full.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        self.queue
            .try_send(Box::new(move || {
                let _ = done.send(work());
            }))
            .ok()?;
        result.await.ok()
    }
}

/// Runs database work that hashes a password, on a hashing thread.
pub(super) async fn hashing<T: Send + 'static>(
    app: &Shared,
    work: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
) -> Option<Result<T>> {
    let worker_app = app.clone();
    app.hashing.run(move || worker_app.database.run(work)).await
}

/// Runs database work off the async threads, on a pooled connection.
pub(super) async fn blocking<T: Send + 'static>(
    app: &Shared,
    work: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
) -> Result<T> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || app.database.run(work))
        .await
        .map_err(|e| Error::Other(anyhow::anyhow!("a request task failed: {e}")))?
}
