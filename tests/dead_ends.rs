//! No dead ends (issue 20): reminders, "Send me a new link" on the expired
//! page, a lifetime per invitation, and the first opening of a link; through
//! the built binary and a running serve-accept, with libfaketime for the clock.

use crate::support;

use support::web::Server;
use support::{Env, invitations, token_of};

const PASSWORD: &str = "correct horse battery";

fn row<'a>(rows: &'a [serde_json::Value], email: &str) -> &'a serde_json::Value {
    rows.iter()
        .find(|r| r["email"] == email && r["status"] != "superseded")
        .unwrap_or_else(|| panic!("no invitation for {email}: {rows:?}"))
}

fn invite(env: &Env, emails: &str) {
    env.run(&[
        "invite",
        emails,
        "--role",
        "editor",
        "--team",
        "ops",
        "--invited-by",
        "Ida Admin",
    ])
    .ok();
}

fn env_with(config: &str) -> Env {
    let env = Env::new();
    env.config(&format!("[organization]\nname = \"Acme Corp\"\n{config}"));
    env.run(&["teams", "add", "ops"]).ok();
    env
}

/// The messages to `email`, oldest first.
fn messages_to(env: &Env, email: &str) -> Vec<String> {
    env.messages()
        .into_iter()
        .filter(|m| m.lines().any(|l| l == format!("To: {email}")))
        .collect()
}

/// "expires on …" as a message says it.
fn expiry_in(message: &str) -> String {
    let at = message
        .find("expires on ")
        .expect("the mail says when it expires");
    let rest = &message[at..];
    rest[..rest.find(" UTC").expect("an absolute time") + 4].to_string()
}

#[test]
fn a_reminder_carries_a_link_of_its_own_and_the_first_link_keeps_working() {
    let env = env_with("");
    invite(&env, "ann@acme.example,bob@acme.example");
    let first_ann = env.link_for("ann@acme.example");
    let first_bob = env.link_for("bob@acme.example");

    // Too early: sent less than 12h ago, nothing to do.
    let early = env.run(&["remind", "--format", "json"]).ok().json();
    assert_eq!(early.as_array().unwrap().len(), 0, "{early}");

    let planned = env
        .run_at("+13h", &["remind", "--dry-run", "--format", "json"], None)
        .ok()
        .json();
    let planned = planned.as_array().unwrap();
    assert_eq!(planned.len(), 2, "{planned:?}");
    assert!(planned.iter().all(|r| r["outcome"] == "would_remind"));
    assert_eq!(env.messages().len(), 2, "a dry run sends nothing");

    let reminded = env
        .run_at("+13h", &["remind", "--format", "json"], None)
        .ok()
        .json();
    let reminded = reminded.as_array().unwrap();
    assert_eq!(reminded.len(), 2, "{reminded:?}");
    for r in reminded {
        assert_eq!(r["outcome"], "reminded", "{r}");
        assert_eq!(r["delivery"], "sent", "{r}");
        assert!(r["reason"].is_null());
    }
    let to_ann = messages_to(&env, "ann@acme.example");
    assert_eq!(to_ann.len(), 2);
    let reminder = &to_ann[1];
    assert!(
        reminder.contains("Subject: Reminder: you're invited to join Acme Corp"),
        "{reminder}"
    );
    assert!(reminder.contains("This is a reminder"), "{reminder}");
    // The window is not extended: the reminder names the first mail's expiry.
    assert_eq!(expiry_in(reminder), expiry_in(&to_ann[0]));
    let reminder_ann = support::first_link(reminder).unwrap();
    assert_ne!(token_of(&reminder_ann), token_of(&first_ann));

    // Recorded, and shown.
    let rows = invitations(&env);
    assert!(row(&rows, "ann@acme.example")["reminded_at"].is_string());
    let shown = env
        .run(&["show", "ann@acme.example", "--format", "json"])
        .ok()
        .json();
    let sent = &shown["invitations"][0];
    assert!(sent["reminded_at"].is_string(), "{shown}");
    let deliveries = sent["deliveries"].as_array().unwrap();
    assert_eq!(
        deliveries.len(),
        2,
        "the reminder's delivery is recorded: {shown}"
    );
    assert!(
        deliveries[1]["reply"]
            .as_str()
            .unwrap()
            .starts_with("reminder: ")
    );
    env.run(&["show", "ann@acme.example"])
        .ok()
        .stdout_has("reminded ");

    // Idempotent: a second run sends nothing and says why.
    let again = env
        .run_at("+14h", &["remind", "--format", "json"], None)
        .ok()
        .json();
    for r in again.as_array().unwrap() {
        assert_eq!(r["outcome"], "skipped", "{r}");
        assert!(
            r["reason"].as_str().unwrap().contains("already reminded"),
            "{r}"
        );
    }
    assert_eq!(env.messages().len(), 4);

    // Both links work: ann takes the reminder's, bob the first mail's.
    env.accept_at("+14h", &reminder_ann, PASSWORD).ok();
    env.accept_at("+14h", &first_bob, PASSWORD).ok();
    // One winner per invitation: ann's first link is used up with it.
    env.accept_at("+14h", &first_ann, PASSWORD)
        .code(3)
        .stderr_has("accepted");
    let rows = invitations(&env);
    assert_eq!(row(&rows, "ann@acme.example")["status"], "accepted");
    assert_eq!(row(&rows, "bob@acme.example")["status"], "accepted");
}

#[test]
fn the_two_links_of_one_invitation_used_at_once_make_exactly_one_account() {
    let env = env_with("");
    invite(&env, "ann@acme.example");
    env.run_at("+13h", &["remind"], None).ok();
    let links = env.links_for("ann@acme.example");
    assert_eq!(links.len(), 2);
    let runs: Vec<support::Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = links
            .iter()
            .map(|link| scope.spawn(|| env.accept_at("+13h", link, PASSWORD)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners = runs.iter().filter(|r| r.code == 0).count();
    assert_eq!(winners, 1, "{runs:?}");
    assert!(runs.iter().any(|r| r.code == 3), "{runs:?}");
    let audit = env
        .run(&["log", "--action", "accept", "--format", "json"])
        .ok()
        .json();
    assert_eq!(audit.as_array().unwrap().len(), 1, "{audit}");
}

#[test]
fn a_resend_after_a_reminder_kills_both_earlier_links() {
    let env = env_with("");
    invite(&env, "ann@acme.example");
    env.run_at("+13h", &["remind"], None).ok();
    let old = env.links_for("ann@acme.example");
    env.run_at("+13h", &["resend", "ann@acme.example"], None)
        .ok();
    let new = env.link_for("ann@acme.example");
    for link in &old {
        env.accept_at("+13h", link, PASSWORD).code(3);
    }
    env.accept_at("+13h", &new, PASSWORD).ok();
}

#[test]
fn remind_skips_what_it_should_and_off_turns_it_off() {
    let env = env_with("remind_after = \"1h\"\n");
    invite(&env, "ann@acme.example");
    // An invitation whose mail never went out is the repair's, not a reminder's.
    env.sql("UPDATE invitations SET delivery = 'failed: 421 try later'");
    let skipped = env
        .run_at("+2h", &["remind", "--format", "json"], None)
        .ok()
        .json();
    assert_eq!(skipped[0]["outcome"], "skipped");
    assert!(
        skipped[0]["reason"]
            .as_str()
            .unwrap()
            .contains("resend --failed"),
        "{skipped}"
    );
    // Expired ones get none: their window is over.
    env.sql("UPDATE invitations SET delivery = 'sent'");
    let late = env
        .run_at("+25h", &["remind", "--format", "json"], None)
        .ok()
        .json();
    assert_eq!(late.as_array().unwrap().len(), 0, "{late}");

    env.config("[organization]\nremind_after = \"off\"\n");
    env.run_at("+2h", &["remind"], None)
        .ok()
        .stderr_has("reminders are off");
    assert_eq!(env.messages().len(), 1);
    env.run(&["config", "show"]).ok().stdout_has("off");
}

#[test]
fn the_expired_page_offers_a_new_link_that_renew_auto_mails_until_renew_limit() {
    let env = env_with("renew = \"auto\"\nrenew_limit = 2\n");
    invite(&env, "ann@acme.example");
    let first = env.link_for("ann@acme.example");
    let token = token_of(&first).to_string();

    let server = Server::start_at(&env, "+25h");
    server
        .get(&format!("/accept?token={token}"))
        .status(410)
        .has("Invitation Expired")
        .has("Send me a new link")
        .has("action=\"/renew\"");
    server
        .post("/renew", &[("token", &token)], None)
        .status(200)
        .has("A new link is on its way to a…@acme.example");
    let second = env.link_for("ann@acme.example");
    assert_ne!(second, first);
    let mail = messages_to(&env, "ann@acme.example").pop().unwrap();
    assert!(mail.contains("Ida Admin has invited you"), "{mail}");
    // The old link is dead: superseded, not expired.
    server.get(&format!("/accept?token={token}")).status(404);
    server
        .post("/renew", &[("token", &token)], None)
        .status(404);
    // The new one works, with the same role and teams.
    server
        .get(&format!("/accept?token={}", token_of(&second)))
        .status(200)
        .has("editor")
        .has("ops");
    let rows = invitations(&env);
    let renewed = row(&rows, "ann@acme.example");
    assert_eq!(renewed["invited_by"], "Ida Admin");
    assert_eq!(renewed["teams"][0], "ops");
    drop(server);

    // Renewal 2 of 2, a day later.
    let server = Server::start_at(&env, "+50h");
    server
        .post("/renew", &[("token", token_of(&second))], None)
        .status(200)
        .has("on its way");
    drop(server);
    let third = env.link_for("ann@acme.example");

    // At the limit: the admin is asked instead.
    let server = Server::start_at(&env, "+75h");
    server
        .post("/renew", &[("token", token_of(&third))], None)
        .status(200)
        .has("Your administrator has been asked");
    drop(server);
    assert_eq!(env.links_for("ann@acme.example").len(), 3);
    let asked = env
        .run_at(
            "+75h",
            &["list", "--status", "renewal", "--format", "json"],
            None,
        )
        .ok()
        .json();
    assert_eq!(asked.as_array().unwrap().len(), 1, "{asked}");

    let log = env
        .run(&["log", "--actor", "ann@acme.example", "--format", "json"])
        .ok()
        .json();
    let renewals = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "renewal requested")
        .count();
    assert_eq!(renewals, 3, "{log}");
    let events = env.run(&["hooks", "list", "--format", "json"]).ok().json();
    let renewal_events = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "invitation.renewal_requested")
        .count();
    assert_eq!(renewal_events, 3, "{events}");
}

#[test]
fn renew_admin_records_the_request_tells_the_contact_and_a_resend_answers_it() {
    let env = env_with("contact = \"it-help@acme.example\"\n");
    invite(&env, "ann@acme.example");
    let token = token_of(&env.link_for("ann@acme.example")).to_string();

    let server = Server::start_at(&env, "+25h");
    server
        .get(&format!("/accept?token={token}"))
        .status(410)
        .has("Send me a new link")
        .has("your administrator is told");
    for _ in 0..2 {
        server
            .post("/renew", &[("token", &token)], None)
            .status(200)
            .has("Your administrator has been asked to send you a new link")
            .has("a…@acme.example");
    }
    drop(server);
    // One mail to the contact, however often the button is pressed.
    let told = messages_to(&env, "it-help@acme.example");
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0].contains("invitectl resend ann@acme.example"),
        "{}",
        told[0]
    );
    assert_eq!(
        env.links_for("ann@acme.example").len(),
        1,
        "no new link by itself"
    );

    let asked = env
        .run_at(
            "+25h",
            &["list", "--status", "renewal", "--format", "json"],
            None,
        )
        .ok()
        .json();
    assert_eq!(asked.as_array().unwrap().len(), 1, "{asked}");
    assert!(asked[0]["renewal_requested_at"].is_string());
    env.run_at("+25h", &["list"], None)
        .ok()
        .stdout_has("expired (renewal asked)");
    // The nightly clean-up leaves it for the admin.
    env.run_at("+25h", &["cancel", "--expired", "--yes"], None)
        .ok()
        .stderr_has("asked for a new link");
    let listed = env
        .run_at("+25h", &["list", "--format", "json"], None)
        .ok()
        .json();
    assert_eq!(listed[0]["status"], "expired", "{listed}");
    let log = env
        .run(&["log", "--action", "renewal requested", "--format", "json"])
        .ok()
        .json();
    assert_eq!(log[0]["actor"], "ann@acme.example", "{log}");

    // The admin answers with a resend: the request is gone.
    env.run_at("+25h", &["resend", "ann@acme.example"], None)
        .ok();
    let asked = env
        .run_at(
            "+25h",
            &["list", "--status", "renewal", "--format", "json"],
            None,
        )
        .ok()
        .json();
    assert_eq!(asked.as_array().unwrap().len(), 0, "{asked}");
    env.accept_at("+25h", &env.link_for("ann@acme.example"), PASSWORD)
        .ok();
}

#[test]
fn cancelled_used_and_unknown_links_never_renew() {
    let env = env_with("renew = \"auto\"\n");
    invite(&env, "ann@acme.example,bob@acme.example");
    let ann = token_of(&env.link_for("ann@acme.example")).to_string();
    let bob = env.link_for("bob@acme.example");
    env.run(&["cancel", "ann@acme.example", "--yes"]).ok();
    env.accept(&bob, PASSWORD).ok();
    let server = Server::start_at(&env, "+25h");
    server
        .post("/renew", &[("token", &ann)], None)
        .status(404)
        .has("Invalid Token");
    server
        .post("/renew", &[("token", token_of(&bob))], None)
        .status(404);
    server
        .post("/renew", &[("token", "A".repeat(43).as_str())], None)
        .status(404);
    server.post("/renew", &[], None).status(404);
    drop(server);
    assert_eq!(env.messages().len(), 2, "nothing was mailed");
}

#[test]
fn renew_off_keeps_the_page_as_it_was() {
    let env = env_with("renew = \"off\"\n");
    invite(&env, "ann@acme.example");
    let token = token_of(&env.link_for("ann@acme.example")).to_string();
    let server = Server::start_at(&env, "+25h");
    let page = server.get(&format!("/accept?token={token}"));
    page.status(410).has("Invitation Expired");
    assert!(!page.body.contains("Send me a new link"));
    server
        .post("/renew", &[("token", &token)], None)
        .status(410);
    drop(server);
    assert_eq!(env.messages().len(), 1);
}

#[test]
fn a_still_valid_link_renews_nothing_and_goes_back_to_its_page() {
    let env = env_with("renew = \"auto\"\n");
    invite(&env, "ann@acme.example");
    let token = token_of(&env.link_for("ann@acme.example")).to_string();
    let server = Server::start(&env);
    let answer = server.post("/renew", &[("token", &token)], None);
    answer.status(303);
    assert_eq!(answer.header("location"), format!("/accept?token={token}"));
    drop(server);
    assert_eq!(env.messages().len(), 1);
}

#[test]
fn renew_from_another_site_is_refused() {
    let env = env_with("renew = \"auto\"\n");
    invite(&env, "ann@acme.example");
    let token = token_of(&env.link_for("ann@acme.example")).to_string();
    let server = Server::start_at(&env, "+25h");
    let body = support::web::form_encode(&[("token", &token)]);
    server
        .request(
            "POST",
            "/renew",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Sec-Fetch-Site", "cross-site"),
            ],
            &body,
        )
        .status(403);
    drop(server);
    assert_eq!(env.messages().len(), 1);
}

#[test]
fn renewals_are_rate_limited_per_address() {
    let env = env_with("renew = \"admin\"\n");
    invite(&env, "ann@acme.example");
    let token = token_of(&env.link_for("ann@acme.example")).to_string();
    let server = Server::start_at(&env, "+25h");
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(server.post("/renew", &[("token", &token)], None).status);
    }
    assert_eq!(&statuses[..3], &[200, 200, 200], "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[test]
fn ttl_sets_each_invitations_lifetime_up_to_the_cap() {
    let env = env_with("max_invitation_ttl = \"10d\"\n");
    let with_ttl = env
        .run(&[
            "invite",
            "ann@acme.example",
            "--role",
            "editor",
            "--ttl",
            "72h",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let rows = invitations(&env);
    let ann = row(&rows, "ann@acme.example");
    let sent = chrono::DateTime::parse_from_rfc3339(ann["sent_at"].as_str().unwrap()).unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(ann["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires - sent, chrono::TimeDelta::hours(72));
    assert_eq!(with_ttl[0]["expires_at"], ann["expires_at"]);
    // The mail states that expiry.
    let mail = messages_to(&env, "ann@acme.example").pop().unwrap();
    let expected = expires.format("%A, %-d %B %Y at %H:%M UTC").to_string();
    assert!(mail.contains(&expected), "{expected} not in:\n{mail}");

    // Above the cap: usage error naming it, nothing written.
    env.run(&[
        "invite",
        "bob@acme.example",
        "--role",
        "editor",
        "--ttl",
        "11d",
    ])
    .code(2)
    .stderr_has("10d")
    .stderr_has("max_invitation_ttl");
    // A CSV ttl column, per row; an empty cell takes --ttl or the default.
    std::fs::write(
        env.path("hires.csv"),
        "email,role,ttl\ncid@acme.example,viewer,2d\ndee@acme.example,viewer,\n",
    )
    .unwrap();
    env.run(&["invite", "--from-file", "hires.csv"]).ok();
    let rows = invitations(&env);
    let lifetime = |email: &str| {
        let r = row(&rows, email);
        let sent = chrono::DateTime::parse_from_rfc3339(r["sent_at"].as_str().unwrap()).unwrap();
        let expires =
            chrono::DateTime::parse_from_rfc3339(r["expires_at"].as_str().unwrap()).unwrap();
        expires - sent
    };
    assert_eq!(lifetime("cid@acme.example"), chrono::TimeDelta::days(2));
    assert_eq!(lifetime("dee@acme.example"), chrono::TimeDelta::hours(24));
    assert!(rows.iter().all(|r| r["email"] != "bob@acme.example"));
    std::fs::write(
        env.path("late.csv"),
        "email,role,ttl\neve@acme.example,viewer,1d\nfay@acme.example,viewer,40d\n",
    )
    .unwrap();
    env.run(&["invite", "--from-file", "late.csv"])
        .code(2)
        .stderr_has("line 3")
        .stderr_has("10d");
    assert!(
        invitations(&env)
            .iter()
            .all(|r| r["email"] != "eve@acme.example")
    );

    // resend --ttl, capped the same way.
    env.run(&["resend", "ann@acme.example", "--ttl", "30d"])
        .code(2)
        .stderr_has("10d");
    env.run(&["resend", "ann@acme.example", "--ttl", "7d"]).ok();
    assert_eq!(
        lifetime_of(&env, "ann@acme.example"),
        chrono::TimeDelta::days(7)
    );
}

fn lifetime_of(env: &Env, email: &str) -> chrono::TimeDelta {
    let rows = invitations(env);
    let r = row(&rows, email);
    let sent = chrono::DateTime::parse_from_rfc3339(r["sent_at"].as_str().unwrap()).unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(r["expires_at"].as_str().unwrap()).unwrap();
    expires - sent
}

#[test]
fn the_first_opening_of_a_valid_link_is_recorded_and_nothing_else() {
    let env = env_with("");
    invite(&env, "ann@acme.example,bob@acme.example");
    let ann = token_of(&env.link_for("ann@acme.example")).to_string();
    let bob = token_of(&env.link_for("bob@acme.example")).to_string();
    let server = Server::start(&env);
    assert!(row(&invitations(&env), "ann@acme.example")["opened_at"].is_null());
    server.get(&format!("/accept?token={ann}")).status(200);
    let opened = row(&invitations(&env), "ann@acme.example")["opened_at"].clone();
    assert!(opened.is_string(), "{opened}");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    server.get(&format!("/accept?token={ann}")).status(200);
    let rows = invitations(&env);
    assert_eq!(
        row(&rows, "ann@acme.example")["opened_at"],
        opened,
        "the first time only"
    );
    assert_eq!(
        row(&rows, "ann@acme.example")["status"],
        "pending",
        "a hint, not a status"
    );
    assert!(row(&rows, "bob@acme.example")["opened_at"].is_null());
    drop(server);
    // An expired link is not a valid one.
    let server = Server::start_at(&env, "+25h");
    server.get(&format!("/accept?token={bob}")).status(410);
    drop(server);
    assert!(row(&invitations(&env), "bob@acme.example")["opened_at"].is_null());
    env.run(&["show", "ann@acme.example"])
        .ok()
        .stdout_has("opened ");
}

#[test]
fn two_reminder_runs_at_once_remind_each_invitation_once() {
    let env = env_with("");
    let emails: Vec<String> = (0..20).map(|i| format!("p{i}@acme.example")).collect();
    invite(&env, &emails.join(","));
    let runs: Vec<support::Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| env.run_at("+13h", &["remind", "--format", "json"], None)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut reminded = 0;
    for run in &runs {
        run.ok();
        reminded += run
            .json()
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["outcome"] == "reminded")
            .count();
    }
    assert_eq!(reminded, 20, "{runs:?}");
    assert_eq!(env.messages().len(), 40, "one reminder each");
}
