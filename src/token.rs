//! Invitation tokens: 256 bits from the OS CSPRNG as base64url text. Only the
//! SHA-256 of a token is ever stored.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

const TOKEN_BYTES: usize = 32;

/// A plaintext secret. It has no `Debug` output so that it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

pub type TokenHash = [u8; 32];

impl Token {
    pub fn generate() -> Token {
        let mut bytes = [0u8; TOKEN_BYTES];
        OsRng.fill_bytes(&mut bytes);
        Token(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts a bare token or a whole link containing `token=…`.
    pub fn parse(input: &str) -> Result<Token> {
        let input = input.trim();
        let text = match input.find("token=") {
            Some(start) => {
                let value = &input[start + "token=".len()..];
                value.split(['&', '#']).next().unwrap_or_default()
            }
            None => input,
        };
        match URL_SAFE_NO_PAD.decode(text) {
            Ok(bytes) if bytes.len() == TOKEN_BYTES => Ok(Token(text.to_owned())),
            _ => Err(Error::InvalidToken),
        }
    }

    pub fn hash(&self) -> TokenHash {
        sha256(self.0.as_bytes())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn sha256(bytes: &[u8]) -> TokenHash {
    Sha256::digest(bytes).into()
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_256_bit_url_safe_and_distinct() {
        let a = Token::generate();
        let b = Token::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 43);
        assert!(
            a.as_str()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn parse_accepts_a_bare_token_or_a_link() {
        let token = Token::generate();
        let link = format!("https://invite.example/accept?token={}&x=1", token.as_str());
        assert_eq!(Token::parse(token.as_str()).unwrap(), token);
        assert_eq!(Token::parse(&link).unwrap(), token);
        assert_eq!(
            Token::parse(&format!("  {}\n", token.as_str())).unwrap(),
            token
        );
    }

    #[test]
    fn parse_rejects_anything_that_is_not_32_bytes() {
        for bad in ["", "abc", "https://x/accept?token=", &"A".repeat(44)] {
            assert!(
                matches!(Token::parse(bad), Err(Error::InvalidToken)),
                "{bad}"
            );
        }
    }

    #[test]
    fn hash_is_sha256_of_the_text_and_debug_hides_the_secret() {
        let token = Token::generate();
        assert_eq!(token.hash(), sha256(token.as_str().as_bytes()));
        assert!(!format!("{token:?}").contains(token.as_str()));
    }
}
