use std::time::Duration;

use crate::db::{self, Database};
use crate::domain::change;
use crate::domain::user;
use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::config::Organization;
use crate::domain::directory::{self, Group};
use crate::domain::user::UserStatus;
use crate::domain::users;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

fn hours(h: i64) -> chrono::Duration {
    chrono::Duration::hours(h)
}

fn org() -> Organization {
    Organization {
        name: "Acme".into(),
        base_url: "https://invite.acme.example".into(),
        dashboard_url: "/dashboard".into(),
        admin: Some("it@acme.example".into()),
        contact: None,
        roles: vec!["admin".into(), "editor".into(), "viewer".into()],
        invitation_ttl: Duration::from_secs(24 * 3600),
        reset_ttl: Duration::from_secs(3600),
        session_ttl: Duration::from_secs(12 * 3600),
        end_warning: std::time::Duration::from_secs(7 * 24 * 3600),
        language: crate::i18n::Lang::En,
        timezone: crate::i18n::Zone::UTC,
    }
}

fn request(email: &str, role: &str) -> Request {
    Request {
        email: email.into(),
        role: Some(role.into()),
        ..Request::default()
    }
}

fn options() -> InviteOptions {
    InviteOptions {
        invited_by: "it@acme.example".into(),
        actor: "root".into(),
        skip_existing: false,
        dry_run: false,
        sender: None,
    }
}

fn invite_one(conn: &mut Database, email: &str, now: DateTime<Utc>) -> Issued {
    match invite(conn, &org(), &[request(email, "editor")], &options(), now)
        .unwrap()
        .remove(0)
    {
        Outcome::Invited(issued) => *issued,
        other => panic!("not invited: {other:?}"),
    }
}

fn form() -> Acceptance {
    Acceptance {
        first_name: "Ann".into(),
        last_name: "Lee".into(),
        password: "correct horse".into(),
        confirm_password: "correct horse".into(),
    }
}

fn all(conn: &Database, now: DateTime<Utc>) -> Vec<Invitation> {
    let filter = ListFilter {
        statuses: Status::ALL.to_vec(),
        sent_before: None,
    };
    list(conn, &filter, now).unwrap()
}

fn count(conn: &Database, table: &str) -> i64 {
    conn.query_one(&format!("SELECT count(*) FROM {table}"), &[], |row| {
        row.get(0)
    })
    .unwrap()
}

#[test]
fn the_window_runs_from_sending_and_expiry_needs_nothing_to_run() {
    let mut conn = db::for_tests();
    let issued = invite_one(&mut conn, "ann@acme.example", t0());
    assert_eq!(issued.expires_at, t0() + hours(24));

    let just_before = t0() + hours(24) - chrono::Duration::seconds(1);
    assert_eq!(all(&conn, just_before)[0].status, Status::Pending);
    assert!(open(&conn, &issued.token, just_before).is_ok());

    let at_expiry = t0() + hours(24);
    assert_eq!(all(&conn, at_expiry)[0].status, Status::Expired);
    assert!(matches!(
        open(&conn, &issued.token, at_expiry),
        Err(Error::Expired { admin, .. }) if admin == "it@acme.example"
    ));
    assert!(matches!(
        accept(&mut conn, &issued.token, &form(), at_expiry),
        Err(Error::Expired { .. })
    ));
}

#[test]
fn resend_kills_the_old_token_and_gives_a_fresh_window() {
    let mut conn = db::for_tests();
    let first = invite_one(&mut conn, "ann@acme.example", t0());
    let later = t0() + hours(30);
    let selected = select(
        &conn,
        &Selection::Named(vec!["ANN@acme.example".into()]),
        later,
    )
    .unwrap();
    assert_eq!(selected[0].status, Status::Expired);
    let second = resend(&mut conn, &org(), &selected, "bob", None, later)
        .unwrap()
        .remove(0);

    assert_ne!(first.token, second.token);
    assert_eq!(second.expires_at, later + hours(24));
    assert!(matches!(
        open(&conn, &first.token, later),
        Err(Error::InvalidToken)
    ));
    assert!(open(&conn, &second.token, later).is_ok());
    // The superseded row is history, not a second listed invitation.
    let listed = all(&conn, later);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, second.id);
    assert_eq!(listed[0].status, Status::Pending);

    // Resend by the old id finds the current invitation.
    let by_old_id = select(&conn, &Selection::Named(vec![first.id.to_string()]), later).unwrap();
    assert_eq!(by_old_id[0].id, second.id);
}

#[test]
fn cancel_kills_the_token_at_once_and_frees_the_address() {
    let mut conn = db::for_tests();
    let issued = invite_one(&mut conn, "ann@acme.example", t0());
    let selected = select(
        &conn,
        &Selection::Named(vec!["ann@acme.example".into()]),
        t0(),
    )
    .unwrap();
    cancel(&mut conn, &selected, "bob", t0()).unwrap();

    assert!(matches!(
        open(&conn, &issued.token, t0()),
        Err(Error::InvalidToken)
    ));
    assert!(matches!(
        accept(&mut conn, &issued.token, &form(), t0()),
        Err(Error::InvalidToken)
    ));
    let listed = all(&conn, t0());
    assert_eq!(listed[0].status, Status::Cancelled);
    assert!(listed[0].cancelled_at.is_some());
    assert!(user::list(&conn, &[]).unwrap().is_empty());
    // The address can be invited again.
    invite_one(&mut conn, "ann@acme.example", t0() + hours(1));
}

#[test]
fn resend_and_cancel_refuse_accepted_and_cancelled_ones() {
    let mut conn = db::for_tests();
    let ann = invite_one(&mut conn, "ann@acme.example", t0());
    accept(&mut conn, &ann.token, &form(), t0()).unwrap();
    invite_one(&mut conn, "bob@acme.example", t0());
    let bob = select(
        &conn,
        &Selection::Named(vec!["bob@acme.example".into()]),
        t0(),
    )
    .unwrap();
    cancel(&mut conn, &bob, "it", t0()).unwrap();

    let err = select(
        &conn,
        &Selection::Named(vec!["ann@acme.example".into()]),
        t0(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Refused(m) if m.contains("already accepted")),
        "{err}"
    );
    let err = select(
        &conn,
        &Selection::Named(vec!["bob@acme.example".into()]),
        t0(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Refused(m) if m.contains("was cancelled")),
        "{err}"
    );
    let err = select(
        &conn,
        &Selection::Named(vec!["nobody@acme.example".into()]),
        t0(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Refused(m) if m.contains("no invitation for nobody")),
        "{err}"
    );
}

#[test]
fn accept_works_once_and_creates_the_user_as_invited() {
    let mut conn = db::for_tests();
    directory::add(&mut conn, Group::Team, "ops", "it", t0()).unwrap();
    directory::add(&mut conn, Group::Team, "dev", "it", t0()).unwrap();
    directory::add(&mut conn, Group::Department, "Engineering", "it", t0()).unwrap();
    let batch = [Request {
        email: "ann@acme.example".into(),
        role: Some("Editor".into()),
        department: Some("engineering".into()),
        teams: vec!["ops".into(), "DEV".into()],
        ..Request::default()
    }];
    let Outcome::Invited(issued) = invite(&mut conn, &org(), &batch, &options(), t0())
        .unwrap()
        .remove(0)
    else {
        panic!("not invited");
    };
    let user = accept(&mut conn, &issued.token, &form(), t0() + hours(1)).unwrap();
    assert_eq!(user.status, UserStatus::Active);
    assert_eq!(user.role, "editor");
    assert_eq!(user.department.as_deref(), Some("Engineering"));
    let mut teams = user.teams.clone();
    teams.sort();
    assert_eq!(teams, ["dev", "ops"]);
    assert_eq!(user.full_name(), "Ann Lee");

    let hash = user::credentials(&conn, "ann@acme.example")
        .unwrap()
        .unwrap()
        .password_hash;
    assert!(crate::password::verify("correct horse", &hash.unwrap()));
    assert_eq!(all(&conn, t0())[0].status, Status::Accepted);
    assert!(matches!(
        accept(&mut conn, &issued.token, &form(), t0() + hours(2)),
        Err(Error::AlreadyAccepted)
    ));
    assert!(matches!(
        open(&conn, &issued.token, t0() + hours(2)),
        Err(Error::AlreadyAccepted)
    ));
}

#[test]
fn accept_checks_the_form_before_writing() {
    let mut conn = db::for_tests();
    let issued = invite_one(&mut conn, "ann@acme.example", t0());
    let cases = [
        (
            Acceptance {
                first_name: " ".into(),
                ..form()
            },
            "First Name is required",
        ),
        (
            Acceptance {
                last_name: "".into(),
                ..form()
            },
            "Last Name is required",
        ),
        (
            Acceptance {
                password: "short".into(),
                confirm_password: "short".into(),
                ..form()
            },
            "too short",
        ),
        (
            Acceptance {
                confirm_password: "other horse".into(),
                ..form()
            },
            "do not match",
        ),
    ];
    for (form, expected) in cases {
        let err = accept(&mut conn, &issued.token, &form, t0()).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(m) if m.contains(expected)),
            "{err}"
        );
    }
    assert_eq!(all(&conn, t0())[0].status, Status::Pending);
}

#[test]
fn a_batch_with_any_bad_address_writes_nothing_and_names_each() {
    let mut conn = db::for_tests();
    let batch = [
        request("ann@acme.example", "editor"),
        request("Bob <bob@acme.example>", "editor"),
        request("carl@", "editor"),
        request("ANN@acme.example", "editor"),
    ];
    let err = invite(&mut conn, &org(), &batch, &options(), t0()).unwrap_err();
    let Error::Invalid(message) = &err else {
        panic!("{err}")
    };
    assert!(
        message.starts_with("3 problems, nothing was written"),
        "{message}"
    );
    assert!(
        message.contains("\"Bob <bob@acme.example>\" is not a valid address"),
        "{message}"
    );
    assert!(
        message.contains("\"carl@\" is not a valid address"),
        "{message}"
    );
    assert!(
        message.contains("ann@acme.example is listed more than once"),
        "{message}"
    );
    assert_eq!(count(&conn, "invitations"), 0);
    assert_eq!(count(&conn, "users"), 0);
}

#[test]
fn unknown_role_team_or_department_is_refused_naming_the_closest() {
    let mut conn = db::for_tests();
    directory::add(&mut conn, Group::Team, "ops", "it", t0()).unwrap();
    let batch = [Request {
        email: "ann@acme.example".into(),
        role: Some("edtor".into()),
        department: Some("Sales".into()),
        teams: vec!["opps".into()],
        ..Request::default()
    }];
    let err = invite(&mut conn, &org(), &batch, &options(), t0()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("unknown role \"edtor\" (did you mean editor?"),
        "{message}"
    );
    assert!(
        message.contains("unknown team \"opps\" (did you mean ops?"),
        "{message}"
    );
    assert!(
        message.contains("unknown department \"Sales\" (no departments exist yet)"),
        "{message}"
    );
    assert_eq!(count(&conn, "invitations"), 0);

    let no_role = [Request {
        role: None,
        ..request("ann@acme.example", "")
    }];
    let err = invite(&mut conn, &org(), &no_role, &options(), t0()).unwrap_err();
    assert!(err.to_string().contains("has no role"), "{err}");
}

#[test]
fn an_address_that_belongs_to_a_user_is_refused_saying_which() {
    let mut conn = db::for_tests();
    let active = invite_one(&mut conn, "active@acme.example", t0());
    accept(&mut conn, &active.token, &form(), t0()).unwrap();
    let inactive = invite_one(&mut conn, "inactive@acme.example", t0());
    accept(&mut conn, &inactive.token, &form(), t0()).unwrap();
    users::deactivate(&mut conn, "inactive@acme.example", "it", t0()).unwrap();
    invite_one(&mut conn, "pending@acme.example", t0());
    let later = t0() + hours(1);

    let cases = [
        ("Active@acme.example", "is already an active user"),
        (
            "inactive@acme.example",
            "inactive user; bring it back with `invitectl users reactivate",
        ),
        (
            "pending@acme.example",
            "already has a pending invitation; send a new link with `invitectl resend",
        ),
    ];
    for (email, expected) in cases {
        let err = invite(
            &mut conn,
            &org(),
            &[request(email, "viewer")],
            &options(),
            later,
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::Refused(m) if m.contains(expected)),
            "{email}: {err}"
        );
    }
    let err = invite(
        &mut conn,
        &org(),
        &[request("pending@acme.example", "viewer")],
        &options(),
        t0() + hours(25),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("already has an expired invitation"),
        "{err}"
    );
}

#[test]
fn skip_existing_makes_a_rerun_a_no_op() {
    let mut conn = db::for_tests();
    let batch = [
        request("ann@acme.example", "editor"),
        request("bob@acme.example", "editor"),
    ];
    invite(&mut conn, &org(), &batch, &options(), t0()).unwrap();
    conn.execute("UPDATE invitations SET delivery = 'sent'", &[])
        .unwrap();
    let rerun = InviteOptions {
        skip_existing: true,
        ..options()
    };
    let outcomes = invite(&mut conn, &org(), &batch, &rerun, t0()).unwrap();
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Skipped { .. }))
    );
    assert_eq!(count(&conn, "invitations"), 2);
}

#[test]
fn skip_existing_resends_an_invitation_whose_mail_never_went_out() {
    let mut conn = db::for_tests();
    let first = invite_one(&mut conn, "ann@acme.example", t0());
    let rerun = InviteOptions {
        skip_existing: true,
        ..options()
    };
    let outcomes = invite(
        &mut conn,
        &org(),
        &[request("ann@acme.example", "editor")],
        &rerun,
        t0(),
    )
    .unwrap();
    let [Outcome::Resent(resent)] = outcomes.as_slice() else {
        panic!("expected one resent invitation, got {outcomes:?}");
    };
    assert_ne!(resent.token.as_str(), first.token.as_str());
    assert_eq!(count(&conn, "invitations"), 2);
}

#[test]
fn dry_run_checks_everything_and_writes_nothing() {
    let mut conn = db::for_tests();
    let dry = InviteOptions {
        dry_run: true,
        ..options()
    };
    let outcomes = invite(
        &mut conn,
        &org(),
        &[request("ann@acme.example", "editor")],
        &dry,
        t0(),
    )
    .unwrap();
    assert!(
        matches!(&outcomes[0], Outcome::WouldInvite { email, .. } if email == "ann@acme.example")
    );
    assert_eq!(count(&conn, "invitations"), 0);
    assert_eq!(count(&conn, "users"), 0);
}

#[test]
fn only_hashes_of_tokens_are_stored() {
    let mut conn = db::for_tests();
    let issued = invite_one(&mut conn, "ann@acme.example", t0());
    let stored: Vec<u8> = conn
        .query_one("SELECT token_hash FROM invitations", &[], |row| row.get(0))
        .unwrap();
    assert_eq!(stored, issued.token.hash());
}

#[test]
fn list_filters_by_status_and_age() {
    let mut conn = db::for_tests();
    invite_one(&mut conn, "old@acme.example", t0());
    invite_one(&mut conn, "new@acme.example", t0() + hours(20));
    let now = t0() + hours(26);
    let older_than_12h = ListFilter {
        statuses: vec![],
        sent_before: Some(now - hours(12)),
    };
    let listed = list(&conn, &older_than_12h, now).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].email, "old@acme.example");
    assert_eq!(listed[0].status, Status::Expired);
    let pending_only = ListFilter {
        statuses: vec![Status::Pending],
        sent_before: None,
    };
    let listed = list(&conn, &pending_only, now).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].email, "new@acme.example");
}

#[test]
fn resend_failed_picks_pending_ones_not_delivered() {
    let mut conn = db::for_tests();
    let sent = invite_one(&mut conn, "sent@acme.example", t0());
    let failed = invite_one(&mut conn, "failed@acme.example", t0());
    invite_one(&mut conn, "queued@acme.example", t0());
    let attempt = |invitation_id, outcome| Attempt {
        invitation_id,
        at: t0(),
        transport: "smtp",
        message_id: None,
        outcome,
    };
    let attempts = [
        attempt(sent.id, Ok("250 ok".to_string())),
        attempt(failed.id, Err("connection refused".to_string())),
    ];
    record_deliveries(&mut conn, &attempts).unwrap();

    let picked: Vec<String> = select(&conn, &Selection::Failed, t0())
        .unwrap()
        .into_iter()
        .map(|i| i.email)
        .collect();
    assert_eq!(picked, ["failed@acme.example", "queued@acme.example"]);
    assert_eq!(all(&conn, t0())[1].delivery, "failed: connection refused");
}

#[test]
fn resend_failed_leaves_a_live_senders_queue_alone_until_its_lease_runs_out() {
    let mut conn = db::for_tests();
    let me = Process {
        host: "h1".into(),
        pid: 41,
    };
    let sender = start_sending(&mut conn, &me, t0()).unwrap();
    let sending = InviteOptions {
        sender: Some(sender),
        ..options()
    };
    invite(
        &mut conn,
        &org(),
        &[request("ann@acme.example", "editor")],
        &sending,
        t0(),
    )
    .unwrap();
    let failed = |conn: &Database, now| select(conn, &Selection::Failed, now).unwrap().len();
    assert_eq!(failed(&conn, t0()), 0, "being sent right now");
    let later = t0() + chrono::Duration::from_std(SENDER_LEASE).unwrap();
    assert_eq!(
        failed(&conn, later),
        1,
        "the sender died: its lease ran out"
    );
    keep_sending(&conn, sender, t0() + chrono::Duration::seconds(60)).unwrap();
    assert_eq!(failed(&conn, later), 0, "a renewed lease holds");
    end_dead_senders(&mut conn, "h2", |_| false).unwrap();
    assert_eq!(
        failed(&conn, t0()),
        0,
        "another host cannot see the process"
    );
    end_dead_senders(&mut conn, "h1", |pid| pid == 41).unwrap();
    assert_eq!(failed(&conn, t0()), 0, "the process is alive");
    end_dead_senders(&mut conn, "h1", |_| false).unwrap();
    assert_eq!(
        failed(&conn, t0()),
        1,
        "the process is gone: its batch is free at once"
    );
    // A later sender never takes over an old one's id, and with it its batch.
    let next = start_sending(&mut conn, &me, t0()).unwrap();
    assert_eq!(failed(&conn, t0()), 1);
    stop_sending(&conn, next).unwrap();
}

#[test]
fn concurrent_accepts_of_one_token_let_exactly_one_win() {
    let dir = tempfile::tempdir().unwrap();
    let path = db::target_for_tests(dir.path());
    let mut conn = db::open(&path).unwrap();
    let issued = invite_one(&mut conn, "ann@acme.example", t0());
    let winners: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (path, token) = (&path, &issued.token);
                scope.spawn(move || {
                    let mut conn = db::open(path).unwrap();
                    accept(&mut conn, token, &form(), t0()).is_ok()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap() as usize)
            .sum()
    });
    assert_eq!(winners, 1);
}

#[test]
fn deactivate_and_reactivate_are_repeatable_and_refuse_pending_users() {
    let mut conn = db::for_tests();
    let issued = invite_one(&mut conn, "ann@acme.example", t0());
    let err = users::deactivate(&mut conn, "ann@acme.example", "it", t0()).unwrap_err();
    assert!(err.to_string().contains("has not accepted"), "{err}");
    accept(&mut conn, &issued.token, &form(), t0()).unwrap();
    assert_eq!(
        users::deactivate(&mut conn, "ann@acme.example", "it", t0()).unwrap(),
        change::Change::Done
    );
    assert_eq!(
        users::deactivate(&mut conn, "ann@acme.example", "it", t0()).unwrap(),
        change::Change::AlreadySo
    );
    assert_eq!(user::list(&conn, &[UserStatus::Inactive]).unwrap().len(), 1);
    assert_eq!(
        users::reactivate(&mut conn, "Ann@acme.example", "it", t0()).unwrap(),
        change::Change::Done
    );
    assert_eq!(user::list(&conn, &[UserStatus::Active]).unwrap().len(), 1);
}

#[test]
fn every_write_is_audited() {
    let mut conn = db::for_tests();
    invite_one(&mut conn, "ann@acme.example", t0());
    let selected = select(
        &conn,
        &Selection::Named(vec!["ann@acme.example".into()]),
        t0(),
    )
    .unwrap();
    resend(&mut conn, &org(), &selected, "bob", None, t0()).unwrap();
    let actions: Vec<(String, String)> = conn
        .query(
            "SELECT actor, action FROM audit_log ORDER BY id",
            &[],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        actions,
        [
            ("root".to_string(), "invite".to_string()),
            ("bob".into(), "resend".into())
        ]
    );
}

#[test]
fn names_compare_and_sort_without_regard_to_ascii_case_on_either_engine() {
    let mut conn = db::for_tests();
    for name in ["beta", "Alpha", "gamma", "Émile"] {
        directory::add(&mut conn, Group::Team, name, "it", t0()).unwrap();
    }
    let (stored, change) = directory::add(&mut conn, Group::Team, "ALPHA", "it", t0()).unwrap();
    assert_eq!(
        (stored.as_str(), change),
        ("Alpha", change::Change::AlreadySo)
    );
    assert_eq!(
        directory::names(&conn, Group::Team).unwrap(),
        ["Alpha", "beta", "gamma", "Émile"]
    );
    assert_eq!(directory::resolve(&conn, Group::Team, "GAMMA").unwrap(), 3);
    // Only ASCII letters fold, as SQLite's NOCASE does.
    assert!(directory::resolve(&conn, Group::Team, "éMILE").is_err());
}

#[test]
fn check_form_puts_each_problem_at_its_field() {
    assert!(check_form(&form()).is_empty());
    let blank = Acceptance {
        first_name: " ".into(),
        last_name: String::new(),
        password: "short".into(),
        confirm_password: "other".into(),
    };
    let fields: Vec<Field> = check_form(&blank).into_iter().map(|(f, _)| f).collect();
    // A confirmation is not compared with a password that would not do.
    assert_eq!(fields, [Field::FirstName, Field::LastName, Field::Password]);
    let mistyped = Acceptance {
        confirm_password: "correct horsf".into(),
        ..form()
    };
    let problems = check_form(&mistyped);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].0, Field::ConfirmPassword);
    assert_eq!(
        problems[0].1,
        Problem::Password(crate::password::PasswordProblem::Mismatch)
    );
}
