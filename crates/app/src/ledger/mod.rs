//! Ledgers (台账): importing and exporting the Excel and CSV tables in which counties have kept their enterprises and
//! their enterprises' problems.
//!
//! `zhuqi import enterprises|appeals FILE` reads a ledger whose headings may come in any order and in the variants
//! counties write (`headings`), under any title rows, checks every row against the rules and the database, and writes
//! all of them in one transaction or nothing at all: a file with one bad row writes nothing and the user is told every
//! bad row with its row number, column and reason (`import`). `zhuqi export` writes the same headings (`export`), so
//! that an export imports into another database as it is.

mod catalog;
mod export;
mod headings;
mod import;
mod sheet;
mod values;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;
use zhuqi_domain::RegionCode;
use zhuqi_store::ledger::{LedgerFilter, LedgerReader};

pub use export::{ExportRequest, export};
pub use import::{ImportRequest, ImportSummary, Rejected, RowError, import};

use crate::cli::{DbArg, open};

/// What a ledger lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LedgerKind {
    /// 企业台账 / enterprises
    Enterprises,
    /// 诉求（问题）台账 / appeals
    Appeals,
}

impl LedgerKind {
    pub fn label(self) -> &'static str {
        match self {
            LedgerKind::Enterprises => "企业",
            LedgerKind::Appeals => "诉求",
        }
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// enterprises（企业台账）或 appeals（诉求台账）/ what the ledger lists
    kind: LedgerKind,
    /// .xlsx 或 .csv 文件（CSV 可为 UTF-8 或 GBK 编码）/ the ledger file
    file: PathBuf,
    #[command(flatten)]
    db: DbArg,
    /// 工作表名称（默认第一个）/ the sheet to read (default: the first)
    #[arg(long)]
    sheet: Option<String>,
    /// 只检查，不写入 / check every row, write nothing
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// enterprises（企业台账）或 appeals（诉求台账）/ what to export
    kind: LedgerKind,
    /// 输出文件：.xlsx 或 .csv / the file to write
    #[arg(short, long)]
    output: PathBuf,
    #[command(flatten)]
    db: DbArg,
    /// 只导出该地区及其下级（行政区划代码）/ only this region and the regions below it
    #[arg(long)]
    region: Option<String>,
    /// 登记（收集）日期起 YYYY-MM-DD / registered on or after
    #[arg(long)]
    from: Option<Date>,
    /// 登记（收集）日期止 YYYY-MM-DD / registered on or before
    #[arg(long)]
    to: Option<Date>,
    /// 导出完整电话号码（默认脱敏为 138****1234）/ export whole phone numbers instead of masked ones
    #[arg(long)]
    full_phone: bool,
}

/// What the user watches while a long file is read, checked and written: bars on a terminal (indicatif hides them
/// elsewhere), and a line on stderr as each stage begins.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub visible: bool,
}

impl Progress {
    pub fn bar(&self, len: usize, message: &'static str) -> ProgressBar {
        if !self.visible {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(len as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} {per_sec} 剩余 {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    pub fn note(&self, line: &str) {
        if self.visible {
            eprintln!("{line}");
        }
    }
}

pub async fn run_import(args: ImportArgs) -> anyhow::Result<()> {
    let store = open(&args.db.db).await?;
    let request = ImportRequest {
        kind: args.kind,
        path: args.file,
        sheet: args.sheet,
        dry_run: args.dry_run,
        today: crate::today(),
    };
    let result = import(&store, &request, Progress { visible: true }).await;
    store.close().await;
    match result {
        Ok(summary) => {
            print_summary(&request, &summary);
            Ok(())
        }
        Err(e) => {
            if let Some(rejected) = e.downcast_ref::<Rejected>() {
                print_ignored(&rejected.ignored);
                for row in &rejected.errors {
                    eprintln!("{row}");
                }
            }
            Err(e)
        }
    }
}

fn print_ignored(ignored: &[String]) {
    if !ignored.is_empty() {
        println!("未读取的列 / columns not read: {}", ignored.join("、"));
    }
}

fn print_summary(request: &ImportRequest, s: &ImportSummary) {
    print_ignored(&s.ignored);
    let what = request.kind.label();
    let total = s.read_seconds + s.check_seconds + s.write_seconds;
    if request.dry_run {
        println!(
            "检查通过：{} 行{what}均可导入（--dry-run，未写入） / all {} rows can be imported; nothing written",
            s.rows, s.rows
        );
    } else {
        println!(
            "已导入{what} {} 行（表头在第{}行），用时 {total:.2} 秒，{:.0} 行/秒 / imported {} rows in {total:.2} s",
            s.rows,
            s.header_row,
            s.rows as f64 / total.max(1e-9),
            s.rows
        );
    }
    println!(
        "  读取 {:.2} 秒，校验 {:.2} 秒，写入 {:.2} 秒 / read, check, write",
        s.read_seconds, s.check_seconds, s.write_seconds
    );
    if !s.by_status.is_empty() {
        let parts: Vec<String> = s.by_status.iter().map(|(st, n)| format!("{} {n}", st.label())).collect();
        println!("  办理状态：{}", parts.join("，"));
    }
}

pub async fn run_export(args: ExportArgs) -> anyhow::Result<()> {
    let region = args.region.as_deref().map(RegionCode::parse).transpose()?;
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from > to
    {
        anyhow::bail!("--from {from} 晚于 --to {to} / --from is after --to");
    }
    let store = open(&args.db.db).await?;
    let request = ExportRequest {
        kind: args.kind,
        path: args.output,
        // The operator at the server's command line holds the database file: the export is the whole installation's.
        reader: LedgerReader::Operator,
        filter: LedgerFilter { region, from: args.from, to: args.to },
        full_phone: args.full_phone,
    };
    let result = export(&store, &request, Progress { visible: true }).await;
    store.close().await;
    let rows = result?;
    println!(
        "已导出{} {rows} 行到 {} / exported {rows} rows to {}",
        request.kind.label(),
        request.path.display(),
        request.path.display()
    );
    Ok(())
}
