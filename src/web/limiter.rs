//! Failed attempts (bad tokens, wrong passwords), counted in the database so
//! that every serve-accept on it shares them: per client address, per target
//! account, and per address and account. A counter at its limit refuses
//! further attempts until its window has passed. Requests for a password
//! reset link are counted the same way, on counters of their own: each one
//! may send a mail.
//!
//! Every function runs inside the caller's write transaction, so checking and
//! counting are one atomic step however many requests race.

use std::net::IpAddr;

use crate::db::Database;
use chrono::{DateTime, Utc};

use crate::cidr::{canonical, client_network};
use crate::domain::audit;
use crate::error::Result;
use crate::params;

pub const WINDOW_SECONDS: i64 = 10 * 60;
/// Failures one client address may make, and failures against one account
/// from all addresses together.
pub const MAX_FAILURES: i64 = 20;
/// Failures one address may make against one account. Below `MAX_FAILURES`,
/// so that no single address can use up an account's allowance and lock its
/// owner out.
pub const MAX_FAILURES_PER_ACCOUNT_FROM_ONE_ADDRESS: i64 = 5;
/// Reset links one client address may ask for, for any accounts.
pub const MAX_RESET_REQUESTS: i64 = 20;
/// Reset links asked for one account, from all addresses together: each
/// mails the account's owner and replaces the link before.
pub const MAX_RESET_REQUESTS_PER_ACCOUNT: i64 = 5;
/// From one address for one account: below the account's limit, so that one
/// address cannot use it up and keep the owner from asking.
pub const MAX_RESET_REQUESTS_PER_ACCOUNT_FROM_ONE_ADDRESS: i64 = 3;
/// Logins, successful or not, into one account a minute: a success gives
/// its failure back, so without this someone holding a password could log in
/// without limit.
pub const MAX_LOGINS_PER_ACCOUNT_PER_MINUTE: i64 = 10;
/// Reset mails one account can be sent in a day, whoever asks.
pub const MAX_RESET_REQUESTS_PER_ACCOUNT_PER_DAY: i64 = 10;
const MINUTE: i64 = 60;
/// The key prefix of the counters that last a day, which are pruned a day on.
const DAILY: &str = "reset requests a day ";
const DAY: i64 = 24 * 3600;
/// Expired rows deleted along with each new failure: enough that rows never
/// pile up, few enough that no request pays for a big clean-up.
const PRUNE_BATCH: i64 = 16;

/// What one attempt is counted against.
#[derive(Clone)]
pub struct Attempt {
    address: IpAddr,
    account: Option<String>,
    purpose: Purpose,
}

#[derive(Clone, Copy)]
enum Purpose {
    /// A token or a password: a guess, on the page named.
    Guess(&'static str),
    /// A reset link asked for on /forgot.
    Reset,
    /// A new invitation link asked for on the Invitation Expired page (/renew).
    Renew,
}

impl Attempt {
    /// An invitation token tried from `address`: the token names no account.
    pub fn token(address: IpAddr) -> Attempt {
        Attempt {
            address,
            account: None,
            purpose: Purpose::Guess("accept"),
        }
    }

    /// A password reset token tried from `address`; counted with invitation
    /// tokens, as guessing one is guessing the other.
    pub fn reset_token(address: IpAddr) -> Attempt {
        Attempt {
            purpose: Purpose::Guess("reset"),
            ..Attempt::token(address)
        }
    }

    /// A password tried for `email` from `address`.
    pub fn login(address: IpAddr, email: &str) -> Attempt {
        Attempt {
            address,
            account: Some(crate::domain::sessions::attempted_address(email)),
            purpose: Purpose::Guess("login"),
        }
    }

    /// A reset link asked for `email` from `address`.
    pub fn reset_request(address: IpAddr, email: &str) -> Attempt {
        Attempt {
            purpose: Purpose::Reset,
            ..Attempt::login(address, email)
        }
    }

    /// A new invitation link asked for `email` (the expired invitation's
    /// address) from `address`: counted like reset link requests, on
    /// counters of its own, as each may send a mail.
    pub fn renewal(address: IpAddr, email: &str) -> Attempt {
        Attempt {
            purpose: Purpose::Renew,
            ..Attempt::login(address, email)
        }
    }

    fn counters(&self) -> Vec<Counter> {
        let mut counters = self.guess_counters();
        let account = self.account.as_deref();
        match (self.purpose, account) {
            (Purpose::Renew, _) => {
                for (counter, limit) in counters.iter_mut().zip([
                    MAX_RESET_REQUESTS,
                    MAX_RESET_REQUESTS_PER_ACCOUNT,
                    MAX_RESET_REQUESTS_PER_ACCOUNT_FROM_ONE_ADDRESS,
                ]) {
                    counter.key = format!("renew request {}", counter.key);
                    counter.limit = limit;
                }
            }
            (Purpose::Reset, _) => {
                for (counter, limit) in counters.iter_mut().zip([
                    MAX_RESET_REQUESTS,
                    MAX_RESET_REQUESTS_PER_ACCOUNT,
                    MAX_RESET_REQUESTS_PER_ACCOUNT_FROM_ONE_ADDRESS,
                ]) {
                    counter.key = format!("reset request {}", counter.key);
                    counter.limit = limit;
                }
                if let Some(account) = account {
                    counters.push(Counter::kept(
                        format!("{DAILY}account {account}"),
                        MAX_RESET_REQUESTS_PER_ACCOUNT_PER_DAY,
                        DAY,
                    ));
                }
            }
            (Purpose::Guess(_), Some(account)) => counters.push(Counter::kept(
                format!("logins a minute account {account}"),
                MAX_LOGINS_PER_ACCOUNT_PER_MINUTE,
                MINUTE,
            )),
            (Purpose::Guess(_), None) => {}
        }
        counters
    }

    fn guess_counters(&self) -> Vec<Counter> {
        let address = match canonical(self.address) {
            IpAddr::V4(v4) => format!("address {v4}"),
            v6 => format!("address {}", client_network(v6)),
        };
        let mut counters = vec![Counter::failures(address.clone(), MAX_FAILURES)];
        if let Some(account) = &self.account {
            counters.push(Counter::failures(
                format!("account {account}"),
                MAX_FAILURES,
            ));
            counters.push(Counter::failures(
                format!("{address} account {account}"),
                MAX_FAILURES_PER_ACCOUNT_FROM_ONE_ADDRESS,
            ));
        }
        counters
    }
}

/// One count kept in the rate_limits table.
struct Counter {
    key: String,
    limit: i64,
    window_seconds: i64,
    /// Whether a success takes its count back ([`give_back`]).
    failures_only: bool,
}

impl Counter {
    fn failures(key: String, limit: i64) -> Counter {
        Counter {
            key,
            limit,
            window_seconds: WINDOW_SECONDS,
            failures_only: true,
        }
    }

    /// Counts successes too.
    fn kept(key: String, limit: i64, window_seconds: i64) -> Counter {
        Counter {
            key,
            limit,
            window_seconds,
            failures_only: false,
        }
    }
}

/// Which of the attempt's counters is at its limit, if any. Only reads.
pub fn limit_reached(
    conn: &Database,
    attempt: &Attempt,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    for Counter {
        key,
        limit,
        window_seconds,
        ..
    } in attempt.counters()
    {
        let since = now.timestamp() - window_seconds;
        let count: Option<i64> = conn.query_row(
            "SELECT count FROM rate_limits WHERE key = ?1 AND window_start > ?2",
            params![&key, since],
            |row| row.get(0),
        )?;
        if count.unwrap_or(0) >= limit {
            return Ok(Some(format!("{key} is at its limit of {limit}")));
        }
    }
    Ok(None)
}

/// Writes a refusal, and the counter that caused it, to the audit log.
pub fn refuse(conn: &Database, attempt: &Attempt, limit: &str, now: DateTime<Utc>) -> Result<()> {
    let address = attempt.address.to_string();
    let page = match attempt.purpose {
        Purpose::Guess(page) => page,
        Purpose::Reset => "forgot",
        Purpose::Renew => "renew",
    };
    let (actor, subject) = match &attempt.account {
        Some(account) => (account.as_str(), account.as_str()),
        None => (address.as_str(), page),
    };
    let detail = format!("from {address}: {limit}");
    audit::record_detail(conn, now, actor, "rate limited", subject, Some(&detail))
}

/// Whether the attempt may go ahead; a refusal is written to the audit log.
pub fn check(conn: &Database, attempt: &Attempt, now: DateTime<Utc>) -> Result<bool> {
    match limit_reached(conn, attempt, now)? {
        Some(limit) => {
            refuse(conn, attempt, &limit, now)?;
            Ok(false)
        }
        None => Ok(true),
    }
}

/// Counts one failure on each of the attempt's counters.
pub fn count(conn: &Database, attempt: &Attempt, now: DateTime<Utc>) -> Result<()> {
    let now = now.timestamp();
    for counter in attempt.counters() {
        let since = now - counter.window_seconds;
        let key = counter.key;
        // Column values on the right of SET are the row's old ones.
        conn.execute(
            "INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
             ON CONFLICT (key) DO UPDATE SET
                 count = CASE WHEN rate_limits.window_start > ?3 THEN rate_limits.count + 1 ELSE 1 END,
                 window_start = CASE WHEN rate_limits.window_start > ?3 THEN rate_limits.window_start ELSE ?2 END",
            params![&key, now, since],
        )?;
    }
    conn.execute(
        "DELETE FROM rate_limits WHERE key IN
             (SELECT key FROM rate_limits
              WHERE window_start <= ?1 AND (key NOT LIKE ?3 OR window_start <= ?4) LIMIT ?2)",
        params![
            now - WINDOW_SECONDS,
            PRUNE_BATCH,
            &format!("{DAILY}%"),
            now - DAY
        ],
    )?;
    Ok(())
}

/// Checks and, when the attempt may go ahead, counts it as a failure until
/// [`give_back`] says it succeeded: so no number of concurrent attempts gets
/// past the limit while the slow part (a password hash) runs.
pub fn reserve(conn: &Database, attempt: &Attempt, now: DateTime<Utc>) -> Result<bool> {
    if !check(conn, attempt, now)? {
        return Ok(false);
    }
    count(conn, attempt, now)?;
    Ok(true)
}

/// Takes back a reserved attempt that turned out to be a success.
pub fn give_back(conn: &Database, attempt: &Attempt, now: DateTime<Utc>) -> Result<()> {
    for counter in attempt.counters().into_iter().filter(|c| c.failures_only) {
        let since = now.timestamp() - counter.window_seconds;
        conn.execute(
            "UPDATE rate_limits SET count = count - 1 WHERE key = ?1 AND window_start > ?2 AND count > 0",
            params![&counter.key, since],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::db;

    fn rows(conn: &Database) -> i64 {
        conn.query_one("SELECT count(*) FROM rate_limits", &[], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn an_address_is_refused_after_too_many_failures_until_the_window_passes() {
        let conn = db::for_tests();
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let (ip, other) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        for _ in 0..MAX_FAILURES {
            assert!(reserve(&conn, &Attempt::token(ip), start).unwrap());
        }
        assert!(!reserve(&conn, &Attempt::token(ip), start).unwrap());
        assert!(check(&conn, &Attempt::token(other), start).unwrap());
        let later = start + chrono::Duration::seconds(WINDOW_SECONDS);
        assert!(check(&conn, &Attempt::token(ip), later).unwrap());
        // Each new failure clears away expired rows.
        count(&conn, &Attempt::token(other), later).unwrap();
        assert_eq!(rows(&conn), 1);
    }

    #[test]
    fn one_address_cannot_lock_an_account_but_many_addresses_share_its_limit() {
        let conn = db::for_tests();
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let attacker: IpAddr = "198.51.100.1".parse().unwrap();
        let owner: IpAddr = "203.0.113.5".parse().unwrap();
        let mut allowed = 0;
        while reserve(&conn, &Attempt::login(attacker, "Ann@acme.example"), now).unwrap() {
            allowed += 1;
        }
        assert_eq!(allowed, MAX_FAILURES_PER_ACCOUNT_FROM_ONE_ADDRESS);
        assert!(check(&conn, &Attempt::login(owner, "ann@acme.example"), now).unwrap());

        // Slower than the account's logins a minute, to reach its failures.
        let mut sprayed = allowed;
        let mut at = now;
        for i in 0..30 {
            at = now + chrono::Duration::seconds(60 + 7 * i);
            let ip: IpAddr = format!("10.0.0.{i}").parse().unwrap();
            if reserve(&conn, &Attempt::login(ip, "ann@acme.example"), at).unwrap() {
                sprayed += 1;
            }
        }
        assert_eq!(sprayed, MAX_FAILURES);
        let attempt = Attempt::login(owner, "ann@acme.example");
        assert!(!check(&conn, &attempt, at).unwrap());
        let refusals: i64 = conn.query_one("SELECT count(*) FROM audit_log WHERE action = 'rate limited' AND actor = 'ann@acme.example'", &[],
                |r| r.get(0),
            )
            .unwrap();
        assert!(refusals > 0);
    }

    #[test]
    fn reset_requests_have_counters_of_their_own() {
        let conn = db::for_tests();
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let ip: IpAddr = "198.51.100.1".parse().unwrap();
        let mut allowed = 0;
        while reserve(&conn, &Attempt::reset_request(ip, "ann@acme.example"), now).unwrap() {
            allowed += 1;
        }
        assert_eq!(allowed, MAX_RESET_REQUESTS_PER_ACCOUNT_FROM_ONE_ADDRESS);
        // Logging in, and asking for another account, are not held up.
        assert!(check(&conn, &Attempt::login(ip, "ann@acme.example"), now).unwrap());
        assert!(check(&conn, &Attempt::reset_request(ip, "bob@acme.example"), now).unwrap());
        // The owner, elsewhere, may still ask until the account's own limit.
        let mut from_elsewhere = 0;
        for i in 0..10 {
            let other: IpAddr = format!("203.0.113.{i}").parse().unwrap();
            if reserve(
                &conn,
                &Attempt::reset_request(other, "ann@acme.example"),
                now,
            )
            .unwrap()
            {
                from_elsewhere += 1;
            }
        }
        assert_eq!(allowed + from_elsewhere, MAX_RESET_REQUESTS_PER_ACCOUNT);
        let refused: String = conn
            .query_one(
                "SELECT detail FROM audit_log WHERE action = 'rate limited' ORDER BY id LIMIT 1",
                &[],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            refused.starts_with("from 198.51.100.1: reset request "),
            "{refused}"
        );
    }

    #[test]
    fn a_success_gives_its_failure_back_but_counts_on_the_accounts_logins_a_minute() {
        let conn = db::for_tests();
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let ip: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        let attempt = Attempt::login(ip, "ann@acme.example");
        for _ in 0..MAX_LOGINS_PER_ACCOUNT_PER_MINUTE {
            assert!(reserve(&conn, &attempt, now).unwrap());
            give_back(&conn, &attempt, now).unwrap();
        }
        assert!(!reserve(&conn, &attempt, now).unwrap());
        let elsewhere = Attempt::login("203.0.113.9".parse().unwrap(), "ann@acme.example");
        assert!(!check(&conn, &elsewhere, now).unwrap(), "per account");
        let next_minute = now + chrono::Duration::seconds(MINUTE);
        assert!(reserve(&conn, &attempt, next_minute).unwrap());
    }

    #[test]
    fn an_account_gets_a_days_ceiling_of_reset_mails_from_any_number_of_addresses() {
        let conn = db::for_tests();
        let mut now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let mut sent = 0;
        for i in 0..100 {
            let ip: IpAddr = format!("203.0.113.{i}").parse().unwrap();
            if reserve(&conn, &Attempt::reset_request(ip, "ann@acme.example"), now).unwrap() {
                sent += 1;
            }
            now += chrono::Duration::minutes(11);
        }
        assert_eq!(sent, MAX_RESET_REQUESTS_PER_ACCOUNT_PER_DAY);
        now += chrono::Duration::days(1);
        let ip: IpAddr = "203.0.113.1".parse().unwrap();
        assert!(reserve(&conn, &Attempt::reset_request(ip, "ann@acme.example"), now).unwrap());
    }
}
