//! Reporting periods (SPEC §6): `2023-W30` (ISO week, Monday to Sunday), `2023-07`, `2023-Q3`, `2023`. A period is a
//! closed range of civil dates in Asia/Shanghai.

use jiff::ToSpan;
use jiff::civil::{Date, ISOWeekDate, Weekday};
use serde::{Deserialize, Serialize};

/// The four bulletins of SPEC §6: 周汇总、月通报、季点评、年考核.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Week,
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [PeriodKind::Week, PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year];

    /// The command-line word: `weekly`, `monthly`, `quarterly`, `annual`.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Week => "weekly",
            PeriodKind::Month => "monthly",
            PeriodKind::Quarter => "quarterly",
            PeriodKind::Year => "annual",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The bulletin's name: 周汇总, 月通报, 季点评, 年考核.
    pub fn bulletin_name(self) -> &'static str {
        match self {
            PeriodKind::Week => "周汇总",
            PeriodKind::Month => "月通报",
            PeriodKind::Quarter => "季度点评",
            PeriodKind::Year => "年度考核",
        }
    }

    /// 本周, 本月, 本季度, 本年度: how the prose names the period.
    pub fn this(self) -> &'static str {
        match self {
            PeriodKind::Week => "本周",
            PeriodKind::Month => "本月",
            PeriodKind::Quarter => "本季度",
            PeriodKind::Year => "本年度",
        }
    }

    /// 上周, 上月, 上季度, 上年度.
    pub fn previous(self) -> &'static str {
        match self {
            PeriodKind::Week => "上周",
            PeriodKind::Month => "上月",
            PeriodKind::Quarter => "上季度",
            PeriodKind::Year => "上年度",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error(
        "期间格式不正确：应为 2023-W30、2023-07、2023-Q3 或 2023 / period must look like 2023-W30, 2023-07, 2023-Q3 or 2023"
    )]
    Format,
    #[error("期间与报告类型不符：{kind}报告应写作 {example} / a {word} report takes a period like {example}", kind = .kind.bulletin_name(), word = .kind.as_str(), example = example(*.kind))]
    Kind { kind: PeriodKind },
}

fn example(kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Week => "2023-W30",
        PeriodKind::Month => "2023-07",
        PeriodKind::Quarter => "2023-Q3",
        PeriodKind::Year => "2023",
    }
}

/// One reporting period: its kind and its first and last day (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub first: Date,
    pub last: Date,
}

impl Period {
    /// Parses `2023-W30`, `2023-07`, `2023-Q3` or `2023` (years 2000 to 2099: the campaign's, and no typo's).
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        let s = s.trim();
        let number = |t: &str, max: i16| -> Result<i16, PeriodError> {
            if t.is_empty() || t.len() > 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(PeriodError::Format);
            }
            t.parse::<i16>().ok().filter(|n| (1..=max).contains(n)).ok_or(PeriodError::Format)
        };
        let year = |t: &str| {
            if t.len() != 4 {
                return Err(PeriodError::Format);
            }
            number(t, 2099).and_then(|y| if y >= 2000 { Ok(y) } else { Err(PeriodError::Format) })
        };
        let Some((y, rest)) = s.split_once('-') else {
            return Ok(Period::year(year(s)?));
        };
        let y = year(y)?;
        if let Some(w) = rest.strip_prefix('W').or_else(|| rest.strip_prefix('w')) {
            let w = i8::try_from(number(w, 53)?).map_err(|_| PeriodError::Format)?;
            let monday = ISOWeekDate::new(y, w, Weekday::Monday).map_err(|_| PeriodError::Format)?;
            return Ok(Period::week_of(monday.date()));
        }
        if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
            let q = i8::try_from(number(q, 4)?).map_err(|_| PeriodError::Format)?;
            return Ok(Period::quarter_of(Date::new(y, (q - 1) * 3 + 1, 1).map_err(|_| PeriodError::Format)?));
        }
        if rest.len() != 2 {
            return Err(PeriodError::Format);
        }
        let m = i8::try_from(number(rest, 12)?).map_err(|_| PeriodError::Format)?;
        Ok(Period::month_of(Date::new(y, m, 1).map_err(|_| PeriodError::Format)?))
    }

    /// Parses `s` and checks that it is a period of `kind` (`monthly` with `2023-Q3` is refused, not guessed).
    pub fn parse_as(kind: PeriodKind, s: &str) -> Result<Period, PeriodError> {
        let p = Period::parse(s)?;
        if p.kind == kind { Ok(p) } else { Err(PeriodError::Kind { kind }) }
    }

    /// The period of `kind` that contains `day`.
    pub fn containing(kind: PeriodKind, day: Date) -> Period {
        match kind {
            PeriodKind::Week => Period::week_of(day),
            PeriodKind::Month => Period::month_of(day),
            PeriodKind::Quarter => Period::quarter_of(day),
            PeriodKind::Year => Period::year(day.year()),
        }
    }

    fn week_of(day: Date) -> Period {
        let monday = day.iso_week_date().first_of_week().map_or(day, |w| w.date());
        Period { kind: PeriodKind::Week, first: monday, last: monday.saturating_add(6.days()) }
    }

    fn month_of(day: Date) -> Period {
        Period { kind: PeriodKind::Month, first: day.first_of_month(), last: day.last_of_month() }
    }

    fn quarter_of(day: Date) -> Period {
        let first_month = (day.month() - 1) / 3 * 3 + 1;
        let first = day.with().month(first_month).day(1).build().unwrap_or(day);
        let last = first.saturating_add(2.months()).last_of_month();
        Period { kind: PeriodKind::Quarter, first, last }
    }

    fn year(y: i16) -> Period {
        let first = Date::new(y, 1, 1).unwrap_or(Date::MIN);
        Period { kind: PeriodKind::Year, first, last: first.last_of_year() }
    }

    /// The period of the same kind just before this one.
    pub fn previous(&self) -> Period {
        Period::containing(self.kind, self.first.yesterday().unwrap_or(self.first))
    }

    pub fn contains(&self, day: Date) -> bool {
        self.first <= day && day <= self.last
    }

    /// The canonical code: `2023-W30`, `2023-07`, `2023-Q3`, `2023`.
    pub fn code(&self) -> String {
        match self.kind {
            PeriodKind::Week => {
                let w = self.first.iso_week_date();
                format!("{}-W{:02}", w.year(), w.week())
            }
            PeriodKind::Month => format!("{}-{:02}", self.first.year(), self.first.month()),
            PeriodKind::Quarter => format!("{}-Q{}", self.first.year(), (self.first.month() - 1) / 3 + 1),
            PeriodKind::Year => self.first.year().to_string(),
        }
    }

    /// How a bulletin names it: 2023年第30周, 2023年7月, 2023年第三季度, 2023年.
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Week => {
                let w = self.first.iso_week_date();
                format!("{}年第{}周", w.year(), w.week())
            }
            PeriodKind::Month => format!("{}年{}月", self.first.year(), self.first.month()),
            PeriodKind::Quarter => {
                let q = ["一", "二", "三", "四"][usize::from((self.first.month() - 1).unsigned_abs() / 3)];
                format!("{}年第{q}季度", self.first.year())
            }
            PeriodKind::Year => format!("{}年", self.first.year()),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code())
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn each_form_parses_to_its_days() {
        let w = Period::parse("2023-W30").expect("valid");
        assert_eq!((w.kind, w.first, w.last), (PeriodKind::Week, date(2023, 7, 24), date(2023, 7, 30)));
        let m = Period::parse("2023-07").expect("valid");
        assert_eq!((m.first, m.last), (date(2023, 7, 1), date(2023, 7, 31)));
        let q = Period::parse("2023-Q3").expect("valid");
        assert_eq!((q.first, q.last), (date(2023, 7, 1), date(2023, 9, 30)));
        let y = Period::parse("2024").expect("valid");
        assert_eq!((y.first, y.last), (date(2024, 1, 1), date(2024, 12, 31)));
        let feb = Period::parse("2024-02").expect("valid");
        assert_eq!(feb.last, date(2024, 2, 29));
        // ISO week 1 of 2021 starts on 2021-01-04; week 53 of 2020 runs into 2021.
        assert_eq!(Period::parse("2021-W01").expect("valid").first, date(2021, 1, 4));
        assert_eq!(Period::parse("2020-W53").expect("valid").last, date(2021, 1, 3));
    }

    #[test]
    fn codes_labels_and_previous_periods() {
        for code in ["2023-W30", "2023-07", "2023-Q3", "2023", "2020-W53", "2021-W01"] {
            assert_eq!(Period::parse(code).expect("valid").code(), code);
        }
        assert_eq!(Period::parse("2023-Q3").expect("valid").label(), "2023年第三季度");
        assert_eq!(Period::parse("2023-W30").expect("valid").label(), "2023年第30周");
        assert_eq!(Period::parse("2023-01").expect("valid").previous().code(), "2022-12");
        assert_eq!(Period::parse("2023-Q1").expect("valid").previous().code(), "2022-Q4");
        assert_eq!(Period::parse("2021-W01").expect("valid").previous().code(), "2020-W53");
        assert_eq!(Period::parse("2023").expect("valid").previous().code(), "2022");
        assert_eq!(Period::containing(PeriodKind::Week, date(2023, 7, 30)).code(), "2023-W30");
    }

    #[test]
    fn bad_periods_are_refused() {
        for bad in
            ["", "23", "2023-13", "2023-00", "2023-7", "2023-Q5", "2023-W54", "2021-W53", "1999", "2023-", "２０２３"]
        {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Period::parse_as(PeriodKind::Month, "2023-Q3"), Err(PeriodError::Kind { kind: PeriodKind::Month }));
    }
}
