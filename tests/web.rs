//! serve-accept over real HTTP: the binary is started on 127.0.0.1 and spoken to over sockets.

mod support;

use std::io::Write;
use std::time::{Duration, Instant};

use support::web::{Server, read_response};
use support::{Env, token_of};

const PASSWORD: &str = "correct horse battery";

/// An environment with one invitation for ann, in Engineering and team ops; returns her token.
fn invited(env: &Env) -> String {
    env.run(&["departments", "add", "Engineering"]).ok();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "editor",
        "--department",
        "Engineering",
        "--team",
        "ops",
        "--invited-by",
        "Ida Admin",
    ])
    .ok();
    token_of(&env.link_for("ann@acme.example")).to_string()
}

fn accept_form<'a>(token: &'a str, password: &'a str, confirm: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("token", token),
        ("first_name", "Ann"),
        ("last_name", "Lee"),
        ("password", password),
        ("confirm_password", confirm),
    ]
}

fn status_of(env: &Env, email: &str) -> String {
    let invitations = support::invitations(env);
    let row = invitations.iter().find(|r| r["email"] == email).unwrap();
    row["status"].as_str().unwrap().to_string()
}

#[test]
fn the_accept_page_shows_the_invitation_and_changes_nothing() {
    let env = Env::new();
    env.config("[organization]\nname = \"Acme Corp\"\n");
    let token = invited(&env);
    let server = Server::start(&env);
    for _ in 0..2 {
        server
            .get(&format!("/accept?token={token}"))
            .status(200)
            .has("<title>Accept Invitation · Acme Corp</title>")
            .has("ann@acme.example")
            .has("editor")
            .has("Engineering")
            .has("ops")
            .has("<label for=\"first_name\">First Name</label>")
            .has("<label for=\"last_name\">Last Name</label>")
            .has("<label for=\"password\">Password</label>")
            .has("<label for=\"confirm_password\">Confirm Password</label>")
            .has("autocomplete=\"new-password\"")
            .has("Accept &amp; Create Account");
    }
    assert_eq!(status_of(&env, "ann@acme.example"), "pending");
}

#[test]
fn every_page_carries_the_security_headers() {
    let env = Env::new();
    let token = invited(&env);
    let server = Server::start(&env);
    for path in [
        format!("/accept?token={token}"),
        "/accept?token=nope".into(),
        "/login".into(),
        "/healthz".into(),
        "/nowhere".into(),
        "/style.css".into(),
    ] {
        let response = server.get(&path);
        assert_eq!(response.header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(response.header("cache-control"), "no-store", "{path}");
        assert_eq!(
            response.header("x-content-type-options"),
            "nosniff",
            "{path}"
        );
        let csp = response.header("content-security-policy");
        for part in [
            "default-src 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        assert!(
            !csp.contains("script-src"),
            "no script is allowed at all: {csp}"
        );
    }
    server.get("/healthz").status(200);
    assert_eq!(server.get("/healthz").body, "ok");
}

#[test]
fn accepting_logs_in_and_lands_on_the_dashboard() {
    let env = Env::new();
    let token = invited(&env);
    let server = Server::start(&env);
    let response = server.post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None);
    response.status(303);
    assert_eq!(response.header("location"), "/dashboard");
    let set_cookie = response.header("set-cookie");
    for part in ["invitectl_session=", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(part), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "base_url is http here: {set_cookie}"
    );
    let cookie = response.cookie();
    server
        .get_with_cookie("/dashboard", &cookie)
        .status(200)
        .has("Welcome, Ann Lee")
        .has("editor")
        .has("Engineering")
        .has("ops");
    assert_eq!(status_of(&env, "ann@acme.example"), "accepted");
    // The link works once.
    server
        .get(&format!("/accept?token={token}"))
        .status(404)
        .has("Invalid Token");
    server
        .post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None)
        .status(404);
}

#[test]
fn the_session_cookie_is_secure_when_the_site_is_https() {
    let env = Env::new();
    env.config("[organization]\nbase_url = \"https://invite.acme.example\"\n");
    let token = invited(&env);
    let server = Server::start(&env);
    let response = server.post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None);
    assert!(
        response
            .status(303)
            .header("set-cookie")
            .contains("; Secure")
    );
}

#[test]
fn form_errors_keep_the_names_and_never_echo_passwords() {
    let env = Env::new();
    let token = invited(&env);
    let server = Server::start(&env);
    let short = server.post("/accept", &accept_form(&token, "seven77", "seven77"), None);
    short
        .status(422)
        .has("at least 8 characters")
        .has("value=\"Ann\"")
        .has("value=\"Lee\"");
    assert!(!short.body.contains("seven77"));
    let mismatch = server.post(
        "/accept",
        &accept_form(&token, PASSWORD, "correct horse batter"),
        None,
    );
    mismatch.status(422).has("do not match");
    assert!(!mismatch.body.contains(PASSWORD) && !mismatch.body.contains("correct horse batter"));
    let mut nameless = accept_form(&token, PASSWORD, PASSWORD);
    nameless[1] = ("first_name", "  ");
    server
        .post("/accept", &nameless, None)
        .status(422)
        .has("First Name is required");
    assert_eq!(status_of(&env, "ann@acme.example"), "pending");
}

#[test]
fn cancelled_superseded_and_unknown_tokens_are_invalid() {
    let env = Env::new();
    let token = invited(&env);
    env.run(&["invite", "bob@acme.example", "--role", "viewer"])
        .ok();
    let bob = token_of(&env.link_for("bob@acme.example")).to_string();
    env.run(&["resend", "ann@acme.example"]).ok();
    env.run(&["cancel", "bob@acme.example", "--yes"]).ok();
    let server = Server::start(&env);
    for dead in [
        token.as_str(),
        bob.as_str(),
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "garbage",
    ] {
        server
            .get(&format!("/accept?token={dead}"))
            .status(404)
            .has("<h1>Invalid Token</h1>")
            .has("cancelled")
            .has("replaced by a newer email");
        server
            .post("/accept", &accept_form(dead, PASSWORD, PASSWORD), None)
            .status(404);
    }
    server.get("/accept").status(404);
}

#[test]
fn an_expired_link_names_the_admin_on_get_and_post() {
    let env = Env::new();
    let token = invited(&env);
    let server = Server::start_at(&env, "+25h");
    server
        .get(&format!("/accept?token={token}"))
        .status(410)
        .has("<h1>Invitation Expired</h1>")
        .has("Please contact Ida Admin");
    server
        .post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None)
        .status(410);
    assert_eq!(status_of(&env, "ann@acme.example"), "pending");
}

#[test]
fn login_logout_and_inactive_users() {
    let env = Env::new();
    let token = invited(&env);
    let server = Server::start(&env);
    server
        .post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None)
        .status(303);
    server.get("/dashboard").status(303);
    assert_eq!(server.get("/dashboard").header("location"), "/login");
    server
        .get("/login")
        .status(200)
        .has("<label for=\"email\">Email</label>");

    let wrong = server.post(
        "/login",
        &[
            ("email", "ann@acme.example"),
            ("password", "wrong password"),
        ],
        None,
    );
    let unknown = server.post(
        "/login",
        &[("email", "nobody@acme.example"), ("password", PASSWORD)],
        None,
    );
    wrong.status(401).has("The email or password is incorrect.");
    unknown
        .status(401)
        .has("The email or password is incorrect.");
    assert!(!wrong.body.contains("wrong password"));

    let login = server.post(
        "/login",
        &[("email", "ANN@acme.example"), ("password", PASSWORD)],
        None,
    );
    login.status(303);
    assert_eq!(login.header("location"), "/dashboard");
    let cookie = login.cookie();
    server
        .get_with_cookie("/dashboard", &cookie)
        .status(200)
        .has("Welcome, Ann Lee");
    let logout = server.post("/logout", &[], Some(&cookie));
    logout.status(303);
    assert!(logout.header("set-cookie").contains("Max-Age=0"));
    server.get_with_cookie("/dashboard", &cookie).status(303);

    let again = server
        .post(
            "/login",
            &[("email", "ann@acme.example"), ("password", PASSWORD)],
            None,
        )
        .cookie();
    env.run(&["users", "deactivate", "ann@acme.example"]).ok();
    server.get_with_cookie("/dashboard", &again).status(303);
    server
        .post(
            "/login",
            &[("email", "ann@acme.example"), ("password", PASSWORD)],
            None,
        )
        .status(401)
        .has("inactive");
}

#[test]
fn sixteen_concurrent_accepts_of_one_token_make_one_account() {
    let env = Env::new();
    let token = invited(&env);
    let server = Server::start(&env);
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16)
            .map(|_| {
                scope.spawn(|| {
                    server
                        .post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None)
                        .status
                })
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
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["status"], "active");
}

#[test]
fn clients_that_never_finish_their_headers_hold_nothing() {
    let env = Env::new();
    let server = Server::start(&env);
    let mut stalled: Vec<std::net::TcpStream> = (0..50)
        .map(|_| {
            let mut stream = server.connect();
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .unwrap();
            stream
        })
        .collect();
    let started = Instant::now();
    server.get("/healthz").status(200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "healthz waited {:?}",
        started.elapsed()
    );
    // The server gives up on them after its 10 s header timeout, closing
    // each (a read that outlasts 20 s fails in read_response).
    for stream in stalled.iter_mut().take(3) {
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let response = read_response(stream);
        // Closed with a 408, or (hyper's way) closed without a word: status 0.
        assert!(
            response.status == 408 || response.status == 0,
            "{response:?}"
        );
    }
}

#[test]
fn a_client_that_trickles_its_body_is_cut_off() {
    let env = Env::new();
    let server = Server::start(&env);
    let mut stream = server.connect();
    stream
        .write_all(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=")
        .unwrap();
    let started = Instant::now();
    let response = read_response(&mut stream);
    assert_eq!(response.status, 408, "{response:?}");
    assert!(started.elapsed() < Duration::from_secs(25));
    server.get("/healthz").status(200);
}

#[test]
fn oversized_and_malformed_requests_are_refused() {
    let env = Env::new();
    let server = Server::start(&env);
    let mut stream = server.connect();
    let eight_mib = 8 * 1024 * 1024;
    let head = format!(
        "POST /accept HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {eight_mib}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..(eight_mib / chunk.len()) {
        if stream.write_all(&chunk).is_err() {
            break; // the server already answered and closed
        }
    }
    assert_eq!(read_response(&mut stream).status, 413);

    assert_eq!(server.raw(b"THIS IS NOT HTTP\r\n\r\n").status, 400);
    let huge_header = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    assert!(matches!(
        server.raw(huge_header.as_bytes()).status,
        431 | 400 | 0
    ));
    server
        .request(
            "POST",
            "/accept",
            &[("Content-Type", "application/json")],
            "{}",
        )
        .status(415);
    server.get("/healthz").status(200);
}

#[test]
fn hostile_names_are_escaped() {
    let env = Env::new();
    env.config("[organization]\nname = \"<script>alert('org')</script>\"\n");
    let token = invited(&env);
    let server = Server::start(&env);
    let page = server.get(&format!("/accept?token={token}"));
    assert!(!page.body.contains("<script>"), "{}", page.body);
    assert!(page.body.contains("&#60;script&#62;"), "{}", page.body);
    let mut form = accept_form(&token, PASSWORD, PASSWORD);
    form[1] = ("first_name", "<img src=x onerror=alert(1)>");
    let cookie = server.post("/accept", &form, None).status(303).cookie();
    let dashboard = server.get_with_cookie("/dashboard", &cookie);
    assert!(!dashboard.body.contains("<img"), "{}", dashboard.body);
    assert!(
        dashboard.body.contains("&#60;img src=x"),
        "{}",
        dashboard.body
    );
}

#[test]
fn repeated_bad_tokens_from_one_address_are_refused() {
    let env = Env::new();
    let token = invited(&env);
    let server = Server::start(&env);
    let statuses: Vec<u16> = (0..25)
        .map(|i| server.get(&format!("/accept?token=guess{i}")).status)
        .collect();
    assert!(statuses[..20].iter().all(|s| *s == 404), "{statuses:?}");
    assert!(statuses[20..].iter().all(|s| *s == 429), "{statuses:?}");
    server
        .get(&format!("/accept?token={token}"))
        .status(429)
        .has("Too Many Attempts");
    // Another client, behind the same reverse proxy on this machine, is not affected.
    server
        .request(
            "GET",
            &format!("/accept?token={token}"),
            &[("X-Forwarded-For", "198.51.100.7")],
            "",
        )
        .status(200);
}

#[test]
fn tokens_passwords_and_query_strings_never_reach_the_log() {
    let env = Env::new();
    let token = invited(&env);
    let server = Server::start(&env);
    server.get(&format!("/accept?token={token}")).status(200);
    server
        .post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None)
        .status(303);
    server.get("/accept?token=wrong-guess").status(404);
    server.wait_for_log("GET /accept 404");
    let log = server.logged();
    assert!(log.contains("GET /accept 200"), "{log}");
    assert!(log.contains("POST /accept 303"), "{log}");
    for secret in [token.as_str(), PASSWORD, "token=", "wrong-guess"] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let env = Env::new();
    let server = Server::start(&env);
    server.get("/healthz").status(200);
    let (status, log) = server.terminate();
    assert!(status.success(), "{status:?}");
    assert!(log.lines().any(|l| l == "shutting down"), "{log}");
}
