//! 包联工作组 pages over real HTTP on SQLite and PostgreSQL (issue 13): a dispatcher makes a work group, gives it a
//! cadre and an enterprise, and the cadre sees the enterprise at its next request; every refused form says why next
//! to its field and changes nothing; out-of-scope groups are not found; leaders read but cannot change.

mod support;

use reqwest::StatusCode;
use support::web::Browser;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dispatcher_staffs_a_work_group_and_its_cadre_sees_the_enterprise_at_once() {
    for s in servers("web_work_group_staffed").await {
        let b = s.backend;
        let mut cadre = Browser::signed_in(&s, "ganbu").await;
        let before = cadre.get("/enterprises").await;
        assert!(!before.has("扶沟县天顺纺织有限公司"), "{b}: not yet its enterprise");

        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        let list = office.get("/workgroups").await;
        assert_eq!(list.status, StatusCode::OK, "{b}");
        assert!(list.has("川汇区第一工作组") && list.has("共 1 条"), "{b}: {}", list.body);

        // A refused form: the message by its field, the typed name kept, nothing made.
        let refused =
            office.submit("/workgroups", "/workgroups", &[("name", "扶沟县助企工作组"), ("region_code", "")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(refused.has("请选择所属地区") && refused.has(r#"value="扶沟县助企工作组""#), "{b}");
        let duplicate = office
            .submit("/workgroups", "/workgroups", &[("name", "川汇区第一工作组"), ("region_code", "411602")])
            .await;
        assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(duplicate.has("已有同名的工作组"), "{b}: {}", duplicate.body);

        let unit = s.world.unit_a.to_string();
        let made = office
            .submit(
                "/workgroups",
                "/workgroups",
                &[("name", "扶沟县助企工作组"), ("region_code", "411621"), ("lead_unit_id", &unit)],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{b}: {}", made.body);
        let page_url = made.location.expect("to the group's page");
        let page = office.get(&page_url).await;
        assert!(page.has("已新建工作组") && page.has("周口市地方金融监督管理局"), "{b}: {}", page.body);
        let id = page_url.trim_start_matches("/workgroups/").split('?').next().unwrap_or_default().to_owned();

        let unknown = office.submit(&page_url, &format!("/workgroups/{id}/members"), &[("who", "没有这个人")]).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(unknown.has("没有登录名或姓名为「没有这个人」的助企干部"), "{b}");
        let not_cadre = office.submit(&page_url, &format!("/workgroups/{id}/members"), &[("who", "lingdao")]).await;
        assert_eq!(not_cadre.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: a leader is no cadre");
        let added = office.submit(&page_url, &format!("/workgroups/{id}/members"), &[("who", "ganbu")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{b}: {}", added.body);

        // One unknown line and no enterprise is assigned; an enterprise of another county is refused by the store.
        let uscc = s
            .store
            .enterprise_for(&s.store.principal(s.world.users["admin"]).await.expect("admin"), s.world.e2)
            .await
            .expect("e2")
            .uscc;
        let text = format!("{uscc}\n不存在的公司");
        let mixed = office.submit(&page_url, &format!("/workgroups/{id}/enterprises"), &[("enterprises", &text)]).await;
        assert_eq!(mixed.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(mixed.has("「不存在的公司」：未找到该企业") && mixed.has("不存在的公司</textarea>"), "{b}");
        let outside = office
            .submit(&page_url, &format!("/workgroups/{id}/enterprises"), &[("enterprises", "周口华源食品有限公司")])
            .await;
        assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(outside.has("不在工作组所属地区"), "{b}: {}", outside.body);
        assert!(!cadre.get("/enterprises").await.has("扶沟县天顺纺织有限公司"), "{b}: nothing was assigned");

        let assigned =
            office.submit(&page_url, &format!("/workgroups/{id}/enterprises"), &[("enterprises", uscc.as_str())]).await;
        assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{b}: {}", assigned.body);
        let mine = cadre.get("/enterprises").await;
        assert!(mine.has("扶沟县天顺纺织有限公司"), "{b}: the cadre sees its new enterprise at once");

        // Retiring a group that serves an enterprise is refused next to the box; the stale form is refused too.
        let group = office.get(&format!("/workgroups/{id}")).await;
        let version = group
            .body
            .split(r#"name="version" value=""#)
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("0")
            .to_owned();
        let retire = office
            .submit(&page_url, &format!("/workgroups/{id}"), &[("name", "扶沟县助企工作组"), ("version", &version)])
            .await;
        assert_eq!(retire.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(retire.has("请先将企业移交其他工作组再停用"), "{b}: {}", retire.body);
        let stale = office
            .submit(&page_url, &format!("/workgroups/{id}"), &[("name", "新名"), ("active", "1"), ("version", "99")])
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{b}");

        // The xlsx of the list.
        let file = office.get("/workgroups/export.xlsx").await;
        assert_eq!(file.status, StatusCode::OK, "{b}");
        assert!(file.bytes.starts_with(b"PK") && file.disposition.is_some_and(|d| d.contains("filename*=")), "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_groups_are_kept_within_role_and_region() {
    for s in servers("web_work_groups_scope").await {
        let b = s.backend;
        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        let admin = s.store.principal(s.world.users["admin"]).await.expect("admin");
        let groups = s.store.work_groups(&admin, zhuqi_store::WorkGroupFilter { limit: 10, ..Default::default() });
        let id = groups.await.expect("groups").items[0].id;
        let path = format!("/workgroups/{id}");

        // 扶沟县's dispatcher does not see 川汇区's group; a cadre and a handler have no such page.
        let mut fugou = Browser::signed_in(&s, "fugou").await;
        assert_eq!(fugou.get(&path).await.status, StatusCode::NOT_FOUND, "{b}");
        assert!(fugou.get("/workgroups").await.has("共 0 条"), "{b}");
        for user in ["ganbu", "chengban", "qiye"] {
            let mut other = Browser::signed_in(&s, user).await;
            assert_eq!(other.get("/workgroups").await.status, StatusCode::FORBIDDEN, "{b}: {user}");
        }
        // The leader of 川汇区 reads it, with no forms, and cannot post one.
        let mut leader = Browser::signed_in(&s, "lingdao").await;
        let read = leader.get(&path).await;
        assert_eq!(read.status, StatusCode::OK, "{b}");
        assert!(!read.has(r#"id="assign""#) && !read.has(r#"id="work-group-edit""#), "{b}");
        let csrf = read.csrf();
        let posted = leader.post(&format!("{path}/enterprises"), &[("csrf", &csrf), ("enterprises", "x")]).await;
        assert_eq!(posted.status, StatusCode::FORBIDDEN, "{b}");
        // Without its CSRF token a keeper's form is refused.
        let forged = office.post(&format!("{path}/members"), &[("who", "ganbu")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{b}");
        // Taking the cadre out ends its scope.
        let ganbu = s.world.users["ganbu"];
        let removed = office.submit(&path, &format!("{path}/members/{ganbu}/remove"), &[]).await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER, "{b}");
        let mut cadre = Browser::signed_in(&s, "ganbu").await;
        assert!(!cadre.get("/enterprises").await.has("周口华源食品有限公司"), "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_keeps_work_groups_within_role_and_region() {
    use reqwest::Method;
    use serde_json::json;
    for s in servers("api_work_groups").await {
        let b = s.backend;
        let (e2, ganbu) = (s.world.e2, s.world.users["ganbu"]);
        let (status, made) =
            s.post("zhihuibu", "/work-groups", json!({"name": "扶沟县助企工作组", "region_code": "411621"})).await;
        assert_eq!(status, StatusCode::CREATED, "{b}: {made}");
        let id = made["group"]["id"].as_i64().expect("id");
        let (status, _) = s.post("zhihuibu", &format!("/work-groups/{id}/members"), json!({"user_ids": [ganbu]})).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let (status, group) =
            s.post("zhihuibu", &format!("/work-groups/{id}/enterprises"), json!({"enterprise_ids": [e2]})).await;
        assert_eq!(status, StatusCode::OK, "{b}: {group}");
        assert_eq!(group["enterprises"][0]["id"], json!(e2));
        let (status, list) = s.get("ganbu", &format!("/enterprises/{e2}")).await;
        assert_eq!(status, StatusCode::OK, "{b}: the cadre reads its new enterprise: {list}");

        let (status, page) = s.get("zhihuibu", "/work-groups?region=411621&limit=1").await;
        assert_eq!((status, page["total"].as_i64()), (StatusCode::OK, Some(1)), "{b}: {page}");
        let version = group["group"]["version"].as_i64().expect("version");
        let body = |v: i64, active: bool| json!({"version": v, "name": "扶沟县助企工作组", "lead_unit_id": null, "active": active});
        let path = format!("/work-groups/{id}");
        let patch = |body| s.call(Some("zhihuibu"), Method::PATCH, &path, Some(body));
        assert_eq!(patch(body(version + 1, true)).await.0, StatusCode::CONFLICT, "{b}: stale");
        assert_eq!(patch(body(version, false)).await.0, StatusCode::UNPROCESSABLE_ENTITY, "{b}: still serves e2");
        let release = format!("/work-groups/{id}/enterprises/{e2}");
        assert_eq!(s.call(Some("zhihuibu"), Method::DELETE, &release, None).await.0, StatusCode::OK, "{b}");
        let (status, retired) = patch(body(version, false)).await;
        assert_eq!((status, retired["group"]["active"].as_bool()), (StatusCode::OK, Some(false)), "{b}: {retired}");

        // Scope and roles.
        let (_, all) = s.get("admin", "/work-groups").await;
        let chuanhui = all["items"]
            .as_array()
            .and_then(|a| a.iter().find(|g| g["region_code"] == "411602"))
            .expect("川汇区's group")["id"]
            .as_i64()
            .expect("id");
        assert_eq!(s.get("fugou", &format!("/work-groups/{chuanhui}")).await.0, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(s.get("lingdao", &format!("/work-groups/{chuanhui}")).await.0, StatusCode::OK, "{b}");
        let (status, _) =
            s.post("lingdao", &format!("/work-groups/{chuanhui}/members"), json!({"user_ids": [ganbu]})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: a leader reads only");
        assert_eq!(s.get("ganbu", "/work-groups").await.0, StatusCode::FORBIDDEN, "{b}");
        let (status, _) = s.post("fugou", "/work-groups", json!({"name": "越界", "region_code": "411602"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}");
        let (status, _) =
            s.post("admin", "/work-groups", json!({"name": "x", "region_code": "411602", "extra": 1})).await;
        assert!(status.is_client_error(), "{b}: unknown fields are refused");
        let (status, _) =
            s.post("admin", &format!("/work-groups/{chuanhui}/enterprises"), json!({"enterprise_ids": []})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    }
}
