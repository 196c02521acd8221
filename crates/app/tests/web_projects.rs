//! The key-project pages (重点项目, SPEC §7) over real HTTP on SQLite and PostgreSQL, signed in through the sign-in
//! form: who opens them (dispatchers, leaders, handlers; everyone else 403), the project form (a bad 总投资 named next
//! to its field, nothing created), the forms of a project's page (a stage going back without a reason, an investment
//! report above the total without one: 422 and nothing changed), the page's SVG investment curve and nine-stage
//! timeline, a project outside the viewer's county "not found", a batch's rates, an observation's scoring, ranking,
//! flags and print sheet, the link of an appeal to its project, and CSRF refusals.

mod support;

use reqwest::StatusCode;
use support::web::{Browser, Page};
use support::*;
use zhuqi_domain::Status;
use zhuqi_domain::stats::{Period, PeriodKind};

fn today() -> String {
    zhuqi_domain::time::today().to_string()
}

fn this_month() -> String {
    let t = zhuqi_domain::time::today();
    format!("{}-{:02}", t.year(), t.month())
}

/// The id in a redirect to `/projects/{id}?done=…`.
fn id_of(page: &Page, prefix: &str) -> i64 {
    let location = page.location.clone().unwrap_or_else(|| panic!("no redirect: {} {}", page.status, page.body));
    let rest = location.strip_prefix(prefix).unwrap_or_else(|| panic!("{location}"));
    rest.split(['?', '/']).next().unwrap_or_default().parse().unwrap_or_else(|_| panic!("{location}"))
}

/// Every signed-in page: nothing the CSP refuses, and light.
fn clean(page: &Page) {
    assert!(page.csp_clean(), "nothing the CSP refuses");
    assert!(page.body.len() < 100 * 1024, "{} bytes", page.body.len());
}

/// Enters a project through the form as `b` (a dispatcher); returns its id.
async fn new_project(b: &mut Browser, name: &str, region: &str, total: &str, unit: Option<i64>, stage: &str) -> i64 {
    let unit = unit.map(|u| u.to_string()).unwrap_or_default();
    let on = today();
    let fields = [
        ("name", name),
        ("code", ""),
        ("region", region),
        ("industry", "现代食品"),
        ("owner", "周口华源食品有限公司"),
        ("unit_id", unit.as_str()),
        ("total", total),
        ("leader", "张副市长"),
        ("team", "食品产业专班"),
        ("plan", "年内开工，次年投产。"),
        ("whitelist", "1"),
        ("stage", stage),
        ("stage_on", on.as_str()),
    ];
    let done = b.submit("/projects/new", "/projects/new", &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    id_of(&done, "/projects/")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_dispatchers_leaders_and_handlers_open_the_project_pages() {
    for s in servers("web_projects_roles").await {
        let mut city = Browser::signed_in(&s, "zhihuibu").await;
        let id = new_project(&mut city, "华源食品扩建项目", "411602", "3000万", Some(s.world.unit_a), "signed").await;
        let paths =
            ["/projects".to_owned(), format!("/projects/{id}"), "/batches".to_owned(), "/observations".to_owned()];
        for user in ["zhihuibu", "lingdao", "chengban"] {
            let mut b = Browser::signed_in(&s, user).await;
            for path in &paths {
                let page = b.get(path).await;
                assert_eq!(page.status, StatusCode::OK, "{user} on {path} ({}): {}", s.backend, page.body);
                assert!(page.has(r#"<a href="/projects" aria-current="page">重点项目</a>"#), "{user} {path}");
                assert!(page.has(r#"href="/batches""#) && page.has(r#"href="/observations""#), "sub-links");
                clean(&page);
            }
        }
        for user in ["qiye", "ganbu", "admin", "anquan", "shenji"] {
            let mut b = Browser::signed_in(&s, user).await;
            for path in paths.iter().chain([&"/projects/new".to_owned()]) {
                let page = b.get(path).await;
                assert_eq!(page.status, StatusCode::FORBIDDEN, "{user} on {path} ({})", s.backend);
            }
            assert!(!b.get("/password").await.has(">重点项目</a>"), "{user} has no 重点项目 link");
        }
        // Leaders and handlers read; the project form is the dispatcher's.
        let mut leader = Browser::signed_in(&s, "lingdao").await;
        assert_eq!(leader.get("/projects/new").await.status, StatusCode::FORBIDDEN);
        let page = leader.get(&format!("/projects/{id}")).await;
        assert!(!page.has(r#"data-form="stage""#) && !page.has(r#"data-form="plan""#), "a leader only reads");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_project_form_names_a_bad_total_and_creates_nothing() {
    for s in servers("web_projects_form").await {
        let mut city = Browser::signed_in(&s, "zhihuibu").await;
        let form = city.get("/projects/new").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        assert!(form.has(r#"<option value="411602">川汇区</option>"#) && form.has("周口市地方金融监督管理局"));
        let fields = |total: &'static str| {
            vec![
                ("name", "天顺纺织智能化改造项目"),
                ("region", "411621"),
                ("industry", "纺织服装"),
                ("owner", "扶沟县天顺纺织有限公司"),
                ("unit_id", ""),
                ("total", total),
                ("leader", "李县长"),
                ("stage", "planning"),
            ]
        };
        let on = today();
        let mut bad = fields("十二亿");
        bad.push(("stage_on", on.as_str()));
        let refused = city.submit("/projects/new", "/projects/new", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {}", s.backend, refused.body);
        assert!(refused.has(r#"<p class="field-error" id="total-error">总投资：金额格式不正确"#), "{}", refused.body);
        assert!(refused.has(r#"id="total" name="total" value="十二亿""#), "what was typed is kept");
        assert!(refused.has(r#"value="天顺纺织智能化改造项目""#));
        let ledger = city.get("/projects").await;
        assert!(ledger.has("共0个项目"), "nothing created: {}", ledger.body);

        // The same form sent twice (a double tap) enters one project.
        let form = city.get("/projects/new").await;
        let key = form.idempotency_key();
        let csrf = form.csrf();
        let mut twice = fields("3亿");
        twice[0] = ("name", "重复提交测试项目");
        twice.extend([("stage_on", on.as_str()), ("csrf", csrf.as_str()), ("idempotency_key", key.as_str())]);
        let first = city.post("/projects/new", &twice).await;
        let second = city.post("/projects/new", &twice).await;
        assert_eq!((first.status, second.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER), "{}", second.body);
        assert_eq!(first.location, second.location, "{}: the same project", s.backend);
        assert!(city.get("/projects").await.has("共1个项目"), "{}", s.backend);

        let mut missing = fields("12.5亿");
        missing.push(("stage_on", "2026-02-30"));
        missing[0] = ("name", " ");
        let refused = city.submit("/projects/new", "/projects/new", &missing).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.has("请填写项目名称") && refused.has("日期格式应为"), "{}", refused.body);

        let mut good = fields("12.5亿");
        good.push(("stage_on", on.as_str()));
        let done = city.submit("/projects/new", "/projects/new", &good).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let id = id_of(&done, "/projects/");
        let page = city.get(&format!("/projects/{id}?done=created")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.has("项目已录入台账") && page.has("12.50亿元") && page.has("扶沟县"), "{}", page.body);
        let ledger = city.get("/projects").await;
        assert!(ledger.has("共2个项目") && ledger.has("天顺纺织智能化改造项目"), "{}", ledger.body);
        assert!(ledger.has("共 2 条 · 第 1/1 页") && !ledger.has("project-count-note"), "{}", ledger.body);
        // As of the day before its first stage, the ledger lists it and says why the summary and the bulletin do not.
        let eve = zhuqi_domain::time::today().yesterday().expect("date");
        let early = city.get(&format!("/projects?as_of={eve}")).await;
        assert!(early.has("共2个项目") && early.has(r#"id="project-count-note""#), "{}", early.body);
        assert!(early.has("其余2个项目的首个建设阶段晚于该日"), "{}", early.body);

        // An edit made on a stale page shows the project as it is now.
        let edit = city.get(&format!("/projects/{id}/edit")).await;
        assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
        assert!(edit.has(r#"value="12.50亿元""#), "{}", edit.body);
        let mut changed: Vec<(&str, &str)> = fields("13亿").into_iter().filter(|(k, _)| *k != "stage").collect();
        changed.push(("version", "0"));
        let stale = city.submit(&format!("/projects/{id}/edit"), &format!("/projects/{id}/edit"), &changed).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
        assert!(stale.has("已被他人修改") && stale.has(r#"value="12.50亿元""#), "{}", stale.body);
        changed.pop();
        changed.push(("version", "1"));
        let saved = city.submit(&format!("/projects/{id}/edit"), &format!("/projects/{id}/edit"), &changed).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert!(city.get(&format!("/projects/{id}")).await.has("13.00亿元"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_projects_forms_refuse_what_the_rules_refuse() {
    for s in servers("web_projects_page").await {
        let mut city = Browser::signed_in(&s, "zhihuibu").await;
        let id = new_project(&mut city, "华源食品扩建项目", "411602", "1000万", Some(s.world.unit_a), "started").await;
        let page_path = format!("/projects/{id}");
        let on = today();

        // Back from 开工 to 储备 without a reason: named next to the reason, nothing changed.
        let back = [("stage", "reserve"), ("on", on.as_str()), ("reason", " ")];
        let refused = city.submit(&page_path, &format!("{page_path}/stage"), &back).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {}", s.backend, refused.body);
        assert!(
            refused.has(r#"<p class="field-error" id="stage-reason-error">由开工退回储备须说明原因"#),
            "{}",
            refused.body
        );
        assert!(refused.has(r#"<span class="badge stage" id="project-stage">开工</span>"#), "still 开工");

        // Above the total without a reason: refused; with one, recorded.
        let month = this_month();
        let above = [("month", month.as_str()), ("cumulative", "1200万"), ("override_reason", "")];
        let refused = city.submit(&page_path, &format!("{page_path}/investment"), &above).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(
            refused.has(r#"id="override-error">累计完成投资"#) && refused.has("须填写超出原因"),
            "{}",
            refused.body
        );
        assert!(refused.has(r#"value="1200万""#) && refused.has("尚无月度填报"), "kept, and nothing recorded");
        let bad_month = [("month", "2026-13"), ("cumulative", "100万"), ("override_reason", "")];
        let refused = city.submit(&page_path, &format!("{page_path}/investment"), &bad_month).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.has("月份格式应为"));
        let explained = [("month", month.as_str()), ("cumulative", "1200万"), ("override_reason", "总投资调增待批")];
        let done = city.submit(&page_path, &format!("{page_path}/investment"), &explained).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

        // This year's plan, and the stage going back with its reason.
        let year = zhuqi_domain::time::today().year().to_string();
        let done =
            city.submit(&page_path, &format!("{page_path}/plan"), &[("year", &year), ("amount", "1000万")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let back = [("stage", "reserve"), ("on", on.as_str()), ("reason", "土地未摘牌")];
        let done = city.submit(&page_path, &format!("{page_path}/stage"), &back).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

        let page = city.get(&page_path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.has(r#"<ol class="stages" id="stage-timeline">"#), "the nine-stage strip");
        assert_eq!(page.body.matches(r#"<span class="stage-name">"#).count(), 9);
        assert!(page.has(r#"aria-current="step"><span class="stage-name">储备</span>"#), "{}", page.body);
        assert!(page.has("土地未摘牌") && page.has("退回"), "the reason of the move back");
        assert!(page.has("<svg") && page.has("累计完成投资曲线") && page.has(&format!("{month}累计1200万")));
        assert!(page.has("总投资调增待批") && page.has("1200.00万元"));
        assert!(page.has("完成率120.00%") && page.has(r#"class="pp ahead""#), "{}", page.body);
        clean(&page);

        // The ledger line and the county table read it the same way.
        let ledger = city.get("/projects").await;
        assert!(ledger.has("高于时序进度") && ledger.has(r#"id="county-table""#), "{}", ledger.body);
        assert!(ledger.has(r#"<a href="/projects?region=411602">川汇区</a>"#), "{}", ledger.body);
        let behind = city.get("/projects?behind=1").await;
        assert!(behind.has("共0个项目"), "{}", behind.body);
        let bad = city.get("/projects?stage=x&as_of=2026-99-01").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.has("建设阶段无效") && bad.has("日期格式应为"));
        let file = city.get("/projects/export").await;
        assert_eq!(file.status, StatusCode::OK, "{}", file.body);
        assert!(file.bytes.starts_with(b"PK"), "an xlsx workbook");

        // The handler of the responsible unit reports; another unit's handler does not.
        let mut handler = Browser::signed_in(&s, "chengban").await;
        let page = handler.get(&page_path).await;
        assert!(page.has(r#"data-form="investment""#) && !page.has(r#"data-form="plan""#), "{}", page.body);
        // A handler reads the projects its unit is responsible for, no other.
        let mut other = Browser::signed_in(&s, "chengban2").await;
        assert_eq!(other.get(&page_path).await.status, StatusCode::NOT_FOUND);
        let token = other.get("/projects").await.csrf();
        let refused = other
            .post(&format!("{page_path}/investment"), &[("csrf", &token), ("month", &month), ("cumulative", "1万")])
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        assert!(other.get("/projects").await.has("共0个项目"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_outside_the_county_is_not_found_and_forms_need_their_token() {
    for s in servers("web_projects_scope").await {
        let mut city = Browser::signed_in(&s, "zhihuibu").await;
        let id = new_project(&mut city, "华源食品扩建项目", "411602", "3000万", None, "signed").await;
        let mut fugou = Browser::signed_in(&s, "fugou").await;
        let page = fugou.get(&format!("/projects/{id}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{}: {}", s.backend, page.body);
        assert!(page.has("未找到"));
        assert_eq!(fugou.get(&format!("/projects/{id}/edit")).await.status, StatusCode::NOT_FOUND);
        let token = fugou.get("/projects").await.csrf();
        let on = today();
        let change = [("csrf", token.as_str()), ("stage", "started"), ("on", on.as_str()), ("reason", "")];
        assert_eq!(fugou.post(&format!("/projects/{id}/stage"), &change).await.status, StatusCode::NOT_FOUND);
        assert!(fugou.get("/projects").await.has("共0个项目"), "not in the other county's ledger");
        let outside = fugou.get("/projects?region=411602").await;
        assert_eq!(outside.status, StatusCode::NOT_FOUND, "a county outside is not found");
        assert_eq!(fugou.get("/projects/export?region=411602").await.status, StatusCode::NOT_FOUND);

        // Without the token, or with a wrong one: refused, nothing changed.
        let fields = [("name", "无令牌项目"), ("region", "411602"), ("total", "1亿"), ("stage", "planning")];
        assert_eq!(city.post("/projects/new", &fields).await.status, StatusCode::FORBIDDEN);
        let wrong = [("csrf", "forged"), ("stage", "started"), ("on", on.as_str())];
        let refused = city.post(&format!("/projects/{id}/stage"), &wrong).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.has("页面已过期"));
        assert_eq!(city.post("/batches", &[("name", "第七期")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(city.post("/observations", &[("name", "观摩")]).await.status, StatusCode::FORBIDDEN);
        let page = city.get(&format!("/projects/{id}")).await;
        assert!(page.has(r#"id="project-stage">签约</span>"#));
        assert!(city.get("/projects").await.has("共1个项目"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_reads_its_rates_and_an_appeal_links_to_its_project() {
    for s in servers("web_projects_batch").await {
        let mut city = Browser::signed_in(&s, "zhihuibu").await;
        let started = new_project(&mut city, "华源食品扩建项目", "411602", "3000万", None, "started").await;
        let signed = new_project(&mut city, "天顺纺织改造项目", "411621", "2亿", None, "signed").await;
        let year = zhuqi_domain::time::today().year();
        let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
        let refused = city
            .submit(
                "/batches",
                "/batches",
                &[("name", ""), ("region", "411600"), ("starts_on", &to), ("ends_on", &from)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.has("请填写批次名称") && refused.has("结束日期早于开始日期"));
        let name = "第七期“三个一批”";
        let fields = [("name", name), ("region", "411600"), ("starts_on", &from), ("ends_on", &to)];
        let done = city.submit("/batches", "/batches", &fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}: {}", s.backend, done.body);
        let batch = id_of(&done, "/batches/");
        let batch_s = batch.to_string();
        for p in [started, signed] {
            let path = format!("/projects/{p}");
            let done = city.submit(&path, &format!("{path}/batch"), &[("batch", &batch_s), ("list", "start")]).await;
            assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        }
        let listed = city.get("/batches").await;
        assert!(listed.has("共 1 条 · 第 1/1 页") && listed.has(name), "{}", listed.body);
        let sheet = city.get("/batches/export.xlsx").await.sheet_rows();
        assert_eq!(sheet.len(), 2, "{sheet:?}");
        assert_eq!((sheet[1][0].as_str(), sheet[1][4].as_str()), (name, "2"), "the batch and its projects");
        let page = city.get(&format!("/batches/{batch}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.has(r#"<div class="value" id="rate-start">50.00%</div>"#), "{}", page.body);
        assert!(page.has(r#"<div class="value" id="rate-sign">—</div>"#), "no signing list");
        assert!(page.has("开工一批（2个，已开工1个）") && page.has("<svg") && page.has("开工率50.00%"));
        clean(&page);
        assert!(city.get("/batches").await.has(name));
        assert!(city.get(&format!("/projects/{started}")).await.has("开工一批"));

        // An appeal linked by its number: the project lists it with its light, the appeal names its project.
        let appeal = s.appeal_in(Status::InProgress, false).await;
        let number = s.store.appeal(appeal).await.expect("appeal").number.to_string();
        let path = format!("/projects/{started}");
        let refused = city.submit(&path, &format!("{path}/appeal"), &[("number", "ZK-2000-999999")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.has("未找到该编号的诉求"));
        let done = city.submit(&path, &format!("{path}/appeal"), &[("number", &number)]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let page = city.get(&path).await;
        assert!(page.has(&format!(r#"<a href="/appeals/{appeal}">{number}</a>"#)), "{}", page.body);
        assert!(page.has(r#"<span class="light normal" aria-hidden="true"></span>"#), "its light");
        let shown = city.get(&format!("/appeals/{appeal}")).await;
        let link =
            format!(r#"<dt>所属项目</dt><dd id="appeal-project"><a href="/projects/{started}">华源食品扩建项目</a>"#);
        assert!(shown.has(&link), "{}", shown.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observation_scores_projects_and_flags_the_regions() {
    for s in servers("web_projects_observation").await {
        let mut city = Browser::signed_in(&s, "zhihuibu").await;
        let good = new_project(&mut city, "华源食品扩建项目", "411602", "3000万", None, "started").await;
        let weak = new_project(&mut city, "天顺纺织改造项目", "411621", "2亿", None, "signed").await;
        let quarter = Period::containing(PeriodKind::Quarter, zhuqi_domain::time::today()).code();
        let held = today();
        let form = city.get("/observations").await;
        assert!(form.has(r#"name="w_industry_fit" value="20""#) && form.has(r#"name="w_statistics" value="15""#));
        let mut fields = vec![
            ("name", "本季度重点项目观摩"),
            ("region", "411600"),
            ("quarter", quarter.as_str()),
            ("held_on", held.as_str()),
            ("w_industry_fit", "30"),
            ("w_investment_scale", "20"),
            ("w_land_intensity", "15"),
            ("w_technology", "15"),
            ("w_economic_benefit", "15"),
            ("w_statistics", "15"),
            ("red", "1"),
            ("yellow", "1"),
            ("min_items", "1"),
        ];
        let refused = city.submit("/observations", "/observations", &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {}", s.backend, refused.body);
        assert!(refused.has(r#"id="weights-error">各项权重之和须为100，现为110"#), "{}", refused.body);
        fields[4] = ("w_industry_fit", "20");
        let done = city.submit("/observations", "/observations", &fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let id = id_of(&done, "/observations/");
        let path = format!("/observations/{id}");
        let page = city.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.has(&format!(r#"<option value="{good}">"#)), "the project picker: {}", page.body);

        let scores = |v: &'static str| {
            [
                "s_industry_fit",
                "s_investment_scale",
                "s_land_intensity",
                "s_technology",
                "s_economic_benefit",
                "s_statistics",
            ]
            .map(|k| (k, v))
        };
        let mut bad: Vec<(&str, &str)> = vec![("project", "")];
        bad.extend(scores("101"));
        let refused = city.submit(&path, &format!("{path}/scores"), &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.has("请选择项目或填写项目编号") && refused.has("主导产业契合度的得分须为0至100"));
        let good_s = good.to_string();
        let mut first: Vec<(&str, &str)> = vec![("project", good_s.as_str())];
        first.extend(scores("90"));
        let done = city.submit(&path, &format!("{path}/scores"), &first).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        // The other by its code.
        let code = city.get(&format!("/projects/{weak}")).await;
        let marker = r#"<span class="mono" id="project-code">"#;
        let at = code.body.find(marker).expect("code") + marker.len();
        let weak_code = code.body[at..].split('<').next().unwrap_or_default().to_owned();
        let mut second: Vec<(&str, &str)> = vec![("code", weak_code.as_str())];
        second.extend(scores("60.5"));
        let done = city.submit(&path, &format!("{path}/scores"), &second).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

        let page = city.get(&path).await;
        assert!(page.has("<svg") && page.has("各地区观摩平均得分"), "{}", page.body);
        assert!(
            page.has(r#"<td>川汇区</td><td class="n">1</td><td class="n">90.00</td><td class="flag-red">红旗</td>"#),
            "{}",
            page.body
        );
        assert!(
            page.has(r#"<td>扶沟县</td><td class="n">1</td><td class="n">60.50</td><td class="flag-yellow">黄旗</td>"#)
        );
        clean(&page);

        let print = city.get(&format!("{path}/print")).await;
        assert_eq!(print.status, StatusCode::OK, "{}", print.body);
        assert!(print.has(r#"<body class="print-sheet">"#) && print.has("红旗") && print.has("黄旗"));
        assert!(print.has("华源食品扩建项目") && !print.has(r#"<header class="top">"#), "no frame on the sheet");
        clean(&print);
        let mut leader = Browser::signed_in(&s, "lingdao").await;
        let page = leader.get("/observations").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.has(r#"id="observation-form""#), "only a dispatcher opens one");
        assert!(page.has("共 1 条 · 第 1/1 页"), "{}", page.body);
        let sheet = leader.get("/observations/export.xlsx").await.sheet_rows();
        assert_eq!(sheet.len(), 2, "a header and the observation: {sheet:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn industry_lists_hold_every_industry_the_records_name() {
    for s in servers("web_industries_from_data").await {
        let new = zhuqi_store::NewEnterprise {
            name: "周口比亚新能源汽车有限公司".into(),
            uscc: zhuqi_domain::Uscc::with_check_char("91411602MA0000077").expect("valid"),
            region: code("411602"),
            industry: "新能源汽车".into(),
            above_scale: true,
            small_micro: false,
            specialized: false,
            little_giant: false,
            contact_name: None,
            contact_phone: None,
            created_at: at("2024-01-02T00:00:00Z"),
            profile: Default::default(),
        };
        s.store.transaction(sys(), move |w| w.insert_enterprise(&new)).await.expect("enterprise");
        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        for path in ["/projects", "/projects/new"] {
            let page = office.get(path).await;
            assert!(page.has(r#"<option value="新能源汽车""#) && page.has(r#"<option value="生物医药""#), "{path}");
        }
    }
}
