//! The audit log: every write leaves a chained record; a row changed, deleted or slipped in through raw SQL is found
//! by `verify`, which names the first bad record. On SQLite and on PostgreSQL.

mod support;

use support::*;
use zhuqi_domain::{Action, Role};
use zhuqi_store::{AuditVerdict, Origin};

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
    match s.verify_audit(|_, _| {}).await.expect("verify") {
        AuditVerdict::Intact { records, head: Some((seq, _)) } => {
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
        assert_eq!(broken_at(db.store.verify_audit(|_, _| {}).await.expect("verify")), seq, "{}", db.backend);
    }
}

#[tokio::test]
async fn a_changed_record_with_its_hash_recomputed_is_found_at_the_next() {
    for db in backends("a_changed_record_with_its_hash_recomputed_is_found_at_the_next").await {
        history(&db).await;
        drop_audit_guards(&db);
        // Whoever rewrites a row and its own hash still breaks the link from the row after it.
        raw_sql(&db, "UPDATE audit_log SET hash = 'ab' || substr(hash, 3) WHERE seq = 3").expect("tamper");
        assert_eq!(broken_at(db.store.verify_audit(|_, _| {}).await.expect("verify")), 3, "{}", db.backend);
    }
}

#[tokio::test]
async fn a_deleted_record_is_found() {
    for db in backends("a_deleted_record_is_found").await {
        history(&db).await;
        drop_audit_guards(&db);
        raw_sql(&db, "DELETE FROM audit_log WHERE seq = 4").expect("tamper");
        assert_eq!(broken_at(db.store.verify_audit(|_, _| {}).await.expect("verify")), 5, "{}", db.backend);
        // The newest record removed leaves a whole but shorter chain: only a head written down earlier shows it
        // (`zhuqi audit verify --expect SEQ:HASH`).
        raw_sql(&db, "DELETE FROM audit_log WHERE seq >= 4").expect("tamper");
        match db.store.verify_audit(|_, _| {}).await.expect("verify") {
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
        assert_eq!(broken_at(db.store.verify_audit(|_, _| {}).await.expect("verify")), n + 1, "{}", db.backend);
        raw_sql(&db, &format!("DELETE FROM audit_log WHERE seq = {}; {}", n + 1, row(0, "00")))
            .expect("slip one in front");
        assert_eq!(broken_at(db.store.verify_audit(|_, _| {}).await.expect("verify")), 0, "{}", db.backend);
    }
}
