/// The known names closest to `wanted`, for "did you mean" messages.
pub fn closest<'a>(wanted: &str, known: &'a [String]) -> Vec<&'a str> {
    let wanted = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = known
        .iter()
        .map(|name| {
            (
                strsim::jaro_winkler(&wanted, &name.to_lowercase()),
                name.as_str(),
            )
        })
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, name)| name).collect()
}

/// " (did you mean a or b?)" for the closest names found, or nothing.
pub fn did_you_mean(close: &[&str]) -> String {
    match close {
        [] => String::new(),
        close => format!(" (did you mean {}?)", close.join(" or ")),
    }
}

/// The known addresses closest to `wanted`: a typo or two away, fewer for a
/// short name (`ann` is not `dan`), nearest first. Every address of one
/// domain shares most of its letters, so the distance, not the likeness,
/// decides.
pub fn closest_addresses<'a>(wanted: &str, known: &'a [String]) -> Vec<&'a str> {
    let wanted = wanted.to_lowercase();
    let local = wanted.split('@').next().unwrap_or_default().chars().count();
    let most = (local / 3).max(1);
    let length = wanted.chars().count();
    let mut scored: Vec<(usize, &str)> = known
        .iter()
        .filter(|address| address.chars().count().abs_diff(length) <= most)
        .map(|address| {
            (
                strsim::osa_distance(&wanted, &address.to_lowercase()),
                address.as_str(),
            )
        })
        .filter(|(distance, _)| *distance <= most)
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, address)| address)
        .collect()
}

/// `unknown team "opps" (did you mean ops? known teams: dev, ops)`
pub fn unknown(kind: &str, wanted: &str, known: &[String]) -> String {
    let close = closest(wanted, known);
    let hint = match (close.is_empty(), known.is_empty()) {
        (_, true) => format!("no {kind}s exist yet"),
        (true, false) => format!("known {kind}s: {}", known.join(", ")),
        (false, false) => format!(
            "did you mean {}? known {kind}s: {}",
            close.join(" or "),
            known.join(", ")
        ),
    };
    format!("unknown {kind} \"{wanted}\" ({hint})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_first() {
        let known = vec![
            "ops".to_string(),
            "dev".to_string(),
            "operations".to_string(),
        ];
        assert_eq!(closest("opps", &known)[0], "ops");
        assert!(closest("zzzz", &known).is_empty());
        let addresses = vec![
            "ann@acme.example".to_string(),
            "bob@acme.example".to_string(),
        ];
        assert_eq!(
            closest_addresses("bob@acme.exampel", &addresses),
            ["bob@acme.example"]
        );
        assert!(closest_addresses("carl@other.example", &addresses).is_empty());
        assert_eq!(
            closest_addresses("anne@acme.example", &addresses),
            ["ann@acme.example"]
        );
        assert!(closest_addresses("dan@acme.example", &addresses).is_empty());
        let message = unknown("team", "opps", &known);
        assert!(
            message.starts_with("unknown team \"opps\" (did you mean ops"),
            "{message}"
        );
    }
}
