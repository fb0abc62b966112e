//! Where request work runs: pooled database connections off the async
//! threads, short SQLite reads on them, and a few dedicated threads for
//! password hashing.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use super::{HASHING_QUEUE, Shared};
use crate::db::{self, Database, Target};
use crate::error::{Error, Result, StorageKind};

/// Open database connections kept for the next request: opening one costs
/// more than most queries here.
pub(super) struct Pool {
    /// Tells this pool's connections in [`READER`] from another pool's.
    id: u64,
    target: Target,
    idle: Mutex<Vec<Database>>,
    /// The connection for [`Pool::write`]. Writers of this process queue for
    /// it rather than in SQLite's busy handler, which polls with sleeps and
    /// lets no one in order; its page cache stays warm; and the automatic
    /// checkpoints after its commits keep up (with many connections writing
    /// under constant load they did not, and the WAL grew to 77 MB in 10,000
    /// failed guesses).
    writer: Mutex<Option<Database>>,
}

/// The writer's page cache at most, in KiB (SQLite's default is 2 MiB): room
/// for the failure counters of a sustained spray (200,000 addresses take
/// about 12 MB), so that counting does not slow down as the table grows.
const WRITER_CACHE_KIB: i64 = 16 * 1024;

/// Idle connections kept at most; a burst beyond that opens and drops its own.
const POOL_SIZE: usize = 16;

static POOLS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's connection for [`reading`] in process, and its pool's id.
    static READER: RefCell<Option<(u64, Database)>> = const { RefCell::new(None) };
}

impl Pool {
    pub(super) fn new(target: Target) -> Pool {
        Pool {
            id: POOLS.fetch_add(1, Ordering::Relaxed),
            target,
            idle: Mutex::new(Vec::new()),
            writer: Mutex::new(None),
        }
    }

    /// Runs `work` in a write transaction and commits it.
    pub(super) fn write<T>(&self, work: impl FnOnce(&Database) -> Result<T>) -> Result<T> {
        let mut writer = self.writer.lock().expect("writer lock");
        if writer.as_ref().is_some_and(Database::is_broken) {
            *writer = None;
        }
        let conn = match writer.as_mut() {
            Some(conn) => conn,
            None => {
                let conn = db::connect(&self.target)?;
                conn.reserve_cache(WRITER_CACHE_KIB)?;
                writer.insert(conn)
            }
        };
        let result = (|| {
            let tx = conn.write()?;
            let result = work(&tx)?;
            tx.commit()?;
            Ok(result)
        })();
        if is_outage(&result) {
            *writer = None;
            self.idle.lock().expect("pool lock").clear();
        }
        result
    }

    pub(super) fn run<T>(&self, work: impl FnOnce(&mut Database) -> Result<T>) -> Result<T> {
        let idle = self.idle.lock().expect("pool lock").pop();
        let mut conn = match idle {
            Some(conn) if !conn.is_broken() => conn,
            _ => db::connect(&self.target)?,
        };
        let result = work(&mut conn);
        let mut idle = self.idle.lock().expect("pool lock");
        if is_outage(&result) {
            // The server went away: the idle connections are as dead as this one.
            idle.clear();
        } else if idle.len() < POOL_SIZE && !conn.is_broken() {
            idle.push(conn);
        }
        result
    }

    /// Runs a read on this thread's own connection, kept for its next read.
    fn read_here<T>(&self, work: impl FnOnce(&Database) -> Result<T>) -> Result<T> {
        READER.with_borrow_mut(|reader| {
            if !matches!(reader, Some((id, _)) if *id == self.id) {
                *reader = Some((self.id, db::connect_reader(&self.target)?));
            }
            let (_, conn) = reader.as_ref().expect("opened above");
            let result = work(conn);
            if is_outage(&result) {
                *reader = None;
            }
            result
        })
    }
}

fn is_outage<T>(result: &Result<T>) -> bool {
    matches!(
        result,
        Err(Error::Storage {
            kind: StorageKind::Unavailable,
            ..
        })
    )
}

impl Drop for Pool {
    /// A PostgreSQL connection says goodbye to its server when dropped, on a
    /// runtime of its own, which may not happen on an async thread: the pool
    /// hands its connections to a plain thread to close.
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().expect("pool lock"));
        let writer = self.writer.get_mut().expect("writer lock").take();
        let _ = std::thread::spawn(move || drop((idle, writer))).join();
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
    work: impl FnOnce(&mut Database) -> Result<T> + Send + 'static,
) -> Option<Result<T>> {
    let worker_app = app.clone();
    app.hashing.run(move || worker_app.database.run(work)).await
}

/// Runs database work off the async threads, with the pool at hand: for
/// work that reads and then, depending on what it found, writes.
pub(super) async fn off_thread<T: Send + 'static>(
    app: &Shared,
    work: impl FnOnce(&Pool) -> Result<T> + Send + 'static,
) -> Result<T> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || work(&app.database))
        .await
        .map_err(|e| Error::Other(anyhow::anyhow!("a request task failed: {e}")))?
}

/// Runs a write transaction off the async threads.
pub(super) async fn writing<T: Send + 'static>(
    app: &Shared,
    work: impl FnOnce(&Database) -> Result<T> + Send + 'static,
) -> Result<T> {
    off_thread(app, move |pool| pool.write(work)).await
}

/// Runs a short read, such as a lookup by key, right on the async thread
/// when the database reads in process (handing it to another thread would
/// cost more than the read), and otherwise like [`blocking`].
pub(super) async fn reading<T: Send + 'static>(
    app: &Shared,
    work: impl FnOnce(&Database) -> Result<T> + Send + 'static,
) -> Result<T> {
    if app.database.target.reads_in_process() {
        app.database.read_here(work)
    } else {
        blocking(app, move |conn| work(conn)).await
    }
}

/// Runs database work off the async threads, on a pooled connection.
pub(super) async fn blocking<T: Send + 'static>(
    app: &Shared,
    work: impl FnOnce(&mut Database) -> Result<T> + Send + 'static,
) -> Result<T> {
    off_thread(app, move |pool| pool.run(work)).await
}
