//! Key projects (重点项目, SPEC §7): the nine stages of 九位一体, the rules for recording a stage change or a monthly
//! investment report, and the figures computed from those facts — investment against the annual plan and the time
//! schedule (时序进度), the rates of a 三个一批 batch, and the quarterly observation (季观摩) with its flags.
//!
//! Money is [`Fen`]: sums over a province's ledger stay exact, and rates are exact fractions rounded once.

mod observation;
mod progress;

use serde::{Deserialize, Serialize};

use crate::values::Fen;

pub use observation::{Criterion, CriterionWeights, ObservationTally, RegionRanking, Scores, rank_regions};
pub use progress::{BatchList, BatchProgress, PlanProgress, days_in_year, time_progress};

/// The nine stages of a project's life (九位一体), in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Stage {
    /// 谋划
    Planning,
    /// 储备
    Reserve,
    /// 签约
    Signed,
    /// 落地
    Landed,
    /// 开工
    Started,
    /// 建设
    Building,
    /// 投产
    Producing,
    /// 达产
    FullProduction,
    /// 入统
    Counted,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Planning,
        Stage::Reserve,
        Stage::Signed,
        Stage::Landed,
        Stage::Started,
        Stage::Building,
        Stage::Producing,
        Stage::FullProduction,
        Stage::Counted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Planning => "planning",
            Stage::Reserve => "reserve",
            Stage::Signed => "signed",
            Stage::Landed => "landed",
            Stage::Started => "started",
            Stage::Building => "building",
            Stage::Producing => "producing",
            Stage::FullProduction => "full_production",
            Stage::Counted => "counted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Planning => "谋划",
            Stage::Reserve => "储备",
            Stage::Signed => "签约",
            Stage::Landed => "落地",
            Stage::Started => "开工",
            Stage::Building => "建设",
            Stage::Producing => "投产",
            Stage::FullProduction => "达产",
            Stage::Counted => "入统",
        }
    }

    /// 1 for 谋划 … 9 for 入统.
    pub fn ordinal(self) -> u8 {
        Stage::ALL.iter().position(|s| *s == self).map_or(0, |i| i as u8 + 1)
    }

    /// The code (`started`) or the Chinese name (开工, also 开工建设/已开工 as ledgers write it).
    pub fn parse(input: &str) -> Option<Stage> {
        let s = input.trim();
        let s = s.strip_prefix('已').unwrap_or(s);
        Stage::ALL
            .into_iter()
            .find(|st| st.as_str() == s || st.label() == s || (s.chars().count() > 2 && s.starts_with(st.label())))
    }

    /// Reached `other` or went beyond it.
    pub fn reached(self, other: Stage) -> bool {
        self >= other
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a stage change or an investment report is refused. Messages are in Chinese for the user, then English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    #[error("项目已处于{0}阶段 / the project is already at that stage")]
    SameStage(Stage),
    #[error("由{from}退回{to}须说明原因 / going back from {from} to {to} needs a reason")]
    BackwardsWithoutReason { from: Stage, to: Stage },
    #[error("阶段变更日期{on}早于上次变更日期{last} / the change is dated before the previous one ({last})")]
    BeforeLastChange { on: jiff::civil::Date, last: jiff::civil::Date },
    #[error("日期{0}晚于今天 / the date {0} is after today")]
    InFuture(jiff::civil::Date),
    #[error(
        "累计完成投资{done}超过总投资{total}，须填写超出原因 / the cumulative investment exceeds the total investment; give a reason"
    )]
    AboveTotal { done: String, total: String },
    #[error(
        "累计完成投资{done}少于上月已报{before}，须填写核减原因 / the cumulative investment is below the previous report; give a reason"
    )]
    BelowPrevious { done: String, before: String },
    #[error("{0}月的投资尚未到来 / that month has not begun")]
    MonthNotBegun(String),
}

/// Checks a stage change from `from` to `to` on `on` (`last` the day of the previous change): forward moves may skip
/// stages (a project can be signed and land the same week); a move back (a project dropped from 开工 to 储备) needs a
/// reason, and no change may be dated before the previous one or after today.
pub fn check_stage_change(
    from: Stage,
    to: Stage,
    on: jiff::civil::Date,
    last: Option<jiff::civil::Date>,
    today: jiff::civil::Date,
    reason: Option<&str>,
) -> Result<(), ProjectError> {
    if from == to {
        return Err(ProjectError::SameStage(to));
    }
    if on > today {
        return Err(ProjectError::InFuture(on));
    }
    if let Some(last) = last.filter(|l| on < *l) {
        return Err(ProjectError::BeforeLastChange { on, last });
    }
    let has_reason = reason.is_some_and(|r| !r.trim().is_empty());
    if to < from && !has_reason {
        return Err(ProjectError::BackwardsWithoutReason { from, to });
    }
    Ok(())
}

/// Checks a monthly report of cumulative completed investment (累计完成投资): never above the total investment, and
/// never below the previous month's figure, unless the unit states why (a revised total not yet entered, a 核减 by
/// the statistics bureau). Negative amounts cannot be written at all ([`Fen`] refuses them).
pub fn check_investment_report(
    cumulative: Fen,
    total: Fen,
    previous: Option<Fen>,
    override_reason: Option<&str>,
) -> Result<(), ProjectError> {
    let has_reason = override_reason.is_some_and(|r| !r.trim().is_empty());
    if cumulative > total && !has_reason {
        return Err(ProjectError::AboveTotal { done: cumulative.to_wan_string(), total: total.to_wan_string() });
    }
    if let Some(before) = previous.filter(|b| cumulative < *b)
        && !has_reason
    {
        return Err(ProjectError::BelowPrevious { done: cumulative.to_wan_string(), before: before.to_wan_string() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn stages_parse_from_codes_and_ledger_words() {
        assert_eq!(Stage::parse("started"), Some(Stage::Started));
        assert_eq!(Stage::parse("开工"), Some(Stage::Started));
        assert_eq!(Stage::parse("已开工"), Some(Stage::Started));
        assert_eq!(Stage::parse(" 达产 "), Some(Stage::FullProduction));
        assert_eq!(Stage::parse("入统"), Some(Stage::Counted));
        assert_eq!(Stage::parse("开"), None);
        assert_eq!(Stage::parse(""), None);
        assert_eq!(Stage::Planning.ordinal(), 1);
        assert_eq!(Stage::Counted.ordinal(), 9);
        assert!(Stage::Producing.reached(Stage::Started));
        assert!(!Stage::Signed.reached(Stage::Started));
    }

    #[test]
    fn a_stage_goes_back_only_with_a_reason() {
        let today = date(2026, 11, 22);
        let on = date(2026, 11, 1);
        assert!(check_stage_change(Stage::Signed, Stage::Started, on, None, today, None).is_ok());
        assert_eq!(
            check_stage_change(Stage::Started, Stage::Reserve, on, None, today, None),
            Err(ProjectError::BackwardsWithoutReason { from: Stage::Started, to: Stage::Reserve })
        );
        assert!(check_stage_change(Stage::Started, Stage::Reserve, on, None, today, Some("  ")).is_err());
        assert!(check_stage_change(Stage::Started, Stage::Reserve, on, None, today, Some("土地未摘牌")).is_ok());
        assert_eq!(
            check_stage_change(Stage::Started, Stage::Started, on, None, today, None),
            Err(ProjectError::SameStage(Stage::Started))
        );
        assert!(check_stage_change(Stage::Signed, Stage::Started, date(2026, 11, 23), None, today, None).is_err());
        assert!(check_stage_change(Stage::Signed, Stage::Started, on, Some(date(2026, 11, 2)), today, None).is_err());
        assert!(check_stage_change(Stage::Signed, Stage::Started, on, Some(on), today, None).is_ok());
    }

    #[test]
    fn an_investment_report_stays_within_the_total_and_does_not_shrink_unexplained() {
        let wan = |w: i64| Fen::new(w * 1_000_000).expect("valid");
        assert!(check_investment_report(wan(100), wan(100), Some(wan(90)), None).is_ok());
        assert!(matches!(
            check_investment_report(wan(101), wan(100), None, None),
            Err(ProjectError::AboveTotal { .. })
        ));
        assert!(check_investment_report(wan(101), wan(100), None, Some("总投资调增待批")).is_ok());
        assert!(matches!(
            check_investment_report(wan(80), wan(100), Some(wan(90)), None),
            Err(ProjectError::BelowPrevious { .. })
        ));
        assert!(check_investment_report(wan(80), wan(100), Some(wan(90)), Some("统计核减")).is_ok());
    }
}
