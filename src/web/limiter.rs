//! Counts failed attempts (bad tokens, wrong passwords) per client address and
//! refuses an address that fails too often, for a while.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(10 * 60);
const MAX_FAILURES: u32 = 20;
/// Addresses remembered at most, so a flood of addresses cannot exhaust memory.
const MAX_ADDRESSES: usize = 100_000;

pub struct Limiter {
    failures: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Limiter {
    pub fn new() -> Limiter {
        Limiter {
            failures: Mutex::new(HashMap::new()),
        }
    }

    pub fn is_blocked(&self, ip: IpAddr, now: Instant) -> bool {
        let failures = self.failures.lock().expect("limiter lock");
        failures.get(&ip).is_some_and(|(since, count)| {
            now.duration_since(*since) < WINDOW && *count >= MAX_FAILURES
        })
    }

    pub fn record_failure(&self, ip: IpAddr, now: Instant) {
        let mut failures = self.failures.lock().expect("limiter lock");
        if failures.len() >= MAX_ADDRESSES {
            failures.retain(|_, (since, _)| now.duration_since(*since) < WINDOW);
        }
        let entry = failures.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_too_many_failures_until_the_window_passes() {
        let limiter = Limiter::new();
        let (ip, other): (IpAddr, IpAddr) =
            ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        let start = Instant::now();
        for _ in 0..MAX_FAILURES {
            assert!(!limiter.is_blocked(ip, start));
            limiter.record_failure(ip, start);
        }
        assert!(limiter.is_blocked(ip, start));
        assert!(!limiter.is_blocked(other, start));
        assert!(!limiter.is_blocked(ip, start + WINDOW));
    }
}
