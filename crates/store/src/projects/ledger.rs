//! The project ledger (重点项目台账) as a spreadsheet: the rows an import writes in one transaction, and the rows an
//! export reads. The headings and parsing live in the app's `ledger` module.
//!
//! An import is keyed by 项目编号: a row with a code the database holds updates that project, a row with a new code
//! or none enters a new project (numbered `XM2026-0001` after the import's year when it has none). Each row may set
//! the project's fields, its plan for the import's year, its cumulative investment at the end of the import's month,
//! its stage (a dated stage change when the stage differs from the stored one) and its list on a 三个一批 batch. Every
//! row is checked by the app against [`Store::ledger_project_states`] first; the transaction checks again with the
//! same rules (`zhuqi_domain::project`), so that a report or stage change recorded meanwhile refuses the whole file.
//!
//! The `Writer` methods here are the plain writes of the ledger's facts, shared by the import and the demo city.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use zhuqi_domain::project::{BatchList, Scores, Stage, check_investment_report, check_stage_change};
use zhuqi_domain::time::to_micros;
use zhuqi_domain::{Fen, RegionCode};

use super::{Month, NewBatch, NewObservation, NewProgramme, NewProject};
use crate::db::{Row, Tx, Value, params};
use crate::ledger::LedgerReader;
use crate::scope::in_region;
use crate::{Result, Store, StoreError, Writer, audit};

/// Rows bound in one multi-row `INSERT`: well under both databases' parameter limits.
const INSERT_CHUNK: usize = 200;

/// `2026-10`
pub fn month_text((y, m): Month) -> String {
    format!("{y:04}-{m:02}")
}

/// What the database holds of a project an import names by its code, for the checks of its row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectState {
    pub id: i64,
    pub code: String,
    pub stage: Stage,
    pub stage_on: Date,
    pub total_investment: Fen,
    /// The last report before the import's month: a cumulative figure may not fall below it unexplained.
    pub previous: Option<Fen>,
    /// The last report of a year before the import's month's year (what 本年完成投资 is counted from).
    pub before_year: Option<Fen>,
}

/// One checked row of a project ledger. A field left `None` keeps what the database holds (or, for a new project,
/// takes its default: 其他, blank texts, not whitelisted, no unit); `unit_id` and `enterprise_id` are
/// `Some(None)` when the ledger clears them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectRow {
    /// The row's number in the file, for messages.
    pub row: usize,
    pub code: Option<String>,
    pub name: String,
    pub region_code: String,
    pub industry: Option<String>,
    pub owner: Option<String>,
    pub enterprise_id: Option<Option<i64>>,
    pub unit_id: Option<Option<i64>>,
    pub total_investment: Option<Fen>,
    pub leader: Option<String>,
    pub team: Option<String>,
    pub plan: Option<String>,
    pub whitelist: Option<bool>,
    pub stage: Option<Stage>,
    /// The day of the stage (of the change, when the stage changes); today when the ledger gives none.
    pub stage_on: Option<Date>,
    /// 年度计划投资 of the import's year.
    pub planned: Option<Fen>,
    /// 累计完成投资 at the end of the import's month.
    pub cumulative: Option<Fen>,
    /// 累计 less 本年完成投资: written as the previous December's report when the project has no report of an earlier
    /// year, so that 本年完成投资 reads back as the ledger gave it.
    pub before_year: Option<Fen>,
    /// 超出原因: explains a cumulative figure above the total or below the last report, and a stage going back.
    pub reason: Option<String>,
    /// The batch by name, and the project's list on it.
    pub batch: Option<(String, BatchList)>,
}

/// A whole ledger to write: its rows, the year of its plan column and the month of its cumulative column.
#[derive(Debug, Clone)]
pub struct ProjectImport {
    pub rows: Vec<ProjectRow>,
    pub year: i16,
    pub month: Month,
    pub today: Date,
    /// The file's name, for the audit log.
    pub file: String,
    /// Batches the ledger names that do not exist yet, created with it: name, region, first and last day.
    pub new_batches: Vec<NewBatch>,
}

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProjectImportCounts {
    pub created: usize,
    pub updated: usize,
    pub stage_changes: usize,
    pub reports: usize,
    pub plans: usize,
    pub batches_created: usize,
    /// The codes given to new projects without one, in row order.
    pub codes_given: Vec<String>,
}

/// One project as an export's row holds it, with its figures for a year and month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerProject {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub region_code: String,
    pub industry: String,
    pub owner: String,
    pub unit_name: Option<String>,
    pub total_investment: Fen,
    pub planned: Option<Fen>,
    /// The last report up to the month, with its month and its override reason.
    pub cumulative: Option<Fen>,
    pub reason: Option<String>,
    /// The last report of an earlier year.
    pub before_year: Option<Fen>,
    pub stage: Stage,
    pub stage_on: Date,
    pub leader: String,
    pub team: String,
    pub plan: String,
    pub whitelist: bool,
    /// The latest batch the project is on, and its list there.
    pub batch: Option<(String, BatchList)>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn stage_of(text: &str) -> Result<Stage> {
    Stage::parse(text).ok_or_else(|| corrupt("projects.stage", text))
}

fn date_of(text: &str) -> Result<Date> {
    text.parse().map_err(|e| corrupt("date", e))
}

fn fen_of(v: Option<i64>) -> Result<Option<Fen>> {
    v.map(Fen::new).transpose().map_err(|e| corrupt("amount", e))
}

fn list_of(text: &str) -> Result<BatchList> {
    BatchList::parse(text).ok_or_else(|| corrupt("batch_projects.list", text))
}

/// The state of the project with `code`, as of `month`.
fn state(tx: &mut Tx<'_>, code: &str, month: Month) -> Result<Option<ProjectState>> {
    let year_start = month_text((month.0, 1));
    let row = tx.query_opt(
        "SELECT p.id, p.code, p.stage, p.stage_on, p.total_investment, \
         (SELECT r.cumulative FROM investment_reports r WHERE r.project_id = p.id AND r.month < $2 \
          ORDER BY r.month DESC LIMIT 1), \
         (SELECT r.cumulative FROM investment_reports r WHERE r.project_id = p.id AND r.month < $3 \
          ORDER BY r.month DESC LIMIT 1) \
         FROM projects p WHERE p.code = $1",
        params![code, month_text(month), year_start],
    )?;
    row.map(|r| {
        Ok(ProjectState {
            id: r.int(0)?,
            code: r.text(1)?,
            stage: stage_of(&r.text(2)?)?,
            stage_on: date_of(&r.text(3)?)?,
            total_investment: Fen::new(r.int(4)?).map_err(|e| corrupt("projects.total_investment", e))?,
            previous: fen_of(r.opt_int(5)?)?,
            before_year: fen_of(r.opt_int(6)?)?,
        })
    })
    .transpose()
}

/// The next free `XM{year}-NNNN` codes.
fn next_number(tx: &mut Tx<'_>, year: i16) -> Result<u32> {
    let prefix = format!("XM{year:04}-");
    let rows = tx.query("SELECT code FROM projects WHERE substr(code, 1, 7) = $1", params![prefix.as_str()])?;
    let mut max = 0;
    for r in rows {
        if let Ok(n) = r.text(0)?[prefix.len()..].parse::<u32>() {
            max = max.max(n);
        }
    }
    Ok(max + 1)
}

impl Store {
    /// The stored state of each project named by these codes (those that exist), as of the import's `month`.
    pub async fn ledger_project_states(
        &self,
        codes: Vec<String>,
        month: Month,
    ) -> Result<HashMap<String, ProjectState>> {
        self.read(move |tx| {
            let mut out = HashMap::new();
            for code in codes {
                if let Some(s) = state(tx, &code, month)? {
                    out.insert(code, s);
                }
            }
            Ok(out)
        })
        .await
    }

    /// The names of every batch, oldest first.
    pub async fn batch_names(&self) -> Result<Vec<String>> {
        self.read(|tx| tx.query("SELECT name FROM batches ORDER BY id", &[])?.iter().map(|r| r.text(0)).collect()).await
    }

    /// Writes a checked project ledger in one transaction, with one audit record per project and one for the file;
    /// `progress` hears how many rows are written. Any row that no longer passes its checks (a report or stage
    /// change recorded since the app checked) refuses the whole file.
    pub async fn import_projects(
        &self,
        origin: crate::Origin,
        import: ProjectImport,
        progress: impl Fn(usize) + Send + 'static,
    ) -> Result<ProjectImportCounts> {
        self.transaction(origin, move |w| {
            let counts = w.import_project_rows(&import, &progress)?;
            let after = json!({"file": import.file, "rows": import.rows.len(), "year": import.year,
                "month": month_text(import.month), "counts": counts});
            w.audit("ledger.import.projects", format!("ledger:{}", import.file), None, audit::json(&after));
            Ok(counts)
        })
        .await
    }

    /// Every project of the export (the reader's scope, within `region`), by region then code, with its plan of
    /// `year` and its cumulative investment up to `month`.
    pub async fn ledger_projects(
        &self,
        reader: LedgerReader,
        region: Option<RegionCode>,
        year: i16,
        month: Month,
    ) -> Result<Vec<LedgerProject>> {
        self.read(move |tx| {
            let mut values: Vec<Value> = vec![i64::from(year).into(), month_text(month).into()];
            values.push(month_text((month.0, 1)).into());
            let scope = match &reader {
                LedgerReader::Operator => "1 = 1".to_owned(),
                LedgerReader::User(p) => match &p.region {
                    Some(r) => in_region("p.region_code", r, &mut values),
                    None => "1 = 0".to_owned(),
                },
            };
            let within =
                region.as_ref().map_or_else(|| "1 = 1".to_owned(), |r| in_region("p.region_code", r, &mut values));
            let sql = format!(
                "SELECT p.id, p.code, p.name, p.region_code, p.industry, p.owner, u.name, p.total_investment, \
                 (SELECT pl.planned FROM project_plans pl WHERE pl.project_id = p.id AND pl.year = $1), \
                 (SELECT r.cumulative FROM investment_reports r WHERE r.project_id = p.id AND r.month <= $2 \
                  ORDER BY r.month DESC LIMIT 1), \
                 (SELECT r.override_reason FROM investment_reports r WHERE r.project_id = p.id AND r.month <= $2 \
                  ORDER BY r.month DESC LIMIT 1), \
                 (SELECT r.cumulative FROM investment_reports r WHERE r.project_id = p.id AND r.month < $3 \
                  ORDER BY r.month DESC LIMIT 1), \
                 p.stage, p.stage_on, p.leader, p.team, p.plan, p.whitelist, \
                 (SELECT b.name FROM batch_projects bp JOIN batches b ON b.id = bp.batch_id \
                  WHERE bp.project_id = p.id ORDER BY b.starts_on DESC, b.id DESC LIMIT 1), \
                 (SELECT bp.list FROM batch_projects bp JOIN batches b ON b.id = bp.batch_id \
                  WHERE bp.project_id = p.id ORDER BY b.starts_on DESC, b.id DESC LIMIT 1) \
                 FROM projects p LEFT JOIN units u ON u.id = p.unit_id \
                 WHERE {scope} AND {within} ORDER BY p.region_code, p.code"
            );
            tx.query(&sql, &values)?.iter().map(ledger_project).collect()
        })
        .await
    }
}

fn ledger_project(r: &Row) -> Result<LedgerProject> {
    let batch = match (r.opt_text(18)?, r.opt_text(19)?) {
        (Some(name), Some(list)) => Some((name, list_of(&list)?)),
        _ => None,
    };
    Ok(LedgerProject {
        id: r.int(0)?,
        code: r.text(1)?,
        name: r.text(2)?,
        region_code: r.text(3)?,
        industry: r.text(4)?,
        owner: r.text(5)?,
        unit_name: r.opt_text(6)?,
        total_investment: Fen::new(r.int(7)?).map_err(|e| corrupt("projects.total_investment", e))?,
        planned: fen_of(r.opt_int(8)?)?,
        cumulative: fen_of(r.opt_int(9)?)?,
        reason: r.opt_text(10)?,
        before_year: fen_of(r.opt_int(11)?)?,
        stage: stage_of(&r.text(12)?)?,
        stage_on: date_of(&r.text(13)?)?,
        leader: r.text(14)?,
        team: r.text(15)?,
        plan: r.text(16)?,
        whitelist: r.int(17)? != 0,
        batch,
    })
}

/// A refusal of one row inside the import's transaction.
fn row_error(row: usize, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!(
        "第{row}行：{reason}（导入期间数据已变化，未写入任何数据 / changed meanwhile; nothing written）"
    ))
}

impl Writer<'_> {
    fn import_project_rows(&mut self, import: &ProjectImport, progress: &dyn Fn(usize)) -> Result<ProjectImportCounts> {
        let mut counts = ProjectImportCounts::default();
        let at = Timestamp::now();
        let mut batches: HashMap<String, i64> = HashMap::new();
        for b in &import.new_batches {
            batches.insert(b.name.clone(), self.ledger_batch(b, at)?);
            counts.batches_created += 1;
        }
        let mut number = next_number(&mut self.tx, import.year)?;
        for (i, r) in import.rows.iter().enumerate() {
            let found = match &r.code {
                Some(code) => state(&mut self.tx, code, import.month)?,
                None => None,
            };
            let today = import.today;
            let (id, code) = match &found {
                Some(s) => {
                    self.update_project_fields(s.id, r, at)?;
                    if let Some(to) = r.stage.filter(|to| *to != s.stage) {
                        let on = r.stage_on.unwrap_or(today);
                        check_stage_change(s.stage, to, on, Some(s.stage_on), today, r.reason.as_deref())
                            .map_err(|e| row_error(r.row, e))?;
                        self.ledger_stage_change(s.id, Some(s.stage), to, on, r.reason.as_deref(), at)?;
                        counts.stage_changes += 1;
                    }
                    counts.updated += 1;
                    (s.id, s.code.clone())
                }
                None => {
                    let code = match &r.code {
                        Some(c) => c.clone(),
                        None => {
                            let c = format!("XM{:04}-{number:04}", import.year);
                            number += 1;
                            counts.codes_given.push(c.clone());
                            c
                        }
                    };
                    let (Some(total), Some(stage)) = (r.total_investment, r.stage) else {
                        return Err(row_error(
                            r.row,
                            "新项目须填写总投资和建设阶段 / a new project needs its total and stage",
                        ));
                    };
                    let new = NewProject {
                        code: Some(code.clone()),
                        name: r.name.clone(),
                        region_code: RegionCode::parse(&r.region_code).map_err(|e| row_error(r.row, e))?,
                        industry: r.industry.clone().unwrap_or_else(|| "其他".to_owned()),
                        owner: r.owner.clone().unwrap_or_default(),
                        enterprise_id: r.enterprise_id.flatten(),
                        unit_id: r.unit_id.flatten(),
                        total_investment: total,
                        leader: r.leader.clone().unwrap_or_default(),
                        team: r.team.clone().unwrap_or_default(),
                        plan: r.plan.clone().unwrap_or_default(),
                        whitelist: r.whitelist.unwrap_or(false),
                        stage,
                        stage_on: r.stage_on.unwrap_or(today),
                    };
                    let id = self.ledger_insert_project(&code, &new, at)?;
                    counts.created += 1;
                    (id, code)
                }
            };
            if let Some(planned) = r.planned {
                self.ledger_plan(id, import.year, planned)?;
                counts.plans += 1;
            }
            if let Some(cumulative) = r.cumulative {
                let total = match (r.total_investment, &found) {
                    (Some(t), _) => t,
                    (None, Some(s)) => s.total_investment,
                    (None, None) => Fen::default(),
                };
                let previous = found.as_ref().and_then(|s| s.previous);
                check_investment_report(cumulative, total, previous, r.reason.as_deref())
                    .map_err(|e| row_error(r.row, e))?;
                if let Some(before) = r.before_year
                    && found.as_ref().and_then(|s| s.before_year).is_none()
                    && before.fen() > 0
                {
                    self.ledger_reports(&[(id, (import.month.0 - 1, 12), before, None)], at)?;
                    counts.reports += 1;
                }
                self.ledger_reports(&[(id, import.month, cumulative, r.reason.clone())], at)?;
                counts.reports += 1;
            }
            if let Some((name, list)) = &r.batch {
                let batch = match batches.get(name) {
                    Some(b) => *b,
                    None => {
                        let found =
                            self.tx.query_opt("SELECT id FROM batches WHERE name = $1", params![name.as_str()])?;
                        let b = found.ok_or_else(|| row_error(r.row, format!("批次「{name}」不存在")))?.int(0)?;
                        batches.insert(name.clone(), b);
                        b
                    }
                };
                self.ledger_batch_list(batch, id, *list)?;
            }
            let action = if found.is_some() { "project.import.update" } else { "project.import.create" };
            self.audit(action, format!("project:{code}"), None, audit::json(r));
            self.flush_audit()?;
            progress(i + 1);
        }
        Ok(counts)
    }

    fn update_project_fields(&mut self, id: i64, r: &ProjectRow, at: Timestamp) -> Result<()> {
        let keep_unit = r.unit_id.is_none();
        let keep_enterprise = r.enterprise_id.is_none();
        self.tx.execute(
            "UPDATE projects SET name = $2, region_code = $3, industry = COALESCE($4, industry), \
             owner = COALESCE($5, owner), \
             enterprise_id = CASE WHEN $6 = 1 THEN enterprise_id ELSE $7 END, \
             unit_id = CASE WHEN $8 = 1 THEN unit_id ELSE $9 END, \
             total_investment = COALESCE($10, total_investment), leader = COALESCE($11, leader), \
             team = COALESCE($12, team), plan = COALESCE($13, plan), whitelist = COALESCE($14, whitelist), \
             version = version + 1, updated_at = $15 WHERE id = $1",
            params![
                id,
                r.name.as_str(),
                r.region_code.as_str(),
                r.industry.clone(),
                r.owner.clone(),
                keep_enterprise,
                r.enterprise_id.flatten(),
                keep_unit,
                r.unit_id.flatten(),
                r.total_investment.map(Fen::fen),
                r.leader.clone(),
                r.team.clone(),
                r.plan.clone(),
                r.whitelist,
                to_micros(at)
            ],
        )?;
        Ok(())
    }

    /// Enters a project under `code` at its first stage (`new.stage` since `new.stage_on`), with that stage's row in
    /// its timeline. No audit record: the caller writes one for what it did as a whole.
    pub fn ledger_insert_project(&mut self, code: &str, new: &NewProject, at: Timestamp) -> Result<i64> {
        self.ledger_insert_project_with_history(code, new, &[(None, new.stage, new.stage_on)], at)
    }

    /// Enters a project that went through `history` (from, to, day; oldest first, the last one `new.stage` since
    /// `new.stage_on`) before it entered the ledger.
    pub fn ledger_insert_project_with_history(
        &mut self,
        code: &str,
        new: &NewProject,
        history: &[(Option<Stage>, Stage, Date)],
        at: Timestamp,
    ) -> Result<i64> {
        let micros = to_micros(at);
        let id = self
            .tx
            .query_one(
                "INSERT INTO projects (code, name, region_code, industry, owner, enterprise_id, unit_id, \
                 total_investment, leader, team, plan, whitelist, stage, stage_on, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15) RETURNING id",
                params![
                    code,
                    new.name.as_str(),
                    new.region_code.as_str(),
                    new.industry.as_str(),
                    new.owner.as_str(),
                    new.enterprise_id,
                    new.unit_id,
                    new.total_investment.fen(),
                    new.leader.as_str(),
                    new.team.as_str(),
                    new.plan.as_str(),
                    new.whitelist,
                    new.stage.as_str(),
                    new.stage_on.to_string(),
                    micros
                ],
            )?
            .int(0)?;
        for chunk in history.chunks(INSERT_CHUNK) {
            let mut values: Vec<Value> = vec![id.into(), micros.into()];
            let rows: Vec<String> = chunk
                .iter()
                .map(|(from, to, on)| {
                    let n = values.len();
                    values.extend([Value::from(from.map(Stage::as_str)), to.as_str().into(), on.to_string().into()]);
                    format!("($1, ${}, ${}, ${}, NULL, NULL, $2)", n + 1, n + 2, n + 3)
                })
                .collect();
            let sql = format!(
                "INSERT INTO project_stage_changes (project_id, from_stage, to_stage, changed_on, reason, \
                 recorded_by, recorded_at) VALUES {}",
                rows.join(", ")
            );
            self.tx.execute(&sql, &values)?;
        }
        Ok(id)
    }

    /// Records that the project moved from `from` to `to` on `on`, and makes `to` its current stage. The caller has
    /// checked the change (`check_stage_change`).
    pub fn ledger_stage_change(
        &mut self,
        id: i64,
        from: Option<Stage>,
        to: Stage,
        on: Date,
        reason: Option<&str>,
        at: Timestamp,
    ) -> Result<()> {
        let micros = to_micros(at);
        self.tx.execute(
            "INSERT INTO project_stage_changes (project_id, from_stage, to_stage, changed_on, reason, recorded_by, \
             recorded_at) VALUES ($1, $2, $3, $4, $5, NULL, $6)",
            params![id, from.map(Stage::as_str), to.as_str(), on.to_string(), reason, micros],
        )?;
        self.tx.execute(
            "UPDATE projects SET stage = $2, stage_on = $3, version = version + 1, updated_at = $4 WHERE id = $1",
            params![id, to.as_str(), on.to_string(), micros],
        )?;
        Ok(())
    }

    /// Sets the project's planned investment for `year`.
    pub fn ledger_plan(&mut self, id: i64, year: i16, planned: Fen) -> Result<()> {
        self.tx.execute(
            "INSERT INTO project_plans (project_id, year, planned) VALUES ($1, $2, $3) \
             ON CONFLICT (project_id, year) DO UPDATE SET planned = excluded.planned",
            params![id, year, planned.fen()],
        )?;
        Ok(())
    }

    /// Records (or corrects) monthly reports: (project, month, cumulative, override reason), several per statement.
    pub fn ledger_reports(&mut self, reports: &[(i64, Month, Fen, Option<String>)], at: Timestamp) -> Result<()> {
        let micros = to_micros(at);
        for chunk in reports.chunks(INSERT_CHUNK) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 4 + 1);
            values.push(micros.into());
            let rows: Vec<String> = chunk
                .iter()
                .map(|(id, month, cumulative, reason)| {
                    let n = values.len();
                    values.extend([
                        Value::from(*id),
                        month_text(*month).into(),
                        cumulative.fen().into(),
                        reason.clone().into(),
                    ]);
                    format!("(${}, ${}, ${}, ${}, NULL, $1)", n + 1, n + 2, n + 3, n + 4)
                })
                .collect();
            let sql = format!(
                "INSERT INTO investment_reports (project_id, month, cumulative, override_reason, reported_by, \
                 reported_at) VALUES {} ON CONFLICT (project_id, month) DO UPDATE SET \
                 cumulative = excluded.cumulative, override_reason = excluded.override_reason, \
                 reported_at = excluded.reported_at",
                rows.join(", ")
            );
            self.tx.execute(&sql, &values)?;
        }
        Ok(())
    }

    /// The batch with `new.name`, created as given when there is none.
    pub fn ledger_batch(&mut self, new: &NewBatch, at: Timestamp) -> Result<i64> {
        if let Some(row) = self.tx.query_opt("SELECT id FROM batches WHERE name = $1", params![new.name.as_str()])? {
            return row.int(0);
        }
        let id = self
            .tx
            .query_one(
                "INSERT INTO batches (name, region_code, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5) \
                 RETURNING id",
                params![
                    new.name.as_str(),
                    new.region_code.as_str(),
                    new.starts_on.to_string(),
                    new.ends_on.to_string(),
                    to_micros(at)
                ],
            )?
            .int(0)?;
        let after = json!({"name": new.name, "region": new.region_code.as_str(), "starts_on": new.starts_on,
            "ends_on": new.ends_on});
        self.audit("batch.create", format!("batch:{id}"), None, audit::json(&after));
        Ok(id)
    }

    /// Puts the project on `list` of the batch (moving it from another list of the same batch).
    pub fn ledger_batch_list(&mut self, batch_id: i64, project_id: i64, list: BatchList) -> Result<()> {
        self.tx.execute(
            "INSERT INTO batch_projects (batch_id, project_id, list) VALUES ($1, $2, $3) \
             ON CONFLICT (batch_id, project_id) DO UPDATE SET list = excluded.list",
            params![batch_id, project_id, list.as_str()],
        )?;
        Ok(())
    }

    /// Creates a quarter's observation (季观摩) with its weights and flag rule.
    pub fn ledger_observation(&mut self, new: &NewObservation, at: Timestamp) -> Result<i64> {
        let weights = serde_json::to_string(&new.weights).map_err(|e| corrupt("weights", e))?;
        let rule = serde_json::to_string(&new.rule).map_err(|e| corrupt("rule", e))?;
        let id = self
            .tx
            .query_one(
                "INSERT INTO observations (name, region_code, period, held_on, weights, rule, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                params![
                    new.name.as_str(),
                    new.region_code.as_str(),
                    new.period.to_string(),
                    new.held_on.to_string(),
                    weights,
                    rule,
                    to_micros(at)
                ],
            )?
            .int(0)?;
        self.audit("observation.create", format!("observation:{id}"), None, Some(new.name.clone()));
        Ok(id)
    }

    /// Records the scores of observed projects: (project, scores), several per statement.
    pub fn ledger_scores(&mut self, observation_id: i64, scores: &[(i64, Scores)]) -> Result<()> {
        let flat: Vec<(i64, &str, i64)> =
            scores.iter().flat_map(|(p, s)| s.iter().map(move |(c, h)| (*p, c.as_str(), h.0))).collect();
        for chunk in flat.chunks(INSERT_CHUNK) {
            let mut values: Vec<Value> = vec![observation_id.into()];
            let rows: Vec<String> = chunk
                .iter()
                .map(|(p, c, h)| {
                    let n = values.len();
                    values.extend([Value::from(*p), Value::from(*c), Value::from(*h)]);
                    format!("($1, ${}, ${}, ${})", n + 1, n + 2, n + 3)
                })
                .collect();
            let sql = format!(
                "INSERT INTO observation_scores (observation_id, project_id, criterion, score) VALUES {} \
                 ON CONFLICT (observation_id, project_id, criterion) DO UPDATE SET score = excluded.score",
                rows.join(", ")
            );
            self.tx.execute(&sql, &values)?;
        }
        Ok(())
    }

    /// Creates a counted programme with its yearly target.
    pub fn ledger_programme(&mut self, new: &NewProgramme, at: Timestamp) -> Result<i64> {
        let id = self
            .tx
            .query_one(
                "INSERT INTO programmes (name, region_code, year, unit_label, target, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                params![
                    new.name.as_str(),
                    new.region_code.as_str(),
                    new.year,
                    new.unit_label.as_str(),
                    new.target,
                    to_micros(at)
                ],
            )?
            .int(0)?;
        self.audit("programme.create", format!("programme:{id}"), None, Some(new.name.clone()));
        Ok(id)
    }

    /// Records the programme's count done up to the end of `month`.
    pub fn ledger_programme_report(&mut self, id: i64, month: Month, done: i64, at: Timestamp) -> Result<()> {
        self.tx.execute(
            "INSERT INTO programme_reports (programme_id, month, done, reported_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (programme_id, month) DO UPDATE SET done = excluded.done, reported_at = excluded.reported_at",
            params![id, month_text(month), done, to_micros(at)],
        )?;
        Ok(())
    }

    /// Links appeals to the projects they are about: (appeal, project).
    pub fn ledger_link_appeals(&mut self, links: &[(i64, i64)]) -> Result<()> {
        for (appeal, project) in links {
            self.tx.execute("UPDATE appeals SET project_id = $2 WHERE id = $1", params![*appeal, *project])?;
        }
        if !links.is_empty() {
            let after = json!({"links": links.len()});
            self.audit("project.link_appeals", "appeals".to_owned(), None, audit::json(&after));
        }
        Ok(())
    }

    /// One audit record for a project written by the ledger's methods (the demo's, an import's).
    pub fn ledger_audit_project(&mut self, action: &str, code: &str, after: &impl Serialize) -> Result<()> {
        self.audit(action, format!("project:{code}"), None, audit::json(after));
        self.flush_audit()
    }
}
