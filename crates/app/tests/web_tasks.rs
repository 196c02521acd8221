//! 重点工作周交办 through the pages (issue 15): the government office records a meeting and hands out a task; the
//! lead unit finds it on its desk, signs for it and reports it done; the office finds it waiting for judgement and
//! marks it 完成. A form posted twice hands out one task; a task due before its meeting is refused next to its field.
//! Over real HTTP against the whole router, on SQLite and, with `ZHUQI_TEST_PG`, on PostgreSQL.

mod support;

use reqwest::StatusCode;
use support::web::{Browser, Page};
use support::*;

/// The id in a `/meetings/{id}` or `/tasks/{id}` link of `page`'s table `table` (the first row).
fn first_link(page: &Page, prefix: &str) -> i64 {
    let at = page.body.find(&format!("href=\"{prefix}")).unwrap_or_else(|| panic!("no {prefix} link: {}", page.body));
    let rest = &page.body[at + 6 + prefix.len()..];
    rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()).expect("an id")
}

/// The version hidden in a task page's step forms.
fn version(page: &Page) -> String {
    let at = page.body.find("name=\"version\" value=\"").expect("a step form");
    page.body[at + 22..].split('"').next().expect("value").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_hands_out_a_task_and_judges_it_done() {
    for s in servers("web_tasks_loop").await {
        let b = s.backend;
        let mut office = Browser::signed_in(&s, "zhengfuban").await;
        assert_eq!(office.get("/").await.location.as_deref(), Some("/tasks"), "{b}: the office's desk");
        let empty = office.get("/meetings").await;
        assert!(empty.has("还没有交办会议") && empty.has("登记会议"), "{b}: {}", empty.body);

        let meeting = [
            ("title", "市政府2026年第10次重点工作周交办会议"),
            ("held_on", "2026-03-09"),
            ("region_code", "411600"),
            ("chair", "市长"),
            ("attendees", "市政府领导班子成员，市直有关单位主要负责同志"),
        ];
        let (first, second) = office.post_twice("/meetings", "/meetings", &meeting).await;
        assert_eq!((first.status, second.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER), "{b}");
        assert_eq!(first.location, second.location, "{b}: a double tap records one meeting");
        let meeting_page = first.location.clone().expect("to the meeting").replace("?done=created", "");
        let shown = office.get(&meeting_page).await;
        assert!(shown.has("已登记会议") || shown.has("本次会议还没有交办事项"), "{b}: {}", shown.body);

        // A task due before its meeting is refused next to the form, keeping what was typed; nothing is handed out.
        let unit = s.world.unit_a.to_string();
        let task = |due: &'static str| {
            vec![
                ("area", "经济运行"),
                ("content", "协调银行机构为重点企业续贷，新增普惠小微贷款不低于20亿元"),
                ("leader", "王副市长"),
                ("expected", "月底前完成续贷对接"),
                ("due_on", due),
                ("policy", "13710"),
            ]
        };
        let mut early = task("2026-03-02");
        early.push(("unit_id", &unit));
        let tasks_url = format!("{meeting_page}/tasks");
        let refused = office.submit(&meeting_page, &tasks_url, &early).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {}", refused.body);
        assert!(refused.has("早于会议日期") && refused.has("协调银行机构为重点企业续贷"), "{b}: {}", refused.body);
        let none = office.get(&meeting_page).await;
        assert!(none.has("本次会议还没有交办事项"), "{b}");

        // By the 13710 rule (no date given); posted twice, one task.
        let mut good = task("");
        good.push(("unit_id", &unit));
        let (one, two) = office.post_twice(&meeting_page, &tasks_url, &good).await;
        assert_eq!((one.status, two.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER), "{b}: {}", one.body);
        let listed = office.get(&meeting_page).await;
        assert!(listed.has("交办事项（共 1 项）") && listed.has("JB-"), "{b}: {}", listed.body);
        let task_id = first_link(&listed, "/tasks/");

        // The unit finds it on its desk; another unit does not find it at all.
        let mut unit_a = Browser::signed_in(&s, "chengban").await;
        let desk = unit_a.get("/tasks").await;
        assert!(desk.has(&format!("/tasks/{task_id}")) && desk.has("待签收"), "{b}: {}", desk.body);
        let mut unit_b = Browser::signed_in(&s, "chengban2").await;
        assert_eq!(unit_b.get(&format!("/tasks/{task_id}")).await.status, StatusCode::NOT_FOUND, "{b}");
        let path = format!("/tasks/{task_id}");
        let page = unit_a.get(&path).await;
        assert!(page.has("data-action=\"acknowledge\"") && !page.has("data-action=\"confirm\""), "{b}");
        let signed = unit_a.submit(&path, &format!("{path}/acknowledge"), &[("version", &version(&page))]).await;
        assert_eq!(signed.location, Some(format!("{path}?done=acknowledge")), "{b}: {}", signed.body);
        let page = unit_a.get(&path).await;
        // Reporting done without saying what was done is refused by its field; the step is not taken.
        let blank =
            unit_a.submit(&path, &format!("{path}/answer"), &[("version", &version(&page)), ("text", " ")]).await;
        assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(blank.has("请填写完成情况"), "{b}: {}", blank.body);
        let done_text = "已召开银企对接会，新增普惠小微贷款22.6亿元";
        let done =
            unit_a.submit(&path, &format!("{path}/answer"), &[("version", &version(&page)), ("text", done_text)]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{b}: {}", done.body);

        // The office finds it waiting for judgement, and marks it 完成: closed, resolved, never rated.
        let waiting = office.get("/tasks").await;
        assert!(waiting.has(&format!("/tasks/{task_id}")) && waiting.has("已报完成，待确认"), "{b}: {}", waiting.body);
        let page = office.get(&path).await;
        assert!(page.has(done_text) && page.has("data-action=\"confirm\"") && !page.has("name=\"rating\""), "{b}");
        let judged = office
            .submit(&path, &format!("{path}/confirm"), &[("version", &version(&page)), ("text", "按期完成")])
            .await;
        assert_eq!(judged.status, StatusCode::SEE_OTHER, "{b}: {}", judged.body);
        let closed = office.get(&path).await;
        assert!(closed.has("data-status=\"closed\"") && closed.has("确认完成"), "{b}: {}", closed.body);
        // The next meeting opens with how last week's tasks stand, on the page and on a sheet to print.
        let today = zhuqi_domain::time::today().to_string();
        let next = [
            ("title", "市政府2026年第11次重点工作周交办会议"),
            ("held_on", today.as_str()),
            ("region_code", "411600"),
            ("chair", "市长"),
        ];
        let created = office.submit("/meetings", "/meetings", &next).await;
        let next_page = created.location.clone().expect("to the meeting").replace("?done=created", "");
        let opened = office.get(&next_page).await;
        assert!(
            opened.has("上周交办事项完成情况") && opened.has("交办事项1项：按期完成1项，逾期完成0项，未完成0项"),
            "{b}: {}",
            opened.body
        );
        let sheet = office.get(&format!("{next_page}/report")).await;
        assert_eq!(sheet.status, StatusCode::OK, "{b}");
        assert!(sheet.has("分单位完成情况") && sheet.has("上次会议交办事项均已完成") && sheet.csp_clean(), "{b}");
        // The same report as a workbook and a Word document, named after the meeting.
        let book = office.get(&format!("{next_page}/report.xlsx")).await;
        assert!(book.disposition.as_deref().is_some_and(|d| d.contains(".xlsx")), "{b}: {:?}", book.disposition);
        let rows = book.sheet_rows();
        let total = rows.iter().find(|r| r.first().map(String::as_str) == Some("合计")).expect("a total row");
        assert_eq!(total[1..4], ["1", "1", "0"], "{b}: handed out, on time, late");
        let doc = office.get(&format!("{next_page}/report.docx")).await;
        assert_eq!(doc.status, StatusCode::OK, "{b}");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(doc.bytes.clone())).expect("a docx");
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").expect("the body"), &mut xml)
            .expect("utf-8");
        assert!(xml.contains("上周交办事项完成情况") && xml.contains("交办事项1项：按期完成1项"), "{b}");
        assert!(xml.contains("上次会议交办事项均已完成"), "{b}");
        assert_eq!(office.get(&format!("{next_page}/report.pdf")).await.status, StatusCode::NOT_FOUND, "{b}");
        // The meetings list pages, and the region's 交办清单 downloads as `zhuqi export tasks` writes it.
        assert!(office.get("/meetings").await.has("共 2 条 · 第 1/1 页"), "{b}");
        let ledger = office.get("/meetings/export.xlsx").await.sheet_rows();
        assert_eq!(ledger.len(), 2, "{b}: the headings and the one task: {ledger:?}");
        assert!(ledger[1].iter().any(|c| c.contains("协调银行机构为重点企业续贷")), "{b}: {ledger:?}");
        assert!(ledger[1].contains(&"已办结".to_owned()), "{b}: {ledger:?}");
        // The leader reads it; the dispatcher's and the enterprise's pages do not open.
        let mut leader = Browser::signed_in(&s, "lingdao").await;
        assert_eq!(leader.get(&path).await.status, StatusCode::NOT_FOUND, "{b}: a district leader, a city task");
        let mut dispatcher = Browser::signed_in(&s, "zhihuibu").await;
        assert_eq!(dispatcher.get(&path).await.status, StatusCode::FORBIDDEN, "{b}");
        // A unit sees its own tasks, not the region's list.
        let mut unit = Browser::signed_in(&s, "chengban").await;
        assert_eq!(unit.get("/meetings/export.xlsx").await.status, StatusCode::FORBIDDEN, "{b}");
    }
}
