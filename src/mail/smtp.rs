//! SMTP delivery over one connection reused for a whole batch.
//!
//! lettre 0.11 connects with Nagle's algorithm on. It writes a message body
//! and the final "." in two writes, so the second waits for the server's
//! delayed ACK: about 40 ms a message. We open the TCP stream ourselves with
//! TCP_NODELAY and hand it to lettre (`connect_with_transport`), which still
//! does the protocol, STARTTLS, implicit TLS and AUTH.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use lettre::Message;
use lettre::address::Envelope;
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
#[allow(deprecated)]
use lettre::transport::smtp::client::AsyncNetworkStream;
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_util::compat::{Compat, FuturesAsyncReadCompatExt};

use crate::config::{Config, SmtpSettings};
use crate::config::{DEFAULT_SMTP_TIMEOUT, Security};
use crate::error::{Error, Result};

/// Checked SMTP settings. No `Debug`: it holds the password.
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    credentials: Option<Credentials>,
    username: Option<String>,
    pub timeout: Duration,
    helo: ClientId,
    pub accept_invalid_certs: bool,
}

impl Settings {
    /// The start-up checks: each problem is one sentence naming the key.
    pub fn from_config(config: &Config, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings> {
        let smtp: &SmtpSettings = &config.smtp;
        let problem = |text: String| Err(Error::Config(text));
        let Some(host) = smtp.host.clone().filter(|h| !h.trim().is_empty()) else {
            return problem(
                "smtp.host is not set; set it in [smtp] (or INVITECTL_SMTP_HOST) to your mail server".into(),
            );
        };
        if config.mail.from.is_none() {
            return problem(format!(
                "smtp.host is {host} but mail.from is not set; set it to the sender, like \"Acme IT <it@acme.example>\""
            ));
        }
        let Some(security) = Security::parse(smtp.security.as_deref()) else {
            return problem(format!(
                "smtp.security is \"{}\"; use none, starttls or tls",
                smtp.security.as_deref().unwrap_or_default().trim()
            ));
        };
        let password = match (&smtp.password_env, &smtp.password_file) {
            (Some(variable), _) => match env(variable).filter(|p| !p.is_empty()) {
                Some(password) => Some(password),
                None => {
                    return problem(format!(
                        "smtp.password_env names {variable}, which is not set; export it with the SMTP password"
                    ));
                }
            },
            (None, Some(path)) => match std::fs::read_to_string(path) {
                Ok(text) => Some(text.trim_end_matches(['\r', '\n']).to_string()),
                Err(e) => {
                    return problem(format!(
                        "smtp.password_file {} cannot be read: {e}",
                        path.display()
                    ));
                }
            },
            (None, None) => None,
        };
        let credentials = match (&smtp.username, password) {
            (Some(user), Some(password)) => Some(Credentials::new(user.clone(), password)),
            (Some(_), None) => {
                return problem(
                    "smtp.username is set but there is no password; set smtp.password_env to the name of a \
                     variable that holds it, or smtp.password_file"
                        .into(),
                );
            }
            (None, Some(_)) => {
                return problem(
                    "an SMTP password is set but smtp.username is not; set smtp.username".into(),
                );
            }
            (None, None) => None,
        };
        if credentials.is_some()
            && security == Security::None
            && !is_loopback(&host)
            && !smtp.allow_plaintext_auth
        {
            return problem(format!(
                "smtp.security is none, so the SMTP password would cross the network to {host} in clear text; \
                 use security = starttls or tls, or set smtp.allow_plaintext_auth = true if that network is trusted"
            ));
        }
        Ok(Settings {
            port: smtp.port.unwrap_or(security.default_port()),
            host,
            security,
            credentials,
            username: smtp.username.clone(),
            timeout: smtp.timeout.unwrap_or(DEFAULT_SMTP_TIMEOUT),
            helo: smtp
                .helo_name
                .clone()
                .map(ClientId::Domain)
                .unwrap_or_default(),
            accept_invalid_certs: smtp.accept_invalid_certs,
        })
    }

    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    fn tls_parameters(&self) -> std::result::Result<TlsParameters, String> {
        TlsParameters::builder(self.host.clone())
            .dangerous_accept_invalid_certs(self.accept_invalid_certs)
            .dangerous_accept_invalid_hostnames(self.accept_invalid_certs)
            .build_rustls()
            .map_err(|e| format!("cannot set up TLS for {}: {e}", self.host))
    }
}

/// A host whose traffic never leaves this machine.
fn is_loopback(host: &str) -> bool {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A stream that lettre reads and writes through: our TCP stream after an
/// implicit TLS handshake done by lettre's own TLS code. lettre 0.11 marks
/// `AsyncNetworkStream` deprecated ("not meant to be public") but it is the
/// released way to run its TLS over a stream we opened; `connect_with_transport`
/// wraps streams in it the same way.
#[allow(deprecated)]
struct ImplicitTls(Compat<AsyncNetworkStream>);

impl fmt::Debug for ImplicitTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ImplicitTls")
    }
}

impl AsyncRead for ImplicitTls {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for ImplicitTls {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for ImplicitTls {
    fn peer_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.0.get_ref().peer_addr()
    }
}

/// Runs one step against the server, giving up after the configured timeout.
async fn step<T, E: fmt::Display>(
    settings: &Settings,
    what: &str,
    future: impl Future<Output = std::result::Result<T, E>>,
) -> std::result::Result<T, String> {
    match tokio::time::timeout(settings.timeout, future).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(format!("{what} failed: {e}")),
        Err(_) => Err(format!(
            "{what} timed out after {}s",
            settings.timeout.as_secs_f32()
        )),
    }
}

/// Connects, upgrades and logs in, reporting each step that passes.
async fn open(
    settings: &Settings,
    on_step: &mut dyn FnMut(&str),
) -> std::result::Result<Connection, String> {
    let address = settings.address();
    let tcp = step(
        settings,
        &format!("connecting to {address}"),
        TcpStream::connect((settings.host.as_str(), settings.port)),
    )
    .await
    .map_err(|e| format!("{e}; check smtp.host and smtp.port"))?;
    tcp.set_nodelay(true)
        .map_err(|e| format!("cannot set TCP_NODELAY: {e}"))?;
    on_step(&format!("connected to {address}"));

    let port_hint = match (settings.security, settings.port) {
        (Security::Tls, 25 | 587) => format!(
            "; port {} usually expects security = starttls",
            settings.port
        ),
        (Security::None | Security::StartTls, 465) => {
            "; port 465 expects security = tls".to_string()
        }
        _ => String::new(),
    };
    let stream: Box<dyn AsyncTokioStream> = if settings.security == Security::Tls {
        #[allow(deprecated)]
        let mut stream = AsyncNetworkStream::use_existing_tokio1(Box::new(tcp));
        let parameters = settings.tls_parameters()?;
        step(
            settings,
            "the TLS handshake",
            stream.upgrade_tls(parameters),
        )
        .await
        .map_err(|e| format!("{e}{}", tls_hint(&e, &port_hint)))?;
        on_step("TLS established");
        Box::new(ImplicitTls(stream.compat()))
    } else {
        Box::new(tcp)
    };
    let mut connection = step(
        settings,
        "waiting for the server's greeting",
        AsyncSmtpConnection::connect_with_transport(stream, &settings.helo),
    )
    .await
    .map_err(|e| format!("{e}{port_hint}"))?;

    if settings.security == Security::StartTls {
        if !connection.can_starttls() {
            return Err(format!(
                "{address} does not offer STARTTLS; use security = tls on port 465, or security = none only on a trusted network"
            ));
        }
        let parameters = settings.tls_parameters()?;
        step(
            settings,
            "STARTTLS",
            connection.starttls(parameters, &settings.helo),
        )
        .await
        .map_err(|e| format!("{e}{}", tls_hint(&e, "")))?;
        on_step("STARTTLS established");
    }

    // lettre does not keep the PIPELINING keyword; ask once more to learn it.
    let pipelining = step(
        settings,
        "EHLO",
        connection.command(Ehlo::new(settings.helo.clone())),
    )
    .await?
    .message()
    .any(|line| line.eq_ignore_ascii_case("PIPELINING"));

    if let Some(credentials) = &settings.credentials {
        let user = settings.username.as_deref().unwrap_or_default();
        if !connection
            .server_info()
            .supports_feature(Extension::Authentication(Mechanism::Plain))
            && !connection
                .server_info()
                .supports_feature(Extension::Authentication(Mechanism::Login))
        {
            let hint = if settings.security == Security::None {
                "; most servers offer AUTH only after STARTTLS: try security = starttls"
            } else {
                ""
            };
            return Err(format!("{address} offers no AUTH PLAIN or LOGIN{hint}"));
        }
        // A server may echo the AUTH line in its reply: keep only the code.
        let login = async {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(|e| match e.status() {
                    Some(code) => format!("the server answered {code}"),
                    None => "the connection failed".to_string(),
                })
        };
        step(settings, &format!("logging in as {user}"), login)
            .await
            .map_err(|e| format!("{e}; check smtp.username and the password"))?;
        on_step(&format!("logged in as {user}"));
    }
    Ok(Connection {
        inner: connection,
        pipelining,
    })
}

/// An open, ready connection and what the server lets us do on it.
struct Connection {
    inner: AsyncSmtpConnection,
    /// The server takes MAIL, RCPT and DATA in one write (RFC 2920).
    pipelining: bool,
}

fn tls_hint(error: &str, port_hint: &str) -> String {
    if error.contains("certificate") || error.contains("Certificate") {
        "; install the server's CA in the system store, or set smtp.accept_invalid_certs = true for a test server"
            .to_string()
    } else {
        port_hint.to_string()
    }
}

/// A refusal by the server, after which the connection is still usable.
fn is_refusal(error: &SmtpError) -> bool {
    error.is_transient() || error.is_permanent()
}

/// One message on an open connection; a refusal leaves the connection usable.
/// With PIPELINING, MAIL, RCPT and DATA go in one write and their replies are
/// read in order, which saves two round trips a message.
async fn send_on(
    connection: &mut Connection,
    envelope: &Envelope,
    body: &[u8],
) -> std::result::Result<Response, SmtpError> {
    let smtp = &mut connection.inner;
    let mut parameters = Vec::new();
    if !body.is_ascii() && smtp.server_info().supports_feature(Extension::EightBitMime) {
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    let mut commands = vec![Mail::new(envelope.from().cloned(), parameters).to_string()];
    commands.extend(
        envelope
            .to()
            .iter()
            .map(|to| Rcpt::new(to.clone(), Vec::new()).to_string()),
    );
    commands.push(Data.to_string());
    if !connection.pipelining {
        for command in commands {
            smtp.command(command).await?;
        }
        return smtp.message(body).await;
    }
    // Every reply must be read, refused or not, to stay in step with the server.
    let replies = commands.len();
    let mut refusal = None;
    let mut data_accepted = false;
    for index in 0..replies {
        let reply = if index == 0 {
            smtp.command(commands.concat()).await
        } else {
            smtp.read_response().await
        };
        match reply {
            Ok(_) => data_accepted = index == replies - 1,
            Err(e) if is_refusal(&e) => {
                refusal.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    match refusal {
        Some(e) if !data_accepted => Err(e),
        _ => match DataBody::new(body) {
            Some(data) => smtp.command(data).await,
            None => smtp.message(body).await,
        },
    }
}

/// The message as DATA sends it, in one write: dot-stuffed exactly as
/// lettre's `message` does it, with the end-of-data line after it. lettre
/// writes the body and the end line separately, each its own packet on a
/// socket without Nagle, and the server wakes for each; on loopback that
/// was a tenth of the time a message takes. None for a body that is not
/// UTF-8 (`command` takes text), which then goes lettre's way.
struct DataBody(String);

impl DataBody {
    fn new(body: &[u8]) -> Option<DataBody> {
        let text = std::str::from_utf8(body).ok()?;
        let mut out = String::with_capacity(text.len() + 16);
        // lettre's codec doubles a dot that begins the body or follows CR LF
        // (a lone LF or CR does not begin a line for it).
        if text.starts_with('.') {
            out.push('.');
        }
        let mut copied = 0;
        for (at, _) in text.match_indices("\r\n.") {
            out.push_str(&text[copied..at + 2]);
            out.push('.');
            copied = at + 2;
        }
        out.push_str(&text[copied..]);
        out.push_str("\r\n.\r\n");
        Some(DataBody(out))
    }
}

impl fmt::Display for DataBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn describe(response: &Response) -> String {
    let text: Vec<&str> = response.message().collect();
    format!("{} {}", response.code(), text.join(" "))
}

/// Sends over one connection, reconnecting when the server drops it.
pub struct SmtpTransport {
    settings: Settings,
    runtime: tokio::runtime::Runtime,
    connection: Option<Connection>,
    /// Set when a reconnect failed: the rest of the batch fails at once with it.
    down: Option<String>,
}

impl SmtpTransport {
    /// Connects now, so that a wrong setting is reported before anything is sent.
    pub fn connect(settings: Settings, on_step: &mut dyn FnMut(&str)) -> Result<SmtpTransport> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Other(anyhow::anyhow!("cannot start the SMTP client: {e}")))?;
        let connection = runtime
            .block_on(open(&settings, on_step))
            .map_err(|e| Error::Delivery(format!("SMTP: {e}")))?;
        Ok(SmtpTransport {
            settings,
            runtime,
            connection: Some(connection),
            down: None,
        })
    }

    fn send_message(&mut self, message: &Message) -> std::result::Result<String, String> {
        if let Some(reason) = &self.down {
            return Err(format!("not sent: {reason}"));
        }
        let settings = &self.settings;
        let slot = &mut self.connection;
        let body = message.formatted();
        let result = self.runtime.block_on(async {
            if slot.as_ref().is_none_or(|c| c.inner.has_broken()) {
                *slot = Some(open(settings, &mut |_| {}).await.map_err(|e| (e, true))?);
            }
            let connection = slot.as_mut().expect("connected above");
            match tokio::time::timeout(
                settings.timeout,
                send_on(connection, message.envelope(), &body),
            )
            .await
            {
                Ok(Ok(response)) => Ok(describe(&response)),
                Ok(Err(e)) if is_refusal(&e) => {
                    // The server refused this message; the connection is fine for the next one.
                    let _ = tokio::time::timeout(settings.timeout, connection.inner.command(Rset))
                        .await;
                    Err((format!("the server refused it: {e}"), false))
                }
                Ok(Err(e)) => {
                    *slot = None;
                    Err((format!("the connection failed: {e}"), false))
                }
                Err(_) => {
                    *slot = None;
                    Err((
                        format!("no answer within {}s", settings.timeout.as_secs_f32()),
                        false,
                    ))
                }
            }
        });
        result.map_err(|(reason, reconnect_failed)| {
            if reconnect_failed {
                self.down = Some(reason.clone());
            }
            reason
        })
    }
}

impl super::Transport for SmtpTransport {
    fn name(&self) -> &'static str {
        "smtp"
    }

    fn send(&mut self, message: &Message) -> std::result::Result<String, String> {
        self.send_message(message)
    }
}

impl Drop for SmtpTransport {
    fn drop(&mut self) {
        if let Some(mut connection) = self.connection.take() {
            let timeout = self.settings.timeout;
            self.runtime.block_on(async {
                let _ = tokio::time::timeout(timeout, connection.inner.quit()).await;
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DataBody;

    #[test]
    fn data_is_dot_stuffed_as_lettre_does_it_and_ends_with_the_end_line() {
        let sent = |body: &str| DataBody::new(body.as_bytes()).unwrap().0;
        assert_eq!(sent(".first\r\n"), "..first\r\n\r\n.\r\n");
        assert_eq!(sent("a\r\n.b\r\n..c\r\n"), "a\r\n..b\r\n...c\r\n\r\n.\r\n");
        // Only a line after CR LF starts anew, as in lettre's codec.
        assert_eq!(sent("a\n.b\r.c\r\r\n.d"), "a\n.b\r.c\r\r\n..d\r\n.\r\n");
        assert_eq!(sent("café.\r\n.é"), "café.\r\n..é\r\n.\r\n");
        assert!(DataBody::new(b"\xff").is_none());
    }
}
