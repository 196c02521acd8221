//! What the web pages need from storage: attachments, visits (走访), the enterprise sign-up, merging into a new common
//! issue and the dashboard's headline figures. Every test runs on SQLite and, with `ZHUQI_TEST_PG`, on PostgreSQL.

mod support;

use jiff::civil::{Date, date};
use sha2::{Digest, Sha256};
use support::*;
use zhuqi_domain::{Action, Role, Stars, Uscc};
use zhuqi_store::{
    Headline, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, NewAttachment, NewEnterprise, NewUser, NewVisit, Principal, Store,
    StoreError,
};

/// Beyond `seed_city`: a second county (扶沟县) with its own enterprise and user, a cadre whose work group serves the
/// first enterprise only, a dispatcher of 川汇区 only, a leader of the city and a system administrator.
struct More {
    other_enterprise: i64,
    other_user: i64,
    cadre: i64,
    idle_cadre: i64,
    county_dispatcher: i64,
    leader: i64,
    sysadmin: i64,
}

fn enterprise_in(name: &str, uscc: &str, region: &str) -> NewEnterprise {
    NewEnterprise {
        name: name.into(),
        uscc: Uscc::with_check_char(uscc).expect("valid"),
        region: code(region),
        industry: "先进装备".into(),
        above_scale: false,
        small_micro: true,
        specialized: false,
        little_giant: false,
        contact_name: None,
        contact_phone: None,
        created_at: at("2024-01-02T00:00:00Z"),
        profile: Default::default(),
    }
}

fn user(name: &str, role: Role, region: &str, enterprise: Option<i64>) -> NewUser {
    NewUser { enterprise_id: enterprise, ..person(name, role, region) }
}

async fn seed_more(store: &Store, city: &City) -> More {
    let first = city.enterprise_id;
    store
        .transaction(sys(), move |w| {
            w.insert_region(&code("411621"), "扶沟县", Some(&code("411600")))?;
            let other_enterprise =
                w.insert_enterprise(&enterprise_in("扶沟机械有限公司", "91411621MA0000001", "411621"))?;
            let cadre = w.insert_user(&user("ganbu", Role::Cadre, "411602", None))?;
            let idle_cadre = w.insert_user(&user("ganbu2", Role::Cadre, "411602", None))?;
            let group = w.insert_work_group("川汇区第一助企工作组", &code("411602"), None)?;
            w.add_work_group_member(group, cadre)?;
            w.assign_enterprise(group, first)?;
            Ok::<_, StoreError>(More {
                other_enterprise,
                other_user: w.insert_user(&user("qiye2", Role::Enterprise, "411621", Some(other_enterprise)))?,
                cadre,
                idle_cadre,
                county_dispatcher: w.insert_user(&user("chuanhui", Role::Dispatcher, "411602", None))?,
                leader: w.insert_user(&user("lingdao", Role::Leader, "411600", None))?,
                sysadmin: w.insert_user(&user("admin", Role::Sysadmin, "411600", None))?,
            })
        })
        .await
        .expect("seed more")
}

async fn principal(store: &Store, id: i64) -> Principal {
    store.principal(id).await.expect("principal")
}

fn file(name: &str, data: Vec<u8>) -> NewAttachment {
    // The client's type is a lie on purpose: the stored one must come from the extension.
    NewAttachment { name: name.into(), content_type: "text/html".into(), data: data.into() }
}

fn hex_sha256(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// Every byte value, then a pattern: a file that text handling anywhere on the way would damage.
fn binary(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8 ^ (i / 251) as u8).collect()
}

async fn attachment_rows(store: &Store, p: &Principal, appeal_id: i64) -> usize {
    store.attachments_for(p, appeal_id).await.expect("list").len()
}

async fn audit_len(store: &Store) -> usize {
    store.audit_records(None, 10_000).await.expect("audit").len()
}

#[tokio::test]
async fn attachments_are_stored_and_read_back_byte_exact() {
    for db in backends("attachments_are_stored_and_read_back_byte_exact").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let more = seed_more(s, &city).await;
        let qiye = principal(s, city.enterprise_user).await;
        let (pdf, photo) = (binary(70_000), binary(MAX_ATTACHMENT_BYTES));
        let files = vec![file("C:\\Users\\王\\贷款申请.PDF", pdf.clone()), file("  现场照片.jpeg ", photo.clone())];
        let rec = s
            .create_appeal_as(&qiye, "127.0.0.1", new_appeal(&city, "贷款"), files, at("2024-03-04T01:00:00Z"), None)
            .await
            .expect("create with files");
        let list = s.attachments_for(&qiye, rec.id).await.expect("list");
        let names: Vec<_> = list.iter().map(|a| (a.name.as_str(), a.content_type.as_str(), a.size)).collect();
        assert_eq!(
            names,
            [("贷款申请.PDF", "application/pdf", 70_000), ("现场照片.jpeg", "image/jpeg", MAX_ATTACHMENT_BYTES as i64)],
            "{}",
            db.backend
        );
        assert_eq!(list[0].sha256, hex_sha256(&pdf));
        assert_eq!(list[0].uploaded_by, "qiye");
        assert_eq!(list[0].uploaded_at, at("2024-03-04T01:00:00Z"));
        for (info, bytes) in list.iter().zip([&pdf, &photo]) {
            let (got, data) = s.attachment_for(&qiye, info.id).await.expect("read");
            assert_eq!(&got, info);
            assert!(data == *bytes, "{}: bytes of {} differ", db.backend, info.name);
            assert_eq!(hex_sha256(&data), info.sha256);
        }
        // The cadre who serves the enterprise adds one later.
        let cadre = principal(s, more.cadre).await;
        let added = s.attach(&cadre, "10.0.0.2", rec.id, vec![file("说明.txt", "补充说明".into())]).await.expect("add");
        assert_eq!((added[0].content_type.as_str(), added[0].uploaded_by.as_str()), ("text/plain", "ganbu的姓名"));
        assert_eq!(attachment_rows(s, &cadre, rec.id).await, 3);
        // Audited without the bytes.
        let audit = s.audit_records(None, 100).await.expect("audit");
        let adds: Vec<_> = audit.iter().filter(|r| r.action == "attachment.add").collect();
        assert_eq!(adds.len(), 3, "{}", db.backend);
        assert_eq!(adds[0].object, format!("attachment:{}", added[0].id));
        assert_eq!(adds[0].source, "10.0.0.2");
        let after: serde_json::Value = serde_json::from_str(adds[0].after.as_deref().expect("after")).expect("json");
        assert_eq!(
            after,
            serde_json::json!({"appeal_id": rec.id, "name": "说明.txt", "size": 12, "sha256": added[0].sha256})
        );
    }
}

#[tokio::test]
async fn attachment_limits_are_refused_and_change_nothing() {
    for db in backends("attachment_limits_are_refused_and_change_nothing").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let qiye = principal(s, city.enterprise_user).await;
        let t = at("2024-03-04T01:00:00Z");
        let rec = s.create_appeal_as(&qiye, "ip", new_appeal(&city, "用地"), vec![], t, None).await.expect("create");
        let bad = [
            file("太大.pdf", vec![1; MAX_ATTACHMENT_BYTES + 1]),
            file("空.pdf", vec![]),
            file("病毒.exe", vec![1]),
            file("网页.html", vec![1]),
            file(".pdf", vec![1]),
            file("a/b/", vec![1]),
            file("换行\n.pdf", vec![1]),
            file(&format!("{}.pdf", "长".repeat(97)), vec![1]),
        ];
        let (appeals, audit) = (s.counts().await.expect("counts").appeals, audit_len(s).await);
        for f in bad {
            let name = f.name.clone();
            // Alone, and after a good file: the good one is not kept either.
            let err = s.attach(&qiye, "ip", rec.id, vec![f.clone()]).await.expect_err("refused");
            assert!(matches!(err, StoreError::Invalid(_)), "{}: {name:?}: {err}", db.backend);
            let err = s.attach(&qiye, "ip", rec.id, vec![file("好.pdf", vec![1]), f.clone()]).await;
            assert!(matches!(err, Err(StoreError::Invalid(_))), "{}: {name:?}", db.backend);
            // A refused file refuses the appeal it came with.
            let err = s.create_appeal_as(&qiye, "ip", new_appeal(&city, "带附件"), vec![f], t, None).await;
            assert!(matches!(err, Err(StoreError::Invalid(_))), "{}: {name:?}", db.backend);
        }
        assert!(matches!(s.attach(&qiye, "ip", rec.id, vec![]).await, Err(StoreError::Invalid(_))));
        // The count: 11 at once, then 9 + 2 over two uploads.
        let many = |n: usize| (0..n).map(|i| file(&format!("第{i}页.png"), vec![i as u8 + 1])).collect::<Vec<_>>();
        assert!(matches!(s.attach(&qiye, "ip", rec.id, many(MAX_ATTACHMENTS + 1)).await, Err(StoreError::Invalid(_))));
        assert_eq!(attachment_rows(s, &qiye, rec.id).await, 0, "{}", db.backend);
        assert_eq!(s.counts().await.expect("counts").appeals, appeals);
        assert_eq!(audit_len(s).await, audit, "{}: a refusal wrote an audit record", db.backend);
        s.attach(&qiye, "ip", rec.id, many(MAX_ATTACHMENTS - 1)).await.expect("nine");
        let err = s.attach(&qiye, "ip", rec.id, many(2)).await.expect_err("eleven in all");
        assert!(matches!(err, StoreError::Invalid(_)), "{}: {err}", db.backend);
        assert_eq!(attachment_rows(s, &qiye, rec.id).await, MAX_ATTACHMENTS - 1);
        s.attach(&qiye, "ip", rec.id, many(1)).await.expect("the tenth");
        assert_eq!(attachment_rows(s, &qiye, rec.id).await, MAX_ATTACHMENTS);
    }
}

#[tokio::test]
async fn attachments_outside_scope_are_not_found() {
    for db in backends("attachments_outside_scope_are_not_found").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let more = seed_more(s, &city).await;
        let qiye = principal(s, city.enterprise_user).await;
        let rec = s
            .create_appeal_as(
                &qiye,
                "ip",
                new_appeal(&city, "环评"),
                vec![file("a.pdf", vec![7; 10])],
                at("2024-03-04T01:00:00Z"),
                None,
            )
            .await
            .expect("create");
        let id = s.attachments_for(&qiye, rec.id).await.expect("list")[0].id;
        // Another enterprise, a cadre serving other enterprises, a county's dispatcher elsewhere, the handler before
        // the appeal is assigned to its unit, the admin: none of them knows the appeal or its file exists.
        let mut outsiders = vec![more.other_user, more.idle_cadre, city.handler, more.sysadmin];
        let other_county =
            s.add_user(sys(), user("fugou", Role::Dispatcher, "411621", None)).await.expect("dispatcher of 扶沟").id;
        outsiders.push(other_county);
        for who in outsiders {
            let p = principal(s, who).await;
            let name = p.username.clone();
            assert!(
                matches!(s.attachments_for(&p, rec.id).await, Err(StoreError::NotFound(_))),
                "{}: {name}",
                db.backend
            );
            assert!(matches!(s.attachment_for(&p, id).await, Err(StoreError::NotFound(_))), "{}: {name}", db.backend);
            let err = s.attach(&p, "ip", rec.id, vec![file("b.pdf", vec![1])]).await;
            assert!(matches!(err, Err(StoreError::NotFound(_))), "{}: {name}: {err:?}", db.backend);
        }
        assert!(matches!(s.attachment_for(&qiye, 987_654).await, Err(StoreError::NotFound(_))));
        // The dispatcher of the region reads them but does not add files: that is the enterprise's and cadre's part.
        let dispatcher = principal(s, city.dispatcher).await;
        assert_eq!(s.attachment_for(&dispatcher, id).await.expect("read").1, vec![7; 10]);
        let err = s.attach(&dispatcher, "ip", rec.id, vec![file("b.pdf", vec![1])]).await;
        assert!(matches!(err, Err(StoreError::Forbidden(_))), "{}: {err:?}", db.backend);
        assert_eq!(attachment_rows(s, &qiye, rec.id).await, 1);
    }
}

#[tokio::test]
async fn files_are_refused_once_the_appeal_is_answered_or_ended() {
    for db in backends("files_are_refused_once_the_appeal_is_answered_or_ended").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let qiye = principal(s, city.enterprise_user).await;
        let one = || vec![file("补充.pdf", vec![1, 2, 3])];
        // Withdrawn.
        let rec = submit(s, &city, "撤回的").await;
        s.perform(
            sys(),
            rec.id,
            1,
            enterprise(&city),
            Action::Withdraw { reason: "已自行解决".into() },
            at("2024-03-04T02:00:00Z"),
        )
        .await
        .expect("withdraw");
        let err = s.attach(&qiye, "ip", rec.id, one()).await.expect_err("withdrawn");
        assert!(matches!(err, StoreError::Forbidden(_)), "{}: {err}", db.backend);
        // Through the loop: taken while the unit works on it, refused once answered and once closed.
        let rec = submit(s, &city, "办结的").await;
        let steps = [
            (dispatcher(&city), Action::assign_standard(city.unit_id, "financing"), "2024-03-04T02:00:00Z"),
            (handler(&city), Action::Acknowledge, "2024-03-04T03:00:00Z"),
        ];
        let mut v = 1;
        for (actor, action, when) in steps {
            v = s.perform(sys(), rec.id, v, actor, action, at(when)).await.expect("step").state.version;
        }
        s.attach(&qiye, "ip", rec.id, one()).await.expect("in progress takes files");
        v = s
            .perform(
                sys(),
                rec.id,
                v,
                handler(&city),
                Action::Answer { text: "已办".into() },
                at("2024-03-05T03:00:00Z"),
            )
            .await
            .expect("answer")
            .state
            .version;
        assert!(matches!(s.attach(&qiye, "ip", rec.id, one()).await, Err(StoreError::Forbidden(_))));
        let confirm = Action::Confirm { rating: Stars::new(5).ok(), comment: String::new() };
        s.perform(sys(), rec.id, v, enterprise(&city), confirm, at("2024-03-05T04:00:00Z")).await.expect("confirm");
        let err = s.attach(&qiye, "ip", rec.id, one()).await.expect_err("closed");
        assert!(matches!(err, StoreError::Forbidden(_)), "{}: {err}", db.backend);
        assert_eq!(attachment_rows(s, &qiye, rec.id).await, 1, "{}", db.backend);
        // A refused upload leaves the appeal as it was.
        assert_eq!(s.appeal(rec.id).await.expect("load").state.version, v + 1);
    }
}

#[tokio::test]
async fn visits_are_recorded_by_cadres_and_read_within_scope() {
    for db in backends("visits_are_recorded_by_cadres_and_read_within_scope").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let more = seed_more(s, &city).await;
        let today = date(2024, 3, 20);
        let cadre = principal(s, more.cadre).await;
        let visit = |enterprise_id: i64, day: Date, notes: &str| NewVisit {
            enterprise_id,
            visited_on: day,
            notes: notes.into(),
        };
        let first = s
            .record_visit(&cadre, "ip", visit(city.enterprise_id, date(2024, 3, 11), "  了解融资需求  "), today, None)
            .await
            .expect("visit");
        assert_eq!(
            (first.enterprise_name.as_str(), first.cadre_name.as_str(), first.notes.as_str(), first.visited_on),
            ("周口华源食品有限公司", "ganbu的姓名", "了解融资需求", date(2024, 3, 11)),
            "{}",
            db.backend
        );
        let second = s
            .record_visit(&cadre, "ip", visit(city.enterprise_id, today, "回访用电问题"), today, None)
            .await
            .expect("visit");
        // Refused: another cadre's enterprise (not found), a non-cadre (forbidden), bad dates and notes (invalid).
        let err = s.record_visit(&cadre, "ip", visit(more.other_enterprise, today, "越界"), today, None).await;
        assert!(matches!(err, Err(StoreError::NotFound(_))), "{}: {err:?}", db.backend);
        let idle = principal(s, more.idle_cadre).await;
        let err = s.record_visit(&idle, "ip", visit(city.enterprise_id, today, "不是我的企业"), today, None).await;
        assert!(matches!(err, Err(StoreError::NotFound(_))), "{}: {err:?}", db.backend);
        for who in [city.dispatcher, city.enterprise_user, more.leader] {
            let p = principal(s, who).await;
            let err = s.record_visit(&p, "ip", visit(city.enterprise_id, today, "代记"), today, None).await;
            assert!(matches!(err, Err(StoreError::Forbidden(_))), "{}: {err:?}", db.backend);
        }
        for (day, notes) in [
            (date(2024, 3, 21), "明天"),
            (date(2023, 3, 19), "一年多以前"),
            (today, "   "),
            (today, &"字".repeat(5001)),
        ] {
            let err = s.record_visit(&cadre, "ip", visit(city.enterprise_id, day, notes), today, None).await;
            assert!(matches!(err, Err(StoreError::Invalid(_))), "{}: {day}: {err:?}", db.backend);
        }
        s.record_visit(&cadre, "ip", visit(city.enterprise_id, date(2023, 3, 20), "一年前的今天"), today, None)
            .await
            .expect("a year ago to the day");
        let ids = |v: Vec<zhuqi_store::VisitRecord>| v.iter().map(|r| r.id).collect::<Vec<_>>();
        let newest_first = vec![second.id, first.id, first.id + 2];
        // Who reads what.
        assert_eq!(ids(s.visits_for(&cadre, None, 50).await.expect("cadre")), newest_first, "{}", db.backend);
        assert_eq!(ids(s.visits_for(&cadre, None, 1).await.expect("cadre")), [second.id]);
        for who in [city.enterprise_user, city.dispatcher, more.county_dispatcher, more.leader] {
            let p = principal(s, who).await;
            assert_eq!(
                ids(s.visits_for(&p, None, 50).await.expect("reader")),
                newest_first,
                "{}: {}",
                db.backend,
                p.username
            );
            assert_eq!(
                ids(s.visits_for(&p, Some(more.other_enterprise), 50).await.expect("filtered")),
                Vec::<i64>::new()
            );
        }
        for who in [more.other_user, more.idle_cadre] {
            let p = principal(s, who).await;
            assert!(s.visits_for(&p, None, 50).await.expect("reader").is_empty(), "{}: {}", db.backend, p.username);
        }
        let fugou = s.add_user(sys(), user("fugou", Role::Leader, "411621", None)).await.expect("leader").id;
        assert!(s.visits_for(&principal(s, fugou).await, None, 50).await.expect("leader").is_empty());
        for who in [more.sysadmin, city.handler] {
            let err = s.visits_for(&principal(s, who).await, None, 50).await;
            assert!(matches!(err, Err(StoreError::Forbidden(_))), "{}: {err:?}", db.backend);
        }
        let audit = s.audit_records(None, 100).await.expect("audit");
        assert_eq!(audit.iter().filter(|r| r.action == "visit.add").count(), 3, "{}", db.backend);
    }
}

fn signup_user(username: &str) -> NewUser {
    NewUser {
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        must_change_password: true,
        roles: vec![Role::Sysadmin],
        ..user(username, Role::Enterprise, "411600", None)
    }
}

#[tokio::test]
async fn sign_up_creates_both_or_neither() {
    for db in backends("sign_up_creates_both_or_neither").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let before = s.counts().await.expect("counts");
        // Taken USCC (the seeded enterprise's), taken username, unknown region, no password: nothing is left behind.
        let taken = NewEnterprise {
            uscc: Uscc::parse("91350100M000100Y43").expect("valid"),
            ..enterprise_in("重复企业", "91411602MA0000002", "411602")
        };
        let err = s.sign_up_enterprise("ip", signup_user("xinqiye"), taken, None).await;
        assert!(matches!(err, Err(StoreError::Duplicate(_))), "{}: {err:?}", db.backend);
        let err = s
            .sign_up_enterprise("ip", signup_user("qiye"), enterprise_in("新企业", "91411602MA0000002", "411602"), None)
            .await;
        assert!(matches!(err, Err(StoreError::Duplicate(_))), "{}: {err:?}", db.backend);
        let err = s
            .sign_up_enterprise(
                "ip",
                signup_user("xinqiye"),
                enterprise_in("新企业", "91411699MA0000002", "411699"),
                None,
            )
            .await;
        assert!(matches!(err, Err(StoreError::Invalid(_))), "{}: {err:?}", db.backend);
        let no_password = NewUser { password_hash: None, ..signup_user("xinqiye") };
        let err =
            s.sign_up_enterprise("ip", no_password, enterprise_in("新企业", "91411602MA0000002", "411602"), None).await;
        assert!(matches!(err, Err(StoreError::Invalid(_))), "{}: {err:?}", db.backend);
        assert_eq!(s.counts().await.expect("counts"), before, "{}", db.backend);
        assert!(matches!(s.user_by_name("xinqiye").await, Err(StoreError::NotFound(_))));
        // And then it works: an enterprise user of its own enterprise, with the password it chose.
        let (user_id, enterprise_id) = s
            .sign_up_enterprise(
                "10.1.1.1",
                signup_user("xinqiye"),
                enterprise_in("新企业", "91411602MA0000002", "411602"),
                None,
            )
            .await
            .expect("sign up");
        let u = s.user(user_id).await.expect("user");
        assert_eq!(
            (u.roles.as_slice(), u.enterprise_id, u.must_change_password),
            ([Role::Enterprise].as_slice(), Some(enterprise_id), false)
        );
        assert!(u.has_password && u.unit_id.is_none(), "{}", db.backend);
        let p = principal(s, user_id).await;
        assert_eq!(s.enterprise_for(&p, enterprise_id).await.expect("own enterprise").name, "新企业");
        assert!(matches!(s.enterprise_for(&p, city.enterprise_id).await, Err(StoreError::NotFound(_))));
        let audit = s.audit_records(None, 10).await.expect("audit");
        let mine: Vec<_> =
            audit.iter().filter(|r| r.source == "10.1.1.1").map(|r| (r.action.as_str(), r.actor.as_str())).collect();
        assert_eq!(mine, [("user.add", "signup"), ("enterprise.add", "signup")], "{}", db.backend);
    }
}

#[tokio::test]
async fn merge_into_new_is_one_step_or_none() {
    for db in backends("merge_into_new_is_one_step_or_none").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let dispatcher = principal(s, city.dispatcher).await;
        let t = at("2024-03-05T02:00:00Z");
        let rec = submit(s, &city, "园区道路破损").await;
        // Refused like `act`: stale version, a role that may not merge, an appeal outside scope, a blank title.
        let err = s.merge_into_new(&dispatcher, "ip", rec.id, 7, "园区道路".into(), t).await;
        assert!(matches!(err, Err(StoreError::Conflict { expected: 7, actual: 1 })), "{}: {err:?}", db.backend);
        let qiye = principal(s, city.enterprise_user).await;
        let err = s.merge_into_new(&qiye, "ip", rec.id, 1, "园区道路".into(), t).await;
        assert!(matches!(err, Err(StoreError::Forbidden(_))), "{}: {err:?}", db.backend);
        let handler = principal(s, city.handler).await;
        let err = s.merge_into_new(&handler, "ip", rec.id, 1, "园区道路".into(), t).await;
        assert!(matches!(err, Err(StoreError::NotFound(_))), "{}: {err:?}", db.backend);
        let err = s.merge_into_new(&dispatcher, "ip", rec.id, 1, "  ".into(), t).await;
        assert!(matches!(err, Err(StoreError::Invalid(_))), "{}: {err:?}", db.backend);
        // Illegal from a draft.
        let draft = s
            .create_appeal(
                sys(),
                zhuqi_store::NewAppeal { draft: true, ..new_appeal(&city, "草稿") },
                enterprise(&city),
                t,
            )
            .await
            .expect("draft");
        let err = s.merge_into_new(&dispatcher, "ip", draft.id, 1, "园区道路".into(), t).await;
        assert!(matches!(err, Err(StoreError::Transition(_))), "{}: {err:?}", db.backend);
        assert!(
            s.open_common_issues(&dispatcher).await.expect("issues").is_empty(),
            "{}: an issue was left behind",
            db.backend
        );
        assert_eq!(s.appeal(rec.id).await.expect("load").state.version, 1);
        // Done: the issue exists with the appeal's category, and the appeal follows it.
        let merged = s.merge_into_new(&dispatcher, "ip", rec.id, 1, " 园区道路 ".into(), t).await.expect("merge");
        assert_eq!(merged.state.status, zhuqi_domain::Status::Merged);
        let issues = s.open_common_issues(&dispatcher).await.expect("issues");
        assert_eq!(issues.len(), 1);
        let issue = &issues[0];
        assert_eq!(
            (issue.title.as_str(), issue.category_code.as_str(), issue.appeals, issue.resolved_at),
            ("园区道路", "financing", 1, None)
        );
        assert_eq!((issue.created_at, merged.state.common_issue_id), (t, Some(issue.id)), "{}", db.backend);
        // A second appeal merged through `act` counts too; a resolved issue leaves the list.
        let other = submit(s, &city, "园区路灯不亮").await;
        let merge = Action::Merge { common_issue_id: issue.id };
        s.act(&dispatcher, "ip", other.id, 1, merge, t).await.expect("merge");
        assert_eq!(s.open_common_issues(&dispatcher).await.expect("issues")[0].appeals, 2);
        let id = issue.id;
        s.transaction(sys(), move |w| w.resolve_common_issue(id, t)).await.expect("resolve");
        assert!(s.open_common_issues(&dispatcher).await.expect("issues").is_empty());
        assert!(matches!(s.open_common_issues(&qiye).await, Err(StoreError::Forbidden(_))));
    }
}

/// Steps taken with the program's authority, each at its time, on appeal `id` from version `v`.
async fn run(s: &Store, id: i64, mut v: u32, steps: Vec<(zhuqi_domain::Actor, Action, &str)>) {
    for (actor, action, when) in steps {
        v = s.perform(sys(), id, v, actor, action, at(when)).await.expect("step").state.version;
    }
}

#[tokio::test]
async fn headline_figures_are_exact() {
    for db in backends("headline_figures_are_exact").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let more = seed_more(s, &city).await;
        // Today is Wednesday 2024-03-20; everything is raised on Monday 03-04 at 09:00 in Shanghai.
        let today = date(2024, 3, 20);
        let (d, h, e) = (dispatcher(&city), handler(&city), enterprise(&city));
        let assign = || Action::assign_standard(city.unit_id, "financing");
        let answer = || Action::Answer { text: "已办理".into() };
        let confirm = |stars: u8| Action::Confirm { rating: Stars::new(stars).ok(), comment: String::new() };
        let reject = || Action::Reject { reason: "未解决".into() };
        let a = |title: &'static str| submit(s, &city, title);
        // A1: a draft never submitted: not collected.
        s.create_appeal(
            sys(),
            zhuqi_store::NewAppeal { draft: true, ..new_appeal(&city, "A1") },
            e,
            at("2024-03-04T01:00:00Z"),
        )
        .await
        .expect("draft");
        // A2: submitted, awaiting assignment: collected, open, no light.
        a("A2").await;
        // A3 withdrawn, A4 invalid: not collected.
        let r = a("A3").await;
        run(s, r.id, 1, vec![(e, Action::Withdraw { reason: "撤回".into() }, "2024-03-04T02:00:00Z")]).await;
        let r = a("A4").await;
        run(s, r.id, 1, vec![(d, Action::RejectInvalid { reason: "无效".into() }, "2024-03-04T02:00:00Z")]).await;
        // A5: assigned 03-04, never signed for: acknowledgement was due 03-05 → red.
        let r = a("A5").await;
        run(s, r.id, 1, vec![(d, assign(), "2024-03-04T02:00:00Z")]).await;
        // A6: assigned Tuesday 03-19, due today: 1 of 1 working day used → yellow.
        let r = a("A6").await;
        run(s, r.id, 1, vec![(d, assign(), "2024-03-19T02:00:00Z")]).await;
        // A7: assigned today: 0 of 1 used → green.
        let r = a("A7").await;
        run(s, r.id, 1, vec![(d, assign(), "2024-03-20T01:00:00Z")]).await;
        // A8: answered and rated five stars: resolved, rated, five-star.
        let r = a("A8").await;
        run(
            s,
            r.id,
            1,
            vec![
                (d, assign(), "2024-03-04T02:00:00Z"),
                (h, Action::Acknowledge, "2024-03-04T03:00:00Z"),
                (h, answer(), "2024-03-05T03:00:00Z"),
                (e, confirm(5), "2024-03-06T03:00:00Z"),
            ],
        )
        .await;
        // A9: rejected once, then answered again and rated three stars: resolved, rated, reopened.
        let r = a("A9").await;
        run(
            s,
            r.id,
            1,
            vec![
                (d, assign(), "2024-03-04T02:00:00Z"),
                (h, Action::Acknowledge, "2024-03-04T03:00:00Z"),
                (h, answer(), "2024-03-05T03:00:00Z"),
                (e, reject(), "2024-03-06T03:00:00Z"),
                (h, Action::Acknowledge, "2024-03-06T04:00:00Z"),
                (h, answer(), "2024-03-07T03:00:00Z"),
                (e, confirm(3), "2024-03-08T03:00:00Z"),
            ],
        )
        .await;
        // A10: rejected today: reopened, open, a fresh clock → green.
        let r = a("A10").await;
        run(
            s,
            r.id,
            1,
            vec![
                (d, assign(), "2024-03-04T02:00:00Z"),
                (h, Action::Acknowledge, "2024-03-04T03:00:00Z"),
                (h, answer(), "2024-03-05T03:00:00Z"),
                (e, reject(), "2024-03-20T02:00:00Z"),
            ],
        )
        .await;
        // A11 merged into a resolved common issue (resolved, not open); A12 into an open one (neither).
        let (resolved_issue, open_issue) = s
            .transaction(sys(), |w| {
                let one = w.insert_common_issue("园区道路", "financing", at("2024-03-05T00:00:00Z"))?;
                let two = w.insert_common_issue("园区供电", "financing", at("2024-03-05T00:00:00Z"))?;
                Ok::<_, StoreError>((one, two))
            })
            .await
            .expect("issues");
        let r = a("A11").await;
        run(s, r.id, 1, vec![(d, Action::Merge { common_issue_id: resolved_issue }, "2024-03-05T02:00:00Z")]).await;
        s.transaction(sys(), move |w| w.resolve_common_issue(resolved_issue, at("2024-03-08T02:00:00Z")))
            .await
            .expect("resolve");
        let r = a("A12").await;
        run(s, r.id, 1, vec![(d, Action::Merge { common_issue_id: open_issue }, "2024-03-05T02:00:00Z")]).await;
        // A13: waiting for material since 03-05: the clock is stopped, so green although long past its dates.
        let r = a("A13").await;
        run(
            s,
            r.id,
            1,
            vec![
                (d, assign(), "2024-03-04T02:00:00Z"),
                (h, Action::Acknowledge, "2024-03-04T03:00:00Z"),
                (h, Action::RequestMaterial { what: "营业执照".into() }, "2024-03-05T03:00:00Z"),
            ],
        )
        .await;
        // A14: answered 03-05, never confirmed: feedback was due 03-18 (10 working days) → red.
        let r = a("A14").await;
        run(
            s,
            r.id,
            1,
            vec![
                (d, assign(), "2024-03-04T02:00:00Z"),
                (h, Action::Acknowledge, "2024-03-04T03:00:00Z"),
                (h, answer(), "2024-03-05T03:00:00Z"),
            ],
        )
        .await;
        // B1, in 扶沟县: assigned, never signed for → red.
        let mut b = new_appeal(&city, "B1");
        b.enterprise_id = more.other_enterprise;
        let actor = zhuqi_domain::Actor::user(more.other_user, Role::Enterprise);
        let r = s.create_appeal(sys(), b, actor, at("2024-03-04T01:00:00Z")).await.expect("B1");
        run(s, r.id, 1, vec![(d, assign(), "2024-03-04T02:00:00Z")]).await;

        // The whole city: A2, A5–A14 and B1.
        let city_wide = Headline {
            collected: 12, // A2 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 B1
            resolved: 3,   // A8 A9 A11
            open: 8,       // A2 A5 A6 A7 A10 A13 A14 B1
            warning: 1,    // A6
            overdue: 3,    // A5 A14 B1
            rated: 2,      // A8 A9
            five_star: 1,  // A8
            reopened: 2,   // A9 A10
        };
        // 川汇区 and the first enterprise: the same without B1.
        let chuanhui = Headline { collected: 11, open: 7, overdue: 2, ..city_wide };
        // The unit: what was assigned to it, whatever its status now (A5–A10, A13, A14, B1).
        let unit = Headline { collected: 9, resolved: 2, open: 7, ..city_wide };
        let cases = [
            (city.dispatcher, city_wide),
            (more.leader, city_wide),
            (more.county_dispatcher, chuanhui),
            (city.enterprise_user, chuanhui),
            (more.cadre, chuanhui),
            (city.handler, unit),
            (more.other_user, Headline { collected: 1, open: 1, overdue: 1, ..Headline::default() }),
            (more.idle_cadre, Headline::default()),
            (more.sysadmin, Headline::default()),
        ];
        for (who, expected) in cases {
            let p = principal(s, who).await;
            assert_eq!(s.headline(&p, today).await.expect("headline"), expected, "{}: {}", db.backend, p.username);
        }
        // The lights move with the day. On Thursday 03-21 A6 is past its acknowledgement (red), and A7 and A10 have
        // used their one day (yellow); the rest stay as they were.
        let tomorrow = s.headline(&principal(s, city.dispatcher).await, date(2024, 3, 21)).await.expect("headline");
        assert_eq!(tomorrow, Headline { warning: 2, overdue: 4, ..city_wide }, "{}", db.backend);
    }
}

#[tokio::test]
async fn extension_requests_are_counted_for_the_dispatcher_also_in_a_database_from_before_they_were() {
    for db in backends("extension_requests_are_counted_for_the_dispatcher").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let office = principal(s, city.dispatcher).await;
        let rec = submit(s, &city, "流动资金贷款").await;
        let t = at("2024-03-04T02:00:00Z");
        let mut v = rec.state.version;
        for (actor, action) in [
            (dispatcher(&city), Action::assign_standard(city.unit_id, "financing")),
            (handler(&city), Action::Acknowledge),
            (handler(&city), Action::RequestExtension { days: 5, reason: "需会商".into() }),
        ] {
            v = s.perform(sys(), rec.id, v, actor, action, t).await.expect("step").state.version;
        }
        let waiting = || zhuqi_store::AppealFilter { pending_extension: true, open: true, ..Default::default() };
        let today = date(2024, 3, 5);
        assert_eq!(s.count_appeals(&office, waiting(), today).await.expect("count"), 1, "{}", db.backend);

        // A database written before migration 0009 gets the column from each open appeal's state.
        let drop = "DROP INDEX appeals_pending_extension; ALTER TABLE appeals DROP COLUMN pending_extension; \
                    DELETE FROM zhuqi_migrations WHERE version = 9;";
        raw_sql(&db, drop).expect("old shape");
        let reopened = zhuqi_store::Store::open(&db.url).await.expect("reopen");
        assert_eq!(reopened.count_appeals(&office, waiting(), today).await.expect("count"), 1, "{}", db.backend);
        let listed = reopened.list_appeals(&office, zhuqi_store::AppealFilter { limit: 10, ..waiting() }, today);
        assert_eq!(listed.await.expect("list").items.len(), 1);
        reopened.perform(sys(), rec.id, v, dispatcher(&city), Action::ApproveExtension, t).await.expect("approve");
        assert_eq!(reopened.count_appeals(&office, waiting(), today).await.expect("count"), 0, "{}", db.backend);
        reopened.close().await;
    }
}

#[tokio::test]
async fn a_create_sent_twice_at_once_with_one_key_makes_one_appeal() {
    for db in backends("a_create_sent_twice_at_once_with_one_key_makes_one_appeal").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let qiye = principal(s, city.enterprise_user).await;
        let key = zhuqi_store::IdempotencyKey::parse("3f2a9c1e-double-tap").expect("key");
        let t = at("2024-03-04T01:00:00Z");
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let (s, p, k, new) = (s.clone(), qiye.clone(), key.clone(), new_appeal(&city, "同一诉求"));
            tasks.push(tokio::spawn(async move { s.create_appeal_as(&p, "ip", new, vec![], t, Some(k)).await }));
        }
        let mut ids = Vec::new();
        for task in tasks {
            ids.push(task.await.expect("joined").expect("each post is answered with the appeal").id);
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{}: {ids:?}", db.backend);
        assert_eq!(s.counts().await.expect("counts").appeals, 1, "{}", db.backend);
        // Another key, or none, is another appeal.
        let other = zhuqi_store::IdempotencyKey::parse("another").expect("key");
        s.create_appeal_as(&qiye, "ip", new_appeal(&city, "另一诉求"), vec![], t, Some(other)).await.expect("create");
        s.create_appeal_as(&qiye, "ip", new_appeal(&city, "又一诉求"), vec![], t, None).await.expect("create");
        assert_eq!(s.counts().await.expect("counts").appeals, 3, "{}", db.backend);
    }
}

#[tokio::test]
async fn a_visit_or_a_common_issue_posted_twice_at_once_with_one_key_is_one() {
    for db in backends("a_visit_or_a_common_issue_posted_twice_at_once").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let more = seed_more(s, &city).await;
        let (cadre, office) = (principal(s, more.cadre).await, principal(s, city.dispatcher).await);
        let key = zhuqi_store::IdempotencyKey::parse("visit-double-tap").expect("key");
        let today = date(2024, 3, 20);
        let mut visits = Vec::new();
        let mut issues = Vec::new();
        for _ in 0..4 {
            let (store, p, k) = (s.clone(), cadre.clone(), key.clone());
            let new =
                NewVisit { enterprise_id: city.enterprise_id, visited_on: today, notes: "了解用工需求".into() };
            visits.push(tokio::spawn(async move { store.record_visit(&p, "ip", new, today, Some(k)).await }));
            let (store, p, k) = (s.clone(), office.clone(), key.clone());
            let new = zhuqi_store::NewCommonIssue {
                title: "园区用工缺口".into(),
                category: "financing".into(),
                ..Default::default()
            };
            let t = at("2024-03-20T02:00:00Z");
            issues.push(tokio::spawn(async move { store.create_common_issue(&p, "ip", new, t, Some(k)).await }));
        }
        let mut ids = Vec::new();
        for task in visits {
            ids.push(task.await.expect("joined").expect("each post is answered with the visit").id);
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{b}: {ids:?}");
        let mut ids = Vec::new();
        for task in issues {
            ids.push(task.await.expect("joined").expect("each post is answered with the issue").id);
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{b}: {ids:?}");
        let listed = s.list_common_issues(&office, zhuqi_store::CommonIssueFilter { limit: 10, ..Default::default() });
        assert_eq!(listed.await.expect("list").total, 1, "{b}");
        assert_eq!(s.visits_for(&cadre, None, 10).await.expect("visits").len(), 1, "{b}");
    }
}

/// Runs `post` `n` times at once and gives what each answered (each must succeed).
async fn at_once<T: Send + 'static, F>(n: usize, post: impl Fn() -> F) -> Vec<T>
where
    F: std::future::Future<Output = zhuqi_store::Result<T>> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|_| tokio::spawn(post())).collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("joined").expect("each post is answered with the first one's item"));
    }
    answers
}

#[tokio::test]
async fn every_other_create_posted_twice_at_once_with_one_key_is_one() {
    use zhuqi_store::{IdempotencyKey, NewWorkGroup};
    for db in backends("every_other_create_posted_twice").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let more = seed_more(s, &city).await;
        let admin = principal(s, more.sysadmin).await;
        let key = IdempotencyKey::parse("admin-double-tap").expect("key");
        let before = s.counts().await.expect("counts");
        let (st, p, k) = (s.clone(), admin.clone(), key.clone());
        let groups = at_once(3, move || {
            let (st, p, k) = (st.clone(), p.clone(), k.clone());
            let new = NewWorkGroup { name: "新建工作组".into(), region: code("411602"), lead_unit_id: None };
            async move { st.add_work_group(&p, "ip", new, Some(k)).await }
        });
        let ids: std::collections::BTreeSet<i64> = groups.await.iter().map(|g| g.group.id).collect();
        assert_eq!(ids.len(), 1, "{b}: one work group");
        let (st, p, k) = (s.clone(), admin.clone(), key.clone());
        let units = at_once(3, move || {
            let (st, o, k) = (st.clone(), p.origin("ip"), k.clone());
            async move { st.add_unit(o, "市新设局".into(), code("411600"), Some(k)).await }
        });
        let ids: std::collections::BTreeSet<i64> = units.await.iter().map(|u| u.id).collect();
        assert_eq!(ids.len(), 1, "{b}: one unit");
        let (st, p, k) = (s.clone(), admin.clone(), key.clone());
        at_once(3, move || {
            let (st, o, k) = (st.clone(), p.origin("ip"), k.clone());
            async move { st.add_region(o, code("411625"), "新设区".into(), Some(k)).await }
        })
        .await;
        let (st, p, k) = (s.clone(), admin.clone(), key.clone());
        let users = at_once(3, move || {
            let (st, o, k) = (st.clone(), p.origin("ip"), k.clone());
            async move { st.add_user_once(o, user("xinyonghu", Role::Cadre, "411602", None), Some(k)).await }
        });
        let users = users.await;
        let ids: std::collections::BTreeSet<i64> = users.iter().map(|u| u.item.id).collect();
        assert_eq!(ids.len(), 1, "{b}: one user");
        assert_eq!(users.iter().filter(|u| u.fresh).count(), 1, "{b}: only the first post made it");
        // The public sign-up: no one is signed in; the form's key alone makes a double tap one enterprise.
        let (st, k) = (s.clone(), key.clone());
        let signed = at_once(3, move || {
            let (st, k) = (st.clone(), k.clone());
            let e = enterprise_in("双击企业", "91411602MA0000002", "411602");
            async move { st.sign_up_enterprise("ip", signup_user("shuangji"), e, Some(k)).await }
        });
        let pairs: std::collections::BTreeSet<(i64, i64)> = signed.await.into_iter().collect();
        assert_eq!(pairs.len(), 1, "{b}: one sign-up");
        let after = s.counts().await.expect("counts");
        assert_eq!(
            (after.units, after.regions, after.users, after.enterprises),
            (before.units + 1, before.regions + 1, before.users + 2, before.enterprises + 1),
            "{b}"
        );
        // The same key from another user is that user's own: it creates (and a taken name is still refused).
        let other = principal(s, city.dispatcher).await;
        let new = NewWorkGroup { name: "新建工作组".into(), region: code("411602"), lead_unit_id: None };
        let err = s.add_work_group(&other, "ip", new, Some(key.clone())).await;
        assert!(matches!(err, Err(StoreError::Duplicate(_)) | Err(StoreError::Forbidden(_))), "{b}: {err:?}");
        let new = NewWorkGroup { name: "另一工作组".into(), region: code("411602"), lead_unit_id: None };
        s.add_work_group(&admin, "ip", new, Some(IdempotencyKey::parse("k2").expect("key"))).await.expect("another");
    }
}
