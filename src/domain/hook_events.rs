//! The hooks' outbox: every change to a user writes an event into
//! `hook_events` in the transaction that makes the change, so a crash loses
//! none and a rolled-back change sends none, whichever host makes it. A
//! runner ([`crate::hooks`]) claims an event under a lease in one short write
//! transaction, runs the command outside any transaction, and records the
//! result in another. An event is `pending` until first run, `failed` after
//! a run that did not exit 0 (run again from `next_attempt_at`, 30 s·2ⁿ⁻¹
//! after the n-th failure, at most an hour later), and `done` after one that
//! exited 0. A later event of a user waits until every earlier one of that
//! user is done. Done events are deleted `[hooks] retention` after they
//! were done. Every function takes `now`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::{self, Database, Value};
use crate::domain::audit;
use crate::domain::user::{self, User};
use crate::error::{Error, Result};
use crate::{params, time};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not run yet (or waiting for an earlier event of the same user)
    Pending,
    /// The last run failed; run again from next_attempt_at
    Failed,
    /// The command exited 0
    Done,
}

crate::stored_words!(Status {
    Pending => "pending",
    Failed => "failed",
    Done => "done",
} else Pending);

/// The first retry comes this long after a failed run; each next one twice as long.
pub const BACKOFF_BASE: Duration = Duration::from_secs(30);

/// Retries are never further apart than this.
pub const BACKOFF_CAP: Duration = Duration::from_secs(3600);

/// A claim lasts the timeout and this much more: a runner that was killed
/// leaves its event to the next runner once it has passed.
pub const LEASE_MARGIN: Duration = Duration::from_secs(60);

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
    let user = user::get(tx, user_id)?;
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
    let wanted = db::word_list(wanted.iter().map(|s| s.as_str()));
    conn.query(
        &format!(
            "SELECT id, event, email, at, actor, status, attempts, last_attempt_at, last_result,
                    next_attempt_at, done_at
             FROM hook_events WHERE status IN ({wanted}) ORDER BY id"
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

/// An event a runner holds the lease of.
pub struct Claimed {
    pub id: i64,
    pub event: String,
    pub email: String,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub user_json: String,
    pub attempts: i64,
}

/// The events that may run now: not done, due, not claimed by a live
/// runner, and with no earlier event of the same user still to be done.
pub const RUNNABLE: &str = "FROM hook_events e
     WHERE e.status <> 'done'
       AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= ?1)
       AND (e.claimed_until IS NULL OR e.claimed_until <= ?1)
       AND NOT EXISTS (SELECT 1 FROM hook_events b
                       WHERE b.user_id = e.user_id AND b.id < e.id AND b.status <> 'done')";

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
    let active = user::list(&tx, &[user::UserStatus::Active])?;
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

/// Takes the lease of the oldest event that may run now, in a short write
/// transaction; a read first, so that an idle runner never takes the lock.
pub fn claim(
    conn: &mut Database,
    timeout: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Claimed>> {
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

/// How a run of the command ended, as the runner tells it.
pub struct RunEnd {
    /// The command exited 0.
    pub succeeded: bool,
    /// The run was cut short by a shutdown: the next runner may take it at once.
    pub run_again_now: bool,
    /// `exit 0`, `exit 1: <output>`, `timed out after 30s: <output>`, …
    pub result: String,
}

/// Records how a run ended, with an audit log entry, and gives the lease back.
pub fn finish(
    conn: &mut Database,
    claimed: &Claimed,
    ran: &RunEnd,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let result = &ran.result;
    let attempts = claimed.attempts + 1;
    let tx = conn.write()?;
    if ran.succeeded {
        tx.execute(
            "UPDATE hook_events SET status = 'done', attempts = ?2, last_attempt_at = ?3,
                    last_result = ?4, done_at = ?3, next_attempt_at = NULL, claimed_until = NULL
             WHERE id = ?1",
            params![claimed.id, attempts, now, result.as_str()],
        )?;
    } else {
        let next = if ran.run_again_now {
            now
        } else {
            time::add(now, backoff(attempts))
        };
        tx.execute(
            "UPDATE hook_events SET status = 'failed', attempts = ?2, last_attempt_at = ?3,
                    last_result = ?4, next_attempt_at = ?5, claimed_until = NULL
             WHERE id = ?1 AND status <> 'done'",
            params![claimed.id, attempts, now, result.as_str(), next],
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
