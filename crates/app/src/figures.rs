//! `zhuqi figures`: check the figures' sums by day against the appeals and their histories, or count them again.

use std::time::Duration;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use zhuqi_store::Origin;

use crate::cli::{DbArg, open};

#[derive(Debug, Subcommand)]
pub enum FiguresCommand {
    /// 按事件重算每件诉求，核对统计底数（按日汇总）是否分毫不差 / recount every appeal from its events and compare
    Verify(DbArg),
    /// 按诉求现状重新汇总统计底数（核对不符时使用）/ count the sums by day again from the appeals
    Rebuild(DbArg),
}

pub async fn run(command: FiguresCommand) -> anyhow::Result<()> {
    match command {
        FiguresCommand::Verify(db) => {
            let store = open(&db.db).await?;
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} 核对统计底数 [{bar:40}] {pos}/{len} 件诉求 {per_sec} 剩余 {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            let progress = bar.clone();
            let check = store
                .verify_figures(move |done, total| {
                    progress.set_length(total);
                    progress.set_position(done);
                })
                .await;
            bar.finish_and_clear();
            store.close().await;
            let check = check?;
            println!(
                "诉求 {} 件，统计底数 {} 行，超期时段 {} 段 / {} appeals, {} rows of sums, {} overdue spans",
                check.appeals, check.sums, check.spans, check.appeals, check.sums, check.spans
            );
            if check.recounted_by_calendar > 0 {
                println!(
                    "{} 件诉求办结后节假日安排有变：按现行日历重算的按期、工作日数与办结时不同（以办结时为准）/ \
                     closed before a calendar change",
                    check.recounted_by_calendar
                );
            }
            for e in &check.unlike_history_examples {
                println!("  与办理记录不符 / unlike its history: {e}");
            }
            for e in &check.wrong_sum_examples {
                println!("  底数不符 / wrong sum: {e}");
            }
            for e in &check.wrong_span_examples {
                println!("  超期时段不符 / wrong overdue spans: {e}");
            }
            if !check.is_sound() {
                anyhow::bail!(
                    "核对不符：{} 件诉求与办理记录不符，{} 行底数有误，{} 件诉求的超期时段有误（可运行 zhuqi figures \
                     rebuild 重新汇总）/ {} appeals unlike their history, {} wrong sums, {} appeals with wrong spans",
                    check.unlike_history,
                    check.wrong_sums,
                    check.wrong_spans,
                    check.unlike_history,
                    check.wrong_sums,
                    check.wrong_spans
                );
            }
            println!("核对无误：每个数字都与办理记录一致 / every figure agrees with the appeals' histories");
            Ok(())
        }
        FiguresCommand::Rebuild(db) => {
            let store = open(&db.db).await?;
            let bar = ProgressBar::new_spinner().with_message("重新汇总统计底数 / counting again");
            bar.enable_steady_tick(Duration::from_millis(120));
            let counted = store.rebuild_figures(Origin::cli()).await;
            bar.finish_and_clear();
            store.close().await;
            let counted = counted?;
            println!("已按 {counted} 件诉求重新汇总 / counted again from {counted} appeals");
            Ok(())
        }
    }
}
