//! No acknowledged write is lost, and no half-written transition is left, when the process is killed with SIGKILL
//! in the middle of its work — on SQLite and on PostgreSQL.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;
use zhuqi_domain::{Action, Appeal};
use zhuqi_store::{DbUrl, Store};

const CHILD_DB: &str = "ZHUQI_DURABILITY_DB";
const CHILD_IDS: &str = "ZHUQI_DURABILITY_IDS";
/// Acknowledged steps to see before pulling the plug.
const ACKS_BEFORE_KILL: usize = 400;

/// The child: moves appeals through the loop as fast as it can and prints every step the store acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the child process of acknowledged_writes_survive_kill_9"]
async fn child_writer() {
    let url: DbUrl = std::env::var(CHILD_DB).expect("db url").parse().expect("url");
    let ids: Vec<i64> = std::env::var(CHILD_IDS).expect("ids").split(',').map(|s| s.parse().expect("id")).collect();
    let city =
        City { enterprise_id: ids[0], unit_id: ids[1], enterprise_user: ids[2], dispatcher: ids[3], handler: ids[4] };
    let store = Store::open(&url).await.expect("open");
    let when = at("2024-03-04T01:00:00Z");
    loop {
        let rec =
            store.create_appeal(sys(), new_appeal(&city, "断电测试"), enterprise(&city), when).await.expect("create");
        println!("ACK {} 1", rec.id);
        let steps = [
            (dispatcher(&city), Action::assign_standard(city.unit_id, "financing")),
            (handler(&city), Action::Acknowledge),
            (handler(&city), Action::Answer { text: "已办结".into() }),
        ];
        for (version, (actor, action)) in (1u32..).zip(steps) {
            store.perform(sys(), rec.id, version, actor, action, when).await.expect("step");
            println!("ACK {} {}", rec.id, version + 1);
        }
    }
}

fn kill_mid_work(url: &DbUrl, city: &City) -> Vec<(i64, u32)> {
    let ids = [city.enterprise_id, city.unit_id, city.enterprise_user, city.dispatcher, city.handler]
        .map(|i| i.to_string())
        .join(",");
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args(["child_writer", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, url.to_string())
        .env(CHILD_IDS, ids)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the child");
    let mut acks = Vec::new();
    let started = Instant::now();
    for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
        let line = line.expect("line");
        if let Some(rest) = line.strip_prefix("ACK ") {
            let mut parts = rest.split(' ');
            let id = parts.next().and_then(|s| s.parse().ok()).expect("id");
            let version = parts.next().and_then(|s| s.parse().ok()).expect("version");
            acks.push((id, version));
        }
        if acks.len() >= ACKS_BEFORE_KILL || started.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    child.kill().expect("SIGKILL"); // std sends SIGKILL on Unix: no destructor, no flush, no checkpoint
    child.wait().expect("reap");
    acks
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("dir");
    let mut targets = vec![(DbUrl::Sqlite(dir.path().join("kill.db")), None)];
    if let Some(admin) = pg_admin_url("acknowledged_writes_survive_kill_9") {
        let (url, guard) = rt.block_on(fresh_pg_database(&admin));
        targets.push((url.parse().expect("url"), Some(guard)));
    }
    for (url, _guard) in targets {
        let city = rt.block_on(async {
            let store = Store::open(&url).await.expect("open");
            let city = seed_city(&store).await;
            store.close().await;
            city
        });
        let acks = kill_mid_work(&url, &city);
        assert!(acks.len() >= ACKS_BEFORE_KILL, "{url}: the child acknowledged only {} steps", acks.len());
        rt.block_on(async {
            let store = Store::open(&url).await.expect("reopen after kill -9");
            for (id, version) in &acks {
                let stored = store.appeal(*id).await.expect("an acknowledged appeal exists");
                assert!(stored.state.version >= *version, "{url}: appeal {id} lost acknowledged version {version}");
            }
            // Whatever was in flight is either whole or absent: every history replays to its stored state.
            let last = acks.iter().map(|(id, _)| *id).max().unwrap_or(0);
            for id in 1..=last + 1 {
                let Ok(stored) = store.appeal(id).await else { continue };
                let events = store.appeal_events(id).await.expect("events");
                assert_eq!(Appeal::replay(&events).expect("replays"), Some(stored.state), "{url}: appeal {id} is torn");
            }
            store.close().await;
        });
    }
}
