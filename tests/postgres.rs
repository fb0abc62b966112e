//! The PostgreSQL side of the test infrastructure itself: the clusters of
//! scripts/postgres-cluster.sh, a database per test, and the helpers that
//! read either engine alike. These need PostgreSQL in both passes of
//! scripts/test.sh, which starts the shared cluster.
//!
//! Then the secrets of the database connection (issue 17, items 4 to 6):
//! TLS to any host that is not loopback, no cleartext or MD5 password on an
//! unencrypted link, and no password shown anywhere. The attacker there is
//! tests/fake_postgres.py, run in a network namespace of its own (as root,
//! `unshare -n`) on a private address, which is not loopback.

use crate::support;

use std::net::TcpStream;
use std::time::Instant;

use support::postgres::{Cluster, PASSWORD};
use support::{Engine, Env};

/// What a fresh database holds outside the system catalogs.
const OWN_RELATIONS: &str = "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";

#[test]
fn a_fresh_database_is_empty_and_private_to_its_test() {
    let cluster = Cluster::shared();
    let mut urls = Vec::new();
    for _ in 0..2 {
        urls.push(cluster.fresh_database());
    }
    let (first, second) = (&urls[0], &urls[1]);
    assert_ne!(first, second);
    let prefix = format!(
        "postgres://invitectl:{PASSWORD}@127.0.0.1:{}/",
        cluster.port()
    );
    for url in &urls {
        assert!(url.starts_with(&prefix), "{url}");
        let name = &url[prefix.len()..];
        // Reached over TCP as invitectl with the password; invitectl owns it; nothing in it.
        assert_eq!(
            cluster.psql(
                url,
                "SELECT current_user, current_database(), pg_get_userbyid(datdba), \
                 inet_server_addr() FROM pg_database WHERE datname = current_database()"
            ),
            format!("invitectl|{name}|invitectl|127.0.0.1\n")
        );
        assert_eq!(cluster.psql(url, OWN_RELATIONS), "0\n");
        // invitectl may create its tables in it.
        cluster.psql(url, "CREATE TABLE marker (url text)");
        cluster.psql(url, &format!("INSERT INTO marker VALUES ('{url}')"));
    }
    // Each sees its own rows only.
    assert_eq!(
        cluster.psql(first, "SELECT url FROM marker"),
        format!("{first}\n")
    );
    assert_eq!(
        cluster.psql(second, "SELECT url FROM marker"),
        format!("{second}\n")
    );

    // Over TCP, no password or a wrong one is refused.
    let without = cluster.fresh_database_without_password();
    assert!(without.starts_with(&format!(
        "postgres://invitectl@127.0.0.1:{}/",
        cluster.port()
    )));
    let refused = cluster.try_psql(&without, "SELECT 1").unwrap_err();
    assert!(refused.contains("no password supplied"), "{refused}");
    let wrong = without.replace("invitectl@", "invitectl:guess@");
    let refused = cluster.try_psql(&wrong, "SELECT 1").unwrap_err();
    assert!(
        refused.contains("password authentication failed"),
        "{refused}"
    );
    let with = without.replace("invitectl@", &format!("invitectl:{PASSWORD}@"));
    assert_eq!(cluster.psql(&with, OWN_RELATIONS), "0\n");
}

#[test]
fn a_private_cluster_restarts_on_the_same_port() {
    let started = Instant::now();
    let cluster = Cluster::start();
    eprintln!("Cluster::start: {} ms", started.elapsed().as_millis());
    let port = cluster.port();
    assert_ne!(port, Cluster::shared().port());
    // What the script promises the tests.
    assert_eq!(
        cluster.psql(
            "postgres",
            "SELECT current_setting('fsync'), current_setting('listen_addresses'), \
             current_setting('max_connections'), current_setting('server_encoding')"
        ),
        "off|127.0.0.1|300|UTF8\n"
    );
    let database = cluster.new_database();
    database.sql("CREATE TABLE t (a integer); INSERT INTO t VALUES (42)");

    cluster.stop();
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "still listening"
    );
    let down = cluster
        .try_psql(&database.url(), "SELECT a FROM t")
        .unwrap_err();
    assert!(down.contains("Connection refused"), "{down}");

    cluster.start_again();
    assert_eq!(cluster.port(), port);
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
    assert_eq!(database.sql("SELECT a FROM t"), "42\n");

    cluster.restart();
    assert_eq!(database.sql("SELECT a FROM t"), "42\n");
    cluster.crash();
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "still listening"
    );
    cluster.start_again();
    assert_eq!(database.sql("SELECT a FROM t"), "42\n");

    // Dropped, it is gone: the server and its directory.
    let dir = cluster.dir().to_path_buf();
    assert!(dir.join("data").exists());
    drop(database);
    drop(cluster);
    assert!(!dir.exists(), "{} is left", dir.display());
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "still listening"
    );
}

#[test]
fn env_sql_and_database_bytes_read_the_database_of_either_engine() {
    let env = Env::new();
    assert_eq!(
        env.sql(
            "CREATE TABLE t (a integer, b text); INSERT INTO t VALUES (1, 'kept-secret'), (2, NULL); \
             SELECT a, b FROM t ORDER BY a; SELECT count(*) FROM t;"
        ),
        "1|kept-secret\n2|\n2\n"
    );
    let blob = env.bytes_literal(&[0, b'|', 0xfe, 0xff]);
    env.sql(&format!(
        "CREATE TABLE h (v bytea); INSERT INTO h VALUES ({blob})"
    ));
    assert_eq!(
        env.sql(&format!("SELECT length(v) FROM h WHERE v = {blob}")),
        "4\n"
    );
    let bytes = env.database_bytes();
    assert!(bytes.windows(11).any(|w| w == b"kept-secret"));
    assert!(!bytes.windows(12).any(|w| w == b"never-stored"));

    // Every command run in the env is given its database.
    let shown = support::run(
        env.command_with("sh", &["-c", "printf %s \"${INVITECTL_DB-unset}\""]),
        None,
    );
    match support::engine() {
        Engine::Postgres => {
            let database = env.postgres().expect("a database of its own");
            assert_eq!(shown.stdout, database.url());
            assert_eq!(
                env.sql("SELECT current_database()"),
                format!("{}\n", database.name)
            );
        }
        Engine::Sqlite => {
            assert!(env.postgres().is_none());
            assert_eq!(shown.stdout, "unset");
            assert!(env.path("invitectl.db").exists());
        }
    }
}

const FAKE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fake_postgres.py");

/// A private address that the fake server's network namespace gives its
/// loopback interface: on this host, but not a loopback address.
const REMOTE: &str = "10.213.0.1";

/// Runs invitectl `args` in `env` while tests/fake_postgres.py answers on
/// `addr:port` asking for `method` (cleartext or md5); what the fake saw
/// and what invitectl printed, as the fake's JSON. With `addr` REMOTE, both
/// run in a new network namespace where REMOTE is a local address.
fn against_fake(
    env: &Env,
    addr: &str,
    port: u16,
    method: &str,
    args: &[&str],
    vars: &[(&str, &str)],
) -> serde_json::Value {
    let port = port.to_string();
    let fake = [FAKE, addr, &port, method, "--", support::BIN];
    let mut command = if addr == REMOTE {
        let script =
            format!("ip link set lo up && ip addr add {REMOTE}/32 dev lo && exec python3 \"$@\"");
        env.command_with(
            "unshare",
            &[
                &["-n", "sh", "-c", script.as_str(), "sh"][..],
                &fake[..],
                args,
            ]
            .concat(),
        )
    } else {
        env.command_with("python3", &[&fake[..], args].concat())
    };
    command.envs(vars.iter().copied());
    let output = command
        .output()
        .expect("python3 and unshare (util-linux) run the fake server");
    assert!(
        output.status.success(),
        "the fake server (unshare -n needs root): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn passwords(seen: &serde_json::Value) -> Vec<String> {
    seen["passwords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_default_sslmode_never_hands_the_password_to_a_server_that_refuses_tls() {
    // Issue 17.4: with sslmode=prefer (the default), a fake server that
    // refused TLS and asked for a cleartext password got it from db status.
    let env = Env::sqlite();
    for url in [
        format!("postgres://inv:s3cret-pw@{REMOTE}:5432/app"),
        format!("postgres://inv:s3cret-pw@{REMOTE}:5432/app?sslmode=prefer"),
        format!("postgres://inv:s3cret-pw@{REMOTE}:5432/app?sslmode=require"),
    ] {
        let seen = against_fake(
            &env,
            REMOTE,
            5432,
            "cleartext",
            &["--db", &url, "db", "status"],
            &[],
        );
        assert_eq!(passwords(&seen), Vec::<String>::new(), "{seen}");
        assert!(seen["ssl_requests"].as_u64().unwrap() >= 1, "{seen}");
        assert_eq!(seen["code"], 1, "{seen}");
        let stderr = seen["stderr"].as_str().unwrap();
        assert!(stderr.contains("the server offers no TLS"), "{stderr}");
        assert!(stderr.contains("sslmode=disable"), "{stderr}");
        assert!(!stderr.contains("s3cret-pw"), "{stderr}");
    }
}

#[test]
fn an_unencrypted_link_to_a_remote_host_sends_no_cleartext_or_md5_password_unless_allowed() {
    // Issue 17.4: plaintext only with sslmode=disable, and even then the
    // password does not go out as cleartext or MD5 unless the operator says so.
    let env = Env::sqlite();
    let url = format!("postgres://inv:s3cret-pw@{REMOTE}:5432/app?sslmode=disable");
    for method in ["cleartext", "md5"] {
        let seen = against_fake(
            &env,
            REMOTE,
            5432,
            method,
            &["--db", &url, "teams", "list"],
            &[],
        );
        assert_eq!(passwords(&seen), Vec::<String>::new(), "{seen}");
        assert_eq!(seen["ssl_requests"], 0, "{seen}");
        assert_eq!(seen["code"], 1, "{seen}");
        let stderr = seen["stderr"].as_str().unwrap();
        let name = if method == "md5" { "MD5" } else { method };
        assert!(
            stderr.contains(&format!(
                "asked for the password as {name} over an unencrypted connection"
            )),
            "{stderr}"
        );
        assert!(stderr.contains("allow_plaintext_auth"), "{stderr}");
    }

    // Allowed: the password goes out; here from PGPASSWORD, which --db honours (17.6).
    let url = format!("postgres://inv@{REMOTE}:5432/app?sslmode=disable");
    let seen = against_fake(
        &env,
        REMOTE,
        5432,
        "cleartext",
        &["--db", &url, "teams", "list"],
        &[
            ("INVITECTL_DATABASE_ALLOW_PLAINTEXT_AUTH", "true"),
            ("PGPASSWORD", "from-pgpassword"),
        ],
    );
    assert_eq!(passwords(&seen), ["from-pgpassword"], "{seen}");
    assert!(
        seen["stderr"]
            .as_str()
            .unwrap()
            .contains("password authentication failed"),
        "{seen}"
    );

    // Loopback is exempt: nothing on the path to protect against.
    let port = support::closed_port();
    let url = format!("postgres://inv:s3cret-pw@127.0.0.1:{port}/app?sslmode=disable");
    let seen = against_fake(
        &env,
        "127.0.0.1",
        port,
        "cleartext",
        &["--db", &url, "teams", "list"],
        &[],
    );
    assert_eq!(passwords(&seen), ["s3cret-pw"], "{seen}");
}

#[test]
fn no_spelling_of_a_password_in_the_url_is_ever_shown() {
    // Issue 17.5: `?` or `#` in the password, or `?password=` / `?pass%77ord=`,
    // came out whole in db status, config show and connection errors.
    let env = Env::sqlite();
    let port = support::closed_port();
    let secrets = ["w0rd", "q-secret", "enc-secret"];
    let urls = [
        format!("postgres://inv:pa?ss#w0rd@127.0.0.1:{port}/app"),
        format!("postgres://inv@127.0.0.1:{port}/app?password=q-secret"),
        format!("postgres://inv@127.0.0.1:{port}/app?sslmode=disable&pass%77ord=enc-secret"),
    ];
    for url in &urls {
        let mut printed = String::new();
        for args in [
            &["db", "status"][..],
            &["teams", "add", "ops"][..],
            &["serve-accept", "--bind", "127.0.0.1:0"][..],
        ] {
            let run = env.run_env(args, &[("INVITECTL_DB", url)]);
            run.code(1)
                .stderr_has(&format!("cannot connect to the PostgreSQL database postgres://inv@127.0.0.1:{port}/app?sslmode="));
            printed += &run.stderr;
        }
        for format in ["table", "json", "csv"] {
            let run = env.run_env(
                &["config", "show", "--format", format],
                &[("INVITECTL_DB", url)],
            );
            run.ok()
                .stdout_has(&format!("postgres://inv@127.0.0.1:{port}/app?sslmode="));
            printed += &run.stdout;
            printed += &run.stderr;
        }
        for secret in secrets {
            assert!(
                !printed.contains(secret),
                "{secret} shown for {url}:\n{printed}"
            );
        }
    }

    // And where it connects: db status, from the settings.
    let database = Cluster::shared().new_database();
    let url = database.url_without_password() + &format!("?pass%77ord={PASSWORD}");
    let run = env.run_env(&["teams", "add", "ops"], &[("INVITECTL_DB", &url)]);
    run.ok();
    let status = env.run_env(
        &["db", "status", "--format", "json"],
        &[("INVITECTL_DB", &url)],
    );
    let location = status.ok().json()["location"].as_str().unwrap().to_string();
    assert_eq!(
        location,
        database.url_without_password() + "?sslmode=prefer"
    );
}

#[test]
fn a_password_on_the_command_line_is_warned_about_and_pgpassword_is_honoured() {
    // Issue 17.6: `--db postgres://user:pass@…` shows the password in ps.
    let database = Cluster::shared().new_database();
    let env = Env::sqlite();
    let with = database.url();
    let warning = "warning: the --db URL holds a password, which every local user can read";
    env.run(&["--db", &with, "teams", "add", "ops"])
        .ok()
        .stderr_has(warning)
        .stderr_has("password_env");
    // From INVITECTL_DB (not in ps), or without one, no warning.
    let run = env.run_env(&["teams", "list"], &[("INVITECTL_DB", &with)]);
    assert!(!run.ok().stderr.contains("warning"), "{}", run.stderr);
    let without = database.url_without_password();
    let run = env.run_env(
        &["--db", &without, "teams", "list"],
        &[("PGPASSWORD", PASSWORD)],
    );
    assert!(
        !run.ok().stdout_has("ops").stderr.contains("warning"),
        "{}",
        run.stderr
    );
    let shown = env
        .run_env(
            &["--db", &without, "config", "show", "--format", "json"],
            &[("PGPASSWORD", PASSWORD)],
        )
        .ok()
        .json();
    let password = support::setting(&shown, "database.password");
    assert_eq!(password["value"], "(set)");
    assert_eq!(password["origin"], "environment PGPASSWORD");
    // --help says where the password goes instead.
    let help = env.run(&["--help"]).ok().stdout.clone();
    assert!(help.contains("password_env or password_file"), "{help}");
    assert!(help.contains("PGPASSWORD"), "{help}");
}

#[test]
fn a_missing_password_names_the_ways_to_give_one() {
    // Issue 23.5: `db copy --to` a database without a password said only "password missing".
    let database = Cluster::shared().new_database();
    let env = Env::sqlite();
    env.run(&["teams", "add", "ops"]).ok();
    let run = env.run(&["db", "copy", "--to", &database.url_without_password()]);
    run.code(1)
        .stderr_has("the server asks for a password and none was given")
        .stderr_has("PGPASSWORD")
        .stderr_has("password_env");
    env.run_env(
        &["db", "copy", "--to", &database.url_without_password()],
        &[("PGPASSWORD", PASSWORD)],
    )
    .ok()
    .stderr_has("copied");
}
