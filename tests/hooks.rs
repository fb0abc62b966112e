//! Hooks end to end: `[hooks] command` run by `invitectl hooks run` and by
//! serve-accept for every change to a user, with real scripts, retries
//! under faketime, a runner killed with SIGKILL, a hook that hangs, two
//! runners at once, per-user order, and examples/provision-hook.sh keeping
//! an LDIF file in step.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use support::web::Server;
use support::{Env, Group, token_of};

const PASSWORD: &str = "correct horse battery";
const NEW_PASSWORD: &str = "a brand new staple";

/// Writes an executable POSIX sh script `name` into the env's directory; its path.
fn script(env: &Env, name: &str, body: &str) -> String {
    let path = env.path(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

/// A hook that notes `$INVITECTL_EVENT_ID $INVITECTL_EMAIL` in ids.log, its
/// stdin in stdin.jsonl, INVITECTL_EVENT in env.jsonl and its whole
/// environment in env.log; then runs `then` (exit 0 unless it says otherwise).
fn recording_hook(env: &Env, then: &str) -> String {
    let dir = env.dir.path().display();
    script(
        env,
        "hook.sh",
        &format!(
            "printf '%s %s\\n' \"$INVITECTL_EVENT_ID\" \"$INVITECTL_EMAIL\" >> {dir}/ids.log\n\
             cat >> {dir}/stdin.jsonl; echo >> {dir}/stdin.jsonl\n\
             printf '%s\\n' \"$INVITECTL_EVENT\" >> {dir}/env.jsonl\n\
             env >> {dir}/env.log; echo --- >> {dir}/env.log\n\
             {then}\n"
        ),
    )
}

fn configure(env: &Env, command: &str, timeout: &str) {
    env.config(&format!(
        "[hooks]\ncommand = \"{command}\"\ntimeout = \"{timeout}\"\n"
    ));
}

/// The lines of a file in the env's directory (none when it is not there).
fn lines(env: &Env, name: &str) -> Vec<String> {
    std::fs::read_to_string(env.path(name))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Every event the hook was given on stdin, in the order it got them.
fn events(env: &Env) -> Vec<serde_json::Value> {
    lines(env, "stdin.jsonl")
        .iter()
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// `event email` of each event the hook was given.
fn seen(env: &Env) -> Vec<String> {
    events(env)
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["event"].as_str().unwrap(),
                e["user"]["email"].as_str().unwrap()
            )
        })
        .collect()
}

fn hooks_list(env: &Env, status: &str) -> Vec<serde_json::Value> {
    env.run(&["hooks", "list", "--status", status, "--format", "json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .clone()
}

/// The detail of every `hook` entry of the audit log, oldest first.
fn hook_log(env: &Env) -> Vec<String> {
    let mut details: Vec<String> = env
        .run(&["log", "--action", "hook", "--format", "json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["detail"].as_str().unwrap().to_string())
        .collect();
    details.reverse();
    details
}

/// Waits, at most 20 s, until `ready` holds.
#[track_caller]
fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether process `pid` is gone (or a zombie about to be reaped).
fn gone(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z')),
    }
}

fn invite(env: &Env, email: &str) {
    env.run(&["invite", email, "--role", "editor", "-q"]).ok();
}

#[test]
fn every_change_to_a_user_is_one_event_in_order_with_the_contract_fields_and_a_clean_environment() {
    let env = Env::new()
        .var("INVITECTL_SMTP_PASSWORD", "smtp-secret-value")
        .var("MAIL_PASSWORD", "another-secret-value");
    let hook = recording_hook(&env, "exit 0");
    env.config(&format!(
        "[smtp]\npassword_env = \"MAIL_PASSWORD\"\n[mail]\ntransport = \"file\"\n\
         [hooks]\ncommand = \"{hook}\"\n"
    ));
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["teams", "add", "dev"]).ok();
    env.run(&[
        "invite",
        "ann@acme.example",
        "--role",
        "editor",
        "--team",
        "ops",
        "-q",
    ])
    .ok();
    // Written in the change's transaction; run by the next runner.
    assert_eq!(hooks_list(&env, "pending").len(), 1);
    env.run(&["hooks", "run"]).ok().stderr_has("ran 1 event");
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--team",
        "dev",
        "--role",
        "admin",
    ])
    .ok();
    // An edit that changes nothing is no event.
    env.run(&["users", "edit", "ann@acme.example", "--role", "admin"])
        .ok();
    env.run(&["hooks", "run"]).ok().stderr_has("ran 2 events");
    env.run(&["users", "deactivate", "ann@acme.example", "--yes"])
        .ok();
    env.run(&["users", "reactivate", "ann@acme.example"]).ok();
    // Asking for a reset link changes nothing; setting the password does.
    let link = env
        .run(&[
            "users",
            "reset-password",
            "ann@acme.example",
            "--print-link",
        ])
        .ok()
        .stdout
        .trim()
        .to_string();
    env.run(&["hooks", "run"]).ok().stderr_has("ran 2 events");
    env.run(&["hooks", "run"])
        .ok()
        .stderr_has("no events are due");

    // serve-accept runs the hook of the reset completed through it.
    let server = Server::start(&env);
    server
        .post(
            "/reset",
            &[
                ("token", token_of(&link)),
                ("password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
            None,
        )
        .status(303);
    wait_until("the user.password_reset event", || events(&env).len() == 6);
    let (status, _) = server.terminate();
    assert!(status.success(), "{status:?}");

    assert_eq!(
        seen(&env),
        [
            "user.invited ann@acme.example",
            "user.activated ann@acme.example",
            "user.changed ann@acme.example",
            "user.deactivated ann@acme.example",
            "user.reactivated ann@acme.example",
            "user.password_reset ann@acme.example",
        ]
    );
    let events = events(&env);
    // Stdin and INVITECTL_EVENT are the same JSON; ids.log has each id once, in order.
    let from_env: Vec<serde_json::Value> = lines(&env, "env.jsonl")
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(events, from_env);
    let ids: Vec<String> = events
        .iter()
        .map(|e| format!("{} ann@acme.example", e["id"]))
        .collect();
    assert_eq!(lines(&env, "ids.log"), ids);
    let me = support::os_user();
    for (event, actor) in events.iter().zip([
        me.as_str(),
        "ann@acme.example",
        &me,
        &me,
        &me,
        "ann@acme.example",
    ]) {
        let keys: Vec<&str> = event.as_object().unwrap().keys().map(|k| &**k).collect();
        assert_eq!(keys, ["id", "event", "at", "actor", "user"], "{event}");
        assert_eq!(event["actor"], actor, "{event}");
        assert!(
            event["at"].as_str().unwrap().ends_with('Z'),
            "{}",
            event["at"]
        );
        let user_keys: Vec<&str> = event["user"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| &**k)
            .collect();
        assert_eq!(
            user_keys,
            [
                "id",
                "email",
                "first_name",
                "last_name",
                "role",
                "department",
                "teams",
                "status",
                "created_at",
                "activated_at",
                "end_date",
                "lang"
            ]
        );
    }
    // The user as they were just after each change.
    assert_eq!(events[0]["user"]["status"], "pending");
    assert_eq!(events[0]["user"]["teams"], serde_json::json!(["ops"]));
    assert_eq!(events[1]["user"]["status"], "active");
    assert_eq!(events[1]["user"]["first_name"], "Ann");
    assert_eq!(events[2]["user"]["role"], "admin");
    assert_eq!(events[2]["user"]["teams"], serde_json::json!(["dev"]));
    assert_eq!(events[3]["user"]["status"], "inactive");
    assert_eq!(events[4]["user"]["status"], "active");
    // The same user as `users list --format json` shows.
    let listed = env.run(&["users", "list", "--format", "json"]).ok().json();
    assert_eq!(events[5]["user"], listed[0]);

    // No password, no database, no invitectl setting reaches the hook.
    let environment = std::fs::read_to_string(env.path("env.log")).unwrap();
    for secret in ["smtp-secret-value", "another-secret-value"] {
        assert!(!environment.contains(secret), "{environment}");
    }
    for line in environment.lines().filter(|l| *l != "---") {
        let name = line.split('=').next().unwrap();
        assert!(
            !name.starts_with("INVITECTL_")
                || ["INVITECTL_EVENT", "INVITECTL_EVENT_ID", "INVITECTL_EMAIL"].contains(&name)
                || !line.contains('='),
            "{line}"
        );
        assert!(
            !name.contains("PASSWORD") && !name.starts_with("PG"),
            "{line}"
        );
    }
    assert!(environment.contains("PATH="), "{environment}");
    let done = hooks_list(&env, "done");
    assert_eq!(done.len(), 6);
    assert!(done.iter().all(|e| e["attempts"] == 1), "{done:?}");
    assert_eq!(hooks_list(&env, "pending").len(), 0);
    let log = hook_log(&env);
    assert_eq!(log.len(), 6, "{log:?}");
    assert!(
        log[0].starts_with("user.invited (event 1) exit 0"),
        "{log:?}"
    );
}

#[test]
fn a_failing_hook_is_retried_with_backoff_until_it_succeeds() {
    let env = Env::new();
    let dir = env.dir.path().display().to_string();
    let hook = script(
        &env,
        "flaky.sh",
        &format!(
            "n=$(cat {dir}/count 2> /dev/null || echo 0); n=$((n + 1)); echo $n > {dir}/count\n\
             if [ $n -le 2 ]; then echo \"provisioning failed, try $n\"; echo oops >&2; exit 3; fi\n\
             echo provisioned\n"
        ),
    );
    configure(&env, &hook, "10s");
    invite(&env, "ann@acme.example");

    env.run(&["hooks", "run"])
        .code(1)
        .stderr_has("1 of 1 hook runs failed");
    let failed = hooks_list(&env, "failed");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["attempts"], 1);
    assert_eq!(failed[0]["event"], "user.invited");
    assert!(
        failed[0]["last_result"]
            .as_str()
            .unwrap()
            .starts_with("exit 3: provisioning failed, try 1"),
        "{failed:?}"
    );
    assert!(failed[0]["next_attempt_at"].is_string());
    // Not due before its backoff (30 s) has passed.
    env.run(&["hooks", "run"])
        .ok()
        .stderr_has("no events are due");
    assert_eq!(lines(&env, "count"), ["1"]);
    env.run_at("+1m", &["hooks", "run"], None).code(1);
    assert_eq!(hooks_list(&env, "failed")[0]["attempts"], 2);
    // The second retry waits 60 s more.
    env.run_at("+90s", &["hooks", "run"], None)
        .ok()
        .stderr_has("no events are due");
    env.run_at("+3m", &["hooks", "run"], None)
        .ok()
        .stderr_has("ran 1 event");
    assert!(hooks_list(&env, "failed").is_empty());
    let done = hooks_list(&env, "done");
    assert_eq!(done.len(), 1);
    assert_eq!(done[0]["attempts"], 3);
    assert_eq!(done[0]["last_result"], "exit 0: provisioned");
    env.run_at("+2h", &["hooks", "run"], None)
        .ok()
        .stderr_has("no events are due");
    assert_eq!(lines(&env, "count"), ["3"]);

    let log = hook_log(&env);
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(
        log[0].starts_with("user.invited (event 1) exit 3: provisioning failed, try 1"),
        "{log:?}"
    );
    assert!(log[0].contains("oops"), "stderr too: {log:?}");
    assert!(log[1].contains("try 2"), "{log:?}");
    assert_eq!(log[2], "user.invited (event 1) exit 0: provisioned");
    let table = env.run(&["log", "--action", "hook"]).ok().stdout.clone();
    assert!(table.contains("hook"), "{table}");
    let csv = env
        .run(&["hooks", "list", "--format", "csv"])
        .ok()
        .stdout
        .clone();
    assert!(
        csv.starts_with("id,event,email,at,actor,status,attempts,last_attempt_at,last_result,next_attempt_at,done_at\n"),
        "{csv}"
    );
    assert!(csv.contains(",done,3,"), "{csv}");
}

#[test]
fn a_runner_killed_mid_hook_loses_nothing_and_changes_made_meanwhile_are_run_next() {
    let env = Env::new();
    let dir = env.dir.path().display().to_string();
    let hook = recording_hook(
        &env,
        &format!("if [ ! -e {dir}/fixed ]; then echo $$ > {dir}/hook.pid; sleep 1000; fi"),
    );
    configure(&env, &hook, "20s");
    invite(&env, "ann@acme.example");

    let mut runner = Group::spawn(
        env.command(&["hooks", "run"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null()),
    )
    .unwrap();
    wait_until("the hook to start", || !lines(&env, "hook.pid").is_empty());
    // SIGKILL: no chance to record anything. The hook is in a process group
    // of its own, so it is killed by hand here.
    runner.child.kill().unwrap();
    runner.child.wait().unwrap();
    let hook_pid = lines(&env, "hook.pid")[0].trim().to_string();
    let stat = std::fs::read_to_string(format!("/proc/{hook_pid}/stat")).unwrap();
    let group: i32 = stat
        .rsplit_once(") ")
        .unwrap()
        .1
        .split(' ')
        .nth(2)
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(
        group,
        runner.child.id() as i32,
        "the hook is in a process group of its own"
    );
    killpg(Pid::from_raw(group), Signal::SIGKILL).unwrap();
    wait_until("the killed hook to be gone", || gone(&hook_pid));
    drop(runner);

    // A change while no runner runs.
    env.run(&["users", "edit", "ann@acme.example", "--role", "admin"])
        .ok();
    std::fs::write(env.path("fixed"), "").unwrap();
    // The killed runner's lease (timeout + 60 s) still holds the event, and
    // the edit waits behind it.
    env.run(&["hooks", "run"])
        .ok()
        .stderr_has("no events are due");
    let pending = hooks_list(&env, "pending");
    assert_eq!(pending.len(), 2, "{pending:?}");
    env.run_at("+5m", &["hooks", "run"], None)
        .ok()
        .stderr_has("ran 2 events");
    assert_eq!(
        seen(&env),
        [
            "user.invited ann@acme.example",
            "user.invited ann@acme.example",
            "user.changed ann@acme.example",
        ],
        "the killed run, its rerun, then the edit"
    );
    assert_eq!(hooks_list(&env, "done").len(), 2);
}

#[test]
fn a_hook_that_hangs_is_killed_at_the_timeout_with_everything_it_started() {
    let env = Env::new();
    let dir = env.dir.path().display().to_string();
    let hook = script(
        &env,
        "hang.sh",
        &format!("echo starting\nsleep 1000 &\necho $! > {dir}/sleep.pid\nwait\n"),
    );
    configure(&env, &hook, "1s");
    invite(&env, "ann@acme.example");
    let started = Instant::now();
    env.run(&["hooks", "run"]).code(1);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    let sleep_pid = lines(&env, "sleep.pid").pop().unwrap();
    wait_until("the hook's sleep to be killed", || gone(&sleep_pid));
    let failed = hooks_list(&env, "failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["last_result"], "timed out after 1s: starting");
    assert_eq!(
        hook_log(&env),
        ["user.invited (event 1) timed out after 1s: starting"]
    );
}

/// The limit README "Hooks" documents: a process that leaves the hook's
/// process group (`setsid`) is out of reach of the timeout's kill; only the
/// systemd unit's control group (KillMode=control-group) ends it.
#[test]
fn a_process_that_leaves_the_hooks_group_outlives_the_timeout_as_documented() {
    let env = Env::new();
    let dir = env.dir.path().display().to_string();
    let hook = script(
        &env,
        "daemon.sh",
        &format!(
            "setsid sh -c 'echo $$ > {dir}/daemon.pid; exec sleep 1000' \
             </dev/null >/dev/null 2>&1 &\nsleep 1000\n"
        ),
    );
    configure(&env, &hook, "1s");
    invite(&env, "ann@acme.example");
    env.run(&["hooks", "run"]).code(1);
    wait_until("the daemon to note its pid", || {
        !lines(&env, "daemon.pid").is_empty()
    });
    let pid = lines(&env, "daemon.pid").pop().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let alive = !gone(&pid);
    // Ours to clean up: the test started it.
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid.trim().parse().unwrap()),
        nix::sys::signal::Signal::SIGKILL,
    );
    assert!(alive, "the daemon was killed: update README \"Hooks\"");
    assert_eq!(hooks_list(&env, "failed").len(), 1);
}

#[test]
fn output_is_capped_and_marked_truncated() {
    let env = Env::new();
    let hook = script(
        &env,
        "loud.sh",
        "i=0; while [ $i -lt 2000 ]; do echo 0123456789; i=$((i + 1)); done; exit 1\n",
    );
    configure(&env, &hook, "10s");
    invite(&env, "ann@acme.example");
    env.run(&["hooks", "run"]).code(1);
    let detail = hook_log(&env).pop().unwrap();
    assert!(detail.ends_with("… (truncated)"), "{detail}");
    assert!(detail.len() < 4096 + 100, "{}", detail.len());
}

#[test]
fn serve_accept_runs_hooks_by_itself() {
    let env = Env::new();
    let hook = recording_hook(&env, "exit 0");
    configure(&env, &hook, "10s");
    invite(&env, "ann@acme.example");
    let token = token_of(&env.link_for("ann@acme.example")).to_string();
    let server = Server::start(&env);
    wait_until("the user.invited event", || events(&env).len() == 1);
    let form = [
        ("token", token.as_str()),
        ("first_name", "Ann"),
        ("last_name", "Lee"),
        ("password", PASSWORD),
        ("confirm_password", PASSWORD),
    ];
    server.post("/accept", &form, None).status(303);
    wait_until("the user.activated event", || events(&env).len() == 2);
    assert_eq!(
        seen(&env),
        [
            "user.invited ann@acme.example",
            "user.activated ann@acme.example"
        ]
    );
    // The audit entry is written once the command has exited, a moment
    // after the hook itself wrote its line.
    wait_until("both runs in the audit log", || hook_log(&env).len() == 2);
    let actors = env.sql("SELECT actor FROM audit_log WHERE action = 'hook' ORDER BY id");
    assert_eq!(actors, "serve-accept\nserve-accept\n");
    let (status, _) = server.terminate();
    assert!(status.success(), "{status:?}");
}

#[test]
fn serve_accept_stops_a_running_hook_at_shutdown_and_it_runs_again_later() {
    let env = Env::new();
    let dir = env.dir.path().display().to_string();
    let hook = recording_hook(
        &env,
        &format!("if [ ! -e {dir}/fixed ]; then sleep 1000; fi"),
    );
    configure(&env, &hook, "5m");
    invite(&env, "ann@acme.example");
    let server = Server::start(&env);
    wait_until("the hook to start", || events(&env).len() == 1);
    let started = Instant::now();
    let (status, _) = server.terminate();
    assert!(status.success(), "{status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let failed = hooks_list(&env, "failed");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(
        failed[0]["last_result"],
        "stopped: invitectl was shutting down"
    );
    std::fs::write(env.path("fixed"), "").unwrap();
    env.run(&["hooks", "run"]).ok().stderr_has("ran 1 event");
}

#[test]
fn two_runners_at_once_run_each_event_exactly_once() {
    let env = Env::new();
    let hook = recording_hook(&env, "sleep 0.3");
    configure(&env, &hook, "30s");
    let emails: Vec<String> = (0..6).map(|i| format!("user{i}@acme.example")).collect();
    env.run(&["invite", &emails.join(","), "--role", "viewer", "-q"])
        .ok();
    let runs: Vec<support::Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| env.run(&["hooks", "run"])))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for run in &runs {
        run.ok();
    }
    let mut ids = lines(&env, "ids.log");
    assert_eq!(ids.len(), 6, "{ids:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "each once: {ids:?}");
    assert_eq!(hooks_list(&env, "done").len(), 6);
    if support::engine() == support::Engine::Postgres {
        // Both took a share: the lease, not a lock held through the hook.
        assert!(
            runs.iter().all(|run| run.stderr.contains("ran ")),
            "{runs:?}"
        );
    }
}

#[test]
fn a_failing_event_holds_up_its_users_later_events_but_no_one_elses() {
    let env = Env::new();
    let dir = env.dir.path().display().to_string();
    let hook = recording_hook(
        &env,
        &format!(
            "if [ \"$INVITECTL_EMAIL\" = ann@acme.example ] && [ ! -e {dir}/fixed ]; then exit 1; fi"
        ),
    );
    configure(&env, &hook, "10s");
    invite(&env, "ann@acme.example");
    invite(&env, "bob@acme.example");
    env.run(&["users", "edit", "ann@acme.example", "--role", "admin"])
        .ok();
    env.run(&["users", "edit", "bob@acme.example", "--role", "admin"])
        .ok();
    env.run(&["hooks", "run"])
        .code(1)
        .stderr_has("1 of 3 hook runs failed");
    assert_eq!(
        seen(&env),
        [
            "user.invited ann@acme.example",
            "user.invited bob@acme.example",
            "user.changed bob@acme.example",
        ]
    );
    let pending = hooks_list(&env, "pending");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["email"], "ann@acme.example");
    assert_eq!(pending[0]["event"], "user.changed");
    std::fs::write(env.path("fixed"), "").unwrap();
    env.run_at("+10m", &["hooks", "run"], None)
        .ok()
        .stderr_has("ran 2 events");
    assert_eq!(
        seen(&env)[3..],
        [
            "user.invited ann@acme.example",
            "user.changed ann@acme.example",
        ]
    );
}

#[test]
fn without_a_command_events_are_still_recorded_and_hooks_run_says_which_key_to_set() {
    // Issue 23.2: a host without [hooks] dropped its events, so a person it
    // activated never reached the target.
    let env = Env::new();
    invite(&env, "ann@acme.example");
    env.run(&["hooks", "run"])
        .code(2)
        .stderr_has("[hooks] command is not set");
    assert_eq!(
        env.sql("SELECT event, email, status FROM hook_events"),
        "user.invited|ann@acme.example|pending\n"
    );
    let listed = hooks_list(&env, "pending");
    assert_eq!(listed.len(), 1, "{listed:?}");
    env.run(&["hooks", "list", "--status", "done"])
        .ok()
        .stderr_has("no events match");
    // The environment sets it as well as the file.
    let hook = recording_hook(&env, "exit 0");
    env.run_env(&["hooks", "run"], &[("INVITECTL_HOOKS_COMMAND", &hook)])
        .ok()
        .stderr_has("ran 1 event");
    assert_eq!(seen(&env), ["user.invited ann@acme.example"]);
    let shown = env
        .run_env(
            &["config", "show", "--format", "json"],
            &[("INVITECTL_HOOKS_TIMEOUT", "2m")],
        )
        .ok()
        .json();
    let timeout = support::setting(&shown, "hooks.timeout");
    assert_eq!(timeout["value"], "2m");
    assert_eq!(timeout["origin"], "environment INVITECTL_HOOKS_TIMEOUT");
    env.run_env(&["hooks", "list"], &[("INVITECTL_HOOKS_TIMEOUT", "0s")])
        .code(2)
        .stderr_has(
            "environment variable INVITECTL_HOOKS_TIMEOUT: hooks.timeout is not a duration",
        );
    env.run_env(&["hooks", "list"], &[("INVITECTL_HOOKS_TIMEOUT", "soon")])
        .code(2)
        .stderr_has("hooks.timeout is not a duration");
}

#[test]
fn a_big_invite_records_one_event_per_user_set_based() {
    let env = Env::new();
    let hook = recording_hook(&env, "exit 0");
    configure(&env, &hook, "10s");
    let emails: Vec<String> = (0..450).map(|i| format!("u{i}@acme.example")).collect();
    env.run_with_stdin(
        &["invite", "-", "--role", "viewer", "-q"],
        &emails.join("\n"),
    )
    .ok();
    assert_eq!(
        env.sql(
            "SELECT count(*), count(DISTINCT user_id) FROM hook_events WHERE event = 'user.invited'"
        ),
        "450|450\n"
    );
    assert_eq!(
        env.sql(
            "SELECT count(*) FROM hook_events h JOIN users u ON u.id = h.user_id AND u.email = h.email"
        ),
        "450\n"
    );
}

/// One inetOrgPerson entry as examples/provision-hook.sh writes it, after
/// the blank line that separates it from the one before: the DN's RDN value
/// as given, then `attributes`, one `name: value` line each.
fn ldif_entry(rdn: &str, attributes: &[&str]) -> String {
    let mut entry = format!(
        "\ndn: mail={rdn},ou=people,dc=acme,dc=example\n\
         objectClass: top\nobjectClass: person\n\
         objectClass: organizationalPerson\nobjectClass: inetOrgPerson\n"
    );
    for attribute in attributes {
        entry.push_str(attribute);
        entry.push('\n');
    }
    entry
}

#[test]
fn the_example_provisioning_hook_keeps_a_file_in_step() {
    use base64::Engine as _;
    let base64 = base64::engine::general_purpose::STANDARD;
    let env = Env::new();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/provision-hook.sh");
    let file = env.path("people.ldif").display().to_string();
    configure(
        &env,
        &format!("{example} {file} ou=people,dc=acme,dc=example"),
        "10s",
    );
    env.run(&["teams", "add", "ops"]).ok();
    env.run(&["teams", "add", "on-call"]).ok();
    env.run(&["departments", "add", "Engineering"]).ok();
    let read = || std::fs::read_to_string(&file).unwrap_or_default();

    invite(&env, "ann@acme.example");
    invite(&env, "jose+ldap@acme.example");
    env.run(&["hooks", "run"]).ok();
    assert_eq!(read(), "", "pending users are not provisioned");
    env.accept(&env.link_for("ann@acme.example"), PASSWORD).ok();
    env.run_with_stdin(
        &[
            "accept",
            "-",
            "--first-name",
            "José",
            "--last-name",
            "Müller",
            "--password-stdin",
        ],
        &format!("{}\n{PASSWORD}\n", env.link_for("jose+ldap@acme.example")),
    )
    .ok();
    env.run(&["hooks", "run"]).ok();

    // Non-ASCII values are base64 (RFC 2849 SAFE-STRING is ASCII only); the
    // + in the address is escaped in the DN (RFC 4514), not in mail.
    let cn = format!("cn:: {}", base64.encode("José Müller"));
    let given_name = format!("givenName:: {}", base64.encode("José"));
    let sn = format!("sn:: {}", base64.encode("Müller"));
    assert_eq!(sn, "sn:: TcO8bGxlcg==");
    let jose = ldif_entry(
        "jose\\+ldap@acme.example",
        &[
            "mail: jose+ldap@acme.example",
            &cn,
            &given_name,
            &sn,
            "employeeType: editor",
        ],
    );
    let ann = |attributes: &[&str]| {
        let mut all = vec![
            "mail: ann@acme.example",
            "cn: Ann Lee",
            "givenName: Ann",
            "sn: Lee",
        ];
        all.extend_from_slice(attributes);
        ldif_entry("ann@acme.example", &all)
    };
    let ann_editor = ann(&["employeeType: editor"]);
    assert_eq!(read(), format!("version: 1\n{ann_editor}{jose}"));
    let encoded = read()
        .lines()
        .find_map(|line| line.strip_prefix("sn:: ").map(str::to_string))
        .unwrap();
    assert_eq!(base64.decode(encoded).unwrap(), "Müller".as_bytes());

    env.run(&[
        "users",
        "edit",
        "ann@acme.example",
        "--role",
        "admin",
        "--team",
        "ops,on-call",
        "--department",
        "Engineering",
    ])
    .ok();
    env.run(&["users", "deactivate", "jose+ldap@acme.example", "--yes"])
        .ok();
    env.run(&["hooks", "run"]).ok();
    let ann_admin = ann(&[
        "employeeType: admin",
        "departmentNumber: Engineering",
        "ou: on-call",
        "ou: ops",
    ]);
    assert_eq!(read(), format!("version: 1\n{ann_admin}"));
    env.run(&["users", "reactivate", "jose+ldap@acme.example"])
        .ok();
    env.run(&["hooks", "run"]).ok();
    assert_eq!(read(), format!("version: 1\n{ann_admin}{jose}"));
    let mut kept: Vec<String> = std::fs::read_dir(env.path("people.ldif.d"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    kept.sort();
    assert_eq!(
        kept,
        ["ann@acme.example.ldif", "jose+ldap@acme.example.ldif"]
    );

    // Idempotent: every event again changes nothing, byte for byte.
    let before = read();
    env.sql("UPDATE hook_events SET status = 'pending', attempts = 0, done_at = NULL");
    env.run(&["hooks", "run"]).ok().stderr_has("ran 7 events");
    assert_eq!(read(), before);

    // A new, empty target: `hooks sync` fills it with every active user.
    std::fs::remove_file(&file).unwrap();
    std::fs::remove_dir_all(env.path("people.ldif.d")).unwrap();
    env.run(&["hooks", "sync"]).ok();
    env.run(&["hooks", "run"]).ok().stderr_has("ran 2 events");
    assert_eq!(read(), before);
    // A name fixed with `users edit` reaches cn and sn (issue 23.1).
    env.run(&["users", "edit", "ann@acme.example", "--last-name", "Smith"])
        .ok();
    env.run(&["hooks", "run"]).ok().stderr_has("ran 1 event");
    assert!(
        read().contains("cn: Ann Smith\ngivenName: Ann\nsn: Smith\n"),
        "{}",
        read()
    );
}

#[test]
fn sigterm_to_hooks_run_stops_its_hook_and_records_it() {
    let env = Env::new();
    let dir = env.dir.path().display().to_string();
    let hook = script(
        &env,
        "slow.sh",
        &format!("sleep 1000 &\necho $! > {dir}/sleep.pid\nwait\n"),
    );
    configure(&env, &hook, "5m");
    invite(&env, "ann@acme.example");
    let mut runner = Group::spawn(
        env.command(&["hooks", "run"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped()),
    )
    .unwrap();
    wait_until("the hook to start", || !lines(&env, "sleep.pid").is_empty());
    let started = Instant::now();
    let status = runner.terminate();
    assert_eq!(status.code(), Some(1), "{status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut runner.child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("stopped by a signal"), "{stderr}");
    let sleep_pid = lines(&env, "sleep.pid").pop().unwrap();
    wait_until("the hook's sleep to be killed", || gone(&sleep_pid));
    let failed = hooks_list(&env, "failed");
    assert_eq!(
        failed[0]["last_result"],
        "stopped: invitectl was shutting down"
    );
}

#[test]
fn hooks_retry_makes_failed_events_due_now_instead_of_after_their_backoff() {
    // Issue 23.3: after fixing a broken hook, `hooks run` said "no events are
    // due" and the admin could only wait out the backoff.
    let env = Env::new();
    let dir = env.dir.path().display().to_string();
    let hook = recording_hook(
        &env,
        &format!("if [ ! -e {dir}/fixed ]; then echo broken; exit 1; fi"),
    );
    configure(&env, &hook, "10s");
    invite(&env, "ann@acme.example");
    invite(&env, "bob@acme.example");
    env.run(&["hooks", "run"])
        .code(1)
        .stderr_has("2 of 2 hook runs failed");
    // Three failures each: the next attempt is minutes away.
    env.run_at("+1m", &["hooks", "run"], None).code(1);
    env.run_at("+3m", &["hooks", "run"], None).code(1);
    assert_eq!(lines(&env, "ids.log").len(), 6);
    std::fs::write(env.path("fixed"), "").unwrap();
    env.run_at("+3m", &["hooks", "run"], None)
        .ok()
        .stderr_has("no events are due");

    // One by id: due now, and run at once.
    let failed = hooks_list(&env, "failed");
    assert_eq!(failed.len(), 2, "{failed:?}");
    let bob = failed
        .iter()
        .find(|e| e["email"] == "bob@acme.example")
        .unwrap()["id"]
        .to_string();
    env.run_at("+3m", &["hooks", "retry", &bob], None)
        .ok()
        .stderr_has("1 event is due now");
    env.run_at("+3m", &["hooks", "run"], None)
        .ok()
        .stderr_has("ran 1 event");
    assert_eq!(seen(&env).last().unwrap(), "user.invited bob@acme.example");
    // Every failed one.
    env.run_at("+3m", &["hooks", "retry", "--failed"], None)
        .ok()
        .stderr_has("1 event is due now");
    env.run_at("+3m", &["hooks", "run"], None)
        .ok()
        .stderr_has("ran 1 event");
    assert_eq!(hooks_list(&env, "done").len(), 2);
    assert!(hooks_list(&env, "failed").is_empty());

    // Nothing left to retry; a done event is not run again; an unknown id is refused.
    env.run(&["hooks", "retry", "--failed"])
        .ok()
        .stderr_has("no events have failed");
    env.run(&["hooks", "retry", &bob])
        .ok()
        .stderr_has(&format!("event {bob} is done; nothing to retry"));
    env.run(&["hooks", "retry", "999"])
        .code(3)
        .stderr_has("there is no hook event 999");
    env.run(&["hooks", "retry"]).code(2);
    env.run(&["hooks", "retry", "1", "--failed"]).code(2);
    let retries: Vec<serde_json::Value> = env
        .run(&["log", "--action", "hook retry", "--format", "json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(retries.len(), 2, "{retries:?}");
    assert_eq!(retries[1]["subject"], "bob@acme.example");
    assert_eq!(retries[0]["subject"], "ann@acme.example");
    assert_eq!(retries[0]["actor"], support::os_user());
}

#[test]
fn hooks_sync_sends_every_active_user_once_as_they_are_now() {
    // Issue 23.3: users who existed before the target never reached it.
    let env = Env::new();
    for email in ["ann", "bob", "carl", "dana"] {
        invite(&env, &format!("{email}@acme.example"));
    }
    for email in ["ann", "carl", "dana"] {
        env.accept(&env.link_for(&format!("{email}@acme.example")), PASSWORD)
            .ok();
    }
    env.run(&["users", "deactivate", "carl@acme.example", "--yes"])
        .ok();
    let hook = recording_hook(&env, "exit 0");
    configure(&env, &hook, "10s");
    env.run(&["hooks", "sync"])
        .ok()
        .stderr_has("recorded 2 user.synced events, one per active user");
    env.run(&["hooks", "run"]).ok();
    let synced: Vec<serde_json::Value> = events(&env)
        .into_iter()
        .filter(|e| e["event"] == "user.synced")
        .collect();
    // The same JSON as every other event, the user as `users list` shows them.
    let listed = env
        .run(&["users", "list", "--status", "active", "--format", "json"])
        .ok()
        .json();
    assert_eq!(synced.len(), 2, "{synced:?}");
    for (event, user) in synced.iter().zip(listed.as_array().unwrap()) {
        let keys: Vec<&str> = event.as_object().unwrap().keys().map(|k| &**k).collect();
        assert_eq!(keys, ["id", "event", "at", "actor", "user"], "{event}");
        assert_eq!(&event["user"], user);
        assert_eq!(event["actor"], support::os_user());
    }
    // After each user's earlier events, in order.
    let ann: Vec<String> = seen(&env)
        .into_iter()
        .filter(|e| e.ends_with(" ann@acme.example"))
        .collect();
    assert_eq!(
        ann,
        [
            "user.invited ann@acme.example",
            "user.activated ann@acme.example",
            "user.synced ann@acme.example"
        ]
    );
    let log = env
        .run(&["log", "--action", "hooks sync", "--format", "json"])
        .ok()
        .json();
    assert_eq!(log[0]["detail"], "2 events, one per active user");
}

#[test]
fn done_events_are_deleted_after_the_retention_and_others_never() {
    let env = Env::new();
    let hook = recording_hook(
        &env,
        "if [ \"$INVITECTL_EMAIL\" = bob@acme.example ]; then exit 1; fi",
    );
    configure(&env, &hook, "10s");
    invite(&env, "ann@acme.example");
    invite(&env, "bob@acme.example");
    env.run(&["hooks", "run"]).code(1);
    assert_eq!(hooks_list(&env, "done").len(), 1);
    // Kept for 30 days by default.
    env.run_at("+29d", &["hooks", "run"], None).code(1);
    assert_eq!(hooks_list(&env, "done").len(), 1);
    env.run_at("+31d", &["hooks", "run"], None).code(1);
    assert!(hooks_list(&env, "done").is_empty());
    // A failed one stays however old it is.
    assert_eq!(hooks_list(&env, "failed").len(), 1);

    // [hooks] retention sets it.
    env.config(&format!(
        "[hooks]\ncommand = \"{hook}\"\ntimeout = \"10s\"\nretention = \"1h\"\n"
    ));
    invite(&env, "carl@acme.example");
    // (bob's event waits for its backoff, or fails again: either is fine here)
    env.run_at("+31d", &["hooks", "run"], None)
        .stderr_has("ran 1 event");
    assert_eq!(hooks_list(&env, "done").len(), 1);
    env.run_at("+32d", &["hooks", "run"], None);
    assert!(hooks_list(&env, "done").is_empty());
    // serve-accept's runner prunes too (at start, then hourly).
    invite(&env, "dana@acme.example");
    env.run_at("+32d", &["hooks", "run"], None);
    assert_eq!(hooks_list(&env, "done").len(), 1);
    let server = Server::start_at(&env, "+33d");
    wait_until("serve-accept to prune", || {
        hooks_list(&env, "done").is_empty()
    });
    server.terminate();
    let shown = env.run(&["config", "show", "--format", "json"]).ok().json();
    let retention = support::setting(&shown, "hooks.retention");
    assert_eq!(retention["value"], "1h");
    env.run_env(
        &["hooks", "list"],
        &[("INVITECTL_HOOKS_RETENTION", "forever")],
    )
    .code(2)
    .stderr_has("hooks.retention is not a duration");
}

#[test]
fn serve_accept_without_a_command_says_at_start_up_that_events_wait() {
    let env = Env::new();
    let server = Server::start(&env);
    server.get("/healthz").status(200);
    let (status, log) = server.terminate();
    assert!(status.success(), "{status:?}");
    assert!(!log.contains("[hooks] command"), "{log}");

    invite(&env, "ann@acme.example");
    invite(&env, "bob@acme.example");
    let server = Server::start(&env);
    server.wait_for_log(
        "note: this host has no [hooks] command, and the database holds 2 hook events not yet done",
    );
    server.wait_for_log("see `invitectl hooks list`");
    server.terminate();
    // A host with a command runs them, and says nothing of the kind.
    let hook = recording_hook(&env, "exit 0");
    configure(&env, &hook, "10s");
    let server = Server::start(&env);
    wait_until("both events", || events(&env).len() == 2);
    let (_, log) = server.terminate();
    assert!(!log.contains("no [hooks] command"), "{log}");
}
