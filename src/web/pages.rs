//! The HTML pages, rendered by askama (which escapes every value).

use askama::Template;

use crate::domain::invitations::Invitation;
use crate::domain::user::User;
use crate::i18n::{Arg, Texts};
use crate::password::MIN_CHARS;

/// "At least 8 characters." under every new password.
pub fn password_help(t: &Texts) -> String {
    t.text("help-password", &[("min", Arg::Number(MIN_CHARS as i64))])
}

/// A problem with one field of a form, shown next to it.
pub struct FieldError {
    /// The field's `id`.
    pub id: &'static str,
    pub message: String,
}

/// Each problem of a form at its field, in the form's order.
#[derive(Default)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.0.iter()
    }

    /// The message for the field `id`, when it has one.
    pub fn message_for(&self, id: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.message.as_str())
    }

    /// Focus goes to the first field with a problem (`autofocus`: the
    /// pages run no script).
    pub fn autofocus(&self, id: &str) -> bool {
        self.0.first().is_some_and(|e| e.id == id)
    }
}

#[derive(Template)]
#[template(path = "web/accept.html")]
pub struct Accept<'a> {
    pub t: Texts,
    pub organization: &'a str,
    pub email: &'a str,
    pub role: &'a str,
    pub department: &'a Option<String>,
    pub teams: &'a [String],
    pub token: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub errors: FieldErrors,
    /// A problem that belongs to no one field.
    pub error: Option<&'a str>,
}

impl<'a> Accept<'a> {
    pub fn new(
        t: Texts,
        organization: &'a str,
        invitation: &'a Invitation,
        token: &'a str,
    ) -> Accept<'a> {
        Accept {
            t,
            organization,
            email: &invitation.email,
            role: &invitation.role,
            department: &invitation.department,
            teams: &invitation.teams,
            token,
            first_name: "",
            last_name: "",
            errors: FieldErrors::default(),
            error: None,
        }
    }

    fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.error.is_some()
    }

    fn intro(&self) -> String {
        self.t.html(
            "accept-intro",
            &[
                ("organization", Arg::Text(self.organization)),
                ("email", Arg::Text(self.email)),
            ],
        )
    }

    fn password_help(&self) -> String {
        password_help(&self.t)
    }
}

/// A page that only says something: an error, an expired or invalid link.
#[derive(Template)]
#[template(path = "web/message.html")]
pub struct Message<'a> {
    pub t: Texts,
    pub organization: &'a str,
    pub title: &'static str,
    /// Each paragraph as HTML, its values escaped ([`Texts::html`]).
    pub paragraphs: Vec<String>,
    pub link: Option<(&'a str, &'static str)>,
}

#[derive(Template)]
#[template(path = "web/dashboard.html")]
pub struct Dashboard<'a> {
    pub t: Texts,
    pub organization: &'a str,
    pub name: String,
    pub email: &'a str,
    pub role: &'a str,
    pub department: &'a Option<String>,
    pub teams: &'a [String],
    /// The name form's fields: the stored name, or what was sent with a problem.
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub errors: FieldErrors,
}

impl<'a> Dashboard<'a> {
    pub fn new(t: Texts, organization: &'a str, user: &'a User) -> Dashboard<'a> {
        Dashboard {
            t,
            organization,
            name: user.full_name(),
            email: &user.email,
            role: &user.role,
            department: &user.department,
            teams: &user.teams,
            first_name: user.first_name.as_deref().unwrap_or_default(),
            last_name: user.last_name.as_deref().unwrap_or_default(),
            errors: FieldErrors::default(),
        }
    }

    fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    fn welcome(&self) -> String {
        self.t
            .text("dashboard-welcome", &[("name", Arg::Text(&self.name))])
    }
}

#[derive(Template)]
#[template(path = "web/login.html")]
pub struct Login<'a> {
    pub t: Texts,
    pub organization: &'a str,
    pub email: &'a str,
    /// Why the last attempt failed; it is about both fields.
    pub error: Option<&'a str>,
    /// Where to return after logging in (a checked `rd`), or empty.
    pub rd: &'a str,
}

pub const STYLESHEET: &str = include_str!("../../templates/web/style.css");
