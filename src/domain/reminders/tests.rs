//! Reminders and renewals against the rules, with fixed instants, on the
//! engine of the test run (SQLite in memory, or PostgreSQL).

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use super::{Outcome, issued, record_opened, remind};
use crate::config::{Organization, RenewPolicy};
use crate::db::{self, Database};
use crate::domain::invitations::{self, Acceptance, InviteOptions, Issued, Request, Selection};
use crate::domain::renewals::{self, Renewal};
use crate::error::Error;
use crate::token::Token;

const HOUR: Duration = Duration::from_secs(3600);

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

fn at(hours: i64) -> DateTime<Utc> {
    t0() + chrono::Duration::hours(hours)
}

fn org() -> Organization {
    Organization {
        name: "Acme".into(),
        base_url: "https://invite.acme.example".into(),
        dashboard_url: "/dashboard".into(),
        admin: None,
        contact: None,
        roles: vec!["editor".into()],
        invitation_ttl: 24 * HOUR,
        reset_ttl: HOUR,
        session_ttl: 12 * HOUR,
        end_warning: std::time::Duration::from_secs(7 * 24 * 3600),
        language: crate::i18n::Lang::En,
        timezone: crate::i18n::Zone::UTC,
    }
}

/// Invites `email` at t0 and marks its mail sent; its first token.
fn invited(conn: &mut Database, email: &str) -> Token {
    let outcomes = invitations::invite(
        conn,
        &org(),
        &[Request {
            email: email.into(),
            role: Some("editor".into()),
            ..Request::default()
        }],
        &InviteOptions {
            invited_by: "Ida".into(),
            actor: "root".into(),
            skip_existing: false,
            dry_run: false,
            sender: None,
        },
        t0(),
    )
    .unwrap();
    let issued = invitations::issued(&outcomes).remove(0);
    conn.execute(
        "UPDATE invitations SET delivery = 'sent' WHERE id = ?1",
        crate::params![issued.id],
    )
    .unwrap();
    issued.token
}

fn form() -> Acceptance {
    Acceptance {
        first_name: "Ann".into(),
        last_name: "Lee".into(),
        password: "correct horse battery".into(),
        confirm_password: "correct horse battery".into(),
    }
}

fn reminded(conn: &mut Database, now: DateTime<Utc>) -> Vec<Issued> {
    issued(&remind(conn, 12 * HOUR, false, "root", now).unwrap())
}

#[test]
fn a_reminder_is_due_once_after_remind_after_and_keeps_the_window() {
    let mut conn = db::for_tests();
    let first = invited(&mut conn, "ann@acme.example");
    assert!(
        remind(&mut conn, 12 * HOUR, false, "root", at(11))
            .unwrap()
            .is_empty()
    );
    let planned = remind(&mut conn, 12 * HOUR, true, "root", at(13)).unwrap();
    assert!(matches!(planned[..], [Outcome::WouldRemind { .. }]));
    let sent = reminded(&mut conn, at(13));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].expires_at, at(24), "the window is not extended");
    assert_ne!(sent[0].token.as_str(), first.as_str());
    // Both links open the one invitation; a second run sends nothing.
    let by_first = invitations::open(&conn, &first, at(13)).unwrap();
    let by_reminder = invitations::open(&conn, &sent[0].token, at(13)).unwrap();
    assert_eq!(by_first.id, by_reminder.id);
    assert_eq!(by_reminder.reminded_at, Some(at(13)));
    let again = remind(&mut conn, 12 * HOUR, false, "root", at(14)).unwrap();
    assert!(
        matches!(&again[..], [Outcome::Skipped { reason, .. }] if reason.contains("already reminded"))
    );
    // Expired: the reminder's link says so too.
    assert!(matches!(
        invitations::open(&conn, &sent[0].token, at(24)),
        Err(Error::Expired { .. })
    ));
}

#[test]
fn the_reminders_link_accepts_and_then_neither_link_works_again() {
    let mut conn = db::for_tests();
    let first = invited(&mut conn, "ann@acme.example");
    let reminder = reminded(&mut conn, at(13)).remove(0);
    invitations::accept(&mut conn, &reminder.token, &form(), at(14)).unwrap();
    for token in [&first, &reminder.token] {
        assert!(matches!(
            invitations::accept(&mut conn, token, &form(), at(14)),
            Err(Error::AlreadyAccepted)
        ));
    }
}

#[test]
fn a_resend_or_a_cancel_kills_the_reminders_link_with_the_first() {
    let mut conn = db::for_tests();
    let first = invited(&mut conn, "ann@acme.example");
    let reminder = reminded(&mut conn, at(13)).remove(0);
    let selected = invitations::select(
        &conn,
        &Selection::Named(vec!["ann@acme.example".into()]),
        at(13),
    )
    .unwrap();
    invitations::resend(&mut conn, &org(), &selected, "root", None, at(13)).unwrap();
    for token in [&first, &reminder.token] {
        assert!(matches!(
            invitations::open(&conn, token, at(13)),
            Err(Error::InvalidToken)
        ));
    }

    let first = invited(&mut conn, "bob@acme.example");
    let reminder = reminded(&mut conn, at(13)).remove(0);
    let selected = invitations::select(
        &conn,
        &Selection::Named(vec!["bob@acme.example".into()]),
        at(13),
    )
    .unwrap();
    invitations::cancel(&mut conn, &selected, "root", at(13)).unwrap();
    for token in [&first, &reminder.token] {
        assert!(matches!(
            invitations::open(&conn, token, at(13)),
            Err(Error::InvalidToken)
        ));
    }
}

#[test]
fn opened_is_recorded_the_first_time_only() {
    let mut conn = db::for_tests();
    let token = invited(&mut conn, "ann@acme.example");
    let id = invitations::open(&conn, &token, at(1)).unwrap().id;
    record_opened(&conn, id, at(1)).unwrap();
    record_opened(&conn, id, at(2)).unwrap();
    assert_eq!(
        invitations::open(&conn, &token, at(3)).unwrap().opened_at,
        Some(at(1))
    );
}

fn renew(conn: &mut Database, token: &Token, policy: RenewPolicy, now: DateTime<Utc>) -> Renewal {
    let tx = conn.write().unwrap();
    let expired = renewals::find(&tx, token, now)
        .unwrap()
        .expect("an expired link");
    let renewal = renewals::renew(&tx, &org(), policy, 2, &expired, now).unwrap();
    tx.commit().unwrap();
    renewal
}

#[test]
fn auto_renews_up_to_the_limit_then_asks_an_admin() {
    let mut conn = db::for_tests();
    let mut token = invited(&mut conn, "ann@acme.example");
    // A link that still works renews nothing.
    assert!(renewals::find(&conn, &token, at(1)).unwrap().is_none());
    for (count, now) in [(1, at(25)), (2, at(50))] {
        match renew(&mut conn, &token, RenewPolicy::Auto, now) {
            Renewal::Renewed { issued, count: n } => {
                assert_eq!(n, count);
                assert_eq!(issued.invited_by, "Ida");
                assert_eq!(issued.expires_at, now + chrono::Duration::hours(24));
                // The old link is dead, not expired.
                assert!(matches!(
                    invitations::open(&conn, &token, now),
                    Err(Error::InvalidToken)
                ));
                token = issued.token;
            }
            other => panic!("not renewed: {other:?}"),
        }
    }
    match renew(&mut conn, &token, RenewPolicy::Auto, at(75)) {
        Renewal::Asked {
            first: true,
            limit_reached: true,
            ..
        } => {}
        other => panic!("not asked: {other:?}"),
    }
}

#[test]
fn admin_records_one_request_and_cancelled_links_never_renew() {
    let mut conn = db::for_tests();
    let token = invited(&mut conn, "ann@acme.example");
    assert!(matches!(
        renew(&mut conn, &token, RenewPolicy::Admin, at(25)),
        Renewal::Asked { first: true, .. }
    ));
    assert!(matches!(
        renew(&mut conn, &token, RenewPolicy::Admin, at(26)),
        Renewal::Asked { first: false, .. }
    ));
    let shown = invitations::open(&conn, &token, at(1)).unwrap();
    assert_eq!(shown.renewal_requested_at, Some(at(25)));

    let cancelled = invited(&mut conn, "bob@acme.example");
    let selected = invitations::select(
        &conn,
        &Selection::Named(vec!["bob@acme.example".into()]),
        at(25),
    )
    .unwrap();
    invitations::cancel(&mut conn, &selected, "root", at(25)).unwrap();
    assert!(matches!(
        renewals::find(&conn, &cancelled, at(25)),
        Err(Error::InvalidToken)
    ));
    assert!(matches!(
        renewals::find(&conn, &Token::generate(), at(25)),
        Err(Error::InvalidToken)
    ));
}
