//! 包联 kept in the product (issue 13): work groups made, staffed, given enterprises and retired by the system
//! administrator and a region's dispatcher; a cadre's scope following at once; every refusal changing nothing.
//! Every test runs on SQLite and, with `ZHUQI_TEST_PG`, on PostgreSQL.

mod support;

use support::*;
use zhuqi_domain::{Role, Uscc};
use zhuqi_store::{
    AppealFilter, Assigned, NewEnterprise, NewWorkGroup, Principal, Store, StoreError, WorkGroupEdit, WorkGroupFilter,
};

/// Beyond `seed_city`: a second county (扶沟县) with an enterprise, two cadres, a dispatcher of 川汇区 and one of
/// 扶沟县, a leader of the city and a system administrator.
struct People {
    fugou_enterprise: i64,
    cadre: i64,
    cadre2: i64,
    chuanhui_dispatcher: i64,
    fugou_dispatcher: i64,
    leader: i64,
    sysadmin: i64,
}

async fn seed_people(store: &Store) -> People {
    store
        .transaction(sys(), |w| {
            w.insert_region(&code("411621"), "扶沟县", Some(&code("411600")))?;
            let fugou_enterprise = w.insert_enterprise(&NewEnterprise {
                name: "扶沟机械有限公司".into(),
                uscc: Uscc::with_check_char("91411621MA0000001").expect("valid"),
                region: code("411621"),
                industry: "先进装备".into(),
                above_scale: false,
                small_micro: true,
                specialized: false,
                little_giant: false,
                contact_name: None,
                contact_phone: None,
                created_at: at("2024-01-02T00:00:00Z"),
                profile: Default::default(),
            })?;
            Ok::<_, StoreError>(People {
                fugou_enterprise,
                cadre: w.insert_user(&person("ganbu", Role::Cadre, "411602"))?,
                cadre2: w.insert_user(&person("ganbu2", Role::Cadre, "411602"))?,
                chuanhui_dispatcher: w.insert_user(&person("chuanhui", Role::Dispatcher, "411602"))?,
                fugou_dispatcher: w.insert_user(&person("fugou", Role::Dispatcher, "411621"))?,
                leader: w.insert_user(&person("lingdao", Role::Leader, "411600"))?,
                sysadmin: w.insert_user(&person("admin", Role::Sysadmin, "411600"))?,
            })
        })
        .await
        .expect("seed people")
}

async fn principal(store: &Store, id: i64) -> Principal {
    store.principal(id).await.expect("principal")
}

fn group(name: &str, region: &str) -> NewWorkGroup {
    NewWorkGroup { name: name.into(), region: code(region), lead_unit_id: None }
}

/// The enterprises a user may see, by id.
async fn seen(store: &Store, p: &Principal) -> Vec<i64> {
    let (items, _) = store.enterprises_for(p, None, None, None, 100).await.expect("enterprises");
    items.into_iter().map(|e| e.id).collect()
}

async fn appeals_seen(store: &Store, p: &Principal, today: jiff::civil::Date) -> usize {
    store.list_appeals(p, AppealFilter { limit: 50, ..AppealFilter::default() }, today).await.expect("list").items.len()
}

async fn audit_len(store: &Store) -> usize {
    store.audit_records(None, 100_000).await.expect("audit").len()
}

#[tokio::test]
async fn a_cadre_sees_the_enterprises_of_its_group_from_the_moment_they_are_assigned() {
    for db in backends("a_cadre_sees_the_enterprises_of_its_group_from_the_moment_they_are_assigned").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let people = seed_people(s).await;
        submit(s, &city, "流动资金贷款").await;
        let today = jiff::civil::date(2024, 3, 5);
        let dispatcher = principal(s, people.chuanhui_dispatcher).await;
        let (cadre, cadre2) = (principal(s, people.cadre).await, principal(s, people.cadre2).await);
        assert!(seen(s, &cadre).await.is_empty(), "{}: a cadre with no group sees nothing", db.backend);

        let first = s
            .add_work_group(&dispatcher, "127.0.0.1", group("川汇区第一助企工作组", "411602"), None)
            .await
            .expect("allowed");
        let id = first.group.id;
        s.add_work_group_members(&dispatcher, "127.0.0.1", id, vec![people.cadre]).await.expect("allowed");
        let done = s.assign_enterprises(&dispatcher, "127.0.0.1", id, vec![city.enterprise_id]).await.expect("allowed");
        assert_eq!(done, vec![Assigned::New]);
        assert_eq!(seen(s, &cadre).await, vec![city.enterprise_id], "{}", db.backend);
        assert_eq!(appeals_seen(s, &cadre, today).await, 1, "{}: and its appeals", db.backend);

        // Moved to a second group: the first cadre loses it, the second gains it, in the same instant.
        let second = s
            .add_work_group(&dispatcher, "127.0.0.1", group("川汇区第二助企工作组", "411602"), None)
            .await
            .expect("allowed");
        s.add_work_group_members(&dispatcher, "127.0.0.1", second.group.id, vec![people.cadre2])
            .await
            .expect("allowed");
        let before = audit_len(s).await;
        let done = s
            .assign_enterprises(&dispatcher, "127.0.0.1", second.group.id, vec![city.enterprise_id])
            .await
            .expect("allowed");
        assert_eq!(done, vec![Assigned::Moved(id)]);
        assert_eq!(audit_len(s).await, before + 1, "{}: one audit record for the move", db.backend);
        assert!(seen(s, &cadre).await.is_empty(), "{}", db.backend);
        assert_eq!(appeals_seen(s, &cadre, today).await, 0, "{}", db.backend);
        assert_eq!(seen(s, &cadre2).await, vec![city.enterprise_id], "{}", db.backend);
        let again = s
            .assign_enterprises(&dispatcher, "127.0.0.1", second.group.id, vec![city.enterprise_id])
            .await
            .expect("allowed");
        assert_eq!(again, vec![Assigned::Unchanged]);

        // The list counts and the leader reads.
        let leader = principal(s, people.leader).await;
        let page = s
            .work_groups(&leader, WorkGroupFilter { limit: 20, ..WorkGroupFilter::default() })
            .await
            .expect("leader reads");
        assert_eq!(page.total, 2);
        let counts: Vec<(i64, i64)> = page.items.iter().map(|g| (g.members, g.enterprises)).collect();
        assert_eq!(counts, vec![(1, 0), (1, 1)], "{}", db.backend);
        assert_eq!(
            s.work_group_of_enterprise(city.enterprise_id).await.expect("allowed").map(|g| g.0),
            Some(second.group.id)
        );

        // A member taken out loses the scope at once.
        s.remove_work_group_member(&dispatcher, "127.0.0.1", second.group.id, people.cadre2).await.expect("allowed");
        assert!(seen(s, &cadre2).await.is_empty(), "{}", db.backend);

        // Retired once it serves nobody; the empty first group can go now.
        let edit = WorkGroupEdit {
            version: first.group.version,
            name: first.group.name.clone(),
            lead_unit_id: Some(city.unit_id),
            active: false,
        };
        let retired = s.edit_work_group(&dispatcher, "127.0.0.1", id, edit).await.expect("allowed");
        assert!(!retired.group.active);
        assert_eq!(retired.group.lead_unit_id, Some(city.unit_id));
        let active = s
            .work_groups(&dispatcher, WorkGroupFilter { limit: 20, ..WorkGroupFilter::default() })
            .await
            .expect("allowed");
        assert_eq!(active.total, 1, "{}: a retired group leaves the list unless asked for", db.backend);
    }
}

#[tokio::test]
async fn refused_changes_to_work_groups_change_nothing() {
    for db in backends("refused_changes_to_work_groups_change_nothing").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let people = seed_people(s).await;
        let sysadmin = principal(s, people.sysadmin).await;
        let chuanhui = principal(s, people.chuanhui_dispatcher).await;
        let fugou = principal(s, people.fugou_dispatcher).await;
        let leader = principal(s, people.leader).await;
        let cadre = principal(s, people.cadre).await;
        let city_group = s
            .add_work_group(&sysadmin, "127.0.0.1", group("市发改委第一助企工作组", "411600"), None)
            .await
            .expect("allowed");
        let cid = city_group.group.id;
        s.assign_enterprises(&sysadmin, "127.0.0.1", cid, vec![city.enterprise_id, people.fugou_enterprise])
            .await
            .expect("allowed");
        let county =
            s.add_work_group(&chuanhui, "127.0.0.1", group("川汇区助企工作组", "411602"), None).await.expect("allowed");
        let before = audit_len(s).await;
        let snapshot = s.work_group(&sysadmin, cid).await.expect("allowed");

        let refusals: Vec<(&str, Result<(), StoreError>)> = vec![
            (
                "a cadre keeps no group",
                s.add_work_group(&cadre, "x", group("干部建组", "411602"), None).await.map(drop),
            ),
            (
                "a leader reads but does not keep",
                s.add_work_group(&leader, "x", group("领导建组", "411600"), None).await.map(drop),
            ),
            (
                "a county dispatcher keeps only its county",
                s.add_work_group(&fugou, "x", group("越界工作组", "411602"), None).await.map(drop),
            ),
            (
                "a duplicate name",
                s.add_work_group(&sysadmin, "x", group("川汇区助企工作组", "411602"), None).await.map(drop),
            ),
            ("an empty name", s.add_work_group(&sysadmin, "x", group("  ", "411602"), None).await.map(drop)),
            (
                "a region not entered",
                s.add_work_group(&sysadmin, "x", group("新工作组", "411625"), None).await.map(drop),
            ),
            (
                "a user who is not a cadre",
                s.add_work_group_members(&sysadmin, "x", cid, vec![people.leader]).await.map(drop),
            ),
            ("a user who does not exist", s.add_work_group_members(&sysadmin, "x", cid, vec![9999]).await.map(drop)),
            (
                "another county's enterprise in a county's group",
                s.assign_enterprises(&sysadmin, "x", county.group.id, vec![people.fugou_enterprise]).await.map(drop),
            ),
            (
                "an enterprise taken from a group outside the dispatcher's keeping",
                s.assign_enterprises(&chuanhui, "x", county.group.id, vec![city.enterprise_id]).await.map(drop),
            ),
            (
                "the city's group is out of a county dispatcher's sight",
                s.remove_work_group_member(&fugou, "x", cid, people.cadre).await.map(drop),
            ),
            (
                "a leader may not change a group it reads",
                s.release_enterprise(&leader, "x", cid, city.enterprise_id).await.map(drop),
            ),
            (
                "retiring a group that still serves enterprises",
                s.edit_work_group(
                    &sysadmin,
                    "x",
                    cid,
                    WorkGroupEdit {
                        version: snapshot.group.version,
                        name: snapshot.group.name.clone(),
                        lead_unit_id: None,
                        active: false,
                    },
                )
                .await
                .map(drop),
            ),
            (
                "a stale version",
                s.edit_work_group(
                    &sysadmin,
                    "x",
                    cid,
                    WorkGroupEdit {
                        version: snapshot.group.version + 1,
                        name: "改名".into(),
                        lead_unit_id: None,
                        active: true,
                    },
                )
                .await
                .map(drop),
            ),
            (
                "a lead unit that does not exist",
                s.edit_work_group(
                    &sysadmin,
                    "x",
                    cid,
                    WorkGroupEdit {
                        version: snapshot.group.version,
                        name: "改名".into(),
                        lead_unit_id: Some(9999),
                        active: true,
                    },
                )
                .await
                .map(drop),
            ),
        ];
        for (what, result) in refusals {
            assert!(result.is_err(), "{}: {what} must be refused", db.backend);
        }
        // A refused batch writes none of its good rows either.
        let mixed = s.assign_enterprises(&chuanhui, "x", county.group.id, vec![city.enterprise_id, 9999]).await;
        assert!(mixed.is_err());
        assert_eq!(audit_len(s).await, before, "{}: nothing was audited", db.backend);
        assert_eq!(s.work_group(&sysadmin, cid).await.expect("allowed"), snapshot, "{}: nothing changed", db.backend);
        let fugou_sees = s.work_group(&fugou, cid).await;
        assert!(matches!(fugou_sees, Err(StoreError::NotFound(_))), "{}: {fugou_sees:?}", db.backend);
        let leader_changes = s.release_enterprise(&leader, "x", cid, city.enterprise_id).await;
        assert!(matches!(leader_changes, Err(StoreError::Forbidden(_))), "{}: {leader_changes:?}", db.backend);
    }
}

#[tokio::test]
async fn two_dispatchers_moving_one_enterprise_at_once_leave_it_in_one_group() {
    for db in backends("two_dispatchers_moving_one_enterprise_at_once_leave_it_in_one_group").await {
        let s = &db.store;
        let city = seed_city(s).await;
        let people = seed_people(s).await;
        let sysadmin = principal(s, people.sysadmin).await;
        let a = s.add_work_group(&sysadmin, "x", group("甲组", "411602"), None).await.expect("allowed").group.id;
        let b = s.add_work_group(&sysadmin, "x", group("乙组", "411602"), None).await.expect("allowed").group.id;
        let (s1, s2, p1, p2) = (s.clone(), s.clone(), sysadmin.clone(), sysadmin.clone());
        let e = city.enterprise_id;
        let t1 = tokio::spawn(async move { s1.assign_enterprises(&p1, "x", a, vec![e]).await });
        let t2 = tokio::spawn(async move { s2.assign_enterprises(&p2, "x", b, vec![e]).await });
        let (r1, r2) = (t1.await.expect("joined"), t2.await.expect("joined"));
        assert!(r1.is_ok() || r2.is_ok(), "{}: {r1:?} {r2:?}", db.backend);
        let ga = s.work_group(&sysadmin, a).await.expect("allowed").enterprises.len();
        let gb = s.work_group(&sysadmin, b).await.expect("allowed").enterprises.len();
        assert_eq!(ga + gb, 1, "{}: the enterprise is served by exactly one group", db.backend);
    }
}
