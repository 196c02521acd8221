//! The dashboard's charts and the bulletins page over real HTTP on SQLite and PostgreSQL, signed in through the
//! sign-in form: the charts are drawn from this month's figures, the 范围 filter narrows them and refuses a region
//! outside the viewer's; a bulletin previews in the page and downloads in every format with its Chinese file name; a
//! bad kind, period, scope or format is named next to its field (422, never a 500); a region or unit outside the
//! viewer's is "not found"; and only leaders and dispatchers open the page.

mod support;

use reqwest::StatusCode;
use support::web::{Browser, Page};
use support::*;
use zhuqi_domain::Status;
use zhuqi_domain::stats::{Period, PeriodKind};
use zhuqi_reports::Format;

/// `2023-07` for the month that contains today, where the test's appeals are.
fn this_month() -> String {
    Period::containing(PeriodKind::Month, zhuqi_domain::time::today()).code()
}

/// The `data-value` of a dashboard figure.
fn figure(page: &Page, id: &str) -> i64 {
    let marker = format!(r#"id="{id}" data-value=""#);
    let at = page.body.find(&marker).unwrap_or_else(|| panic!("no {id} in {}", page.body)) + marker.len();
    page.body[at..].split('"').next().unwrap_or_default().parse().expect("figure")
}

/// Three appeals of E1 (川汇区) this month, handled by unit A: one waiting for assignment, one in progress, one
/// answered.
async fn three_appeals(s: &Server) {
    for status in [Status::Submitted, Status::InProgress, Status::Answered] {
        s.appeal_in(status, false).await;
    }
}

/// RFC 5987 percent-encoding of a file name, as the server writes `filename*`.
fn encoded(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_draws_this_months_charts() {
    for s in servers("web_reports_dashboard").await {
        three_appeals(&s).await;
        let mut city = Browser::signed_in(&s, "zhihuibu").await;
        let page = city.get("/dashboard").await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", s.backend, page.body);
        assert_eq!(page.body.matches("<svg").count(), 4, "trend, counties, overdue per unit, categories");
        assert!(page.has(">暂无数据</text>"), "no unit is overdue yet");
        assert!(
            page.has("川汇区综合得分") && page.has("，0.00%"),
            "the county's score and rate, read out by the chart"
        );
        assert!(page.has(r#"<option value="411621">扶沟县</option>"#), "the 范围 select offers the counties");
        assert!(page.has("融资"), "the category chart");
        assert!(page.has(r#"id="rate-on-time""#) && page.has(r#"id="rate-satisfaction""#));
        assert_eq!(figure(&page, "figure-collected"), 3);
        assert_eq!(figure(&page, "figure-overdue-open"), 0);
        assert!(page.csp_clean(), "nothing the CSP refuses");
        assert!(page.body.len() < 100 * 1024, "{} bytes", page.body.len());

        // Narrowed to a county: its own figures, and the city's other county has none.
        let county = city.get("/dashboard?region=411602").await;
        assert_eq!(county.status, StatusCode::OK, "{}", county.body);
        assert_eq!(figure(&county, "figure-collected"), 3);
        assert!(county.has("<h1>川汇区 · 万人助万企总览</h1>"), "{}", county.body);
        assert!(
            !county.has(">红旗</text>") && !county.has(">黄旗</text>"),
            "a county alone is not ranked against anyone"
        );
        let other = city.get("/dashboard?region=411621").await;
        assert_eq!((other.status, figure(&other, "figure-collected")), (StatusCode::OK, 0));
        assert_eq!(other.body.matches("<svg").count(), 4);

        // Outside the viewer's region: not found, like an item; a malformed code is named.
        assert_eq!(city.get("/dashboard?region=420100").await.status, StatusCode::NOT_FOUND);
        assert_eq!(city.get("/dashboard?region=411699").await.status, StatusCode::NOT_FOUND, "no such region");
        let bad = city.get("/dashboard?region=abc").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.has("范围无效"), "{}", bad.body);
        let mut leader = Browser::signed_in(&s, "lingdao").await;
        assert_eq!(leader.get("/dashboard?region=411621").await.status, StatusCode::NOT_FOUND, "a sibling county");
        let own = leader.get("/dashboard").await;
        assert_eq!(own.status, StatusCode::OK);
        assert_eq!(figure(&own, "figure-collected"), 3);
        assert!(own.has(r#"<a href="/bulletins">通报</a>"#), "the leader's navigation leads to the bulletins");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bulletins_form_offers_last_month_and_the_viewers_scopes() {
    for s in servers("web_reports_form").await {
        let last_month = Period::containing(PeriodKind::Month, zhuqi_domain::time::today()).previous().code();
        let mut city = Browser::signed_in(&s, "zhihuibu").await;
        let page = city.get("/bulletins").await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", s.backend, page.body);
        // Periods are picked from a list of complete ones, last month chosen; nobody types 2026-W47.
        assert!(page.has(&format!(r#"<option value="{last_month}" selected>"#)), "{}", page.body);
        assert!(!page.has(r#"<input id="b-period""#), "no period to type");
        let quarter = Period::containing(PeriodKind::Quarter, zhuqi_domain::time::today()).previous().code();
        assert!(page.has(&format!(r#"<option value="{quarter}">"#)), "the last complete quarter");
        for option in ["周汇总", "季度点评", "年度考核", "Excel 表格", "Word 文档", "扶沟县", "周口市（全部）"]
        {
            assert!(page.has(option), "{option}");
        }
        let unit = format!(r#"<option value="unit-{}">周口市地方金融监督管理局</option>"#, s.world.unit_a);
        assert!(page.has(&unit), "a city unit");
        assert!(!page.has("<article"), "no bulletin built before it is asked for");
        assert!(page.has(r#"formaction="/bulletins/download""#));

        // A county leader: its county and the city's units working in it, not the other county.
        let mut leader = Browser::signed_in(&s, "lingdao").await;
        let page = leader.get("/bulletins").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.has("川汇区（全部）") && !page.has("扶沟县") && page.has(&unit), "{}", page.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulletin_previews_and_downloads_in_every_format() {
    for s in servers("web_reports_download").await {
        three_appeals(&s).await;
        let month = this_month();
        let mut city = Browser::signed_in(&s, "zhihuibu").await;
        let page = city.get(&format!("/bulletins?kind=monthly&period={month}&scope=411600&format=xlsx")).await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", s.backend, page.body);
        assert!(page.has("周口市“万人助万企”活动"), "the title");
        assert!(page.has("<article") && page.body.matches("<svg").count() >= 3, "{}", page.body);
        assert!(page.has("<td>川汇区</td>"), "the counties' table");
        assert!(page.has("<td>周口市地方金融监督管理局</td>"), "the units' table");
        // The links as the browser reads them (askama writes `&` as `&#38;`).
        let link = format!(r#"href="/bulletins/download?kind=monthly&period={month}&scope=411600&format=docx""#);
        assert!(page.body.replace("&#38;", "&").contains(&link), "{}", page.body);

        for format in Format::ALL {
            let ext = format.as_str();
            let path = format!("/bulletins/download?kind=monthly&period={month}&scope=411600&format={ext}");
            let file = city.get(&path).await;
            assert_eq!(file.status, StatusCode::OK, "{ext}: {}", file.body);
            assert_eq!(file.content_type.as_deref(), Some(format.content_type()), "{ext}");
            let disposition = file.disposition.clone().unwrap_or_default();
            let name = encoded(&format!("周口市-月通报-{month}.{ext}"));
            assert!(disposition.starts_with("attachment;"), "{disposition}");
            assert!(disposition.ends_with(&format!("filename*=UTF-8''{name}")), "{ext}: {disposition}");
            assert_eq!(file.cache.as_deref(), Some("private, no-store"));
            assert!(!file.bytes.is_empty(), "{ext}");
            match format {
                Format::Xlsx | Format::Docx => assert!(file.bytes.starts_with(b"PK"), "{ext} is a zip"),
                Format::Json => {
                    let json: serde_json::Value = serde_json::from_slice(&file.bytes).expect("json");
                    assert_eq!(json["figures"]["collected"], 3, "{json}");
                }
                Format::Markdown | Format::Html => assert!(file.body.contains("周口市"), "{ext}"),
            }
        }

        // A unit's bulletin, and a county leader's own.
        let unit = format!("/bulletins/download?kind=monthly&period={month}&scope=unit-{}&format=xlsx", s.world.unit_a);
        let file = city.get(&unit).await;
        assert_eq!(file.status, StatusCode::OK, "{}", file.body);
        assert!(file.bytes.starts_with(b"PK"));
        let mut leader = Browser::signed_in(&s, "lingdao").await;
        let own =
            leader.get(&format!("/bulletins/download?kind=monthly&period={month}&scope=411602&format=json")).await;
        assert_eq!(own.status, StatusCode::OK, "{}", own.body);
        let json: serde_json::Value = serde_json::from_slice(&own.bytes).expect("json");
        assert_eq!((json["scope"]["name"].as_str(), json["figures"]["collected"].as_i64()), (Some("川汇区"), Some(3)));
        // Without a scope the viewer's own region is meant.
        let mine = leader.get(&format!("/bulletins?kind=monthly&period={month}")).await;
        assert_eq!(mine.status, StatusCode::OK);
        assert!(mine.has("川汇区“万人助万企”活动"), "{}", mine.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_kind_period_scope_or_format_is_named() {
    for s in servers("web_reports_refusals").await {
        let month = this_month();
        let next_year = zhuqi_domain::time::today().year() + 1;
        let mut city = Browser::signed_in(&s, "zhihuibu").await;
        let cases = [
            ("/bulletins?kind=monthly&period=2023-13".to_owned(), "期间格式不正确"),
            ("/bulletins?kind=monthly&period=2023-Q3".to_owned(), "期间与报告类型不符"),
            ("/bulletins?kind=daily&period=2023-07".to_owned(), "类型无效"),
            (format!("/bulletins?kind=annual&period={next_year}"), "尚未开始"),
            (format!("/bulletins?kind=monthly&period={month}&scope=abc"), "范围无效"),
            (format!("/bulletins?kind=monthly&period={month}&scope=unit-x"), "范围无效"),
            (format!("/bulletins?kind=monthly&period={month}&format=pdf"), "格式无效"),
            (format!("/bulletins/download?kind=monthly&period={month}&format=pdf"), "格式无效"),
            (format!("/bulletins/download?kind=monthly&period={month}"), "请选择格式"),
            ("/bulletins/download?kind=monthly&period=2023-13&format=xlsx".to_owned(), "期间格式不正确"),
        ];
        for (path, message) in cases {
            let page = city.get(&path).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {path}: {}", s.backend, page.body);
            assert!(page.has(message) && page.has(r#"class="field-error""#), "{path}: {}", page.body);
            assert!(page.has(r#"aria-invalid="true""#), "{path}");
            assert!(page.disposition.is_none(), "{path}: a page, not a file");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_or_unit_outside_the_viewers_is_not_found() {
    for s in servers("web_reports_scope").await {
        let month = this_month();
        let cases: [(&str, String); 6] = [
            ("lingdao", "411621".to_owned()),
            ("lingdao", "411600".to_owned()),
            ("fugou", "411602".to_owned()),
            ("zhihuibu", "420100".to_owned()),
            ("zhihuibu", "411699".to_owned()),
            ("zhihuibu", "unit-999999".to_owned()),
        ];
        for (user, scope) in cases {
            let mut b = Browser::signed_in(&s, user).await;
            for path in ["/bulletins", "/bulletins/download"] {
                let page = b.get(&format!("{path}?kind=monthly&period={month}&scope={scope}&format=xlsx")).await;
                assert_eq!(page.status, StatusCode::NOT_FOUND, "{}: {user} {path} {scope}: {}", s.backend, page.body);
                assert!(page.disposition.is_none());
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_leaders_and_dispatchers_read_bulletins() {
    for s in servers("web_reports_roles").await {
        let month = this_month();
        let download = format!("/bulletins/download?kind=monthly&period={month}&format=xlsx");
        for user in ["qiye", "ganbu", "chengban", "admin", "shenji"] {
            let mut b = Browser::signed_in(&s, user).await;
            for path in ["/bulletins", download.as_str(), "/dashboard"] {
                let page = b.get(path).await;
                assert_eq!(page.status, StatusCode::FORBIDDEN, "{}: {user} on {path}", s.backend);
                assert!(page.disposition.is_none());
            }
            let home = b.get("/appeals").await;
            assert!(!home.has(r#"href="/bulletins""#), "{user} has no link to the bulletins");
        }
        let mut anonymous = Browser::new(&s);
        let page = anonymous.get(&download).await;
        assert_eq!((page.status, page.location.as_deref()), (StatusCode::SEE_OTHER, Some("/signin")));
        for user in ["zhihuibu", "lingdao"] {
            let mut b = Browser::signed_in(&s, user).await;
            let page = b.get("/appeals").await;
            assert!(page.has(r#"<a href="/bulletins">通报</a>"#), "{user}'s navigation");
        }
    }
}
