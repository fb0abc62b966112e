//! `serve-accept`: the invitee's pages. A thin adapter over the same library
//! calls as the CLI; every page gets the security headers, every connection
//! the timeouts, and password hashing a bounded pool.

mod limiter;
mod pages;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Form, Query, Request, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rusqlite::Connection;
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::invitations::{self, Acceptance, Invitation};
use crate::token::Token;
use crate::{db, sessions};
use limiter::Limiter;

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

/// Open database connections kept for the next request: opening one costs
/// more than most queries here.
struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// Idle connections kept at most; a burst beyond that opens and drops its own.
const POOL_SIZE: usize = 16;

impl Pool {
    fn new(path: PathBuf) -> Pool {
        Pool {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn run<T>(&self, work: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let idle = self.idle.lock().expect("pool lock").pop();
        let mut conn = match idle {
            Some(conn) => conn,
            None => db::connect(&self.path)?,
        };
        let result = work(&mut conn);
        let mut idle = self.idle.lock().expect("pool lock");
        if idle.len() < POOL_SIZE {
            idle.push(conn);
        }
        result
    }
}

/// A fixed set of threads for password hashing. Each argon2 call takes 19 MiB;
/// keeping it to a few threads bounds that memory (and the allocator's
/// per-thread arenas that would keep it) however many requests arrive.
struct Workers {
    queue: SyncSender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

impl Workers {
    fn new(threads: usize) -> Workers {
        let (queue, jobs) = sync_channel::<Job>(HASHING_QUEUE);
        let jobs = Arc::new(Mutex::new(jobs));
        for index in 0..threads {
            let jobs = jobs.clone();
            std::thread::Builder::new()
                .name(format!("hashing-{index}"))
                .spawn(move || {
                    loop {
                        let job = jobs.lock().expect("job queue lock").recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                })
                .expect("start a hashing thread");
        }
        Workers { queue }
    }

    /// Runs work on a hashing thread; None when the queue is full.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        self.queue
            .try_send(Box::new(move || {
                let _ = done.send(work());
            }))
            .ok()?;
        result.await.ok()
    }
}

/// Runs database work that hashes a password, on a hashing thread.
async fn hashing<T: Send + 'static>(
    app: &Shared,
    work: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
) -> Option<Result<T>> {
    let worker_app = app.clone();
    app.hashing.run(move || worker_app.database.run(work)).await
}

/// Runs database work off the async threads, on a pooled connection.
async fn blocking<T: Send + 'static>(
    app: &Shared,
    work: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
) -> Result<T> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || app.database.run(work))
        .await
        .map_err(|e| Error::Other(anyhow::anyhow!("a request task failed: {e}")))?
}

fn html(status: StatusCode, page: impl Template) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            eprintln!("error: cannot render a page: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn message(
    app: &App,
    status: StatusCode,
    title: &str,
    paragraphs: Vec<String>,
    link: Option<(&str, &str)>,
) -> Response {
    let page = pages::Message {
        organization: &app.config.organization.name,
        title,
        paragraphs,
        link,
    };
    html(status, page)
}

/// The one place an error becomes an HTTP status and a page.
fn error_page(app: &App, error: &Error) -> Response {
    match error {
        Error::InvalidToken => message(
            app,
            StatusCode::NOT_FOUND,
            "Invalid Token",
            vec![
                "This invitation link is not valid. It may have been cancelled, already used, or replaced by a newer email."
                    .into(),
                "Use the link in the most recent invitation email, or ask your administrator for a new one.".into(),
            ],
            None,
        ),
        Error::Expired { admin, expired_at } => message(
            app,
            StatusCode::GONE,
            "Invitation Expired",
            vec![
                format!(
                    "This invitation expired on {}.",
                    crate::time::parse_stamp(expired_at).map_or(expired_at.clone(), crate::mail::message::human_time)
                ),
                format!("Please contact {admin} and ask them to send you a new invitation."),
            ],
            None,
        ),
        _ => {
            eprintln!("error: {error}");
            message(
                app,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something Went Wrong",
                vec!["The server could not finish this request. Please try again in a minute.".into()],
                None,
            )
        }
    }
}

fn too_many(app: &App) -> Response {
    message(
        app,
        StatusCode::TOO_MANY_REQUESTS,
        "Too Many Attempts",
        vec!["There were too many failed attempts from your network. Please wait a few minutes and try again.".into()],
        None,
    )
}

fn busy(app: &App) -> Response {
    message(
        app,
        StatusCode::SERVICE_UNAVAILABLE,
        "Busy",
        vec!["The server is busy. Please try again in a minute.".into()],
        None,
    )
}

async fn not_found(State(app): State<Shared>) -> Response {
    message(
        &app,
        StatusCode::NOT_FOUND,
        "Page Not Found",
        vec!["There is nothing at this address.".into()],
        Some(("/login", "Log in")),
    )
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Looks an invitation up; a bad token counts against the client's address.
async fn open_invitation(
    app: &Shared,
    ip: IpAddr,
    token_text: &str,
) -> std::result::Result<(Token, Invitation), Response> {
    if app.limiter.is_blocked(ip, Instant::now()) {
        return Err(too_many(app));
    }
    let opened = match Token::parse(token_text) {
        Ok(token) => {
            let lookup = token.clone();
            blocking(app, move |conn| {
                invitations::open(conn, &lookup, Utc::now())
            })
            .await
            .map(|invitation| (token, invitation))
        }
        Err(e) => Err(e),
    };
    opened.map_err(|e| {
        if matches!(e, Error::InvalidToken | Error::Expired { .. }) {
            app.limiter.record_failure(ip, Instant::now());
        }
        error_page(app, &e)
    })
}

/// Looking never changes anything: mail scanners open links before people do.
async fn accept_page(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Response {
    match open_invitation(&app, client_ip(peer, &headers), &query.token).await {
        Ok((token, invitation)) => html(
            StatusCode::OK,
            pages::Accept::new(&app.config.organization.name, &invitation, token.as_str()),
        ),
        Err(page) => page,
    }
}

#[derive(Deserialize)]
struct AcceptForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn accept_submit(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<AcceptForm>,
) -> Response {
    let (token, invitation) =
        match open_invitation(&app, client_ip(peer, &headers), &form.token).await {
            Ok(found) => found,
            Err(page) => return page,
        };
    let acceptance = Acceptance {
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        password: form.password,
        confirm_password: form.confirm_password,
    };
    let accepting = token.clone();
    let result = hashing(&app, move |conn| {
        let now = Utc::now();
        let user = invitations::accept(conn, &accepting, &acceptance, now)?;
        sessions::create(conn, user.id, now)
    })
    .await;
    let Some(result) = result else {
        return busy(&app);
    };
    match result {
        Ok(secret) => signed_in(&app, &app.config.organization.dashboard_url, &secret),
        Err(Error::Invalid(problem)) => {
            let problem = capitalized(&problem);
            let page = pages::Accept {
                first_name: &form.first_name,
                last_name: &form.last_name,
                error: Some(&problem),
                ..pages::Accept::new(&app.config.organization.name, &invitation, token.as_str())
            };
            html(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Err(e) => error_page(&app, &e),
    }
}

fn capitalized(sentence: &str) -> String {
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(&format!("{COOKIE}="))
                .map(str::to_string)
        })
}

fn cookie(app: &App, value: &str, max_age: Duration) -> HeaderValue {
    let secure = if app.config.organization.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let text = format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        max_age.as_secs()
    );
    HeaderValue::from_str(&text).expect("cookie text is ASCII")
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn signed_in(app: &App, location: &str, secret: &str) -> Response {
    let mut response = redirect(location);
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie(app, secret, sessions::LIFETIME));
    response
}

async fn dashboard(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let Some(secret) = session_cookie(&headers) else {
        return redirect("/login");
    };
    match blocking(&app, move |conn| sessions::user(conn, &secret, Utc::now())).await {
        Ok(Some(user)) => html(
            StatusCode::OK,
            pages::Dashboard::new(&app.config.organization.name, &user),
        ),
        Ok(None) => redirect("/login"),
        Err(e) => error_page(&app, &e),
    }
}

async fn login_page(State(app): State<Shared>) -> Response {
    let page = pages::Login {
        organization: &app.config.organization.name,
        email: "",
        error: None,
    };
    html(StatusCode::OK, page)
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn login_submit(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let ip = client_ip(peer, &headers);
    if app.limiter.is_blocked(ip, Instant::now()) {
        return too_many(&app);
    }
    let (email, password) = (form.email.clone(), form.password);
    let result = hashing(&app, move |conn| {
        let now = Utc::now();
        let user = sessions::login(conn, &email, &password, now)?;
        sessions::create(conn, user.id, now)
    })
    .await;
    let Some(result) = result else {
        return busy(&app);
    };
    match result {
        Ok(secret) => signed_in(&app, "/dashboard", &secret),
        Err(Error::Refused(problem)) => {
            app.limiter.record_failure(ip, Instant::now());
            let problem = capitalized(&problem);
            let page = pages::Login {
                organization: &app.config.organization.name,
                email: &form.email,
                error: Some(&problem),
            };
            html(StatusCode::UNAUTHORIZED, page)
        }
        Err(e) => error_page(&app, &e),
    }
}

async fn logout(State(app): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(secret) = session_cookie(&headers)
        && let Err(e) = blocking(&app, move |conn| sessions::end(conn, &secret, Utc::now())).await
    {
        return error_page(&app, &e);
    }
    let mut response = redirect("/login");
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie(&app, "", Duration::ZERO));
    response
}
