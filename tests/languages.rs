//! Ten languages for invitees: the mail in the invitation's language, a
//! link's pages in it whatever the browser says, other pages by
//! `Accept-Language`, dates in the organization's time zone, and operators'
//! templates per language. Which words each language uses is read from its
//! catalogue, so these tests follow the translations.

use crate::support;

use support::catalogue::{LANGS, message};
use support::web::Server;
use support::{Env, bodies, token_of};

/// Every message id: none may show on a page or in a mail.
fn message_ids() -> Vec<String> {
    let path = format!("{}/locales/en/invitectl.ftl", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|line| line.split_once(" ="))
        .map(|(id, _)| id.to_string())
        .collect()
}

fn assert_no_message_ids(what: &str, text: &str) {
    for id in message_ids() {
        assert!(
            !text.contains(&id),
            "{what} shows the message id {id}:\n{text}"
        );
    }
}

fn invite(env: &Env, email: &str, lang: &str) {
    env.run(&["invite", email, "--role", "editor", "--lang", lang])
        .ok();
}

#[test]
fn a_german_invitation_is_german_in_the_mail_and_on_its_page_whatever_the_browser_says() {
    let env = Env::new();
    env.config("[organization]\nname = \"Acme\"\ncontact = \"it@acme.example\"\n");
    invite(&env, "ann@acme.example", "de");
    let mail = bodies(&env.messages()[0]);
    assert!(mail.contains("<html lang=\"de\" dir=\"ltr\">"), "{mail}");
    assert!(
        mail.contains(&message("de", "invitation-accept-here")),
        "{mail}"
    );
    // The date in German words.
    assert!(mail.contains("Uhr (UTC)"), "{mail}");
    assert_no_message_ids("the German invitation", &mail);

    let token = token_of(&env.link_for("ann@acme.example")).to_string();
    let server = Server::start(&env);
    let page = server.request(
        "GET",
        &format!("/accept?token={token}"),
        &[("Accept-Language", "en-US, en;q=0.9")],
        "",
    );
    page.status(200)
        .has("<html lang=\"de\" dir=\"ltr\">")
        .has(&format!("<h1>{}</h1>", message("de", "accept-title")));
    // A form error says so in German too, at its field.
    let refused = server.post(
        "/accept",
        &[
            ("token", &token),
            ("first_name", " "),
            ("last_name", "Lee"),
            ("password", "correct horse battery"),
            ("confirm_password", "correct horse battery"),
        ],
        None,
    );
    refused
        .status(422)
        .has(&message("de", "problem-first-name-required"));
}

#[test]
fn other_pages_follow_accept_language_and_fall_back_to_the_organizations_language() {
    let env = Env::new();
    env.config("[organization]\nlanguage = \"nl\"\n");
    let server = Server::start(&env);
    let login = |accept_language: Option<&str>| {
        let headers: Vec<(&str, &str)> = accept_language
            .map(|value| ("Accept-Language", value))
            .into_iter()
            .collect();
        server.request("GET", "/login", &headers, "")
    };
    login(Some("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"))
        .status(200)
        .has("<html lang=\"fr\" dir=\"ltr\">")
        .has(&format!("<h1>{}</h1>", message("fr", "login-title")));
    login(Some("ar"))
        .has("<html lang=\"ar\" dir=\"rtl\">")
        .has(&message("ar", "login-forgot"));
    // A language it does not speak, or none: the organization's.
    for header in [Some("sv-SE, fi;q=0.8"), None] {
        login(header)
            .has("<html lang=\"nl\" dir=\"ltr\">")
            .has(&format!("<h1>{}</h1>", message("nl", "login-title")));
    }
    server
        .request("GET", "/nowhere", &[("Accept-Language", "ja")], "")
        .status(404)
        .has(&message("ja", "not-found-text"));
}

#[test]
fn every_mail_in_every_language_says_everything_in_it_without_a_message_id() {
    let env = Env::new();
    env.config("[organization]\ntimezone = \"Asia/Tokyo\"\n");
    for lang in LANGS {
        for kind in ["invitation", "reminder", "reset", "renewal-request"] {
            for html in [false, true] {
                let mut args = vec!["mail", "preview", kind, "--lang", lang];
                if html {
                    args.push("--html");
                }
                let run = env.run(&args);
                run.ok();
                let shown = run.stdout.clone();
                assert_no_message_ids(&format!("{kind} in {lang}"), &shown);
                // Every variable filled in; the zone named beside each time.
                assert!(!shown.contains("{ $") && !shown.contains("{$"), "{shown}");
                assert!(shown.contains("JST"), "{kind} in {lang}: {shown}");
                if html {
                    let dir = if lang == "ar" { "rtl" } else { "ltr" };
                    assert!(
                        shown.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")),
                        "{shown}"
                    );
                }
            }
        }
    }
    env.run(&["mail", "preview", "invitation", "--lang", "xx"])
        .code(2)
        .stderr_has("use one of en, de, fr, es, it, nl, pt, pl, ja, ar");
}

#[test]
fn a_lang_is_checked_wherever_it_is_given_and_remembered_for_later_mail() {
    let env = Env::new();
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "editor",
        "--lang",
        "klingon",
    ])
    .code(2)
    .stderr_has("\"klingon\" is not a language invitectl speaks");
    std::fs::write(
        env.path("hires.csv"),
        "email,role,lang\nbo@acme.example,editor,pl\ncy@acme.example,editor,xx\n",
    )
    .unwrap();
    env.run(&["invite", "--from-file", "hires.csv"])
        .code(2)
        .stderr_has("line 3: lang");
    assert!(env.messages().is_empty(), "a bad row writes nothing");
    env.config("[organization]\nlanguage = \"fr\"\n");
    std::fs::write(
        env.path("hires.csv"),
        "email,role,lang\nbo@acme.example,editor,pl\ncy@acme.example,editor,\n",
    )
    .unwrap();
    env.run(&["invite", "--from-file", "hires.csv"]).ok();
    let mails = env.messages();
    let to = |email: &str| {
        let mail = mails.iter().find(|m| m.contains(&format!("To: {email}")));
        bodies(mail.expect("a mail to each"))
    };
    let polish = to("bo@acme.example");
    assert!(polish.contains("<html lang=\"pl\""), "{polish}");
    let french = to("cy@acme.example");
    assert!(
        french.contains("<html lang=\"fr\""),
        "the organization's: {french}"
    );

    // Later mail to a user is in their language: a reset after accepting.
    env.accept(&env.link_for("bo@acme.example"), "correct horse battery")
        .ok();
    env.run(&["users", "reset-password", "bo@acme.example"])
        .ok();
    let reset = bodies(env.messages().last().unwrap());
    assert!(
        reset.contains(&message("pl", "reset-mail-choose")),
        "{reset}"
    );
    let shown = env
        .run(&["show", "bo@acme.example", "--format", "json"])
        .json();
    assert_eq!(shown["user"]["lang"], "pl", "{shown}");

    env.config("[organization]\nlanguage = \"tlh\"\n");
    env.run(&["list"])
        .code(2)
        .stderr_has("organization.language");
}

#[test]
fn an_operators_template_for_one_language_replaces_the_template_for_that_language_only() {
    let env = Env::new();
    let dir = env.path("templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("invitation.de.txt"),
        "Willkommen bei {{ organization }}: {{ link }} (bis {{ expires }})\n",
    )
    .unwrap();
    env.config(&format!(
        "[organization]\nname = \"Acme\"\n[mail]\ntemplate_dir = \"{}\"\n",
        dir.display()
    ));
    invite(&env, "ann@acme.example", "de");
    invite(&env, "bo@acme.example", "fr");
    let mails = env.messages();
    let german = bodies(&mails[0]);
    assert!(german.contains("Willkommen bei Acme: http://"), "{german}");
    let french = bodies(&mails[1]);
    assert!(!french.contains("Willkommen"), "{french}");
    assert!(
        french.contains(&message("fr", "invitation-accept-here")),
        "{french}"
    );
    // The preview shows the operator's template too.
    env.run(&["mail", "preview", "invitation", "--lang", "de"])
        .ok()
        .stdout_has("Willkommen bei Acme");
    // A mistake in a language's template is named with its file and line.
    std::fs::write(dir.join("invitation.ja.html"), "<p>{{ orgnization }}</p>\n").unwrap();
    env.run(&["mail", "preview", "invitation"])
        .code(2)
        .stderr_has("invitation.ja.html, line 1: `orgnization` is not a variable");
}
