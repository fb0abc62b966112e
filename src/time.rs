//! The one textual form of an instant (stored, printed in JSON) and durations as users write them.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

/// RFC 3339 UTC with second precision; compares correctly as text.
pub fn stamp(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn parse_stamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// "24h", "90m", "1d 12h". Zero is refused: nothing useful lasts no time.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text.trim()) {
        Ok(duration) if duration.is_zero() => Err("it must be longer than zero".into()),
        Ok(duration) => Ok(duration),
        Err(e) => Err(format!("{e}; write it like 24h, 90m or 7d")),
    }
}

pub fn add(instant: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
    instant + chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

pub fn sub(instant: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
    instant - chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_round_trip_and_sort_as_text() {
        let earlier = parse_stamp("2026-01-02T03:04:05Z").unwrap();
        let later = add(earlier, Duration::from_secs(3600 * 24));
        assert_eq!(stamp(earlier), "2026-01-02T03:04:05Z");
        assert_eq!(stamp(later), "2026-01-03T03:04:05Z");
        assert!(stamp(earlier) < stamp(later));
    }

    #[test]
    fn durations_as_users_write_them() {
        assert_eq!(parse_duration("24h").unwrap(), Duration::from_secs(86_400));
        assert_eq!(
            parse_duration("1d 12h").unwrap(),
            Duration::from_secs(129_600)
        );
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("soon").unwrap_err().contains("24h"));
    }
}
