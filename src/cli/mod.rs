//! The CLI adapter: turns parsed arguments into library calls, reads the
//! clock, talks to the terminal and prints results.

use std::collections::HashMap;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use serde::Serialize;

mod accounts;
mod admin;
pub mod args;
mod groups;
mod invite;
mod lifecycle;
pub mod output;
mod people;
mod remind;
mod rows;
mod subcommands;
mod terminal;

use crate::cli::args::{
    AcceptArgs, CancelArgs, Cli, Command, ConfigCommand, DbCommand, EditArgs, GroupCommand,
    HooksCommand, InviteArgs, ListArgs, LogArgs, MailCommand, MailKind, ResendArgs, ShowArgs,
    SmtpCommand, StatusFilter, UserStatusFilter, UsersCommand,
};
use crate::config::{self, Config, Flags};
use crate::db::Database;
use crate::domain::change::Change;
use crate::domain::directory::{self, Group};
use crate::domain::hook_events;
use crate::domain::invitations::{
    self, Acceptance, InviteOptions, Issued, Outcome, Request, Selection, Status,
};
use crate::domain::user;
use crate::domain::user::UserStatus;
use crate::domain::users;
use crate::domain::{audit, resets};
use crate::error::{Error, Result};
use crate::mail::delivery;
use crate::token::Token;
use crate::{address, db, hooks, mail, suggest, time};
use output::{Format, Listing, View};

use accounts::*;
use admin::*;
use groups::*;
use invite::*;
use lifecycle::*;
use rows::*;
use terminal::*;

/// What every command needs: settings, the database, and how chatty to be.
struct Context {
    config: Config,
    verbose: bool,
    quiet: bool,
}

impl Context {
    fn open(&self) -> Result<Database> {
        if self.verbose {
            eprintln!("database: {}", self.config.database.display());
        }
        let database = db::open(&self.config.database)?;
        if let Some(notice) = database.creation_notice() {
            eprintln!("{notice}");
        }
        Ok(database)
    }

    /// The database for a command that only reads: never created, opened read-only.
    fn read(&self) -> Result<Database> {
        let target = &self.config.database;
        if self.verbose {
            eprintln!("database: {} (read-only)", target.display());
        }
        db::open_read_only(target)?.ok_or_else(|| {
            let config = match &self.config.file {
                Some(file) => format!("config file {}", file.display()),
                None => "no config file found".to_string(),
            };
            Error::Other(anyhow::anyhow!(
                "there is no database at {} ({config}); check --db or [database] path or url, \
                 or run a command that writes, such as `invitectl invite`, to create it",
                target.display()
            ))
        })
    }

    /// Progress and summaries for people; silent with -q.
    fn note(&self, text: &str) {
        if !self.quiet {
            say(text);
        }
    }

    /// The name the invitee sees as Invited By when --invited-by is not given.
    fn invited_by(&self) -> String {
        self.config.organization.admin.clone().unwrap_or_else(actor)
    }

    /// A progress bar over `messages` for a person watching.
    fn progress(&self, messages: usize) -> Progress {
        let bar =
            ProgressBar::with_draw_target(Some(messages as u64), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} messages, {rate}, {eta} left")
                .expect("static template")
                .with_key(
                    "rate",
                    |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                        let _ = write!(out, "{:.0}/s", state.per_sec());
                    },
                ),
        );
        Progress {
            bar,
            watched: !self.quiet && io::stderr().is_terminal() && messages > 1,
        }
    }

    /// Delivers a batch at the --rate asked for, with a progress bar only
    /// for a person watching.
    fn deliver(
        &self,
        conn: &mut Database,
        issued: &[Issued],
        rate: Option<delivery::Rate>,
        sender: Option<invitations::Sender>,
    ) -> Result<delivery::Report> {
        let bar = self.progress(issued.len());
        let report = delivery::deliver(
            conn,
            &self.config,
            issued,
            rate,
            sender,
            delivery::Surroundings {
                clock: &now,
                env: &environment,
                on_message: &mut || bar.tick(),
            },
        );
        bar.finish();
        report
    }

    fn print<T: Listing>(&self, view: impl Into<View>, rows: &[T]) -> Result<()> {
        let view = view.into();
        write_formatted(view.format, |out| output::write(out, view, rows, now()))
    }

    fn print_each<T: Listing>(
        &self,
        view: impl Into<View>,
        rows: impl Iterator<Item = T>,
    ) -> Result<()> {
        let view = view.into();
        write_formatted(view.format, |out| {
            output::write_each(out, view, rows, now())
        })
    }
}

/// A message on stderr. It may quote what users typed or what the database
/// holds, so control characters are escaped (as in main's error line).
fn say(text: &str) {
    eprintln!("{}", output::lines_for_terminal(text));
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

fn environment(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Who is acting, for the audit log: the person behind sudo, else the login
/// name of the effective user. Never a setting or a flag.
fn actor() -> String {
    if let Some(user) = std::env::var("SUDO_USER").ok().filter(|u| !u.is_empty()) {
        return user.chars().filter(|c| !c.is_control()).collect();
    }
    let uid = nix::unistd::Uid::effective();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => format!("uid {uid}"),
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let flags = Flags {
        config: cli.config.clone(),
        db: cli.db.clone(),
        db_from_environment: cli.db_from_environment,
    };
    let config = config::load(&flags, &|name| std::env::var(name).ok())?;
    if !cli.db_from_environment && cli.db.as_deref().is_some_and(db::url_has_password) {
        say(
            "warning: the --db URL holds a password, which every local user can read in the \
             process list (ps); give it with [database] password_env or password_file, or \
             PGPASSWORD, instead",
        );
    }
    if cli.verbose {
        match &config.file {
            Some(file) => eprintln!("config: {}", file.display()),
            None => eprintln!("config: none found, using defaults"),
        }
    }
    let context = Context {
        config,
        verbose: cli.verbose,
        quiet: cli.quiet,
    };
    match cli.command {
        Command::Invite(args) => invite(&context, args),
        Command::List(args) => list(&context, args),
        Command::Show(args) => show(&context, args),
        Command::Log(args) => log(&context, args),
        Command::Config(ConfigCommand::Show { format }) => {
            config_show(&context, &flags, format.view())
        }
        Command::Resend(args) => resend(&context, args),
        Command::Cancel(args) => cancel(&context, args),
        Command::Remind(args) => remind::remind(&context, args),
        Command::Accept(args) => accept(&context, args),
        Command::Users(UsersCommand::Export) => people::export(&context),
        Command::Users(UsersCommand::Expire) => people::expire(&context),
        Command::Users(command) => users_command(&context, command),
        Command::Plan(args) => people::plan(&context, args),
        Command::Apply(args) => people::apply(&context, args),
        Command::Teams(command) => group_command(&context, Group::Team, command),
        Command::Departments(command) => group_command(&context, Group::Department, command),
        Command::Smtp(SmtpCommand::Test { to }) => smtp_test(&context, to),
        Command::Db(DbCommand::Status { format }) => db_status(&context, format.format),
        Command::Db(DbCommand::Copy { to, force }) => db_copy(&context, &to, force),
        Command::Hooks(command) => hooks_command(&context, command),
        Command::Mail(MailCommand::Preview { kind, lang, html }) => {
            mail_preview(&context, kind, lang, html)
        }
        Command::ServeAccept { bind } => {
            let options = crate::web::Options {
                bind: bind.unwrap_or_else(|| context.config.server_bind.clone()),
                quiet: context.quiet,
            };
            crate::web::serve(context.config, options)
        }
        Command::Completions { shell } => {
            let mut command = completable(&context)?;
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "invitectl", &mut script);
            write_stdout(|out| out.write_all(&script))
        }
    }
}
