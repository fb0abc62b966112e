//! A running `invitectl serve-accept` on 127.0.0.1 and a plain HTTP/1.1 client
//! that talks to it over a real socket.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Env, Group};

pub struct Server {
    process: Group,
    pub port: u16,
    /// The address it listens on, as it printed it ("127.0.0.1", "[::]").
    pub host: String,
    /// Everything the server logged, for checking what never appears there.
    log: Arc<(Mutex<Vec<String>>, Condvar)>,
    reader: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(env: &Env) -> Server {
        Server::start_on(env, "127.0.0.1:0")
    }

    pub fn start_on(env: &Env, bind: &str) -> Server {
        Server::start_command(env.command(&["serve-accept", "--bind", bind]))
    }

    /// Under libfaketime, with the clock moved by `offset` (e.g. "+25h").
    pub fn start_at(env: &Env, offset: &str) -> Server {
        let mut command = env.command(&["serve-accept", "--bind", "127.0.0.1:0"]);
        command
            .envs(super::faketime(offset))
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        Server::start_command(command)
    }

    /// `command` is an `invitectl serve-accept` made by `env.command`, with more set on it.
    pub fn start_command(mut command: Command) -> Server {
        let mut process = Group::spawn(command.stderr(Stdio::piped()).stdout(Stdio::null()))
            .expect("start serve-accept");
        let mut lines = BufReader::new(process.child.stderr.take().unwrap()).lines();
        // Warnings (a clock far from the database's) may come first.
        let mut before = Vec::new();
        let first = loop {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("serve-accept stopped: {before:?}"))
                .unwrap();
            if line.starts_with("listening on ") {
                break line;
            }
            before.push(line);
        };
        let (host, port) = first
            .strip_prefix("listening on http://")
            .and_then(|address| address.rsplit_once(':'))
            .and_then(|(host, port)| Some((host.to_string(), port.parse().ok()?)))
            .unwrap_or_else(|| panic!("unexpected first line: {first}"));
        before.push(first);
        let log = Arc::new((Mutex::new(before), Condvar::new()));
        let sink = log.clone();
        let reader = std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.0.lock().unwrap().push(line);
                sink.1.notify_all();
            }
        });
        Server {
            process,
            port,
            host,
            log,
            reader: Some(reader),
        }
    }

    /// Waits until the log has a line containing `text`; fails after 10 s.
    #[track_caller]
    pub fn wait_for_log(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut lines = self.log.0.lock().unwrap();
        while !lines.iter().any(|line| line.contains(text)) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "no {text:?} in the log:\n{}",
                lines.join("\n")
            );
            lines = self.log.1.wait_timeout(lines, left).unwrap().0;
        }
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[], "")
    }

    pub fn post(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Response {
        let body = form_encode(form);
        let mut headers = vec![(
            "Content-Type",
            "application/x-www-form-urlencoded".to_string(),
        )];
        if let Some(cookie) = cookie {
            headers.push(("Cookie", cookie.to_string()));
        }
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.request("POST", path, &headers, &body)
    }

    pub fn get_with_cookie(&self, path: &str, cookie: &str) -> Response {
        self.request("GET", path, &[("Cookie", cookie)], "")
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Response {
        let mut text =
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        self.raw(text.as_bytes())
    }

    /// Sends bytes as they are and reads the answer until the server closes.
    pub fn raw(&self, bytes: &[u8]) -> Response {
        let mut stream = self.connect();
        let _ = stream.write_all(bytes);
        read_response(&mut stream)
    }

    pub fn connect(&self) -> TcpStream {
        self.connect_from("127.0.0.1")
    }

    /// A connection to the server from the loopback address `client` ("127.0.0.1" or "::1").
    pub fn connect_from(&self, client: &str) -> TcpStream {
        let stream = TcpStream::connect((client, self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream
    }

    /// A connection from `source`, one of the loopback addresses
    /// (127.0.0.0/8 on Linux), to a server bound to 0.0.0.0.
    pub fn connect_as(&self, source: &str) -> TcpStream {
        let socket =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        let source: std::net::SocketAddr = format!("{source}:0").parse().unwrap();
        socket.bind(&source.into()).unwrap();
        let target: std::net::SocketAddr = format!("127.0.0.1:{}", self.port).parse().unwrap();
        socket.connect(&target.into()).unwrap();
        let stream: TcpStream = socket.into();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream
    }

    /// Sends SIGTERM and returns the exit status and everything it logged
    /// up to its end.
    pub fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let status = self.process.terminate();
        self.reader.take().unwrap().join().unwrap();
        (status, self.logged())
    }

    pub fn logged(&self) -> String {
        self.log.0.lock().unwrap().join("\n")
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_lowercase())
            .map_or("", String::as_str)
    }

    /// "invitectl_session=…" from Set-Cookie, ready for a Cookie header.
    pub fn cookie(&self) -> String {
        self.header("set-cookie")
            .split(';')
            .next()
            .unwrap()
            .to_string()
    }

    #[track_caller]
    pub fn status(&self, expected: u16) -> &Response {
        assert_eq!(self.status, expected, "{}", self.body);
        self
    }

    #[track_caller]
    pub fn has(&self, text: &str) -> &Response {
        assert!(
            self.body.contains(text),
            "the page lacks {text:?}:\n{}",
            self.body
        );
        self
    }
}

/// Reads until the server closes the connection. Status 0 means it closed
/// without a byte of answer; a server that neither answers nor closes within
/// the stream's read timeout fails the test.
#[track_caller]
pub fn read_response(stream: &mut TcpStream) -> Response {
    let mut bytes = Vec::new();
    let started = Instant::now();
    if let Err(e) = stream.read_to_end(&mut bytes) {
        // A reset is a close too (with request bytes still unread); only a
        // read that times out means the server kept the connection open.
        assert!(
            !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            "no answer and no close after {:?}: {e} (read so far: {:?})",
            started.elapsed(),
            String::from_utf8_lossy(&bytes)
        );
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = match lines.next() {
        None => 0,
        Some(line) => line
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}")),
    };
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

pub fn form_encode(form: &[(&str, &str)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    form.iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}
