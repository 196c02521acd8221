//! The project ledger (重点项目台账) through the real `zhuqi` binary, on SQLite and (with `ZHUQI_TEST_PG`) PostgreSQL:
//! Excel and GBK CSV files with title rows and variant headings, updates keyed by 项目编号 with dated stage changes
//! and monthly reports, every bad row reported with nothing written, dry runs, export → import → export giving the
//! same file, and the demo city's projects, batches and observations.

#[path = "support/cli.rs"]
mod cli_support;
#[path = "support/ledger.rs"]
mod ledger_support;
mod support;

use std::path::Path;

use cli_support::zhuqi;
use ledger_support::{assert_ok, assert_refused, cells, csv_text, export, import, stderr, stdout, write_xlsx};
use support::{TestDb, at, backends, code, sys};
use zhuqi_domain::{DeadlinePolicy, Uscc};
use zhuqi_store::{DbUrl, NewEnterprise, Store};

const UNIT_A: &str = "周口市发展和改革委员会";
const UNIT_C: &str = "扶沟县发展和改革委员会";
const OWNER: &str = "周口华源食品有限公司";
const BATCH: &str = "第七期“三个一批”";

/// 周口市 with 川汇区 and 扶沟县, two units, and one registered enterprise (the owner of a project).
async fn city(store: &Store) {
    store
        .transaction(sys(), move |w| {
            w.set_meta("appeal_prefix", "ZK")?;
            w.insert_region(&code("410000"), "河南省", None)?;
            w.insert_region(&code("411600"), "周口市", Some(&code("410000")))?;
            w.insert_region(&code("411602"), "川汇区", Some(&code("411600")))?;
            w.insert_region(&code("411621"), "扶沟县", Some(&code("411600")))?;
            w.insert_unit(UNIT_A, &code("411600"))?;
            w.insert_unit(UNIT_C, &code("411621"))?;
            w.insert_category("other", "其他", None, 1)?;
            w.insert_deadline_policy(&DeadlinePolicy::standard())?;
            w.insert_enterprise(&NewEnterprise {
                name: OWNER.into(),
                uscc: Uscc::with_check_char("91411602MA0000001").expect("uscc"),
                region: code("411602"),
                industry: "现代食品".into(),
                above_scale: true,
                small_micro: false,
                specialized: false,
                little_giant: false,
                contact_name: None,
                contact_phone: None,
                created_at: at("2024-01-02T00:00:00Z"),
                profile: Default::default(),
            })?;
            Ok::<_, zhuqi_store::StoreError>(())
        })
        .await
        .expect("seed the city");
}

fn exported(db: &TestDb, dir: &Path, name: &str, month: &str) -> Vec<std::collections::HashMap<String, String>> {
    let file = dir.join(name);
    export(db, "projects", &file, &["--month", month]);
    let rows = cells(&file, &[]);
    rows[1..].iter().map(|r| rows[0].iter().cloned().zip(r.iter().cloned()).collect()).collect()
}

/// One number from the database (a count).
fn scalar(db: &TestDb, sql: &str) -> i64 {
    let sql = sql.to_owned();
    match &db.url {
        DbUrl::Sqlite(path) => {
            let c = rusqlite::Connection::open(path).expect("open");
            c.query_row(&sql, [], |r| r.get(0)).expect("query")
        }
        DbUrl::Postgres(url) => {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
                c.query_one(&sql, &[]).expect("query").get::<_, i64>(0)
            })
            .join()
            .expect("thread")
        }
    }
}

const HEADINGS: [&str; 20] = [
    "序号",
    "项目编号",
    "项目名称",
    "所属县区",
    "产业",
    "业主单位",
    "责任单位",
    "总投资（万元）",
    "年度计划投资（万元）",
    "累计完成投资（万元）",
    "本年完成投资（万元）",
    "建设阶段",
    "阶段日期",
    "责任领导",
    "工作专班",
    "推进方案",
    "是否白名单",
    "批次",
    "批次清单",
    "超出原因",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_ledger_in_xlsx_then_gbk_csv_enters_and_updates_projects() {
    for db in backends("project ledger xlsx csv").await {
        city(&db.store).await;
        let dir = tempfile::tempdir().expect("dir");
        let xlsx = dir.path().join("重点项目.xlsx");
        write_xlsx(
            &xlsx,
            &[
                vec!["周口市2026年重点项目台账"],
                vec!["填报单位：市发改委"],
                vec![
                    "序号",
                    "项目编号",
                    "名称",
                    "县区",
                    "产业",
                    "业主单位",
                    "责任单位",
                    "总投资(亿元)",
                    "年度计划投资（亿元）",
                    "累计完成投资（亿元）",
                    "项目阶段",
                    "阶段日期",
                    "责任领导",
                    "工作专班",
                    "推进方案",
                    "是否四保",
                    "批次",
                    "批次清单",
                    "备注",
                ],
                vec![
                    "=1",
                    "XM2026-0101",
                    "周口华源食品中央厨房项目",
                    "川汇区",
                    "现代食品",
                    OWNER,
                    UNIT_A,
                    "=2.5",
                    "=0.8",
                    "=1.2",
                    "建设",
                    "2026-03-01",
                    "川汇区副区长 王伟",
                    "中央厨房项目工作专班",
                    "6月底前主体封顶",
                    "是",
                    BATCH,
                    "开工",
                    "重点",
                ],
                vec![
                    "=2",
                    "",
                    "扶沟装备制造产业园",
                    "扶沟县",
                    "先进装备",
                    "扶沟县某装备公司",
                    UNIT_C,
                    "=0.5",
                    "",
                    "",
                    "已签约",
                    "2026-02-10",
                    "",
                    "",
                    "",
                    "否",
                    "",
                    "",
                    "",
                ],
            ],
        );
        let out = import(&db, "projects", &xlsx, &["--dry-run", "--month", "2026-10"]);
        assert_ok(&out);
        assert!(stdout(&out).contains("检查通过"), "{}", stdout(&out));
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM projects"), 0, "{}: a dry run writes nothing", db.backend);

        let out = import(&db, "projects", &xlsx, &["--month", "2026-10", "--year", "2026"]);
        assert_ok(&out);
        let printed = stdout(&out);
        assert!(printed.contains("已导入重点项目 2 行") && printed.contains("第3行"), "{printed}");
        assert!(printed.contains("新建 2 个") && printed.contains("XM2026-0001"), "{printed}");
        assert!(printed.contains("未读取的列") && printed.contains("备注"), "{printed}");
        let rows = exported(&db, dir.path(), "a.csv", "2026-10");
        assert_eq!(rows.len(), 2);
        let a = &rows[0];
        assert_eq!(a["项目编号"], "XM2026-0101");
        assert_eq!(a["所属县区"], "川汇区");
        assert_eq!((a["总投资（万元）"].as_str(), a["年度计划投资（万元）"].as_str()), ("25000", "8000"));
        assert_eq!((a["累计完成投资（万元）"].as_str(), a["本年完成投资（万元）"].as_str()), ("12000", "12000"));
        assert_eq!((a["建设阶段"].as_str(), a["阶段日期"].as_str()), ("建设", "2026-03-01"));
        assert_eq!((a["是否白名单"].as_str(), a["批次"].as_str(), a["批次清单"].as_str()), ("是", BATCH, "开工"));
        assert_eq!(a["责任单位"], UNIT_A);
        let b = &rows[1];
        assert_eq!(
            (b["项目编号"].as_str(), b["建设阶段"].as_str(), b["累计完成投资（万元）"].as_str()),
            ("XM2026-0001", "签约", "")
        );
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM projects WHERE enterprise_id IS NOT NULL"), 1, "owner linked");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM batches"), 1, "the batch was created");

        // A month later, from a GBK CSV in 万元 with one new project: the stage moves on (a dated change), the
        // cumulative figure grows, and a figure above the total is explained.
        let text = csv_text(&[
            vec![
                "项目编号",
                "项目名称",
                "所属区域",
                "总投资",
                "累计完成投资（万元）",
                "进展阶段",
                "阶段日期",
                "超出原因",
            ],
            vec!["XM2026-0101", "周口华源食品中央厨房项目", "周口市川汇区", "", "24000", "投产", "2026-10-15", ""],
            vec!["XM2026-0001", "扶沟装备制造产业园", "411621", "", "", "开工", "2026-10-20", ""],
            vec![
                "",
                "周口经开区智能终端产业园",
                "周口市",
                "8000.5",
                "8100.000001",
                "开工",
                "2026-09-01",
                "总投资调增待批",
            ],
        ]);
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let csv = dir.path().join("十月.csv");
        std::fs::write(&csv, &gbk).expect("write");
        let before = scalar(&db, "SELECT COUNT(*) FROM project_stage_changes");
        assert_ok(&import(&db, "projects", &csv, &["--month", "2026-10", "--dry-run"]));
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM project_stage_changes"), before, "dry run");
        let out = import(&db, "projects", &csv, &["--month", "2026-10"]);
        assert_ok(&out);
        assert!(stdout(&out).contains("阶段变更 2 次"), "{}", stdout(&out));
        let rows = exported(&db, dir.path(), "b.csv", "2026-10");
        assert_eq!(rows.len(), 3);
        let a = rows.iter().find(|r| r["项目编号"] == "XM2026-0101").expect("a");
        assert_eq!((a["建设阶段"].as_str(), a["累计完成投资（万元）"].as_str()), ("投产", "24000"));
        assert_eq!((a["总投资（万元）"].as_str(), a["业主单位"].as_str()), ("25000", OWNER), "blank cells keep");
        let c = rows.iter().find(|r| r["项目名称"] == "周口经开区智能终端产业园").expect("c");
        assert_eq!(c["项目编号"], "XM2026-0102", "numbered after the highest code of the year");
        assert_eq!((c["所属县区"].as_str(), c["总投资（万元）"].as_str()), ("周口市", "8000.5"));
        assert_eq!((c["累计完成投资（万元）"].as_str(), c["超出原因"].as_str()), ("8100.000001", "总投资调增待批"));
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM project_stage_changes"), before + 3);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_project_row_is_reported_and_nothing_is_written() {
    for db in backends("project bad rows").await {
        city(&db.store).await;
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("bad.csv");
        let rows: Vec<Vec<&str>> = vec![
            vec!["重点项目台账"],
            vec![
                "序号",
                "项目编号",
                "项目名称",
                "所属县区",
                "总投资（万元）",
                "累计完成投资（万元）",
                "建设阶段",
                "超出原因",
            ],
            vec!["1", "XM-1", "好的一行", "川汇区", "1000", "500", "建设", ""],
            vec!["2", "XM-2", "阶段写错", "川汇区", "1000", "", "快完工了", ""],
            vec!["3", "XM-3", "金额为负", "川汇区", "-5", "", "建设", ""],
            vec!["4", "XM-4", "累计超出总投资", "川汇区", "1000", "1200", "建设", ""],
            vec!["5", "XM-5", "超出但有原因", "川汇区", "1000", "1200", "建设", "总投资调增"],
            vec!["6", "XM-6", "县区不存在", "火星区", "1000", "", "建设", ""],
            vec!["7", "XM-1", "编号重复", "扶沟县", "1000", "", "建设", ""],
            vec!["8", "XM-8", "新项目没有阶段", "扶沟县", "1000", "", "", ""],
        ];
        std::fs::write(&file, csv_text(&rows)).expect("write");
        let err = assert_refused(&import(&db, "projects", &file, &["--month", "2026-10"]));
        for expected in [
            "第4行 〔建设阶段〕 「快完工了」不是可识别的建设阶段",
            "第5行 〔总投资（万元）〕",
            "第6行 〔累计完成投资（万元）〕 累计完成投资1200.00万元超过总投资1000.00万元，须填写超出原因",
            "第8行 〔所属县区〕",
            "第9行 〔项目编号〕 与第3行的项目编号「XM-1」重复",
            "第10行 〔建设阶段〕 新项目须填写建设阶段",
            "8 行中有 6 行有误",
        ] {
            assert!(err.contains(expected), "{}: «{expected}» missing from:\n{err}", db.backend);
        }
        assert!(err.contains("负"), "{err}");
        assert!(!err.contains("第3行 〔") && !err.contains("第7行 〔"), "rows 3 and 7 are good: {err}");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM projects"), 0, "{}: nothing written", db.backend);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM investment_reports"), 0);

        // A stage going back needs a reason; a month not yet begun is refused before anything is read.
        let good = dir.path().join("good.csv");
        std::fs::write(&good, csv_text(&[rows[1].clone(), rows[2].clone()])).expect("write");
        assert_ok(&import(&db, "projects", &good, &["--month", "2026-10"]));
        let back = dir.path().join("back.csv");
        let line = vec!["1", "XM-1", "好的一行", "川汇区", "", "", "签约", ""];
        std::fs::write(&back, csv_text(&[rows[1].clone(), line])).expect("write");
        let err = assert_refused(&import(&db, "projects", &back, &["--month", "2026-10"]));
        assert!(err.contains("第2行 〔建设阶段〕 由建设退回签约须说明原因"), "{err}");
        let out = import(&db, "projects", &good, &["--month", "2100-01"]);
        assert!(stderr(&out).contains("尚未到来"), "{}", stderr(&out));
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM project_stage_changes"), 1);
    }
}

/// A ledger with history in both years, so that 本年完成投资 differs from 累计.
fn history_files(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut last_year = vec![HEADINGS.to_vec()];
    last_year.push(vec![
        "1",
        "XM2025-0007",
        "周口华源食品年产20万吨休闲食品项目",
        "川汇区",
        "现代食品",
        OWNER,
        UNIT_A,
        "56000.25",
        "20000",
        "18000.5",
        "",
        "建设",
        "2025-06-01",
        "川汇区副区长 王伟",
        "休闲食品项目工作专班",
        "2026年6月底前竣工投产",
        "是",
        "第六期“三个一批”",
        "开工",
        "",
    ]);
    last_year.push(vec![
        "2",
        "XM2025-0008",
        "扶沟纺织服装产业园",
        "扶沟县",
        "纺织服装",
        "扶沟县天顺纺织有限公司",
        UNIT_C,
        "30000",
        "",
        "5000",
        "",
        "开工",
        "2025-09-01",
        "扶沟县副县长 李强",
        "",
        "",
        "否",
        "",
        "",
        "",
    ]);
    let mut this_year = vec![HEADINGS.to_vec()];
    this_year.push(vec![
        "1",
        "XM2025-0007",
        "周口华源食品年产20万吨休闲食品项目",
        "川汇区",
        "现代食品",
        OWNER,
        UNIT_A,
        "56000.25",
        "30000",
        "40000.123456",
        "",
        "投产",
        "2026-09-30",
        "川汇区副区长 王伟",
        "休闲食品项目工作专班",
        "2026年6月底前竣工投产",
        "是",
        BATCH,
        "投产",
        "",
    ]);
    this_year.push(vec![
        "2",
        "XM2025-0008",
        "扶沟纺织服装产业园",
        "扶沟县",
        "纺织服装",
        "扶沟县天顺纺织有限公司",
        UNIT_C,
        "30000",
        "12000",
        "4000",
        "",
        "建设",
        "2026-03-15",
        "扶沟县副县长 李强",
        "纺织产业园工作专班",
        "",
        "否",
        "",
        "",
        "统计核减",
    ]);
    this_year.push(vec![
        "3",
        "",
        "周口经开区生物医药产业园",
        "周口市",
        "生物医药",
        "",
        "",
        "100000",
        "",
        "",
        "",
        "储备",
        "2026-01-05",
        "",
        "",
        "",
        "是",
        BATCH,
        "签约",
        "",
    ]);
    let (a, b) = (dir.join("2025.csv"), dir.join("2026.xlsx"));
    std::fs::write(&a, csv_text(&last_year)).expect("write");
    write_xlsx(&b, &this_year);
    (a, b)
}

/// Export → import into a fresh database with the same organisation → export: the same file, in both formats, on
/// each backend; and the export imported back into its own database changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn project_export_import_export_gives_the_same_ledger() {
    for a in backends("project round trip").await {
        let b = match a.backend {
            "sqlite" => support::db::sqlite().await,
            _ => support::db::postgres(&std::env::var("ZHUQI_TEST_PG").expect("ZHUQI_TEST_PG")).await,
        };
        city(&a.store).await;
        city(&b.store).await;
        let dir = tempfile::tempdir().expect("dir");
        let path = |name: &str| dir.path().join(name);
        let (last_year, this_year) = history_files(dir.path());
        assert_ok(&import(&a, "projects", &last_year, &["--month", "2025-12"]));
        assert_ok(&import(&a, "projects", &this_year, &["--month", "2026-10"]));
        for ext in ["xlsx", "csv"] {
            export(&a, "projects", &path(&format!("a.{ext}")), &["--month", "2026-10"]);
        }
        let a_rows = cells(&path("a.csv"), &[]);
        assert_eq!(a_rows.len(), 4);
        let ytd: Vec<&str> = a_rows[1..].iter().map(|r| r[10].as_str()).collect();
        assert_eq!(ytd, ["", "21999.623456", "0"], "本年完成投资 = 累计 − 上年末累计: {a_rows:?}");
        assert_ok(&import(&b, "projects", &path("a.xlsx"), &["--month", "2026-10"]));
        for ext in ["xlsx", "csv"] {
            export(&b, "projects", &path(&format!("b.{ext}")), &["--month", "2026-10"]);
            let (x, y) = (cells(&path(&format!("a.{ext}")), &[]), cells(&path(&format!("b.{ext}")), &[]));
            assert_eq!(x, y, "{}: {ext} differs", a.backend);
        }
        // Into its own database: every row an update with nothing to change.
        let out = import(&a, "projects", &path("a.csv"), &["--month", "2026-10"]);
        assert_ok(&out);
        assert!(stdout(&out).contains("新建 0 个，更新 3 个，阶段变更 0 次"), "{}", stdout(&out));
        export(&a, "projects", &path("a2.csv"), &["--month", "2026-10"]);
        assert_eq!(cells(&path("a.csv"), &[]), cells(&path("a2.csv"), &[]));
        // A file without a heading row it can use ends in one clear line.
        std::fs::write(path("h.csv"), "项目名称,备注\n").expect("write");
        let out = import(&a, "projects", &path("h.csv"), &[]);
        assert!(stderr(&out).contains("未找到表头") && stderr(&out).contains("所属县区"), "{}", stderr(&out));
    }
}

/// The demo city has its key projects: about 400 with plans and monthly reports, the three batches, three quarterly
/// observations with scores, a counted programme, and appeals linked to projects; its export imports back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_city_has_its_projects_batches_and_observations() {
    for db in backends("demo projects").await {
        let dir = tempfile::tempdir().expect("dir");
        let url = db.url.to_string();
        let out = zhuqi(
            &["demo", "--db", &url, "--enterprises", "2000", "--appeals", "3000", "--today", "2026-11-20"],
            dir.path(),
        );
        assert_ok(&out);
        assert!(stdout(&out).contains("重点项目"), "{}", stdout(&out));
        let projects = scalar(&db, "SELECT COUNT(*) FROM projects");
        assert!((380..=400).contains(&projects), "{projects} projects");
        let whitelist = scalar(&db, "SELECT COUNT(*) FROM projects WHERE whitelist = 1");
        assert!((projects * 35 / 100..projects * 55 / 100).contains(&whitelist), "{whitelist} whitelisted");
        assert_eq!(scalar(&db, "SELECT COUNT(DISTINCT stage) FROM projects"), 9, "every stage");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM batches"), 3);
        for list in ["sign", "start", "produce"] {
            let n = scalar(&db, &format!("SELECT COUNT(*) FROM batch_projects WHERE list = '{list}'"));
            assert!(n >= 10, "{n} on the {list} lists");
        }
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM observations"), 3);
        assert!(scalar(&db, "SELECT COUNT(DISTINCT project_id) FROM observation_scores") >= 30);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM programmes"), 1);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM programme_reports"), 10);
        assert!(scalar(&db, "SELECT COUNT(*) FROM project_plans WHERE year = 2026") > 200);
        assert!(scalar(&db, "SELECT COUNT(*) FROM investment_reports WHERE month = '2026-10'") > 150);
        assert!(scalar(&db, "SELECT COUNT(*) FROM investment_reports WHERE month > '2026-10'") == 0);
        assert!(scalar(&db, "SELECT COUNT(*) FROM project_stage_changes") > projects * 3);
        let linked = scalar(&db, "SELECT COUNT(*) FROM appeals WHERE project_id IS NOT NULL");
        assert!((20..=40).contains(&linked), "{linked} appeals linked");
        // The demo's ledger passes the import's checks: exported and imported back, it changes nothing.
        let file = dir.path().join("demo.xlsx");
        export(&db, "projects", &file, &["--month", "2026-10"]);
        let out = import(&db, "projects", &file, &["--month", "2026-10"]);
        assert_ok(&out);
        assert!(stdout(&out).contains("阶段变更 0 次"), "{}", stdout(&out));
        let again = dir.path().join("demo2.xlsx");
        export(&db, "projects", &again, &["--month", "2026-10"]);
        assert_eq!(cells(&file, &[]), cells(&again, &[]));
    }
}
