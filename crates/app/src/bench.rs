//! `zhuqi bench`: the figures the issues set targets for, measured on this machine and printed.
//!
//! 1. The demo city (2,000 enterprises, ~30,000 appeals) written to a fresh database.
//! 2. Appeal transitions persisted one per transaction from one process: read the appeal, decide with the state
//!    machine, write the new state and its event, commit.

use std::time::Instant;

use anyhow::Context;
use jiff::{Timestamp, ToSpan};
use zhuqi_domain::{Action, Actor, Channel, DeadlinePolicy, Level, Role, Stars};
use zhuqi_store::{DbUrl, NewAppeal, Store};

use crate::demo::{self, DemoOptions};

pub async fn run(db: Option<&str>, enterprises: usize, transitions: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("无法创建临时目录 / cannot create a temp dir")?;
    let url: DbUrl = match db {
        Some(u) => u.parse()?,
        None => DbUrl::Sqlite(dir.path().join("bench.db")),
    };
    let store = Store::open(&url).await?;
    println!("数据库 / database: {url}");

    let opts = DemoOptions { seed: 1, enterprises, appeals: enterprises * 15, today: crate::cli::today() };
    let started = Instant::now();
    let report = demo::fill(&store, &opts, &indicatif::ProgressBar::hidden()).await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "demo: {} enterprises, {} appeals, {} events in {secs:.2} s ({:.0} appeals/s)",
        report.counts.enterprises,
        report.counts.appeals,
        report.counts.events,
        report.counts.appeals as f64 / secs
    );

    // Appeals to move: each takes five transitions (assign, acknowledge, reply, answer, confirm).
    let enterprise_id = 1;
    let handler = Actor::user(1, Role::Handler);
    let dispatcher = Actor::user(1, Role::Dispatcher);
    let enterprise = Actor::user(1, Role::Enterprise);
    let unit_id = 1;
    let count = transitions.div_ceil(5);
    let mut ids = Vec::with_capacity(count);
    let start = Timestamp::now().checked_sub((10 * 24).hours())?;
    for _ in 0..count {
        let new = NewAppeal {
            enterprise_id,
            channel: Channel::Web,
            category: "financing".into(),
            title: "基准测试诉求".into(),
            description: "用于测量流转速度。".into(),
            amount: None,
            draft: false,
        };
        ids.push(store.create_appeal(&new, enterprise, start).await?.id);
    }
    let five = Stars::new(5)?;
    let steps = [
        (dispatcher, Action::Assign { unit_id, co_unit_ids: vec![], level: Level::City, category: "financing".into(), policy: DeadlinePolicy::standard() }),
        (handler, Action::Acknowledge),
        (handler, Action::Reply { text: "正在办理".into() }),
        (handler, Action::Answer { text: "已解决".into() }),
        (enterprise, Action::Confirm { rating: Some(five), comment: String::new() }),
    ];
    let started = Instant::now();
    let mut done = 0usize;
    for (version, (actor, action)) in steps.iter().enumerate() {
        let at = start.checked_add((version as i64 + 1).hours())?;
        for id in &ids {
            store.perform(*id, version as u32 + 1, *actor, action.clone(), at).await?;
            done += 1;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!("transitions: {done} in {secs:.2} s = {:.0} transitions/s (one transaction each, read + decide + write)", done as f64 / secs);
    store.close().await;
    Ok(())
}
