//! A synchronous PostgreSQL client of our own, over tokio-postgres: a small
//! current-thread runtime per connection (as the `postgres` crate does), so
//! it is only ever used, and dropped, off async threads.
//!
//! It exists for one thing the `postgres` crate cannot do: watch what the
//! server asks for before the client answers. On an unencrypted connection
//! to a host that is not loopback, a server (or whoever sits between) that
//! asks for the password in cleartext or as MD5 is refused before the
//! password leaves this host ([`Guard`]).

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::config::Host;
use tokio_postgres::{Config, Statement};

/// One connection: its runtime, the client, and the task that drives the socket.
pub struct Client {
    runtime: tokio::runtime::Runtime,
    client: Option<tokio_postgres::Client>,
    connection: Option<tokio::task::JoinHandle<()>>,
}

/// Why a connection was not made: the driver's error, or a password request
/// the [`Guard`] refused (with the method asked for).
pub enum ConnectError {
    Driver(tokio_postgres::Error),
    Io(io::Error),
    Refused(&'static str),
}

/// How to connect: TLS (the server's certificate verified), or plain TCP,
/// with or without the guard on the password.
pub enum Transport {
    Tls(tokio_postgres_rustls::MakeRustlsConnect),
    Plain,
    /// Plain, and cleartext or MD5 password requests are refused.
    Guarded,
}

fn runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

impl Client {
    pub fn connect(config: &Config, transport: Transport) -> Result<Client, ConnectError> {
        let runtime = runtime().map_err(ConnectError::Io)?;
        let (client, connection) = match transport {
            Transport::Tls(tls) => {
                let (client, connection) = runtime
                    .block_on(config.connect(tls))
                    .map_err(ConnectError::Driver)?;
                (client, runtime.spawn(drive(connection)))
            }
            Transport::Plain => {
                let (client, connection) = runtime
                    .block_on(config.connect(tokio_postgres::NoTls))
                    .map_err(ConnectError::Driver)?;
                (client, runtime.spawn(drive(connection)))
            }
            Transport::Guarded => runtime.block_on(connect_guarded(config))?,
        };
        Ok(Client {
            runtime,
            client: Some(client),
            connection: Some(connection),
        })
    }

    fn client(&self) -> &tokio_postgres::Client {
        self.client.as_ref().expect("the client lives until drop")
    }

    pub fn prepare(&mut self, sql: &str) -> Result<Statement, tokio_postgres::Error> {
        let client = self.client.as_ref().expect("the client lives until drop");
        self.runtime.block_on(client.prepare(sql))
    }

    pub fn execute(
        &mut self,
        statement: &Statement,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64, tokio_postgres::Error> {
        let client = self.client.as_ref().expect("the client lives until drop");
        self.runtime.block_on(client.execute(statement, params))
    }

    pub fn query(
        &mut self,
        statement: &Statement,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, tokio_postgres::Error> {
        let client = self.client.as_ref().expect("the client lives until drop");
        self.runtime.block_on(client.query(statement, params))
    }

    pub fn batch_execute(&mut self, sql: &str) -> Result<(), tokio_postgres::Error> {
        let client = self.client.as_ref().expect("the client lives until drop");
        self.runtime.block_on(client.batch_execute(sql))
    }

    pub fn is_closed(&self) -> bool {
        self.client().is_closed()
    }
}

impl Drop for Client {
    /// Says goodbye to the server (dropping the client makes the connection
    /// send Terminate), waiting a moment at most.
    fn drop(&mut self) {
        drop(self.client.take());
        if let Some(connection) = self.connection.take() {
            let _ = self
                .runtime
                .block_on(async { tokio::time::timeout(Duration::from_secs(1), connection).await });
        }
    }
}

async fn drive<S, T>(connection: tokio_postgres::Connection<S, T>)
where
    S: AsyncRead + AsyncWrite + Unpin,
    T: AsyncRead + AsyncWrite + Unpin,
{
    let _ = connection.await;
}

/// Each host in turn, as tokio-postgres does (hostaddr before host, one
/// port for all or one each), over a plain socket wrapped in a [`Guard`].
async fn connect_guarded(
    config: &Config,
) -> Result<(tokio_postgres::Client, tokio::task::JoinHandle<()>), ConnectError> {
    let hosts = config.get_hosts();
    let hostaddrs = config.get_hostaddrs();
    let ports = config.get_ports();
    let timeout = config
        .get_connect_timeout()
        .copied()
        .unwrap_or(Duration::from_secs(10));
    let count = hosts.len().max(hostaddrs.len());
    let mut error = ConnectError::Io(io::Error::new(
        io::ErrorKind::InvalidInput,
        "the URL names no host",
    ));
    for i in 0..count {
        let port = ports
            .get(i)
            .or_else(|| ports.first())
            .copied()
            .unwrap_or(5432);
        let attempt = match (hostaddrs.get(i), hosts.get(i)) {
            (Some(addr), _) => tcp(config, (*addr, port), timeout).await,
            (None, Some(Host::Tcp(name))) => tcp(config, (name.as_str(), port), timeout).await,
            (None, Some(Host::Unix(dir))) => {
                let path = dir.join(format!(".s.PGSQL.{port}"));
                match tokio::time::timeout(timeout, tokio::net::UnixStream::connect(path)).await {
                    Ok(Ok(stream)) => handshake(config, stream).await,
                    Ok(Err(e)) => Err(ConnectError::Io(e)),
                    Err(_) => Err(timed_out()),
                }
            }
            (None, None) => continue,
        };
        match attempt {
            Ok(connected) => return Ok(connected),
            // A refusal is an answer, not a host to skip.
            Err(refused @ ConnectError::Refused(_)) => return Err(refused),
            Err(e) => error = e,
        }
    }
    Err(error)
}

fn timed_out() -> ConnectError {
    ConnectError::Io(io::Error::new(
        io::ErrorKind::TimedOut,
        "timed out connecting",
    ))
}

async fn tcp(
    config: &Config,
    addr: impl tokio::net::ToSocketAddrs,
    timeout: Duration,
) -> Result<(tokio_postgres::Client, tokio::task::JoinHandle<()>), ConnectError> {
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => {
            let _ = stream.set_nodelay(true);
            handshake(config, stream).await
        }
        Ok(Err(e)) => Err(ConnectError::Io(e)),
        Err(_) => Err(timed_out()),
    }
}

async fn handshake<S>(
    config: &Config,
    stream: S,
) -> Result<(tokio_postgres::Client, tokio::task::JoinHandle<()>), ConnectError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let refused = Arc::new(Mutex::new(None));
    let guard = Guard {
        inner: stream,
        watch: Watch::default(),
        refused: refused.clone(),
    };
    match config.connect_raw(guard, tokio_postgres::NoTls).await {
        Ok((client, connection)) => Ok((client, tokio::spawn(drive(connection)))),
        Err(e) => match *refused.lock().unwrap() {
            Some(method) => Err(ConnectError::Refused(method)),
            None => Err(ConnectError::Driver(e)),
        },
    }
}

/// A socket that reads the server's messages until authentication is over,
/// and fails the read that brings a request for a cleartext or MD5
/// password, so that the client never sees it and never answers it.
pub struct Guard<S> {
    inner: S,
    watch: Watch,
    refused: Arc<Mutex<Option<&'static str>>>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Guard<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {}
            other => return other,
        }
        if let Err(method) = this.watch.feed(&buf.filled()[before..]) {
            buf.set_filled(before);
            *this.refused.lock().unwrap() = Some(method);
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("refused to send the password as {method} over an unencrypted connection"),
            )));
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guard<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Where the reading of the server's messages is: each message is a type
/// byte and a 4-byte length (which counts itself); an authentication
/// request ('R') has a 4-byte code first in its body.
#[derive(Default)]
struct Watch {
    /// AuthenticationOk was seen: the rest is not watched.
    done: bool,
    /// The start of the message being read: up to 9 bytes.
    head: Vec<u8>,
    /// Bytes of the current message's body still to pass by.
    skip: usize,
}

impl Watch {
    /// Reads what the server sent; the password method it asks for when that
    /// is one this client must not answer.
    fn feed(&mut self, mut bytes: &[u8]) -> Result<(), &'static str> {
        while !self.done && !bytes.is_empty() {
            if self.skip > 0 {
                let n = self.skip.min(bytes.len());
                self.skip -= n;
                bytes = &bytes[n..];
                continue;
            }
            let want = if self.head.len() < 5 || self.head[0] != b'R' {
                5
            } else {
                9
            };
            let n = (want - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
            if self.head.len() < want {
                continue;
            }
            let length = u32::from_be_bytes(self.head[1..5].try_into().unwrap()) as usize;
            if self.head[0] != b'R' {
                self.skip = length.saturating_sub(4);
                self.head.clear();
            } else if self.head.len() == 9 {
                match u32::from_be_bytes(self.head[5..9].try_into().unwrap()) {
                    0 => self.done = true,
                    3 => return Err("cleartext"),
                    5 => return Err("MD5"),
                    _ => {}
                }
                self.skip = length.saturating_sub(8);
                self.head.clear();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Watch;

    fn auth(code: u32, body: &[u8]) -> Vec<u8> {
        let mut message = vec![b'R'];
        message.extend_from_slice(&(8 + body.len() as u32).to_be_bytes());
        message.extend_from_slice(&code.to_be_bytes());
        message.extend_from_slice(body);
        message
    }

    #[test]
    fn a_cleartext_or_md5_request_is_caught_however_the_bytes_arrive() {
        for (code, body, method) in [(3, &b""[..], "cleartext"), (5, &b"salt"[..], "MD5")] {
            let mut stream = vec![b'v', 0, 0, 0, 6, 0, 0]; // NegotiateProtocolVersion-like noise
            stream.extend(auth(code, body));
            for chunk in 1..stream.len() {
                let mut watch = Watch::default();
                let caught = stream.chunks(chunk).find_map(|c| watch.feed(c).err());
                assert_eq!(caught, Some(method), "chunks of {chunk}");
            }
        }
    }

    #[test]
    fn scram_and_what_follows_authentication_pass() {
        let mut stream = auth(10, b"SCRAM-SHA-256\0\0");
        stream.extend(auth(11, b"r=abc,s=def,i=4096"));
        stream.extend(auth(12, b"v=xyz"));
        stream.extend(auth(0, b""));
        // After AuthenticationOk nothing is read, whatever it looks like.
        stream.extend(auth(3, b""));
        let mut watch = Watch::default();
        for byte in &stream {
            assert_eq!(watch.feed(std::slice::from_ref(byte)), Ok(()));
        }
        assert!(watch.done);
    }
}
