//! The bulletin (通报) of SPEC §6 as data: everything a weekly summary, monthly bulletin, quarterly review or annual
//! assessment prints, computed once (report::build) and then rendered in each format (JSON is this struct as is;
//! Markdown, HTML, XLSX and DOCX are views of it). JSON field names are SPEC §6's metric names.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use zhuqi_domain::stats::{Counts, Flag, FlagRule, Hundredths, PeriodKind, Ranked, Rate, Weights};

#[derive(Debug, Clone, Serialize)]
pub struct Bulletin {
    /// 周口市万人助万企活动2023年7月通报
    pub title: String,
    pub kind: PeriodKind,
    pub period: PeriodInfo,
    /// Figures count everything up to 24:00 of this date (Asia/Shanghai).
    pub as_of: Date,
    pub scope: ScopeInfo,
    pub generated_at: Timestamp,
    /// The scope's figures as of `as_of`.
    pub figures: Figures,
    /// The same scope's figures for the previous period, as of its last day.
    pub previous: Previous,
    /// Per region one level below the scope (the counties of a city), ranked, with flags.
    pub regions: Vec<Line>,
    /// Per handling unit with items in the scope, ranked, with flags.
    pub units: Vec<Line>,
    /// Open items past their resolve deadline at `as_of`, most overdue first (at most `OVERDUE_LISTED`).
    pub overdue: Vec<OverdueItem>,
    /// Per period of the same kind, the last few up to this one: new appeals and resolutions within each.
    pub trend: Vec<TrendPoint>,
    /// Per category (问题类型) of the scope.
    pub categories: Vec<CategoryLine>,
    pub weights: Weights,
    pub flag_rule: FlagRule,
    /// Key projects (SPEC §7) of a region's bulletin: investment against plan and 时序进度, batches, observation;
    /// `None` for a unit's bulletin or a scope without projects.
    pub projects: Option<super::projects::ProjectSection>,
    /// Dispute cases (多元解纷) of a region's bulletin, for a reader of dispute figures; `None` for a unit's
    /// bulletin, a level's, or a scope without cases.
    pub disputes: Option<super::disputes::DisputeSection>,
    /// Tasks of the government's weekly meetings (周交办) of a region's bulletin, for the office and leaders; `None`
    /// for a unit's bulletin, a level's, or a period without meetings.
    pub tasks: Option<super::tasks::TaskSection>,
    /// 惠企政策 of a region's bulletin: the policies in force, the enterprises that qualify, delivered, claimed,
    /// granted; `None` for a unit's bulletin, a level's, or a scope without policies.
    pub policies: Option<super::policies::PolicySection>,
    /// The bulletin's text, paragraph by paragraph, in the register of the seeds.
    pub prose: Vec<String>,
}

/// The most overdue items a bulletin lists by name; the count of all is `figures.overdue_open`.
pub const OVERDUE_LISTED: usize = 200;

#[derive(Debug, Clone, Serialize)]
pub struct PeriodInfo {
    /// `2023-07`
    pub code: String,
    /// 2023年7月
    pub label: String,
    pub first: Date,
    pub last: Date,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScopeInfo {
    /// `region` or `unit`.
    pub kind: &'static str,
    /// A region's code, or a unit's id.
    pub code: String,
    /// 周口市, 川汇区, 市发展改革委
    pub name: String,
    /// Only items handled at this level (分层交办), when the report was asked for one level.
    pub level: Option<&'static str>,
}

/// The metrics of SPEC §6, by their names there. Rates are percentages with two decimals, `null` over no items.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figures {
    pub collected: i64,
    pub resolved: i64,
    pub resolution_rate: Rate,
    pub closed_on_time: i64,
    pub on_time_rate: Rate,
    pub overdue_open: i64,
    pub rated: i64,
    pub five_star: i64,
    pub five_star_rate: Rate,
    pub satisfaction_rate: Rate,
    pub reopened: i64,
    pub avg_working_days: Option<Hundredths>,
    pub new_in_period: i64,
}

impl From<&Counts> for Figures {
    fn from(c: &Counts) -> Figures {
        Figures {
            collected: c.collected,
            resolved: c.resolved,
            resolution_rate: c.resolution_rate(),
            closed_on_time: c.closed_on_time,
            on_time_rate: c.on_time_rate(),
            overdue_open: c.overdue_open,
            rated: c.rated,
            five_star: c.five_star,
            five_star_rate: c.five_star_rate(),
            satisfaction_rate: c.satisfaction_rate(),
            reopened: c.reopened,
            avg_working_days: c.avg_working_days(),
            new_in_period: c.new_in_period,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Previous {
    pub period: PeriodInfo,
    pub as_of: Date,
    pub figures: Figures,
    /// This period minus the previous one: counts, and rates in percentage points (`null` if either is "—").
    pub change: Change,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Change {
    pub collected: i64,
    pub resolved: i64,
    pub new_in_period: i64,
    pub overdue_open: i64,
    pub closed_on_time: i64,
    pub rated: i64,
    pub five_star: i64,
    pub reopened: i64,
    /// In working days; `null` if either period has none.
    pub avg_working_days: Option<Hundredths>,
    pub resolution_rate: Option<Hundredths>,
    pub on_time_rate: Option<Hundredths>,
    pub five_star_rate: Option<Hundredths>,
    pub satisfaction_rate: Option<Hundredths>,
}

impl Change {
    pub fn between(now: &Figures, before: &Figures) -> Change {
        let diff = |a: Option<Hundredths>, b: Option<Hundredths>| Some(Hundredths(a?.0 - b?.0));
        let pp = |a: Rate, b: Rate| diff(a.0, b.0);
        Change {
            collected: now.collected - before.collected,
            resolved: now.resolved - before.resolved,
            new_in_period: now.new_in_period - before.new_in_period,
            overdue_open: now.overdue_open - before.overdue_open,
            closed_on_time: now.closed_on_time - before.closed_on_time,
            rated: now.rated - before.rated,
            five_star: now.five_star - before.five_star,
            reopened: now.reopened - before.reopened,
            avg_working_days: diff(now.avg_working_days, before.avg_working_days),
            resolution_rate: pp(now.resolution_rate, before.resolution_rate),
            on_time_rate: pp(now.on_time_rate, before.on_time_rate),
            five_star_rate: pp(now.five_star_rate, before.five_star_rate),
            satisfaction_rate: pp(now.satisfaction_rate, before.satisfaction_rate),
        }
    }
}

/// One line of the per-region or per-unit table.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// A region's code or a unit's id.
    pub code: String,
    pub name: String,
    pub figures: Figures,
    /// The weighted score (SPEC §6), two decimals; `null` without any rate.
    pub score: Option<Hundredths>,
    pub rank: Option<u32>,
    pub flag: Option<Flag>,
    /// Enough items to be flagged (`flag_rule.min_items`).
    pub eligible: bool,
}

impl Line {
    /// The lines of a ranking whose keys are (code, name).
    pub fn ranked(ranking: Vec<Ranked<(String, String)>>) -> Vec<Line> {
        ranking
            .into_iter()
            .map(|r| Line {
                code: r.key.0,
                name: r.key.1,
                figures: Figures::from(&r.counts),
                score: r.score,
                rank: r.rank,
                flag: r.flag,
                eligible: r.eligible,
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OverdueItem {
    pub id: i64,
    /// ZK-2023-000123
    pub number: String,
    pub title: String,
    pub enterprise: String,
    pub region: String,
    pub unit: String,
    /// The resolve deadline as it stood at the as-of date.
    pub resolve_due: Date,
    /// Working days past `resolve_due` at the as-of date.
    pub overdue_days: u32,
    /// 办理中, 待签收, …
    pub status: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub code: String,
    pub label: String,
    /// Appeals submitted within the period (and not withdrawn or invalid by its end).
    pub new_in_period: i64,
    /// Appeals resolved within the period.
    pub resolved_in_period: i64,
    /// The cumulative resolution rate at the period's end.
    pub resolution_rate: Rate,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryLine {
    pub code: String,
    pub name: String,
    pub figures: Figures,
}
