//! The figures of SPEC §6 as pure arithmetic: the counts a scope adds up, the rates derived from them (two decimals,
//! half-up, "—" over no items), the reporting periods, and the ranking with red and yellow flags. The store counts;
//! everything that turns counts into what a bulletin prints is here, so that it is exact and tested once.

mod period;
mod ranking;

use serde::{Serialize, Serializer};

pub use period::{Period, PeriodError, PeriodKind};
pub use ranking::{Flag, FlagRule, Ranked, Weights, rank, rank_by};

/// A number with two decimals, held exactly as hundredths (9972 is 99.72).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hundredths(pub i64);

impl Hundredths {
    /// `num / den` to two decimals, rounded half-up, scaled by `scale` (100 for a percentage); `None` when `den` is 0.
    /// Counts are never negative, so half-up is (2·num·scale·100 + den) / (2·den).
    pub fn ratio(num: i64, den: i64, scale: i64) -> Option<Hundredths> {
        if den <= 0 || num < 0 {
            return None;
        }
        let (num, den) = (i128::from(num) * i128::from(scale) * 100, i128::from(den));
        i64::try_from((2 * num + den) / (2 * den)).ok().map(Hundredths)
    }

    pub fn as_f64(self) -> f64 {
        // Exact for any count a city has: the value is printed back with two decimals.
        self.0 as f64 / 100.0
    }
}

impl std::fmt::Display for Hundredths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:02}", self.0.unsigned_abs() / 100, self.0.unsigned_abs() % 100)
    }
}

impl Serialize for Hundredths {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

/// A percentage over a count of items: `None` (printed "—", the default) when there are no items, never 0 or 100.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Rate(pub Option<Hundredths>);

impl Rate {
    pub fn of(num: i64, den: i64) -> Rate {
        Rate(Hundredths::ratio(num, den, 100))
    }

    /// `99.72%`, or `—` over no items.
    pub fn percent(&self) -> String {
        self.0.map_or_else(|| "—".to_owned(), |h| format!("{h}%"))
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.percent())
    }
}

/// The counts of SPEC §6 over one scope, as of one date. Counts add up: a city's are the sum of its counties'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// 收集: appeals submitted up to the as-of date, except those withdrawn or found invalid by then.
    pub collected: i64,
    /// 已解决: of those, closed after an answer, or merged into a common issue resolved by then.
    pub resolved: i64,
    /// 按期办结: resolved with the resolve deadline (after approved extensions and pauses) met.
    pub closed_on_time: i64,
    /// 超期未办结: open at the as-of date, the unit's answer still owed, and past the resolve deadline.
    pub overdue_open: i64,
    /// Appeals with a rating, with five stars, with four or five stars.
    pub rated: i64,
    pub five_star: i64,
    pub satisfied: i64,
    /// 重办: rejected by the enterprise at least once by the as-of date.
    pub reopened: i64,
    /// Working days from first assignment to the answer that resolved it, summed over the resolved appeals that were
    /// assigned (`timed` of them): the numerator and denominator of `avg_working_days`.
    pub working_days: i64,
    pub timed: i64,
    /// Appeals submitted within the period (and not withdrawn or invalid by the as-of date).
    pub new_in_period: i64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.collected += o.collected;
        self.resolved += o.resolved;
        self.closed_on_time += o.closed_on_time;
        self.overdue_open += o.overdue_open;
        self.rated += o.rated;
        self.five_star += o.five_star;
        self.satisfied += o.satisfied;
        self.reopened += o.reopened;
        self.working_days += o.working_days;
        self.timed += o.timed;
        self.new_in_period += o.new_in_period;
    }
}

impl std::iter::Sum for Counts {
    fn sum<I: Iterator<Item = Counts>>(iter: I) -> Counts {
        iter.fold(Counts::default(), |mut a, b| {
            a += b;
            a
        })
    }
}

impl Counts {
    /// 问题动态解决率 = resolved / collected.
    pub fn resolution_rate(&self) -> Rate {
        Rate::of(self.resolved, self.collected)
    }

    /// 按期办结率 = closed_on_time / resolved.
    pub fn on_time_rate(&self) -> Rate {
        Rate::of(self.closed_on_time, self.resolved)
    }

    /// 五星好评率 = five_star / rated.
    pub fn five_star_rate(&self) -> Rate {
        Rate::of(self.five_star, self.rated)
    }

    /// 满意率 = ratings of 4 or 5 / rated.
    pub fn satisfaction_rate(&self) -> Rate {
        Rate::of(self.satisfied, self.rated)
    }

    /// Mean working days from assignment to resolution, two decimals; `None` when nothing resolved was assigned.
    pub fn avg_working_days(&self) -> Option<Hundredths> {
        Hundredths::ratio(self.working_days, self.timed, 1)
    }

    /// Still open (collected, not resolved): what "已解决X条" leaves.
    pub fn unresolved(&self) -> i64 {
        self.collected - self.resolved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(collected: i64, resolved: i64) -> Counts {
        Counts { collected, resolved, ..Counts::default() }
    }

    #[test]
    fn the_seeds_figures() {
        assert_eq!(counts(3552, 3542).resolution_rate().percent(), "99.72%");
        assert_eq!(counts(3118, 3097).resolution_rate().percent(), "99.33%");
        assert_eq!(counts(76, 76).resolution_rate().percent(), "100.00%");
        assert_eq!(Counts { rated: 45, five_star: 43, ..Counts::default() }.five_star_rate().percent(), "95.56%");
        assert_eq!(Rate::of(42_600, 53_000).percent(), "80.38%");
        assert_eq!(counts(0, 0).resolution_rate().percent(), "—");
        assert_eq!(counts(0, 0).resolution_rate(), Rate(None));
    }

    #[test]
    fn rounding_is_half_up_on_the_exact_fraction() {
        // 1/8 = 12.5% exactly; 1/800 = 0.125% → 0.13%; 2/3 = 66.666…% → 66.67%; 1/3 → 33.33%.
        assert_eq!(Rate::of(1, 8).percent(), "12.50%");
        assert_eq!(Rate::of(1, 800).percent(), "0.13%");
        assert_eq!(Rate::of(2, 3).percent(), "66.67%");
        assert_eq!(Rate::of(1, 3).percent(), "33.33%");
        // 0.005 in binary floating point is below one half; the exact fraction is not.
        assert_eq!(Rate::of(5, 100_000).percent(), "0.01%");
        assert_eq!(Hundredths::ratio(7, 2, 1).map(|h| h.to_string()), Some("3.50".into()));
    }

    #[test]
    fn counts_add_up_and_serialise_rates_as_numbers_or_null() {
        let total: Counts = [counts(10, 9), counts(5, 5)].into_iter().sum();
        assert_eq!((total.collected, total.resolved), (15, 14));
        assert_eq!(serde_json::to_string(&total.resolution_rate()).expect("valid"), "93.33");
        assert_eq!(serde_json::to_string(&Rate(None)).expect("valid"), "null");
    }
}
