//! What `show` returns: everything about one address, its invitations and
//! every delivery attempt.

use super::*;

/// One hand-over of an invitation's mail to the transport, as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    #[serde(serialize_with = "time::serialize")]
    pub at: DateTime<Utc>,
    /// `sent` or `failed`.
    pub result: &'static str,
    /// What the far end answered (a mail server's reply, the file written),
    /// or why it failed.
    pub reply: String,
    /// `smtp`, `file`, `sendmail`, or `none` when no transport could start.
    pub transport: String,
    /// The message's Message-ID, to look for in the mail server's log.
    pub message_id: Option<String>,
}

/// An invitation with every attempt to deliver it, oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    #[serde(flatten)]
    pub invitation: Invitation,
    pub deliveries: Vec<Delivery>,
}

/// Everything known about one address: what `invitectl show` tells.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub email: String,
    /// None when there is no user (any more): a cancelled invitation takes
    /// its pending user with it.
    pub user: Option<User>,
    /// Every invitation of the address, superseded ones too, oldest first.
    pub invitations: Vec<Sent>,
}

/// The user and every invitation and delivery attempt of an address, or of
/// the address of an invitation id. Unknown: refused, naming the closest
/// known addresses. Read it in a snapshot, so the parts agree.
pub fn record(conn: &Database, target: &str, now: DateTime<Utc>) -> Result<Record> {
    let target = target.trim();
    let email = match target.parse::<i64>() {
        Ok(id) => conn
            .query_row(
                "SELECT email FROM invitations WHERE id = ?1",
                params![id],
                |row| row.get(0),
            )?
            .ok_or_else(|| {
                Error::Refused(format!(
                    "there is no invitation with the id {id}; the ids are the ID column of \
                     `invitectl list --status all`"
                ))
            })?,
        Err(_) => address::lookup_key(target),
    };
    let user = user::find_by_email(conn, &email)?;
    let invitations = conn.query(
        &format!("{SELECT} WHERE i.email = ?2 ORDER BY i.id"),
        params![now, &email],
        from_row,
    )?;
    if user.is_none() && invitations.is_empty() {
        return Err(unknown_address(conn, target)?);
    }
    let attempts: Vec<(i64, Delivery)> = conn.query(
        "SELECT a.invitation_id, a.attempted_at, a.succeeded, a.detail, a.transport, a.message_id
         FROM delivery_attempts a JOIN invitations i ON i.id = a.invitation_id
         WHERE i.email = ?1 ORDER BY a.attempted_at, a.id",
        params![&email],
        |row| {
            let succeeded: bool = row.get(2)?;
            Ok((
                row.get(0)?,
                Delivery {
                    at: row.get(1)?,
                    result: if succeeded { "sent" } else { "failed" },
                    reply: row.get(3)?,
                    transport: row.get(4)?,
                    message_id: row.get(5)?,
                },
            ))
        },
    )?;
    let mut by_invitation: HashMap<i64, Vec<Delivery>> = HashMap::new();
    for (id, delivery) in attempts {
        by_invitation.entry(id).or_default().push(delivery);
    }
    let invitations = invitations
        .into_iter()
        .map(|invitation| Sent {
            deliveries: by_invitation.remove(&invitation.id).unwrap_or_default(),
            invitation,
        })
        .collect();
    Ok(Record {
        email: user.as_ref().map_or(email, |user| user.email.clone()),
        user,
        invitations,
    })
}
