//! Settings: defaults < config file < environment < flags. Every key is named
//! once, in `KEYS`; an error names where the value came from, the key and the problem.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::Mailbox;

use crate::cidr::Cidr;
use crate::error::{Error, Result};
use crate::i18n::{Lang, Texts};
use crate::time::parse_duration;

mod layers;
mod show;

pub use layers::*;
pub use show::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Text,
    List,
    Integer,
    Boolean,
}

/// Every key the file and the environment may set.
const KEYS: &[(&str, &str, Kind)] = &[
    ("organization", "name", Kind::Text),
    ("organization", "base_url", Kind::Text),
    ("organization", "dashboard_url", Kind::Text),
    ("organization", "admin", Kind::Text),
    ("organization", "contact", Kind::Text),
    ("organization", "roles", Kind::List),
    ("organization", "invitation_ttl", Kind::Text),
    ("organization", "reset_ttl", Kind::Text),
    ("organization", "session_ttl", Kind::Text),
    ("organization", "remind_after", Kind::Text),
    ("organization", "renew", Kind::Text),
    ("organization", "renew_limit", Kind::Integer),
    ("organization", "max_invitation_ttl", Kind::Text),
    ("organization", "end_warning", Kind::Text),
    ("organization", "language", Kind::Text),
    ("organization", "timezone", Kind::Text),
    ("database", "path", Kind::Text),
    ("database", "url", Kind::Text),
    ("database", "password_env", Kind::Text),
    ("database", "password_file", Kind::Text),
    ("database", "allow_plaintext_auth", Kind::Boolean),
    ("mail", "transport", Kind::Text),
    ("mail", "from", Kind::Text),
    ("mail", "file_dir", Kind::Text),
    ("mail", "template_dir", Kind::Text),
    ("smtp", "host", Kind::Text),
    ("smtp", "port", Kind::Integer),
    ("smtp", "security", Kind::Text),
    ("smtp", "username", Kind::Text),
    ("smtp", "password_env", Kind::Text),
    ("smtp", "password_file", Kind::Text),
    ("smtp", "timeout", Kind::Text),
    ("smtp", "helo_name", Kind::Text),
    ("smtp", "accept_invalid_certs", Kind::Boolean),
    ("smtp", "allow_plaintext_auth", Kind::Boolean),
    ("server", "bind", Kind::Text),
    ("server", "trusted_proxies", Kind::List),
    ("server", "allowed_redirect_hosts", Kind::List),
    ("server", "cookie_domain", Kind::Text),
    ("hooks", "command", Kind::Text),
    ("hooks", "timeout", Kind::Text),
    ("hooks", "retention", Kind::Text),
];

/// Every key as (section, key), for the documentation and its tests.
pub fn keys() -> impl Iterator<Item = (&'static str, &'static str)> {
    KEYS.iter().map(|(section, key, _)| (*section, *key))
}

/// A reverse proxy on this machine.
pub const DEFAULT_TRUSTED_PROXIES: [&str; 2] = ["127.0.0.1/32", "::1/128"];

pub const DEFAULT_ROLES: [&str; 3] = ["admin", "editor", "viewer"];

#[derive(Debug, Clone)]
pub struct Config {
    /// The file the settings were read from, if any.
    pub file: Option<PathBuf>,
    pub organization: Organization,
    pub database: crate::db::Target,
    pub mail: Mail,
    pub smtp: SmtpSettings,
    pub server_bind: String,
    /// Peers whose X-Forwarded-For is believed.
    pub trusted_proxies: Vec<Cidr>,
    /// Hosts besides base_url's that `/login?rd=` may send a browser back
    /// to: lower-case, without a trailing dot or a port.
    pub allowed_redirect_hosts: Vec<String>,
    /// The session cookie's `Domain`, lower-case without a leading dot; base_url's
    /// host is within it.
    pub cookie_domain: Option<String>,
    pub hooks: Hooks,
    /// Reminders, renewals and per-invitation lifetimes (see `crate::domain::reminders`
    /// and `crate::domain::renewals`).
    pub followup: Followup,
}

/// `[organization] remind_after`, `renew`, `renew_limit`, `max_invitation_ttl`.
#[derive(Debug, Clone)]
pub struct Followup {
    /// How long after it was sent a pending invitation gets its reminder;
    /// `None` when reminders are off.
    pub remind_after: Option<Duration>,
    /// What the Invitation Expired page offers.
    pub renew: RenewPolicy,
    /// How many times one invitation may be renewed by its invitee (`auto`).
    pub renew_limit: u32,
    /// The longest lifetime `invite --ttl`, `resend --ttl` and a CSV `ttl` may give.
    pub max_invitation_ttl: Duration,
}

/// `[organization] renew`: what "Send me a new link" on the expired page does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewPolicy {
    /// A fresh invitation is mailed at once.
    Auto,
    /// The request is recorded for an admin to answer with `resend`.
    Admin,
    /// No button: the page says to contact the admin.
    Off,
}

impl RenewPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            RenewPolicy::Auto => "auto",
            RenewPolicy::Admin => "admin",
            RenewPolicy::Off => "off",
        }
    }
}

pub const DEFAULT_REMIND_AFTER: Duration = Duration::from_secs(12 * 3600);
pub const DEFAULT_RENEW_LIMIT: u32 = 3;
pub const DEFAULT_MAX_INVITATION_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// `[hooks]`: the command run once for each change to a user (see `crate::hooks`).
#[derive(Debug, Clone)]
pub struct Hooks {
    /// A shell command line, run by `/bin/sh -c`; with none, this host runs
    /// no hooks (its changes still record events, for hosts that do).
    pub command: Option<String>,
    /// How long one run may take before its processes are killed.
    pub timeout: Duration,
    /// How long a done event is kept before it is deleted.
    pub retention: Duration,
}

/// How long a hook may run unless `[hooks] timeout` says otherwise.
pub const DEFAULT_HOOK_TIMEOUT: Duration = Duration::from_secs(30);
/// How long done events are kept unless `[hooks] retention` says otherwise.
pub const DEFAULT_HOOK_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

#[derive(Debug, Clone)]
pub struct Organization {
    pub name: String,
    /// Without a trailing slash.
    pub base_url: String,
    pub dashboard_url: String,
    pub admin: Option<String>,
    /// The address invitees write to (the pages show it as a mailto link).
    pub contact: Option<String>,
    pub roles: Vec<String>,
    pub invitation_ttl: Duration,
    /// How long a password reset link works.
    pub reset_ttl: Duration,
    /// How long a login lasts.
    pub session_ttl: Duration,
    /// How long before an account's end date `users expire` warns its user.
    pub end_warning: Duration,
    /// What invitees read when nothing else says which language.
    pub language: Lang,
    /// Where dates in mail and pages are shown.
    pub timezone: crate::i18n::Zone,
}

/// `smtp.security`: how the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    None,
    StartTls,
    Tls,
}

/// How long to wait for a silent SMTP server unless `smtp.timeout` says otherwise.
pub const DEFAULT_SMTP_TIMEOUT: Duration = Duration::from_secs(10);

impl Security {
    /// `smtp.security` as written (unset is starttls); None for a word it is not.
    pub fn parse(text: Option<&str>) -> Option<Security> {
        match text.map(str::trim) {
            None | Some("starttls") => Some(Security::StartTls),
            Some("none") => Some(Security::None),
            Some("tls") => Some(Security::Tls),
            Some(_) => None,
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            Security::None => 25,
            Security::StartTls => 587,
            Security::Tls => 465,
        }
    }
}

impl Organization {
    /// Which of the roles `role` names (without regard to ASCII case), or the
    /// problem, naming the closest ones.
    pub fn role_index(&self, role: &str) -> std::result::Result<usize, String> {
        let role = role.trim();
        self.roles
            .iter()
            .position(|known| known.eq_ignore_ascii_case(role))
            .ok_or_else(|| {
                format!(
                    "{}; roles come from [organization] roles",
                    crate::suggest::unknown("role", role, &self.roles)
                )
            })
    }

    pub fn accept_link(&self, token: &crate::token::Token) -> String {
        format!("{}/accept?token={}", self.base_url, token.as_str())
    }

    pub fn reset_link(&self, token: &crate::token::Token) -> String {
        format!("{}/reset?token={}", self.base_url, token.as_str())
    }

    /// Who the mail tells people to contact: `[organization] contact`, else
    /// the admin's name, else a description anyone understands.
    pub fn contact(&self) -> String {
        self.contact_in(&self.texts(Lang::En))
    }

    /// Who invitees write to, in their language when it is "your administrator".
    pub fn contact_in(&self, texts: &Texts) -> String {
        self.contact
            .clone()
            .or_else(|| self.admin.clone())
            .unwrap_or_else(|| texts.get("your-administrator").to_string())
    }

    /// The words of `lang`, with dates in the organization's time zone.
    pub fn texts(&self, lang: Lang) -> Texts {
        Texts::new(lang, self.timezone)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    Smtp,
    File,
    Sendmail,
}

#[derive(Debug, Clone)]
pub struct Mail {
    pub transport: TransportKind,
    /// None when not configured; see `sender`.
    pub from: Option<Mailbox>,
    pub file_dir: PathBuf,
    /// Where operators' own mail templates are, if anywhere.
    pub template_dir: Option<PathBuf>,
}

impl Mail {
    /// The configured sender, or a local placeholder that only suits the file transport.
    pub fn sender(&self) -> Mailbox {
        self.from.clone().unwrap_or_else(|| {
            "invitectl <invitectl@localhost>"
                .parse()
                .expect("static address")
        })
    }
}

/// The `[smtp]` keys as given; the SMTP transport checks them when it starts.
#[derive(Debug, Clone, Default)]
pub struct SmtpSettings {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: Option<String>,
    pub username: Option<String>,
    pub password_env: Option<String>,
    pub password_file: Option<PathBuf>,
    pub timeout: Option<Duration>,
    pub helo_name: Option<String>,
    pub accept_invalid_certs: bool,
    /// Log in over an unencrypted connection to a host that is not loopback.
    pub allow_plaintext_auth: bool,
}

/// What the command line says about configuration.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub config: Option<PathBuf>,
    /// `--db`: a file path or a `postgres://` URL.
    pub db: Option<String>,
    /// `--db`'s value came from `INVITECTL_DB`, not the command line.
    pub db_from_environment: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_with(file: Option<&str>, vars: &[(&str, &str)], flags: Flags) -> Result<Config> {
        let dir = tempfile::tempdir().unwrap();
        let mut flags = flags;
        if let Some(text) = file {
            let path = dir.path().join("invitectl.toml");
            std::fs::write(&path, text).unwrap();
            flags.config = Some(path);
        }
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // An empty HOME keeps the developer's own config out of the test.
        let env = move |name: &str| match name {
            "HOME" | "XDG_CONFIG_HOME" => Some(dir.path().display().to_string()),
            _ => vars.get(name).cloned(),
        };
        load(&flags, &env)
    }

    #[test]
    fn works_with_nothing_at_all() {
        let config = load_with(None, &[], Flags::default()).unwrap();
        assert!(config.file.is_none());
        assert_eq!(config.organization.roles, ["admin", "editor", "viewer"]);
        assert_eq!(
            config.organization.invitation_ttl,
            Duration::from_secs(86_400)
        );
        assert_eq!(config.database.display(), String::from("invitectl.db"));
        assert_eq!(config.mail.transport, TransportKind::File);
        assert_eq!(config.mail.file_dir, PathBuf::from("outbox"));
        assert_eq!(config.organization.reset_ttl, Duration::from_secs(3600));
        assert_eq!(config.mail.template_dir, None);
    }

    #[test]
    fn flag_beats_environment_beats_file() {
        let file = "[database]\npath = \"from-file.db\"\n[organization]\nname = \"File Org\"\n";
        let config = load_with(
            Some(file),
            &[("INVITECTL_DATABASE_PATH", "from-env.db")],
            Flags::default(),
        )
        .unwrap();
        assert_eq!(config.database.display(), String::from("from-env.db"));
        assert_eq!(config.organization.name, "File Org");
        let flags = Flags {
            db: Some("from-flag.db".into()),
            ..Flags::default()
        };
        let config = load_with(
            Some(file),
            &[("INVITECTL_DATABASE_PATH", "from-env.db")],
            flags,
        )
        .unwrap();
        assert_eq!(config.database.display(), String::from("from-flag.db"));
    }

    #[test]
    fn environment_values_are_typed() {
        let config = load_with(
            None,
            &[
                ("INVITECTL_ORGANIZATION_ROLES", "owner, member"),
                ("INVITECTL_SMTP_HOST", "mail.example"),
                ("INVITECTL_SMTP_PORT", "2525"),
                ("INVITECTL_ORGANIZATION_INVITATION_TTL", "48h"),
            ],
            Flags::default(),
        )
        .unwrap();
        assert_eq!(config.organization.roles, ["owner", "member"]);
        assert_eq!(config.smtp.port, Some(2525));
        assert_eq!(config.mail.transport, TransportKind::Smtp);
        assert_eq!(
            config.organization.invitation_ttl,
            Duration::from_secs(172_800)
        );
        let err =
            load_with(None, &[("INVITECTL_SMTP_PORT", "lots")], Flags::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "environment variable INVITECTL_SMTP_PORT: smtp.port must be a whole number"
        );
    }

    #[test]
    fn the_contact_is_an_address_and_unset_by_default() {
        let config = load_with(None, &[], Flags::default()).unwrap();
        assert_eq!(config.organization.contact, None);
        let config = load_with(
            Some("[organization]\ncontact = \" IT-Help@acme.example \"\n"),
            &[],
            Flags::default(),
        )
        .unwrap();
        assert_eq!(
            config.organization.contact.as_deref(),
            Some("it-help@acme.example")
        );
    }

    #[test]
    fn errors_name_the_file_the_key_and_the_problem() {
        let cases = [
            (
                "[organization]\ninvitation_ttl = \"soon\"\n",
                "organization.invitation_ttl is not a duration",
            ),
            (
                "[organization]\nroles = \"admin\"\n",
                "organization.roles must be a list",
            ),
            ("[smtp]\nhots = \"x\"\n", "unknown key smtp.hots"),
            (
                "[mail]\ntransport = \"pigeon\"\n",
                "mail.transport is \"pigeon\"; use smtp, file or sendmail",
            ),
            ("[smtp]\nport = 70000\n", "smtp.port must be a port number"),
            (
                "[mail]\nfrom = \"not an address\"\n",
                "mail.from is not a mail address",
            ),
            (
                "[organization]\ncontact = \"IT Help <it@acme.example>\"\n",
                "organization.contact is not an email address",
            ),
            (
                "[server]\ntrusted_proxies = [\"10.0.0.0/40\"]\n",
                "server.trusted_proxies lists \"10.0.0.0/40\" has a prefix length above 32",
            ),
            (
                "[server]\nallowed_redirect_hosts = [\"https://apps.acme.example\"]\n",
                "server.allowed_redirect_hosts lists \"https://apps.acme.example\", which is not a host name",
            ),
            (
                "[organization]\nbase_url = \"https://invite.acme.example\"\n[server]\ncookie_domain = \"other.example\"\n",
                "server.cookie_domain is \"other.example\", but base_url's host invite.acme.example is not within it",
            ),
            (
                "[organization]\nbase_url = \"https://invite.acme.example\"\n[server]\ncookie_domain = \"me.example\"\n",
                "server.cookie_domain is \"me.example\", but base_url's host",
            ),
            ("[organization\n", "invalid table header"),
        ];
        for (file, expected) in cases {
            let err = load_with(Some(file), &[], Flags::default())
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("config file "), "{err}");
            assert!(err.contains("invitectl.toml"), "{err}");
            assert!(err.contains(expected), "{file:?} gave {err:?}");
        }
    }

    #[test]
    fn redirect_hosts_and_the_cookie_domain_are_written_as_a_browser_compares_them() {
        let file = "[organization]\nbase_url = \"https://Invite.Acme.example\"\n\
                    [server]\nallowed_redirect_hosts = [\"Apps.Acme.Example\", \"wiki.acme.example\"]\n\
                    cookie_domain = \".ACME.example\"\n";
        let config = load_with(Some(file), &[], Flags::default()).unwrap();
        assert_eq!(
            config.allowed_redirect_hosts,
            ["apps.acme.example", "wiki.acme.example"]
        );
        assert_eq!(config.cookie_domain.as_deref(), Some("acme.example"));
        for bad in [
            "apps.acme.example.",
            "apps.acme.example:8443",
            "user@apps.acme.example",
            "apps.acme.example/x",
            "",
        ] {
            assert!(host_name(bad).is_none(), "{bad:?}");
        }
        let config = load_with(None, &[], Flags::default()).unwrap();
        assert!(config.allowed_redirect_hosts.is_empty());
        assert!(config.cookie_domain.is_none());
    }

    #[test]
    fn a_missing_config_file_named_by_flag_is_an_error() {
        let flags = Flags {
            config: Some("/nonexistent/invitectl.toml".into()),
            ..Flags::default()
        };
        let err = load_with(None, &[], flags).unwrap_err().to_string();
        assert!(err.contains("does not exist"), "{err}");
    }

    #[test]
    fn config_show_knows_every_key_and_never_a_password() {
        let config = load_with(None, &[], Flags::default()).unwrap();
        for (section, key, _) in KEYS {
            assert!(
                default_value(&config, &key_name(section, key)).is_some(),
                "config show does not know the default of {section}.{key}: add it to default_value"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("invitectl.toml");
        std::fs::write(
            &file,
            "[database]\nurl = \"postgres://app:pw-in-url@db.example/app\"\n[smtp]\npassword_env = \"MAIL_PW\"\n",
        )
        .unwrap();
        let flags = Flags {
            config: Some(file),
            ..Flags::default()
        };
        let env = |name: &str| (name == "MAIL_PW").then(|| "pw-in-env".to_string());
        let (_, shown) = show(&flags, &env).unwrap();
        let text = serde_json::to_string(&shown).unwrap();
        assert!(!text.contains("pw-in"), "{text}");
        let keys: Vec<&str> = shown.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys.len(), KEYS.len() + 2, "{keys:?}");
        let get = |key: &str| shown.iter().find(|s| s.key == key).unwrap();
        assert_eq!(
            get("database.url").value,
            "postgres://app@db.example:5432/app?sslmode=require"
        );
        assert_eq!(get("database.password").value, "(set)");
        assert_eq!(get("smtp.password").value, "(set)");
        assert_eq!(get("smtp.password").origin, "environment MAIL_PW");
        assert_eq!(
            crate::time::format_duration(Duration::from_secs(90 * 60)),
            "90m"
        );
        assert_eq!(
            crate::time::format_duration(Duration::from_secs(7 * 86_400)),
            "7d"
        );
    }

    #[test]
    fn the_example_config_loads_and_documents_every_key() {
        let example = include_str!("../../config.example.toml");
        let config = load_with(Some(example), &[], Flags::default()).unwrap();
        assert_eq!(config.organization.name, "Acme Corp");
        for (section, key, _) in KEYS {
            let documented = example.lines().any(|line| {
                line.trim_start_matches(['#', ' '])
                    .starts_with(&format!("{key} ="))
            });
            assert!(
                documented,
                "config.example.toml does not document {section}.{key}"
            );
        }
    }
}
