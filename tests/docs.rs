//! Documentation that cannot rot: the man pages are regenerated from the clap
//! definitions and compared with man/, and the completions load in bash.

mod support;

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
        "Refused by a rule: already a user or already invited, an expired, cancelled, used or invalid link, confirmation declined.",
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
        "./invitectl.toml, $XDG_CONFIG_HOME/invitectl/config.toml",
        "The config file, looked for in this order; config.example.toml documents every key.",
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

/// Every page: `invitectl.1`, then one per subcommand at any depth
/// (`invitectl-users-list.1`), as (file name, content).
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
        for sub in command.get_subcommands() {
            let mut sub_words = words.clone();
            sub_words.push(sub.get_name().to_string());
            walk(sub.clone(), sub_words, &examples, out);
        }
        let title = words.join("-");
        let command = command.display_name(&title).bin_name(words.join(" "));
        out.push((format!("{title}.1"), page(command, &title, &examples)));
    }
    // Building the top command first hands its global options down to every page.
    let mut top = invitectl::cli::Cli::command();
    top.build();
    let mut out = Vec::new();
    walk(top, vec!["invitectl".into()], "", &mut out);
    out.sort();
    out
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
        "invitectl(1), and README.md and config.example.toml in the source.",
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
        "man pages out of date: {}; refresh them with `INVITECTL_UPDATE_MAN=1 cargo test --test docs`",
        stale.join(", ")
    );
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
    check(&invitectl::cli::Cli::command(), "invitectl");
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
