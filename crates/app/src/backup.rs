//! `zhuqi backup` and `zhuqi restore` (issue 14, SPEC §9): a consistent copy while the server runs, and a restore
//! that checks the copy whole before it replaces anything. A running `zhuqi serve` holds a shared lock on
//! `<database>.lock`; a restore needs it alone, so it never replaces a SQLite database a server has open.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use indicatif::ProgressBar;
use zhuqi_store::DbUrl;
use zhuqi_store::backup::{self, BackupSummary};

use crate::cli::DbArg;

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// 备份文件（不能已存在）/ the backup file to write (must not exist)
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// 由 zhuqi backup 写出的备份文件 / a file written by zhuqi backup
    pub file: PathBuf,
}

/// The lock file beside a SQLite database.
fn lock_path(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}.lock", db.display()))
}

/// What a server holds while it serves a SQLite database: other servers may share it, a restore may not.
pub fn hold_for_serving(url: &DbUrl) -> anyhow::Result<Option<std::fs::File>> {
    let DbUrl::Sqlite(db) = url else { return Ok(None) };
    let file = std::fs::File::create(lock_path(db)).context("无法创建锁文件 / cannot create the lock file")?;
    file.try_lock_shared().map_err(|_| anyhow::anyhow!("数据库正在恢复中，请稍后再启动 / a restore is under way"))?;
    Ok(Some(file))
}

fn spinner(message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new_spinner().with_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn describe(s: &BackupSummary) -> String {
    format!(
        "{:.1} MB，诉求 {} 件，审计记录 {} 条，结构版本 {}",
        s.bytes as f64 / 1_048_576.0,
        s.appeals,
        s.audit_records,
        s.schema_version
    )
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let url: DbUrl = args.db.db.parse()?;
    let started = Instant::now();
    let bar = spinner("正在备份 / backing up");
    let out = args.output.clone();
    let done = tokio::task::spawn_blocking(move || match &url {
        DbUrl::Sqlite(db) => backup::backup_sqlite(db, &out).map(|s| describe(&s)),
        DbUrl::Postgres(pg) => backup::backup_postgres(pg, &out).map(|bytes| format!("{:.1} MB", bytes as f64 / 1e6)),
    })
    .await?;
    bar.finish_and_clear();
    let done = done?;
    println!(
        "已备份到 {}（{done}），用时 {:.1} 秒 / backed up in {:.1} s",
        args.output.display(),
        started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let url: DbUrl = args.db.db.parse()?;
    let bar = spinner("正在校验并恢复 / checking and restoring");
    let file = args.file.clone();
    let done = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        match &url {
            DbUrl::Sqlite(db) => {
                let lock =
                    std::fs::File::create(lock_path(db)).context("无法创建锁文件 / cannot create the lock file")?;
                lock.try_lock().map_err(|_| {
                    anyhow::anyhow!("zhuqi serve 正在使用该数据库，请先停止服务再恢复 / stop zhuqi serve first")
                })?;
                let (summary, kept) = backup::restore_sqlite(&file, db)?;
                let kept = kept.map(|k| format!("；原数据库已保留为 {}", k.display())).unwrap_or_default();
                Ok(format!("{}{kept}", describe(&summary)))
            }
            DbUrl::Postgres(pg) => {
                backup::restore_postgres(&file, pg)?;
                Ok("PostgreSQL".to_owned())
            }
        }
    })
    .await?;
    bar.finish_and_clear();
    println!("已从 {} 恢复（{}）/ restored", args.file.display(), done?);
    Ok(())
}
