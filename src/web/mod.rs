//! `serve-accept`: the invitee's pages. A thin adapter over the same library
//! calls as the CLI; every page gets the security headers, every connection
//! the timeouts, and password hashing a bounded pool.

mod accept;
mod cookie;
mod expired;
mod forward;
mod language;
mod limiter;
mod link;
mod login;
mod mailer;
mod pages;
mod pools;
mod renew;
mod reset;
mod respond;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::cidr::{Cidr, canonical, client_network};
use crate::config::Config;
use crate::domain::hook_events;
use crate::error::{Error, Result};
use crate::mail::templates::Templates;
use crate::{db, hooks};
use accept::{accept_page, accept_submit};
use login::{dashboard, dashboard_submit, login_page, login_submit, logout};
use mailer::Mailer;
use pools::{Pool, Workers};
use renew::renew_submit;
use reset::{forgot_page, forgot_submit, reset_page, reset_submit};
use respond::not_found;

/// A client must send its whole request head within this time; on a kept-alive
/// connection it is also how long the connection may sit idle.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Form posts are a few hundred bytes; nothing legitimate comes near this.
const BODY_LIMIT: usize = 64 * 1024;
/// Open connections at once; more are closed as they arrive.
const MAX_CONNECTIONS: usize = 1024;
/// Open connections from one client (an address, an IPv6 client by its /64;
/// a trusted proxy is not one client), so that one client cannot take every
/// slot. Browsers open six.
const MAX_CONNECTIONS_PER_ADDRESS: usize = 64;
/// The last connection slots are kept for clients with few connections, so
/// that a few clients at their maximum cannot shut new ones out.
const HEADROOM: usize = 256;
const MAX_CONNECTIONS_PER_ADDRESS_IN_HEADROOM: usize = 8;
/// Password checks waiting for a hashing thread at most; more get "busy".
/// About ten seconds of work at 100 hashes a second.
const HASHING_QUEUE: usize = 1024;
/// Blocking threads for database work (all of it on PostgreSQL; on SQLite,
/// all but the short reads); requests beyond wait their turn.
const MAX_BLOCKING_THREADS: usize = 32;
/// Receiving a request's body: a client that trickles it holds its connection
/// no longer than this. Once the body is in, the work is never cut off, so a
/// request is either done and answered, or not done.
const BODY_TIMEOUT: Duration = Duration::from_secs(15);
/// How long in-flight requests get to finish at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
const COOKIE: &str = "invitectl_session";

pub struct Options {
    pub bind: String,
    pub quiet: bool,
}

struct App {
    config: Config,
    database: Arc<Pool>,
    /// Sends password reset mail after /forgot has answered.
    mailer: Mailer,
    /// Argon2 runs here, on one thread per core, so GETs never wait behind it.
    hashing: Workers,
    quiet: bool,
    content_security_policy: HeaderValue,
    /// `scheme://host[:port]` of base_url, as a browser sends it in `Origin`.
    origin: String,
}

type Shared = Arc<App>;

/// How far this host's clock may be from the database's before it is said
/// loudly: expiry is decided by the clock of whichever host answers.
const MAX_CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::seconds(30);

/// A warning when this host's clock is too far from the database's.
fn clock_skew(
    database: chrono::DateTime<chrono::Utc>,
    here: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    let skew = here - database;
    (skew.abs() > MAX_CLOCK_SKEW).then(|| {
        let direction = if skew > chrono::TimeDelta::zero() {
            "ahead of"
        } else {
            "behind"
        };
        format!(
            "this host's clock is {} s {direction} the database's; links expire by the clock, \
             so fix this host's time synchronization (NTP)",
            skew.num_seconds().abs()
        )
    })
}

/// What a host without `[hooks] command` says at start-up when the database
/// holds events not done yet: it records events, but runs none.
fn hooks_elsewhere(
    (waiting, oldest): (i64, Option<chrono::DateTime<chrono::Utc>>),
) -> Option<String> {
    let oldest = oldest?;
    (waiting > 0).then(|| {
        let events = if waiting == 1 { "event" } else { "events" };
        format!(
            "this host has no [hooks] command, and the database holds {waiting} hook {events} \
             not yet done (the oldest recorded {}); this host records events but runs none: \
             they run where [hooks] command is set (serve-accept, or `invitectl hooks run` from cron); \
             see `invitectl hooks list`",
            crate::time::stamp(oldest)
        )
    })
}

/// Serves until SIGINT or SIGTERM.
pub fn serve(config: Config, options: Options) -> Result<()> {
    // /forgot mails reset links: an operator's template with a mistake stops
    // the server here; mail settings that cannot work are said loudly.
    let templates = crate::mail::templates::Templates::load(&config.mail)?;
    if let Err(e) = crate::mail::check_settings(&config, &|name| std::env::var(name).ok()) {
        eprintln!("warning: password reset mail cannot be sent: {e}");
    }
    // Created or migrated here, before the runtime: the PostgreSQL client
    // may not run on its threads.
    let database = db::open(&config.database)?;
    if let Some(notice) = database.creation_notice() {
        eprintln!("{notice}");
    }
    if let Some(warning) = clock_skew(database.clock()?, chrono::Utc::now()) {
        eprintln!("warning: {warning}");
    }
    if config.hooks.command.is_none()
        && let Some(note) = hooks_elsewhere(hook_events::waiting(&database)?)
    {
        eprintln!("note: {note}");
    }
    drop(database);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .build()
        .map_err(|e| Error::Other(anyhow::anyhow!("cannot start the server runtime: {e}")))?
        .block_on(run(config, templates, options))
}

async fn run(config: Config, templates: Templates, options: Options) -> Result<()> {
    let listener = TcpListener::bind(&options.bind).await.map_err(|e| {
        Error::Config(format!(
            "cannot listen on {}: {e}; choose another --bind or [server] bind",
            options.bind
        ))
    })?;
    let address = listener
        .local_addr()
        .map_err(|e| Error::Other(anyhow::anyhow!("cannot read the bound address: {e}")))?;
    eprintln!("listening on http://{address}");

    let database = Arc::new(Pool::new(config.database.clone()));
    let hook_runner = hooks::Runner::start(&config);
    let app = Arc::new(App {
        content_security_policy: content_security_policy(
            &config.organization.dashboard_url,
            &config.organization.base_url,
            &config.allowed_redirect_hosts,
        ),
        mailer: Mailer::start(config.clone(), templates, database.clone()),
        database,
        hashing: Workers::new(std::thread::available_parallelism().map_or(2, |n| n.get())),
        origin: origin_of(&config.organization.base_url),
        quiet: options.quiet,
        config,
    });
    let trusted_proxies = app.config.trusted_proxies.clone();
    let router = routes(app.clone());
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let per_address = Arc::new(Mutex::new(HashMap::new()));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else {
                    // Out of file descriptors and the like: back off a moment.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let Ok(permit) = connections.clone().try_acquire_owned() else {
                    continue;
                };
                let client = canonical(peer.ip());
                let slot = if trusted(&trusted_proxies, client) {
                    None
                } else {
                    let busy = connections.available_permits() < HEADROOM;
                    let Some(slot) = AddressSlot::take(&per_address, client, busy) else {
                        continue;
                    };
                    Some(slot)
                };
                let _ = stream.set_nodelay(true);
                let service = router.clone().map_request(move |mut request: Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    request
                });
                let connection = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_READ_TIMEOUT)
                    .max_buf_size(16 * 1024)
                    .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = connection.await;
                    drop((permit, slot));
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    eprintln!("shutting down");
    hook_runner.stop();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
    // Reset mail asked for before the end still goes out; a hook that is
    // running is stopped, and its event run again later.
    let _ = tokio::task::spawn_blocking(move || {
        app.mailer.finish(SHUTDOWN_GRACE);
        hook_runner.finish(SHUTDOWN_GRACE);
    })
    .await;
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

fn routes(app: Shared) -> Router {
    Router::new()
        .route("/accept", get(accept_page).post(accept_submit))
        .route("/dashboard", get(dashboard).post(dashboard_submit))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", axum::routing::post(logout))
        .route("/forgot", get(forgot_page).post(forgot_submit))
        .route("/reset", get(reset_page).post(reset_submit))
        .route("/renew", axum::routing::post(renew_submit))
        .route("/healthz", get(respond::health))
        .route("/auth", get(forward::auth))
        .route(
            "/style.css",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                    pages::STYLESHEET,
                )
            }),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(app.clone(), every_response))
        .with_state(app)
}

/// `form-action 'self'` would stop the redirect to a dashboard on another
/// origin, and the login form's to an app in `allowed_redirect_hosts`
/// (browsers apply form-action to the redirects after a form's POST too).
fn content_security_policy(
    dashboard_url: &str,
    base_url: &str,
    allowed_redirect_hosts: &[String],
) -> HeaderValue {
    let dashboard_origin = ["https://", "http://"]
        .iter()
        .find_map(|scheme| {
            dashboard_url.strip_prefix(scheme).map(|rest| {
                let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
                format!(" {scheme}{host}")
            })
        })
        .unwrap_or_default();
    let schemes: &[&str] = if base_url.starts_with("https://") {
        &["https"]
    } else {
        &["http", "https"]
    };
    let apps: String = allowed_redirect_hosts
        .iter()
        .flat_map(|host| {
            schemes
                .iter()
                .map(move |scheme| format!(" {scheme}://{host}"))
        })
        .collect();
    let policy = format!(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'{dashboard_origin}{apps}; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static("default-src 'none'"))
}

/// Security headers on every response, and a log line with the method and
/// path only: tokens travel in query strings and forms, never in paths.
async fn every_response(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let logged = (!app.quiet).then(|| {
        let path = request.uri().path().escape_default().to_string();
        (request.method().clone(), path)
    });
    let mut response = match checked(&app, request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) => refusal,
    };
    let headers = response.headers_mut();
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        app.content_security_policy.clone(),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if let Some((method, path)) = logged {
        eprintln!(
            "{method} {path} {} {}ms",
            response.status().as_u16(),
            started.elapsed().as_millis()
        );
    }
    response
}

/// What every request must pass before a handler sees it: a POST must come
/// from this site, and its whole body must arrive, within its size and time
/// limits, before any work begins.
async fn checked(app: &App, request: Request) -> std::result::Result<Request, Response> {
    if request.method() == Method::POST && from_another_site(request.headers(), &app.origin) {
        let t = language::browser_texts(app, request.headers());
        return Err(respond::forbidden(app, &t));
    }
    if request.body().is_end_stream() {
        return Ok(request);
    }
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > BODY_LIMIT as u64) {
        return Err(refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request body too large",
        ));
    }
    match tokio::time::timeout(BODY_TIMEOUT, receive(body)).await {
        Err(_) => Err(refusal(StatusCode::REQUEST_TIMEOUT, "request timeout")),
        Ok(Err(status)) => Err(refusal(status, "bad request body")),
        Ok(Ok(bytes)) => Ok(Request::from_parts(parts, Body::from(bytes))),
    }
}

/// The whole body, at most `BODY_LIMIT` bytes.
async fn receive(mut body: Body) -> std::result::Result<Vec<u8>, StatusCode> {
    let mut bytes = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| StatusCode::BAD_REQUEST)?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > BODY_LIMIT {
                return Err(StatusCode::PAYLOAD_TOO_LARGE);
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

/// An answer before any work, after which the connection is not reused.
fn refusal(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONNECTION, "close")], text).into_response()
}

/// Cross-site request forgery: whether a browser says this request comes
/// from another site. `Sec-Fetch-Site`, where a browser sends it, decides:
/// `same-site` is refused too, as a sibling host under the same domain is not
/// this application. (With `Referrer-Policy: no-referrer` such a browser sends
/// `Origin: null` even from this site.) An older browser is judged by
/// `Origin`. A client that sends neither is not a browser (curl, a script),
/// and no web page can make a browser send neither.
fn from_another_site(headers: &HeaderMap, origin: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(sent) = headers.get(header::ORIGIN) else {
        return false;
    };
    let sent = sent.to_str().unwrap_or_default();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let to_host = ["https://", "http://"].iter().any(|scheme| {
        sent.strip_prefix(scheme)
            .is_some_and(|rest| !host.is_empty() && rest.eq_ignore_ascii_case(host))
    });
    !(sent.eq_ignore_ascii_case(origin) || to_host)
}

/// `https://host[:port]` of a URL, without a default port, as browsers write `Origin`.
fn origin_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => parsed.origin().ascii_serialization(),
        Err(_) => url.to_lowercase(),
    }
}

fn trusted(proxies: &[Cidr], ip: IpAddr) -> bool {
    proxies.iter().any(|range| range.contains(ip))
}

/// The client's address: the peer's, or when the peer is a trusted proxy, the
/// right-most address in X-Forwarded-For that is not itself a trusted proxy
/// (addresses further left were written by the client and prove nothing).
fn client_ip(proxies: &[Cidr], peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    let mut client = canonical(peer.ip());
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .rev()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.rsplit(','));
    for hop in forwarded {
        if !trusted(proxies, client) {
            break;
        }
        match hop.trim().parse() {
            Ok(ip) => client = canonical(ip),
            Err(_) => break,
        }
    }
    client
}

/// One of a client's connections; the count goes down when it is dropped.
struct AddressSlot {
    counts: Arc<Mutex<HashMap<Cidr, usize>>>,
    client: Cidr,
}

impl AddressSlot {
    /// None when the client already has its maximum, which is lower when
    /// the server is `busy` (in its headroom). The map holds only clients
    /// with open connections, so it is never larger than `MAX_CONNECTIONS`.
    fn take(
        counts: &Arc<Mutex<HashMap<Cidr, usize>>>,
        address: IpAddr,
        busy: bool,
    ) -> Option<AddressSlot> {
        let client = client_network(address);
        let limit = if busy {
            MAX_CONNECTIONS_PER_ADDRESS_IN_HEADROOM
        } else {
            MAX_CONNECTIONS_PER_ADDRESS
        };
        let mut map = counts.lock().expect("connection counts lock");
        let count = map.entry(client).or_insert(0);
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            counts: counts.clone(),
            client,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut map = self.counts.lock().expect("connection counts lock");
        if let Some(count) = map.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                map.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_written_the_way_browsers_send_them() {
        assert_eq!(
            origin_of("https://Invite.Acme.example/sub/"),
            "https://invite.acme.example"
        );
        assert_eq!(
            origin_of("https://invite.acme.example:443"),
            "https://invite.acme.example"
        );
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }

    #[test]
    fn the_client_is_the_right_most_address_no_trusted_proxy_wrote() {
        let proxies: Vec<Cidr> = ["127.0.0.1/32", "10.0.0.0/8"]
            .iter()
            .map(|r| r.parse().unwrap())
            .collect();
        let client = |peer: &str, forwarded: &[&'static str]| {
            let mut headers = HeaderMap::new();
            for value in forwarded {
                headers.append("x-forwarded-for", HeaderValue::from_static(value));
            }
            client_ip(&proxies, peer.parse().unwrap(), &headers).to_string()
        };
        assert_eq!(client("127.0.0.1:1", &["198.51.100.7"]), "198.51.100.7");
        assert_eq!(
            client("[::ffff:127.0.0.1]:1", &["198.51.100.7"]),
            "198.51.100.7"
        );
        // What the client wrote itself, left of what the proxies added, proves nothing.
        assert_eq!(
            client("127.0.0.1:1", &["1.2.3.4, 198.51.100.7, 10.1.1.1"]),
            "198.51.100.7"
        );
        assert_eq!(
            client("127.0.0.1:1", &["1.2.3.4", "198.51.100.7"]),
            "198.51.100.7"
        );
        assert_eq!(client("203.0.113.5:1", &["198.51.100.7"]), "203.0.113.5");
        assert_eq!(client("127.0.0.1:1", &["garbage"]), "127.0.0.1");
        assert_eq!(client("127.0.0.1:1", &[]), "127.0.0.1");
    }

    #[test]
    fn posts_from_other_sites_are_recognised() {
        let origin = "https://invite.acme.example";
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_static(value));
            }
            map
        };
        assert!(!from_another_site(&headers(&[]), origin));
        assert!(!from_another_site(
            &headers(&[("sec-fetch-site", "same-origin"), ("origin", "null")]),
            origin
        ));
        assert!(!from_another_site(
            &headers(&[
                ("origin", "http://127.0.0.1:8080"),
                ("host", "127.0.0.1:8080")
            ]),
            origin
        ));
        assert!(from_another_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            origin
        ));
        assert!(from_another_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            origin
        ));
        assert!(from_another_site(
            &headers(&[("origin", "https://evil.example")]),
            origin
        ));
        assert!(from_another_site(&headers(&[("origin", "null")]), origin));
    }

    #[test]
    fn an_ipv6_client_is_its_64_and_a_busy_server_keeps_room_for_new_clients() {
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let held: Vec<AddressSlot> = (0..MAX_CONNECTIONS_PER_ADDRESS)
            .map(|i| {
                let address = format!("2001:db8:1:2::{:x}", i + 1).parse().unwrap();
                AddressSlot::take(&counts, address, false).expect("a slot")
            })
            .collect();
        let same_64 = "2001:db8:1:2:ffff::1".parse().unwrap();
        assert!(AddressSlot::take(&counts, same_64, false).is_none());
        let next_64 = "2001:db8:1:3::1".parse().unwrap();
        let in_headroom: Vec<_> = (0..MAX_CONNECTIONS_PER_ADDRESS)
            .map_while(|_| AddressSlot::take(&counts, next_64, true))
            .collect();
        assert_eq!(in_headroom.len(), MAX_CONNECTIONS_PER_ADDRESS_IN_HEADROOM);
        drop(held);
        assert!(counts.lock().unwrap().len() == 1);
    }
}
