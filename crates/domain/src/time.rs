//! Time in zhuqi: instants are stored in UTC; every date a user sees or a deadline counts is a civil date in
//! Asia/Shanghai. China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact and the binary
//! needs no time-zone database (city intranets often have none).

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};

/// Asia/Shanghai as a fixed UTC+8 offset.
pub const CHINA: Offset = Offset::constant(8);

pub fn china() -> TimeZone {
    TimeZone::fixed(CHINA)
}

/// Today in Asia/Shanghai: the date every deadline and light is judged against. The one place a date is read from the
/// clock; everything below it takes the date as an argument.
pub fn today() -> Date {
    local_date(Timestamp::now())
}

/// The civil date in Asia/Shanghai of an instant.
pub fn local_date(at: Timestamp) -> Date {
    CHINA.to_datetime(at).date()
}

/// The first instant of a civil date in Asia/Shanghai (00:00 +08:00), or `None` outside jiff's range.
pub fn start_of_day(date: Date) -> Option<Timestamp> {
    CHINA.to_timestamp(date.to_datetime(jiff::civil::Time::midnight())).ok()
}

/// An instant as people read it in Asia/Shanghai, to the minute: "2026-12-03 14:05".
pub fn local_minute(at: Timestamp) -> String {
    CHINA.to_datetime(at).strftime("%Y-%m-%d %H:%M").to_string()
}

/// An instant as whole microseconds since the Unix epoch: the form every timestamp is stored in.
pub fn to_micros(at: Timestamp) -> i64 {
    // i128 → i64 cannot overflow for jiff's range (years −9999..=9999 fit in ±3.2e17 µs).
    at.as_microsecond()
}

pub fn from_micros(micros: i64) -> Option<Timestamp> {
    Timestamp::from_microsecond(micros).ok()
}

/// `at` as the database keeps it: to the microsecond. An event is stamped so before it is applied, so that the state
/// stored with it is the state its stored history replays to (a clock's nanoseconds would otherwise differ).
pub fn stored_precision(at: Timestamp) -> Timestamp {
    from_micros(to_micros(at)).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_evening_utc_is_next_day_in_china() {
        let at: Timestamp = "2024-02-08T16:30:00Z".parse().expect("valid");
        assert_eq!(local_date(at), jiff::civil::date(2024, 2, 9));
        let at: Timestamp = "2024-02-08T15:59:59Z".parse().expect("valid");
        assert_eq!(local_date(at), jiff::civil::date(2024, 2, 8));
    }

    #[test]
    fn start_of_day_is_midnight_in_china() {
        let at = start_of_day(jiff::civil::date(2024, 2, 9)).expect("in range");
        assert_eq!(at.to_string(), "2024-02-08T16:00:00Z");
        assert_eq!(from_micros(to_micros(at)), Some(at));
    }
}
