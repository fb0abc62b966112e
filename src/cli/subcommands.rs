//! The commands that have subcommands of their own (`users`, `teams` and
//! `departments`, `db`, `hooks`, `config`, `smtp`), as [`super::args`]
//! names them.

#![allow(rustdoc::broken_intra_doc_links)] // `[section] key` in help texts is not a link

use clap::{Args, Subcommand, ValueEnum};

use crate::cli::output::{Format, View};

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Write the active and pending users as a people file (CSV) for `plan` and `apply`
    #[command(after_help = "Examples:\n  \
        invitectl users export > people.csv\n  \
        invitectl plan people.csv")]
    Export,
    /// List users
    #[command(after_help = "Examples:\n  \
        invitectl users list\n  \
        invitectl users list --status all --format json")]
    List {
        /// Which users to show; `all` adds inactive ones [default: active and pending]
        #[arg(long, value_enum, value_delimiter = ',')]
        status: Vec<UserStatusFilter>,

        #[command(flatten)]
        format: FormatArg,
    },
    /// Take away a user's access; their sessions end at once
    #[command(after_help = "Examples:\n  \
        invitectl users deactivate ann@acme.example\n  \
        invitectl users deactivate ann@acme.example --yes   # a no-op when already inactive")]
    Deactivate {
        /// The user's email address
        #[arg(value_name = "EMAIL", allow_hyphen_values = true)]
        email: String,

        #[command(flatten)]
        yes: YesArg,
    },
    /// Change a user's name, role, department or teams; a pending invitation changes with its user
    #[command(after_help = "Examples:\n  \
        invitectl users edit ann@acme.example --role admin\n  \
        invitectl users edit dana@acme.example --last-name Smith   # fix a misspelled name\n  \
        invitectl users edit ann@acme.example --team ops --team dev   # exactly these teams\n  \
        invitectl users edit ann@acme.example --no-department --no-teams")]
    Edit(EditArgs),
    /// Give an inactive user their access back
    #[command(after_help = "Examples:\n  \
        invitectl users reactivate ann@acme.example\n  \
        invitectl users list --status inactive")]
    Reactivate {
        /// The user's email address
        #[arg(value_name = "EMAIL", allow_hyphen_values = true)]
        email: String,
    },
    /// Deactivate the accounts whose end date has come (run daily by the shipped timer)
    #[command(after_help = "Examples:\n  \
        invitectl users expire\n  \
        invitectl users edit ann@acme.example --end-date 2027-03-31")]
    Expire,
    /// Mail an active user a single-use link to set a new password; setting it ends their sessions
    #[command(after_help = "Examples:\n  \
        invitectl users reset-password ann@acme.example\n  \
        invitectl users reset-password ann@acme.example --print-link   # also print the link, to pass on yourself\n\n\
        The link works once, for [organization] reset_ttl (default 1h); it replaces\n\
        every older one at once (one asked for on /forgot leaves the others working).\n\
        A pending user gets a new invitation instead (`invitectl resend`); an inactive\n\
        one must be reactivated first.")]
    ResetPassword {
        /// The user's email address
        #[arg(value_name = "EMAIL", allow_hyphen_values = true)]
        email: String,

        /// Also print the link (it contains the secret token)
        #[arg(long)]
        print_link: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UserStatusFilter {
    Active,
    Inactive,
    Pending,
    All,
}

/// Teams and departments share their subcommands; each gets its own examples
/// (see `Command::Teams` and `Command::Departments`).
#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Add one; adding one that exists already changes nothing
    Add {
        /// Its name: one line, no commas
        #[arg(value_name = "NAME", allow_hyphen_values = true)]
        name: String,
    },
    /// List them with how many users each has
    List {
        #[command(flatten)]
        format: FormatArg,
    },
    /// Remove one that no user or pending invitation uses
    Remove {
        /// Its name
        #[arg(value_name = "NAME", allow_hyphen_values = true)]
        name: String,

        #[command(flatten)]
        yes: YesArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// The engine, where the database is, its schema version, and invitations and users by status
    #[command(after_help = "Examples:\n  \
        invitectl db status\n  \
        invitectl --db /var/lib/invitectl/invitectl.db db status --format json")]
    Status {
        #[command(flatten)]
        format: RecordFormatArg,
    },
    /// Copy every row into another, empty database, with the same ids, hashes and history
    #[command(after_help = "Examples:\n  \
        invitectl db copy --to postgres://invitectl@db.acme.example/invitectl\n  \
        invitectl --db postgres://invitectl@db.acme.example/invitectl db copy --to ./invitectl-copy.db\n  \
        invitectl --db /var/lib/invitectl/invitectl.db db copy --to ./invitectl-copy.db\n\n\
        Pending links, passwords and sessions keep working against the copy; the\n\
        source is not changed. A target that holds any row is refused (exit 3), and\n\
        so is a source that another process has open (a running serve-accept or a\n\
        timer: what it writes after the copy would be lost), unless --force. Stop\n\
        them first, copy, switch [database] to the new one, start them again.\n\
        An existing target file must be yours; it is made 0600 like a new one.\n\
        Give a PostgreSQL password with PGPASSWORD, not in the URL.")]
    Copy {
        /// The database to copy into: a new or empty SQLite file, or an empty PostgreSQL database
        #[arg(long, value_name = "PATH|URL")]
        to: String,
        /// Copy even while another process (a running serve-accept, a timer) has the source open
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum HooksCommand {
    /// Run [hooks] command once for each event that is due, oldest first, in order per user; exit 1 if any run failed
    #[command(after_help = "Examples:\n  \
        invitectl hooks run\n  \
        invitectl -q hooks run   # from cron, every minute (* * * * *)\n\n\
        Each event runs once at a time, whichever host runs it. A run that does not\n\
        exit 0 (or outlasts [hooks] timeout) is retried by a later run, 30s after\n\
        the first failure, then twice as long each time, at most 1h; meanwhile the\n\
        later events of the same user wait. serve-accept runs hooks by itself.")]
    Run,
    /// List the events, oldest first, with their attempts and last result
    #[command(after_help = "Examples:\n  \
        invitectl hooks list\n  \
        invitectl hooks list --status failed\n  \
        invitectl hooks list --status pending,failed --format json")]
    List {
        /// Which events to show [default: all]
        #[arg(long, value_enum, value_delimiter = ',')]
        status: Vec<HookStatus>,

        #[command(flatten)]
        format: FormatArg,
    },
    /// Make events that wait for their next attempt due now, so the next run runs them at once
    #[command(after_help = "Examples:\n  \
        invitectl hooks retry --failed && invitectl hooks run   # after fixing the hook\n  \
        invitectl hooks retry 12 13\n\n\
        A retried event that fails again waits as long as its attempts say (the\n\
        backoff does not start over). Events that have not run yet are due\n\
        already; done events are not run again (`invitectl hooks sync` sends\n\
        every active user's current state).")]
    #[command(group(clap::ArgGroup::new("which").required(true).args(["ids", "failed"])))]
    Retry {
        /// The events' ids (see `invitectl hooks list`)
        #[arg(value_name = "ID")]
        ids: Vec<i64>,

        /// Every failed event
        #[arg(long, conflicts_with = "ids")]
        failed: bool,
    },
    /// Record one user.synced event per active user, with the user as they are now, to fill a new target
    #[command(after_help = "Examples:\n  \
        invitectl hooks sync && invitectl hooks run\n  \
        invitectl hooks list --status pending --format json   # what it recorded\n\n\
        Each event is the same JSON as the others (\"event\": \"user.synced\"), run once\n\
        per user after that user's earlier events; a hook that already has the user\n\
        treats it as an update. Pending and inactive users get none.")]
    Sync,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Every setting in effect with where it came from (default, file, environment, flag); passwords only as (set) or (unset)
    #[command(after_help = "Examples:\n  \
        invitectl config show\n  \
        invitectl config show --format json\n  \
        INVITECTL_SMTP_PORT=2525 invitectl config show   # the environment beats the file")]
    Show {
        #[command(flatten)]
        format: FormatArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum SmtpCommand {
    /// Connect, upgrade to TLS, authenticate and, with --to, send a test message; says which step failed
    #[command(after_help = "Examples:\n  \
        invitectl smtp test\n  \
        invitectl smtp test --to me@acme.example\n  \
        INVITECTL_SMTP_PORT=465 INVITECTL_SMTP_SECURITY=tls invitectl smtp test")]
    Test {
        /// Also send a test message to this address
        #[arg(long, value_name = "ADDR")]
        to: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Render a mail with sample data to stdout: its subject and text, or its HTML
    #[command(after_help = "Examples:\n  \
        invitectl mail preview invitation --lang de\n  \
        invitectl mail preview reminder --html > reminder.html")]
    Preview {
        /// Which mail
        #[arg(value_enum)]
        kind: MailKind,
        /// Its language [default: [organization] language]
        #[arg(long, value_name = "LANG")]
        lang: Option<crate::i18n::Lang>,
        /// The HTML alternative instead of the text
        #[arg(long)]
        html: bool,
    },
}

/// The mail `mail preview` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MailKind {
    /// The invitation, with its link
    Invitation,
    /// `invitectl remind`'s reminder of a pending invitation
    Reminder,
    /// A link to set a new password
    Reset,
    /// To [organization] contact: an invitee asked for a new link
    RenewalRequest,
    /// `users expire`: the account ends soon
    EndWarning,
}

/// The statuses `hooks list --status` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookStatus {
    /// Not run yet (or waiting for an earlier event of the same user)
    Pending,
    /// The last run failed; run again from next_attempt_at
    Failed,
    /// The command exited 0
    Done,
}

impl From<HookStatus> for crate::domain::hook_events::Status {
    fn from(status: HookStatus) -> Self {
        use crate::domain::hook_events::Status;
        match status {
            HookStatus::Pending => Status::Pending,
            HookStatus::Failed => Status::Failed,
            HookStatus::Done => Status::Done,
        }
    }
}

/// `--format` and `--wide`, taken by the commands that print a list.
#[derive(Debug, Clone, Copy, Args)]
pub struct FormatArg {
    /// How to print the list: a table for people, json or csv for scripts
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Show every column of the table, whole, however long the lines get (a narrow terminal leaves out the least useful columns first)
    #[arg(long)]
    pub wide: bool,
}

impl FormatArg {
    pub fn view(&self) -> View {
        View {
            format: self.format,
            wide: self.wide,
        }
    }
}

/// `--format` of a command that prints one record (`db status`).
#[derive(Debug, Clone, Copy, Args)]
pub struct RecordFormatArg {
    /// How to print it: a field a line for people, json or csv for scripts
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `--yes`, taken by every command that removes or takes something away.
#[derive(Debug, Clone, Copy, Args)]
pub struct YesArg {
    /// Do not ask for confirmation (needed when not on a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("changes")
        .required(true)
        .multiple(true)
        .args(["role", "department", "no_department", "teams", "no_teams", "first_name", "last_name", "end_date", "no_end_date", "lang"])
))]
pub struct EditArgs {
    /// The user's email address
    #[arg(value_name = "EMAIL", allow_hyphen_values = true)]
    pub email: String,

    /// The new role, one of [organization] roles (default: admin, editor, viewer)
    #[arg(long)]
    pub role: Option<String>,

    /// The new department (see `invitectl departments list`)
    #[arg(long, conflicts_with = "no_department")]
    pub department: Option<String>,

    /// Take the user out of their department
    #[arg(long)]
    pub no_department: bool,

    /// The teams the user is to be in, instead of their current ones; repeat it or give a comma list
    #[arg(
        long = "team",
        value_name = "TEAM",
        value_delimiter = ',',
        conflicts_with = "no_teams"
    )]
    pub teams: Vec<String>,

    /// Take the user out of every team
    #[arg(long)]
    pub no_teams: bool,

    /// The new first name (the rules of the accept form: visible characters, no control characters, at most 100)
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub first_name: Option<String>,

    /// The new last name (the same rules)
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub last_name: Option<String>,

    /// The day the account ends (YYYY-MM-DD): from 00:00 UTC it cannot log in
    #[arg(long, value_name = "DATE", conflicts_with = "no_end_date")]
    pub end_date: Option<chrono::NaiveDate>,

    /// Take the end date away
    #[arg(long)]
    pub no_end_date: bool,

    /// The language of their mail and pages: en, de, fr, es, it, nl, pt, pl, ja, ar
    #[arg(long, value_name = "LANG")]
    pub lang: Option<crate::i18n::Lang>,
}
