//! The messages: text and HTML alternatives from the templates (see
//! `templates`), headers built with lettre's types.

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use minijinja::Value;
use rand::RngCore;

use crate::config::Organization;
use crate::domain::end_dates::EndWarning;
use crate::domain::invitations::Issued;
use crate::domain::resets::IssuedReset;
use crate::error::{Error, Result};
use crate::i18n::{Arg, Lang, Texts};
use crate::mail::templates::{Kind, Templates};

/// "Thursday, 26 November 2026 at 02:00 UTC": an absolute time anyone can read.
pub fn human_time(instant: DateTime<Utc>) -> String {
    instant.format("%A, %-d %B %Y at %H:%M UTC").to_string()
}

/// The words of the reader's language: theirs, or `[organization] language`.
pub fn texts_for(org: &Organization, lang: Option<Lang>) -> Texts {
    org.texts(lang.unwrap_or(org.language))
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

/// What a message says: its subject and its text and HTML bodies.
#[derive(Debug, Clone)]
pub struct Written {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The invitation to one address.
pub fn invitation(
    templates: &Templates,
    org: &Organization,
    from: &Mailbox,
    issued: &Issued,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<Message> {
    let written = write_invitation(templates, org, issued)?;
    build(from, &issued.email, written, message_id, now)
}

pub fn write_invitation(
    templates: &Templates,
    org: &Organization,
    issued: &Issued,
) -> Result<Written> {
    write_invited(
        templates,
        org,
        issued,
        Kind::Invitation,
        "invitation-subject",
    )
}

/// An invitation or its reminder: the same values, its own words.
fn write_invited(
    templates: &Templates,
    org: &Organization,
    issued: &Issued,
    kind: Kind,
    subject: &str,
) -> Result<Written> {
    let texts = texts_for(org, issued.lang);
    let values = invitation_values(org, &texts, issued);
    let (text, html) = templates.render(kind, texts.lang, values)?;
    let subject = texts.text(subject, &[("organization", Arg::Text(&org.name))]);
    Ok(Written {
        subject,
        text,
        html,
    })
}

/// The reminder of a pending invitation, with its own link; the expiry is
/// the invitation's, unchanged.
pub fn reminder(
    templates: &Templates,
    org: &Organization,
    from: &Mailbox,
    issued: &Issued,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<Message> {
    let written = write_reminder(templates, org, issued)?;
    build(from, &issued.email, written, message_id, now)
}

pub fn write_reminder(
    templates: &Templates,
    org: &Organization,
    issued: &Issued,
) -> Result<Written> {
    write_invited(templates, org, issued, Kind::Reminder, "reminder-subject")
}

/// To `[organization] contact`: `email` asked for a new link on the
/// Invitation Expired page.
pub fn renewal_request(
    templates: &Templates,
    org: &Organization,
    from: &Mailbox,
    to: &str,
    request: &RenewalRequest<'_>,
    now: DateTime<Utc>,
) -> Result<Message> {
    let written = write_renewal_request(templates, org, request)?;
    build(from, to, written, &new_message_id(from), now)
}

/// In the organization's language: it goes to the organization's contact.
pub fn write_renewal_request(
    templates: &Templates,
    org: &Organization,
    request: &RenewalRequest<'_>,
) -> Result<Written> {
    let texts = texts_for(org, None);
    let values = Value::from_pairs([
        ("organization", Value::from(org.name.as_str())),
        ("email", Value::from(request.email)),
        ("role", Value::from(request.role)),
        ("expired", Value::from(texts.date_time(request.expired_at))),
    ]);
    let (text, html) = templates.render(Kind::RenewalRequest, texts.lang, values)?;
    let subject = texts.text(
        "renewal-request-subject",
        &[("email", Arg::Text(request.email))],
    );
    Ok(Written {
        subject,
        text,
        html,
    })
}

/// What the admin is told about a renewal request.
pub struct RenewalRequest<'a> {
    pub email: &'a str,
    pub role: &'a str,
    pub expired_at: DateTime<Utc>,
}

fn invitation_values(org: &Organization, texts: &Texts, issued: &Issued) -> Value {
    Value::from_pairs([
        ("organization", Value::from(org.name.as_str())),
        ("email", Value::from(issued.email.as_str())),
        ("invited_by", Value::from(issued.invited_by.as_str())),
        ("role", Value::from(issued.role.as_str())),
        ("department", Value::from(issued.department.clone())),
        ("teams", Value::from(issued.teams.clone())),
        ("link", Value::from(org.accept_link(&issued.token))),
        ("expires", Value::from(texts.date_time(issued.expires_at))),
        ("contact", Value::from(org.contact_in(texts))),
    ])
}

/// A password reset link for one user.
pub fn reset(
    templates: &Templates,
    org: &Organization,
    from: &Mailbox,
    reset: &IssuedReset,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<Message> {
    let written = write_reset(templates, org, reset)?;
    build(from, &reset.email, written, message_id, now)
}

pub fn write_reset(
    templates: &Templates,
    org: &Organization,
    reset: &IssuedReset,
) -> Result<Written> {
    let name = [reset.first_name.as_deref(), reset.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let texts = texts_for(org, reset.lang);
    let values = Value::from_pairs([
        ("organization", Value::from(org.name.as_str())),
        ("email", Value::from(reset.email.as_str())),
        ("first_name", Value::from(reset.first_name.clone())),
        ("name", Value::from(name)),
        ("link", Value::from(org.reset_link(&reset.token))),
        ("expires", Value::from(texts.date_time(reset.expires_at))),
        ("contact", Value::from(org.contact_in(&texts))),
    ]);
    let (text, html) = templates.render(Kind::Reset, texts.lang, values)?;
    let organization = [("organization", Arg::Text(&org.name))];
    let subject = texts.text("reset-mail-subject", &organization);
    Ok(Written {
        subject,
        text,
        html,
    })
}

/// To a user whose account ends soon, naming the date and the contact.
pub fn end_warning(
    templates: &Templates,
    org: &Organization,
    from: &Mailbox,
    warning: &EndWarning,
    now: DateTime<Utc>,
) -> Result<Message> {
    let written = write_end_warning(templates, org, warning)?;
    build(from, &warning.email, written, &new_message_id(from), now)
}

pub fn write_end_warning(
    templates: &Templates,
    org: &Organization,
    warning: &EndWarning,
) -> Result<Written> {
    let texts = texts_for(org, warning.lang);
    let name = [warning.first_name.as_deref(), warning.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let date = texts.date(warning.end_date);
    let values = Value::from_pairs([
        ("organization", Value::from(org.name.as_str())),
        ("email", Value::from(warning.email.as_str())),
        ("first_name", Value::from(warning.first_name.clone())),
        ("name", Value::from(name)),
        ("end_date", Value::from(date.as_str())),
        ("contact", Value::from(org.contact_in(&texts))),
    ]);
    let (text, html) = templates.render(Kind::EndWarning, texts.lang, values)?;
    let subject = texts.text(
        "end-warning-subject",
        &[
            ("organization", Arg::Text(&org.name)),
            ("date", Arg::Text(&date)),
        ],
    );
    Ok(Written {
        subject,
        text,
        html,
    })
}

fn build(
    from: &Mailbox,
    email: &str,
    Written {
        subject,
        text,
        html,
    }: Written,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<Message> {
    let to: Mailbox = crate::address::for_delivery(email)
        .parse()
        .map_err(|e| Error::Invalid(format!("{email} is not a valid address: {e}")))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(one_line(&subject))
        .date(now.into())
        .message_id(Some(message_id.to_string()))
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| Error::Other(anyhow::anyhow!("could not build the message: {e}")))
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
