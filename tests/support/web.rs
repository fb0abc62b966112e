//! A running `invitectl serve-accept` on 127.0.0.1 and a plain HTTP/1.1 client
//! that talks to it over a real socket.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::Env;

pub struct Server {
    child: Child,
    pub port: u16,
    /// Everything the server logged, for checking what never appears there.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(env: &Env) -> Server {
        Server::start_with(env.command(&["serve-accept", "--bind", "127.0.0.1:0"]))
    }

    /// Under libfaketime, with the clock moved by `offset` (e.g. "+25h").
    pub fn start_at(env: &Env, offset: &str) -> Server {
        let mut command = env.command_with(
            &super::faketime(),
            &[
                "-f",
                offset,
                super::BIN,
                "serve-accept",
                "--bind",
                "127.0.0.1:0",
            ],
        );
        command.env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        Server::start_with(command)
    }

    fn start_with(mut command: std::process::Command) -> Server {
        let mut child = command
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start serve-accept");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines.next().expect("serve-accept printed nothing").unwrap();
        let port = first
            .strip_prefix("listening on http://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line: {first}"));
        let log = Arc::new(Mutex::new(vec![first]));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Server { child, port, log }
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
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream
    }

    /// Sends SIGTERM and returns the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        self.child.wait().unwrap()
    }

    pub fn logged(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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

pub fn read_response(stream: &mut TcpStream) -> Response {
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
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
