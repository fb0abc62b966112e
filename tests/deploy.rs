//! The operator files in deploy/ are checked by the tools that will read them,
//! so they cannot drift from what invitectl accepts.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::smtp::{Options, SmtpServer};
use support::web::read_response;
use support::{BIN, Env, Group};

fn deploy(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The tool, or a failure saying how to install it: a missing tool is never a skip.
fn tool(path: &str) -> &str {
    assert!(
        Path::new(path).exists(),
        "{path} is missing: run scripts/setup.sh"
    );
    path
}

/// The invitectl arguments of a command line in a deploy file.
fn invitectl_args(line: &str) -> Vec<String> {
    let start = line
        .find("/usr/local/bin/invitectl")
        .expect("runs invitectl")
        + "/usr/local/bin/invitectl".len();
    line[start..]
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn systemd_units_pass_systemd_analyze_verify() {
    let dir = tempfile::tempdir().unwrap();
    let mut units: Vec<PathBuf> = Vec::new();
    for name in [
        "invitectl-accept.service",
        "invitectl-cleanup.service",
        "invitectl-cleanup.timer",
    ] {
        let text = deploy(name).replace("/usr/local/bin/invitectl", BIN);
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        units.push(path);
    }
    let output = Command::new(tool("/usr/bin/systemd-analyze"))
        .arg("verify")
        .arg("--man=no")
        .args(&units)
        .env("SYSTEMD_LOG_LEVEL", "warning")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let problems: Vec<&str> = stderr
        .lines()
        // No systemd runs in a build container; that is not the units' fault.
        .filter(|l| !l.contains("Failed to connect") && !l.contains("System has not been booted"))
        .filter(|l| l.contains("invitectl"))
        .collect();
    assert!(output.status.success() && problems.is_empty(), "{stderr}");
}

#[test]
fn the_hardened_service_keeps_its_promises() {
    let unit = deploy("invitectl-accept.service");
    for setting in [
        "User=invitectl",
        "StateDirectory=invitectl",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
    ] {
        assert!(unit.lines().any(|l| l == setting), "missing {setting}");
    }
    let args = invitectl_args(unit.lines().find(|l| l.starts_with("ExecStart=")).unwrap());
    assert_eq!(args[0], "serve-accept");
}

#[test]
fn regression_a_daemonized_hook_outlived_its_kill_so_the_units_kill_their_control_group() {
    // A hook that leaves its process group (`setsid cmd &`) is out of reach
    // of the hook timeout's kill; systemd still has it in the unit's cgroup.
    for name in ["invitectl-accept.service", "invitectl-cleanup.service"] {
        let unit = deploy(name);
        let service = unit.split("[Service]").nth(1).expect("a [Service] section");
        let service = service.split("\n[").next().unwrap();
        let modes: Vec<&str> = service
            .lines()
            .filter(|l| l.starts_with("KillMode="))
            .collect();
        assert_eq!(modes, ["KillMode=control-group"], "{name}");
        assert!(
            !service.lines().any(|l| l.starts_with("SendSIGKILL=no")),
            "{name}"
        );
    }
}

/// The invitectl commands a cron line runs, each as its arguments.
fn cron_commands(line: &str) -> Vec<Vec<String>> {
    line.split("&&")
        .filter(|part| part.contains("/usr/local/bin/invitectl"))
        .map(invitectl_args)
        .collect()
}

#[test]
fn the_cron_line_runs_the_same_repair_and_clean_up_as_the_timer() {
    let cron = deploy("invitectl.cron");
    let line = cron
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        fields[5], "invitectl",
        "cron.d lines name the user after five time fields"
    );
    let service = deploy("invitectl-cleanup.service");
    let timer_commands: Vec<Vec<String>> = service
        .lines()
        .filter(|l| l.starts_with("ExecStart="))
        .map(invitectl_args)
        .collect();
    assert_eq!(cron_commands(line), timer_commands);
    assert_eq!(
        timer_commands,
        [
            vec!["--quiet", "resend", "--failed"],
            vec!["--quiet", "remind"],
            vec!["--quiet", "cancel", "--expired", "--yes"],
            vec!["--quiet", "users", "expire"]
        ]
    );

    // They work with no terminal, as cron runs them: the invitation whose
    // mail failed is sent again, the one waiting since yesterday reminded,
    // and a day later the expired one cancelled.
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.config(&format!(
        "[mail]\nfrom = \"it@acme.example\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n",
        support::closed_port()
    ));
    env.run(&["invite", "bob@acme.example", "--role", "viewer"])
        .code(4);
    env.config("");
    for offset in ["+13h", "+25h"] {
        for args in cron_commands(line) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            env.run_at(offset, &args, None).ok();
        }
    }
    let rows = env
        .run(&["list", "--status", "all", "--format", "json"])
        .ok()
        .json();
    assert_eq!(rows[0]["email"], "ann@acme.example");
    assert_eq!(rows[0]["status"], "cancelled");
    assert!(rows[0]["reminded_at"].is_string(), "{rows}");
    assert_eq!(rows[1]["email"], "bob@acme.example");
    assert_eq!(rows[1]["status"], "pending");
    assert_eq!(rows[1]["delivery"], "sent");
}

/// The snippet with a test certificate and logs in `dir`, and its two
/// listeners on 127.0.0.1 `http` and `https`.
fn nginx_snippet(dir: &Path, http: u16, https: u16) -> String {
    let d = dir.display().to_string();
    let (cert, key) = support::self_signed_certificate(dir, "invite.acme.example");
    deploy("nginx-invitectl.conf")
        .replace(
            "/etc/letsencrypt/live/invite.acme.example/fullchain.pem",
            &cert.display().to_string(),
        )
        .replace(
            "/etc/letsencrypt/live/invite.acme.example/privkey.pem",
            &key.display().to_string(),
        )
        .replace("/var/log/nginx/", &format!("{d}/"))
        .replace("listen 80;", &format!("listen 127.0.0.1:{http};"))
        .replace("listen 443 ssl", &format!("listen 127.0.0.1:{https} ssl"))
        .lines()
        .filter(|line| !line.contains("listen [::]"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A real nginx, in the foreground as this user, serving the snippet on
/// loopback. Ports are picked at random below the ephemeral range; one that
/// turns out to be taken is simply tried again with others.
fn start_nginx(dir: &Path) -> (Group, u16) {
    let d = dir.display().to_string();
    for _ in 0..20 {
        let http = 20_000 + rand::random::<u16>() % 10_000;
        std::fs::write(
            dir.join("invitectl.conf"),
            nginx_snippet(dir, http, http + 1),
        )
        .unwrap();
        if let Some(nginx) = run_nginx(dir, &format!("include {d}/invitectl.conf;"), &[http]) {
            return (nginx, http);
        }
    }
    panic!("no free pair of loopback ports in 20 tries");
}

/// nginx in the foreground as this user with `http` as its http block,
/// once it listens on every one of `ports`; `None` when one of them turned
/// out to be taken (try others).
fn run_nginx(dir: &Path, http: &str, ports: &[u16]) -> Option<Group> {
    let d = dir.display().to_string();
    let main = format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{}}\nhttp {{\n  {http}\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    let startup = std::fs::File::create(dir.join("startup.log")).unwrap();
    let mut nginx = Group::spawn(
        Command::new(tool("/usr/sbin/nginx"))
            .args([
                "-p",
                &d,
                "-e",
                &format!("{d}/startup.log"),
                "-c",
                &format!("{d}/nginx.conf"),
            ])
            .stderr(startup),
    )
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(status) = nginx.child.try_wait().unwrap() {
            let log = std::fs::read_to_string(dir.join("startup.log")).unwrap_or_default();
            assert!(
                log.contains("Address already in use"),
                "nginx stopped ({status}): {log}"
            );
            return None;
        }
        if ports
            .iter()
            .all(|port| std::net::TcpStream::connect(("127.0.0.1", *port)).is_ok())
        {
            return Some(nginx);
        }
        assert!(std::time::Instant::now() < deadline, "nginx did not start");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// What nginx answers on plain http for `target`.
fn redirect_for(port: u16, target: &str) -> support::web::Response {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let request =
        format!("GET {target} HTTP/1.1\r\nHost: invite.acme.example\r\nConnection: close\r\n\r\n");
    std::io::Write::write_all(&mut stream, request.as_bytes()).unwrap();
    read_response(&mut stream)
}

#[test]
fn regression_the_https_redirect_let_a_link_set_a_cookie_and_lost_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, port) = start_nginx(dir.path());

    let injected = "/x%0d%0aSet-Cookie:%20invitectl_session=attacker";
    let answer = redirect_for(port, injected);
    assert_eq!(answer.status, 301, "{answer:?}");
    assert!(!answer.headers.contains_key("set-cookie"), "{answer:?}");
    assert_eq!(
        answer.header("location"),
        format!("https://invite.acme.example{injected}")
    );

    let link = "/accept?token=Q2hhbmdlTWUtdG9rZW4tdGV4dA";
    let answer = redirect_for(port, link);
    assert_eq!(answer.status, 301, "{answer:?}");
    assert_eq!(
        answer.header("location"),
        format!("https://invite.acme.example{link}")
    );
}

#[test]
fn the_nginx_snippet_passes_nginx_t_and_does_not_log_query_strings() {
    let snippet = deploy("nginx-invitectl.conf");
    let log_format = snippet
        .split("log_format")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    assert!(
        log_format.contains("$uri")
            && !log_format.contains("$request ")
            && !log_format.contains("$args")
    );
    assert!(!log_format.contains("$request_uri") && !log_format.contains("$query_string"));

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let (cert, key) = support::self_signed_certificate(dir.path(), "invite.acme.example");
    let snippet = snippet
        .replace(
            "/etc/letsencrypt/live/invite.acme.example/fullchain.pem",
            &cert.display().to_string(),
        )
        .replace(
            "/etc/letsencrypt/live/invite.acme.example/privkey.pem",
            &key.display().to_string(),
        )
        .replace("/var/log/nginx/", &format!("{d}/"));
    std::fs::write(dir.path().join("invitectl.conf"), snippet).unwrap();
    let main = format!(
        "pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\nhttp {{\n  include {d}/invitectl.conf;\n}}\n"
    );
    std::fs::write(dir.path().join("nginx.conf"), main).unwrap();
    let output = Command::new(tool("/usr/sbin/nginx"))
        .args(["-t", "-p", &d, "-c", &format!("{d}/nginx.conf")])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("test is successful"), "{stderr}");
}

#[test]
fn the_ci_snippet_is_idempotent() {
    let env = Env::new();
    hires(&env, 1);
    let args = ci_recipe();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = env.run(&args).ok().json();
    assert_eq!(first[0]["outcome"], "invited");
    let again = env.run(&args).ok().json();
    assert_eq!(again[0]["outcome"], "skipped");
}

/// The onboarding command of deploy/ci-onboarding.yml, as its arguments.
fn ci_recipe() -> Vec<String> {
    let workflow = deploy("ci-onboarding.yml");
    let line = workflow
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("invitectl invite"))
        .unwrap();
    let command = line.split(" > ").next().unwrap();
    command
        .split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect()
}

fn hires(env: &Env, count: usize) -> Vec<String> {
    let addresses: Vec<String> = (0..count)
        .map(|i| format!("hire{i}@acme.example"))
        .collect();
    std::fs::create_dir_all(env.path("onboarding")).unwrap();
    let rows: String = addresses.iter().map(|a| format!("{a},,,\n")).collect();
    std::fs::write(
        env.path("onboarding/new-hires.csv"),
        format!("email,role,department,teams\n{rows}"),
    )
    .unwrap();
    addresses
}

#[test]
fn the_ci_recipe_rerun_after_exit_4_delivers_everyone_once() {
    let env = Env::new();
    let addresses = hires(&env, 5);
    let args = ci_recipe();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    env.config(&format!(
        "[mail]\nfrom = \"it@acme.example\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n",
        support::closed_port()
    ));
    env.run(&args).code(4);

    let server = SmtpServer::start(Options::default());
    env.config(&server.config("security = \"none\""));
    let rerun = env.run(&args).ok().json();
    assert!(
        rerun
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["outcome"] == "resent"),
        "{rerun}"
    );
    let mut mailed = server.recipients();
    mailed.sort();
    let mut expected = addresses.clone();
    expected.sort();
    assert_eq!(mailed, expected, "each new hire mailed exactly once");
    // A third run has nothing left to do.
    let third = env.run(&args).ok().json();
    assert!(
        third
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["outcome"] == "skipped"),
        "{third}"
    );
    assert_eq!(server.messages().len(), 5);
}

#[test]
fn the_ci_recipe_rerun_after_a_kill_delivers_what_the_killed_run_never_sent() {
    let server = SmtpServer::start(Options::default());
    let env = Env::new();
    env.config(&server.config("security = \"none\""));
    let addresses = hires(&env, 40);
    let mut slow = ci_recipe();
    slow.extend(["--rate".into(), "20/s".into()]);
    let mut child = env
        .command(&slow.iter().map(String::as_str).collect::<Vec<_>>())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while server.messages().len() < 10 {
        assert!(
            std::time::Instant::now() < deadline,
            "the batch never got going"
        );
        std::thread::yield_now();
    }
    child.kill().unwrap(); // SIGKILL: no clean-up of its own
    child.wait().unwrap();
    assert!(server.messages().len() < 40, "killed before the end");

    let args = ci_recipe();
    let rerun = env
        .run(&args.iter().map(String::as_str).collect::<Vec<_>>())
        .ok()
        .json();
    let resent = rerun
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "resent")
        .count();
    assert!(resent > 0, "{rerun}");
    let mailed = server.recipients();
    for address in &addresses {
        assert!(mailed.contains(address), "{address} was never mailed");
    }
    let rows = support::invitations(&env);
    assert!(rows.iter().all(|r| r["delivery"] == "sent"), "{rows:?}");
}

/// nginx-protected-app.conf on plain http on loopback `port`, asking the
/// serve-accept on `invitectl` and proxying to `upstream`; login redirects go
/// straight to that serve-accept.
fn protected_app_conf(port: u16, invitectl: u16, upstream: u16) -> String {
    deploy("nginx-protected-app.conf")
        .replace(
            "listen 443 ssl http2;",
            &format!("listen 127.0.0.1:{port};"),
        )
        .replace(
            "server 127.0.0.1:8080;",
            &format!("server 127.0.0.1:{invitectl};"),
        )
        .replace(
            "server 127.0.0.1:3000;",
            &format!("server 127.0.0.1:{upstream};"),
        )
        .replace(
            "https://invite.acme.example/login",
            &format!("http://127.0.0.1:{invitectl}/login"),
        )
        .lines()
        .filter(|line| !line.contains("listen [::]") && !line.trim_start().starts_with("ssl_"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A real nginx with the protected-app block on `port` and, on `port + 1`,
/// the app: nginx itself answering with the request headers it got.
fn start_protected_app(dir: &Path, invitectl: u16) -> (Group, u16) {
    let d = dir.display().to_string();
    for _ in 0..20 {
        let port = 20_000 + rand::random::<u16>() % 10_000;
        let upstream = port + 1;
        std::fs::write(
            dir.join("app.conf"),
            protected_app_conf(port, invitectl, upstream),
        )
        .unwrap();
        let echo = format!(
            "server {{ listen 127.0.0.1:{upstream}; location / {{ default_type text/plain; return 200 \
             \"uri=$request_uri\\nremote-user=$http_remote_user\\nremote-email=$http_remote_email\\n\
             remote-name=$http_remote_name\\nremote-role=$http_remote_role\\n\
             remote-department=$http_remote_department\\nremote-groups=$http_remote_groups\\n\
             cookie=$http_cookie\\n\"; }} }}"
        );
        let http = format!("access_log off;\n  include {d}/app.conf;\n  {echo}");
        if let Some(nginx) = run_nginx(dir, &http, &[port, upstream]) {
            return (nginx, port);
        }
    }
    panic!("no free pair of loopback ports in 20 tries");
}

/// A browser's GET of `target` on apps.acme.example through nginx.
fn app_get(port: u16, target: &str, headers: &[(&str, &str)]) -> support::web::Response {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut request =
        format!("GET {target} HTTP/1.1\r\nHost: apps.acme.example\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    std::io::Write::write_all(&mut stream, request.as_bytes()).unwrap();
    read_response(&mut stream)
}

#[test]
fn the_nginx_protected_app_block_lets_in_active_users_only_with_their_remote_headers() {
    let env = Env::new();
    env.config("[server]\nallowed_redirect_hosts = [\"apps.acme.example\"]\n");
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["teams", "add", "Platform"]).ok();
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "editor",
        "--team",
        "ops,Platform",
    ])
    .ok();
    env.accept(&env.link_for("ann@acme.example"), "correct horse battery")
        .ok();
    let server = support::web::Server::start(&env);
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, port) = start_protected_app(dir.path(), server.port);
    let target = "/wiki/Start%20Page?page=2&sort=new";

    // Logged out, even with headers of one's own: to the login page, with rd.
    let answer = app_get(port, target, &[("Remote-User", "root@acme.example")]);
    assert_eq!(answer.status, 302, "{answer:?}");
    let login = answer.header("location").to_string();
    let back = format!("http://apps.acme.example{target}");
    assert_eq!(
        login,
        format!("http://127.0.0.1:{}/login?rd={back}", server.port)
    );

    // The login page carries rd through its form; logging in goes back there.
    let page = server.get(login.split_once(&server.port.to_string()).unwrap().1);
    page.status(200).has(&format!(
        "<input type=\"hidden\" name=\"rd\" value=\"{}\">",
        back.replace('&', "&#38;")
    ));
    let answer = server.post(
        "/login",
        &[
            ("email", "ann@acme.example"),
            ("password", "correct horse battery"),
            ("rd", &back),
        ],
        None,
    );
    answer.status(303);
    assert_eq!(answer.header("location"), back);
    let cookie = answer.cookie();

    let cookies = format!("theme=dark; {cookie}; lang=en");
    let app = app_get(
        port,
        target,
        &[("Cookie", &cookies), ("Remote-Role", "admin")],
    );
    assert_eq!(app.status, 200, "{app:?}");
    for line in [
        format!("uri={target}"),
        "remote-user=ann@acme.example".into(),
        "remote-email=ann@acme.example".into(),
        "remote-name=Ann Lee".into(),
        "remote-role=editor".into(),
        "remote-department=".into(),
        "remote-groups=ops,Platform".into(),
        "cookie=theme=dark; lang=en".into(),
    ] {
        assert!(
            app.body.lines().any(|l| l == line),
            "no {line:?} in:\n{}",
            app.body
        );
    }

    env.run(&["users", "deactivate", "ann@acme.example", "--yes"])
        .ok();
    let answer = app_get(port, target, &[("Cookie", &cookies)]);
    assert_eq!(answer.status, 302, "{answer:?}");
    assert_eq!(answer.header("location"), login);
}

#[test]
fn the_caddyfile_for_a_protected_app_passes_caddy_validate() {
    let caddyfile = deploy("Caddyfile-protected-app");
    for needed in [
        "forward_auth",
        "uri /auth",
        "copy_headers Remote-User",
        "/login?rd=",
    ] {
        assert!(caddyfile.contains(needed), "no {needed}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Caddyfile");
    std::fs::write(&path, &caddyfile).unwrap();
    let output = Command::new(tool("/usr/bin/caddy"))
        .args(["validate", "--adapter", "caddyfile", "--config"])
        .arg(&path)
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("Valid configuration")
            || stderr.contains("Valid configuration"),
        "{stderr}"
    );
}

/// The protected app: answers every request with its head as it arrived
/// (request line and header lines), on a loopback port of its own; kept-alive
/// connections are served until the proxy closes them.
fn start_echo_app() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                use std::io::{BufRead, Write};
                let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
                let mut stream = stream;
                loop {
                    let mut head = String::new();
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        head.push_str(&line);
                    }
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{head}",
                        head.len()
                    );
                    if stream.write_all(answer.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

/// The header lines the echo app got, names lower-cased, in their order.
fn echoed_headers(body: &str) -> Vec<(String, String)> {
    body.lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_string()))
        .collect()
}

/// What a client sends to pass as someone it is not, in every spelling an
/// app server may read as `Remote-*`.
const FORGED: [(&str, &str); 7] = [
    ("Remote-User", "root@acme.example"),
    ("Remote_User", "root@acme.example"),
    ("remote_email", "root@acme.example"),
    ("Remote-Groups", "admins"),
    ("Remote_Groups", "admins"),
    ("remote-department", "Finance"),
    ("REMOTE_ROLE", "admin"),
];

/// Checks what the app got for Ann (editor, no department, no teams):
/// invitectl's identity headers and nothing a client forged; and the cookies
/// `cookie` (None: no Cookie header at all), never invitectl's session.
fn assert_the_app_got(answer: &support::web::Response, cookie: Option<&str>) {
    assert_eq!(answer.status, 200, "{answer:?}");
    let seen = echoed_headers(&answer.body);
    let mut remote: Vec<(String, String)> = seen
        .iter()
        .filter(|(name, value)| name.starts_with("remote") && !value.is_empty())
        .cloned()
        .collect();
    remote.sort();
    let expected: Vec<(String, String)> = [
        ("remote-email", "ann@acme.example"),
        ("remote-name", "Ann Lee"),
        ("remote-role", "editor"),
        ("remote-user", "ann@acme.example"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    assert_eq!(remote, expected, "{}", answer.body);
    for forged in ["root@", "admins", "Finance", "invitectl_session"] {
        assert!(
            !answer.body.contains(forged),
            "{forged} reached the app:\n{}",
            answer.body
        );
    }
    let cookies: Vec<&str> = seen
        .iter()
        .filter(|(name, _)| name == "cookie")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(
        cookies,
        cookie.into_iter().collect::<Vec<_>>(),
        "{}",
        answer.body
    );
}

/// Ann's session cookie from the serve-accept `server`.
fn ann_logged_in(server: &support::web::Server) -> String {
    let answer = server.post(
        "/login",
        &[
            ("email", "ann@acme.example"),
            ("password", "correct horse battery"),
        ],
        None,
    );
    answer.status(303);
    answer.cookie()
}

/// Ann, editor, with no department and no teams (so invitectl has no
/// Remote-Department or Remote-Groups for her).
fn ann_without_teams(env: &Env) {
    env.run(&["invite", "ann@acme.example", "--role", "editor"])
        .ok();
    env.accept(&env.link_for("ann@acme.example"), "correct horse battery")
        .ok();
}

/// Cookie headers a browser (or someone with a sibling host) may send with
/// the session `cookie`, and what the app must get of each (None: no Cookie
/// header), for a proxy that strips every invitectl_session.
fn cookie_cases(cookie: &str) -> Vec<(String, Option<&'static str>)> {
    vec![
        (cookie.to_string(), None),
        (format!("{cookie}; theme=dark"), Some("theme=dark")),
        (
            format!("theme=dark; {cookie}; lang=en"),
            Some("theme=dark; lang=en"),
        ),
        (format!("theme=dark;{cookie}"), Some("theme=dark")),
        (format!("{cookie}; x=1; invitectl_session=B"), Some("x=1")),
        (
            format!("{cookie};invitectl_session=B; x=1;invitectl_session=C; y=2"),
            Some("x=1; y=2"),
        ),
        (format!("{cookie}; invitectl_session=B"), None),
    ]
}

/// Two Cookie header lines, as an HTTP/1.1 client may send: the app still
/// never gets the session.
fn assert_two_cookie_lines_pass_no_session(port: u16, cookie: &str) {
    let mut headers = FORGED.to_vec();
    let second = format!("x=1; {cookie}; y=2");
    headers.extend([("Cookie", "theme=dark"), ("Cookie", second.as_str())]);
    let answer = app_get(port, "/wiki", &headers);
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(
        !answer.body.contains("invitectl_session"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("theme=dark") && answer.body.contains("x=1; y=2"),
        "{}",
        answer.body
    );
}

/// deploy/Caddyfile-protected-app in a real Caddy on loopback `port`: the
/// snippet as shipped, with the test's addresses and Caddy's own admin
/// endpoint and certificates turned off.
/// With `tls` (certificate, key) it serves https (and HTTP/2) instead.
fn start_caddy(
    dir: &Path,
    invitectl: u16,
    app: u16,
    tls: Option<&(PathBuf, PathBuf)>,
) -> (Group, u16) {
    for _ in 0..20 {
        let port = 20_000 + rand::random::<u16>() % 10_000;
        let site = match tls {
            None => format!("http://apps.acme.example:{port} {{"),
            Some((cert, key)) => format!(
                "https://apps.acme.example:{port} {{\n\ttls {} {}",
                cert.display(),
                key.display()
            ),
        };
        let caddyfile = deploy("Caddyfile-protected-app")
            .replace("apps.acme.example {", &site)
            .replace("127.0.0.1:8080", &format!("127.0.0.1:{invitectl}"))
            .replace("127.0.0.1:3000", &format!("127.0.0.1:{app}"))
            .replace(
                "https://invite.acme.example/login",
                &format!("http://127.0.0.1:{invitectl}/login"),
            );
        let global = "{\n\tadmin off\n\tauto_https off\n\tdefault_bind 127.0.0.1\n}\n\n";
        let path = dir.join("Caddyfile");
        std::fs::write(&path, format!("{global}{caddyfile}")).unwrap();
        let log = std::fs::File::create(dir.join("caddy.log")).unwrap();
        let mut caddy = Group::spawn(
            Command::new(tool("/usr/bin/caddy"))
                .args(["run", "--adapter", "caddyfile", "--config"])
                .arg(&path)
                .env("HOME", dir)
                .env("XDG_DATA_HOME", dir)
                .env("XDG_CONFIG_HOME", dir)
                .stdout(log.try_clone().unwrap())
                .stderr(log),
        )
        .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if let Some(status) = caddy.child.try_wait().unwrap() {
                let log = std::fs::read_to_string(dir.join("caddy.log")).unwrap_or_default();
                assert!(
                    log.contains("address already in use"),
                    "caddy stopped ({status}): {log}"
                );
                break;
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return (caddy, port);
            }
            assert!(std::time::Instant::now() < deadline, "caddy did not start");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    panic!("no free loopback port in 20 tries");
}

#[test]
fn regression_caddy_let_clients_send_remote_headers_and_gave_the_app_the_session_cookie() {
    let env = Env::new();
    env.config("[server]\nallowed_redirect_hosts = [\"apps.acme.example\"]\n");
    ann_without_teams(&env);
    let server = support::web::Server::start(&env);
    let app = start_echo_app();
    let dir = tempfile::tempdir().unwrap();
    let (_caddy, port) = start_caddy(dir.path(), server.port, app, None);

    // Logged out, whatever one sends: to the login page, and back afterwards.
    let answer = app_get(port, "/wiki?page=2", &FORGED);
    assert_eq!(answer.status, 302, "{answer:?}");
    assert_eq!(
        answer.header("location"),
        format!(
            "http://127.0.0.1:{}/login?rd=http://apps.acme.example/wiki?page=2",
            server.port
        )
    );

    let cookie = ann_logged_in(&server);
    for (cookies, the_app_gets) in cookie_cases(&cookie) {
        let mut headers = FORGED.to_vec();
        headers.push(("Cookie", &cookies));
        let answer = app_get(port, "/wiki", &headers);
        assert_the_app_got(&answer, the_app_gets);
    }
    assert_two_cookie_lines_pass_no_session(port, &cookie);
}

/// deploy/nginx-protected-app-local.conf as it is, in a real nginx, with
/// only its three loopback ports replaced by free ones.
fn start_local_nginx(dir: &Path, invitectl: u16, app: u16, http: &str) -> (Group, u16) {
    let d = dir.display().to_string();
    for _ in 0..20 {
        let port = 20_000 + rand::random::<u16>() % 10_000;
        let conf = deploy("nginx-protected-app-local.conf")
            .replace("127.0.0.1:8081", &format!("127.0.0.1:{port}"))
            .replace("127.0.0.1:8080", &format!("127.0.0.1:{invitectl}"))
            .replace("127.0.0.1:3000", &format!("127.0.0.1:{app}"));
        std::fs::write(dir.join("local.conf"), conf).unwrap();
        let block = format!("{http}\n  include {d}/local.conf;");
        if let Some(nginx) = run_nginx(dir, &block, &[port]) {
            return (nginx, port);
        }
    }
    panic!("no free loopback port in 20 tries");
}

#[test]
fn regression_nginx_passed_a_second_session_cookie_and_left_a_stray_separator() {
    let env = Env::new();
    ann_without_teams(&env);
    let server = support::web::Server::start(&env);
    let app = start_echo_app();
    let dir = tempfile::tempdir().unwrap();
    // With underscores_in_headers on, nginx itself would pass Remote_User.
    let (_nginx, port) =
        start_local_nginx(dir.path(), server.port, app, "underscores_in_headers on;");

    let answer = app_get(port, "/wiki?page=2", &FORGED);
    assert_eq!(answer.status, 302, "{answer:?}");
    assert_eq!(
        answer.header("location"),
        format!("http://127.0.0.1:{}/login", server.port)
    );

    let cookie = ann_logged_in(&server);
    for (cookies, the_app_gets) in cookie_cases(&cookie) {
        let mut headers = FORGED.to_vec();
        headers.push(("Cookie", &cookies));
        let answer = app_get(port, "/wiki", &headers);
        if cookies.matches("invitectl_session=").count() > 1 {
            // nginx takes one out; with two it refuses rather than guess.
            assert_eq!(answer.status, 400, "{cookies}: {answer:?}");
            assert!(!answer.body.contains("invitectl_session"), "{answer:?}");
        } else {
            assert_the_app_got(&answer, the_app_gets);
        }
    }
    assert_two_cookie_lines_pass_no_session(port, &cookie);
}

#[test]
fn the_local_nginx_file_is_the_tls_file_but_for_listening_and_the_login_address() {
    let tls = deploy("nginx-protected-app.conf");
    let local = deploy("nginx-protected-app-local.conf");
    let between = |text: &str, from: &str, to: &str| -> String {
        let start = text.find(from).unwrap_or_else(|| panic!("no {from}"));
        let end = start + text[start..].find(to).unwrap_or_else(|| panic!("no {to}"));
        text[start..end].to_string()
    };
    for (from, to) in [
        ("upstream invitectl_auth", "server {"),
        (
            "    # invitectl_session twice",
            "    location @invitectl_login",
        ),
    ] {
        assert_eq!(between(&tls, from, to), between(&local, from, to));
    }
    for line in local
        .lines()
        .filter(|l| l.trim_start().starts_with("listen"))
    {
        assert!(line.contains("listen 127.0.0.1:"), "not loopback: {line}");
    }
    assert!(!local.contains("ssl"));

    // nginx takes it exactly as shipped, ports and all.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    std::fs::write(dir.path().join("local.conf"), &local).unwrap();
    let main = format!(
        "pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\nhttp {{\n  include {d}/local.conf;\n}}\n"
    );
    std::fs::write(dir.path().join("nginx.conf"), main).unwrap();
    let output = Command::new(tool("/usr/sbin/nginx"))
        .args(["-t", "-p", &d, "-c", &format!("{d}/nginx.conf")])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
}

/// curl's GET of https://apps.acme.example/wiki on loopback `port` over
/// HTTP/2, as a browser sends it: the forged headers and `cookies`, each
/// as a cookie field of its own.
fn get_over_http2(port: u16, cookies: &[&str]) -> support::web::Response {
    let mut curl = Command::new(tool("/usr/bin/curl"));
    curl.args(["-sSk", "--http2", "--resolve"])
        .arg(format!("apps.acme.example:{port}:127.0.0.1"))
        .args(["-w", "\n%{http_code} %{http_version}"]);
    for (name, value) in FORGED {
        curl.arg("-H").arg(format!("{name}: {value}"));
    }
    for cookie in cookies {
        curl.arg("-H").arg(format!("Cookie: {cookie}"));
    }
    let output = curl
        .arg(format!("https://apps.acme.example:{port}/wiki"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (body, last) = text.rsplit_once('\n').unwrap();
    let (status, version) = last.split_once(' ').unwrap();
    assert_eq!(version, "2", "not HTTP/2: {text}");
    support::web::Response {
        status: status.parse().unwrap(),
        headers: Default::default(),
        body: body.to_string(),
    }
}

#[test]
fn over_https_and_http2_the_shipped_blocks_keep_the_session_and_forged_headers_from_the_app() {
    let env = Env::new();
    ann_without_teams(&env);
    let server = support::web::Server::start(&env);
    let cookie = ann_logged_in(&server);
    let app = start_echo_app();
    // Two cookie fields, the session in the second, as HTTP/2 allows.
    let second = format!("x=1; {cookie}; y=2");
    let cookies = ["theme=dark", second.as_str()];

    let dir = tempfile::tempdir().unwrap();
    let tls = support::self_signed_certificate(dir.path(), "apps.acme.example");
    let (_caddy, port) = start_caddy(dir.path(), server.port, app, Some(&tls));
    let answer = get_over_http2(port, &cookies);
    assert_the_app_got(&answer, Some("theme=dark; x=1; y=2"));

    // nginx-protected-app.conf as shipped but for its addresses and certificate.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let (cert, key) = support::self_signed_certificate(dir.path(), "apps.acme.example");
    for _ in 0..20 {
        let port = 20_000 + rand::random::<u16>() % 10_000;
        let conf = deploy("nginx-protected-app.conf")
            .replace("listen 443 ssl", &format!("listen 127.0.0.1:{port} ssl"))
            .replace(
                "server 127.0.0.1:8080;",
                &format!("server 127.0.0.1:{};", server.port),
            )
            .replace(
                "server 127.0.0.1:3000;",
                &format!("server 127.0.0.1:{app};"),
            )
            .replace(
                "/etc/letsencrypt/live/apps.acme.example/fullchain.pem",
                &cert.display().to_string(),
            )
            .replace(
                "/etc/letsencrypt/live/apps.acme.example/privkey.pem",
                &key.display().to_string(),
            )
            .lines()
            .filter(|line| !line.contains("listen [::]"))
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(dir.path().join("app.conf"), conf).unwrap();
        let Some(_nginx) = run_nginx(dir.path(), &format!("include {d}/app.conf;"), &[port]) else {
            continue;
        };
        let answer = get_over_http2(port, &cookies);
        assert_the_app_got(&answer, Some("theme=dark; x=1; y=2"));
        let twice = format!("{cookie}; invitectl_session=B");
        assert_eq!(get_over_http2(port, &["theme=dark", &twice]).status, 400);
        return;
    }
    panic!("no free loopback port in 20 tries");
}

/// The script of the step `name` in deploy/ci-people.yml, as written.
fn people_step(name: &str) -> String {
    let workflow = deploy("ci-people.yml");
    let mut lines = workflow
        .lines()
        .skip_while(|l| l.trim() != format!("- name: {name}"))
        .skip_while(|l| l.trim() != "run: |")
        .skip(1);
    let first = lines.next().expect("a run block");
    let indent = first.len() - first.trim_start().len();
    std::iter::once(first)
        .chain(lines.take_while(|l| l.len() - l.trim_start().len() >= indent))
        .map(|l| format!("{}\n", &l[indent..]))
        .collect()
}

/// Runs a step's script as GitHub Actions runs `run:` (bash -e -o pipefail),
/// with the built invitectl on PATH; returns its exit code and output.
fn run_step(env: &Env, name: &str) -> (i32, String) {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let script = people_step(name);
    let mut command = env.command_with(
        "bash",
        &["--noprofile", "--norc", "-eo", "pipefail", "-c", &script],
    );
    command
        .env("PATH", path)
        .env("GITHUB_STEP_SUMMARY", env.path("summary.md"));
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn the_people_recipe_plans_on_a_pull_request_and_applies_on_merge() {
    let env = Env::new();
    for who in ["ann", "carl"] {
        let email = format!("{who}@acme.example");
        env.run(&["invite", &email, "--role", "viewer"]).ok();
        env.accept(&env.link_for(&email), "correct horse battery")
            .ok();
    }
    std::fs::create_dir_all(env.path("people")).unwrap();
    let export = env.run(&["users", "export"]).ok().stdout.clone();
    // The pull request: a hire, a promotion, and Carl taken out.
    let edited: String = export
        .lines()
        .filter(|l| !l.starts_with("carl@"))
        .map(|l| {
            format!(
                "{}\n",
                l.replace(
                    "ann@acme.example,Ann,Lee,viewer",
                    "ann@acme.example,Ann,Lee,editor"
                )
            )
        })
        .chain(["dave@acme.example,Dave,Kim,viewer,,,\n".to_string()])
        .collect();
    std::fs::write(env.path("people/people.csv"), &edited).unwrap();
    let before = env
        .run(&["users", "list", "--format", "json"])
        .ok()
        .stdout
        .clone();

    let (code, output) = run_step(&env, "Plan");
    assert_eq!(code, 0, "{output}");
    let summary = std::fs::read_to_string(env.path("summary.md")).unwrap();
    for line in [
        "change      ann@acme.example",
        "role: viewer → editor",
        "deactivate  carl@acme.example",
        "invite      dave@acme.example",
        "1 to invite, 1 to change, 0 to reactivate, 1 to deactivate, 0 unchanged",
    ] {
        assert!(
            summary.contains(line),
            "no {line:?} in the summary:\n{summary}"
        );
    }
    let after = env
        .run(&["users", "list", "--format", "json"])
        .ok()
        .stdout
        .clone();
    assert_eq!(before, after, "the plan changed nothing");

    let (code, output) = run_step(&env, "Apply");
    assert_eq!(code, 0, "{output}");
    let users = env
        .run(&["users", "list", "--status", "all", "--format", "json"])
        .ok()
        .json();
    let status = |email: &str| {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .map(|u| (u["status"].to_string(), u["role"].to_string()))
            .unwrap()
    };
    assert_eq!(
        status("ann@acme.example"),
        ("\"active\"".into(), "\"editor\"".into())
    );
    assert_eq!(status("carl@acme.example").0, "\"inactive\"");
    assert_eq!(status("dave@acme.example").0, "\"pending\"");
    assert!(env.link_for("dave@acme.example").contains("token="));

    // The merge's job run again: nothing left to do.
    let (code, output) = run_step(&env, "Apply");
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("no changes"), "{output}");

    // A file cut short is refused on merge, and nothing is done.
    std::fs::write(
        env.path("people/people.csv"),
        "email,first_name,last_name,role,department,teams,end_date\n",
    )
    .unwrap();
    let (code, output) = run_step(&env, "Apply");
    assert_eq!(code, 3, "{output}");
    assert!(output.contains("--max-deactivate"), "{output}");
}
