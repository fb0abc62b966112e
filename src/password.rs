//! The password policy and argon2id hashing.

use std::borrow::Cow;
use std::cell::RefCell;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, Version};

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use crate::error::{Error, Result};
use crate::text;

pub const MIN_CHARS: usize = 8;
pub const MAX_BYTES: usize = 1024;

/// OWASP's argon2id baseline: 19 MiB, two passes, one lane.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid")
}

thread_local! {
    /// Each thread's argon2 working memory, allocated once and reused, so a
    /// server that hashes all day holds 19 MiB per hashing thread, not per hash.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// The raw argon2id output for these parameters.
fn compute(
    password: &[u8],
    salt: &[u8],
    params: Params,
    out: &mut [u8],
) -> std::result::Result<(), argon2::Error> {
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() != params.block_count() {
            *memory = vec![Block::default(); params.block_count()];
        }
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password_into_with_memory(
            password,
            salt,
            out,
            &mut memory[..],
        )
    })
}

/// The form a password is checked, hashed and verified in (NIST SP 800-63B
/// 5.1.1.2): NFKC, so the same password typed on another keyboard or system
/// (composed or decomposed accents, fullwidth forms) is the same password.
fn normalized(password: &str) -> Cow<'_, str> {
    if is_nfkc_quick(password.chars()) == IsNormalized::Yes {
        Cow::Borrowed(password)
    } else {
        Cow::Owned(password.nfkc().collect())
    }
}

/// The most common passwords of at least eight characters, lower-cased, one
/// per line, sorted by byte: the popular-passwords list, from zxcvbn's
/// frequency lists (MIT). Searched in place, never loaded into a set.
const COMMON: &str = include_str!("common_passwords.txt");

fn is_common(password: &str) -> bool {
    let wanted = password.to_lowercase();
    let mut low = 0;
    let mut high = COMMON.len();
    // Binary search over line starts, by byte offset.
    while low < high {
        let middle = low + (high - low) / 2;
        let start = COMMON[..middle].rfind('\n').map_or(0, |i| i + 1);
        let end = start + COMMON[start..].find('\n').unwrap_or(COMMON.len() - start);
        match COMMON[start..end].cmp(wanted.as_str()) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => low = end + 1,
            std::cmp::Ordering::Greater => high = start,
        }
    }
    false
}

/// The policy: a password that will do, typed the same twice.
pub fn check_policy(password: &str, confirmation: &str) -> Result<()> {
    check_password(password)?;
    check_confirmation(password, confirmation)
}

/// Why a new password will not do; a page says it in the reader's
/// language, the command line in English (`Display`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Blank,
    Common,
    /// The confirmation is another password.
    Mismatch,
}

impl std::fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PasswordProblem::TooShort => write!(
                f,
                "the password is too short: use at least {MIN_CHARS} characters"
            ),
            PasswordProblem::TooLong => write!(
                f,
                "the password is too long: use at most {MAX_BYTES} bytes"
            ),
            PasswordProblem::Blank => f.write_str(
                "the password is only spaces or invisible characters: use letters, digits or symbols you can see",
            ),
            PasswordProblem::Common => f.write_str(
                "the password is one of the most common passwords, which attackers try first: choose one that is not a word or a well-known pattern",
            ),
            PasswordProblem::Mismatch => {
                f.write_str("the passwords do not match: type the same password twice")
            }
        }
    }
}

/// Whether the password itself will do: its length, visible, not a common one.
pub fn password_problem(password: &str) -> Option<PasswordProblem> {
    let password = normalized(password);
    if password.chars().count() < MIN_CHARS {
        Some(PasswordProblem::TooShort)
    } else if password.len() > MAX_BYTES {
        Some(PasswordProblem::TooLong)
    } else if text::is_blank(&password) {
        Some(PasswordProblem::Blank)
    } else if is_common(&password) {
        Some(PasswordProblem::Common)
    } else {
        None
    }
}

/// [`password_problem`] as an error.
pub fn check_password(password: &str) -> Result<()> {
    match password_problem(password) {
        Some(problem) => Err(Error::Invalid(problem.to_string())),
        None => Ok(()),
    }
}

/// Whether the confirmation is the same password.
pub fn check_confirmation(password: &str, confirmation: &str) -> Result<()> {
    if normalized(password) != normalized(confirmation) {
        return Err(Error::Invalid(PasswordProblem::Mismatch.to_string()));
    }
    Ok(())
}

/// An argon2id PHC string with a fresh random salt.
pub fn hash(password: &str) -> Result<String> {
    let failed = |e: &dyn std::fmt::Display| {
        Error::Other(anyhow::anyhow!("could not hash the password: {e}"))
    };
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt.decode_b64(&mut salt_bytes).map_err(|e| failed(&e))?;
    let params = params();
    let mut out = [0u8; 32];
    let password = normalized(password);
    compute(password.as_bytes(), raw_salt, params.clone(), &mut out).map_err(|e| failed(&e))?;
    let phc = PasswordHash {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: (&params).try_into().map_err(|e| failed(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| failed(&e))?),
    };
    Ok(phc.to_string())
}

/// Whether the password matches a stored argon2id PHC string (compared in constant time).
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(stored) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(expected), Some(salt), Ok(params)) =
        (stored.hash, stored.salt, Params::try_from(&stored))
    else {
        return false;
    };
    if stored.algorithm != ARGON2ID_IDENT {
        return false;
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let matches = |candidate: &str| {
        let mut out = vec![0u8; expected.len()];
        compute(candidate.as_bytes(), raw_salt, params.clone(), &mut out).is_ok()
            && Output::new(&out).is_ok_and(|computed| computed == expected)
    };
    let normal = normalized(password);
    // Passwords set before normalization was introduced were hashed as typed.
    matches(&normal) || (normal != password && matches(password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_counts_characters_not_bytes() {
        // Seven characters but fourteen bytes: too short.
        assert!(check_policy("ééééééé", "ééééééé").is_err());
        assert!(check_policy("éééééééé", "éééééééé").is_ok());
        assert!(check_policy("1234567", "1234567").is_err());
        assert!(check_policy("k3x9q2w7", "k3x9q2w7").is_ok());
    }

    #[test]
    fn maximum_counts_bytes() {
        let max = "a".repeat(MAX_BYTES);
        assert!(check_policy(&max, &max).is_ok());
        let over = "é".repeat(MAX_BYTES / 2 + 1);
        assert!(check_policy(&over, &over).is_err());
    }

    #[test]
    fn the_same_password_typed_composed_or_decomposed_is_the_same() {
        let composed = "caf\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e";
        let decomposed = "cafe\u{301} cre\u{300}me bru\u{302}le\u{301}e";
        assert!(check_policy(composed, decomposed).is_ok());
        let stored = hash(composed).unwrap();
        assert!(verify(decomposed, &stored));
        assert!(
            verify("\u{FF43}af\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e", &stored),
            "fullwidth c"
        );
    }

    #[test]
    fn invisible_and_common_passwords_are_refused_with_the_reason() {
        let zero_width = "\u{200B}".repeat(8);
        let err = check_policy(&zero_width, &zero_width).unwrap_err();
        assert!(err.to_string().contains("invisible"), "{err}");
        for common in [
            "password1",
            "Password1",
            "iloveyou",
            "qwertyuiop",
            "12345678",
            "football",
        ] {
            let err = check_policy(common, common).unwrap_err();
            assert!(
                err.to_string().contains("most common passwords"),
                "{common}: {err}"
            );
        }
        assert!(check_policy("correct horse battery", "correct horse battery").is_ok());
    }

    #[test]
    fn the_common_list_is_sorted_so_it_can_be_searched() {
        let lines: Vec<&str> = COMMON.lines().collect();
        assert!(lines.len() > 40_000);
        assert!(lines.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(lines.iter().all(|line| is_common(line)));
        assert!(!is_common("zzzzzzzzzzzzzzzzzzzzzz-not-common"));
        assert!(!is_common(""));
    }

    #[test]
    fn confirmation_must_match() {
        let err = check_policy("correct horse", "correct house").unwrap_err();
        assert!(err.to_string().contains("do not match"));
    }

    #[test]
    fn verifies_hashes_made_by_the_argon2_crate_itself() {
        use argon2::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let standard = Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
            .hash_password(b"correct horse", &salt)
            .unwrap()
            .to_string();
        assert!(verify("correct horse", &standard));
        assert!(!verify("correct house", &standard));
        // And the other way: the argon2 crate verifies ours.
        use argon2::PasswordVerifier;
        let ours = hash("correct horse").unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse", &PasswordHash::new(&ours).unwrap())
                .is_ok()
        );
    }

    #[test]
    fn hashes_are_salted_argon2id_with_the_required_parameters() {
        let a = hash("correct horse").unwrap();
        let b = hash("correct horse").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert!(verify("correct horse", &a));
        assert!(!verify("correct house", &a));
        assert!(!verify("correct horse", "not a hash"));
    }
}
