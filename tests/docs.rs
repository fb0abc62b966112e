//! Documentation that cannot rot: the man pages are regenerated from the clap
//! definitions and the config key table and compared with man/, the reference
//! names every command, flag and key, and the completions load in bash.

use crate::support;

use std::path::Path;

use clap::CommandFactory;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, roman};

const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Success."),
    (
        "1",
        "Failure: nothing or only part was done; the message says which.",
    ),
    (
        "2",
        "Usage error or bad input: an unknown flag, an invalid address, an unknown role, team or department, a weak password, a bad setting.",
    ),
    (
        "3",
        "Refused by a rule or not found: already a user or already invited, an expired, cancelled, used or invalid link, confirmation declined, an unknown address, id, team or department.",
    ),
    (
        "4",
        "Mail delivery failed: the invitations are stored; fix the mail settings and run invitectl resend --failed.",
    ),
];

const ENVIRONMENT: &[(&str, &str)] = &[
    ("INVITECTL_CONFIG", "The config file, like --config."),
    ("INVITECTL_DB", "The database file, like --db."),
    (
        "INVITECTL_<SECTION>_<KEY>",
        "Any config key, for example INVITECTL_SMTP_HOST or INVITECTL_ORGANIZATION_ROLES=admin,viewer. Precedence: flag > environment > file > default.",
    ),
    (
        "INVITECTL_SMTP_PASSWORD",
        "The SMTP password, when smtp.password_env names this variable (the name is yours to choose).",
    ),
    (
        "USER",
        "The default Invited By when [organization] admin is not set.",
    ),
    ("NO_COLOR", "When set, no colour is used."),
];

const FILES: &[(&str, &str)] = &[
    (
        "./invitectl.toml, $XDG_CONFIG_HOME/invitectl/config.toml, /etc/invitectl/config.toml",
        "The config file, looked for in this order; invitectl.toml(5) describes every key.",
    ),
    (
        "./invitectl.db",
        "The SQLite database unless [database] path or --db says otherwise; created readable by its owner only.",
    ),
    (
        "./outbox/",
        "Where the file mail transport writes one .eml per message.",
    ),
];

fn section(roff: &mut Roff, title: &str, items: &[(&str, &str)]) {
    roff.control("SH", [title]);
    for (term, text) in items {
        roff.control("TP", []);
        roff.text([roman(*term)]);
        roff.text([roman(*text)]);
    }
}

/// Every page: `invitectl.1`, then one per real subcommand at any depth
/// (`invitectl-users-list.1`; none for clap's built-in `help`), and
/// `invitectl.toml.5`, as (file name, content).
fn pages() -> Vec<(String, Vec<u8>)> {
    // A nested command without examples of its own shows its parent's.
    fn walk(
        command: clap::Command,
        words: Vec<String>,
        inherited: &str,
        out: &mut Vec<(String, Vec<u8>)>,
    ) {
        let examples = command
            .get_after_help()
            .map_or(inherited.to_string(), |help| help.to_string());
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut sub_words = words.clone();
            sub_words.push(sub.get_name().to_string());
            walk(sub.clone(), sub_words, &examples, out);
        }
        let title = words.join("-");
        let command = command.display_name(&title).bin_name(words.join(" "));
        out.push((format!("{title}.1"), page(command, &title, &examples)));
    }
    // Building the top command first hands its global options down to every page.
    let mut top = invitectl::cli::args::Cli::command();
    top.build();
    let mut out = Vec::new();
    walk(top, vec!["invitectl".into()], "", &mut out);
    out.push(("invitectl.toml.5".into(), config_page()));
    out.sort();
    out
}

/// One documented key of config.example.toml: the comment above it and its example line.
struct Key {
    section: String,
    key: String,
    example: String,
    text: String,
}

/// The keys of config.example.toml in order, each with the comment above it;
/// a key of the config table that is not there fails the test.
fn example_keys() -> Vec<Key> {
    let example = include_str!("../config.example.toml");
    let mut keys = Vec::new();
    let (mut section, mut comment) = (String::new(), Vec::new());
    for line in example.lines() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            comment.clear();
            continue;
        }
        let text = line.trim_start_matches('#').trim();
        let key = text.split(" = ").next().unwrap_or_default();
        let is_key = text.contains(" = ")
            && invitectl::config::keys().any(|(s, k)| s == section && k == key);
        if is_key {
            keys.push(Key {
                section: section.clone(),
                key: key.to_string(),
                example: text.to_string(),
                text: comment.join(" "),
            });
            comment.clear();
        } else if line.is_empty() {
            comment.clear();
        } else if !section.is_empty() {
            comment.push(text.to_string());
        }
    }
    for (section, key) in invitectl::config::keys() {
        assert!(
            keys.iter().any(|k| k.section == section && k.key == key),
            "config.example.toml does not document {section}.{key}"
        );
    }
    keys
}

/// invitectl.toml(5): every key of the config table, described as config.example.toml does.
fn config_page() -> Vec<u8> {
    let mut roff = Roff::new();
    roff.control("TH", ["INVITECTL.TOML", "5"]);
    roff.control("SH", ["NAME"]);
    roff.text([roman("invitectl.toml - the invitectl configuration file")]);
    roff.control("SH", ["DESCRIPTION"]);
    roff.text([roman(
        "invitectl reads --config PATH (or INVITECTL_CONFIG), else ./invitectl.toml, else \
         $XDG_CONFIG_HOME/invitectl/config.toml, else /etc/invitectl/config.toml. Every key is \
         optional. Every key can also be set in the environment as INVITECTL_<SECTION>_<KEY>, \
         for example INVITECTL_SMTP_HOST; lists are comma-separated there. Precedence: flag > \
         environment > file > default. An error names the file or variable, the key and what is wrong.",
    )]);
    let mut section = String::new();
    for key in example_keys() {
        if key.section != section {
            section = key.section.clone();
            roff.control("SH", [format!("[{section}]").as_str()]);
        }
        roff.control("TP", []);
        roff.text([roman(format!("{}.{}", key.section, key.key))]);
        roff.text([roman(key.text)]);
        roff.control("br", []);
        roff.text([roman(format!("Example: {}", key.example))]);
    }
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(
        "invitectl(1), and config.example.toml in the source.",
    )]);
    roff.render().into_bytes()
}

/// One page, with the sections clap_mangen knows and the ones every page of ours has.
fn page(command: clap::Command, title: &str, examples: &str) -> Vec<u8> {
    let man = Man::new(command.clone().after_help("")).title(title.to_uppercase());
    let mut out = Vec::new();
    man.render_title(&mut out).unwrap();
    man.render_name_section(&mut out).unwrap();
    man.render_synopsis_section(&mut out).unwrap();
    man.render_description_section(&mut out).unwrap();
    man.render_options_section(&mut out).unwrap();
    if command.has_subcommands() {
        man.render_subcommands_section(&mut out).unwrap();
    }
    let mut roff = Roff::new();
    roff.control("SH", ["EXAMPLES"]);
    roff.control("nf", []);
    for line in examples.lines().filter(|l| !l.starts_with("Examples:")) {
        roff.text([roman(line.trim())]);
    }
    roff.control("fi", []);
    section(&mut roff, "EXIT STATUS", EXIT_STATUS);
    section(&mut roff, "ENVIRONMENT", ENVIRONMENT);
    section(&mut roff, "FILES", FILES);
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(
        "invitectl.toml(5), and README.md and docs/reference.md in the source.",
    )]);
    roff.to_writer(&mut out).unwrap();
    if command.get_version().is_some() {
        man.render_version_section(&mut out).unwrap();
    }
    out
}

#[test]
fn man_pages_match_the_command_line() {
    let pages = pages();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let update = std::env::var_os("INVITECTL_UPDATE_MAN").is_some();
    let mut stale = Vec::new();
    for (file, content) in &pages {
        let path = dir.join(file);
        if std::fs::read(&path).ok().as_deref() != Some(content.as_slice()) {
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, content).unwrap();
            } else {
                stale.push(file.clone());
            }
        }
    }
    let expected: Vec<&str> = pages.iter().map(|(file, _)| file.as_str()).collect();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            expected.contains(&file.as_str()),
            "man/{file} has no command; remove it"
        );
    }
    assert!(
        stale.is_empty(),
        "man pages out of date: {}; refresh them with `INVITECTL_UPDATE_MAN=1 cargo test --test integration docs::`",
        stale.join(", ")
    );
}

/// Every command at any depth, with its words (`invitectl users list`), clap's `help` left out.
fn commands() -> Vec<(String, clap::Command)> {
    fn walk(command: &clap::Command, path: String, out: &mut Vec<(String, clap::Command)>) {
        out.push((path.clone(), command.clone()));
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            walk(sub, format!("{path} {}", sub.get_name()), out);
        }
    }
    let mut top = invitectl::cli::args::Cli::command();
    top.build();
    let mut out = Vec::new();
    walk(&top, "invitectl".into(), &mut out);
    out
}

#[test]
fn every_argument_and_flag_has_a_description() {
    for (path, command) in commands() {
        for arg in command.get_arguments() {
            assert!(
                arg.get_help().is_some() || arg.get_long_help().is_some(),
                "`{path}`: {} has no description",
                arg.get_id()
            );
        }
    }
}

#[test]
fn the_usage_of_resend_and_cancel_shows_their_other_forms() {
    for (path, command) in commands() {
        let wanted: &[&str] = match path.as_str() {
            "invitectl resend" => &["--expired", "--failed"],
            "invitectl cancel" => &["--expired"],
            _ => continue,
        };
        let usage = command.clone().render_usage().to_string();
        for flag in wanted {
            assert!(usage.contains(flag), "{path} usage lacks {flag}: {usage}");
        }
    }
}

#[test]
fn the_reference_names_every_command_flag_and_config_key() {
    let reference = include_str!("../docs/reference.md");
    for (path, command) in commands() {
        assert!(
            reference.contains(&format!("`{path}")),
            "docs/reference.md does not describe `{path}`"
        );
        for arg in command.get_arguments() {
            if let Some(long) = arg.get_long() {
                assert!(
                    reference.contains(&format!("--{long}")),
                    "docs/reference.md does not name --{long} (of `{path}`)"
                );
            }
        }
    }
    for (section, key) in invitectl::config::keys() {
        assert!(
            reference.contains(&format!("`{section}.{key}`")),
            "docs/reference.md does not describe `{section}.{key}`"
        );
    }
}

#[test]
fn nothing_points_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                for needle in [["..", "/shared"].concat(), ["SPEC", ".md"].concat()] {
                    assert!(
                        !text.contains(&needle),
                        "{} points at {needle}, which is not part of the repository",
                        path.display()
                    );
                }
            }
        }
    }
}

#[test]
fn teams_and_departments_each_show_their_own_examples() {
    for (path, command) in commands() {
        let (own, other) = if path.starts_with("invitectl teams") {
            ("teams", "departments")
        } else if path.starts_with("invitectl departments") {
            ("departments", "teams")
        } else {
            continue;
        };
        let help = command
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(
            help.contains(&format!("invitectl {own}")),
            "`{path}` examples: {help}"
        );
        assert!(
            !help.contains(&format!("invitectl {other}")),
            "`{path}` examples: {help}"
        );
    }
}

#[test]
fn every_command_has_examples_in_its_help() {
    fn check(command: &clap::Command, path: &str) {
        let help = command
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        let examples = help
            .lines()
            .filter(|l| l.trim_start().starts_with("invitectl "))
            .count();
        assert!(examples >= 2, "`{path} --help` has {examples} examples");
        for sub in command.get_subcommands() {
            check(sub, &format!("{path} {}", sub.get_name()));
        }
    }
    check(&invitectl::cli::args::Cli::command(), "invitectl");
}

#[test]
fn bash_completions_load_in_bash() {
    let env = support::Env::new();
    let script = env.run(&["completions", "bash"]).ok().stdout.clone();
    std::fs::write(env.path("invitectl.bash"), script).unwrap();
    let mut bash = std::process::Command::new("bash");
    bash.args(["-c", "source ./invitectl.bash && complete -p invitectl"])
        .current_dir(env.dir.path());
    let output = bash.output().unwrap();
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        printed.contains("_invitectl") && printed.contains("invitectl"),
        "{printed}"
    );
}

/// A README line or a line of output with what changes from run to run
/// taken out: times, the directory, file names in outbox/, tokens, and the
/// widths of table columns.
fn steady(line: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for word in line.split_whitespace() {
        let unit_count = |w: &str| {
            w.len() > 1
                && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit())
                && w.ends_with(['s', 'm', 'h', 'd'])
        };
        let word = if word == "ago" && words.last().is_some_and(|w| unit_count(w)) {
            words.pop();
            "<time>".to_string()
        } else if word == "now" {
            "<time>".to_string()
        } else if word.chars().all(|c| c == '─' || c == '-') && word.len() > 2 {
            "─".to_string()
        } else if let Some(at) = word.find("token=") {
            format!("{}token=…", &word[..at])
        } else if let Some(at) = word.find("outbox/") {
            format!("{}outbox/…", &word[..at])
        } else if word.contains("T")
            && word.contains(':')
            && word.chars().filter(char::is_ascii_digit).count() >= 12
        {
            "<timestamp>".to_string()
        } else {
            word.to_string()
        };
        words.push(word);
    }
    words.join(" ")
}

/// A printed link with its token left out, as the README shows it.
fn steady_token(line: &str) -> String {
    match line.find("token=") {
        Some(at) => {
            let end = line[at..]
                .find(char::is_whitespace)
                .map_or(line.len(), |e| at + e);
            format!("{}token=…{}", &line[..at], &line[end..])
        }
        None => line.to_string(),
    }
}

/// Issue 23.7: every console block in the README is what its commands
/// print, run one after the other as a no-config user `alice` would. A
/// comment `<!-- readme-test: accept EMAIL -->` does what the story says
/// happens in a browser between two blocks. With `INVITECTL_UPDATE_README=1`
/// the blocks are rewritten with what the commands print.
#[test]
fn the_readme_console_blocks_are_what_the_commands_print() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let env = support::Env::sqlite()
        .var("SUDO_USER", "alice")
        .var("LANG", "C.UTF-8");
    let home = env.dir.path().display().to_string();
    let update = std::env::var_os("INVITECTL_UPDATE_README").is_some();
    let mut rewritten: Vec<String> = Vec::new();
    let (mut in_block, mut blocks, mut stale) = (false, 0, Vec::new());
    let mut lines = readme.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(email) = line
            .strip_prefix("<!-- readme-test: accept ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        {
            env.accept(&env.link_for(email), "correct horse battery")
                .ok();
        }
        if line == "```console" {
            in_block = true;
            blocks += 1;
            rewritten.push(line.to_string());
            continue;
        }
        if !in_block {
            rewritten.push(line.to_string());
            continue;
        }
        if line == "```" {
            in_block = false;
            rewritten.push(line.to_string());
            continue;
        }
        let Some(command) = line.strip_prefix("$ ") else {
            unreachable!("output lines are read with their command: {line}")
        };
        let mut shown = Vec::new();
        while let Some(next) = lines.next_if(|next| !next.starts_with("$ ") && *next != "```") {
            shown.push(next.to_string());
        }
        let command_line = command.split("  #").next().unwrap().trim();
        let mut words = command_line.split_whitespace();
        let mut vars = Vec::new();
        let program = loop {
            let word = words.next().unwrap();
            match word.split_once('=') {
                Some((name, value)) => vars.push((name, value.trim_matches('"'))),
                None => break word,
            }
        };
        assert_eq!(program, "invitectl", "{command}");
        let args: Vec<&str> = words.collect();
        let run = env.run_env(&args, &vars);
        let printed: Vec<String> = format!("{}{}", run.stdout, run.stderr)
            .replace(&home, "/home/you")
            .lines()
            .map(|line| steady_token(line.trim_end()))
            .collect();
        rewritten.push(line.to_string());
        rewritten.extend(printed.iter().cloned());
        if shown.last().is_some_and(|last| last.is_empty()) {
            rewritten.push(String::new());
        }
        // stdout and stderr are two streams; on a terminal they interleave.
        let sorted = |lines: &[String]| {
            let mut steady: Vec<String> = lines
                .iter()
                .filter(|line| !line.trim().is_empty())
                .map(|line| steady(line))
                .collect();
            steady.sort();
            steady
        };
        if sorted(&shown) != sorted(&printed) {
            stale.push(format!(
                "`$ {command}` shows\n{}\nbut prints\n{}",
                shown.join("\n"),
                printed.join("\n")
            ));
        }
    }
    assert!(blocks >= 3, "{blocks} console blocks");
    if update {
        std::fs::write(&path, rewritten.join("\n") + "\n").unwrap();
        return;
    }
    assert!(
        stale.is_empty(),
        "README console blocks out of date (refresh them with `INVITECTL_UPDATE_README=1 cargo test --test integration docs::the_readme`, then read the diff):\n{}",
        stale.join("\n\n")
    );
}
