//! The admin CLI, driven through the built binary in a temporary directory.

use crate::support;

use support::{Env, os_user, token_of};

const PASSWORD: &str = "correct horse battery";

#[test]
fn the_whole_lifecycle_from_a_terminal_with_no_config() {
    let env = Env::new();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&[
        "invite",
        "ann@acme.example,bob@acme.example",
        "--role",
        "editor",
        "--team",
        "ops",
    ])
    .ok()
    .stdout_has("ann@acme.example")
    .stderr_has("2 message(s) sent to outbox/");
    assert_eq!(env.messages().len(), 2);

    let listed = env.run(&["list", "--format", "json"]).ok().json();
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["status"], "pending");
    assert_eq!(rows[0]["delivery"], "sent");
    assert_eq!(rows[0]["teams"][0], "ops");
    assert_eq!(rows[0]["invited_by"], os_user().as_str());

    // resend: a new link; the old one is dead at once.
    let first_link = env.link_for("ann@acme.example");
    env.run(&["resend", "ann@acme.example"])
        .ok()
        .stdout_has("resent");
    let second_link = env.link_for("ann@acme.example");
    assert_ne!(first_link, second_link);
    env.accept(&first_link, PASSWORD)
        .code(3)
        .stderr_has("not valid");

    // cancel: bob's link is dead at once.
    let bob_link = env.link_for("bob@acme.example");
    env.run(&["cancel", "bob@acme.example", "--yes"]).ok();
    env.accept(&bob_link, PASSWORD)
        .code(3)
        .stderr_has("cancelled");

    // accept with the link from the newest email.
    env.accept(&second_link, PASSWORD)
        .ok()
        .stderr_has("Example Organization invites ann@acme.example to join as editor")
        .stderr_has("Welcome, Ann Lee!");
    env.accept(&second_link, PASSWORD).code(3);

    let listed = env
        .run(&["list", "--status", "all", "--format", "json"])
        .ok()
        .json();
    let statuses: Vec<(&str, &str)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["email"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("bob@acme.example", "cancelled"),
            ("ann@acme.example", "accepted")
        ]
    );

    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["status"], "active");
    assert_eq!(users[0]["first_name"], "Ann");
    assert_eq!(users[0]["teams"][0], "ops");
}

#[test]
fn the_database_never_holds_a_plaintext_token_or_password() {
    let env = Env::new();
    env.run(&[
        "invite",
        "ann@acme.example",
        "bob@acme.example",
        "--role",
        "viewer",
    ])
    .ok();
    let ann = env.link_for("ann@acme.example");
    let bob = env.link_for("bob@acme.example");
    env.accept(&ann, PASSWORD).ok();
    let bytes = env.database_bytes();
    let holds = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!bytes.is_empty());
    assert!(holds("ann@acme.example"), "the check reads the real file");
    assert!(!holds(token_of(&ann)));
    assert!(!holds(token_of(&bob)));
    assert!(!holds(PASSWORD));
}

#[cfg(unix)]
#[test]
fn the_database_is_created_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::sqlite();
    env.run(&["teams", "add", "ops"]).ok();
    let mode = std::fs::metadata(env.path("invitectl.db"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_batch_with_a_bad_address_writes_nothing_and_names_each_one() {
    let env = Env::new();
    env.run(&[
        "invite",
        "ann@acme.example,Bob <bob@acme.example>",
        "carl@",
        "--role",
        "viewer",
    ])
    .code(2)
    .stderr_has("2 problems, nothing was written")
    .stderr_has("\"Bob <bob@acme.example>\" is not a valid address")
    .stderr_has("\"carl@\" is not a valid address");
    assert_eq!(
        env.run(&["list", "--status", "all", "--format", "json"])
            .ok()
            .stdout
            .trim(),
        "[]"
    );
    assert!(env.messages().is_empty());
}

#[test]
fn unknown_role_and_team_name_the_closest_known_ones() {
    let env = Env::new();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "edtor",
        "--team",
        "opps",
    ])
    .code(2)
    .stderr_has("unknown role \"edtor\" (did you mean editor?")
    .stderr_has("unknown team \"opps\" (did you mean ops?");
}

#[test]
fn an_existing_address_is_refused_and_skip_existing_makes_reruns_idempotent() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.run(&["invite", " ANN@acme.example ", "bob@acme.example", "--role", "viewer"])
        .code(3)
        .stderr_has("ann@acme.example already has a pending invitation; send a new link with `invitectl resend ann@acme.example`");
    assert_eq!(env.messages().len(), 1, "bob was not invited either");

    let rerun = env
        .run(&[
            "invite",
            "ann@acme.example",
            "bob@acme.example",
            "--role",
            "viewer",
            "--skip-existing",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(rerun[0]["outcome"], "skipped");
    assert_eq!(
        rerun[0]["reason"].as_str().unwrap(),
        "ann@acme.example already has a pending invitation; send a new link with `invitectl resend ann@acme.example`"
    );
    assert_eq!(rerun[1]["outcome"], "invited");
    assert_eq!(rerun[1]["reason"], serde_json::Value::Null);
    env.run(&[
        "invite",
        "ann@acme.example",
        "bob@acme.example",
        "--role",
        "viewer",
        "--skip-existing",
    ])
    .ok();
    assert_eq!(env.messages().len(), 2, "a rerun sends nothing");
}

#[test]
fn addresses_come_from_comma_lists_stdin_and_a_csv_file() {
    let env = Env::new();
    env.run(&["departments", "add", "Engineering"]).ok();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["teams", "add", "dev"]).ok();
    std::fs::write(
        env.path("hires.csv"),
        "email,role,department,teams\ndan@acme.example,admin,,dev;ops\neve@acme.example,,Engineering,\n",
    )
    .unwrap();
    env.run_with_stdin(
        &[
            "invite",
            "-",
            "ann@acme.example,bob@acme.example",
            "--from-file",
            "hires.csv",
            "--role",
            "viewer",
            "--team",
            "ops",
            "--format",
            "json",
        ],
        "carl@acme.example\nfay@acme.example, gil@acme.example\n",
    )
    .ok();
    let rows = env.run(&["list", "--format", "json"]).ok().json();
    let find = |email: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["email"] == email)
            .unwrap()
            .clone()
    };
    assert_eq!(rows.as_array().unwrap().len(), 7);
    assert_eq!(find("carl@acme.example")["role"], "viewer");
    assert_eq!(find("dan@acme.example")["role"], "admin");
    assert_eq!(
        find("dan@acme.example")["teams"],
        serde_json::json!(["dev", "ops"])
    );
    assert_eq!(
        find("eve@acme.example")["role"],
        "viewer",
        "an empty cell takes --role"
    );
    assert_eq!(
        find("eve@acme.example")["teams"],
        serde_json::json!(["ops"])
    );
    assert_eq!(find("eve@acme.example")["department"], "Engineering");
}

#[test]
fn dry_run_writes_and_sends_nothing() {
    let env = Env::new();
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "viewer",
        "--dry-run",
    ])
    .ok()
    .stdout_has("would invite")
    .stderr_has("nothing was written or sent");
    assert!(env.messages().is_empty());
    assert_eq!(
        env.run(&["list", "--format", "json"]).ok().stdout.trim(),
        "[]"
    );
}

#[test]
fn print_link_shows_a_link_that_works() {
    let env = Env::new();
    let rows = env
        .run(&[
            "invite",
            "ann@acme.example",
            "--role",
            "viewer",
            "--print-link",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let link = rows[0]["link"].as_str().unwrap();
    assert!(
        link.starts_with("http://127.0.0.1:8080/accept?token="),
        "{link}"
    );
    assert_eq!(link, env.link_for("ann@acme.example"));
    env.accept(link, PASSWORD).ok();
    let without = env
        .run(&[
            "invite",
            "bob@acme.example",
            "--role",
            "viewer",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert!(without[0].get("link").is_none());
}

#[test]
fn cancel_asks_for_confirmation_and_refuses_without_a_terminal() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.run(&["cancel", "ann@acme.example"])
        .code(3)
        .stderr_has("pass --yes");
    let rows = env.run(&["list", "--format", "json"]).ok().json();
    assert_eq!(rows[0]["status"], "pending");
    let id = rows[0]["id"].to_string();
    env.run(&["cancel", &id, "--yes"])
        .ok()
        .stderr_has("cancelled 1 invitation(s)");
    env.run(&["cancel", &id, "--yes"])
        .ok()
        .stderr_has("the invitation for ann@acme.example was already cancelled; nothing changed");
    env.run(&["cancel", "nobody@acme.example", "--yes"])
        .code(3)
        .stderr_has("there is no invitation for nobody@acme.example");
}

#[test]
fn accept_names_what_is_missing_for_a_script() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    let link = env.link_for("ann@acme.example");
    env.run(&["accept", &link])
        .code(2)
        .stderr_has("First Name is required; pass --first-name");
    env.run_with_stdin(
        &[
            "accept",
            &link,
            "--first-name",
            "A",
            "--last-name",
            "L",
            "--password-stdin",
        ],
        "short\n",
    )
    .code(2)
    .stderr_has("at least 8 characters");
    env.run(&["accept", "not-a-token", "--password-stdin"])
        .code(3)
        .stderr_has("not valid");
}

#[test]
fn expiry_resend_and_the_nightly_clean_up() {
    let env = Env::new();
    env.run(&[
        "invite",
        "ann@acme.example",
        "bob@acme.example",
        "--role",
        "viewer",
    ])
    .ok();
    let link = env.link_for("ann@acme.example");

    env.accept_at("+25h", &link, PASSWORD)
        .code(3)
        .stderr_has("expired")
        .stderr_has(&format!("ask {}", os_user()));
    let rows = env
        .run_at(
            "+25h",
            &["list", "--status", "expired", "--format", "json"],
            None,
        )
        .ok()
        .json();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    let follow_up = env
        .run_at(
            "+13h",
            &["list", "--older-than", "12h", "--format", "json"],
            None,
        )
        .ok()
        .json();
    assert_eq!(follow_up.as_array().unwrap().len(), 2);
    assert_eq!(
        env.run(&["list", "--older-than", "12h", "--format", "json"])
            .ok()
            .stdout
            .trim(),
        "[]"
    );

    env.run_at("+25h", &["resend", "ann@acme.example"], None)
        .code(0);
    env.run_at("+25h", &["cancel", "--expired", "--yes"], None)
        .code(0)
        .stderr_has("bob@acme.example");
    let rows = env
        .run_at(
            "+25h",
            &["list", "--status", "all", "--format", "json"],
            None,
        )
        .json();
    let statuses: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["cancelled", "pending"]);
    env.accept_at("+25h", &env.link_for("ann@acme.example"), PASSWORD)
        .code(0);
}

#[test]
fn a_mail_failure_keeps_every_invitation_and_resend_failed_repairs_it() {
    let env = Env::new();
    // A file where the outbox directory should be: nothing can be written.
    std::fs::write(env.path("blocked"), "").unwrap();
    env.config("[mail]\ntransport = \"file\"\nfile_dir = \"blocked/outbox\"\n");
    env.run(&[
        "invite",
        "ann@acme.example",
        "bob@acme.example",
        "--role",
        "viewer",
    ])
    .code(4)
    .stderr_has("2 message(s) could not be sent")
    .stderr_has("resend --failed");
    let rows = env.run(&["list", "--format", "json"]).ok().json();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert!(
        rows[0]["delivery"]
            .as_str()
            .unwrap()
            .starts_with("failed: cannot create the mail directory")
    );

    env.config("");
    env.run(&["resend", "--failed"]).ok();
    let rows = env.run(&["list", "--format", "json"]).ok().json();
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["delivery"] == "sent")
    );
    env.accept(&env.link_for("bob@acme.example"), PASSWORD).ok();
}

#[test]
fn concurrent_processes_queue_instead_of_failing() {
    // No database yet: the processes also race to create it.
    let env = Env::new();
    let children: Vec<_> = (0..8)
        .map(|p| {
            let addresses: Vec<String> =
                (0..20).map(|i| format!("p{p}-{i}@acme.example")).collect();
            let mut command =
                env.command(&["-q", "invite", &addresses.join(","), "--role", "viewer"]);
            command
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
            command.spawn().unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let rows = env.run(&["list", "--format", "json"]).ok().json();
    assert_eq!(rows.as_array().unwrap().len(), 160);
}

#[test]
fn list_formats_for_people_and_scripts() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.run(&["list"])
        .ok()
        .stdout_has("Email")
        .stdout_has("Invited By")
        .stdout_has("Expires At")
        .stdout_has("ann@acme.example");
    let csv = env.run(&["list", "--format", "csv"]).ok().stdout.clone();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,email,role,department,teams,invited_by,sent_at,expires_at,status,delivery,accepted_at,cancelled_at,reminded_at,opened_at,renewal_requested_at"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with(&format!("1,ann@acme.example,viewer,,,{},", os_user()))
    );
}

#[test]
fn users_can_be_deactivated_and_reactivated() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.run(&["users", "deactivate", "ann@acme.example"])
        .code(3)
        .stderr_has("has not accepted");
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    env.run(&["users", "deactivate", "ann@acme.example"])
        .code(3)
        .stderr_has(
            "users deactivate needs confirmation and there is no terminal to ask on; pass --yes",
        );
    env.run(&["users", "deactivate", "ann@acme.example", "--yes"])
        .ok()
        .stderr_has("is now inactive");
    env.run(&["users", "deactivate", "ann@acme.example"])
        .ok()
        .stderr_has("was already inactive; nothing changed");
    let inactive = env
        .run(&["users", "list", "--status", "inactive", "--format", "json"])
        .ok()
        .json();
    assert_eq!(inactive[0]["email"], "ann@acme.example");
    let default = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(
        default.as_array().unwrap().len(),
        0,
        "inactive users only on request"
    );
    let all = env
        .run(&["users", "list", "--status", "all", "--format", "json"])
        .ok()
        .json();
    assert_eq!(all.as_array().unwrap().len(), 1);
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .code(3)
        .stderr_has(
            "inactive user; bring it back with `invitectl users reactivate ann@acme.example`",
        );
    env.run(&["users", "reactivate", "ann@acme.example"])
        .ok()
        .stderr_has("is now active");
    env.run(&["users", "deactivate", "nobody@acme.example", "--yes"])
        .code(3)
        .stderr_has("there is no user");
}

#[test]
fn teams_and_departments_are_managed_and_guarded() {
    let env = Env::new();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["teams", "add", "OPS"])
        .ok()
        .stderr_has("the team \"ops\" already exists; nothing changed");
    env.run(&["teams", "add", "a,b"])
        .code(2)
        .stderr_has("comma");
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "viewer",
        "--team",
        "ops",
    ])
    .ok();
    env.run(&["teams", "remove", "ops", "--yes"])
        .code(3)
        .stderr_has("still assigned");
    // Whether it can be removed is said before anyone is asked to confirm.
    env.run(&["teams", "remove", "ops"])
        .code(3)
        .stderr_has("still assigned");
    let teams = env.run(&["teams", "list", "--format", "json"]).ok().json();
    assert_eq!(teams[0]["name"], "ops");
    assert_eq!(teams[0]["users"], 1);
    env.run(&["cancel", "ann@acme.example", "--yes"]).ok();
    env.run(&["teams", "remove", "ops"]).code(3).stderr_has(
        "teams remove needs confirmation and there is no terminal to ask on; pass --yes",
    );
    env.run(&["teams", "remove", "ops", "--yes"]).ok();
    env.run(&["teams", "remove", "ops", "--yes"])
        .code(3)
        .stderr_has("unknown team \"ops\"");
    env.run(&["departments", "add", "Sales"]).ok();
    env.run(&["departments", "list"]).ok().stdout_has("Sales");
}

#[test]
fn bad_usage_and_bad_config_exit_2_naming_the_problem() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example"])
        .code(2)
        .stderr_has("--role");
    env.run(&["list", "--format", "yaml"]).code(2);
    env.run(&["list", "--older-than", "soon"])
        .code(2)
        .stderr_has("--older-than soon");
    env.run(&["resend"]).code(2);
    env.config("[organization]\ninvitation_ttl = \"forever\"\n");
    env.run(&["list"])
        .code(2)
        .stderr_has("config file invitectl.toml: organization.invitation_ttl is not a duration");
    let env = Env::new().var("INVITECTL_SMTP_PORT", "lots");
    env.run(&["list"])
        .code(2)
        .stderr_has("environment variable INVITECTL_SMTP_PORT: smtp.port must be a whole number");
}

#[test]
fn roles_and_the_organization_come_from_the_config_file() {
    let env = Env::new();
    env.config("[organization]\nname = \"Acme Corp\"\nroles = [\"owner\", \"member\"]\nadmin = \"it@acme.example\"\n");
    env.run(&["invite", "ann@acme.example", "--role", "editor"])
        .code(2)
        .stderr_has("known roles: owner, member");
    env.run(&["invite", "ann@acme.example", "--role", "member"])
        .ok();
    let message = &env.messages()[0];
    assert!(
        message.contains("Subject: You're invited to join Acme Corp"),
        "{message}"
    );
    assert!(
        message.contains("it@acme.example has invited you to join Acme Corp as member."),
        "{message}"
    );
    assert!(message.contains("Content-Type: text/html"), "{message}");
}

#[test]
fn rate_spaces_out_the_messages() {
    let env = Env::new();
    env.run(&[
        "invite",
        "a@acme.example",
        "--role",
        "viewer",
        "--rate",
        "fast",
    ])
    .code(2)
    .stderr_has("--rate fast: write it like 10/s");
    let started = std::time::Instant::now();
    env.run(&[
        "invite",
        "a@acme.example,b@acme.example,c@acme.example,d@acme.example,e@acme.example",
        "--role",
        "viewer",
        "--rate",
        "20/s",
    ])
    .ok();
    // Five messages at 20 a second: the last may leave 200 ms after the first, not sooner.
    assert!(started.elapsed() >= std::time::Duration::from_millis(200));
    assert_eq!(env.messages().len(), 5);
}

/// Makes `email`'s pending invitation answer to `token` (43 base64url
/// characters), as if the generator had drawn it.
fn force_token(env: &Env, email: &str, token: &str) {
    let hash = invitectl::token::Token::parse(token)
        .expect("a well-formed token")
        .hash();
    let hash = env.bytes_literal(&hash);
    env.sql(&format!(
        "UPDATE invitations SET token_hash = {hash} WHERE email = '{email}' AND status = 'pending'"
    ));
    assert_eq!(
        env.sql(&format!(
            "SELECT count(*) FROM invitations WHERE token_hash = {hash} AND email = '{email}'"
        )),
        "1\n"
    );
}

#[test]
fn regression_a_token_that_begins_with_a_hyphen_is_accepted_as_an_argument() {
    // -h alone is help; -h… with anything else is a token, as is --… .
    for prefix in ["-h", "--", "-Wk3vq", "-hvq"] {
        let env = Env::new();
        env.run(&["invite", "ann@acme.example", "--role", "viewer"])
            .ok();
        let token = format!("{prefix}{}", "A".repeat(43 - prefix.len()));
        force_token(&env, "ann@acme.example", &token);
        env.accept(&token, PASSWORD)
            .ok()
            .stderr_has("Welcome, Ann Lee!");
        // The flags may also come first.
        let env2 = Env::new();
        env2.run(&["invite", "bob@acme.example", "--role", "viewer"])
            .ok();
        force_token(&env2, "bob@acme.example", &token);
        env2.run_with_stdin(
            &[
                "accept",
                "--password-stdin",
                "--first-name",
                "Bob",
                "--last-name",
                "Ng",
                &token,
            ],
            &format!("{PASSWORD}\n"),
        )
        .ok();
    }
}

#[test]
fn regression_addresses_and_names_that_begin_with_a_hyphen_are_arguments() {
    let env = Env::new();
    // A single address or name is taken as it is ...
    env.run(&["users", "deactivate", "-ann@acme.example", "--yes"])
        .code(3)
        .stderr_has("there is no user -ann@acme.example");
    env.run(&["teams", "remove", "-ops", "--yes"])
        .code(3)
        .stderr_has("unknown team \"-ops\"");
    // ... and in a list of them, after -- as with any Unix command.
    env.run(&["invite", "--role", "viewer", "--", "-ann@acme.example"])
        .ok();
    env.run(&["cancel", "--yes", "--", "-ann@acme.example"])
        .ok()
        .stderr_has("cancelled 1 invitation(s)");
}

#[test]
fn accept_dash_reads_the_link_from_stdin_so_it_never_shows_in_the_process_list() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "editor"])
        .ok();
    let link = env.link_for("ann@acme.example");
    env.run_with_stdin(
        &[
            "accept",
            "-",
            "--first-name",
            "Ann",
            "--last-name",
            "Lee",
            "--password-stdin",
        ],
        &format!("{link}\n{PASSWORD}\n"),
    )
    .ok()
    .stderr_has("Welcome, Ann Lee!");
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users[0]["status"], "active");
    env.run_with_stdin(&["accept", "-", "--password-stdin"], "")
        .code(3)
        .stderr_has("not valid");
}

#[test]
fn regression_dry_run_counts_what_it_would_invite_and_needs_no_mail_password() {
    let env = Env::new();
    env.config(
        "[mail]\nfrom = \"Acme IT <it@acme.example>\"\n[smtp]\nhost = \"smtp.acme.example\"\nusername = \"invitectl\"\npassword_env = \"UNSET_SMTP_PASSWORD\"\n",
    );
    let rows = env
        .run(&[
            "invite",
            "ann@acme.example,bob@acme.example,carl@acme.example",
            "--role",
            "viewer",
            "--dry-run",
            "--format",
            "json",
        ])
        .ok()
        .stderr_has("dry run: 3 would be invited, 0 skipped; nothing was written or sent")
        .json();
    assert_eq!(rows[0]["outcome"], "would_invite");
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .code(2)
        .stderr_has("UNSET_SMTP_PASSWORD");
}

#[test]
fn invite_outcomes_are_fixed_words_with_the_sentence_in_reason() {
    let env = Env::new();
    std::fs::write(env.path("blocked"), "").unwrap();
    env.config("[mail]\ntransport = \"file\"\nfile_dir = \"blocked/outbox\"\n");
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .code(4);
    env.config("");
    env.run(&["invite", "bob@acme.example", "--role", "viewer"])
        .ok();
    let rows = env
        .run(&[
            "invite",
            "ann@acme.example,bob@acme.example,carl@acme.example",
            "--role",
            "viewer",
            "--skip-existing",
            "--format",
            "json",
        ])
        .ok()
        .stderr_has("invited 1, resent 1, skipped 1")
        .json();
    let outcomes: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["resent", "skipped", "invited"]);
    assert!(
        rows[1]["reason"]
            .as_str()
            .unwrap()
            .contains("already has a pending invitation")
    );
    assert!(
        rows[0]["reason"]
            .as_str()
            .unwrap()
            .contains("never went out")
    );
}

/// Runs invitectl with its stdout a pipe whose reading end is already closed.
fn run_into_closed_pipe(env: &Env, args: &[&str]) -> support::Run {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = env
        .command(args)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    support::Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn regression_a_closed_pipe_ends_quietly_with_exit_0() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    for args in [
        &["list"][..],
        &["list", "--format", "json"],
        &["users", "list", "--format", "csv"],
        &["completions", "bash"],
    ] {
        let run = run_into_closed_pipe(&env, args);
        run.ok();
        assert_eq!(run.stderr, "", "{args:?}");
    }
    // A closed pipe does not hide that the mail did not go out.
    std::fs::write(env.path("blocked"), "").unwrap();
    env.config("[mail]\ntransport = \"file\"\nfile_dir = \"blocked/outbox\"\n");
    run_into_closed_pipe(&env, &["invite", "bob@acme.example", "--role", "viewer"])
        .code(4)
        .stderr_has("resend --failed");
    env.config("");

    // The same through a shell pipeline, as a person types it.
    let output = env
        .command_with("sh", &["-c", &format!("{} list | head -1", support::BIN)])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn regression_csv_cells_a_spreadsheet_would_run_are_quoted() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.run_with_stdin(
        &[
            "accept",
            &env.link_for("ann@acme.example"),
            "--first-name",
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "--last-name",
            "@SUM(A1)",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    )
    .ok();
    let csv = env
        .run(&["users", "list", "--format", "csv"])
        .ok()
        .stdout
        .clone();
    let row = csv.lines().nth(1).unwrap();
    assert!(
        row.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'@SUM(A1)"),
        "{row}"
    );
    // JSON is for programs: the name as given.
    let json = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(
        json[0]["first_name"],
        "=HYPERLINK(\"http://evil.example\",\"x\")"
    );
}

#[test]
fn regression_terminal_escapes_in_user_data_are_never_printed_raw() {
    let env = Env::new();
    std::fs::write(
        env.path("hires.csv"),
        "email,role,department\nann@acme.example,viewer,\u{1b}[2JEvil\n",
    )
    .unwrap();
    let run = env.run(&["invite", "--from-file", "hires.csv"]);
    run.code(2)
        .stderr_has("unknown department \"\\u{1b}[2JEvil\"");
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);

    // A right-to-left override in a name would reorder the table's line.
    env.run(&["invite", "bob@acme.example", "--role", "viewer"])
        .ok();
    env.run_with_stdin(
        &[
            "accept",
            &env.link_for("bob@acme.example"),
            "--first-name",
            "Bob\u{202e}moc.live",
            "--last-name",
            "Ng",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    )
    .ok();
    let table = env.run(&["users", "list"]).ok().stdout.clone();
    assert!(table.contains("Bob\\u{202e}moc.live"), "{table}");
    assert!(!table.contains('\u{202e}'), "{table}");

    // Messages on stderr quote names from the database the same way.
    env.run(&["departments", "add", "Sales\u{202e}"]).ok();
    env.run(&[
        "invite",
        "carl@acme.example",
        "--role",
        "viewer",
        "--department",
        "Sales\u{202e}",
    ])
    .ok();
    let run = env.accept(&env.link_for("carl@acme.example"), PASSWORD);
    run.ok().stderr_has("in Sales\\u{202e}.");
    assert!(!run.stderr.contains('\u{202e}'), "{}", run.stderr);
}

#[test]
fn regression_tables_fit_the_width_one_line_a_row() {
    let env = Env::new().var("COLUMNS", "80");
    env.run(&["departments", "add", "Engineering"]).ok();
    env.run(&[
        "invite",
        "ann.marie.very-long-name@acme.example",
        "--role",
        "editor",
        "--department",
        "Engineering",
    ])
    .ok();
    let failure = format!(
        "failed: 550 5.1.1 {}",
        "Recipient address rejected ".repeat(4)
    );
    env.sql(&format!("UPDATE invitations SET delivery = '{failure}'"));
    let table = env.run(&["list"]).ok().stdout.clone();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "heading, rule, one row:\n{table}");
    for line in &lines {
        assert!(line.chars().count() <= 80, "{line:?} is wider than 80");
    }
    assert!(lines[0].starts_with("ID"), "{table}");
    assert!(lines[2].starts_with("1 "), "{table}");
    assert!(lines[2].contains("failed"), "{table}");
    assert!(
        lines[2].contains("~"),
        "cut short with ~ in ASCII:\n{table}"
    );
    assert!(table.is_ascii(), "no UTF-8 locale: plain ASCII\n{table}");
    // JSON keeps the whole text.
    let rows = env.run(&["list", "--format", "json"]).ok().json();
    assert_eq!(rows[0]["delivery"], failure.as_str());

    let utf8 = env.run_env(&["list"], &[("LANG", "en_US.UTF-8")]);
    assert!(
        utf8.stdout.contains('…') && utf8.stdout.contains('─'),
        "{}",
        utf8.stdout
    );
    let dumb = env.run_env(&["list"], &[("LANG", "en_US.UTF-8"), ("TERM", "dumb")]);
    assert!(dumb.stdout.is_ascii(), "{}", dumb.stdout);
    let wide = env.run_env(&["list"], &[("COLUMNS", "300")]);
    // Whole, but for the trailing space every line is trimmed of.
    assert!(wide.stdout.contains(failure.trim_end()), "{}", wide.stdout);

    // A printed link is never cut: it is no use shortened.
    let printed = env
        .run(&[
            "invite",
            "bob@acme.example",
            "--role",
            "viewer",
            "--print-link",
        ])
        .ok()
        .stdout
        .clone();
    assert!(
        printed.contains(&env.link_for("bob@acme.example")),
        "{printed}"
    );
}

#[test]
fn format_is_taken_only_by_commands_that_print_a_list() {
    let env = Env::new();
    env.run(&["cancel", "--expired", "--yes", "--format", "json"])
        .code(2);
    env.run(&["teams", "add", "ops", "--format", "json"])
        .code(2);
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["teams", "list", "--format", "json"]).ok();
}

#[test]
fn regression_error_sentences_name_the_problem_once_with_the_fix() {
    let env = Env::new();
    let run = env.run(&["invite", "zed@@acme.example", "carl@", "--role", "viewer"]);
    run.code(2).stderr_has(
        "error: 2 problems, nothing was written:\n  \"zed@@acme.example\" is not a valid address: it has more than one @\n  \"carl@\" is not a valid address: it has no domain after @\n",
    );
    env.run(&["list", "--older-than", "12"]).code(2).stderr_has(
        "error: --older-than 12 is not a duration: write a number and a unit, like 24h, 90m or 7d\n",
    );
    std::fs::write(
        env.path("hires.csv"),
        "email,role\nann@acme.example,viewer\nbob@acme.example,viewer,extra\n",
    )
    .unwrap();
    env.run(&["invite", "--from-file", "hires.csv"])
        .code(2)
        .stderr_has("hires.csv: line 3: this row has 3 cell(s) but the header has 2; fix that row and run again");
    env.config("[organization]\nname = \"Acme\n");
    env.run(&["list"]).code(2).stderr_has(
        "config file invitectl.toml, line 2, column 13: invalid basic string; fix the TOML syntax there",
    );
}

/// Issue 23.8: an unknown department in a 500-row file had no line number.
#[test]
fn every_csv_problem_names_its_line() {
    let env = Env::new();
    env.run(&["departments", "add", "Engineering"]).ok();
    std::fs::write(
        env.path("hires.csv"),
        "email,role,department\n\
         ann@acme.example,editor,Engineering\n\
         bob@acme.example,editor,Engneering\n\
         carl@acme.example,edtor,Engineering\n\
         dana@acme.example,editor,Engneering\n\
         eve@acme.example,editor,Engneering\n",
    )
    .unwrap();
    env.run(&["invite", "--from-file", "hires.csv"])
        .code(2)
        .stderr_has(
            "error: 2 problems, nothing was written:\n  \
             hires.csv line 3 and 2 more row(s): unknown department \"Engneering\" (did you mean Engineering?",
        )
        .stderr_has("\n  hires.csv line 4: unknown role \"edtor\" (did you mean editor?");
}

#[test]
fn db_status_names_the_engine_the_file_the_schema_and_the_counts() {
    let env = Env::sqlite();
    env.run(&["db", "status"])
        .code(1)
        .stderr_has("there is no database");
    env.run(&[
        "invite",
        "ann@acme.example,bob@acme.example,cy@acme.example",
        "--role",
        "viewer",
    ])
    .ok();
    env.run(&["cancel", "bob@acme.example", "--yes"]).ok();
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    let status = env.run(&["db", "status", "--format", "json"]).ok().json();
    assert_eq!(status["engine"], "sqlite");
    assert!(
        status["location"]
            .as_str()
            .unwrap()
            .ends_with("/invitectl.db")
    );
    assert_eq!(status["schema_version"], status["schema_current"]);
    assert_eq!(status["invitations"]["pending"], 1);
    assert_eq!(status["invitations"]["accepted"], 1);
    assert_eq!(status["invitations"]["cancelled"], 1);
    assert_eq!(status["invitations"]["expired"], 0);
    assert_eq!(status["users"]["active"], 1);
    assert_eq!(status["users"]["pending"], 1);
    // A day later the pending one shows as expired, with nothing having run.
    let later = env
        .run_at("+25h", &["db", "status", "--format", "json"], None)
        .json();
    assert_eq!(later["invitations"]["expired"], 1);
    assert_eq!(later["invitations"]["pending"], 0);
    env.run(&["db", "status"])
        .ok()
        .stdout_has("Engine          sqlite")
        .stdout_has("Invitations     pending 1, expired 0, accepted 1, cancelled 1");
}

#[test]
fn db_copy_moves_an_installation_with_its_links_passwords_and_history() {
    // From one SQLite file to another, whose bytes it compares.
    let env = Env::sqlite();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&[
        "invite",
        "ann@acme.example,bob@acme.example,cy@acme.example",
        "--role",
        "editor",
        "--team",
        "ops",
    ])
    .ok();
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    env.run(&["resend", "bob@acme.example"]).ok(); // a superseded row pointing at a later one
    env.run(&["cancel", "cy@acme.example", "--yes"]).ok();
    let before = std::fs::read(env.path("invitectl.db")).unwrap();

    let new_host = Env::sqlite();
    let target = new_host.path("invitectl.db");
    env.run(&["db", "copy", "--to", target.to_str().unwrap()])
        .ok()
        .stderr_has("the source is unchanged");
    assert_eq!(std::fs::read(env.path("invitectl.db")).unwrap(), before);
    for listing in [
        &["list", "--status", "all", "--format", "json"][..],
        &["users", "list", "--status", "all", "--format", "json"][..],
    ] {
        assert_eq!(
            env.run(listing).ok().stdout,
            new_host.run(listing).ok().stdout
        );
    }
    // The same history, the same sequence: the next invitation gets the next id.
    let log = |env: &Env| {
        support::sqlite(
            &env.path("invitectl.db"),
            "SELECT count(*) FROM audit_log; SELECT count(*) FROM delivery_attempts;",
        )
    };
    assert_eq!(log(&env), log(&new_host));

    // Bob's current link works against the copy; Ann logs in with her password.
    let bob = env.link_for("bob@acme.example");
    new_host.accept(&bob, PASSWORD).ok();
    let server = support::web::Server::start(&new_host);
    server
        .post(
            "/login",
            &[("email", "ann@acme.example"), ("password", PASSWORD)],
            None,
        )
        .status(303);

    // A target that holds anything is refused, and left alone.
    env.run(&["db", "copy", "--to", target.to_str().unwrap()])
        .code(3)
        .stderr_has("is not empty");
    env.run(&["db", "copy", "--to", "invitectl.db"])
        .code(3)
        .stderr_has("is the database being copied");
}

/// Issue 23.10: completions offer the configured roles and the known teams
/// and departments.
#[test]
fn completions_offer_the_roles_teams_and_departments_of_this_installation() {
    let env = Env::new();
    env.config("[organization]\nroles = [\"owner\", \"member\"]\n");
    env.run(&["teams", "add", "platform"]).ok();
    env.run(&["departments", "add", "Research"]).ok();
    let bash = env.run(&["completions", "bash"]).ok().stdout.clone();
    for offered in [
        "--role)\n                    COMPREPLY=($(compgen -W \"owner member\"",
        "--team)\n                    COMPREPLY=($(compgen -W \"platform\"",
        "--department)\n                    COMPREPLY=($(compgen -W \"Research\"",
    ] {
        assert!(bash.contains(offered), "no {offered:?} in:\n{bash}");
    }
    // `teams remove` offers the teams there are.
    let remove = bash
        .split("invitectl__subcmd__teams__subcmd__remove)")
        .nth(1)
        .and_then(|rest| rest.lines().nth(1))
        .unwrap_or_default();
    assert!(remove.trim_end().ends_with(" platform\""), "{remove}");
}

/// `count` invitations (so as many pending users, audit entries and hook
/// events), with addresses long enough that each listing of them is bigger
/// than a pipe holds (64 KiB).
fn many_invitations(count: usize) -> Env {
    let env = Env::new();
    env.config("[hooks]\ncommand = \"/bin/true\"\n");
    let addresses: String = (0..count)
        .map(|i| format!("person-number-{i}@acme.example\n"))
        .collect();
    env.run_with_stdin(&["invite", "-", "--role", "viewer"], &addresses)
        .ok();
    env
}

/// A CSV of `count` new addresses for `invite --from-file`.
fn hires(env: &Env, name: &str, count: usize) {
    let rows: String = (0..count)
        .map(|i| format!("another-person-with-a-long-address-number-{i}@acme.example,viewer,,\n"))
        .collect();
    std::fs::write(
        env.path(name),
        format!("email,role,department,teams\n{rows}"),
    )
    .unwrap();
}

#[test]
fn regression_every_output_bigger_than_a_pipe_ends_quietly_on_a_closed_pipe() {
    let env = many_invitations(1500);
    hires(&env, "hires.csv", 1000);
    let dry_run = |format| {
        vec![
            "invite",
            "--from-file",
            "hires.csv",
            "--dry-run",
            "--format",
            format,
        ]
    };
    let outputs: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["list", "--format", "json"],
        vec!["list", "--format", "csv"],
        vec!["log"],
        vec!["log", "--format", "json"],
        vec!["log", "--format", "csv"],
        vec!["hooks", "list"],
        vec!["hooks", "list", "--format", "json"],
        vec!["hooks", "list", "--format", "csv"],
        vec!["users", "list"],
        vec!["users", "list", "--format", "json"],
        vec!["users", "list", "--format", "csv"],
        dry_run("table"),
        dry_run("json"),
        dry_run("csv"),
    ];
    for args in &outputs {
        let whole = env.run(args).ok().stdout.len();
        assert!(
            whole > 64 * 1024,
            "{args:?} prints {whole} bytes, less than a pipe holds"
        );
        let run = run_into_closed_pipe(&env, args);
        run.ok();
        let stderr = run.stderr.replace(
            "dry run: 1000 would be invited, 0 skipped; nothing was written or sent\n",
            "",
        );
        assert_eq!(stderr, "", "{args:?}");
    }

    // The issue's own: CSV through a shell pipeline whose reader stops at once.
    let output = env
        .command_with(
            "sh",
            &[
                "-c",
                &format!("{} list --format csv | head -1", support::BIN),
            ],
        )
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "id,email,role,department,teams,invited_by,sent_at,expires_at,status,delivery,accepted_at,cancelled_at,reminded_at,opened_at,renewal_requested_at\n"
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");

    // A real import goes on to the end when its reader has gone.
    for (file, format) in [("hires.csv", "csv"), ("more.csv", "json")] {
        hires(&env, file, 1000);
        std::fs::write(
            env.path(file),
            std::fs::read_to_string(env.path(file))
                .unwrap()
                .replace("another-", &format!("{format}-")),
        )
        .unwrap();
        run_into_closed_pipe(&env, &["invite", "--from-file", file, "--format", format])
            .ok()
            .stderr_has("invited 1000, skipped 0");
    }
    assert_eq!(env.messages().len(), 3500);
}

/// Every line of every table, on a terminal of any width, ends in a
/// character: comfy-table padded the last column to its widest cell.
#[test]
fn regression_no_table_line_ends_in_a_space() {
    let env = Env::new().var("LANG", "C.UTF-8");
    env.config("[hooks]\ncommand = \"/bin/true\"\n");
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&[
        "invite",
        "ann.marie.longname@acme.example",
        "--role",
        "viewer",
        "--team",
        "ops",
    ])
    .ok();
    env.run(&["invite", "bob@acme.example", "--role", "editor"])
        .ok();
    let commands: &[&[&str]] = &[
        &["list"],
        &["list", "--wide"],
        &["log"],
        &["users", "list"],
        &["teams", "list"],
        &["hooks", "list"],
        &["config", "show"],
        &["show", "bob@acme.example"],
        &["db", "status"],
        &[
            "invite",
            "carl@acme.example,dana.long-address@acme.example",
            "--role",
            "viewer",
            "--dry-run",
        ],
        &[
            "invite",
            "ann.marie.longname@acme.example,dana@acme.example",
            "--role",
            "viewer",
            "--dry-run",
            "--skip-existing",
        ],
    ];
    for columns in ["", "80", "120", "300"] {
        for args in commands {
            let run = env.run_env(args, &[("COLUMNS", columns)]);
            run.ok();
            assert!(run.stdout.lines().count() > 1, "{args:?}:\n{}", run.stdout);
            for line in run.stdout.lines() {
                assert!(
                    !line.ends_with(' '),
                    "{args:?} at COLUMNS={columns}: {line:?} ends in a space"
                );
            }
        }
    }
}

/// The invitations table at a width, and its lines.
fn list_at(env: &Env, columns: &str, args: &[&str]) -> Vec<String> {
    let mut all = vec!["list"];
    all.extend_from_slice(args);
    let table = env
        .run_env(&all, &[("COLUMNS", columns)])
        .ok()
        .stdout
        .clone();
    table.lines().map(str::to_string).collect()
}

#[test]
fn regression_a_narrow_table_keeps_the_email_whole_and_leaves_out_the_least_useful_columns() {
    let env = Env::new().var("LANG", "C.UTF-8");
    env.run(&["departments", "add", "Engineering"]).ok();
    env.run(&["teams", "add", "platform"]).ok();
    let ann = "ann.marie.longname@acme.example";
    env.run(&[
        "invite",
        ann,
        "bob@acme.example",
        "--role",
        "admin",
        "--department",
        "Engineering",
        "--team",
        "platform",
        "--invited-by",
        "it-admin@acme.example",
    ])
    .ok();
    env.accept(&env.link_for("bob@acme.example"), PASSWORD).ok();
    env.run(&["invite", "carl@acme.example", "--role", "viewer"])
        .ok();
    env.run(&["cancel", "carl@acme.example", "--yes"]).ok();

    for columns in [80, 120] {
        let lines = list_at(&env, &columns.to_string(), &["--status", "all"]);
        assert_eq!(lines.len(), 2 + 3, "{lines:#?}");
        for line in &lines {
            assert!(
                line.chars().count() <= columns,
                "{line:?} is wider than {columns}"
            );
        }
        let heading = &lines[0];
        assert!(!heading.contains('…'), "a heading was cut: {heading}");
        for whole in ["ID", "Email", "Expires At", "Status", "Delivery"] {
            assert!(
                heading.contains(whole),
                "{whole} missing at {columns}: {heading}"
            );
        }
        // Invited By is the same name on every row here: it gives way first.
        assert!(!heading.contains("Invited"), "{heading}");
        let row = |email: &str| lines.iter().find(|l| l.contains(email)).unwrap().clone();
        assert!(row(ann).contains(ann), "the address is whole: {lines:#?}");
        assert!(row(ann).contains("in 24h"), "{lines:#?}");
        // An accepted or cancelled link does not expire: nothing to show.
        for done in ["bob@acme.example", "carl@acme.example"] {
            assert!(!row(done).contains("in 24h"), "{:?}", row(done));
        }
        assert!(row("bob@acme.example").contains("accepted"));
        assert!(row("carl@acme.example").contains("cancelled"));
    }
    // At 80 the department and teams give way too; at 120 they fit.
    let narrow = list_at(&env, "80", &[]);
    assert!(!narrow[0].contains("Department"), "{narrow:#?}");
    let wider = list_at(&env, "120", &[]);
    assert!(
        wider[0].contains("Department") && wider[0].contains("Teams"),
        "{wider:#?}"
    );

    // --wide: every column whole, however long the line.
    let wide = list_at(&env, "80", &["--wide"]);
    for heading in [
        "ID",
        "Email",
        "Role",
        "Department",
        "Teams",
        "Invited By",
        "Sent At",
        "Expires At",
        "Status",
        "Delivery",
    ] {
        assert!(wide[0].contains(heading), "{heading}: {wide:#?}");
    }
    assert!(
        wide.iter().any(|l| l.contains("it-admin@acme.example")),
        "{wide:#?}"
    );
    assert!(wide[2].chars().count() > 80, "{wide:#?}");

    // Every command that prints a list takes --wide.
    for args in [
        &["users", "list", "--wide"][..],
        &["log", "--wide"],
        &["teams", "list", "--wide"],
        &["departments", "list", "--wide"],
        &["hooks", "list", "--wide"],
        &["config", "show", "--wide"],
        &["show", ann, "--wide"],
        &[
            "invite",
            "dana@acme.example",
            "--role",
            "viewer",
            "--dry-run",
            "--wide",
        ],
    ] {
        env.run_env(args, &[("COLUMNS", "80")]).ok();
    }
    env.run(&["resend", ann, "--wide", "--format", "json"]).ok();
}

/// Whether a table has the line `outcome  count`.
fn counted(table: &str, outcome: &str, count: usize) -> bool {
    table.lines().any(|line| {
        line.strip_prefix(outcome)
            .is_some_and(|rest| rest.trim() == count.to_string())
    })
}

#[test]
fn regression_a_dry_run_of_more_than_a_thousand_rows_prints_its_problems_and_a_count_per_outcome() {
    let env = Env::new();
    env.run(&["invite", "taken@acme.example", "--role", "viewer"])
        .ok();
    hires(&env, "hires.csv", 1500);
    let mut file = std::fs::read_to_string(env.path("hires.csv")).unwrap();
    file.push_str("taken@acme.example,viewer,,\n");
    std::fs::write(env.path("hires.csv"), file).unwrap();
    let dry_run = [
        "invite",
        "--from-file",
        "hires.csv",
        "--skip-existing",
        "--dry-run",
    ];

    for quiet in [false, true] {
        let mut args = dry_run.to_vec();
        if quiet {
            args.insert(0, "-q");
        }
        let run = env.run(&args);
        run.ok();
        let out = &run.stdout;
        assert!(out.lines().count() < 15, "not a row per address:\n{out}");
        assert!(out.contains("taken@acme.example"), "the problem: {out}");
        assert!(!out.contains("number-0@"), "{out}");
        assert!(counted(out, "would invite", 1500), "{out}");
        assert!(counted(out, "skipped", 1), "{out}");
        assert!(
            out.contains("1501 addresses") && out.contains("--format csv"),
            "{out}"
        );
        if quiet {
            assert_eq!(run.stderr, "");
        }
    }
    let csv = env
        .run(&[&dry_run[..], &["--format", "csv"]].concat())
        .ok()
        .stdout
        .clone();
    assert_eq!(csv.lines().count(), 1 + 1501);
    let json = env
        .run(&[&dry_run[..], &["--format", "json"]].concat())
        .ok()
        .json();
    assert_eq!(json.as_array().unwrap().len(), 1501);

    // The real import prints the same kind of summary.
    let real = env.run(&["invite", "--from-file", "hires.csv", "--skip-existing"]);
    real.ok().stderr_has("invited 1500, skipped 1");
    assert!(counted(&real.stdout, "invited", 1500), "{}", real.stdout);
    assert!(
        real.stdout.contains("taken@acme.example"),
        "{}",
        real.stdout
    );
    assert!(real.stdout.lines().count() < 15, "{}", real.stdout);
    assert_eq!(env.messages().len(), 1501);
}

/// Issue 23.10: `resend` did not print the new invitation's ID, which the
/// next step (`cancel ID`, `show ID`) needs.
#[test]
fn invite_and_resend_print_the_invitations_id() {
    let env = Env::new();
    let invited = env
        .run(&[
            "invite",
            "ann@acme.example",
            "--role",
            "viewer",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(invited[0]["id"], 1);
    let resent = env.run(&["resend", "ann@acme.example"]).ok().stdout.clone();
    let row = resent.lines().nth(2).unwrap();
    assert!(row.starts_with("2   ann@acme.example  resent"), "{resent}");
    env.run(&["cancel", "2", "--yes"])
        .ok()
        .stderr_has("cancelled 1 invitation(s); their links no longer work: ann@acme.example");
}
