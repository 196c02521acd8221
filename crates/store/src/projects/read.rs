//! Reading the ledger: one project with its history, the filtered list with each line's figures, its appeals. Also
//! the pieces every part of the project store shares: the scope of projects a principal may read, who may write the
//! ledger, and how a stored project is read back.

use std::collections::HashMap;

use jiff::civil::Date;
use zhuqi_domain::project::{BatchList, PlanProgress, Stage};
use zhuqi_domain::time::from_micros;
use zhuqi_domain::{Fen, RegionCode, Role};

use super::{
    BatchRecord, InvestmentReport, Month, ProjectDetail, ProjectFilter, ProjectLine, ProjectPage, ProjectRecord,
    StageChange,
};
use crate::access::Principal;
use crate::appeals::{SUMMARY_COLUMNS, summary_from_row};
use crate::db::{Row, Tx, Value, params};
use crate::scope::{appeal_scope, bind, enterprise_role_scope, escape_like, holds, in_region};
use crate::{AppealSummary, Result, Store, StoreError};

pub(super) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

pub(super) fn stage_of(text: &str) -> Result<Stage> {
    Stage::ALL.into_iter().find(|s| s.as_str() == text).ok_or_else(|| corrupt("stage", text))
}

pub(super) fn date_of(text: &str, what: &str) -> Result<Date> {
    text.parse().map_err(|e| corrupt(what, e))
}

pub(super) fn fen_of(v: i64, what: &str) -> Result<Fen> {
    Fen::new(v).map_err(|e| corrupt(what, e))
}

pub(super) fn list_of(text: &str) -> Result<BatchList> {
    BatchList::ALL.into_iter().find(|l| l.as_str() == text).ok_or_else(|| corrupt("batch list", text))
}

/// `2026-10`
pub(super) fn month_text((y, m): Month) -> String {
    format!("{y:04}-{m:02}")
}

pub(super) fn month_of(d: Date) -> String {
    month_text((d.year(), d.month()))
}

/// A month that may be reported `today`: a real month, from 2000 on, not after today's month.
pub(super) fn check_month(month: Month, today: Date) -> Result<String> {
    let (y, m) = month;
    if !(1..=12).contains(&m) || !(2000..=2099).contains(&y) {
        return Err(StoreError::Invalid(format!(
            "月份{y}-{m}无效（须为2000年以后的年月）/ invalid month {y}-{m} (from 2000 on)"
        )));
    }
    if (y, m) > (today.year(), today.month()) {
        let text = month_text(month);
        return Err(StoreError::Invalid(zhuqi_domain::project::ProjectError::MonthNotBegun(text).to_string()));
    }
    Ok(month_text(month))
}

/// The roles that read projects at all.
const PROJECT_READERS: [Role; 5] = [Role::Dispatcher, Role::Leader, Role::Handler, Role::Enterprise, Role::Cadre];

pub(super) fn reads_projects(p: &Principal) -> bool {
    p.roles.iter().any(|r| PROJECT_READERS.contains(r))
}

/// What one role of `p` may read of the projects aliased `p`; `None` if the role reads none.
fn project_role_scope(p: &Principal, role: Role, values: &mut Vec<Value>) -> Option<String> {
    match role {
        Role::Dispatcher | Role::Leader => p.region.as_ref().map(|r| in_region("p.region_code", r, values)),
        Role::Handler => p.unit_id.map(|u| format!("p.unit_id = {}", bind(values, u))),
        Role::Enterprise | Role::Cadre => enterprise_role_scope(p, role, values)
            .map(|c| format!("p.enterprise_id IN (SELECT e.id FROM enterprises e WHERE {c})")),
        Role::Office
        | Role::Workstation
        | Role::Mediator
        | Role::Sysadmin
        | Role::Secadmin
        | Role::Auditor
        | Role::System => None,
    }
}

/// The projects `p` may read, as one SQL condition on projects `p`.
pub(super) fn project_scope(p: &Principal, values: &mut Vec<Value>) -> String {
    let parts: Vec<String> = p.roles.iter().filter_map(|r| project_role_scope(p, *r, values)).collect();
    if parts.is_empty() { "1 = 0".to_owned() } else { format!("({})", parts.join(" OR ")) }
}

/// `NotFound("项目")` unless `p` may read project `id`.
pub(super) fn visible_project(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<()> {
    if holds(tx, "projects", "p", id, |v| Some(project_scope(p, v)))? {
        Ok(())
    } else {
        Err(StoreError::NotFound("项目"))
    }
}

/// The region of a dispatcher, whose 专班 keeps the ledger there; Forbidden for anyone else.
pub(super) fn ledger_region(p: &Principal) -> Result<RegionCode> {
    match (&p.region, p.has(Role::Dispatcher)) {
        (Some(r), true) => Ok(r.clone()),
        _ => Err(StoreError::Forbidden(
            "只有本地区重点项目专班（指挥部）可以维护项目台账 / only a dispatcher keeps the project ledger of its region"
                .into(),
        )),
    }
}

/// `region` must lie within the writer's region.
pub(super) fn check_within(writer: &RegionCode, region: &RegionCode) -> Result<()> {
    if writer.contains(region) {
        Ok(())
    } else {
        Err(StoreError::Forbidden(format!(
            "地区{region}不在您的管辖范围内 / the region {region} lies outside your region {writer}"
        )))
    }
}

/// Project `id` for a ledger write by `p`: not found outside what `p` reads, forbidden unless `p` is a dispatcher
/// of a region containing it.
pub(super) fn ledger_project(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<ProjectRecord> {
    visible_project(tx, p, id)?;
    let region = ledger_region(p)?;
    let record = project_by_id(tx, id)?;
    check_within(&region, &RegionCode::parse(&record.region_code).map_err(|e| corrupt("projects.region_code", e))?)?;
    Ok(record)
}

/// Project `id` for a monthly report or a stage change: a dispatcher of its region, or a handler of its unit.
pub(super) fn reporting_project(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<ProjectRecord> {
    visible_project(tx, p, id)?;
    let record = project_by_id(tx, id)?;
    let by_dispatcher =
        p.has(Role::Dispatcher) && p.region.as_ref().is_some_and(|r| r.contains_code(&record.region_code));
    let by_handler = p.has(Role::Handler) && p.unit_id.is_some() && p.unit_id == record.unit_id;
    if by_dispatcher || by_handler {
        Ok(record)
    } else {
        Err(StoreError::Forbidden(
            "只有本地区专班或项目责任单位可以填报 / only the region's dispatcher or the responsible unit reports on it"
                .into(),
        ))
    }
}

trait ContainsCode {
    fn contains_code(&self, code: &str) -> bool;
}

impl ContainsCode for RegionCode {
    fn contains_code(&self, code: &str) -> bool {
        code.starts_with(self.subtree_prefix())
    }
}

/// The regions whose batches, observations and programmes `p` reads, as a condition on `column`: its region, the
/// regions above it and those below it.
pub(super) fn region_relation(p: &Principal, column: &str, values: &mut Vec<Value>) -> Option<String> {
    if !reads_projects(p) {
        return None;
    }
    let region = p.region.as_ref()?;
    let mut above = Vec::new();
    let mut r = region.parent();
    while let Some(code) = r {
        above.push(bind(values, code.as_str()));
        r = code.parent();
    }
    let below = in_region(column, region, values);
    Some(if above.is_empty() { below } else { format!("({below} OR {column} IN ({}))", above.join(", ")) })
}

/// Region names by code.
pub(super) fn region_names(tx: &mut Tx<'_>) -> Result<HashMap<String, String>> {
    tx.query("SELECT code, name FROM regions", &[])?.iter().map(|r| Ok((r.text(0)?, r.text(1)?))).collect()
}

/// The region one level below `base` that `code` lies in; `code` itself if it is `base` or outside it.
pub(super) fn child_of(base: Option<&RegionCode>, code: &str) -> String {
    let Some(base) = base else { return code.to_owned() };
    let Ok(mut r) = RegionCode::parse(code) else { return code.to_owned() };
    if !base.contains(&r) {
        return code.to_owned();
    }
    while let Some(parent) = r.parent() {
        if &parent == base || !base.contains(&parent) {
            break;
        }
        r = parent;
    }
    r.as_str().to_owned()
}

pub(super) const PROJECT_COLUMNS: &str = "p.id, p.code, p.name, p.region_code, rg.name, p.industry, p.owner, \
     p.enterprise_id, p.unit_id, u.name, p.total_investment, p.leader, p.team, p.plan, p.whitelist, p.stage, \
     p.stage_on, p.version, p.created_at, p.updated_at";
pub(super) const PROJECT_WIDTH: usize = 20;
pub(super) const PROJECT_FROM: &str =
    "projects p JOIN regions rg ON rg.code = p.region_code LEFT JOIN units u ON u.id = p.unit_id";

pub(super) fn project_from_row(row: &Row) -> Result<ProjectRecord> {
    let ts = |i: usize| -> Result<jiff::Timestamp> {
        from_micros(row.int(i)?).ok_or_else(|| corrupt("projects timestamps", "out of range"))
    };
    Ok(ProjectRecord {
        id: row.int(0)?,
        code: row.text(1)?,
        name: row.text(2)?,
        region_code: row.text(3)?,
        region_name: row.text(4)?,
        industry: row.text(5)?,
        owner: row.text(6)?,
        enterprise_id: row.opt_int(7)?,
        unit_id: row.opt_int(8)?,
        unit_name: row.opt_text(9)?,
        total_investment: fen_of(row.int(10)?, "projects.total_investment")?,
        leader: row.text(11)?,
        team: row.text(12)?,
        plan: row.text(13)?,
        whitelist: row.int(14)? != 0,
        stage: stage_of(&row.text(15)?)?,
        stage_on: date_of(&row.text(16)?, "projects.stage_on")?,
        version: row.int(17)?,
        created_at: ts(18)?,
        updated_at: ts(19)?,
    })
}

pub(super) fn project_by_id(tx: &mut Tx<'_>, id: i64) -> Result<ProjectRecord> {
    let row = tx
        .query_opt(&format!("SELECT {PROJECT_COLUMNS} FROM {PROJECT_FROM} WHERE p.id = $1"), params![id])?
        .ok_or(StoreError::NotFound("项目"))?;
    project_from_row(&row)
}

/// A project's monthly reports, oldest first, each with its year-to-date figure.
pub(super) fn reports_of(tx: &mut Tx<'_>, id: i64) -> Result<Vec<InvestmentReport>> {
    let rows = tx.query(
        "SELECT ir.month, ir.cumulative, ir.override_reason, COALESCE(us.display_name, ''), ir.reported_at \
         FROM investment_reports ir LEFT JOIN users us ON us.id = ir.reported_by \
         WHERE ir.project_id = $1 ORDER BY ir.month",
        params![id],
    )?;
    // The last cumulative figure of each year before the current row's.
    let (mut year, mut last_of_year, mut before_year) = (String::new(), 0i64, 0i64);
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let month = row.text(0)?;
        let cumulative = row.int(1)?;
        let y = month.get(..4).unwrap_or_default().to_owned();
        if y != year {
            if !year.is_empty() {
                before_year = last_of_year;
            }
            year = y;
        }
        last_of_year = cumulative;
        out.push(InvestmentReport {
            month,
            cumulative: fen_of(cumulative, "investment_reports.cumulative")?,
            year_to_date: fen_of((cumulative - before_year).max(0), "year to date")?,
            override_reason: row.opt_text(2)?,
            reported_by: row.text(3)?,
            reported_at: from_micros(row.int(4)?).ok_or_else(|| corrupt("reported_at", "out of range"))?,
        });
    }
    Ok(out)
}

pub(super) const BATCH_COLUMNS: &str = "b.id, b.name, b.region_code, b.starts_on, b.ends_on, \
     (SELECT COUNT(*) FROM batch_projects bc WHERE bc.batch_id = b.id)";

pub(super) fn batch_from_row(row: &Row) -> Result<BatchRecord> {
    Ok(BatchRecord {
        id: row.int(0)?,
        name: row.text(1)?,
        region_code: row.text(2)?,
        starts_on: date_of(&row.text(3)?, "batches.starts_on")?,
        ends_on: date_of(&row.text(4)?, "batches.ends_on")?,
        projects: row.int(5)?,
    })
}

fn detail(tx: &mut Tx<'_>, id: i64) -> Result<ProjectDetail> {
    let project = project_by_id(tx, id)?;
    let stages = tx
        .query(
            "SELECT sc.from_stage, sc.to_stage, sc.changed_on, sc.reason, COALESCE(us.display_name, ''), \
             sc.recorded_at FROM project_stage_changes sc LEFT JOIN users us ON us.id = sc.recorded_by \
             WHERE sc.project_id = $1 ORDER BY sc.changed_on, sc.id",
            params![id],
        )?
        .iter()
        .map(|r| {
            Ok(StageChange {
                from: r.opt_text(0)?.map(|s| stage_of(&s)).transpose()?,
                to: stage_of(&r.text(1)?)?,
                on: date_of(&r.text(2)?, "project_stage_changes.changed_on")?,
                reason: r.opt_text(3)?,
                recorded_by: r.text(4)?,
                recorded_at: from_micros(r.int(5)?).ok_or_else(|| corrupt("recorded_at", "out of range"))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let reports = reports_of(tx, id)?;
    let plans = tx
        .query("SELECT year, planned FROM project_plans WHERE project_id = $1 ORDER BY year", params![id])?
        .iter()
        .map(|r| {
            let year = i16::try_from(r.int(0)?).map_err(|e| corrupt("project_plans.year", e))?;
            Ok((year, fen_of(r.int(1)?, "project_plans.planned")?))
        })
        .collect::<Result<Vec<_>>>()?;
    let batches = tx
        .query(
            &format!(
                "SELECT {BATCH_COLUMNS}, bp.list FROM batch_projects bp JOIN batches b ON b.id = bp.batch_id \
                 WHERE bp.project_id = $1 ORDER BY b.starts_on DESC, b.id DESC"
            ),
            params![id],
        )?
        .iter()
        .map(|r| Ok((batch_from_row(r)?, list_of(&r.text(6)?)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(ProjectDetail { project, stages, reports, plans, batches })
}

/// The figure columns of a line as of a month: the year's plan, the cumulative figure of the last report within the
/// year up to the month, the last before the year, the last month reported and its figure. `y` is the year, `y01`
/// its January, `m` the as-of month (bound parameters).
fn figure_columns(y: &str, y01: &str, m: &str) -> String {
    format!(
        "(SELECT pl.planned FROM project_plans pl WHERE pl.project_id = p.id AND pl.year = {y}), \
         (SELECT ir.cumulative FROM investment_reports ir WHERE ir.project_id = p.id AND ir.month >= {y01} \
          AND ir.month <= {m} ORDER BY ir.month DESC LIMIT 1), \
         (SELECT ir.cumulative FROM investment_reports ir WHERE ir.project_id = p.id AND ir.month < {y01} \
          ORDER BY ir.month DESC LIMIT 1), \
         (SELECT ir.month FROM investment_reports ir WHERE ir.project_id = p.id AND ir.month <= {m} \
          ORDER BY ir.month DESC LIMIT 1)"
    )
}

fn line_from_row(row: &Row, as_of: Date) -> Result<ProjectLine> {
    let project = project_from_row(row)?;
    let at = PROJECT_WIDTH;
    let planned = row.opt_int(at)?;
    let in_year = row.opt_int(at + 1)?;
    let before = row.opt_int(at + 2)?;
    let completed = in_year.map_or(0, |c| (c - before.unwrap_or(0)).max(0));
    let cumulative = in_year.or(before).unwrap_or(0);
    let progress = PlanProgress::new(completed, planned.unwrap_or(0));
    Ok(ProjectLine {
        project,
        planned: planned.map(|v| fen_of(v, "project_plans.planned")).transpose()?,
        completed_ytd: fen_of(completed, "completed")?,
        cumulative: fen_of(cumulative, "cumulative")?,
        last_month: row.opt_text(at + 3)?,
        completion: progress.completion(),
        ahead_pp: progress.ahead_pp(as_of),
    })
}

fn list_condition(p: &Principal, f: &ProjectFilter, values: &mut Vec<Value>) -> String {
    let mut conditions = vec![project_scope(p, values)];
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let like = bind(values, escape_like(text));
        conditions.push(format!(
            "(p.name LIKE {like} ESCAPE '\\' OR p.code LIKE {like} ESCAPE '\\' OR p.owner LIKE {like} ESCAPE '\\' \
             OR p.leader LIKE {like} ESCAPE '\\')"
        ));
    }
    if let Some(r) = &f.region {
        conditions.push(in_region("p.region_code", r, values));
    }
    if let Some(i) = f.industry.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        conditions.push(format!("p.industry = {}", bind(values, i)));
    }
    if let Some(s) = f.stage {
        conditions.push(format!("p.stage = {}", bind(values, s.as_str())));
    }
    if let Some(w) = f.whitelist {
        conditions.push(format!("p.whitelist = {}", bind(values, w)));
    }
    if let Some(b) = f.batch_id {
        conditions.push(format!(
            "p.id IN (SELECT bp.project_id FROM batch_projects bp WHERE bp.batch_id = {})",
            bind(values, b)
        ));
    }
    if let Some(u) = f.unit_id {
        conditions.push(format!("p.unit_id = {}", bind(values, u)));
    }
    conditions.join(" AND ")
}

impl Store {
    /// The project `id` with its stage timeline, monthly reports, plans and batches; `NotFound("项目")` when it does
    /// not exist or lies outside what `p` may read.
    pub async fn project_for(&self, p: &Principal, id: i64) -> Result<ProjectDetail> {
        let p = p.clone();
        self.read(move |tx| {
            visible_project(tx, &p, id)?;
            detail(tx, id)
        })
        .await
    }

    /// The projects `p` may read that pass `filter`, by region then code, with each line's figures as of
    /// `filter.as_of` (else `today`).
    pub async fn list_projects(&self, p: &Principal, filter: ProjectFilter, today: Date) -> Result<ProjectPage> {
        let p = p.clone();
        self.read(move |tx| {
            let as_of = filter.as_of.unwrap_or(today);
            let mut values = Vec::new();
            let condition = list_condition(&p, &filter, &mut values);
            let base = values.clone();
            let y = bind(&mut values, as_of.year());
            let y01 = bind(&mut values, format!("{:04}-01", as_of.year()));
            let m = bind(&mut values, month_of(as_of));
            let figures = figure_columns(&y, &y01, &m);
            let order = "ORDER BY p.region_code, p.code, p.id";
            let select = format!("SELECT {PROJECT_COLUMNS}, {figures} FROM {PROJECT_FROM} WHERE {condition} {order}");
            if filter.behind {
                // Whether a line is behind is known only once its figures are: read them all, keep those behind.
                let lines: Vec<ProjectLine> = tx
                    .query(&select, &values)?
                    .iter()
                    .map(|r| line_from_row(r, as_of))
                    .filter(|l| l.as_ref().map_or(true, |l| l.ahead_pp.is_some_and(|pp| pp.0 < 0)))
                    .collect::<Result<_>>()?;
                let total = lines.len();
                let lines = lines.into_iter().skip(filter.offset).take(filter.limit).collect();
                return Ok(ProjectPage { lines, total });
            }
            let total = tx.query_one(&format!("SELECT COUNT(*) FROM projects p WHERE {condition}"), &base)?.int(0)?;
            let limit = bind(&mut values, i64::try_from(filter.limit).unwrap_or(i64::MAX));
            let offset = bind(&mut values, i64::try_from(filter.offset).unwrap_or(i64::MAX));
            let lines = tx
                .query(&format!("{select} LIMIT {limit} OFFSET {offset}"), &values)?
                .iter()
                .map(|r| line_from_row(r, as_of))
                .collect::<Result<_>>()?;
            Ok(ProjectPage { lines, total: usize::try_from(total).unwrap_or(0) })
        })
        .await
    }

    /// The open appeals linked to project `id` that `p` may read, most urgent first (`NotFound` for a project
    /// outside its scope). Open: not closed, withdrawn, found invalid or merged into a common issue.
    pub async fn project_appeals(&self, p: &Principal, id: i64) -> Result<Vec<AppealSummary>> {
        let p = p.clone();
        self.read(move |tx| {
            visible_project(tx, &p, id)?;
            let mut values = Vec::new();
            let scope = appeal_scope(&p, &mut values);
            let project = bind(&mut values, id);
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM appeals a JOIN enterprises e ON e.id = a.enterprise_id \
                 LEFT JOIN units u ON u.id = a.unit_id WHERE a.project_id = {project} AND {scope} \
                 AND a.status NOT IN ('closed', 'withdrawn', 'invalid', 'merged') \
                 ORDER BY CASE WHEN a.resolve_due IS NULL THEN 1 ELSE 0 END, a.resolve_due, a.id"
            );
            tx.query(&sql, &values)?.iter().map(summary_from_row).collect()
        })
        .await
    }
}
