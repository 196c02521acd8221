//! 惠企政策 through the pages (issue 16): the office records a policy (posted twice, one policy; bad fields refused
//! beside them, nothing made), the enterprise records its facts and finds the policy on its page with why, the
//! policy's page lists the enterprises that qualify and downloads them, edits go by version, and each role opens
//! only what it may. Over real HTTP against the whole router, on SQLite and, with `ZHUQI_TEST_PG`, on PostgreSQL.

mod support;

use reqwest::StatusCode;
use support::web::{Browser, Page};
use support::*;

/// The id in the first `/policies/{id}` link of `page`.
fn first_policy(page: &Page) -> i64 {
    first_id(page, "/policies/")
}

/// The id in the first `{path}{id}` link of `page`.
fn first_id(page: &Page, path: &str) -> i64 {
    let marker = format!("href=\"{path}");
    let mut rest = page.body.as_str();
    while let Some(at) = rest.find(&marker) {
        rest = &rest[at + marker.len()..];
        if let Some(id) = rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()) {
            return id;
        }
    }
    panic!("no {path} link: {}", page.body)
}

/// A policy of the city's finance bureau (unit A) for 现代食品 makers with 20 people or more and a B tax credit.
fn policy<'a>(unit: &'a str, valid_to: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", "周口市现代食品企业技术改造奖补办法"),
        ("issuer", "周口市人民政府办公室"),
        ("doc_number", "周政办〔2026〕21号"),
        ("level", "city"),
        ("region", "411600"),
        ("unit_id", unit),
        ("status", "published"),
        ("valid_from", "2026-01-01"),
        ("valid_to", valid_to),
        ("benefit_kind", "subsidy"),
        ("benefit", "按设备投资的10%给予奖补"),
        ("cap", "200万"),
        ("industries", "现代食品"),
        ("min_employees", "20"),
        ("min_tax_credit", "B"),
        ("body", "为支持现代食品企业技术改造，制定本办法。"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_records_a_policy_and_the_enterprise_that_qualifies_finds_it() {
    for s in servers("web_policies_loop").await {
        let b = s.backend;
        let unit = s.world.unit_a.to_string();
        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        let form = office.get("/policies/new").await;
        assert!(form.has("登记政策") && form.has("申享条件") && form.has("免申即享"), "{b}: {}", form.body);

        // Refused beside their fields; nothing recorded.
        let mut bad = policy(&unit, "2025-12-31");
        bad[0] = ("title", " ");
        bad.push(("max_employees", "10"));
        let refused = office.submit("/policies/new", "/policies", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        for message in ["请填写政策名称", "有效期止不能早于有效期起", "从业人数的下限（20人）大于上限（10人）"]
        {
            assert!(refused.has(message), "{b}: {message}: {}", refused.body);
        }
        assert!(office.get("/policies").await.has("没有此类政策"), "{b}");

        let (one, two) = office.post_twice("/policies/new", "/policies", &policy(&unit, "2027-12-31")).await;
        assert_eq!((one.status, two.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER), "{b}: {}", one.body);
        assert_eq!(one.location, two.location, "{b}: a double tap records one policy");
        let list = office.get("/policies?q=%E7%8E%B0%E4%BB%A3%E9%A3%9F%E5%93%81+%E5%A5%96%E8%A1%A5").await;
        assert!(list.has("周政办〔2026〕21号") && list.has("共 1 条"), "{b}: 现代食品 奖补: {}", list.body);
        let id = first_policy(&list);
        let page = office.get(&format!("/policies/{id}?done=create")).await;
        assert!(page.has("政策已登记") && page.has("从业人员不少于20人") && page.has("单户最高200.00万元"), "{b}");
        assert!(page.has("暂无符合条件的企业"), "{b}: E1's facts are not recorded yet: {}", page.body);

        // The enterprise records its facts; its page then shows the policy it qualifies for, with why.
        let mut qiye = Browser::signed_in(&s, "qiye").await;
        let own = qiye.get("/enterprise").await;
        assert!(own.has("修改企业信息") && own.has("未登记"), "{b}: {}", own.body);
        let edit_path = format!("/enterprises/{}/edit", s.world.e1);
        let edit = qiye.get(&edit_path).await;
        assert!(edit.has("经营情况") && edit.has("不能修改"), "{b}: {}", edit.body);
        let facts = [
            ("name", "周口华源食品有限公司"),
            ("region", "411602"),
            ("industry", "现代食品"),
            ("above_scale", "1"),
            ("contact_name", "王建国"),
            ("contact_phone", "13800138000"),
            ("registered_on", "2012-04-18"),
            ("employees", "12"),
            ("revenue_band", "20m_100m"),
            ("tax_credit", "A"),
        ];
        let saved = qiye.submit(&edit_path, &edit_path, &facts).await;
        assert_eq!(saved.location.as_deref(), Some("/enterprise?done=edit"), "{b}: {}", saved.body);
        let own = qiye.get("/enterprise?done=edit").await;
        assert!(own.has("企业信息已保存") && own.has("2012-04-18") && own.has("12人"), "{b}");
        assert!(own.has("差一项") && own.has("从业人员12人；政策要求不少于20人"), "{b}: {}", own.body);
        let mut more = facts.to_vec();
        more[7] = ("employees", "36");
        qiye.submit(&edit_path, &edit_path, &more).await;
        let own = qiye.get("/enterprise").await;
        assert!(own.has("符合条件") && own.has("周口市现代食品企业技术改造奖补办法"), "{b}: {}", own.body);
        // Moving itself to another county, or typing a bad date, is refused and changes nothing.
        let mut moved = more.clone();
        moved[1] = ("region", "411621");
        let refused = qiye.submit(&edit_path, &edit_path, &moved).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(refused.has("请联系指挥部"), "{b}: {}", refused.body);
        let mut wrong = more.clone();
        wrong[6] = ("registered_on", "2099-01-01");
        let refused = qiye.submit(&edit_path, &edit_path, &wrong).await;
        assert!(refused.has("成立日期不能晚于今天"), "{b}: {}", refused.body);
        assert!(qiye.get("/enterprise").await.has("川汇区"), "{b}");

        // The policy's page lists E1, and the list downloads.
        let page = office.get(&format!("/policies/{id}")).await;
        assert!(page.has("周口华源食品有限公司") && page.has("共 1 条"), "{b}: {}", page.body);
        // The 执行清单 counts it; the 推进清单 has no draft.
        let execution = office.get("/policies?view=execution").await;
        assert!(
            execution.has("符合条件企业") && execution.has(&format!("<a href=\"/policies/{id}\">1</a>")),
            "{b}: {}",
            execution.body
        );
        assert!(office.get("/policies?view=drafting").await.has("没有此类政策"), "{b}");
        let sheet = office.get(&format!("/policies/{id}/matches.xlsx")).await.sheet_rows();
        assert_eq!(sheet.len(), 2, "{b}: a header and E1: {sheet:?}");
        assert_eq!(sheet[1][0], "周口华源食品有限公司");
        // The library downloads as the ledger `zhuqi import policies` reads.
        let library = office.get("/policies/export.xlsx").await.sheet_rows();
        assert_eq!(library.len(), 2, "{b}: {library:?}");
        assert_eq!(
            (library[0][1].as_str(), library[1][1].as_str()),
            ("政策名称", "周口市现代食品企业技术改造奖补办法")
        );

        // 政策附件: the office uploads the document; the enterprise reads it on the policy's page and downloads it;
        // a file of a type not accepted is refused beside the page, and nothing is added.
        let page_path = format!("/policies/{id}");
        let csrf = office.get(&page_path).await.csrf();
        let doc = b"%PDF-1.4 policy".as_slice();
        let files = [support::web::Upload { name: "周政办〔2026〕21号.pdf", data: doc }];
        let up = office.post_multipart(&format!("{page_path}/files"), &[("csrf", &csrf)], &files).await;
        assert_eq!(up.location, Some(format!("{page_path}?done=files&n=1#policy-files")), "{b}: {}", up.body);
        let bad = [support::web::Upload { name: "安装程序.exe", data: doc }];
        let refused = office.post_multipart(&format!("{page_path}/files"), &[("csrf", &csrf)], &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(refused.has("类型不允许"), "{b}: {}", refused.body);
        let seen = qiye.get(&page_path).await;
        assert!(seen.has("政策附件") && seen.has("周政办〔2026〕21号.pdf") && !seen.has("policy-upload"), "{b}");
        let file_id = first_id(&seen, &format!("{page_path}/files/"));
        let got = qiye.get(&format!("{page_path}/files/{file_id}")).await;
        assert_eq!(got.status, StatusCode::OK, "{b}");

        // Edits go by version: the second of two edits made on one reading is refused.
        let edit = office.get(&format!("/policies/{id}/edit")).await;
        assert!(edit.has("name=\"version\" value=\"1\""), "{b}: {}", edit.body);
        let mut changed = policy(&unit, "2027-12-31");
        changed.push(("version", "1"));
        changed.push(("no_application", "1"));
        let first = office.submit(&format!("/policies/{id}/edit"), &format!("/policies/{id}/edit"), &changed).await;
        assert_eq!(first.location, Some(format!("/policies/{id}?done=edit")), "{b}: {}", first.body);
        let second = office.submit(&format!("/policies/{id}/edit"), &format!("/policies/{id}/edit"), &changed).await;
        assert_eq!(second.status, StatusCode::CONFLICT, "{b}");
        assert!(second.has("已被他人修改"), "{b}: {}", second.body);
        assert!(office.get(&format!("/policies/{id}")).await.has("免申即享"), "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_opens_the_policy_pages_it_may() {
    for s in servers("web_policies_roles").await {
        let b = s.backend;
        let unit = s.world.unit_a.to_string();
        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        let made = office.submit("/policies/new", "/policies", &policy(&unit, "")).await;
        let path = made.location.expect("recorded").replace("?done=create", "");
        for (user, list, new, edit, matches) in [
            ("zhihuibu", 200, 200, 200, 200),
            ("chengban", 200, 200, 200, 200),
            ("chengban2", 200, 200, 403, 200),
            ("lingdao", 200, 403, 403, 200),
            ("ganbu", 200, 403, 403, 200),
            ("qiye", 200, 403, 403, 403),
            ("zhengfuban", 200, 403, 403, 403),
            ("admin", 403, 403, 403, 403),
            ("shenji", 403, 403, 403, 403),
        ] {
            let mut who = Browser::signed_in(&s, user).await;
            assert_eq!(who.get("/policies").await.status.as_u16(), list, "{b}: {user} /policies");
            assert_eq!(who.get("/policies/new").await.status.as_u16(), new, "{b}: {user} /policies/new");
            assert_eq!(who.get(&format!("{path}/edit")).await.status.as_u16(), edit, "{b}: {user} edit");
            assert_eq!(who.get(&format!("{path}/matches.xlsx")).await.status.as_u16(), matches, "{b}: {user} xlsx");
        }
        // The other unit's handler cannot post an edit either, and the form of a unit offers only its own unit.
        let mut other = Browser::signed_in(&s, "chengban2").await;
        let mut fields = policy(&unit, "");
        fields.push(("version", "1"));
        let refused = other.submit("/policies", &format!("{path}/edit"), &fields).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{b}: {}", refused.body);
        let form = other.get("/policies/new").await;
        assert!(form.has("周口市人力资源和社会保障局") && !form.has("周口市地方金融监督管理局"), "{b}: {}", form.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_is_delivered_claimed_and_granted_through_the_pages() {
    for s in servers("web_policies_deliveries").await {
        let b = s.backend;
        let (unit, e1) = (s.world.unit_a.to_string(), s.world.e1);
        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        let made = office.submit("/policies/new", "/policies", &policy(&unit, "2027-12-31")).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{b}: {}", made.body);
        let id = first_policy(&office.get("/policies").await);
        let desk = format!("/policies/{id}/enterprises/{e1}");

        // The serving cadre delivers it; the same form posted again is refused as stale.
        let mut cadre = Browser::signed_in(&s, "ganbu").await;
        let page = cadre.get(&desk).await;
        assert!(page.has("登记送达") && page.has("未送达") && !page.has("登记兑现"), "{b}: {}", page.body);
        let today = zhuqi_domain::time::today().to_string();
        let deliver = [
            ("version", ""),
            ("step", "deliver"),
            ("on", today.as_str()),
            ("channel", "visit"),
            ("intention", "apply"),
            ("note", "上门讲解申报条件和所需材料"),
        ];
        let done = cadre.submit(&desk, &desk, &deliver).await;
        assert_eq!(done.location, Some(format!("{desk}?done=deliver")), "{b}: {}", done.body);
        let again = cadre.submit(&desk, &desk, &deliver).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{b}");
        assert!(again.has("已被他人修改"), "{b}: {}", again.body);
        assert!(cadre.get(&desk).await.has("上门送达，有意申报"), "{b}");

        // The enterprise sees it on the policy's page and claims; it is offered no grant.
        let mut qiye = Browser::signed_in(&s, "qiye").await;
        let seen = qiye.get(&format!("/policies/{id}")).await;
        assert!(seen.has("本企业办理情况") && seen.has("已送达"), "{b}: {}", seen.body);
        let page = qiye.get(&desk).await;
        assert!(page.has("登记申报") && !page.has("登记兑现") && !page.has("登记送达"), "{b}: {}", page.body);
        let claim = [("version", "1"), ("step", "claim"), ("on", today.as_str()), ("amount", "180万")];
        let done = qiye.submit(&desk, &desk, &claim).await;
        assert_eq!(done.location, Some(format!("{desk}?done=claim")), "{b}: {}", done.body);

        // The claim waits on the unit's workbench; the unit grants within the cap: above it, the page says so and
        // nothing changes.
        let mut unit_a = Browser::signed_in(&s, "chengban").await;
        let bench = unit_a.get("/workbench").await;
        assert!(bench.has("政策待兑现 <b>1</b>") && bench.has("起草中政策 <b>0</b>"), "{b}: {}", bench.body);
        assert!(unit_a.get("/policies/claims").await.has("周口华源食品有限公司"), "{b}");
        let page = unit_a.get(&desk).await;
        assert!(
            page.has("登记兑现") && page.has("不予兑现") && page.has("申报金额¥1,800,000.00"),
            "{b}: {}",
            page.body
        );
        let grant = |amount: &'static str| {
            vec![
                ("version", "2"),
                ("step", "grant"),
                ("on", today.as_str()),
                ("amount", amount),
                ("note", "资金已拨付"),
            ]
        };
        let over = unit_a.submit(&desk, &desk, &grant("300万")).await;
        assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(over.has("超过政策上限") && over.has("value=\"300万\""), "{b}: {}", over.body);
        let done = unit_a.submit(&desk, &desk, &grant("150万")).await;
        assert_eq!(done.location, Some(format!("{desk}?done=grant")), "{b}: {}", done.body);
        let page = unit_a.get(&desk).await;
        assert!(page.has("已兑现") && page.has("兑现金额¥1,500,000.00") && page.has("已办结"), "{b}: {}", page.body);
        assert!(unit_a.get("/workbench").await.has("政策待兑现 <b>0</b>"), "{b}");

        // The 执行清单 and the ledger count it; the enterprise's page lists it.
        let execution = office.get("/policies?view=execution").await;
        assert!(execution.has("已兑现") && execution.has("¥1,500,000.00"), "{b}: {}", execution.body);
        let sheet = office.get(&format!("/policies/{id}/deliveries.xlsx")).await.sheet_rows();
        assert_eq!((sheet.len(), sheet[1][1].as_str(), sheet[1][9].as_str()), (2, "已兑现", "¥1,500,000.00"), "{b}");
        let own = qiye.get("/enterprise").await;
        assert!(own.has("政策送达与兑现记录") && own.has("兑现金额¥1,500,000.00"), "{b}: {}", own.body);
        let figures = office.get("/policies/figures?by=policy").await;
        assert!(
            figures.has("周口市现代食品企业技术改造奖补办法") && figures.has("¥1,500,000.00"),
            "{b}: {}",
            figures.body
        );
        let sheet = office.get("/policies/figures.xlsx?by=unit").await.sheet_rows();
        assert_eq!((sheet[0][0].as_str(), sheet.last().map(|r| r[0].as_str())), ("责任单位", Some("合计")), "{b}");
        let refused = office.get("/policies/figures?as_of=2099-01-01").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(refused.has("截至日期不能晚于今天"), "{b}");

        // The enterprise asks about it: posted twice, one 政策兑现 appeal that names the policy.
        let from = format!("/policies/{id}");
        let to = format!("/policies/{id}/questions");
        let question = [("enterprise_id", e1.to_string()), ("question", "第二批资金何时拨付？".to_owned())];
        let question: Vec<(&str, &str)> = question.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (one, two) = qiye.post_twice(&from, &to, &question).await;
        assert_eq!((one.status, one.location.clone()), (StatusCode::SEE_OTHER, two.location), "{b}: {}", one.body);
        let appeal = qiye.get(one.location.as_deref().expect("to the appeal")).await;
        assert!(
            appeal.has("咨询政策") && appeal.has("政策咨询：周口市现代食品企业技术改造奖补办法"),
            "{b}: {}",
            appeal.body
        );

        // 免申即享: the unit draws the grant list, a too-large amount is refused, then it confirms the list.
        let auto = [
            ("title", "周口市企业稳岗返还（免申即享）"),
            ("issuer", "周口市人力资源和社会保障局"),
            ("level", "city"),
            ("region", "411600"),
            ("unit_id", unit.as_str()),
            ("status", "published"),
            ("valid_from", "2026-01-01"),
            ("benefit_kind", "subsidy"),
            ("benefit", "按上年度失业保险费的60%返还"),
            ("cap", "2万"),
            ("no_application", "1"),
        ];
        let made = office.submit("/policies/new", "/policies", &auto).await;
        let auto_id: i64 =
            made.location.as_deref().and_then(|l| l.split(['/', '?']).nth(2)).and_then(|n| n.parse().ok()).expect("id");
        let page_path = format!("/policies/{auto_id}");
        assert!(unit_a.get(&page_path).await.has("生成兑现名单"), "{b}");
        let drawn = unit_a.submit(&page_path, &format!("{page_path}/grant-list"), &[]).await;
        let drawn_to = drawn.location.clone().unwrap_or_default();
        assert!(drawn_to.starts_with(&format!("{page_path}?done=drawn&n=")), "{b}: {drawn_to} {}", drawn.body);
        let page = unit_a.get(&drawn_to).await;
        assert!(page.has("列入兑现名单") && page.has("全部确认兑现") && page.has("待确认兑现"), "{b}: {}", page.body);
        let confirm = format!("{page_path}/grant-list/confirm");
        let over = unit_a.submit(&page_path, &confirm, &[("amount", "3万"), ("on", today.as_str())]).await;
        assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(over.has("超过政策上限"), "{b}: {}", over.body);
        let done = unit_a.submit(&page_path, &confirm, &[("amount", "2万"), ("on", today.as_str())]).await;
        assert!(done.location.as_deref().is_some_and(|l| l.contains("done=confirmed")), "{b}: {}", done.body);
        let page = unit_a.get(&page_path).await;
        assert!(page.has("已兑现") && !page.has("全部确认兑现"), "{b}: {}", page.body);
        // A cadre is offered neither.
        assert!(!cadre.get(&page_path).await.has("生成兑现名单"), "{b}");
    }
}

/// 政策推进清单 through the pages: a draft recorded by the office is a task on the unit's desk, listed with its
/// number, state and deadline; the task's page names the draft; the draft's unit cannot be moved while the unit holds
/// the task; the unit publishes the policy and the task waits for the government office's judgement.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_policy_is_worked_as_a_task_until_it_is_published() {
    for s in servers("web_policies_drafting").await {
        let b = s.backend;
        let (unit, other) = (s.world.unit_a.to_string(), s.world.unit_b.to_string());
        let due = zhuqi_domain::time::today().checked_add(jiff::ToSpan::days(45)).expect("date").to_string();
        let mut draft = policy(&unit, "");
        draft[0] = ("title", "周口市支持企业上市挂牌奖励办法（征求意见稿）");
        draft[6] = ("status", "drafting");
        draft.push(("due_on", &due));
        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        let made = office.submit("/policies/new", "/policies", &draft).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{b}: {}", made.body);
        let list = office.get("/policies?view=drafting").await;
        assert!(list.has("上市挂牌奖励办法") && list.has("JB-") && list.has("待签收"), "{b}: {}", list.body);
        let id = first_policy(&list);

        // On the unit's desk as a task that names the draft; signed for there.
        let mut unit_a = Browser::signed_in(&s, "chengban").await;
        let desk = unit_a.get("/tasks").await;
        assert!(desk.has("起草出台《周口市支持企业上市挂牌奖励办法（征求意见稿）》"), "{b}: {}", desk.body);
        let task = format!("/tasks/{}", first_id(&desk, "/tasks/"));
        let page = unit_a.get(&task).await;
        assert!(page.has("政策推进清单") && page.has(&format!("href=\"/policies/{id}\"")), "{b}: {}", page.body);
        let signed = unit_a.submit(&task, &format!("{task}/acknowledge"), &[("version", "2")]).await;
        assert_eq!(signed.location, Some(format!("{task}?done=acknowledge")), "{b}: {}", signed.body);

        // Moving the draft to another unit while the task is held is refused beside the form, naming the task.
        let mut moved = draft.clone();
        moved[5] = ("unit_id", &other);
        moved.push(("version", "1"));
        let edit = format!("/policies/{id}/edit");
        let refused = office.submit(&edit, &edit, &moved).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(refused.has("起草任务 JB-") && refused.has("交办事项中办理"), "{b}: {}", refused.body);

        // The unit publishes it: the task is reported done and waits for the office's judgement.
        let mut published = draft.clone();
        published[6] = ("status", "published");
        published.push(("version", "1"));
        let done = unit_a.submit(&edit, &edit, &published).await;
        assert_eq!(done.location, Some(format!("/policies/{id}?done=edit")), "{b}: {}", done.body);
        let mut zhengfuban = Browser::signed_in(&s, "zhengfuban").await;
        let waiting = zhengfuban.get("/tasks?view=answered").await;
        assert!(waiting.has(&task) && waiting.has("已报完成，待确认"), "{b}: {}", waiting.body);
        let judged = zhengfuban.get(&task).await;
        assert!(judged.has("已发布") && judged.has(&format!("href=\"/policies/{id}\"")), "{b}: {}", judged.body);
        assert!(office.get("/policies?view=drafting").await.has("没有此类政策"), "{b}");
    }
}
