//! Mail: building messages and handing them to a transport (SMTP, files,
//! sendmail). What a batch does around that — records, leases, pacing — is
//! `delivery`.

pub mod delivery;
pub mod message;
pub mod smtp;
pub mod templates;

use std::io::Write;
use std::path::{Path, PathBuf};

use lettre::Message;

use crate::config::{Config, TransportKind};
use crate::error::{Error, Result};

/// Where messages go. `send` hands over one message and returns what the far
/// end said (a server reply, a file name); an error is one sentence.
pub trait Transport {
    fn name(&self) -> &'static str;
    fn send(&mut self, message: &Message) -> std::result::Result<String, String>;
}

/// Writes one `.eml` per message into a directory that only its owner can
/// read: each file holds a live link.
pub struct FileTransport {
    dir: PathBuf,
}

impl FileTransport {
    pub fn new(dir: &Path) -> Result<FileTransport> {
        let problem = |e: std::io::Error| {
            Error::Config(format!(
                "cannot create the mail directory {}: {e}; check [mail] file_dir",
                dir.display()
            ))
        };
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(problem)?;
        // Also an outbox made by an older version, or under another umask.
        #[cfg(unix)]
        std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .map_err(problem)?;
        Ok(FileTransport {
            dir: dir.to_path_buf(),
        })
    }

    /// Writes under a temporary name and renames it, so a full disk or a
    /// crash never leaves a partial message that looks delivered.
    fn write(&self, message: &Message) -> std::io::Result<PathBuf> {
        let name = format!("{:032x}", rand::random::<u128>());
        let partial = self.dir.join(format!(".{name}.partial"));
        let path = self.dir.join(format!("{name}.eml"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options
            .open(&partial)
            .and_then(|mut file| file.write_all(&message.formatted()));
        match written.and_then(|()| std::fs::rename(&partial, &path)) {
            Ok(()) => Ok(path),
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                Err(e)
            }
        }
    }
}

impl Transport for FileTransport {
    fn name(&self) -> &'static str {
        "file"
    }

    fn send(&mut self, message: &Message) -> std::result::Result<String, String> {
        self.write(message)
            .map(|path| format!("written to {}", path.display()))
            .map_err(|e| format!("could not write to {}: {e}", self.dir.display()))
    }
}

/// Checks the mail settings and the templates without connecting, so a
/// wrong one stops a command before it writes anything. `env` reads the
/// environment (the password variable).
pub fn check(
    config: &Config,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<templates::Templates> {
    let templates = templates::Templates::load(&config.mail)?;
    check_settings(config, env)?;
    Ok(templates)
}

/// Checks the transport's settings only.
pub fn check_settings(config: &Config, env: &dyn Fn(&str) -> Option<String>) -> Result<()> {
    if config.mail.transport == TransportKind::Smtp {
        smtp::Settings::from_config(config, env)?;
    }
    Ok(())
}

/// Hands each message to the local `sendmail` program.
pub struct SendmailTransport(lettre::SendmailTransport);

impl Transport for SendmailTransport {
    fn name(&self) -> &'static str {
        "sendmail"
    }

    fn send(&mut self, message: &Message) -> std::result::Result<String, String> {
        use lettre::Transport as _;
        self.0
            .send(message)
            .map(|()| "accepted by sendmail".to_string())
            .map_err(|e| format!("sendmail failed: {e}"))
    }
}

/// Opens the configured transport; for SMTP this connects to the server, so a
/// wrong setting is reported before anything is sent.
pub fn connect(
    config: &Config,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Box<dyn Transport>> {
    match config.mail.transport {
        TransportKind::File => Ok(Box::new(FileTransport::new(&config.mail.file_dir)?)),
        TransportKind::Sendmail => Ok(Box::new(
            SendmailTransport(lettre::SendmailTransport::new()),
        )),
        TransportKind::Smtp => {
            let settings = smtp::Settings::from_config(config, env)?;
            Ok(Box::new(smtp::SmtpTransport::connect(
                settings,
                &mut |_| {},
            )?))
        }
    }
}
