//! The invitee's path in a real headless Chromium, driven over WebDriver
//! (chromedriver): the link from the delivered email, the form, the dashboard,
//! logging in again later, and an expired link.

use crate::support;

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use support::browser::{body_text, browser, click, fill, start_driver, submit, wait_for_path};
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

    // She corrects her name on the dashboard: the browser's own POST passes
    // the same-site check, and the page shows the new name.
    let last_name = client.find(Locator::Id("last_name")).await.unwrap();
    last_name.clear().await.unwrap();
    last_name.send_keys("Leigh").await.unwrap();
    submit(&client, "Save name").await;
    wait_for_path(&client, "/dashboard").await;
    let renamed = body_text(&client).await;
    assert!(renamed.contains("Welcome, Ann Leigh"), "{renamed}");
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users[0]["last_name"], "Leigh");

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

/// The reset link mailed to `email`, once serve-accept has sent it.
fn wait_for_reset_link(env: &Env, email: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = env
            .messages()
            .into_iter()
            .filter(|m| m.contains("Subject: Set a new password for "))
            .filter(|m| m.lines().any(|l| l == format!("To: {email}")))
            .find_map(|m| support::first_link(&m));
        if let Some(link) = found {
            return link;
        }
        assert!(Instant::now() < deadline, "no reset mail to {email}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The page as it is now, at a desktop's and at a phone's size, for a person to look at.
async fn screenshots(client: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    for (size, width, height) in [("desktop", 1280, 800), ("phone", 375, 667)] {
        client.set_window_size(width, height).await.unwrap();
        let png = client.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}-{size}.png")), png).unwrap();
    }
    client.set_window_size(800, 900).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_who_forgot_their_password_sets_a_new_one_from_the_mail() {
    let env = Env::new();
    // serve-accept makes the link itself, so it must know its own address
    // when it starts: a port that is free now.
    let port = support::closed_port();
    env.config(&format!(
        "[organization]\nname = \"Acme Corp\"\nbase_url = \"http://127.0.0.1:{port}\"\n"
    ));
    let server = Server::start_on(&env, &format!("127.0.0.1:{port}"));
    env.run(&["invite", "ann@acme.example", "--role", "editor"])
        .ok();
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();

    let (_driver, driver_port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let client = browser(driver_port, profile.path()).await;

    client
        .goto(&format!("http://127.0.0.1:{}/login", server.port))
        .await
        .unwrap();
    client
        .find(Locator::LinkText("Forgot your password?"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&client, "/forgot").await;
    assert_eq!(client.title().await.unwrap(), "Forgot Password · Acme Corp");
    screenshots(&client, "forgot-page").await;
    fill(&client, "email", "ann@acme.example").await;
    click(&client, "Send Reset Link").await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while client.title().await.unwrap() != "Check Your Email · Acme Corp" {
        assert!(Instant::now() < deadline, "{}", body_text(&client).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        body_text(&client)
            .await
            .contains("If ann@acme.example belongs to an active account, a link to set a new password is on its way.")
    );
    screenshots(&client, "forgot-sent").await;

    let link = wait_for_reset_link(&env, "ann@acme.example");
    assert!(link.starts_with(&format!("http://127.0.0.1:{}/reset?token=", server.port)));
    client.goto(&link).await.unwrap();
    assert_eq!(
        client.title().await.unwrap(),
        "Set a New Password · Acme Corp"
    );
    assert!(body_text(&client).await.contains("Acme Corp"));
    let new_password = "a brand new staple";
    fill(&client, "password", new_password).await;
    fill(&client, "confirm_password", new_password).await;
    screenshots(&client, "reset-page").await;
    click(&client, "Set Password").await;
    wait_for_path(&client, "/dashboard").await;
    assert!(body_text(&client).await.contains("Welcome, Ann Lee"));

    // The new password is the one that logs in now.
    click(&client, "Log out").await;
    wait_for_path(&client, "/login").await;
    fill(&client, "email", "ann@acme.example").await;
    fill(&client, "password", new_password).await;
    click(&client, "Log In").await;
    wait_for_path(&client, "/dashboard").await;
    // And the link from the mail is used up.
    client.goto(&link).await.unwrap();
    assert_eq!(
        client.title().await.unwrap(),
        "Invalid Reset Link · Acme Corp"
    );
    client.close().await.unwrap();
}
