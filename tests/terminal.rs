//! The prompts a person meets on a terminal, answered through a real
//! pseudo-terminal (util-linux `script`), the way expect would.

use crate::support;

use std::io::{Read, Write};
use std::process::{ChildStdin, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use support::{BIN, Env, Group};

/// A command running on its own terminal; we read its screen and type at it.
struct Terminal {
    process: Group,
    keyboard: ChildStdin,
    /// What the terminal showed so far, and a signal for each new piece.
    screen: Arc<(Mutex<String>, Condvar)>,
    reader: JoinHandle<()>,
}

impl Terminal {
    fn start(env: &Env, args: &[&str]) -> Terminal {
        let command_line = std::iter::once(BIN.to_string())
            .chain(args.iter().map(|a| format!("'{a}'")))
            .collect::<Vec<_>>()
            .join(" ");
        let mut process = Group::spawn(
            env.command_with("script", &["-qec", &command_line, "/dev/null"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped()),
        )
        .expect("script (util-linux) runs the command on a pseudo-terminal");
        let keyboard = process.child.stdin.take().unwrap();
        let mut output = process.child.stdout.take().unwrap();
        let screen = Arc::new((Mutex::new(String::new()), Condvar::new()));
        let sink = screen.clone();
        let reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = output.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.0
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
                sink.1.notify_all();
            }
        });
        Terminal {
            process,
            keyboard,
            screen,
            reader,
        }
    }

    /// Waits for `prompt` to appear (after what was already answered), then types `answer`.
    fn answer(&mut self, prompt: &str, answer: &str, seen: &mut usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut screen = self.screen.0.lock().unwrap();
        loop {
            if let Some(at) = screen[*seen..].find(prompt) {
                *seen += at + prompt.len();
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no {prompt:?} on the screen:\n{screen}");
            screen = self.screen.1.wait_timeout(screen, left).unwrap().0;
        }
        drop(screen);
        self.keyboard.write_all(answer.as_bytes()).unwrap();
        self.keyboard.flush().unwrap();
    }

    /// [`Terminal::answer`] for a hidden prompt: the command prints the prompt
    /// before it turns echo off, and turning it off discards what was typed
    /// meanwhile, as a password prompt should. So wait for that, then type.
    fn answer_hidden(&mut self, prompt: &str, answer: &str, seen: &mut usize) {
        self.answer(prompt, "", seen);
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.echoes() {
            assert!(
                Instant::now() < deadline,
                "echo never went off after {prompt:?}"
            );
            std::thread::yield_now();
        }
        self.keyboard.write_all(answer.as_bytes()).unwrap();
        self.keyboard.flush().unwrap();
    }

    /// Whether the terminal invitectl reads from still echoes what is typed.
    fn echoes(&self) -> bool {
        let tty = self.tty().expect("invitectl runs on the pseudo-terminal");
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(tty)
            .unwrap();
        let modes = nix::sys::termios::tcgetattr(&file).unwrap();
        modes
            .local_flags
            .contains(nix::sys::termios::LocalFlags::ECHO)
    }

    /// The pseudo-terminal `script` made: invitectl's standard input there.
    fn tty(&self) -> Option<std::path::PathBuf> {
        let script = self.process.child.id().to_string();
        let parent = |pid: &str| -> Option<String> {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            Some(
                stat.rsplit_once(')')?
                    .1
                    .split_whitespace()
                    .nth(1)?
                    .to_string(),
            )
        };
        std::fs::read_dir("/proc")
            .ok()?
            .flatten()
            .find_map(|entry| {
                let pid = entry.file_name().to_string_lossy().into_owned();
                let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
                let from_script =
                    parent(&pid).is_some_and(|p| p == script || parent(&p) == Some(script.clone()));
                (exe == std::path::Path::new(BIN) && from_script)
                    .then(|| std::fs::read_link(format!("/proc/{pid}/fd/0")).ok())
                    .flatten()
            })
    }

    /// Waits for the command to end and the last of its screen to be read.
    fn finish(mut self) -> (i32, String) {
        let status = self.process.child.wait().unwrap();
        self.reader.join().unwrap();
        let screen = self.screen.0.lock().unwrap().clone();
        (status.code().unwrap_or(-1), screen)
    }
}

fn statuses(env: &Env) -> Vec<String> {
    support::invitations(env)
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn cancel_asks_on_a_terminal_and_a_no_keeps_the_invitation() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    let mut seen = 0;
    let mut no = Terminal::start(&env, &["cancel", "ann@acme.example"]);
    no.answer("Cancel 1 invitation(s) (ann@acme.example)?", "n", &mut seen);
    let (code, screen) = no.finish();
    assert_eq!(code, 3, "{screen}");
    assert!(screen.contains("confirmation declined"), "{screen}");
    assert_eq!(statuses(&env), ["pending"]);

    let mut seen = 0;
    let mut yes = Terminal::start(&env, &["cancel", "ann@acme.example"]);
    yes.answer("Their links stop working at once", "y", &mut seen);
    let (code, screen) = yes.finish();
    assert_eq!(code, 0, "{screen}");
    assert_eq!(statuses(&env), ["cancelled"]);
}

#[test]
fn accept_asks_for_names_and_a_hidden_confirmed_password() {
    let env = Env::new();
    env.run(&["invite", "ann@acme.example", "--role", "editor"])
        .ok();
    let link = env.link_for("ann@acme.example");
    let mut terminal = Terminal::start(&env, &["accept", &link]);
    let mut seen = 0;
    terminal.answer(
        "Example Organization invites ann@acme.example to join as editor",
        "",
        &mut seen,
    );
    terminal.answer("First Name", "Ann\r", &mut seen);
    terminal.answer("Last Name", "Lee\r", &mut seen);
    terminal.answer_hidden("Password", "short\r", &mut seen);
    terminal.answer_hidden("Confirm Password", "short\r", &mut seen);
    // Too short: asked again.
    terminal.answer("at least 8 characters", "", &mut seen);
    terminal.answer_hidden("Password", "correct horse\r", &mut seen);
    terminal.answer_hidden("Confirm Password", "correct horse\r", &mut seen);
    let (code, screen) = terminal.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Welcome, Ann Lee!"), "{screen}");
    assert!(
        !screen.contains("correct horse"),
        "the password is never shown:\n{screen}"
    );
    assert_eq!(statuses(&env), ["accepted"]);
}

#[test]
fn every_removal_asks_on_a_terminal_and_a_no_changes_nothing() {
    let env = Env::new();
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["invite", "ann@acme.example", "--role", "viewer"])
        .ok();
    env.accept(&env.link_for("ann@acme.example"), "correct horse")
        .ok();

    let mut seen = 0;
    let mut no = Terminal::start(&env, &["users", "deactivate", "ann@acme.example"]);
    no.answer("Deactivate ann@acme.example?", "n", &mut seen);
    let (code, screen) = no.finish();
    assert_eq!(code, 3, "{screen}");
    assert!(screen.contains("confirmation declined"), "{screen}");
    let users = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(users[0]["status"], "active");

    let mut seen = 0;
    let mut yes = Terminal::start(&env, &["teams", "remove", "ops"]);
    yes.answer("Remove the team \"ops\"?", "y", &mut seen);
    let (code, screen) = yes.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("removed team \"ops\""), "{screen}");
}

#[test]
fn apply_shows_its_plan_on_a_terminal_and_a_no_does_nothing() {
    let env = Env::new();
    let file = env.path("people.csv");
    std::fs::write(
        &file,
        "email,first_name,last_name,role,department,teams,end_date\nann@acme.example,Ann,Lee,editor,,,\n",
    )
    .unwrap();
    let file = file.display().to_string();

    let mut seen = 0;
    let mut no = Terminal::start(&env, &["apply", &file]);
    no.answer("invite      ann@acme.example", "", &mut seen);
    no.answer("Apply this plan?", "n", &mut seen);
    let (code, screen) = no.finish();
    assert_eq!(code, 3, "{screen}");
    assert!(screen.contains("confirmation declined"), "{screen}");
    assert!(statuses(&env).is_empty(), "nothing was invited");
    assert!(env.messages().is_empty(), "nothing was mailed");

    let mut seen = 0;
    let mut yes = Terminal::start(&env, &["apply", &file]);
    yes.answer("Apply this plan?", "y", &mut seen);
    let (code, screen) = yes.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("1 message(s) sent"), "{screen}");
    assert_eq!(statuses(&env), ["pending"]);
}

/// What `args` prints on a terminal, and into a pipe.
fn on_a_terminal_and_piped(env: &Env, args: &[&str]) -> (String, String) {
    let (code, screen) = Terminal::start(env, args).finish();
    assert_eq!(code, 0, "{screen}");
    let piped = env.run(args).ok().stdout.clone();
    (screen, piped)
}

#[test]
fn regression_csv_and_json_on_a_terminal_printed_escape_sequences_and_bidi_overrides_raw() {
    let env = Env::new();
    // A hook whose output retitles the window and clears the screen.
    std::fs::write(
        env.path("hook.sh"),
        "printf '\\033]0;pwned\\007\\033[2J\\302\\233'\nexit 1\n",
    )
    .unwrap();
    env.config(&format!(
        "[hooks]\ncommand = \"sh {}\"\n",
        env.path("hook.sh").display()
    ));
    env.run(&["invite", "bob@acme.example", "--role", "viewer"])
        .ok();
    let link = env.link_for("bob@acme.example");
    env.run_with_stdin(
        &[
            "accept",
            support::token_of(&link),
            "--first-name",
            "Bob",
            "--last-name",
            "Lee\u{202e}moc.live",
            "--password-stdin",
        ],
        "correct horse battery\n",
    )
    .ok();
    env.run(&["hooks", "run"]).code(1);

    for args in [
        &["hooks", "list", "--format", "csv"][..],
        &["hooks", "list", "--format", "json"],
    ] {
        let (screen, piped) = on_a_terminal_and_piped(&env, args);
        assert!(
            !screen.contains('\x1b') && !screen.contains('\u{9b}'),
            "{args:?} on a terminal: {screen:?}"
        );
        // Into a pipe: exactly what the hook printed (JSON escapes ESC itself).
        if args.contains(&"csv") {
            assert!(
                screen.contains("\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}"),
                "{screen:?}"
            );
            assert!(piped.contains("\x1b]0;pwned\x07\x1b[2J\u{9b}"), "{piped:?}");
        } else {
            assert!(
                screen.contains("\\u001b]0;pwned\\u0007\\u001b[2J\\u009b"),
                "{screen:?}"
            );
            assert!(
                piped.contains("\\u001b]0;pwned\\u0007\\u001b[2J\u{9b}"),
                "{piped:?}"
            );
        }
    }

    let (screen, piped) = on_a_terminal_and_piped(&env, &["users", "list", "--format", "csv"]);
    assert!(screen.contains("Lee\\u{202e}moc.live"), "{screen:?}");
    assert!(!screen.contains('\u{202e}'), "{screen:?}");
    assert!(piped.contains("Lee\u{202e}moc.live"), "{piped:?}");

    let (screen, piped) = on_a_terminal_and_piped(&env, &["users", "list", "--format", "json"]);
    assert!(!screen.contains('\u{202e}'), "{screen:?}");
    // Still JSON, with the same values.
    let line = screen.lines().find(|l| l.starts_with('[')).unwrap();
    let shown: serde_json::Value = serde_json::from_str(line).unwrap();
    let exact: serde_json::Value = serde_json::from_str(&piped).unwrap();
    assert_eq!(shown, exact);
    assert_eq!(exact[0]["last_name"], "Lee\u{202e}moc.live");
}

/// What `invitectl ARGS` shows on a terminal `columns` wide (a pseudo-terminal
/// whose size `stty` sets; the table asks the terminal, not `COLUMNS`).
fn screen_at(env: &Env, columns: usize, args: &str) -> String {
    let output = env
        .command_with(
            "script",
            &[
                "-qec",
                &format!("stty cols {columns} rows 50; {BIN} {args}"),
                "/dev/null",
            ],
        )
        .output()
        .expect("script (util-linux) runs the command on a pseudo-terminal");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).replace('\r', "")
}

#[test]
fn a_table_on_a_narrow_terminal_keeps_the_email_whole() {
    let env = Env::new().var("LANG", "C.UTF-8");
    env.run(&["departments", "add", "Engineering"]).ok();
    let ann = "ann.marie.longname@acme.example";
    env.run(&[
        "invite",
        ann,
        "--role",
        "admin",
        "--department",
        "Engineering",
        "--invited-by",
        "it-admin@acme.example",
    ])
    .ok();
    for columns in [80, 120] {
        let screen = screen_at(&env, columns, "list");
        let lines: Vec<&str> = screen.lines().collect();
        assert_eq!(lines.len(), 3, "{screen}");
        for line in &lines {
            assert!(line.chars().count() <= columns, "{line:?} at {columns}");
            assert!(!line.ends_with(' '), "{line:?}");
        }
        assert!(lines[2].contains(ann), "{screen}");
        assert!(!lines[0].contains('…'), "{screen}");
        assert!(lines[0].contains("Delivery"), "{screen}");
    }
    // --wide on a terminal: every column whole, the line longer than the terminal.
    let screen = screen_at(&env, 80, "list --wide");
    assert!(
        screen.contains("Invited By") && screen.contains("it-admin@acme.example"),
        "{screen}"
    );
    assert!(
        screen.lines().any(|line| line.chars().count() > 80),
        "{screen}"
    );
}

/// Issue 23.10: a batch done in under a second flashed a progress bar, and
/// the rate had four decimals.
#[test]
fn a_progress_bar_only_for_a_batch_that_takes_a_while_and_a_rate_in_whole_messages() {
    let env = Env::new();
    // A terminal that draws (the tests' environment has no TERM at all).
    let on_xterm = |args: &str| {
        let output = env
            .command_with(
                "script",
                &["-qec", &format!("TERM=xterm {BIN} {args}"), "/dev/null"],
            )
            .output()
            .expect("script (util-linux) runs the command on a pseudo-terminal");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let quick = on_xterm("invite a@acme.example,b@acme.example,c@acme.example --role viewer");
    assert!(!quick.contains("messages,"), "{quick}");
    let slow = on_xterm(
        "invite d@acme.example,e@acme.example,f@acme.example,g@acme.example,h@acme.example --role viewer --rate 2/s",
    );
    let bar = slow
        .split(['\r', '\n', '\u{1b}'])
        .find(|piece| piece.contains("messages,"))
        .unwrap_or_else(|| panic!("no progress bar: {slow:?}"));
    let rate = bar.split(", ").nth(1).unwrap();
    assert!(
        rate.ends_with("/s")
            && rate
                .trim_end_matches("/s")
                .chars()
                .all(|c| c.is_ascii_digit()),
        "{bar}"
    );
}
