//! The hooks' runner: hands each event of the outbox
//! ([`crate::domain::hook_events`]) to `[hooks] command`, one at a time, in
//! its own process group, with a timeout, and records how it ended. A hook
//! never undoes the change that made its event. The runner reads the clock
//! through the `clock` it is given.

use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::config::{Config, Hooks};
use crate::db::{self, Database};
use crate::domain::hook_events::{Claimed, RunEnd, claim, finish, prune};
use crate::error::{Error, Result};
use crate::time;

/// What a hook prints is kept, in the audit log and `hooks list`, up to this many bytes.
pub const OUTPUT_CAP: usize = 4096;

/// What one `run_pending` did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Runs that exited 0.
    pub done: usize,
    /// Runs that did not; each is retried later.
    pub failed: usize,
}

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
        let end = RunEnd {
            succeeded,
            run_again_now: ran.end == End::Stopped,
            result: ran.result(),
        };
        finish(conn, &claimed, &end, actor, clock())?;
        if succeeded {
            summary.done += 1;
        } else {
            summary.failed += 1;
        }
    }
    Ok(summary)
}

/// "`[hooks] command` is not set" as a usage error (exit 2).
pub fn not_set() -> Error {
    Error::Config(
        "[hooks] command is not set, so there are no hooks to run; set it in the config file \
         (or INVITECTL_HOOKS_COMMAND) to run the command for each change to a user (the events \
         are recorded either way; see `invitectl hooks list`)"
            .into(),
    )
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
