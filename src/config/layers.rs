//! Where each setting comes from: the built-in defaults, the config file,
//! `INVITECTL_<SECTION>_<KEY>` and the flags, in that order, each value with
//! its origin; and turning them into a checked [`Config`].

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Text(String),
    List(Vec<String>),
    Integer(i64),
    Boolean(bool),
}

pub(super) struct Setting {
    pub(super) value: Value,
    pub(super) origin: Origin,
}

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Origin {
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
    pub(super) fn shown(&self) -> String {
        match self {
            Origin::File(path) => format!("file {}", path.display()),
            Origin::Environment(variable) => format!("environment {variable}"),
        }
    }
}

/// The raw settings, each with where it came from.
pub(super) struct Layers {
    pub(super) settings: HashMap<String, Setting>,
}

/// Loads the configuration as docs/reference.md describes, reading variables through `env`.
pub fn load(flags: &Flags, env: &dyn Fn(&str) -> Option<String>) -> Result<Config> {
    layered(flags, env).map(|(_, config)| config)
}

/// The settings as read, each with its origin, and the config built from them.
pub(super) fn layered(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(Layers, Config)> {
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

pub(super) fn discover(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<PathBuf>> {
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

pub(super) fn key_name(section: &str, key: &str) -> String {
    format!("{section}.{key}")
}

pub(super) fn kind_of(section: &str, key: &str) -> Option<Kind> {
    KEYS.iter()
        .find(|(s, k, _)| *s == section && *k == key)
        .map(|(_, _, kind)| *kind)
}

impl Layers {
    pub(super) fn read_file(&mut self, path: &Path) -> Result<()> {
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

    pub(super) fn read_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<()> {
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

    pub(super) fn setting(&self, name: &str) -> Option<&Setting> {
        self.settings.get(name)
    }

    pub(super) fn text(&self, name: &str) -> Option<String> {
        match self.setting(name).map(|s| &s.value) {
            Some(Value::Text(text)) => Some(text.clone()),
            _ => None,
        }
    }

    pub(super) fn flag(&self, name: &str) -> bool {
        matches!(
            self.setting(name).map(|s| &s.value),
            Some(Value::Boolean(true))
        )
    }

    pub(super) fn problem(&self, name: &str, problem: &str) -> Error {
        let origin = self
            .setting(name)
            .map_or_else(|| "configuration".to_string(), |s| s.origin.to_string());
        Error::Config(format!("{origin}: {name} {problem}"))
    }

    pub(super) fn duration(&self, name: &str) -> Result<Option<Duration>> {
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
    pub(super) fn database(
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

    pub(super) fn build(
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
            end_warning: self
                .duration("organization.end_warning")?
                .unwrap_or(Duration::from_secs(7 * 24 * 3600)),
            language: match self.text("organization.language") {
                Some(code) => code
                    .parse()
                    .map_err(|e: String| self.problem("organization.language", &e))?,
                None => Lang::En,
            },
            timezone: match self.text("organization.timezone") {
                Some(name) => crate::i18n::Zone::parse(&name)
                    .map_err(|e| self.problem("organization.timezone", &e))?,
                None => crate::i18n::Zone::UTC,
            },
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
pub(super) fn host_name(text: &str) -> Option<String> {
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

pub(super) fn from_toml(value: &toml::Value, kind: Kind) -> Option<Value> {
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

pub(super) fn from_env(text: &str, kind: Kind) -> Option<Value> {
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
