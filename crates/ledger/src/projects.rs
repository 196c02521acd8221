//! The project ledger (重点项目台账, SPEC §7): `zhuqi import projects` and `zhuqi export projects`.
//!
//! A row is a project keyed by 项目编号: a code the database holds updates that project, a new code or none enters a
//! new one (numbered `XM{year}-NNNN` when it has none). A row sets the fields it has cells for — a blank cell keeps
//! what is stored — and three facts: the plan of the import's year (年度计划投资, `--year`), the cumulative investment
//! at the end of the import's month (累计完成投资, `--month`, a monthly report checked like any other), and the stage
//! (a change dated 阶段日期, today when blank, when it differs from the stored stage). 超出原因 explains what the
//! rules refuse unexplained: a cumulative figure above the total or below the last report, a stage going back.
//!
//! 本年完成投资 is computed by an export (累计 less the last report of an earlier year). An import reads it only for
//! a project with no report of an earlier year, writing 累计 − 本年 as the previous December's report, so that the
//! figure reads back as the ledger gave it.
//!
//! 批次 names a 三个一批 batch and 批次清单 the project's list on it (签约/开工/投产). A batch that does not exist is
//! created with the file, in the lowest region that holds every project the file puts on it, running from
//! `--batch-from` to `--batch-to` (default: the whole import year). An export gives each project's latest batch.
//!
//! Amounts are in 万元 (up to six decimals: one fen) unless the heading says 亿元; a unit written in the cell wins.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use jiff::civil::Date;
use zhuqi_domain::project::{BatchList, Stage, check_investment_report, check_stage_change};
use zhuqi_domain::{Fen, RegionCode};
use zhuqi_store::ledger::LedgerReader;
use zhuqi_store::projects::Month;
use zhuqi_store::projects::ledger::{LedgerProject, ProjectImport, ProjectImportCounts, ProjectRow, month_text};
use zhuqi_store::{NewBatch, Origin, Store};

use super::catalog::{Catalog, Regions};
use super::export::{Out, Sink};
use super::headings::{Column, Layout, export_columns, find_layout, normalise};
use super::import::{Cells, RowError, blank, refuse_if_bad};
use super::sheet::{Format as FileFormat, SheetRow, read};
use super::{LedgerKind, Progress, values};

const MAX_CODE: usize = 50;
const MAX_NAME: usize = 200;
const MAX_SHORT: usize = 100;
const MAX_TEXT: usize = 2000;

/// The month before `today`'s: the last whose figures are complete.
pub fn last_complete_month(today: Date) -> Month {
    if today.month() == 1 { (today.year() - 1, 12) } else { (today.year(), today.month() - 1) }
}

/// 2026年10月
pub fn month_label((y, m): Month) -> String {
    format!("{y}年{m}月")
}

/// `2026-10` (or `2026-10-31`, `2026年10月`).
pub fn parse_month(text: &str) -> anyhow::Result<Month> {
    let parts: Vec<&str> = text.trim().split(['-', '/', '.', '年', '月']).filter(|p| !p.is_empty()).collect();
    let bad = || anyhow::anyhow!("月份「{text}」格式不正确，应为 2026-10 / the month must look like 2026-10");
    match parts.as_slice() {
        [y, m] | [y, m, _] => {
            let (y, m) = (y.parse::<i16>().map_err(|_| bad())?, m.parse::<i8>().map_err(|_| bad())?);
            if !(2000..=2100).contains(&y) || !(1..=12).contains(&m) {
                return Err(bad());
            }
            Ok((y, m))
        }
        _ => Err(bad()),
    }
}

#[derive(Debug, Clone)]
pub struct ProjectImportRequest {
    pub path: PathBuf,
    pub sheet: Option<String>,
    pub dry_run: bool,
    pub today: Date,
    /// The year of 年度计划投资.
    pub year: i16,
    /// The month of 累计完成投资.
    pub month: Month,
    /// The dates of a batch the file creates (default: the import year).
    pub batch_from: Option<Date>,
    pub batch_to: Option<Date>,
}

impl ProjectImportRequest {
    /// The defaults of `zhuqi import projects`: last month's cumulative figures and that month's year's plan.
    pub fn new(path: PathBuf, sheet: Option<String>, dry_run: bool, today: Date) -> Self {
        let month = last_complete_month(today);
        ProjectImportRequest { path, sheet, dry_run, today, year: month.0, month, batch_from: None, batch_to: None }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProjectImportSummary {
    pub rows: usize,
    pub header_row: usize,
    pub ignored: Vec<String>,
    /// What was written (none on a dry run).
    pub counts: Option<ProjectImportCounts>,
    /// Projects new to the database, and those updated (as checked).
    pub new_projects: usize,
    pub updates: usize,
    pub read_seconds: f64,
    pub check_seconds: f64,
    pub write_seconds: f64,
}

/// Reads, checks and (unless a dry run) writes a project ledger: every row or none.
pub async fn import(
    store: &Store,
    request: &ProjectImportRequest,
    progress: Progress,
) -> anyhow::Result<ProjectImportSummary> {
    let current = (request.today.year(), request.today.month());
    if request.month > current {
        anyhow::bail!("{}月的投资尚未到来，--month 不能晚于本月 / that month has not begun", month_text(request.month));
    }
    if let (Some(from), Some(to)) = (request.batch_from, request.batch_to)
        && from > to
    {
        anyhow::bail!("--batch-from {from} 晚于 --batch-to {to} / --batch-from is after --batch-to");
    }
    let started = Instant::now();
    progress.note(&format!("读取 {} … / reading", request.path.display()));
    let (path, sheet) = (request.path.clone(), request.sheet.clone());
    let rows = tokio::task::spawn_blocking(move || read(&path, sheet.as_deref()))
        .await
        .context("读取文件的线程异常结束 / the reading thread failed")??;
    let layout = find_layout(&rows, LedgerKind::Projects).map_err(anyhow::Error::msg)?;
    let data: Vec<SheetRow> = rows.into_iter().skip(layout.header_index + 1).filter(|r| !blank(r, &layout)).collect();
    let mut summary = ProjectImportSummary {
        rows: data.len(),
        header_row: layout.header_row,
        ignored: layout.ignored.clone(),
        read_seconds: started.elapsed().as_secs_f64(),
        ..ProjectImportSummary::default()
    };
    if data.is_empty() {
        anyhow::bail!("第{}行表头之下没有数据 / no rows under the heading row", layout.header_row);
    }
    let checked = Instant::now();
    let catalog = Catalog::load(store).await?;
    let (import, new_projects) = check(store, request, &data, &layout, &catalog, progress).await?;
    summary.new_projects = new_projects;
    summary.updates = import.rows.len() - new_projects;
    summary.check_seconds = checked.elapsed().as_secs_f64();
    if request.dry_run {
        return Ok(summary);
    }
    let written = Instant::now();
    progress.note(&format!("正在写入 {} 行（一个事务）… / writing in one transaction", import.rows.len()));
    let bar = progress.bar(import.rows.len(), "写入重点项目 / writing");
    let writing = bar.clone();
    let counts = store.import_projects(Origin::cli(), import, move |n| writing.set_position(n as u64)).await?;
    bar.finish_and_clear();
    summary.write_seconds = written.elapsed().as_secs_f64();
    summary.counts = Some(counts);
    Ok(summary)
}

/// A row read, before the checks against the database.
struct Read {
    row: ProjectRow,
    ytd: Option<Fen>,
}

/// Every row read and checked against the rules and the database; `Rejected` with every bad row otherwise.
async fn check(
    store: &Store,
    request: &ProjectImportRequest,
    data: &[SheetRow],
    layout: &Layout,
    catalog: &Catalog,
    progress: Progress,
) -> anyhow::Result<(ProjectImport, usize)> {
    let bar = progress.bar(data.len(), "校验重点项目 / checking");
    let mut errors: Vec<RowError> = Vec::new();
    let owners = owner_names(store, data, layout).await?;
    let mut read_rows = Vec::with_capacity(data.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for sheet_row in data {
        let before = errors.len();
        let mut cells = Cells { row: sheet_row, layout, errors: &mut errors };
        let r = project_row(&mut cells, catalog, &owners, request.today);
        if let Some(code) = r.as_ref().and_then(|r| r.row.code.clone())
            && let Some(first) = seen.insert(code.clone(), sheet_row.number)
        {
            let mut cells = Cells { row: sheet_row, layout, errors: &mut errors };
            cells.fail(
                Column::ProjectCode,
                format!("与第{first}行的项目编号「{code}」重复 / the same code as row {first}"),
            );
        }
        if let Some(r) = r.filter(|_| errors.len() == before) {
            read_rows.push(r);
        }
        bar.inc(1);
    }
    bar.finish_and_clear();

    let codes: Vec<String> = read_rows.iter().filter_map(|r| r.row.code.clone()).collect();
    let states = store.ledger_project_states(codes, request.month).await?;
    let heading =
        |c: Column| layout.find(c).map_or_else(|| c.heading_in(LedgerKind::Projects).to_owned(), |m| m.heading.clone());
    let mut fail = |row: usize, c: Column, reason: String| errors.push(RowError { row, column: heading(c), reason });
    let mut rows = Vec::with_capacity(read_rows.len());
    let mut new_projects = 0;
    for Read { mut row, ytd } in read_rows {
        let n = row.row;
        let state = row.code.as_ref().and_then(|c| states.get(c));
        if state.is_none() {
            new_projects += 1;
            if row.total_investment.is_none() {
                fail(n, Column::TotalWan, "新项目须填写总投资 / a new project needs its total investment".into());
            }
            if row.stage.is_none() {
                fail(n, Column::Stage, "新项目须填写建设阶段 / a new project needs its stage".into());
            }
        }
        if let (Some(s), Some(to)) = (state, row.stage)
            && to != s.stage
        {
            let on = row.stage_on.unwrap_or(request.today);
            if let Err(e) = check_stage_change(s.stage, to, on, Some(s.stage_on), request.today, row.reason.as_deref())
            {
                fail(n, Column::Stage, e.to_string());
            }
        }
        if let Some(cumulative) = row.cumulative {
            let total = row.total_investment.or(state.map(|s| s.total_investment)).unwrap_or_default();
            let previous = state.and_then(|s| s.previous);
            if let Err(e) = check_investment_report(cumulative, total, previous, row.reason.as_deref()) {
                fail(n, Column::CumulativeWan, e.to_string());
            }
            if let Some(ytd) = ytd {
                match cumulative.fen().checked_sub(ytd.fen()).map(Fen::new) {
                    Some(Ok(before)) => row.before_year = Some(before),
                    _ => fail(
                        n,
                        Column::YearToDate,
                        "本年完成投资超过累计完成投资 / the year's investment exceeds the cumulative".into(),
                    ),
                }
            }
        }
        rows.push(row);
    }
    let new_batches = new_batches(store, request, &rows).await?;
    refuse_if_bad(errors, data.len(), layout)?;
    let file = request.path.file_name().map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    let import =
        ProjectImport { rows, year: request.year, month: request.month, today: request.today, file, new_batches };
    Ok((import, new_projects))
}

/// The registered enterprises the 业主单位 cells name, by normalised name: the owner is linked to the enterprise when
/// exactly one has that name.
async fn owner_names(store: &Store, data: &[SheetRow], layout: &Layout) -> anyhow::Result<HashMap<String, Vec<i64>>> {
    let Some(owner) = layout.find(Column::Owner) else { return Ok(HashMap::new()) };
    let mut names: Vec<String> =
        data.iter().filter_map(|r| r.cell(owner.index).text()).map(|t| t.trim().to_owned()).collect();
    names.sort();
    names.dedup();
    let mut out: HashMap<String, Vec<i64>> = HashMap::new();
    for e in store.enterprises_by_name(names).await? {
        out.entry(normalise(&e.name)).or_default().push(e.id);
    }
    Ok(out)
}

fn amount(c: &mut Cells<'_>, wan: Column, yi: Column) -> Option<Fen> {
    let unit = if c.layout.has(yi) { '亿' } else { '万' };
    c.parse(wan, |cell| values::amount_in(cell, unit))
}

fn project_row(c: &mut Cells<'_>, catalog: &Catalog, owners: &HashMap<String, Vec<i64>>, today: Date) -> Option<Read> {
    let code = c.bounded(Column::ProjectCode, MAX_CODE);
    let name = c.required(Column::ProjectName, MAX_NAME);
    let region = c.required(Column::Region, MAX_SHORT).and_then(|text| match catalog.regions.resolve(&text) {
        Ok(r) => Some(r.code.clone()),
        Err(reason) => {
            c.fail(Column::Region, reason);
            None
        }
    });
    let industry = c.bounded(Column::Industry, MAX_SHORT);
    let owner = c.bounded(Column::Owner, MAX_NAME);
    let enterprise_id = owner.as_ref().map(|o| match owners.get(&normalise(o)).map(Vec::as_slice) {
        Some([id]) => Some(*id),
        _ => None,
    });
    let unit_id = c.text(Column::Unit).and_then(|text| match catalog.units.resolve(&text) {
        Ok(u) => Some(Some(u.id)),
        Err(reason) => {
            c.fail(Column::Unit, reason);
            None
        }
    });
    let total_investment = amount(c, Column::TotalWan, Column::TotalYi);
    let planned = amount(c, Column::PlanWan, Column::PlanYi);
    let cumulative = amount(c, Column::CumulativeWan, Column::CumulativeYi);
    let ytd = c.parse(Column::YearToDate, |cell| values::amount_in(cell, '万'));
    let stage = c.parse(Column::Stage, |cell| {
        let text = cell.text().unwrap_or_default();
        Stage::parse(&text).ok_or_else(|| {
            let known: Vec<&str> = Stage::ALL.iter().map(|s| s.label()).collect();
            format!("「{}」不是可识别的建设阶段，应为：{} / unknown stage", values::clip(&text), known.join("、"))
        })
    });
    let stage_on = c.parse(Column::StageDate, |cell| values::date(cell, today));
    let leader = c.bounded(Column::Leader, MAX_SHORT);
    let team = c.bounded(Column::Team, MAX_SHORT);
    let plan = c.bounded(Column::Plan, MAX_TEXT);
    let whitelist = c.parse(Column::Whitelist, values::flag);
    let batch_name = c.bounded(Column::Batch, MAX_SHORT);
    let list = c.parse(Column::BatchList, |cell| {
        let text = cell.text().unwrap_or_default();
        BatchList::parse(&text).ok_or_else(|| {
            format!("「{}」应为签约、开工或投产 / the list should be 签约, 开工 or 投产", values::clip(&text))
        })
    });
    let reason = c.bounded(Column::Reason, MAX_TEXT);
    let batch = match (batch_name, list) {
        (Some(name), Some(list)) => Some((name, list)),
        (Some(_), None) => {
            if c.cell(Column::BatchList).is_none() {
                c.fail(Column::BatchList, "填写了批次，须填写批次清单（签约、开工或投产） / the batch needs a list");
            }
            None
        }
        (None, Some(_)) => {
            c.fail(Column::Batch, "填写了批次清单，须填写批次名称 / the list needs a batch");
            None
        }
        (None, None) => None,
    };
    Some(Read {
        row: ProjectRow {
            row: c.row.number,
            code,
            name: name?,
            region_code: region?,
            industry,
            owner,
            enterprise_id,
            unit_id,
            total_investment,
            leader,
            team,
            plan,
            whitelist,
            stage,
            stage_on,
            planned,
            cumulative,
            before_year: None,
            reason,
            batch,
        },
        ytd,
    })
}

/// The batches the rows name that the database lacks, each in the lowest region holding all of its rows.
async fn new_batches(
    store: &Store,
    request: &ProjectImportRequest,
    rows: &[ProjectRow],
) -> anyhow::Result<Vec<NewBatch>> {
    let existing: Vec<String> = store.batch_names().await?;
    let mut regions: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in rows {
        if let Some((name, _)) = &r.batch
            && !existing.contains(name)
        {
            regions.entry(name.as_str()).or_default().push(r.region_code.as_str());
        }
    }
    let from = request.batch_from.unwrap_or_else(|| jiff::civil::date(request.year, 1, 1));
    let to = request.batch_to.unwrap_or_else(|| jiff::civil::date(request.year, 12, 31));
    let mut out = Vec::new();
    for (name, codes) in regions {
        let region = common_region(&codes)?;
        out.push(NewBatch { name: name.to_owned(), region_code: region, starts_on: from, ends_on: to });
    }
    Ok(out)
}

/// The lowest region containing every one of `codes`.
fn common_region(codes: &[&str]) -> anyhow::Result<RegionCode> {
    let first = codes.first().copied().unwrap_or("410000");
    let mut region = Some(RegionCode::parse(first)?);
    while let Some(r) = region {
        if codes.iter().all(|c| Regions::contains(r.as_str(), c)) {
            return Ok(r);
        }
        region = r.parent();
    }
    Ok(RegionCode::parse(first)?)
}

// ── export ──

#[derive(Debug, Clone)]
pub struct ProjectExportRequest {
    pub path: PathBuf,
    pub reader: LedgerReader,
    pub region: Option<RegionCode>,
    /// The month of 累计完成投资; its year is the year of 年度计划投资 and 本年完成投资.
    pub month: Month,
}

/// Writes the project ledger (through a temporary file beside the target); returns the rows written.
pub async fn export(store: &Store, request: &ProjectExportRequest, progress: Progress) -> anyhow::Result<usize> {
    let format = FileFormat::of(&request.path)?;
    let catalog = Catalog::load(store).await?;
    let columns = export_columns(LedgerKind::Projects);
    let dir = match request.path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".zhuqi-export-")
        .tempfile_in(&dir)
        .with_context(|| format!("无法在 {} 中写文件 / cannot write in that directory", dir.display()))?;
    let projects =
        store.ledger_projects(request.reader.clone(), request.region.clone(), request.month.0, request.month).await?;
    let mut sink = match format {
        FileFormat::Csv => Sink::csv(temp.reopen()?, LedgerKind::Projects, &columns)?,
        FileFormat::Workbook => Sink::xlsx(LedgerKind::Projects, &columns, projects.len())?,
    };
    let bar = progress.bar(projects.len(), "导出重点项目 / exporting");
    for (i, p) in projects.iter().enumerate() {
        let row: Vec<Out> = columns.iter().map(|c| project_cell(*c, i + 1, p, &catalog)).collect();
        sink.row(&row)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    sink.finish(temp.path())?;
    temp.persist(&request.path)
        .with_context(|| format!("无法写入 {} / cannot write the file", request.path.display()))?;
    Ok(projects.len())
}

fn nonblank(s: &str) -> Out {
    if s.trim().is_empty() { Out::Empty } else { Out::text(s) }
}

fn project_cell(column: Column, seq: usize, p: &LedgerProject, catalog: &Catalog) -> Out {
    match column {
        Column::Seq => Out::Number(seq as f64),
        Column::ProjectCode => Out::text(&p.code),
        Column::ProjectName => Out::text(&p.name),
        Column::Region => Out::text(catalog.regions.label(&p.region_code)),
        Column::Industry => nonblank(&p.industry),
        Column::Owner => nonblank(&p.owner),
        Column::Unit => Out::opt(p.unit_name.as_deref()),
        Column::TotalWan => Out::Amount(p.total_investment),
        Column::PlanWan => p.planned.map_or(Out::Empty, Out::Amount),
        Column::CumulativeWan => p.cumulative.map_or(Out::Empty, Out::Amount),
        Column::YearToDate => match p.cumulative {
            Some(c) => {
                let before = p.before_year.map_or(0, Fen::fen);
                Out::Amount(Fen::new(c.fen().saturating_sub(before)).unwrap_or_default())
            }
            None => Out::Empty,
        },
        Column::Stage => Out::text(p.stage.label()),
        Column::StageDate => Out::Date(p.stage_on),
        Column::Leader => nonblank(&p.leader),
        Column::Team => nonblank(&p.team),
        Column::Plan => nonblank(&p.plan),
        Column::Whitelist => Out::flag(p.whitelist),
        Column::Batch => Out::opt(p.batch.as_ref().map(|(n, _)| n.as_str())),
        Column::BatchList => Out::opt(p.batch.as_ref().map(|(_, l)| l.label())),
        Column::Reason => Out::opt(p.reason.as_deref()),
        _ => Out::Empty,
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn months_and_their_defaults() {
        assert_eq!(parse_month("2026-10").expect("month"), (2026, 10));
        assert_eq!(parse_month("2026年3月").expect("month"), (2026, 3));
        assert!(parse_month("2026-13").is_err());
        assert!(parse_month("明年").is_err());
        assert_eq!(last_complete_month(date(2026, 11, 22)), (2026, 10));
        assert_eq!(last_complete_month(date(2027, 1, 5)), (2026, 12));
    }
}
