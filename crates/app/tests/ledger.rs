//! Ledgers (台账) through the real `zhuqi` binary, on SQLite and (with `ZHUQI_TEST_PG`) PostgreSQL: imports of Excel
//! and CSV files (GBK, title rows, variant and shuffled headings), every bad row reported with nothing written, an
//! import that fails at its last row or is killed leaving nothing, duplicates refused, garbage files refused without
//! a panic, exports within their scope, and export → import → export giving the same file.

#[path = "support/cli.rs"]
mod cli_support;
#[path = "support/ledger.rs"]
mod ledger_support;
mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use cli_support::zhuqi;
use jiff::ToSpan;
use ledger_support::{assert_ok, assert_refused, cells, export, import, stderr, stdout, write_csv, write_xlsx};
use rand::{RngExt, SeedableRng};
use support::db::raw_sql;
use support::{TestDb, at, backends, code, sys};
use zhuqi_domain::{Action, Actor, Channel, DeadlinePolicy, Event, Fen, Level, Role, Stars, Status, Uscc};
use zhuqi_ledger::{ImportRequest, LedgerKind, Progress, Rejected};
use zhuqi_store::ledger::{LedgerFilter, LedgerReader};
use zhuqi_store::{NewAppeal, NewEnterprise, Principal, Store};

const UNIT_A: &str = "周口市地方金融监督管理局";
const UNIT_B: &str = "周口市人力资源和社会保障局";
const UNIT_C: &str = "扶沟县发展和改革委员会";

fn uscc(body: &str) -> Uscc {
    Uscc::with_check_char(body).expect("valid first 17 characters")
}

fn e1() -> Uscc {
    uscc("91411602MA0000001")
}
fn e2() -> Uscc {
    uscc("91411621MA0000002")
}

/// The organisation every test starts from: 周口市 with 川汇区 and 扶沟县, three units, three categories and the 13710
/// policy; with `enterprises`, also 周口华源食品 (川汇区) and 扶沟县天顺纺织.
async fn city(store: &Store, enterprises: bool) {
    store
        .transaction(sys(), move |w| {
            w.set_meta("appeal_prefix", "ZK")?;
            w.insert_region(&code("410000"), "河南省", None)?;
            w.insert_region(&code("411600"), "周口市", Some(&code("410000")))?;
            w.insert_region(&code("411602"), "川汇区", Some(&code("411600")))?;
            w.insert_region(&code("411621"), "扶沟县", Some(&code("411600")))?;
            w.insert_unit(UNIT_A, &code("411600"))?;
            w.insert_unit(UNIT_B, &code("411600"))?;
            w.insert_unit(UNIT_C, &code("411621"))?;
            w.insert_category("financing", "融资", None, 1)?;
            w.insert_category("labour", "用工", None, 2)?;
            w.insert_category("other", "其他", None, 3)?;
            w.insert_deadline_policy(&DeadlinePolicy::standard())?;
            if enterprises {
                for new in fixture_enterprises() {
                    w.insert_enterprise(&new)?;
                }
            }
            Ok::<_, zhuqi_store::StoreError>(())
        })
        .await
        .expect("seed the city");
}

fn fixture_enterprises() -> Vec<NewEnterprise> {
    let base = NewEnterprise {
        name: "周口华源食品有限公司".into(),
        uscc: e1(),
        region: code("411602"),
        industry: "现代食品".into(),
        above_scale: true,
        small_micro: false,
        specialized: true,
        little_giant: false,
        contact_name: Some("王建国".into()),
        contact_phone: Some("13800138000".parse().expect("phone")),
        created_at: at("2024-01-02T00:00:00Z"),
        profile: Default::default(),
    };
    vec![
        base.clone(),
        NewEnterprise {
            name: "扶沟县天顺纺织有限公司".into(),
            uscc: e2(),
            region: code("411621"),
            industry: "纺织服装".into(),
            above_scale: false,
            small_micro: true,
            specialized: false,
            little_giant: false,
            contact_name: None,
            contact_phone: Some("0394-8123456".parse().expect("phone")),
            ..base.clone()
        },
        NewEnterprise {
            name: "周口（河南）精工机械股份有限公司".into(),
            uscc: uscc("91411600MA0000003"),
            region: code("411600"),
            industry: "先进装备".into(),
            little_giant: true,
            contact_phone: None,
            ..base
        },
    ]
}

async fn unit_id(store: &Store, name: &str) -> i64 {
    store.units().await.expect("units").into_iter().find(|u| u.name == name).expect("unit").id
}

async fn enterprise_id(store: &Store, code: &Uscc) -> i64 {
    store.enterprises_by_uscc(vec![code.as_str().to_owned()]).await.expect("lookup")[0].id
}

/// Appeals in every status, each with a history a real city would have (times of day, replies, an extension, a
/// return, a reopening), for the round trip: what a ledger carries must come back the same.
async fn appeals_in_every_status(store: &Store) -> BTreeMap<Status, usize> {
    let (ua, ub, uc) = (unit_id(store, UNIT_A).await, unit_id(store, UNIT_B).await, unit_id(store, UNIT_C).await);
    let (first, second) = (enterprise_id(store, &e1()).await, enterprise_id(store, &e2()).await);
    let role = |role| Actor { user_id: None, role };
    let (d, h, e) = (role(Role::Dispatcher), role(Role::Handler), role(Role::Enterprise));
    let assign = |unit, level| Action::Assign {
        unit_id: unit,
        co_unit_ids: vec![],
        level,
        category: "financing".into(),
        policy: DeadlinePolicy::standard(),
    };
    let answer = || Action::Answer { text: "已协调银行发放贷款300万元。".into() };
    let stars = |n| Some(Stars::new(n).expect("stars"));
    type Steps = Vec<(i64, Actor, Action)>;
    let lives: Vec<(i64, Option<i64>, bool, Steps)> = vec![
        (first, None, true, vec![]),
        (first, None, false, vec![]),
        (
            first,
            None,
            false,
            vec![(2, d, assign(ua, Level::City)), (5, h, Action::Return { reason: "非本单位职责".into() })],
        ),
        (first, None, false, vec![(3, d, assign(ub, Level::City))]),
        (
            first,
            Some(500_000_000),
            false,
            vec![
                (2, d, assign(ua, Level::City)),
                (20, h, Action::Acknowledge),
                (30, h, Action::Reply { text: "正在协调".into() }),
            ],
        ),
        (
            first,
            None,
            false,
            vec![
                (2, d, assign(ua, Level::City)),
                (4, h, Action::Acknowledge),
                (30, h, Action::RequestMaterial { what: "营业执照".into() }),
            ],
        ),
        (first, None, false, vec![(2, d, assign(ua, Level::City)), (4, h, Action::Acknowledge), (75, h, answer())]),
        (
            first,
            Some(123_456_789),
            false,
            vec![
                (2, d, assign(ua, Level::City)),
                (4, h, Action::Acknowledge),
                (75, h, answer()),
                (120, e, Action::Confirm { rating: stars(5), comment: "服务热情，办事高效".into() }),
            ],
        ),
        (
            first,
            None,
            false,
            vec![
                (2, d, assign(ua, Level::City)),
                (4, h, Action::Acknowledge),
                (75, h, answer()),
                (200, role(Role::System), Action::AutoClose),
            ],
        ),
        (
            first,
            None,
            false,
            vec![
                (2, d, assign(ua, Level::City)),
                (4, h, Action::Acknowledge),
                (75, h, answer()),
                (99, e, Action::Reject { reason: "贷款尚未到账".into() }),
            ],
        ),
        (
            first,
            None,
            false,
            vec![
                (2, d, assign(ua, Level::City)),
                (4, h, Action::Acknowledge),
                (75, h, answer()),
                (99, e, Action::Reject { reason: "贷款尚未到账".into() }),
                (101, h, Action::Acknowledge),
            ],
        ),
        (
            first,
            None,
            false,
            vec![(2, d, assign(ub, Level::City)), (50, e, Action::Withdraw { reason: "问题已自行解决".into() })],
        ),
        (first, None, false, vec![(6, d, Action::RejectInvalid { reason: "不属于涉企诉求".into() })]),
        (
            first,
            None,
            false,
            vec![
                (2, d, assign(ua, Level::City)),
                (4, h, Action::Acknowledge),
                (80, d, Action::Merge { common_issue_id: -1 }),
            ],
        ),
        (
            second,
            None,
            false,
            vec![
                (1, d, assign(uc, Level::County)),
                (3, h, Action::Acknowledge),
                (30, h, Action::RequestExtension { days: 5, reason: "需上级审批".into() }),
                (50, d, Action::ApproveExtension),
                (170, h, answer()),
                (190, e, Action::Confirm { rating: stars(3), comment: String::new() }),
            ],
        ),
    ];
    store
        .transaction(sys(), move |w| {
            let issue = w.insert_common_issue(
                "小微企业贷款到期须先还后续，过桥成本高",
                "financing",
                at("2025-02-01T00:00:00Z"),
            )?;
            let mut by_status = BTreeMap::new();
            for (i, (enterprise_id, amount, draft, steps)) in lives.into_iter().enumerate() {
                // One a week from March 2025, at 09:40 Shanghai time.
                let start = at("2025-03-03T01:40:00Z").checked_add((i as i64 * 7 * 24).hours()).expect("time");
                let new = NewAppeal {
                    enterprise_id,
                    channel: Channel::Web,
                    category: "financing".into(),
                    title: format!("第{}号问题：流动资金贷款", i + 1),
                    description: format!("企业扩大生产需流动资金，第{}次反映。", i + 1),
                    amount: amount.map(|f| Fen::new(f).expect("fen")),
                    draft,
                };
                let mut history = vec![Event {
                    seq: 1,
                    at: start,
                    actor: Actor::system(),
                    action: Action::Create { category: "financing".into(), draft },
                }];
                for (hours, actor, action) in steps {
                    let action = match action {
                        Action::Merge { .. } => Action::Merge { common_issue_id: issue },
                        other => other,
                    };
                    let at = start.checked_add(hours.hours()).expect("time");
                    history.push(Event { seq: history.len() as u32 + 1, at, actor, action });
                }
                let record = w.insert_appeal("ZK", &new, &history)?;
                *by_status.entry(record.state.status).or_insert(0) += 1;
            }
            Ok::<_, zhuqi_store::StoreError>(by_status)
        })
        .await
        .expect("the appeals of city A")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enterprise_ledger_in_gbk_csv_with_a_title_row_and_variant_headings_imports() {
    for db in backends("gbk enterprise csv").await {
        city(&db.store, false).await;
        let dir = tempfile::tempdir().expect("dir");
        let text = "扶沟县规上企业台账（2025年）,,,,,,\n\
                    ,,,,,,\n\
                    序号,企业全称,县（市、区）,社会信用代码,产业链,是否规上,联系电话,备注\n\
                    1,周口华源食品有限公司,川汇区,91411602MA0000001X,现代食品,是,13800138000,重点\n\
                    2,扶沟县天顺纺织有限公司,411621,{E2},纺织服装,否,0394-8123456,\n\
                    ,,,,,,,\n\
                    3,周口（河南）精工机械股份有限公司,周口市,{E3},,√,,\n\
                    填表人：张三,,,,,,,\n";
        let text = text
            .replace("91411602MA0000001X", e1().as_str())
            .replace("{E2}", e2().as_str())
            .replace("{E3}", uscc("91411600MA0000003").as_str());
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let file = dir.path().join("企业台账.csv");
        std::fs::write(&file, &gbk).expect("write");

        let out = import(&db, "enterprises", &file, &["--dry-run"]);
        assert_ok(&out);
        assert!(stdout(&out).contains("检查通过"), "{}", stdout(&out));
        assert_eq!(db.store.counts().await.expect("counts").enterprises, 0, "{}: a dry run writes nothing", db.backend);

        let out = import(&db, "enterprises", &file, &[]);
        assert_ok(&out);
        let printed = stdout(&out);
        assert!(printed.contains("已导入企业 3 行") && printed.contains("第3行"), "{printed}");
        assert!(printed.contains("未读取的列") && printed.contains("备注"), "{printed}");
        let (page, _) = db.store.enterprises_for(&admin(), None, None, None, 10).await.expect("enterprises");
        assert_eq!(page.len(), 3);
        let fugou = page.iter().find(|e| e.uscc == e2()).expect("扶沟");
        assert_eq!((fugou.region_code.as_str(), fugou.above_scale), ("411621", false));
        assert_eq!(fugou.contact_phone.as_ref().map(|p| p.as_str()), Some("0394-8123456"));
        let third = page.iter().find(|e| e.name.starts_with("周口（河南）")).expect("third");
        assert_eq!((third.industry.as_str(), third.above_scale, third.region_code.as_str()), ("其他", true, "411600"));

        // Again: every row is registered already, so the whole file is refused.
        let err = assert_refused(&import(&db, "enterprises", &file, &[]));
        for row in [4, 5, 7] {
            assert!(err.contains(&format!("第{row}行 〔社会信用代码〕 该统一社会信用代码已登记")), "{err}");
        }
        assert_eq!(db.store.counts().await.expect("counts").enterprises, 3);
    }
}

fn admin() -> Principal {
    Principal {
        user_id: 0,
        username: "admin".into(),
        display_name: "admin".into(),
        roles: vec![Role::Sysadmin],
        region: None,
        unit_id: None,
        enterprise_id: None,
        must_change_password: false,
        must_add_second_factor: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_appeal_ledger_in_xlsx_under_title_rows_with_shuffled_headings_imports() {
    for db in backends("appeal xlsx").await {
        city(&db.store, true).await;
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("问题台账.xlsx");
        let (a, b) = (e1().as_str().to_owned(), e2().as_str().to_owned());
        let rows: Vec<Vec<&str>> = vec![
            vec!["川汇区万人助万企问题台账"],
            vec!["填报单位：川汇区指挥部", "", "", "", "", "", "", "", "", "", "", ""],
            vec![
                "状态",
                "企业全称",
                "问题分类",
                "诉求内容",
                "登记日期",
                "信用代码",
                "承办单位",
                "完成日期",
                "评价星级",
                "包联领导",
                "县（市、区）",
                "序号",
            ],
            vec![
                "已办结",
                "周口华源食品有限公司",
                "融资",
                "企业扩大生产需流动资金500万元。",
                "2025/3/5",
                &a,
                UNIT_A,
                "2025年3月20日",
                "五星",
                "李四",
                "川汇区",
                "=1",
            ],
            vec!["办理中", "", "用工", "纺织挡车工缺口50人。", "=45720", &b, UNIT_C, "", "", "", "", "=2"],
            vec!["", "周口华源食品有限公司", "", "厂区门前道路破损。", "2025-04-01", "", "", "", "", "", "", "=3"],
            vec![
                "已答复",
                "周口华源食品有限公司",
                "融资",
                "贷款审批慢。",
                "2025-04-02",
                &a,
                UNIT_A,
                "2025-04-09",
                "",
                "",
                "周口市",
                "=4",
            ],
        ];
        write_xlsx(&file, &rows);
        let out = import(&db, "appeals", &file, &[]);
        assert_ok(&out);
        let printed = stdout(&out);
        assert!(printed.contains("已导入诉求 4 行（表头在第3行）"), "{printed}");
        assert!(printed.contains("包联领导"), "{printed}");
        assert!(
            printed.contains("已办结 1") && printed.contains("办理中 1") && printed.contains("待交办 1"),
            "{printed}"
        );

        let rows =
            db.store.ledger_appeals(LedgerReader::Operator, LedgerFilter::default(), None, 100).await.expect("read");
        assert_eq!(rows.len(), 4);
        let closed = rows.iter().find(|r| r.state.status == Status::Closed).expect("closed");
        assert_eq!(closed.state.status, Status::Closed);
        assert_eq!(closed.state.rating.map(Stars::get), Some(5));
        assert_eq!(closed.title, "企业扩大生产需流动资金500万元");
        assert_eq!(closed.unit_name.as_deref(), Some(UNIT_A));
        assert_eq!(closed.state.level, Some(Level::City), "a city unit works at city level");
        assert_eq!(zhuqi_domain::time::local_date(closed.state.created_at), jiff::civil::date(2025, 3, 5));
        assert_eq!(
            zhuqi_domain::time::local_date(closed.state.answered_at.expect("answered")),
            jiff::civil::date(2025, 3, 20)
        );
        // Excel serial 45720 is 2025-03-04; a county unit works at county level; the status was 办理中.
        let fugou = rows.iter().find(|r| r.uscc == e2().as_str()).expect("扶沟");
        assert_eq!((fugou.state.status, fugou.state.level), (Status::InProgress, Some(Level::County)));
        assert_eq!(zhuqi_domain::time::local_date(fugou.state.created_at), jiff::civil::date(2025, 3, 4));
        // No category and no unit: 其他, 待交办; found by its name alone.
        let road = rows.iter().find(|r| r.description.starts_with("厂区")).expect("road");
        assert_eq!((road.state.status, road.state.category.as_str()), (Status::Submitted, "other"));
        let events = db.store.appeal_events(closed.id).await.expect("events");
        let kinds: Vec<&str> = events.iter().map(|e| e.action.kind().as_str()).collect();
        assert_eq!(kinds, ["create", "assign", "acknowledge", "answer", "confirm"]);
        let channel = db.store.appeal(closed.id).await.expect("appeal").channel;
        assert_eq!(channel, Channel::Import);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_row_is_reported_with_its_row_column_and_reason_and_nothing_is_written() {
    for db in backends("bad rows").await {
        city(&db.store, true).await;
        let before = db.store.counts().await.expect("counts");
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("bad.csv");
        let (a, b) = (e1().as_str().to_owned(), e2().as_str().to_owned());
        let wrong_check = format!("{}0", &a[..17]);
        let unregistered = uscc("91411602MA0000099").as_str().to_owned();
        let rows: Vec<Vec<&str>> = vec![
            vec!["周口市问题台账"],
            vec![
                "序号",
                "统一社会信用代码",
                "问题类型",
                "问题描述",
                "收集日期",
                "责任单位",
                "办理状态",
                "办结日期",
                "满意度",
            ],
            vec!["1", &a, "融资", "好的一行。", "2025-03-05", UNIT_A, "已办结", "2025-03-20", "5"],
            vec!["2", &wrong_check, "融资", "校验位错。", "2025-03-05", "", "待交办", "", ""],
            vec!["3", &a, "融资", "单位不存在。", "2025-03-05", "周口市不存在局", "办理中", "", ""],
            vec!["4", &a, "融资", "将来的日期。", "2099-01-01", UNIT_A, "办理中", "", ""],
            vec!["5", &a, "融资", "办结早于收集。", "2025-03-05", UNIT_A, "已办结", "2025-03-01", ""],
            vec!["6", &a, "融资", "已办结没有日期。", "2025-03-05", UNIT_A, "已办结", "", ""],
            vec!["7", &a, "融资", "满意度写错。", "2025-03-05", UNIT_A, "已办结", "2025-03-20", "很好"],
            vec!["8", &unregistered, "融资", "企业未登记。", "2025-03-05", "", "待交办", "", ""],
            vec!["9", &b, "招商", "类型不存在，状态也不对。", "2025-03-05", "", "差不多了", "", ""],
            vec!["10", &a, "融资", "好的一行。", "2025-03-05", UNIT_A, "已办结", "2025-03-20", "5"],
            vec!["11", &a, "融资", "", "2025-03-05", "", "待交办", "", ""],
            vec!["12", &a, "融资", "待交办却有满意度。", "2025-03-05", "", "待交办", "", "满意"],
        ];
        write_csv(&file, &rows);
        let err = assert_refused(&import(&db, "appeals", &file, &[]));
        for expected in [
            "第4行 〔统一社会信用代码〕 统一社会信用代码校验位错误",
            "第5行 〔责任单位〕 单位「周口市不存在局」不在本系统的单位名录中",
            "第6行 〔收集日期〕 日期2099-01-01晚于今天",
            "第7行 〔办结日期〕 办结日期2025-03-01早于收集日期2025-03-05",
            "第8行 〔办结日期〕 「已办结」的诉求须填写办结日期",
            "第9行 〔满意度〕 「很好」不是有效的满意度",
            "第10行 〔统一社会信用代码〕 该企业尚未登记",
            "第11行 〔问题类型〕 问题类型「招商」不存在",
            "第11行 〔办理状态〕 「差不多了」不是可识别的办理状态",
            "第12行 〔问题描述〕 与第3行是同一诉求",
            "第13行 〔问题描述〕 不能为空",
            "第14行 〔满意度〕 只有已办结的诉求才有满意度",
            "12 行中有 11 行有误",
        ] {
            assert!(err.contains(expected), "{}: «{expected}» missing from:\n{err}", db.backend);
        }
        assert!(!err.contains("第3行 〔"), "row 3 is good: {err}");
        assert_eq!(db.store.counts().await.expect("counts"), before, "{}: nothing written", db.backend);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_regions_phones_and_flags_must_agree_with_the_register() {
    for db in backends("register checks").await {
        city(&db.store, true).await;
        let before = db.store.counts().await.expect("counts");
        let dir = tempfile::tempdir().expect("dir");
        let a = e1().as_str().to_owned();
        let file = dir.path().join("a.csv");
        let rows: Vec<Vec<&str>> = vec![
            vec!["企业名称", "统一社会信用代码", "所属县区", "问题描述", "收集日期"],
            vec!["周口华源食品有限公司", &a, "扶沟县", "地区不符。", "2025-03-05"],
            vec!["别的公司", &a, "", "名称不符。", "2025-03-05"],
            vec!["周口(河南)精工机械股份有限公司", "", "周口市", "按名称找到，括号宽窄不论。", "2025-03-05"],
            vec!["不存在的公司", "", "", "未登记。", "2025-03-05"],
        ];
        write_csv(&file, &rows);
        let err = assert_refused(&import(&db, "appeals", &file, &[]));
        for expected in [
            "第2行 〔所属县区〕 与企业登记的所属县区「川汇区」不符",
            "第3行 〔企业名称〕 与该信用代码登记的企业名称「周口华源食品有限公司」不符",
            "第5行 〔企业名称〕 该企业尚未登记",
        ] {
            assert!(err.contains(expected), "{}: «{expected}» missing from:\n{err}", db.backend);
        }
        assert!(!err.contains("第4行"), "{err}");

        let file = dir.path().join("e.csv");
        let codes: Vec<String> = (4..8).map(|i| uscc(&format!("91411602MA000000{i}")).as_str().to_owned()).collect();
        let rows: Vec<Vec<&str>> = vec![
            vec!["企业名称", "统一社会信用代码", "所属县区", "规上企业", "联系电话"],
            vec!["甲公司", &codes[0], "火星区", "", ""],
            vec!["乙公司", &codes[1], "川汇区", "也许", ""],
            vec!["丙公司", &codes[2], "川汇区", "是", "138****8000"],
            vec!["", &codes[3], "川汇区", "否", "12345"],
        ];
        write_csv(&file, &rows);
        let err = assert_refused(&import(&db, "enterprises", &file, &[]));
        for expected in [
            "第2行 〔所属县区〕 地区「火星区」不在本系统中",
            "第3行 〔规上企业〕 「也许」应为「是」或「否」",
            "第4行 〔联系电话〕 电话号码已脱敏",
            "第5行 〔企业名称〕 不能为空",
            "第5行 〔联系电话〕 手机号应为 11 位数字",
        ] {
            assert!(err.contains(expected), "{}: «{expected}» missing from:\n{err}", db.backend);
        }
        assert_eq!(db.store.counts().await.expect("counts"), before, "{}", db.backend);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_in_the_file_and_in_the_database_are_refused() {
    for db in backends("duplicates").await {
        city(&db.store, true).await;
        let dir = tempfile::tempdir().expect("dir");
        let a = e1().as_str().to_owned();
        let file = dir.path().join("a.csv");
        let good: Vec<Vec<&str>> = vec![
            vec!["统一社会信用代码", "问题描述", "收集日期", "问题类型"],
            vec![&a, "贷款难。", "2025-03-05", "融资"],
            vec![&a, "招工难。", "2025-03-05", "用工"],
        ];
        write_csv(&file, &good);
        assert_ok(&import(&db, "appeals", &file, &[]));
        let after_first = db.store.counts().await.expect("counts");
        assert_eq!(after_first.appeals, 2);
        // The same file again: both rows are recorded already.
        let err = assert_refused(&import(&db, "appeals", &file, &[]));
        assert!(
            err.contains("第2行 〔问题描述〕 数据库中已有") && err.contains("第3行 〔问题描述〕 数据库中已有"),
            "{err}"
        );
        // A new row beside an old one: still refused whole.
        let mut mixed = good.clone();
        mixed.push(vec![&a, "用电难。", "2025-03-06", "其他"]);
        write_csv(&file, &mixed);
        assert_refused(&import(&db, "appeals", &file, &[]));
        // The same problem twice in one file (the same day, text and enterprise, even with another category).
        let twice: Vec<Vec<&str>> = vec![
            vec!["统一社会信用代码", "问题描述", "收集日期", "问题类型"],
            vec![&a, "用水难。", "2025-03-07", "其他"],
            vec![&a, "用水难。", "2025-03-07", "融资"],
        ];
        write_csv(&file, &twice);
        let err = assert_refused(&import(&db, "appeals", &file, &[]));
        assert!(err.contains("第3行 〔问题描述〕 与第2行是同一诉求"), "{err}");
        assert_eq!(db.store.counts().await.expect("counts"), after_first, "{}", db.backend);
        // Enterprises: one code twice in a file.
        let ent = dir.path().join("e.csv");
        let code = uscc("91411602MA0000777").as_str().to_owned();
        let rows: Vec<Vec<&str>> = vec![
            vec!["企业名称", "统一社会信用代码", "所属县区"],
            vec!["甲公司", &code, "川汇区"],
            vec!["乙公司", &code, "川汇区"],
        ];
        write_csv(&ent, &rows);
        let err = assert_refused(&import(&db, "enterprises", &ent, &[]));
        assert!(err.contains("第3行 〔统一社会信用代码〕 与第2行的统一社会信用代码重复"), "{err}");
    }
}

/// A failure the checks cannot foresee — the database refuses the last row as it is written — leaves nothing: no
/// appeal, no event, no common issue, no audit record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_that_fails_at_its_last_row_writes_nothing() {
    for db in backends("fails at the last row").await {
        city(&db.store, true).await;
        let trap = match db.backend {
            "sqlite" => "CREATE TRIGGER boom BEFORE INSERT ON appeals WHEN NEW.title = '最后一行' \
                         BEGIN SELECT RAISE(ABORT, 'boom'); END;"
                .to_owned(),
            _ => "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN \
                  IF NEW.title = '最后一行' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql; \
                  CREATE TRIGGER boom BEFORE INSERT ON appeals FOR EACH ROW EXECUTE FUNCTION boom();"
                .to_owned(),
        };
        raw_sql(&db, &trap).expect("trap");
        let before = db.store.counts().await.expect("counts");
        let audit_before = db.store.audit_records(None, 1).await.expect("audit")[0].seq;
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("a.csv");
        let a = e1().as_str().to_owned();
        let mut rows: Vec<Vec<String>> = vec![
            vec!["统一社会信用代码", "问题标题", "问题描述", "收集日期", "办理状态", "共性问题"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
        ];
        for i in 0..200 {
            let r = [a.as_str(), &format!("第{i}个问题"), "描述。", "2025-03-05", "已并入共性问题", "新的共性问题"];
            rows.push(r.into_iter().map(str::to_owned).collect());
        }
        rows.push(
            [a.as_str(), "最后一行", "描述。", "2025-03-05", "待交办", ""].into_iter().map(str::to_owned).collect(),
        );
        let borrowed: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
        write_csv(&file, &borrowed);
        let err = assert_refused(&import(&db, "appeals", &file, &[]));
        // SQLite names the row; PostgreSQL, which writes 500 rows to a statement, the rows of the statement.
        assert!(err.contains("第202行") || err.contains("第2–202行之一"), "{err}");
        assert_eq!(db.store.counts().await.expect("counts"), before, "{}", db.backend);
        assert_eq!(db.store.audit_records(None, 1).await.expect("audit")[0].seq, audit_before);
        let issues = db.store.open_common_issues(&dispatcher()).await.expect("issues");
        assert!(issues.is_empty(), "{}: the common issue made on the way is gone too", db.backend);
    }
}

fn dispatcher() -> Principal {
    Principal { roles: vec![Role::Dispatcher], region: Some(code("411600")), ..admin() }
}

/// `kill -9` while the rows are being written: the transaction was never committed, so nothing is there, and the
/// audit log is whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_import_leaves_nothing() {
    for db in backends("killed import").await {
        city(&db.store, true).await;
        let before = db.store.counts().await.expect("counts");
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("big.csv");
        let a = e1().as_str().to_owned();
        let mut text = String::from("统一社会信用代码,问题描述,收集日期,责任单位,办理状态,办结日期,满意度\n");
        for i in 0..20_000 {
            text.push_str(&format!("{a},第{i}个问题：贷款难。,2025-03-05,{UNIT_A},已办结,2025-03-20,5\n"));
        }
        std::fs::write(&file, text).expect("write");
        let url = db.url.to_string();
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhuqi"))
            .args(["import", "appeals", &file.to_string_lossy(), "--db", &url])
            .current_dir(dir.path())
            .env_remove("ZHUQI_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let writing = lines.by_ref().map_while(Result::ok).any(|l| l.contains("正在写入"));
        assert!(writing, "{}: the import never reached its writing stage", db.backend);
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            child.try_wait().expect("wait").is_none(),
            "{}: the import ended before it could be killed",
            db.backend
        );
        child.kill().expect("kill -9");
        child.wait().expect("reaped");
        // PostgreSQL notices the dropped connection and rolls back; SQLite's WAL never held a commit.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(db.store.counts().await.expect("counts"), before, "{}", db.backend);
        let out = zhuqi(&["audit", "verify", "--db", &url], dir.path());
        assert!(stdout(&out).contains("审计日志完好"), "{}{}", stdout(&out), stderr(&out));
        // And the same file then imports whole.
        let done = import(&db, "appeals", &file, &[]);
        assert_ok(&done);
        assert_eq!(db.store.counts().await.expect("counts").appeals, 20_000);
    }
}

/// A fresh, empty database of the backend `like` runs on.
async fn fresh(like: &TestDb) -> TestDb {
    match like.backend {
        "sqlite" => support::db::sqlite().await,
        _ => support::db::postgres(&std::env::var("ZHUQI_TEST_PG").expect("ZHUQI_TEST_PG")).await,
    }
}

/// Export → import into a fresh database with the same organisation → export: the same file, in both formats,
/// except 序号 and 诉求编号 (given anew by the importing system). On each backend, and from SQLite to PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_import_export_gives_the_same_ledger() {
    let dbs = backends("round trip").await;
    for a in &dbs {
        round_trip(a, &fresh(a).await).await;
    }
    if let Some(pg) = dbs.iter().find(|d| d.backend == "postgres") {
        round_trip(&support::db::sqlite().await, &fresh(pg).await).await;
    }
}

async fn round_trip(a: &TestDb, b: &TestDb) {
    city(&a.store, true).await;
    let statuses = appeals_in_every_status(&a.store).await;
    assert!(statuses.len() >= 11, "{statuses:?}");
    city(&b.store, false).await;
    let dir = tempfile::tempdir().expect("dir");
    let path = |name: &str| dir.path().join(name);
    for ext in ["xlsx", "csv"] {
        export(a, "enterprises", &path(&format!("a-ent.{ext}")), &["--full-phone"]);
        export(a, "appeals", &path(&format!("a-app.{ext}")), &[]);
    }
    assert_ok(&import(b, "enterprises", &path("a-ent.xlsx"), &[]));
    assert_ok(&import(b, "appeals", &path("a-app.xlsx"), &[]));
    for ext in ["xlsx", "csv"] {
        export(b, "enterprises", &path(&format!("b-ent.{ext}")), &["--full-phone"]);
        export(b, "appeals", &path(&format!("b-app.{ext}")), &[]);
        for kind in ["ent", "app"] {
            let (x, y) = (path(&format!("a-{kind}.{ext}")), path(&format!("b-{kind}.{ext}")));
            let (x, y) = (cells(&x, &["序号", "诉求编号"]), cells(&y, &["序号", "诉求编号"]));
            assert_eq!(x.len(), if kind == "ent" { 4 } else { 16 }, "{ext} {kind}");
            assert_eq!(x, y, "{} → {}: {kind}.{ext} differs", a.backend, b.backend);
        }
    }
    // What the ledger shows of each appeal came back: status, unit, level, rating, dates.
    let read = |s: &Store| {
        let s = s.clone();
        async move {
            let rows =
                s.ledger_appeals(LedgerReader::Operator, LedgerFilter::default(), None, 100).await.expect("rows");
            rows.into_iter()
                .map(|r| {
                    let level = r.unit_name.as_ref().and(r.state.level);
                    (r.state.status, r.state.rating, level, r.unit_name, r.amount, r.state.resolved)
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(read(&a.store).await, read(&b.store).await);
    // The CSV export of A imports into a third database just as well.
    let c = support::db::sqlite().await;
    city(&c.store, false).await;
    assert_ok(&import(&c, "enterprises", &path("a-ent.csv"), &[]));
    assert_ok(&import(&c, "appeals", &path("a-app.csv"), &[]));
    export(&c, "appeals", &path("c-app.csv"), &[]);
    assert_eq!(cells(&path("a-app.csv"), &["序号", "诉求编号"]), cells(&path("c-app.csv"), &["序号", "诉求编号"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_keep_to_their_region_dates_and_masks() {
    for db in backends("export scope").await {
        city(&db.store, true).await;
        appeals_in_every_status(&db.store).await;
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("e.csv");
        export(&db, "enterprises", &file, &[]);
        let text = std::fs::read_to_string(&file).expect("read");
        assert!(text.starts_with("\u{feff}序号,企业名称,统一社会信用代码,所属县区"), "{text}");
        assert!(text.contains("138****8000") && !text.contains("13800138000"), "masked by default: {text}");
        assert!(text.contains("0394-***3456"), "{text}");
        export(&db, "enterprises", &file, &["--full-phone"]);
        assert!(std::fs::read_to_string(&file).expect("read").contains("13800138000"));

        let file = dir.path().join("a.xlsx");
        export(&db, "appeals", &file, &["--region", "411621"]);
        let rows = cells(&file, &[]);
        assert_eq!(rows.len(), 2, "扶沟县 has one appeal: {rows:?}");
        assert_eq!(rows[1][4], "扶沟县");
        export(&db, "appeals", &file, &["--from", "2025-03-10", "--to", "2025-03-23"]);
        assert_eq!(cells(&file, &[]).len(), 3, "two appeals registered in those days");
        // Nothing in range: the heading row alone, still a file an import reads (and finds empty).
        export(&db, "appeals", &file, &["--from", "2020-01-01", "--to", "2020-01-31"]);
        assert_eq!(cells(&file, &[]).len(), 1);

        // A handler's export holds its unit's appeals only.
        let unit = unit_id(&db.store, UNIT_C).await;
        let handler = Principal { roles: vec![Role::Handler], unit_id: Some(unit), ..admin() };
        let rows = db
            .store
            .ledger_appeals(LedgerReader::User(handler), LedgerFilter::default(), None, 100)
            .await
            .expect("rows");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].unit_name.as_deref(), Some(UNIT_C));
    }
}

#[test]
fn bad_arguments_and_files_end_in_one_clear_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = "sqlite://zhuqi.db";
    let run = |args: &[&str]| zhuqi(args, dir.path());
    std::fs::write(dir.path().join("x.pdf"), "x").expect("write");
    assert!(stderr(&run(&["import", "appeals", "x.pdf", "--db", db])).contains("只支持 .xlsx 和 .csv"));
    assert!(stderr(&run(&["import", "appeals", "none.csv", "--db", db])).contains("无法读取文件"));
    assert!(stderr(&run(&["export", "appeals", "-o", "x.pdf", "--db", db])).contains("只支持 .xlsx 和 .csv"));
    let out = run(&["export", "appeals", "-o", "x.csv", "--from", "2025-02-01", "--to", "2025-01-01", "--db", db]);
    assert!(stderr(&out).contains("晚于"), "{}", stderr(&out));
    std::fs::write(dir.path().join("h.csv"), "企业名称,统一社会信用代码\n").expect("write");
    let out = run(&["import", "appeals", "h.csv", "--db", db]);
    assert!(stderr(&out).contains("未找到表头"), "{}", stderr(&out));
    std::fs::write(dir.path().join("e.csv"), "统一社会信用代码,问题描述,收集日期\n").expect("write");
    let out = run(&["import", "appeals", "e.csv", "--db", db]);
    assert!(stderr(&out).contains("没有数据"), "{}", stderr(&out));
    write_xlsx(&dir.path().join("s.xlsx"), &[vec!["a"]]);
    let out = run(&["import", "appeals", "s.xlsx", "--sheet", "无此表", "--db", db]);
    assert!(
        stderr(&out).contains("没有名为「无此表」的工作表") && stderr(&out).contains("现有：台账"),
        "{}",
        stderr(&out)
    );
}

/// Garbage of every kind — random bytes, a damaged workbook, text in no known encoding — is refused with a message,
/// never a panic, and writes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_files_are_refused_without_a_panic() {
    let db = support::db::sqlite().await;
    city(&db.store, true).await;
    let before = db.store.counts().await.expect("counts");
    let dir = tempfile::tempdir().expect("dir");
    let good = dir.path().join("good.xlsx");
    let a = e1().as_str().to_owned();
    write_xlsx(
        &good,
        &[vec!["统一社会信用代码", "问题描述", "收集日期", "办理状态"], vec![&a, "描述", "2025-03-05", "待交办"]],
    );
    let workbook = std::fs::read(&good).expect("read");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut blobs: Vec<(Vec<u8>, &str)> =
        vec![(Vec::new(), "xlsx"), (Vec::new(), "csv"), (b"PK\x03\x04".to_vec(), "xlsx")];
    for i in 0..120 {
        let len = rng.random_range(0..4096);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        if i % 3 == 0 {
            // A real workbook with bytes flipped here and there: deep into the zip and XML readers.
            bytes = workbook.clone();
            for _ in 0..rng.random_range(1..20) {
                let at = rng.random_range(0..bytes.len());
                bytes[at] = rng.random();
            }
        } else if i % 3 == 1 {
            bytes.splice(0..0, b"\xEF\xBB\xBF\xE7\xBB\x9F,\"".iter().copied());
        }
        blobs.push((bytes, if i % 2 == 0 { "xlsx" } else { "csv" }));
    }
    let mut refused = 0;
    for (i, (bytes, ext)) in blobs.into_iter().enumerate() {
        let path: PathBuf = dir.path().join(format!("g{i}.{ext}"));
        std::fs::write(&path, &bytes).expect("write");
        let request = ImportRequest {
            kind: if i % 2 == 0 { LedgerKind::Appeals } else { LedgerKind::Enterprises },
            path,
            sheet: None,
            dry_run: false,
            today: jiff::civil::date(2026, 11, 20),
        };
        let result = zhuqi_ledger::import(&db.store, &request, Progress { visible: false }).await;
        if let Err(e) = result {
            refused += 1;
            let text = e.downcast_ref::<Rejected>().map_or_else(|| e.to_string(), ToString::to_string);
            assert!(text.contains(" / "), "a message in both languages: {text}");
        }
    }
    assert!(refused > 100, "garbage is refused: {refused}");
    let after = db.store.counts().await.expect("counts");
    assert!(after.appeals <= before.appeals + 1, "at most the one good row of an undamaged copy");
    // And through the binary: one closing line, no panic.
    std::fs::write(dir.path().join("junk.xlsx"), b"\x00\x01garbage\xff").expect("write");
    let out = zhuqi(&["import", "appeals", "junk.xlsx", "--db", &db.url.to_string()], dir.path());
    let err = assert_refused(&out);
    assert!(err.contains("不是可以读取的 Excel 文件"), "{err}");
}

/// Three cadres, two of them named 王伟: a shared name must be written as a login.
async fn cadres(store: &Store) -> [Principal; 3] {
    let ids = store
        .transaction(sys(), |w| {
            let cadre = |login: &str, name: &str| zhuqi_store::NewUser {
                username: login.into(),
                display_name: name.into(),
                password_hash: None,
                must_change_password: true,
                region: Some(code("411600")),
                unit_id: None,
                enterprise_id: None,
                phone: None,
                roles: vec![Role::Cadre],
                created_at: at("2024-01-02T00:00:00Z"),
            };
            Ok::<_, zhuqi_store::StoreError>([
                w.insert_user(&cadre("wangwei1", "王伟"))?,
                w.insert_user(&cadre("wangwei2", "王伟"))?,
                w.insert_user(&cadre("lina", "李娜"))?,
            ])
        })
        .await
        .expect("cadres");
    let mut out = Vec::new();
    for id in ids {
        out.push(store.principal(id).await.expect("principal"));
    }
    out.try_into().expect("three")
}

async fn served(store: &Store, p: &Principal) -> Vec<String> {
    let (page, _) = store.enterprises_for(p, None, None, None, 10).await.expect("enterprises");
    page.into_iter().map(|e| e.name).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_baolian_ledger_assigns_enterprises_to_work_groups_all_or_nothing() {
    for db in backends("baolian ledger").await {
        let b = db.backend;
        city(&db.store, true).await;
        let [wang1, wang2, lina] = cadres(&db.store).await;
        let dir = tempfile::tempdir().expect("dir");
        let (e1, e2) = (e1(), e2());
        let bad = dir.path().join("包联台账-有误.xlsx");
        write_xlsx(
            &bad,
            &[
                vec!["周口市万人助万企包联台账"],
                vec!["序号", "工作组", "牵头单位", "助企干部", "企业名称", "统一社会信用代码", "备注"],
                vec!["1", "川汇区第一工作组", "", "李娜", "周口华源食品有限公司", e1.as_str(), ""],
                vec!["2", "川汇区第一工作组", "", "王伟", "", e2.as_str(), ""],
                vec!["3", "扶沟县工作组", UNIT_C, "张三", "周口华源食品有限公司", "", ""],
                vec!["4", "某组", "不存在的局", "", "", "91411621MA00000099", ""],
            ],
        );
        let audit_before = db.store.audit_records(None, 100_000).await.expect("audit").len();
        let err = assert_refused(&import(&db, "assignments", &bad, &[]));
        for expected in [
            "第4行 〔助企干部〕 有2位助企干部名为「王伟」，请改写登录名（wangwei1、wangwei2）",
            "第5行 〔助企干部〕 未找到助企干部「张三」",
            "第5行 〔企业名称〕 与第3行是同一家企业",
            "第6行 〔牵头单位〕 单位「不存在的局」不在本系统的单位名录中",
            "第6行 〔统一社会信用代码〕",
        ] {
            assert!(err.contains(expected), "{b}: {expected} in\n{err}");
        }
        assert_eq!(db.store.audit_records(None, 100_000).await.expect("audit").len(), audit_before, "{b}");
        assert!(served(&db.store, &lina).await.is_empty(), "{b}: nothing was written");

        let good = dir.path().join("包联台账.xlsx");
        write_xlsx(
            &good,
            &[
                vec!["序号", "工作组", "牵头单位", "助企干部", "企业名称", "统一社会信用代码"],
                vec!["1", "川汇区第一工作组", UNIT_A, "李娜、wangwei2", "周口华源食品有限公司", ""],
                vec!["2", "扶沟县工作组", UNIT_C, "wangwei1", "", e2.as_str()],
                vec!["3", "扶沟县工作组", "", "", "", ""],
            ],
        );
        let out = import(&db, "assignments", &good, &[]);
        assert_ok(&out);
        assert!(stdout(&out).contains("已导入包联 3 行"), "{b}: {}", stdout(&out));
        assert_eq!(served(&db.store, &lina).await, vec!["周口华源食品有限公司"], "{b}");
        assert_eq!(served(&db.store, &wang2).await, vec!["周口华源食品有限公司"], "{b}");
        assert_eq!(served(&db.store, &wang1).await, vec!["扶沟县天顺纺织有限公司"], "{b}");
        // A new group lies in its lead unit's region.
        let sysadmin = admin();
        let groups = db.store.work_groups(&sysadmin, zhuqi_store::WorkGroupFilter { limit: 10, ..Default::default() });
        let regions: Vec<(String, String)> =
            groups.await.expect("groups").items.into_iter().map(|g| (g.name, g.region_code)).collect();
        assert_eq!(
            regions,
            vec![("川汇区第一工作组".into(), "411600".into()), ("扶沟县工作组".into(), "411621".into())]
        );

        // Its export reads back unchanged; moving 扶沟县's enterprise to the city's group takes it from wangwei1.
        let first = dir.path().join("导出.csv");
        export(&db, "assignments", &first, &[]);
        let before = db.store.audit_records(None, 100_000).await.expect("audit").len();
        assert_ok(&import(&db, "assignments", &first, &[]));
        let after = db.store.audit_records(None, 100_000).await.expect("audit").len();
        assert_eq!(after, before + 1, "{b}: re-importing the export changes nothing (one record of the import)");
        let second = dir.path().join("再导出.csv");
        export(&db, "assignments", &second, &[]);
        assert_eq!(std::fs::read(&first).expect("first"), std::fs::read(&second).expect("second"), "{b}");
        let text = std::fs::read_to_string(&first).expect("csv");
        assert!(text.contains("wangwei2、李娜"), "{b}: a shared name is written as the login: {text}");
        let moved = dir.path().join("调整.csv");
        write_csv(&moved, &[vec!["工作组", "统一社会信用代码"], vec!["川汇区第一工作组", e2.as_str()]]);
        assert_ok(&import(&db, "assignments", &moved, &[]));
        assert!(served(&db.store, &wang1).await.is_empty(), "{b}");
        assert_eq!(served(&db.store, &lina).await.len(), 2, "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_city_enters_its_units_and_accounts_from_lists() {
    for db in backends("units and users ledgers").await {
        let b = db.backend;
        city(&db.store, false).await;
        let dir = tempfile::tempdir().expect("dir");
        let units = dir.path().join("单位名录.xlsx");
        write_xlsx(
            &units,
            &[
                vec!["周口市承办单位名录"],
                vec!["序号", "单位全称", "所属地区"],
                vec!["1", "周口市工业和信息化局", "周口市"],
                vec!["2", "川汇区发展和改革委员会", "川汇区"],
                vec!["3", UNIT_A, "411600"],
                vec!["4", "某某局", "不存在县"],
            ],
        );
        let err = assert_refused(&import(&db, "units", &units, &[]));
        assert!(err.contains("第5行 〔单位全称〕 该单位已录入") && err.contains("第6行 〔所属地区〕"), "{b}: {err}");
        write_xlsx(
            &units,
            &[
                vec!["序号", "单位全称", "所属地区"],
                vec!["1", "周口市工业和信息化局", "周口市"],
                vec!["2", "川汇区发展和改革委员会", "川汇区"],
            ],
        );
        assert_ok(&import(&db, "units", &units, &[]));
        assert_eq!(db.store.units().await.expect("units").len(), 5, "{b}");

        let users = dir.path().join("用户台账.csv");
        let bad = [
            vec!["用户名", "姓名", "角色", "所属地区", "所属单位", "手机"],
            vec!["wangwei", "王伟", "助企干部", "川汇区", "", "13800138001"],
            vec!["lina", "李娜", "承办单位", "", "", ""],
            vec!["wangwei", "王伟（重名）", "助企干部", "川汇区", "", ""],
            vec!["zhang", "张三", "局长", "周口市", "", ""],
            vec!["admin2", "赵六", "系统管理员、指挥部", "周口市", "", ""],
        ];
        write_csv(&users, &bad);
        let err = assert_refused(&import(&db, "users", &users, &[]));
        for expected in [
            "第3行 〔所属单位〕 承办单位用户须填所属单位",
            "第4行 〔用户名〕 与第2行重复",
            "第5行 〔角色〕 未知角色「局长」",
            "第6行 〔角色〕",
        ] {
            assert!(err.contains(expected), "{b}: {expected} in\n{err}");
        }
        assert!(!dir.path().join("用户台账-初始密码.csv").exists(), "{b}: no passwords for a refused file");
        write_csv(
            &users,
            &[
                vec!["用户名", "姓名", "角色", "所属地区", "所属单位", "手机"],
                vec!["wangwei", "王伟", "助企干部", "川汇区", "", "13800138001"],
                vec!["lina", "李娜", "承办单位", "周口市", "周口市工业和信息化局", ""],
                vec!["zhao", "赵敏", "指挥部、领导", "周口市", "", ""],
            ],
        );
        let out = import(&db, "users", &users, &[]);
        assert_ok(&out);
        assert!(stdout(&out).contains("一次性初始密码已写入"), "{b}: {}", stdout(&out));
        let sheet = std::fs::read_to_string(dir.path().join("用户台账-初始密码.csv")).expect("passwords");
        assert_eq!(sheet.lines().count(), 4, "{b}: {sheet}");
        let lina = db.store.user_by_name("lina").await.expect("lina");
        assert!(lina.has_password && lina.must_change_password && lina.roles == vec![Role::Handler], "{b}");
        assert!(lina.unit_id.is_some(), "{b}");
        let zhao = db.store.user_by_name("zhao").await.expect("zhao");
        assert_eq!(zhao.roles, vec![Role::Dispatcher, Role::Leader], "{b}");
        // The same file again: every username is taken now, nothing more is made.
        let err = assert_refused(&import(&db, "users", &users, &[]));
        assert!(err.contains("第2行 〔用户名〕 用户名「wangwei」已被使用"), "{b}: {err}");
        std::fs::remove_file(dir.path().join("用户台账-初始密码.csv")).expect("handed out");
    }
}

/// `zhuqi backup` and `zhuqi restore` on each backend (PostgreSQL through pg_dump and pg_restore): the restored
/// database holds the same appeals, and its audit chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_the_same_ledger_on_each_backend() {
    for a in &backends("backup and restore").await {
        city(&a.store, true).await;
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join(if a.backend == "sqlite" { "backup.db" } else { "backup.dump" });
        let (url, path) = (a.url.to_string(), file.to_string_lossy().into_owned());
        let out = zhuqi(&["backup", "--db", &url, "-o", &path], dir.path());
        assert!(out.status.success(), "{}: {}", a.backend, String::from_utf8_lossy(&out.stderr));
        // PostgreSQL restores into a database of its own, kept until the end of the test.
        let empty = fresh(a).await;
        let target = match a.backend {
            "sqlite" => format!("sqlite://{}", dir.path().join("restored.db").display()),
            _ => empty.url.to_string(),
        };
        let out = zhuqi(&["restore", &path, "--db", &target], dir.path());
        assert!(out.status.success(), "{}: {}", a.backend, String::from_utf8_lossy(&out.stderr));
        let verified = zhuqi(&["audit", "verify", "--db", &target], dir.path());
        assert!(verified.status.success(), "{}: {}", a.backend, String::from_utf8_lossy(&verified.stderr));
        let b = Store::open(&target.parse().expect("url")).await.expect("open the restored database");
        assert_eq!(appeals_in_every_status(&b).await, appeals_in_every_status(&a.store).await, "{}", a.backend);
        assert_eq!(b.counts().await.expect("counts"), a.store.counts().await.expect("counts"), "{}", a.backend);
    }
}

/// The 交办清单 (issue 15): a meeting's task list from Excel, under a title row, all rows or none — a meeting not
/// recorded, a unit not in the register, a date before the meeting, a task twice, the lead unit again among the
/// co-units: each reported, nothing handed out; then the list hands out its tasks once, and the export lists them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meetings_task_list_is_handed_out_from_excel_all_or_nothing() {
    for db in backends("tasks ledger").await {
        let b = db.backend;
        city(&db.store, false).await;
        let title = "市政府2026年第10次重点工作周交办会议";
        let held_on = zhuqi_domain::time::today().checked_sub(3.days()).expect("date");
        let meeting = zhuqi_store::NewMeeting {
            region: code("411600"),
            title: title.into(),
            held_on,
            chair: "市长 王志宏".into(),
            attendees: String::new(),
        };
        db.store
            .transaction(sys(), move |w| w.create_meeting(&meeting, None, jiff::Timestamp::now()))
            .await
            .expect("the meeting");
        let due = held_on.checked_add(20.days()).expect("date").to_string();
        let early = held_on.checked_sub(1.days()).expect("date").to_string();
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("交办清单.xlsx");
        let heading = vec![
            "序号",
            "会议名称",
            "工作领域",
            "交办事项",
            "牵头市领导",
            "牵头单位",
            "配合单位",
            "完成时限",
            "预期成效",
        ];
        let first = "推进企业融资对接，组织银企对接会";
        write_xlsx(
            &file,
            &[
                vec!["市政府第10次重点工作周交办会议交办事项清单"],
                heading.clone(),
                vec!["1", title, "经济运行", first, "副市长 陈静", UNIT_A, UNIT_B, &due, "放贷10亿元"],
                vec!["2", "第99次会议", "项目建设", "开工项目", "副市长 杨天明", UNIT_A, "", &due, ""],
                vec!["3", title, "营商环境优化", "清理拖欠", "副市长 郭晓燕", "某某局", "", &due, ""],
                vec!["4", title, "民生重点事项", "保供暖", "副市长 郭晓燕", UNIT_B, UNIT_B, &early, ""],
                vec!["5", title, "经济运行", first, "副市长 陈静", UNIT_A, "", &due, ""],
            ],
        );
        let err = assert_refused(&import(&db, "tasks", &file, &[]));
        for expected in [
            "第4行 〔会议名称〕 系统中没有这次会议",
            "第5行 〔牵头单位〕",
            "第6行 〔配合单位〕 「周口市人力资源和社会保障局」已是牵头单位",
            "第6行 〔完成时限〕",
            "第7行 〔交办事项〕 与第3行重复",
        ] {
            assert!(err.contains(expected), "{b}: {expected} in\n{err}");
        }
        let handed = async || db.store.ledger_meetings(None).await.expect("tasks")[0].1.len();
        assert_eq!(handed().await, 0, "{b}: a refused list hands out nothing");

        let co_units = format!("{UNIT_B}、{UNIT_C}");
        let good = [
            heading.clone(),
            vec!["1", title, "经济运行", first, "副市长 陈静", UNIT_A, &co_units, &due, "放贷10亿元"],
            vec!["2", title, "安全稳定", "开展安全生产大检查", "副市长 杨天明", UNIT_C, "", "13710", ""],
        ];
        write_xlsx(&file, &good);
        assert_ok(&import(&db, "tasks", &file, &[]));
        let tasks = db.store.ledger_meetings(None).await.expect("tasks").remove(0).1;
        assert_eq!(tasks.len(), 2, "{b}");
        assert_eq!((tasks[0].state.co_unit_ids.len(), tasks[0].due_on.map(|d| d.to_string())), (2, Some(due.clone())));
        assert_eq!(
            (tasks[1].due_on, tasks[1].state.status),
            (None, Status::Assigned),
            "{b}: 13710 from the handing out"
        );
        // The same list again hands nothing out twice.
        let err = assert_refused(&import(&db, "tasks", &file, &[]));
        assert!(err.contains("第2行 〔交办事项〕 该会议已交办此事项"), "{b}: {err}");
        assert_eq!(handed().await, 2, "{b}");

        let out = dir.path().join("交办清单-导出.xlsx");
        assert_ok(&export(&db, "tasks", &out, &[]));
        let rows = cells(&out, &[]);
        assert_eq!(rows[0][..4], ["序号", "事项编号", "会议名称", "工作领域"], "{b}: {:?}", rows[0]);
        assert_eq!(rows.len(), 3, "{b}: the headings and two tasks");
        assert!(
            rows[1].contains(&format!("{UNIT_B}、{UNIT_C}")) && rows[2].contains(&"13710标准时限".to_owned()),
            "{b}"
        );
    }
}

/// The 纠纷案件台账 (issue 15): a workstation's past cases from Excel with their histories, all rows or none; the
/// figures count them as the ledger says; export → import into an empty city gives the same ledger.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workstations_case_ledger_imports_with_its_outcomes_all_or_nothing() {
    let station = "川汇区非公企业多元解纷工作站";
    let court = "川汇区人民法院诉调对接中心";
    let with_station = |store: &Store| {
        let store = store.clone();
        async move {
            city(&store, true).await;
            store
                .transaction(sys(), move |w| {
                    let unit = w.insert_unit(station, &code("411602"))?;
                    w.insert_unit(court, &code("411602"))?;
                    w.insert_user(&zhuqi_store::NewUser {
                        username: "tj01".into(),
                        display_name: "法治护航员 龚宏伟".into(),
                        password_hash: None,
                        must_change_password: false,
                        region: Some(code("411602")),
                        unit_id: Some(unit),
                        enterprise_id: None,
                        phone: None,
                        roles: vec![Role::Mediator],
                        created_at: jiff::Timestamp::now(),
                    })?;
                    Ok::<_, zhuqi_store::StoreError>(())
                })
                .await
                .expect("the workstation");
        }
    };
    for db in backends("disputes ledger").await {
        let b = db.backend;
        with_station(&db.store).await;
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("纠纷案件台账.xlsx");
        let heading = vec![
            "序号",
            "受理日期",
            "受理工作站",
            "涉事企业",
            "对方当事人",
            "纠纷类型",
            "涉及金额（万元）",
            "简要案情",
            "承办",
            "调解结果",
            "达成金额（万元）",
            "办结日期",
            "效果评价",
        ];
        let facts = "承建厂房二期工程，竣工验收后尚欠工程款，多次催要未果。";
        let a = "周口华源食品有限公司";
        // Mediated by the workstation's 法治护航员 for 320万 of 386万, and rated five stars.
        let mediated = vec![
            "1",
            "2025-03-02",
            station,
            a,
            "周口市恒达建筑工程有限公司",
            "工程款纠纷",
            "386",
            facts,
            "法治护航员 龚宏伟",
            "调解成功",
            "320",
            "2025-03-20",
            "5",
        ];
        write_xlsx(
            &file,
            &[
                vec!["川汇区非公企业多元解纷工作站受理案件台账（2025年）"],
                heading.clone(),
                mediated.clone(),
                vec![
                    "2",
                    "2025-04-01",
                    station,
                    "扶沟县天顺纺织有限公司",
                    "张某",
                    "劳动争议",
                    "4.5",
                    facts,
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                vec![
                    "3",
                    "2025-04-02",
                    station,
                    a,
                    "李某",
                    "邻里纠纷",
                    "2",
                    facts,
                    "王律师",
                    "调解成功",
                    "",
                    "2025-04-01",
                    "",
                ],
                vec![
                    "4",
                    "2025-05-06",
                    station,
                    a,
                    "某商贸公司",
                    "买卖纠纷",
                    "12",
                    facts,
                    court,
                    "调解不成",
                    "10",
                    "2025-05-20",
                    "",
                ],
            ],
        );
        let err = assert_refused(&import(&db, "disputes", &file, &[]));
        for expected in [
            "第4行 〔涉事企业〕 「扶沟县天顺纺织有限公司」不在受理工作站所在地区",
            "第5行 〔纠纷类型〕",
            "第5行 〔承办〕 「王律师」既不是该工作站的法治护航员",
            "第5行 〔达成金额（万元）〕 调解成功的案件须填写达成金额",
            "第5行 〔办结日期〕 办结日期 2025-04-01 早于受理日期 2025-04-02",
            "第6行 〔达成金额（万元）〕 只有调解成功的案件有达成金额",
        ] {
            assert!(err.contains(expected), "{b}: {expected} in\n{err}");
        }
        let p = Principal { roles: vec![Role::Workstation], region: Some(code("411602")), unit_id: None, ..admin() };
        let figures = |s: &Store| {
            let (s, p) = (s.clone(), p.clone());
            async move {
                let today = zhuqi_domain::time::today();
                s.dispute_figures(&p, None, today, zhuqi_store::DisputeGrouping::County).await.expect("figures").total
            }
        };
        assert_eq!(figures(&db.store).await.received, 0, "{b}: a refused ledger records nothing");

        let good = [
            heading.clone(),
            mediated.clone(),
            vec!["2", "2025-04-01", station, a, "张某", "劳动争议", "4.5", facts, "", "", "", "", ""],
            vec![
                "3",
                "2025-05-06",
                station,
                a,
                "某商贸公司",
                "买卖纠纷",
                "12",
                facts,
                court,
                "转诉讼",
                "",
                "2025-05-20",
                "",
            ],
            vec![
                "4",
                "2025-06-01",
                station,
                a,
                "赵某",
                "借贷纠纷",
                "30",
                facts,
                "法治护航员 龚宏伟",
                "撤回",
                "",
                "2025-06-03",
                "",
            ],
        ];
        write_xlsx(&file, &good);
        assert_ok(&import(&db, "disputes", &file, &[]));
        let t = figures(&db.store).await;
        assert_eq!((t.received, t.mediated, t.litigation, t.withdrawn, t.open()), (4, 1, 1, 1, 1), "{b}");
        assert_eq!(
            (t.amount.fen(), t.agreed.fen()),
            (432_500_000, 320_000_000),
            "{b}: 432.5万 in dispute, 320万 agreed"
        );
        // The same ledger again records nothing twice.
        let err = assert_refused(&import(&db, "disputes", &file, &[]));
        assert!(err.contains("第2行 〔涉事企业〕 该案件已登记"), "{b}: {err}");

        // Exported, imported into another city with the same workstation, exported again: the same ledger but the numbers.
        let out = dir.path().join("导出.xlsx");
        assert_ok(&export(&db, "disputes", &out, &[]));
        let other = fresh(&db).await;
        with_station(&other.store).await;
        assert_ok(&import(&other, "disputes", &out, &[]));
        let again = dir.path().join("再导出.xlsx");
        assert_ok(&export(&other, "disputes", &again, &[]));
        let (first, second) = (cells(&out, &["案件编号"]), cells(&again, &["案件编号"]));
        assert_eq!(first.len(), 5, "{b}: {first:?}");
        assert_eq!(first, second, "{b}");
        assert!(first[1].contains(&"法治护航员 龚宏伟".to_owned()) && first[1].contains(&"调解成功".to_owned()), "{b}");
    }
}

/// The 惠企政策库: a library kept in Excel (variant headings, conditions in words, a draft with its planned date)
/// imports all or nothing; the draft becomes its unit's task; the same file again records nothing twice; bad rows are
/// each reported; export → import into another city → export gives the same ledger.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_library_imports_all_or_nothing_and_exports_as_it_imports() {
    let planned = zhuqi_domain::time::today().checked_add(60.days()).expect("date").to_string();
    let heading = vec![
        "序号",
        "政策名称",
        "发文单位",
        "层级",
        "文号",
        "适用地区",
        "责任单位",
        "状态",
        "施行日期",
        "有效期至",
        "计划出台时间",
        "扶持方式",
        "扶持标准",
        "单户上限（万元）",
        "是否免申即享",
        "产业链",
        "企业类型",
        "成立满（年）",
        "从业人数不少于",
        "营业收入不低于",
        "纳税信用等级",
        "政策原文",
    ];
    let good = vec![
        heading.clone(),
        vec![
            "1",
            "周口市支持中小企业融资贴息办法",
            "周口市人民政府办公室",
            "市级",
            "周政办〔2026〕8号",
            "周口市",
            UNIT_A,
            "有效",
            "2026-01-01",
            "2027-12-31",
            "",
            "贷款贴息",
            "按贷款利息的50%贴息",
            "50",
            "否",
            "现代食品、生物医药",
            "小微企业、专精特新",
            "2",
            "10",
            "500万至2000万元",
            "B",
            "为缓解中小企业融资难……",
        ],
        vec![
            "2",
            "扶沟县技能人才培养激励办法（征求意见稿）",
            "扶沟县人民政府",
            "县",
            "",
            "扶沟县",
            UNIT_C,
            "起草中",
            "",
            "",
            &planned,
            "资金补贴",
            "每培养一名高级工奖励2000元",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        vec![
            "3",
            "河南省稳岗返还政策",
            "河南省人力资源和社会保障厅",
            "省级",
            "豫人社〔2026〕3号",
            "410000",
            UNIT_B,
            "已发布",
            "2026/3/1",
            "",
            "",
            "税费减免",
            "返还上年度失业保险费的60%",
            "",
            "是",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ];
    for db in backends("policies ledger").await {
        let b = db.backend;
        city(&db.store, false).await;
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("惠企政策库.xlsx");

        // Bad rows are each reported beside their column, and nothing is written.
        let mut bad = good.clone();
        bad[1][13] = "-5";
        bad[1][15] = "现代食品、航天军工";
        bad[1][9] = "2025-12-31";
        bad[2][10] = "";
        bad[3][6] = "周口市不存在局";
        write_xlsx(&file, &bad);
        let err = assert_refused(&import(&db, "policies", &file, &[]));
        for said in [
            "第2行 〔单户上限（万元）〕",
            "产业链「航天军工」不在目录中",
            "有效期止不能早于有效期起",
            "第3行 〔计划出台时间〕 起草中的政策请填写计划出台日期",
            "第4行 〔责任单位〕 单位「周口市不存在局」不在本系统的单位名录中",
        ] {
            assert!(err.contains(said), "{b}: {said}: {err}");
        }
        let out = dir.path().join("导出.xlsx");
        assert_ok(&export(&db, "policies", &out, &[]));
        assert_eq!(cells(&out, &[]).len(), 1, "{b}: nothing was written");

        write_xlsx(&file, &good);
        assert_ok(&import(&db, "policies", &file, &[]));
        let err = assert_refused(&import(&db, "policies", &file, &[]));
        assert!(err.contains("第2行 〔政策名称〕 政策库中已有该地区的同名政策"), "{b}: {err}");
        // The draft is its unit's task on the loop.
        let drafting = db.store.drafting_tasks((1..=3).collect()).await.expect("tasks");
        assert_eq!(drafting.len(), 1, "{b}: {drafting:?}");

        assert_ok(&export(&db, "policies", &out, &[]));
        let other = fresh(&db).await;
        city(&other.store, false).await;
        assert_ok(&import(&other, "policies", &out, &[]));
        let again = dir.path().join("再导出.xlsx");
        assert_ok(&export(&other, "policies", &again, &[]));
        let (first, second) = (cells(&out, &[]), cells(&again, &[]));
        assert_eq!(first.len(), 4, "{b}: {first:?}");
        assert_eq!(first, second, "{b}");
        let row = first.iter().find(|r| r.contains(&"周政办〔2026〕8号".to_owned())).expect("the city's");
        for value in
            ["市级", "周口市", "贷款贴息", "50", "现代食品、生物医药", "小微企业、专精特新", "500万至2000万元", "B级"]
        {
            assert!(row.contains(&value.to_owned()), "{b}: {value}: {row:?}");
        }
    }
}
