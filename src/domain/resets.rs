//! Password resets: a single-use link, mailed to an active user, to set a
//! new password. As with invitation tokens, only the link's SHA-256 is
//! stored; a newer link replaces the older one at once; expiry is derived
//! from the clock. Nothing here prints or reads the clock.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::Organization;
use crate::db::Database;
use crate::domain::audit;
use crate::domain::hook_events;
use crate::domain::user;
use crate::domain::user::{User, UserStatus};
use crate::error::{Error, Result};
use crate::token::Token;
use crate::{params, password, time};

/// A stored link with the plaintext token that goes into its email. The
/// token exists only here, in memory, until the message is built.
#[derive(Debug, Clone)]
pub struct IssuedReset {
    pub id: i64,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub token: Token,
    pub expires_at: DateTime<Utc>,
    /// The user's language, when not `[organization] language`.
    pub lang: Option<crate::i18n::Lang>,
}

/// Why an address gets no link, in a sentence that says what to do.
fn refusal(email: &str, user: &User) -> Option<String> {
    let email = email.trim();
    match user.status {
        UserStatus::Pending => Some(format!(
            "{email} has not accepted their invitation yet, so there is no password to reset; \
             send a new invitation link with `invitectl resend {email}`"
        )),
        UserStatus::Inactive => Some(format!(
            "{email} is inactive, so their password cannot be reset; \
             reactivate them first with `invitectl users reactivate {email}`"
        )),
        UserStatus::Active => None,
    }
}

/// Issues a new link for an active user, inside the caller's write
/// transaction; the user's older links stop working (an admin sending a
/// fresh link wants no other one alive). A pending or inactive user, or an
/// unknown address, is refused with the reason. `actor` and `detail` go to
/// the audit log.
pub fn issue(
    tx: &Database,
    org: &Organization,
    email: &str,
    actor: &str,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<IssuedReset> {
    let Some(user) = user::find_by_email(tx, email)? else {
        return Err(user::not_found(tx, email)?);
    };
    if let Some(reason) = refusal(email, &user) {
        return Err(Error::Refused(reason));
    }
    replace_pending(tx, user.id)?;
    add_link(tx, org, user, actor, detail, now)
}

fn replace_pending(tx: &Database, user_id: i64) -> Result<()> {
    tx.execute(
        "UPDATE password_resets SET status = 'replaced' WHERE user_id = ?1 AND status = 'pending'",
        params![user_id],
    )?;
    Ok(())
}

/// A new link beside any the user already has.
fn add_link(
    tx: &Database,
    org: &Organization,
    user: User,
    actor: &str,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<IssuedReset> {
    let token = Token::generate();
    let expires_at = time::add(now, org.reset_ttl);
    let id = tx.query_one(
        "INSERT INTO password_resets (user_id, token_hash, status, requested_by, created_at, expires_at)
         VALUES (?1, ?2, 'pending', ?3, ?4, ?5) RETURNING id",
        params![user.id, &token.hash(), actor, now, expires_at],
        |row| row.get(0),
    )?;
    audit::record_detail(tx, now, actor, "reset requested", &user.email, detail)?;
    Ok(IssuedReset {
        id,
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        token,
        expires_at,
        lang: user.lang,
    })
}

/// What the "forgot password" page asks for: a link for whoever `email`
/// is, when it is an active user; `None` (and an audit entry saying why)
/// otherwise. `client` says who asked, like "from 192.0.2.1". A link
/// mailed before keeps working: anyone may ask for an address, and a
/// request must not take away the link its owner is about to use.
pub fn request(
    tx: &Database,
    org: &Organization,
    email: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<Option<IssuedReset>> {
    let attempted = crate::domain::sessions::attempted_address(email);
    let user = user::find_by_email(tx, email)?;
    let why = match user.as_ref().map(|u| u.status) {
        Some(UserStatus::Active) => {
            let user = user.expect("an active user");
            return add_link(tx, org, user, &attempted, Some(client), now).map(Some);
        }
        Some(UserStatus::Pending) => "a pending user",
        Some(UserStatus::Inactive) => "an inactive user",
        None => "no such user",
    };
    let detail = format!("{client}: {why}; no link was sent");
    audit::record_detail(
        tx,
        now,
        &attempted,
        "reset refused",
        &attempted,
        Some(&detail),
    )?;
    Ok(None)
}

/// Records how the link's mail went: `sent`, or `failed: reason`.
pub fn record_delivery(
    conn: &Database,
    id: i64,
    outcome: &std::result::Result<String, String>,
) -> Result<()> {
    let state = match outcome {
        Ok(_) => "sent".to_string(),
        Err(reason) => format!("failed: {reason}"),
    };
    conn.execute(
        "UPDATE password_resets SET delivery = ?2 WHERE id = ?1",
        params![id, &state],
    )?;
    Ok(())
}

/// The link a token opens: who it is for, and until when.
#[derive(Debug, Clone)]
pub struct ResetLink {
    pub id: i64,
    pub user_id: i64,
    pub email: String,
    pub expires_at: DateTime<Utc>,
    /// The user's language, for the page.
    pub lang: Option<crate::i18n::Lang>,
}

/// The pending, unexpired link of an active user that a token opens: what
/// the reset page shows before a new password is set. Only reads.
pub fn open(conn: &Database, token: &Token, now: DateTime<Utc>) -> Result<ResetLink> {
    let link = conn.query_row(
        "SELECT r.id, r.user_id, u.email, r.expires_at, u.lang FROM password_resets r
         JOIN users u ON u.id = r.user_id
         WHERE r.token_hash = ?1 AND r.status = 'pending' AND u.status = 'active'",
        params![&token.hash()],
        |row| {
            Ok(ResetLink {
                id: row.get(0)?,
                user_id: row.get(1)?,
                email: row.get(2)?,
                expires_at: row.get(3)?,
                lang: row
                    .get::<Option<String>>(4)?
                    .as_deref()
                    .and_then(crate::i18n::Lang::from_tag),
            })
        },
    )?;
    match link {
        None => Err(Error::InvalidResetLink),
        Some(link) if link.expires_at <= now => Err(Error::ResetExpired {
            expired_at: link.expires_at,
        }),
        Some(link) => Ok(link),
    }
}

/// What the user fills in.
#[derive(Clone, Default)]
pub struct NewPassword {
    pub password: String,
    pub confirm_password: String,
}

/// Sets a new password with a link: checks it against the policy, hashes
/// it, then in one transaction uses the link up (exactly one of two
/// concurrent uses wins), stores the hash and ends every session of the
/// user. Returns the user, for logging them in.
pub fn complete(
    conn: &mut Database,
    token: &Token,
    form: &NewPassword,
    now: DateTime<Utc>,
) -> Result<User> {
    open(conn, token, now)?;
    password::check_policy(&form.password, &form.confirm_password)?;
    let password_hash = password::hash(&form.password)?;

    let tx = conn.write()?;
    let used: Option<i64> = tx.query_row(
        "UPDATE password_resets SET status = 'used', used_at = ?1
         WHERE token_hash = ?2 AND status = 'pending' AND expires_at > ?1 RETURNING user_id",
        params![now, &token.hash()],
        |row| row.get(0),
    )?;
    let Some(user_id) = used else {
        drop(tx);
        // Used meanwhile, replaced, or expired: say which.
        open(conn, token, now)?;
        return Err(Error::InvalidResetLink);
    };
    let changed = tx.execute(
        "UPDATE users SET password_hash = ?2 WHERE id = ?1 AND status = 'active'",
        params![user_id, &password_hash],
    )?;
    if changed != 1 {
        // Deactivated meanwhile; the transaction is rolled back.
        return Err(Error::InvalidResetLink);
    }
    user::end_sessions(&tx, user_id)?;
    replace_pending(&tx, user_id)?;
    let email: String = tx.query_one(
        "SELECT email FROM users WHERE id = ?1",
        params![user_id],
        |row| row.get(0),
    )?;
    audit::record(&tx, now, &email, "password reset", &email)?;
    hook_events::record(&tx, hook_events::Event::PasswordReset, user_id, &email, now)?;
    tx.commit()?;
    user::get(conn, user_id)
}

/// "1 hour", "90 minutes", "2 days": how long a link works, for people.
pub fn lifetime_in_words(lifetime: Duration) -> String {
    let seconds = lifetime.as_secs();
    let (count, unit) = if seconds >= 86_400 && seconds.is_multiple_of(86_400) {
        (seconds / 86_400, "day")
    } else if seconds >= 3600 && seconds.is_multiple_of(3600) {
        (seconds / 3600, "hour")
    } else if seconds >= 60 && seconds.is_multiple_of(60) {
        (seconds / 60, "minute")
    } else {
        (seconds, "second")
    };
    match count {
        1 => format!("1 {unit}"),
        _ => format!("{count} {unit}s"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::db;
    use crate::domain::invitations::{self, Acceptance, InviteOptions, Outcome, Request};

    const PASSWORD: &str = "correct horse battery";
    const NEW_PASSWORD: &str = "a new staple battery";

    fn org() -> Organization {
        Organization {
            name: "Acme".into(),
            base_url: "https://invite.acme.example".into(),
            dashboard_url: "/dashboard".into(),
            admin: None,
            contact: None,
            roles: vec!["viewer".into()],
            invitation_ttl: Duration::from_secs(24 * 3600),
            reset_ttl: Duration::from_secs(3600),
            session_ttl: Duration::from_secs(12 * 3600),
            end_warning: std::time::Duration::from_secs(7 * 24 * 3600),
            language: crate::i18n::Lang::En,
            timezone: crate::i18n::Zone::UTC,
        }
    }

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, hour, minute, 0).unwrap()
    }

    /// Invites `email`; accepts it too when `accept`.
    fn user(conn: &mut Database, email: &str, accept: bool) {
        let request = Request {
            email: email.into(),
            role: Some("viewer".into()),
            ..Request::default()
        };
        let options = InviteOptions {
            invited_by: "it".into(),
            actor: "root".into(),
            skip_existing: false,
            dry_run: false,
            sender: None,
        };
        let Outcome::Invited(issued) =
            invitations::invite(conn, &org(), &[request], &options, at(8, 0))
                .unwrap()
                .remove(0)
        else {
            panic!("not invited")
        };
        if accept {
            let form = Acceptance {
                first_name: "Ann".into(),
                last_name: "Lee".into(),
                password: PASSWORD.into(),
                confirm_password: PASSWORD.into(),
            };
            invitations::accept(conn, &issued.token, &form, at(8, 0)).unwrap();
        }
    }

    fn issue_now(conn: &mut Database, email: &str, now: DateTime<Utc>) -> Result<IssuedReset> {
        let tx = conn.write()?;
        let issued = issue(&tx, &org(), email, "root", None, now)?;
        tx.commit()?;
        Ok(issued)
    }

    fn new_password() -> NewPassword {
        NewPassword {
            password: NEW_PASSWORD.into(),
            confirm_password: NEW_PASSWORD.into(),
        }
    }

    #[test]
    fn a_link_sets_a_new_password_once_and_ends_every_session() {
        let mut conn = db::for_tests();
        user(&mut conn, "ann@acme.example", true);
        let ann = user::find_by_email(&conn, "ann@acme.example")
            .unwrap()
            .unwrap();
        let session =
            crate::domain::sessions::create(&conn, ann.id, Duration::from_secs(3600), at(9, 0))
                .unwrap();
        let issued = issue_now(&mut conn, " Ann@Acme.example ", at(9, 0)).unwrap();
        assert_eq!(issued.email, "ann@acme.example");
        assert_eq!(issued.expires_at, at(10, 0));
        let stored: Vec<u8> = conn
            .query_one("SELECT token_hash FROM password_resets", &[], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, issued.token.hash(), "only the hash is stored");

        assert_eq!(
            open(&conn, &issued.token, at(9, 30)).unwrap().email,
            "ann@acme.example"
        );
        let user = complete(&mut conn, &issued.token, &new_password(), at(9, 30)).unwrap();
        assert_eq!(user.email, "ann@acme.example");
        assert!(
            crate::domain::sessions::user(&conn, &session, at(9, 30))
                .unwrap()
                .is_none(),
            "the old session ended"
        );
        crate::domain::sessions::login(
            &mut conn,
            "ann@acme.example",
            NEW_PASSWORD,
            "test",
            Duration::from_secs(3600),
            at(9, 31),
            |_| Ok(()),
        )
        .unwrap();
        assert!(
            crate::domain::sessions::login(
                &mut conn,
                "ann@acme.example",
                PASSWORD,
                "test",
                Duration::from_secs(3600),
                at(9, 31),
                |_| Ok(())
            )
            .is_err()
        );
        assert!(matches!(
            complete(&mut conn, &issued.token, &new_password(), at(9, 32)),
            Err(Error::InvalidResetLink)
        ));
        let actions: Vec<String> = conn
            .query(
                "SELECT action FROM audit_log WHERE action LIKE '%reset%' ORDER BY id",
                &[],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(actions, ["reset requested", "password reset"]);
    }

    #[test]
    fn a_newer_link_kills_the_older_and_links_expire_by_the_clock() {
        let mut conn = db::for_tests();
        user(&mut conn, "ann@acme.example", true);
        let first = issue_now(&mut conn, "ann@acme.example", at(9, 0)).unwrap();
        let second = issue_now(&mut conn, "ann@acme.example", at(9, 5)).unwrap();
        assert!(matches!(
            open(&conn, &first.token, at(9, 6)),
            Err(Error::InvalidResetLink)
        ));
        assert!(open(&conn, &second.token, at(9, 6)).is_ok());
        match complete(&mut conn, &second.token, &new_password(), at(10, 5)) {
            Err(Error::ResetExpired { expired_at }) => assert_eq!(expired_at, at(10, 5)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pending_inactive_and_unknown_users_get_no_link_and_say_why() {
        let mut conn = db::for_tests();
        user(&mut conn, "ann@acme.example", true);
        user(&mut conn, "bob@acme.example", false);
        crate::domain::users::deactivate(&mut conn, "ann@acme.example", "root", at(9, 0)).unwrap();
        for (email, reason) in [
            ("bob@acme.example", "`invitectl resend bob@acme.example`"),
            (
                "ann@acme.example",
                "`invitectl users reactivate ann@acme.example`",
            ),
            ("carl@acme.example", "there is no user carl@acme.example"),
        ] {
            match issue_now(&mut conn, email, at(9, 0)) {
                Err(Error::Refused(message)) => assert!(message.contains(reason), "{message}"),
                other => panic!("{email}: {other:?}"),
            }
            let tx = conn.write().unwrap();
            assert!(
                request(&tx, &org(), email, "from 192.0.2.1", at(9, 0))
                    .unwrap()
                    .is_none()
            );
            tx.commit().unwrap();
        }
        let refused: i64 = conn
            .query_one(
                "SELECT count(*) FROM audit_log WHERE action = 'reset refused' AND detail LIKE 'from 192.0.2.1: %'",
                &[],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(refused, 3);
        let links: i64 = conn
            .query_one("SELECT count(*) FROM password_resets", &[], |r| r.get(0))
            .unwrap();
        assert_eq!(links, 0);
    }

    #[test]
    fn a_link_of_a_user_deactivated_since_does_not_work_even_after_reactivation() {
        let mut conn = db::for_tests();
        user(&mut conn, "ann@acme.example", true);
        let issued = issue_now(&mut conn, "ann@acme.example", at(9, 0)).unwrap();
        crate::domain::users::deactivate(&mut conn, "ann@acme.example", "root", at(9, 1)).unwrap();
        assert!(matches!(
            complete(&mut conn, &issued.token, &new_password(), at(9, 2)),
            Err(Error::InvalidResetLink)
        ));
        crate::domain::users::reactivate(&mut conn, "ann@acme.example", "root", at(9, 3)).unwrap();
        assert!(matches!(
            complete(&mut conn, &issued.token, &new_password(), at(9, 4)),
            Err(Error::InvalidResetLink)
        ));
    }

    #[test]
    fn the_password_policy_is_the_one_of_accepting() {
        let mut conn = db::for_tests();
        user(&mut conn, "ann@acme.example", true);
        let issued = issue_now(&mut conn, "ann@acme.example", at(9, 0)).unwrap();
        for (password, confirm, problem) in [
            ("seven77", "seven77", "too short"),
            ("password1", "password1", "most common passwords"),
            (NEW_PASSWORD, "something else", "do not match"),
        ] {
            let form = NewPassword {
                password: password.into(),
                confirm_password: confirm.into(),
            };
            match complete(&mut conn, &issued.token, &form, at(9, 1)) {
                Err(Error::Invalid(message)) => assert!(message.contains(problem), "{message}"),
                other => panic!("{other:?}"),
            }
        }
        assert!(open(&conn, &issued.token, at(9, 1)).is_ok(), "still usable");
    }

    #[test]
    fn lifetimes_in_words() {
        assert_eq!(lifetime_in_words(Duration::from_secs(3600)), "1 hour");
        assert_eq!(lifetime_in_words(Duration::from_secs(5400)), "90 minutes");
        assert_eq!(lifetime_in_words(Duration::from_secs(2 * 86_400)), "2 days");
        assert_eq!(lifetime_in_words(Duration::from_secs(45)), "45 seconds");
    }
}
