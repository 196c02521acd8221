//! The escalation ladder and auto-close run by themselves, take each step once, and write ordinary audited events.

use jiff::Timestamp;
use zhuqi_demo::{self as demo, DemoOptions};
use zhuqi_domain::{ActionKind, Appeal, Role, Status};
use zhuqi_store::{DbUrl, Store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_items_escalate_by_themselves_once() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&DbUrl::Sqlite(dir.path().join("zhuqi.db"))).await.expect("open");
    // A city whose records stop on 2026-06-01; the sweep runs months later, as after a long outage.
    let opts = DemoOptions { seed: 5, enterprises: 40, appeals: 600, today: jiff::civil::date(2026, 6, 1) };
    demo::fill(&store, &opts, &indicatif::ProgressBar::hidden()).await.expect("demo");
    let open_before = store.open_items(zhuqi_domain::Kind::Appeal).await.expect("ids");
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
