//! The command line, exactly as docs/reference.md names it.

#![allow(rustdoc::broken_intra_doc_links)] // `[section] key` in help texts is not a link

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use super::subcommands::*;

#[derive(Debug, Parser)]
#[command(
    name = "invitectl",
    version,
    about = "Onboard people into your organization by invitation",
    long_about = "Onboard people into your organization by invitation.\n\n\
        Each invited address gets its own email with a secret link valid for 24 hours \
        (organization.invitation_ttl). The invitee opens it, sets a name and password, \
        and is logged in. Admins list, resend and cancel pending invitations.",
    after_help = "Examples:\n  \
        invitectl invite ann@acme.example,bob@acme.example --role editor --team ops\n  \
        invitectl list --status all --format json\n  \
        invitectl cancel --expired --yes"
)]
pub struct Cli {
    /// Read settings from this file instead of ./invitectl.toml, $XDG_CONFIG_HOME/invitectl/config.toml or /etc/invitectl/config.toml
    #[arg(
        long,
        global = true,
        env = "INVITECTL_CONFIG",
        value_name = "PATH",
        display_order = 100
    )]
    pub config: Option<PathBuf>,

    /// The SQLite database file, or a postgres:// URL [default: invitectl.db, or [database] path or url]
    ///
    /// Leave the password out of a URL given here: every local user can read a
    /// command line (ps). Give it with [database] password_env or password_file
    /// (or INVITECTL_DATABASE_PASSWORD_ENV / _FILE), or export PGPASSWORD;
    /// invitectl warns when --db holds one. TLS is required (the certificate
    /// verified) to a host that is not loopback; plaintext only with sslmode=disable.
    #[arg(
        long,
        global = true,
        env = "INVITECTL_DB",
        value_name = "PATH|URL",
        hide_env_values = true,
        display_order = 100
    )]
    pub db: Option<String>,

    /// Say more about what is happening, on stderr
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "quiet",
        display_order = 100
    )]
    pub verbose: bool,

    /// Print only results and errors
    #[arg(short, long, global = true, display_order = 100)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,

    /// `--db`'s value came from `INVITECTL_DB`, not the command line; set
    /// by [`Cli::from_command_line`], for `config show`.
    #[arg(skip)]
    pub db_from_environment: bool,
}

impl Cli {
    /// Parses this process's arguments as `Cli::parse` does, also noting
    /// where `--db` came from.
    pub fn from_command_line() -> Cli {
        let mut matches = Cli::command().get_matches();
        let from_environment = matches.value_source("db") == Some(ValueSource::EnvVariable);
        let mut cli = Cli::from_arg_matches_mut(&mut matches)
            .map_err(|e| e.format(&mut Cli::command()))
            .unwrap_or_else(|e| e.exit());
        cli.db_from_environment = from_environment;
        cli
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Invite one or more addresses; each gets its own email with a secret link
    #[command(after_help = "Examples:\n  \
        invitectl invite ann@acme.example,bob@acme.example --role editor --team ops\n  \
        cat new-hires.txt | invitectl invite - --role viewer --skip-existing --format json\n  \
        invitectl invite --from-file hires.csv --role viewer --dry-run")]
    Invite(InviteArgs),

    /// List invitations: pending, expired and accepted unless --status says otherwise
    #[command(after_help = "Examples:\n  \
        invitectl list\n  \
        invitectl list --status pending --older-than 12h\n  \
        invitectl list --status all --format csv > invitations.csv")]
    List(ListArgs),

    /// Everything about one address: the user, every invitation and every delivery attempt
    #[command(after_help = "Examples:\n  \
        invitectl show ann@acme.example\n  \
        invitectl show 17   # the address of invitation 17 (the ID column of `invitectl list`)\n  \
        invitectl show ann@acme.example --format json")]
    Show(ShowArgs),

    /// Send a new link: new token, fresh window, the old link stops working
    #[command(after_help = "Examples:\n  \
        invitectl resend ann@acme.example\n  \
        invitectl resend --expired\n  \
        invitectl resend --failed")]
    Resend(ResendArgs),

    /// Mail one reminder to each pending invitation older than [organization] remind_after
    #[command(after_help = "Examples:\n  \
        invitectl remind --dry-run\n  \
        invitectl remind\n  \
        invitectl -q remind --format json   # from the nightly timer or cron\n\n\
        A reminder carries a link of its own; the first mail's link keeps working,\n\
        and the invitation expires when it did ([organization] remind_after, default\n\
        12h; \"off\" turns reminders off). Each invitation gets one reminder at most,\n\
        so running it again sends nothing new. A resend, cancel or accept ends\n\
        every link of the invitation at once.")]
    Remind(RemindArgs),

    /// Cancel invitations: their links stop working at once
    #[command(after_help = "Examples:\n  \
        invitectl cancel ann@acme.example\n  \
        invitectl cancel 17 18 --yes\n  \
        invitectl cancel --expired --yes   # nightly clean-up from cron")]
    Cancel(CancelArgs),

    /// Accept an invitation on a terminal: set your name and password
    #[command(after_help = "Examples:\n  \
        invitectl accept 'https://invite.acme.example/accept?token=…'\n  \
        invitectl accept - --first-name Ann --last-name Lee --password-stdin < link-then-password.txt\n  \
        printf '%s\\n%s\\n' \"$LINK\" \"$PASSWORD\" | invitectl accept - --first-name Ann --last-name Lee --password-stdin")]
    Accept(AcceptArgs),

    /// Serve the invitee's pages: accept, log in, dashboard; stops cleanly on SIGINT or SIGTERM
    #[command(after_help = "Examples:\n  \
        invitectl serve-accept\n  \
        invitectl serve-accept --bind 127.0.0.1:9000\n  \
        INVITECTL_DB=/var/lib/invitectl/invitectl.db invitectl serve-accept --bind [::1]:8080")]
    ServeAccept {
        /// Address and port to listen on [default: [server] bind, or 127.0.0.1:8080]
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },

    /// The audit log, newest first: who did what to whom, and when
    #[command(after_help = "Examples:\n  \
        invitectl log --since 7d\n  \
        invitectl log --email ann@acme.example\n  \
        invitectl log --action \"failed login\" --since 24h --format csv\n  \
        invitectl log --actor alice --limit 20")]
    Log(LogArgs),

    /// List, edit, deactivate and reactivate users, and mail them a password reset link
    #[command(
        subcommand,
        after_help = "Examples:\n  \
            invitectl users list --status inactive\n  \
            invitectl users edit ann@acme.example --role admin --team ops\n  \
            invitectl users deactivate ann@acme.example\n  \
            invitectl users reactivate ann@acme.example\n  \
            invitectl users reset-password ann@acme.example"
    )]
    Users(UsersCommand),

    /// Compare a people file with the directory and show what `apply` would do; writes nothing
    #[command(after_help = "Examples:\n  \
        invitectl plan people.csv\n  \
        invitectl plan people.csv --prune --format json")]
    Plan(PlanArgs),

    /// Bring the directory in line with a people file: invite, change, reactivate, and with --prune deactivate
    #[command(after_help = "Examples:\n  \
        invitectl apply people.csv\n  \
        invitectl apply people.csv --prune --yes")]
    Apply(ApplyArgs),

    /// Teams that invitations may pre-assign
    #[command(
        subcommand,
        after_help = "Examples:\n  \
            invitectl teams add ops\n  \
            invitectl teams list --format json\n  \
            invitectl teams remove ops --yes",
        mut_subcommand("add", |c| c.after_help("Examples:\n  \
            invitectl teams add ops\n  \
            invitectl invite ann@acme.example --role editor --team ops")),
        mut_subcommand("list", |c| c.after_help("Examples:\n  \
            invitectl teams list\n  \
            invitectl teams list --format json")),
        mut_subcommand("remove", |c| c.after_help("Examples:\n  \
            invitectl teams remove ops\n  \
            invitectl teams remove ops --yes   # from a script"))
    )]
    Teams(GroupCommand),

    /// Departments that invitations may pre-assign
    #[command(
        subcommand,
        after_help = "Examples:\n  \
            invitectl departments add Engineering\n  \
            invitectl departments list\n  \
            invitectl departments remove Engineering --yes",
        mut_subcommand("add", |c| c.after_help("Examples:\n  \
            invitectl departments add Engineering\n  \
            invitectl invite ann@acme.example --role editor --department Engineering")),
        mut_subcommand("list", |c| c.after_help("Examples:\n  \
            invitectl departments list\n  \
            invitectl departments list --format json")),
        mut_subcommand("remove", |c| c.after_help("Examples:\n  \
            invitectl departments remove Engineering\n  \
            invitectl departments remove Engineering --yes   # from a script"))
    )]
    Departments(GroupCommand),

    /// The settings in effect, and where each came from
    #[command(
        subcommand,
        after_help = "Examples:\n  \
            invitectl config show\n  \
            invitectl --config /etc/invitectl/config.toml config show --format json"
    )]
    Config(ConfigCommand),

    /// Check the SMTP settings: connect, upgrade, log in, and optionally send a test message
    #[command(
        subcommand,
        after_help = "Examples:\n  \
            invitectl smtp test\n  \
            invitectl smtp test --to me@acme.example"
    )]
    Smtp(SmtpCommand),

    /// The database: which engine, where, its schema and what it holds
    #[command(
        subcommand,
        after_help = "Examples:\n  \
            invitectl db status\n  \
            invitectl db copy --to /backup/invitectl-copy.db"
    )]
    Db(DbCommand),

    /// Run [hooks] command for each change to a user; list, retry and sync the events
    #[command(
        subcommand,
        after_help = "Examples:\n  \
            invitectl hooks run\n  \
            invitectl hooks list --status failed\n  \
            invitectl hooks retry --failed   # after fixing the hook: due now\n  \
            invitectl hooks sync             # every active user once, to fill a new target\n  \
            invitectl -q hooks run   # from cron, every minute, where serve-accept does not run"
    )]
    Hooks(HooksCommand),

    /// Show the mail invitectl sends, with sample data, in any language
    #[command(
        subcommand,
        after_help = "Examples:\n  \
            invitectl mail preview invitation\n  \
            invitectl mail preview invitation --lang de\n  \
            invitectl mail preview reset --lang ar --html > reset.html"
    )]
    Mail(MailCommand),

    /// Print shell completions; man pages are in man/
    #[command(after_help = "Examples:\n  \
        invitectl completions bash > /etc/bash_completion.d/invitectl\n  \
        invitectl completions zsh > \"${fpath[1]}/_invitectl\"\n  \
        invitectl completions fish > ~/.config/fish/completions/invitectl.fish")]
    Completions {
        /// The shell to print completions for
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// Addresses, each argument may be a comma list; - reads them from stdin (put -- before one that begins with -)
    #[arg(value_name = "EMAILS", required_unless_present = "from_file")]
    pub emails: Vec<String>,

    /// The role to give, one of [organization] roles (default: admin, editor, viewer)
    #[arg(long, required_unless_present = "from_file")]
    pub role: Option<String>,

    /// The department to place them in (see `invitectl departments list`)
    #[arg(long)]
    pub department: Option<String>,

    /// The day their account ends (YYYY-MM-DD): from 00:00 UTC it cannot log in
    #[arg(long, value_name = "DATE")]
    pub end_date: Option<chrono::NaiveDate>,

    /// A team to add them to; repeat it or give a comma list
    #[arg(long = "team", value_name = "TEAM", value_delimiter = ',')]
    pub teams: Vec<String>,

    /// Who the email says invited them [default: [organization] admin, then $USER]
    #[arg(long, value_name = "WHO")]
    pub invited_by: Option<String>,

    /// The language of their mail and pages: en, de, fr, es, it, nl, pt, pl, ja, ar [default: [organization] language]
    #[arg(long, value_name = "LANG")]
    pub lang: Option<crate::i18n::Lang>,

    /// Read a CSV with the header email,role,department,teams (teams separated by ;) and optionally ttl and lang; empty cells take the flags' values
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,

    /// Skip addresses that are already invited or already users instead of refusing the batch
    #[arg(long)]
    pub skip_existing: bool,

    /// Check everything and show what would happen, but write and send nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Also print each invitation's link (it contains the secret token)
    #[arg(long)]
    pub print_link: bool,

    /// Send at most this many messages, like 10/s, 300/m or 5000/h, for mail providers that throttle
    #[arg(long, value_name = "N/s")]
    pub rate: Option<String>,

    /// How long these links work, like 72h or 7d, instead of [organization] invitation_ttl; at most [organization] max_invitation_ttl (default 30d)
    #[arg(long, value_name = "DURATION")]
    pub ttl: Option<String>,

    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Show who would get a reminder, but write and send nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    Pending,
    Expired,
    Accepted,
    Cancelled,
    /// Expired ones whose invitee asked for a new link ([organization] renew = "admin")
    Renewal,
    All,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Which invitations to show; `all` adds cancelled ones, `renewal` is the expired ones whose invitee asked for a new link [default: pending, expired and accepted]
    #[arg(long, value_enum, value_delimiter = ',')]
    pub status: Vec<StatusFilter>,

    /// Only those sent more than this long ago, like 12h or 3d
    #[arg(long, value_name = "DURATION")]
    pub older_than: Option<String>,

    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// An email address, or the id of one of its invitations (the ID column of `invitectl list`)
    #[arg(value_name = "EMAIL|ID", allow_hyphen_values = true)]
    pub target: String,

    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only entries from this long ago on, like 7d or 12h, or from this time on, like 2026-01-31 or 2026-01-31T09:00:00Z
    #[arg(long, value_name = "DURATION|TIME")]
    pub since: Option<String>,

    /// Only what this one did: an operating-system user for the CLI, a user's address for what they did in serve-accept
    #[arg(long, value_name = "WHO")]
    pub actor: Option<String>,

    /// Only entries of this action, like invite, edit, login or "failed login"
    #[arg(long, value_name = "ACTION")]
    pub action: Option<String>,

    /// Only entries about this address
    #[arg(long, value_name = "ADDR")]
    pub email: Option<String>,

    /// Only the newest N entries that match
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,

    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
#[group(id = "which", required = true, args = ["targets", "expired", "failed"])]
pub struct ResendArgs {
    /// Email addresses or invitation ids (see the ID column of `invitectl list`)
    #[arg(value_name = "EMAIL|ID")]
    pub targets: Vec<String>,

    /// Resend every expired invitation
    #[arg(long)]
    pub expired: bool,

    /// Resend every pending invitation whose last delivery failed or never finished
    #[arg(long)]
    pub failed: bool,

    /// Send at most this many messages, like 10/s, 300/m or 5000/h
    #[arg(long, value_name = "N/s")]
    pub rate: Option<String>,

    /// How long the new links work, like 72h or 7d, instead of [organization] invitation_ttl; at most [organization] max_invitation_ttl (default 30d)
    #[arg(long, value_name = "DURATION")]
    pub ttl: Option<String>,

    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
#[group(id = "which", required = true, args = ["targets", "expired"])]
pub struct CancelArgs {
    /// Email addresses or invitation ids (see the ID column of `invitectl list`)
    #[arg(value_name = "EMAIL|ID")]
    pub targets: Vec<String>,

    /// Cancel every expired invitation
    #[arg(long)]
    pub expired: bool,

    #[command(flatten)]
    pub yes: YesArg,
}

#[derive(Debug, Args)]
pub struct AcceptArgs {
    /// The token, or the whole link from the email; - reads it from the first line of stdin,
    /// which keeps it out of the process list
    // Tokens are base64url, so some begin with `-`. With allow_hyphen_values
    // clap takes such an argument as the value unless every character of it
    // is a known short flag (so `-h` alone is still help).
    #[arg(value_name = "TOKEN_OR_LINK", allow_hyphen_values = true)]
    pub token: String,

    /// Your first name, instead of being asked for it
    #[arg(long, value_name = "NAME")]
    pub first_name: Option<String>,

    /// Your last name, instead of being asked for it
    #[arg(long, value_name = "NAME")]
    pub last_name: Option<String>,

    /// Read the password from a line of stdin instead of asking (the second line with `accept -`)
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The people file: CSV with header email,first_name,last_name,role,department,teams,end_date
    pub file: PathBuf,

    /// Also deactivate active users, and cancel pending invitations, not in the file
    #[arg(long)]
    pub prune: bool,

    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The people file: CSV with header email,first_name,last_name,role,department,teams,end_date
    pub file: PathBuf,

    /// Also deactivate active users, and cancel pending invitations, not in the file
    #[arg(long)]
    pub prune: bool,

    /// With --prune, refuse to deactivate more than this many users [default: 10 % of active users, at least 1]
    #[arg(long, value_name = "N")]
    pub max_deactivate: Option<usize>,

    #[command(flatten)]
    pub yes: YesArg,
}
