//! People as code end to end: the people file, `users export`, `plan` and
//! `apply`, through the built binary on the engine of the run.

use crate::support;

use support::Env;

const PASSWORD: &str = "correct horse battery";
const HEADER: &str = "email,first_name,last_name,role,department,teams,end_date\n";

fn people(env: &Env, rows: &str) -> String {
    let path = env.path("people.csv");
    std::fs::write(&path, format!("{HEADER}{rows}")).unwrap();
    path.display().to_string()
}

fn directory(env: &Env) {
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["teams", "add", "web"]).ok();
    env.run(&["departments", "add", "IT"]).ok();
}

#[test]
fn export_then_plan_shows_no_changes() {
    let env = Env::new();
    directory(&env);
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "viewer",
        "--team",
        "ops",
        "--team",
        "web",
    ])
    .ok();
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    env.run(&[
        "invite",
        "bob@acme.example",
        "--role",
        "editor",
        "--department",
        "IT",
    ])
    .ok();
    let export = env.run(&["users", "export"]).ok().stdout.clone();
    assert!(export.starts_with(HEADER), "{export}");
    assert!(export.contains("ann@acme.example,"), "{export}");
    assert!(export.contains("ops;web"), "{export}");
    std::fs::write(env.path("exported.csv"), &export).unwrap();
    env.run(&["plan", "exported.csv"])
        .ok()
        .stderr_has("0 to invite, 0 to change, 0 to reactivate, 0 to deactivate, 2 unchanged");
    env.run(&["apply", "exported.csv"])
        .ok()
        .stderr_has("no changes");
}

#[test]
fn plan_writes_nothing_and_apply_twice_changes_nothing_the_second_time() {
    let env = Env::new();
    directory(&env);
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    let file = people(
        &env,
        "ann@acme.example,,,editor,IT,ops,\n Carl@ACME.example ,Carl,Lee,viewer,,ops;web,\n",
    );
    let before = env.sql("SELECT count(*) FROM audit_log");
    let mails = env.messages().len();
    let plan = env.run(&["plan", &file, "--format", "json"]).ok().json();
    assert_eq!(plan[0]["action"], "change");
    assert!(
        plan[0]["changes"][0]
            .as_str()
            .unwrap()
            .contains("role: viewer → editor")
    );
    assert_eq!(plan[1]["action"], "invite");
    assert_eq!(plan[1]["email"], "carl@acme.example");
    assert_eq!(
        env.sql("SELECT count(*) FROM audit_log"),
        before,
        "plan wrote nothing"
    );
    assert_eq!(env.messages().len(), mails, "plan mailed nothing");

    env.run(&["apply", &file]).code(3).stderr_has("pass --yes");
    env.run(&["apply", &file, "--yes"])
        .ok()
        .stderr_has("1 message(s) sent");
    assert!(env.link_for("carl@acme.example").contains("http"));
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    let ann = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "ann@acme.example")
        .unwrap();
    assert_eq!(ann["role"], "editor");
    assert_eq!(ann["department"], "IT");
    let carl = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "carl@acme.example")
        .unwrap();
    assert_eq!(carl["first_name"], "Carl");
    env.run(&["apply", &file, "--yes"])
        .ok()
        .stderr_has("no changes");
    let log = env.run(&["log", "--format", "json"]).ok().stdout.clone();
    assert!(log.contains(&support::os_user()), "{log}");
    // Each change emitted its hook event, once; a new person's names are
    // set right after their invitation.
    assert_eq!(
        env.sql(
            "SELECT event, email FROM hook_events WHERE event IN ('user.changed', 'user.invited') \
             AND email IN ('ann@acme.example', 'carl@acme.example') ORDER BY id"
        ),
        env.sql(
            "SELECT 'user.invited', 'ann@acme.example' UNION ALL \
             SELECT 'user.invited', 'carl@acme.example' UNION ALL \
             SELECT 'user.changed', 'carl@acme.example' UNION ALL \
             SELECT 'user.changed', 'ann@acme.example'"
        )
    );
}

#[test]
fn an_empty_name_never_overwrites_a_name_the_user_set() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    let file = people(&env, "ann@acme.example,,,viewer,,,\n");
    env.run(&["plan", &file])
        .ok()
        .stderr_has("0 to change, 0 to reactivate, 0 to deactivate, 1 unchanged");
    env.run(&["-v", "plan", &file])
        .ok()
        .stdout_has("unchanged   ann@acme.example");
}

#[test]
fn bad_rows_are_named_by_file_and_line_and_nothing_is_written() {
    let env = Env::new();
    directory(&env);
    let file = people(
        &env,
        "ann@acme.example,,,viewer,,,\nnot an address,,,viewer,,,\nbob@acme.example,,,boss,,,\n\
         ANN@acme.example,,,viewer,,,\ncid@acme.example,,,viewer,,nope,\ndee@acme.example,,,viewer,,,tomorrow\n",
    );
    let run = env.run(&["apply", &file, "--yes"]);
    run.code(2)
        .stderr_has("people.csv line 3: \"not an address\" is not a valid address")
        .stderr_has("people.csv line 4:")
        .stderr_has("people.csv line 5: ann@acme.example is also on line 2")
        .stderr_has("people.csv line 6:")
        .stderr_has("people.csv line 7: end_date \"tomorrow\"");
    assert!(env.messages().is_empty());
    let users = env
        .run(&["users", "list", "--status", "all", "--format", "json"])
        .ok()
        .json();
    assert_eq!(users.as_array().unwrap().len(), 0);
    std::fs::write(env.path("odd.csv"), "email,role,shoe_size\n").unwrap();
    env.run(&["plan", "odd.csv"])
        .code(2)
        .stderr_has("unknown column(s) \"shoe_size\"");
}

#[test]
fn prune_refuses_a_truncated_file_and_deactivates_within_the_limit() {
    let env = Env::new();
    let mut rows = String::new();
    for n in 0..12 {
        let email = format!("p{n}@acme.example");
        env.run(&["invite", &email, "--role", "viewer"]).ok();
        env.accept(&env.link_for(&email), PASSWORD).ok();
        rows.push_str(&format!("{email},,,viewer,,,\n"));
    }
    env.run(&["invite", "pending@acme.example", "--role", "viewer"])
        .ok();
    let truncated = people(&env, "p0@acme.example,,,viewer,,,\n");
    env.run(&["apply", &truncated, "--prune", "--yes"])
        .code(3)
        .stderr_has("more than --max-deactivate 1");
    let active = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(active.as_array().unwrap().len(), 13, "nothing done");
    // One active user and the pending one leave: within --max-deactivate 2.
    let lines: Vec<&str> = rows.lines().skip(1).collect();
    let file = people(&env, &format!("{}\n", lines.join("\n")));
    env.run(&["plan", &file, "--prune"])
        .ok()
        .stdout_has("deactivate  p0@acme.example")
        .stdout_has("deactivate  pending@acme.example");
    env.run(&["apply", &file, "--prune", "--yes", "--max-deactivate", "2"])
        .ok();
    let left = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(left.as_array().unwrap().len(), 11);
    env.run(&["apply", &file, "--prune", "--yes"])
        .ok()
        .stderr_has("no changes");
    // The leaver comes back with the file.
    let file = people(&env, &rows);
    env.run(&["plan", &file])
        .ok()
        .stdout_has("reactivate  p0@acme.example");
}

#[test]
fn two_applies_at_once_invite_each_person_once() {
    let env = Env::new();
    let rows: String = (0..40)
        .map(|n| format!("n{n}@acme.example,,,viewer,,,\n"))
        .collect();
    let file = people(&env, &rows);
    let children: Vec<_> = (0..2)
        .map(|_| {
            env.command(&["apply", &file, "--yes"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(env.messages().len(), 40, "one mail per person");
    assert_eq!(
        env.sql("SELECT count(*) FROM invitations").trim(),
        "40",
        "one invitation per person"
    );
    env.run(&["apply", &file, "--yes"])
        .ok()
        .stderr_has("no changes");
}

fn today_utc() -> String {
    days_from_now(0, "+%F")
}

#[test]
fn an_end_date_reached_ends_login_and_auth_at_once() {
    use support::web::Server;
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    let server = Server::start(&env);
    let login = || {
        server.post(
            "/login",
            &[("email", "ann@acme.example"), ("password", PASSWORD)],
            None,
        )
    };
    let cookie = login().cookie();
    server.get_with_cookie("/auth", &cookie).status(200);
    // A date to come changes nothing yet, and shows in the plan and the export.
    let file = people(&env, "ann@acme.example,,,viewer,,,2999-01-31\n");
    env.run(&["plan", &file])
        .ok()
        .stdout_has("end_date: (none) → 2999-01-31");
    env.run(&["apply", &file, "--yes"]).ok();
    server.get_with_cookie("/auth", &cookie).status(200);
    env.run(&["users", "export"])
        .ok()
        .stdout_has("ann@acme.example,Ann,Lee,viewer,,,2999-01-31");
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users[0]["end_date"], "2999-01-31");
    // Today: from 00:00 UTC the session stops working and no login starts one.
    let file = people(
        &env,
        &format!("ann@acme.example,,,viewer,,,{}\n", today_utc()),
    );
    env.run(&["apply", &file, "--yes"]).ok();
    server.get_with_cookie("/auth", &cookie).status(401);
    let again = login();
    assert!(
        again.cookie().is_empty() || {
            server.get_with_cookie("/auth", &again.cookie()).status == 401
        }
    );
    env.run(&["apply", &file, "--yes"])
        .ok()
        .stderr_has("no changes");
}

#[test]
fn users_edit_sets_an_end_date_and_users_expire_deactivates_once_it_has_come() {
    let env = Env::new();
    for email in ["ann@acme.example", "bob@acme.example"] {
        env.run(&["invite", email, "--role", "viewer"]).ok();
        env.accept(&env.link_for(email), PASSWORD).ok();
    }
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--end-date",
        &today_utc(),
    ])
    .ok()
    .stderr_has("changed ann@acme.example: end date");
    env.run(&[
        "users",
        "edit",
        "bob@acme.example",
        "--end-date",
        "2999-01-01",
    ])
    .ok();
    env.run(&[
        "users",
        "edit",
        "bob@acme.example",
        "--end-date",
        "2999-01-01",
    ])
    .ok()
    .stderr_has("nothing changed");
    env.run(&["users", "edit", "bob@acme.example", "--no-end-date"])
        .ok();
    env.run(&[
        "users",
        "edit",
        "bob@acme.example",
        "--end-date",
        "31.01.2027",
    ])
    .code(2);
    // Until `users expire` runs the status stays active.
    let show = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(show.as_array().unwrap().len(), 2);
    env.run(&["users", "expire"])
        .ok()
        .stderr_has("ann@acme.example reached its end date and is now inactive");
    let inactive = env
        .run(&["users", "list", "--status", "inactive", "--format", "json"])
        .ok()
        .json();
    assert_eq!(inactive[0]["email"], "ann@acme.example");
    assert_eq!(inactive.as_array().unwrap().len(), 1);
    env.run(&["users", "expire"])
        .ok()
        .stderr_has("no account has reached its end date");
    let log = env.run(&["log", "--format", "json"]).ok().stdout.clone();
    assert!(log.contains("\"deactivate\""), "{log}");
    assert!(log.contains("\"end_date\""), "{log}");
    assert_eq!(
        env.sql("SELECT count(*) FROM hook_events WHERE event = 'user.deactivated'")
            .trim(),
        "1"
    );
}

#[test]
fn invite_end_date_is_stored_with_the_pending_user() {
    let env = Env::new();
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "viewer",
        "--end-date",
        "2999-06-30",
    ])
    .ok();
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users[0]["end_date"], "2999-06-30");
    env.run(&["users", "export"])
        .ok()
        .stdout_has(",viewer,,,2999-06-30");
}

/// `date -u` `days` from now, written with `format`.
fn days_from_now(days: u32, format: &str) -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("+{days} days"), format])
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn users_expire_warns_once_before_the_end_naming_the_date_and_the_contact() {
    let env = Env::new();
    let config =
        "[organization]\nname = \"Acme\"\ncontact = \"it@acme.example\"\nend_warning = \"7d\"\n";
    env.config(config);
    for email in ["ann@acme.example", "bob@acme.example"] {
        env.run(&["invite", email, "--role", "viewer"]).ok();
        env.accept(&env.link_for(email), PASSWORD).ok();
    }
    let soon = days_from_now(3, "+%F");
    env.run(&["users", "edit", "ann@acme.example", "--end-date", &soon])
        .ok();
    let later = days_from_now(30, "+%F");
    env.run(&["users", "edit", "bob@acme.example", "--end-date", &later])
        .ok();
    let mailed = env.messages().len();

    // The mail server is down: nothing is marked warned, exit 4.
    env.config(&format!(
        "{config}[mail]\nfrom = \"IT <it@acme.example>\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n",
        support::closed_port()
    ));
    env.run(&["users", "expire"])
        .code(4)
        .stderr_has("the end warning to ann@acme.example");
    env.config(config);
    env.run(&["users", "expire"]).ok().stderr_has(&format!(
        "ann@acme.example was told that the account ends on {soon}"
    ));
    let messages = env.messages();
    assert_eq!(messages.len(), mailed + 1, "one warning, to ann only");
    let warning = &messages[mailed];
    assert!(warning.contains("To: ann@acme.example"), "{warning}");
    let date = days_from_now(3, "+%A, %-d %B %Y");
    assert!(
        warning.contains(&format!(
            "Your account at Acme, ann@acme.example, ends on {date}."
        )),
        "{warning}"
    );
    assert!(
        warning.contains("please contact it@acme.example"),
        "{warning}"
    );
    // Once: a second run warns nobody, and both stay active until their day.
    env.run(&["users", "expire"]).ok();
    assert_eq!(env.messages().len(), mailed + 1);
    let active = env
        .run(&["users", "list", "--status", "active", "--format", "json"])
        .ok()
        .json();
    assert_eq!(active.as_array().unwrap().len(), 2);
    // A new end date is a new warning.
    let moved = days_from_now(5, "+%F");
    env.run(&["users", "edit", "ann@acme.example", "--end-date", &moved])
        .ok();
    env.run(&["users", "expire"]).ok();
    assert_eq!(env.messages().len(), mailed + 2);
    let log = env.run(&["log", "--format", "json"]).ok().stdout.clone();
    assert!(log.contains("\"end warned\""), "{log}");
}

#[test]
fn apply_with_the_mail_server_down_stores_everything_and_a_rerun_sends_the_mail() {
    let env = Env::new();
    directory(&env);
    env.config(&format!(
        "[mail]\nfrom = \"IT <it@acme.example>\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n",
        support::closed_port()
    ));
    let file = people(
        &env,
        "ann@acme.example,Ann,Lee,editor,IT,ops,\nbob@acme.example,,,viewer,,,\n",
    );
    env.run(&["apply", &file, "--yes"])
        .code(4)
        .stderr_has("2 message(s) could not be sent");
    // Everything but the mail was applied.
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users.as_array().unwrap().len(), 2, "{users}");
    assert_eq!(users[0]["department"], "IT");
    env.run(&["plan", &file])
        .ok()
        .stdout_has("change      ann@acme.example")
        .stdout_has("delivery: failed → sent again, with a new link")
        .stderr_has("0 to invite, 2 to change, 0 to reactivate, 0 to deactivate, 0 unchanged");

    // The mail server is back (the file transport here): a rerun mails both.
    env.config("");
    env.run(&["apply", &file, "--yes"])
        .ok()
        .stderr_has("2 message(s) sent");
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    assert!(env.link_for("bob@acme.example").contains("token="));
    env.run(&["apply", &file, "--yes"])
        .ok()
        .stderr_has("no changes");
}
