//! Settings: defaults < config file < environment < flags. Every key is named
//! once, in `KEYS`; an error names where the value came from, the key and the problem.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::Mailbox;

use crate::cidr::Cidr;
use crate::error::{Error, Result};
use crate::time::parse_duration;

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
    /// Reminders, renewals and per-invitation lifetimes (see `crate::reminders`
    /// and `crate::renewals`).
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
}

impl Organization {
    pub fn accept_link(&self, token: &crate::token::Token) -> String {
        format!("{}/accept?token={}", self.base_url, token.as_str())
    }

    pub fn reset_link(&self, token: &crate::token::Token) -> String {
        format!("{}/reset?token={}", self.base_url, token.as_str())
    }

    /// Who the mail tells people to contact: `[organization] contact`, else
    /// the admin's name, else a description anyone understands.
    pub fn contact(&self) -> String {
        self.contact
            .clone()
            .or_else(|| self.admin.clone())
            .unwrap_or_else(|| "your administrator".to_string())
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

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    List(Vec<String>),
    Integer(i64),
    Boolean(bool),
}

struct Setting {
    value: Value,
    origin: Origin,
}

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq)]
enum Origin {
    File(PathBuf),
    Environment(String),
}

/// As errors name it: "config file invitectl.toml", "environment variable INVITECTL_SMTP_PORT".
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(path) => write!(f, "config file {}", path.display()),
            Origin::Environment(variable) => write!(f, "environment variable {variable}"),
        }
    }
}

impl Origin {
    /// As `config show` names it: "file invitectl.toml", "environment INVITECTL_SMTP_PORT".
    fn shown(&self) -> String {
        match self {
            Origin::File(path) => format!("file {}", path.display()),
            Origin::Environment(variable) => format!("environment {variable}"),
        }
    }
}

/// The raw settings, each with where it came from.
struct Layers {
    settings: HashMap<String, Setting>,
}

/// Loads the configuration as docs/reference.md describes, reading variables through `env`.
pub fn load(flags: &Flags, env: &dyn Fn(&str) -> Option<String>) -> Result<Config> {
    layered(flags, env).map(|(_, config)| config)
}

/// The settings as read, each with its origin, and the config built from them.
fn layered(flags: &Flags, env: &dyn Fn(&str) -> Option<String>) -> Result<(Layers, Config)> {
    let file = discover(flags, env)?;
    let mut layers = Layers {
        settings: HashMap::new(),
    };
    if let Some(path) = &file {
        layers.read_file(path)?;
    }
    layers.read_env(env)?;
    let config = layers.build(file, flags, env)?;
    Ok((layers, config))
}

fn discover(flags: &Flags, env: &dyn Fn(&str) -> Option<String>) -> Result<Option<PathBuf>> {
    if let Some(path) = &flags.config {
        if !path.is_file() {
            return Err(Error::Config(format!(
                "the config file {} does not exist; check --config or INVITECTL_CONFIG",
                path.display()
            )));
        }
        return Ok(Some(path.clone()));
    }
    let local = PathBuf::from("invitectl.toml");
    if local.is_file() {
        return Ok(Some(local));
    }
    let xdg = env("XDG_CONFIG_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|home| Path::new(&home).join(".config")));
    let user = xdg.map(|dir| dir.join("invitectl").join("config.toml"));
    // INVITECTL_ETC_DIR stands in for /etc where a test or a package needs another root.
    let etc = env("INVITECTL_ETC_DIR")
        .filter(|dir| !dir.is_empty())
        .unwrap_or_else(|| "/etc".into());
    let system = Path::new(&etc).join("invitectl").join("config.toml");
    Ok(user.into_iter().chain([system]).find(|path| path.is_file()))
}

fn key_name(section: &str, key: &str) -> String {
    format!("{section}.{key}")
}

fn kind_of(section: &str, key: &str) -> Option<Kind> {
    KEYS.iter()
        .find(|(s, k, _)| *s == section && *k == key)
        .map(|(_, _, kind)| *kind)
}

impl Layers {
    fn read_file(&mut self, path: &Path) -> Result<()> {
        let origin = format!("config file {}", path.display());
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("cannot read the {origin}: {e}")))?;
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let at = e.span().map_or(String::new(), |span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                format!(", line {line}, column {column}")
            });
            let problem = e.message().trim().replace('\n', "; ");
            Error::Config(format!(
                "{origin}{at}: {problem}; fix the TOML syntax there"
            ))
        })?;
        for (section, keys) in &table {
            let Some(keys) = keys.as_table() else {
                return Err(Error::Config(format!(
                    "{origin}: {section} must be a [{section}] section"
                )));
            };
            for (key, value) in keys {
                let name = key_name(section, key);
                let Some(kind) = kind_of(section, key) else {
                    return Err(Error::Config(format!(
                        "{origin}: unknown key {name}; see config.example.toml for the keys"
                    )));
                };
                let value = from_toml(value, kind).ok_or_else(|| {
                    Error::Config(format!("{origin}: {name} must be {}", describe(kind)))
                })?;
                self.settings.insert(
                    name,
                    Setting {
                        value,
                        origin: Origin::File(path.to_path_buf()),
                    },
                );
            }
        }
        Ok(())
    }

    fn read_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<()> {
        for (section, key, kind) in KEYS {
            let variable = format!(
                "INVITECTL_{}_{}",
                section.to_uppercase(),
                key.to_uppercase()
            );
            let Some(text) = env(&variable) else { continue };
            let origin = Origin::Environment(variable);
            let name = key_name(section, key);
            let value = from_env(&text, *kind).ok_or_else(|| {
                Error::Config(format!("{origin}: {name} must be {}", describe(*kind)))
            })?;
            self.settings.insert(name, Setting { value, origin });
        }
        Ok(())
    }

    fn setting(&self, name: &str) -> Option<&Setting> {
        self.settings.get(name)
    }

    fn text(&self, name: &str) -> Option<String> {
        match self.setting(name).map(|s| &s.value) {
            Some(Value::Text(text)) => Some(text.clone()),
            _ => None,
        }
    }

    fn flag(&self, name: &str) -> bool {
        matches!(
            self.setting(name).map(|s| &s.value),
            Some(Value::Boolean(true))
        )
    }

    fn problem(&self, name: &str, problem: &str) -> Error {
        let origin = self
            .setting(name)
            .map_or_else(|| "configuration".to_string(), |s| s.origin.to_string());
        Error::Config(format!("{origin}: {name} {problem}"))
    }

    fn duration(&self, name: &str) -> Result<Option<Duration>> {
        self.text(name)
            .map(|text| {
                parse_duration(&text)
                    .map_err(|e| self.problem(name, &format!("is not a duration: {e}")))
            })
            .transpose()
    }

    /// `--db` (or `INVITECTL_DB`) over `[database] url` or `path`; with
    /// none, `invitectl.db` here. A PostgreSQL password may come from
    /// `password_env` or `password_file` instead of the URL, or, with
    /// neither, from `PGPASSWORD` as libpq takes it.
    fn database(
        &self,
        flags: &Flags,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<crate::db::Target> {
        use crate::db::Target;
        let given = match (
            &flags.db,
            self.text("database.url"),
            self.text("database.path"),
        ) {
            (Some(db), _, _) => Target::parse(db)?,
            (None, Some(_), Some(_)) => {
                return Err(self.problem(
                    "database.url",
                    "and database.path are both set; keep url for PostgreSQL or path for a SQLite file",
                ));
            }
            (None, Some(url), None) => match Target::parse(&url) {
                Ok(target @ Target::Postgres(_)) => target,
                _ => {
                    return Err(self.problem(
                        "database.url",
                        "must be a postgres:// URL; a SQLite file goes in database.path",
                    ));
                }
            },
            (None, None, path) => {
                Target::Sqlite(PathBuf::from(path.unwrap_or_else(|| "invitectl.db".into())))
            }
        };
        Ok(match given {
            Target::Postgres(mut target) => {
                target.password_env = self.text("database.password_env");
                target.password_file = self.text("database.password_file").map(PathBuf::from);
                target.allow_plaintext_auth = self.flag("database.allow_plaintext_auth");
                if target.password_env.is_none()
                    && target.password_file.is_none()
                    && !crate::db::url_has_password(&target.url)
                    && env("PGPASSWORD").is_some()
                {
                    target.password_env = Some("PGPASSWORD".into());
                }
                Target::Postgres(target)
            }
            sqlite => sqlite,
        })
    }

    fn build(
        &self,
        file: Option<PathBuf>,
        flags: &Flags,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config> {
        let roles = match self.setting("organization.roles").map(|s| &s.value) {
            Some(Value::List(roles)) => roles.clone(),
            _ => DEFAULT_ROLES.iter().map(|r| r.to_string()).collect(),
        };
        if roles.is_empty() || roles.iter().any(|r| r.trim().is_empty()) {
            return Err(self.problem(
                "organization.roles",
                "must list at least one non-empty role",
            ));
        }
        let base_url = self
            .text("organization.base_url")
            .unwrap_or_else(|| "http://127.0.0.1:8080".into());
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(self.problem(
                "organization.base_url",
                "must start with http:// or https:// (for example https://invite.example.com)",
            ));
        }
        let organization = Organization {
            name: self
                .text("organization.name")
                .unwrap_or_else(|| "Example Organization".into()),
            base_url: base_url.trim_end_matches('/').to_string(),
            dashboard_url: self
                .text("organization.dashboard_url")
                .unwrap_or_else(|| "/dashboard".into()),
            admin: self.text("organization.admin"),
            contact: self
                .text("organization.contact")
                .map(|text| {
                    crate::address::normalize(&text).map_err(|e| {
                        self.problem(
                            "organization.contact",
                            &format!(
                                "is not an email address ({e}); give one bare address, like \"it-help@acme.example\""
                            ),
                        )
                    })
                })
                .transpose()?,
            roles,
            invitation_ttl: self
                .duration("organization.invitation_ttl")?
                .unwrap_or(Duration::from_secs(24 * 3600)),
            reset_ttl: self
                .duration("organization.reset_ttl")?
                .unwrap_or(Duration::from_secs(3600)),
            session_ttl: self
                .duration("organization.session_ttl")?
                .unwrap_or(Duration::from_secs(12 * 3600)),
        };

        let smtp = SmtpSettings {
            host: self.text("smtp.host"),
            port: match self.setting("smtp.port").map(|s| &s.value) {
                Some(Value::Integer(port)) => Some(
                    u16::try_from(*port)
                        .ok()
                        .filter(|p| *p > 0)
                        .ok_or_else(|| {
                            self.problem("smtp.port", "must be a port number from 1 to 65535")
                        })?,
                ),
                _ => None,
            },
            security: self.text("smtp.security"),
            username: self.text("smtp.username"),
            password_env: self.text("smtp.password_env"),
            password_file: self.text("smtp.password_file").map(PathBuf::from),
            timeout: self.duration("smtp.timeout")?,
            helo_name: self.text("smtp.helo_name"),
            accept_invalid_certs: self.flag("smtp.accept_invalid_certs"),
            allow_plaintext_auth: self.flag("smtp.allow_plaintext_auth"),
        };

        let transport = match self.text("mail.transport").as_deref() {
            Some("smtp") => TransportKind::Smtp,
            Some("file") => TransportKind::File,
            Some("sendmail") => TransportKind::Sendmail,
            Some(other) => {
                return Err(self.problem(
                    "mail.transport",
                    &format!("is \"{other}\"; use smtp, file or sendmail"),
                ));
            }
            None if smtp.host.is_some() => TransportKind::Smtp,
            None => TransportKind::File,
        };
        let from = match self.text("mail.from") {
            Some(from) => Some(from.parse::<Mailbox>().map_err(|_| {
                self.problem(
                    "mail.from",
                    &format!("is not a mail address: \"{from}\"; write it like \"Acme IT <it@acme.example>\""),
                )
            })?),
            None => None,
        };
        let mail = Mail {
            transport,
            from,
            file_dir: PathBuf::from(
                self.text("mail.file_dir")
                    .unwrap_or_else(|| "outbox".into()),
            ),
            template_dir: self.text("mail.template_dir").map(PathBuf::from),
        };

        let database = self.database(flags, env)?;

        let trusted_proxies = match self.setting("server.trusted_proxies").map(|s| &s.value) {
            Some(Value::List(ranges)) => ranges
                .iter()
                .map(|range| range.parse())
                .collect::<std::result::Result<Vec<Cidr>, String>>()
                .map_err(|e| self.problem("server.trusted_proxies", &format!("lists {e}")))?,
            _ => DEFAULT_TRUSTED_PROXIES
                .iter()
                .map(|range| range.parse().expect("valid default range"))
                .collect(),
        };

        let allowed_redirect_hosts = match self
            .setting("server.allowed_redirect_hosts")
            .map(|s| &s.value)
        {
            Some(Value::List(hosts)) => hosts
                .iter()
                .map(|host| {
                    host_name(host).ok_or_else(|| {
                        self.problem(
                            "server.allowed_redirect_hosts",
                            &format!(
                                "lists \"{host}\", which is not a host name; give bare names like \"apps.acme.example\" (no scheme, port, path or trailing dot)"
                            ),
                        )
                    })
                })
                .collect::<Result<Vec<_>>>()?,
            _ => Vec::new(),
        };
        let cookie_domain = match self.text("server.cookie_domain") {
            None => None,
            Some(text) => {
                let domain = host_name(text.strip_prefix('.').unwrap_or(&text))
                    .filter(|d| d.contains('.') && d.parse::<std::net::IpAddr>().is_err())
                    .ok_or_else(|| {
                        self.problem(
                            "server.cookie_domain",
                            &format!(
                                "is \"{text}\", which is not a domain; give one like \"acme.example\""
                            ),
                        )
                    })?;
                let host = url_host(&organization.base_url).unwrap_or_default();
                if !(host == domain || host.ends_with(&format!(".{domain}"))) {
                    return Err(self.problem(
                        "server.cookie_domain",
                        &format!(
                            "is \"{domain}\", but base_url's host {host} is not within it, so browsers would refuse the cookie; \
                             give base_url's domain or one of its parents"
                        ),
                    ));
                }
                Some(domain)
            }
        };

        let hooks = Hooks {
            command: self
                .text("hooks.command")
                .filter(|command| !command.trim().is_empty()),
            timeout: self
                .duration("hooks.timeout")?
                .unwrap_or(DEFAULT_HOOK_TIMEOUT),
            retention: self
                .duration("hooks.retention")?
                .unwrap_or(DEFAULT_HOOK_RETENTION),
        };

        let followup = self.followup()?;

        Ok(Config {
            file,
            organization,
            database,
            mail,
            smtp,
            server_bind: self
                .text("server.bind")
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            trusted_proxies,
            allowed_redirect_hosts,
            cookie_domain,
            hooks,
            followup,
        })
    }

    fn followup(&self) -> Result<Followup> {
        let remind_after = match self.text("organization.remind_after") {
            Some(text) if text.trim().eq_ignore_ascii_case("off") => None,
            Some(_) => self.duration("organization.remind_after")?,
            None => Some(DEFAULT_REMIND_AFTER),
        };
        let renew = match self.text("organization.renew").as_deref().map(str::trim) {
            None | Some("admin") => RenewPolicy::Admin,
            Some("auto") => RenewPolicy::Auto,
            Some("off") => RenewPolicy::Off,
            Some(other) => {
                return Err(self.problem(
                    "organization.renew",
                    &format!("is \"{other}\"; use auto, admin or off"),
                ));
            }
        };
        let renew_limit = match self.setting("organization.renew_limit").map(|s| &s.value) {
            Some(Value::Integer(limit)) => u32::try_from(*limit).map_err(|_| {
                self.problem(
                    "organization.renew_limit",
                    "must be a whole number from 0 (no renewals by the invitee) up",
                )
            })?,
            _ => DEFAULT_RENEW_LIMIT,
        };
        let max_invitation_ttl = self
            .duration("organization.max_invitation_ttl")?
            .unwrap_or(DEFAULT_MAX_INVITATION_TTL);
        Ok(Followup {
            remind_after,
            renew,
            renew_limit,
            max_invitation_ttl,
        })
    }
}

/// A host name as a URL parser writes it (lower-case, IDNA ASCII), when
/// `text` is one: no scheme, port, path, userinfo or trailing dot.
fn host_name(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() || text.ends_with('.') || text.contains(['/', ':', '@', '\\', '%', '?', '#'])
    {
        return None;
    }
    let parsed = url::Url::parse(&format!("https://{text}/")).ok()?;
    match parsed.host()? {
        url::Host::Domain(domain) => Some(domain.to_string()),
        other => Some(other.to_string()),
    }
}

/// The host of a URL as its parser writes it.
pub fn url_host(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .host_str()
        .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_string())
}

/// One setting in effect, as `invitectl config show` prints it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Shown {
    /// `section.key`, or `smtp.password` / `database.password` for the
    /// passwords themselves, which no key holds.
    pub key: String,
    /// The value in effect (null when there is none); a password only ever
    /// as `(set)` or `(unset)`, a database URL without its password.
    pub value: serde_json::Value,
    /// `default`, `file PATH`, `environment VARIABLE`, or `flag --db`.
    pub origin: String,
}

/// A password is never shown, only whether there is one.
const SET: &str = "(set)";
const UNSET: &str = "(unset)";

/// Every setting in effect, each with where it came from: every key, the
/// database `--db` names, and whether each password is there. The file read
/// is returned too (None when none was found).
pub fn show(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(Option<PathBuf>, Vec<Shown>)> {
    let (layers, config) = layered(flags, env)?;
    let db_origin = flags.db.as_ref().map(|_| {
        if flags.db_from_environment {
            "environment INVITECTL_DB".to_string()
        } else {
            "flag --db".to_string()
        }
    });
    let smtp_password = password_shown(
        "smtp.password",
        config.smtp.password_env.as_deref(),
        config.smtp.password_file.as_deref(),
        env,
    );
    let database_password = match &config.database {
        crate::db::Target::Postgres(target) if crate::db::url_has_password(&target.url) => Shown {
            key: "database.password".into(),
            value: SET.into(),
            origin: db_origin.clone().unwrap_or_else(|| {
                layers
                    .setting("database.url")
                    .map_or_else(|| "default".into(), |s| s.origin.shown())
            }),
        },
        crate::db::Target::Postgres(target) => password_shown(
            "database.password",
            target.password_env.as_deref(),
            target.password_file.as_deref(),
            env,
        ),
        crate::db::Target::Sqlite(_) => password_shown("database.password", None, None, env),
    };
    let mut shown = Vec::new();
    for (section, key, _) in KEYS {
        let name = key_name(section, key);
        let (value, origin) = match (&db_origin, layers.setting(&name)) {
            (Some(origin), _) if name == "database.path" || name == "database.url" => {
                (default_value(&config, &name), origin.clone())
            }
            (_, Some(setting)) => {
                let value = match (&setting.value, name.as_str()) {
                    (Value::Text(url), "database.url") => {
                        serde_json::Value::from(crate::db::redact(url))
                    }
                    (value, _) => json(value),
                };
                (Some(value), setting.origin.shown())
            }
            (_, None) => (default_value(&config, &name), "default".to_string()),
        };
        // Each password whether it is there, after the keys that say where it is.
        let password = match name.as_str() {
            "smtp.password_file" => Some(smtp_password.clone()),
            "database.password_file" => Some(database_password.clone()),
            _ => None,
        };
        shown.push(Shown {
            key: name,
            value: value.unwrap_or(serde_json::Value::Null),
            origin,
        });
        shown.extend(password);
    }
    Ok((config.file, shown))
}

/// Whether the password that `password_env` or `password_file` points at is
/// there, and where it is looked for; never the password.
fn password_shown(
    key: &str,
    variable: Option<&str>,
    file: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Shown {
    let (present, origin) = match (variable, file) {
        (Some(variable), _) => (
            env(variable).is_some_and(|password| !password.is_empty()),
            format!("environment {variable}"),
        ),
        (None, Some(file)) => (
            std::fs::read_to_string(file).is_ok_and(|text| !text.trim_end().is_empty()),
            format!("file {}", file.display()),
        ),
        (None, None) => (false, "default".to_string()),
    };
    Shown {
        key: key.to_string(),
        value: if present { SET } else { UNSET }.into(),
        origin,
    }
}

fn json(value: &Value) -> serde_json::Value {
    match value {
        Value::Text(text) => text.clone().into(),
        Value::List(items) => items.clone().into(),
        Value::Integer(number) => (*number).into(),
        Value::Boolean(flag) => (*flag).into(),
    }
}

/// What a key that nothing set amounts to in `config`: its default, or
/// null where there is none. `None` for a key this does not know, which a
/// test catches.
fn default_value(config: &Config, name: &str) -> Option<serde_json::Value> {
    use crate::db::Target;
    use serde_json::Value as Json;
    let text = |text: &str| Json::from(text);
    let optional = |value: &Option<String>| value.clone().map_or(Json::Null, Json::from);
    let org = &config.organization;
    Some(match name {
        "organization.name" => text(&org.name),
        "organization.base_url" => text(&org.base_url),
        "organization.dashboard_url" => text(&org.dashboard_url),
        "organization.admin" => optional(&org.admin),
        "organization.contact" => optional(&org.contact),
        "organization.roles" => Json::from(org.roles.clone()),
        "organization.invitation_ttl" => text(&crate::time::format_duration(org.invitation_ttl)),
        "organization.reset_ttl" => text(&crate::time::format_duration(org.reset_ttl)),
        "organization.session_ttl" => text(&crate::time::format_duration(org.session_ttl)),
        "organization.remind_after" => match config.followup.remind_after {
            Some(after) => text(&crate::time::format_duration(after)),
            None => text("off"),
        },
        "organization.renew" => text(config.followup.renew.as_str()),
        "organization.renew_limit" => Json::from(config.followup.renew_limit),
        "organization.max_invitation_ttl" => text(&crate::time::format_duration(
            config.followup.max_invitation_ttl,
        )),
        "database.path" => match &config.database {
            Target::Sqlite(path) => text(&path.display().to_string()),
            Target::Postgres(_) => Json::Null,
        },
        "database.url" => match &config.database {
            Target::Postgres(target) => text(&crate::db::redact(&target.url)),
            Target::Sqlite(_) => Json::Null,
        },
        "database.password_env" | "database.password_file" => Json::Null,
        "database.allow_plaintext_auth" => Json::Bool(false),
        "mail.transport" => text(match config.mail.transport {
            TransportKind::Smtp => "smtp",
            TransportKind::File => "file",
            TransportKind::Sendmail => "sendmail",
        }),
        "mail.from" => config
            .mail
            .from
            .as_ref()
            .map_or(Json::Null, |from| Json::from(from.to_string())),
        "mail.file_dir" => text(&config.mail.file_dir.display().to_string()),
        "mail.template_dir" => config
            .mail
            .template_dir
            .as_ref()
            .map_or(Json::Null, |dir| text(&dir.display().to_string())),
        "smtp.host" | "smtp.username" | "smtp.password_env" | "smtp.password_file" => Json::Null,
        "smtp.port" => match crate::mail::smtp::Security::parse(config.smtp.security.as_deref()) {
            Some(security) => Json::from(security.default_port()),
            None => Json::Null,
        },
        "smtp.security" => text("starttls"),
        "smtp.timeout" => text(&crate::time::format_duration(
            crate::mail::smtp::DEFAULT_TIMEOUT,
        )),
        "smtp.helo_name" => {
            text(&lettre::transport::smtp::extension::ClientId::default().to_string())
        }
        "smtp.accept_invalid_certs" | "smtp.allow_plaintext_auth" => Json::Bool(false),
        "server.bind" => text(&config.server_bind),
        "server.trusted_proxies" => Json::from(
            config
                .trusted_proxies
                .iter()
                .map(|range| range.to_string())
                .collect::<Vec<_>>(),
        ),
        "server.allowed_redirect_hosts" => Json::from(config.allowed_redirect_hosts.clone()),
        "server.cookie_domain" => optional(&config.cookie_domain),
        "hooks.command" => optional(&config.hooks.command),
        "hooks.timeout" => text(&crate::time::format_duration(config.hooks.timeout)),
        "hooks.retention" => text(&crate::time::format_duration(config.hooks.retention)),
        _ => return None,
    })
}

fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::List => "a list of text, like [\"admin\", \"viewer\"]",
        Kind::Integer => "a whole number",
        Kind::Boolean => "true or false",
    }
}

fn from_toml(value: &toml::Value, kind: Kind) -> Option<Value> {
    match (kind, value) {
        (Kind::Text, toml::Value::String(s)) => Some(Value::Text(s.clone())),
        (Kind::Integer, toml::Value::Integer(i)) => Some(Value::Integer(*i)),
        (Kind::Boolean, toml::Value::Boolean(b)) => Some(Value::Boolean(*b)),
        (Kind::List, toml::Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(|s| s.trim().to_string()))
            .collect::<Option<Vec<_>>>()
            .map(Value::List),
        _ => None,
    }
}

fn from_env(text: &str, kind: Kind) -> Option<Value> {
    match kind {
        Kind::Text => Some(Value::Text(text.to_string())),
        Kind::Integer => text.trim().parse().ok().map(Value::Integer),
        Kind::Boolean => match text.trim().to_lowercase().as_str() {
            "true" | "1" | "yes" => Some(Value::Boolean(true)),
            "false" | "0" | "no" => Some(Value::Boolean(false)),
            _ => None,
        },
        Kind::List => Some(Value::List(
            text.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        )),
    }
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
        let example = include_str!("../config.example.toml");
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
