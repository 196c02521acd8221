//! Key projects (重点项目, SPEC §7): the project ledger, its dated stage changes and monthly investment reports, the
//! annual plans, the 三个一批 batches, the quarterly observations (季观摩), counted programmes, and the figures of all
//! of it for a scope and an as-of date. The rules are in `zhuqi_domain::project`; here they meet the database.
//!
//! Who may do what (scope is enforced in the queries, as for appeals):
//! - read: a dispatcher or leader the projects of its region and below; a handler those its unit is responsible for;
//!   an enterprise user or a cadre those owned by the enterprises it may see.
//! - write the ledger (projects, plans, batches, observations, programmes, links of appeals): a dispatcher (the 专班
//!   of its region), within its region.
//! - report monthly investment and stage changes: a dispatcher of the region, or a handler of the responsible unit.
//!
//! Every write is one transaction with its audit record; a project carries a `version` so that two people editing
//! the same project cannot overwrite each other unseen.

mod batches;
pub mod ledger;
mod links;
mod metrics;
mod observations;
mod programmes;
mod read;
mod synthetic;
mod write;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use zhuqi_domain::project::{
    BatchList, BatchProgress, CriterionWeights, ObservationTally, PlanProgress, Scores, Stage,
};
use zhuqi_domain::stats::{FlagRule, Hundredths, Period, Ranked, Rate};
use zhuqi_domain::{Fen, RegionCode};

/// A month of a monthly report, `2026-10`.
pub type Month = (i16, i8);

/// What the ledger holds of a project, as entered (SPEC §7, 五个一: one project, one leader, one team, one plan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProject {
    /// 项目编号: given by the ledger, or made by zhuqi (`XM` + year + number) when `None`.
    pub code: Option<String>,
    pub name: String,
    pub region_code: RegionCode,
    /// 产业 (the enterprises' industries: 电子信息, 现代食品, …).
    pub industry: String,
    /// 业主单位 as named; linked to a registered enterprise when `enterprise_id` is given.
    pub owner: String,
    pub enterprise_id: Option<i64>,
    /// 责任单位: its handlers report the monthly investment.
    pub unit_id: Option<i64>,
    pub total_investment: Fen,
    /// 责任领导
    pub leader: String,
    /// 工作专班
    pub team: String,
    /// 推进方案
    pub plan: String,
    /// 白名单 ("四保" 项目)
    pub whitelist: bool,
    /// The stage when the project enters the ledger, and since when.
    pub stage: Stage,
    pub stage_on: Date,
}

/// An edit of a project's fields (not its stage, which changes only by a dated [`Store::change_stage`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectEdit {
    pub name: String,
    pub region_code: RegionCode,
    pub industry: String,
    pub owner: String,
    pub enterprise_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub total_investment: Fen,
    pub leader: String,
    pub team: String,
    pub plan: String,
    pub whitelist: bool,
    /// The version the editor saw: refused as stale if someone saved in between.
    pub version: i64,
}

/// A stored project with the names a page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
    pub industry: String,
    pub owner: String,
    pub enterprise_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub total_investment: Fen,
    pub leader: String,
    pub team: String,
    pub plan: String,
    pub whitelist: bool,
    pub stage: Stage,
    pub stage_on: Date,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One dated stage change, as the project's timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageChange {
    pub from: Option<Stage>,
    pub to: Stage,
    pub on: Date,
    pub reason: Option<String>,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A monthly report: the investment completed since the project began (累计完成投资) at the end of `month`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvestmentReport {
    pub month: Month,
    pub cumulative: Fen,
    /// Required when the figure exceeds the total investment or falls below the previous month's.
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvestmentReport {
    /// `2026-10`
    pub month: String,
    pub cumulative: Fen,
    /// Completed within the report's year up to its month: `cumulative` less the last report of an earlier year.
    pub year_to_date: Fen,
    pub override_reason: Option<String>,
    pub reported_by: String,
    pub reported_at: Timestamp,
}

/// A project with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectDetail {
    pub project: ProjectRecord,
    pub stages: Vec<StageChange>,
    /// Oldest month first.
    pub reports: Vec<InvestmentReport>,
    /// (year, planned investment), oldest year first.
    pub plans: Vec<(i16, Fen)>,
    /// The batches it is on, with its list there.
    pub batches: Vec<(BatchRecord, BatchList)>,
}

/// The filters of the project ledger's list. Empty fields filter nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectFilter {
    /// In the name, code, owner or leader.
    pub text: Option<String>,
    pub region: Option<RegionCode>,
    pub industry: Option<String>,
    pub stage: Option<Stage>,
    pub whitelist: Option<bool>,
    pub batch_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// Only those behind the time schedule (ahead_pp < 0) as of `as_of`.
    pub behind: bool,
    pub as_of: Option<Date>,
    pub offset: usize,
    pub limit: usize,
}

/// One line of the ledger list: the project and its figures as of the filter's date (today by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectLine {
    pub project: ProjectRecord,
    /// The year's plan (None: no plan entered for the year).
    pub planned: Option<Fen>,
    pub completed_ytd: Fen,
    pub cumulative: Fen,
    /// The last month reported up to the as-of date.
    pub last_month: Option<String>,
    pub completion: Rate,
    pub ahead_pp: Option<Hundredths>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectPage {
    pub lines: Vec<ProjectLine>,
    /// All the lines the filter matches.
    pub total: usize,
}

/// The figures of a set of projects (SPEC §7): investment of the year against the year's plan, by stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ProjectTally {
    pub projects: i64,
    pub whitelist: i64,
    /// Σ total investment, fen.
    pub total_investment: i64,
    /// done: completed_ytd (fen); planned: the annual plan (fen) of the projects that have one.
    pub progress: PlanProgress,
    /// Σ cumulative completed investment as of the date, fen.
    pub cumulative: i64,
    /// Projects at each of the nine stages as of the date (index: `Stage::ordinal() - 1`).
    pub stages: [i64; 9],
}

/// What to count: the projects of `region` (the viewer's whole scope when `None`), as of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsQuery {
    pub region: Option<RegionCode>,
    pub as_of: Date,
    pub industry: Option<String>,
    pub batch_id: Option<i64>,
    pub whitelist_only: bool,
}

/// The project figures of a scope as of a date, with the per-region and per-industry tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectMetrics {
    pub as_of: Date,
    /// 时序进度 of the as-of date.
    pub time_progress: Hundredths,
    pub total: ProjectTally,
    /// One line per region one level below the scope's region: (code, name, tally).
    pub by_region: Vec<(String, String, ProjectTally)>,
    /// One line per industry, largest planned investment first.
    pub by_industry: Vec<(String, ProjectTally)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBatch {
    /// 第七期"三个一批"
    pub name: String,
    pub region_code: RegionCode,
    pub starts_on: Date,
    pub ends_on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchRecord {
    pub id: i64,
    pub name: String,
    pub region_code: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub projects: i64,
}

/// One project of a batch as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchLine {
    pub project_id: i64,
    pub code: String,
    pub name: String,
    pub region_name: String,
    pub list: BatchList,
    pub stage: Stage,
    /// Completed within the batch: cumulative at the date (or the batch's end) less cumulative before it began.
    pub completed: Fen,
}

/// A batch's progress as of a date: 签约率, 开工率, 投产率, 达产率 and the investment completed within it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    pub batch: BatchRecord,
    pub as_of: Date,
    pub progress: BatchProgress,
    pub completed: Fen,
    pub lines: Vec<BatchLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObservation {
    /// 2026年第三季度重点项目观摩
    pub name: String,
    pub region_code: RegionCode,
    /// The quarter observed.
    pub period: Period,
    pub held_on: Date,
    pub weights: CriterionWeights,
    /// Red to the first `red` regions, yellow to the last `yellow`; regions with fewer than `min_items` observed
    /// projects are listed but not flagged (default 2 / 1 / 1).
    pub rule: FlagRule,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservationRecord {
    pub id: i64,
    pub name: String,
    pub region_code: String,
    pub period: String,
    pub held_on: Date,
    pub weights: CriterionWeights,
    pub rule: FlagRule,
    pub projects: i64,
}

/// One observed project with its scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservedProject {
    pub project_id: i64,
    pub name: String,
    /// The region it is ranked under (one level below the observation's region).
    pub region_code: String,
    pub region_name: String,
    pub scores: Scores,
    pub score: Option<Hundredths>,
}

/// The result sheet of an observation: the projects, best first, and the regions ranked with their flags.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObservationResult {
    pub observation: ObservationRecord,
    pub projects: Vec<ObservedProject>,
    /// Keys: (region code, region name).
    pub regions: Vec<Ranked<(String, String), ObservationTally>>,
}

/// A counted programme with a yearly target (老旧小区改造: 5.3万 planned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProgramme {
    pub name: String,
    pub region_code: RegionCode,
    pub year: i16,
    /// What is counted: 个, 户, 公里.
    pub unit_label: String,
    pub target: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeLine {
    pub id: i64,
    pub name: String,
    pub region_code: String,
    pub year: i16,
    pub unit_label: String,
    /// done as of the date (the last monthly figure up to it), against the target.
    pub progress: PlanProgress,
    pub last_month: Option<String>,
}
