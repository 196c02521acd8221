//! Plan against actual (SPEC §7): how much of a year's plan is done, how much of the year has passed (时序进度), how
//! far ahead of or behind the schedule that is, and the rates of a 三个一批 batch.

use jiff::civil::Date;
use serde::Serialize;

use super::Stage;
use crate::stats::{Hundredths, Rate};

/// 366 in a leap year, else 365.
pub fn days_in_year(year: i16) -> i64 {
    if jiff::civil::date(year, 12, 31).day_of_year() == 366 { 366 } else { 365 }
}

/// 时序进度 as the exact fraction (days elapsed in the year up to and including `as_of`, days in the year).
fn elapsed(as_of: Date) -> (i64, i64) {
    (i64::from(as_of.day_of_year()), days_in_year(as_of.year()))
}

/// 时序进度: the share of `as_of`'s year elapsed up to and including that day, as a percentage to two decimals
/// (31 March 2023: 90 / 365 = 24.66%).
pub fn time_progress(as_of: Date) -> Hundredths {
    let (days, of) = elapsed(as_of);
    Hundredths::ratio(days, of, 100).unwrap_or(Hundredths(0))
}

/// `n / d` in hundredths of a percent, rounded half away from zero (`d` > 0).
fn hundredths_of_percent(n: i128, d: i128) -> i64 {
    let (n, d) = (n * 10_000, d);
    let q = (2 * n.abs() + d) / (2 * d);
    i64::try_from(if n < 0 { -q } else { q }).unwrap_or(i64::MAX)
}

/// An amount done against an amount planned over a year: investment in fen against the annual plan, or a counted
/// programme (5.3万 old residential compounds planned, 4.26万 started).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PlanProgress {
    pub done: i64,
    pub planned: i64,
}

impl PlanProgress {
    pub fn new(done: i64, planned: i64) -> Self {
        PlanProgress { done, planned }
    }

    /// plan_completion: done / planned, to two decimals ("—" without a plan).
    pub fn completion(&self) -> Rate {
        Rate::of(self.done, self.planned)
    }

    /// The completion to one decimal, as the seeds print it ("完成年度目标任务的31.1%"), rounded once from the exact
    /// fraction; "—" without a plan.
    pub fn completion_one_decimal(&self) -> String {
        match Hundredths::ratio(self.done, self.planned, 10) {
            Some(Hundredths(tenths)) => format!("{}.{}%", tenths / 10, tenths % 10),
            None => "—".to_owned(),
        }
    }

    /// ahead_pp: (plan_completion − 时序进度) × 100 in percentage points, two decimals, negative when behind; computed
    /// on the exact fractions and rounded once. `None` without a plan.
    pub fn ahead_pp(&self, as_of: Date) -> Option<Hundredths> {
        if self.planned <= 0 || self.done < 0 {
            return None;
        }
        let (days, of) = elapsed(as_of);
        // done/planned − days/of = (done·of − days·planned) / (planned·of)
        let n = i128::from(self.done) * i128::from(of) - i128::from(days) * i128::from(self.planned);
        Some(Hundredths(hundredths_of_percent(n, i128::from(self.planned) * i128::from(of))))
    }
}

impl std::ops::AddAssign for PlanProgress {
    fn add_assign(&mut self, o: PlanProgress) {
        self.done += o.done;
        self.planned += o.planned;
    }
}

impl std::iter::Sum for PlanProgress {
    fn sum<I: Iterator<Item = PlanProgress>>(iter: I) -> Self {
        iter.fold(PlanProgress::default(), |mut a, b| {
            a += b;
            a
        })
    }
}

/// The three lists of a 三个一批 batch: the projects to sign (签约一批), to start (开工一批) and to go into production
/// (投产一批).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchList {
    Sign,
    Start,
    Produce,
}

impl BatchList {
    pub const ALL: [BatchList; 3] = [BatchList::Sign, BatchList::Start, BatchList::Produce];

    pub fn as_str(self) -> &'static str {
        match self {
            BatchList::Sign => "sign",
            BatchList::Start => "start",
            BatchList::Produce => "produce",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BatchList::Sign => "签约",
            BatchList::Start => "开工",
            BatchList::Produce => "投产",
        }
    }

    /// The stage a project on this list is expected to reach within the batch.
    pub fn target(self) -> Stage {
        match self {
            BatchList::Sign => Stage::Signed,
            BatchList::Start => Stage::Started,
            BatchList::Produce => Stage::Producing,
        }
    }

    pub fn parse(s: &str) -> Option<BatchList> {
        let s = s.trim();
        BatchList::ALL.into_iter().find(|l| l.as_str() == s || l.label() == s || s.starts_with(l.label()))
    }
}

/// How far a batch's lists have got, as of a date: each list's projects and how many reached the list's stage (and,
/// for the production list, 达产).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct BatchProgress {
    pub to_sign: i64,
    pub signed: i64,
    pub to_start: i64,
    pub started: i64,
    pub to_produce: i64,
    pub producing: i64,
    pub full_production: i64,
}

impl BatchProgress {
    /// Counts one project of `list` standing at `stage` (as of the date the progress is for).
    pub fn add(&mut self, list: BatchList, stage: Stage) {
        let reached = stage.reached(list.target());
        match list {
            BatchList::Sign => {
                self.to_sign += 1;
                self.signed += i64::from(reached);
            }
            BatchList::Start => {
                self.to_start += 1;
                self.started += i64::from(reached);
            }
            BatchList::Produce => {
                self.to_produce += 1;
                self.producing += i64::from(reached);
                self.full_production += i64::from(stage.reached(Stage::FullProduction));
            }
        }
    }

    /// 签约率: of the signing list, signed or beyond.
    pub fn sign_rate(&self) -> Rate {
        Rate::of(self.signed, self.to_sign)
    }

    /// 开工率: of the starting list, started or beyond.
    pub fn start_rate(&self) -> Rate {
        Rate::of(self.started, self.to_start)
    }

    /// 投产率: of the production list, in production or beyond.
    pub fn production_rate(&self) -> Rate {
        Rate::of(self.producing, self.to_produce)
    }

    /// 达产率: of the production list, at full production or beyond.
    pub fn full_production_rate(&self) -> Rate {
        Rate::of(self.full_production, self.to_produce)
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    const YI: i64 = 10_000_000_000; // fen in 1亿元

    #[test]
    fn time_progress_counts_the_day_itself() {
        assert_eq!(time_progress(date(2023, 1, 1)).to_string(), "0.27");
        assert_eq!(time_progress(date(2023, 3, 31)).to_string(), "24.66");
        assert_eq!(time_progress(date(2023, 12, 31)).to_string(), "100.00");
        assert_eq!(time_progress(date(2024, 12, 31)).to_string(), "100.00");
        assert_eq!(days_in_year(2024), 366);
        assert_eq!(time_progress(date(2024, 2, 29)).to_string(), "16.39");
    }

    /// Seed 003: 2022's 336 provincial key projects completed 1546.18亿, 109.42% of the year's plan (1413.07亿).
    #[test]
    fn the_2022_plan_reads_109_42_percent() {
        let p = PlanProgress::new(154_618 * YI / 100, 141_307 * YI / 100);
        assert_eq!(p.completion().percent(), "109.42%");
        // "提前一个月完成年度目标任务": ahead of the schedule at the end of November.
        assert!(p.ahead_pp(date(2022, 11, 30)).is_some_and(|pp| pp.0 > 0));
    }

    /// Seed 003: 550亿 of 2023's 1768.5亿 target at the end of the first quarter is 31.1%, 6 points above 时序进度.
    #[test]
    fn the_2023_first_quarter_is_six_points_ahead() {
        let p = PlanProgress::new(550 * YI, 17_685 * YI / 10);
        assert_eq!(p.completion().percent(), "31.10%");
        assert_eq!(p.completion_one_decimal(), "31.1%");
        let pp = p.ahead_pp(date(2023, 3, 31)).expect("valid");
        assert_eq!(pp.to_string(), "6.44");
        assert_eq!((pp.0 + 50) / 100, 6);
        // Behind the schedule reads negative.
        assert_eq!(p.ahead_pp(date(2023, 6, 30)).expect("valid").to_string(), "-18.49");
    }

    /// Seed 000: 4.26万 of the 5.3万 planned started: 80.4%.
    #[test]
    fn a_counted_programme_reads_80_4_percent() {
        let p = PlanProgress::new(42_600, 53_000);
        assert_eq!(p.completion().percent(), "80.38%");
        assert_eq!(p.completion_one_decimal(), "80.4%");
        assert_eq!(PlanProgress::new(1, 0).completion().percent(), "—");
        assert_eq!(PlanProgress::new(1, 0).completion_one_decimal(), "—");
        assert_eq!(PlanProgress::new(1, 0).ahead_pp(date(2023, 3, 31)), None);
    }

    #[test]
    fn batch_rates_count_each_list_against_its_own_stage() {
        let mut b = BatchProgress::default();
        b.add(BatchList::Start, Stage::Building);
        b.add(BatchList::Start, Stage::Landed);
        b.add(BatchList::Produce, Stage::FullProduction);
        b.add(BatchList::Produce, Stage::Building);
        b.add(BatchList::Sign, Stage::Reserve);
        assert_eq!(b.start_rate().percent(), "50.00%");
        assert_eq!(b.production_rate().percent(), "50.00%");
        assert_eq!(b.full_production_rate().percent(), "50.00%");
        assert_eq!(b.sign_rate().percent(), "0.00%");
        assert_eq!(BatchProgress::default().start_rate().percent(), "—");
        assert_eq!(BatchList::parse("开工一批"), Some(BatchList::Start));
    }
}
