//! Importing a ledger: all or nothing. Every row is read and checked — its values, the records it names, duplicates
//! within the file and against the database, and (for appeals) that the history it implies replays through the state
//! machine — before anything is written; one bad row and nothing is, and every bad row is reported. The rows are then
//! written in one transaction, which re-checks duplicates so that a row recorded meanwhile is refused, not doubled.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use zhuqi_domain::time::start_of_day;
use zhuqi_domain::{
    Action, Actor, Appeal, Channel, DeadlinePolicy, Event, Fen, Level, Phone, Role, Stars, Status, Uscc,
};
use zhuqi_store::ledger::{AppealKey, EnterpriseRef};
use zhuqi_store::{NewAppeal, NewEnterprise, Origin, Store, UnitRecord};

use super::catalog::{Catalog, Regions, Units};
use super::headings::{Column, Layout, find_layout, normalise};
use super::sheet::{Cell, SheetRow, read};
use super::values;
use super::{LedgerKind, Progress};

/// The longest names and texts a ledger cell may hold (the store's own limits where it has them).
const MAX_NAME: usize = 100;
const MAX_SHORT: usize = 50;
const MAX_TITLE: usize = 100;
const MAX_TEXT: usize = zhuqi_domain::appeal::MAX_TEXT;
/// A title made from a description when the ledger has none: its first sentence, at most this long.
const DERIVED_TITLE: usize = 30;

#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub kind: LedgerKind,
    pub path: PathBuf,
    pub sheet: Option<String>,
    pub dry_run: bool,
    /// No date of the ledger may be after it.
    pub today: Date,
}

#[derive(Debug, Clone, Default)]
pub struct ImportSummary {
    pub rows: usize,
    pub header_row: usize,
    pub ignored: Vec<String>,
    pub by_status: BTreeMap<Status, usize>,
    pub read_seconds: f64,
    pub check_seconds: f64,
    pub write_seconds: f64,
    /// The one-time passwords of the accounts a users ledger made.
    pub passwords: Option<PathBuf>,
}

/// One bad cell (or row): what the report prints as `第N行 〔列名〕 原因`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The row's number as the spreadsheet shows it.
    pub row: usize,
    /// The column's heading as the file writes it.
    pub column: String,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第{}行 〔{}〕 {}", self.row, self.column, self.reason)
    }
}

/// The file was refused: nothing was written. The error's one line is the count; the rows are in `errors`.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub errors: Vec<RowError>,
    pub rows: usize,
    pub ignored: Vec<String>,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bad: HashSet<usize> = self.errors.iter().map(|e| e.row).collect();
        write!(
            f,
            "导入未执行：{} 行中有 {} 行有误（共 {} 处），未写入任何数据 / import refused: {} of {} rows are bad, nothing was written",
            self.rows,
            bad.len(),
            self.errors.len(),
            bad.len(),
            self.rows
        )
    }
}

impl std::error::Error for Rejected {}

/// Reads, checks and (unless a dry run) writes the ledger. A refused file is an error holding `Rejected`.
pub async fn import(store: &Store, request: &ImportRequest, progress: Progress) -> anyhow::Result<ImportSummary> {
    if request.kind == LedgerKind::Projects {
        // The library call reads a project ledger with the defaults of `zhuqi import projects`: this year's plan and
        // last month's cumulative figures.
        let r = super::projects::ProjectImportRequest::new(
            request.path.clone(),
            request.sheet.clone(),
            request.dry_run,
            request.today,
        );
        let s = super::projects::import(store, &r, progress).await?;
        return Ok(ImportSummary {
            rows: s.rows,
            header_row: s.header_row,
            ignored: s.ignored,
            read_seconds: s.read_seconds,
            check_seconds: s.check_seconds,
            write_seconds: s.write_seconds,
            ..ImportSummary::default()
        });
    }
    let started = Instant::now();
    progress.note(&format!("读取 {} … / reading", request.path.display()));
    let path = request.path.clone();
    let sheet = request.sheet.clone();
    let rows = tokio::task::spawn_blocking(move || read(&path, sheet.as_deref()))
        .await
        .context("读取文件的线程异常结束 / the reading thread failed")??;
    let layout = find_layout(&rows, request.kind).map_err(anyhow::Error::msg)?;
    let data: Vec<SheetRow> = rows.into_iter().skip(layout.header_index + 1).filter(|r| !blank(r, &layout)).collect();
    let mut summary = ImportSummary {
        rows: data.len(),
        header_row: layout.header_row,
        ignored: layout.ignored.clone(),
        read_seconds: started.elapsed().as_secs_f64(),
        ..ImportSummary::default()
    };
    if data.is_empty() {
        anyhow::bail!("第{}行表头之下没有数据 / no rows under the heading row", layout.header_row);
    }
    let catalog = Catalog::load(store).await?;
    let checked = Instant::now();
    let origin = Origin::cli();
    let file = request.path.file_name().map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    match request.kind {
        LedgerKind::Enterprises => {
            let ready = check_enterprises(store, &data, &layout, &catalog, progress).await?;
            summary.check_seconds = checked.elapsed().as_secs_f64();
            if !request.dry_run {
                let written = Instant::now();
                write_enterprises(store, origin, file, ready, progress).await?;
                summary.write_seconds = written.elapsed().as_secs_f64();
            }
        }
        LedgerKind::Projects => unreachable_projects()?,
        LedgerKind::Assignments => {
            let sheet = (data.as_slice(), &layout, &catalog);
            super::assignments::import(store, sheet, file, request.dry_run, progress, &mut summary).await?;
        }
        LedgerKind::Units => {
            let sheet = (data.as_slice(), &layout, &catalog);
            super::accounts::import_units(store, sheet, file, request.dry_run, &mut summary).await?;
        }
        LedgerKind::Disputes => {
            let sheet = (data.as_slice(), &layout, &catalog);
            super::disputes::import(store, sheet, file, request.dry_run, &mut summary).await?;
        }
        LedgerKind::Tasks => {
            let sheet = (data.as_slice(), &layout, &catalog);
            super::tasks::import(store, sheet, file, request.dry_run, &mut summary).await?;
        }
        LedgerKind::Policies => {
            let sheet = (data.as_slice(), &layout, &catalog);
            super::policies::import(store, sheet, file, request.dry_run, &mut summary).await?;
        }
        LedgerKind::Users => {
            let sheet = (data.as_slice(), &layout, &catalog);
            let (path, dry) = (request.path.as_path(), request.dry_run);
            summary.passwords = super::accounts::import_users(store, sheet, path, dry, progress, &mut summary).await?;
        }
        LedgerKind::Appeals => {
            let ready = check_appeals(store, &data, &layout, &catalog, request.today, progress).await?;
            summary.check_seconds = checked.elapsed().as_secs_f64();
            for r in &ready {
                *summary.by_status.entry(r.status).or_insert(0) += 1;
            }
            if !request.dry_run {
                let written = Instant::now();
                write_appeals(store, origin, file, ready, progress).await?;
                summary.write_seconds = written.elapsed().as_secs_f64();
            }
        }
    }
    Ok(summary)
}

/// Project ledgers are read by `projects::import` before this point.
fn unreachable_projects() -> anyhow::Result<()> {
    anyhow::bail!("重点项目台账由 projects 模块导入 / project ledgers are imported by the projects module")
}

/// A row with nothing in the columns read (a spacer, or a footer such as "填表人：" under 序号) is no record.
pub(super) fn blank(row: &SheetRow, layout: &Layout) -> bool {
    layout.columns.iter().filter(|m| m.column != Column::Seq).all(|m| row.cell(m.index).text().is_none())
}

/// After checking `rows` rows: refuses the file when any is bad, notes how long the check took since `since`, and
/// says whether to write (not on a dry run).
pub(super) fn checked(
    errors: Vec<RowError>,
    (rows, layout): (usize, &Layout),
    summary: &mut ImportSummary,
    since: Instant,
    dry_run: bool,
) -> anyhow::Result<bool> {
    refuse_if_bad(errors, rows, layout)?;
    summary.check_seconds = since.elapsed().as_secs_f64();
    Ok(!dry_run)
}

/// Writes every row with `write` in one transaction (all or nothing), records the import of `file` under `kind` in
/// the audit log, and notes how long writing took. An error names the row's place in `ready` (1-based).
pub(super) async fn write_all<T: Send + 'static>(
    store: &Store,
    (kind, file): (&'static str, String),
    ready: Vec<T>,
    summary: &mut ImportSummary,
    write: impl Fn(&mut zhuqi_store::Writer<'_>, &T) -> anyhow::Result<()> + Send + 'static,
) -> anyhow::Result<()> {
    let written = Instant::now();
    store
        .transaction(Origin::cli(), move |w| {
            for row in &ready {
                write(w, row)?;
            }
            w.record_import(kind, &file, ready.len());
            Ok::<_, anyhow::Error>(())
        })
        .await?;
    summary.write_seconds = written.elapsed().as_secs_f64();
    Ok(())
}

/// Refuses the file when any row is bad; the errors sorted as the user reads the file.
pub(super) fn refuse_if_bad(mut errors: Vec<RowError>, rows: usize, layout: &Layout) -> anyhow::Result<()> {
    if errors.is_empty() {
        return Ok(());
    }
    let order: HashMap<&str, usize> = layout.columns.iter().map(|m| (m.heading.as_str(), m.index)).collect();
    errors.sort_by_key(|e| (e.row, order.get(e.column.as_str()).copied().unwrap_or(usize::MAX)));
    errors.dedup();
    Err(Rejected { errors, rows, ignored: layout.ignored.clone() }.into())
}

/// The cells of one row, read by column, with the errors found in them.
pub(super) struct Cells<'a> {
    pub(super) row: &'a SheetRow,
    pub(super) layout: &'a Layout,
    pub(super) errors: &'a mut Vec<RowError>,
}

impl Cells<'_> {
    pub(super) fn heading(&self, column: Column) -> String {
        self.layout.find(column).map_or_else(|| column.heading().to_owned(), |m| m.heading.clone())
    }

    pub(super) fn fail(&mut self, column: Column, reason: impl Into<String>) {
        let column = self.heading(column);
        self.errors.push(RowError { row: self.row.number, column, reason: reason.into() });
    }

    /// Whether the row has something in `column` (read well or not).
    pub(super) fn present(&self, column: Column) -> bool {
        self.cell(column).is_some()
    }

    pub(super) fn cell(&self, column: Column) -> Option<&Cell> {
        let cell = self.row.cell(self.layout.find(column)?.index);
        cell.text().is_some().then_some(cell)
    }

    /// The cell's text, trimmed; `None` when the column is missing or the cell blank. An Excel error value
    /// (`#N/A`) is an error, not text.
    pub(super) fn text(&mut self, column: Column) -> Option<String> {
        let cell = self.cell(column)?;
        if let Cell::Error(e) = cell {
            let reason = format!("单元格是错误值 {e}，请检查公式 / the cell holds an Excel error");
            self.fail(column, reason);
            return None;
        }
        Some(cell.text()?.trim().to_owned())
    }

    /// Text of at most `max` characters.
    pub(super) fn bounded(&mut self, column: Column, max: usize) -> Option<String> {
        let text = self.text(column)?;
        if text.chars().count() > max {
            self.fail(column, format!("超过{max}字 / longer than {max} characters"));
            return None;
        }
        Some(text)
    }

    pub(super) fn required(&mut self, column: Column, max: usize) -> Option<String> {
        let before = self.errors.len();
        let text = self.bounded(column, max);
        if text.is_none() && self.errors.len() == before {
            self.fail(column, "不能为空 / required");
        }
        text
    }

    /// The parsed cell; `None` when blank or bad (a bad one is recorded).
    pub(super) fn parse<T>(&mut self, column: Column, f: impl FnOnce(&Cell) -> Result<T, String>) -> Option<T> {
        let cell = self.cell(column)?;
        if let Cell::Error(_) = cell {
            self.text(column);
            return None;
        }
        match f(cell) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.fail(column, reason);
                None
            }
        }
    }

    /// A credit code: a number cell has lost digits already (Excel keeps 15), so it is refused with the fix.
    fn uscc(&mut self, column: Column) -> Option<Uscc> {
        if let Some(Cell::Number(_)) = self.cell(column) {
            self.fail(
                column,
                "统一社会信用代码被 Excel 存成了数字，末几位已丢失；请把该列设为文本后重新填写 / the code was stored as a number and lost digits",
            );
            return None;
        }
        self.parse(column, |c| Uscc::parse(&c.text().unwrap_or_default()).map_err(|e| e.to_string()))
    }
}

// ── enterprises ──

async fn check_enterprises(
    store: &Store,
    data: &[SheetRow],
    layout: &Layout,
    catalog: &Catalog,
    progress: Progress,
) -> anyhow::Result<Vec<(usize, NewEnterprise)>> {
    let bar = progress.bar(data.len(), "校验企业 / checking");
    let mut errors = Vec::new();
    let mut ready = Vec::with_capacity(data.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let now = Timestamp::now();
    for row in data {
        let before = errors.len();
        let mut cells = Cells { row, layout, errors: &mut errors };
        let new = enterprise_row(&mut cells, catalog, now);
        if let Some(new) = new.filter(|_| errors.len() == before) {
            if let Some(first) = seen.insert(new.uscc.as_str().to_owned(), row.number) {
                let column = layout.find(Column::Uscc).map_or_else(String::new, |m| m.heading.clone());
                let reason = format!("与第{first}行的统一社会信用代码重复 / the same code as row {first}");
                errors.push(RowError { row: row.number, column, reason });
            } else {
                ready.push((row.number, new));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let codes: Vec<String> = ready.iter().map(|(_, e)| e.uscc.as_str().to_owned()).collect();
    let registered: HashMap<String, EnterpriseRef> =
        store.enterprises_by_uscc(codes).await?.into_iter().map(|e| (e.uscc.clone(), e)).collect();
    for (row, new) in &ready {
        if let Some(e) = registered.get(new.uscc.as_str()) {
            let column = layout.find(Column::Uscc).map_or_else(String::new, |m| m.heading.clone());
            let reason = format!("该统一社会信用代码已登记为「{}」 / this code is already registered", e.name);
            errors.push(RowError { row: *row, column, reason });
        }
    }
    refuse_if_bad(errors, data.len(), layout)?;
    Ok(ready)
}

fn enterprise_row(c: &mut Cells<'_>, catalog: &Catalog, now: Timestamp) -> Option<NewEnterprise> {
    let name = c.required(Column::EnterpriseName, MAX_NAME);
    let uscc = c.uscc(Column::Uscc);
    if uscc.is_none() && c.cell(Column::Uscc).is_none() {
        c.fail(Column::Uscc, "不能为空 / required");
    }
    let region = c.required(Column::Region, MAX_SHORT).and_then(|text| match catalog.regions.resolve(&text) {
        Ok(r) => zhuqi_domain::RegionCode::parse(&r.code).ok(),
        Err(reason) => {
            c.fail(Column::Region, reason);
            None
        }
    });
    let industry = c.bounded(Column::Industry, MAX_SHORT).unwrap_or_else(|| "其他".to_owned());
    let mut flag = |column| c.parse(column, values::flag).unwrap_or(false);
    let (above_scale, small_micro) = (flag(Column::AboveScale), flag(Column::SmallMicro));
    let (specialized, little_giant) = (flag(Column::Specialized), flag(Column::LittleGiant));
    let contact_name = c.bounded(Column::ContactName, MAX_SHORT);
    let contact_phone = c.parse(Column::ContactPhone, |cell| {
        let text = cell.text().unwrap_or_default();
        if text.contains('*') {
            return Err(
                "电话号码已脱敏（含*），无法导入；请用 zhuqi export --full-phone 导出完整号码 / the number is masked"
                    .into(),
            );
        }
        Phone::parse(&text).map_err(|e| e.to_string())
    });
    Some(NewEnterprise {
        name: name?,
        uscc: uscc?,
        region: region?,
        industry,
        above_scale,
        small_micro,
        specialized,
        little_giant,
        contact_name,
        contact_phone,
        created_at: now,
        profile: Default::default(),
    })
}

async fn write_enterprises(
    store: &Store,
    origin: Origin,
    file: String,
    ready: Vec<(usize, NewEnterprise)>,
    progress: Progress,
) -> anyhow::Result<()> {
    progress.note(&format!("正在写入 {} 行（一个事务）… / writing in one transaction", ready.len()));
    let bar = progress.bar(ready.len(), "写入企业 / writing");
    let writing = bar.clone();
    store
        .transaction(origin, move |w| {
            let rows = ready.len();
            for (row, new) in &ready {
                if w.uscc_registered(&new.uscc)? {
                    anyhow::bail!(
                        "第{row}行：统一社会信用代码 {} 在导入期间已被登记，未写入任何数据 / registered meanwhile; nothing written",
                        new.uscc
                    );
                }
                w.insert_enterprise(new).with_context(|| format!("第{row}行 / row {row}"))?;
                w.flush_audit()?;
                writing.inc(1);
            }
            w.record_import("enterprises", &file, rows);
            writing.set_message("提交 / committing");
            Ok(())
        })
        .await?;
    bar.finish_and_clear();
    Ok(())
}

// ── appeals ──

/// An appeal row read and checked, waiting to be written.
struct ReadyAppeal {
    row: usize,
    /// The number the row carries (an export's 诉求编号): what tells its rows apart.
    number: Option<String>,
    status: Status,
    new: NewAppeal,
    key: AppealKey,
    history: Vec<Event>,
    /// The common issue a merged appeal joins, by title: found or created when written.
    common_issue: Option<String>,
}

/// Which enterprise a row names, and where it says the enterprise is.
struct Who {
    row: usize,
    uscc: Option<Uscc>,
    name: Option<String>,
    region: Option<String>,
}

/// An appeal row's values, read and checked.
struct AppealRow {
    row: usize,
    number: Option<String>,
    category: String,
    title: String,
    description: String,
    amount: Option<Fen>,
    collected: Date,
    unit: Option<UnitRecord>,
    level: Option<Level>,
    status: Status,
    done: Option<Date>,
    outcome: Option<String>,
    rating: Option<Stars>,
    comment: Option<String>,
    common_issue: Option<String>,
}

async fn check_appeals(
    store: &Store,
    data: &[SheetRow],
    layout: &Layout,
    catalog: &Catalog,
    today: Date,
    progress: Progress,
) -> anyhow::Result<Vec<ReadyAppeal>> {
    let bar = progress.bar(data.len(), "校验诉求 / checking");
    let mut errors = Vec::new();
    // Every row's enterprise is looked up, also in rows bad otherwise, so that a row's report is whole.
    let mut rows: Vec<(Who, Option<AppealRow>)> = Vec::with_capacity(data.len());
    for row in data {
        let before = errors.len();
        let mut cells = Cells { row, layout, errors: &mut errors };
        let who = who(&mut cells);
        let parsed = appeal_row(&mut cells, catalog, today);
        rows.push((who, parsed.filter(|_| errors.len() == before)));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let enterprises = Enterprises::look_up(store, rows.iter().map(|(w, _)| w)).await?;
    let heading =
        |column: Column| layout.find(column).map_or_else(|| column.heading().to_owned(), |m| m.heading.clone());
    let mut ready = Vec::with_capacity(rows.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (who, parsed) in rows {
        let before = errors.len();
        let Some(enterprise) = enterprises.resolve(&who, &heading, &mut errors) else { continue };
        check_region(&who, enterprise, catalog, &heading, &mut errors);
        let (Some(r), true) = (parsed, errors.len() == before) else { continue };
        let Some(appeal) = plan(r, enterprise.id, &heading, &mut errors) else { continue };
        // Rows of an export carry their number, which tells apart two rows of one enterprise, day and text.
        let identity = appeal_identity(&appeal);
        if let Some(first) = seen.insert(identity, appeal.row) {
            let column = heading(if appeal.number.is_some() { Column::Number } else { Column::Description });
            let reason =
                format!("与第{first}行是同一诉求（同一企业、同一天、同样内容） / the same appeal as row {first}");
            errors.push(RowError { row: appeal.row, column, reason });
            continue;
        }
        ready.push(appeal);
    }
    let bar = progress.bar(ready.len(), "查重 / checking duplicates");
    let counting = bar.clone();
    let keys: Vec<AppealKey> = ready.iter().map(|a| a.key.clone()).collect();
    let exists = store.appeals_exist(keys, move |n| counting.set_position(n as u64)).await?;
    bar.finish_and_clear();
    for (appeal, found) in ready.iter().zip(exists) {
        if found {
            let reason = "数据库中已有该企业同一天登记的相同诉求，不重复导入 / already recorded".to_owned();
            errors.push(RowError { row: appeal.row, column: heading(Column::Description), reason });
        }
    }
    refuse_if_bad(errors, data.len(), layout)?;
    Ok(ready)
}

fn appeal_identity(appeal: &ReadyAppeal) -> String {
    match &appeal.number {
        Some(number) => format!("#{number}"),
        None => {
            let k = &appeal.key;
            format!("{}|{}|{}|{}", k.enterprise_id, k.date, k.title, k.description)
        }
    }
}

/// Which enterprise a row is about, as it writes it.
fn who(c: &mut Cells<'_>) -> Who {
    let uscc = c.uscc(Column::Uscc);
    let name = c.bounded(Column::EnterpriseName, MAX_NAME);
    if c.cell(Column::Uscc).is_none() && name.is_none() {
        let column = if c.layout.has(Column::Uscc) { Column::Uscc } else { Column::EnterpriseName };
        c.fail(column, "请填写统一社会信用代码或企业名称 / the enterprise is missing");
    }
    let region = c.bounded(Column::Region, MAX_SHORT);
    Who { row: c.row.number, uscc, name, region }
}

/// Reads one appeal row's other cells; `None` if any is bad.
fn appeal_row(c: &mut Cells<'_>, catalog: &Catalog, today: Date) -> Option<AppealRow> {
    let number = c.bounded(Column::Number, MAX_SHORT);
    let category = match c.bounded(Column::Category, MAX_SHORT) {
        Some(text) => catalog.categories.resolve(&text).map_err(|reason| c.fail(Column::Category, reason)).ok(),
        None => {
            let fallback = catalog.categories.fallback();
            if fallback.is_none() {
                c.fail(Column::Category, "不能为空 / required");
            }
            fallback
        }
    };
    let texts = texts(c);
    let amount = match c.layout.find(Column::AmountWan).map(|m| m.column) {
        Some(column) => c.parse(column, |cell| values::amount(cell, column == Column::AmountWan)),
        None => None,
    };
    let collected = c.parse(Column::Collected, |cell| values::date(cell, today));
    if c.cell(Column::Collected).is_none() {
        c.fail(Column::Collected, "不能为空 / required");
    }
    let unit = c.text(Column::Unit).and_then(|text| match catalog.units.resolve(&text) {
        Ok(u) => Some(u.clone()),
        Err(reason) => {
            c.fail(Column::Unit, reason);
            None
        }
    });
    let level = c.parse(Column::Level, |cell| values::level(&cell.text().unwrap_or_default()));
    let done = c.parse(Column::Done, |cell| values::date(cell, today));
    let status = match c.text(Column::Status) {
        Some(text) => match values::status(&text) {
            Ok(s) => Some(s),
            Err(reason) => {
                c.fail(Column::Status, reason);
                None
            }
        },
        // No status written: what the other columns say has happened.
        None if done.is_some() => Some(Status::Closed),
        None if unit.is_some() => Some(Status::InProgress),
        None => Some(Status::Submitted),
    };
    let outcome = c.bounded(Column::Outcome, MAX_TEXT);
    let rating = c.parse(Column::Rating, values::stars);
    let comment = c.bounded(Column::Comment, MAX_TEXT);
    let common_issue = c.bounded(Column::CommonIssue, MAX_TITLE);
    let (title, description) = texts?;
    Some(AppealRow {
        row: c.row.number,
        number,
        category: category?,
        title,
        description,
        amount,
        collected: collected?,
        unit,
        level,
        status: status?,
        done,
        outcome,
        rating,
        comment,
        common_issue,
    })
}

/// The title and description; either may stand for the other when the ledger has only one.
fn texts(c: &mut Cells<'_>) -> Option<(String, String)> {
    let before = c.errors.len();
    let title = c.bounded(Column::Title, MAX_TITLE);
    let description = c.bounded(Column::Description, MAX_TEXT);
    match (title, description) {
        (Some(t), Some(d)) => Some((t, d)),
        (None, Some(d)) if c.cell(Column::Title).is_none() => Some((derived_title(&d), d)),
        (Some(t), None) if c.cell(Column::Description).is_none() => Some((t.clone(), t)),
        // Both blank is a missing problem; a cell too long is reported already.
        _ => {
            if c.errors.len() == before {
                let column = if c.layout.has(Column::Description) { Column::Description } else { Column::Title };
                c.fail(column, "不能为空 / required");
            }
            None
        }
    }
}

/// A title for a ledger that has only descriptions: the first sentence, clipped.
fn derived_title(description: &str) -> String {
    let first = description.split(['。', '！', '？', '；', '\n', '!', '?', ';']).find(|s| !s.trim().is_empty());
    let sentence = first.unwrap_or(description).trim();
    match sentence.char_indices().nth(DERIVED_TITLE) {
        Some((cut, _)) => format!("{}…", &sentence[..cut]),
        None => sentence.to_owned(),
    }
}

/// The enterprises the rows name, looked up in two queries.
struct Enterprises {
    by_uscc: HashMap<String, EnterpriseRef>,
    by_name: HashMap<String, Vec<EnterpriseRef>>,
}

impl Enterprises {
    async fn look_up<'a>(store: &Store, rows: impl Iterator<Item = &'a Who> + Clone) -> anyhow::Result<Enterprises> {
        let codes: HashSet<String> =
            rows.clone().filter_map(|r| r.uscc.as_ref().map(|u| u.as_str().to_owned())).collect();
        // A name is looked up as written and with its brackets the other width: registers and ledgers differ.
        let names: HashSet<String> = rows
            .filter(|r| r.uscc.is_none())
            .filter_map(|r| r.name.as_deref())
            .flat_map(|n| {
                [n.to_owned(), n.replace('(', "（").replace(')', "）"), n.replace('（', "(").replace('）', ")")]
            })
            .collect();
        let by_uscc = store
            .enterprises_by_uscc(codes.into_iter().collect())
            .await?
            .into_iter()
            .map(|e| (e.uscc.clone(), e))
            .collect();
        let mut by_name: HashMap<String, Vec<EnterpriseRef>> = HashMap::new();
        for e in store.enterprises_by_name(names.into_iter().collect()).await? {
            by_name.entry(normalise(&e.name)).or_default().push(e);
        }
        Ok(Enterprises { by_uscc, by_name })
    }

    fn resolve(
        &self,
        r: &Who,
        heading: &impl Fn(Column) -> String,
        errors: &mut Vec<RowError>,
    ) -> Option<&EnterpriseRef> {
        let mut fail = |column: Column, reason: String| {
            errors.push(RowError { row: r.row, column: heading(column), reason });
            None
        };
        match (&r.uscc, &r.name) {
            (Some(uscc), name) => {
                let Some(e) = self.by_uscc.get(uscc.as_str()) else {
                    return fail(
                        Column::Uscc,
                        "该企业尚未登记，请先导入企业台账 / the enterprise is not registered".into(),
                    );
                };
                match name {
                    Some(n) if normalise(n) != normalise(&e.name) => fail(
                        Column::EnterpriseName,
                        format!("与该信用代码登记的企业名称「{}」不符 / does not match the registered name", e.name),
                    ),
                    _ => Some(e),
                }
            }
            (None, Some(name)) => match self.by_name.get(&normalise(name)).map(Vec::as_slice) {
                Some([e]) => Some(e),
                Some([_, _, ..]) => fail(
                    Column::EnterpriseName,
                    "有多家企业叫这个名称，请填写统一社会信用代码 / several enterprises have this name: add the code"
                        .into(),
                ),
                _ => fail(
                    Column::EnterpriseName,
                    "该企业尚未登记，请先导入企业台账 / the enterprise is not registered".into(),
                ),
            },
            (None, None) => None,
        }
    }
}

/// 所属县区, when given, must be the enterprise's region or one above it.
fn check_region(
    r: &Who,
    enterprise: &EnterpriseRef,
    catalog: &Catalog,
    heading: &impl Fn(Column) -> String,
    errors: &mut Vec<RowError>,
) {
    let Some(text) = &r.region else { return };
    let reason = match catalog.regions.resolve(text) {
        Ok(region) if Regions::contains(&region.code, &enterprise.region_code) => return,
        Ok(_) => format!(
            "与企业登记的所属县区「{}」不符 / not the enterprise's region",
            catalog.regions.label(&enterprise.region_code)
        ),
        Err(reason) => reason,
    };
    errors.push(RowError { row: r.row, column: heading(Column::Region), reason });
}

/// Which columns a status allows or needs, and the history that brings an appeal to it; `None` (with the errors
/// recorded) if the row contradicts itself.
fn plan(
    r: AppealRow,
    enterprise_id: i64,
    heading: &impl Fn(Column) -> String,
    errors: &mut Vec<RowError>,
) -> Option<ReadyAppeal> {
    use Status::*;
    let before = errors.len();
    let label = r.status.label();
    let mut fail =
        |column: Column, reason: String| errors.push(RowError { row: r.row, column: heading(column), reason });
    let assigned = matches!(r.status, Assigned | InProgress | Waiting | Answered | Closed | Reopened);
    match (&r.unit, r.status) {
        (None, _) if assigned => fail(Column::Unit, format!("「{label}」的诉求须填写责任单位 / a unit is required")),
        (Some(_), Draft | Submitted | Invalid) => {
            fail(Column::Unit, format!("「{label}」的诉求尚未交办，不应填写责任单位 / not assigned: no unit"))
        }
        _ => {}
    }
    if r.level.is_some() && r.unit.is_none() {
        fail(Column::Level, "未填写责任单位，不能填写交办层级 / a level needs a unit".into());
    }
    match (r.done, r.status) {
        (None, Answered | Closed) => {
            fail(Column::Done, format!("「{label}」的诉求须填写办结日期 / a date is required"))
        }
        (Some(_), Draft | Submitted | Assigned | InProgress | Waiting) => {
            fail(Column::Done, format!("「{label}」的诉求尚未办结，不应填写办结日期 / not done: no date"))
        }
        (Some(done), _) if done < r.collected => {
            fail(Column::Done, format!("办结日期{done}早于收集日期{} / before the collection date", r.collected))
        }
        _ => {}
    }
    if r.outcome.is_some() && matches!(r.status, Draft | Submitted | Assigned | Merged) {
        fail(Column::Outcome, format!("「{label}」的诉求没有办理结果，请清空该格 / this status has no outcome"));
    }
    if r.status != Closed {
        if r.rating.is_some() {
            fail(
                Column::Rating,
                format!("只有已办结的诉求才有满意度（本行为「{label}」） / only closed appeals are rated"),
            );
        }
        if r.comment.is_some() {
            fail(
                Column::Comment,
                format!("只有已办结的诉求才有评价意见（本行为「{label}」） / only closed appeals are rated"),
            );
        }
    }
    match (&r.common_issue, r.status) {
        (None, Merged) => {
            fail(Column::CommonIssue, "已并入共性问题的诉求须填写共性问题 / the common issue is required".into())
        }
        (Some(_), s) if s != Merged => {
            fail(Column::CommonIssue, format!("「{label}」的诉求未并入共性问题，请清空该格 / not merged"))
        }
        _ => {}
    }
    if errors.len() > before {
        return None;
    }
    let history = match history(&r) {
        Ok(h) => h,
        Err(reason) => {
            errors.push(RowError { row: r.row, column: heading(Column::Status), reason });
            return None;
        }
    };
    let key =
        AppealKey { enterprise_id, date: r.collected, title: r.title.clone(), description: r.description.clone() };
    let new = NewAppeal {
        enterprise_id,
        channel: Channel::Import,
        category: r.category,
        title: r.title,
        description: r.description,
        amount: r.amount,
        draft: r.status == Draft,
    };
    Some(ReadyAppeal {
        row: r.row,
        number: r.number,
        status: r.status,
        new,
        key,
        history,
        common_issue: r.common_issue,
    })
}

/// The instant `hh:mm` of `date` in Asia/Shanghai. A ledger has dates only: the steps of a day are placed at
/// fixed office hours, in their order.
fn at(date: Date, hour: i64, minute: i64) -> Result<Timestamp, String> {
    start_of_day(date)
        .and_then(|t| t.checked_add(hour.hours().minutes(minute)).ok())
        .ok_or_else(|| format!("日期{date}超出范围 / date out of range"))
}

/// The events that bring a new appeal to the row's status: registered (by the program) on the collection day,
/// assigned to the unit under the standard 13710 policy and signed for that same day, answered and confirmed on
/// the completion day. Who did each step is not in a ledger, so each is recorded under its role without a person.
/// A merged appeal's common issue is named by id 0 here and set when written.
fn history(r: &AppealRow) -> Result<Vec<Event>, String> {
    let category = r.category.as_str();
    use Status::*;
    let role = |role: Role| Actor { user_id: None, role };
    let (dispatcher, handler, enterprise) = (role(Role::Dispatcher), role(Role::Handler), role(Role::Enterprise));
    let collected = r.collected;
    let end = r.done.unwrap_or(collected);
    let note = |default: &str| r.outcome.clone().unwrap_or_else(|| default.to_owned());
    let mut steps: Vec<(Timestamp, Actor, Action)> = Vec::new();
    steps.push((
        at(collected, 9, 0)?,
        Actor::system(),
        Action::Create { category: category.to_owned(), draft: r.status == Draft },
    ));
    if let Some(unit) = &r.unit {
        let level = r.level.unwrap_or_else(|| Units::level(unit));
        let assign = Action::Assign {
            unit_id: unit.id,
            co_unit_ids: Vec::new(),
            level,
            category: category.to_owned(),
            policy: DeadlinePolicy::standard(),
        };
        steps.push((at(collected, 9, 30)?, dispatcher, assign));
    }
    if matches!(r.status, InProgress | Waiting | Answered | Closed | Reopened) {
        steps.push((at(collected, 10, 0)?, handler, Action::Acknowledge));
    }
    let answer = Action::Answer { text: note("已办结（台账导入，原台账未载明办理结果）") };
    match r.status {
        InProgress | Waiting => {
            if let Some(text) = &r.outcome {
                steps.push((at(collected, 10, 30)?, handler, Action::Reply { text: text.clone() }));
            }
            if r.status == Waiting {
                let what = "待企业补充材料（台账导入）".to_owned();
                steps.push((at(collected, 11, 0)?, handler, Action::RequestMaterial { what }));
            }
        }
        Answered => steps.push((at(end, 16, 0)?, handler, answer)),
        Closed => {
            steps.push((at(end, 16, 0)?, handler, answer));
            let comment = r.comment.clone().unwrap_or_default();
            steps.push((at(end, 17, 0)?, enterprise, Action::Confirm { rating: r.rating, comment }));
        }
        Reopened => {
            steps.push((at(end, 16, 0)?, handler, answer));
            let reason = "企业不满意，要求重办（台账导入）".to_owned();
            steps.push((at(end, 17, 0)?, enterprise, Action::Reject { reason }));
        }
        Withdrawn => {
            let reason = note("企业撤回（台账导入）");
            steps.push((at(end, 17, 0)?, enterprise, Action::Withdraw { reason }));
        }
        Invalid => {
            let reason = note("判定无效（台账导入）");
            steps.push((at(end, 17, 0)?, dispatcher, Action::RejectInvalid { reason }));
        }
        Merged => steps.push((at(end, 17, 0)?, dispatcher, Action::Merge { common_issue_id: 0 })),
        Draft | Submitted | Assigned => {}
    }
    let events: Vec<Event> =
        steps.into_iter().zip(1..).map(|((at, actor, action), seq)| Event { seq, at, actor, action }).collect();
    // The same check the store makes when it writes: a row that cannot be written is reported with the others.
    Appeal::replay(&events).map_err(|e| e.to_string())?;
    Ok(events)
}

/// Rows written by one `insert_appeals`: a multiple of the 500 at which the planner's statistics are renewed.
const ROWS_PER_WRITE: usize = 500;

async fn write_appeals(
    store: &Store,
    origin: Origin,
    file: String,
    ready: Vec<ReadyAppeal>,
    progress: Progress,
) -> anyhow::Result<()> {
    let prefix = store.appeal_prefix().await?;
    let postgres = store.backend() == zhuqi_store::Backend::Postgres;
    progress.note(&format!("正在写入 {} 行（一个事务）… / writing in one transaction", ready.len()));
    let bar = progress.bar(ready.len(), "写入诉求 / writing");
    let writing = bar.clone();
    store
        .transaction(origin, move |w| {
            let rows = ready.len();
            // Checked again here, before the first insert, so that an appeal recorded since the check before is
            // refused, not doubled; checked before any row is written, so that each check reads only what was there.
            let keys: Vec<AppealKey> = ready.iter().map(|a| a.key.clone()).collect();
            if let Some(i) = w.first_recorded(&keys)? {
                anyhow::bail!(
                    "第{}行：导入期间已有人登记了相同诉求，未写入任何数据 / recorded meanwhile; nothing written",
                    ready[i].row
                );
            }
            // On PostgreSQL a few hundred rows to a write, each statement being a round trip (an error then names
            // the rows of the write); on SQLite, in the process, a row to a write, an error naming its row.
            let per_write = if postgres { ROWS_PER_WRITE } else { 1 };
            let mut written = 0;
            let mut ready = ready.into_iter().peekable();
            while ready.peek().is_some() {
                w.recount_while_loading(written)?;
                let (mut batch, mut rows) = (Vec::with_capacity(per_write), Vec::with_capacity(per_write));
                for mut appeal in ready.by_ref().take(per_write) {
                    if let (Some(title), Some(last)) = (&appeal.common_issue, appeal.history.last_mut()) {
                        let id = w.common_issue_by_title(title, &appeal.new.category, last.at)?;
                        last.action = Action::Merge { common_issue_id: id };
                    }
                    rows.push(appeal.row);
                    batch.push((appeal.new, appeal.history));
                }
                let (first, last) = (rows[0], rows[rows.len() - 1]);
                w.insert_appeals(&prefix, &batch).with_context(|| match first == last {
                    true => format!("第{first}行 / row {first}"),
                    false => format!("第{first}–{last}行之一 / one of rows {first}–{last}"),
                })?;
                written += batch.len();
                writing.inc(batch.len() as u64);
            }
            w.record_import("appeals", &file, rows);
            writing.set_message("提交 / committing");
            Ok(())
        })
        .await?;
    bar.finish_and_clear();
    Ok(())
}
