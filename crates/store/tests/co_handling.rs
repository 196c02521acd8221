//! 协办: a co-unit sees the items it co-handles, signs for them and gives its opinion with files, which the lead unit
//! reads; it never takes the lead unit's steps, and nobody else sees its opinion's files. Every test runs on SQLite
//! and, with `ZHUQI_TEST_PG`, on PostgreSQL.

mod support;

use support::*;
use zhuqi_domain::{Action, DeadlinePolicy, Level, Role};
use zhuqi_store::{AppealFilter, NewAttachment, NewUser, Principal, Store, StoreError};

struct Units {
    co_unit: i64,
    co_handler: i64,
    other_handler: i64,
}

async fn seed_units(store: &Store) -> Units {
    store
        .transaction(sys(), |w| {
            let co_unit = w.insert_unit("周口市人力资源和社会保障局", &code("411600"))?;
            let other_unit = w.insert_unit("周口市生态环境局", &code("411600"))?;
            let handler =
                |name: &str, unit: i64| NewUser { unit_id: Some(unit), ..person(name, Role::Handler, "411600") };
            Ok::<_, StoreError>(Units {
                co_unit,
                co_handler: w.insert_user(&handler("xieban", co_unit))?,
                other_handler: w.insert_user(&handler("qita", other_unit))?,
            })
        })
        .await
        .expect("seed units")
}

async fn principal(store: &Store, id: i64) -> Principal {
    store.principal(id).await.expect("principal")
}

fn pdf(name: &str) -> NewAttachment {
    NewAttachment {
        name: name.into(),
        content_type: "application/pdf".into(),
        data: b"%PDF-1.4 opinion".to_vec().into(),
    }
}

#[tokio::test]
async fn a_co_unit_signs_and_gives_its_opinion_which_the_lead_unit_reads() {
    for db in backends("co_handling_opinion").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let units = seed_units(s).await;
        let appeal = submit(s, &city, "扩产流动资金贷款").await;
        let (dispatcher, lead) = (principal(s, city.dispatcher).await, principal(s, city.handler).await);
        let (co, other) = (principal(s, units.co_handler).await, principal(s, units.other_handler).await);
        let company = principal(s, city.enterprise_user).await;
        let assign = Action::Assign {
            unit_id: city.unit_id,
            co_unit_ids: vec![units.co_unit],
            level: Level::City,
            category: "financing".into(),
            policy: DeadlinePolicy::standard(),
        };
        let t = at("2024-03-04T02:00:00Z");
        let a = s
            .act(&dispatcher, "test", appeal.id, appeal.state.version, assign, t)
            .await
            .expect("assign with a co-unit");

        // The co-unit sees the item, on its co-handling desk and in its general list; another unit does not.
        assert_eq!(s.appeal_for(&co, a.id).await.expect("co-unit sees it").id, a.id, "{}", db.backend);
        let co_desk = AppealFilter { open: true, co_handled_by: Some(units.co_unit), ..AppealFilter::default() };
        let due = AppealFilter { co_opinion_due: true, ..co_desk.clone() };
        assert_eq!(s.count_appeals(&co, co_desk.clone(), today()).await.expect("count"), 1, "{}", db.backend);
        assert_eq!(s.count_appeals(&co, due.clone(), today()).await.expect("count"), 1, "{}", db.backend);
        let general = AppealFilter { limit: 10, ..AppealFilter::default() };
        assert_eq!(s.list_appeals(&co, general.clone(), today()).await.expect("list").items.len(), 1);
        assert!(s.list_appeals(&other, general, today()).await.expect("list").items.is_empty(), "{}", db.backend);
        assert!(matches!(s.appeal_for(&other, a.id).await, Err(StoreError::NotFound(_))), "{}", db.backend);
        // …and it sees the enterprise the item is about.
        assert!(s.enterprise_for(&co, city.enterprise_id).await.is_ok(), "{}", db.backend);

        // A co-unit never takes the lead unit's steps.
        let ack = s.act(&co, "test", a.id, a.state.version, Action::Acknowledge, t).await;
        assert!(matches!(ack, Err(StoreError::Forbidden(_))), "{}: {ack:?}", db.backend);
        // Nor may anyone else sign or give an opinion: the lead unit, the enterprise, a unit outside.
        assert!(matches!(s.sign_co_handling(&lead, "test", a.id, t).await, Err(StoreError::Forbidden(_))));
        let by_company = s.give_co_opinion(&company, "test", a.id, "意见".into(), vec![], t).await;
        assert!(matches!(by_company, Err(StoreError::Forbidden(_))), "{}: {by_company:?}", db.backend);
        let outside = s.give_co_opinion(&other, "test", a.id, "意见".into(), vec![], t).await;
        assert!(matches!(outside, Err(StoreError::NotFound(_))), "{}: {outside:?}", db.backend);

        // An empty opinion, or one with a refused file, changes nothing (not even the signature).
        let empty = s.give_co_opinion(&co, "test", a.id, "  ".into(), vec![pdf("a.pdf")], t).await;
        assert!(matches!(empty, Err(StoreError::Invalid(_))), "{}", db.backend);
        let exe = NewAttachment { name: "run.exe".into(), content_type: String::new(), data: vec![1].into() };
        let bad_file = s.give_co_opinion(&co, "test", a.id, "意见".into(), vec![exe], t).await;
        assert!(matches!(bad_file, Err(StoreError::Invalid(_))), "{}", db.backend);
        let seen = s.co_handling_for(&lead, a.id).await.expect("co-handling");
        assert_eq!(seen.units.len(), 1);
        assert!(seen.units[0].signed_at.is_none() && seen.opinions.is_empty(), "{}: {seen:?}", db.backend);

        // Signing, once.
        s.sign_co_handling(&co, "test", a.id, t).await.expect("sign");
        let twice = s.sign_co_handling(&co, "test", a.id, t).await;
        assert!(matches!(twice, Err(StoreError::Duplicate(_))), "{}: {twice:?}", db.backend);

        // The opinion with its file: the lead unit and the dispatcher read both.
        let text = "经核实，该企业符合稳岗返还条件，建议合并办理。";
        let opinion = s
            .give_co_opinion(&co, "test", a.id, text.into(), vec![pdf("稳岗返还核查表.pdf")], t)
            .await
            .expect("opinion");
        assert_eq!(opinion.attachments.len(), 1);
        for reader in [&lead, &dispatcher] {
            let seen = s.co_handling_for(reader, a.id).await.expect("co-handling");
            assert_eq!(seen.opinions.len(), 1, "{}", db.backend);
            assert_eq!(seen.opinions[0].text, text);
            assert_eq!(seen.opinions[0].unit_name, "周口市人力资源和社会保障局");
            assert_eq!(seen.opinions[0].attachments[0].name, "稳岗返还核查表.pdf");
            assert!(seen.units[0].signed_at.is_some() && seen.units[0].opinion_at.is_some());
        }
        assert_eq!(s.count_appeals(&co, due, today()).await.expect("count"), 0, "no opinion owed any more");
        // The enterprise sees neither the opinion nor its file, even by its id.
        assert_eq!(s.co_handling_for(&company, a.id).await.expect("empty"), Default::default());
        assert!(s.attachments_for(&company, a.id).await.expect("files").is_empty(), "{}", db.backend);
        let file_id = opinion.attachments[0].id;
        assert!(matches!(s.attachment_for(&company, file_id).await, Err(StoreError::NotFound(_))));
        assert_eq!(s.attachment_for(&lead, file_id).await.expect("lead reads it").1, b"%PDF-1.4 opinion");

        // Once the lead unit has answered, co-handling is over.
        let a = s.act(&lead, "test", a.id, a.state.version, Action::Acknowledge, t).await.expect("ack");
        let answer = Action::Answer { text: "已协调银行放款。".into() };
        s.act(&lead, "test", a.id, a.state.version, answer, t).await.expect("answer");
        let late = s.give_co_opinion(&co, "test", a.id, "补充意见".into(), vec![], t).await;
        assert!(matches!(late, Err(StoreError::Forbidden(_))), "{}: {late:?}", db.backend);
        assert_eq!(s.count_appeals(&co, co_desk, today()).await.expect("count"), 0, "{}: off the desk", db.backend);
        assert_eq!(s.co_handling_for(&lead, a.id).await.expect("co").opinions.len(), 1, "{}", db.backend);
    }
}

#[tokio::test]
async fn returning_an_item_takes_it_off_the_co_units_desk_and_keeps_the_opinions() {
    for db in backends("co_handling_return").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let units = seed_units(s).await;
        let appeal = submit(s, &city, "用工招聘").await;
        let (dispatcher, lead) = (principal(s, city.dispatcher).await, principal(s, city.handler).await);
        let co = principal(s, units.co_handler).await;
        let t = at("2024-03-04T02:00:00Z");
        let assign = |co_unit_ids| Action::Assign {
            unit_id: city.unit_id,
            co_unit_ids,
            level: Level::City,
            category: "financing".into(),
            policy: DeadlinePolicy::standard(),
        };
        let a = s
            .act(&dispatcher, "test", appeal.id, appeal.state.version, assign(vec![units.co_unit]), t)
            .await
            .expect("assign");
        s.give_co_opinion(&co, "test", a.id, "建议由人社局牵头。".into(), vec![], t).await.expect("opinion");
        let back = Action::Return { reason: "非本单位职责".into() };
        let a = s.act(&lead, "test", a.id, a.state.version, back, t).await.expect("return");
        assert!(matches!(s.appeal_for(&co, a.id).await, Err(StoreError::NotFound(_))), "{}", db.backend);
        let kept = s.co_handling_for(&dispatcher, a.id).await.expect("co-handling");
        assert!(kept.units.is_empty(), "{}", db.backend);
        assert_eq!(kept.opinions.len(), 1, "{}: the opinion stays on record", db.backend);
        // Assigned again with the same co-unit: it is back, to sign anew.
        s.act(&dispatcher, "test", a.id, a.state.version, assign(vec![units.co_unit]), t).await.expect("again");
        let again = s.co_handling_for(&dispatcher, a.id).await.expect("co-handling");
        assert!(again.awaits_signing(units.co_unit), "{}", db.backend);
    }
}

fn today() -> jiff::civil::Date {
    jiff::civil::date(2024, 3, 4)
}
