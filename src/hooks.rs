//! Hooks: a transactional outbox of changes to users, and the runner that
//! hands each one to `[hooks] command`.
//!
//! Every change to a user writes an event into `hook_events` in the
//! transaction that makes the change, so a crash loses none and a
//! rolled-back change sends none. That does not depend on the host that
//! makes it: a host without `[hooks] command` records its events too, for
//! the hosts that have one. `invitectl hooks run` and
//! serve-accept then run the command once for each event: claimed under a
//! lease in one short write transaction, run outside any transaction, its
//! result recorded in another. An event is `pending` until first run,
//! `failed` after a run that did not exit 0 (run again from
//! `next_attempt_at`, 30 s·2ⁿ⁻¹ after the n-th failure, at most an hour
//! later), and `done` after one that exited 0. A later event of a user waits
//! until every earlier one of that user is done. A hook never undoes the
//! change that made its event. Done events are deleted `[hooks] retention`
//! after they were done.
//!
//! Nothing here reads the clock: every function takes `now` (the runner, which
//! runs for a while, a clock to ask).

use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::{Config, Hooks};
use crate::db::{self, Database, Value};
use crate::error::{Error, Result};
use crate::users::{self, User};
use crate::{audit, params, time};

/// What happened to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Invited,
    Activated,
    Changed,
    Deactivated,
    Reactivated,
    PasswordReset,
    /// The user as they are, sent by `invitectl hooks sync` to fill a new target.
    Synced,
    /// The invitee asked for a new link on the Invitation Expired page.
    RenewalRequested,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Invited => "user.invited",
            Event::Activated => "user.activated",
            Event::Changed => "user.changed",
            Event::Deactivated => "user.deactivated",
            Event::Reactivated => "user.reactivated",
            Event::PasswordReset => "user.password_reset",
            Event::Synced => "user.synced",
            Event::RenewalRequested => "invitation.renewal_requested",
        }
    }
}

/// The statuses `hooks list --status` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not run yet (or waiting for an earlier event of the same user)
    Pending,
    /// The last run failed; run again from next_attempt_at
    Failed,
    /// The command exited 0
    Done,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Failed => "failed",
            Status::Done => "done",
        }
    }

    fn from_db(text: &str) -> Status {
        match text {
            "failed" => Status::Failed,
            "done" => Status::Done,
            _ => Status::Pending,
        }
    }
}

/// The first retry comes this long after a failed run; each next one twice as long.
pub const BACKOFF_BASE: Duration = Duration::from_secs(30);
/// Retries are never further apart than this.
pub const BACKOFF_CAP: Duration = Duration::from_secs(3600);
/// A claim lasts the timeout and this much more: a runner that was killed
/// leaves its event to the next runner once it has passed.
pub const LEASE_MARGIN: Duration = Duration::from_secs(60);
/// What a hook prints is kept, in the audit log and `hooks list`, up to this many bytes.
pub const OUTPUT_CAP: usize = 4096;
/// Rows of one set-based insert.
const INSERT_CHUNK: usize = 500;

/// When an event whose run failed for the `attempts`-th time is run again.
pub fn backoff(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    BACKOFF_BASE
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(BACKOFF_CAP)
}

/// Records `event` for the user `user_id` as they are now, inside the
/// caller's transaction.
pub fn record(
    tx: &Database,
    event: Event,
    user_id: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let user = users::get(tx, user_id)?;
    record_all(tx, event, std::slice::from_ref(&user), actor, now)
}

/// Records `event` for each of `users`, a few rows a statement: what
/// `invite` writes for a batch.
pub fn record_all(
    tx: &Database,
    event: Event,
    users: &[User],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    for chunk in users.chunks(INSERT_CHUNK) {
        let payloads: Vec<String> = chunk
            .iter()
            .map(|user| serde_json::to_string(user).map_err(|e| Error::Other(e.into())))
            .collect::<Result<_>>()?;
        let mut values = Vec::with_capacity(chunk.len() * 6);
        for (user, payload) in chunk.iter().zip(&payloads) {
            values.extend([
                Value::Text(event.as_str()),
                Value::Int(user.id),
                Value::Text(&user.email),
                Value::Time(now),
                Value::Text(actor),
                Value::Text(payload),
            ]);
        }
        tx.execute(
            &format!(
                "INSERT INTO hook_events (event, user_id, email, at, actor, user_json) VALUES {}",
                db::row_slots(chunk.len(), 6)
            ),
            &values,
        )?;
    }
    Ok(())
}

/// One event as `hooks list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub id: i64,
    pub event: String,
    pub email: String,
    #[serde(serialize_with = "time::serialize")]
    pub at: DateTime<Utc>,
    pub actor: String,
    pub status: Status,
    pub attempts: i64,
    #[serde(serialize_with = "time::serialize_optional")]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// `exit 0`, `exit 1: <output>`, `timed out after 30s`, …
    pub last_result: Option<String>,
    #[serde(serialize_with = "time::serialize_optional")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "time::serialize_optional")]
    pub done_at: Option<DateTime<Utc>>,
}

/// The events with one of `statuses` (every one when it is empty), oldest first.
pub fn list(conn: &Database, statuses: &[Status]) -> Result<Vec<Listed>> {
    let wanted = if statuses.is_empty() {
        &[Status::Pending, Status::Failed, Status::Done][..]
    } else {
        statuses
    };
    // The statuses are our own words, never user text.
    let wanted: Vec<String> = wanted.iter().map(|s| format!("'{}'", s.as_str())).collect();
    conn.query(
        &format!(
            "SELECT id, event, email, at, actor, status, attempts, last_attempt_at, last_result,
                    next_attempt_at, done_at
             FROM hook_events WHERE status IN ({}) ORDER BY id",
            wanted.join(", ")
        ),
        &[],
        |row| {
            let status: String = row.get(5)?;
            Ok(Listed {
                id: row.get(0)?,
                event: row.get(1)?,
                email: row.get(2)?,
                at: row.get(3)?,
                actor: row.get(4)?,
                status: Status::from_db(&status),
                attempts: row.get(6)?,
                last_attempt_at: row.get(7)?,
                last_result: row.get(8)?,
                next_attempt_at: row.get(9)?,
                done_at: row.get(10)?,
            })
        },
    )
}

/// What one `run_pending` did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Runs that exited 0.
    pub done: usize,
    /// Runs that did not; each is retried later.
    pub failed: usize,
}

/// An event a runner holds the lease of.
struct Claimed {
    id: i64,
    event: String,
    email: String,
    at: DateTime<Utc>,
    actor: String,
    user_json: String,
    attempts: i64,
}

/// The events that may run now: not done, due, not claimed by a live
/// runner, and with no earlier event of the same user still to be done.
const RUNNABLE: &str = "FROM hook_events e
     WHERE e.status <> 'done'
       AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= ?1)
       AND (e.claimed_until IS NULL OR e.claimed_until <= ?1)
       AND NOT EXISTS (SELECT 1 FROM hook_events b
                       WHERE b.user_id = e.user_id AND b.id < e.id AND b.status <> 'done')";

/// Runs `[hooks] command` for every event that may run now, one after
/// another, until none is left or `stop` says to stop; `actor` is who the
/// audit log names for each run, `clock` the time (asked at each claim and
/// each result). Events that fail are left for later.
pub fn run_pending(
    conn: &mut Database,
    hooks: &Hooks,
    actor: &str,
    clock: &dyn Fn() -> DateTime<Utc>,
    stop: &dyn Fn() -> bool,
) -> Result<Summary> {
    let Some(command) = hooks.command.as_deref() else {
        return Err(not_set());
    };
    let mut summary = Summary::default();
    while !stop() {
        let Some(claimed) = claim(conn, hooks.timeout, clock())? else {
            break;
        };
        let ran = run_one(command, hooks.timeout, &claimed, stop);
        let succeeded = matches!(ran.end, End::Exited(0));
        finish(conn, &claimed, &ran, actor, clock())?;
        if succeeded {
            summary.done += 1;
        } else {
            summary.failed += 1;
        }
    }
    Ok(summary)
}

/// Deletes the events that were done more than `retention` before `now`;
/// how many. A read first, so that an idle runner never takes the lock;
/// the done events have no index of their own, so the runner calls it once
/// an hour, not at every look for due events.
pub fn prune(conn: &mut Database, retention: Duration, now: DateTime<Utc>) -> Result<usize> {
    let before = time::sub(now, retention);
    let any: Option<i64> = conn.query_row(
        "SELECT id FROM hook_events WHERE status = 'done' AND done_at < ?1 LIMIT 1",
        params![before],
        |row| row.get(0),
    )?;
    if any.is_none() {
        return Ok(0);
    }
    let tx = conn.write()?;
    let pruned = tx.execute(
        "DELETE FROM hook_events WHERE status = 'done' AND done_at < ?1",
        params![before],
    )?;
    tx.commit()?;
    Ok(pruned)
}

/// The events not done yet, and when the oldest of them was recorded.
pub fn waiting(conn: &Database) -> Result<(i64, Option<DateTime<Utc>>)> {
    conn.query_one(
        "SELECT count(*), min(at) FROM hook_events WHERE status <> 'done'",
        &[],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}

/// Which events `hooks retry` makes due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    /// These, by id.
    Ids(Vec<i64>),
    /// Every failed one.
    Failed,
}

/// What `retry` did with each event asked for, in the order asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retried {
    /// It was waiting for its next attempt; it is due now.
    DueNow(i64),
    /// It was due already: not run yet, or its next attempt has come (it
    /// may wait for an earlier event of its user).
    AlreadyDue(i64),
    /// It is done; nothing to run again.
    Done(i64),
}

/// Makes events that are not done due at `now`, so that the next runner runs
/// them at once instead of after their backoff; audited (action
/// `hook retry`). An id that is no event is refused and nothing is changed.
pub fn retry(
    conn: &mut Database,
    which: &Retry,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Retried>> {
    let tx = conn.write()?;
    let found: Vec<Candidate> = match which {
        Retry::Failed => tx.query(
            "SELECT id, status, next_attempt_at, event, email FROM hook_events
             WHERE status = 'failed' ORDER BY id",
            &[],
            retry_row,
        )?,
        Retry::Ids(ids) => {
            let mut found = Vec::new();
            let mut missing = Vec::new();
            for id in ids {
                if found.iter().any(|c: &Candidate| c.id == *id) {
                    continue;
                }
                match tx.query_row(
                    "SELECT id, status, next_attempt_at, event, email FROM hook_events WHERE id = ?1",
                    params![*id],
                    retry_row,
                )? {
                    Some(row) => found.push(row),
                    None => missing.push(id.to_string()),
                }
            }
            if !missing.is_empty() {
                return Err(Error::Refused(format!(
                    "there is no hook event {} (done events are deleted after [hooks] retention); \
                     see `invitectl hooks list`",
                    missing.join(", ")
                )));
            }
            found
        }
    };
    let mut retried = Vec::with_capacity(found.len());
    for Candidate {
        id,
        status,
        next_attempt_at,
        event,
        email,
    } in found
    {
        let outcome = match status {
            Status::Done => Retried::Done(id),
            _ if next_attempt_at.is_none_or(|next| next <= now) => Retried::AlreadyDue(id),
            _ => {
                tx.execute(
                    "UPDATE hook_events SET next_attempt_at = ?2 WHERE id = ?1 AND status <> 'done'",
                    params![id, now],
                )?;
                audit::record_detail(
                    &tx,
                    now,
                    actor,
                    "hook retry",
                    &email,
                    Some(&format!("{event} (event {id}) is due now")),
                )?;
                Retried::DueNow(id)
            }
        };
        retried.push(outcome);
    }
    tx.commit()?;
    Ok(retried)
}

/// An event `retry` was asked about.
struct Candidate {
    id: i64,
    status: Status,
    next_attempt_at: Option<DateTime<Utc>>,
    event: String,
    email: String,
}

fn retry_row(row: &db::Row<'_>) -> Result<Candidate> {
    let status: String = row.get(1)?;
    Ok(Candidate {
        id: row.get(0)?,
        status: Status::from_db(&status),
        next_attempt_at: row.get(2)?,
        event: row.get(3)?,
        email: row.get(4)?,
    })
}

/// Records one `user.synced` event for every active user, as they are now,
/// in one transaction (audited as `hooks sync`): a new target gets everyone
/// from the next runs. Each waits behind its user's earlier events. How many.
pub fn sync(conn: &mut Database, actor: &str, now: DateTime<Utc>) -> Result<usize> {
    let tx = conn.write()?;
    let active = users::list(&tx, &[users::UserStatus::Active])?;
    record_all(&tx, Event::Synced, &active, actor, now)?;
    audit::record_detail(
        &tx,
        now,
        actor,
        "hooks sync",
        Event::Synced.as_str(),
        Some(&match active.len() {
            1 => "1 event, one per active user".to_string(),
            n => format!("{n} events, one per active user"),
        }),
    )?;
    tx.commit()?;
    Ok(active.len())
}

/// "[hooks] command is not set" as a usage error (exit 2).
pub fn not_set() -> Error {
    Error::Config(
        "[hooks] command is not set, so there are no hooks to run; set it in the config file \
         (or INVITECTL_HOOKS_COMMAND) to run the command for each change to a user (the events \
         are recorded either way; see `invitectl hooks list`)"
            .into(),
    )
}

/// Takes the lease of the oldest event that may run now, in a short write
/// transaction; a read first, so that an idle runner never takes the lock.
fn claim(conn: &mut Database, timeout: Duration, now: DateTime<Utc>) -> Result<Option<Claimed>> {
    let any: Option<i64> = conn.query_row(
        &format!("SELECT e.id {RUNNABLE} ORDER BY e.id LIMIT 1"),
        params![now],
        |row| row.get(0),
    )?;
    if any.is_none() {
        return Ok(None);
    }
    let tx = conn.write()?;
    let claimed = tx.query_row(
        &format!(
            "SELECT e.id, e.event, e.email, e.at, e.actor, e.user_json, e.attempts {RUNNABLE}
             ORDER BY e.id LIMIT 1"
        ),
        params![now],
        |row| {
            Ok(Claimed {
                id: row.get(0)?,
                event: row.get(1)?,
                email: row.get(2)?,
                at: row.get(3)?,
                actor: row.get(4)?,
                user_json: row.get(5)?,
                attempts: row.get(6)?,
            })
        },
    )?;
    if let Some(claimed) = &claimed {
        let until = time::add(time::add(now, timeout), LEASE_MARGIN);
        tx.execute(
            "UPDATE hook_events SET claimed_until = ?2 WHERE id = ?1",
            params![claimed.id, until],
        )?;
    }
    tx.commit()?;
    Ok(claimed)
}

/// Records how a run ended, with an audit log entry, and gives the lease back.
fn finish(
    conn: &mut Database,
    claimed: &Claimed,
    ran: &Ran,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let result = ran.result();
    let attempts = claimed.attempts + 1;
    let tx = conn.write()?;
    if matches!(ran.end, End::Exited(0)) {
        tx.execute(
            "UPDATE hook_events SET status = 'done', attempts = ?2, last_attempt_at = ?3,
                    last_result = ?4, done_at = ?3, next_attempt_at = NULL, claimed_until = NULL
             WHERE id = ?1",
            params![claimed.id, attempts, now, &result],
        )?;
    } else {
        let next = match ran.end {
            // Stopped by a shutdown: the next runner may take it at once.
            End::Stopped => now,
            _ => time::add(now, backoff(attempts)),
        };
        tx.execute(
            "UPDATE hook_events SET status = 'failed', attempts = ?2, last_attempt_at = ?3,
                    last_result = ?4, next_attempt_at = ?5, claimed_until = NULL
             WHERE id = ?1 AND status <> 'done'",
            params![claimed.id, attempts, now, &result, next],
        )?;
    }
    audit::record_detail(
        &tx,
        now,
        actor,
        "hook",
        &claimed.email,
        Some(&format!(
            "{} (event {}) {result}",
            claimed.event, claimed.id
        )),
    )?;
    tx.commit()
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    Exited(i32),
    Signalled(i32),
    TimedOut(Duration),
    /// The runner was asked to stop (serve-accept shutting down).
    Stopped,
    /// The command could not be started at all.
    NotStarted(String),
}

/// A run: how it ended and what it printed (stdout and stderr, capped).
struct Ran {
    end: End,
    output: String,
}

impl Ran {
    /// `exit 0`, `exit 1: <output>`, `timed out after 30s: <output>`, …
    fn result(&self) -> String {
        let end = match &self.end {
            End::Exited(code) => format!("exit {code}"),
            End::Signalled(signal) => format!("killed by signal {signal}"),
            End::TimedOut(timeout) => {
                format!("timed out after {}", time::format_duration(*timeout))
            }
            End::Stopped => "stopped: invitectl was shutting down".to_string(),
            End::NotStarted(reason) => format!("could not start: {reason}"),
        };
        if self.output.is_empty() {
            end
        } else {
            format!("{end}: {}", self.output)
        }
    }
}

/// The event as the command gets it, on stdin and in `INVITECTL_EVENT`.
fn event_json(claimed: &Claimed) -> String {
    let user: serde_json::Value =
        serde_json::from_str(&claimed.user_json).unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "id": claimed.id,
        "event": claimed.event,
        "at": time::stamp(claimed.at),
        "actor": claimed.actor,
        "user": user,
    })
    .to_string()
}

/// Where a hook finds programs when invitectl itself was given no PATH.
const DEFAULT_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// Runs the command for one event: `/bin/sh -c command` in a process group
/// of its own (no terminal: stdin is the event, stdout and stderr one pipe),
/// in a clean environment. When it ends, is timed out or told to stop,
/// whatever is left of its group is killed.
fn run_one(command: &str, timeout: Duration, claimed: &Claimed, stop: &dyn Fn() -> bool) -> Ran {
    let json = event_json(claimed);
    let not_started = |reason: String| Ran {
        end: End::NotStarted(reason),
        output: String::new(),
    };
    let (mut reader, writer) = match std::io::pipe() {
        Ok(pipe) => pipe,
        Err(e) => return not_started(e.to_string()),
    };
    let for_stderr = match writer.try_clone() {
        Ok(writer) => writer,
        Err(e) => return not_started(e.to_string()),
    };
    let mut shell = Command::new("/bin/sh");
    shell
        .arg("-c")
        .arg(command)
        .env_clear()
        .env(
            "PATH",
            std::env::var_os("PATH")
                .filter(|path| !path.is_empty())
                .unwrap_or_else(|| DEFAULT_PATH.into()),
        )
        .envs(
            ["HOME", "LANG"]
                .into_iter()
                .filter_map(|name| std::env::var_os(name).map(|value| (name, value))),
        )
        .env("INVITECTL_EVENT", &json)
        .env("INVITECTL_EVENT_ID", claimed.id.to_string())
        .env("INVITECTL_EMAIL", &claimed.email)
        .stdin(Stdio::piped())
        .stdout(writer)
        .stderr(for_stderr)
        .process_group(0);
    let spawned = shell.spawn();
    // Our copies of the pipe's writing end go, so that it ends with the hook's.
    drop(shell);
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => return not_started(e.to_string()),
    };
    let group = nix::unistd::Pid::from_raw(child.id() as i32);
    if let Some(mut stdin) = child.stdin.take() {
        // A hook that never reads its stdin is no failure.
        std::thread::spawn(move || {
            let _ = stdin.write_all(json.as_bytes());
        });
    }
    let output = Arc::new(Mutex::new((Vec::new(), false)));
    let (done_reading, read) = std::sync::mpsc::channel();
    {
        let output = output.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            loop {
                match reader.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut kept = output.lock().expect("hook output lock");
                        let room = OUTPUT_CAP.saturating_sub(kept.0.len());
                        kept.0.extend_from_slice(&buffer[..n.min(room)]);
                        kept.1 |= n > room;
                    }
                }
            }
            let _ = done_reading.send(());
        });
    }

    let started = Instant::now();
    let end = loop {
        // Not known (None) only when it was reaped already: then it is over.
        if exited(&child) != Some(false) {
            break None;
        }
        if started.elapsed() >= timeout {
            break Some(End::TimedOut(timeout));
        }
        if stop() {
            break Some(End::Stopped);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // Whatever the hook started goes with it.
    let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
    let status = child.wait();
    let end = end.unwrap_or_else(|| match status {
        Ok(status) => match (status.code(), status.signal()) {
            (Some(code), _) => End::Exited(code),
            (None, Some(signal)) => End::Signalled(signal),
            (None, None) => End::Exited(-1),
        },
        Err(e) => End::NotStarted(e.to_string()),
    });
    // A process that left the group may still hold the pipe: not for long.
    let _ = read.recv_timeout(Duration::from_secs(1));
    let (bytes, truncated) = output.lock().expect("hook output lock").clone();
    let mut output = String::from_utf8_lossy(&bytes).trim().to_string();
    if truncated {
        output.push_str(" … (truncated)");
    }
    Ran { end, output }
}

/// Whether the child has exited, without reaping it: its process group
/// still exists until it is reaped, so what it left behind can be killed.
fn exited(child: &std::process::Child) -> Option<bool> {
    use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    match waitid(
        Id::Pid(pid),
        WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT,
    ) {
        Ok(WaitStatus::StillAlive) => Some(false),
        Ok(_) => Some(true),
        Err(_) => None,
    }
}

/// How long the hook runner waits before it looks for due events again.
const HOOK_POLL: Duration = Duration::from_secs(1);
/// How often the runner deletes done events past `[hooks] retention`.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// serve-accept's runner: runs `[hooks] command` for each due event, on a
/// thread of its own (it blocks on the database and on the hook), until
/// told to stop.
pub struct Runner {
    stop: Arc<AtomicBool>,
    finished: Option<std::sync::mpsc::Receiver<()>>,
}

impl Runner {
    pub fn start(config: &Config) -> Runner {
        let stop = Arc::new(AtomicBool::new(false));
        if config.hooks.command.is_none() {
            return Runner {
                stop,
                finished: None,
            };
        }
        let (done, finished) = std::sync::mpsc::channel();
        let (target, hooks, stopping) =
            (config.database.clone(), config.hooks.clone(), stop.clone());
        std::thread::Builder::new()
            .name("hooks".into())
            .spawn(move || {
                let stopped = || stopping.load(Ordering::SeqCst);
                let mut conn = None;
                let mut failing: Option<String> = None;
                let mut pruned: Option<Instant> = None;
                while !stopped() {
                    let result = (|| {
                        let conn = match &mut conn {
                            Some(conn) => conn,
                            None => conn.insert(db::connect(&target)?),
                        };
                        if pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                            prune(conn, hooks.retention, Utc::now())?;
                            pruned = Some(Instant::now());
                        }
                        run_pending(conn, &hooks, "serve-accept", &Utc::now, &stopped)
                    })();
                    match result {
                        Ok(_) => failing = None,
                        Err(e) => {
                            // Said once while it stays the same, not every second.
                            let said = e.to_string();
                            if failing.as_ref() != Some(&said) {
                                eprintln!("error: hooks could not be run: {said}");
                                failing = Some(said);
                            }
                            // A connection that failed is not trusted again.
                            conn = None;
                        }
                    }
                    let slept = Instant::now();
                    while !stopped() && slept.elapsed() < HOOK_POLL {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                }
                let _ = done.send(());
            })
            .expect("start the hooks thread");
        Runner {
            stop,
            finished: Some(finished),
        }
    }

    /// Asks the thread to stop; a hook that is running is killed.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Waits, at most `grace`, for the thread to end. Blocks: call it off the async threads.
    pub fn finish(&self, grace: Duration) {
        self.stop();
        if let Some(finished) = &self.finished {
            let _ = finished.recv_timeout(grace);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
    }

    fn minutes(n: i64) -> chrono::TimeDelta {
        chrono::TimeDelta::minutes(n)
    }

    /// An event of user `user` in `status`, with its times; its id.
    fn event(
        conn: &Database,
        user: i64,
        status: Status,
        next_attempt_at: Option<DateTime<Utc>>,
        done_at: Option<DateTime<Utc>>,
    ) -> i64 {
        conn.query_one(
            "INSERT INTO hook_events (event, user_id, email, at, actor, user_json, status,
                                      next_attempt_at, done_at)
             VALUES ('user.changed', ?1, 'ann@acme.example', ?2, 'root', '{}', ?3, ?4, ?5)
             RETURNING id",
            params![user, t0(), status.as_str(), next_attempt_at, done_at],
            |row| row.get(0),
        )
        .unwrap()
    }

    fn ids(conn: &Database, status: Status) -> Vec<i64> {
        list(conn, &[status])
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect()
    }

    #[test]
    fn done_events_go_after_the_retention_and_no_other_ever() {
        let mut conn = db::for_tests();
        let day = Duration::from_secs(86_400);
        event(&conn, 1, Status::Done, None, Some(t0()));
        let young = event(&conn, 1, Status::Done, None, Some(t0() + minutes(60)));
        let failed = event(&conn, 2, Status::Failed, Some(t0()), None);
        let pending = event(&conn, 3, Status::Pending, None, None);
        assert_eq!(prune(&mut conn, day, t0() + minutes(24 * 60)).unwrap(), 0);
        assert_eq!(
            prune(&mut conn, day, t0() + minutes(24 * 60 + 1)).unwrap(),
            1
        );
        assert_eq!(ids(&conn, Status::Done), [young]);
        assert_eq!(
            prune(&mut conn, day, t0() + minutes(365 * 24 * 60)).unwrap(),
            1
        );
        assert_eq!(ids(&conn, Status::Done), Vec::<i64>::new());
        assert_eq!(ids(&conn, Status::Failed), [failed]);
        assert_eq!(ids(&conn, Status::Pending), [pending]);
        assert_eq!(waiting(&conn).unwrap(), (2, Some(t0())));
    }

    #[test]
    fn retry_makes_only_waiting_events_due_at_the_instant_given() {
        let mut conn = db::for_tests();
        let later = t0() + minutes(30);
        let waiting_one = event(&conn, 1, Status::Failed, Some(later), None);
        let due_already = event(&conn, 2, Status::Failed, Some(t0()), None);
        let not_run = event(&conn, 3, Status::Pending, None, None);
        let done = event(&conn, 4, Status::Done, None, Some(t0()));
        let now = t0() + minutes(5);
        let retried = retry(
            &mut conn,
            &Retry::Ids(vec![waiting_one, due_already, not_run, done, waiting_one]),
            "root",
            now,
        )
        .unwrap();
        assert_eq!(
            retried,
            [
                Retried::DueNow(waiting_one),
                Retried::AlreadyDue(due_already),
                Retried::AlreadyDue(not_run),
                Retried::Done(done),
            ]
        );
        let next: Option<DateTime<Utc>> = conn
            .query_one(
                "SELECT next_attempt_at FROM hook_events WHERE id = ?1",
                params![waiting_one],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(next, Some(now));
        // An unknown id: refused, nothing changed.
        let other = event(&conn, 5, Status::Failed, Some(later), None);
        assert!(matches!(
            retry(&mut conn, &Retry::Ids(vec![other, 999]), "root", now),
            Err(Error::Refused(_))
        ));
        assert_eq!(
            retry(&mut conn, &Retry::Failed, "root", now).unwrap(),
            [
                Retried::AlreadyDue(waiting_one),
                Retried::AlreadyDue(due_already),
                Retried::DueNow(other),
            ]
        );
    }

    #[test]
    fn retries_back_off_from_thirty_seconds_to_an_hour() {
        let seconds: Vec<u64> = (1..=9).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(seconds, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(1000), BACKOFF_CAP);
    }
}
