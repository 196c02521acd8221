//! The official PRC working-day calendar (SPEC §4, Appendix A).
//!
//! Weekends are off except the weekend days the State Council declares make-up working days (调休上班); public holidays
//! are off. Each year is data (`CalendarYear`), shipped for 2023–2026 in `calendar/official.json` and loadable at run
//! time, because the State Council publishes next year's notice every November and a city cannot wait for a rebuild.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

/// The years shipped with the program.
const OFFICIAL: &str = include_str!("../calendar/official.json");

/// One year's notice: the holiday ranges (inclusive) and the make-up working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarYear {
    pub year: i16,
    /// The notice the data comes from, so an auditor can check it.
    #[serde(default)]
    pub source: String,
    pub holidays: Vec<Holiday>,
    pub workdays: Vec<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    pub name: String,
    pub from: Date,
    pub to: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("节假日数据格式错误 / calendar data is malformed: {0}")]
    Malformed(String),
    #[error("{year}年节假日「{name}」的起止日期颠倒或超出该年 / holiday {name} of {year} has a bad date range")]
    BadRange { year: i16, name: String },
    #[error("{year}年调休上班日 {date} 不是周末 / make-up working day {date} of {year} is not a weekend day")]
    WorkdayNotWeekend { year: i16, date: Date },
    #[error("{date} 既是假日又是调休上班日 / {date} is both a holiday and a make-up working day")]
    Contradiction { date: Date },
}

impl CalendarYear {
    /// The years shipped with the program (2023–2026).
    pub fn official() -> Vec<CalendarYear> {
        // The shipped file is checked by a unit test, so a parse failure here is a build defect, not user input.
        Self::parse_many(OFFICIAL).unwrap_or_default()
    }

    /// Parses one year object or an array of them, and checks each.
    pub fn parse_many(json: &str) -> Result<Vec<CalendarYear>, CalendarError> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| CalendarError::Malformed(e.to_string()))?;
        let years: Vec<CalendarYear> = if value.is_array() {
            serde_json::from_value(value)
        } else {
            serde_json::from_value(value).map(|y| vec![y])
        }
        .map_err(|e| CalendarError::Malformed(e.to_string()))?;
        for year in &years {
            year.check()?;
        }
        Ok(years)
    }

    /// A notice's dates lie in its year, except that 元旦 may begin on 31 December of the year before.
    pub fn check(&self) -> Result<(), CalendarError> {
        let in_reach = |d: Date| d.year() == self.year || (d.year() == self.year - 1 && d.month() == 12);
        let mut off = BTreeSet::new();
        for h in &self.holidays {
            if h.from > h.to || !in_reach(h.from) || h.to.year() != self.year {
                return Err(CalendarError::BadRange { year: self.year, name: h.name.clone() });
            }
            off.extend(h.from.series(jiff::ToSpan::days(1)).take_while(|d| *d <= h.to));
        }
        for &date in &self.workdays {
            if date.year() != self.year || !is_weekend(date) {
                return Err(CalendarError::WorkdayNotWeekend { year: self.year, date });
            }
            if off.contains(&date) {
                return Err(CalendarError::Contradiction { date });
            }
        }
        Ok(())
    }
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Answers "is this a working day?" and counts working days, for the years it was given; outside them it knows only
/// weekends (and says so through `covers`, so the program can warn that next year's notice is missing).
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
    years: BTreeMap<i16, String>,
    /// The answer for every day of the loaded years (and the year before, for 元旦 starting on 31 December),
    /// at `(year - first_year) * 366 + day_of_year - 1`: deadlines ask this question thousands of times a second.
    table: Vec<bool>,
    /// `counts[i]`: the working days among `table[..i]`, so that counting the working days between two dates of the
    /// table is one subtraction (a year-old overdue item's light asks it several times per page view).
    counts: Vec<u32>,
    first_year: i16,
}

impl WorkingCalendar {
    pub fn new(years: &[CalendarYear]) -> Self {
        let mut cal = Self::default();
        for year in years {
            for h in &year.holidays {
                cal.holidays.extend(h.from.series(jiff::ToSpan::days(1)).take_while(|d| *d <= h.to));
            }
            cal.workdays.extend(year.workdays.iter().copied());
            cal.years.insert(year.year, year.source.clone());
        }
        if let (Some(&first), Some(&last)) = (cal.years.keys().next(), cal.years.keys().next_back()) {
            cal.first_year = first - 1;
            cal.table = vec![false; (last - cal.first_year + 1) as usize * 366];
            for (y, year) in (cal.first_year..=last).enumerate() {
                for d in jiff::civil::date(year, 1, 1).series(jiff::ToSpan::days(1)).take_while(|d| d.year() == year) {
                    cal.table[y * 366 + (d.day_of_year() - 1) as usize] = cal.by_rule(d);
                }
            }
            cal.counts = std::iter::once(0)
                .chain(cal.table.iter().scan(0u32, |n, &working| {
                    *n += u32::from(working);
                    Some(*n)
                }))
                .collect();
        }
        cal
    }

    /// Where `date` sits in `table`, if the table holds its year.
    fn slot(&self, date: Date) -> Option<usize> {
        let offset = usize::try_from(i32::from(date.year()) - i32::from(self.first_year)).ok()?;
        let index = offset * 366 + (date.day_of_year() - 1) as usize;
        (index < self.table.len()).then_some(index)
    }

    /// The calendar shipped with the program.
    pub fn official() -> Self {
        Self::new(&CalendarYear::official())
    }

    pub fn covers(&self, year: i16) -> bool {
        self.years.contains_key(&year)
    }

    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.years.keys().copied()
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        match self.slot(date) {
            Some(i) => self.table[i],
            None => self.by_rule(date),
        }
    }

    fn by_rule(&self, date: Date) -> bool {
        self.workdays.contains(&date) || !(is_weekend(date) || self.holidays.contains(&date))
    }

    /// The `n`-th working day strictly after `from` (`from` itself when `n` is 0): "within n working days of `from`"
    /// means by 24:00 of this date.
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut date = from;
        let mut left = n;
        while left > 0 {
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break, // the end of time: nothing is due after it
            }
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// The number of working days `d` with `from < d <= to` (0 when `to <= from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        if to <= from {
            return 0;
        }
        if let (Some(a), Some(b)) = (self.slot(from), self.slot(to)) {
            return self.counts[b + 1] - self.counts[a + 1];
        }
        let days = from.series(jiff::ToSpan::days(1)).skip(1).take_while(|d| *d <= to);
        u32::try_from(days.filter(|d| self.is_working_day(*d)).count()).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::official()
    }

    #[test]
    fn counting_by_table_agrees_with_counting_day_by_day() {
        let cal = cal();
        let naive = |from: Date, to: Date| {
            from.series(jiff::ToSpan::days(1))
                .skip(1)
                .take_while(|d| *d <= to)
                .filter(|d| cal.is_working_day(*d))
                .count()
        };
        // Across year ends, leap days, holidays and make-up days, and beyond the loaded years on both sides.
        let starts = [date(2021, 12, 30), date(2022, 12, 31), date(2024, 2, 28), date(2024, 9, 27), date(2026, 12, 31)];
        for from in starts {
            for to in from.series(jiff::ToSpan::days(7)).take(120) {
                assert_eq!(cal.working_days_between(from, to) as usize, naive(from, to), "{from}..{to}");
            }
        }
    }

    #[test]
    fn shipped_years_parse_and_check() {
        let years = CalendarYear::parse_many(OFFICIAL).expect("official data is valid");
        assert_eq!(years.iter().map(|y| y.year).collect::<Vec<_>>(), vec![2023, 2024, 2025, 2026]);
        let cal = cal();
        assert!(cal.covers(2026) && !cal.covers(2027));
    }

    #[test]
    fn spring_festival_2024_assigned_on_the_eighth() {
        // 除夕 2024-02-09 is a working day; 02-10..17 off; Sunday 02-18 is a make-up working day.
        let cal = cal();
        let assigned = date(2024, 2, 8);
        assert_eq!(cal.add_working_days(assigned, 1), date(2024, 2, 9));
        assert_eq!(cal.add_working_days(assigned, 2), date(2024, 2, 18));
        assert_eq!(cal.add_working_days(assigned, 3), date(2024, 2, 19));
        assert_eq!(cal.add_working_days(assigned, 7), date(2024, 2, 23));
        assert_eq!(cal.add_working_days(assigned, 10), date(2024, 2, 28));
        assert_eq!(cal.working_days_between(assigned, date(2024, 2, 23)), 7);
    }

    #[test]
    fn national_day_2025_assigned_on_september_30() {
        // 10-01..08 off; Saturday 10-11 is a make-up working day.
        let cal = cal();
        let assigned = date(2025, 9, 30);
        assert_eq!(cal.add_working_days(assigned, 1), date(2025, 10, 9));
        assert_eq!(cal.add_working_days(assigned, 3), date(2025, 10, 11));
        assert_eq!(cal.add_working_days(assigned, 7), date(2025, 10, 16));
        assert_eq!(cal.add_working_days(assigned, 10), date(2025, 10, 21));
    }

    #[test]
    fn due_across_the_make_up_sunday_2024_02_04() {
        let cal = cal();
        let assigned = date(2024, 2, 1); // Thursday
        assert!(cal.is_working_day(date(2024, 2, 4)));
        assert!(!cal.is_working_day(date(2024, 2, 3)));
        assert_eq!(cal.add_working_days(assigned, 1), date(2024, 2, 2));
        assert_eq!(cal.add_working_days(assigned, 2), date(2024, 2, 4));
        assert_eq!(cal.add_working_days(assigned, 3), date(2024, 2, 5));
        assert_eq!(cal.add_working_days(assigned, 7), date(2024, 2, 9));
        assert_eq!(cal.add_working_days(assigned, 10), date(2024, 2, 20));
    }

    #[test]
    fn assignment_on_a_holiday_counts_from_that_date() {
        let cal = cal();
        // Assigned on 2023-10-01 (holiday): the make-up Saturday 10-07 is the first working day after it.
        assert_eq!(cal.add_working_days(date(2023, 10, 1), 1), date(2023, 10, 7));
        assert_eq!(cal.add_working_days(date(2023, 10, 1), 0), date(2023, 10, 1));
        assert_eq!(cal.working_days_between(date(2023, 10, 1), date(2023, 10, 1)), 0);
        assert_eq!(cal.working_days_between(date(2023, 10, 9), date(2023, 10, 1)), 0);
    }

    #[test]
    fn new_year_2023_starts_in_december_2022() {
        let cal = cal();
        assert!(!cal.is_working_day(date(2023, 1, 2)));
        assert!(cal.is_working_day(date(2023, 1, 29))); // make-up Sunday
    }

    #[test]
    fn the_day_table_agrees_with_the_rule_everywhere() {
        let cal = cal();
        for d in date(2021, 1, 1).series(jiff::ToSpan::days(1)).take_while(|d| *d < date(2028, 12, 31)) {
            assert_eq!(cal.is_working_day(d), cal.by_rule(d), "{d}");
        }
        assert!(WorkingCalendar::default().is_working_day(date(2024, 2, 8)), "an empty calendar knows weekends only");
    }

    #[test]
    fn a_loaded_year_extends_the_calendar() {
        let json = r#"{"year": 2027, "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}],
                       "workdays": ["2027-01-09"]}"#;
        let mut years = CalendarYear::official();
        years.extend(CalendarYear::parse_many(json).expect("valid"));
        let cal = WorkingCalendar::new(&years);
        assert!(cal.covers(2027));
        assert!(!cal.is_working_day(date(2027, 1, 1)));
        assert!(cal.is_working_day(date(2027, 1, 9)));
    }

    #[test]
    fn bad_years_are_refused_with_the_reason() {
        let not_weekend = r#"{"year": 2027, "holidays": [], "workdays": ["2027-01-06"]}"#;
        assert!(matches!(CalendarYear::parse_many(not_weekend), Err(CalendarError::WorkdayNotWeekend { .. })));
        let reversed =
            r#"{"year": 2027, "holidays": [{"name": "x", "from": "2027-02-03", "to": "2027-02-01"}], "workdays": []}"#;
        assert!(matches!(CalendarYear::parse_many(reversed), Err(CalendarError::BadRange { .. })));
        let both = r#"{"year": 2027, "holidays": [{"name": "x", "from": "2027-01-09", "to": "2027-01-10"}], "workdays": ["2027-01-09"]}"#;
        assert!(matches!(CalendarYear::parse_many(both), Err(CalendarError::Contradiction { .. })));
        assert!(matches!(CalendarYear::parse_many("{"), Err(CalendarError::Malformed(_))));
        assert!(matches!(
            CalendarYear::parse_many(r#"{"year": 2027, "holidays": [], "workdays": [], "x": 1}"#),
            Err(CalendarError::Malformed(_))
        ));
    }
}
