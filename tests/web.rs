//! serve-accept over real HTTP: the binary is started on 127.0.0.1 and spoken to over sockets.

use crate::support;

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
            .has(
                "<input id=\"email\" type=\"email\" value=\"ann@acme.example\" autocomplete=\"username\" readonly",
            )
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
    // The link works once; after that it says so and offers the login.
    for used in [
        server.get(&format!("/accept?token={token}")),
        server.post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None),
    ] {
        used.status(404)
            .has("<h1>Invitation Already Accepted</h1>")
            .has("accepted already")
            .has("<a href=\"/login\">Log in</a>");
        assert!(!used.body.contains("does not work"), "{}", used.body);
    }
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
        .has("value=\"Lee\"")
        .has("password fields were emptied");
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
fn form_errors_are_at_their_fields_and_focus_the_first() {
    let env = Env::new();
    let token = invited(&env);
    let server = Server::start(&env);
    let mut form = accept_form(&token, PASSWORD, "correct horse batter");
    form[2] = ("last_name", "  ");
    let page = server.post("/accept", &form, None);
    page.status(422)
        .has("<title>Error: Accept Invitation · ")
        // Each message next to its field, which names it and is marked invalid.
        .has("<p class=\"field-error\" id=\"last_name-error\"><span class=\"visually-hidden\">Error: </span>Last Name is required")
        .has("aria-invalid=\"true\" aria-describedby=\"last_name-error\" autofocus>")
        .has("<p class=\"field-error\" id=\"confirm_password-error\"><span class=\"visually-hidden\">Error: </span>The passwords do not match")
        .has("aria-invalid=\"true\" aria-describedby=\"confirm_password-error confirm_password-help\">")
        // A summary above the form links to each field.
        .has("<h2>There is a problem</h2>")
        .has("<a href=\"#last_name\">Last Name is required")
        .has("<a href=\"#confirm_password\">The passwords do not match")
        // What was typed in the names is kept; the passwords are not, and it says so.
        .has("id=\"first_name\" name=\"first_name\" autocomplete=\"given-name\" required maxlength=\"100\" value=\"Ann\">")
        .has("password fields were emptied");
    // Only the first field with a problem takes the focus; a field without
    // one is not marked.
    assert_eq!(page.body.matches(" autofocus").count(), 1, "{}", page.body);
    assert_eq!(
        page.body.matches("aria-invalid").count(),
        2,
        "{}",
        page.body
    );
    assert!(!page.body.contains(PASSWORD));

    // A short password is the password's problem; the confirmation is not
    // compared with a password that would not do.
    let short = server.post("/accept", &accept_form(&token, "seven77", "seven77"), None);
    short
        .status(422)
        .has("aria-invalid=\"true\" aria-describedby=\"password-error password-help\" autofocus>");
    assert!(
        !short.body.contains("confirm_password-error"),
        "{}",
        short.body
    );

    // A wrong login: the title, both fields marked, the message named by them.
    let login = server.post(
        "/login",
        &[
            ("email", "ann@acme.example"),
            ("password", "wrong password"),
        ],
        None,
    );
    login
        .status(401)
        .has("<title>Error: Log In · ")
        .has("id=\"login-error\"")
        .has("value=\"ann@acme.example\" aria-invalid=\"true\" aria-describedby=\"login-error\" dir=\"ltr\">")
        .has("aria-invalid=\"true\" aria-describedby=\"login-error password-help\" autofocus>");
    // Without an error, nothing is marked and the title is plain.
    let plain = server.get(&format!("/accept?token={token}"));
    plain.status(200).has("<title>Accept Invitation · ");
    for marker in ["aria-invalid", "autofocus", "There is a problem"] {
        assert!(!plain.body.contains(marker), "{marker}: {}", plain.body);
    }
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
            .has("replaced by a newer email")
            // A next step: the newest mail, someone to ask, or the login.
            .has("most recent invitation email")
            .has("please contact your administrator and ask for a new invitation")
            .has("<a href=\"/login\">");
        server
            .post("/accept", &accept_form(dead, PASSWORD, PASSWORD), None)
            .status(404);
    }
    server.get("/accept").status(404);
}

#[test]
fn an_expired_link_names_the_contact_on_get_and_post() {
    let env = Env::new();
    env.config("[organization]\ncontact = \"it-help@acme.example\"\n");
    let token = invited(&env);
    let server = Server::start_at(&env, "+25h");
    for expired in [
        server.get(&format!("/accept?token={token}")),
        server.post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None),
    ] {
        expired
            .status(410)
            .has("<h1>Invitation Expired</h1>")
            .has("Please contact <a href=\"mailto:it-help@acme.example\">it-help@acme.example</a> and ask for a new invitation.");
    }
    assert_eq!(status_of(&env, "ann@acme.example"), "pending");
}

#[test]
fn without_a_contact_the_pages_say_your_administrator_never_a_login_name() {
    let env = Env::new();
    // Invited By defaults to the operating-system user: a bare login name
    // that would tell an invitee nothing.
    env.run(&["invite", "ann@acme.example", "--role", "editor"])
        .ok();
    let token = token_of(&env.link_for("ann@acme.example")).to_string();
    let server = Server::start_at(&env, "+25h");
    let page = server.get(&format!("/accept?token={token}"));
    page.status(410)
        .has("Please contact your administrator and ask for a new invitation.");
    let words = page
        .body
        .split(|c: char| !c.is_alphanumeric() && c != '_' && c != '-');
    for word in words {
        assert!(
            word != support::os_user() && word != "unknown",
            "{word}: {}",
            page.body
        );
    }
    assert!(!page.body.contains("mailto:"), "{}", page.body);
}

#[test]
fn a_used_link_names_the_contact_for_one_who_did_not_use_it() {
    let env = Env::new();
    env.config("[organization]\ncontact = \"it-help@acme.example\"\n");
    let token = invited(&env);
    let server = Server::start(&env);
    server
        .post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None)
        .status(303);
    server
        .get(&format!("/accept?token={token}"))
        .status(404)
        .has("<title>Invitation Already Accepted · ")
        .has("If you did not accept it yourself, please contact <a href=\"mailto:it-help@acme.example\">it-help@acme.example</a> at once.");
    server
        .get("/accept?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .status(404)
        .has("please contact <a href=\"mailto:it-help@acme.example\">it-help@acme.example</a> and ask for a new invitation.");
}

#[test]
fn the_dashboard_shows_the_account_as_it_is_now() {
    let env = Env::new();
    let token = invited(&env);
    let server = Server::start(&env);
    let cookie = server
        .post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None)
        .status(303)
        .cookie();
    server
        .get_with_cookie("/dashboard", &cookie)
        .status(200)
        .has("<dt>Name</dt><dd>Ann Lee</dd>")
        .has("<dt>Email</dt><dd>ann@acme.example</dd>")
        .has("<dt>Role</dt><dd>editor</dd>")
        .has("<dt>Department</dt><dd>Engineering</dd>")
        .has("<dt>Teams</dt><dd>ops</dd>");
    // Changed behind the server's back (as `users edit` does): the next
    // request shows it, nothing is kept from the first.
    env.run(&["teams", "add", "web"]).ok();
    env.sql(
        "UPDATE users SET role = 'viewer', department_id = NULL WHERE email = 'ann@acme.example'",
    );
    env.sql(
        "INSERT INTO user_teams (user_id, team_id) SELECT u.id, t.id FROM users u, teams t \
         WHERE u.email = 'ann@acme.example' AND t.name = 'web'",
    );
    server
        .get_with_cookie("/dashboard", &cookie)
        .status(200)
        .has("<dt>Role</dt><dd>viewer</dd>")
        .has("<dt>Department</dt><dd>none</dd>")
        .has("<dt>Teams</dt><dd>ops, web</dd>");
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
    env.run(&["users", "deactivate", "ann@acme.example", "--yes"])
        .ok();
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
    assert_eq!(server.raw(huge_header.as_bytes()).status, 431);
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
        .get("/accept?token=guess-after-the-limit")
        .status(429)
        .has("Too Many Attempts");
    // A link that works still opens, even from that address (a shared
    // network's invitee is not locked out by a guesser on it); guessing is
    // what the limit makes pointless.
    server.get(&format!("/accept?token={token}")).status(200);
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

/// Ann, invited and accepted with PASSWORD: an active user who can log in.
fn active(env: &Env, server: &Server) {
    let token = invited(env);
    server
        .post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None)
        .status(303);
}

/// Issue 23.10: how long a session lasts is said, and can be set.
#[test]
fn a_session_lasts_session_ttl() {
    let env = Env::new();
    env.config("[organization]\nsession_ttl = \"2h\"\n");
    let server = Server::start(&env);
    active(&env, &server);
    let login = server.post(
        "/login",
        &[("email", "ann@acme.example"), ("password", PASSWORD)],
        None,
    );
    login.status(303);
    assert!(
        login.header("set-cookie").contains("Max-Age=7200"),
        "{}",
        login.header("set-cookie")
    );
    let cookie = login.cookie();
    Server::start_at(&env, "+119m")
        .get_with_cookie("/auth", &cookie)
        .status(200);
    Server::start_at(&env, "+121m")
        .get_with_cookie("/auth", &cookie)
        .status(401);
}

fn login_from(server: &Server, client: &str, email: &str, password: &str) -> u16 {
    let body = support::web::form_encode(&[("email", email), ("password", password)]);
    server
        .request(
            "POST",
            "/login",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("X-Forwarded-For", client),
            ],
            &body,
        )
        .status
}

fn get_from(server: &Server, client: &str, path: &str) -> u16 {
    server
        .request("GET", path, &[("X-Forwarded-For", client)], "")
        .status
}

/// (actor, action, subject, detail) of every audit row with `action`.
fn audit_rows(env: &Env, action: &str) -> Vec<(String, String, String, Option<String>)> {
    // The detail last, after a mark that tells NULL from the empty text.
    let rows = env.sql(&format!(
        "SELECT actor, action, subject, CASE WHEN detail IS NULL THEN '-' ELSE '+' || detail END \
         FROM audit_log WHERE action = '{action}' ORDER BY id"
    ));
    rows.lines()
        .map(|line| {
            let fields: Vec<&str> = line.splitn(4, '|').collect();
            assert_eq!(fields.len(), 4, "{line:?}");
            let detail = fields[3].strip_prefix('+').map(str::to_string);
            (fields[0].into(), fields[1].into(), fields[2].into(), detail)
        })
        .collect()
}

#[test]
fn regression_one_attacker_behind_a_remote_proxy_locked_everyone_out() {
    let env = Env::new();
    // The proxy is "on another host": here, the only address allowed to forward.
    env.config("[server]\ntrusted_proxies = [\"127.0.0.1/32\"]\n");
    let server = Server::start(&env);
    active(&env, &server);
    env.run(&["invite", "bob@acme.example", "--role", "viewer"])
        .ok();
    let bob = token_of(&env.link_for("bob@acme.example")).to_string();

    let attacker = "203.0.113.66";
    let guesses: Vec<u16> = (0..25)
        .map(|i| get_from(&server, attacker, &format!("/accept?token=guess{i}")))
        .collect();
    assert!(guesses[..20].iter().all(|s| *s == 404), "{guesses:?}");
    assert!(guesses[20..].iter().all(|s| *s == 429), "{guesses:?}");
    let wrong: Vec<u16> = (0..25)
        .map(|_| login_from(&server, attacker, "ann@acme.example", "not her password"))
        .collect();
    assert!(
        wrong.iter().all(|s| *s == 429),
        "the address is spent: {wrong:?}"
    );

    // Everyone else, behind the same proxy, is not affected.
    let (ann, bob_at) = ("198.51.100.7", "198.51.100.8");
    assert_eq!(login_from(&server, ann, "ann@acme.example", PASSWORD), 303);
    assert_eq!(
        get_from(&server, bob_at, &format!("/accept?token={bob}")),
        200
    );
    // A forwarded address from a peer that is not a trusted proxy is ignored.
    let spoofed = Server::start(env.config("[server]\ntrusted_proxies = []\n"));
    let statuses: Vec<u16> = (0..21)
        .map(|i| get_from(&spoofed, &format!("192.0.2.{i}"), "/accept?token=guess"))
        .collect();
    assert_eq!(statuses[20], 429, "{statuses:?}");
}

#[test]
fn one_address_gets_a_few_guesses_at_an_account_and_many_addresses_ten_a_minute() {
    let env = Env::new();
    let server = Server::start(&env);
    active(&env, &server);
    let attacker: Vec<u16> = (0..10)
        .map(|_| login_from(&server, "203.0.113.9", "ann@acme.example", "guess"))
        .collect();
    assert_eq!(attacker, [401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    assert_eq!(
        login_from(&server, "198.51.100.7", "ann@acme.example", PASSWORD),
        303
    );

    let sprayed: Vec<u16> = (0..40)
        .map(|i| {
            login_from(
                &server,
                &format!("192.0.2.{i}"),
                "ann@acme.example",
                "guess",
            )
        })
        .collect();
    // Ten logins into one account a minute, the owner's one included (and
    // twenty failures in ten minutes, which the limiter's own tests count).
    let guesses = 5 + sprayed.iter().filter(|s| **s == 401).count();
    assert_eq!(
        guesses, 9,
        "guesses at one account in a minute: {sprayed:?}"
    );
    assert!(
        sprayed.iter().all(|s| *s == 401 || *s == 429),
        "{sprayed:?}"
    );
}

#[test]
fn regression_concurrent_wrong_logins_got_past_the_limit() {
    let env = Env::new();
    let server = Server::start(&env);
    active(&env, &server);
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let attackers: Vec<_> = (0..300)
            .map(|i| {
                let server = &server;
                scope.spawn(move || {
                    login_from(
                        server,
                        "203.0.113.9",
                        &format!("u{i}@acme.example"),
                        "guess",
                    )
                })
            })
            .collect();
        // Meanwhile, ann logs in from her own address.
        assert_eq!(
            login_from(&server, "198.51.100.7", "ann@acme.example", PASSWORD),
            303
        );
        attackers.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let verified = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((verified, refused), (20, 280), "{statuses:?}");
}

#[test]
fn failed_logins_and_refusals_are_audited_without_the_password() {
    let env = Env::new();
    let server = Server::start(&env);
    active(&env, &server);
    for _ in 0..6 {
        login_from(&server, "203.0.113.9", "Ann@Acme.example", "hunter2-wrong");
    }
    for i in 0..21 {
        get_from(&server, "203.0.113.10", &format!("/accept?token=guess{i}"));
    }
    let failed = audit_rows(&env, "failed login");
    assert_eq!(failed.len(), 5, "{failed:?}");
    for (actor, _, subject, detail) in &failed {
        assert_eq!(
            (actor.as_str(), subject.as_str()),
            ("ann@acme.example", "ann@acme.example")
        );
        assert_eq!(detail.as_deref(), Some("from 203.0.113.9"));
    }
    let limited = audit_rows(&env, "rate limited");
    assert_eq!(limited.len(), 2, "{limited:?}");
    assert_eq!(limited[0].0, "ann@acme.example");
    assert_eq!(limited[1].0, "203.0.113.10");
    assert!(
        limited
            .iter()
            .all(|r| r.3.as_deref().unwrap().starts_with("from 203.0.113."))
    );
    let bytes = env.database_bytes();
    assert!(
        !bytes.windows(13).any(|w| w == b"hunter2-wrong"),
        "the password is stored"
    );
}

#[test]
fn over_ipv6_an_ipv4_proxy_is_still_a_trusted_proxy() {
    let env = Env::new();
    let token = invited(&env);
    // Listening on [::], IPv4 peers arrive as ::ffff:127.0.0.1.
    let server = Server::start_on(&env, "[::]:0");
    let statuses: Vec<u16> = (0..25)
        .map(|i| get_from(&server, &format!("192.0.2.{i}"), "/accept?token=guess"))
        .collect();
    assert!(
        statuses.iter().all(|s| *s == 404),
        "one bucket for all: {statuses:?}"
    );
    assert_eq!(
        get_from(&server, "192.0.2.99", &format!("/accept?token={token}")),
        200
    );
}

#[test]
fn one_client_cannot_take_every_connection() {
    let env = Env::new();
    env.config("[server]\ntrusted_proxies = []\n");
    let server = Server::start_on(&env, "[::]:0");
    let _held: Vec<std::net::TcpStream> =
        (0..64).map(|_| server.connect_from("127.0.0.1")).collect();
    // The 65th from the same address is closed unanswered at once...
    let mut one_more = server.connect_from("127.0.0.1");
    one_more
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    assert_eq!(read_response(&mut one_more).status, 0);
    // ...while another client is answered.
    let mut other = server.connect_from("::1");
    other
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let answer = read_response(&mut other);
    assert_eq!((answer.status, answer.body.as_str()), (200, "ok"));
}

/// Issue 17.8: 64 connections from each of 17 addresses took all 1024
/// slots, and every new client was reset.
#[test]
fn clients_at_their_maximum_leave_room_for_new_ones() {
    let env = Env::new();
    env.config("[server]\ntrusted_proxies = []\n");
    let server = Server::start(&env);
    let held: Vec<std::net::TcpStream> = (1..=17)
        .flat_map(|i| {
            let server = &server;
            (0..64).map(move |_| server.connect_as(&format!("127.0.1.{i}")))
        })
        .collect();
    // Once serve-accept has taken what it takes of those...
    let mut probe = server.connect_as("127.0.1.1");
    probe
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(read_response(&mut probe).status, 0);
    // ...a new client is still answered.
    let mut newcomer = server.connect_as("127.0.2.1");
    newcomer
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let answer = read_response(&mut newcomer);
    assert_eq!((answer.status, answer.body.as_str()), (200, "ok"));
    drop(held);
}

#[test]
fn posts_from_another_site_are_refused() {
    let env = Env::new();
    let token = invited(&env);
    let server = Server::start(&env);
    let form = support::web::form_encode(&accept_form(&token, PASSWORD, PASSWORD));
    let post = |path: &str, headers: &[(&str, &str)], body: &str| {
        let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
        all.extend_from_slice(headers);
        server.request("POST", path, &all, body)
    };
    for forged in [
        vec![("Sec-Fetch-Site", "cross-site")],
        vec![
            ("Sec-Fetch-Site", "same-site"),
            ("Origin", "http://other.127.0.0.1"),
        ],
        vec![("Origin", "https://evil.example")],
        vec![("Origin", "null")],
    ] {
        post("/accept", &forged, &form)
            .status(403)
            .has("sent from another site");
        assert_eq!(status_of(&env, "ann@acme.example"), "pending", "{forged:?}");
    }
    // A browser on this site: Chromium under `Referrer-Policy: no-referrer`...
    let cookie = post(
        "/accept",
        &[("Sec-Fetch-Site", "same-origin"), ("Origin", "null")],
        &form,
    )
    .status(303)
    .cookie();
    // ...and one without Sec-Fetch-Site, by base_url's origin or the Host it used.
    let login = support::web::form_encode(&[("email", "ann@acme.example"), ("password", PASSWORD)]);
    post("/login", &[("Origin", "https://evil.example")], &login).status(403);
    post("/login", &[("Origin", "http://127.0.0.1:8080")], &login).status(303);
    post("/login", &[("Origin", "http://127.0.0.1")], &login).status(303);
    let with_cookie = [
        ("Cookie", cookie.as_str()),
        ("Sec-Fetch-Site", "cross-site"),
    ];
    post("/logout", &with_cookie, "").status(403);
    server.get_with_cookie("/dashboard", &cookie).status(200);
    // curl and scripts send neither header.
    server.post("/logout", &[], Some(&cookie)).status(303);
    server.get_with_cookie("/dashboard", &cookie).status(303);
}

#[test]
fn regression_an_accept_answered_408_was_done_anyway() {
    // The write is held back by an SQLite lock.
    let env = Env::sqlite();
    let token = invited(&env);
    let server = Server::start(&env);
    let mut lock = rusqlite::Connection::open(env.path("invitectl.db")).unwrap();
    let held = lock
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let mut stream = server.connect();
    let body = support::web::form_encode(&accept_form(&token, PASSWORD, PASSWORD));
    let head = format!(
        "POST /accept HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream
        .write_all(format!("{head}{body}").as_bytes())
        .unwrap();
    // Longer than the 15 s a body may take: while the write cannot happen,
    // there is no answer, least of all a failure.
    stream
        .set_read_timeout(Some(Duration::from_secs(17)))
        .unwrap();
    let mut first = [0u8; 1];
    // A signal to the test process (a child of another test ending) cuts a
    // timed read short with EINTR, which is no answer either.
    let early = loop {
        match stream.peek(&mut first) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => break other,
        }
    };
    assert!(
        early
            .as_ref()
            .is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock),
        "answered while the database was locked: {early:?} {}",
        String::from_utf8_lossy(&first)
    );
    held.rollback().unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let answer = read_response(&mut stream);
    assert_eq!(answer.status, 303, "{answer:?}");
    assert_eq!(status_of(&env, "ann@acme.example"), "accepted");
}

#[test]
fn a_logged_in_user_changes_their_own_name_on_the_dashboard() {
    // Issue 23.1: nothing changed a name, so a typo stayed in Remote-Name.
    let env = Env::new();
    let token = invited(&env);
    let server = Server::start(&env);
    let cookie = server
        .post("/accept", &accept_form(&token, PASSWORD, PASSWORD), None)
        .status(303)
        .cookie();
    server
        .get_with_cookie("/dashboard", &cookie)
        .status(200)
        .has("<form method=\"post\" action=\"/dashboard\"")
        .has("<label for=\"first_name\">First Name</label>")
        .has("name=\"first_name\" autocomplete=\"given-name\" required maxlength=\"100\" value=\"Ann\"")
        .has("name=\"last_name\" autocomplete=\"family-name\" required maxlength=\"100\" value=\"Lee\"");

    let saved = server.post(
        "/dashboard",
        &[("first_name", " Ann "), ("last_name", "Smith")],
        Some(&cookie),
    );
    saved.status(303);
    assert_eq!(saved.header("location"), "/dashboard");
    server
        .get_with_cookie("/dashboard", &cookie)
        .status(200)
        .has("Welcome, Ann Smith")
        .has("<dt>Name</dt><dd>Ann Smith</dd>");
    // The same for /auth, and for the CLI.
    assert_eq!(
        server
            .get_with_cookie("/auth", &cookie)
            .header("remote-name"),
        "Ann Smith"
    );
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users[0]["last_name"], "Smith");

    // The accept form's rules: 422, every problem at its field, what was typed kept.
    let refused = server.post(
        "/dashboard",
        &[
            ("first_name", "\u{200B}\u{200B}"),
            ("last_name", "Sm\u{7}ith<b>"),
        ],
        Some(&cookie),
    );
    refused
        .status(422)
        .has("<title>Error: Dashboard")
        .has("First Name is required: type a name made of visible characters.")
        .has("Last Name must be at most 100 characters, without control characters.")
        .has("<a href=\"#first_name\">")
        .has("aria-invalid=\"true\" aria-describedby=\"first_name-error\" autofocus")
        .has("Sm\u{7}ith&#60;b&#62;")
        .has("Your name was not changed.")
        .has("<dt>Name</dt><dd>Ann Smith</dd>");
    assert!(!refused.body.contains("<b>"), "{}", refused.body);

    // From another site: refused like every other POST.
    let forged = support::web::form_encode(&[("first_name", "Mallory"), ("last_name", "X")]);
    server
        .request(
            "POST",
            "/dashboard",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Cookie", cookie.as_str()),
                ("Sec-Fetch-Site", "cross-site"),
            ],
            &forged,
        )
        .status(403)
        .has("sent from another site");
    server
        .request(
            "POST",
            "/dashboard",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Cookie", cookie.as_str()),
                ("Origin", "https://evil.example"),
            ],
            &forged,
        )
        .status(403);
    // Without a session there is nobody to rename.
    let anonymous = server.post(
        "/dashboard",
        &[("first_name", "Mallory"), ("last_name", "X")],
        None,
    );
    anonymous.status(303);
    assert_eq!(anonymous.header("location"), "/login");
    server.post("/logout", &[], Some(&cookie)).status(303);
    server
        .post(
            "/dashboard",
            &[("first_name", "Mallory"), ("last_name", "X")],
            Some(&cookie),
        )
        .status(303);
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users[0]["first_name"], "Ann");
    assert_eq!(users[0]["last_name"], "Smith");

    // Audited as the user's own edit, with its user.changed event.
    let edits = env
        .run(&["log", "--action", "edit", "--format", "json"])
        .ok()
        .json();
    assert_eq!(edits.as_array().unwrap().len(), 1, "{edits}");
    assert_eq!(edits[0]["actor"], "ann@acme.example");
    assert_eq!(edits[0]["detail"], "last name: Lee -> Smith");
    assert_eq!(
        env.sql("SELECT actor FROM hook_events WHERE event = 'user.changed'"),
        "ann@acme.example\n"
    );
}
