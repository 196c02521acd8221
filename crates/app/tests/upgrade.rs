//! A database made by an earlier release upgrades in place with every record kept (issue 15). The fixture is the demo
//! city (30 enterprises, 198 appeals, with their events, projects and audit chain) as `zhuqi demo` of the release
//! before the work-item engine wrote it (schema 19), zipped: opening it with this code runs the new migrations, and
//! nothing that was there changes — every table's rows, every appeal's stored state byte for byte — every history
//! still replays to its state, the audit chain verifies, and the sweep runs over it.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use zhuqi_domain::Kind;
use zhuqi_store::{AuditVerdict, DbUrl, Store};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/demo-schema-19.zip");

fn unzip(to: &Path) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(FIXTURE).expect("fixture")).expect("a zip");
    let mut entry = archive.by_name("demo-schema-19.sqlite").expect("the database");
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).expect("read");
    std::fs::write(to, bytes).expect("write");
}

/// Every table's row count, and every appeal's (id, version, state) as stored.
type Snapshot = (BTreeMap<String, i64>, Vec<(i64, i64, String)>);

fn snapshot(path: &Path) -> Snapshot {
    let db = rusqlite::Connection::open(path).expect("open");
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names");
    let counts = tables
        .into_iter()
        .map(|t| {
            let n: i64 = db.query_row(&format!("SELECT COUNT(*) FROM \"{t}\""), [], |r| r.get(0)).expect("count");
            (t, n)
        })
        .collect();
    let appeals = db
        .prepare("SELECT id, version, state FROM appeals ORDER BY id")
        .expect("appeals")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    (counts, appeals)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_database_of_the_previous_release_upgrades_with_every_record_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("zhuqi.db");
    unzip(&path);
    let (before, appeals_before) = snapshot(&path);
    assert_eq!(appeals_before.len(), 198, "the fixture");
    assert!(!before.contains_key("tasks"), "the fixture predates tasks");

    let store = Store::open(&DbUrl::Sqlite(path.clone())).await.expect("opens and migrates");
    assert!(!store.open_items(Kind::Appeal).await.expect("open appeals").is_empty(), "the fixture has open appeals");
    for (id, _, _) in &appeals_before {
        let id = *id;
        let state = store.item_state(Kind::Appeal, id).await.expect("state");
        let replayed = zhuqi_domain::Appeal::replay(&store.appeal_events(id).await.expect("events")).expect("replays");
        assert_eq!(replayed, Some(state), "appeal {id} replays to its stored state");
    }
    let verdict = store.verify_audit(None, |_, _| {}).await.expect("verify");
    assert!(matches!(verdict, AuditVerdict::Intact { .. }), "{verdict:?}");
    zhuqi::jobs::sweep(&store, jiff::Timestamp::now()).await.expect("the sweep runs over the upgraded city");
    store.close().await;

    let (after, appeals_after) = snapshot(&path);
    for (table, n) in &before {
        // The sweep may take escalation steps and write their events and audit records; all else stays as it was.
        if ["appeals", "appeal_events", "audit_log", "zhuqi_migrations"].contains(&table.as_str()) {
            assert!(after[table] >= *n, "{table}: {n} → {}", after[table]);
        } else {
            assert_eq!(after[table], *n, "{table} kept every row");
        }
    }
    assert_eq!(after["appeals"], before["appeals"], "no appeal lost or added");
    assert_eq!(after["tasks"], 0, "the new tables are there, empty");
    for ((id, version, state), (id2, version2, state2)) in appeals_before.iter().zip(&appeals_after) {
        assert_eq!(id, id2);
        if version == version2 {
            assert_eq!(state, state2, "appeal {id}: its stored state is byte for byte what it was");
        }
    }
}
