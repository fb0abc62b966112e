//! The terminal and the pipes: writing results (quietly ending on a closed
//! pipe, escaping what a terminal would obey), asking for confirmation,
//! reading stdin, the progress bar.

use super::*;

/// Writes to stdout; a reader that went away (`invitectl list | head`) ends
/// the command quietly, as it does for any Unix filter.
pub(super) fn write_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if closed_pipe(&e) => Err(Error::OutputClosed),
        Err(e) => Err(Error::Other(anyhow::anyhow!(
            "cannot write the output: {e}"
        ))),
    }
}

/// [`write_stdout`] for output in `format`: JSON and CSV written to a
/// terminal have their control characters and bidirectional overrides
/// escaped there, as the table has (a hook's output or a name could
/// otherwise retitle the window or clear the screen); into a pipe or a file
/// they stay byte for byte what the database holds.
pub(super) fn write_formatted(
    format: Format,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    if format != Format::Table && io::stdout().is_terminal() {
        write_stdout(|out| {
            let mut safe = output::TerminalSafe::new(out, format);
            write(&mut safe)?;
            safe.flush()
        })
    } else {
        write_stdout(write)
    }
}

/// Whether a write failed because the reader went away, also when a
/// library (csv, serde_json) wrapped that error in one of its own.
pub(super) fn closed_pipe(error: &io::Error) -> bool {
    let broken = |e: &io::Error| e.kind() == io::ErrorKind::BrokenPipe;
    broken(error)
        || error.get_ref().is_some_and(|inner| {
            inner.downcast_ref::<io::Error>().is_some_and(broken)
                || inner
                    .downcast_ref::<csv::Error>()
                    .is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(e) if broken(e)))
        })
}

/// A batch's progress bar: shown on a terminal, and only once the batch has
/// taken a second (a quicker one would only flicker).
pub(super) struct Progress {
    pub(super) bar: ProgressBar,
    pub(super) watched: bool,
}

impl Progress {
    pub(super) const SHOWN_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

    pub(super) fn tick(&self) {
        self.bar.inc(1);
        if self.watched && self.bar.is_hidden() && self.bar.elapsed() >= Self::SHOWN_AFTER {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.tick();
        }
    }

    pub(super) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

pub(super) fn on_terminal() -> bool {
    io::stdin().is_terminal() && io::stderr().is_terminal()
}

/// The one confirmation of every command that removes or takes something
/// away: `--yes`, or a yes on a terminal; without a terminal it refuses.
pub(super) fn confirm(yes: bool, command: &str, prompt: &str) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !on_terminal() {
        return Err(Error::Refused(format!(
            "{command} needs confirmation and there is no terminal to ask on; pass --yes"
        )));
    }
    let confirmed = dialoguer::Confirm::new()
        .with_prompt(prompt)
        .default(false)
        .interact()
        .map_err(|e| Error::Other(anyhow::anyhow!("cannot ask for confirmation: {e}")))?;
    if confirmed {
        Ok(())
    } else {
        Err(Error::Refused(format!(
            "nothing was changed: {command} was not confirmed (confirmation declined)"
        )))
    }
}

/// One line of stdin, without its line ending.
pub(super) fn read_stdin_line(what: &str) -> Result<String> {
    let mut line = String::new();
    io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::Invalid(format!("cannot read {what} from stdin: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// A flag that SIGINT or SIGTERM sets, instead of ending the process: a
/// hook runs in a process group of its own, so a signal to invitectl would
/// leave it running, unwatched and unrecorded.
pub(super) fn stop_on_signal() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    if let Ok(runtime) = runtime {
        // Registered before this returns, so no signal falls between.
        let terminate = runtime.block_on(async {
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        });
        let interrupt = runtime.block_on(async {
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        });
        if let (Ok(mut terminate), Ok(mut interrupt)) = (terminate, interrupt) {
            std::thread::spawn(move || {
                runtime.block_on(async {
                    tokio::select! {
                        _ = terminate.recv() => {}
                        _ = interrupt.recv() => {}
                    }
                });
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
            });
        }
    }
    stop
}
