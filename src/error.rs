/// Everything the library refuses or fails with. The adapters decide what a
/// variant means to their user: `exit_code` for the CLI, a status for the web.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is malformed: a bad address, an unknown role, a weak password.
    #[error("{0}")]
    Invalid(String),
    /// A lifecycle rule refuses it: a duplicate, an accepted invitation, a declined confirmation.
    #[error("{0}")]
    Refused(String),
    #[error(
        "this invitation link is not valid: it may have been cancelled, already used, \
         or replaced by a newer email; ask your administrator for a new invitation"
    )]
    InvalidToken,
    #[error("this invitation expired at {expired_at}; ask {admin} to send a new one")]
    Expired { admin: String, expired_at: String },
    /// The invitations are stored, but at least one message did not go out.
    #[error("{0}")]
    Delivery(String),
    /// A setting is wrong; the message names the file or variable and the key.
    #[error("{0}")]
    Config(String),
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
    /// Whoever read the output went away (`invitectl list | head`): not a failure.
    #[error("the output was closed")]
    OutputClosed,
}

/// The exit codes of docs/reference.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success = 0,
    Failure = 1,
    Usage = 2,
    Refused = 3,
    Delivery = 4,
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Invalid(_) | Error::Config(_) => ExitCode::Usage,
            Error::Refused(_) | Error::InvalidToken | Error::Expired { .. } => ExitCode::Refused,
            Error::Delivery(_) => ExitCode::Delivery,
            Error::Db(_) | Error::Other(_) => ExitCode::Failure,
            Error::OutputClosed => ExitCode::Success,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
