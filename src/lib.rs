//! invitectl: onboard people into an organization by invitation.
//!
//! The crate is one library and a thin binary (`main.rs`). Its modules form
//! layers; a module imports only its own layer and those below
//! (`scripts/check-layers.py`, run by CI, fails on a cycle or an upward
//! import). Bottom up:
//!
//! 1. **Leaves**, which know nothing of invitations: [`address`] (one form of
//!    an address), [`text`], [`time`], [`token`] (secrets and their hashes),
//!    [`password`] (the policy, argon2id), [`cidr`], [`suggest`] ("did you
//!    mean"), [`error`] (typed errors and their exit codes), [`i18n`] (the
//!    languages invitees read: catalogues, dates).
//! 2. **Settings and storage**: [`config`] (defaults < file < environment <
//!    flags, each with its origin) and [`db`] (one seam over SQLite and
//!    PostgreSQL, migrations, `db copy`).
//! 3. **The rules**, [`domain`]: they take `now`, print nothing, and know no
//!    terminal, clap, HTTP or mail transport. Bottom up within it:
//!    [`domain::change`] and [`domain::user`] (the shared types),
//!    [`domain::directory`] and [`domain::audit`], [`domain::hook_events`]
//!    (the outbox), [`domain::users`], [`domain::invitations`] (by use
//!    case), then [`domain::resets`], [`domain::sessions`],
//!    [`domain::end_dates`], [`domain::reminders`] and [`domain::renewals`],
//!    and on top [`domain::people`] (plan and apply a people file).
//! 4. **Mail and hooks**: [`mail`] (messages, templates, the transports, and
//!    [`mail::delivery`], which sends a batch and records it) and [`hooks`]
//!    (the runner that hands each event to `[hooks] command`).
//! 5. **The adapters**: [`cli`] (arguments, terminal, tables, one file per
//!    group of commands) and [`web`] (`serve-accept`: one file per page
//!    group, request guards, forward auth). `accept` on a terminal and `POST
//!    /accept` run the very same [`domain::invitations::accept`].

pub mod address;
pub mod cidr;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod hooks;
pub mod i18n;
pub mod mail;
pub mod password;
pub mod suggest;
pub mod text;
pub mod time;
pub mod token;
pub mod web;

pub use cli::run;
pub use error::{Error, ExitCode, Result};
