//! The escalation ladder and auto-close run by themselves, take each step once, and write ordinary audited events.

#[path = "support/cli.rs"]
mod cli_support;
mod support;

use std::process::Child;
use std::time::{Duration, Instant};

use jiff::{Timestamp, ToSpan};
use zhuqi_demo::{self as demo, DemoOptions};
use zhuqi_domain::{ActionKind, Appeal, Kind, Role, Status};
use zhuqi_store::{DbUrl, Store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_items_escalate_by_themselves_once() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&DbUrl::Sqlite(dir.path().join("zhuqi.db"))).await.expect("open");
    // A city whose records stop on 2026-06-01; the sweep runs months later, as after a long outage.
    let opts = DemoOptions { seed: 5, enterprises: 40, appeals: 600, today: jiff::civil::date(2026, 6, 1) };
    demo::fill(&store, &opts, &indicatif::ProgressBar::hidden()).await.expect("demo");
    let open_before = store.open_items(zhuqi_domain::Kind::Appeal).await.expect("ids");
    // The sweep reads them a slice at a time along the open items (drafts, waiting ones among them): slices of 7
    // give every one of them, once.
    let (mut sliced, mut after) = (Vec::new(), None);
    loop {
        let (items, last) = store.open_item_states(Kind::Appeal, after, 7).await.expect("a slice");
        sliced.extend(items.into_iter().map(|(id, _)| id));
        if last.is_none() {
            break;
        }
        after = last;
    }
    sliced.sort_unstable();
    assert_eq!(sliced, open_before);
    let answered_before: Vec<i64> = {
        let mut v = Vec::new();
        for id in &open_before {
            if store.appeal(*id).await.expect("appeal").state.status == Status::Answered {
                v.push(*id);
            }
        }
        v
    };
    assert!(!open_before.is_empty() && !answered_before.is_empty());

    let now: Timestamp = "2026-11-20T02:00:00Z".parse().expect("time");
    let taken = zhuqi::jobs::sweep(&store, now).await.expect("sweep");
    assert!(taken > 0);
    assert_eq!(zhuqi::jobs::sweep(&store, now).await.expect("sweep again"), 0, "each step is taken once");

    // Every answer left unconfirmed for months is closed as confirmed, by the system, without a rating.
    for id in answered_before {
        let rec = store.appeal(id).await.expect("appeal");
        assert_eq!(rec.state.status, Status::Closed);
        assert!(rec.state.rating.is_none() && rec.state.resolved);
        let last = store.appeal_events(id).await.expect("events").pop().expect("an event");
        assert_eq!((last.action.kind(), last.actor.role), (ActionKind::AutoClose, Role::System));
    }
    // Items still with a unit months after their due date went up the whole ladder, and history still replays.
    for id in store.open_items(zhuqi_domain::Kind::Appeal).await.expect("ids") {
        let rec = store.appeal(id).await.expect("appeal");
        let events = store.appeal_events(id).await.expect("events");
        assert_eq!(Appeal::replay(&events).expect("replays"), Some(rec.state.clone()));
        if rec.state.status.is_with_unit() {
            let steps = events.iter().filter(|e| e.action.kind() == ActionKind::Escalate).count();
            assert!(steps >= 4, "appeal {id} overdue for months took {steps} escalation steps");
        }
    }
}

/// Issue 17, several instances: three `zhuqi serve` on one PostgreSQL database sweep the same late items at once,
/// and one is killed mid-sweep. Every step due is taken exactly once: none is left due, each item took as many
/// steps as were due, and every history replays (a step taken twice in a cycle would be refused). A session opened
/// on one instance serves on another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_take_each_step_once_though_one_dies_mid_sweep() {
    let Some(admin) = support::db::pg_admin_url("three_instances_take_each_step_once") else { return };
    let (url, _guard) = support::db::fresh_pg_database(&admin).await;
    let dir = tempfile::tempdir().expect("dir");
    // A city whose records stopped four months ago: its open items have their whole ladder due.
    let today = zhuqi_domain::time::today();
    let then = today.checked_sub(120.days()).expect("in range").to_string();
    let args = ["demo", "--db", &url, "--enterprises", "40", "--appeals", "800", "--today", &then];
    let out = cli_support::zhuqi(&args, dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let store = Store::open(&url.parse::<DbUrl>().expect("url")).await.expect("open");
    let cal = store.calendar();
    let mut due = Vec::new();
    for kind in Kind::ALL {
        for id in store.open_items(kind).await.expect("open items") {
            let state = store.item_state(kind, id).await.expect("state");
            let steps = zhuqi::jobs::due_steps(&state, &cal, today).len();
            if steps > 0 {
                due.push((kind, id, state.version, steps));
            }
        }
    }
    let steps: usize = due.iter().map(|d| d.3).sum();
    assert!(due.len() > 50, "only {} items have steps due", due.len());

    let left = async || {
        let mut left = 0;
        for (kind, id, _, _) in &due {
            let state = store.item_state(*kind, *id).await.expect("state");
            left += zhuqi::jobs::due_steps(&state, &cal, today).len();
        }
        left
    };
    let (mut servers, addrs): (Vec<Child>, Vec<String>) = (0..3).map(|_| cli_support::serve(&url, dir.path())).unzip();
    // The first dies once the sweeps have begun (the first late item moved): SIGKILL, its transaction cut wherever
    // it was.
    let (kind, first, version, _) = due[0];
    let started = Instant::now();
    while store.item_state(kind, first).await.expect("state").version == version {
        assert!(started.elapsed() < Duration::from_secs(60), "no sweep began");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    servers[0].kill().expect("SIGKILL");
    servers[0].wait().expect("reap");
    let at_kill = left().await;
    assert!(at_kill > 0, "the sweeps were over before the kill");
    // The other two finish: wait until nothing is due.
    let left = loop {
        let left = left().await;
        if left == 0 || started.elapsed() > Duration::from_secs(180) {
            break left;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    // A session opened on one instance is good on another (sessions are rows of the database).
    let http = reqwest::Client::new();
    let signed = http
        .post(format!("http://{}/api/v1/session", addrs[1]))
        .json(&serde_json::json!({"username": "lingdao", "password": "Demo@2026"}))
        .send()
        .await
        .expect("sign in");
    assert!(signed.status().is_success(), "{}", signed.status());
    let cookie = signed.headers()["set-cookie"].to_str().expect("cookie").split(';').next().expect("cookie").to_owned();
    let dashboard =
        http.get(format!("http://{}/dashboard", addrs[2])).header("Cookie", cookie).send().await.expect("dashboard");
    assert_eq!(dashboard.status(), reqwest::StatusCode::OK);
    assert!(dashboard.text().await.expect("page").contains("红灯超期"));
    for s in &mut servers[1..] {
        s.kill().expect("stop");
        s.wait().expect("reap");
    }
    assert_eq!(left, 0, "steps still due after the sweeps");
    let mut taken = 0;
    for (kind, id, version, _) in &due {
        let state = store.item_state(*kind, *id).await.expect("state");
        let history = store.item_history(*kind, *id).await.expect("history");
        let replayed = Appeal::replay_as(*kind, &history).unwrap_or_else(|e| panic!("{kind:?} {id}: {e}"));
        assert_eq!(replayed.as_ref(), Some(&state), "{kind:?} {id}: history and state");
        for event in history.iter().filter(|e| e.seq > *version) {
            assert_eq!(event.actor.role, Role::System, "{kind:?} {id}: only the sweep moved it");
            taken += 1;
        }
    }
    assert_eq!(taken, steps, "each step due taken once");
    store.close().await;
    let verified = cli_support::zhuqi(&["audit", "verify", "--db", &url], dir.path());
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
    println!("{} items, {steps} steps ({at_kill} left when one of three died), each taken once", due.len());
}
