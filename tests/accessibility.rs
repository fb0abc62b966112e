//! Every page an invitee or user sees, checked by axe-core (WCAG 2.1 A and
//! AA, and axe's best practices) in a real headless Chromium: in light and
//! dark mode, on a desktop (1280×800) and a phone (375×667), in each of the
//! ten languages (Arabic right to left); then, in English, on the phone at
//! 200 % text and zoomed to 200 %, where nothing may scroll sideways. After a form error, the title says so and focus is on the
//! first field with a problem. axe-core comes
//! from tests/axe (scripts/setup.sh runs `npm ci` there); without it the
//! test fails, never skips. Screenshots of every page in every mode land in
//! target/tmp/screenshots for people to look at.

use crate::support;

use std::path::{Path, PathBuf};

use std::cell::Cell;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use support::browser::{
    body_text, browser, browser_with_text_size, cdp, fill, start_driver, submit, wait_for_path,
};
use support::catalogue::{LANGS, fragments, message};
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

/// Every request from here on asks for `lang` and comes from the client
/// address 192.0.2.`n` (serve-accept believes X-Forwarded-For from
/// loopback, a trusted proxy by default), so that the bad links and wrong
/// logins each pass opens on purpose stay within the limits per address.
async fn from_address(client: &Client, n: usize, lang: &str) {
    cdp(client, "Network.enable", json!({})).await;
    cdp(
        client,
        "Network.setExtraHTTPHeaders",
        json!({ "headers": {
            "X-Forwarded-For": format!("192.0.2.{n}"),
            "Accept-Language": lang,
        } }),
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

/// serve-accept now, and 25 hours later (when the links have expired).
struct Servers {
    now: Server,
    later: Server,
    /// `later` with `[organization] renew = "auto"`.
    later_auto: Server,
}

/// The pages of one language, opened by a browser that asks for it.
struct Site<'a> {
    env: &'a Env,
    servers: &'a Servers,
    lang: &'static str,
    /// Invitees made for the renewal pages, one per opening (each
    /// renewal uses up its expired link, and counts against its account).
    renewals: Cell<u32>,
    /// Ann's link: pending, and expired on `later`.
    pending: String,
    /// Bob's link, accepted already; the browser is logged in as Bob.
    used: String,
    failed_logins: Cell<u32>,
    /// A password reset link of Bob's.
    reset: String,
}

impl Site<'_> {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.servers.now.port)
    }

    /// Fills the open accept form (with `PASSWORD`, confirmed as `confirm`) and sends it.
    async fn accept(&self, client: &Client, first: &str, last: &str, confirm: &str) {
        fill(client, "first_name", first).await;
        fill(client, "last_name", last).await;
        fill(client, "password", PASSWORD).await;
        fill(client, "confirm_password", confirm).await;
        submit(client, &self.label("accept-button")).await;
    }

    /// A button's label in the site's language.
    fn label(&self, id: &str) -> String {
        message(self.lang, id)
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
                self.accept(client, "Ann", "   ", "correct horse batter")
                    .await;
            }
            "expired" => client
                .goto(&format!(
                    "http://127.0.0.1:{}/accept?token={}",
                    self.servers.later.port, self.pending
                ))
                .await
                .unwrap(),
            // "Send me a new link" on the expired page, as a person uses it:
            // the admin is asked (the default), or a new link is mailed.
            "renew-requested" | "renew-sent" => {
                let n = self.renewals.get() + 1;
                self.renewals.set(n);
                let email = format!("renew-{}-{n}@acme.example", self.lang);
                self.env
                    .run(&["invite", &email, "--role", "viewer", "--lang", self.lang])
                    .ok();
                let later = if page == "renew-sent" {
                    &self.servers.later_auto
                } else {
                    &self.servers.later
                };
                client
                    .goto(&format!(
                        "http://127.0.0.1:{}/accept?token={}",
                        later.port,
                        token_of(&self.env.link_for(&email))
                    ))
                    .await
                    .unwrap();
                submit(client, &self.label("expired-renew-button")).await;
                let text = body_text(client).await;
                let said = if page == "renew-sent" {
                    "renew-sent-to"
                } else {
                    "renew-asked"
                };
                for words in fragments(self.lang, said) {
                    assert!(text.contains(&words), "{page}: {text}");
                }
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
                let email = format!("nobody-{}-{n}@acme.example", self.lang);
                fill(client, "email", &email).await;
                fill(client, "password", "not the password").await;
                submit(client, &self.label("login-button")).await;
            }
            "dashboard" => client.goto(&self.url("/dashboard")).await.unwrap(),
            "dashboard-errors" => {
                client.goto(&self.url("/dashboard")).await.unwrap();
                // The name form, with a blank last name: 422, nothing changed.
                let last_name = client.find(Locator::Id("last_name")).await.unwrap();
                last_name.clear().await.unwrap();
                last_name.send_keys("   ").await.unwrap();
                submit(client, &self.label("dashboard-save-name")).await;
            }
            "not-found" => client.goto(&self.url("/nowhere")).await.unwrap(),
            "forgot" => client.goto(&self.url("/forgot")).await.unwrap(),
            "forgot-sent" => {
                client.goto(&self.url("/forgot")).await.unwrap();
                let n = self.failed_logins.get() + 1;
                self.failed_logins.set(n);
                let email = format!("nobody-{}-{n}@acme.example", self.lang);
                fill(client, "email", &email).await;
                submit(client, &self.label("forgot-button")).await;
            }
            "reset" => client
                .goto(&self.url(&format!("/reset?token={}", self.reset)))
                .await
                .unwrap(),
            "reset-errors" => {
                client
                    .goto(&self.url(&format!("/reset?token={}", self.reset)))
                    .await
                    .unwrap();
                fill(client, "password", PASSWORD).await;
                fill(client, "confirm_password", "correct horse batter").await;
                submit(client, &self.label("reset-button")).await;
            }
            other => unreachable!("{other}"),
        }
    }
}

/// axe's violations on the page, as (page-independent) JSON. axe-core is
/// loaded into a page once.
async fn axe_violations(client: &Client, axe: &str) -> Vec<Value> {
    let loaded = client
        .execute("return typeof window.axe;", vec![])
        .await
        .unwrap();
    if loaded != json!("object") {
        let loaded = client
            .execute(&format!("{axe}\nreturn typeof window.axe;"), vec![])
            .await
            .unwrap();
        assert_eq!(loaded, json!("object"), "axe-core did not load");
    }
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

/// The whole page, below the fold too, and what is in view when it opens.
async fn screenshot(client: &Client, dir: &Path, name: &str) {
    whole_page_screenshot(client, dir, name).await;
    let view = client.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}-view.png")), view).unwrap();
}

async fn whole_page_screenshot(client: &Client, dir: &Path, name: &str) {
    let shot = cdp(
        client,
        "Page.captureScreenshot",
        json!({ "format": "png", "captureBeyondViewport": true }),
    )
    .await;
    let png = base64_decode(shot["data"].as_str().expect("screenshot data"));
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
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

fn servers(env: &Env) -> Servers {
    env.run(&["departments", "add", "Engineering"]).ok();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["teams", "add", "web"]).ok();
    let mut auto = env.command(&["serve-accept", "--bind", "127.0.0.1:0"]);
    auto.envs(support::faketime("+25h"))
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        .env("INVITECTL_ORGANIZATION_RENEW", "auto");
    Servers {
        now: Server::start(env),
        later: Server::start_at(env, "+25h"),
        later_auto: Server::start_command(auto),
    }
}

/// Ann and Bob invited in `lang`; Bob accepts in the browser, which is then
/// logged in as him, and has a password reset link.
async fn site<'a>(
    env: &'a Env,
    servers: &'a Servers,
    lang: &'static str,
    client: &Client,
) -> Site<'a> {
    let ann = format!("ann-{lang}@acme.example");
    let bob = format!("bob-{lang}@acme.example");
    env.run(&[
        "invite",
        &ann,
        &bob,
        "--role",
        "editor",
        "--department",
        "Engineering",
        "--team",
        "ops,web",
        "--lang",
        lang,
    ])
    .ok();
    let mut site = Site {
        env,
        servers,
        lang,
        renewals: Cell::new(0),
        pending: token_of(&env.link_for(&ann)).to_string(),
        used: token_of(&env.link_for(&bob)).to_string(),
        failed_logins: Cell::new(0),
        reset: String::new(),
    };
    client
        .goto(&site.url(&format!("/accept?token={}", site.used)))
        .await
        .unwrap();
    site.accept(client, "Bob", "Stone", PASSWORD).await;
    wait_for_path(client, "/dashboard").await;
    let link = env
        .run(&["users", "reset-password", &bob, "--print-link"])
        .ok()
        .stdout
        .trim()
        .to_string();
    site.reset = token_of(&link).to_string();
    site
}

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_zoomed_to_200_percent_and_with_200_percent_text() {
    let env = Env::new();
    env.config("[organization]\nname = \"Acme Corp\"\ncontact = \"it-help@acme.example\"\n");
    let servers = servers(&env);
    let shots = screenshots_dir();
    let (_driver, driver_port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let client = browser(driver_port, profile.path()).await;
    from_address(&client, 1, "en").await;
    let site = site(&env, &servers, "en", &client).await;

    let mut sideways = Vec::new();
    emulate(&client, PHONE_ZOOMED, "light").await;
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
    from_address(&client, 2, "en").await;
    client.goto(&site.url("/login")).await.unwrap();
    fill(&client, "email", "bob-en@acme.example").await;
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
    assert!(
        sideways.is_empty(),
        "pages that scroll sideways:\n{}",
        sideways.join("\n")
    );
}

/// After a form error: the title says so, focus is on the first field with
/// a problem, and that field names its message.
async fn assert_errors_are_announced(client: &Client, lang: &str) {
    let title = client.title().await.unwrap();
    let error = message(lang, "error-prefix");
    assert!(title.starts_with(&error), "{title}");
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
            .contains(&message(lang, "problem-last-name-required")),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_in_every_language_passes_axe_in_light_and_dark_on_desktop_and_phone() {
    let axe = axe_source();
    let env = Env::new();
    env.config("[organization]\nname = \"Acme Corp\"\ncontact = \"it-help@acme.example\"\n");
    let servers = servers(&env);
    let shots = screenshots_dir();
    let (_driver, driver_port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let client = browser(driver_port, profile.path()).await;

    let mut failures = Vec::new();
    let mut checked = 0;
    for (n, lang) in LANGS.into_iter().enumerate() {
        let started = std::time::Instant::now();
        from_address(&client, 100 + n, lang).await;
        let site = site(&env, &servers, lang, &client).await;
        for page in PAGES {
            // Each page opened once, then seen in every mode: the browser
            // applies a new size or colour scheme without reloading.
            emulate(&client, DESKTOP, "light").await;
            site.open(&client, page).await;
            let html = client
                .execute(
                    "return [document.documentElement.lang, document.documentElement.dir];",
                    vec![],
                )
                .await
                .unwrap();
            let dir = if lang == "ar" { "rtl" } else { "ltr" };
            assert_eq!(html, json!([lang, dir]), "{lang} {page}");
            if *page == "accept-errors" || *page == "dashboard-errors" {
                assert_errors_are_announced(&client, lang).await;
            }
            let mut light_background = None;
            for size in [DESKTOP, PHONE] {
                for scheme in ["light", "dark"] {
                    emulate(&client, size, scheme).await;
                    let background = background(&client).await;
                    match (&light_background, scheme) {
                        (None, _) => light_background = Some(background),
                        (Some(light), "dark") => assert_ne!(
                            light, &background,
                            "{lang} {page}: dark mode did not change the page's background"
                        ),
                        _ => {}
                    }
                    let name = format!("{lang}-{page}-{}-{scheme}", size.name);
                    // Every mode of the two scripts' extremes (Latin, left
                    // to right; Arabic, right to left); for the others, the
                    // desktop in light and the phone in dark.
                    let shown = matches!(lang, "en" | "ar")
                        || matches!(
                            (size.name, scheme),
                            ("desktop", "light") | ("phone", "dark")
                        );
                    if shown {
                        whole_page_screenshot(&client, &shots, &name).await;
                    }
                    let violations = axe_violations(&client, &axe).await;
                    checked += 1;
                    if !violations.is_empty() {
                        failures.push(format!("{name}:\n{}", describe(&violations)));
                    }
                    if size.mobile
                        && let Some(wide) = wider_than_the_window(&client).await
                    {
                        failures.push(format!("{name} scrolls sideways: {wide}"));
                    }
                }
            }
        }
        eprintln!("{lang}: {:.1} s", started.elapsed().as_secs_f64());
    }
    client.close().await.unwrap();
    eprintln!(
        "axe-core: {checked} pages checked in 10 languages, {} with problems; screenshots: {}",
        failures.len(),
        shots.display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
