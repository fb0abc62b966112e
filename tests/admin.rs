//! The day-two admin commands, driven through the built binary: `show`,
//! `log`, `users edit` and `config show`.

use crate::support;

use support::web::Server;
use support::{Env, closed_port, os_user};

const PASSWORD: &str = "correct horse battery";

/// Every line of a table fits `columns` characters.
#[track_caller]
fn fits(table: &str, columns: usize) {
    assert!(!table.trim().is_empty(), "no table");
    for line in table.lines() {
        assert!(
            line.chars().count() <= columns,
            "{line:?} is wider than {columns}:\n{table}"
        );
    }
}

/// The actions of `log --format json`, newest first.
fn actions(env: &Env, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["log", "--format", "json"];
    args.extend_from_slice(extra);
    env.run(&args)
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap().to_string())
        .collect()
}

fn smtp_down(env: &Env) {
    env.config(&format!(
        "[mail]\nfrom = \"IT <it@acme.example>\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n",
        closed_port()
    ));
}

#[test]
fn show_tells_the_user_every_invitation_and_every_delivery_attempt() {
    let env = Env::new().var("COLUMNS", "80").var("LANG", "C.UTF-8");
    env.run(&["teams", "add", "ops"]).ok();
    smtp_down(&env);
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "editor",
        "--team",
        "ops",
    ])
    .code(4);
    // The mail server is back (the file transport here): the repair mails a new link.
    env.config("");
    env.run(&["resend", "--failed"]).ok();

    let shown = env.run(&["show", "ann@acme.example"]);
    shown.ok();
    fits(&shown.stdout, 80);
    let out = &shown.stdout;
    for text in [
        "Email         ann@acme.example",
        "Status        pending",
        "Role          editor",
        "Teams         ops",
        "Invitations:",
        "superseded",
        "Delivery attempts:",
        "failed",
        "written to outbox/",
    ] {
        assert!(out.contains(text), "{text:?} missing:\n{out}");
    }

    let record = env
        .run(&["show", "ANN@acme.example", "--format", "json"])
        .ok()
        .json();
    assert_eq!(record["email"], "ann@acme.example");
    assert_eq!(record["user"]["status"], "pending");
    assert_eq!(record["user"]["role"], "editor");
    assert_eq!(record["user"]["teams"][0], "ops");
    let invitations = record["invitations"].as_array().unwrap();
    assert_eq!(invitations.len(), 2, "the first one too: {record}");
    assert_eq!(invitations[0]["status"], "superseded");
    assert!(
        invitations[0]["delivery"]
            .as_str()
            .unwrap()
            .starts_with("failed: ")
    );
    let failed = &invitations[0]["deliveries"][0];
    assert_eq!(failed["result"], "failed");
    assert_eq!(failed["transport"], "none");
    assert!(
        failed["reply"].as_str().unwrap().contains("127.0.0.1"),
        "the reason names the server: {failed}"
    );
    assert!(failed["at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(invitations[1]["status"], "pending");
    let sent = &invitations[1]["deliveries"][0];
    assert_eq!(sent["result"], "sent");
    assert_eq!(sent["transport"], "file");
    assert!(
        sent["reply"]
            .as_str()
            .unwrap()
            .starts_with("written to outbox/")
    );
    assert!(sent["message_id"].as_str().unwrap().starts_with('<'));

    // By the id of either invitation, the same record.
    let id = invitations[0]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        env.run(&["show", &id, "--format", "json"]).ok().json(),
        record
    );

    // CSV: one row per delivery attempt.
    let csv = env
        .run(&["show", "ann@acme.example", "--format", "csv"])
        .ok()
        .stdout
        .clone();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "email,invitation_id,status,sent_at,expires_at,at,result,reply,transport,message_id"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].contains(",superseded,") && lines[1].contains(",failed,"));
    assert!(lines[2].contains(",pending,") && lines[2].contains(",sent,"));
}

#[test]
fn show_of_an_unknown_address_or_id_is_exit_3_with_the_closest_addresses() {
    let env = Env::new();
    env.run(&["show", "ann@acme.example"])
        .code(1)
        .stderr_has("there is no database");
    env.run(&[
        "invite",
        "ann@acme.example,bob@acme.example",
        "--role",
        "viewer",
    ])
    .ok();
    let run = env.run(&["show", "ann@acme.exmaple"]);
    run.code(3).stderr_has(
        "error: there is no user or invitation for ann@acme.exmaple (did you mean ann@acme.example?)",
    );
    assert!(!run.stderr.contains("bob@"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    env.run(&["show", "99"])
        .code(3)
        .stderr_has("there is no invitation with the id 99");
    env.run(&["show", "carl@other.example"])
        .code(3)
        .stderr_has("there is no user or invitation for carl@other.example; see");
}

#[test]
fn show_after_a_cancel_has_no_user_but_keeps_the_history() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.run(&["cancel", "ann@acme.example", "--yes"]).ok();
    let record = env
        .run(&["show", "ann@acme.example", "--format", "json"])
        .ok()
        .json();
    assert!(record["user"].is_null(), "{record}");
    assert_eq!(record["invitations"][0]["status"], "cancelled");
    assert_eq!(record["invitations"][0]["deliveries"][0]["result"], "sent");
    env.run(&["show", "ann@acme.example"])
        .ok()
        .stdout_has("User   none");

    // Accepted: the user is active, the invitation accepted.
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    let record = env
        .run(&["show", "ann@acme.example", "--format", "json"])
        .ok()
        .json();
    assert_eq!(record["user"]["status"], "active");
    assert_eq!(record["user"]["first_name"], "Ann");
    let statuses: Vec<&str> = record["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["cancelled", "accepted"]);
}

#[test]
fn every_change_is_in_the_log_from_the_cli_and_from_serve_accept() {
    let env = Env::new();
    let me = os_user();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["departments", "add", "Sales"]).ok();
    env.run(&[
        "invite",
        "ann@acme.example,bob@acme.example",
        "--role",
        "viewer",
    ])
    .ok();
    env.run(&["resend", "bob@acme.example"]).ok();
    env.run(&["cancel", "bob@acme.example", "--yes"]).ok();
    env.run(&["users", "edit", "ann@acme.example", "--team", "ops"])
        .ok();
    let server = Server::start(&env);
    let link = env.link_for("ann@acme.example");
    let token = support::token_of(&link);
    server
        .post(
            "/accept",
            &[
                ("token", token),
                ("first_name", "Ann"),
                ("last_name", "Lee"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
            None,
        )
        .status(303);
    server
        .post(
            "/login",
            &[("email", "ann@acme.example"), ("password", "not it at all")],
            None,
        )
        .status(401);
    let cookie = server
        .post(
            "/login",
            &[("email", "ann@acme.example"), ("password", PASSWORD)],
            None,
        )
        .cookie();
    server.post("/logout", &[], Some(&cookie)).status(303);
    env.run(&["users", "deactivate", "ann@acme.example", "--yes"])
        .ok();
    env.run(&["users", "reactivate", "ann@acme.example"]).ok();
    env.run(&["users", "edit", "ann@acme.example", "--no-teams"])
        .ok();
    env.run(&["teams", "remove", "ops", "--yes"]).ok();
    env.run(&["departments", "remove", "Sales", "--yes"]).ok();

    let mut logged = actions(&env, &[]);
    logged.reverse();
    assert_eq!(
        logged,
        [
            "team add",
            "department add",
            "invite",
            "invite",
            "resend",
            "cancel",
            "edit",
            "accept",
            "failed login",
            "login",
            "logout",
            "deactivate",
            "reactivate",
            "edit",
            "team remove",
            "department remove",
        ]
    );

    // Who did it: the operating-system user in the CLI, the user in serve-accept.
    let entries = env.run(&["log", "--format", "json"]).ok().json();
    let entries = entries.as_array().unwrap();
    let by = |action: &str| -> Vec<&str> {
        entries
            .iter()
            .filter(|e| e["action"] == action)
            .map(|e| e["actor"].as_str().unwrap())
            .collect()
    };
    assert_eq!(by("invite"), [me.as_str(), me.as_str()]);
    assert_eq!(by("logout"), ["ann@acme.example"]);
    assert_eq!(by("accept"), ["ann@acme.example"]);
    let ids: Vec<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let edit = entries.iter().find(|e| e["action"] == "edit").unwrap();
    assert_eq!(edit["subject"], "ann@acme.example");
    assert_eq!(edit["detail"], "teams: ops -> (none)");
    for field in ["id", "at", "actor", "action", "subject", "detail"] {
        assert!(entries[0].get(field).is_some(), "{field} in {}", entries[0]);
    }
    assert_eq!(entries[0].as_object().unwrap().len(), 6);

    // Filters, each in the database.
    assert_eq!(
        actions(&env, &["--email", "BOB@acme.example"]),
        ["cancel", "resend", "invite"]
    );
    assert_eq!(
        actions(&env, &["--action", "Failed Login"]),
        ["failed login"]
    );
    assert_eq!(
        actions(&env, &["--actor", "ann@acme.example", "--action", "login"]),
        ["login"]
    );
    assert_eq!(
        actions(&env, &["--limit", "2"]),
        ["department remove", "team remove"]
    );
    assert_eq!(actions(&env, &["--actor", &me, "--limit", "1"]).len(), 1);
    let failed = env
        .run(&["log", "--action", "failed login", "--format", "json"])
        .ok()
        .json();
    assert_eq!(failed[0]["detail"], "from 127.0.0.1");

    // CSV has the JSON fields as its header; the table fits 80 columns.
    let csv = env
        .run(&["log", "--format", "csv", "--limit", "1"])
        .ok()
        .stdout
        .clone();
    assert!(
        csv.starts_with("id,at,actor,action,subject,detail\n"),
        "{csv}"
    );
    let table = env
        .run_env(&["log"], &[("COLUMNS", "80")])
        .ok()
        .stdout
        .clone();
    fits(&table, 80);
    assert_eq!(table.lines().count(), 2 + 16, "{table}");
    assert!(table.starts_with("ID"), "{table}");
}

#[test]
fn log_since_takes_a_duration_or_a_time() {
    let env = Env::new();
    env.run(&["teams", "add", "early"]).ok();
    env.run_at("+3d", &["teams", "add", "late"], None).ok();
    let since = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["log", "--format", "json"];
        all.extend_from_slice(args);
        env.run_at("+3d", &all, None)
            .ok()
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["subject"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(since(&["--since", "1d"]), ["late"]);
    assert_eq!(since(&["--since", "7d"]), ["late", "early"]);
    assert_eq!(since(&["--since", "2000-01-01"]), ["late", "early"]);
    assert!(since(&["--since", "2999-01-01T00:00:00Z"]).is_empty());
    env.run(&["log", "--since", "last week"])
        .code(2)
        .stderr_has("--since last week is neither a duration (like 7d or 12h) nor a time");
    env.run(&["log", "--limit", "0"]).code(2);
}

#[test]
fn log_with_nothing_to_show_says_so_and_names_the_actions_it_holds() {
    let env = Env::new();
    env.run(&["log"]).code(1).stderr_has("there is no database");
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["log", "--action", "team ad"])
        .ok()
        .stderr_has("unknown action \"team ad\" (did you mean team add")
        .stderr_has("known actions: invite, resend, cancel, accept")
        .stderr_has("no entries match");
    let json = env.run(&["log", "--action", "invite", "--format", "json"]);
    json.ok();
    assert_eq!(json.stdout.trim(), "[]");
    assert!(!json.stderr.contains("unknown action"), "{}", json.stderr);
}

fn invite_ann(env: &Env) {
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["teams", "add", "dev"]).ok();
    env.run(&["departments", "add", "Engineering"]).ok();
    env.run(&["departments", "add", "Sales"]).ok();
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "editor",
        "--department",
        "Engineering",
        "--team",
        "ops",
    ])
    .ok();
}

#[test]
fn users_edit_of_a_pending_user_changes_their_invitation_and_the_link_keeps_working() {
    let env = Env::new();
    invite_ann(&env);
    let link = env.link_for("ann@acme.example");
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--role",
        "ADMIN",
        "--department",
        "sales",
        "--team",
        "dev,ops",
        "--team",
        "DEV",
    ])
    .ok()
    .stderr_has(
        "changed ann@acme.example: role: editor -> admin; department: Engineering -> Sales; teams: ops -> dev, ops",
    )
    .stderr_has("its link keeps working");
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users[0]["role"], "admin");
    assert_eq!(users[0]["department"], "Sales");
    assert_eq!(users[0]["teams"], serde_json::json!(["dev", "ops"]));
    let invitations = support::invitations(&env);
    assert_eq!(invitations[0]["role"], "admin");
    assert_eq!(invitations[0]["department"], "Sales");
    assert_eq!(invitations[0]["teams"], serde_json::json!(["dev", "ops"]));

    // The accept page shows the new values, for the link already mailed.
    let server = Server::start(&env);
    let page = server.get(&format!("/accept?token={}", support::token_of(&link)));
    page.status(200).has("admin").has("Sales").has("dev, ops");
    assert!(!page.body.contains("Engineering"), "{}", page.body);
    drop(server);

    // The audit entry says what changed; a rerun changes nothing.
    let entries = env
        .run(&["log", "--action", "edit", "--format", "json"])
        .ok()
        .json();
    assert_eq!(entries.as_array().unwrap().len(), 1);
    assert_eq!(entries[0]["actor"], os_user().as_str());
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--role",
        "admin",
        "--team",
        "ops,dev",
    ])
    .ok()
    .stderr_has(
        "ann@acme.example already has the role admin, department Sales and teams dev, ops; nothing changed",
    );
    assert_eq!(actions(&env, &["--action", "edit"]).len(), 1);

    // A resent mail names the new role, and accepting gives the new values.
    env.run(&["users", "edit", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.run(&["resend", "ann@acme.example"]).ok();
    let mail = env.messages().pop().unwrap();
    assert!(mail.contains("as viewer"), "{mail}");
    assert!(mail.contains("Department: Sales"), "{mail}");
    env.accept(&env.link_for("ann@acme.example"), PASSWORD)
        .ok()
        .stderr_has("to join as viewer in Sales (teams: dev, ops)");
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users[0]["status"], "active");
    assert_eq!(users[0]["role"], "viewer");
    assert_eq!(users[0]["teams"], serde_json::json!(["dev", "ops"]));
}

#[test]
fn users_edit_of_an_active_or_inactive_user_shows_on_their_dashboard() {
    let env = Env::new();
    invite_ann(&env);
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    let server = Server::start(&env);
    let cookie = server
        .post(
            "/login",
            &[("email", "ann@acme.example"), ("password", PASSWORD)],
            None,
        )
        .cookie();
    server
        .get_with_cookie("/dashboard", &cookie)
        .status(200)
        .has("editor")
        .has("Engineering");
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--no-department",
        "--no-teams",
        "--role",
        "viewer",
    ])
    .ok()
    .stderr_has(
        "changed ann@acme.example: role: editor -> viewer; department: Engineering -> (none); teams: ops -> (none)",
    );
    let dashboard = server.get_with_cookie("/dashboard", &cookie);
    dashboard.status(200).has("viewer");
    assert!(
        !dashboard.body.contains("Engineering"),
        "{}",
        dashboard.body
    );

    env.run(&["users", "deactivate", "ann@acme.example", "--yes"])
        .ok();
    env.run(&["users", "edit", "ann@acme.example", "--team", "dev"])
        .ok()
        .stderr_has("teams: (none) -> dev");
    let users = env
        .run(&["users", "list", "--status", "inactive", "--format", "json"])
        .ok()
        .json();
    assert_eq!(users[0]["teams"], serde_json::json!(["dev"]));
    assert_eq!(users[0]["status"], "inactive");
}

#[test]
fn users_edit_refuses_unknown_names_with_the_closest_ones_and_writes_nothing() {
    let env = Env::new();
    invite_ann(&env);
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--role",
        "edtor",
        "--department",
        "Sales",
        "--team",
        "ops,opps",
    ])
    .code(2)
    .stderr_has("error: 2 problems, nothing was written:\n")
    .stderr_has("unknown role \"edtor\" (did you mean editor?")
    .stderr_has("unknown team \"opps\" (did you mean ops?");
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--department",
        "Engneering",
    ])
    .code(2)
    .stderr_has("unknown department \"Engneering\" (did you mean Engineering?");
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users[0]["department"], "Engineering", "nothing was written");
    assert!(actions(&env, &["--action", "edit"]).is_empty());

    env.run(&["users", "edit", "anne@acme.example", "--role", "viewer"])
        .code(3)
        .stderr_has("there is no user anne@acme.example (did you mean ann@acme.example?)");
    // Something to change is needed, and the two ways of giving teams exclude each other.
    env.run(&["users", "edit", "ann@acme.example"]).code(2);
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--team",
        "ops",
        "--no-teams",
    ])
    .code(2);
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--department",
        "Sales",
        "--no-department",
    ])
    .code(2);
    env.run(&["users", "edit", "ann@acme.example", "--team", ""])
        .code(2)
        .stderr_has("use --no-teams");
}

#[test]
fn users_edit_changes_a_name_by_the_accept_forms_rules_with_its_log_entry_and_event() {
    // Issue 23.1: `users edit dana@… --last-name Smith` was "unexpected argument".
    let env = Env::new();
    invite_ann(&env);
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    env.run(&["users", "edit", "ann@acme.example", "--last-name", "Smith"])
        .ok()
        .stderr_has("changed ann@acme.example: last name: Lee -> Smith");
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users[0]["first_name"], "Ann");
    assert_eq!(users[0]["last_name"], "Smith");
    // Trimmed, as accept trims; both at once; a name may begin with a hyphen.
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--first-name",
        "  Ann-Marie ",
        "--last-name",
        "-Smith",
    ])
    .ok()
    .stderr_has("first name: Ann -> Ann-Marie; last name: Smith -> -Smith");
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--first-name",
        "Ann-Marie",
    ])
    .ok()
    .stderr_has("already has the name \"Ann-Marie -Smith\"")
    .stderr_has("nothing changed");

    // The accept form's rules: visible characters, no control characters, at most 100.
    for (flag, bad, problem) in [
        (
            "--first-name",
            "\u{200B}\u{FEFF}",
            "First Name is required: type a name made of visible characters",
        ),
        ("--first-name", "", "First Name is required"),
        (
            "--last-name",
            "Sm\u{7}ith",
            "Last Name must be at most 100 characters, without control characters",
        ),
        ("--last-name", "Smith\nroot", "without control characters"),
    ] {
        env.run(&["users", "edit", "ann@acme.example", flag, bad])
            .code(2)
            .stderr_has(problem)
            .stderr_has("nothing was written");
    }
    let long = "x".repeat(101);
    env.run(&["users", "edit", "ann@acme.example", "--last-name", &long])
        .code(2)
        .stderr_has("at most 100 characters");
    // With another problem, nothing of the edit is written.
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--first-name",
        "Annie",
        "--last-name",
        "\u{3164}",
        "--role",
        "viewer",
    ])
    .code(2)
    .stderr_has("Last Name is required");
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users[0]["first_name"], "Ann-Marie");
    assert_eq!(users[0]["last_name"], "-Smith");
    assert_eq!(users[0]["role"], "editor");

    // Audited, one user.changed event each (recorded without [hooks] too).
    let edits = env
        .run(&["log", "--action", "edit", "--format", "json"])
        .ok()
        .json();
    assert_eq!(edits.as_array().unwrap().len(), 2, "{edits}");
    assert_eq!(edits[1]["detail"], "last name: Lee -> Smith");
    assert_eq!(edits[1]["actor"], os_user());
    let changed =
        env.sql("SELECT user_json FROM hook_events WHERE event = 'user.changed' ORDER BY id");
    let changed: Vec<serde_json::Value> = changed
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(changed.len(), 2);
    assert_eq!(changed[0]["last_name"], "Smith");
    assert_eq!(changed[1]["first_name"], "Ann-Marie");
    assert_eq!(changed[1], users[0], "the user as `users list` shows them");
}

#[test]
fn teams_and_departments_remove_point_to_users_edit() {
    let env = Env::new();
    invite_ann(&env);
    env.run(&["teams", "remove", "ops", "--yes"])
        .code(3)
        .stderr_has(
            "the team \"ops\" is still assigned to 1 user(s) (ann@acme.example) and 1 pending invitation(s); \
             reassign each of them first with `invitectl users edit ann@acme.example --team OTHER` (or --no-teams)",
        );
    env.run(&["departments", "remove", "Engineering", "--yes"])
        .code(3)
        .stderr_has(
            "`invitectl users edit ann@acme.example --department OTHER` (or --no-department)",
        );
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--team",
        "dev",
        "--department",
        "Sales",
    ])
    .ok();
    env.run(&["teams", "remove", "ops", "--yes"]).ok();
    env.run(&["departments", "remove", "Engineering", "--yes"])
        .ok();
}

#[test]
fn config_show_names_every_setting_and_where_it_came_from() {
    let env = Env::sqlite().var("COLUMNS", "80");
    let shown = |extra: &[(&str, &str)], args: &[&str]| -> serde_json::Value {
        let mut all = vec!["config", "show", "--format", "json"];
        all.extend_from_slice(args);
        env.run_env(&all, extra).ok().json()
    };
    let find = |settings: &serde_json::Value, key: &str| -> (serde_json::Value, String) {
        let setting = support::setting(settings, key);
        assert_eq!(setting.as_object().unwrap().len(), 3, "{setting}");
        (
            setting["value"].clone(),
            setting["origin"].as_str().unwrap().to_string(),
        )
    };

    // Nothing set: every key, each a default; no database is needed.
    let defaults = shown(&[], &[]);
    for key in [
        "organization.name",
        "organization.roles",
        "organization.invitation_ttl",
        "database.path",
        "database.url",
        "mail.transport",
        "smtp.port",
        "smtp.password",
        "database.password",
        "server.trusted_proxies",
    ] {
        assert_eq!(find(&defaults, key).1, "default", "{key}");
    }
    assert_eq!(
        find(&defaults, "organization.name").0,
        "Example Organization"
    );
    assert_eq!(
        find(&defaults, "organization.roles").0,
        serde_json::json!(["admin", "editor", "viewer"])
    );
    assert_eq!(find(&defaults, "organization.invitation_ttl").0, "24h");
    assert_eq!(find(&defaults, "database.path").0, "invitectl.db");
    assert!(find(&defaults, "database.url").0.is_null());
    assert_eq!(find(&defaults, "mail.transport").0, "file");
    assert_eq!(find(&defaults, "smtp.port").0, 587);
    assert_eq!(find(&defaults, "smtp.password").0, "(unset)");
    assert!(
        !env.path("invitectl.db").exists(),
        "config show writes nothing"
    );

    // A file, the environment over it, and the flag over both.
    env.config(
        "[organization]\nname = \"Acme\"\ninvitation_ttl = \"48h\"\n\
         [database]\npath = \"file.db\"\n\
         [smtp]\nhost = \"smtp.acme.example\"\nsecurity = \"tls\"\nusername = \"it\"\n\
         password_env = \"ACME_SMTP_SECRET\"\n",
    );
    let layered = shown(
        &[
            ("INVITECTL_ORGANIZATION_NAME", "Acme Corp"),
            ("ACME_SMTP_SECRET", "swordfish-smtp"),
        ],
        &[],
    );
    assert_eq!(
        find(&layered, "organization.name"),
        (
            "Acme Corp".into(),
            "environment INVITECTL_ORGANIZATION_NAME".into()
        )
    );
    assert_eq!(
        find(&layered, "organization.invitation_ttl"),
        ("48h".into(), "file invitectl.toml".into())
    );
    assert_eq!(
        find(&layered, "database.path"),
        ("file.db".into(), "file invitectl.toml".into())
    );
    assert_eq!(
        find(&layered, "mail.transport"),
        ("smtp".into(), "default".into())
    );
    assert_eq!(find(&layered, "smtp.port"), (465.into(), "default".into()));
    assert_eq!(
        find(&layered, "smtp.password_env"),
        ("ACME_SMTP_SECRET".into(), "file invitectl.toml".into())
    );
    assert_eq!(
        find(&layered, "smtp.password"),
        ("(set)".into(), "environment ACME_SMTP_SECRET".into())
    );
    assert_eq!(
        find(&shown(&[], &[]), "smtp.password"),
        ("(unset)".into(), "environment ACME_SMTP_SECRET".into())
    );
    let flagged = shown(&[], &["--db", "flag.db"]);
    assert_eq!(
        find(&flagged, "database.path"),
        ("flag.db".into(), "flag --db".into())
    );
    let from_env = shown(&[("INVITECTL_DB", "env.db")], &[]);
    assert_eq!(
        find(&from_env, "database.path"),
        ("env.db".into(), "environment INVITECTL_DB".into())
    );

    // The table for people, with the file named on stderr.
    let table = env.run(&["config", "show"]);
    table
        .ok()
        .stderr_has("config file: invitectl.toml")
        .stdout_has("file invitectl.toml");
    let ttl = table
        .stdout
        .lines()
        .find(|line| line.starts_with("organization.invitation_ttl "))
        .unwrap_or_else(|| panic!("no invitation_ttl row:\n{}", table.stdout));
    assert_eq!(
        ttl.split_whitespace().collect::<Vec<_>>(),
        [
            "organization.invitation_ttl",
            "48h",
            "file",
            "invitectl.toml"
        ]
    );
    fits(&table.stdout, 80);
    assert!(table.stdout.starts_with("Key"), "{}", table.stdout);
    let csv = env
        .run(&["config", "show", "--format", "csv"])
        .ok()
        .stdout
        .clone();
    assert!(csv.starts_with("key,value,origin\n"), "{csv}");
}

#[test]
fn config_show_never_shows_a_password() {
    let env = Env::sqlite();
    let secrets = [
        "hunter2-in-url",
        "swordfish-db",
        "opensesame-smtp",
        "query-secret",
    ];
    std::fs::write(env.path("smtp-secret"), "opensesame-smtp\n").unwrap();
    env.config(&format!(
        "[database]\nurl = \"postgres://invitectl:hunter2-in-url@db.acme.example:5432/invitectl?sslmode=require\"\n\
         [smtp]\nhost = \"smtp.acme.example\"\nusername = \"it\"\npassword_file = \"{}\"\n",
        env.path("smtp-secret").display()
    ));
    let vars = [
        ("INVITECTL_DATABASE_PASSWORD_ENV", "DB_SECRET"),
        ("DB_SECRET", "swordfish-db"),
    ];
    let mut outputs = Vec::new();
    for format in ["table", "json", "csv"] {
        let run = env.run_env(&["config", "show", "--format", format], &vars);
        run.ok();
        outputs.push(run.stdout.clone() + &run.stderr);
    }
    let json = env
        .run_env(&["config", "show", "--format", "json"], &vars)
        .ok()
        .json();
    let value = |key: &str| support::setting(&json, key);
    assert_eq!(
        value("database.url")["value"],
        "postgres://invitectl@db.acme.example:5432/invitectl?sslmode=require"
    );
    // The URL holds one, which is the one used.
    assert_eq!(value("database.password")["value"], "(set)");
    assert_eq!(value("database.password")["origin"], "file invitectl.toml");
    assert_eq!(value("smtp.password")["value"], "(set)");
    assert_eq!(
        value("smtp.password")["origin"],
        format!("file {}", env.path("smtp-secret").display())
    );

    // Without one in the URL: the variable that holds it.
    env.config("[database]\nurl = \"postgres://invitectl@db.acme.example/invitectl\"\npassword_env = \"DB_SECRET\"\n");
    let json = env
        .run_env(
            &["config", "show", "--format", "json"],
            &[("DB_SECRET", "swordfish-db")],
        )
        .ok()
        .json();
    let password = support::setting(&json, "database.password");
    assert_eq!(password["value"], "(set)");
    assert_eq!(password["origin"], "environment DB_SECRET");
    outputs.push(json.to_string());

    // A password in a --db URL, in its query too.
    for format in ["table", "json", "csv"] {
        let run = env.run(&[
            "--db",
            "postgres://ann:hunter2-in-url@db.acme.example/app?password=query-secret&sslmode=require",
            "config",
            "show",
            "--format",
            format,
        ]);
        run.ok();
        outputs.push(run.stdout.clone() + &run.stderr);
    }
    assert!(
        outputs
            .last()
            .unwrap()
            .contains("postgres://ann@db.acme.example:5432/app?sslmode=require")
    );
    for output in &outputs {
        for secret in secrets {
            assert!(!output.contains(secret), "{secret} shown:\n{output}");
        }
    }
}

fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Runs a shell command as user nobody in `dir` (runuser, as root in CI).
fn as_nobody(dir: &std::path::Path, script: &str) {
    let output = std::process::Command::new("runuser")
        .args(["-u", "nobody", "--", "sh", "-c", script])
        .current_dir(dir)
        .output()
        .expect("runuser (util-linux) runs a command as another user");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn db_copy_writes_only_into_a_private_file_of_its_own_user() {
    // Issue 17.7: an existing empty target kept its owner and mode, so a file
    // another user made 0666 in a shared directory got every argon2 hash.
    use std::os::unix::fs::PermissionsExt;
    let env = Env::sqlite();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let shared = env.path("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();

    as_nobody(&shared, "umask 0 && : > theirs.db");
    env.run(&["db", "copy", "--to", "shared/theirs.db"])
        .code(3)
        .stderr_has("shared/theirs.db belongs to nobody, not to the user running invitectl");
    assert_eq!(
        std::fs::metadata(shared.join("theirs.db")).unwrap().len(),
        0,
        "nothing written"
    );

    // Nor through a link, to someone else's file or one's own.
    std::fs::write(shared.join("mine.db"), "").unwrap();
    std::os::unix::fs::symlink("mine.db", shared.join("link.db")).unwrap();
    env.run(&["db", "copy", "--to", "shared/link.db"])
        .code(3)
        .stderr_has("shared/link.db is a symbolic link");
    assert_eq!(std::fs::metadata(shared.join("mine.db")).unwrap().len(), 0);

    // Nor beside another user's WAL file, which would get the rows.
    std::fs::write(shared.join("other.db"), "").unwrap();
    as_nobody(&shared, "umask 0 && : > other.db-wal");
    env.run(&["db", "copy", "--to", "shared/other.db"])
        .code(3)
        .stderr_has("shared/other.db-wal belongs to nobody");
    assert_eq!(
        std::fs::metadata(shared.join("other.db-wal"))
            .unwrap()
            .len(),
        0
    );

    // One's own empty file, world-readable: used, and made 0600 like a new one.
    std::fs::set_permissions(
        shared.join("mine.db"),
        std::fs::Permissions::from_mode(0o666),
    )
    .unwrap();
    env.run(&["db", "copy", "--to", "shared/mine.db"]).ok();
    assert_eq!(mode_of(&shared.join("mine.db")), 0o600);
    env.run(&["db", "copy", "--to", "shared/new.db"]).ok();
    assert_eq!(mode_of(&shared.join("new.db")), 0o600);
}

#[test]
fn db_copy_refuses_a_source_that_a_running_serve_accept_has_open() {
    // Issue 23.5: a copy taken while serve-accept writes loses what it writes next.
    let env = Env::sqlite();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    let server = Server::start(&env);
    server.get("/healthz").status(200);
    env.run(&["db", "copy", "--to", "copy.db"])
        .code(3)
        .stderr_has("invitectl.db is in use (process ")
        .stderr_has("stop serve-accept")
        .stderr_has("--force");
    assert!(!env.path("copy.db").exists());
    env.run(&["db", "copy", "--to", "copy.db", "--force"])
        .ok()
        .stderr_has("warning: invitectl.db is in use");
    drop(server);
    env.run(&["db", "copy", "--to", "copy2.db"]).ok();
}
