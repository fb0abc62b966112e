//! Resending (a new token, a fresh window, every earlier link dead) and
//! cancelling, of invitations chosen by address, ID or state.

use super::*;

/// What an invitation row carries over from one token to the next.
pub(super) struct Fields<'a> {
    email: &'a str,
    user_id: Option<i64>,
    role: &'a str,
    department_id: Option<i64>,
    team_ids: &'a [i64],
    invited_by: &'a str,
    sender: Option<Sender>,
}

/// Writes a pending invitation with a fresh token and window.
pub(super) fn issue(
    tx: &Database,
    org: &Organization,
    fields: Fields<'_>,
    now: DateTime<Utc>,
) -> Result<Issued> {
    let token = Token::generate();
    let expires_at = time::add(now, org.invitation_ttl);
    let id: i64 = tx.query_one(
        "INSERT INTO invitations
           (email, user_id, role, department_id, invited_by, token_hash, status, sent_at, expires_at,
            sender_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8, ?9) RETURNING id",
        params![
            fields.email,
            fields.user_id,
            fields.role,
            fields.department_id,
            fields.invited_by,
            &token.hash(),
            now,
            expires_at,
            fields.sender.map(|sender| sender.0),
        ],
        |row| row.get(0),
    )?;
    for team_id in fields.team_ids {
        tx.execute(
            "INSERT INTO invitation_teams (invitation_id, team_id) VALUES (?1, ?2)",
            params![id, team_id],
        )?;
    }
    Ok(Issued {
        id,
        email: fields.email.to_string(),
        role: fields.role.to_string(),
        department: None,
        teams: Vec::new(),
        invited_by: fields.invited_by.to_string(),
        token,
        expires_at,
        lang: None,
    })
}

/// "There is no user or invitation for …", with the closest known addresses.
pub(super) fn unknown_address(conn: &Database, wanted: &str) -> Result<Error> {
    let known: Vec<String> = conn.query(
        "SELECT email FROM users UNION SELECT email FROM invitations",
        &[],
        |row| row.get(0),
    )?;
    let close = suggest::closest_addresses(&address::lookup_key(wanted), &known);
    Ok(Error::Refused(format!(
        "there is no user or invitation for {wanted}{}; see `invitectl users list --status all` \
         and `invitectl list --status all`",
        suggest::did_you_mean(&close)
    )))
}

/// Which invitations `resend` or `cancel` act on.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Email addresses or invitation ids, as typed.
    Named(Vec<String>),
    Expired,
    /// Pending ones whose last delivery failed or never finished.
    Failed,
}

/// The current invitation for each selected one, refused as a whole when a
/// named one does not exist or is already accepted or cancelled.
pub fn select(
    conn: &Database,
    selection: &Selection,
    now: DateTime<Utc>,
) -> Result<Vec<Invitation>> {
    let query_all = |condition: &str| -> Result<Vec<Invitation>> {
        let sql = format!("{SELECT} WHERE {condition} ORDER BY i.id");
        conn.query(&sql, params![now], from_row)
    };
    let names = match selection {
        Selection::Expired => {
            return query_all(concat!("i.status = 'pending' AND ", expired!()));
        }
        Selection::Failed => {
            return query_all(concat!("i.status = 'pending' AND ", undelivered!()));
        }
        Selection::Named(names) => names,
    };
    let current = format!(
        "{SELECT} WHERE i.email = (SELECT email FROM invitations WHERE id = ?2 OR email = ?3 LIMIT 1)
          AND i.status <> 'superseded' ORDER BY i.id DESC LIMIT 1"
    );
    let mut found = Vec::new();
    let mut refusals = Vec::new();
    for name in names {
        let name = name.trim();
        let id: Option<i64> = name.parse().ok();
        let email = address::lookup_key(name);
        let invitation = conn.query_row(&current, params![now, id, &email], from_row)?;
        match invitation {
            None => refusals.push(format!("there is no invitation for {name}")),
            Some(invitation) if found.iter().any(|f: &Invitation| f.id == invitation.id) => {}
            Some(invitation) => match invitation.status {
                Status::Accepted => refusals.push(format!(
                    "{} already accepted the invitation at {}",
                    invitation.email,
                    invitation.accepted_at.map_or("an earlier time".into(), stamp)
                )),
                Status::Cancelled | Status::Superseded => refusals.push(format!(
                    "the invitation for {} was cancelled; invite the address again with `invitectl invite`",
                    invitation.email
                )),
                Status::Pending | Status::Expired => found.push(invitation),
            },
        }
    }
    if refusals.is_empty() {
        Ok(found)
    } else {
        Err(Error::Refused(problems(refusals)))
    }
}

/// New token and a fresh window for each selected invitation; every earlier
/// token of it stops working in the same transaction.
pub fn resend(
    conn: &mut Database,
    org: &Organization,
    selected: &[Invitation],
    actor: &str,
    sender: Option<Sender>,
    now: DateTime<Utc>,
) -> Result<Vec<Issued>> {
    let tx = conn.write()?;
    let mut issued = Vec::with_capacity(selected.len());
    for invitation in selected {
        match reissue(&tx, org, invitation.id, actor, sender, now)? {
            Some(new) => issued.push(new),
            None => return Err(changed_meanwhile(&invitation.email)),
        }
    }
    tx.commit()?;
    Ok(issued)
}

/// What a resend carries over from the invitation it supersedes:
/// email, user id, role, department id, Invited By, the user's language.
pub(super) type CarriedOver = (
    String,
    Option<i64>,
    String,
    Option<i64>,
    String,
    Option<String>,
);

/// Supersedes a pending invitation with a new token and a fresh window;
/// `None` when it is no longer pending.
pub(crate) fn reissue(
    tx: &Database,
    org: &Organization,
    invitation_id: i64,
    actor: &str,
    sender: Option<Sender>,
    now: DateTime<Utc>,
) -> Result<Option<Issued>> {
    let old: Option<CarriedOver> = tx.query_row(
        "UPDATE invitations SET status = 'superseded', superseded_at = ?2, superseded_by = ?3
         WHERE id = ?1 AND status = 'pending'
         RETURNING email, user_id, role, department_id, invited_by,
           (SELECT u.lang FROM users u WHERE u.id = user_id)",
        params![invitation_id, now, actor],
        |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
            ))
        },
    )?;
    let Some((email, user_id, role, department_id, invited_by, lang)) = old else {
        return Ok(None);
    };
    let teams: Vec<(i64, String)> = tx.query(
        "SELECT t.id, t.name FROM invitation_teams it JOIN teams t ON t.id = it.team_id
         WHERE it.invitation_id = ?1 ORDER BY lower(t.name)",
        params![invitation_id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let department: Option<String> = tx.query_row(
        "SELECT name FROM departments WHERE id = ?1",
        params![department_id],
        |row| row.get(0),
    )?;
    let team_ids: Vec<i64> = teams.iter().map(|(id, _)| *id).collect();
    let new = issue(
        tx,
        org,
        Fields {
            email: &email,
            user_id,
            role: &role,
            department_id,
            team_ids: &team_ids,
            invited_by: &invited_by,
            sender,
        },
        now,
    )?;
    tx.execute(
        "UPDATE invitations SET replaced_by = ?2 WHERE id = ?1",
        params![invitation_id, new.id],
    )?;
    audit::record(tx, now, actor, "resend", &email)?;
    Ok(Some(Issued {
        department,
        lang: lang_of(lang),
        teams: teams.into_iter().map(|(_, name)| name).collect(),
        ..new
    }))
}

pub(super) fn changed_meanwhile(email: &str) -> Error {
    Error::Refused(format!(
        "the invitation for {email} was changed by someone else meanwhile; nothing was written, check `invitectl list --status all`"
    ))
}

/// Kills each selected invitation's link at once. The pending user record
/// goes with it, so the address can be invited again later.
pub fn cancel(
    conn: &mut Database,
    selected: &[Invitation],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let tx = conn.write()?;
    for invitation in selected {
        let user_id: Option<Option<i64>> = tx.query_row(
            "UPDATE invitations SET status = 'cancelled', cancelled_at = ?2, cancelled_by = ?3
             WHERE id = ?1 AND status = 'pending' RETURNING user_id",
            params![invitation.id, now, actor],
            |row| row.get(0),
        )?;
        let Some(user_id) = user_id else {
            return Err(changed_meanwhile(&invitation.email));
        };
        tx.execute(
            "DELETE FROM users WHERE id = ?1 AND status = 'pending'",
            params![user_id],
        )?;
        audit::record(&tx, now, actor, "cancel", &invitation.email)?;
    }
    tx.commit()?;
    Ok(())
}

/// Splits named targets (addresses or IDs) into those `cancel` acts on and
/// the addresses whose newest invitation is cancelled already: cancelling
/// it again changes nothing. The newest invitation of an address decides,
/// as in [`select`].
pub fn split_cancelled(
    conn: &Database,
    targets: Vec<String>,
) -> Result<(Vec<String>, Vec<String>)> {
    let mut rest = Vec::new();
    let mut already = Vec::new();
    for target in targets {
        let key = address::lookup_key(&target);
        let id: i64 = target.trim().parse().unwrap_or(-1);
        let newest: Option<(String, String)> = conn.query_row(
            "SELECT n.email, n.status FROM invitations n
             WHERE n.email = (SELECT email FROM invitations WHERE id = ?1 OR email = ?2
                              ORDER BY id DESC LIMIT 1)
             ORDER BY n.id DESC LIMIT 1",
            params![id, &key],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        match newest {
            Some((email, status)) if Status::from_db(&status) == Status::Cancelled => {
                already.push(email)
            }
            _ => rest.push(target),
        }
    }
    Ok((rest, already))
}
