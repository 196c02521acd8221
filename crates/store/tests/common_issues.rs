//! 共性问题: the office opens, renames and answers a common issue once (集中解决); each merged appeal comes back as
//! answered by the lead unit for its enterprise to rate, in one transaction. Every test runs on SQLite and, with
//! `ZHUQI_TEST_PG`, on PostgreSQL.

mod support;

use support::*;
use zhuqi_domain::{Action, Role, Stars, Status};
use zhuqi_store::{CommonIssueFilter, NewCommonIssue, NewUser, Principal, Store, StoreError};

async fn principal(store: &Store, id: i64) -> Principal {
    store.principal(id).await.expect("principal")
}

fn issue(title: &str, lead: Option<i64>) -> NewCommonIssue {
    NewCommonIssue {
        title: title.into(),
        cause: "园区变电站容量不足，多家企业扩产无法增容。".into(),
        category: "financing".into(),
        lead_unit_id: lead,
    }
}

#[tokio::test]
async fn a_common_issue_is_answered_once_for_every_merged_appeal_and_each_enterprise_rates_it() {
    for db in backends("common_issue_resolve").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let (leader, county) = s
            .transaction(sys(), |w| {
                w.insert_region(&code("411621"), "扶沟县", Some(&code("411600")))?;
                let leader = w.insert_user(&person("lingdao", Role::Leader, "411600"))?;
                let county = w.insert_user(&NewUser { ..person("fugou", Role::Dispatcher, "411621") })?;
                Ok::<_, StoreError>((leader, county))
            })
            .await
            .expect("seed");
        let (office, lead) = (principal(s, city.dispatcher).await, principal(s, city.handler).await);
        let (leader, county) = (principal(s, leader).await, principal(s, county).await);
        let company = principal(s, city.enterprise_user).await;
        let t = at("2024-03-04T02:00:00Z");

        // Only the office opens issues, and a bad one is refused whole.
        let refused = s.create_common_issue(&leader, "test", issue("园区用电", None), t, None).await;
        assert!(matches!(refused, Err(StoreError::Forbidden(_))), "{b}: {refused:?}");
        let blank = s.create_common_issue(&office, "test", issue(" ", None), t, None).await;
        assert!(matches!(blank, Err(StoreError::Invalid(_))), "{b}");
        let no_unit = s.create_common_issue(&office, "test", issue("园区用电", Some(999)), t, None).await;
        assert!(matches!(no_unit, Err(StoreError::Invalid(_))), "{b}");
        let created = s.create_common_issue(&office, "test", issue("园区用电", None), t, None).await.expect("create");
        assert_eq!((created.region_code.as_deref(), created.version, created.appeals), (Some("411600"), 1, 0));

        // Three appeals merged into it.
        let mut ids = Vec::new();
        for title in ["扩产用电增容", "新车间接电", "变压器增容"] {
            let a = submit(s, &city, title).await;
            let merge = Action::Merge { common_issue_id: created.id };
            ids.push(s.act(&office, "test", a.id, a.state.version, merge, t).await.expect("merge").id);
        }

        // Answering needs a lead unit; naming it is an edit, refused when stale.
        let early = s.resolve_common_issue(&office, "test", created.id, 1, "已协调增容。".into(), t).await;
        assert!(matches!(early, Err(StoreError::Invalid(_))), "{b}: {early:?}");
        let rename =
            NewCommonIssue { title: "产业集聚区企业用电容量不足".into(), ..issue("", Some(city.unit_id)) };
        let edited = s.edit_common_issue(&office, "test", created.id, 1, rename.clone()).await.expect("edit");
        assert_eq!((edited.version, edited.lead_unit_id), (2, Some(city.unit_id)), "{b}");
        let stale = s.edit_common_issue(&office, "test", created.id, 1, rename).await;
        assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{b}: {stale:?}");
        // The county's office does not see the city's issue.
        let hidden = s.resolve_common_issue(&county, "test", created.id, 2, "已解决".into(), t).await;
        assert!(matches!(hidden, Err(StoreError::NotFound(_))), "{b}: {hidden:?}");

        // One answer: every merged appeal answered by the lead unit, in one go.
        let later = at("2024-03-06T02:00:00Z");
        let text = "供电公司对两座变电站增容改造，新增容量已投运。";
        let (done, answered) =
            s.resolve_common_issue(&office, "test", created.id, 2, text.into(), later).await.expect("resolve");
        assert_eq!((answered, done.answer.as_deref(), done.resolved_at), (3, Some(text), Some(later)), "{b}");
        for id in &ids {
            let a = s.appeal_for(&company, *id).await.expect("appeal");
            assert_eq!((a.state.status, a.state.unit_id), (Status::Answered, Some(city.unit_id)), "{b}");
        }
        let twice = s.resolve_common_issue(&office, "test", created.id, 3, text.into(), later).await;
        assert!(matches!(twice, Err(StoreError::Duplicate(_))), "{b}: {twice:?}");
        // Nothing more may be merged into it.
        let late = submit(s, &city, "仓库接电").await;
        let merge = Action::Merge { common_issue_id: created.id };
        let refused = s.act(&office, "test", late.id, late.state.version, merge, later).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{b}: {refused:?}");

        // The enterprise rates each answer; the lead unit handles again what is rejected.
        for (n, id) in ids.iter().enumerate() {
            let a = s.appeal_for(&company, *id).await.expect("appeal");
            let step = if n < 2 {
                Action::Confirm { rating: Stars::new(5).ok(), comment: String::new() }
            } else {
                Action::Reject { reason: "仍未通电".into() }
            };
            s.act(&company, "test", *id, a.state.version, step, at("2024-03-07T02:00:00Z")).await.expect("rate");
        }
        let reopened = s.appeal_for(&lead, ids[2]).await.expect("the lead unit sees it");
        assert_eq!(reopened.state.status, Status::Reopened, "{b}");
        let h = s.headline(&office, jiff::civil::date(2024, 3, 8)).await.expect("headline");
        assert_eq!((h.resolved, h.rated, h.five_star), (2, 2, 2), "{b}: {h:?}");

        // The list counts what it finds.
        let all = s.list_common_issues(&leader, CommonIssueFilter { limit: 10, ..Default::default() }).await;
        let all = all.expect("list");
        assert_eq!((all.total, all.items[0].appeals), (1, 3), "{b}");
        let open = CommonIssueFilter { open: Some(true), limit: 10, ..Default::default() };
        assert_eq!(s.list_common_issues(&leader, open).await.expect("list").total, 0, "{b}");
        assert!(matches!(s.common_issue_for(&company, created.id).await, Err(StoreError::NotFound(_))), "{b}");
        let detail = s.common_issue_for(&leader, created.id).await.expect("detail");
        assert_eq!(detail.appeals.len(), 3, "{b}");
    }
}

#[tokio::test]
async fn an_appeal_outside_the_issues_region_is_not_merged_and_a_refused_answer_changes_nothing() {
    for db in backends("common_issue_refusals").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let county = s
            .transaction(sys(), |w| {
                w.insert_region(&code("411621"), "扶沟县", Some(&code("411600")))?;
                w.insert_user(&person("fugou", Role::Dispatcher, "411621"))
            })
            .await
            .expect("seed");
        let (office, county) = (principal(s, city.dispatcher).await, principal(s, county).await);
        let t = at("2024-03-04T02:00:00Z");
        // The county's issue cannot take the city's 川汇区 appeal, even from the city's office.
        let theirs = s.create_common_issue(&county, "test", issue("扶沟园区道路", Some(city.unit_id)), t, None).await;
        let theirs = theirs.expect("county issue");
        let a = submit(s, &city, "园区道路破损").await;
        let merge = Action::Merge { common_issue_id: theirs.id };
        let refused = s.act(&office, "test", a.id, a.state.version, merge, t).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{b}: {refused:?}");
        // An issue kept by no region (from before) with an appeal the county cannot see: the county may not answer.
        let legacy =
            s.transaction(sys(), move |w| w.insert_common_issue("园区供电", "financing", t)).await.expect("issue");
        let merge = Action::Merge { common_issue_id: legacy };
        s.act(&office, "test", a.id, a.state.version, merge, t).await.expect("merge");
        let edit = NewCommonIssue { title: "园区供电".into(), ..issue("", Some(city.unit_id)) };
        s.edit_common_issue(&office, "test", legacy, 1, edit).await.expect("lead unit");
        let answer = s.resolve_common_issue(&county, "test", legacy, 2, "已解决".into(), t).await;
        assert!(matches!(answer, Err(StoreError::Forbidden(_))), "{b}: {answer:?}");
        let still = s.appeal_for(&office, a.id).await.expect("appeal");
        assert_eq!(still.state.status, Status::Merged, "{b}: nothing changed");
        let issue = s.common_issue_for(&office, legacy).await.expect("issue").issue;
        assert_eq!((issue.resolved_at, issue.version), (None, 2), "{b}");
    }
}
