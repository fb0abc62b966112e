//! The invitee's path in a real headless Chromium, driven over WebDriver
//! (chromedriver): the link from the delivered email, the form, the dashboard,
//! logging in again later, and an expired link.

mod support;

use std::path::Path;

use support::browser::{body_text, browser, click, fill, start_driver, wait_for_path};
use support::web::Server;
use support::{Env, os_user};

const PASSWORD: &str = "correct horse battery";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitee_accepts_in_a_browser_and_logs_in_again_later() {
    let env = Env::new();
    env.config("[organization]\nname = \"Acme Corp\"\n");
    let server = Server::start(&env);
    // The links in the mail point at the server, now that its port is known.
    env.config(&format!(
        "[organization]\nname = \"Acme Corp\"\nbase_url = \"http://127.0.0.1:{}\"\n",
        server.port
    ));
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&[
        "invite",
        "ann@acme.example",
        "bob@acme.example",
        "--role",
        "editor",
        "--team",
        "ops",
    ])
    .ok();
    let link = env.link_for("ann@acme.example");
    assert!(link.starts_with(&format!("http://127.0.0.1:{}/accept?token=", server.port)));

    let (_driver, driver_port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let client = browser(driver_port, profile.path()).await;

    client.goto(&link).await.unwrap();
    assert_eq!(
        client.title().await.unwrap(),
        "Accept Invitation · Acme Corp"
    );
    let page = body_text(&client).await;
    assert!(
        page.contains("ann@acme.example") && page.contains("editor") && page.contains("ops"),
        "{page}"
    );
    fill(&client, "first_name", "Ann").await;
    fill(&client, "last_name", "Lee").await;
    fill(&client, "password", PASSWORD).await;
    fill(&client, "confirm_password", PASSWORD).await;
    let screenshot = client.screenshot().await.unwrap();
    std::fs::write(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("accept-page.png"),
        screenshot,
    )
    .unwrap();
    click(&client, "Accept & Create Account").await;

    wait_for_path(&client, "/dashboard").await;
    let dashboard = body_text(&client).await;
    assert!(
        dashboard.contains("Welcome, Ann Lee") && dashboard.contains("editor"),
        "{dashboard}"
    );

    // Log out, then log in again as a returning user.
    click(&client, "Log out").await;
    wait_for_path(&client, "/login").await;
    fill(&client, "email", "ann@acme.example").await;
    fill(&client, "password", PASSWORD).await;
    click(&client, "Log In").await;
    wait_for_path(&client, "/dashboard").await;
    assert!(body_text(&client).await.contains("Welcome, Ann Lee"));

    // A day later, Bob's link has expired.
    let later = Server::start_at(&env, "+25h");
    let bob = env
        .link_for("bob@acme.example")
        .replace(&server.port.to_string(), &later.port.to_string());
    client.goto(&bob).await.unwrap();
    assert_eq!(
        client.title().await.unwrap(),
        "Invitation Expired · Acme Corp"
    );
    let expired = body_text(&client).await;
    assert!(
        expired.contains("Please contact your administrator") && !expired.contains(&os_user()),
        "{expired}"
    );
    client.close().await.unwrap();
}
