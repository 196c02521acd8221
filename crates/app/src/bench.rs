//! `zhuqi bench`: the figures the issues set targets for, measured on this machine and printed.
//!
//! 1. The demo city (2,000 enterprises, ~30,000 appeals) written to a fresh database.
//! 2. Appeal transitions persisted one per transaction from one process: read the appeal, decide with the state
//!    machine, write the new state and its event, commit.

use std::time::Instant;

use anyhow::Context;
use jiff::{Timestamp, ToSpan};
use zhuqi_demo::{self as demo, DemoOptions};
use zhuqi_domain::{Action, Actor, Channel, Role, Stars};
use zhuqi_store::{DbUrl, NewAppeal, Origin, Store};

/// Rounds of each client count; each round moves `transitions` transitions.
const ROUNDS: usize = 3;

pub async fn run(db: Option<&str>, enterprises: usize, transitions: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("无法创建临时目录 / cannot create a temp dir")?;
    let url: DbUrl = match db {
        Some(u) => u.parse()?,
        None => DbUrl::Sqlite(dir.path().join("bench.db")),
    };
    let store = Store::open(&url).await?;
    println!("数据库 / database: {url}");

    let opts = DemoOptions { seed: 1, enterprises, appeals: enterprises * 15, today: zhuqi_domain::time::today() };
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
    let count = transitions.div_ceil(5) * 2 * ROUNDS;
    let mut rates: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
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
        ids.push(store.create_appeal(Origin::system("bench"), new, enterprise, start).await?.id);
    }
    let five = Stars::new(5)?;
    let steps = [
        (dispatcher, Action::assign_standard(unit_id, "financing")),
        (handler, Action::Acknowledge),
        (handler, Action::Reply { text: "正在办理".into() }),
        (handler, Action::Answer { text: "已解决".into() }),
        (enterprise, Action::Confirm { rating: Some(five), comment: String::new() }),
    ];
    // One client after the other, then 16 at once (as a server's requests arrive), ROUNDS times each on fresh
    // appeals: each transition is its own transaction either way. The machine is shared and noisy, so the median
    // is the figure to quote.
    let rounds: Vec<&[i64]> = ids.chunks(ids.len().div_ceil(2 * ROUNDS)).collect();
    for (r, batch) in rounds.iter().enumerate() {
        let clients = if r % 2 == 0 { 1 } else { 16 };
        let started = Instant::now();
        let mut tasks = Vec::new();
        for chunk in batch.chunks(batch.len().div_ceil(clients)) {
            let (store, chunk, steps) = (store.clone(), chunk.to_vec(), steps.clone());
            tasks.push(tokio::spawn(async move {
                for (version, (actor, action)) in steps.iter().enumerate() {
                    let at = start.checked_add((version as i64 + 1).hours())?;
                    for id in &chunk {
                        store
                            .perform(Origin::system("bench"), *id, version as u32 + 1, *actor, action.clone(), at)
                            .await?;
                    }
                }
                Ok::<usize, anyhow::Error>(chunk.len() * steps.len())
            }));
        }
        let mut done = 0;
        for task in tasks {
            done += task.await??;
        }
        let secs = started.elapsed().as_secs_f64();
        let rate = done as f64 / secs;
        println!("transitions, {clients:>2} client(s): {done} in {secs:.2} s = {rate:.0}/s");
        rates[r % 2].push(rate);
    }
    for (clients, mut r) in [(1, rates[0].clone()), (16, rates[1].clone())] {
        r.sort_by(f64::total_cmp);
        let median = r.get(r.len() / 2).copied().unwrap_or_default();
        println!(
            "transitions, {clients:>2} client(s), median of {}: {median:.0} transitions/s (each its own transaction: read + decide + write + commit)",
            r.len()
        );
    }
    store.close().await;
    Ok(())
}

/// `zhuqi bench --projects`: times `project_metrics` over the whole ledger of the database `db` (as a leader of its
/// top region, as `--report` does), `rounds` times, after adding synthetic projects up to `generate` if asked.
pub async fn projects(db: &str, generate: Option<usize>, rounds: usize) -> anyhow::Result<()> {
    let store = crate::cli::open(db).await?;
    let today = zhuqi_domain::time::today();
    generating(
        generate,
        "生成项目 / generating projects",
        "projects (12 monthly reports each)",
        |count, progress| store.generate_projects(Origin::system("bench"), count, today, progress),
    )
    .await?;
    let reader = crate::report::installation(&store).await?;
    let query =
        zhuqi_store::MetricsQuery { region: None, as_of: today, industry: None, batch_id: None, whitelist_only: false };
    let (times, projects) =
        timed(rounds, || async { Ok(store.project_metrics(&reader, query.clone()).await?.total.projects) }).await?;
    println!("数据库 / database: {db}");
    report(&format!("project_metrics as of {today} over {projects} projects ({})", region(&reader)), &times);
    store.close().await;
    Ok(())
}

/// `zhuqi bench --disputes`: times the 多元解纷 figures (by county, as of today, the whole installation) over the
/// database `db`, after copying its cases up to `generate` if asked (`zhuqi demo` first gives it 1,600 to copy).
pub async fn disputes(db: &str, generate: Option<usize>, rounds: usize) -> anyhow::Result<()> {
    let store = crate::cli::open(db).await?;
    let today = zhuqi_domain::time::today();
    generating(generate, "复制纠纷案件 / copying dispute cases", "cases", |count, progress| {
        store.copy_disputes(count, progress)
    })
    .await?;
    let reader = crate::report::installation(&store).await?;
    let grouping = zhuqi_store::DisputeGrouping::County;
    let (times, cases) =
        timed(rounds, || async { Ok(store.dispute_figures(&reader, None, today, grouping).await?.total.received) })
            .await?;
    println!("数据库 / database: {db}");
    report(&format!("dispute_figures by county as of {today} over {cases} cases ({})", region(&reader)), &times);
    store.close().await;
    Ok(())
}

/// `zhuqi bench --meetings`: times the report the latest weekly meeting opens with (上周交办事项完成情况: the tasks of
/// the meeting before, each replayed to the meeting's day) over the database `db`, after copying its meetings and
/// tasks up to `generate` tasks if asked; and, beside it, the 周交办 part of this year's bulletin.
pub async fn meetings(db: &str, generate: Option<usize>, rounds: usize) -> anyhow::Result<()> {
    let store = crate::cli::open(db).await?;
    let today = zhuqi_domain::time::today();
    generating(generate, "复制周交办会议 / copying meetings and tasks", "tasks", |count, progress| {
        store.copy_meetings(count, progress)
    })
    .await?;
    let reader = crate::report::installation(&store).await?;
    let latest =
        store.meetings_for(&reader).await?.into_iter().next().context("数据库中没有周交办会议 / no meetings")?;
    let total = store.tasks_for(&reader, zhuqi_store::TaskFilter { limit: 1, ..Default::default() }).await?.total;
    let (times, lines) = timed(rounds, || async {
        Ok(store.previous_meeting_report(&reader, latest.id).await?.map_or(0, |r| r.lines.len()))
    })
    .await?;
    println!("数据库 / database: {db}");
    report(&format!("previous_meeting_report of «{}» ({lines} tasks) among {total} tasks", latest.title), &times);
    let year = today.first_of_year();
    let (times, standing) =
        timed(rounds, || async { Ok(store.task_standings(&reader, None, year, today).await?.len()) }).await?;
    report(&format!("task_standings of this year's bulletin ({standing} tasks since {year})"), &times);
    store.close().await;
    Ok(())
}

/// `zhuqi bench --policies`: times policy matching over the database `db` (after copying its enterprises, facts and
/// all, up to `generate` if asked): each policy in force against every enterprise (the slowest is the figure for
/// "one policy"), all of them at once (the 执行清单's counts), and an enterprise's own policies (its portal).
pub async fn policies(db: &str, generate: Option<usize>, rounds: usize) -> anyhow::Result<()> {
    let store = crate::cli::open(db).await?;
    let today = zhuqi_domain::time::today();
    generating(generate, "复制企业 / copying enterprises", "enterprises", |count, progress| {
        store.copy_enterprises(count, progress)
    })
    .await?;
    let reader = crate::report::installation(&store).await?;
    let enterprises = store.counts().await?.enterprises;
    println!("数据库 / database: {db}");
    let reach = store.policy_reach(&reader, today).await?;
    anyhow::ensure!(!reach.is_empty(), "数据库中没有现行政策（请先写入演示数据）/ no policies in force");
    // Each policy once: the slowest and the median of them, then the slowest again for `rounds`.
    let mut each = Vec::with_capacity(reach.len());
    for r in &reach {
        let (policy, count) = (&r.policy, r.matched);
        let started = Instant::now();
        let page = store.policy_matches_for(&reader, policy.id, today, 0, 20).await?;
        each.push((started.elapsed().as_secs_f64() * 1000.0, policy.id, page.total));
        anyhow::ensure!(
            page.total == count,
            "policy {}: {} matched one by one, {count} all at once",
            policy.id,
            page.total
        );
    }
    each.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (slowest, id, matched) = each[each.len() - 1];
    println!(
        "policy_matches_for, each of {} policies once over {enterprises} enterprises: median {:.0} ms, slowest {slowest:.0} ms",
        each.len(),
        each[each.len() / 2].0
    );
    let (times, _) =
        timed(rounds, || async { Ok(store.policy_matches_for(&reader, id, today, 0, 20).await?.total) }).await?;
    report(&format!("policy_matches_for the slowest policy ({matched} of {enterprises} enterprises qualify)"), &times);
    let (times, n) = timed(rounds, || async { Ok(store.policy_reach(&reader, today).await?.len()) }).await?;
    report(&format!("policy_reach: all {n} policies in force against {enterprises} enterprises (执行清单)"), &times);
    // An enterprise's portal: 200 enterprises spread over the table, once each; the 95th percentile.
    let (page, _) = store.enterprise_page(&reader, None, None, 1, 1).await?;
    let first = page.first().map_or(1, |e| e.id);
    let step = (enterprises / 200).max(1);
    let mut portal = Vec::with_capacity(200);
    for k in 0..200 {
        let started = Instant::now();
        store.enterprise_policies_for(&reader, first + k * step, today).await?;
        portal.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    portal.sort_by(f64::total_cmp);
    println!(
        "enterprise_policies_for (an enterprise's portal), 200 enterprises: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        portal[100], portal[189], portal[199]
    );
    store.close().await;
    Ok(())
}

/// With `count`, adds rows up to it with `add` under a progress bar, and prints how many `what` it added and how
/// long that took.
async fn generating<F, Fut>(count: Option<usize>, message: &'static str, what: &str, add: F) -> anyhow::Result<()>
where
    F: FnOnce(usize, Box<dyn Fn(usize) + Send>) -> Fut,
    Fut: std::future::Future<Output = Result<usize, zhuqi_store::StoreError>>,
{
    let Some(count) = count else { return Ok(()) };
    let bar = indicatif::ProgressBar::new(count as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(message);
    let started = Instant::now();
    let progress = bar.clone();
    let added = add(count, Box::new(move |n| progress.set_position(n as u64))).await?;
    bar.finish_and_clear();
    println!("生成 / generated: {added} {what} in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Runs `f` `rounds` times (at least once): the milliseconds of each run, and what the last returned.
async fn timed<T, F, Fut>(rounds: usize, f: F) -> anyhow::Result<(Vec<f64>, T)>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut times = Vec::with_capacity(rounds);
    let mut last = None;
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        last = Some(f().await?);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok((times, last.context("no round ran")?))
}

/// One line: what was timed, the median and every round, in ms.
fn report(what: &str, times: &[f64]) {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rounds: Vec<String> = times.iter().map(|t| format!("{t:.0}")).collect();
    println!("{what}: median {:.0} ms (rounds {} ms)", sorted[sorted.len() / 2], rounds.join(" / "));
}

fn region(p: &zhuqi_store::Principal) -> &str {
    p.region.as_ref().map_or("—", |r| r.as_str())
}
