//! Raw argon2id hashes per second at invitectl's parameters, on one thread and
//! on every core: the ceiling for POST /accept (bench/web.sh runs this).
//!
//!     cargo bench --bench argon2_rate
//!     cargo bench --bench argon2_rate -- THREADS SECONDS
//!
//! With THREADS and SECONDS it measures only that, and prints one line:
//! `hashes_per_second=<rate>` (for scripts that alternate it with a server).

use std::time::{Duration, Instant};

fn rate(threads: usize, run_for: Duration) -> f64 {
    let started = Instant::now();
    let hashes: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut count = 0;
                    while started.elapsed() < run_for {
                        invitectl::password::hash("correct horse battery").unwrap();
                        count += 1;
                    }
                    count
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    hashes as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if let [threads, seconds] = &args[..] {
        let threads: usize = threads.parse().expect("THREADS: a number");
        let seconds: f64 = seconds.parse().expect("SECONDS: a number");
        println!(
            "hashes_per_second={:.1}",
            rate(threads, Duration::from_secs_f64(seconds))
        );
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let run_for = Duration::from_secs(3);
    println!(
        "argon2id m=19456 t=2 p=1, 1 thread:  {:.1} hashes/s",
        rate(1, run_for)
    );
    println!(
        "argon2id m=19456 t=2 p=1, {cores} threads: {:.1} hashes/s",
        rate(cores, run_for)
    );
}
