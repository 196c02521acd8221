//! 多元解纷 through the pages (issue 15): the workstation records a case (posted twice, one case) and transfers it to
//! its mediator; the mediator finds it on the desk, takes it up, records a session and the outcome; the enterprise
//! party evaluates it; the figures page and the ledger export count it. Who may open which page, role by role. Over
//! real HTTP against the whole router, on SQLite and, with `ZHUQI_TEST_PG`, on PostgreSQL.

mod support;

use reqwest::StatusCode;
use support::web::{Browser, Page};
use support::*;

/// The id in the first `/disputes/{id}` link of `page`.
fn first_case(page: &Page) -> i64 {
    let marker = "href=\"/disputes/";
    let mut rest = page.body.as_str();
    while let Some(at) = rest.find(marker) {
        rest = &rest[at + marker.len()..];
        if let Some(id) = rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()) {
            return id;
        }
    }
    panic!("no case link: {}", page.body)
}

/// The version hidden in a case page's step forms.
fn version(page: &Page) -> String {
    let at = page.body.find("name=\"version\" value=\"").expect("a step form");
    page.body[at + 22..].split('"').next().expect("value").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_goes_from_the_workstation_to_the_mediator_and_the_enterprise_rates_it() {
    for s in servers("web_disputes_loop").await {
        let b = s.backend;
        let mut station = Browser::signed_in(&s, "jiufen").await;
        assert_eq!(station.get("/").await.location.as_deref(), Some("/disputes"), "{b}: the workstation's desk");
        let form = station.get("/disputes/new").await;
        assert!(form.has("受理登记") && form.has("涉事企业"), "{b}: {}", form.body);

        // An enterprise outside the region, and a nonsense amount, are refused next to their fields; nothing made.
        let case = |enterprise: &'static str, amount: &'static str| {
            [
                ("enterprises", enterprise),
                ("other_party", "周口市恒达建筑工程有限公司"),
                ("dispute_type", "工程款纠纷"),
                ("amount", amount),
                ("facts", "企业承建厂房二期工程，竣工验收后尚欠工程款，多次催要未果。"),
            ]
        };
        let refused = station.submit("/disputes/new", "/disputes", &case("扶沟县天顺纺织有限公司", "-5")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(refused.has("在本地区没有找到企业") && refused.has("涉及金额有误"), "{b}: {}", refused.body);
        assert!(station.get("/disputes?view=all").await.has("没有此类纠纷案件"), "{b}");

        let (one, two) = station.post_twice("/disputes/new", "/disputes", &case("周口华源食品有限公司", "386万")).await;
        assert_eq!((one.status, two.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER), "{b}: {}", one.body);
        assert_eq!(one.location, two.location, "{b}: a double tap records one case");
        let list = station.get("/disputes").await;
        assert!(list.has("JF-") && list.has("待分流") && list.has("共 1 条"), "{b}: {}", list.body);
        let id = first_case(&list);
        let path = format!("/disputes/{id}");

        // Transferred to the mediator, classified as a contract dispute under the complex-item policy.
        let page = station.get(&path).await;
        assert!(page.has("data-action=\"transfer\"") && page.has("tiaojie"), "{b}: {}", page.body);
        let mediator = format!("mediator:{}", s.world.users["tiaojie"]);
        let transfer = [
            ("version", version(&page)),
            ("dispute_type", "合同纠纷".to_owned()),
            ("forum", "mediator".to_owned()),
            ("to", mediator),
            ("policy", "13710".to_owned()),
        ];
        let fields: Vec<(&str, &str)> = transfer.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let moved = station.submit(&path, &format!("{path}/transfer"), &fields).await;
        assert_eq!(moved.location, Some(format!("{path}?done=transfer")), "{b}: {}", moved.body);

        // The mediator finds it on the desk, takes it up, records a session, and the outcome.
        let mut mediator = Browser::signed_in(&s, "tiaojie").await;
        let desk = mediator.get("/disputes").await;
        assert!(desk.has(&path) && desk.has("待接收"), "{b}: {}", desk.body);
        let page = mediator.get(&path).await;
        let took = mediator.submit(&path, &format!("{path}/acknowledge"), &[("version", &version(&page))]).await;
        assert_eq!(took.status, StatusCode::SEE_OTHER, "{b}: {}", took.body);
        let page = mediator.get(&path).await;
        let session = "3月5日在工作站组织双方面对面调解，核对工程量";
        let took =
            mediator.submit(&path, &format!("{path}/reply"), &[("version", &version(&page)), ("text", session)]).await;
        assert_eq!(took.status, StatusCode::SEE_OTHER, "{b}: {}", took.body);
        let page = mediator.get(&path).await;
        // 调解成功 without the agreed amount is refused by its field.
        let no_amount = [("version", version(&page)), ("outcome", "mediated".into()), ("text", "签订调解协议".into())];
        let fields: Vec<(&str, &str)> = no_amount.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = mediator.submit(&path, &format!("{path}/conclude"), &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(refused.has("调解成功须填写达成金额"), "{b}: {}", refused.body);
        let concluded = [
            ("version", version(&page)),
            ("outcome", "mediated".to_owned()),
            ("agreed", "320万".to_owned()),
            ("text", "双方签订调解协议，分两期支付工程款".to_owned()),
        ];
        let fields: Vec<(&str, &str)> = concluded.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let done = mediator.submit(&path, &format!("{path}/conclude"), &fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{b}: {}", done.body);

        // The enterprise party rates the service; no star is chosen for it.
        let mut firm = Browser::signed_in(&s, "qiye").await;
        let page = firm.get(&path).await;
        assert!(page.has("调解成功，达成金额 320.00万元") && page.has("name=\"rating\""), "{b}: {}", page.body);
        assert!(!page.has("checked"), "{b}: a rating form never preselects a star");
        let rated =
            firm.submit(&path, &format!("{path}/confirm"), &[("version", &version(&page)), ("rating", "5")]).await;
        assert_eq!(rated.status, StatusCode::SEE_OTHER, "{b}: {}", rated.body);
        let closed = station.get(&path).await;
        assert!(closed.has("data-status=\"closed\"") && closed.has("5星"), "{b}: {}", closed.body);

        // The figures count it, in the bulletin's words; the ledger lists it.
        let figures = station.get("/disputes/figures").await;
        assert!(
            figures.has("川汇区共计受理涉企纠纷案件1起，涉及金额386万元，调解成功1起") && figures.has("100.0%"),
            "{b}: {}",
            figures.body
        );
        // So does the leader's dashboard, from this month's bulletin.
        let dashboard = Browser::signed_in(&s, "lingdao").await.get("/dashboard").await;
        let said = "川汇区共计受理涉企纠纷案件1起，涉及金额386万元，调解成功1起，调解成功率100.00%；本月新受理1起，调解成功1起";
        assert!(dashboard.has(said), "{b}: {}", dashboard.body);
        // The district has had no weekly meeting: the leader is told so; the dispatcher reads no tasks at all.
        assert!(dashboard.has("本月尚未召开周交办会议"), "{b}");
        let command = Browser::signed_in(&s, "zhihuibu").await.get("/dashboard").await;
        assert!(command.has("周口市共计受理涉企纠纷案件1起") && !command.has("周交办"), "{b}: {}", command.body);
        // The ledger `zhuqi export disputes` writes (amounts in 万元), for the mediator only the cases it holds.
        let sheet = station.get("/disputes/export.xlsx").await;
        let rows = sheet.sheet_rows();
        assert_eq!(rows.len(), 2, "{b}: a heading and the case");
        assert!(
            rows[0].contains(&"受理工作站".to_owned()) && rows[0].contains(&"调解结果".to_owned()),
            "{b}: {rows:?}"
        );
        assert!(rows[1].contains(&"386".to_owned()) && rows[1].contains(&"调解成功".to_owned()), "{b}: {rows:?}");
        assert_eq!(mediator.get("/disputes/export.xlsx").await.sheet_rows().len(), 2, "{b}");
        let mut other = Browser::signed_in(&s, "qiye2").await;
        assert_eq!(other.get("/disputes/export.xlsx").await.sheet_rows().len(), 1, "{b}: none of another's cases");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_opens_the_dispute_pages_it_may() {
    for s in servers("web_disputes_roles").await {
        let b = s.backend;
        // (user, list, new-case form, figures)
        let expected = [
            ("jiufen", StatusCode::OK, StatusCode::OK, StatusCode::OK),
            ("tiaojie", StatusCode::OK, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
            ("chengban", StatusCode::OK, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
            ("lingdao", StatusCode::OK, StatusCode::FORBIDDEN, StatusCode::OK),
            ("qiye", StatusCode::OK, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
            ("zhihuibu", StatusCode::FORBIDDEN, StatusCode::FORBIDDEN, StatusCode::OK),
            ("ganbu", StatusCode::FORBIDDEN, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
            ("zhengfuban", StatusCode::FORBIDDEN, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
            ("admin", StatusCode::FORBIDDEN, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
            ("shenji", StatusCode::FORBIDDEN, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
        ];
        for (user, list, new, figures) in expected {
            let mut browser = Browser::signed_in(&s, user).await;
            let got = (
                browser.get("/disputes").await.status,
                browser.get("/disputes/new").await.status,
                browser.get("/disputes/figures").await.status,
            );
            assert_eq!(got, (list, new, figures), "{b}: {user}");
        }
        // A case of 川汇区 is not found by a unit it was not sent to, nor by an enterprise that is no party to it.
        let mut station = Browser::signed_in(&s, "jiufen").await;
        let case = [
            ("enterprises", "周口华源食品有限公司"),
            ("other_party", "李某"),
            ("dispute_type", "劳动争议"),
            ("amount", "12,500"),
            ("facts", "员工离职后主张加班费，双方对工时认定存在分歧。"),
        ];
        let made = station.submit("/disputes/new", "/disputes", &case).await;
        let path = made.location.expect("to the case").replace("?done=create", "");
        for user in ["chengban", "qiye2", "tiaojie"] {
            let mut other = Browser::signed_in(&s, user).await;
            assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND, "{b}: {user}");
        }
        // A step posted by a role that may not take it changes nothing.
        let mut leader = Browser::signed_in(&s, "lingdao").await;
        let page = leader.get(&path).await;
        assert!(!page.has("data-action=\"transfer\""), "{b}: a leader does not transfer");
        let refused = leader.submit(&path, &format!("{path}/withdraw"), &[("version", "1"), ("text", "撤回")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{b}: {}", refused.body);
        assert!(station.get(&path).await.has("data-status=\"submitted\""), "{b}");
    }
}
