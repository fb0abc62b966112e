//! Delivery leases: which process is sending a batch, so that a crash
//! leaves its mail queued for the next one, and the record of each attempt.

use super::*;

/// One hand-over of a message to the transport.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub invitation_id: i64,
    pub at: DateTime<Utc>,
    pub transport: &'static str,
    pub message_id: Option<String>,
    /// What the far end said, or why it failed.
    pub outcome: std::result::Result<String, String>,
}

/// How long a sending process's claim on its batch lasts unless renewed.
pub const SENDER_LEASE: std::time::Duration = std::time::Duration::from_secs(120);

/// A process that is sending a batch: while its lease is fresh, `resend
/// --failed` leaves that batch's queued invitations alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sender(pub(super) i64);

/// This process on this host, as a sender.
#[derive(Debug, Clone)]
pub struct Process {
    pub host: String,
    pub pid: u32,
}

/// Registers this process as a sender, before it writes what it will send.
pub fn start_sending(conn: &mut Database, me: &Process, now: DateTime<Utc>) -> Result<Sender> {
    let tx = conn.write()?;
    tx.execute("DELETE FROM senders WHERE expires_at <= ?1", params![now])?;
    let id = tx.query_one(
        "INSERT INTO senders (host, pid, expires_at) VALUES (?1, ?2, ?3) RETURNING id",
        params![&me.host, me.pid, time::add(now, SENDER_LEASE)],
        |row| row.get(0),
    )?;
    tx.commit()?;
    Ok(Sender(id))
}

/// Ends the leases of senders on this host whose process is gone (killed or
/// crashed), so what they were sending is picked up at once, not when the
/// lease runs out. `is_running` tells whether a process id is alive here.
pub fn end_dead_senders(
    conn: &mut Database,
    host: &str,
    is_running: impl Fn(u32) -> bool,
) -> Result<()> {
    let on_this_host: Vec<(i64, i64)> = conn.query(
        "SELECT id, pid FROM senders WHERE host = ?1",
        params![host],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let dead: Vec<i64> = on_this_host
        .into_iter()
        .filter(|(_, pid)| u32::try_from(*pid).is_ok_and(|pid| !is_running(pid)))
        .map(|(id, _)| id)
        .collect();
    if dead.is_empty() {
        return Ok(());
    }
    let tx = conn.write()?;
    for id in dead {
        tx.execute("DELETE FROM senders WHERE id = ?1", params![id])?;
    }
    tx.commit()?;
    Ok(())
}

/// Renews the lease: this process is still sending.
pub fn keep_sending(conn: &Database, sender: Sender, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE senders SET expires_at = ?2 WHERE id = ?1",
        params![sender.0, time::add(now, SENDER_LEASE)],
    )?;
    Ok(())
}

/// Ends the lease: whatever is still queued is free for `resend --failed`.
pub fn stop_sending(conn: &Database, sender: Sender) -> Result<()> {
    conn.execute("DELETE FROM senders WHERE id = ?1", params![sender.0])?;
    Ok(())
}

/// Records delivery attempts and each invitation's delivery state, in one
/// transaction, a statement or two for many attempts.
pub fn record_deliveries(conn: &mut Database, attempts: &[Attempt]) -> Result<()> {
    if attempts.is_empty() {
        return Ok(());
    }
    let tx = conn.write()?;
    for chunk in attempts.chunks(WRITE_CHUNK) {
        let states: Vec<(&str, String)> = chunk
            .iter()
            .map(|attempt| match &attempt.outcome {
                Ok(detail) => (detail.as_str(), "sent".to_string()),
                Err(reason) => (reason.as_str(), format!("failed: {reason}")),
            })
            .collect();
        let mut values = Vec::with_capacity(chunk.len() * 6);
        for (attempt, (detail, _)) in chunk.iter().zip(&states) {
            values.extend([
                Value::Int(attempt.invitation_id),
                Value::Time(attempt.at),
                Value::Text(attempt.transport),
                Value::Bool(attempt.outcome.is_ok()),
                Value::Text(detail),
                attempt.message_id.as_deref().into(),
            ]);
        }
        tx.execute(
            &format!(
                "INSERT INTO delivery_attempts (invitation_id, attempted_at, transport, succeeded, detail, message_id)
                 VALUES {}",
                db::row_slots(chunk.len(), 6)
            ),
            &values,
        )?;
        let values: Vec<Value> = chunk
            .iter()
            .zip(&states)
            .flat_map(|(attempt, (_, state))| {
                [Value::Int(attempt.invitation_id), Value::Text(state)]
            })
            .collect();
        let cases: Vec<String> = (0..chunk.len())
            .map(|i| format!("WHEN ?{} THEN ?{}", 2 * i + 1, 2 * i + 2))
            .collect();
        let ids: Vec<String> = (0..chunk.len())
            .map(|i| format!("?{}", 2 * i + 1))
            .collect();
        tx.execute(
            &format!(
                "UPDATE invitations SET delivery = CASE id {} END WHERE id IN ({})",
                cases.join(" "),
                ids.join(", ")
            ),
            &values,
        )?;
    }
    tx.commit()?;
    Ok(())
}
