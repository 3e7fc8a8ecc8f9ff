//! Civil dates for LOBSTER file names: validating `YYYY-MM-DD`, and New York's local midnight
//! in UTC under the US daylight-saving rules since 1987.
//!
//! Pure integer arithmetic with no time-zone database; dates outside the rules it knows are
//! `None`, never a guess.

/// `YYYY-MM-DD` of a real calendar day.
pub(super) fn parse_date(text: &str) -> Option<(i32, u32, u32)> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y) && all_digits(m) && all_digits(d)) {
        return None;
    }
    let (year, month, day): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let valid = (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day);
    valid.then_some((year, month, day))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Day number (as [`days_from_civil`]) of the `n`th Sunday of a month, from 1.
fn nth_sunday(year: i32, month: u32, n: i64) -> i64 {
    let first = days_from_civil(year, month, 1);
    // 1970-01-01 was a Thursday: weekday 4 with Sunday as 0.
    let weekday = (first + 4).rem_euclid(7);
    first + (7 - weekday) % 7 + 7 * (n - 1)
}

/// Day number of the last Sunday of a month.
fn last_sunday(year: i32, month: u32) -> i64 {
    let last = days_from_civil(year, month, days_in_month(year, month));
    last - (last + 4).rem_euclid(7)
}

/// Local midnight in New York on a date, in ns since the epoch, with the UTC offset that holds
/// from 03:00 that day (EDT, UTC-4, on the day daylight saving starts; EST on the day it ends).
/// `None` before 1987, when other US rules applied.
pub(super) fn new_york_midnight_ns(year: i32, month: u32, day: u32) -> Option<i64> {
    const HOUR_S: i64 = 3_600;
    let (dst_start, dst_end) = match year {
        // Energy Policy Act of 2005: second Sunday of March to first Sunday of November.
        2007.. => (nth_sunday(year, 3, 2), nth_sunday(year, 11, 1)),
        // First Sunday of April to last Sunday of October.
        1987..=2006 => (nth_sunday(year, 4, 1), last_sunday(year, 10)),
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let utc_offset_s = if (dst_start..dst_end).contains(&days) {
        -4 * HOUR_S
    } else {
        -5 * HOUR_S
    };
    (days * 86_400 - utc_offset_s).checked_mul(1_000_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_and_weekdays() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        // 2012-06-21: 42 years of 365 days, 10 leap days (1972..=2008), then
        // 31+29+31+30+31 days of January to May and 20 days of June.
        assert_eq!(days_from_civil(2012, 6, 21), 42 * 365 + 10 + 152 + 20);
        // 2012-03-11 and 2012-11-04 were the DST Sundays; 2006-04-02 and 2006-10-29 too.
        assert_eq!(nth_sunday(2012, 3, 2), days_from_civil(2012, 3, 11));
        assert_eq!(nth_sunday(2012, 11, 1), days_from_civil(2012, 11, 4));
        assert_eq!(nth_sunday(2006, 4, 1), days_from_civil(2006, 4, 2));
        assert_eq!(last_sunday(2006, 10), days_from_civil(2006, 10, 29));
    }

    #[test]
    fn new_york_midnight_follows_daylight_saving() {
        const H: i64 = 3_600_000_000_000;
        let utc_midnight = |y, m, d| days_from_civil(y, m, d) * 24 * H;
        let offset =
            |y, m, d| new_york_midnight_ns(y, m, d).map(|ns| (ns - utc_midnight(y, m, d)) / H);
        assert_eq!(offset(2012, 6, 21), Some(4));
        assert_eq!(offset(2012, 1, 3), Some(5));
        assert_eq!(offset(2012, 3, 10), Some(5));
        assert_eq!(offset(2012, 3, 11), Some(4));
        assert_eq!(offset(2012, 11, 3), Some(4));
        assert_eq!(offset(2012, 11, 4), Some(5));
        assert_eq!(offset(2006, 4, 1), Some(5));
        assert_eq!(offset(2006, 4, 2), Some(4));
        assert_eq!(offset(2006, 10, 28), Some(4));
        assert_eq!(offset(2006, 10, 29), Some(5));
        assert_eq!(offset(2006, 11, 1), Some(5));
        assert_eq!(offset(1986, 6, 1), None);
    }
}
