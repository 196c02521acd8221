//! The storage conformance suite: every test runs the same scenario on SQLite and, with `ZHUQI_TEST_PG`, on PostgreSQL.

mod support;

use std::sync::Arc;

use support::*;
use zhuqi_domain::{Action, Appeal, CalendarYear, Stars, Status};
use zhuqi_store::{DbUrl, Store, StoreError};

fn assign(unit_id: i64) -> Action {
    Action::assign_standard(unit_id, "financing")
}

#[tokio::test]
async fn the_whole_loop_persists_and_replays() {
    for db in backends("the_whole_loop_persists_and_replays").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let rec = submit(s, &city, "流动资金贷款未获批复").await;
        assert_eq!(rec.number.to_string(), "ZK-2024-000001", "{}", db.backend);
        let steps = [
            (dispatcher(&city), assign(city.unit_id), "2024-03-04T02:00:00Z"),
            (handler(&city), Action::Acknowledge, "2024-03-04T03:00:00Z"),
            (handler(&city), Action::Answer { text: "已协调银行放款".into() }, "2024-03-06T03:00:00Z"),
            (enterprise(&city), Action::Reject { reason: "只放了一半".into() }, "2024-03-07T03:00:00Z"),
            (handler(&city), Action::Acknowledge, "2024-03-07T04:00:00Z"),
            (handler(&city), Action::Answer { text: "余款已放".into() }, "2024-03-08T03:00:00Z"),
            (
                enterprise(&city),
                Action::Confirm { rating: Some(Stars::new(5).expect("valid")), comment: "满意".into() },
                "2024-03-08T05:00:00Z",
            ),
        ];
        let mut version = rec.state.version;
        for (actor, action, when) in steps {
            version =
                s.perform(sys(), rec.id, version, actor, action, at(when)).await.expect("legal step").state.version;
        }
        let stored = s.appeal(rec.id).await.expect("load");
        assert_eq!(stored.state.status, Status::Closed, "{}", db.backend);
        assert_eq!(stored.state.reopen_count, 1);
        assert_eq!(stored.title, "流动资金贷款未获批复");
        let history = s.appeal_events(rec.id).await.expect("events");
        assert_eq!(history.len(), 8);
        assert_eq!(Appeal::replay(&history).expect("replays"), Some(stored.state), "{}: replay differs", db.backend);
    }
}

#[tokio::test]
async fn a_stale_version_is_refused_and_changes_nothing() {
    for db in backends("a_stale_version_is_refused_and_changes_nothing").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let rec = submit(s, &city, "用地指标").await;
        s.perform(sys(), rec.id, 1, dispatcher(&city), assign(city.unit_id), at("2024-03-04T02:00:00Z"))
            .await
            .expect("assign");
        let err = s
            .perform(
                sys(),
                rec.id,
                1,
                dispatcher(&city),
                Action::RejectInvalid { reason: "重复".into() },
                at("2024-03-04T03:00:00Z"),
            )
            .await
            .expect_err("stale");
        assert!(matches!(err, StoreError::Conflict { expected: 1, actual: 2 }), "{}: {err}", db.backend);
        // The same through a writer holding the old record: the optimistic UPDATE refuses it.
        let (old, d) = (rec.clone(), dispatcher(&city));
        let err = s
            .transaction(sys(), move |w| w.apply(&old, d, assign(city.unit_id), at("2024-03-04T03:00:00Z")))
            .await
            .expect_err("stale");
        assert!(matches!(err, StoreError::Conflict { .. }), "{}: {err}", db.backend);
        assert_eq!(s.appeal(rec.id).await.expect("load").state.version, 2);
        assert_eq!(s.appeal_events(rec.id).await.expect("events").len(), 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_handlers_answering_at_once_exactly_one_wins() {
    for db in backends("two_handlers_answering_at_once_exactly_one_wins").await {
        let s = Arc::new(db.store.clone());
        let city = seed_city(&s).await;
        for round in 0..10 {
            let rec = submit(&s, &city, "电力增容").await;
            s.perform(sys(), rec.id, 1, dispatcher(&city), assign(city.unit_id), at("2024-03-04T02:00:00Z"))
                .await
                .expect("assign");
            s.perform(sys(), rec.id, 2, handler(&city), Action::Acknowledge, at("2024-03-04T03:00:00Z"))
                .await
                .expect("ack");
            let answer = |text: &str| {
                let (s, text) = (Arc::clone(&s), text.to_owned());
                let actor = handler(&city);
                tokio::spawn(async move {
                    s.perform(sys(), rec.id, 3, actor, Action::Answer { text }, at("2024-03-05T03:00:00Z")).await
                })
            };
            let (a, b) = (answer("甲的答复"), answer("乙的答复"));
            let results = [a.await.expect("join"), b.await.expect("join")];
            let wins = results.iter().filter(|r| r.is_ok()).count();
            let conflicts = results.iter().filter(|r| matches!(r, Err(StoreError::Conflict { .. }))).count();
            assert_eq!((wins, conflicts), (1, 1), "{} round {round}: {results:?}", db.backend);
            assert_eq!(s.appeal_events(rec.id).await.expect("events").len(), 4);
        }
    }
}

#[tokio::test]
async fn illegal_and_forbidden_actions_change_nothing() {
    for db in backends("illegal_and_forbidden_actions_change_nothing").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let rec = submit(s, &city, "环评审批").await;
        let err = s
            .perform(sys(), rec.id, 1, handler(&city), Action::Answer { text: "x".into() }, at("2024-03-04T02:00:00Z"))
            .await;
        assert!(matches!(err, Err(StoreError::Transition(_))), "{}", db.backend);
        let err =
            s.perform(sys(), rec.id, 1, enterprise(&city), assign(city.unit_id), at("2024-03-04T02:00:00Z")).await;
        assert!(matches!(err, Err(StoreError::Transition(_))));
        let err = s.perform(sys(), 999_999, 1, enterprise(&city), Action::Submit, at("2024-03-04T02:00:00Z")).await;
        assert!(matches!(err, Err(StoreError::NotFound(_))));
        assert_eq!(s.appeal_events(rec.id).await.expect("events").len(), 1);
        assert_eq!(s.appeal(rec.id).await.expect("load"), rec);
    }
}

#[tokio::test]
async fn an_uncommitted_writer_leaves_no_trace() {
    for db in backends("an_uncommitted_writer_leaves_no_trace").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let before = s.counts().await.expect("counts");
        let (new, actor) = (new_appeal(&city, "半途而废"), enterprise(&city));
        let failed: Result<(), StoreError> = s
            .transaction(sys(), move |w| {
                w.create_appeal("ZK", &new, actor, at("2024-03-04T01:00:00Z"))?;
                w.insert_unit("周口市某局", &code("411600"))?;
                // A later step fails: everything before it goes too.
                w.insert_unit("周口市某局", &code("411600"))?;
                Ok(())
            })
            .await;
        assert!(matches!(failed, Err(StoreError::Duplicate(_))), "{failed:?}");
        assert_eq!(s.counts().await.expect("counts"), before, "{}", db.backend);
        // And the number it drew was not consumed.
        let rec = submit(s, &city, "正式提交").await;
        assert_eq!(rec.number.to_string(), "ZK-2024-000001");
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_its_reason() {
    for db in backends("bad_input_is_refused_with_its_reason").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let t = at("2024-03-04T01:00:00Z");
        let mut missing = new_appeal(&city, "x");
        missing.enterprise_id = 424_242;
        assert!(matches!(s.create_appeal(sys(), missing, enterprise(&city), t).await, Err(StoreError::NotFound(_))));
        assert!(matches!(
            s.create_appeal(sys(), new_appeal(&city, "  "), enterprise(&city), t).await,
            Err(StoreError::Invalid(_))
        ));
        let long = "长".repeat(101);
        assert!(matches!(
            s.create_appeal(sys(), new_appeal(&city, &long), enterprise(&city), t).await,
            Err(StoreError::Invalid(_))
        ));
        let mut unknown_category = new_appeal(&city, "类型不存在");
        unknown_category.category = "nope".into();
        let err = s.create_appeal(sys(), unknown_category, enterprise(&city), t).await;
        assert!(matches!(err, Err(StoreError::MissingReference(_))), "{}: {err:?}", db.backend);
        let err = s.transaction(sys(), |w| w.insert_unit("周口市地方金融监督管理局", &code("411600"))).await;
        assert!(matches!(err, Err(StoreError::Duplicate(_))), "{}: {err:?}", db.backend);
        let err = s.transaction(sys(), |w| w.insert_unit("外省某局", &code("110101"))).await;
        assert!(matches!(err, Err(StoreError::MissingReference(_))), "{}: {err:?}", db.backend);
        assert_eq!(s.counts().await.expect("counts").appeals, 0);
    }
}

#[tokio::test]
async fn numbers_count_per_year_of_submission() {
    for db in backends("numbers_count_per_year_of_submission").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let mut numbers = vec![];
        // 2024-12-31T16:30Z is already 2025-01-01 in Shanghai.
        for when in ["2024-12-30T01:00:00Z", "2024-12-31T10:00:00Z", "2024-12-31T16:30:00Z", "2025-01-02T01:00:00Z"] {
            let rec =
                s.create_appeal(sys(), new_appeal(&city, "年末"), enterprise(&city), at(when)).await.expect("create");
            numbers.push(rec.number.to_string());
        }
        assert_eq!(numbers, ["ZK-2024-000001", "ZK-2024-000002", "ZK-2025-000001", "ZK-2025-000002"], "{}", db.backend);
    }
}

#[tokio::test]
async fn reopening_is_idempotent_and_keeps_data() {
    for db in backends("reopening_is_idempotent_and_keeps_data").await {
        let city = seed_city(&db.store).await;
        submit(&db.store, &city, "保留").await;
        let before = db.store.counts().await.expect("counts");
        db.store.close().await;
        let again = Store::open(&db.url).await.expect("reopen");
        assert_eq!(again.counts().await.expect("counts"), before, "{}", db.backend);
        again.close().await;
    }
}

#[tokio::test]
async fn a_loaded_calendar_year_recomputes_open_due_dates() {
    for db in backends("a_loaded_calendar_year_recomputes_open_due_dates").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let rec = s
            .create_appeal(sys(), new_appeal(&city, "跨年"), enterprise(&city), at("2026-12-28T01:00:00Z"))
            .await
            .expect("create");
        let rec = s
            .perform(sys(), rec.id, 1, dispatcher(&city), assign(city.unit_id), at("2026-12-28T02:00:00Z"))
            .await
            .expect("assign");
        let cal = s.calendar();
        assert!(!cal.covers(2027));
        let before = rec.state.deadlines(&cal, jiff::civil::date(2026, 12, 28)).expect("assigned").resolve;
        let y2027 = CalendarYear::parse_many(
            r#"{"year": 2027, "source": "test", "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-05"}], "workdays": []}"#,
        )
        .expect("valid");
        // Another instance on the same database.
        let other = Store::open(&db.url).await.expect("a second instance");
        let changed = s.load_calendar_years(sys(), y2027.clone()).await.expect("load");
        assert_eq!(changed, 1, "{}", db.backend);
        let cal = s.calendar();
        assert!(cal.covers(2027) && !cal.is_working_day(jiff::civil::date(2027, 1, 4)));
        // The other instance puts it in force when it next looks (the server looks every few seconds), once.
        assert!(!other.calendar().covers(2027));
        assert!(other.follow_calendar().await.expect("follow"), "{}", db.backend);
        assert!(other.calendar().covers(2027) && !other.calendar().is_working_day(jiff::civil::date(2027, 1, 4)));
        assert!(!other.follow_calendar().await.expect("follow again"));
        other.close().await;
        let after = rec.state.deadlines(&cal, jiff::civil::date(2026, 12, 28)).expect("assigned").resolve;
        assert!(after > before);
        // Bad data is refused and changes nothing.
        let mut bad = y2027.clone();
        bad[0].workdays = vec![jiff::civil::date(2027, 1, 6)];
        assert!(matches!(s.load_calendar_years(sys(), bad).await, Err(StoreError::Invalid(_))));
        assert!(!s.calendar().is_working_day(jiff::civil::date(2027, 1, 4)));
    }
}

#[tokio::test]
async fn a_database_that_is_not_zhuqis_is_refused_untouched() {
    // SQLite: a file that is not a database, and a database of another program.
    let dir = tempfile::tempdir().expect("dir");
    let text = dir.path().join("notes.db");
    let content = "这不是数据库 this is not a database, just a text file of some length";
    std::fs::write(&text, content).expect("write");
    assert!(matches!(Store::open(&DbUrl::Sqlite(text.clone())).await, Err(StoreError::NotZhuqi { .. })));
    assert_eq!(std::fs::read_to_string(&text).expect("read"), content, "the file is left untouched");
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .expect("create")
        .execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
        .expect("table");
    let before = std::fs::read(&other).expect("read");
    assert!(matches!(Store::open(&DbUrl::Sqlite(other.clone())).await, Err(StoreError::NotZhuqi { .. })));
    assert_eq!(std::fs::read(&other).expect("read"), before, "the other program's database is left untouched");
    assert!(!other.with_extension("db-wal").exists());

    if let Some(admin) = pg_admin_url("a_database_that_is_not_zhuqis_is_refused_untouched") {
        let (url, _guard) = fresh_pg_database(&admin).await;
        pg_admin(&url, "CREATE TABLE invoices (id BIGINT PRIMARY KEY)").expect("table");
        let err = Store::open(&url.parse().expect("url")).await;
        assert!(matches!(err, Err(StoreError::NotZhuqi { .. })), "{err:?}");
    }
}

/// Issue 14, finding 8: opening a file reads its header only. A sparse file of 1 TiB (larger than this machine's
/// memory) that begins like SQLite but is not zhuqi's is refused at once and left as it was.
#[tokio::test]
async fn a_file_larger_than_memory_is_judged_by_its_header() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("dir");
    let big = dir.path().join("huge.db");
    let mut f = std::fs::File::create(&big).expect("create");
    f.write_all(b"SQLite format 3\0").expect("header");
    f.set_len(1 << 40).expect("a sparse terabyte");
    drop(f);
    let started = std::time::Instant::now();
    let err = Store::open(&DbUrl::Sqlite(big.clone())).await;
    assert!(matches!(err, Err(StoreError::NotZhuqi { .. })), "refused as not zhuqi's, not as unreadable: {err:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "judged in {:?}", started.elapsed());
    assert_eq!(std::fs::metadata(&big).expect("still there").len(), 1 << 40, "left as it was");
}

#[tokio::test]
async fn an_unreachable_postgres_is_a_clear_error() {
    let url: DbUrl = "postgres://postgres@127.0.0.1:1/zhuqi".parse().expect("url");
    let err = Store::open(&url).await.expect_err("unreachable");
    assert!(matches!(err, StoreError::Unreachable { .. }), "{err:?}");
    assert!(err.to_string().starts_with("无法连接数据库"));
}

#[tokio::test]
async fn users_get_passwords_and_roles_under_separation_of_duties() {
    use zhuqi_domain::Role;
    for db in backends("users_get_passwords_and_roles_under_separation_of_duties").await {
        let s = &db.store;
        seed_city(s).await;
        let user = s.user_by_name("zhihuibu").await.expect("seeded");
        assert_eq!(
            (user.roles.clone(), user.has_password, user.must_change_password),
            (vec![Role::Dispatcher], false, true)
        );
        let id = user.id;
        s.transaction(sys(), move |w| {
            w.set_password(id, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", false)?;
            w.set_roles(id, &[Role::Dispatcher, Role::Leader])
        })
        .await
        .expect("set");
        let user = s.user_by_name("zhihuibu").await.expect("user");
        assert_eq!(
            (user.roles, user.has_password, user.must_change_password),
            (vec![Role::Dispatcher, Role::Leader], true, false)
        );
        // 三员分立: an admin role stands alone; refused without a trace.
        let err = s.transaction(sys(), move |w| w.set_roles(id, &[Role::Auditor, Role::Sysadmin])).await;
        assert!(matches!(err, Err(StoreError::Invalid(_))), "{}: {err:?}", db.backend);
        assert_eq!(s.user_by_name("zhihuibu").await.expect("user").roles, vec![Role::Dispatcher, Role::Leader]);
        assert!(matches!(
            s.transaction(sys(), |w| w.set_roles(424_242, &[Role::Leader])).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(s.user_by_name("nobody").await, Err(StoreError::NotFound(_))));
    }
}

/// Writes that arrive together are committed together on SQLite (group commit): each must still be all or nothing on
/// its own — a failing or panicking write in the middle of a group leaves no trace and takes nothing else with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_committed_together_stay_atomic_one_by_one() {
    for db in backends("writes_committed_together_stay_atomic_one_by_one").await {
        let s = Arc::new(db.store.clone());
        seed_city(&s).await;
        let mut tasks = Vec::new();
        for i in 0..60 {
            let s = Arc::clone(&s);
            tasks.push(tokio::spawn(async move {
                s.transaction(sys(), move |w| {
                    w.insert_unit(&format!("单位{i}"), &code("411600"))?;
                    match i % 3 {
                        0 => Err(StoreError::Invalid(format!("refused {i}"))),
                        1 if i % 9 == 1 => panic!("a write that panics halfway"),
                        _ => Ok(i),
                    }
                })
                .await
            }));
        }
        let mut kept = Vec::new();
        for (i, task) in tasks.into_iter().enumerate() {
            match task.await {
                Ok(Ok(n)) => kept.push(n),
                Ok(Err(e)) => assert!(i % 3 == 0 || i % 9 == 1, "{}: write {i} failed: {e}", db.backend),
                Err(_) => unreachable!("the store answers; it does not propagate the job's panic"),
            }
        }
        let expected: Vec<i32> = (0..60).filter(|i| i % 3 != 0 && i % 9 != 1).collect();
        assert_eq!(kept, expected, "{}", db.backend);
        let units = s.units().await.expect("units");
        let names: Vec<String> = units.iter().map(|u| u.name.clone()).filter(|n| n.starts_with("单位")).collect();
        let want: Vec<String> = expected.iter().map(|i| format!("单位{i}")).collect();
        let mut names = names;
        names.sort();
        let mut want = want;
        want.sort();
        assert_eq!(names, want, "{}: only the writes that succeeded are stored", db.backend);
        assert!(matches!(
            s.verify_audit(None, |_, _| {}).await.expect("verify"),
            zhuqi_store::AuditVerdict::Intact { .. }
        ));
    }
}
