//! invitectl: onboard people into an organization by invitation.
//!
//! The lifecycle rules live in [`invitations`]; the CLI (`commands`) and the
//! web pages are thin adapters over them.

pub mod address;
pub mod cidr;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod hooks;
pub mod mail;
pub mod password;
pub mod suggest;
pub mod text;
pub mod time;
pub mod token;
pub mod web;

pub use cli::run;
pub use error::{Error, ExitCode, Result};
