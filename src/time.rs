//! The one textual form of an instant (stored, printed in JSON) and durations as users write them.

use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Timelike, Utc};

/// RFC 3339 UTC with second precision; compares correctly as text.
pub fn stamp(instant: DateTime<Utc>) -> String {
    match stamp_bytes(instant) {
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        None => instant.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}

/// `stamp` written by hand into 20 bytes, for four-digit years: every time
/// of every listed row goes through here, and chrono's general formatter is
/// several times slower.
fn stamp_bytes(instant: DateTime<Utc>) -> Option<[u8; 20]> {
    let year = u32::try_from(instant.year()).ok().filter(|y| *y <= 9999)?;
    let mut bytes = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, digits: usize, mut value: u32| {
        for i in (at..at + digits).rev() {
            bytes[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, instant.month());
    put(8, 2, instant.day());
    put(11, 2, instant.hour());
    put(14, 2, instant.minute());
    put(17, 2, instant.second());
    Some(bytes)
}

/// For serde: an instant as its stamp, as JSON output shows times.
pub fn serialize<S: serde::Serializer>(
    instant: &DateTime<Utc>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match stamp_bytes(*instant) {
        Some(bytes) => serializer.serialize_str(std::str::from_utf8(&bytes).unwrap_or_default()),
        None => serializer.serialize_str(&stamp(*instant)),
    }
}

/// For serde: an optional instant as its stamp, or null.
pub fn serialize_optional<S: serde::Serializer>(
    instant: &Option<DateTime<Utc>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match instant {
        Some(instant) => serialize(instant, serializer),
        None => serializer.serialize_none(),
    }
}

pub fn parse_stamp(text: &str) -> Option<DateTime<Utc>> {
    parse_own_stamp(text).or_else(|| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// The exact form `stamp` writes, read without chrono's general parser.
fn parse_own_stamp(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    let shape = b.len() == 20
        && [4, 7].iter().all(|&i| b[i] == b'-')
        && b[10] == b'T'
        && [13, 16].iter().all(|&i| b[i] == b':')
        && b[19] == b'Z';
    if !shape {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)?
        .and_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)
        .map(|naive| naive.and_utc())
}

/// The longest duration accepted anywhere: far beyond any useful setting, and
/// short enough that every instant it reaches has a four-digit year, so stamps
/// keep sorting as text.
pub const MAX_DURATION: Duration = Duration::from_secs(100 * 366 * 24 * 3600);

/// "24h", "90m", "1d 12h". Zero is refused: nothing useful lasts no time.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text.trim()) {
        Ok(duration) if duration.is_zero() => Err("it must be longer than zero".into()),
        Ok(duration) if duration > MAX_DURATION => {
            Err("it must be at most 100 years; write it like 24h, 90m or 7d".into())
        }
        Ok(duration) => Ok(duration),
        Err(_) => Err("write a number and a unit, like 24h, 90m or 7d".into()),
    }
}

/// A duration as people write it, in its largest whole unit: `24h`, `90m`, `10s`.
pub fn format_duration(duration: Duration) -> String {
    if duration.subsec_nanos() != 0 {
        return humantime::format_duration(duration).to_string();
    }
    match duration.as_secs() {
        0 => "0s".into(),
        s if s % 86_400 == 0 && s >= 7 * 86_400 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// `instant + duration`, saturating rather than overflowing.
pub fn add(instant: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(duration)
        .ok()
        .and_then(|d| instant.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `instant - duration`, saturating rather than overflowing.
pub fn sub(instant: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(duration)
        .ok()
        .and_then(|d| instant.checked_sub_signed(d))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
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
    fn the_quick_stamp_is_chronos_rfc_3339_and_reads_back() {
        let mut instant = parse_stamp("1970-01-01T00:00:00Z").unwrap();
        for _ in 0..2000 {
            let text = stamp(instant);
            assert_eq!(text, instant.to_rfc3339_opts(SecondsFormat::Secs, true));
            assert_eq!(parse_own_stamp(&text), Some(instant));
            instant = add(instant, Duration::from_secs(987_654_321 / 17));
        }
        assert_eq!(
            parse_stamp("2026-01-02T03:04:05+01:00"),
            parse_stamp("2026-01-02T02:04:05Z")
        );
        for bad in [
            "2026-13-02T03:04:05Z",
            "2026-01-02 03:04:05Z",
            "2026-01-0xT03:04:05Z",
        ] {
            assert_eq!(parse_own_stamp(bad), None, "{bad}");
        }
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
        assert!(
            parse_duration("101y")
                .unwrap_err()
                .contains("at most 100 years")
        );
        assert!(parse_duration("270000y").is_err());
    }

    #[test]
    fn arithmetic_saturates_instead_of_panicking() {
        let now = parse_stamp("2026-01-02T03:04:05Z").unwrap();
        assert_eq!(add(now, Duration::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(sub(now, Duration::MAX), DateTime::<Utc>::MIN_UTC);
    }
}
