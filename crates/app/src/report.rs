//! `zhuqi report weekly|monthly|quarterly|annual`: a bulletin from the command line, for the whole installation or
//! any region or unit in it.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use jiff::civil::Date;
use zhuqi_domain::stats::{FlagRule, Period, PeriodKind, Weights};
use zhuqi_domain::{Level, RegionCode, Role};
use zhuqi_reports::{BulletinRequest, Format, ReportScope, build, file_name};
use zhuqi_store::{Principal, Store};

use crate::cli::DbArg;

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    db: DbArg,
    /// 报告类型 / kind: weekly（周汇总）, monthly（月通报）, quarterly（季度点评）, annual（年度考核）
    #[arg(value_parser = ["weekly", "monthly", "quarterly", "annual"])]
    kind: String,
    /// 期间：2023-W30、2023-07、2023-Q3、2023（默认上一个完整期间）/ the period (default: the last complete one)
    #[arg(long)]
    period: Option<String>,
    /// 范围：行政区划代码（如 411602）或单位名称/编号（默认全部）/ a region code, or a unit's name or id
    #[arg(long)]
    scope: Option<String>,
    /// 只统计某一层级交办的问题：county、city、province / only items handled at one level
    #[arg(long, value_parser = ["county", "city", "province"])]
    level: Option<String>,
    /// 截至日期（默认期间最后一天，期间未结束时为今天）/ figures as of this date
    #[arg(long)]
    as_of: Option<Date>,
    /// 格式 / format: json, md, html, xlsx, docx
    #[arg(long, default_value = "md", value_parser = ["json", "md", "html", "xlsx", "docx"])]
    format: String,
    /// 输出文件（默认：文本格式输出到屏幕，xlsx/docx 存为当前目录下的文件）/ output file
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// 得分权重：解决率,按期办结率,满意率（百分比）/ score weights in percent
    #[arg(long, default_value = "40,30,30")]
    weights: String,
    /// 授红旗的名次数 / how many top places get a red flag
    #[arg(long, default_value_t = 2)]
    red: usize,
    /// 领黄旗的名次数 / how many bottom places get a yellow flag
    #[arg(long, default_value_t = 1)]
    yellow: usize,
    /// 参与评旗的最少问题数 / fewest items to be flagged
    #[arg(long, default_value_t = 5)]
    min_items: i64,
}

pub async fn run(args: ReportArgs) -> anyhow::Result<()> {
    let kind = PeriodKind::parse(&args.kind).context("报告类型 / kind")?;
    let today = zhuqi_domain::time::today();
    let period = match &args.period {
        Some(p) => Period::parse_as(kind, p)?,
        None => Period::containing(kind, today).previous(),
    };
    let format = Format::parse(&args.format).context("格式 / format")?;
    let weights = parse_weights(&args.weights)?;
    let store = crate::cli::open(&args.db.db).await?;
    let reader = installation(&store).await?;
    let scope = match &args.scope {
        None => ReportScope::Mine,
        Some(s) => parse_scope(&store, s).await?,
    };
    let req = BulletinRequest {
        period,
        scope,
        as_of: args.as_of,
        level: args.level.as_deref().and_then(Level::parse),
        weights,
        flag_rule: FlagRule { red: args.red, yellow: args.yellow, min_items: args.min_items },
    };
    let bulletin = build(&store, &reader, &req, today).await?;
    store.close().await;
    let bytes = format.render(&bulletin)?;
    let path = match args.output {
        Some(path) => Some(path),
        None if matches!(format, Format::Xlsx | Format::Docx) => Some(PathBuf::from(file_name(&bulletin, format))),
        None => None,
    };
    match path {
        Some(path) => {
            std::fs::write(&path, &bytes).with_context(|| format!("无法写入 / cannot write {}", path.display()))?;
            eprintln!("已生成《{}》/ written: {}", bulletin.title, path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(())
}

/// The command line reads for the whole installation: a leader of the top of the region tree, or of the one city
/// under it when the province above holds only that city (a city's installation names its province too).
pub(crate) async fn installation(store: &Store) -> anyhow::Result<Principal> {
    let regions = store.regions().await?;
    let mut top =
        regions.iter().find(|r| r.parent_code.is_none()).context("数据库中没有地区 / no regions in the database")?;
    loop {
        let mut children = regions.iter().filter(|r| r.parent_code.as_deref() == Some(top.code.as_str()));
        match (children.next(), children.next()) {
            (Some(only), None) => top = only,
            _ => break,
        }
    }
    Ok(Principal {
        user_id: 0,
        username: "cli".into(),
        display_name: "命令行".into(),
        roles: vec![Role::Leader],
        region: Some(RegionCode::parse(&top.code)?),
        unit_id: None,
        enterprise_id: None,
        must_change_password: false,
        must_add_second_factor: false,
    })
}

/// A six-digit region code, or a unit's id or exact name.
async fn parse_scope(store: &Store, s: &str) -> anyhow::Result<ReportScope> {
    let s = s.trim();
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(ReportScope::Region(RegionCode::parse(s)?));
    }
    let units = store.units().await?;
    match units.iter().find(|u| u.name == s || u.id.to_string() == s) {
        Some(u) => Ok(ReportScope::Unit(u.id)),
        None => bail!("没有名为「{s}」的地区代码或单位 / no region code or unit named {s}"),
    }
}

fn parse_weights(s: &str) -> anyhow::Result<Weights> {
    let parts: Vec<u32> =
        s.split([',', '，']).map(|p| p.trim().parse::<u32>()).collect::<Result<_, _>>().map_err(|_| {
            anyhow::anyhow!("权重应为三个整数，如 40,30,30 / weights must be three integers like 40,30,30")
        })?;
    match parts[..] {
        [resolution, on_time, satisfaction] if resolution + on_time + satisfaction > 0 => {
            Ok(Weights { resolution, on_time, satisfaction })
        }
        _ => bail!("权重应为三个非负整数且不全为0，如 40,30,30 / weights must be three integers, not all 0"),
    }
}

/// `zhuqi bench --db URL --report`: times the monthly bulletin (built and rendered as JSON) of the last complete month
/// and of the current month, for the whole installation, on an existing database; prints each round and the median.
pub async fn bench(db: &str, rounds: usize) -> anyhow::Result<()> {
    let store = crate::cli::open(db).await?;
    let reader = installation(&store).await?;
    let today = zhuqi_domain::time::today();
    let appeals = store.counts().await?.appeals;
    println!("数据库 / database: {db}，诉求 {appeals} 件 / appeals");
    let this_month = Period::containing(PeriodKind::Month, today);
    for (what, period) in [("上月通报 / last month", this_month.previous()), ("本月（仪表盘）/ this month", this_month)]
    {
        let req = BulletinRequest {
            period,
            scope: ReportScope::Mine,
            as_of: None,
            level: None,
            weights: Weights::default(),
            flag_rule: FlagRule::default(),
        };
        let mut times = Vec::with_capacity(rounds);
        let mut size = 0;
        for _ in 0..rounds.max(1) {
            let started = std::time::Instant::now();
            let b = build(&store, &reader, &req, today).await?;
            size = Format::Json.render(&b)?.len();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        let mut sorted = times.clone();
        sorted.sort_by(f64::total_cmp);
        let rounds: Vec<String> = times.iter().map(|t| format!("{t:.0}")).collect();
        println!(
            "{what} {}: median {:.0} ms (rounds {} ms), JSON {} KB",
            period.code(),
            sorted[sorted.len() / 2],
            rounds.join(" / "),
            size / 1024
        );
    }
    store.close().await;
    Ok(())
}
