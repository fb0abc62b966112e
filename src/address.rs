//! Email addresses as invitectl accepts them: one bare address, compared
//! case-insensitively after trimming.

use std::str::FromStr;

const MAX_ADDRESS: usize = 254;
const MAX_LOCAL_PART: usize = 64;

/// Returns the canonical form (trimmed, lower-case) or why the text is not an address.
pub fn normalize(raw: &str) -> Result<String, &'static str> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("it is empty");
    }
    if text.chars().any(char::is_control) {
        return Err("it contains a control character");
    }
    if text.contains(['<', '>', '"']) || text.contains(char::is_whitespace) {
        return Err("give the bare address, without a display name, quotes or spaces");
    }
    if text.len() > MAX_ADDRESS {
        return Err("it is longer than 254 characters");
    }
    let Some((local, domain)) = text.rsplit_once('@') else {
        return Err("it has no @");
    };
    if local.is_empty() || local.len() > MAX_LOCAL_PART {
        return Err("the part before @ must be 1 to 64 characters");
    }
    if domain.is_empty() {
        return Err("it has no domain after @");
    }
    lettre::Address::from_str(text)
        .map_err(|_| "it has a second @ or a character an address cannot have")?;
    Ok(text.to_lowercase())
}

/// The form an address is looked up by: canonical when valid, otherwise
/// trimmed and lower-cased, so a lookup of a malformed address simply finds nothing.
pub fn lookup_key(raw: &str) -> String {
    normalize(raw).unwrap_or_else(|_| raw.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn trims_and_lowercases() {
        assert_eq!(
            normalize("  Ann@Example.COM \n").unwrap(),
            "ann@example.com"
        );
    }

    #[test]
    fn refuses_what_is_not_one_bare_address() {
        let long_local = format!("{}@x.com", "a".repeat(65));
        let long_total = format!("a@{}.com", "b".repeat(251));
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "Ann <ann@example.com>",
            "\"ann\"@example.com",
            "ann smith@example.com",
            "ann@exa\u{7}mple.com",
            "ann@@example.com",
            long_local.as_str(),
            long_total.as_str(),
        ] {
            assert!(normalize(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
