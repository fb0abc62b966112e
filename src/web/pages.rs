//! The HTML pages, rendered by askama (which escapes every value).

use askama::Template;

use crate::invitations::Invitation;
use crate::users::User;

#[derive(Template)]
#[template(path = "web/accept.html")]
pub struct Accept<'a> {
    pub organization: &'a str,
    pub email: &'a str,
    pub role: &'a str,
    pub department: &'a Option<String>,
    pub teams: &'a [String],
    pub token: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub error: Option<&'a str>,
}

impl<'a> Accept<'a> {
    pub fn new(organization: &'a str, invitation: &'a Invitation, token: &'a str) -> Accept<'a> {
        Accept {
            organization,
            email: &invitation.email,
            role: &invitation.role,
            department: &invitation.department,
            teams: &invitation.teams,
            token,
            first_name: "",
            last_name: "",
            error: None,
        }
    }
}

/// A page that only says something: an error, an expired or invalid link.
#[derive(Template)]
#[template(path = "web/message.html")]
pub struct Message<'a> {
    pub organization: &'a str,
    pub title: &'a str,
    pub paragraphs: Vec<String>,
    pub link: Option<(&'a str, &'a str)>,
}

#[derive(Template)]
#[template(path = "web/dashboard.html")]
pub struct Dashboard<'a> {
    pub organization: &'a str,
    pub name: String,
    pub email: &'a str,
    pub role: &'a str,
    pub department: &'a Option<String>,
    pub teams: &'a [String],
}

impl<'a> Dashboard<'a> {
    pub fn new(organization: &'a str, user: &'a User) -> Dashboard<'a> {
        Dashboard {
            organization,
            name: user.full_name(),
            email: &user.email,
            role: &user.role,
            department: &user.department,
            teams: &user.teams,
        }
    }
}

#[derive(Template)]
#[template(path = "web/login.html")]
pub struct Login<'a> {
    pub organization: &'a str,
    pub email: &'a str,
    pub error: Option<&'a str>,
}

pub const STYLESHEET: &str = include_str!("../../templates/web/style.css");
