//! 多元解纷 on the work-item engine (issue 15): a workstation records a case and transfers it; a mediator (or a court,
//! arbitration body or unit) mediates and records the outcome; the enterprise evaluates. The figures — cases received,
//! amount involved, mediated successfully — as of any date, reproducing the seed's 1585 / 13亿元 / 1238. Every test
//! runs on SQLite and, with `ZHUQI_TEST_PG`, on PostgreSQL.

mod support;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use support::*;
use zhuqi_domain::dispute::{DISPUTE_TYPES, Forum, Outcome};
use zhuqi_domain::{Action, ActionKind, Actor, DeadlinePolicy, Fen, Kind, Role, Stars, Status};
use zhuqi_store::{
    DisputeFilter, DisputeGrouping, DisputeRecord, NewDispute, NewEnterprise, NewUser, Principal, Store, StoreError,
};

/// Two county workstations of 周口 with their people: 川汇区's with a mediator, 淮阳区's; a court; a leader.
struct Stations {
    chuanhui: i64,
    huaiyang: i64,
    court: i64,
    staff: i64,
    other_staff: i64,
    mediator: i64,
    other_mediator: i64,
    court_clerk: i64,
    leader: i64,
    /// An enterprise of 淮阳区, outside 川汇区's region.
    far_enterprise: i64,
}

async fn seed_stations(store: &Store) -> Stations {
    store
        .transaction(sys(), |w| {
            w.insert_region(&code("411603"), "淮阳区", Some(&code("411600")))?;
            let chuanhui = w.insert_unit("川汇区非公企业多元解纷工作站", &code("411602"))?;
            let huaiyang = w.insert_unit("淮阳区非公企业多元解纷工作站", &code("411603"))?;
            let court = w.insert_unit("川汇区人民法院诉调对接中心", &code("411602"))?;
            let member = |name: &str, role: Role, region: &str, unit: i64| NewUser {
                unit_id: Some(unit),
                ..person(name, role, region)
            };
            let far_enterprise = w.insert_enterprise(&NewEnterprise {
                name: "淮阳区豫东纺织有限公司".into(),
                uscc: zhuqi_domain::Uscc::parse("91110108551385082Q").expect("valid"),
                region: code("411603"),
                industry: "纺织服装".into(),
                above_scale: false,
                small_micro: true,
                specialized: false,
                little_giant: false,
                contact_name: None,
                contact_phone: None,
                created_at: at("2024-01-02T00:00:00Z"),
                profile: Default::default(),
            })?;
            Ok::<_, StoreError>(Stations {
                chuanhui,
                huaiyang,
                court,
                staff: w.insert_user(&member("gongzuozhan", Role::Workstation, "411602", chuanhui))?,
                other_staff: w.insert_user(&member("huaiyangzhan", Role::Workstation, "411603", huaiyang))?,
                mediator: w.insert_user(&member("tiaojieyuan", Role::Mediator, "411602", chuanhui))?,
                other_mediator: w.insert_user(&member("huaiyangtiaojie", Role::Mediator, "411603", huaiyang))?,
                court_clerk: w.insert_user(&member("fayuan", Role::Handler, "411602", court))?,
                leader: w.insert_user(&person("lingdao", Role::Leader, "411600"))?,
                far_enterprise,
            })
        })
        .await
        .expect("seed the workstations")
}

async fn principal(store: &Store, id: i64) -> Principal {
    store.principal(id).await.expect("principal")
}

fn case(enterprise_ids: Vec<i64>, amount_yuan: i64) -> NewDispute {
    NewDispute {
        enterprise_ids,
        other_party: "周口市恒达建筑工程有限公司".into(),
        dispute_type: "工程款纠纷".into(),
        amount: Fen::new(amount_yuan * 100).expect("non-negative"),
        facts: "企业承建厂房二期工程，竣工验收后尚欠工程款，多次催要未果。".into(),
    }
}

/// Monday 2024-03-04 09:00 in Shanghai, plus `hours`.
fn monday(hours: i64) -> Timestamp {
    at("2024-03-04T01:00:00Z") + SignedDuration::from_hours(hours)
}

fn to_mediator(mediator: i64, unit: i64) -> Action {
    Action::Transfer {
        forum: Forum::Mediator,
        unit_id: unit,
        mediator_id: Some(mediator),
        category: "工程款纠纷".into(),
        policy: DeadlinePolicy::new("complex", "复杂事项", [1, 5, 30, 35]).expect("ordered"),
    }
}

#[tokio::test]
async fn a_case_is_transferred_mediated_concluded_and_evaluated() {
    for db in backends("disputes_loop").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let st = seed_stations(s).await;
        let staff = principal(s, st.staff).await;
        let mediator = principal(s, st.mediator).await;
        let firm = principal(s, city.enterprise_user).await;

        let d = s.create_dispute_as(&staff, "t", case(vec![city.enterprise_id], 3_860_000), monday(0), None).await;
        let d = d.expect("record a case");
        assert_eq!(d.number.to_string(), "JF-2024-000001", "{b}");
        assert_eq!((d.state.kind, d.state.status), (Kind::Dispute, Status::Submitted), "{b}");
        assert_eq!((d.workstation_id, d.region_code.as_str()), (st.chuanhui, "411602"), "{b}");
        assert_eq!(d.party_names(), "周口华源食品有限公司", "{b}");

        // Transferred to the mediator of the workstation, who mediates twice and records the outcome.
        let d = s.act_on_dispute(&staff, "t", d.id, 1, to_mediator(st.mediator, st.chuanhui), monday(1)).await;
        let d = d.expect("transfer");
        assert_eq!((d.forum(), d.mediator_name.as_deref()), (Some(Forum::Mediator), Some("tiaojieyuan的姓名")), "{b}");
        let d = s.act_on_dispute(&mediator, "t", d.id, 2, Action::Acknowledge, monday(2)).await.expect("take up");
        for (version, hours) in [(3, 24), (4, 72)] {
            let session = Action::Reply {
                text: "组织双方到工作站面对面调解，核对工程量与已付款项".into()
            };
            s.act_on_dispute(&mediator, "t", d.id, version, session, monday(hours)).await.expect("a session");
        }
        let conclude = Action::Conclude {
            outcome: Outcome::Mediated,
            agreed: Some(Fen::new(3_200_000 * 100).expect("non-negative")),
            text: "双方签订调解协议，分两期支付工程款320万元，并申请司法确认".into(),
        };
        let d = s.act_on_dispute(&mediator, "t", d.id, 5, conclude, monday(96)).await.expect("conclude");
        assert_eq!((d.state.status, d.outcome()), (Status::Answered, Some(Outcome::Mediated)), "{b}");
        assert_eq!(d.agreed().map(Fen::fen), Some(320_000_000), "{b}");

        // The enterprise party evaluates the service (效果评价); the workstation may not do it for it.
        let rate = Action::Confirm { rating: Some(Stars::new(5).expect("stars")), comment: "调解高效".into() };
        let refused = s.act_on_dispute(&staff, "t", d.id, 6, rate.clone(), monday(97)).await;
        assert!(matches!(refused, Err(StoreError::Forbidden(_))), "{b}: {refused:?}");
        let d = s.act_on_dispute(&firm, "t", d.id, 6, rate, monday(98)).await.expect("evaluate");
        assert!(d.state.resolved && d.state.rating.is_some(), "{b}");

        let events = s.dispute_events_for(&staff, d.id).await.expect("events");
        use ActionKind::*;
        let kinds: Vec<ActionKind> = events.iter().map(|e| e.action.kind()).collect();
        assert_eq!(kinds, [Create, Transfer, Acknowledge, Reply, Reply, Conclude, Confirm], "{b}");
        assert_eq!(zhuqi_domain::Appeal::replay_as(Kind::Dispute, &events).expect("replays"), Some(d.state), "{b}");
        let verdict = s.verify_audit(None, |_, _| {}).await.expect("verify");
        assert!(matches!(verdict, zhuqi_store::AuditVerdict::Intact { .. }), "{b}: {verdict:?}");
    }
}

#[tokio::test]
async fn each_role_sees_and_acts_on_its_own_cases_only() {
    for db in backends("disputes_scope").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let st = seed_stations(s).await;
        let staff = principal(s, st.staff).await;
        let d = s.create_dispute_as(&staff, "t", case(vec![city.enterprise_id], 80_000), monday(0), None).await;
        let d = d.expect("case");
        let court = Action::Transfer {
            forum: Forum::Court,
            unit_id: st.court,
            mediator_id: None,
            category: "合同纠纷".into(),
            policy: DeadlinePolicy::standard(),
        };
        let d = s.act_on_dispute(&staff, "t", d.id, 1, court, monday(1)).await.expect("to the court");

        let sees = |id: i64| {
            let s = s.clone();
            async move {
                let p = principal(&s, id).await;
                (
                    s.dispute_for(&p, d.id).await.is_ok(),
                    s.disputes_for(&p, DisputeFilter::default()).await.expect("list").total,
                )
            }
        };
        assert_eq!(sees(st.staff).await, (true, 1), "{b}: the workstation");
        assert_eq!(sees(st.leader).await, (true, 1), "{b}: the city's leader");
        assert_eq!(sees(st.court_clerk).await, (true, 1), "{b}: the court it went to");
        assert_eq!(sees(city.enterprise_user).await, (true, 1), "{b}: the enterprise party");
        assert_eq!(sees(st.other_staff).await, (false, 0), "{b}: another county's workstation");
        assert_eq!(sees(st.mediator).await, (false, 0), "{b}: a mediator it did not go to");
        assert_eq!(sees(city.handler).await, (false, 0), "{b}: a unit it did not go to");
        assert_eq!(sees(city.dispatcher).await, (false, 0), "{b}: the command office reads figures, not cases");

        // Outside scope: not found; in scope but not the role's step: forbidden.
        let other = principal(s, st.other_staff).await;
        let r = s.act_on_dispute(&other, "t", d.id, 2, Action::Withdraw { reason: "撤回".into() }, monday(2)).await;
        assert!(matches!(r, Err(StoreError::NotFound(_))), "{b}: {r:?}");
        let leader = principal(s, st.leader).await;
        let r = s.act_on_dispute(&leader, "t", d.id, 2, Action::Acknowledge, monday(2)).await;
        assert!(matches!(r, Err(StoreError::Forbidden(_))), "{b}: {r:?}");
        let clerk = principal(s, st.court_clerk).await;
        let d = s.act_on_dispute(&clerk, "t", d.id, 2, Action::Acknowledge, monday(2)).await.expect("the court");
        // Two people acting on the same version: the second is told it moved.
        let r = s.act_on_dispute(&clerk, "t", d.id, 2, Action::Acknowledge, monday(3)).await;
        assert!(matches!(r, Err(StoreError::Conflict { .. })), "{b}: {r:?}");
        assert_eq!(d.state.status, Status::InProgress, "{b}");

        // Figures: the region roles and the command office; not a mediator, not an enterprise.
        let as_of: Date = "2024-03-31".parse().expect("date");
        for (id, reads) in [(st.staff, true), (city.dispatcher, true), (st.leader, true), (st.mediator, false)] {
            let p = principal(s, id).await;
            let f = s.dispute_figures(&p, None, as_of, DisputeGrouping::County).await;
            assert_eq!(f.is_ok(), reads, "{b}: user {id}: {f:?}");
        }
        let other_figures = s.dispute_figures(&other, None, as_of, DisputeGrouping::County).await.expect("figures");
        assert_eq!(other_figures.total.received, 0, "{b}: another county counts none of 川汇区's");
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    for db in backends("disputes_bad").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let st = seed_stations(s).await;
        let staff = principal(s, st.staff).await;
        let count = || async { s.disputes_for(&staff, DisputeFilter::default()).await.expect("list").total };
        let bad = [
            ("no enterprise", NewDispute { enterprise_ids: vec![], ..case(vec![], 1) }),
            ("unknown enterprise", case(vec![99_999], 1)),
            ("outside the region", case(vec![st.far_enterprise], 1)),
            ("absurd amount", case(vec![city.enterprise_id], 200_000_000_000)),
            ("unknown type", NewDispute { dispute_type: "邻里纠纷".into(), ..case(vec![city.enterprise_id], 1) }),
            ("blank party", NewDispute { other_party: "  ".into(), ..case(vec![city.enterprise_id], 1) }),
            ("blank facts", NewDispute { facts: String::new(), ..case(vec![city.enterprise_id], 1) }),
        ];
        for (what, new) in bad {
            let r = s.create_dispute_as(&staff, "t", new, monday(0), None).await;
            assert!(matches!(r, Err(StoreError::Invalid(_))), "{b}: {what}: {r:?}");
        }
        assert_eq!(count().await, 0, "{b}");
        // Only a workstation records cases.
        let leader = principal(s, st.leader).await;
        let r = s.create_dispute_as(&leader, "t", case(vec![city.enterprise_id], 1), monday(0), None).await;
        assert!(matches!(r, Err(StoreError::Forbidden(_))), "{b}: {r:?}");

        let d = s.create_dispute_as(&staff, "t", case(vec![city.enterprise_id], 1), monday(0), None).await;
        let d = d.expect("a good case");
        let events = || async { s.dispute_events_for(&staff, d.id).await.expect("events").len() };
        let wrong = [
            ("a mediator of another workstation", to_mediator(st.other_mediator, st.chuanhui)),
            ("a mediator who is no mediator", to_mediator(st.staff, st.chuanhui)),
            ("a unit that does not exist", to_mediator(st.mediator, 99_999)),
            (
                "an outcome before any mediation",
                Action::Conclude { outcome: Outcome::Failed, agreed: None, text: "x".into() },
            ),
        ];
        for (what, action) in wrong {
            let r = s.act_on_dispute(&staff, "t", d.id, 1, action, monday(1)).await;
            assert!(r.is_err(), "{b}: {what}");
        }
        assert_eq!(events().await, 1, "{b}");
        let _ = st.huaiyang;
    }
}

/// One constructed history: when it was recorded (then transferred to a mediator and taken up), its amount, and
/// when and how it ended (an outcome, or `None`: withdrawn), if it has.
#[derive(Clone, Copy)]
struct Constructed {
    recorded: Timestamp,
    amount: Fen,
    ended: Option<(Timestamp, Option<Outcome>)>,
}

/// 1,585 cases as the seed counts them: 1,238 mediated successfully, the rest failed, taken to court, withdrawn or
/// still open; amounts from 2万 to about 168万元, about 13亿元 in all.
fn constructed() -> Vec<Constructed> {
    (0..1585_i64)
        .map(|i| {
            let recorded = at("2024-01-02T01:30:00Z") + SignedDuration::from_hours(24 * ((i * 7) % 320) + i % 8);
            let amount = Fen::new((20_000 + (i * 7_919) % 1_660_000) * 100).expect("non-negative");
            let ends = recorded + SignedDuration::from_hours(24 * (6 + i % 20));
            let ended = match i {
                0..1238 => Some((ends, Some(Outcome::Mediated))),
                1238..1388 => Some((ends, Some(Outcome::Failed))),
                1388..1508 => Some((ends, Some(Outcome::Litigation))),
                1508..1558 => Some((ends, None)),
                _ => None,
            };
            Constructed { recorded, amount, ended }
        })
        .collect()
}

#[tokio::test]
async fn the_figures_reproduce_the_seeds_1585_cases_13_yi_and_1238_mediated() {
    for db in backends("disputes_seed").await {
        let (s, b) = (&db.store, db.backend);
        let city = seed_city(s).await;
        let st = seed_stations(s).await;
        let cases = constructed();
        let (staff, mediator) = (st.staff, st.mediator);
        let (enterprise, workstation) = (city.enterprise_id, st.chuanhui);
        // Each history through the store's own writes, a few hundred cases to a transaction.
        for chunk in cases.chunks(400) {
            let chunk = chunk.to_vec();
            s.transaction(sys(), move |w| {
                for (i, c) in chunk.into_iter().enumerate() {
                    let new = NewDispute {
                        dispute_type: DISPUTE_TYPES[i % DISPUTE_TYPES.len()].into(),
                        amount: c.amount,
                        ..case(vec![enterprise], 0)
                    };
                    let ws = Actor::user(staff, Role::Workstation);
                    let m = Actor::user(mediator, Role::Mediator);
                    let mut d: DisputeRecord = w.create_dispute(&new, workstation, ws, c.recorded)?;
                    let Some((when, outcome)) = c.ended else { continue };
                    let end = match outcome {
                        Some(outcome) => {
                            let agreed = (outcome == Outcome::Mediated)
                                .then(|| Fen::new(c.amount.fen() / 10 * 8).expect("non-negative"));
                            (m, Action::Conclude { outcome, agreed, text: "调解结束".into() })
                        }
                        None => (ws, Action::Withdraw { reason: "申请人撤回调解申请".into() }),
                    };
                    let steps = [
                        (ws, to_mediator(mediator, workstation), c.recorded + SignedDuration::from_hours(1)),
                        (m, Action::Acknowledge, c.recorded + SignedDuration::from_hours(2)),
                        (end.0, end.1, when),
                    ];
                    for (actor, action, at) in steps {
                        d = w.apply_dispute(&d, actor, action, at)?;
                    }
                }
                Ok::<_, StoreError>(())
            })
            .await
            .expect("construct the histories");
        }

        let dispatcher = principal(s, city.dispatcher).await;
        let end: Date = "2024-12-31".parse().expect("date");
        let f = s.dispute_figures(&dispatcher, None, end, DisputeGrouping::County).await.expect("figures");
        assert_eq!((f.total.received, f.total.mediated), (1585, 1238), "{b}");
        let amount: i64 = cases.iter().map(|c| c.amount.fen()).sum();
        assert_eq!(f.total.amount.fen(), amount, "{b}");
        assert_eq!(f.total.amount.to_yi_string(), "13.04亿元", "{b}: the seed's 13亿元左右");
        assert_eq!((f.total.failed, f.total.litigation, f.total.withdrawn, f.total.open()), (150, 120, 50, 27), "{b}");
        assert_eq!(f.total.success_per_mille(), Some(781), "{b}: 1238 of 1585 is 78.1%");
        assert_eq!(f.rows.len(), 1, "{b}: all in 川汇区");
        assert_eq!(f.rows[0].1, "川汇区", "{b}");

        // As of any earlier day, exactly what had happened by its end.
        for day in ["2024-03-31", "2024-06-30", "2024-09-15"] {
            let day: Date = day.parse().expect("date");
            let cutoff = zhuqi_domain::time::start_of_day(day.tomorrow().expect("date")).expect("in range");
            let received = cases.iter().filter(|c| c.recorded < cutoff).count() as i64;
            let mediated =
                cases.iter().filter(|c| matches!(c.ended, Some((at, Some(Outcome::Mediated))) if at < cutoff)).count()
                    as i64;
            let f = s.dispute_figures(&dispatcher, None, day, DisputeGrouping::DisputeType).await.expect("figures");
            assert_eq!((f.total.received, f.total.mediated), (received, mediated), "{b}: as of {day}");
            assert_eq!(f.rows.iter().map(|r| r.2.received).sum::<i64>(), received, "{b}: the types add up");
        }
        let by_station =
            s.dispute_figures(&dispatcher, None, end, DisputeGrouping::Workstation).await.expect("figures");
        assert_eq!(by_station.rows[0].1, "川汇区非公企业多元解纷工作站", "{b}");

        // Within a region: the county holds them all, a county next door none.
        let county = |c: &str| Some(zhuqi_domain::RegionCode::parse(c).expect("code"));
        let inside = s.dispute_figures(&dispatcher, county(&f.rows[0].0), end, DisputeGrouping::County).await;
        assert_eq!(inside.expect("figures").total, f.total, "{b}");
        let elsewhere = s.dispute_figures(&dispatcher, county("411621"), end, DisputeGrouping::County).await;
        assert_eq!(elsewhere.expect("figures").total.received, 0, "{b}");
    }
}
