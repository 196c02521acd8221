//! The administrators' pages (三员分立) over real HTTP on SQLite and PostgreSQL, signed in through the sign-in form
//! like a browser: the system administrator keeps the reference data, the security administrator grants roles and
//! resets passwords, the auditor reads the log; every other role is refused, and every form needs its CSRF token.

mod support;

use reqwest::StatusCode;
use support::web::{Browser, Page};
use support::*;
use zhuqi_domain::{Role, Status};
use zhuqi_store::CategoryRecord;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sysadmin_adds_a_unit_and_the_auditor_sees_it() {
    for s in servers("web_admin_unit_audited").await {
        // More than a page of older records.
        for i in 0..60 {
            let c = CategoryRecord {
                code: format!("c{i}"),
                name: format!("类型{i}"),
                parent_code: None,
                position: i,
                active: true,
            };
            s.store.add_category(sys(), c, None).await.expect("category");
        }
        let mut admin = Browser::signed_in(&s, "admin").await;
        // The reference lists page with their total, and download whole.
        let all = s.store.categories().await.expect("categories").len();
        let first = admin.get("/admin/categories").await;
        assert!(first.has(&format!("共 {all} 条 · 第 1/2 页")) && first.has("末页"), "{}", first.body);
        let last = admin.get("/admin/categories?page=9").await;
        assert!(last.has("第 2/2 页") && !last.has("末页"), "past the end is the last page");
        assert_eq!(admin.get("/admin/categories/export.xlsx").await.sheet_rows().len(), all + 1, "a header and each");
        for list in ["units", "regions", "policies"] {
            let rows = admin.get(&format!("/admin/{list}/export.xlsx")).await.sheet_rows();
            assert!(rows.len() >= 2, "{list}: a header and the rows: {rows:?}");
            assert!(admin.get(&format!("/admin/{list}")).await.has("第 1/1 页"), "{list}");
        }
        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        assert_eq!(office.get("/admin/units/export.xlsx").await.status, StatusCode::FORBIDDEN, "administrators only");
        let home = admin.get("/admin").await;
        assert_eq!(
            (home.status, home.location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/admin/users")),
            "{}",
            s.backend
        );
        let units = admin.get("/admin/units").await;
        assert_eq!(units.status, StatusCode::OK);
        assert!(units.has("周口市地方金融监督管理局") && units.has(r#"id="unit-new""#), "{}", units.body);

        let done = admin
            .submit("/admin/units", "/admin/units", &[("name", "周口市工业和信息化局"), ("region_code", "411600")])
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}: {}", s.backend, done.body);
        let after = done.location.expect("redirect");
        let listed = admin.get(&after).await;
        assert!(listed.has(r#"class="flash ok""#), "a flash says it was added");
        assert!(listed.has("周口市工业和信息化局") && listed.has("周口市（411600）"));
        let stored = s.store.units().await.expect("units");
        let unit = stored.iter().find(|u| u.name == "周口市工业和信息化局").expect("stored");

        // The same name again is refused next to the field, with what was typed kept.
        let again = admin
            .submit("/admin/units", "/admin/units", &[("name", "周口市工业和信息化局"), ("region_code", "411600")])
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.has("field-error") && again.has(r#"value="周口市工业和信息化局""#), "{}", again.body);

        let mut auditor = Browser::signed_in(&s, "shenji").await;
        let home = auditor.get("/admin").await;
        assert_eq!(home.location.as_deref(), Some("/admin/audit"));
        let log = auditor.get("/admin/audit").await;
        assert_eq!(log.status, StatusCode::OK, "{}", s.backend);
        assert!(log.has("新增承办单位") && log.has(&format!("承办单位 {}", unit.id)), "in Chinese: {}", log.body);
        assert!(
            log.has("<summary>查看原始记录</summary>") && log.has("周口市工业和信息化局"),
            "the record folded away"
        );
        assert!(log.has("zhuqi audit verify"), "says how to verify the chain");
        // Nothing on the page changes the log: the forms are the search (GET) and signing out.
        assert_eq!(log.body.matches("<form").count(), 2, "{}", log.body);
        assert_eq!(log.body.matches(r#"method="post""#).count(), 1, "only signing out posts");

        // 50 to a page with the total; the last page reached from the first.
        assert!(log.has(" · 第 1/"), "{}", log.body);
        let last = log.body.split(r#"<a href="/admin/audit?page="#).last().expect("a page link");
        let last: String = last.chars().take_while(char::is_ascii_digit).collect();
        let end = auditor.get(&format!("/admin/audit?page={last}")).await;
        assert!(end.has(&format!("第 {last}/{last} 页")) && end.has("新增地区"), "the oldest records: {}", end.body);
        assert!(!end.has("周口市工业和信息化局"), "the newest are on the first page");

        // Who, what, on what, when: each narrows; a bad value is named next to its field.
        let one = auditor.get(&format!("/admin/audit?action=unit.add&kind=unit&id={}", unit.id)).await;
        assert!(one.has("共 1 条") && one.has("周口市工业和信息化局"), "{}", one.body);
        let nobody = auditor.get("/admin/audit?actor=nobody").await;
        assert!(nobody.has("没有符合条件的记录"), "{}", nobody.body);
        let bad = auditor.get("/admin/audit?from=2026-13-01&id=x").await;
        assert!(bad.has("日期格式应为") && bad.has("请先选对象类型"), "{}", bad.body);
        let sheet = auditor.get(&format!("/admin/audit/export.xlsx?kind=unit&id={}", unit.id)).await;
        assert_eq!(sheet.status, StatusCode::OK);
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(sheet.bytes.clone())).expect("xlsx");
        let range = calamine::Reader::worksheet_range_at(&mut book, 0).expect("a sheet").expect("readable");
        assert!(range.height() >= 2, "a header and the unit's records");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_without_their_token_change_nothing() {
    for s in servers("web_admin_csrf").await {
        let mut admin = Browser::signed_in(&s, "admin").await;
        let before = s.store.units().await.expect("units").len();
        let bare = admin.post("/admin/units", &[("name", "伪造的单位"), ("region_code", "411600")]).await;
        assert_eq!(bare.status, StatusCode::FORBIDDEN, "{}", s.backend);
        let forged =
            admin.post("/admin/units", &[("csrf", "0000"), ("name", "伪造的单位"), ("region_code", "411600")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let region = admin.post("/admin/regions", &[("code", "411622"), ("name", "西华县")]).await;
        assert_eq!(region.status, StatusCode::FORBIDDEN);
        assert_eq!(s.store.units().await.expect("units").len(), before, "no unit added");
        assert!(!s.store.regions().await.expect("regions").iter().any(|r| r.code == "411622"));
        assert!(!admin.get("/admin/units").await.has("伪造的单位"));

        // Another user's token does not do either.
        let mut other = Browser::signed_in(&s, "anquan").await;
        let theirs = other.get("/admin/users").await.csrf();
        let crossed =
            admin.post("/admin/units", &[("csrf", &theirs), ("name", "伪造的单位"), ("region_code", "411600")]).await;
        assert_eq!(crossed.status, StatusCode::FORBIDDEN);
        assert_eq!(s.store.units().await.expect("units").len(), before);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_reference_data_shows_the_field_and_keeps_the_input() {
    for s in servers("web_admin_field_errors").await {
        let mut admin = Browser::signed_in(&s, "admin").await;
        let bad = admin.submit("/admin/regions", "/admin/regions", &[("code", "41162X"), ("name", "西华县")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.backend);
        assert!(bad.has(r#"<p class="field-error">行政区划代码"#), "{}", bad.body);
        assert!(bad.has(r#"value="41162X""#) && bad.has(r#"value="西华县""#), "typed values kept");
        assert!(bad.has(r#"aria-invalid="true""#));

        let orphan = admin.submit("/admin/regions", "/admin/regions", &[("code", "420100"), ("name", "武汉市")]).await;
        assert_eq!(orphan.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(orphan.has("上级地区尚未录入"), "{}", orphan.body);

        let ok = admin.submit("/admin/regions", "/admin/regions", &[("code", "411622"), ("name", "西华县")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let region = s.store.regions().await.expect("regions").into_iter().find(|r| r.code == "411622").expect("added");
        assert_eq!((region.parent_code.as_deref(), region.level.as_str()), (Some("411600"), "county"));

        let unit =
            admin.submit("/admin/units", "/admin/units", &[("name", "西华县发改委"), ("region_code", "411699")]).await;
        assert_eq!(unit.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unit.has("尚未录入") && unit.has(r#"value="西华县发改委""#), "{}", unit.body);

        let category = admin
            .submit(
                "/admin/categories",
                "/admin/categories",
                &[("code", "loan"), ("name", "贷款续贷"), ("parent_code", "nope")],
            )
            .await;
        assert_eq!(category.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(category.has("上级类型 nope 不存在"));
        let category = admin
            .submit(
                "/admin/categories",
                "/admin/categories",
                &[("code", "loan"), ("name", "贷款续贷"), ("parent_code", "financing"), ("position", "3")],
            )
            .await;
        assert_eq!(category.status, StatusCode::SEE_OTHER, "{}", category.body);
        assert!(admin.get("/admin/categories").await.has("贷款续贷"));

        let days = [("acknowledge", "1"), ("reply", "5"), ("resolve", "3"), ("feedback", "30")];
        let mut fields = vec![("code", "complex30"), ("name", "复杂事项30日")];
        fields.extend(days);
        let policy = admin.submit("/admin/policies", "/admin/policies", &fields).await;
        assert_eq!(policy.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(policy.has("办结时限不能早于首次答复时限") && policy.has(r#"value="complex30""#), "{}", policy.body);
        fields[3] = ("reply", "3");
        let policy = admin.submit("/admin/policies", "/admin/policies", &fields).await;
        assert_eq!(policy.status, StatusCode::SEE_OTHER, "{}", policy.body);
        assert!(
            s.store
                .deadline_policies()
                .await
                .expect("policies")
                .iter()
                .any(|p| p.code == "complex30" && p.feedback == 30)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_admin_page_is_refused_to_other_roles() {
    for s in servers("web_admin_forbidden").await {
        let mut dispatcher = Browser::signed_in(&s, "zhihuibu").await;
        for path in ["/admin", "/admin/users", "/admin/units", "/admin/calendar", "/admin/audit"] {
            let page = dispatcher.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path} on {}", s.backend);
            assert!(page.has("无权访问"), "{}", page.body);
        }
        let csrf = dispatcher.get("/password").await.csrf();
        let posted =
            dispatcher.post("/admin/units", &[("csrf", &csrf), ("name", "越权单位"), ("region_code", "411600")]).await;
        assert_eq!(posted.status, StatusCode::FORBIDDEN);

        let mut auditor = Browser::signed_in(&s, "shenji").await;
        for path in ["/admin/users", "/admin/units", "/admin/regions", "/admin/policies"] {
            assert_eq!(auditor.get(path).await.status, StatusCode::FORBIDDEN, "auditor on {path}");
        }
        let mut secadmin = Browser::signed_in(&s, "anquan").await;
        let all = secadmin.get("/admin/users").await;
        assert_eq!(all.status, StatusCode::OK);
        assert!(all.has("共 14 条 · 第 1/1 页"), "every account counted: {}", all.body);
        // Search by user name or name: the handlers, not the others.
        let found = secadmin.get("/admin/users?q=chengban").await;
        assert!(found.has("共 2 条") && found.has(">chengban2</td>") && !found.has(">qiye</td>"), "{}", found.body);
        assert!(secadmin.get("/admin/users?q=无此人").await.has("没有符合条件的用户"));
        for path in ["/admin/units", "/admin/categories", "/admin/calendar", "/admin/audit"] {
            assert_eq!(secadmin.get(path).await.status, StatusCode::FORBIDDEN, "secadmin on {path}");
        }
        let mut admin = Browser::signed_in(&s, "admin").await;
        assert_eq!(admin.get("/admin/audit").await.status, StatusCode::FORBIDDEN, "the sysadmin does not audit");

        let anonymous = Browser::new(&s).get("/admin/users").await;
        assert_eq!((anonymous.status, anonymous.location.as_deref()), (StatusCode::SEE_OTHER, Some("/signin")));
        assert!(s.store.units().await.expect("units").iter().all(|u| u.name != "越权单位"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secadmin_changes_roles_and_resets_passwords() {
    for s in servers("web_admin_roles").await {
        let leader = s.world.users["lingdao"];
        let page = format!("/admin/users/{leader}");
        let mut secadmin = Browser::signed_in(&s, "anquan").await;
        let shown = secadmin.get(&page).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", s.backend);
        assert!(shown.has(r#"id="user-roles-form""#) && shown.has(r#"value="leader" checked"#), "{}", shown.body);

        let roles = format!("{page}/roles");
        let done = secadmin.submit(&page, &roles, &[("roles", "leader"), ("roles", "dispatcher")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let after = secadmin.get(&done.location.expect("redirect")).await;
        assert!(after.has(r#"class="flash ok""#) && after.has("指挥部、领导"), "{}", after.body);
        assert_eq!(s.store.user(leader).await.expect("user").roles, vec![Role::Dispatcher, Role::Leader]);

        // 三员分立: an admin role stands alone; the refusal keeps the boxes as ticked.
        let mixed = secadmin.submit(&page, &roles, &[("roles", "leader"), ("roles", "auditor")]).await;
        assert_eq!(mixed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(mixed.has("三员分立") && mixed.has(r#"value="auditor" checked"#), "{}", mixed.body);
        let none = secadmin.submit(&page, &roles, &[]).await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(none.has("请至少选择一个角色"));
        assert_eq!(s.store.user(leader).await.expect("user").roles, vec![Role::Dispatcher, Role::Leader]);

        // Nobody changes their own roles; the system administrator changes nobody's.
        let own = s.world.users["anquan"];
        let mine = secadmin.get(&format!("/admin/users/{own}")).await;
        assert!(!mine.has(r#"id="user-roles-form""#) && mine.has("不能修改自己的角色"));
        let csrf = mine.csrf();
        let selfish =
            secadmin.post(&format!("/admin/users/{own}/roles"), &[("csrf", &csrf), ("roles", "sysadmin")]).await;
        assert_eq!(selfish.status, StatusCode::FORBIDDEN);
        assert_eq!(s.store.user(own).await.expect("user").roles, vec![Role::Secadmin]);
        let mut admin = Browser::signed_in(&s, "admin").await;
        let viewed = admin.get(&page).await;
        assert_eq!(viewed.status, StatusCode::OK);
        assert!(!viewed.has(r#"id="user-roles-form""#), "the sysadmin sees no roles form");
        let csrf = viewed.csrf();
        let refused = admin.post(&roles, &[("csrf", &csrf), ("roles", "leader")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let refused = admin.post(&format!("{page}/password"), &[("csrf", &csrf)]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(secadmin.get("/admin/users/999999").await.status, StatusCode::NOT_FOUND);

        // A reset shows a one-time password once; it signs in and must be changed first.
        let reset = secadmin.submit(&page, &format!("{page}/password"), &[]).await;
        assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
        assert_eq!(reset.cache.as_deref(), Some("no-store"));
        let password = one_time_password(&reset);
        let mut user = Browser::new(&s);
        let landed = user.sign_in_as("lingdao", &password).await;
        assert_eq!((landed.status, landed.location.as_deref()), (StatusCode::SEE_OTHER, Some("/password")));
        assert!(!secadmin.get(&page).await.has(&password), "never shown again");
    }
}

fn one_time_password(page: &Page) -> String {
    let at = page.body.find(r#"id="one-time-password""#).unwrap_or_else(|| panic!("no password in {}", page.body));
    let element = &page.body[at..];
    let start = element.find('>').expect("element") + 1;
    element[start..].split('<').next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_users_get_a_one_time_password_and_the_roles_their_admin_may_grant() {
    for s in servers("web_admin_new_user").await {
        let mut admin = Browser::signed_in(&s, "admin").await;
        let list = admin.get("/admin/users").await;
        assert!(list.has("zhihuibu") && list.has("指挥部") && list.has("周口市（411600）"), "{}", list.body);
        assert!(!list.has(r#"value="auditor""#), "the sysadmin is not offered admin roles");

        let unit = s.world.unit_a.to_string();
        let fields = [
            ("username", "chengban3"),
            ("display_name", "李承办"),
            ("roles", "handler"),
            ("region_code", "411600"),
            ("unit_id", unit.as_str()),
        ];
        let made = admin.submit("/admin/users", "/admin/users", &fields).await;
        assert_eq!(made.status, StatusCode::OK, "{}: {}", s.backend, made.body);
        assert_eq!(made.cache.as_deref(), Some("no-store"));
        assert!(made.has("李承办") && made.has("承办单位"));
        let password = one_time_password(&made);
        assert!(zhuqi_auth::password::check_rules(&password).is_ok(), "{password}");
        let user = s.store.user_by_name("chengban3").await.expect("stored");
        assert!(user.must_change_password && user.unit_id == Some(s.world.unit_a));
        let landed = Browser::new(&s).sign_in_as("chengban3", &password).await;
        assert_eq!(landed.location.as_deref(), Some("/password"), "must change it first");

        let taken = admin.submit("/admin/users", "/admin/users", &fields).await;
        assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(taken.has("已被使用") && taken.has(r#"value="李承办""#) && taken.has(r#"value="handler" checked"#));
        let forged = [("username", "shenji2"), ("display_name", "审计二"), ("roles", "auditor")];
        let refused = admin.submit("/admin/users", "/admin/users", &forged).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.has("管理员角色只能由安全管理员授予"), "{}", refused.body);
        let bad = [("username", "x1"), ("display_name", ""), ("roles", "leader"), ("enterprise_id", "abc")];
        let refused = admin.submit("/admin/users", "/admin/users", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.has("请填写姓名") && refused.has("企业编号应为正整数") && refused.has(r#"value="abc""#));
        assert!(s.store.user_by_name("shenji2").await.is_err() && s.store.user_by_name("x1").await.is_err());

        let mut secadmin = Browser::signed_in(&s, "anquan").await;
        let made = secadmin.submit("/admin/users", "/admin/users", &forged).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert_eq!(s.store.user_by_name("shenji2").await.expect("stored").roles, vec![Role::Auditor]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_shows_years_and_loads_one() {
    for s in servers("web_admin_calendar").await {
        let mut admin = Browser::signed_in(&s, "admin").await;
        let page = admin.get("/admin/calendar").await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.backend);
        assert!(page.has("2026年") && page.has("春节") && page.has("调休上班"), "{}", page.body);

        let wrong = [
            ("year", "2027"),
            ("holidays", "元旦 2027-01-01\n春节 2027-02-16..2027-02-10"),
            ("workdays", "2027-02-07\n2027-02-08"),
        ];
        let refused = admin.submit("/admin/calendar", "/admin/calendar", &wrong).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.has("第2行「春节 2027-02-16..2027-02-10」：起始日期晚于结束日期"), "{}", refused.body);
        assert!(refused.has("第2行「2027-02-08」：是周一"), "{}", refused.body);
        assert!(refused.has("2027-02-08</textarea>"), "typed text kept");
        assert!(!s.store.calendar_years().await.expect("years").iter().any(|y| y.year == 2027));

        let right = [
            ("year", "2027"),
            ("source", "测试通知"),
            ("holidays", "元旦 2027-01-01\n春节 2027-02-10..2027-02-16"),
            ("workdays", "2027-02-07\n2027-02-20"),
        ];
        let loaded = admin.submit("/admin/calendar", "/admin/calendar", &right).await;
        assert_eq!(loaded.status, StatusCode::SEE_OTHER, "{}", loaded.body);
        let shown = admin.get(&loaded.location.expect("redirect")).await;
        assert!(
            shown.has("已载入2027年节假日安排") && shown.has("2027-02-07（周日）") && shown.has("2027-02-20（周六）")
        );
        let y = s.store.calendar_years().await.expect("years").into_iter().find(|y| y.year == 2027).expect("2027");
        assert_eq!((y.holidays.len(), y.workdays.len(), y.source.as_str()), (2, 2, "测试通知"));
        assert!(!s.store.calendar().is_working_day(jiff::civil::date(2027, 2, 11)));
        assert!(s.store.calendar().is_working_day(jiff::civil::date(2027, 2, 7)));

        let edit = admin.get("/admin/calendar?edit=2027").await;
        assert!(edit.has("春节 2027-02-10..2027-02-16") && edit.has("将替换"), "{}", edit.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_data_is_renamed_and_retired_never_deleted() {
    use reqwest::Method;
    use serde_json::json;
    for s in servers("web_admin_retire").await {
        let b = s.backend;
        let mut admin = Browser::signed_in(&s, "admin").await;
        let unit = s.world.unit_b;
        let path = format!("/admin/units/{unit}");
        let form = admin.get(&path).await;
        assert_eq!(form.status, StatusCode::OK, "{b}");
        assert!(form.has("周口市人力资源和社会保障局") && form.has(r#"name="active" value="1" checked"#), "{b}");

        // A name another unit has is refused next to the field; nothing changes.
        let taken = admin
            .submit(&path, &path, &[("name", "周口市地方金融监督管理局"), ("region_code", "411600"), ("active", "1")])
            .await;
        assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {}", taken.body);
        assert!(taken.has("已有名为「周口市地方金融监督管理局」的单位"), "{b}: {}", taken.body);
        // Renamed and retired: listed as such, and no longer offered for assignment, nor accepted by the API.
        let saved = admin.submit(&path, &path, &[("name", "周口市人社局"), ("region_code", "411600")]).await;
        assert_eq!(
            (saved.status, saved.location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/admin/units?done=saved")),
            "{b}"
        );
        let listed = admin.get("/admin/units?done=saved").await;
        assert!(listed.has("周口市人社局") && listed.has("已停用") && listed.has("已保存"), "{b}");
        let id = s.appeal_in(Status::Submitted, false).await;
        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        let appeal = office.get(&format!("/appeals/{id}")).await;
        assert!(
            appeal.has("周口市地方金融监督管理局") && !appeal.has("周口市人社局"),
            "{b}: a retired unit is not offered"
        );
        let version = s.version(id).await;
        let assign = json!({"version": version, "unit_id": unit, "level": "city", "category": "financing"});
        let (status, body) = s.post("zhihuibu", &format!("/appeals/{id}/assign"), assign).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("已停用")), "{b}: {body}");

        // Regions: a name already used under the same parent is refused; the API renames.
        let region = admin
            .submit("/admin/regions/411621", "/admin/regions/411621", &[("name", "川汇区"), ("active", "1")])
            .await;
        assert_eq!(region.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(region.has("同一上级下已有名为「川汇区」的地区"), "{b}: {}", region.body);
        let (status, renamed) = s
            .call(
                Some("admin"),
                Method::PATCH,
                "/regions/411621",
                Some(json!({"name": "扶沟县（新）", "active": true})),
            )
            .await;
        assert_eq!((status, renamed["name"].as_str()), (StatusCode::OK, Some("扶沟县（新）")), "{b}: {renamed}");
        // A category cannot go under its own child; the last policy in use cannot be retired.
        let (status, _) = s
            .call(
                Some("admin"),
                Method::PATCH,
                "/categories/financing",
                Some(json!({"name": "融资", "parent_code": "financing", "position": 1, "active": true})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let last = admin
            .submit(
                "/admin/policies/13710",
                "/admin/policies/13710",
                &[
                    ("name", "13710标准时限"),
                    ("acknowledge", "1"),
                    ("reply", "3"),
                    ("resolve", "7"),
                    ("feedback", "10"),
                ],
            )
            .await;
        assert_eq!(last.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(last.has("至少要保留一条在用的时限规则"), "{b}: {}", last.body);
        let (status, _) = s
            .call(Some("zhihuibu"), Method::PATCH, "/regions/411621", Some(json!({"name": "x", "active": true})))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: only the system administrator");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_create_form_posted_twice_creates_once() {
    for s in servers("web_admin_double_post").await {
        let b = s.backend;
        let before = s.store.counts().await.expect("counts");
        let mut admin = Browser::signed_in(&s, "admin").await;
        let posts: [(&str, &[(&str, &str)]); 3] = [
            ("/admin/units", &[("name", "周口市双击局"), ("region_code", "411600")]),
            ("/admin/regions", &[("code", "411625"), ("name", "双击区")]),
            ("/admin/categories", &[("code", "double_tap"), ("name", "双击类型"), ("position", "9")]),
        ];
        for (path, fields) in posts {
            let (first, second) = admin.post_twice(path, path, fields).await;
            assert_eq!(first.status, StatusCode::SEE_OTHER, "{b} {path}: {}", first.body);
            assert_eq!(
                second.status,
                StatusCode::SEE_OTHER,
                "{b} {path}: the repost is answered as the post: {}",
                second.body
            );
        }
        // A new user's one-time password is shown once: a repeated post says so and shows no password of its own.
        let user =
            [("username", "shuangji"), ("display_name", "双击用户"), ("region_code", "411600"), ("roles", "cadre")];
        let (first, second) = admin.post_twice("/admin/users", "/admin/users", &user).await;
        assert!(first.status == StatusCode::OK && first.has("one-time-password"), "{b}: {}", first.body);
        assert!(second.status == StatusCode::OK && second.has("重复提交"), "{b}: {}", second.body);
        assert!(!second.has("one-time-password"), "{b}: no password is made up again");
        let after = s.store.counts().await.expect("counts");
        assert_eq!(
            (after.units, after.regions, after.users),
            (before.units + 1, before.regions + 1, before.users + 1),
            "{b}: one of each"
        );
        assert_eq!(
            s.store.categories().await.expect("categories").iter().filter(|c| c.code == "double_tap").count(),
            1
        );

        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        let group = [("name", "双击工作组"), ("region_code", "411600")];
        let batch =
            [("name", "第九期双击"), ("region", "411600"), ("starts_on", "2026-01-01"), ("ends_on", "2026-06-30")];
        for (path, fields) in [("/workgroups", &group[..]), ("/batches", &batch[..])] {
            let (first, second) = office.post_twice(path, path, fields).await;
            assert_eq!((first.status, second.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER), "{b} {path}");
            assert_eq!(first.location, second.location, "{b} {path}: both go to the one item");
        }
        // A fresh form is a new create: the same name is then refused next to its field.
        let again = office.submit("/batches", "/batches", &batch).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    }
}

/// The text of the element with `id` (up to its closing tag).
fn element_text(page: &Page, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let at = page.body.find(&marker).unwrap_or_else(|| panic!("no #{id} in {}", page.body));
    let after = &page.body[at..];
    let start = after.find('>').expect(">") + 1;
    after[start..].split('<').next().unwrap_or_default().trim().to_owned()
}

/// Binds an authenticator through `/account/second-factor` and returns its secret.
async fn bind_authenticator(b: &mut Browser) -> String {
    let offer = b.get("/account/second-factor").await;
    assert_eq!(offer.status, StatusCode::OK, "{}", offer.body);
    assert!(offer.has("<svg") && offer.csp_clean(), "a QR code the CSP allows: {}", offer.body);
    let secret = element_text(&offer, "totp-secret");
    let code = app_code(&secret, 0);
    let on = b.post("/account/second-factor", &[("csrf", &offer.csrf()), ("secret", &secret), ("code", &code)]).await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    assert!(on.has("两步验证已启用") && on.body.matches("<li>").count() >= 10, "recovery codes shown: {}", on.body);
    secret
}

/// Issue 14 through the pages: the security administrator requires a second factor of administrators, is sent to
/// bind one first, signs in with its code from then on, and resets another administrator's lost one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_factor_through_the_pages() {
    for s in servers("web_second_factor").await {
        let b = s.backend;
        let mut secadmin = Browser::signed_in(&s, "anquan").await;
        let settings = secadmin.get("/admin/security").await;
        assert!(settings.has("name=\"password_max_age_days\" value=\"90\""), "{b}: {}", settings.body);
        let csrf = settings.csrf();
        let refused = secadmin.post("/admin/security", &[("csrf", &csrf), ("password_max_age_days", "九十")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(refused.has("整数天数") && refused.has("value=\"九十\""), "{}", refused.body);
        let saved = secadmin
            .post(
                "/admin/security",
                &[("csrf", &csrf), ("password_max_age_days", "60"), ("admins_need_second_factor", "1")],
            )
            .await;
        assert_eq!(saved.location.as_deref(), Some("/admin/security?done=saved"), "{b}: {}", saved.body);
        // From now on the security administrator too must bind an authenticator before anything else.
        let sent = secadmin.get("/admin/users").await;
        assert_eq!(sent.location.as_deref(), Some("/account/second-factor"), "{b}");
        let secret = bind_authenticator(&mut secadmin).await;
        assert_eq!(secadmin.get("/admin/security").await.status, StatusCode::OK);
        assert!(secadmin.get("/admin/security").await.has("value=\"60\""));

        // Signing in again asks for the code once the password is right, and keeps the user name.
        let mut again = Browser::new(&s);
        let asked = again.sign_in_as("anquan", PASSWORD).await;
        assert_eq!(asked.status, StatusCode::UNAUTHORIZED, "{b}");
        assert!(asked.has("name=\"code\"") && asked.has("value=\"anquan\""), "{}", asked.body);
        let form = again.get("/signin").await;
        let code = app_code(&secret, 30);
        let fields =
            [("csrf", form.csrf()), ("username", "anquan".into()), ("password", PASSWORD.into()), ("code", code)];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let landed = again.post("/signin", &fields).await;
        assert_eq!(landed.status, StatusCode::SEE_OTHER, "{b}: {}", landed.body);

        // The system administrator lands on the binding page; after binding, a lost phone is reset by the security
        // administrator on the account's page.
        let mut admin = Browser::new(&s);
        let landed = admin.sign_in_as("admin", PASSWORD).await;
        assert_eq!(landed.location.as_deref(), Some("/account/second-factor"), "{b}");
        let admin_secret = bind_authenticator(&mut admin).await;
        // New recovery codes on the same page, proved by a later code: shown once, under their own notice.
        let offer = admin.get("/account/second-factor").await;
        let renewed = admin
            .post("/account/second-factor/codes", &[("csrf", &offer.csrf()), ("code", &app_code(&admin_secret, 30))])
            .await;
        assert_eq!(renewed.status, StatusCode::OK, "{b}: {}", renewed.body);
        assert!(
            renewed.has("已生成新的恢复码")
                && !renewed.has("两步验证已启用")
                && renewed.body.matches("<li>").count() >= 10,
            "{}",
            renewed.body
        );
        let id = s.world.users["admin"];
        let account = secadmin.get(&format!("/admin/users/{id}")).await;
        assert_eq!(element_text(&account, "user-second-factor"), "已启用");
        let reset = secadmin.post(&format!("/admin/users/{id}/second-factor"), &[("csrf", &account.csrf())]).await;
        assert_eq!(reset.location, Some(format!("/admin/users/{id}?done=second_factor")), "{b}: {}", reset.body);
        let account = secadmin.get(&format!("/admin/users/{id}?done=second_factor")).await;
        assert!(account.has("已重置两步验证") && element_text(&account, "user-second-factor") == "未启用");
        assert_eq!(admin.get("/admin/users").await.location.as_deref(), Some("/account/second-factor"), "{b}");
        // The auditor, an administrator too, binds one as well; then reads the rules and cannot change them.
        let mut auditor = Browser::signed_in(&s, "shenji").await;
        bind_authenticator(&mut auditor).await;
        let page = auditor.get("/admin/security").await;
        assert!(
            page.has("60 天") && page.has("必须使用") && !page.has("<button type=\"submit\">保存"),
            "{}",
            page.body
        );
        let csrf = page.csrf();
        let posted = auditor.post("/admin/security", &[("csrf", &csrf), ("password_max_age_days", "0")]).await;
        assert_eq!(posted.status, StatusCode::FORBIDDEN, "{b}");
    }
}
