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
    /// The link's invitation was accepted already: its account exists.
    #[error(
        "this invitation was accepted already, so its account exists: log in with its email \
         address and the password chosen then"
    )]
    AlreadyAccepted,
    #[error("this invitation expired at {}; ask {admin} to send a new one", crate::time::stamp(*expired_at))]
    Expired {
        admin: String,
        expired_at: chrono::DateTime<chrono::Utc>,
        /// The language of its invitee, for the page that says so.
        lang: Option<crate::i18n::Lang>,
    },
    /// A password reset link that is unknown, already used, or replaced by a newer one.
    #[error(
        "this password reset link is not valid: it may have been used already or replaced \
         by a newer one; ask for a new link"
    )]
    InvalidResetLink,
    #[error("this password reset link expired at {}; ask for a new one", crate::time::stamp(*expired_at))]
    ResetExpired {
        expired_at: chrono::DateTime<chrono::Utc>,
    },
    /// The invitations are stored, but at least one message did not go out.
    #[error("{0}")]
    Delivery(String),
    /// A setting is wrong; the message names the file or variable and the key.
    #[error("{0}")]
    Config(String),
    /// The database failed; its own words, whichever engine it is.
    #[error("database error: {message}")]
    Storage { message: String, kind: StorageKind },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
    /// Whoever read the output went away (`invitectl list | head`): not a failure.
    #[error("the output was closed")]
    OutputClosed,
}

/// What kind of database failure, for the few callers that act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    /// The database may not be written, or its files not created, by this user.
    ReadOnly,
    /// Another writer held the lock past the busy timeout.
    Busy,
    /// The database server cannot be reached, or went away.
    Unavailable,
    Other,
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Error {
        let kind = match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen) => {
                StorageKind::ReadOnly
            }
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StorageKind::Busy
            }
            _ => StorageKind::Other,
        };
        Error::Storage {
            message: error.to_string(),
            kind,
        }
    }
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
            Error::Refused(_)
            | Error::InvalidToken
            | Error::AlreadyAccepted
            | Error::Expired { .. }
            | Error::InvalidResetLink
            | Error::ResetExpired { .. } => ExitCode::Refused,
            Error::Delivery(_) => ExitCode::Delivery,
            Error::Storage { .. } | Error::Other(_) => ExitCode::Failure,
            Error::OutputClosed => ExitCode::Success,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One sentence when there is one problem, all of them named, one a line,
/// when there are more: what a batch or an edit that writes nothing says.
pub fn problems(list: Vec<String>) -> String {
    match list.as_slice() {
        [one] => format!("{one}; nothing was written"),
        many => format!(
            "{} problems, nothing was written:\n  {}",
            many.len(),
            many.join("\n  ")
        ),
    }
}
