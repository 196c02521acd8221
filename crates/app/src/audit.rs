//! `zhuqi audit`: verify the audit log's hash chain and its seals, seal its head, purge records past the retention.
//!
//! The seals' key lives in a file outside the database (issue 14): by default beside the SQLite file
//! (`zhuqi.db.audit-key`), or `zhuqi-audit.key` in the working directory for PostgreSQL; `--audit-key` or
//! `ZHUQI_AUDIT_KEY` name another. `serve` makes it on first start. Keep a copy apart from the database's backups:
//! whoever holds both can rewrite the log unseen.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;
use rand::RngExt;
use zhuqi_store::{AUDIT_RETENTION_DAYS, AuditKey, AuditVerdict, DbUrl, Origin, Store};

use crate::cli::{DbArg, open};

#[derive(Debug, Args)]
pub struct KeyArg {
    /// 审计印记密钥文件（默认：SQLite 文件旁的 .audit-key，PostgreSQL 为当前目录的 zhuqi-audit.key）/ the audit seal
    /// key file
    #[arg(long = "audit-key", env = "ZHUQI_AUDIT_KEY", value_name = "FILE")]
    pub path: Option<PathBuf>,
}

impl KeyArg {
    /// The key file for the database `db`.
    pub fn path_for(&self, db: &str) -> anyhow::Result<PathBuf> {
        if let Some(p) = &self.path {
            return Ok(p.clone());
        }
        Ok(match db.parse::<DbUrl>()? {
            DbUrl::Sqlite(file) => {
                let mut name = file.into_os_string();
                name.push(".audit-key");
                PathBuf::from(name)
            }
            DbUrl::Postgres(_) => PathBuf::from("zhuqi-audit.key"),
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 校验审计日志的哈希链与密钥印记，发现被改动、删除或插入的记录 / verify the audit log's hash chain and seals
    Verify {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        key: KeyArg,
        /// 上次校验记下的链头「序号:哈希」，用来发现末尾被删除的记录 / a head written down earlier, SEQ:HASH
        #[arg(long, value_name = "SEQ:HASH")]
        expect: Option<String>,
    },
    /// 立即用密钥为审计日志的链头加印记（服务运行时每 5 分钟自动加；无密钥时生成）/ seal the chain's head now
    Seal {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        key: KeyArg,
    },
    /// 清理某日之前的审计记录（至少保存 6 个月）/ delete audit records before a day at least six months ago
    Purge {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        key: KeyArg,
        /// 清理此日（北京时间 0 时）之前的记录 / delete records before this day, YYYY-MM-DD
        #[arg(long)]
        before: Date,
    },
}

/// Reads the key file; `None` when there is none.
pub fn read_key(path: &Path) -> anyhow::Result<Option<AuditKey>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("无法读取审计密钥 / cannot read {}", path.display())),
    };
    let bytes = (0..text.trim().len())
        .step_by(2)
        .map(|i| text.trim().get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| anyhow::anyhow!("审计密钥文件格式不对 / {} is not a hex key", path.display()))?;
    Ok(Some(AuditKey::new(bytes).map_err(|e| anyhow::anyhow!("{e}: {}", path.display()))?))
}

/// The key in `path`, made (256 random bits, readable by its owner only) when there is none yet.
pub fn key_or_new(path: &Path) -> anyhow::Result<AuditKey> {
    if let Some(key) = read_key(path)? {
        return Ok(key);
    }
    let bytes: [u8; 32] = rand::rng().random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file =
        options.open(path).with_context(|| format!("无法创建审计密钥 / cannot create {}", path.display()))?;
    writeln!(file, "{hex}")?;
    file.sync_all()?;
    tracing::warn!(
        "已生成审计印记密钥 {}：请与数据库备份分开另存一份 / made the audit seal key; keep a copy apart from backups",
        path.display()
    );
    AuditKey::new(bytes.to_vec()).map_err(anyhow::Error::msg)
}

pub async fn run(command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify { db, key, expect } => verify(db, key, expect).await,
        AuditCommand::Seal { db, key } => {
            let key = key_or_new(&key.path_for(&db.db)?)?;
            let store = open(&db.db).await?;
            let sealed = store.seal_audit(&key, Origin::cli()).await;
            store.close().await;
            match sealed? {
                Some(seq) => println!("已为第 {seq} 条记录加印记 / sealed record {seq}"),
                None => println!("链头已有印记，无需再加 / the head is sealed already"),
            }
            Ok(())
        }
        AuditCommand::Purge { db, key, before } => {
            let path = key.path_for(&db.db)?;
            let key = read_key(&path)?.ok_or_else(|| no_key(&path))?;
            let start = zhuqi_domain::time::start_of_day(before).context("日期超出范围 / date out of range")?;
            let store = open(&db.db).await?;
            let purged = store.purge_audit(&key, Origin::cli(), start).await;
            store.close().await;
            let purged = purged?;
            println!(
                "已清理 {before} 之前的审计记录 {} 条（至第 {} 条）；保存期不少于 6 个月（{AUDIT_RETENTION_DAYS} 天）/ \
                 deleted {} records",
                purged.records, purged.through_seq, purged.records
            );
            Ok(())
        }
    }
}

fn no_key(path: &Path) -> anyhow::Error {
    anyhow::anyhow!("找不到审计密钥 {}（服务首次启动时生成）/ no audit key at that path", path.display())
}

async fn verify(db: DbArg, key: KeyArg, expect: Option<String>) -> anyhow::Result<()> {
    let expected = expect
        .map(|e| {
            e.split_once(':')
                .and_then(|(seq, hash)| Some((seq.parse::<i64>().ok()?, hash.to_owned())))
                .ok_or_else(|| anyhow::anyhow!("--expect 的格式应为 序号:哈希 / --expect takes SEQ:HASH"))
        })
        .transpose()?;
    let key = read_key(&key.path_for(&db.db)?)?;
    let store = open(&db.db).await?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} 校验审计日志 [{bar:40}] {pos}/{len} {per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let verdict = store
        .verify_audit(key.as_ref(), |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await;
    bar.finish_and_clear();
    let result = match verdict {
        Ok(v) => report(&store, v, expected).await,
        Err(e) => Err(e.into()),
    };
    store.close().await;
    result
}

async fn report(store: &Store, verdict: AuditVerdict, expected: Option<(i64, String)>) -> anyhow::Result<()> {
    let (records, head, seals, unsealed, unsealed_since, keyed, purged_through) = match verdict {
        AuditVerdict::Broken { seq, reason } => {
            anyhow::bail!("审计日志被篡改：第 {seq} 条记录 — {reason} / the audit log was altered at record {seq}")
        }
        AuditVerdict::Intact { records, head, seals, unsealed, unsealed_since, keyed, purged_through } => {
            (records, head, seals, unsealed, unsealed_since, keyed, purged_through)
        }
    };
    if let Some((seq, hash)) = &expected {
        let chain_has_it = head.as_ref().is_some_and(|(h, _)| h >= seq);
        if !chain_has_it {
            anyhow::bail!(
                "审计日志被截短：应至少有 {seq} 条，现仅 {records} 条 / the audit log was cut short before record {seq}"
            );
        }
        // The stored hash of that record (the chain up to the head has just been verified).
        let found = store.audit_records(Some(seq + 1), 1).await?.into_iter().next().filter(|r| r.seq == *seq);
        if found.map(|r| r.hash).as_deref() != Some(hash.as_str()) {
            anyhow::bail!("审计日志第 {seq} 条与记下的哈希不符 / record {seq} differs from the head written down");
        }
    }
    println!("审计日志完好：{records} 条记录，哈希链无断裂 / the audit log is intact ({records} records)");
    if purged_through > 0 {
        println!("第 {purged_through} 条及之前的记录已按保存期清理 / records up to {purged_through} were purged");
    }
    if keyed {
        println!("已用审计密钥核对 {seals} 个印记 / {seals} seals checked with the key");
        if let Some(since) = unsealed_since.and_then(zhuqi_domain::time::from_micros) {
            // The server seals every 5 minutes: a longer stretch is worth a look.
            println!(
                "最新印记之后有 {unsealed} 条记录尚无印记（最早写于 {}）：服务运行时每 5 分钟加印；若时间远早于此，\
                 请查明是否停机或印记被删除 / {unsealed} records since the last seal",
                zhuqi_domain::time::local_minute(since)
            );
        }
    } else {
        println!(
            "未找到审计密钥，只核对了印记与链是否一致：重算全部哈希的改写须用密钥才能发现 / no key: seals not checked"
        );
    }
    if let Some((seq, hash)) = head {
        println!("链头 / head: {seq}:{hash}");
        println!("请记下链头，下次用 --expect {seq}:{hash} 校验，可发现末尾记录被删除 / keep the head to check later");
    }
    Ok(())
}
