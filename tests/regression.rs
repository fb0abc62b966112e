//! Regression tests, each named after the bug it pins, through the built binary.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use support::{Env, os_user};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// PATH with the built invitectl first, for scripts that call it by name.
fn path_with_invitectl() -> String {
    let bin_dir = std::path::Path::new(support::BIN).parent().unwrap();
    format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap())
}

/// Runs a shell script in the test's directory with invitectl on the PATH.
fn sh(env: &Env, script: &str) -> support::Run {
    let mut command = env.command_with("sh", &["-c", script]);
    command.env("PATH", path_with_invitectl());
    support::run(command, None)
}

#[test]
fn outbox_mail_is_not_readable_by_other_local_users() {
    let env = Env::new();
    // Let other users into the test directory, as a home directory would.
    std::fs::set_permissions(env.dir.path(), PermissionsExt::from_mode(0o755)).unwrap();
    sh(
        &env,
        "umask 022 && invitectl invite ann@acme.example --role admin",
    )
    .ok();
    let outbox = env.path("outbox");
    assert_eq!(mode(&outbox), 0o700);
    let files: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(mode(&files[0]), 0o600);
    let nobody = Command::new("runuser")
        .args(["-u", "nobody", "--", "cat"])
        .arg(&files[0])
        .output()
        .expect("runuser (util-linux) runs a command as another user");
    assert!(!nobody.status.success(), "nobody read the live link");
    assert!(!String::from_utf8_lossy(&nobody.stdout).contains("token="));
}

#[test]
fn an_outbox_made_by_an_older_version_is_made_private() {
    let env = Env::new();
    std::fs::create_dir(env.path("outbox")).unwrap();
    std::fs::set_permissions(env.path("outbox"), PermissionsExt::from_mode(0o755)).unwrap();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    assert_eq!(mode(&env.path("outbox")), 0o700);
}

#[test]
fn a_full_disk_leaves_no_partial_mail_and_resend_failed_sends_each_once() {
    let env = Env::new();
    std::fs::create_dir(env.path("outbox")).unwrap();
    let addresses: Vec<String> = (0..40).map(|i| format!("u{i}@acme.example")).collect();
    // A private mount namespace: a 48 KiB outbox that fills up part-way through
    // the batch, then grows so that the repair fits; nothing leaks outside.
    let script = format!(
        "mount -t tmpfs -o size=48k,mode=0700 tmpfs outbox || exit 99
         invitectl invite {} --role viewer --format json > first.json 2> first.err
         echo $? > first.code
         ls -la outbox > first.ls
         mount -o remount,size=4m outbox
         invitectl resend --failed > second.out 2> second.err
         echo $? > second.code
         cat outbox/*.eml > all.eml
         ls -la outbox > second.ls",
        addresses.join(",")
    );
    let unshare = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .current_dir(env.dir.path())
        .env("PATH", path_with_invitectl())
        .status()
        .expect("unshare (util-linux)");
    assert!(
        unshare.success(),
        "the script failed: {unshare} (mounting needs root)"
    );
    let read = |name: &str| std::fs::read_to_string(env.path(name)).unwrap();

    assert_eq!(read("first.code").trim(), "4", "{}", read("first.err"));
    let rows: serde_json::Value = serde_json::from_str(&read("first.json")).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 40, "a row for every address, sent or not");
    let sent = rows.iter().filter(|r| r["delivery"] == "sent").count();
    assert!(
        sent > 0 && sent < 40,
        "the disk filled part-way: {sent} sent"
    );
    assert!(
        read("first.err").contains("No space left on device"),
        "{}",
        read("first.err")
    );
    let first_ls = read("first.ls");
    assert!(!first_ls.contains(".partial"), "{first_ls}");
    assert_eq!(first_ls.matches(".eml").count(), sent, "{first_ls}");

    assert_eq!(read("second.code").trim(), "0", "{}", read("second.err"));
    let all = read("all.eml");
    for address in &addresses {
        assert_eq!(
            all.matches(&format!("To: {address}\r\n")).count(),
            1,
            "{address}"
        );
    }
    assert!(!read("second.ls").contains(".partial"));
}

#[test]
fn the_audit_log_records_the_operating_system_user_not_a_claimed_name() {
    let env = Env::new().var("USER", "mallory");
    env.config("[organization]\nadmin = \"it-admin@acme.example\"\n");
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "viewer",
        "--invited-by",
        "Ida",
    ])
    .ok();
    env.run(&["cancel", "ann@acme.example", "--yes"]).ok();
    let sudo = Env::new().var("SUDO_USER", "alice");
    sudo.run(&["teams", "add", "ops"]).ok();
    let actors = |env: &Env| env.sql("SELECT actor || ' ' || action FROM audit_log ORDER BY id");
    let me = os_user();
    assert_eq!(actors(&env), format!("{me} invite\n{me} cancel\n"));
    assert!(actors(&sudo).starts_with("alice "), "{}", actors(&sudo));
    // Invited By stays the name the invitee sees.
    let rows = env
        .run(&["list", "--status", "all", "--format", "json"])
        .ok()
        .json();
    assert_eq!(rows[0]["invited_by"], "Ida");
}

#[test]
fn invited_by_with_a_line_break_is_refused() {
    let env = Env::new();
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "viewer",
        "--invited-by",
        "Ida\r\nBcc: x",
    ])
    .code(2)
    .stderr_has("control character");
    assert!(!env.path("invitectl.db").exists() || support::invitations(&env).is_empty());
    assert!(env.messages().is_empty());
}

#[test]
fn a_foreign_sqlite_database_is_refused_and_left_unchanged() {
    let env = Env::new();
    let app = env.path("app.db");
    support::sqlite(
        &app,
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL); INSERT INTO orders VALUES (1, 9.5);",
    );
    let before = std::fs::read(&app).unwrap();
    for args in [
        &["list"][..],
        &["invite", "ann@acme.example", "--role", "viewer"][..],
    ] {
        let mut full = vec!["--db", "app.db"];
        full.extend_from_slice(args);
        env.run(&full)
            .code(1)
            .stderr_has("app.db is not an invitectl database");
    }
    assert_eq!(std::fs::read(&app).unwrap(), before, "not a byte changed");
    assert!(!env.path("app.db-wal").exists());
}

#[test]
fn a_read_only_command_never_creates_a_database() {
    let env = Env::sqlite();
    for args in [
        &["list"][..],
        &["users", "list"][..],
        &["teams", "list"][..],
    ] {
        env.run(args)
            .code(1)
            .stderr_has("there is no database at invitectl.db")
            .stderr_has("no config file found");
    }
    assert!(!env.path("invitectl.db").exists());
    env.config("[database]\npath = \"elsewhere.db\"\n");
    env.run(&["list"])
        .code(1)
        .stderr_has("config file invitectl.toml");
}

/// Issue 23.6: `teams add x` in the wrong directory silently created
/// ./invitectl.db there.
#[test]
fn a_command_that_creates_the_database_says_where_once() {
    let env = Env::sqlite();
    let path = env.path("invitectl.db");
    env.run(&["teams", "add", "ops"])
        .ok()
        .stderr_has(&format!("created a new database at {}", path.display()));
    let again = env.run(&["teams", "add", "dev"]);
    assert!(!again.ok().stderr.contains("created"), "{}", again.stderr);
}

#[test]
fn a_user_who_may_only_read_the_database_can_list() {
    let env = Env::sqlite();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    std::fs::set_permissions(env.dir.path(), PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::set_permissions(env.path("invitectl.db"), PermissionsExt::from_mode(0o644)).unwrap();
    let output = Command::new("runuser")
        .args(["-u", "nobody", "--"])
        .arg(support::BIN)
        .args(["list", "--format", "json"])
        .current_dir(env.dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .env("HOME", env.dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("ann@acme.example"));
}

#[test]
fn the_system_config_in_etc_is_found_last() {
    // The README's deployment: config.example.toml installed as
    // /etc/invitectl/config.toml; admins run invitectl from anywhere. Seen
    // by where its [database] path puts the SQLite file.
    let env = Env::sqlite();
    let etc = env.path("etc");
    std::fs::create_dir_all(etc.join("invitectl")).unwrap();
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml"))
            .unwrap();
    let state = env.path("var-lib-invitectl");
    std::fs::create_dir(&state).unwrap();
    let installed = example.replace("/var/lib/invitectl", state.to_str().unwrap());
    assert_ne!(installed, example, "the example names the state directory");
    std::fs::write(etc.join("invitectl/config.toml"), installed).unwrap();
    let env = env.var("INVITECTL_ETC_DIR", etc.to_str().unwrap());
    std::fs::create_dir(env.path("somewhere")).unwrap();
    let mut add = env.command(&["teams", "add", "ops"]);
    add.current_dir(env.path("somewhere"));
    support::run(add, None).ok();
    assert!(state.join("invitectl.db").exists());
    let mut list = env.command(&["-v", "teams", "list"]);
    list.current_dir(env.path("var-lib-invitectl"));
    support::run(list, None)
        .ok()
        .stdout_has("ops")
        .stderr_has("etc/invitectl/config.toml");
    // A user's own config comes first.
    std::fs::create_dir_all(env.path("xdg/invitectl")).unwrap();
    std::fs::write(
        env.path("xdg/invitectl/config.toml"),
        "[database]\npath = \"mine.db\"\n",
    )
    .unwrap();
    env.run(&["teams", "add", "ops"]).ok();
    assert!(env.path("mine.db").exists());
}

#[test]
fn two_spellings_of_one_mailbox_are_one_user() {
    let env = Env::new();
    env.run(&["invite", "ann@bücher.example", "--role", "viewer"])
        .ok();
    for spelling in [
        "ann@xn--bcher-kva.example",
        "ANN@BU\u{308}CHER.example",
        "\u{FF41}nn@bücher.example",
    ] {
        env.run(&["invite", spelling, "--role", "viewer"])
            .code(3)
            .stderr_has("ann@bücher.example already has a pending invitation");
    }
    let rows = support::invitations(&env);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["email"], "ann@bücher.example");
    // Mail goes to the ASCII form every server accepts.
    assert!(
        env.messages()[0].contains("To: ann@xn--bcher-kva.example"),
        "{}",
        env.messages()[0]
    );
}

#[test]
fn addresses_that_no_mail_can_reach_are_refused_at_invite_time() {
    let env = Env::new();
    let run = env.run(&[
        "invite",
        "ann@[127.0.0.1],zed@acme,ok@acme.example",
        "--role",
        "viewer",
    ]);
    run.code(2)
        .stderr_has("ann@[127.0.0.1]")
        .stderr_has("IP address")
        .stderr_has("zed@acme")
        .stderr_has("no dot");
    assert!(!run.stderr.contains("ok@acme.example"));
    assert!(!env.path("invitectl.db").exists() || support::invitations(&env).is_empty());
    assert!(env.messages().is_empty());
}

#[test]
fn names_and_passwords_made_of_invisible_characters_are_refused() {
    let env = Env::new();
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "viewer",
        "--print-link",
        "--format",
        "json",
    ])
    .ok();
    let link = env.link_for("ann@acme.example");
    let zero_width = "\u{200B}".repeat(8);
    let accept = |first: &str, password: &str| {
        env.run_with_stdin(
            &[
                "accept",
                &link,
                "--first-name",
                first,
                "--last-name",
                "Lee",
                "--password-stdin",
            ],
            &format!("{password}\n"),
        )
    };
    accept("Ann", &zero_width)
        .code(2)
        .stderr_has("invisible characters");
    accept("Ann", "password1")
        .code(2)
        .stderr_has("most common passwords");
    accept(&zero_width, "correct horse battery")
        .code(2)
        .stderr_has("First Name is required");
    accept("Ann", "correct horse battery").ok();
}

#[test]
fn durations_too_big_for_the_calendar_are_refused_not_a_panic() {
    let env = Env::new();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["list", "--older-than", "270000y"])
        .code(2)
        .stderr_has("at most 100 years");
    env.config("[organization]\ninvitation_ttl = \"300000y\"\n");
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .code(2)
        .stderr_has("organization.invitation_ttl")
        .stderr_has("at most 100 years");
    env.config("");
    let env = env.var("INVITECTL_ORGANIZATION_INVITATION_TTL", "10000y");
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .code(2)
        .stderr_has("INVITECTL_ORGANIZATION_INVITATION_TTL");
    // A long window still sorts after now: the one invitation is pending.
    let env = env.var("INVITECTL_ORGANIZATION_INVITATION_TTL", "99y");
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    let rows = support::invitations(&env);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["status"], "pending");
}

#[test]
fn a_bad_address_in_a_csv_is_named_with_its_file_and_line() {
    let env = Env::new();
    std::fs::write(
        env.path("hires.csv"),
        "email,role,department,teams\nann@acme.example,viewer,,\nzed@@acme.example,viewer,,\nbob@acme.example,,,\n",
    )
    .unwrap();
    env.run(&["invite", "--from-file", "hires.csv"])
        .code(2)
        .stderr_has("hires.csv line 3: \"zed@@acme.example\" is not a valid address: it has more than one @")
        .stderr_has("hires.csv line 4: bob@acme.example has no role");
    assert!(!env.path("invitectl.db").exists() || support::invitations(&env).is_empty());
}

#[test]
fn reading_never_waits_for_a_writer() {
    use std::io::{BufRead, BufReader, Write};
    let env = Env::sqlite();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    // Another process holds the write lock for as long as this test wants.
    let mut writer = Command::new("sqlite3")
        .arg(env.path("invitectl.db"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = writer.stdin.take().unwrap();
    writeln!(stdin, "BEGIN IMMEDIATE; SELECT 'locked';").unwrap();
    let mut line = String::new();
    BufReader::new(writer.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "locked");
    // With the lock held, reads answer (a read that took the lock would wait
    // out the busy timeout and fail).
    let rows = env.run(&["list", "--format", "json"]).ok().json();
    assert_eq!(rows[0]["email"], "ann@acme.example");
    env.run(&["users", "list"]).ok();
    env.run(&["teams", "list"]).ok();
    writeln!(stdin, "ROLLBACK;").unwrap();
    drop(stdin);
    writer.wait().unwrap();
}

#[test]
fn a_database_url_is_never_taken_for_a_file_name_nor_repeated_with_its_password() {
    let env = Env::new();
    env.run(&[
        "--db",
        "mysql://app:s3cret@db.acme.example/invitectl",
        "list",
    ])
    .code(2)
    .stderr_has("a mysql:// database is not one invitectl can use");
    // A PostgreSQL server that is down: exit 1, the URL named without its password.
    let url = format!(
        "postgres://app:s3cret@127.0.0.1:{}/invitectl",
        support::closed_port()
    );
    for args in [&["teams", "add", "ops"][..], &["list"][..]] {
        let run = env.run(&[&["--db", url.as_str()][..], args].concat());
        run.code(1)
            .stderr_has("cannot connect to the PostgreSQL database postgres://app@127.0.0.1:");
        assert!(!run.stderr.contains("s3cret"), "{}", run.stderr);
    }
    let names: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("postgres") || n.starts_with("mysql")),
        "{names:?}"
    );
}
