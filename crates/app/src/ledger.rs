//! `zhuqi import` and `zhuqi export`: the ledgers of `zhuqi_ledger` from the command line, with progress bars and a
//! summary a county's operator can read.

use std::path::PathBuf;

use clap::Args;
use jiff::civil::Date;
use zhuqi_domain::RegionCode;
use zhuqi_ledger::{
    ExportRequest, ImportRequest, ImportSummary, LedgerKind, Progress, Rejected, export, import, projects,
};
use zhuqi_store::ledger::{LedgerFilter, LedgerReader};

use crate::cli::{DbArg, open};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// enterprises（企业）、appeals（诉求）、projects（重点项目）、assignments（包联）、units（单位）、users（用户）、tasks（周交办会议的交办清单）、
    /// disputes（纠纷案件台账）或 policies（惠企政策库）/ what the ledger lists
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
    /// 重点项目：「年度计划投资」一列的年份（默认 --month 所在年份）/ projects: the year of the plan column
    #[arg(long, value_parser = clap::value_parser!(i16).range(2000..=2100))]
    year: Option<i16>,
    /// 重点项目：「累计完成投资」一列的月份 YYYY-MM（默认上个月）/ projects: the month of the cumulative column
    #[arg(long)]
    month: Option<String>,
    /// 重点项目：台账中新批次的起始日期（默认该年1月1日）/ projects: first day of a batch the file creates
    #[arg(long)]
    batch_from: Option<Date>,
    /// 重点项目：台账中新批次的截止日期（默认该年12月31日）/ projects: last day of a batch the file creates
    #[arg(long)]
    batch_to: Option<Date>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// enterprises（企业台账）、appeals（诉求台账）、projects（重点项目台账）、assignments（包联台账）、units（单位名录）、
    /// users（用户台账）、tasks（交办清单）、disputes（纠纷案件台账）或 policies（惠企政策库）/ what to export
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
    /// 导出完整电话号码与标题、描述中的身份证号（默认脱敏为 138****1234、110105********002X）/ export whole phone and
    /// ID numbers instead of masked ones
    #[arg(long)]
    full_phone: bool,
    /// 重点项目：截至月份 YYYY-MM（默认上个月），年度计划与本年完成投资取该月所在年份 / projects: figures as of this month
    #[arg(long)]
    month: Option<String>,
}

pub async fn run_import(args: ImportArgs) -> anyhow::Result<()> {
    if args.kind == LedgerKind::Projects {
        return run_project_import(args).await;
    }
    let store = open(&args.db.db).await?;
    let request = ImportRequest {
        kind: args.kind,
        path: args.file,
        sheet: args.sheet,
        dry_run: args.dry_run,
        today: zhuqi_domain::time::today(),
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
    if let Some(p) = &s.passwords {
        println!(
            "  一次性初始密码已写入 {}（仅本人可读，请分发后妥善删除；首次登录须修改）/ one-time passwords written there",
            p.display()
        );
    }
    if !s.by_status.is_empty() {
        let parts: Vec<String> = s.by_status.iter().map(|(st, n)| format!("{} {n}", st.label())).collect();
        println!("  办理状态：{}", parts.join("，"));
    }
}

/// `zhuqi import projects`: the year and month of its figure columns default to last month's.
async fn run_project_import(args: ImportArgs) -> anyhow::Result<()> {
    let today = zhuqi_domain::time::today();
    let month = match (&args.month, args.year) {
        (Some(m), _) => projects::parse_month(m)?,
        (None, Some(y)) if y < today.year() => (y, 12),
        (None, _) => projects::last_complete_month(today),
    };
    let mut request = projects::ProjectImportRequest::new(args.file, args.sheet, args.dry_run, today);
    request.month = month;
    request.year = args.year.unwrap_or(month.0);
    request.batch_from = args.batch_from;
    request.batch_to = args.batch_to;
    let store = open(&args.db.db).await?;
    let result = projects::import(&store, &request, Progress { visible: true }).await;
    store.close().await;
    match result {
        Ok(s) => {
            print_ignored(&s.ignored);
            let total = s.read_seconds + s.check_seconds + s.write_seconds;
            let period = format!("{}年计划，{}累计", request.year, projects::month_label(request.month));
            match &s.counts {
                None => println!(
                    "检查通过：{} 行重点项目均可导入（新项目 {} 个，更新 {} 个；{period}；--dry-run，未写入） / all {} rows can be imported; nothing written",
                    s.rows, s.new_projects, s.updates, s.rows
                ),
                Some(c) => {
                    println!(
                        "已导入重点项目 {} 行（表头在第{}行），用时 {total:.2} 秒 / imported {} rows in {total:.2} s",
                        s.rows, s.header_row, s.rows
                    );
                    println!(
                        "  新建 {} 个，更新 {} 个，阶段变更 {} 次，年度计划 {} 条，月报 {} 条，新建批次 {} 个（{period}）",
                        c.created, c.updated, c.stage_changes, c.plans, c.reports, c.batches_created
                    );
                    if !c.codes_given.is_empty() {
                        println!("  新编项目编号：{}", c.codes_given.join("、"));
                    }
                }
            }
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

/// `zhuqi export projects`: the figures as of a month (default: last month).
async fn run_project_export(args: ExportArgs) -> anyhow::Result<()> {
    let region = args.region.as_deref().map(RegionCode::parse).transpose()?;
    let month = match &args.month {
        Some(m) => projects::parse_month(m)?,
        None => projects::last_complete_month(zhuqi_domain::time::today()),
    };
    let store = open(&args.db.db).await?;
    let request = projects::ProjectExportRequest {
        path: args.output,
        // The operator at the server's command line holds the database file: the export is the whole installation's.
        reader: LedgerReader::Operator,
        region,
        month,
    };
    let result = projects::export(&store, &request, Progress { visible: true }).await;
    store.close().await;
    let rows = result?;
    println!(
        "已导出重点项目 {rows} 行（{}）到 {} / exported {rows} rows to {}",
        projects::month_label(month),
        request.path.display(),
        request.path.display()
    );
    Ok(())
}

pub async fn run_export(args: ExportArgs) -> anyhow::Result<()> {
    if args.kind == LedgerKind::Projects {
        return run_project_export(args).await;
    }
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
