//! Delivery over SMTP against a real server (aiosmtpd) on 127.0.0.1.

use crate::support;

use support::Env;
use support::smtp::{Options, SmtpServer};

const PASSWORD: &str = "correct horse battery";

fn deliveries(env: &Env) -> Vec<(String, String)> {
    support::invitations(env)
        .iter()
        .map(|r| {
            (
                r["email"].as_str().unwrap().to_string(),
                r["delivery"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn invite(env: &Env, emails: &str) -> support::Run {
    env.run(&["invite", emails, "--role", "editor"])
}

#[test]
fn plain_delivery_with_a_complete_message() {
    let server = SmtpServer::start(Options::default());
    let env = Env::new();
    env.config(&format!(
        "[organization]\nname = \"Acme Corp\"\nadmin = \"Ida Admin\"\nbase_url = \"https://invite.acme.example\"\n{}",
        server.config("security = \"none\"")
    ));
    env.run(&["departments", "add", "Engineering"]).ok();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&[
        "invite",
        "ann@acme.example,bob@acme.example",
        "--role",
        "editor",
        "--department",
        "Engineering",
        "--team",
        "ops",
    ])
    .ok()
    .stderr_has("2 message(s) sent to SMTP server 127.0.0.1");
    assert_eq!(
        deliveries(&env),
        [
            ("ann@acme.example".into(), "sent".into()),
            ("bob@acme.example".into(), "sent".into())
        ]
    );

    let messages = server.messages();
    assert_eq!(messages.len(), 2);
    let ann = messages
        .iter()
        .find(|m| m.contains("To: ann@acme.example"))
        .unwrap();
    for header in [
        "From: \"Acme IT\" <it@acme.example>",
        "Subject: You're invited to join Acme Corp",
        "Date: ",
        "Message-ID: <",
        "Content-Type: multipart/alternative",
    ] {
        assert!(ann.contains(header), "missing {header}:\n{ann}");
    }
    assert!(ann.contains("Content-Type: text/plain") && ann.contains("Content-Type: text/html"));
    assert!(
        ann.contains("Ida Admin has invited you to join Acme Corp as editor."),
        "{ann}"
    );
    assert!(
        ann.contains("Department: Engineering") && ann.contains("Teams: ops"),
        "{ann}"
    );
    assert!(ann.contains("expires on "), "{ann}");
    assert!(
        ann.contains(" UTC"),
        "the expiry is an absolute time: {ann}"
    );
    let link = support::first_link(ann).unwrap();
    assert!(
        link.starts_with("https://invite.acme.example/accept?token="),
        "{link}"
    );
    env.accept(&link, PASSWORD).ok();

    // A rerun sends nothing to an address that already has its invitation.
    env.run(&[
        "invite",
        "ann@acme.example,bob@acme.example",
        "--role",
        "editor",
        "--skip-existing",
    ])
    .ok();
    assert_eq!(server.messages().len(), 2);
}

#[test]
fn starttls_with_a_self_signed_certificate_needs_accept_invalid_certs() {
    let server = SmtpServer::start(Options {
        starttls: true,
        ..Options::default()
    });
    let env = Env::new();
    env.config(&server.config("security = \"starttls\""));
    invite(&env, "ann@acme.example")
        .code(4)
        .stderr_has("STARTTLS failed")
        .stderr_has("smtp.accept_invalid_certs");
    assert!(
        deliveries(&env)[0]
            .1
            .starts_with("failed: SMTP: STARTTLS failed")
    );

    env.config(&server.config("security = \"starttls\"\naccept_invalid_certs = true"));
    env.run(&["resend", "--failed"]).ok();
    assert_eq!(deliveries(&env)[0].1, "sent");
    assert_eq!(server.messages().len(), 1);
}

#[test]
fn implicit_tls() {
    let server = SmtpServer::start(Options {
        implicit_tls: true,
        ..Options::default()
    });
    let env = Env::new();
    env.config(&server.config("security = \"tls\"\naccept_invalid_certs = true"));
    invite(&env, "ann@acme.example").ok();
    assert_eq!(server.messages().len(), 1);
}

#[test]
fn auth_accepted_and_refused() {
    let server = SmtpServer::start(Options {
        user: Some(("invitectl", "s3cret")),
        ..Options::default()
    });
    let env = Env::new().var("SMTP_PASS", "wrong");
    env.config(
        &server
            .config("security = \"none\"\nusername = \"invitectl\"\npassword_env = \"SMTP_PASS\""),
    );
    let refused = invite(&env, "ann@acme.example");
    refused
        .code(4)
        .stderr_has("logging in as invitectl failed")
        .stderr_has("check smtp.username and the password");
    assert!(
        !refused.stderr.contains("wrong"),
        "the password is never printed"
    );
    assert!(server.messages().is_empty());

    let env2 = Env::new().var("SMTP_PASS", "s3cret");
    env2.config(
        &server
            .config("security = \"none\"\nusername = \"invitectl\"\npassword_env = \"SMTP_PASS\""),
    );
    invite(&env2, "ann@acme.example").ok();
    assert_eq!(server.messages().len(), 1);

    // The same password from a file.
    let env3 = Env::new();
    std::fs::write(env3.path("smtp-password"), "s3cret\n").unwrap();
    env3.config(&server.config(
        "security = \"none\"\nusername = \"invitectl\"\npassword_file = \"smtp-password\"",
    ));
    invite(&env3, "bob@acme.example").ok();
    assert_eq!(server.messages().len(), 2);
}

#[test]
fn a_refused_recipient_does_not_stop_the_batch() {
    refused_recipients(false);
}

#[test]
fn a_refused_recipient_does_not_stop_a_pipelined_batch() {
    refused_recipients(true);
}

fn refused_recipients(pipelining: bool) {
    let server = SmtpServer::start(Options {
        replies: vec![
            ("busy@acme.example", "451 4.3.0 try again later"),
            ("gone@acme.example", "550 5.1.1 no such user"),
        ],
        pipelining,
        ..Options::default()
    });
    let env = Env::new();
    env.config(&server.config("security = \"none\""));
    invite(
        &env,
        "a@acme.example,busy@acme.example,b@acme.example,gone@acme.example,c@acme.example",
    )
    .code(4)
    .stderr_has("2 message(s) could not be sent")
    .stderr_has("resend --failed");
    let delivered: Vec<(String, String)> = deliveries(&env);
    assert_eq!(delivered[0], ("a@acme.example".into(), "sent".into()));
    assert!(delivered[1].1.contains("451"), "{:?}", delivered[1]);
    assert_eq!(delivered[2].1, "sent");
    assert!(delivered[3].1.contains("550"), "{:?}", delivered[3]);
    assert_eq!(delivered[4].1, "sent");
    let messages = server.messages();
    assert_eq!(messages.len(), 3);
    for (message, to) in messages
        .iter()
        .zip(["a@acme.example", "b@acme.example", "c@acme.example"])
    {
        assert!(
            message.contains(&format!("To: {to}")),
            "replies stayed in step: {message}"
        );
    }
}

#[test]
fn a_server_that_is_down_loses_nothing_and_resend_failed_repairs_it() {
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let env = Env::new();
    env.config(&format!(
        "[mail]\nfrom = \"it@acme.example\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {closed_port}\nsecurity = \"none\"\n"
    ));
    invite(&env, "ann@acme.example,bob@acme.example")
        .code(4)
        .stderr_has("the invitations are stored");
    let delivered = deliveries(&env);
    assert_eq!(delivered.len(), 2);
    assert!(
        delivered
            .iter()
            .all(|(_, d)| d.contains("failed: SMTP: connecting to 127.0.0.1")),
        "{delivered:?}"
    );

    let server = SmtpServer::start(Options::default());
    env.config(&server.config("security = \"none\""));
    env.run(&["resend", "--failed"]).ok();
    assert!(deliveries(&env).iter().all(|(_, d)| d == "sent"));
    assert_eq!(server.messages().len(), 2);
    env.accept(
        &support::first_link(&server.messages()[0]).unwrap(),
        PASSWORD,
    )
    .ok();
}

#[test]
fn a_dropped_connection_fails_one_message_and_the_rest_go_out() {
    let server = SmtpServer::start(Options {
        drop: vec!["drop@acme.example"],
        ..Options::default()
    });
    let env = Env::new();
    env.config(&server.config("security = \"none\""));
    invite(&env, "a@acme.example,drop@acme.example,b@acme.example").code(4);
    let delivered = deliveries(&env);
    assert_eq!(delivered[0].1, "sent");
    assert!(
        delivered[1].1.starts_with("failed: the connection failed"),
        "{:?}",
        delivered[1]
    );
    assert_eq!(delivered[2].1, "sent");
    assert_eq!(server.messages().len(), 2);
}

#[test]
fn hostile_names_cannot_inject_headers_or_html() {
    let server = SmtpServer::start(Options::default());
    let env = Env::new();
    env.config(&format!(
        "[organization]\nname = \"Acme\\r\\nBcc: evil@attacker.example\"\n{}",
        server.config("security = \"none\"")
    ));
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "editor",
        "--invited-by",
        "<script>alert(1)</script>",
    ])
    .ok();
    let message = &server.messages()[0];
    let headers = message.split("\n\n").next().unwrap();
    assert!(!headers.lines().any(|l| l.starts_with("Bcc:")), "{headers}");
    assert!(
        headers.contains("Subject: You're invited to join Acme  Bcc: evil@attacker.example"),
        "{headers}"
    );
    let html = message.split("Content-Type: text/html").nth(1).unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)"), "{html}");
}

#[test]
fn smtp_test_says_which_step_passed_and_which_failed() {
    let server = SmtpServer::start(Options {
        user: Some(("invitectl", "s3cret")),
        ..Options::default()
    });
    let env = Env::new().var("SMTP_PASS", "s3cret");
    env.config(
        &server
            .config("security = \"none\"\nusername = \"invitectl\"\npassword_env = \"SMTP_PASS\""),
    );
    env.run(&["smtp", "test"])
        .ok()
        .stderr_has(&format!("ok: connected to 127.0.0.1:{}", server.port))
        .stderr_has("ok: logged in as invitectl");
    env.run(&["smtp", "test", "--to", "me@acme.example"])
        .ok()
        .stderr_has("accepted: 250");
    assert!(server.messages()[0].contains("Subject: invitectl test message"));

    let plain = SmtpServer::start(Options::default());
    let env = Env::new();
    env.config(&plain.config(""));
    env.run(&["smtp", "test"])
        .code(4)
        .stderr_has("does not offer STARTTLS");
    env.config(&plain.config("security = \"tls\""));
    env.run(&["smtp", "test"])
        .code(4)
        .stderr_has("the TLS handshake failed");
}

#[test]
fn start_up_checks_name_the_key_and_write_nothing() {
    let env = Env::new();
    let cases = [
        ("[smtp]\nhost = \"127.0.0.1\"\n", "mail.from is not set"),
        (
            "[mail]\nfrom = \"it@acme.example\"\n[smtp]\nhost = \"127.0.0.1\"\nusername = \"invitectl\"\n",
            "smtp.username is set but there is no password",
        ),
        (
            "[mail]\nfrom = \"it@acme.example\"\n[smtp]\nhost = \"127.0.0.1\"\nusername = \"u\"\npassword_env = \"NOT_SET_ANYWHERE\"\n",
            "smtp.password_env names NOT_SET_ANYWHERE, which is not set",
        ),
        (
            "[mail]\nfrom = \"it@acme.example\"\n[smtp]\nhost = \"127.0.0.1\"\nusername = \"u\"\npassword_file = \"/nonexistent/secret\"\n",
            "smtp.password_file /nonexistent/secret cannot be read",
        ),
        ("[mail]\ntransport = \"smtp\"\n", "smtp.host is not set"),
        (
            "[mail]\nfrom = \"it@acme.example\"\n[smtp]\nhost = \"127.0.0.1\"\nsecurity = \"ssl\"\n",
            "smtp.security is \"ssl\"; use none, starttls or tls",
        ),
        (
            "[mail]\nfrom = \"it@acme.example\"\n[smtp]\nhost = \"smtp.acme.example\"\nsecurity = \"none\"\n\
             username = \"u\"\npassword_file = \"invitectl.toml\"\n",
            "the SMTP password would cross the network to smtp.acme.example in clear text; \
             use security = starttls or tls, or set smtp.allow_plaintext_auth = true",
        ),
    ];
    for (config, expected) in cases {
        env.config(config);
        invite(&env, "ann@acme.example")
            .code(2)
            .stderr_has(expected);
    }
    assert!(!env.path("invitectl.db").exists());
}

#[test]
fn a_batch_killed_mid_way_leaves_every_invitation_sent_or_visibly_queued() {
    let server = SmtpServer::start(Options::default());
    let env = Env::new();
    env.config(&server.config("security = \"none\""));
    let addresses: Vec<String> = (0..40).map(|i| format!("u{i}@acme.example")).collect();
    let mut batch = support::Group::spawn(&mut env.command(&[
        "invite",
        &addresses.join(","),
        "--role",
        "viewer",
        "--rate",
        "20/s",
    ]))
    .unwrap();
    let child = &mut batch.child;
    // Wait until some, not all, have gone out, then kill it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while server.messages().len() < 15 {
        assert!(
            std::time::Instant::now() < deadline,
            "only {} of 40 messages arrived in 20 s",
            server.messages().len()
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the batch ended before it could be killed mid-way"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let delivered = deliveries(&env);
    assert_eq!(
        delivered.len(),
        40,
        "every invitation was stored before sending"
    );
    let sent = delivered.iter().filter(|(_, d)| d == "sent").count();
    let queued = delivered.iter().filter(|(_, d)| d == "queued").count();
    assert_eq!(sent + queued, 40, "{delivered:?}");
    // Records are written in small batches: a kill may leave a few delivered
    // ones queued (they are sent again below), never an unsent one marked sent.
    assert!(sent > 0 && queued > 0, "sent {sent}, queued {queued}");
    assert!(sent <= server.messages().len());

    // The killed process is gone, so its batch is taken over at once.
    env.run(&["resend", "--failed"]).ok();
    assert!(deliveries(&env).iter().all(|(_, d)| d == "sent"));
    let mut recipients = server.recipients();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 40);
}

#[test]
fn the_sendmail_transport_hands_messages_to_the_local_sendmail() {
    let server = SmtpServer::start(Options::default());
    let env = Env::new();
    // msmtp is a real sendmail: installed as `sendmail` on PATH, it relays to the test server.
    let msmtp = ["/usr/bin/msmtp", "/usr/local/bin/msmtp"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("msmtp is missing: run scripts/setup.sh");
    let bin = env.path("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(msmtp, bin.join("sendmail")).unwrap();
    let rc = env.path(".msmtprc");
    std::fs::write(&rc, format!("defaults\nauth off\ntls off\naccount default\nhost 127.0.0.1\nport {}\nfrom it@acme.example\n", server.port)).unwrap();
    std::fs::set_permissions(&rc, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let env = env.var("PATH", &path);
    env.config("[mail]\ntransport = \"sendmail\"\nfrom = \"Acme IT <it@acme.example>\"\n");
    invite(&env, "ann@acme.example")
        .ok()
        .stderr_has("1 message(s) sent to sendmail");
    assert_eq!(deliveries(&env)[0].1, "sent");
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("To: ann@acme.example"));
    env.accept(&support::first_link(&messages[0]).unwrap(), PASSWORD)
        .ok();
}

#[test]
fn a_hostile_servers_replies_are_kept_to_one_clean_line_and_never_the_auth_exchange() {
    let long = "x".repeat(600);
    let reply = format!("550-5.1.1 no such user \\x1b[2J{long}\\r\\n550 5.1.1 second line SECOND");
    let refusing = SmtpServer::start(Options {
        replies: vec![("bob@acme.example", Box::leak(reply.into_boxed_str()))],
        ..Options::default()
    });
    let env = Env::new();
    env.config(&refusing.config("security = \"none\""));
    invite(&env, "bob@acme.example").code(4);
    let (_, delivery) = &deliveries(&env)[0];
    assert!(delivery.starts_with("failed: "), "{delivery}");
    assert!(delivery.contains("550"), "{delivery}");
    assert!(delivery.contains("no such user"), "{delivery}");
    assert!(!delivery.contains('\x1b'), "{delivery:?}");
    assert!(!delivery.contains("SECOND"), "{delivery}");
    assert!(
        delivery.chars().count() < 260,
        "{} characters",
        delivery.len()
    );
    let stored = String::from_utf8_lossy(&env.database_bytes()).into_owned();
    assert!(!stored.contains("SECOND") && !stored.contains("\x1b[2J"));

    let echoing = SmtpServer::start(Options {
        user: Some(("invitectl", "s3cret")),
        echo_auth: true,
        ..Options::default()
    });
    let env = Env::new().var("SMTP_PASS", "hunter2-secret");
    env.config(
        &echoing
            .config("security = \"none\"\nusername = \"invitectl\"\npassword_env = \"SMTP_PASS\""),
    );
    let refused = invite(&env, "ann@acme.example");
    refused.code(4).stderr_has("the server answered 535");
    let shown = env.run(&["list", "--format", "json"]).ok().stdout.clone();
    let stored = String::from_utf8_lossy(&env.database_bytes()).into_owned();
    for text in [&refused.stderr, &refused.stdout, &shown, &stored] {
        assert!(
            !text.contains("hunter2-secret"),
            "the password leaked: {text}"
        );
        assert!(
            !text.contains("refused PLAIN"),
            "the AUTH reply leaked: {text}"
        );
    }
}

#[test]
fn resend_failed_leaves_a_batch_that_another_process_is_sending_alone() {
    let server = SmtpServer::start(Options::default());
    let env = Env::new();
    env.config(&server.config("security = \"none\""));
    let addresses: Vec<String> = (0..30).map(|i| format!("u{i}@acme.example")).collect();
    let mut batch = env
        .command(&[
            "-q",
            "invite",
            &addresses.join(","),
            "--role",
            "viewer",
            "--rate",
            "20/s",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Once the batch is stored and sending, a cron job runs resend --failed.
    let stored = || {
        let listed = env.run(&["list", "--format", "json"]);
        listed.code == 0 && listed.json().as_array().unwrap().len() == 30
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while server.messages().is_empty() || !stored() {
        assert!(
            std::time::Instant::now() < deadline,
            "the batch never started sending"
        );
        std::thread::yield_now();
    }
    env.run(&["resend", "--failed"])
        .ok()
        .stderr_has("nothing to resend");
    assert!(batch.wait().unwrap().success());
    let mut recipients = server.recipients();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 30);
    assert_eq!(server.messages().len(), 30, "nobody got a second mail");
}
