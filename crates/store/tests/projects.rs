//! Key projects (SPEC §7) through the store, on SQLite and, with `ZHUQI_TEST_PG`, on PostgreSQL: the seeds' figures
//! (2022: 1546.18亿 of 1413.07亿 → 109.42%; 2023 Q1: 550亿 of 1768.5亿 → 31.10%, 6.44 points above 时序进度 24.66;
//! 老旧小区改造 42,600 of 53,000 → 80.4%) split over projects and regions, scope, stale edits, the checks of stage
//! changes and monthly reports (each refusal changing nothing), batches, observations and linked appeals.

mod support;

use jiff::civil::{Date, date};
use support::*;
use zhuqi_domain::project::{BatchList, Criterion, CriterionWeights, Scores, Stage};
use zhuqi_domain::stats::{Flag, FlagRule, Hundredths, Period};
use zhuqi_domain::{Action, Fen, Role, Stars};
use zhuqi_store::{
    MetricsQuery, NewBatch, NewInvestmentReport, NewObservation, NewProgramme, NewProject, NewUser, Principal,
    ProjectEdit, ProjectFilter, ProjectRecord, Store, StoreError,
};

/// The day every write is made.
const TODAY: Date = date(2023, 5, 10);

/// An amount in hundredths of 亿元 (1413.07亿 = yi(141_307)).
fn yi(hundredths: i64) -> Fen {
    Fen::new(hundredths * 100_000_000).expect("valid")
}

struct World {
    city: City,
    /// Dispatcher and leader of 周口市 (411600).
    dispatcher: Principal,
    leader: Principal,
    /// The handler of the city's unit, responsible for project 1.
    handler: Principal,
    /// Dispatcher and leader of 扶沟县 (411621), and a handler of another unit.
    other_dispatcher: Principal,
    other_leader: Principal,
    other_handler: Principal,
    /// 1 in 川汇区 (411602), 2 in 扶沟县 (411621), 3 at the city itself (411600).
    projects: [ProjectRecord; 3],
}

async fn principal(store: &Store, id: i64) -> Principal {
    store.principal(id).await.expect("principal")
}

fn user(name: &str, role: Role, region: &str, unit: Option<i64>) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: name.into(),
        password_hash: None,
        must_change_password: false,
        region: Some(code(region)),
        unit_id: unit,
        enterprise_id: None,
        phone: None,
        roles: vec![role],
        created_at: at("2023-01-02T00:00:00Z"),
    }
}

fn new_project(name: &str, region: &str, stage: Stage, stage_on: Date, unit_id: Option<i64>) -> NewProject {
    NewProject {
        code: None,
        name: name.into(),
        region_code: code(region),
        industry: "现代食品".into(),
        owner: "周口华源食品有限公司".into(),
        enterprise_id: None,
        unit_id,
        total_investment: yi(500_000),
        leader: "张三".into(),
        team: "食品产业专班".into(),
        plan: "年内开工".into(),
        whitelist: false,
        stage,
        stage_on,
    }
}

async fn report(s: &Store, p: &Principal, id: i64, month: (i16, i8), cumulative: Fen) {
    s.report_investment(p, "ip", id, NewInvestmentReport { month, cumulative, override_reason: None }, TODAY)
        .await
        .unwrap_or_else(|e| panic!("report {month:?} of {id}: {e}"));
}

async fn world(s: &Store) -> World {
    let city = seed_city(s).await;
    let (leader, other_dispatcher, other_leader, other_handler) = s
        .transaction(sys(), |w| {
            w.insert_region(&code("411621"), "扶沟县", Some(&code("411600")))?;
            let unit = w.insert_unit("扶沟县发展和改革委员会", &code("411621"))?;
            Ok::<_, StoreError>((
                w.insert_user(&user("lingdao", Role::Leader, "411600", None))?,
                w.insert_user(&user("fugou_zhb", Role::Dispatcher, "411621", None))?,
                w.insert_user(&user("fugou_ld", Role::Leader, "411621", None))?,
                w.insert_user(&user("fugou_cb", Role::Handler, "411621", Some(unit)))?,
            ))
        })
        .await
        .expect("more users");
    let dispatcher = principal(s, city.dispatcher).await;
    let mut p1 = new_project("华源食品产业园", "411602", Stage::Signed, date(2021, 6, 1), Some(city.unit_id));
    p1.industry = "现代食品".into();
    let mut p2 = new_project("扶沟电子信息产业园", "411621", Stage::Started, date(2021, 1, 1), None);
    p2.industry = "电子信息".into();
    p2.whitelist = true;
    let mut p3 = new_project("周口港物流园", "411600", Stage::Planning, date(2021, 3, 1), None);
    p3.industry = "现代物流".into();
    let mut projects = Vec::new();
    for new in [p1, p2, p3] {
        projects.push(s.create_project(&dispatcher, "ip", new, TODAY, None).await.expect("create"));
    }
    let projects: [ProjectRecord; 3] = projects.try_into().expect("three");
    let [id1, id2, id3] = [projects[0].id, projects[1].id, projects[2].id];
    // 2022's plans: 500 + 600 + 313.07 = 1413.07亿; 2023's: 800 + 700 + 268.5 = 1768.5亿.
    for (id, y2022, y2023) in [(id1, 50_000, 80_000), (id2, 60_000, 70_000), (id3, 31_307, 26_850)] {
        s.set_plan(&dispatcher, "ip", id, 2022, yi(y2022)).await.expect("plan 2022");
        s.set_plan(&dispatcher, "ip", id, 2023, yi(y2023)).await.expect("plan 2023");
    }
    // Completed in 2022: 600 + 646.18 + 300 = 1546.18亿. In 2023 up to March: 250 + 200 + 100 = 550亿.
    report(s, &dispatcher, id1, (2021, 12), yi(10_000)).await;
    report(s, &dispatcher, id1, (2022, 6), yi(30_000)).await;
    report(s, &dispatcher, id1, (2022, 12), yi(70_000)).await;
    report(s, &dispatcher, id1, (2023, 3), yi(95_000)).await;
    // A later month: not counted as of the end of March.
    report(s, &dispatcher, id1, (2023, 4), yi(120_000)).await;
    report(s, &dispatcher, id2, (2021, 11), yi(5_000)).await;
    report(s, &dispatcher, id2, (2022, 12), yi(69_618)).await;
    // February is the last report of the quarter: it counts at the end of March.
    report(s, &dispatcher, id2, (2023, 2), yi(89_618)).await;
    report(s, &dispatcher, id3, (2022, 12), yi(30_000)).await;
    report(s, &dispatcher, id3, (2023, 3), yi(40_000)).await;
    // Project 1 starts on 15 March 2023.
    s.change_stage(&dispatcher, "ip", id1, Stage::Started, date(2023, 3, 15), None, TODAY).await.expect("start");
    let projects = [
        s.project_for(&dispatcher, id1).await.expect("p1").project,
        s.project_for(&dispatcher, id2).await.expect("p2").project,
        s.project_for(&dispatcher, id3).await.expect("p3").project,
    ];
    World {
        handler: principal(s, city.handler).await,
        city,
        dispatcher,
        leader: principal(s, leader).await,
        other_dispatcher: principal(s, other_dispatcher).await,
        other_leader: principal(s, other_leader).await,
        other_handler: principal(s, other_handler).await,
        projects,
    }
}

fn query(as_of: Date) -> MetricsQuery {
    MetricsQuery { region: None, as_of, industry: None, batch_id: None, whitelist_only: false }
}

#[tokio::test]
async fn the_seed_figures_read_through_the_store() {
    for db in backends("the_seed_figures_read_through_the_store").await {
        let s = &db.store;
        let w = world(s).await;
        let b = db.backend;

        // (a) 2022: 1546.18亿 of 1413.07亿.
        let m = s.project_metrics(&w.leader, query(date(2022, 12, 31))).await.expect("2022");
        assert_eq!(m.total.progress.done, yi(154_618).fen(), "{b}");
        assert_eq!(m.total.progress.planned, yi(141_307).fen(), "{b}");
        assert_eq!(m.total.progress.completion().percent(), "109.42%", "{b}");
        assert_eq!(m.time_progress.to_string(), "100.00", "{b}");

        // (b) 2023 to the end of March: 550亿 of 1768.5亿, 6.44 points ahead of 24.66.
        let d = date(2023, 3, 31);
        let m = s.project_metrics(&w.leader, query(d)).await.expect("2023 Q1");
        let t = m.total;
        assert_eq!((t.progress.done, t.progress.planned), (yi(55_000).fen(), yi(176_850).fen()), "{b}");
        assert_eq!(t.progress.completion().percent(), "31.10%", "{b}");
        assert_eq!(t.progress.completion_one_decimal(), "31.1%", "{b}");
        assert_eq!(m.time_progress.to_string(), "24.66", "{b}");
        let pp = t.progress.ahead_pp(d).expect("a plan");
        assert_eq!(pp.to_string(), "6.44", "{b}");
        assert_eq!((pp.0 + 50) / 100, 6, "{b}");
        assert_eq!(t.projects, 3, "{b}");
        assert_eq!(t.whitelist, 1, "{b}");
        assert_eq!(t.total_investment, 3 * yi(500_000).fen(), "{b}");
        // The cumulative figures as of March (April's report of project 1 not counted).
        assert_eq!(t.cumulative, yi(95_000 + 89_618 + 40_000).fen(), "{b}");
        // Stages as of the date: 1 started on 15 March, 2 started, 3 in planning.
        let started = usize::from(Stage::Started.ordinal() - 1);
        assert_eq!(t.stages[started], 2, "{b}");
        assert_eq!(t.stages[0], 1, "{b}");

        // One line per region one level below the city, the city's own project on a line of its own; they add up.
        let regions: Vec<(&str, i64, i64)> =
            m.by_region.iter().map(|(c, _, t)| (c.as_str(), t.progress.done, t.progress.planned)).collect();
        assert_eq!(
            regions,
            vec![
                ("411600", yi(10_000).fen(), yi(26_850).fen()),
                ("411602", yi(25_000).fen(), yi(80_000).fen()),
                ("411621", yi(20_000).fen(), yi(70_000).fen()),
            ],
            "{b}"
        );
        assert_eq!(m.by_region.iter().map(|(_, n, _)| n.as_str()).collect::<Vec<_>>(), ["周口市", "川汇区", "扶沟县"]);
        let sum: i64 = m.by_region.iter().map(|(_, _, t)| t.progress.done).sum();
        assert_eq!(sum, t.progress.done, "{b}");
        let projects: i64 = m.by_region.iter().map(|(_, _, t)| t.projects).sum();
        assert_eq!(projects, t.projects, "{b}");
        // Industries, largest plan first.
        let industries: Vec<&str> = m.by_industry.iter().map(|(i, _)| i.as_str()).collect();
        assert_eq!(industries, ["现代食品", "电子信息", "现代物流"], "{b}");

        // A province-level reader is refused a region outside it, a county reader sees only its own.
        let mut q = query(d);
        q.region = Some(code("411602"));
        let err = s.project_metrics(&w.other_leader, q.clone()).await.expect_err("outside");
        assert!(matches!(err, StoreError::NotFound(_)), "{b}: {err}");
        let mine = s.project_metrics(&w.leader, q).await.expect("district");
        assert_eq!(mine.total.progress.done, yi(25_000).fen(), "{b}");
        let county = s.project_metrics(&w.other_leader, query(d)).await.expect("county");
        assert_eq!((county.total.projects, county.total.progress.done), (1, yi(20_000).fen()), "{b}");
        let mut white = query(d);
        white.whitelist_only = true;
        assert_eq!(s.project_metrics(&w.leader, white).await.expect("white").total.projects, 1, "{b}");

        // As of the end of April project 1's April report counts: 250 + 250 more.
        let april = s.project_metrics(&w.leader, query(date(2023, 4, 30))).await.expect("april");
        assert_eq!(april.total.progress.done, yi(80_000).fen(), "{b}");

        // The list carries the same figures per line.
        let filter = ProjectFilter { as_of: Some(d), limit: 10, ..Default::default() };
        let page = s.list_projects(&w.leader, filter.clone(), TODAY).await.expect("list");
        assert_eq!(page.total, 3, "{b}");
        let line = page.lines.iter().find(|l| l.project.id == w.projects[0].id).expect("line 1");
        assert_eq!(line.completed_ytd, yi(25_000), "{b}");
        assert_eq!(line.cumulative, yi(95_000), "{b}");
        assert_eq!(line.last_month.as_deref(), Some("2023-03"), "{b}");
        assert_eq!(line.completion.percent(), "31.25%", "{b}");
        // Behind the schedule (时序进度 24.66% at the end of March): none; at the end of June (49.59%) projects 2
        // (200 of 700) and 3 (100 of 268.5), not 1 (500 of 800 with April's report).
        let behind = ProjectFilter { behind: true, ..filter.clone() };
        assert_eq!(s.list_projects(&w.leader, behind.clone(), TODAY).await.expect("behind").total, 0, "{b}");
        let june = ProjectFilter { as_of: Some(date(2023, 6, 30)), ..behind };
        let page = s.list_projects(&w.leader, june, TODAY).await.expect("behind in june");
        let ids: Vec<i64> = page.lines.iter().map(|l| l.project.id).collect();
        assert_eq!((page.total, ids), (2, vec![w.projects[2].id, w.projects[1].id]), "{b}: by region then code");
        assert!(page.lines.iter().all(|l| l.ahead_pp.is_some_and(|pp| pp.0 < 0)), "{b}");
        let one = ProjectFilter { limit: 1, offset: 1, ..filter.clone() };
        let page = s.list_projects(&w.leader, one, TODAY).await.expect("paged");
        assert_eq!((page.total, page.lines.len()), (3, 1), "{b}");
        let text = ProjectFilter { text: Some("扶沟".into()), ..filter.clone() };
        assert_eq!(s.list_projects(&w.leader, text, TODAY).await.expect("text").total, 1, "{b}");

        // (c) a counted programme: 42,600 of 53,000.
        let g = s
            .create_programme(
                &w.dispatcher,
                "ip",
                NewProgramme {
                    name: "老旧小区改造".into(),
                    region_code: code("411600"),
                    year: 2023,
                    unit_label: "户".into(),
                    target: 53_000,
                },
            )
            .await
            .expect("programme");
        s.report_programme(&w.dispatcher, "ip", g.id, (2023, 3), 30_000, TODAY).await.expect("march");
        s.report_programme(&w.dispatcher, "ip", g.id, (2023, 4), 42_600, TODAY).await.expect("april");
        let err = s.report_programme(&w.dispatcher, "ip", g.id, (2023, 6), 50_000, TODAY).await.expect_err("future");
        assert!(matches!(err, StoreError::Invalid(_)), "{b}: {err}");
        let err = s.report_programme(&w.leader, "ip", g.id, (2023, 4), 1, TODAY).await.expect_err("leader");
        assert!(matches!(err, StoreError::Forbidden(_)), "{b}: {err}");
        let lines = s.programmes(&w.leader, date(2023, 4, 30)).await.expect("programmes");
        assert_eq!(lines.len(), 1, "{b}");
        assert_eq!(lines[0].progress.completion().percent(), "80.38%", "{b}");
        assert_eq!(lines[0].progress.completion_one_decimal(), "80.4%", "{b}");
        assert_eq!(lines[0].last_month.as_deref(), Some("2023-04"), "{b}");
        let march = s.programmes(&w.leader, date(2023, 3, 31)).await.expect("march");
        assert_eq!(march[0].progress.done, 30_000, "{b}");
        assert!(s.programmes(&w.other_leader, TODAY).await.expect("county").len() == 1, "{b}: the city's is above");
    }
}

#[tokio::test]
async fn scope_decides_who_reads_and_who_writes() {
    for db in backends("scope_decides_who_reads_and_who_writes").await {
        let s = &db.store;
        let w = world(s).await;
        let b = db.backend;
        let [p1, p2, _] = &w.projects;

        // Another county's dispatcher and leader do not find project 1; they find their own.
        for other in [&w.other_dispatcher, &w.other_leader] {
            let err = s.project_for(other, p1.id).await.expect_err("outside");
            assert!(matches!(err, StoreError::NotFound("项目")), "{b}: {err}");
            assert!(s.project_for(other, p2.id).await.is_ok(), "{b}");
            let page = s.list_projects(other, ProjectFilter { limit: 10, ..Default::default() }, TODAY).await;
            assert_eq!(page.expect("list").total, 1, "{b}");
        }
        assert!(matches!(s.project_for(&w.leader, 999_999).await, Err(StoreError::NotFound("项目"))), "{b}");
        // The handler reads the project its unit is responsible for, and no other.
        assert!(s.project_for(&w.handler, p1.id).await.is_ok(), "{b}");
        assert!(matches!(s.project_for(&w.handler, p2.id).await, Err(StoreError::NotFound(_))), "{b}");

        let before = s.project_for(&w.dispatcher, p1.id).await.expect("before");
        let may = |month| NewInvestmentReport { month, cumulative: yi(130_000), override_reason: None };
        // A handler of another unit cannot report on it; the responsible unit's handler can.
        let err = s.report_investment(&w.other_handler, "ip", p1.id, may((2023, 5)), TODAY).await.expect_err("other");
        assert!(matches!(err, StoreError::NotFound(_) | StoreError::Forbidden(_)), "{b}: {err}");
        // A leader reads but does not write.
        let err = s.report_investment(&w.leader, "ip", p1.id, may((2023, 5)), TODAY).await.expect_err("leader");
        assert!(matches!(err, StoreError::Forbidden(_)), "{b}: {err}");
        let err = s.set_plan(&w.leader, "ip", p1.id, 2024, yi(1)).await.expect_err("leader plan");
        assert!(matches!(err, StoreError::Forbidden(_)), "{b}: {err}");
        let err = s
            .create_project(
                &w.leader,
                "ip",
                new_project("领导录入", "411602", Stage::Planning, TODAY, None),
                TODAY,
                None,
            )
            .await
            .expect_err("leader create");
        assert!(matches!(err, StoreError::Forbidden(_)), "{b}: {err}");
        // The county's dispatcher writes only within its county.
        let err = s
            .create_project(
                &w.other_dispatcher,
                "ip",
                new_project("越界", "411602", Stage::Planning, TODAY, None),
                TODAY,
                None,
            )
            .await
            .expect_err("outside region");
        assert!(matches!(err, StoreError::Forbidden(_)), "{b}: {err}");
        let err = s.set_plan(&w.other_dispatcher, "ip", p1.id, 2024, yi(1)).await.expect_err("other plan");
        assert!(matches!(err, StoreError::NotFound(_)), "{b}: {err}");
        // A handler does not keep the ledger.
        let err = s.set_plan(&w.handler, "ip", p1.id, 2024, yi(1)).await.expect_err("handler plan");
        assert!(matches!(err, StoreError::Forbidden(_)), "{b}: {err}");
        assert_eq!(s.project_for(&w.dispatcher, p1.id).await.expect("after"), before, "{b}: nothing changed");

        s.report_investment(&w.handler, "ip", p1.id, may((2023, 5)), TODAY).await.expect("the unit reports");
        let detail = s.project_for(&w.dispatcher, p1.id).await.expect("after");
        let may_report = detail.reports.last().expect("may");
        assert_eq!((may_report.month.as_str(), may_report.cumulative), ("2023-05", yi(130_000)), "{b}");
        assert_eq!(may_report.year_to_date, yi(60_000), "{b}");
        assert_eq!(may_report.reported_by, "chengban", "{b}");
        s.change_stage(&w.handler, "ip", p1.id, Stage::Building, date(2023, 5, 1), None, TODAY)
            .await
            .expect("the unit moves the stage");
        let err = s
            .change_stage(&w.other_handler, "ip", p1.id, Stage::Producing, TODAY, None, TODAY)
            .await
            .expect_err("other unit");
        assert!(matches!(err, StoreError::NotFound(_)), "{b}: {err}");
    }
}

#[tokio::test]
async fn refused_writes_change_nothing() {
    for db in backends("refused_writes_change_nothing").await {
        let s = &db.store;
        let w = world(s).await;
        let b = db.backend;
        let d = &w.dispatcher;
        let id = w.projects[0].id;
        let before = s.project_for(d, id).await.expect("before");
        let audited = s.audit_records(None, 1000).await.expect("audit").len();
        assert_eq!(before.project.version, 2, "{b}: created, then one stage change");
        assert_eq!(before.stages.len(), 2, "{b}");
        assert_eq!(before.stages[0].from, None, "{b}");
        assert_eq!(before.reports.len(), 5, "{b}");
        assert_eq!(before.reports[1].year_to_date, yi(20_000), "{b}: 2022-06 less 2021-12");
        assert!(before.project.code.starts_with("XM2021-"), "{b}: {}", before.project.code);

        // A stale edit.
        let edit = ProjectEdit {
            name: "改名".into(),
            region_code: code("411602"),
            industry: "现代食品".into(),
            owner: "业主".into(),
            enterprise_id: None,
            unit_id: Some(w.city.unit_id),
            total_investment: yi(600_000),
            leader: "李四".into(),
            team: String::new(),
            plan: String::new(),
            whitelist: true,
            version: 1,
        };
        let err = s.edit_project(d, "ip", id, edit.clone()).await.expect_err("stale");
        assert!(matches!(err, StoreError::Stale(_)), "{b}: {err}");
        assert!(err.to_string().contains("已被他人修改"), "{b}: {err}");
        // Going back without a reason; a change dated before the last; in the future; the same stage.
        for (to, on, why) in [
            (Stage::Reserve, date(2023, 4, 1), None),
            (Stage::Building, date(2023, 3, 1), None),
            (Stage::Building, date(2023, 6, 1), None),
            (Stage::Started, date(2023, 4, 1), None),
            (Stage::Reserve, date(2023, 4, 1), Some("  ".to_owned())),
        ] {
            let err = s.change_stage(d, "ip", id, to, on, why, TODAY).await.expect_err("refused stage");
            assert!(matches!(err, StoreError::Invalid(_)), "{b}: {err}");
        }
        // Above the total without a reason; below the previous month; a month not yet begun; before 2000.
        let bad = [
            ((2023, 5), yi(500_001), None),
            ((2023, 5), yi(90_000), None),
            ((2023, 6), yi(130_000), None),
            ((1999, 12), yi(1), None),
            ((2023, 13), yi(1), None),
        ];
        for (month, cumulative, override_reason) in bad {
            let r = NewInvestmentReport { month, cumulative, override_reason };
            let err = s.report_investment(d, "ip", id, r, TODAY).await.expect_err("refused report");
            assert!(matches!(err, StoreError::Invalid(_)), "{b}: {err}");
        }
        // A duplicate code; a project dated in the future; a name left empty.
        let mut dup = new_project("重复", "411602", Stage::Planning, TODAY, None);
        dup.code = Some(before.project.code.clone());
        assert!(matches!(s.create_project(d, "ip", dup, TODAY, None).await, Err(StoreError::Duplicate(_))), "{b}");
        let later = new_project("未来", "411602", Stage::Planning, date(2023, 6, 1), None);
        assert!(matches!(s.create_project(d, "ip", later, TODAY, None).await, Err(StoreError::Invalid(_))), "{b}");
        let empty = new_project(" ", "411602", Stage::Planning, TODAY, None);
        assert!(matches!(s.create_project(d, "ip", empty, TODAY, None).await, Err(StoreError::Invalid(_))), "{b}");
        assert_eq!(s.project_for(d, id).await.expect("after"), before, "{b}: nothing changed");
        assert_eq!(s.audit_records(None, 1000).await.expect("audit").len(), audited, "{b}: nothing audited");
        let all = s.list_projects(d, ProjectFilter { limit: 10, ..Default::default() }, TODAY).await.expect("list");
        assert_eq!(all.total, 3, "{b}");

        // With reasons, and at the stored version, the same writes go through.
        let edited = s.edit_project(d, "ip", id, ProjectEdit { version: 2, ..edit }).await.expect("edit");
        assert_eq!((edited.version, edited.name.as_str(), edited.whitelist), (3, "改名", true), "{b}");
        let back = s
            .change_stage(d, "ip", id, Stage::Reserve, date(2023, 4, 1), Some("土地未摘牌".into()), TODAY)
            .await
            .expect("back with a reason");
        assert_eq!((back.stage, back.version), (Stage::Reserve, 4), "{b}");
        let above = NewInvestmentReport {
            month: (2023, 5),
            cumulative: yi(600_001),
            override_reason: Some("总投资调增待批".into()),
        };
        let r = s.report_investment(d, "ip", id, above, TODAY).await.expect("above with a reason");
        assert_eq!(r.override_reason.as_deref(), Some("总投资调增待批"), "{b}");
        // A correction of a month already reported replaces it.
        let fix = NewInvestmentReport { month: (2023, 3), cumulative: yi(96_000), override_reason: None };
        let r = s.report_investment(d, "ip", id, fix, TODAY).await.expect("correction");
        assert_eq!(r.year_to_date, yi(26_000), "{b}");
        let last = s.audit_records(None, 1).await.expect("audit").remove(0);
        assert_eq!((last.action.as_str(), last.object.clone()), ("project.report", format!("project:{id}")), "{b}");
        assert!(last.before.as_deref().is_some_and(|x| x.contains(&yi(95_000).fen().to_string())), "{b}");
        assert!(last.after.as_deref().is_some_and(|x| x.contains(&yi(96_000).fen().to_string())), "{b}");
        let edits = s.audit_records(None, 1000).await.expect("audit");
        assert!(edits.iter().any(|a| a.action == "project.edit" && a.before.is_some() && a.after.is_some()), "{b}");
        assert_eq!(s.project_for(d, id).await.expect("after").reports.len(), 6, "{b}");
        // Made codes are unique and follow the year.
        let a = s.create_project(d, "ip", new_project("甲", "411602", Stage::Planning, TODAY, None), TODAY, None).await;
        let c = s.create_project(d, "ip", new_project("乙", "411602", Stage::Planning, TODAY, None), TODAY, None).await;
        let (a, c) = (a.expect("a").code, c.expect("c").code);
        assert!(a.starts_with("XM2023-") && c.starts_with("XM2023-") && a != c, "{b}: {a} {c}");
    }
}

#[tokio::test]
async fn batch_rates_follow_the_stages_as_of_the_date() {
    for db in backends("batch_rates_follow_the_stages_as_of_the_date").await {
        let s = &db.store;
        let w = world(s).await;
        let b = db.backend;
        let d = &w.dispatcher;
        let [p1, p2, p3] = &w.projects;
        let batch = s
            .create_batch(
                d,
                "ip",
                NewBatch {
                    name: "第七期\"三个一批\"".into(),
                    region_code: code("411600"),
                    starts_on: date(2023, 1, 1),
                    ends_on: date(2023, 6, 30),
                },
                None,
            )
            .await
            .expect("batch");
        let dup = NewBatch {
            name: "第七期\"三个一批\"".into(),
            region_code: code("411600"),
            starts_on: date(2023, 1, 1),
            ends_on: date(2023, 6, 30),
        };
        assert!(matches!(s.create_batch(d, "ip", dup, None).await, Err(StoreError::Duplicate(_))), "{b}");
        s.set_batch_list(d, "ip", batch.id, p1.id, Some(BatchList::Sign)).await.expect("sign");
        // Moved to another list.
        s.set_batch_list(d, "ip", batch.id, p1.id, Some(BatchList::Start)).await.expect("start");
        s.set_batch_list(d, "ip", batch.id, p2.id, Some(BatchList::Produce)).await.expect("produce");
        s.set_batch_list(d, "ip", batch.id, p3.id, Some(BatchList::Sign)).await.expect("sign 3");
        let err = s.set_batch_list(&w.other_dispatcher, "ip", batch.id, p1.id, None).await.expect_err("other");
        assert!(matches!(err, StoreError::NotFound(_)), "{b}: {err}");

        // Before project 1 started (15 March) the start list is at 0%, after it at 100%.
        let early = s.batch_report(&w.leader, batch.id, date(2023, 3, 10)).await.expect("early");
        assert_eq!(early.batch.projects, 3, "{b}");
        assert_eq!(early.progress.start_rate().percent(), "0.00%", "{b}");
        assert_eq!(early.progress.sign_rate().percent(), "0.00%", "{b}");
        assert_eq!(early.progress.production_rate().percent(), "0.00%", "{b}");
        let late = s.batch_report(&w.leader, batch.id, date(2023, 3, 20)).await.expect("late");
        assert_eq!(late.progress.start_rate().percent(), "100.00%", "{b}");
        let line = late.lines.iter().find(|l| l.project_id == p1.id).expect("p1");
        assert_eq!((line.stage, line.list), (Stage::Started, BatchList::Start), "{b}");
        // Completed within the batch: March's 950 less December's 700.
        assert_eq!(line.completed, yi(25_000), "{b}");
        // After the batch's end, its end month bounds the figure (April's report of project 1 not counted).
        let after = s.batch_report(&w.leader, batch.id, date(2023, 3, 31)).await.expect("after");
        assert_eq!(after.completed, yi(25_000 + 20_000 + 10_000), "{b}");
        // A county's leader reads the batch above it, but only its own project's line.
        let county = s.batch_report(&w.other_leader, batch.id, date(2023, 3, 31)).await.expect("county");
        assert_eq!(county.lines.len(), 1, "{b}");
        assert_eq!(s.batches(&w.other_leader).await.expect("batches").len(), 1, "{b}");
        // Taken off the list.
        s.set_batch_list(d, "ip", batch.id, p3.id, None).await.expect("off");
        let off = s.batch_report(&w.leader, batch.id, date(2023, 3, 20)).await.expect("off");
        assert_eq!((off.progress.to_sign, off.lines.len()), (0, 2), "{b}");
        let detail = s.project_for(d, p1.id).await.expect("detail");
        assert_eq!(detail.batches.len(), 1, "{b}");
        assert_eq!(detail.batches[0].1, BatchList::Start, "{b}");
        let filter = ProjectFilter { batch_id: Some(batch.id), limit: 10, ..Default::default() };
        assert_eq!(s.list_projects(d, filter, TODAY).await.expect("in batch").total, 2, "{b}");
    }
}

fn scores(v: i64) -> Scores {
    let mut s = Scores::default();
    for c in Criterion::ALL {
        s.set(c, Hundredths(v * 100)).expect("valid");
    }
    s
}

#[tokio::test]
async fn an_observation_ranks_regions_with_flags() {
    for db in backends("an_observation_ranks_regions_with_flags").await {
        let s = &db.store;
        let w = world(s).await;
        let b = db.backend;
        let d = &w.dispatcher;
        let [p1, p2, p3] = &w.projects;
        let new = |period: &str| NewObservation {
            name: "2023年第一季度重点项目观摩".into(),
            region_code: code("411600"),
            period: Period::parse(period).expect("period"),
            held_on: date(2023, 3, 28),
            weights: CriterionWeights::default(),
            rule: FlagRule { red: 1, yellow: 1, min_items: 1 },
        };
        let err = s.create_observation(d, "ip", new("2023-03"), None).await.expect_err("a month");
        assert!(matches!(err, StoreError::Invalid(_)), "{b}: {err}");
        let o = s.create_observation(d, "ip", new("2023-Q1"), None).await.expect("observation");
        assert_eq!(o.period, "2023-Q1", "{b}");
        assert!(
            matches!(s.create_observation(d, "ip", new("2023-Q1"), None).await, Err(StoreError::Duplicate(_))),
            "{b}"
        );
        s.record_scores(d, "ip", o.id, p1.id, scores(60)).await.expect("p1 first");
        s.record_scores(d, "ip", o.id, p1.id, scores(90)).await.expect("p1 replaced");
        s.record_scores(d, "ip", o.id, p2.id, scores(70)).await.expect("p2");
        s.record_scores(d, "ip", o.id, p3.id, scores(80)).await.expect("p3");
        let err = s.record_scores(&w.leader, "ip", o.id, p3.id, scores(10)).await.expect_err("leader");
        assert!(matches!(err, StoreError::Forbidden(_)), "{b}: {err}");

        let r = s.observation_result(&w.leader, o.id).await.expect("result");
        assert_eq!(r.observation.projects, 3, "{b}");
        let order: Vec<i64> = r.projects.iter().map(|p| p.project_id).collect();
        assert_eq!(order, vec![p1.id, p3.id, p2.id], "{b}");
        assert_eq!(r.projects[0].score.map(|h| h.to_string()).as_deref(), Some("90.00"), "{b}");
        let regions: Vec<(&str, Option<u32>, Option<Flag>)> =
            r.regions.iter().map(|x| (x.key.0.as_str(), x.rank, x.flag)).collect();
        assert_eq!(
            regions,
            vec![
                ("411602", Some(1), Some(Flag::Red)),
                ("411600", Some(2), None),
                ("411621", Some(3), Some(Flag::Yellow))
            ],
            "{b}"
        );
        assert_eq!(r.regions[0].key.1, "川汇区", "{b}");
        assert_eq!(r.regions[0].score.map(|h| h.to_string()).as_deref(), Some("90.00"), "{b}");
        assert_eq!(s.observations(&w.other_leader).await.expect("list").len(), 1, "{b}");
        let county = s.observation_result(&w.other_leader, o.id).await.expect("county");
        assert_eq!(county.projects.len(), 1, "{b}");
    }
}

#[tokio::test]
async fn a_project_lists_its_open_appeals() {
    for db in backends("a_project_lists_its_open_appeals").await {
        let s = &db.store;
        let w = world(s).await;
        let b = db.backend;
        let d = &w.dispatcher;
        let id = w.projects[0].id;
        let open = submit(s, &w.city, "项目用地手续办理慢").await;
        let closed = submit(s, &w.city, "项目融资已解决").await;
        let steps = [
            (dispatcher(&w.city), Action::assign_standard(w.city.unit_id, "financing")),
            (handler(&w.city), Action::Acknowledge),
            (handler(&w.city), Action::Reply { text: "正在办理".into() }),
            (handler(&w.city), Action::Answer { text: "已解决".into() }),
            (enterprise(&w.city), Action::Confirm { rating: Stars::new(5).ok(), comment: String::new() }),
        ];
        for (i, (actor, action)) in steps.into_iter().enumerate() {
            let t = at(&format!("2024-03-04T0{}:00:00Z", i + 2));
            s.perform(sys(), closed.id, u32::try_from(i).expect("small") + 1, actor, action, t).await.expect("step");
        }
        let err = s.link_appeal(&w.leader, "ip", open.id, Some(id)).await.expect_err("leader");
        assert!(matches!(err, StoreError::Forbidden(_)), "{b}: {err}");
        let err = s.link_appeal(&w.other_dispatcher, "ip", open.id, Some(id)).await.expect_err("other");
        assert!(matches!(err, StoreError::NotFound(_)), "{b}: {err}");
        assert!(s.project_appeals(&w.leader, id).await.expect("none yet").is_empty(), "{b}");
        s.link_appeal(d, "ip", open.id, Some(id)).await.expect("link open");
        s.link_appeal(d, "ip", closed.id, Some(id)).await.expect("link closed");
        let list = s.project_appeals(&w.leader, id).await.expect("appeals");
        assert_eq!(list.iter().map(|a| a.id).collect::<Vec<_>>(), vec![open.id], "{b}");
        let err = s.project_appeals(&w.other_leader, id).await.expect_err("outside");
        assert!(matches!(err, StoreError::NotFound(_)), "{b}: {err}");
        s.link_appeal(d, "ip", open.id, None).await.expect("unlink");
        assert!(s.project_appeals(&w.leader, id).await.expect("unlinked").is_empty(), "{b}");
    }
}
