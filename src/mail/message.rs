//! The invitation email: text and HTML alternatives from escaping templates,
//! headers built with lettre's types.

use askama::Template;
use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use rand::RngCore;

use crate::config::Organization;
use crate::error::{Error, Result};
use crate::invitations::Issued;

#[derive(Template)]
#[template(path = "mail/invitation.txt")]
struct Text<'a> {
    organization: &'a str,
    invited_by: &'a str,
    role: &'a str,
    department: &'a Option<String>,
    teams: &'a [String],
    link: &'a str,
    expires: &'a str,
}

#[derive(Template)]
#[template(path = "mail/invitation.html")]
struct Html<'a> {
    organization: &'a str,
    invited_by: &'a str,
    role: &'a str,
    department: &'a Option<String>,
    teams: &'a [String],
    link: &'a str,
    expires: &'a str,
}

/// "Thursday, 26 November 2026 at 02:00 UTC": an absolute time anyone can read.
pub fn human_time(instant: DateTime<Utc>) -> String {
    instant.format("%A, %-d %B %Y at %H:%M UTC").to_string()
}

/// A Message-ID in the sender's domain, so it can be recorded before sending.
pub fn new_message_id(from: &Mailbox) -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let unique: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("<{unique}@{}>", from.email.domain())
}

/// Header text from configuration or the database cannot break a header line.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub fn invitation(
    org: &Organization,
    from: &Mailbox,
    issued: &Issued,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<Message> {
    let link = org.accept_link(&issued.token);
    let expires = human_time(issued.expires_at);
    let text = Text {
        organization: &org.name,
        invited_by: &issued.invited_by,
        role: &issued.role,
        department: &issued.department,
        teams: &issued.teams,
        link: &link,
        expires: &expires,
    };
    let html = Html {
        organization: &org.name,
        invited_by: &issued.invited_by,
        role: &issued.role,
        department: &issued.department,
        teams: &issued.teams,
        link: &link,
        expires: &expires,
    };
    let render =
        |e: askama::Error| Error::Other(anyhow::anyhow!("could not render the invitation: {e}"));
    let to: Mailbox = crate::address::for_delivery(&issued.email)
        .parse()
        .map_err(|e| Error::Invalid(format!("{} is not a valid address: {e}", issued.email)))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(one_line(&format!("You're invited to join {}", org.name)))
        .date(now.into())
        .message_id(Some(message_id.to_string()))
        .multipart(MultiPart::alternative_plain_html(
            text.render().map_err(render)?,
            html.render().map_err(render)?,
        ))
        .map_err(|e| {
            Error::Other(anyhow::anyhow!(
                "could not build the invitation message: {e}"
            ))
        })
}

/// A short message for `invitectl smtp test --to`.
pub fn test_message(
    config: &crate::config::Config,
    to: &str,
    now: DateTime<Utc>,
) -> Result<Message> {
    let sender = config.mail.sender();
    let invalid =
        |reason: String| Error::Invalid(format!("\"{to}\" is not a valid address: {reason}"));
    let canonical = crate::address::normalize(to).map_err(|reason| invalid(reason.into()))?;
    let to: Mailbox = crate::address::for_delivery(&canonical)
        .parse()
        .map_err(|e| invalid(format!("{e}")))?;
    Message::builder()
        .from(sender.clone())
        .to(to)
        .subject(one_line(&format!("invitectl test message for {}", config.organization.name)))
        .date(now.into())
        .message_id(Some(new_message_id(&sender)))
        .body(format!(
            "This is a test message from invitectl.\nIf you can read it, invitations from {} will arrive too.\n",
            config.organization.name
        ))
        .map_err(|e| Error::Other(anyhow::anyhow!("could not build the test message: {e}")))
}
