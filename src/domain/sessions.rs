//! Logging in: password checks and browser sessions. A session id is a random
//! secret kept only in the browser's cookie; the database stores its SHA-256.

use std::sync::{LazyLock, OnceLock};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::db::Database;
use crate::domain::audit;
use crate::domain::user;
use crate::domain::user::{Credentials, User, UserStatus};
use crate::error::{Error, Result};
use crate::time;
use crate::token::{Token, sha256};
use crate::{params, password};

/// The one answer for an unknown address and a wrong password, so that a
/// login form cannot be used to find out who has an account.
pub const WRONG_LOGIN: &str = "the email or password is incorrect";
/// Why the right password of an inactive account gets no session.
pub const INACTIVE_LOGIN: &str =
    "this account is inactive; ask your administrator to reactivate it";

/// Starts a session for a user, `lifetime` long (`[organization]
/// session_ttl`), and returns the secret for the cookie.
pub fn create(
    conn: &Database,
    user_id: i64,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<String> {
    let secret = Token::generate();
    conn.execute(
        "INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![&secret.hash(), user_id, now, time::add(now, lifetime)],
    )?;
    Ok(secret.as_str().to_string())
}

/// The active user a session secret belongs to, if it is current: one read
/// by the sessions table's primary key, joined to the user's row (and its
/// department and teams by their keys), which is what `/auth` asks for every
/// request to every protected app.
pub fn user(conn: &Database, secret: &str, now: DateTime<Utc>) -> Result<Option<User>> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "{} JOIN sessions s ON s.user_id = u.id
             WHERE s.id_hash = ?1 AND s.expires_at > ?2 AND u.status = 'active'
               AND (u.ends_at IS NULL OR u.ends_at > ?2)",
            user::SELECT
        )
    });
    conn.query_row(
        &SQL,
        params![&sha256(secret.as_bytes()), now],
        user::from_row,
    )
}

/// Logs out: ends the session (and every expired one with it), and writes
/// the logout to the audit log as the user's own. Run it in a transaction.
pub fn end(conn: &Database, secret: &str, now: DateTime<Utc>) -> Result<()> {
    let ended: Option<i64> = conn.query_row(
        "DELETE FROM sessions WHERE id_hash = ?1 RETURNING user_id",
        params![&sha256(secret.as_bytes())],
        |row| row.get(0),
    )?;
    conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", params![now])?;
    if let Some(user_id) = ended {
        let email: Option<String> = conn.query_row(
            "SELECT email FROM users WHERE id = ?1",
            params![user_id],
            |row| row.get(0),
        )?;
        if let Some(email) = email {
            audit::record(conn, now, &email, "logout", &email)?;
        }
    }
    Ok(())
}

/// A hash to verify against when the address is unknown, so both cases take
/// one argon2 verification.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        password::hash("decoy password that matches nothing").expect("hashing works")
    })
}

/// The attempted address as the audit log records it: as looked up, and no
/// longer than an address can be.
pub fn attempted_address(email: &str) -> String {
    crate::address::lookup_key(email)
        .chars()
        .take(254)
        .collect()
}

/// Checks an address and password and starts a session; an inactive user
/// is refused even with the right password. A refusal is written to the
/// audit log, with the attempted address (never the password) and `client`
/// (who tried, e.g. "from 192.0.2.1").
///
/// The password is checked outside any transaction, as a hash takes a
/// while. The session is started in a write transaction, together with
/// `also`, only when the user is still active with the session epoch read
/// before the check: a login that raced a password reset or a deactivation
/// (see [`user::end_sessions`]) gets no session.
pub fn login(
    conn: &mut Database,
    email: &str,
    password_text: &str,
    client: &str,
    lifetime: Duration,
    now: DateTime<Utc>,
    also: impl FnOnce(&Database) -> Result<()>,
) -> Result<(User, String)> {
    let started = check_password(conn, email, password_text).and_then(|checked| {
        let tx = conn.write()?;
        let Some(secret) = start(&tx, &checked, lifetime, now)? else {
            return Err(Error::Refused(WRONG_LOGIN.into()));
        };
        let user = user::get(&tx, checked.id)?;
        audit::record(&tx, now, &user.email, "login", &user.email)?;
        also(&tx)?;
        tx.commit()?;
        Ok((user, secret))
    });
    if let Err(Error::Refused(_)) = &started {
        let attempted = attempted_address(email);
        audit::record_detail(
            conn,
            now,
            &attempted,
            "failed login",
            &attempted,
            Some(client),
        )?;
    }
    started
}

/// The user's credentials when the password is theirs and they are active.
fn check_password(conn: &Database, email: &str, password_text: &str) -> Result<Credentials> {
    let found = user::credentials(conn, email)?;
    let hash = found
        .as_ref()
        .and_then(|found| found.password_hash.as_deref())
        .unwrap_or_else(|| decoy_hash());
    let matches = password::verify(password_text, hash);
    match found {
        Some(found) if matches && found.password_hash.is_some() => {
            if found.status != UserStatus::Active {
                return Err(Error::Refused(INACTIVE_LOGIN.into()));
            }
            Ok(found)
        }
        _ => Err(Error::Refused(WRONG_LOGIN.into())),
    }
}

/// Starts a session for checked credentials, if they are still current.
fn start(
    tx: &Database,
    checked: &Credentials,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let secret = Token::generate();
    let started = tx.execute(
        "INSERT INTO sessions (id_hash, user_id, created_at, expires_at)
         SELECT ?1, id, ?3, ?4 FROM users
         WHERE id = ?2 AND status = 'active' AND session_epoch = ?5
           AND (ends_at IS NULL OR ends_at > ?3)",
        params![
            &secret.hash(),
            checked.id,
            now,
            time::add(now, lifetime),
            checked.session_epoch
        ],
    )?;
    Ok((started == 1).then(|| secret.as_str().to_string()))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::config::Organization;

    const LIFETIME: Duration = Duration::from_secs(12 * 3600);
    use crate::db;
    use crate::domain::invitations::{self, Acceptance, InviteOptions, Outcome, Request};

    fn active_user(conn: &mut Database, now: DateTime<Utc>) -> User {
        let org = Organization {
            name: "Acme".into(),
            base_url: "https://x".into(),
            dashboard_url: "/dashboard".into(),
            admin: None,
            contact: None,
            roles: vec!["viewer".into()],
            invitation_ttl: Duration::from_secs(3600),
            reset_ttl: Duration::from_secs(3600),
            session_ttl: Duration::from_secs(12 * 3600),
            end_warning: std::time::Duration::from_secs(7 * 24 * 3600),
            language: crate::i18n::Lang::En,
            timezone: crate::i18n::Zone::UTC,
        };
        let request = Request {
            email: "ann@acme.example".into(),
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
        let Outcome::Invited(issued) = invitations::invite(conn, &org, &[request], &options, now)
            .unwrap()
            .remove(0)
        else {
            panic!("not invited")
        };
        let form = Acceptance {
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            password: "correct horse".into(),
            confirm_password: "correct horse".into(),
        };
        invitations::accept(conn, &issued.token, &form, now).unwrap()
    }

    #[test]
    fn sessions_work_until_they_expire_or_end() {
        let mut conn = db::for_tests();
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let ann = active_user(&mut conn, now);
        let secret = create(&conn, ann.id, LIFETIME, now).unwrap();
        let stored: Vec<u8> = conn
            .query_one("SELECT id_hash FROM sessions", &[], |r| r.get(0))
            .unwrap();
        assert_ne!(stored, secret.as_bytes(), "only the hash is stored");
        assert_eq!(
            user(&conn, &secret, now).unwrap().unwrap().email,
            "ann@acme.example"
        );
        assert!(user(&conn, "forged", now).unwrap().is_none());
        assert!(
            user(&conn, &secret, time::add(now, LIFETIME))
                .unwrap()
                .is_none()
        );
        end(&conn, &secret, now).unwrap();
        assert!(user(&conn, &secret, now).unwrap().is_none());
        let logouts: Vec<(String, String)> = conn
            .query(
                "SELECT actor, subject FROM audit_log WHERE action = 'logout'",
                &[],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            logouts,
            [(
                "ann@acme.example".to_string(),
                "ann@acme.example".to_string()
            )]
        );
        // A session that is already gone logs nobody out.
        end(&conn, &secret, now).unwrap();
        assert_eq!(
            conn.query_one(
                "SELECT count(*) FROM audit_log WHERE action = 'logout'",
                &[],
                |row| row.get::<i64>(0)
            )
            .unwrap(),
            1
        );
    }

    #[test]
    fn login_gives_one_answer_for_unknown_and_wrong_and_refuses_inactive() {
        let mut conn = db::for_tests();
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        active_user(&mut conn, now);
        assert_eq!(
            login(
                &mut conn,
                "ANN@acme.example",
                "correct horse",
                "test",
                LIFETIME,
                now,
                |_| Ok(())
            )
            .unwrap()
            .0
            .first_name
            .as_deref(),
            Some("Ann")
        );
        let wrong = login(
            &mut conn,
            "ann@acme.example",
            "wrong horse",
            "test",
            LIFETIME,
            now,
            |_| Ok(()),
        )
        .unwrap_err()
        .to_string();
        let unknown = login(
            &mut conn,
            "bob@acme.example",
            "correct horse",
            "test",
            LIFETIME,
            now,
            |_| Ok(()),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(wrong, WRONG_LOGIN);
        assert_eq!(unknown, WRONG_LOGIN);
        crate::domain::users::deactivate(&mut conn, "ann@acme.example", "it", now).unwrap();
        let inactive = login(
            &mut conn,
            "ann@acme.example",
            "correct horse",
            "test",
            LIFETIME,
            now,
            |_| Ok(()),
        )
        .unwrap_err()
        .to_string();
        assert!(inactive.contains("inactive"), "{inactive}");
    }

    #[test]
    fn a_login_that_raced_a_deactivation_and_reactivation_gets_no_session() {
        let mut conn = db::for_tests();
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let ann = active_user(&mut conn, now);
        let checked = check_password(&conn, "ann@acme.example", "correct horse").unwrap();
        crate::domain::users::deactivate(&mut conn, "ann@acme.example", "it", now).unwrap();
        crate::domain::users::reactivate(&mut conn, "ann@acme.example", "it", now).unwrap();
        assert_eq!(start(&conn, &checked, LIFETIME, now).unwrap(), None);
        let count: i64 = conn
            .query_one(
                "SELECT count(*) FROM sessions WHERE user_id = ?1",
                params![ann.id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(count, 0);
        // A login that starts afresh is let in.
        let checked = check_password(&conn, "ann@acme.example", "correct horse").unwrap();
        assert!(start(&conn, &checked, LIFETIME, now).unwrap().is_some());
    }
}
