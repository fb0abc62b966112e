//! Password reset mail from /forgot, sent after the answer: the page says
//! the same, in the same time, whether or not the address has an account,
//! and the work of issuing a link and mailing it happens here, on a thread
//! of its own, one request after another.

use std::net::IpAddr;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;

use super::pools::Pool;
use crate::config::Config;
use crate::domain::resets;
use crate::mail::Transport;
use crate::mail::delivery;
use crate::mail::templates::Templates;

/// Requests waiting to be mailed at most; more are dropped (and logged),
/// as the rate limits already refuse a flood from one place.
const QUEUE: usize = 1024;

/// How long a request waits before its work starts: by then its answer has
/// left, so that the work (database writes, a message, maybe an SMTP
/// session) cannot take CPU from writing the answer on a busy machine and
/// make it later for an address that has an account than for one that has
/// none. Requests queued meanwhile wait their own time, not one another's.
const AFTER_THE_ANSWER: Duration = Duration::from_millis(20);

/// One "forgot password" request.
struct Job {
    email: String,
    client: IpAddr,
    due: Instant,
}

pub(super) struct Mailer {
    queue: Mutex<Option<SyncSender<Job>>>,
    /// Says when the thread has finished what was queued.
    finished: Mutex<Option<Receiver<()>>>,
}

impl Mailer {
    pub(super) fn start(config: Config, templates: Templates, pool: Arc<Pool>) -> Mailer {
        let (queue, jobs) = sync_channel::<Job>(QUEUE);
        let (done, finished) = channel();
        std::thread::Builder::new()
            .name("mailer".into())
            .spawn(move || {
                // One connection to the mail server while requests keep
                // coming; closed whenever the queue runs dry.
                let mut connection = None;
                loop {
                    let job = match jobs.try_recv() {
                        Ok(job) => job,
                        Err(_) => {
                            connection = None;
                            match jobs.recv() {
                                Ok(job) => job,
                                Err(_) => break,
                            }
                        }
                    };
                    if let Some(wait) = job.due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    mail_one(&config, &templates, &pool, &mut connection, job);
                }
                let _ = done.send(());
            })
            .expect("start the mail thread");
        Mailer {
            queue: Mutex::new(Some(queue)),
            finished: Mutex::new(Some(finished)),
        }
    }

    /// Queues a request without waiting; `false` when it was dropped.
    pub(super) fn request(&self, email: String, client: IpAddr) -> bool {
        let queue = self.queue.lock().expect("mail queue lock");
        let job = Job {
            email,
            client,
            due: Instant::now() + AFTER_THE_ANSWER,
        };
        match queue.as_ref().map(|q| q.try_send(job)) {
            Some(Ok(())) => true,
            Some(Err(TrySendError::Full(_))) => {
                eprintln!("warning: the password reset mail queue is full; a request was dropped");
                false
            }
            Some(Err(TrySendError::Disconnected(_))) | None => false,
        }
    }

    /// Takes no more requests and waits, at most `grace`, for the queued
    /// ones to be mailed. Blocks: call it off the async threads.
    pub(super) fn finish(&self, grace: Duration) {
        self.queue.lock().expect("mail queue lock").take();
        if let Some(finished) = self.finished.lock().expect("mail queue lock").take() {
            let _ = finished.recv_timeout(grace);
        }
    }
}

/// Issues a link when the address is an active user's, and mails it. What
/// goes wrong is logged, without the link, and recorded with the link.
fn mail_one(
    config: &Config,
    templates: &Templates,
    pool: &Pool,
    connection: &mut Option<Box<dyn Transport>>,
    job: Job,
) {
    let client = format!("from {}", job.client);
    let issued =
        pool.write(|tx| resets::request(tx, &config.organization, &job.email, &client, Utc::now()));
    let issued = match issued {
        Ok(Some(issued)) => issued,
        Ok(None) => return,
        Err(e) => {
            eprintln!("error: a password reset link could not be issued: {e}");
            return;
        }
    };
    let environment = |name: &str| std::env::var(name).ok();
    let outcome = delivery::send_reset(
        config,
        templates,
        &issued,
        connection,
        &environment,
        Utc::now(),
    );
    if let Err(reason) = &outcome {
        eprintln!("error: a password reset mail could not be sent: {reason}");
    }
    if let Err(e) = pool.write(|tx| resets::record_delivery(tx, issued.id, &outcome)) {
        eprintln!("error: the delivery of a password reset mail could not be recorded: {e}");
    }
}
