//! Email addresses as invitectl accepts them: one bare address, compared
//! case-insensitively after trimming.

use unicode_normalization::UnicodeNormalization;

const MAX_ADDRESS: usize = 254;
const MAX_LOCAL_PART: usize = 64;

/// Returns the canonical form, or why the text is not an address that mail
/// can reach. The canonical form is NFKC with a lower-case local part and the
/// domain in its Unicode form, so `ann@bücher.example`,
/// `ann@xn--bcher-kva.example` and a fullwidth `ａnn@…` are one mailbox.
pub fn normalize(raw: &str) -> Result<String, &'static str> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("it is empty");
    }
    if text.chars().any(char::is_control) {
        return Err("it contains a control character");
    }
    let text: String = text.nfkc().collect();
    if text.contains(['<', '>', '"']) || text.contains(char::is_whitespace) {
        return Err("give the bare address, without a display name, quotes or spaces");
    }
    let Some((local, domain)) = text.rsplit_once('@') else {
        return Err("it has no @");
    };
    if local.contains('@') {
        return Err("it has more than one @");
    }
    let local = local.to_lowercase();
    if local.is_empty() || local.len() > MAX_LOCAL_PART {
        return Err("the part before @ must be 1 to 64 characters");
    }
    let ascii_domain = deliverable_domain(domain)?;
    if lettre::Address::new(&local, &ascii_domain).is_err() {
        return Err("the part before @ has characters or dots that mail servers refuse");
    }
    let (unicode_domain, _) = idna::domain_to_unicode(&ascii_domain);
    let canonical = format!("{local}@{unicode_domain}");
    if canonical.len() > MAX_ADDRESS || local.len() + 1 + ascii_domain.len() > MAX_ADDRESS {
        return Err("it is longer than 254 characters");
    }
    Ok(canonical)
}

/// The domain as mail servers are given it: IDNA (UTS #46) ASCII, checked to
/// be a host name that mail can be routed to.
fn deliverable_domain(domain: &str) -> Result<String, &'static str> {
    if domain.is_empty() {
        return Err("it has no domain after @");
    }
    if domain.starts_with('[') {
        return Err(
            "an address at an IP address in brackets cannot be invited; use one at a domain name",
        );
    }
    let ascii = idna::domain_to_ascii(domain)
        .map_err(|_| "the domain after @ is not a valid domain name")?;
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 {
        return Err("the domain after @ has no dot; give the full domain, like acme.example");
    }
    let valid_label = |label: &&str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if ascii.len() > 253 || !labels.iter().all(valid_label) {
        return Err("the domain after @ is not a valid domain name");
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("an address at an IP address cannot be invited; use one at a domain name");
    }
    Ok(ascii)
}

/// The form mail is sent to: the canonical address with its domain in ASCII
/// (punycode), which every mail server accepts whether or not it offers SMTPUTF8.
pub fn for_delivery(canonical: &str) -> String {
    if canonical.is_ascii() {
        return canonical.to_string();
    }
    match canonical.rsplit_once('@') {
        Some((local, domain)) => match idna::domain_to_ascii(domain) {
            Ok(ascii) => format!("{local}@{ascii}"),
            Err(_) => canonical.to_string(),
        },
        None => canonical.to_string(),
    }
}

/// The form an address is looked up by: canonical when valid, otherwise
/// trimmed and lower-cased, so a lookup of a malformed address simply finds nothing.
pub fn lookup_key(raw: &str) -> String {
    normalize(raw).unwrap_or_else(|_| raw.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::{for_delivery, normalize};

    #[test]
    fn one_mailbox_has_one_form_however_it_is_spelled() {
        let canonical = normalize("Ann@Bücher.Example").unwrap();
        assert_eq!(canonical, "ann@bücher.example");
        assert_eq!(normalize("ann@xn--bcher-kva.example").unwrap(), canonical);
        assert_eq!(
            normalize("ann@bu\u{308}cher.example").unwrap(),
            canonical,
            "decomposed ü"
        );
        assert_eq!(
            normalize("ann@\u{FF41}cme.example").unwrap(),
            "ann@acme.example",
            "fullwidth a"
        );
        assert_eq!(
            normalize("\u{FF21}nn\u{FF20}acme.example").unwrap(),
            "ann@acme.example"
        );
        assert_eq!(for_delivery(&canonical), "ann@xn--bcher-kva.example");
        assert_eq!(for_delivery("ann@acme.example"), "ann@acme.example");
    }

    #[test]
    fn each_refusal_says_what_is_wrong() {
        assert_eq!(
            normalize("zed@@acme.example").unwrap_err(),
            "it has more than one @"
        );
        assert!(normalize("zed@acme").unwrap_err().contains("no dot"));
        assert!(
            normalize("ann@[127.0.0.1]")
                .unwrap_err()
                .contains("IP address")
        );
    }

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
            "ann@[127.0.0.1]",
            "ann@127.0.0.1",
            "zed@acme",
            "zed@-acme.example",
            "zed@acme..example",
            "zed@acme_corp.example",
            ".ann@example.com",
            "ann..lee@example.com",
            long_local.as_str(),
            long_total.as_str(),
        ] {
            assert!(normalize(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
