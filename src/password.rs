//! The password policy and argon2id hashing.

use std::cell::RefCell;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, Version};

use crate::error::{Error, Result};

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
    let failed = |e: &dyn std::fmt::Display| {
        Error::Other(anyhow::anyhow!("could not hash the password: {e}"))
    };
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt.decode_b64(&mut salt_bytes).map_err(|e| failed(&e))?;
    let params = params();
    let mut out = [0u8; 32];
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
    let mut out = vec![0u8; expected.len()];
    compute(password.as_bytes(), raw_salt, params, &mut out).is_ok()
        && Output::new(&out).is_ok_and(|computed| computed == expected)
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
