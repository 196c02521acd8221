//! `zhuqi audit verify`: walks the audit log's hash chain and says whether anyone altered the record.

use std::time::Duration;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use zhuqi_store::{AuditVerdict, Store};

use crate::cli::{DbArg, open};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 校验审计日志的哈希链，发现被改动、删除或插入的记录 / verify the audit log's hash chain
    Verify {
        #[command(flatten)]
        db: DbArg,
        /// 上次校验记下的链头「序号:哈希」，用来发现末尾被删除的记录 / a head written down earlier, SEQ:HASH
        #[arg(long, value_name = "SEQ:HASH")]
        expect: Option<String>,
    },
}

pub async fn run(command: AuditCommand) -> anyhow::Result<()> {
    let AuditCommand::Verify { db, expect } = command;
    let expected = expect
        .map(|e| {
            e.split_once(':')
                .and_then(|(seq, hash)| Some((seq.parse::<i64>().ok()?, hash.to_owned())))
                .ok_or_else(|| anyhow::anyhow!("--expect 的格式应为 序号:哈希 / --expect takes SEQ:HASH"))
        })
        .transpose()?;
    let store = open(&db.db).await?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} 校验审计日志 [{bar:40}] {pos}/{len} {per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let verdict = store
        .verify_audit(|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await?;
    bar.finish_and_clear();
    let result = report(&store, verdict, expected).await;
    store.close().await;
    result
}

async fn report(store: &Store, verdict: AuditVerdict, expected: Option<(i64, String)>) -> anyhow::Result<()> {
    match verdict {
        AuditVerdict::Broken { seq, reason } => {
            anyhow::bail!("审计日志被篡改：第 {seq} 条记录 — {reason} / the audit log was altered at record {seq}")
        }
        AuditVerdict::Intact { records, head } => {
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
                    anyhow::bail!(
                        "审计日志第 {seq} 条与记下的哈希不符 / record {seq} differs from the head written down"
                    );
                }
            }
            println!("审计日志完好：{records} 条记录，哈希链无断裂 / the audit log is intact ({records} records)");
            if let Some((seq, hash)) = head {
                println!("链头 / head: {seq}:{hash}");
                println!(
                    "请记下链头，下次用 --expect {seq}:{hash} 校验，可发现末尾记录被删除 / keep the head to check later"
                );
            }
            Ok(())
        }
    }
}
