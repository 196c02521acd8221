//! The audit log: every write leaves a chained record; a row changed, deleted or slipped in through raw SQL is found
//! by `verify`, which names the first bad record. On SQLite and on PostgreSQL.

mod support;

use std::collections::HashMap;
use support::*;
use zhuqi_domain::{Action, Role};

use sha2::{Digest, Sha256};
use zhuqi_store::{AuditKey, AuditRecord, AuditVerdict, DbUrl, Origin, SEAL_ACTION, StoreError};

/// A city, an appeal moved twice and a permission change: a dozen audit records.
async fn history(db: &TestDb) -> i64 {
    let s = &db.store;
    let city = seed_city(s).await;
    let rec = submit(s, &city, "审计测试").await;
    let as_dispatcher = Origin { user_id: Some(city.dispatcher), ..Origin::system("10.0.0.8") };
    s.perform(as_dispatcher, rec.id, 1, dispatcher(&city), assign(city.unit_id), at("2024-03-04T02:00:00Z"))
        .await
        .expect("assign");
    s.set_user_roles(Origin::cli(), city.handler, vec![Role::Handler, Role::Leader]).await.expect("roles");
    match s.verify_audit(None, |_, _| {}).await.expect("verify") {
        AuditVerdict::Intact { records, head: Some((seq, _)), .. } => {
            assert_eq!(records as i64, seq);
            seq
        }
        other => panic!("{}: a fresh log must verify: {other:?}", db.backend),
    }
}

fn assign(unit: i64) -> Action {
    Action::assign_standard(unit, "financing")
}

fn broken_at(v: AuditVerdict) -> i64 {
    match v {
        AuditVerdict::Broken { seq, .. } => seq,
        AuditVerdict::Intact { .. } => panic!("tampering went unnoticed"),
    }
}

#[tokio::test]
async fn every_write_is_recorded_with_who_where_what_and_the_change() {
    for db in backends("every_write_is_recorded_with_who_where_what_and_the_change").await {
        let n = history(&db).await;
        let records = db.store.audit_records(None, 100).await.expect("read");
        assert_eq!(records.len() as i64, n);
        let assign = records.iter().find(|r| r.action == "appeal.assign").expect("the assignment");
        assert_eq!((assign.source.as_str(), assign.actor_user_id.is_some()), ("10.0.0.8", true));
        assert!(assign.before.as_deref().is_some_and(|b| b.contains("submitted")), "{assign:?}");
        assert!(assign.after.as_deref().is_some_and(|a| a.contains("assigned")), "{assign:?}");
        let roles = records.iter().find(|r| r.action == "user.roles").expect("the permission change");
        assert_eq!(roles.before.as_deref(), Some("[\"handler\"]"));
        assert_eq!(roles.after.as_deref(), Some("[\"handler\",\"leader\"]"));
        assert_eq!(roles.source, "cli");
        for action in ["region.add", "unit.add", "enterprise.add", "user.add", "appeal.create", "meta.set"] {
            assert!(records.iter().any(|r| r.action == action), "{}: no {action} record", db.backend);
        }
        // The database itself refuses to change or remove a record.
        assert!(raw_sql(&db, "UPDATE audit_log SET actor = 'x' WHERE seq = 1").is_err(), "{}", db.backend);
        assert!(raw_sql(&db, "DELETE FROM audit_log WHERE seq = 1").is_err(), "{}", db.backend);
    }
}

#[tokio::test]
async fn a_changed_record_is_found() {
    for db in backends("a_changed_record_is_found").await {
        history(&db).await;
        drop_audit_guards(&db);
        raw_sql(&db, "UPDATE audit_log SET source = '127.0.0.1' WHERE action = 'appeal.assign'").expect("tamper");
        let seq = db
            .store
            .audit_records(None, 100)
            .await
            .expect("read")
            .iter()
            .find(|r| r.action == "appeal.assign")
            .expect("row")
            .seq;
        assert_eq!(broken_at(db.store.verify_audit(None, |_, _| {}).await.expect("verify")), seq, "{}", db.backend);
    }
}

#[tokio::test]
async fn a_changed_record_with_its_hash_recomputed_is_found_at_the_next() {
    for db in backends("a_changed_record_with_its_hash_recomputed_is_found_at_the_next").await {
        history(&db).await;
        drop_audit_guards(&db);
        // Whoever rewrites a row and its own hash still breaks the link from the row after it.
        raw_sql(&db, "UPDATE audit_log SET hash = 'ab' || substr(hash, 3) WHERE seq = 3").expect("tamper");
        assert_eq!(broken_at(db.store.verify_audit(None, |_, _| {}).await.expect("verify")), 3, "{}", db.backend);
    }
}

#[tokio::test]
async fn a_deleted_record_is_found() {
    for db in backends("a_deleted_record_is_found").await {
        history(&db).await;
        drop_audit_guards(&db);
        raw_sql(&db, "DELETE FROM audit_log WHERE seq = 4").expect("tamper");
        assert_eq!(broken_at(db.store.verify_audit(None, |_, _| {}).await.expect("verify")), 5, "{}", db.backend);
        // The newest record removed leaves a whole but shorter chain: only a head written down earlier shows it
        // (`zhuqi audit verify --expect SEQ:HASH`).
        raw_sql(&db, "DELETE FROM audit_log WHERE seq >= 4").expect("tamper");
        match db.store.verify_audit(None, |_, _| {}).await.expect("verify") {
            AuditVerdict::Intact { head: Some((3, _)), .. } => {}
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn an_inserted_record_is_found() {
    for db in backends("an_inserted_record_is_found").await {
        let n = history(&db).await;
        drop_audit_guards(&db);
        let row = |seq: i64, prev: &str| {
            format!(
                "INSERT INTO audit_log (seq, at, actor_user_id, actor, actor_role, source, action, object, before, after, \
                 prev_hash, hash) VALUES ({seq}, 0, NULL, 'ghost', 'system', 'cli', 'user.roles', 'user:1', NULL, NULL, \
                 '{prev}', 'ff')"
            )
        };
        raw_sql(&db, &row(n + 1, "00")).expect("append a forged record");
        assert_eq!(broken_at(db.store.verify_audit(None, |_, _| {}).await.expect("verify")), n + 1, "{}", db.backend);
        raw_sql(&db, &format!("DELETE FROM audit_log WHERE seq = {}; {}", n + 1, row(0, "00")))
            .expect("slip one in front");
        assert_eq!(broken_at(db.store.verify_audit(None, |_, _| {}).await.expect("verify")), 0, "{}", db.backend);
    }
}

/// The hash a record's fields make, as whoever has read the program can compute it.
fn hash_of(r: &AuditRecord) -> String {
    let canonical = serde_json::json!([
        r.seq,
        r.at,
        r.actor_user_id,
        [&r.actor, &r.actor_role, &r.source, &r.action, &r.object],
        [&r.before, &r.after],
        &r.prev_hash
    ]);
    Sha256::digest(canonical.to_string().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What a DBA who has read the program can do: edit records and recompute every hash after them, so that the chain is
/// whole again. `edit` sees the recomputed hashes of the records before.
async fn rewrite_chain(db: &TestDb, edit: impl Fn(&mut AuditRecord, &HashMap<i64, String>)) {
    let mut records = db.store.audit_records(None, 100_000).await.expect("read");
    records.reverse();
    let (mut prev, mut hashes, mut sql) = (zhuqi_store::GENESIS.to_owned(), HashMap::new(), String::new());
    let quoted = |t: &Option<String>| t.as_ref().map_or("NULL".to_owned(), |t| format!("'{}'", t.replace('\'', "''")));
    for mut r in records {
        edit(&mut r, &hashes);
        r.prev_hash = prev;
        r.hash = hash_of(&r);
        sql.push_str(&format!(
            "UPDATE audit_log SET at = {}, before = {}, after = {}, prev_hash = '{}', hash = '{}' WHERE seq = {};\n",
            r.at,
            quoted(&r.before),
            quoted(&r.after),
            r.prev_hash,
            r.hash,
            r.seq
        ));
        hashes.insert(r.seq, r.hash.clone());
        prev = r.hash;
    }
    raw_sql(db, &sql).expect("rewrite");
}

async fn verify(db: &TestDb, key: Option<&AuditKey>) -> AuditVerdict {
    db.store.verify_audit(key, |_, _| {}).await.expect("verify")
}

/// Issue 14: a chain rewritten with every hash recomputed is whole — but a seal names the old hash, and a seal
/// rewritten to match cannot carry a MAC made with the key, which stays outside the database.
#[tokio::test]
async fn a_chain_rewritten_with_every_hash_recomputed_is_caught_by_the_keyed_seals() {
    for db in backends("a_chain_rewritten_with_every_hash_recomputed").await {
        let b = db.backend;
        let n = history(&db).await;
        let key = AuditKey::new(vec![7; 32]).expect("key");
        assert_eq!(db.store.seal_audit(&key, sys()).await.expect("seal"), Some(n), "{b}");
        assert_eq!(db.store.seal_audit(&key, sys()).await.expect("seal"), None, "{b}: nothing new to seal");
        match verify(&db, Some(&key)).await {
            AuditVerdict::Intact { seals: 1, unsealed: 0, keyed: true, purged_through: 0, .. } => {}
            other => panic!("{b}: {other:?}"),
        }
        drop_audit_guards(&db);
        rewrite_chain(&db, |r, _| {
            if r.action == "user.roles" {
                r.after = Some("[\"handler\"]".into());
            }
        })
        .await;
        assert_eq!(broken_at(verify(&db, None).await), n, "{b}: the seal names record {n}'s old hash");
        // The seal rewritten to name the new hash (its MAC cannot be remade): only the key tells.
        rewrite_chain(&db, |r, hashes| {
            if r.action == SEAL_ACTION {
                let mut stamp: serde_json::Value =
                    serde_json::from_str(r.after.as_deref().expect("stamp")).expect("json");
                // One chain: the test writes one record at a time.
                stamp["heads"][0]["hash"] = serde_json::json!(hashes[&n]);
                r.after = Some(stamp.to_string());
            }
        })
        .await;
        assert!(matches!(verify(&db, None).await, AuditVerdict::Intact { keyed: false, .. }), "{b}");
        assert_eq!(broken_at(verify(&db, Some(&key)).await), n + 1, "{b}: the forged seal");
        let other = AuditKey::new(vec![8; 32]).expect("key");
        assert_eq!(broken_at(verify(&db, Some(&other)).await), n + 1, "{b}: another database's key");
    }
}

/// Issue 14 (SPEC §9): records are kept at least six months — the store and the database refuse to delete younger
/// ones — and a purge of older ones leaves a sealed mark of where the kept chain starts.
#[tokio::test]
async fn only_records_older_than_six_months_are_purged_and_the_rest_still_verifies() {
    for db in backends("only_records_older_than_six_months_are_purged").await {
        let b = db.backend;
        let n = history(&db).await;
        let key = AuditKey::new(vec![7; 32]).expect("key");
        let now = jiff::Timestamp::now();
        let days = |d: i64| jiff::SignedDuration::from_hours(24 * d);
        let refused = db.store.purge_audit(&key, sys(), now - days(30)).await;
        assert!(matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("6 个月")), "{b}: {refused:?}");
        assert!(raw_sql(&db, "DELETE FROM audit_log WHERE seq = 1").is_err(), "{b}: the database refuses too");
        // Two hundred days of running, as far as the first four records go (only the guard on UPDATE lifted).
        let lift = if b == "sqlite" {
            "DROP TRIGGER audit_log_no_update"
        } else {
            "DROP TRIGGER audit_log_no_change ON audit_log"
        };
        raw_sql(&db, lift).expect("lift");
        let micros_ago = (now - days(200)).as_microsecond();
        rewrite_chain(&db, |r, _| {
            if r.seq <= 4 {
                r.at = micros_ago + r.seq;
            }
        })
        .await;
        assert!(raw_sql(&db, "DELETE FROM audit_log WHERE seq = 5").is_err(), "{b}: record 5 is young");
        let purged = db.store.purge_audit(&key, sys(), now - days(190)).await.expect("purge");
        assert_eq!((purged.records, purged.through_seq), (4, 4), "{b}");
        match verify(&db, Some(&key)).await {
            AuditVerdict::Intact { records, purged_through: 4, keyed: true, .. } => {
                assert_eq!(records as i64, n - 4 + 1, "{b}: the kept records and the purge's own")
            }
            other => panic!("{b}: {other:?}"),
        }
        // A start cut off behind the program's back is still found.
        let lift = if b == "sqlite" {
            "DROP TRIGGER audit_log_no_delete"
        } else {
            "DROP TRIGGER audit_log_no_young_delete ON audit_log"
        };
        raw_sql(&db, lift).expect("lift");
        raw_sql(&db, "DELETE FROM audit_log WHERE seq = 5").expect("cut");
        assert_eq!(broken_at(verify(&db, Some(&key)).await), 6, "{b}");
    }
}

/// Issue 17, point 3: on PostgreSQL a write whose chain another transaction holds appends to the next free one, so
/// that writes at once do not queue behind one lock. A seal names the head of every chain: a chain slipped in behind
/// the program's back is named by no seal, and a sealed head removed from any chain is missed.
#[tokio::test]
async fn writes_at_once_take_chains_of_their_own_and_the_seals_tie_the_chains() {
    for db in backends("writes_at_once_take_chains_of_their_own").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        submit(s, &city, "第一件").await;
        let mut held_head = None;
        if let DbUrl::Postgres(url) = &db.url {
            // Another transaction appending to chain 0 for as long as it takes: two writes meanwhile go to chain 1.
            let (hold, release) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
            let url = url.clone();
            let holder = std::thread::spawn(move || {
                let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
                c.batch_execute("SELECT pg_advisory_lock(20261121, 0)").expect("hold chain 0");
                hold.0.send(()).expect("held");
                release.1.recv().expect("release");
            });
            hold.1.recv().expect("held");
            submit(s, &city, "第二件").await;
            submit(s, &city, "第三件").await;
            release.0.send(()).expect("release");
            holder.join().expect("holder");
            let records = s.audit_records(None, 100).await.expect("read");
            let second = records.iter().filter(|r| r.chain == 1).collect::<Vec<_>>();
            assert_eq!(second.len(), 2, "{b}: both creates went to chain 1: {records:?}");
            held_head = Some(second[0].seq); // newest first
        }
        submit(s, &city, "第四件").await;
        let records = s.audit_records(None, 100).await.expect("read");
        assert_eq!(records[0].chain, 0, "{b}: chain 0 is free again");
        let key = AuditKey::new(vec![7; 32]).expect("key");
        let sealed = s.seal_audit(&key, sys()).await.expect("seal").expect("something to seal");
        let n = records.len() as u64 + 1;
        match verify(&db, Some(&key)).await {
            AuditVerdict::Intact { records, seals: 1, unsealed: 0, head: Some((seq, _)), .. } => {
                assert_eq!((records, seq), (n, sealed + 1), "{b}")
            }
            other => panic!("{b}: {other:?}"),
        }
        drop_audit_guards(&db);
        // A chain of one record slipped in before all others, its hash made as the program makes it.
        let mut ghost = records.last().expect("a record").clone();
        (ghost.seq, ghost.chain, ghost.actor, ghost.prev_hash) = (-1, 9, "ghost".into(), zhuqi_store::GENESIS.into());
        ghost.hash = hash_of(&ghost);
        raw_sql(
            &db,
            &format!(
                "INSERT INTO audit_log (seq, at, actor_user_id, actor, actor_role, source, action, object, before, \
                 after, prev_hash, hash, chain) SELECT -1, at, actor_user_id, 'ghost', actor_role, source, action, \
                 object, before, after, '{}', '{}', 9 FROM audit_log WHERE seq = {}",
                ghost.prev_hash,
                ghost.hash,
                records.last().expect("a record").seq
            ),
        )
        .expect("slip a chain in");
        match verify(&db, None).await {
            AuditVerdict::Broken { seq: -1, reason } => assert!(reason.contains("第 9 链"), "{b}: {reason}"),
            other => panic!("{b}: the slipped chain went unnoticed: {other:?}"),
        }
        raw_sql(&db, "DELETE FROM audit_log WHERE seq = -1").expect("take it out");
        // Chain 1's head removed: no record of chain 1 comes after it, but the seal named it.
        if let Some(seq) = held_head {
            raw_sql(&db, &format!("DELETE FROM audit_log WHERE seq = {seq}")).expect("cut");
            assert_eq!(broken_at(verify(&db, None).await), seq, "{b}");
        }
    }
}
