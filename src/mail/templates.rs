//! The words of the mail: MiniJinja templates, the built-in ones or an
//! operator's own from `[mail] template_dir`. They are read and checked when
//! a command that sends mail starts (and when serve-accept starts), so a
//! mistake stops it there, naming the file, the line and the variables the
//! template may use, rather than failing one message at a time later.
//!
//! Values are HTML-escaped in the `.html` templates and left as they are in
//! the `.txt` ones; a variable that is not defined is an error, never an
//! empty string.
//!
//! The built-in templates say everything through `t("message-id", …)`, a
//! message of the reader's language catalogue (see [`crate::i18n`]). An
//! operator's template may be written for one language (`invitation.de.txt`),
//! which is used for that language in place of `invitation.txt`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::config::Mail;
use crate::error::{Error, Result};
use crate::i18n::{Arg, Lang, Texts};

/// One kind of message, with its text and HTML templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Invitation,
    Reset,
    /// `invitectl remind`: the invitation again, with a link of its own.
    Reminder,
    /// To `[organization] contact`: an invitee asked for a new link.
    RenewalRequest,
    /// `users expire`: the account ends soon.
    EndWarning,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Invitation,
        Kind::Reset,
        Kind::Reminder,
        Kind::RenewalRequest,
        Kind::EndWarning,
    ];

    /// The file names of its text and HTML templates.
    pub fn files(self) -> [&'static str; 2] {
        match self {
            Kind::Invitation => ["invitation.txt", "invitation.html"],
            Kind::Reset => ["reset.txt", "reset.html"],
            Kind::Reminder => ["reminder.txt", "reminder.html"],
            Kind::RenewalRequest => ["renewal_request.txt", "renewal_request.html"],
            Kind::EndWarning => ["end_warning.txt", "end_warning.html"],
        }
    }

    /// The variables its templates may use (docs/reference.md describes
    /// them); every kind also has `lang` and `dir`.
    pub fn variables(self) -> &'static [&'static str] {
        match self {
            Kind::Invitation | Kind::Reminder => &[
                "organization",
                "email",
                "invited_by",
                "role",
                "department",
                "teams",
                "link",
                "expires",
                "contact",
                "lang",
                "dir",
            ],
            Kind::Reset => &[
                "organization",
                "email",
                "first_name",
                "name",
                "link",
                "expires",
                "contact",
                "lang",
                "dir",
            ],
            Kind::RenewalRequest => &["organization", "email", "role", "expired", "lang", "dir"],
            Kind::EndWarning => &[
                "organization",
                "email",
                "first_name",
                "name",
                "end_date",
                "contact",
                "lang",
                "dir",
            ],
        }
    }

    /// Values to try a template with, in `lang`: every optional one set, or none.
    pub(crate) fn samples(self, lang: Lang) -> [Value; 2] {
        self.samples_in_english()
            .map(|values| in_language(values, lang))
    }

    fn samples_in_english(self) -> [Value; 2] {
        let common = |full: bool| {
            vec![
                ("organization", Value::from("Example Organization")),
                ("email", Value::from("ann@example.com")),
                ("link", Value::from("https://invite.example.com/x?token=t")),
                (
                    "expires",
                    Value::from("Thursday, 26 November 2026 at 02:00 UTC"),
                ),
                (
                    "contact",
                    Value::from(if full {
                        "it-help@example.com"
                    } else {
                        "your administrator"
                    }),
                ),
            ]
        };
        let build = |full: bool| {
            if self == Kind::RenewalRequest {
                return Value::from_pairs([
                    ("organization", Value::from("Example Organization")),
                    ("email", Value::from("ann@example.com")),
                    ("role", Value::from("editor")),
                    (
                        "expired",
                        Value::from("Thursday, 26 November 2026 at 02:00 UTC"),
                    ),
                ]);
            }
            if self == Kind::EndWarning {
                return Value::from_pairs([
                    ("organization", Value::from("Example Organization")),
                    ("email", Value::from("ann@example.com")),
                    ("first_name", Value::from(full.then_some("Ann".to_string()))),
                    ("name", Value::from(if full { "Ann Lee" } else { "" })),
                    ("end_date", Value::from("Thursday, 31 December 2026")),
                    ("contact", Value::from("it-help@example.com")),
                ]);
            }
            let mut values = common(full);
            match self {
                Kind::Invitation | Kind::Reminder => values.extend([
                    ("invited_by", Value::from("Ida Admin")),
                    ("role", Value::from("editor")),
                    (
                        "department",
                        Value::from(full.then_some("Engineering".to_string())),
                    ),
                    (
                        "teams",
                        Value::from(if full {
                            vec!["ops".to_string(), "web".to_string()]
                        } else {
                            Vec::new()
                        }),
                    ),
                ]),
                Kind::RenewalRequest | Kind::EndWarning => {}
                Kind::Reset => values.extend([
                    ("first_name", Value::from(full.then_some("Ann".to_string()))),
                    ("name", Value::from(if full { "Ann Lee" } else { "" })),
                ]),
            }
            Value::from_pairs(values)
        };
        [build(true), build(false)]
    }
}

/// The built-in templates, compiled into the binary.
const BUILT_IN: [(&str, &str); 10] = [
    (
        "invitation.txt",
        include_str!("../../templates/mail/invitation.txt"),
    ),
    (
        "invitation.html",
        include_str!("../../templates/mail/invitation.html"),
    ),
    ("reset.txt", include_str!("../../templates/mail/reset.txt")),
    (
        "reset.html",
        include_str!("../../templates/mail/reset.html"),
    ),
    (
        "reminder.txt",
        include_str!("../../templates/mail/reminder.txt"),
    ),
    (
        "reminder.html",
        include_str!("../../templates/mail/reminder.html"),
    ),
    (
        "renewal_request.txt",
        include_str!("../../templates/mail/renewal_request.txt"),
    ),
    (
        "renewal_request.html",
        include_str!("../../templates/mail/renewal_request.html"),
    ),
    (
        "end_warning.txt",
        include_str!("../../templates/mail/end_warning.txt"),
    ),
    (
        "end_warning.html",
        include_str!("../../templates/mail/end_warning.html"),
    ),
];

/// `values` with the language's own: `lang` and `dir`.
fn in_language(values: Value, lang: Lang) -> Value {
    minijinja::context! { lang => lang.code(), dir => lang.dir(), ..values }
}

/// Every template, checked, ready to render.
pub struct Templates {
    env: Environment<'static>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Templates")
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // By the file's extension: .html escapes, .txt does not (so by the
    // name's last extension: invitation.de.html escapes too).
    env.set_auto_escape_callback(minijinja::default_auto_escape_callback);
    env.add_function("t", translate);
    env
}

/// `t("message-id", name=value, …)`: a message of the catalogue of the
/// template's `lang`, its variables from the keyword arguments.
fn translate(
    state: &minijinja::State<'_, '_>,
    key: &str,
    kwargs: minijinja::value::Kwargs,
) -> std::result::Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|code| code.as_str().and_then(Lang::from_tag))
        .unwrap_or(Lang::En);
    let texts = Texts::new(lang, crate::i18n::Zone::UTC);
    if !texts.has(key) {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("t(\"{key}\"): there is no such message in locales/en/invitectl.ftl"),
        ));
    }
    let names: Vec<&str> = kwargs.args().collect();
    let values: Vec<(String, Value)> = names
        .iter()
        .map(|name| Ok((name.to_string(), kwargs.get::<Value>(name)?)))
        .collect::<std::result::Result<_, minijinja::Error>>()?;
    let texts_of: Vec<String> = values.iter().map(|(_, v)| v.to_string()).collect();
    let args: Vec<(&str, Arg<'_>)> = values
        .iter()
        .zip(&texts_of)
        .map(|((name, value), text)| {
            let arg = match i64::try_from(value.clone()) {
                Ok(n) if value.is_number() => Arg::Number(n),
                _ => Arg::Text(text),
            };
            (name.as_str(), arg)
        })
        .collect();
    Ok(texts.text(key, &args))
}

impl Templates {
    /// The built-in templates with, for each file `[mail] template_dir`
    /// holds, the operator's instead; every one checked.
    pub fn load(mail: &Mail) -> Result<Templates> {
        Templates::load_from(mail.template_dir.as_deref())
    }

    pub fn load_from(dir: Option<&Path>) -> Result<Templates> {
        if let Some(dir) = dir
            && !dir.is_dir()
        {
            return Err(Error::Config(format!(
                "[mail] template_dir {} is not a directory; create it with your templates \
                 (invitation.txt, invitation.html, reset.txt, reset.html, reminder.txt, reminder.html, \
                 renewal_request.txt, renewal_request.html, end_warning.txt, end_warning.html) or remove the setting",
                dir.display()
            )));
        }
        let mut env = environment();
        for kind in Kind::ALL {
            for name in kind.files() {
                let (source, origin) = match dir.map(|dir| dir.join(name)) {
                    Some(path) if path.exists() => (read(&path)?, Origin::File(path)),
                    _ => (built_in(name).to_string(), Origin::BuiltIn(name)),
                };
                check(&mut env, kind, Lang::En, name.to_string(), source, &origin)?;
                let Some(dir) = dir else { continue };
                for lang in Lang::ALL {
                    let own = for_language(name, lang);
                    let path = dir.join(&own);
                    if path.exists() {
                        check(&mut env, kind, lang, own, read(&path)?, &Origin::File(path))?;
                    }
                }
            }
        }
        Ok(Templates { env })
    }

    /// Only the built-in templates.
    pub fn built_in() -> Templates {
        Templates::load_from(None).expect("the built-in mail templates are valid")
    }

    /// The text and HTML bodies of one message in `lang`: the operator's
    /// template for that language when there is one.
    pub fn render(&self, kind: Kind, lang: Lang, values: Value) -> Result<(String, String)> {
        let values = in_language(values, lang);
        let [text, html] = kind.files().map(|name| {
            let own = for_language(name, lang);
            let name = if self.env.get_template(&own).is_ok() {
                own
            } else {
                name.to_string()
            };
            self.env
                .get_template(&name)
                .and_then(|template| template.render(values.clone()))
                .map_err(|e| {
                    Error::Other(anyhow::anyhow!(
                        "could not render the mail template {name}: {e}"
                    ))
                })
        });
        Ok((text?, html?))
    }
}

/// `invitation.txt` written for German: `invitation.de.txt`.
fn for_language(name: &str, lang: Lang) -> String {
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{}.{extension}", lang.code()),
        None => format!("{name}.{}", lang.code()),
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        Error::Config(format!(
            "cannot read the mail template {}: {e}; check [mail] template_dir",
            path.display()
        ))
    })
}

fn built_in(name: &str) -> &'static str {
    BUILT_IN
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, source)| *source)
        .expect("every template has a built-in one")
}

/// Where a template came from, for naming it in an error.
enum Origin {
    BuiltIn(&'static str),
    File(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::BuiltIn(name) => write!(f, "the built-in mail template {name}"),
            Origin::File(path) => write!(f, "the mail template {}", path.display()),
        }
    }
}

/// Compiles a template and tries it with sample values: a syntax error, a
/// variable that is not one of its kind's, or anything else that would fail
/// when a message is rendered, is refused here.
fn check(
    env: &mut Environment<'static>,
    kind: Kind,
    lang: Lang,
    name: String,
    source: String,
    origin: &Origin,
) -> Result<()> {
    let variables = kind.variables().join(", ");
    let refuse = |line: Option<usize>, problem: String| {
        let at = line.map_or(String::new(), |line| format!(", line {line}"));
        Error::Config(format!(
            "{origin}{at}: {problem}; the variables it may use are: {variables}"
        ))
    };
    let describe = |e: &minijinja::Error| match e.detail() {
        Some(detail) => format!("{}: {detail}", e.kind()),
        None => e.kind().to_string(),
    };
    env.add_template_owned(name.clone(), source.clone())
        .map_err(|e| refuse(e.line(), describe(&e)))?;
    let template = env
        .get_template(&name)
        .map_err(|e| refuse(e.line(), describe(&e)))?;
    let globals: BTreeSet<&str> = env.globals().map(|(name, _)| name).collect();
    let unknown: BTreeSet<String> = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|v| !kind.variables().contains(&v.as_str()) && !globals.contains(v.as_str()))
        .collect();
    if let Some(first) = unknown.iter().next() {
        let names: Vec<String> = unknown.iter().map(|v| format!("`{v}`")).collect();
        return Err(refuse(
            line_of(&source, first),
            format!("{} is not a variable of this template", names.join(", ")),
        ));
    }
    for sample in kind.samples(lang) {
        template.render(sample).map_err(|e| {
            let problem = match e.kind() {
                minijinja::ErrorKind::UndefinedError => {
                    "it uses a value that is not defined (an attribute or item that a variable does not have)".to_string()
                }
                _ => describe(&e),
            };
            refuse(e.line(), problem)
        })?;
    }
    Ok(())
}

/// The first line where `name` appears as a whole word inside a `{{ }}` or
/// `{% %}` tag.
fn line_of(source: &str, name: &str) -> Option<usize> {
    let mut rest = 0;
    while let Some(start) = source[rest..].find(['{']).map(|i| rest + i) {
        let open = &source[start..];
        let close = if open.starts_with("{{") {
            "}}"
        } else if open.starts_with("{%") {
            "%}"
        } else {
            rest = start + 1;
            continue;
        };
        let end = source[start + 2..]
            .find(close)
            .map_or(source.len(), |i| start + 2 + i);
        let tag = &source[start..end];
        let is_word = |c: char| c.is_alphanumeric() || c == '_';
        let found = tag.match_indices(name).any(|(at, _)| {
            let before = tag[..at].chars().next_back();
            let after = tag[at + name.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        });
        if found {
            return Some(source[..start].matches('\n').count() + 1);
        }
        rest = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    fn refusal(files: &[(&str, &str)]) -> String {
        let dir = dir_with(files);
        match Templates::load_from(Some(dir.path())) {
            Err(Error::Config(message)) => message,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn the_built_in_templates_render_every_variable() {
        let templates = Templates::built_in();
        for kind in Kind::ALL {
            for sample in kind.samples(Lang::En) {
                let (text, html) = templates.render(kind, Lang::En, sample).unwrap();
                if kind == Kind::RenewalRequest {
                    // To the admin: no link, the command that answers it.
                    assert!(text.contains("invitectl resend ann@example.com"), "{text}");
                    assert!(html.contains("invitectl resend ann@example.com"), "{html}");
                    continue;
                }
                if kind == Kind::EndWarning {
                    // No link: the date and who to write to.
                    assert!(
                        text.contains("ends on Thursday, 31 December 2026"),
                        "{text}"
                    );
                    assert!(html.contains("it-help@example.com"), "{html}");
                    continue;
                }
                assert!(
                    text.contains("https://invite.example.com/x?token=t"),
                    "{text}"
                );
                // Escaped as every value in HTML is; a browser reads it as written.
                assert!(
                    html.contains("href=\"https:&#x2f;&#x2f;invite.example.com&#x2f;x?token=t\""),
                    "{html}"
                );
                assert!(text.contains("Example Organization"), "{text}");
            }
        }
    }

    #[test]
    fn an_operators_file_replaces_only_its_own_template() {
        let dir = dir_with(&[("reset.txt", "Reset at {{ organization }}: {{ link }}\n")]);
        let templates = Templates::load_from(Some(dir.path())).unwrap();
        let [sample, _] = Kind::Reset.samples(Lang::En);
        let (text, html) = templates.render(Kind::Reset, Lang::En, sample).unwrap();
        assert_eq!(
            text,
            "Reset at Example Organization: https://invite.example.com/x?token=t"
        );
        assert!(html.contains("<html"), "the built-in HTML stays: {html}");
    }

    #[test]
    fn html_templates_escape_values_and_text_templates_do_not() {
        let dir = dir_with(&[
            ("invitation.txt", "{{ invited_by }}"),
            ("invitation.html", "<p>{{ invited_by }}</p>"),
        ]);
        let templates = Templates::load_from(Some(dir.path())).unwrap();
        let values = Value::from_pairs([("invited_by", Value::from("<b>Ida</b> & co"))]);
        let (text, html) = templates
            .render(Kind::Invitation, Lang::En, values)
            .unwrap();
        assert_eq!(text, "<b>Ida</b> & co");
        assert_eq!(html, "<p>&lt;b&gt;Ida&lt;&#x2f;b&gt; &amp; co</p>");
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let message = refusal(&[("invitation.html", "<p>Hello</p>\n<p>{{ link </p>\n")]);
        assert!(
            message.contains("invitation.html, line 2: syntax error"),
            "{message}"
        );
        assert!(
            message.contains("the variables it may use are: organization, email, invited_by"),
            "{message}"
        );
    }

    #[test]
    fn an_unknown_variable_is_named_with_its_line_even_in_a_branch_not_taken() {
        let message = refusal(&[(
            "reset.txt",
            "Hello,\n{% if false %}\n{{ orgnization }}\n{% endif %}\n{{ link }}\n",
        )]);
        assert!(
            message.contains("reset.txt, line 3: `orgnization` is not a variable of this template"),
            "{message}"
        );
        assert!(
            message.contains("organization, email, first_name, name, link, expires, contact"),
            "{message}"
        );
        // A variable of the other kind of message is not one of this one's.
        let message = refusal(&[("reset.html", "<p>{{ role }}</p>")]);
        assert!(
            message.contains("line 1: `role` is not a variable"),
            "{message}"
        );
    }

    #[test]
    fn a_missing_attribute_or_an_unknown_filter_is_refused() {
        let message = refusal(&[("invitation.txt", "\n{{ teams.first_one }}\n")]);
        assert!(message.contains("invitation.txt, line 2:"), "{message}");
        let message = refusal(&[("invitation.txt", "{{ role|shout }}")]);
        assert!(message.contains("unknown filter"), "{message}");
    }

    #[test]
    fn loops_sets_and_globals_are_not_unknown_variables() {
        let dir = dir_with(&[(
            "invitation.txt",
            "{% set who = invited_by %}{{ who }}{% for t in teams %}{{ loop.index }} {{ t }}{% endfor %}{% for i in range(2) %}{{ i }}{% endfor %}",
        )]);
        Templates::load_from(Some(dir.path())).unwrap();
    }

    #[test]
    fn a_template_dir_that_is_not_there_is_refused() {
        let error = Templates::load_from(Some(Path::new("/nonexistent/templates")))
            .unwrap_err()
            .to_string();
        assert!(error.contains("[mail] template_dir /nonexistent/templates is not a directory"));
    }

    #[test]
    fn lines_are_found_inside_tags_only() {
        let source = "role\n{{ roles }}\n{% if role %}\n";
        assert_eq!(line_of(source, "role"), Some(3));
        assert_eq!(line_of("{{ x }}", "role"), None);
    }
}
