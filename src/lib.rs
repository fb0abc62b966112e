//! invitectl: onboard people into an organization by invitation.
//!
//! The lifecycle rules live in [`invitations`]; the CLI (`commands`) and the
//! web pages are thin adapters over them.

pub mod address;
pub mod audit;
pub mod cidr;
pub mod cli;
mod commands;
pub mod config;
pub mod db;
pub mod delivery;
pub mod directory;
pub mod end_dates;
pub mod error;
pub mod hooks;
pub mod invitations;
pub mod mail;
pub mod output;
pub mod password;
pub mod people;
pub mod resets;
pub mod sessions;
pub mod suggest;
pub mod text;
pub mod time;
pub mod token;
pub mod users;
pub mod web;

pub use commands::run;
pub use error::{Error, ExitCode, Result};
