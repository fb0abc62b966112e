//! "Send me a new link" on the Invitation Expired page (`POST /renew`),
//! as `[organization] renew` says: `auto` issues a fresh invitation at once
//! (at most `renew_limit` times per invitation), `admin` records the request
//! for an admin, whom `list --status renewal` shows it and whose `resend`
//! answers it. Only a link that would otherwise say "expired" can renew:
//! cancelled, superseded, used and unknown ones cannot. Nothing here prints
//! or reads the clock.

use chrono::{DateTime, Utc};

use crate::config::{Organization, RenewPolicy};
use crate::db::Database;
use crate::domain::audit;
use crate::domain::hook_events;
use crate::domain::invitations::{self, Issued};
use crate::error::{Error, Result};
use crate::params;
use crate::token::Token;

/// An expired invitation a token opens: what the page may act on. The
/// address is what the token proves already (its mail went there).
#[derive(Debug, Clone)]
pub struct Expired {
    pub id: i64,
    pub email: String,
    pub user_id: Option<i64>,
    pub role: String,
    pub expires_at: DateTime<Utc>,
    /// Its invitee's language, for the page that answers.
    pub lang: Option<crate::i18n::Lang>,
}

/// What a renewal came to.
#[derive(Debug, Clone)]
pub enum Renewal {
    /// A fresh invitation, to mail; `count` renewals so far, this one included.
    Renewed { issued: Box<Issued>, count: u32 },
    /// Recorded for an admin. `first` when this request is the first for
    /// the invitation (later ones change nothing); `limit_reached` when
    /// `auto` would have renewed but the invitation is at `renew_limit`.
    Asked {
        email: String,
        first: bool,
        limit_reached: bool,
    },
}

/// The expired invitation `token` opens. A link that still works is
/// `Ok(None)`; any other one the error its page shows (invalid, used).
pub fn find(conn: &Database, token: &Token, now: DateTime<Utc>) -> Result<Option<Expired>> {
    match invitations::open(conn, token, now) {
        Ok(_) => return Ok(None),
        Err(Error::Expired { .. }) => {}
        Err(e) => return Err(e),
    }
    let hash = token.hash();
    let found = conn.query_row(
        "SELECT i.id, i.email, i.user_id, i.expires_at, i.role,
           (SELECT u.lang FROM users u WHERE u.id = i.user_id) FROM invitations i
         WHERE i.status = 'pending' AND (i.token_hash = ?1
            OR i.id = (SELECT invitation_id FROM invitation_links WHERE token_hash = ?1))",
        params![&hash],
        |row| {
            Ok(Expired {
                id: row.get(0)?,
                email: row.get(1)?,
                user_id: row.get(2)?,
                expires_at: row.get(3)?,
                role: row.get(4)?,
                lang: invitations::lang_of(row.get(5)?),
            })
        },
    )?;
    // Changed since `open` looked: say what it is now.
    found.map(Some).ok_or(Error::InvalidToken)
}

/// Renews the expired invitation `expired`, in the caller's write
/// transaction, as `policy` says; audited with the invitee's address as the
/// actor, with an `invitation.renewal_requested` event.
pub fn renew(
    tx: &Database,
    org: &Organization,
    policy: RenewPolicy,
    limit: u32,
    expired: &Expired,
    now: DateTime<Utc>,
) -> Result<Renewal> {
    let email = expired.email.as_str();
    let mut limit_reached = false;
    if policy == RenewPolicy::Auto {
        let count = renewals_so_far(tx, expired)?;
        if count < limit {
            let Some(issued) = invitations::reissue(tx, org, expired.id, email, None, now)? else {
                return Err(Error::InvalidToken);
            };
            tx.execute(
                "UPDATE invitations SET renewed_at = ?2 WHERE id = ?1",
                params![expired.id, now],
            )?;
            let count = count + 1;
            audit::record_detail(
                tx,
                now,
                email,
                "renewal requested",
                email,
                Some(&format!(
                    "a new link was mailed (renewal {count} of at most {limit})"
                )),
            )?;
            record_event(tx, expired, now)?;
            return Ok(Renewal::Renewed {
                issued: Box::new(issued),
                count,
            });
        }
        limit_reached = true;
    } else if policy == RenewPolicy::Off {
        return Err(Error::Refused(
            "renewing an invitation from its link is off ([organization] renew = \"off\")".into(),
        ));
    }
    let first = tx.execute(
        "UPDATE invitations SET renewal_requested_at = ?2
         WHERE id = ?1 AND status = 'pending' AND renewal_requested_at IS NULL",
        params![expired.id, now],
    )? == 1;
    if first {
        let why = if limit_reached {
            format!("renewed {limit} time(s) already; ")
        } else {
            String::new()
        };
        audit::record_detail(
            tx,
            now,
            email,
            "renewal requested",
            email,
            Some(&format!(
                "{why}waiting for an admin: `invitectl resend {email}`"
            )),
        )?;
        record_event(tx, expired, now)?;
    }
    Ok(Renewal::Asked {
        email: email.to_string(),
        first,
        limit_reached,
    })
}

/// How many times the invitee has renewed this invitation: its pending
/// user's earlier invitations that a renewal replaced.
fn renewals_so_far(tx: &Database, expired: &Expired) -> Result<u32> {
    let count: i64 = match expired.user_id {
        Some(user_id) => tx.query_one(
            "SELECT count(*) FROM invitations WHERE user_id = ?1 AND renewed_at IS NOT NULL",
            params![user_id],
            |row| row.get(0),
        )?,
        None => 0,
    };
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

fn record_event(tx: &Database, expired: &Expired, now: DateTime<Utc>) -> Result<()> {
    match expired.user_id {
        Some(user_id) => hook_events::record(
            tx,
            hook_events::Event::RenewalRequested,
            user_id,
            &expired.email,
            now,
        ),
        None => Ok(()),
    }
}

/// An address as a page may show it to whoever holds its link: the first
/// character of the local part and the domain, `a…@acme.example`.
pub fn masked(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "…".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn an_address_is_shown_by_its_first_character_and_domain() {
        assert_eq!(masked("ann.lee@acme.example"), "a…@acme.example");
        assert_eq!(masked("é@acme.example"), "é…@acme.example");
        assert_eq!(masked("nonsense"), "…");
    }
}
