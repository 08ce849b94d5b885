//! Salesforce date-times (`2026-01-15T10:30:00.000+0000`) and SOQL literals.

use std::sync::LazyLock;
use time::format_description::well_known::Rfc3339;

use time::format_description::BorrowedFormatItem;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// `2026-01-15T10:30:00`, parsed once (a snapshot has a date per row).
static SECONDS: LazyLock<Vec<BorrowedFormatItem<'static>>> = LazyLock::new(|| {
    time::format_description::parse_borrowed::<2>("[year]-[month]-[day]T[hour]:[minute]:[second]")
        .expect("a valid format description")
});

/// Seconds since the epoch of a Salesforce date-time (or a plain RFC 3339
/// one); `None` when it is not one.
pub fn parse_sf_datetime(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    // Salesforce writes `+0000` (no colon) and milliseconds.
    let base = PrimitiveDateTime::parse(text.get(..19)?, &SECONDS[..]).ok()?;
    let rest = text.get(19..).unwrap_or("");
    let rest = rest
        .strip_prefix('.')
        .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()))
        .unwrap_or(rest);
    let offset = match rest {
        "" | "Z" => UtcOffset::UTC,
        r => {
            let sign = if r.starts_with('-') { -1 } else { 1 };
            let digits: String = r.chars().filter(char::is_ascii_digit).collect();
            let h: i8 = digits.get(..2)?.parse().ok()?;
            let m: i8 = digits.get(2..4).unwrap_or("0").parse().ok()?;
            UtcOffset::from_hms(sign * h, sign * m, 0).ok()?
        }
    };
    Some(base.assume_offset(offset).unix_timestamp())
}

/// RFC 3339 in UTC (`2026-01-15T10:30:00Z`), also a SOQL date-time literal.
pub fn format_rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salesforce_datetimes() {
        assert_eq!(
            parse_sf_datetime("1970-01-02T00:00:00.000+0000"),
            Some(86_400)
        );
        assert_eq!(
            parse_sf_datetime("1970-01-02T01:00:00.000+0100"),
            Some(86_400)
        );
        assert_eq!(parse_sf_datetime("1970-01-02T00:00:00Z"), Some(86_400));
        assert_eq!(parse_sf_datetime("yesterday"), None);
        assert_eq!(format_rfc3339(86_400), "1970-01-02T00:00:00Z");
    }
}
