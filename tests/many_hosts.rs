//! Many hosts on one PostgreSQL database: several serve-accept replicas and
//! CLI processes at once, migrations racing, moving a SQLite installation
//! over with `db copy`, and the database going away under a running server.
//! Each test takes a database of its own on the cluster scripts/test.sh
//! started (or a cluster of its own when it restarts the server), in both
//! passes of the suite.

use crate::support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use support::postgres::{Cluster, PASSWORD};
use support::web::Server;
use support::{Env, Group, token_of};

const USER_PASSWORD: &str = "correct horse battery";

/// An env whose every command uses `url`.
fn env_on(url: &str) -> Env {
    Env::sqlite().var("INVITECTL_DB", url)
}

fn accept_form(token: &str) -> Vec<(&str, &str)> {
    vec![
        ("token", token),
        ("first_name", "Ann"),
        ("last_name", "Lee"),
        ("password", USER_PASSWORD),
        ("confirm_password", USER_PASSWORD),
    ]
}

fn login(server: &Server) -> String {
    let response = server.post(
        "/login",
        &[("email", "ann@acme.example"), ("password", USER_PASSWORD)],
        None,
    );
    response.status(303);
    response.cookie()
}

#[test]
fn two_replicas_on_one_database_let_exactly_one_accept_win_and_share_sessions() {
    let database = Cluster::shared().new_database();
    let env = env_on(&database.url());
    env.run(&["invite", "ann@acme.example", "--role", "editor"])
        .ok();
    let token = token_of(&env.link_for("ann@acme.example")).to_string();
    let (one, two) = (Server::start(&env), Server::start(&env));

    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let (server, token) = (if i % 2 == 0 { &one } else { &two }, &token);
                scope.spawn(move || server.post("/accept", &accept_form(token), None).status)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 303 || *s == 404),
        "{statuses:?}"
    );
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users.as_array().unwrap().len(), 1, "{users}");
    assert_eq!(users[0]["status"], "active");

    // A session made on one replica works on the other, and logout on
    // either ends it on both.
    let cookie = login(&one);
    for server in [&one, &two] {
        server
            .get_with_cookie("/dashboard", &cookie)
            .status(200)
            .has("ann@acme.example");
    }
    two.post("/logout", &[], Some(&cookie)).status(303);
    for server in [&one, &two] {
        server.get_with_cookie("/dashboard", &cookie).status(303);
    }
    // Deactivation on the command line is effective on every host at once.
    let cookie = login(&two);
    env.run(&["users", "deactivate", "ann@acme.example", "--yes"])
        .ok();
    for server in [&one, &two] {
        server.get_with_cookie("/dashboard", &cookie).status(303);
    }
}

#[test]
fn a_bad_token_spray_over_two_replicas_is_refused_at_the_same_count_as_on_one() {
    let database = Cluster::shared().new_database();
    let env = env_on(&database.url());
    env.run(&["teams", "add", "ops"]).ok();
    let servers = [Server::start(&env), Server::start(&env)];
    let statuses: Vec<u16> = (0..30)
        .map(|i| {
            servers[i % 2]
                .request(
                    "GET",
                    &format!("/accept?token=guess{i}"),
                    &[("X-Forwarded-For", "203.0.113.9")],
                    "",
                )
                .status
        })
        .collect();
    // 20 guesses in all, whichever replica each went to, then 429.
    assert_eq!(
        statuses.iter().filter(|s| **s == 404).count(),
        20,
        "{statuses:?}"
    );
    assert!(statuses[20..].iter().all(|s| *s == 429), "{statuses:?}");
}

#[test]
fn eight_hosts_inviting_at_once_write_each_address_once() {
    let database = Cluster::shared().new_database();
    let env = env_on(&database.url());
    env.run(&["teams", "add", "ops"]).ok();
    // Every process invites the same 40 addresses, with --skip-existing as an
    // idempotent onboarding script would.
    let addresses: Vec<String> = (0..40).map(|i| format!("user{i}@acme.example")).collect();
    let list = addresses.join(",");
    let runs: Vec<support::Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (env, list) = (&env, &list);
                scope.spawn(move || {
                    env.run(&[
                        "invite",
                        list,
                        "--role",
                        "viewer",
                        "--team",
                        "ops",
                        "--skip-existing",
                        "--format",
                        "json",
                    ])
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut invited = 0;
    for run in &runs {
        run.ok();
        for row in run.json().as_array().unwrap() {
            if row["outcome"] == "invited" {
                invited += 1;
            }
        }
    }
    assert_eq!(invited, 40);
    assert_eq!(
        database.sql(
            "SELECT count(*), count(DISTINCT email) FROM invitations WHERE status = 'pending'"
        ),
        "40|40\n"
    );
    assert_eq!(database.sql("SELECT count(*) FROM users"), "40\n");
}

#[test]
fn a_batch_killed_mid_way_loses_nothing_after_a_rerun_and_resend_failed() {
    let database = Cluster::shared().new_database();
    let env = env_on(&database.url());
    let smtp = support::smtp::SmtpServer::start(Default::default());
    env.config(&smtp.config("security = \"none\""));
    let addresses: Vec<String> = (0..200).map(|i| format!("user{i}@acme.example")).collect();
    let list = addresses.join(",");
    let mut batch = Group::spawn(
        env.command(&["invite", &list, "--role", "viewer", "--rate", "50/s"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .unwrap();
    // Kill it once some of its messages have gone out.
    let deadline = Instant::now() + Duration::from_secs(30);
    while smtp.recipients().len() < 20 {
        assert!(Instant::now() < deadline, "the batch sent nothing");
        std::thread::sleep(Duration::from_millis(10));
    }
    batch.signal(nix::sys::signal::Signal::SIGKILL);
    batch.child.wait().unwrap();
    let stored = database.sql("SELECT count(*) FROM invitations");
    assert_eq!(
        stored, "200\n",
        "every invitation was stored before sending"
    );

    env.run(&["invite", &list, "--role", "viewer", "--skip-existing"])
        .ok();
    env.run(&["resend", "--failed"]).code(0);
    let mut delivered: Vec<String> = smtp.recipients();
    delivered.sort();
    delivered.dedup();
    assert_eq!(delivered.len(), 200, "everyone got a message");
    assert_eq!(
        database
            .sql("SELECT count(*) FROM invitations WHERE status = 'pending' AND delivery = 'sent'"),
        "200\n"
    );
}

#[test]
fn four_hosts_migrating_an_empty_database_at_once_migrate_it_once() {
    let database = Cluster::shared().new_database();
    let env = env_on(&database.url());
    let runs: Vec<support::Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = ["ops", "sales", "support", "it"]
            .into_iter()
            .map(|team| {
                let env = &env;
                scope.spawn(move || env.run(&["teams", "add", team]))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for run in &runs {
        run.ok();
    }
    assert_eq!(database.sql("SELECT version FROM invitectl_schema"), "9\n");
    assert_eq!(database.sql("SELECT count(*) FROM teams"), "4\n");
    let status = env.run(&["db", "status", "--format", "json"]).ok().json();
    assert_eq!(status["engine"], "postgresql");
    assert_eq!(status["schema_version"], 9);
}

#[test]
fn a_schema_newer_than_this_invitectl_or_another_programs_database_is_refused() {
    let newer = Cluster::shared().new_database();
    let env = env_on(&newer.url());
    env.run(&["teams", "add", "ops"]).ok();
    newer.sql("UPDATE invitectl_schema SET version = 99");
    env.run(&["teams", "add", "sales"])
        .code(2)
        .stderr_has("written by a newer invitectl (schema 99");
    env.run(&["list"]).code(2).stderr_has("upgrade invitectl");

    let foreign = Cluster::shared().new_database();
    foreign.sql("CREATE TABLE orders (id bigint)");
    env_on(&foreign.url())
        .run(&["teams", "add", "ops"])
        .code(1)
        .stderr_has("is not an invitectl database");
    assert_eq!(
        foreign.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
        "1\n",
        "nothing was created in it"
    );
}

#[test]
fn the_password_may_come_from_a_variable_or_a_file_and_is_never_shown() {
    let database = Cluster::shared().new_database();
    let url = database.url_without_password();
    let env = Env::sqlite();
    env.config(&format!(
        "[database]\nurl = \"{url}\"\npassword_env = \"DB_PASSWORD\"\n"
    ));
    env.run_env(&["teams", "add", "ops"], &[("DB_PASSWORD", PASSWORD)])
        .ok();
    let run = env.run_env(&["teams", "list"], &[("DB_PASSWORD", "wrong-password")]);
    run.code(1).stderr_has("check the user and password");
    assert!(!run.stderr.contains("wrong-password"), "{}", run.stderr);
    env.run(&["teams", "list"])
        .code(2)
        .stderr_has("database.password_env names DB_PASSWORD, which is not set");

    std::fs::write(env.path("db-password"), format!("{PASSWORD}\n")).unwrap();
    env.config(&format!(
        "[database]\nurl = \"{url}\"\npassword_file = \"db-password\"\n"
    ));
    env.run(&["teams", "list"]).ok().stdout_has("ops");
    let status = env.run(&["db", "status"]).ok().stdout.clone();
    assert!(status.contains(&url), "{status}");
    assert!(!status.contains(PASSWORD), "{status}");
}

#[test]
fn db_copy_moves_a_sqlite_installation_to_postgresql_and_back_with_links_and_logins_intact() {
    let database = Cluster::shared().new_database();
    let old = Env::sqlite();
    old.run(&["departments", "add", "Engineering"]).ok();
    old.run(&["teams", "add", "ops"]).ok();
    for email in ["ann@acme.example", "bob@acme.example", "cy@acme.example"] {
        old.run(&[
            "invite",
            email,
            "--role",
            "editor",
            "--department",
            "Engineering",
            "--team",
            "ops",
        ])
        .ok();
    }
    old.run(&["resend", "bob@acme.example"]).ok();
    old.run(&["cancel", "cy@acme.example", "--yes"]).ok();
    old.accept(&old.link_for("ann@acme.example"), USER_PASSWORD)
        .ok();
    let before = old
        .run(&["list", "--status", "all", "--format", "json"])
        .ok()
        .json();

    old.run(&["db", "copy", "--to", &database.url()])
        .ok()
        .stderr_has("copied");
    let new = env_on(&database.url());
    assert_eq!(
        new.run(&["list", "--status", "all", "--format", "json"])
            .ok()
            .json(),
        before
    );
    // Bob's newest link works against the new database; Ann logs in.
    let server = Server::start(&new);
    let token = token_of(&old.link_for("bob@acme.example")).to_string();
    server
        .post("/accept", &accept_form(&token), None)
        .status(303);
    login(&server);
    // Ids go on from where the old database left off.
    new.run(&["invite", "dee@acme.example", "--role", "viewer"])
        .ok();
    let ids: Vec<i64> = support::invitations(&new)
        .iter()
        .map(|row| row["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert!(
        ids[3] > 4,
        "a new id reuses none the source gave out: {ids:?}"
    );
    // A target that holds rows is refused.
    old.run(&["db", "copy", "--to", &database.url()])
        .code(3)
        .stderr_has("is not empty");

    // And back to a new SQLite file on another host, with serve-accept
    // stopped first: db copy refuses a source that others have open.
    let back = Env::sqlite();
    let back_file = back.path("invitectl.db");
    new.run(&["db", "copy", "--to", back_file.to_str().unwrap()])
        .code(3)
        .stderr_has("other invitectl connection(s) are open on it")
        .stderr_has("--force");
    drop(server);
    let others = "SELECT count(*) FROM pg_stat_activity \
                  WHERE datname = current_database() AND application_name = 'invitectl'";
    let stopped = std::time::Instant::now();
    while database.sql(others) != "0\n" {
        assert!(
            stopped.elapsed().as_secs() < 10,
            "serve-accept's sessions stay"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    new.run(&[
        "db",
        "copy",
        "--to",
        back.path("invitectl.db").to_str().unwrap(),
    ])
    .ok();
    assert_eq!(
        back.run(&["list", "--status", "all", "--format", "json"])
            .ok()
            .json(),
        new.run(&["list", "--status", "all", "--format", "json"])
            .ok()
            .json()
    );
    let server = Server::start(&back);
    login(&server);
}

#[test]
fn a_database_outage_is_a_503_and_serve_accept_recovers_by_itself() {
    let cluster = Cluster::start();
    let database = cluster.new_database();
    let env = env_on(&database.url());
    env.run(&["invite", "ann@acme.example", "--role", "editor"])
        .ok();
    let token = token_of(&env.link_for("ann@acme.example")).to_string();
    let server = Server::start(&env);
    let page = format!("/accept?token={token}");
    server.get(&page).status(200);
    server.get("/healthz").status(200).has("ok");

    cluster.stop();
    server
        .get(&page)
        .status(503)
        .has("cannot reach its database");
    server.get("/healthz").status(503);
    server
        .post("/accept", &accept_form(&token), None)
        .status(503);

    cluster.start_again();
    // The first request after the outage may still find a dead connection.
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.get("/healthz").status != 200 {
        assert!(Instant::now() < deadline, "serve-accept did not recover");
        std::thread::sleep(Duration::from_millis(100));
    }
    server.get(&page).status(200);
    server
        .post("/accept", &accept_form(&token), None)
        .status(303);
    assert!(
        !server.logged().contains(&token),
        "the token never reaches the log"
    );
}

#[test]
fn serve_accept_says_loudly_when_its_clock_is_far_from_the_databases() {
    let database = Cluster::shared().new_database();
    let env = env_on(&database.url());
    env.run(&["teams", "add", "ops"]).ok();
    let server = Server::start_at(&env, "+120s");
    server.wait_for_log("clock is 1");
    server.wait_for_log("s ahead of the database's");
    server
        .get("/healthz")
        .status(200)
        .has("warning: this host's clock is");
    let in_time = Server::start(&env);
    assert_eq!(in_time.get("/healthz").body, "ok");
}

/// Both engines' schemas, as (table, column, kind) and (table, columns, unique).
#[test]
fn both_engines_have_the_same_tables_columns_and_indexes() {
    let database = Cluster::shared().new_database();
    let postgres = env_on(&database.url());
    let sqlite = Env::sqlite();
    for env in [&postgres, &sqlite] {
        env.run(&["teams", "add", "ops"]).ok();
    }
    let sqlite_columns = support::sqlite(
        &sqlite.path("invitectl.db"),
        "SELECT m.name, p.name, lower(p.type), max(p.\"notnull\", p.pk > 0) FROM sqlite_master m \
         JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
         ORDER BY m.name, p.name",
    );
    let postgres_columns = database.sql(
        "SELECT table_name, column_name, data_type, CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END \
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'invitectl_schema' \
         ORDER BY table_name, column_name",
    );
    let kind = |engine: &str, declared: &str| -> &'static str {
        match (engine, declared) {
            ("sqlite", "integer") | ("postgres", "bigint") => "integer",
            ("sqlite", "text") | ("postgres", "text") => "text",
            ("sqlite", "blob") | ("postgres", "bytea") => "bytes",
            ("postgres", "timestamp with time zone") => "time",
            ("postgres", "boolean") => "boolean",
            other => panic!("unexpected column type {other:?}"),
        }
    };
    let sqlite_rows: Vec<Vec<&str>> = sqlite_columns
        .lines()
        .map(|l| l.split('|').collect())
        .collect();
    let postgres_rows: Vec<Vec<&str>> = postgres_columns
        .lines()
        .map(|l| l.split('|').collect())
        .collect();
    assert_eq!(
        sqlite_rows.len(),
        postgres_rows.len(),
        "\nsqlite:\n{sqlite_columns}\npostgres:\n{postgres_columns}"
    );
    for (s, p) in sqlite_rows.iter().zip(&postgres_rows) {
        assert_eq!((s[0], s[1]), (p[0], p[1]), "same table and column");
        let (s_kind, p_kind) = (kind("sqlite", s[2]), kind("postgres", p[2]));
        // SQLite keeps times as text and booleans as integers.
        let compatible = s_kind == p_kind
            || (s_kind == "text" && p_kind == "time")
            || (s_kind == "integer" && p_kind == "boolean");
        assert!(compatible, "{}.{}: {s_kind} vs {p_kind}", s[0], s[1]);
        assert_eq!(s[3], p[3], "{}.{} NOT NULL", s[0], s[1]);
    }

    // Indexes as (table, columns, unique), whatever they are named.
    let sqlite_indexes = support::sqlite(
        &sqlite.path("invitectl.db"),
        "SELECT m.tbl_name, (SELECT group_concat(name, ',') FROM pragma_index_info(m.name)), l.\"unique\", l.partial \
         FROM sqlite_master m JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name \
         WHERE m.type = 'index' \
         UNION SELECT m.name, (SELECT group_concat(name, ',') FROM pragma_table_info(m.name) WHERE pk > 0), 1, 0 \
         FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
         ORDER BY 1, 2",
    );
    let postgres_indexes = database.sql(
        "SELECT t.relname, \
                (SELECT string_agg(replace(replace(pg_get_indexdef(i.indexrelid, k, true), 'lower(', ''), ')', ''), ',') \
                   FROM generate_series(1, i.indnatts) k), \
                CASE WHEN i.indisunique THEN 1 ELSE 0 END, CASE WHEN i.indpred IS NULL THEN 0 ELSE 1 END \
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public' AND t.relname <> 'invitectl_schema' ORDER BY 1, 2",
    );
    let normalize = |text: &str| -> Vec<String> {
        let mut rows: Vec<String> = text.lines().map(str::to_string).collect();
        rows.sort();
        rows.dedup();
        rows
    };
    assert_eq!(
        normalize(&sqlite_indexes),
        normalize(&postgres_indexes),
        "\nsqlite:\n{sqlite_indexes}\npostgres:\n{postgres_indexes}"
    );
}

#[test]
fn sslmode_require_encrypts_and_checks_the_servers_certificate() {
    let cluster = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (
        cluster.dir().join("server.crt"),
        cluster.dir().join("server.key"),
    );
    // A CA of the test's own, and the server's certificate signed by it.
    let made = std::process::Command::new("bash")
        .arg("-c")
        .arg(
            "set -e; cd \"$1\"
             openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-ca -keyout ca.key -out ca.pem
             openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout \"$2\" -out server.csr
             printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > server.ext
             openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \\
                 -extfile server.ext -out \"$3\"",
        )
        .arg("bash")
        .arg(dir.path())
        .arg(&key)
        .arg(&cert)
        .output()
        .expect("openssl is missing: run scripts/setup.sh");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    std::process::Command::new("chown")
        .arg("postgres")
        .arg(&cert)
        .arg(&key)
        .status()
        .unwrap();
    cluster.psql(
        "postgres",
        &format!(
            "ALTER SYSTEM SET ssl = on; ALTER SYSTEM SET ssl_cert_file = '{}'; \
             ALTER SYSTEM SET ssl_key_file = '{}'; SELECT pg_reload_conf();",
            cert.display(),
            key.display()
        ),
    );
    let database = cluster.new_database();
    let env = env_on(&format!("{}?sslmode=require", database.url()));

    // A certificate no root vouches for is refused.
    env.run(&["teams", "add", "ops"])
        .code(1)
        .stderr_has("cannot connect to the PostgreSQL database")
        .stderr_has("certificate");
    // With the server's certificate among the trusted roots, it connects, over TLS.
    let roots = dir.path().join("ca.pem");
    let roots = roots.to_str().unwrap();
    env.run_env(&["teams", "add", "ops"], &[("SSL_CERT_FILE", roots)])
        .ok();
    let mut command = env.command(&["serve-accept", "--bind", "127.0.0.1:0"]);
    command.env("SSL_CERT_FILE", roots);
    let server = Server::start_command(command);
    server.get("/healthz").status(200);
    assert_eq!(
        cluster.psql(
            "postgres",
            "SELECT bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
             WHERE a.application_name = 'invitectl'"
        ),
        "t\n"
    );
}

#[test]
fn a_host_without_hooks_records_its_events_for_the_host_that_runs_them() {
    // Issue 23.2: the replica whose config had no [hooks] accepted an
    // invitation and recorded no user.activated, so that person never
    // reached the provisioning target.
    let database = Cluster::shared().new_database();
    let plain = env_on(&database.url());
    let hooked = env_on(&database.url());
    let seen = hooked.path("seen.log");
    let hook = hooked.path("hook.sh");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nprintf '%s %s\\n' \"$(sed -n 's/.*\"event\":\"\\([a-z._]*\\)\".*/\\1/p')\" \"$INVITECTL_EMAIL\" >> {}\n",
            seen.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    hooked.config(&format!(
        "[hooks]\ncommand = \"{}\"\ntimeout = \"10s\"\n",
        hook.display()
    ));

    plain
        .run(&["invite", "ann@acme.example", "--role", "editor", "-q"])
        .ok();
    let token = token_of(&plain.link_for("ann@acme.example")).to_string();
    let without = Server::start(&plain);
    without.wait_for_log(
        "note: this host has no [hooks] command, and the database holds 1 hook event not yet done",
    );
    without
        .post("/accept", &accept_form(&token), None)
        .status(303);
    plain
        .run(&["users", "edit", "ann@acme.example", "--last-name", "Smith"])
        .ok();
    let pending = plain
        .run(&["hooks", "list", "--status", "pending", "--format", "json"])
        .ok()
        .json();
    let events: Vec<&str> = pending
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["user.invited", "user.activated", "user.changed"]);

    // The host with a command runs every one of them, in order.
    let with = Server::start(&hooked);
    let deadline = Instant::now() + Duration::from_secs(20);
    let read = || std::fs::read_to_string(&seen).unwrap_or_default();
    while read().lines().count() < 3 {
        assert!(Instant::now() < deadline, "hook runs: {:?}", read());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        read(),
        "user.invited ann@acme.example\nuser.activated ann@acme.example\nuser.changed ann@acme.example\n"
    );
    let done = plain
        .run(&["hooks", "list", "--status", "done", "--format", "json"])
        .ok()
        .json();
    assert_eq!(done.as_array().unwrap().len(), 3, "{done}");
    let (_, log) = with.terminate();
    assert!(!log.contains("no [hooks] command"), "{log}");
    without.terminate();
}
