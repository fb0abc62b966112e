//! The password policy and argon2id hashing.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{Error, Result};

pub const MIN_CHARS: usize = 8;
pub const MAX_BYTES: usize = 1024;

/// OWASP's argon2id baseline: 19 MiB, two passes, one lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn check_policy(password: &str, confirmation: &str) -> Result<()> {
    if password.chars().count() < MIN_CHARS {
        return Err(Error::Invalid(format!(
            "the password is too short: use at least {MIN_CHARS} characters"
        )));
    }
    if password.len() > MAX_BYTES {
        return Err(Error::Invalid(format!(
            "the password is too long: use at most {MAX_BYTES} bytes"
        )));
    }
    if password != confirmation {
        return Err(Error::Invalid(
            "the passwords do not match: type the same password twice".into(),
        ));
    }
    Ok(())
}

/// An argon2id PHC string with a fresh random salt.
pub fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Other(anyhow::anyhow!("could not hash the password: {e}")))
}

pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
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
        assert!(check_policy("12345678", "12345678").is_ok());
    }

    #[test]
    fn maximum_counts_bytes() {
        let max = "a".repeat(MAX_BYTES);
        assert!(check_policy(&max, &max).is_ok());
        let over = "é".repeat(MAX_BYTES / 2 + 1);
        assert!(check_policy(&over, &over).is_err());
    }

    #[test]
    fn confirmation_must_match() {
        let err = check_policy("correct horse", "correct house").unwrap_err();
        assert!(err.to_string().contains("do not match"));
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
