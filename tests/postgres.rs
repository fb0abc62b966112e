//! The PostgreSQL side of the test infrastructure itself: the clusters of
//! scripts/postgres-cluster.sh, a database per test, and the helpers that
//! read either engine alike. These need PostgreSQL in both passes of
//! scripts/test.sh, which starts the shared cluster.

mod support;

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
