//! `serve-accept`: the invitee's pages. A thin adapter over the same library
//! calls as the CLI; every page gets the security headers, every connection
//! the timeouts, and password hashing a bounded pool.

mod handlers;
mod limiter;
mod pages;
mod pools;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
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

use crate::config::Config;
use crate::db;
use crate::error::{Error, Result};
use handlers::{
    accept_page, accept_submit, dashboard, login_page, login_submit, logout, not_found,
};
use limiter::Limiter;
use pools::{Pool, Workers};

/// A client must send its whole request head within this time; on a kept-alive
/// connection it is also how long the connection may sit idle.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Form posts are a few hundred bytes; nothing legitimate comes near this.
const BODY_LIMIT: usize = 64 * 1024;
/// Open connections at once; more are closed as they arrive.
const MAX_CONNECTIONS: usize = 1024;
/// Password checks waiting for a hashing thread at most; more get "busy".
/// About ten seconds of work at 100 hashes a second.
const HASHING_QUEUE: usize = 1024;
/// Blocking threads for database reads; requests beyond wait their turn.
const MAX_BLOCKING_THREADS: usize = 32;
/// A whole request, body and answer included: a client that trickles its
/// body holds its connection no longer than this.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// How long in-flight requests get to finish at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
const COOKIE: &str = "invitectl_session";

pub struct Options {
    pub bind: String,
    pub quiet: bool,
}

struct App {
    config: Config,
    database: Pool,
    /// Argon2 runs here, on one thread per core, so GETs never wait behind it.
    hashing: Workers,
    limiter: Limiter,
    quiet: bool,
    content_security_policy: HeaderValue,
}

type Shared = Arc<App>;

/// Serves until SIGINT or SIGTERM.
pub fn serve(config: Config, options: Options) -> Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .build()
        .map_err(|e| Error::Other(anyhow::anyhow!("cannot start the server runtime: {e}")))?
        .block_on(run(config, options))
}

async fn run(config: Config, options: Options) -> Result<()> {
    drop(db::open(&config.database_path)?);
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

    let app = Arc::new(App {
        content_security_policy: content_security_policy(&config.organization.dashboard_url),
        database: Pool::new(config.database_path.clone()),
        hashing: Workers::new(std::thread::available_parallelism().map_or(2, |n| n.get())),
        limiter: Limiter::new(),
        quiet: options.quiet,
        config,
    });
    let router = routes(app);
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
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
                    drop(permit);
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    eprintln!("shutting down");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
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
        .route("/dashboard", get(dashboard))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", axum::routing::post(logout))
        .route("/healthz", get(|| async { "ok" }))
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
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(app.clone(), every_response))
        .with_state(app)
}

/// `form-action 'self'` would stop the redirect to a dashboard on another origin.
fn content_security_policy(dashboard_url: &str) -> HeaderValue {
    let dashboard_origin = ["https://", "http://"]
        .iter()
        .find_map(|scheme| {
            dashboard_url.strip_prefix(scheme).map(|rest| {
                let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
                format!(" {scheme}{host}")
            })
        })
        .unwrap_or_default();
    let policy = format!(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'{dashboard_origin}; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static("default-src 'none'"))
}

/// Security headers and a time limit on every response, and a log line with
/// the method and path only: tokens travel in query strings and forms, never in paths.
async fn every_response(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().escape_default().to_string();
    let mut response = match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => (
            StatusCode::REQUEST_TIMEOUT,
            [(header::CONNECTION, "close")],
            "request timeout",
        )
            .into_response(),
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
    if !app.quiet {
        eprintln!(
            "{method} {path} {} {}ms",
            response.status().as_u16(),
            started.elapsed().as_millis()
        );
    }
    response
}

/// The client's address; behind a reverse proxy on this machine, the one it forwarded.
fn client_ip(peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if peer.ip().is_loopback()
        && let Some(forwarded) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return forwarded;
    }
    peer.ip()
}
