//! Accepting: opening a link, checking the form, and the one write
//! transaction in which exactly one accept of a token wins.

use super::*;

/// The pending, unexpired invitation a token opens; what an invitee sees
/// before accepting. A used link says so: its account exists.
pub fn open(conn: &Database, token: &Token, now: DateTime<Utc>) -> Result<Invitation> {
    let invitation = match conn.query_row(
        concat!(
            select!(),
            " WHERE i.token_hash = ?2 AND i.status IN ('pending', 'accepted')"
        ),
        params![now, &token.hash()],
        from_row,
    )? {
        // Not the first mail's link: maybe a reminder's (see `crate::domain::reminders`).
        None => conn.query_row(
            concat!(
                select!(),
                " WHERE i.id = (SELECT invitation_id FROM invitation_links WHERE token_hash = ?2)
                   AND i.status IN ('pending', 'accepted')"
            ),
            params![now, &token.hash()],
            from_row,
        )?,
        found => found,
    };
    match invitation {
        None => Err(Error::InvalidToken),
        Some(invitation) if invitation.status == Status::Accepted => Err(Error::AlreadyAccepted),
        Some(invitation) if invitation.status == Status::Expired => Err(Error::Expired {
            admin: invitation.invited_by,
            expired_at: invitation.expires_at,
            lang: invitation.lang,
        }),
        Some(invitation) => Ok(invitation),
    }
}

/// What the invitee fills in.
#[derive(Clone, Default)]
pub struct Acceptance {
    pub first_name: String,
    pub last_name: String,
    pub password: String,
    pub confirm_password: String,
}

/// Every problem with the form, each with its field, in the form's order;
/// empty when `accept` takes it. The same checks `accept` makes, so that a
/// page can show each message at its field.
pub fn check_form(form: &Acceptance) -> Vec<(Field, Problem)> {
    let mut problems = check_names(&form.first_name, &form.last_name);
    problems.extend(check_passwords(&form.password, &form.confirm_password));
    problems
}

/// Accepts an invitation: checks the form, hashes the password, then in one
/// transaction marks exactly one pending, unexpired invitation accepted and
/// makes its user active. Of two concurrent accepts of one token, one wins.
pub fn accept(
    conn: &mut Database,
    token: &Token,
    form: &Acceptance,
    now: DateTime<Utc>,
) -> Result<User> {
    // Any live link of the invitation (the first mail's, a reminder's) opens it.
    let opened = open(conn, token, now)?;
    let first_name = check_name("First Name", &form.first_name)?;
    let last_name = check_name("Last Name", &form.last_name)?;
    password::check_policy(&form.password, &form.confirm_password)?;
    let password_hash = password::hash(&form.password)?;

    let tx = conn.write()?;
    let accepted: Option<(i64, Option<i64>, String, Option<i64>)> = tx.query_row(
        concat!(
            "UPDATE invitations AS i SET status = 'accepted', accepted_at = ?1
             WHERE i.id = ?2 AND i.status = 'pending' AND NOT (",
            expired!(),
            ") RETURNING id, user_id, role, department_id"
        ),
        params![now, opened.id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )?;
    let Some((invitation_id, Some(user_id), role, department_id)) = accepted else {
        drop(tx);
        // Someone else used it, or it expired or was cancelled meanwhile: say which.
        open(conn, token, now)?;
        return Err(Error::InvalidToken);
    };
    let activated = tx.execute(
        "UPDATE users SET status = 'active', first_name = ?2, last_name = ?3, password_hash = ?4,
                role = ?5, department_id = ?6, activated_at = ?7
         WHERE id = ?1 AND status = 'pending'",
        params![
            user_id,
            &first_name,
            &last_name,
            &password_hash,
            &role,
            department_id,
            now
        ],
    )?;
    if activated != 1 {
        return Err(Error::InvalidToken);
    }
    tx.execute(
        "DELETE FROM user_teams WHERE user_id = ?1",
        params![user_id],
    )?;
    tx.execute(
        "INSERT INTO user_teams (user_id, team_id) SELECT ?1, team_id FROM invitation_teams WHERE invitation_id = ?2",
        params![user_id, invitation_id],
    )?;
    let email: String = tx.query_one(
        "SELECT email FROM users WHERE id = ?1",
        params![user_id],
        |row| row.get(0),
    )?;
    audit::record(&tx, now, &email, "accept", &email)?;
    hook_events::record(&tx, hook_events::Event::Activated, user_id, &email, now)?;
    tx.commit()?;
    user::get(conn, user_id)
}
