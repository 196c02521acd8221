//! The pages in a real browser (headless Chromium over WebDriver), on SQLite and PostgreSQL: sign-in, one appeal
//! through the whole loop across five users, and the scope of a handler. Every page visited is saved as a PNG under
//! `target/screenshots/<test>-<backend>/`.

#[path = "support/browser.rs"]
mod browser;
mod support;

use browser::Browser;
use jiff::Timestamp;
use support::*;
use zhuqi_domain::{Action, Role, Status};

/// Where each role lands after signing in.
const HOMES: [(&str, &str); 8] = [
    ("qiye", "/portal"),
    ("ganbu", "/enterprises"),
    ("zhihuibu", "/triage"),
    ("chengban", "/workbench"),
    ("lingdao", "/dashboard"),
    ("admin", "/admin"),
    ("anquan", "/admin"),
    ("shenji", "/admin"),
];

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The form of an action on the appeal page.
fn action(name: &str) -> String {
    format!(r#"form.action[data-action="{name}"]"#)
}

/// The current path without its query (`/appeals/1?done=assign` is the appeal's page).
async fn page(b: &Browser) -> String {
    let path = b.path().await;
    path.split('?').next().unwrap_or_default().to_owned()
}

async fn status(b: &mut Browser) -> String {
    b.attr("#appeal-status", "data-status").await.unwrap_or_default()
}

async fn timeline(b: &Browser) -> usize {
    b.count("ol#timeline > li").await
}

/// Submits the form of `name` (already filled) and checks that the browser is back on the appeal, without error, in
/// the status `then`, with a longer timeline.
async fn perform(b: &mut Browser, id: i64, name: &str, then: &str) {
    let before = timeline(b).await;
    b.submit(&action(name)).await;
    assert_eq!(page(b).await, format!("/appeals/{id}"), "after {name}");
    let errors = b.texts(".flash.error").await;
    assert!(errors.iter().all(|e| e.is_empty()), "{name} refused: {errors:?}");
    assert_eq!(status(b).await, then, "status after {name}");
    let after = timeline(b).await;
    assert!(after > before, "the timeline shows {name}: {before} → {after} events");
}

/// Opens the appeal `number` from the list `table.appeals` of the page `list`, by clicking its number.
async fn open_from_list(b: &mut Browser, list: &str, number: &str, id: i64) {
    if page(b).await != list {
        b.goto(list).await;
    }
    let numbers = b.texts("table.appeals tbody tr td.num a").await;
    let Some(i) = numbers.iter().position(|n| n == number) else {
        panic!("{list} does not list {number}: {numbers:?}");
    };
    b.click(&format!("table.appeals tbody tr:nth-child({}) td.num a", i + 1)).await;
    assert_eq!(page(b).await, format!("/appeals/{id}"), "the number links to the appeal");
}

/// The leader's figures on the dashboard.
async fn figures(b: &mut Browser) -> [i64; 6] {
    let mut out = [0; 6];
    for (i, name) in ["collected", "resolved", "rated", "five-star", "open", "overdue"].into_iter().enumerate() {
        let v = b.attr(&format!("#figure-{name}"), "data-value").await;
        out[i] = v.as_deref().unwrap_or("").parse().unwrap_or_else(|_| panic!("#figure-{name} data-value {v:?}"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signin_page_renders_in_chinese() {
    const TEST: &str = "signin_page_renders_in_chinese";
    for s in servers(TEST).await {
        let Some(mut b) = Browser::open(TEST, &s).await else { return };
        b.goto("/signin").await;
        assert!(b.exists("form#signin input[name=username]").await, "a user name field");
        assert!(b.exists("form#signin input[name=password][type=password]").await, "a password field");
        assert!(
            b.exists("form#signin button:not([type=button]), form#signin input[type=submit]").await,
            "a submit button"
        );
        assert!(has_chinese(&b.body_text().await), "the page is in Chinese");
        b.phone().await;
        b.shot("signin-phone").await;
        b.desktop().await;

        // A wrong password: the Chinese error next to the form, the user name kept, the password not.
        b.fill("form#signin input[name=username]", "qiye").await;
        b.fill("form#signin input[name=password]", "Wrong@2026x").await;
        b.submit("form#signin").await;
        assert!(b.path().await.starts_with("/signin"), "still on the sign-in page");
        assert!(b.exists("form#signin").await, "the form is shown again");
        let error = b.texts(".form-error, .field-error").await.join(" ");
        assert!(has_chinese(&error), "a Chinese error next to the form: {error:?}");
        assert_eq!(b.value("form#signin input[name=username]").await, "qiye", "the user name is kept");
        assert_eq!(b.value("form#signin input[name=password]").await, "", "the password is not sent back");

        // The right password: every role lands on its home page, with a sign-out button.
        for (user, home) in HOMES {
            b.sign_in(user, PASSWORD).await;
            let landed = page(&b).await;
            assert!(landed == home || landed.starts_with(&format!("{home}/")), "{user} lands on {home}, not {landed}");
            assert!(has_chinese(&b.body_text().await), "{home} is in Chinese");
            assert!(b.exists("form#signout").await, "{home} has the sign-out button");
            b.sign_out().await;
        }
        b.goto("/").await;
        assert!(b.path().await.starts_with("/signin"), "signed out, / leads to the sign-in page");
        b.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_loop_across_five_users() {
    const TEST: &str = "whole_loop_across_five_users";
    for s in servers(TEST).await {
        let Some(mut b) = Browser::open(TEST, &s).await else { return };
        let title = "新建厂房设备购置贷款贴息";

        // The leader's figures before.
        b.sign_in("lingdao", PASSWORD).await;
        assert_eq!(b.path().await, "/dashboard");
        let before = figures(&mut b).await;
        b.sign_out().await;

        // The enterprise submits, on its phone, with an attachment.
        b.phone().await;
        b.sign_in("qiye", PASSWORD).await;
        b.goto("/appeals/new").await;
        b.select("form#appeal-new select[name=category]", "financing").await;
        b.fill("form#appeal-new input[name=title]", title).await;
        b.fill(
            "form#appeal-new textarea[name=description]",
            "我公司新建食品加工厂房，购置生产线设备需贷款800万元，申请纳入贴息支持并协调合作银行加快审批。",
        )
        .await;
        if b.exists("form#appeal-new input[name=amount_yuan]").await {
            b.fill("form#appeal-new input[name=amount_yuan]", "8000000").await;
        }
        let files = tempfile::tempdir().expect("temp dir");
        let attachment = files.path().join("营业执照.pdf");
        std::fs::write(&attachment, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").expect("attachment");
        b.fill("form#appeal-new input[type=file][name=files]", attachment.to_str().expect("utf-8 path")).await;
        b.shot("qiye-appeal-new-filled").await;
        b.submit("form#appeal-new").await;
        let path = b.path().await;
        let id: i64 = path
            .strip_prefix("/appeals/")
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a new appeal leads to /appeals/{{id}}, not {path}"));
        let number = b.text("#appeal-number").await;
        assert!(number.starts_with("ZK-") && number.len() == "ZK-2026-000001".len(), "an appeal number: {number:?}");
        assert_eq!(status(&mut b).await, "submitted");
        assert_eq!(b.text("#appeal-title").await, title);
        assert!(timeline(&b).await >= 1, "the timeline shows the submission");
        assert!(b.body_text().await.contains("营业执照.pdf"), "the attachment is listed");
        open_from_list(&mut b, "/portal", &number, id).await;
        b.sign_out().await;
        b.desktop().await;

        // The dispatcher assigns it to unit A.
        b.sign_in("zhihuibu", PASSWORD).await;
        open_from_list(&mut b, "/triage", &number, id).await;
        let f = action("assign");
        b.select(&format!("{f} select[name=unit_id]"), &s.world.unit_a.to_string()).await;
        b.select(&format!("{f} select[name=level]"), "city").await;
        b.select(&format!("{f} select[name=category]"), "financing").await;
        b.select(&format!("{f} select[name=policy]"), "13710").await;
        perform(&mut b, id, "assign", "assigned").await;
        b.sign_out().await;

        // The handler of unit A acknowledges and answers.
        b.sign_in("chengban", PASSWORD).await;
        open_from_list(&mut b, "/workbench", &number, id).await;
        perform(&mut b, id, "acknowledge", "in_progress").await;
        b.fill(&format!("{} textarea[name=text]", action("answer")), "已协调市农商行受理，贴息材料请按附件清单准备。")
            .await;
        perform(&mut b, id, "answer", "answered").await;
        b.sign_out().await;

        // The enterprise is not satisfied.
        b.phone().await;
        b.sign_in("qiye", PASSWORD).await;
        b.goto(&format!("/appeals/{id}")).await;
        b.fill(&format!("{} textarea[name=reason]", action("reject")), "银行至今未受理，问题没有解决。").await;
        perform(&mut b, id, "reject", "reopened").await;
        b.sign_out().await;
        b.desktop().await;

        // The handler takes it up again and answers again.
        b.sign_in("chengban", PASSWORD).await;
        open_from_list(&mut b, "/workbench", &number, id).await;
        if b.exists(&action("acknowledge")).await {
            perform(&mut b, id, "acknowledge", "in_progress").await;
        }
        b.fill(
            &format!("{} textarea[name=text]", action("answer")),
            "市农商行已于今日完成授信审批，首笔贷款300万元本周发放，贴息已列入下月兑付计划。",
        )
        .await;
        perform(&mut b, id, "answer", "answered").await;
        b.sign_out().await;

        // The enterprise rates five stars.
        b.phone().await;
        b.sign_in("qiye", PASSWORD).await;
        b.goto(&format!("/appeals/{id}")).await;
        assert!(b.exists("#awaiting-rating").await, "the answered item asks for a rating at the top");
        let f = action("confirm");
        b.fill(&format!("{f} textarea[name=comment]"), "问题已解决，感谢市金融局！").await;
        // No star is chosen for the enterprise: each button says what it does, 5 stars first.
        let buttons = b.texts(&format!("{f} button[name=rating]")).await;
        assert_eq!(buttons.len(), 5, "{buttons:?}");
        assert!(buttons[0].contains("5星"), "{buttons:?}");
        perform(&mut b, id, "confirm", "closed").await;
        let events = timeline(&b).await;
        assert!(events >= 8, "submit, assign, acknowledge, answer, reject, acknowledge, answer, confirm: {events}");
        assert!(!b.exists("form.action").await, "nothing more to do on a closed appeal");
        b.sign_out().await;
        b.desktop().await;

        // The cadre who serves the enterprise sees it closed.
        b.sign_in("ganbu", PASSWORD).await;
        b.goto(&format!("/appeals/{id}")).await;
        assert_eq!(status(&mut b).await, "closed");
        assert_eq!(timeline(&b).await, events, "the cadre sees the same history");
        b.sign_out().await;

        // The leader's page counts it: collected, resolved, rated, five stars.
        b.sign_in("lingdao", PASSWORD).await;
        let after = figures(&mut b).await;
        let names = ["collected", "resolved", "rated", "five-star"];
        for (i, name) in names.into_iter().enumerate() {
            assert_eq!(after[i], before[i] + 1, "#figure-{name}: before {before:?}, after {after:?}");
        }
        b.sign_out().await;
        b.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_cannot_open_another_units_item_by_url() {
    const TEST: &str = "handler_cannot_open_another_units_item_by_url";
    for s in servers(TEST).await {
        let Some(mut b) = Browser::open(TEST, &s).await else { return };
        let id = s.appeal_in(Status::InProgress, false).await;
        let rec = s.store.appeal(id).await.expect("appeal");
        let number = rec.number.to_string();
        let url = format!("/appeals/{id}");

        // The rightful handler sees it.
        b.sign_in("chengban", PASSWORD).await;
        b.goto(&url).await;
        assert_eq!(b.text("#appeal-title").await, rec.title);
        assert!(b.exists(&action("answer")).await, "unit A may answer");
        assert_eq!(b.http_status(&url).await, 200);
        b.sign_out().await;

        // The handler of unit B neither finds it in its list nor opens it by typing the URL.
        b.sign_in("chengban2", PASSWORD).await;
        assert_eq!(b.path().await, "/workbench");
        assert!(!b.texts("table.appeals tbody tr td.num a").await.contains(&number), "not in unit B's workbench");
        for path in [url.clone(), format!("/appeals/{id}?tab=timeline")] {
            b.goto(&path).await;
            let h1 = b.text("h1").await;
            assert!(h1.contains("未找到"), "{path}: h1 {h1:?}");
            assert_eq!(b.http_status(&path).await, 404, "{path} answers 404");
            assert!(!b.source().await.contains(&rec.title), "{path} does not show the title");
            assert!(!b.exists("#appeal-title").await && !b.exists("form.action").await, "{path}: no appeal");
        }
        // An id that does not exist looks the same.
        b.goto("/appeals/987654321").await;
        assert!(b.text("h1").await.contains("未找到"));
        b.goto("/").await; // the 404 page has no header (nor sign-out button)
        b.sign_out().await;

        // Nor does another enterprise.
        b.sign_in("qiye2", PASSWORD).await;
        b.goto(&url).await;
        assert!(b.text("h1").await.contains("未找到"));
        assert!(!b.source().await.contains(&rec.title));
        b.goto("/").await;
        b.sign_out().await;
        b.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_form_shows_an_error_on_the_appeal_page() {
    const TEST: &str = "a_stale_form_shows_an_error_on_the_appeal_page";
    for s in servers(TEST).await {
        let Some(mut b) = Browser::open(TEST, &s).await else { return };
        let id = s.appeal_in(Status::InProgress, false).await;
        b.sign_in("chengban", PASSWORD).await;
        b.goto(&format!("/appeals/{id}")).await;
        b.fill(&format!("{} textarea[name=text]", action("answer")), "已协调银行放款。").await;

        // Meanwhile someone else acts on it: the form's version is stale.
        let ask = Action::RequestExtension { days: 5, reason: "需上级审批".into() };
        let version = s.version(id).await;
        s.store
            .perform(sys(), id, version, s.actor("chengban", Role::Handler), ask, Timestamp::now())
            .await
            .expect("extension");

        b.submit(&action("answer")).await;
        // The appeal's page, shown again where the form was posted (or redirected to).
        let landed = page(&b).await;
        assert!(landed == format!("/appeals/{id}") || landed == format!("/appeals/{id}/answer"), "landed on {landed}");
        assert!(b.exists("#appeal-status").await, "the appeal's page");
        let error = b.texts(".flash.error").await.join(" ");
        assert!(has_chinese(&error), "a Chinese message in .flash.error: {error:?}");
        assert_eq!(status(&mut b).await, "in_progress", "not answered");
        b.sign_out().await;
        b.close().await;
    }
}

/// The development office enters a key project through its form, reports its monthly investment (refused above the
/// total without a reason, named next to the field), and the county's leader finds it in the ledger with its figures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_project_is_entered_and_reported_in_the_browser() {
    const TEST: &str = "a_key_project_is_entered_and_reported_in_the_browser";
    const NAME: &str = "周口测试智能终端产业园项目";
    for s in servers(TEST).await {
        let Some(mut b) = Browser::open(TEST, &s).await else { return };
        b.sign_in("zhihuibu", PASSWORD).await;
        b.goto("/projects/new").await;
        b.fill("#name", NAME).await;
        b.select("#region", "411602").await;
        b.select("#industry", "电子信息").await;
        b.fill("#owner", "周口华源食品有限公司").await;
        b.fill("#total", "12.5亿").await;
        b.fill("#leader", "张副市长").await;
        b.select("#stage", "started").await;
        b.submit("#project-form").await;
        assert!(page(&b).await.starts_with("/projects/"), "on the project's page");
        assert_eq!(b.text("#project-name").await, NAME);
        assert_eq!(b.text("#project-stage").await, "开工");
        assert!(b.exists("svg.chart").await, "the investment curve");

        // 13亿 against a total of 12.5亿: refused until a reason is given.
        b.click("details:has(form[data-form=investment]) summary").await;
        b.fill("#iv-cumulative", "13亿").await;
        b.submit("form[data-form=investment]").await;
        assert!(has_chinese(&b.text("#override-error").await), "the reason is asked for next to its field");
        assert_eq!(b.value("#iv-cumulative").await, "13亿", "what was typed is kept");
        assert_eq!(b.count("#reports tbody tr td.mono").await, 0, "nothing recorded");
        b.fill("#iv-reason", "总投资调增待批").await;
        b.submit("form[data-form=investment]").await;
        assert!(b.exists(".flash.ok").await, "recorded");
        assert!(b.text("#reports").await.contains("13"), "the report is listed");
        b.sign_out().await;

        // 川汇区's leader finds it in the ledger.
        b.sign_in("lingdao", PASSWORD).await;
        b.goto("/projects?text=智能终端").await;
        assert!(b.body_text().await.contains(NAME), "the leader's ledger lists it");
        b.sign_out().await;
        b.close().await;
    }
}

/// The README's screenshots: each role's main page on the demo city, desktop size, and the enterprise's portal on a
/// phone, saved to `docs/screenshots/`. Run by hand: `cargo test -p zhuqi --test browser -- --ignored docs`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/screenshots from the demo city; run by hand"]
async fn docs_screenshots_of_each_roles_main_page() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("dir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zhuqi"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let base = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.split("http://").nth(1).and_then(|r| r.split_whitespace().next()).map(str::to_owned))
        .expect("address in the banner");
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&docs).expect("docs dir");
    let Some(mut b) = Browser::open_at("docs", &format!("http://{base}")).await else {
        let _ = child.kill();
        let _ = child.wait();
        return;
    };
    b.full_page = false;
    let pages = [
        ("qiye", "/portal", "enterprise-portal"),
        ("qiye", "/enterprise", "enterprise-policies"),
        ("ganbu", "/enterprises", "cadre-enterprises"),
        ("zhihuibu", "/triage", "dispatcher-triage"),
        ("zhihuibu", "/supervision", "dispatcher-supervision"),
        ("zhihuibu", "/workgroups", "dispatcher-workgroups"),
        ("zhihuibu", "/workgroups/1", "dispatcher-workgroup"),
        ("zhihuibu", "/common-issues", "dispatcher-common-issues"),
        ("zhihuibu", "/common-issues/1", "dispatcher-common-issue"),
        ("chengban", "/workbench", "handler-workbench"),
        ("chengban", "/co-handling", "handler-co-handling"),
        ("chengban", "/policies/claims", "handler-policy-claims"),
        ("lingdao", "/dashboard", "leader-dashboard"),
        ("lingdao", "/bulletins?kind=monthly", "leader-bulletins"),
        ("lingdao", "/projects", "leader-projects"),
        ("zhihuibu", "/projects/1", "dispatcher-project"),
        ("lingdao", "/batches/3", "leader-batch"),
        ("lingdao", "/observations/3", "leader-observation"),
        ("zhengfuban", "/meetings", "office-meetings"),
        ("jiufen", "/disputes?view=open", "workstation-disputes"),
        ("jiufen", "/disputes/figures", "workstation-dispute-figures"),
        ("zhihuibu", "/policies?view=execution", "dispatcher-policies"),
        ("lingdao", "/policies/figures", "leader-policy-figures"),
        ("admin", "/admin/users", "sysadmin-users"),
        ("shenji", "/admin/audit", "auditor-audit"),
    ];
    for (user, path, name) in pages {
        b.sign_in(user, "Demo@2026").await;
        b.goto(path).await;
        let shot = b.shot(name).await;
        std::fs::copy(&shot, docs.join(format!("{name}.png"))).expect("copy");
        if path == "/workbench" {
            // The most urgent item of the workbench: the appeal page with its deadlines and timeline.
            b.click("table.appeals tbody tr td.num a").await;
            std::fs::copy(b.shot("appeal").await, docs.join("handler-appeal.png")).expect("copy");
        }
        if path == "/portal" {
            b.phone().await;
            b.goto(path).await;
            std::fs::copy(b.shot("phone").await, docs.join("enterprise-portal-phone.png")).expect("copy");
            b.desktop().await;
        }
        b.sign_out().await;
    }
    b.close().await;
    let _ = child.kill();
    let _ = child.wait();
}

/// Fills and submits one of the admin's add forms.
async fn add(b: &mut Browser, path: &str, form: &str, fields: &[(&str, &str)]) {
    b.goto(path).await;
    for (css, value) in fields {
        match css.strip_prefix("select") {
            Some(select) => b.select(select, value).await,
            None => b.fill(css, value).await,
        }
    }
    b.submit(form).await;
    let errors = b.texts(".field-error, .form-error").await;
    assert!(errors.iter().all(|e| e.is_empty()), "{path}: {errors:?}");
}

/// A new user made on /admin/users: its one-time password, as the admin reads it off the page.
async fn new_user(b: &mut Browser, username: &str, name: &str, region: &str, role: &str) -> String {
    b.goto("/admin/users").await;
    b.fill("#username", username).await;
    b.fill("#display_name", name).await;
    b.select("#region_code", region).await;
    b.check(&format!(r#"input[name=roles][value="{role}"]"#)).await;
    b.submit("form#user-new").await;
    b.text("#one-time-password").await
}

/// The password each user of the new city chooses at its first sign-in.
const CHOSEN: &str = "Xincheng@2026";

/// The first sign-in with a one-time password: the password form comes first, then the user's desk.
async fn first_sign_in(b: &mut Browser, username: &str, once: &str) {
    b.sign_in(username, once).await;
    assert_eq!(page(b).await, "/password", "{username} must change the one-time password");
    b.fill("#old_password", once).await;
    b.fill("#new_password", CHOSEN).await;
    b.submit("form#password").await;
    assert_ne!(page(b).await, "/password", "{username}'s new password is taken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_city_is_set_up_until_a_cadre_records_a_visit_and_a_problem() {
    const TEST: &str = "a_new_city_is_set_up_until_a_cadre_records_a_visit_and_a_problem";
    for s in new_cities(TEST).await {
        let Some(mut b) = Browser::open(TEST, &s).await else { return };
        // The administrator of an empty database: its first sign-in, the regions, a unit, two users.
        first_sign_in(&mut b, "admin", PASSWORD).await;
        for (code, name) in [("410000", "河南省"), ("411600", "周口市"), ("411602", "川汇区")] {
            add(&mut b, "/admin/regions", "form#region-new", &[("#code", code), ("#name", name)]).await;
        }
        let unit = [("#name", "周口市地方金融监督管理局"), ("select#region_code", "411600")];
        add(&mut b, "/admin/units", "form#unit-new", &unit).await;
        b.goto("/admin/categories").await;
        assert!(b.body_text().await.contains("融资"), "the standard categories are there");
        let office = new_user(&mut b, "zhihuibu", "指挥部 张卫东", "411600", "dispatcher").await;
        let cadre = new_user(&mut b, "ganbu", "助企干部 王伟", "411602", "cadre").await;
        b.sign_out().await;

        // An enterprise signs itself up.
        b.goto("/register").await;
        let uscc = zhuqi_domain::Uscc::with_check_char("91411602MA0000088").expect("valid").as_str().to_owned();
        b.fill("#name", "周口新城食品有限公司").await;
        b.fill("#uscc", &uscc).await;
        b.select("#region", "411602").await;
        b.select("#industry", "现代食品").await;
        b.fill("#username", "xincheng").await;
        b.fill("#password", PASSWORD).await;
        b.fill("#password_again", PASSWORD).await;
        b.submit("form#enterprise-form").await;
        assert!(b.body_text().await.contains("注册成功"), "the enterprise is registered");

        // The command office makes a work group, gives it the cadre and the enterprise.
        first_sign_in(&mut b, "zhihuibu", &office).await;
        b.goto("/workgroups").await;
        b.fill("form#work-group-new #name", "川汇区第一助企工作组").await;
        b.select("form#work-group-new #region_code", "411602").await;
        b.submit("form#work-group-new").await;
        assert!(page(&b).await.starts_with("/workgroups/"), "on the new group's page");
        b.fill("#who", "ganbu").await;
        b.submit("form#member-add").await;
        b.fill("#enterprises", &uscc).await;
        b.submit("form#assign").await;
        assert!(b.text("table.served").await.contains("周口新城食品有限公司"));
        b.sign_out().await;

        // The cadre sees its enterprise, records a visit and a problem found on it.
        first_sign_in(&mut b, "ganbu", &cadre).await;
        b.goto("/enterprises").await;
        b.click("table.enterprises a[href^='/enterprises/']").await;
        assert!(b.body_text().await.contains("周口新城食品有限公司"));
        b.fill("#notes", "走访企业负责人，了解到新厂房用电增容报装进度慢。").await;
        b.submit("form#visit-new").await;
        assert!(b.text("#visits").await.contains("用电增容"), "the visit is listed");
        b.click("a[href^='/appeals/new?enterprise=']").await;
        b.select("#category", "utilities").await;
        b.fill("#title", "新厂房用电增容报装进度慢").await;
        b.fill("#description", "企业新厂房需增容至2000千伏安，报装两个月未接电，影响投产。").await;
        b.submit("form#appeal-new").await;
        assert!(page(&b).await.starts_with("/appeals/"), "on the new appeal");
        assert_eq!(status(&mut b).await, "submitted");
        b.sign_out().await;

        // It waits on the command office's desk.
        b.sign_in("zhihuibu", CHOSEN).await;
        b.goto("/triage").await;
        assert!(b.text("table.appeals").await.contains("新厂房用电增容报装进度慢"));
        b.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_appeal_sent_twice_by_the_browser_is_one_appeal() {
    const TEST: &str = "a_new_appeal_sent_twice_by_the_browser_is_one_appeal";
    for s in servers(TEST).await {
        let Some(mut b) = Browser::open(TEST, &s).await else { return };
        b.sign_in("qiye", PASSWORD).await;
        b.goto("/appeals/new").await;
        b.select("#category", "financing").await;
        b.fill("#title", "信号不好连点两次").await;
        b.fill("#description", "同一张表单，浏览器同时发出两次。").await;
        let before = s.store.counts().await.expect("counts").appeals;
        // The same filled form, posted twice at once by the browser itself (a double tap on a slow network).
        let sent = b
            .script_async(
                "const done = arguments[arguments.length - 1]; const f = document.querySelector('#appeal-new'); \
                 Promise.all([0, 1].map(() => fetch(f.action, { method: 'POST', body: new FormData(f), redirect: 'manual' }))) \
                 .then(rs => done(rs.map(r => r.type))).catch(e => done(String(e)));",
            )
            .await;
        assert_eq!(
            sent,
            serde_json::json!(["opaqueredirect", "opaqueredirect"]),
            "both posts answered with a redirect"
        );
        assert_eq!(s.store.counts().await.expect("counts").appeals, before + 1, "{}: one appeal", s.backend);
        // Submitting the form once more (back, then 提交) still makes no second appeal.
        b.submit("form#appeal-new").await;
        assert!(page(&b).await.starts_with("/appeals/"));
        assert_eq!(s.store.counts().await.expect("counts").appeals, before + 1, "{}", s.backend);
        b.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_typed_is_sent_after_the_session_ended_and_was_signed_in_again() {
    const TEST: &str = "what_was_typed_is_sent_after_the_session_ended_and_was_signed_in_again";
    for s in servers(TEST).await {
        let Some(mut b) = Browser::open(TEST, &s).await else { return };
        b.sign_in("qiye", PASSWORD).await;
        b.goto("/appeals/new").await;
        b.select("#category", "financing").await;
        b.fill("#title", "写了很久的诉求").await;
        b.fill("#description", "填写过程中离开了半个多小时，登录已经过期。").await;
        // The session ends while the form is open (30 idle minutes, or an administrator's reset).
        let user = s.world.users["qiye"];
        support::db::raw_sql(&s.db, &format!("DELETE FROM sessions WHERE user_id = {user}")).expect("end the session");
        let _ = b.script_async("window.zhuqiSession.keep(); setTimeout(arguments[arguments.length - 1], 500);").await;
        assert!(b.text(".session-note").await.contains("登录已失效"), "the page says so and keeps the form");
        // Signed in again in another tab; back on the form, 继续 gives it the new session's token.
        let form_tab = b.new_tab().await;
        b.sign_in("qiye", PASSWORD).await;
        b.switch_to(form_tab).await;
        b.click(".session-note button:last-of-type").await;
        let _ = b.script_async("setTimeout(arguments[arguments.length - 1], 500);").await;
        assert!(!b.exists(".session-note").await, "the note is gone");
        assert_eq!(b.value("#title").await, "写了很久的诉求", "what was typed is still there");
        b.submit("form#appeal-new").await;
        assert!(page(&b).await.starts_with("/appeals/"), "sent: {}", b.body_text().await);
        assert_eq!(b.text("#appeal-title").await, "写了很久的诉求");
        b.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_co_unit_gives_its_opinion_with_a_file_which_the_lead_unit_reads() {
    const TEST: &str = "a_co_unit_gives_its_opinion_with_a_file_which_the_lead_unit_reads";
    for s in servers(TEST).await {
        let Some(mut b) = Browser::open(TEST, &s).await else { return };
        let id = s.appeal_in(Status::Submitted, false).await;

        // The office assigns it to unit A with unit B co-handling.
        b.sign_in("zhihuibu", PASSWORD).await;
        b.goto(&format!("/appeals/{id}")).await;
        let f = action("assign");
        b.select(&format!("{f} select[name=unit_id]"), &s.world.unit_a.to_string()).await;
        b.select(&format!("{f} select[name=co_unit_ids]"), &s.world.unit_b.to_string()).await;
        b.select(&format!("{f} select[name=level]"), "city").await;
        b.select(&format!("{f} select[name=category]"), "financing").await;
        perform(&mut b, id, "assign", "assigned").await;
        b.sign_out().await;

        // Unit B finds it on its co-handling desk, signs, and gives its opinion with a file.
        b.sign_in("chengban2", PASSWORD).await;
        b.goto("/co-handling").await;
        b.click(&format!("a[href='/appeals/{id}']")).await;
        assert_eq!(page(&b).await, format!("/appeals/{id}"));
        assert!(!b.exists(&action("acknowledge")).await, "a co-unit does not take the lead unit's steps");
        b.submit(&action("co_sign")).await;
        assert!(b.body_text().await.contains("已签收协办事项"), "signed");
        let files = tempfile::tempdir().expect("temp dir");
        let attachment = files.path().join("稳岗返还核查表.pdf");
        std::fs::write(&attachment, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").expect("attachment");
        let opinion = "经核查，该企业符合稳岗返还条件，建议一并办理。";
        b.fill("#co-opinion-text", opinion).await;
        b.fill("#co-opinion-files", attachment.to_str().expect("utf-8 path")).await;
        b.submit(&action("co_opinion")).await;
        assert!(b.body_text().await.contains("已提交协办意见"), "given");
        b.sign_out().await;

        // Unit A reads it, with its file, before answering.
        b.sign_in("chengban", PASSWORD).await;
        b.goto(&format!("/appeals/{id}")).await;
        let shown = b.text("#co-opinions").await;
        assert!(shown.contains(opinion) && shown.contains("稳岗返还核查表.pdf"), "{shown}");
        perform(&mut b, id, "acknowledge", "in_progress").await;
        b.fill(&format!("{} textarea[name=text]", action("answer")), "已会同人社局办理稳岗返还。").await;
        perform(&mut b, id, "answer", "answered").await;
        b.sign_out().await;
        b.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_common_issue_is_resolved_at_once_for_three_enterprises_who_each_rate_it() {
    const TEST: &str = "a_common_issue_is_resolved_at_once_for_three_enterprises_who_each_rate_it";
    for s in servers(TEST).await {
        let Some(mut b) = Browser::open(TEST, &s).await else { return };
        // A third enterprise of 川汇区 with its account.
        let hash = zhuqi_auth::password::hash_with_salt(PASSWORD, &[7; 16]).expect("hash");
        let (e3, user3) = s
            .store
            .transaction(sys(), move |w| {
                let e3 = w.insert_enterprise(&enterprise("周口恒达机械制造有限公司", "MA0000003", "411602"))?;
                let user3 = w.insert_user(&zhuqi_store::NewUser {
                    username: "qiye3".into(),
                    display_name: "qiye3".into(),
                    password_hash: Some(hash),
                    must_change_password: false,
                    region: None,
                    unit_id: None,
                    enterprise_id: Some(e3),
                    phone: None,
                    roles: vec![Role::Enterprise],
                    created_at: Timestamp::now(),
                })?;
                Ok::<_, zhuqi_store::StoreError>((e3, user3))
            })
            .await
            .expect("third enterprise");
        let users = ["qiye", "qiye2", "qiye3"];
        let mut ids = Vec::new();
        let accounts = [s.world.users["qiye"], s.world.users["qiye2"], user3];
        for (account, enterprise_id) in accounts.into_iter().zip([s.world.e1, s.world.e2, e3]) {
            let new = zhuqi_store::NewAppeal {
                enterprise_id,
                channel: zhuqi_domain::Channel::Web,
                category: "financing".into(),
                title: "贷款到期须先还后续，过桥成本高".into(),
                description: "企业流动资金贷款到期，银行要求先还后续，只能借过桥资金。".into(),
                amount: None,
                draft: false,
            };
            let actor = zhuqi_domain::Actor::user(account, Role::Enterprise);
            ids.push(s.store.create_appeal(sys(), new, actor, Timestamp::now()).await.expect("appeal").id);
        }

        // The office opens the issue, merges the three appeals into it and answers it once.
        b.sign_in("zhihuibu", PASSWORD).await;
        b.goto("/common-issues").await;
        b.fill("form#common-issue-new input[name=title]", "小微企业续贷过桥成本高").await;
        b.select("form#common-issue-new select[name=category]", "financing").await;
        b.select("form#common-issue-new select[name=lead_unit_id]", &s.world.unit_a.to_string()).await;
        b.submit("form#common-issue-new").await;
        let issue_page = page(&b).await;
        let issue = issue_page.trim_start_matches("/common-issues/").to_owned();
        assert!(issue.parse::<i64>().is_ok(), "on the new issue's page: {issue_page}");
        for id in &ids {
            b.goto(&format!("/appeals/{id}")).await;
            b.select(&format!("{} select[name=common_issue_id]", action("merge")), &issue).await;
            perform(&mut b, *id, "merge", "merged").await;
        }
        b.goto(&issue_page).await;
        assert_eq!(b.count("#issue-appeal-list tbody tr").await, 3);
        b.fill("form#issue-resolve textarea[name=answer]", "已推动合作银行推广无还本续贷，企业可直接向开户行申请。")
            .await;
        b.submit("form#issue-resolve").await;
        assert!(b.body_text().await.contains("3件诉求已答复"), "one answer for the three");
        b.sign_out().await;

        // Each enterprise is asked to rate, and rates.
        for (user, id) in users.into_iter().zip(&ids) {
            b.sign_in(user, PASSWORD).await;
            b.goto(&format!("/appeals/{id}")).await;
            assert!(b.exists("#awaiting-rating").await, "{user} is asked to rate");
            perform(&mut b, *id, "confirm", "closed").await;
            b.sign_out().await;
        }
        b.close().await;
    }
}

/// Issue 14 in the browser: the security administrator requires a second factor of administrators, is taken to the
/// binding page, scans (here: reads) the secret, types the app's code, keeps the recovery codes, and from then on signs
/// in with password and code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_security_administrator_binds_an_authenticator_and_signs_in_with_its_code() {
    const TEST: &str = "the_security_administrator_binds_an_authenticator";
    for s in servers(TEST).await {
        let Some(mut b) = Browser::open(TEST, &s).await else { return };
        b.sign_in("anquan", PASSWORD).await;
        b.goto("/admin/security").await;
        b.fill("#password_max_age_days", "60").await;
        b.check("input[name=admins_need_second_factor]").await;
        b.submit("form#security-settings").await;
        // Saved, and the rule holds for its author at once: nothing else until the authenticator is bound.
        assert_eq!(page(&b).await, "/account/second-factor", "{}", s.backend);
        assert!(b.body_text().await.contains("请先完成绑定"));
        b.goto("/admin/users").await;
        assert_eq!(page(&b).await, "/account/second-factor");
        assert!(b.exists(".qr svg").await, "the QR code is drawn");
        let secret = b.text("#totp-secret").await;
        b.fill("#on-code", &app_code(&secret, 0)).await;
        b.submit("form#second-factor-on").await;
        assert_eq!(b.count("#recovery-codes li").await, 10);
        b.click("a.button[href='/']").await;
        assert_eq!(page(&b).await, "/admin/users", "the security administrator's desk");
        b.sign_out().await;
        // Signing in asks for the code once the password is right.
        b.goto("/signin").await;
        b.fill("form#signin input[name=username]", "anquan").await;
        b.fill("form#signin input[name=password]", PASSWORD).await;
        b.submit("form#signin").await;
        assert!(b.exists("#code").await, "the code is asked for");
        b.fill("form#signin input[name=password]", PASSWORD).await;
        b.fill("#code", &app_code(&secret, 30)).await;
        b.submit("form#signin").await;
        assert_eq!(page(&b).await, "/admin/users", "{}", s.backend);
        b.close().await;
    }
}
