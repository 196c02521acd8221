//! Bulletins (SPEC §6) over the demo city: the bulletin's figures agree with the dashboard's own count and with
//! themselves (regions add up to the whole), flags follow the rule, the prose prints the figures; and `zhuqi report`
//! writes every format from the command line, refusing bad input with one clear line.
//! The in-process tests run on SQLite and, with `ZHUQI_TEST_PG`, on PostgreSQL.

#[path = "support/cli.rs"]
mod cli_support;
mod support;

use cli_support::{assert_one_line_error, zhuqi};
use jiff::civil::date;
use support::backends;
use zhuqi_demo::{self as demo, DemoOptions};
use zhuqi_domain::stats::{Counts, Flag, FlagRule, Period, Weights};
use zhuqi_domain::{RegionCode, Role};
use zhuqi_reports::{BulletinRequest, Format, ReportScope, build};
use zhuqi_store::{DisputeGrouping, Principal};

fn city_leader() -> Principal {
    Principal {
        user_id: 0,
        username: "lingdao".into(),
        display_name: "领导".into(),
        roles: vec![Role::Leader],
        region: Some(RegionCode::parse("411600").expect("code")),
        unit_id: None,
        enterprise_id: None,
        must_change_password: false,
        must_add_second_factor: false,
    }
}

fn request(period: &str) -> BulletinRequest {
    BulletinRequest {
        period: Period::parse(period).expect("period"),
        scope: ReportScope::Mine,
        as_of: None,
        level: None,
        weights: Weights::default(),
        flag_rule: FlagRule::default(),
    }
}

#[tokio::test]
async fn the_demo_citys_bulletin_agrees_with_the_dashboard_and_with_itself() {
    let today = date(2026, 11, 20);
    for db in backends("the_demo_citys_bulletin_agrees").await {
        let s = &db.store;
        let opts = DemoOptions { seed: 3, enterprises: 150, appeals: 2_000, today };
        demo::fill(s, &opts, &indicatif::ProgressBar::hidden()).await.expect("demo");
        let p = city_leader();
        let b = build(s, &p, &request("2026-11"), today).await.expect("bulletin");
        assert_eq!(b.as_of, today);
        // The dashboard counts the same appeals its own way, from the stored columns as they are now.
        let h = s.headline(&p, today).await.expect("headline");
        let f = &b.figures;
        assert_eq!(
            (f.collected, f.resolved, f.rated, f.five_star, f.reopened),
            (h.collected, h.resolved, h.rated, h.five_star, h.reopened),
            "{}",
            db.backend
        );
        assert!(f.collected > 1_000 && f.resolved > 0 && f.overdue_open > 0, "{f:?}");
        // Per county the counts add up to the city's; units cover the assigned items only.
        let regions: i64 = b.regions.iter().map(|l| l.figures.collected).sum();
        assert_eq!(regions, f.collected);
        let overdue: i64 = b.units.iter().map(|l| l.figures.overdue_open).sum();
        assert_eq!(overdue, f.overdue_open);
        assert_eq!(b.overdue.len() as i64, f.overdue_open.min(200));
        // Two red flags and one yellow among the counties (ties could add more; the demo has none).
        let flags =
            |lines: &[zhuqi_reports::bulletin::Line], flag| lines.iter().filter(|l| l.flag == Some(flag)).count();
        assert_eq!((flags(&b.regions, Flag::Red), flags(&b.regions, Flag::Yellow)), (2, 1));
        assert!(b.regions.windows(2).all(|w| w[0].score >= w[1].score || w[1].score.is_none()));
        // The prose prints the figures in the seeds' register.
        let rate = f.resolution_rate.percent();
        let headline = format!("全市共收集企业问题{}条，已解决{}条，问题动态解决率{rate}", f.collected, f.resolved);
        assert!(b.prose[0].contains(&headline), "{}", b.prose[0]);
        // The trend's last point is this month, and its cumulative rate is the bulletin's.
        let last = b.trend.last().expect("trend");
        assert_eq!((last.code.as_str(), last.resolution_rate), ("2026-11", f.resolution_rate));
        assert_eq!(last.new_in_period, f.new_in_period);
        // Last month's bulletin as of its end is this one's "previous".
        let october = build(s, &p, &request("2026-10"), today).await.expect("october");
        assert_eq!(october.figures, b.previous.figures);
        let counties: Counts =
            Counts { collected: october.regions.iter().map(|l| l.figures.collected).sum(), ..Counts::default() };
        assert_eq!(counties.collected, october.figures.collected);
        // A county's bulletin is its line of the city's.
        let line = b.regions.iter().find(|l| l.figures.collected > 0).expect("a county");
        let county = BulletinRequest {
            scope: ReportScope::Region(RegionCode::parse(&line.code).expect("code")),
            ..request("2026-11")
        };
        let c = build(s, &p, &county, today).await.expect("county");
        assert_eq!(c.figures, line.figures);
        // 多元解纷: the whole city's cases as the figures page counts them, per county adding up, in the seed's words;
        // a county's bulletin is its line, by workstation.
        let d = b.disputes.as_ref().expect("the demo city has dispute cases");
        let all = s.dispute_figures(&p, None, today, DisputeGrouping::County).await.expect("figures").total;
        assert_eq!(
            (d.total.received, d.total.amount_fen, d.total.mediated),
            (all.received, all.amount.fen(), all.mediated)
        );
        assert_eq!(d.lines.iter().map(|l| l.received).sum::<i64>(), all.received);
        assert_eq!(d.lines.len(), 10, "{}: ten counties", db.backend);
        let sentence = zhuqi_reports::disputes::sentence("全市", &all);
        assert!(b.prose.iter().any(|p| p.contains(&sentence)), "{}: {sentence}", db.backend);
        let since = s.dispute_figures(&p, None, date(2026, 10, 31), DisputeGrouping::County).await.expect("figures");
        assert_eq!(d.in_period.received, all.received - since.total.received);
        // 周交办: the tasks of the month's weekly meetings, each counted once, by lead unit.
        let t = b.tasks.as_ref().expect("the demo city's weekly meetings");
        let month = s.meetings_for(&p).await.expect("meetings");
        let month: Vec<_> = month.iter().filter(|m| m.held_on >= date(2026, 11, 1) && m.held_on <= today).collect();
        let mut handed_out = 0;
        for m in &month {
            handed_out += s.meeting_tasks(&p, m.id).await.expect("tasks").len() as i64;
        }
        assert_eq!((t.meetings, t.total.assigned), (month.len() as i64, handed_out), "{}", db.backend);
        assert_eq!(t.units.iter().map(|u| u.assigned).sum::<i64>(), t.total.assigned);
        let l = &t.total;
        assert_eq!(l.on_time + l.late + l.open + l.withdrawn, l.assigned);
        assert!(l.overdue <= l.open && t.units.iter().map(|u| u.overdue).sum::<i64>() == l.overdue, "{}", db.backend);
        assert!(
            l.overdue > 0 && l.overdue < l.open,
            "{}: the demo's month has tasks past due and tasks not yet due",
            db.backend
        );
        assert!(b.prose.iter().any(|p| p.contains(&format!("未完成{}项（其中已超期{}项）", l.open, l.overdue))));
        assert!(b.prose.iter().any(|p| p.contains(&format!("次周交办会议共交办事项{}项", l.assigned))));
        let county_line = d.lines.iter().find(|l| l.code == line.code).expect("the county's cases");
        let cd = c.disputes.as_ref().expect("the county's cases");
        assert_eq!((cd.grouped_by, cd.total.received), ("工作站", county_line.received));
        // Outside the reader's region: not found.
        let other = Principal { region: Some(RegionCode::parse(&line.code).expect("code")), ..city_leader() };
        let elsewhere = b.regions.iter().find(|l| l.code != line.code).expect("another county");
        let outside = BulletinRequest {
            scope: ReportScope::Region(RegionCode::parse(&elsewhere.code).expect("code")),
            ..request("2026-11")
        };
        assert!(build(s, &other, &outside, today).await.is_err());
        // Every format renders.
        for format in Format::ALL {
            assert!(!format.render(&b).expect("render").is_empty(), "{format:?}");
        }
        // The benchmark's copies (`zhuqi bench --disputes/--meetings --generate`) are whole items: twice the cases
        // count exactly twice; the meetings' copies bring their tasks.
        let before = s.dispute_figures(&p, None, today, DisputeGrouping::County).await.expect("figures").total;
        let n = usize::try_from(before.received).expect("count");
        assert_eq!(s.copy_disputes(2 * n, |_| ()).await.expect("copy"), n);
        let after = s.dispute_figures(&p, None, today, DisputeGrouping::County).await.expect("figures").total;
        assert_eq!((after.received, after.mediated), (2 * before.received, 2 * before.mediated), "{}", db.backend);
        assert_eq!(after.amount.fen(), 2 * before.amount.fen());
        let all = || zhuqi_store::TaskFilter { limit: 1, ..Default::default() };
        let had = s.tasks_for(&p, all()).await.expect("tasks").total;
        let added = s.copy_meetings(had + 25, |_| ()).await.expect("copy");
        assert!(added >= 25, "{}: {added}", db.backend);
        assert_eq!(s.tasks_for(&p, all()).await.expect("tasks").total, had + added);
    }
}

#[test]
fn report_writes_every_format_and_refuses_bad_input() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    let db = "sqlite://city.db";
    let out = zhuqi(&["demo", "--db", db, "--enterprises", "100", "--appeals", "1500", "--today", "2026-11-20"], d);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json = zhuqi(&["report", "monthly", "--db", db, "--period", "2026-10", "--format", "json"], d);
    assert!(json.status.success(), "{}", String::from_utf8_lossy(&json.stderr));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    for metric in [
        "collected",
        "resolved",
        "resolution_rate",
        "closed_on_time",
        "on_time_rate",
        "overdue_open",
        "rated",
        "five_star",
        "five_star_rate",
        "satisfaction_rate",
        "reopened",
        "avg_working_days",
        "new_in_period",
    ] {
        assert!(v["figures"].get(metric).is_some(), "{metric} missing");
    }
    assert_eq!(v["period"]["code"], "2026-10");
    assert_eq!(v["as_of"], "2026-10-31");
    for (format, magic) in [("md", "# "), ("html", "<!doctype html>"), ("xlsx", "PK"), ("docx", "PK")] {
        let file = format!("b.{format}");
        let out = zhuqi(&["report", "monthly", "--db", db, "--period", "2026-10", "--format", format, "-o", &file], d);
        assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        let bytes = std::fs::read(d.join(&file)).expect("written");
        assert!(
            bytes.to_ascii_lowercase().starts_with(magic.to_ascii_lowercase().as_bytes()),
            "{format} starts with {:?}",
            &bytes[..8.min(bytes.len())]
        );
    }
    // Each kind with its own period form, for a county and for a unit.
    for (kind, period) in [("weekly", "2026-W46"), ("quarterly", "2026-Q3"), ("annual", "2025")] {
        let out = zhuqi(&["report", kind, "--db", db, "--period", period, "--scope", "411602", "--format", "json"], d);
        assert!(out.status.success(), "{kind}: {}", String::from_utf8_lossy(&out.stderr));
    }
    assert_one_line_error(&zhuqi(&["report", "monthly", "--db", db, "--period", "2026-Q3"], d), "期间与报告类型不符");
    assert_one_line_error(&zhuqi(&["report", "monthly", "--db", db, "--period", "2026-13"], d), "期间格式不正确");
    assert_one_line_error(&zhuqi(&["report", "monthly", "--db", db, "--scope", "没有这个单位"], d), "没有名为");
    assert_one_line_error(&zhuqi(&["report", "monthly", "--db", db, "--period", "2099-01"], d), "尚未开始");
    assert_one_line_error(&zhuqi(&["report", "monthly", "--db", db, "--weights", "40,30"], d), "权重");
}

/// A region's bulletin carries its key projects (SPEC §7): seed 003's first quarter of 2023 — 550亿 of a 1768.5亿 plan
/// by 31 March, 31.10%, 6.44 points above 时序进度 — in the prose and in the project table of every format.
#[tokio::test]
async fn a_bulletin_reports_the_key_projects_against_the_time_schedule() {
    use zhuqi_domain::Fen;
    use zhuqi_domain::project::{BatchList, Stage};
    use zhuqi_store::{NewBatch, NewInvestmentReport, NewProject};

    let today = date(2023, 3, 31);
    for db in backends("a_bulletin_reports_the_key_projects").await {
        let s = &db.store;
        let world = support::seed(s).await;
        let office = s.principal(world.users["zhihuibu"]).await.expect("dispatcher");
        let yi = |hundredths: i64| Fen::new(hundredths * 100_000_000).expect("amount");
        let batch = s
            .create_batch(
                &office,
                "test",
                NewBatch {
                    name: "第七期“三个一批”".into(),
                    region_code: RegionCode::parse("411600").expect("code"),
                    starts_on: date(2023, 1, 1),
                    ends_on: date(2023, 6, 30),
                },
                None,
            )
            .await
            .expect("batch");
        // (county, plan, completed by March, stage)
        for (i, (county, plan, done, stage)) in
            [("411602", 100_000, 30_000, Stage::Building), ("411621", 76_850, 25_000, Stage::Landed)]
                .into_iter()
                .enumerate()
        {
            let project = s
                .create_project(
                    &office,
                    "test",
                    NewProject {
                        code: None,
                        name: format!("测试重点项目{i}"),
                        region_code: RegionCode::parse(county).expect("code"),
                        industry: "现代食品".into(),
                        owner: "业主".into(),
                        enterprise_id: None,
                        unit_id: None,
                        total_investment: yi(300_000),
                        leader: "副市长".into(),
                        team: "专班".into(),
                        plan: "方案".into(),
                        whitelist: i == 0,
                        stage,
                        stage_on: date(2023, 1, 3),
                    },
                    today,
                    None,
                )
                .await
                .expect("project");
            s.set_plan(&office, "test", project.id, 2023, yi(plan)).await.expect("plan");
            let report = NewInvestmentReport { month: (2023, 3), cumulative: yi(done), override_reason: None };
            s.report_investment(&office, "test", project.id, report, today).await.expect("report");
            s.set_batch_list(&office, "test", batch.id, project.id, Some(BatchList::Start)).await.expect("list");
        }
        // Seed 000's counted programme: 4.26万 of 5.3万 started.
        let programme = s
            .create_programme(
                &office,
                "test",
                zhuqi_store::NewProgramme {
                    name: "老旧小区改造".into(),
                    region_code: RegionCode::parse("411600").expect("code"),
                    year: 2023,
                    unit_label: "个".into(),
                    target: 53_000,
                },
            )
            .await
            .expect("programme");
        s.report_programme(&office, "test", programme.id, (2023, 3), 42_600, today).await.expect("count");
        let leader = s.principal(world.users["zhihuibu"]).await.expect("reader");
        let b = build(s, &leader, &request("2023-Q1"), today).await.expect("bulletin");
        let section = b.projects.as_ref().expect("project section");
        assert_eq!(section.total.projects, 2);
        assert_eq!(section.total.plan_completion.percent(), "31.10%", "{}", db.backend);
        assert_eq!(section.regions.iter().map(|r| r.completed_ytd).sum::<i64>(), section.total.completed_ytd);
        let prose = b.prose.join("\n");
        assert!(
            prose.contains("2个重点项目（其中白名单项目1个）2023年计划投资1768.50亿元，截至2023年3月31日完成投资550.00亿元，完成年度计划的31.10%，高于时序进度6.44个百分点（时序进度24.66%）"),
            "{prose}"
        );
        assert!(prose.contains("第七期“三个一批”项目2个，开工率50.00%"), "{prose}");
        assert!(prose.contains("老旧小区改造计划5.3万个，已完成4.26万个，完成率80.4%，高于时序进度"), "{prose}");
        // 川汇区 (30.00%) is ahead of the schedule, 扶沟县 (32.53%) too; both are named.
        assert!(prose.contains("川汇区") && prose.contains("扶沟县"), "{prose}");
        let md = String::from_utf8(Format::Markdown.render(&b).expect("markdown")).expect("utf-8");
        assert!(md.contains("七、重点项目建设情况") && md.contains("1768.50") && md.contains("八、“三个一批”"), "{md}");
        for format in [Format::Html, Format::Xlsx, Format::Docx, Format::Json] {
            assert!(!format.render(&b).expect("renders").is_empty());
        }
        // A unit's bulletin has no project section.
        let mut by_unit = request("2023-Q1");
        by_unit.scope = ReportScope::Unit(world.unit_a);
        let unit_bulletin = build(s, &leader, &by_unit, today).await.expect("unit bulletin");
        assert!(unit_bulletin.projects.is_none() && unit_bulletin.disputes.is_none());
    }
}
