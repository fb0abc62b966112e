//! Settings: defaults < config file < environment < flags. Every key is named
//! once, in `KEYS`; an error names where the value came from, the key and the problem.

use std::collections::HashMap;
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
    ("organization", "roles", Kind::List),
    ("organization", "invitation_ttl", Kind::Text),
    ("organization", "reset_ttl", Kind::Text),
    ("database", "path", Kind::Text),
    ("database", "url", Kind::Text),
    ("database", "password_env", Kind::Text),
    ("database", "password_file", Kind::Text),
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
}

#[derive(Debug, Clone)]
pub struct Organization {
    pub name: String,
    /// Without a trailing slash.
    pub base_url: String,
    pub dashboard_url: String,
    pub admin: Option<String>,
    pub roles: Vec<String>,
    pub invitation_ttl: Duration,
    /// How long a password reset link works.
    pub reset_ttl: Duration,
}

impl Organization {
    pub fn accept_link(&self, token: &crate::token::Token) -> String {
        format!("{}/accept?token={}", self.base_url, token.as_str())
    }

    pub fn reset_link(&self, token: &crate::token::Token) -> String {
        format!("{}/reset?token={}", self.base_url, token.as_str())
    }

    /// Who the mail tells people to contact: the admin's name when it is
    /// set, else a description anyone understands.
    pub fn contact(&self) -> String {
        self.admin
            .clone()
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
    origin: String,
}

/// The raw settings, each with where it came from.
struct Layers {
    settings: HashMap<String, Setting>,
}

/// Loads the configuration as docs/reference.md describes, reading variables through `env`.
pub fn load(flags: &Flags, env: &dyn Fn(&str) -> Option<String>) -> Result<Config> {
    let file = discover(flags, env)?;
    let mut layers = Layers {
        settings: HashMap::new(),
    };
    if let Some(path) = &file {
        layers.read_file(path)?;
    }
    layers.read_env(env)?;
    layers.build(file, flags)
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
                        origin: origin.clone(),
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
            let origin = format!("environment variable {variable}");
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
            .map_or("configuration", |s| s.origin.as_str());
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
    /// `password_env` or `password_file` instead of the URL.
    fn database(&self, flags: &Flags) -> Result<crate::db::Target> {
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
                Target::Postgres(target)
            }
            sqlite => sqlite,
        })
    }

    fn build(self, file: Option<PathBuf>, flags: &Flags) -> Result<Config> {
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
            roles,
            invitation_ttl: self
                .duration("organization.invitation_ttl")?
                .unwrap_or(Duration::from_secs(24 * 3600)),
            reset_ttl: self
                .duration("organization.reset_ttl")?
                .unwrap_or(Duration::from_secs(3600)),
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

        let database = self.database(flags)?;

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
        })
    }
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
                "[server]\ntrusted_proxies = [\"10.0.0.0/40\"]\n",
                "server.trusted_proxies lists \"10.0.0.0/40\" has a prefix length above 32",
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
    fn a_missing_config_file_named_by_flag_is_an_error() {
        let flags = Flags {
            config: Some("/nonexistent/invitectl.toml".into()),
            ..Flags::default()
        };
        let err = load_with(None, &[], flags).unwrap_err().to_string();
        assert!(err.contains("does not exist"), "{err}");
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
