//! Every page an invitee or user sees, checked by axe-core (WCAG 2.1 A and
//! AA, and axe's best practices) in a real headless Chromium: in light and
//! dark mode, on a desktop (1280×800) and a phone (375×667); then on the
//! phone at 200 % text and zoomed to 200 %, where nothing may scroll
//! sideways. After a form error, the title says so and focus is on the
//! first field with a problem. axe-core comes
//! from tests/axe (scripts/setup.sh runs `npm ci` there); without it the
//! test fails, never skips. Screenshots of every page in every mode land in
//! target/tmp/screenshots for people to look at.

use crate::support;

use std::path::{Path, PathBuf};

use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use support::browser::{
    body_text, browser, browser_with_text_size, cdp, fill, start_driver, submit, wait_for_path,
};
use support::web::Server;
use support::{Env, token_of};

const PASSWORD: &str = "correct horse battery";

fn axe_source() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run scripts/setup.sh (it installs axe-core with npm ci in tests/axe)",
            path.display()
        )
    })
}

#[derive(Clone, Copy)]
struct Size {
    name: &'static str,
    width: u32,
    height: u32,
    /// Device pixels per CSS pixel; 2 on a 375 px phone is that phone zoomed to 200 %.
    scale: u32,
    mobile: bool,
}

const DESKTOP: Size = Size {
    name: "desktop",
    width: 1280,
    height: 800,
    scale: 1,
    mobile: false,
};
const PHONE: Size = Size {
    name: "phone",
    width: 375,
    height: 667,
    scale: 1,
    mobile: true,
};
/// The phone zoomed to 200 %: half as many CSS pixels, each twice the size.
const PHONE_ZOOMED: Size = Size {
    name: "phone-zoom200",
    width: 188,
    height: 334,
    scale: 2,
    mobile: true,
};

/// The window's size in CSS pixels and its colour scheme.
async fn emulate(client: &Client, size: Size, scheme: &str) {
    cdp(
        client,
        "Emulation.setDeviceMetricsOverride",
        json!({
            "width": size.width,
            "height": size.height,
            "deviceScaleFactor": size.scale,
            "mobile": size.mobile,
        }),
    )
    .await;
    cdp(
        client,
        "Emulation.setEmulatedMedia",
        json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
    )
    .await;
}

/// Every request from here on comes from the client address 192.0.2.`n`
/// (serve-accept believes X-Forwarded-For from loopback, a trusted proxy by
/// default), so that the bad links and wrong logins each pass opens on
/// purpose stay within the limits per address.
async fn from_address(client: &Client, n: u32) {
    cdp(client, "Network.enable", json!({})).await;
    cdp(
        client,
        "Network.setExtraHTTPHeaders",
        json!({ "headers": { "X-Forwarded-For": format!("192.0.2.{n}") } }),
    )
    .await;
}

/// The pages, each opened the way a person gets there.
const PAGES: &[&str] = &[
    "accept",
    "accept-errors",
    "expired",
    "renew-requested",
    "renew-sent",
    "invalid-link",
    "used-link",
    "login",
    "login-error",
    "dashboard",
    "dashboard-errors",
    "not-found",
    "forgot",
    "forgot-sent",
    "reset",
    "reset-errors",
];

struct Site<'a> {
    env: &'a Env,
    server: Server,
    later: Server,
    /// `later` with `[organization] renew = "auto"`.
    later_auto: Server,
    /// Invitees made for the renewal pages, one per opening (each
    /// renewal uses up its expired link, and counts against its account).
    renewals: std::cell::Cell<u32>,
    /// Ann's link: pending, and expired on `later`.
    pending: String,
    /// Bob's link, accepted already; the browser is logged in as Bob.
    used: String,
    failed_logins: std::cell::Cell<u32>,
    /// A password reset link of Bob's, made once he is active.
    reset: std::cell::RefCell<String>,
}

impl Site<'_> {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.server.port)
    }

    async fn open(&self, client: &Client, page: &str) {
        match page {
            "accept" => client
                .goto(&self.url(&format!("/accept?token={}", self.pending)))
                .await
                .unwrap(),
            "accept-errors" => {
                client
                    .goto(&self.url(&format!("/accept?token={}", self.pending)))
                    .await
                    .unwrap();
                // Blank (but not empty, which the browser would refuse
                // itself) and mistyped: the server's answer is 422.
                fill(client, "first_name", "Ann").await;
                fill(client, "last_name", "   ").await;
                fill(client, "password", PASSWORD).await;
                fill(client, "confirm_password", "correct horse batter").await;
                submit(client, "Accept & Create Account").await;
            }
            "expired" => client
                .goto(&format!(
                    "http://127.0.0.1:{}/accept?token={}",
                    self.later.port, self.pending
                ))
                .await
                .unwrap(),
            // "Send me a new link" on the expired page, as a person uses it:
            // the admin is asked (the default), or a new link is mailed.
            "renew-requested" | "renew-sent" => {
                let n = self.renewals.get() + 1;
                self.renewals.set(n);
                let email = format!("renew{n}@acme.example");
                self.env.run(&["invite", &email, "--role", "viewer"]).ok();
                let later = if page == "renew-sent" {
                    &self.later_auto
                } else {
                    &self.later
                };
                client
                    .goto(&format!(
                        "http://127.0.0.1:{}/accept?token={}",
                        later.port,
                        token_of(&self.env.link_for(&email))
                    ))
                    .await
                    .unwrap();
                submit(client, "Send me a new link").await;
                let text = body_text(client).await;
                let expected = if page == "renew-sent" {
                    "A new link is on its way to r…@acme.example"
                } else {
                    "Your administrator has been asked"
                };
                assert!(text.contains(expected), "{page}: {text}");
            }
            "invalid-link" => client
                .goto(&self.url("/accept?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
                .await
                .unwrap(),
            "used-link" => client
                .goto(&self.url(&format!("/accept?token={}", self.used)))
                .await
                .unwrap(),
            "login" => client.goto(&self.url("/login")).await.unwrap(),
            "login-error" => {
                client.goto(&self.url("/login")).await.unwrap();
                // A different address each time, so no account's limit is reached.
                let n = self.failed_logins.get() + 1;
                self.failed_logins.set(n);
                fill(client, "email", &format!("nobody{n}@acme.example")).await;
                fill(client, "password", "not the password").await;
                submit(client, "Log In").await;
            }
            "dashboard" => client.goto(&self.url("/dashboard")).await.unwrap(),
            "dashboard-errors" => {
                client.goto(&self.url("/dashboard")).await.unwrap();
                // The name form, with a blank last name: 422, nothing changed.
                let last_name = client.find(Locator::Id("last_name")).await.unwrap();
                last_name.clear().await.unwrap();
                last_name.send_keys("   ").await.unwrap();
                submit(client, "Save name").await;
            }
            "not-found" => client.goto(&self.url("/nowhere")).await.unwrap(),
            "forgot" => client.goto(&self.url("/forgot")).await.unwrap(),
            "forgot-sent" => {
                client.goto(&self.url("/forgot")).await.unwrap();
                let n = self.failed_logins.get() + 1;
                self.failed_logins.set(n);
                fill(client, "email", &format!("nobody{n}@acme.example")).await;
                submit(client, "Send Reset Link").await;
            }
            "reset" => client
                .goto(&self.url(&format!("/reset?token={}", self.reset.borrow())))
                .await
                .unwrap(),
            "reset-errors" => {
                client
                    .goto(&self.url(&format!("/reset?token={}", self.reset.borrow())))
                    .await
                    .unwrap();
                fill(client, "password", PASSWORD).await;
                fill(client, "confirm_password", "correct horse batter").await;
                submit(client, "Set Password").await;
            }
            other => unreachable!("{other}"),
        }
    }
}

/// axe's violations on the page, as (page-independent) JSON.
async fn axe_violations(client: &Client, axe: &str) -> Vec<Value> {
    let loaded = client
        .execute(&format!("{axe}\nreturn typeof window.axe;"), vec![])
        .await
        .unwrap();
    assert_eq!(loaded, json!("object"), "axe-core did not load");
    let result = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document, {
                runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
                resultTypes: ["violations"],
            }).then(
                (results) => done({ violations: results.violations }),
                (error) => done({ error: String(error) }),
            );"#,
            vec![],
        )
        .await
        .unwrap();
    assert!(result.get("error").is_none(), "axe failed: {result}");
    result["violations"].as_array().cloned().unwrap_or_default()
}

fn describe(violations: &[Value]) -> String {
    let mut text = String::new();
    for violation in violations {
        text.push_str(&format!(
            "  {} ({}): {}\n",
            violation["id"].as_str().unwrap_or("?"),
            violation["impact"].as_str().unwrap_or("?"),
            violation["help"].as_str().unwrap_or("?"),
        ));
        for node in violation["nodes"].as_array().into_iter().flatten() {
            text.push_str(&format!(
                "    at {}: {}\n",
                node["target"],
                node["failureSummary"]
                    .as_str()
                    .unwrap_or("")
                    .replace('\n', " ")
            ));
        }
    }
    text
}

async fn screenshot(client: &Client, dir: &Path, name: &str) {
    // The whole page, below the fold too.
    let shot = cdp(
        client,
        "Page.captureScreenshot",
        json!({ "format": "png", "captureBeyondViewport": true }),
    )
    .await;
    let png = base64_decode(shot["data"].as_str().expect("screenshot data"));
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    // What is in view when the page opens.
    let view = client.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}-view.png")), view).unwrap();
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

async fn background(client: &Client) -> String {
    client
        .execute(
            "return getComputedStyle(document.body).backgroundColor;",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

async fn site(env: &Env) -> Site<'_> {
    env.run(&["departments", "add", "Engineering"]).ok();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["teams", "add", "web"]).ok();
    env.run(&[
        "invite",
        "ann@acme.example",
        "bob@acme.example",
        "--role",
        "editor",
        "--department",
        "Engineering",
        "--team",
        "ops,web",
    ])
    .ok();
    let mut auto = env.command(&["serve-accept", "--bind", "127.0.0.1:0"]);
    auto.envs(support::faketime("+25h"))
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        .env("INVITECTL_ORGANIZATION_RENEW", "auto");
    Site {
        env,
        server: Server::start(env),
        later: Server::start_at(env, "+25h"),
        later_auto: Server::start_command(auto),
        renewals: std::cell::Cell::new(0),
        pending: token_of(&env.link_for("ann@acme.example")).to_string(),
        used: token_of(&env.link_for("bob@acme.example")).to_string(),
        failed_logins: std::cell::Cell::new(0),
        reset: std::cell::RefCell::new(String::new()),
    }
}

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_in_light_and_dark_on_desktop_and_phone() {
    let axe = axe_source();
    let env = Env::new();
    env.config("[organization]\nname = \"Acme Corp\"\ncontact = \"it-help@acme.example\"\n");
    let site = site(&env).await;
    let shots = screenshots_dir();

    let (_driver, driver_port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let client = browser(driver_port, profile.path()).await;

    // Bob accepts, so his link is used and the browser has his session.
    client
        .goto(&site.url(&format!("/accept?token={}", site.used)))
        .await
        .unwrap();
    fill(&client, "first_name", "Bob").await;
    fill(&client, "last_name", "Stone").await;
    fill(&client, "password", PASSWORD).await;
    fill(&client, "confirm_password", PASSWORD).await;
    submit(&client, "Accept & Create Account").await;
    wait_for_path(&client, "/dashboard").await;
    let link = env
        .run(&[
            "users",
            "reset-password",
            "bob@acme.example",
            "--print-link",
        ])
        .ok()
        .stdout
        .trim()
        .to_string();
    *site.reset.borrow_mut() = token_of(&link).to_string();

    let mut failures = Vec::new();
    let mut summary = Vec::new();
    let mut passes = 0;
    for size in [DESKTOP, PHONE] {
        let mut light_background = None;
        for scheme in ["light", "dark"] {
            emulate(&client, size, scheme).await;
            passes += 1;
            from_address(&client, passes).await;
            for page in PAGES {
                site.open(&client, page).await;
                let background = background(&client).await;
                match (&light_background, scheme) {
                    (None, _) => light_background = Some(background),
                    (Some(light), "dark") => assert_ne!(
                        light, &background,
                        "{page}: dark mode did not change the page's background"
                    ),
                    _ => {}
                }
                let name = format!("{page}-{}-{scheme}", size.name);
                screenshot(&client, &shots, &name).await;
                if *page == "accept-errors" || *page == "dashboard-errors" {
                    assert_errors_are_announced(&client).await;
                }
                let violations = axe_violations(&client, &axe).await;
                let nodes: usize = violations
                    .iter()
                    .map(|v| v["nodes"].as_array().map_or(0, Vec::len))
                    .sum();
                summary.push(format!(
                    "{name}: {} violation(s), {nodes} element(s)",
                    violations.len()
                ));
                if !violations.is_empty() {
                    failures.push(format!("{name}:\n{}", describe(&violations)));
                }
            }
        }
    }
    // The phone zoomed to 200 %, and (in a browser set to 200 % text) the
    // phone with large text: everything still fits the width.
    let mut sideways = Vec::new();
    emulate(&client, PHONE_ZOOMED, "light").await;
    from_address(&client, passes + 1).await;
    for page in PAGES {
        site.open(&client, page).await;
        let name = format!("{page}-{}", PHONE_ZOOMED.name);
        screenshot(&client, &shots, &name).await;
        if let Some(wide) = wider_than_the_window(&client).await {
            sideways.push(format!("{name}: {wide}"));
        }
    }
    client.close().await.unwrap();

    let profile = tempfile::tempdir().unwrap();
    let client = browser_with_text_size(driver_port, profile.path(), 32).await;
    emulate(&client, PHONE, "light").await;
    from_address(&client, passes + 2).await;
    client.goto(&site.url("/login")).await.unwrap();
    fill(&client, "email", "bob@acme.example").await;
    fill(&client, "password", PASSWORD).await;
    submit(&client, "Log In").await;
    wait_for_path(&client, "/dashboard").await;
    for page in PAGES {
        site.open(&client, page).await;
        let font_size = client
            .execute("return getComputedStyle(document.body).fontSize;", vec![])
            .await
            .unwrap();
        assert_eq!(
            font_size,
            json!("32px"),
            "{page}: the text size setting did not apply"
        );
        let name = format!("{page}-phone-text200");
        screenshot(&client, &shots, &name).await;
        if let Some(wide) = wider_than_the_window(&client).await {
            sideways.push(format!("{name}: {wide}"));
        }
    }
    client.close().await.unwrap();

    eprintln!("axe-core results:\n{}", summary.join("\n"));
    eprintln!("screenshots: {}", shots.display());
    assert!(
        failures.is_empty() && sideways.is_empty(),
        "axe-core found violations:\n{}\npages that scroll sideways:\n{}",
        failures.join("\n"),
        sideways.join("\n")
    );
}

/// After a form error: the title says so, focus is on the first field with
/// a problem, and that field names its message.
async fn assert_errors_are_announced(client: &Client) {
    let title = client.title().await.unwrap();
    assert!(title.starts_with("Error: "), "{title}");
    let focused = client
        .execute(
            r#"const field = document.activeElement;
            const message = document.getElementById(field.getAttribute("aria-describedby")?.split(" ")[0] ?? "");
            return [field.id, field.getAttribute("aria-invalid"), message?.textContent ?? null];"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focused[0], "last_name", "{focused}");
    assert_eq!(focused[1], "true", "{focused}");
    assert!(
        focused[2]
            .as_str()
            .unwrap_or_default()
            .contains("Last Name is required"),
        "{focused}"
    );
}

/// The elements that reach past the window's right edge, when the page
/// scrolls sideways.
async fn wider_than_the_window(client: &Client) -> Option<String> {
    let found = client
        .execute(
            r##"const root = document.documentElement;
            if (root.scrollWidth <= root.clientWidth) return null;
            const wide = [...document.body.querySelectorAll("*")]
                .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 0.5)
                .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""} (${Math.round(e.getBoundingClientRect().right)} px)`);
            return `${root.scrollWidth} px wide in a ${root.clientWidth} px window: ${wide.join(", ")}`;"##,
            vec![],
        )
        .await
        .unwrap();
    found.as_str().map(str::to_string)
}
