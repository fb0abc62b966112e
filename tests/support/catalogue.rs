//! The invitee's words, read from each language's catalogue, so tests follow
//! the translations instead of copying them.

use std::collections::BTreeMap;

pub const LANGS: [&str; 10] = ["en", "de", "fr", "es", "it", "nl", "pt", "pl", "ja", "ar"];

/// A message of `lang`'s catalogue, as written there (values without variables).
pub fn message(lang: &str, id: &str) -> String {
    catalogue(lang)
        .remove(id)
        .unwrap_or_else(|| panic!("{lang} has no message {id}"))
}

/// The words of a message around its variables, as a page shows them
/// whatever the values.
pub fn fragments(lang: &str, id: &str) -> Vec<String> {
    let text = message(lang, id);
    let mut found = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("{ $") {
        found.push(rest[..start].trim().to_string());
        let end = rest[start..].find('}').expect("a variable ends") + start;
        rest = &rest[end + 1..];
    }
    found.push(rest.trim().to_string());
    found.retain(|f| !f.is_empty());
    found
}

/// Each single-line message of a catalogue.
pub fn catalogue(lang: &str) -> BTreeMap<String, String> {
    let path = format!(
        "{}/locales/{lang}/invitectl.ftl",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with([' ', '#']))
        .filter_map(|line| line.split_once(" = "))
        .map(|(id, text)| (id.trim().to_string(), text.trim().to_string()))
        .collect()
}
