//! Forward authentication over real HTTP: what a reverse proxy asking
//! `GET /auth`, and a browser coming back through `/login?rd=`, see.

use crate::support;

use support::web::Server;
use support::{Env, token_of};

const PASSWORD: &str = "correct horse battery";

/// Ann, active, in Engineering and the teams ops and Platform; logged in
/// nowhere yet.
fn ann(env: &Env) {
    env.run(&["departments", "add", "Engineering"]).ok();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["teams", "add", "Platform"]).ok();
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "editor",
        "--department",
        "Engineering",
        "--team",
        "Platform,ops",
    ])
    .ok();
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
}

fn login(server: &Server, rd: Option<&str>) -> support::web::Response {
    let mut form = vec![("email", "ann@acme.example"), ("password", PASSWORD)];
    if let Some(rd) = rd {
        form.push(("rd", rd));
    }
    server.post("/login", &form, None)
}

#[test]
fn auth_answers_the_remote_headers_for_a_session_and_401_without_one() {
    let env = Env::new();
    ann(&env);
    let server = Server::start(&env);

    server.get("/auth").status(401);
    server
        .get_with_cookie("/auth", "invitectl_session=forged")
        .status(401);
    // What a client writes itself proves nothing.
    let spoofed = server.request("GET", "/auth", &[("Remote-User", "root@acme.example")], "");
    assert_eq!(spoofed.status, 401);
    assert_eq!(spoofed.header("remote-user"), "");

    let cookie = login(&server, None).cookie();
    let answer = server.get_with_cookie("/auth", &cookie);
    answer.status(200);
    assert_eq!(answer.header("remote-user"), "ann@acme.example");
    assert_eq!(answer.header("remote-email"), "ann@acme.example");
    assert_eq!(answer.header("remote-name"), "Ann Lee");
    assert_eq!(answer.header("remote-role"), "editor");
    assert_eq!(answer.header("remote-department"), "Engineering");
    assert_eq!(answer.header("remote-groups"), "ops,Platform");
    assert_eq!(answer.header("cache-control"), "no-store");

    // An edit shows on the next call: nothing is cached.
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--role",
        "admin",
        "--no-teams",
    ])
    .ok();
    let answer = server.get_with_cookie("/auth", &cookie);
    assert_eq!(answer.header("remote-role"), "admin");
    assert_eq!(answer.header("remote-groups"), "");

    server.post("/logout", &[], Some(&cookie)).status(303);
    server.get_with_cookie("/auth", &cookie).status(401);

    let again = login(&server, None).cookie();
    server.get_with_cookie("/auth", &again).status(200);
    env.run(&["users", "deactivate", "ann@acme.example", "--yes"])
        .ok();
    server.get_with_cookie("/auth", &again).status(401);
    // Reactivating does not bring an ended session back.
    env.run(&["users", "reactivate", "ann@acme.example"]).ok();
    server.get_with_cookie("/auth", &again).status(401);
}

#[test]
fn auth_headers_percent_encode_what_is_not_printable_ascii() {
    let env = Env::new();
    env.run(&["invite", "jose@acme.example", "--role", "viewer"])
        .ok();
    let link = env.link_for("jose@acme.example");
    env.run_with_stdin(
        &[
            "accept",
            token_of(&link),
            "--first-name",
            "José 100%",
            "--last-name",
            "Müller",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    )
    .ok();
    let server = Server::start(&env);
    let cookie = server
        .post(
            "/login",
            &[("email", "jose@acme.example"), ("password", PASSWORD)],
            None,
        )
        .cookie();
    let answer = server.get_with_cookie("/auth", &cookie);
    answer.status(200);
    assert_eq!(answer.header("remote-name"), "Jos%C3%A9 100%25 M%C3%BCller");
    assert_eq!(answer.header("remote-department"), "");
}

#[test]
fn auth_sends_every_remote_header_even_an_empty_one() {
    // Caddy 2.6's copy_headers turns a header /auth leaves out into the
    // literal text "{http.reverse_proxy.header.Remote-Groups}" on the
    // request to the app; an empty one it copies as empty.
    let env = Env::new();
    env.run(&["invite", "bo@acme.example", "--role", "viewer"])
        .ok();
    env.accept(&env.link_for("bo@acme.example"), PASSWORD).ok();
    let server = Server::start(&env);
    let cookie = server
        .post(
            "/login",
            &[("email", "bo@acme.example"), ("password", PASSWORD)],
            None,
        )
        .cookie();
    let answer = server.get_with_cookie("/auth", &cookie);
    answer.status(200);
    for name in ["remote-department", "remote-groups"] {
        assert_eq!(
            answer.headers.get(name).map(String::as_str),
            Some(""),
            "{name}"
        );
    }
}

fn return_config(env: &Env) {
    env.config(
        "[organization]\nbase_url = \"https://invite.acme.example\"\n\
         dashboard_url = \"https://invite.acme.example/dashboard\"\n\
         [server]\nallowed_redirect_hosts = [\"apps.acme.example\"]\n",
    );
}

#[test]
fn login_returns_to_rd_only_on_base_urls_host_and_the_allowed_hosts() {
    let env = Env::new();
    return_config(&env);
    ann(&env);
    let server = Server::start(&env);

    let rd = "https://apps.acme.example/wiki/Start?page=2";
    let page = server.get(&format!(
        "/login?rd={}",
        "https%3A%2F%2Fapps.acme.example%2Fwiki%2FStart%3Fpage%3D2"
    ));
    page.status(200).has(&format!(
        "<input type=\"hidden\" name=\"rd\" value=\"{rd}\">"
    ));
    // The login form may post on to the app: browsers apply form-action to
    // the redirect after a form's POST.
    assert!(
        page.header("content-security-policy")
            .contains("form-action 'self' https://invite.acme.example https://apps.acme.example;"),
        "{}",
        page.header("content-security-policy")
    );
    for back in [rd, "https://invite.acme.example/dashboard?x=1"] {
        let answer = login(&server, Some(back));
        answer.status(303);
        assert_eq!(answer.header("location"), back);
    }

    // A failed attempt keeps rd for the next one.
    server
        .post(
            "/login",
            &[
                ("email", "ann@acme.example"),
                ("password", "wrong"),
                ("rd", rd),
            ],
            None,
        )
        .status(401)
        .has("name=\"rd\"");

    let spare: Vec<String> = (0..4).map(|i| format!("u{i}@acme.example")).collect();
    env.run(&["invite", &spare.join(","), "--role", "viewer", "-q"])
        .ok();
    for email in &spare {
        env.accept(&env.link_for(email), PASSWORD).ok();
    }
    for (i, attempt) in [
        "//evil.example",
        "//apps.acme.example/",
        "/dashboard",
        "https://evil.example/",
        "https://evil.example@apps.acme.example/",
        "https://apps.acme.example@evil.example/",
        "https://user:pw@apps.acme.example/",
        "/\\evil.example",
        "https:\\\\evil.example",
        "https:/\\evil.example",
        "https://apps.acme.example\\@evil.example/",
        "https%3A%2F%2Fevil.example",
        "%2F%2Fevil.example",
        "https://apps%2Eacme.example/",
        "https://apps.acme.example%40evil.example/",
        "https://apps.acme.example%2F@evil.example/",
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://apps.acme.example/",
        "http://apps.acme.example/",
        "https://apps.acme.example:8443/",
        "https://apps.acme.example:443/",
        "https://APPS.ACME.EXAMPLE/",
        "https://apps.acme.example./",
        "https://apps.acme.example.evil.example/",
        "https://evilapps.acme.example/",
        "https://apps.acme.example\t.evil.example/",
        "https://аpps.acme.example/",
    ]
    .into_iter()
    .enumerate()
    {
        // Spread over accounts: one takes only so many logins a minute.
        let email = &spare[i % spare.len()];
        let answer = server.post(
            "/login",
            &[("email", email), ("password", PASSWORD), ("rd", attempt)],
            None,
        );
        answer.status(303);
        assert_eq!(
            answer.header("location"),
            "https://invite.acme.example/dashboard",
            "{attempt:?} was followed"
        );
        let page = server.get(&format!(
            "/login?rd={}",
            support::web::form_encode(&[("", attempt)]).trim_start_matches('=')
        ));
        assert!(!page.body.contains("name=\"rd\""), "{attempt:?} was kept");
    }
}

#[test]
fn an_http_site_returns_to_its_own_port_only() {
    let env = Env::new();
    ann(&env);
    let server = Server::start(&env);
    // Without a config, base_url is http://127.0.0.1:8080.
    let answer = login(&server, Some("http://127.0.0.1:8080/somewhere"));
    assert_eq!(answer.header("location"), "http://127.0.0.1:8080/somewhere");
    let answer = login(&server, Some("http://127.0.0.1:9999/"));
    assert_eq!(answer.header("location"), "/dashboard");
}

#[test]
fn cookie_domain_shares_the_session_and_logout_clears_it_there() {
    let env = Env::new();
    env.config(
        "[organization]\nbase_url = \"https://invite.acme.example\"\n\
         [server]\ncookie_domain = \"acme.example\"\n",
    );
    ann(&env);
    let server = Server::start(&env);
    let answer = login(&server, None);
    let set = answer.header("set-cookie");
    assert!(set.contains("; Domain=acme.example"), "{set}");
    assert!(
        set.contains("; Secure") && set.contains("HttpOnly"),
        "{set}"
    );
    let cookie = answer.cookie();
    server.get_with_cookie("/auth", &cookie).status(200);
    let logout = server.post("/logout", &[], Some(&cookie));
    let cleared = logout.header("set-cookie");
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("; Domain=acme.example"),
        "{cleared}"
    );
    server.get_with_cookie("/auth", &cookie).status(401);

    // Without it, the cookie is base_url's host's alone.
    env.config("[organization]\nbase_url = \"https://invite.acme.example\"\n");
    let server = Server::start(&env);
    assert!(!login(&server, None).header("set-cookie").contains("Domain"));
}

#[test]
fn a_cookie_domain_that_does_not_hold_base_url_is_refused() {
    let env = Env::new();
    env.config(
        "[organization]\nbase_url = \"https://invite.acme.example\"\n\
         [server]\ncookie_domain = \"me.example\"\n",
    );
    env.run(&["serve-accept", "--bind", "127.0.0.1:0"])
        .code(2)
        .stderr_has("server.cookie_domain is \"me.example\", but base_url's host invite.acme.example is not within it");
}
