//! The command line. Every failure ends as one line, Chinese first then English, and a non-zero exit: no panic, no
//! backtrace reaches a city's operator.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;
use zhuqi_demo::{self as demo, DemoOptions};
use zhuqi_domain::CalendarYear;
use zhuqi_store::{DbUrl, Store};

#[derive(Debug, Parser)]
#[command(
    name = "zhuqi",
    version,
    about = "助企通 zhuqi —— 万人助万企诉求闭环与重点项目调度系统\nEnterprise-service appeals (13710 deadlines, escalation, ratings) for a city government.",
    after_help = "示例 / examples:\n  zhuqi serve --demo            在 zhuqi.db 中生成演示数据并在 http://127.0.0.1:8080 提供服务\n  zhuqi demo --seed 7           向空数据库写入演示城市\n  zhuqi serve --db postgres://postgres@127.0.0.1:5432/zhuqi"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 启动网页与接口服务（数据库不存在时自动创建）/ serve the web pages and API, creating the database if needed
    Serve(ServeArgs),
    /// 向空数据库写入一座逼真的演示城市（周口市）/ fill an empty database with a realistic demo city
    Demo(DemoArgs),
    /// 创建或升级数据库结构后退出 / create or upgrade the database schema, then exit
    Migrate(DbArg),
    /// 工作日日历：查看已载入的年份，或载入新一年的放假安排 / the working-day calendar
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// 用户：新建、重置密码、设置角色、查看 / accounts: add, reset a password, set roles, show
    User {
        #[command(subcommand)]
        command: crate::users::UserCommand,
    },
    /// 审计日志：校验哈希链是否完好 / the audit log: verify that nobody altered it
    Audit {
        #[command(subcommand)]
        command: crate::audit::AuditCommand,
    },
    /// 统计底数：核对（按事件重算）或重新汇总 / the figures' sums by day: verify against the histories, or rebuild
    Figures {
        #[command(subcommand)]
        command: crate::figures::FiguresCommand,
    },
    /// 备份数据库（服务运行时也可进行）/ a consistent copy of the database, also while the server runs
    Backup(crate::backup::BackupArgs),
    /// 从备份恢复：先校验备份完好，原数据库保留在旁 / restore a backup once it is checked whole
    Restore(crate::backup::RestoreArgs),
    /// 通报：周汇总、月通报、季度点评、年度考核 / a bulletin for a period and scope (json, md, html, xlsx, docx)
    Report(crate::report::ReportArgs),
    /// 性能测试，打印实测数据 / benchmarks that print their figures
    Bench(BenchArgs),
    /// 导入台账（.xlsx/.csv）：全部行校验通过才写入，否则逐行报错、不写入 / import a ledger, all rows or none
    Import(crate::ledger::ImportArgs),
    /// 导出台账（.xlsx/.csv），表头与导入一致 / export a ledger with the headings an import reads
    Export(crate::ledger::ExportArgs),
}

#[derive(Debug, Args)]
pub struct DbArg {
    /// 数据库地址：sqlite://文件 或 postgres://用户@主机:端口/库 / database URL
    #[arg(long, env = "ZHUQI_DB", default_value = "sqlite://zhuqi.db")]
    pub db: String,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArg,
    /// 监听地址 / address to listen on
    #[arg(long, env = "ZHUQI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// 数据库为空时先写入演示数据 / fill an empty database with the demo city first
    #[arg(long)]
    demo: bool,
    /// 可信反向代理的地址（可多次给出）：来自它的请求以 X-Forwarded-For 所示地址为来源 / a reverse proxy whose
    /// X-Forwarded-For is believed (repeatable)
    #[arg(long = "trusted-proxy", env = "ZHUQI_TRUSTED_PROXY", value_delimiter = ',')]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// 直接提供 HTTPS：证书链（PEM）/ serve HTTPS with this certificate chain (PEM)
    #[arg(long, env = "ZHUQI_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,
    /// 证书的私钥（PEM）/ the certificate's private key (PEM)
    #[arg(long, env = "ZHUQI_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,
    #[command(flatten)]
    audit_key: crate::audit::KeyArg,
}

#[derive(Debug, Args)]
struct DemoArgs {
    #[command(flatten)]
    db: DbArg,
    /// 随机种子：同一种子、同一日期得到完全相同的数据 / seed: the same seed and date give the same data
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// 企业数量 / number of enterprises
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=200_000))]
    enterprises: u64,
    /// 诉求数量（默认每家企业15件）/ number of appeals (default 15 per enterprise)
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=20_000_000))]
    appeals: Option<u64>,
    /// 演示数据的"今天"（默认今天）/ the demo's today, YYYY-MM-DD (default: today in Asia/Shanghai)
    #[arg(long)]
    today: Option<Date>,
}

#[derive(Debug, Subcommand)]
enum CalendarCommand {
    /// 列出已载入的年份 / list the years loaded
    Show(DbArg),
    /// 载入一年或多年的放假安排（JSON，格式见 crates/domain/calendar/official.json）/ load years from a JSON file
    Load {
        #[command(flatten)]
        db: DbArg,
        /// JSON 文件 / the file
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
struct BenchArgs {
    /// 数据库地址（默认在临时目录新建 SQLite 文件）/ database URL (default: a new SQLite file in a temp dir)
    #[arg(long)]
    db: Option<String>,
    /// 演示数据的企业数量 / enterprises in the demo part
    #[arg(long, default_value_t = 2000)]
    enterprises: usize,
    /// 流转次数 / transitions to time
    #[arg(long, default_value_t = 50_000)]
    transitions: usize,
    /// 改为在 --db 指定的已有数据库上测量通报生成时间 / instead, time the bulletins on the existing database --db
    #[arg(long, requires = "db")]
    report: bool,
    /// 改为在 --db 指定的已有数据库上测量重点项目统计（project_metrics）/ instead, time the key-project figures on --db
    #[arg(long, requires = "db")]
    projects: bool,
    /// 改为在 --db 指定的已有数据库上测量多元解纷统计（dispute_figures）/ instead, time the dispute figures on --db
    #[arg(long, requires = "db")]
    disputes: bool,
    /// 改为在 --db 指定的已有数据库上测量周交办会议通报（上周交办事项完成情况）/ instead, time the weekly meeting's
    /// report on --db
    #[arg(long, requires = "db")]
    meetings: bool,
    /// 改为在 --db 指定的已有数据库上测量惠企政策匹配（每项政策、全部政策、企业门户）/ instead, time policy matching
    /// on --db (each policy, all policies at once, an enterprise's portal)
    #[arg(long, requires = "db")]
    policies: bool,
    /// 与 --projects/--disputes/--meetings/--policies 同用：数量不足此数时先补足（项目为合成项目，每个12个月报；案件、
    /// 交办事项和企业为已有记录的副本）/ with --projects, --disputes, --meetings or --policies: first add synthetic
    /// projects (12 monthly reports each), or copies of the cases, meetings or enterprises held, up to this many
    #[arg(long)]
    generate: Option<usize>,
}

/// Parses the command line, runs the command and turns any error into one line on stderr.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    // PostgreSQL's notices ("relation … already exists, skipping" on every start) are the server chatting, not news
    // for whoever runs zhuqi.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ZHUQI_LOG").unwrap_or_else(|_| "info,postgres=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误 / error: 无法启动运行时 / cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 / error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// An error chain as one line: the outermost context first.
fn one_line(e: &anyhow::Error) -> String {
    e.chain().map(|c| c.to_string().replace('\n', " ")).collect::<Vec<_>>().join(" — ")
}

/// Opens (creating and migrating) the database; a new city gets the standard categories and deadline policies.
pub(crate) async fn open(db: &str) -> anyhow::Result<Store> {
    let url: DbUrl = db.parse()?;
    let store = Store::open(&url).await?;
    store.set_up_new_city().await?;
    Ok(store)
}

async fn execute(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => serve(args).await,
        Command::Demo(args) => {
            if let Some(day) = args.today.filter(|d| *d > zhuqi_domain::time::today()) {
                anyhow::bail!(
                    "--today {day} 晚于今天：演示数据不能写未来的日期 / the demo cannot be dated in the future"
                );
            }
            let store = open(&args.db.db).await?;
            let opts = DemoOptions {
                seed: args.seed,
                enterprises: args.enterprises as usize,
                appeals: args.appeals.map_or(args.enterprises as usize * 15, |a| a as usize),
                today: args.today.unwrap_or_else(zhuqi_domain::time::today),
            };
            fill_demo(&store, &opts).await?;
            store.close().await;
            Ok(())
        }
        Command::Migrate(db) => {
            let store = open(&db.db).await?;
            println!("数据库已是最新结构 / the database schema is up to date: {}", db.db);
            store.close().await;
            Ok(())
        }
        Command::Calendar { command } => calendar(command).await,
        Command::User { command } => crate::users::run(command).await,
        Command::Audit { command } => crate::audit::run(command).await,
        Command::Figures { command } => crate::figures::run(command).await,
        Command::Backup(args) => crate::backup::backup(args).await,
        Command::Restore(args) => crate::backup::restore(args).await,
        Command::Bench(args) if args.projects => {
            crate::bench::projects(args.db.as_deref().unwrap_or_default(), args.generate, 5).await
        }
        Command::Bench(args) if args.disputes => {
            crate::bench::disputes(args.db.as_deref().unwrap_or_default(), args.generate, 5).await
        }
        Command::Bench(args) if args.meetings => {
            crate::bench::meetings(args.db.as_deref().unwrap_or_default(), args.generate, 5).await
        }
        Command::Bench(args) if args.policies => {
            crate::bench::policies(args.db.as_deref().unwrap_or_default(), args.generate, 5).await
        }
        Command::Bench(args) if args.report => crate::report::bench(args.db.as_deref().unwrap_or_default(), 5).await,
        Command::Bench(args) if args.generate.is_some() => {
            anyhow::bail!(
                "--generate 需与 --projects、--disputes、--meetings 或 --policies 同用 / --generate goes with --projects, --disputes, --meetings or --policies"
            )
        }
        Command::Bench(args) => crate::bench::run(args.db.as_deref(), args.enterprises, args.transitions).await,
        Command::Report(args) => crate::report::run(args).await,
        Command::Import(args) => crate::ledger::run_import(args).await,
        Command::Export(args) => crate::ledger::run_export(args).await,
    }
}

/// Fills the demo city with a progress bar and prints who can sign in.
pub async fn fill_demo(store: &Store, opts: &DemoOptions) -> anyhow::Result<()> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} {per_sec} 剩余 {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let started = Instant::now();
    let report = demo::fill(store, opts, &bar).await?;
    bar.finish_and_clear();
    let c = report.counts;
    println!(
        "演示城市已生成（种子 {}，今天 {}），用时 {:.1} 秒 / demo city written in {:.1} s",
        opts.seed,
        opts.today,
        started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "  地区 {} 个，单位 {} 个，企业 {} 家，用户 {} 个，诉求 {} 件，流转记录 {} 条",
        c.regions, c.units, c.enterprises, c.users, c.appeals, c.events
    );
    let statuses: Vec<String> = report.by_status.iter().map(|(s, n)| format!("{} {n}", s.label())).collect();
    println!("  诉求状态：{}", statuses.join("，"));
    println!(
        "  重点项目 {} 个（关联诉求 {} 件），三个一批 3 期，季度观摩 3 次",
        report.projects, report.linked_appeals
    );
    println!("  周交办会议 {} 次（交办事项 {} 项），多元解纷案件 {} 件", c.meetings, c.tasks, c.disputes);
    println!("演示账号（密码均为 {}）/ demo sign-ins (password {}):", demo::DEMO_PASSWORD, demo::DEMO_PASSWORD);
    for login in &report.logins {
        println!("  {:<10} {:<6} {}", login.username, login.role.label(), login.who);
    }
    Ok(())
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(crate::server::tls_config(cert, key)?),
        _ => None,
    };
    // Held while serving: a restore waits for the server to stop.
    let _serving = crate::backup::hold_for_serving(&args.db.db.parse()?)?;
    let store = open(&args.db.db).await?;
    if args.demo && store.counts().await?.enterprises == 0 {
        let opts = DemoOptions { seed: 1, enterprises: 2000, appeals: 30_000, today: zhuqi_domain::time::today() };
        fill_demo(&store, &opts).await?;
    }
    let listener = tokio::net::TcpListener::bind(args.listen).await.map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::AddrInUse {
            "端口已被占用 / address already in use"
        } else {
            "无法监听 / cannot listen"
        };
        anyhow::anyhow!("{why}: {} ({e})", args.listen)
    })?;
    let cal = store.calendar();
    let today = zhuqi_domain::time::today();
    let next_year = today.year() + 1;
    if !cal.covers(next_year) && today.month() >= 11 {
        tracing::warn!(
            "尚未载入{next_year}年节假日安排，请用 zhuqi calendar load 载入 / the {next_year} holiday notice is not loaded"
        );
    }
    let seal_key = crate::audit::key_or_new(&args.audit_key.path_for(&args.db.db)?)?;
    let jobs = tokio::spawn(crate::jobs::run(store.clone(), Duration::from_secs(300), seal_key));
    let calendar = tokio::spawn(crate::jobs::follow_and_fold(store.clone(), Duration::from_secs(3)));
    let addr = listener.local_addr().unwrap_or(args.listen);
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("助企通已启动 / zhuqi is serving on {scheme}://{addr} (数据库 {})", args.db.db);
    let app = zhuqi_web::router(store.clone());
    let mut options = crate::server::ServeOptions::for_this_process(args.trusted_proxies);
    options.tls = tls;
    tracing::info!(max_connections = options.max_connections, "connection limit");
    crate::server::serve(listener, app, options, shutdown_signal()).await.context("服务异常退出 / server failed")?;
    jobs.abort();
    calendar.abort();
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn calendar(command: CalendarCommand) -> anyhow::Result<()> {
    match command {
        CalendarCommand::Show(db) => {
            let store = open(&db.db).await?;
            for year in store.calendar_years().await? {
                println!(
                    "{}  节假日 {} 段，调休上班 {} 天  {}",
                    year.year,
                    year.holidays.len(),
                    year.workdays.len(),
                    year.source
                );
            }
            store.close().await;
        }
        CalendarCommand::Load { db, file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("无法读取文件 / cannot read {}", file.display()))?;
            let years = CalendarYear::parse_many(&text)?;
            let store = open(&db.db).await?;
            let list: Vec<String> = years.iter().map(|y| y.year.to_string()).collect();
            let changed = store.load_calendar_years(zhuqi_store::Origin::cli(), years).await?;
            println!(
                "已载入 {} 年节假日安排，重算了 {changed} 件在办诉求的期限 / loaded; {changed} open appeals recomputed",
                list.join("、")
            );
            store.close().await;
        }
    }
    Ok(())
}
