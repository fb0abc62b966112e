//! A real headless Chromium driven over WebDriver (chromedriver), with the
//! Chrome DevTools commands the tests need (device size, dark mode, text size).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};

use super::Group;

/// chromedriver on a loopback port; missing browser packages fail the test,
/// never skip it. chromedriver cannot pick its own port, so one is picked at
/// random below the ephemeral range and, when it turns out to be taken
/// (chromedriver then exits), another is tried.
pub fn start_driver() -> (Group, u16) {
    for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        assert!(
            Path::new(tool).exists(),
            "{tool} is missing: run scripts/setup.sh (apt-get install chromium chromium-driver)"
        );
    }
    for _ in 0..20 {
        let port = 20_000 + rand::random::<u16>() % 10_000;
        let mut driver = Group::spawn(
            Command::new("/usr/bin/chromedriver")
                .arg(format!("--port={port}"))
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        )
        .expect("start chromedriver");
        let started = format!("started successfully on port {port}");
        let stdout = BufReader::new(driver.child.stdout.take().unwrap());
        let (ready, readiness) = std::sync::mpsc::channel();
        // Read to the end, so chromedriver never writes into a closed pipe;
        // the output ends when it exits, which it does when the port is taken.
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if line.contains(&started) {
                    let _ = ready.send(());
                }
            }
        });
        if readiness.recv().is_ok() {
            return (driver, port);
        }
    }
    panic!("chromedriver found no free loopback port in 20 tries");
}

pub async fn browser(driver_port: u16, profile: &Path) -> Client {
    browser_with_text_size(driver_port, profile, 16).await
}

/// A browser whose default text size is `text_px` (16 is Chromium's
/// default): what a person's text size setting changes.
pub async fn browser_with_text_size(driver_port: u16, profile: &Path, text_px: u32) -> Client {
    let options = serde_json::json!({
        "binary": "/usr/bin/chromium",
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=800,900",
            format!("--user-data-dir={}", profile.display()),
        ],
        "prefs": {
            "webkit": {
                "webprefs": {
                    "default_font_size": text_px,
                    "default_fixed_font_size": text_px * 13 / 16,
                },
            },
        },
    });
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a Chromium session")
}

/// A Chrome DevTools Protocol command, sent through chromedriver's
/// `POST /session/{id}/goog/cdp/execute`.
#[derive(Debug)]
pub struct Cdp {
    pub cmd: &'static str,
    pub params: serde_json::Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.expect("a WebDriver session");
        base_url.join(&format!("session/{session}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

pub async fn cdp(
    client: &Client,
    cmd: &'static str,
    params: serde_json::Value,
) -> serde_json::Value {
    client
        .issue_cmd(Cdp { cmd, params })
        .await
        .unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

pub async fn fill(client: &Client, id: &str, text: &str) {
    client
        .find(Locator::Id(id))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

pub async fn click(client: &Client, button: &str) {
    let xpath = format!("//button[normalize-space()={}]", xpath_literal(button));
    client
        .find(Locator::XPath(&xpath))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// `text` as an XPath 1.0 string, which has no escapes: a label with an
/// apostrophe (Italian "l'account") goes in double quotes, one with both
/// kinds of quote is put together with concat().
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

pub async fn wait_for_path(client: &Client, path: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = client.current_url().await.unwrap();
        if url.path() == path {
            return;
        }
        if Instant::now() > deadline {
            panic!("still at {url}:\n{}", body_text(client).await);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Clicks `button` and waits until the browser shows the page the form's
/// answer is (a new document, wherever it is).
pub async fn submit(client: &Client, button: &str) {
    client
        .execute("window.beforeSubmitting = true;", vec![])
        .await
        .unwrap();
    click(client, button).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let replaced = client
            .execute(
                "return window.beforeSubmitting === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await
            .unwrap();
        if replaced == serde_json::Value::Bool(true) {
            return;
        }
        if Instant::now() > deadline {
            panic!("no answer to {button}:\n{}", body_text(client).await);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn body_text(client: &Client) -> String {
    client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}
