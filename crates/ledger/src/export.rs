//! Exporting a ledger: the headings an import reads, in row 1 (no title row, so that the file imports back with no
//! edits), one row per record in the order they were registered, read from the database in pages. Excel files get a
//! real table (filters, banded rows), a bold frozen heading row, column widths and true date cells; CSV files are
//! UTF-8 with a byte-order mark, which a Chinese Excel opens without garbling.
//!
//! Phone numbers are masked (138****1234, SPEC §9) unless asked for whole. What an import cannot carry back is left
//! out or differs by design: 序号 is the row's position, 诉求编号 is given anew by the importing system, and only the
//! steps a ledger shows (see `import::history`) are rebuilt.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::ProgressBar;
use jiff::civil::Date;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Table, TableColumn, TableStyle, Workbook};
use zhuqi_domain::time::local_date;
use zhuqi_domain::{Action, Fen, Status};
use zhuqi_store::ledger::{LedgerAppeal, LedgerFilter, LedgerReader};
use zhuqi_store::{EnterpriseRecord, Store};

use super::catalog::Catalog;
use super::headings::{Column, export_columns};
use super::sheet::{Format as FileFormat, number_text};
use super::values::wan_text;
use super::{LedgerKind, Progress};

/// Rows read from the database at a time.
const PAGE: usize = 5_000;
/// The data rows an Excel sheet can hold (1,048,576 rows, one of them the headings).
const MAX_XLSX_ROWS: usize = 1_048_575;

#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub kind: LedgerKind,
    pub path: PathBuf,
    /// Whose view of the database the file holds.
    pub reader: LedgerReader,
    pub filter: LedgerFilter,
    /// Whole phone numbers, and ID numbers in titles and descriptions, instead of masked ones.
    pub full_phone: bool,
}

/// One cell to write.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Out {
    Empty,
    Text(String),
    Number(f64),
    Amount(Fen),
    Date(Date),
}

impl Out {
    pub(super) fn text(s: impl Into<String>) -> Out {
        Out::Text(s.into())
    }

    pub(super) fn opt(s: Option<impl Into<String>>) -> Out {
        s.map_or(Out::Empty, |s| Out::Text(s.into()))
    }

    pub(super) fn flag(b: bool) -> Out {
        Out::text(if b { "是" } else { "否" })
    }
}

/// Writes the ledger to `request.path` (through a temporary file beside it, so that a failed export leaves no half
/// file behind); returns the rows written. The file keeps the temporary file's permissions, readable by its owner
/// alone: a ledger holds enterprises' business and their people's names.
pub async fn export(store: &Store, request: &ExportRequest, progress: Progress) -> anyhow::Result<usize> {
    if request.kind == LedgerKind::Projects {
        // The library call exports the projects with last month's figures, as `zhuqi export projects` does by default.
        let month = super::projects::last_complete_month(zhuqi_domain::time::today());
        let r = super::projects::ProjectExportRequest {
            path: request.path.clone(),
            reader: request.reader.clone(),
            region: request.filter.region.clone(),
            month,
        };
        return super::projects::export(store, &r, progress).await;
    }
    let format = FileFormat::of(&request.path)?;
    let catalog = Catalog::load(store).await?;
    let columns = export_columns(request.kind);
    let dir = match request.path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".zhuqi-export-")
        .tempfile_in(&dir)
        .with_context(|| format!("无法在 {} 中写文件 / cannot write in that directory", dir.display()))?;
    let (reader, filter) = (request.reader.clone(), request.filter.clone());
    // The 包联 ledger, the units and the accounts are small: read whole, then written.
    let small = match request.kind {
        LedgerKind::Assignments => {
            super::assignments::export_rows(store, reader.clone(), filter.region.clone()).await?
        }
        LedgerKind::Units => super::accounts::unit_rows(store, &catalog).await?,
        LedgerKind::Users => super::accounts::user_rows(store, &catalog).await?,
        LedgerKind::Tasks => super::tasks::rows(store, filter.region.clone(), &catalog).await?,
        LedgerKind::Disputes => super::disputes::rows(store, &reader, filter.region.clone()).await?,
        LedgerKind::Policies => super::policies::rows(store, &reader, filter.region.clone(), &catalog).await?,
        _ => Vec::new(),
    };
    let total = match request.kind {
        LedgerKind::Enterprises => store.ledger_enterprise_count(reader, filter).await?,
        LedgerKind::Appeals => store.ledger_appeal_count(reader, filter).await?,
        LedgerKind::Assignments
        | LedgerKind::Units
        | LedgerKind::Users
        | LedgerKind::Tasks
        | LedgerKind::Disputes
        | LedgerKind::Policies => small.len() as u64,
        LedgerKind::Projects => 0,
    };
    let total = usize::try_from(total).unwrap_or(usize::MAX);
    let mut sink = match format {
        FileFormat::Csv => Sink::csv(temp.reopen()?, request.kind, &columns)?,
        FileFormat::Workbook => Sink::xlsx(request.kind, &columns, total)?,
    };
    let bar = progress.bar(total, "导出 / exporting");
    let rows = match request.kind {
        LedgerKind::Enterprises => {
            export_enterprises(store, request, &catalog, &columns, &mut sink, total, &bar).await?
        }
        LedgerKind::Appeals => export_appeals(store, request, &catalog, &columns, &mut sink, total, &bar).await?,
        LedgerKind::Assignments
        | LedgerKind::Units
        | LedgerKind::Users
        | LedgerKind::Tasks
        | LedgerKind::Disputes
        | LedgerKind::Policies => {
            for row in &small {
                sink.row(row)?;
                bar.inc(1);
            }
            small.len()
        }
        LedgerKind::Projects => 0,
    };
    bar.finish_and_clear();
    sink.finish(temp.path())?;
    temp.persist(&request.path)
        .with_context(|| format!("无法写入 {} / cannot write the file", request.path.display()))?;
    Ok(rows)
}

/// The records counted when the export began, and no more: an Excel table is laid out for that many rows before the
/// first is written, and a record registered meanwhile belongs to the next export.
async fn export_enterprises(
    store: &Store,
    request: &ExportRequest,
    catalog: &Catalog,
    columns: &[Column],
    sink: &mut Sink,
    total: usize,
    bar: &ProgressBar,
) -> anyhow::Result<usize> {
    let (mut after, mut seq) = (0, 0);
    loop {
        let page = store.ledger_enterprises(request.reader.clone(), request.filter.clone(), after, PAGE).await?;
        for e in page.iter().take(total - seq) {
            seq += 1;
            let row: Vec<Out> =
                columns.iter().map(|c| enterprise_cell(*c, seq, e, catalog, request.full_phone)).collect();
            sink.row(&row)?;
        }
        bar.set_position(seq as u64);
        match page.last() {
            Some(last) if page.len() == PAGE && seq < total => after = last.id,
            _ => break,
        }
    }
    Ok(seq)
}

fn enterprise_cell(column: Column, seq: usize, e: &EnterpriseRecord, catalog: &Catalog, full_phone: bool) -> Out {
    match column {
        Column::Seq => Out::Number(seq as f64),
        Column::EnterpriseName => Out::text(&e.name),
        Column::Uscc => Out::text(e.uscc.as_str()),
        Column::Region => Out::text(catalog.regions.label(e.region_code.as_str())),
        Column::Industry => Out::text(&e.industry),
        Column::AboveScale => Out::flag(e.above_scale),
        Column::SmallMicro => Out::flag(e.small_micro),
        Column::Specialized => Out::flag(e.specialized),
        Column::LittleGiant => Out::flag(e.little_giant),
        Column::ContactName => Out::opt(e.contact_name.as_deref()),
        Column::ContactPhone => {
            Out::opt(e.contact_phone.as_ref().map(|p| if full_phone { p.as_str().to_owned() } else { p.masked() }))
        }
        _ => Out::Empty,
    }
}

async fn export_appeals(
    store: &Store,
    request: &ExportRequest,
    catalog: &Catalog,
    columns: &[Column],
    sink: &mut Sink,
    total: usize,
    bar: &ProgressBar,
) -> anyhow::Result<usize> {
    let (mut after, mut seq) = (None, 0);
    loop {
        let page = store.ledger_appeals(request.reader.clone(), request.filter.clone(), after, PAGE).await?;
        for a in page.iter().take(total - seq) {
            seq += 1;
            let row: Vec<Out> = columns.iter().map(|c| appeal_cell(*c, seq, a, catalog, request.full_phone)).collect();
            sink.row(&row)?;
        }
        bar.set_position(seq as u64);
        match page.last() {
            Some(last) if page.len() == PAGE && seq < total => {
                after = Some((zhuqi_domain::time::to_micros(last.state.created_at), last.id));
            }
            _ => break,
        }
    }
    Ok(seq)
}

/// One cell of an appeal's row. Each column is written only for the statuses whose import reads it back, so that an
/// export always imports. An ID number typed into the title or description is masked for a reader who does not see
/// whole phone numbers either (`full`, SPEC §9).
fn appeal_cell(column: Column, seq: usize, a: &LedgerAppeal, catalog: &Catalog, full: bool) -> Out {
    let text = |t: &str| if full { Out::text(t) } else { Out::text(zhuqi_domain::mask_id_numbers(t).into_owned()) };
    use Status::*;
    let s = &a.state;
    let status = s.status;
    match column {
        Column::Seq => Out::Number(seq as f64),
        Column::Number => Out::text(&a.number),
        Column::EnterpriseName => Out::text(&a.enterprise_name),
        Column::Uscc => Out::text(&a.uscc),
        Column::Region => Out::text(catalog.regions.label(&a.enterprise_region)),
        Column::Category => Out::text(catalog.categories.name(&s.category)),
        Column::Title => text(&a.title),
        Column::Description => text(&a.description),
        Column::AmountWan => a.amount.map_or(Out::Empty, Out::Amount),
        Column::Collected => Out::Date(local_date(s.created_at)),
        Column::Unit => Out::opt(a.unit_name.as_deref()),
        Column::Level => match (&a.unit_name, s.level) {
            (Some(_), Some(level)) => Out::text(level.label()),
            _ => Out::Empty,
        },
        Column::Status => Out::text(status.label()),
        Column::Done => {
            let at = match status {
                Answered | Closed => s.answered_at,
                Withdrawn | Invalid | Merged => s.closed_at,
                _ => None,
            };
            at.map_or(Out::Empty, |t| Out::Date(local_date(t)))
        }
        Column::Outcome => match (status, &a.outcome) {
            (
                InProgress | Waiting | Answered | Closed | Reopened,
                Some(Action::Answer { text } | Action::Reply { text }),
            ) => Out::text(text),
            (Withdrawn, Some(Action::Withdraw { reason })) | (Invalid, Some(Action::RejectInvalid { reason })) => {
                Out::text(reason)
            }
            _ => Out::Empty,
        },
        Column::Rating => match (status, s.rating) {
            (Closed, Some(stars)) => Out::Number(f64::from(stars.get())),
            _ => Out::Empty,
        },
        Column::Comment if status == Closed => Out::opt(s.rating_comment.as_deref()),
        Column::CommonIssue if status == Merged => Out::opt(a.common_issue_title.as_deref()),
        _ => Out::Empty,
    }
}

/// Where rows go.
pub(super) enum Sink {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Xlsx(Box<Xlsx>),
}

/// A workbook whose rows go to a temporary file as they are written ("low memory" mode): a ledger of a million rows
/// holds only its distinct texts in memory, and repeated texts (units, statuses, categories) are stored once.
pub(super) struct Xlsx {
    book: Workbook,
    /// The last row written (0 is the heading row).
    row: u32,
    date: Format,
}

impl Sink {
    pub(super) fn csv(file: File, kind: LedgerKind, columns: &[Column]) -> anyhow::Result<Sink> {
        let mut out = BufWriter::new(file);
        // The byte-order mark tells Excel the file is UTF-8; without it a Chinese Excel reads GBK and garbles it.
        out.write_all(b"\xEF\xBB\xBF")?;
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(columns.iter().map(|c| c.heading_in(kind)))?;
        Ok(Sink::Csv(Box::new(writer)))
    }

    /// The sheet, its widths, frozen heading row and table (laid out for `rows` rows: in low-memory mode a row
    /// cannot be gone back to, so the table and its headings come first).
    pub(super) fn xlsx(kind: LedgerKind, columns: &[Column], rows: usize) -> anyhow::Result<Sink> {
        if rows > MAX_XLSX_ROWS {
            anyhow::bail!(
                "共 {rows} 行，超过 Excel 一个工作表的上限 {MAX_XLSX_ROWS} 行：请用 --region、--from、--to 分批导出，或导出为 .csv / too many rows for one sheet"
            );
        }
        let mut book = Workbook::new();
        let sheet = book.add_worksheet_with_low_memory()?;
        sheet.set_name(match kind {
            LedgerKind::Enterprises => "企业台账",
            LedgerKind::Appeals => "诉求台账",
            LedgerKind::Projects => "重点项目台账",
            LedgerKind::Assignments => "包联台账",
            LedgerKind::Units => "单位名录",
            LedgerKind::Users => "用户台账",
            LedgerKind::Tasks => "交办清单",
            LedgerKind::Disputes => "纠纷案件台账",
            LedgerKind::Policies => "惠企政策库",
        })?;
        sheet.set_freeze_panes(1, 0)?;
        for (i, c) in columns.iter().enumerate() {
            sheet.set_column_width(i as u16, width(*c))?;
        }
        let heading = Format::new().set_bold().set_border(FormatBorder::Thin).set_align(FormatAlign::Center);
        let last_col = columns.len().saturating_sub(1) as u16;
        if rows == 0 {
            // A table needs a data row: an empty export is the heading row alone, with its filters.
            for (i, c) in columns.iter().enumerate() {
                sheet.write_string_with_format(0, i as u16, c.heading_in(kind), &heading)?;
            }
            sheet.autofilter(0, 0, 0, last_col)?;
        } else {
            let table_columns: Vec<TableColumn> = columns
                .iter()
                .map(|c| TableColumn::new().set_header(c.heading_in(kind)).set_header_format(&heading))
                .collect();
            let table = Table::new().set_columns(&table_columns).set_style(TableStyle::Medium2);
            sheet.add_table(0, 0, u32::try_from(rows)?, last_col, &table)?;
        }
        let date = Format::new().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Left);
        Ok(Sink::Xlsx(Box::new(Xlsx { book, row: 0, date })))
    }

    pub(super) fn row(&mut self, cells: &[Out]) -> anyhow::Result<()> {
        match self {
            Sink::Csv(w) => {
                w.write_record(cells.iter().map(csv_text))?;
            }
            Sink::Xlsx(x) => x.write_row(cells)?,
        }
        Ok(())
    }

    pub(super) fn finish(self, path: &Path) -> anyhow::Result<()> {
        match self {
            Sink::Csv(w) => {
                w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))?.flush()?;
            }
            Sink::Xlsx(mut x) => {
                x.book
                    .save(path)
                    .map_err(|e| anyhow::anyhow!("无法写入 Excel 文件 / cannot write the workbook: {e}"))?;
            }
        }
        Ok(())
    }
}

fn csv_text(cell: &Out) -> String {
    match cell {
        Out::Empty => String::new(),
        Out::Text(s) => super::sheet::csv_safe(s).into_owned(),
        Out::Number(n) => number_text(*n),
        Out::Amount(fen) => wan_text(*fen),
        Out::Date(d) => d.to_string(),
    }
}

/// Column widths in characters, for the headings and what they usually hold.
fn width(column: Column) -> f64 {
    match column {
        Column::Seq => 6.0,
        Column::Description | Column::Outcome => 50.0,
        Column::EnterpriseName | Column::Title | Column::Unit | Column::CommonIssue | Column::Comment => 30.0,
        Column::ProjectName | Column::Owner | Column::Plan | Column::Reason => 30.0,
        Column::Team | Column::Batch => 20.0,
        Column::WorkGroup | Column::Cadres | Column::PolicyTitle | Column::Issuer | Column::Benefit => 30.0,
        Column::Body => 50.0,
        Column::DocNumber | Column::Sizes | Column::Industry | Column::MinRevenue | Column::MaxRevenue => 18.0,
        Column::ValidFrom | Column::ValidTo | Column::PlannedOn => 12.0,
        Column::ProjectCode | Column::Leader => 14.0,
        Column::TotalWan | Column::PlanWan | Column::CumulativeWan | Column::YearToDate | Column::StageDate => 14.0,
        Column::Uscc => 22.0,
        Column::Number => 17.0,
        Column::Collected | Column::Done | Column::ContactPhone | Column::AmountWan => 14.0,
        _ => 11.0,
    }
}

impl Xlsx {
    fn write_row(&mut self, cells: &[Out]) -> anyhow::Result<()> {
        self.row += 1;
        let (row, date) = (self.row, &self.date);
        let sheet = self.book.worksheet_from_index(0)?;
        for (col, cell) in cells.iter().enumerate() {
            let col = col as u16;
            match cell {
                Out::Empty => {}
                // Text stays text: a credit code or phone number written as a number would lose digits in Excel.
                Out::Text(s) => {
                    sheet.write_string(row, col, s)?;
                }
                Out::Number(n) => {
                    sheet.write_number(row, col, *n)?;
                }
                Out::Amount(fen) => {
                    sheet.write_number(row, col, fen.fen() as f64 / 1_000_000.0)?;
                }
                Out::Date(d) => {
                    let (y, m, day) = (u16::try_from(d.year())?, d.month() as u8, d.day() as u8);
                    sheet.write_datetime_with_format(row, col, ExcelDateTime::from_ymd(y, m, day)?, date)?;
                }
            }
        }
        Ok(())
    }
}
