//! `config show`: every setting in effect and where it came from, secrets
//! only as `(set)` or `(unset)`.

use super::*;

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
pub(super) const SET: &str = "(set)";

pub(super) const UNSET: &str = "(unset)";

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
pub(super) fn password_shown(
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

pub(super) fn json(value: &Value) -> serde_json::Value {
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
pub(super) fn default_value(config: &Config, name: &str) -> Option<serde_json::Value> {
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
        "organization.end_warning" => text(&crate::time::format_duration(org.end_warning)),
        "organization.language" => text(org.language.code()),
        "organization.timezone" => text(org.timezone.name()),
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
        "smtp.port" => match Security::parse(config.smtp.security.as_deref()) {
            Some(security) => Json::from(security.default_port()),
            None => Json::Null,
        },
        "smtp.security" => text("starttls"),
        "smtp.timeout" => text(&crate::time::format_duration(DEFAULT_SMTP_TIMEOUT)),
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

pub(super) fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::List => "a list of text, like [\"admin\", \"viewer\"]",
        Kind::Integer => "a whole number",
        Kind::Boolean => "true or false",
    }
}
