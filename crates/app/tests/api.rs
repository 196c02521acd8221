//! The REST API over real HTTP, on SQLite and on PostgreSQL: every endpoint × every role within and outside scope,
//! concurrent answers, bad input. Every refusal is checked to have changed nothing.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::*;
use zhuqi_domain::Status;

/// Who may see E1's appeal assigned to unit A: its enterprise, its cadre, the city's dispatcher, unit A, the leader of
/// 川汇区. Nobody else — not the other enterprise, the other county's dispatcher, unit B, nor any admin.
const IN_SCOPE: [&str; 5] = ["qiye", "ganbu", "zhihuibu", "chengban", "lingdao"];

fn in_scope(user: &str) -> bool {
    IN_SCOPE.contains(&user)
}

/// Unit A's handler sees the appeal only while it is assigned to unit A.
async fn sees(s: &Server, user: &str, id: i64) -> bool {
    let assigned = s.store.appeal(id).await.expect("read").state.unit_id == Some(s.world.unit_a);
    in_scope(user) && (user != "chengban" || assigned)
}

/// Each action endpoint: the status its appeal must be in, whether an extension is pending, the users (of the test
/// city) whose role and scope allow it, and its body (without `version`).
fn actions(s: &Server) -> Vec<(&'static str, Status, bool, &'static [&'static str], Value)> {
    let unit = s.world.unit_a;
    vec![
        ("submit", Status::Draft, false, &["qiye", "ganbu"], json!({})),
        (
            "assign",
            Status::Submitted,
            false,
            &["zhihuibu"],
            json!({"unit_id": unit, "level": "city", "category": "financing"}),
        ),
        ("reject_invalid", Status::Submitted, false, &["zhihuibu"], json!({"reason": "重复提交"})),
        ("withdraw", Status::Submitted, false, &["qiye", "ganbu"], json!({"reason": "已自行解决"})),
        ("acknowledge", Status::Assigned, false, &["chengban"], json!({})),
        ("return", Status::Assigned, false, &["chengban"], json!({"reason": "不属于本单位职责"})),
        ("reply", Status::InProgress, false, &["chengban"], json!({"text": "已联系银行"})),
        ("answer", Status::InProgress, false, &["chengban"], json!({"text": "已放款"})),
        ("request_extension", Status::InProgress, false, &["chengban"], json!({"days": 5, "reason": "需省级审批"})),
        ("request_material", Status::InProgress, false, &["chengban"], json!({"what": "近三年财务报表"})),
        ("instruct", Status::InProgress, false, &["lingdao"], json!({"text": "请市金融局加快办理"})),
        ("approve_extension", Status::InProgress, true, &["zhihuibu"], json!({})),
        ("refuse_extension", Status::InProgress, true, &["zhihuibu"], json!({"reason": "可按期办结"})),
        ("supply_material", Status::Waiting, false, &["qiye", "ganbu"], json!({"text": "报表已上传"})),
        ("confirm", Status::Answered, false, &["qiye"], json!({"rating": 5, "comment": "满意"})),
        ("reject", Status::Answered, false, &["qiye"], json!({"reason": "贷款仍未到账"})),
    ]
}

fn with_version(body: &Value, version: u32) -> Value {
    let mut b = body.clone();
    b["version"] = json!(version);
    b
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_by_every_role_inside_and_outside_scope() {
    for s in servers("every_action_by_every_role_inside_and_outside_scope").await {
        for (action, status, pending, rightful, body) in actions(&s) {
            let id = s.appeal_in(status, pending).await;
            let before = s.version(id).await;
            for (user, _) in USERS.iter().filter(|(u, _)| !rightful.contains(u)) {
                let (code, err) = s.post(user, &format!("/appeals/{id}/{action}"), with_version(&body, before)).await;
                let expected: &[StatusCode] =
                    if sees(&s, user, id).await { &[StatusCode::FORBIDDEN] } else { &[StatusCode::NOT_FOUND] };
                assert!(
                    expected.contains(&code),
                    "{}: {user} {action}: {code} {err} (expected {expected:?})",
                    s.backend
                );
                assert!(err["code"].is_string() && err["message"].is_string(), "error shape: {err}");
                assert_eq!(s.version(id).await, before, "{}: {user}'s refused {action} changed the appeal", s.backend);
            }
            let (code, done) =
                s.post(rightful[0], &format!("/appeals/{id}/{action}"), with_version(&body, before)).await;
            assert_eq!(code, StatusCode::OK, "{}: {} {action}: {done}", s.backend, rightful[0]);
            assert_eq!(done["version"], json!(before + 1));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_outside_scope_is_not_found() {
    for s in servers("reading_outside_scope_is_not_found").await {
        let id = s.appeal_in(Status::InProgress, false).await;
        for (user, _) in USERS {
            let want = if in_scope(user) { StatusCode::OK } else { StatusCode::NOT_FOUND };
            assert_eq!(s.get(user, &format!("/appeals/{id}")).await.0, want, "{}: {user} get", s.backend);
            assert_eq!(s.get(user, &format!("/appeals/{id}/events")).await.0, want, "{}: {user} events", s.backend);
            let (code, list) = s.get(user, "/appeals?limit=100").await;
            assert_eq!(code, StatusCode::OK, "{user} list: {list}");
            let listed = list["items"].as_array().expect("items").iter().any(|a| a["id"] == json!(id));
            assert_eq!(listed, in_scope(user), "{}: {user} lists it: {listed}", s.backend);
            // Enterprises: E1 is seen by those who see its appeals, by the system administrator (the register) and by
            // 川汇区's dispute workstation, which names the enterprises of its region as parties (not their appeals).
            let sees_e1 = in_scope(user) || user == "admin" || user == "jiufen";
            let want = if sees_e1 { StatusCode::OK } else { StatusCode::NOT_FOUND };
            assert_eq!(s.get(user, &format!("/enterprises/{}", s.world.e1)).await.0, want, "{user} enterprise");
        }
        // Creating an appeal for an enterprise outside one's scope: not found, nothing written.
        let count = s.store.counts().await.expect("counts").appeals;
        let new =
            json!({"enterprise_id": s.world.e2, "category": "financing", "title": "越权登记", "description": "x"});
        for user in ["qiye", "ganbu", "lingdao", "chengban", "admin", "shenji"] {
            let (code, err) = s.post(user, "/appeals", new.clone()).await;
            assert!(matches!(code, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{user}: {code} {err}");
        }
        assert_eq!(s.store.counts().await.expect("counts").appeals, count);
        let (code, made) = s.post("fugou", "/appeals", new).await;
        assert_eq!(code, StatusCode::CREATED, "the county's dispatcher registers for its enterprise: {made}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_endpoints_answer_only_their_roles() {
    for s in servers("admin_endpoints_answer_only_their_roles").await {
        let target = s.world.users["qiye2"];
        for (i, (user, _)) in USERS.iter().enumerate() {
            let user = *user;
            let expect = |allowed: &[&str]| if allowed.contains(&user) { "ok" } else { "forbidden" };
            let cases: Vec<(Method, String, Option<Value>, &str)> = vec![
                (Method::GET, "/users".into(), None, expect(&["admin", "anquan"])),
                (Method::GET, "/audit".into(), None, expect(&["shenji"])),
                (
                    Method::POST,
                    "/regions".into(),
                    Some(json!({"code": format!("4116{:02}", 30 + i), "name": "新区"})),
                    expect(&["admin"]),
                ),
                (
                    Method::POST,
                    "/units".into(),
                    Some(json!({"name": format!("新单位{i}"), "region_code": "411600"})),
                    expect(&["admin"]),
                ),
                (
                    Method::POST,
                    "/categories".into(),
                    Some(json!({"code": format!("c{i}"), "name": format!("类{i}")})),
                    expect(&["admin"]),
                ),
                (
                    Method::POST,
                    "/deadline-policies".into(),
                    Some(
                        json!({"code": format!("p{i}"), "name": "即办件", "acknowledge": 0, "reply": 0, "resolve": 1, "feedback": 1}),
                    ),
                    expect(&["admin"]),
                ),
                (
                    Method::PUT,
                    format!("/users/{target}/roles"),
                    Some(json!({"roles": ["enterprise"]})),
                    expect(&["anquan"]),
                ),
                (Method::POST, format!("/users/{target}/password-reset"), None, expect(&["anquan"])),
                (
                    Method::POST,
                    "/users".into(),
                    Some(
                        json!({"username": format!("new{i}"), "display_name": "新用户", "roles": ["leader"], "region_code": "411600"}),
                    ),
                    expect(&["admin", "anquan"]),
                ),
            ];
            for (method, path, body, outcome) in cases {
                let audit_before = s.store.audit_records(None, 1).await.expect("audit")[0].seq;
                let (code, resp) = s.call(Some(user), method.clone(), &path, body).await;
                if outcome == "ok" {
                    assert!(code.is_success(), "{}: {user} {method} {path}: {code} {resp}", s.backend);
                } else {
                    assert_eq!(code, StatusCode::FORBIDDEN, "{}: {user} {method} {path}: {resp}", s.backend);
                    let audit_after = s.store.audit_records(None, 1).await.expect("audit")[0].seq;
                    assert_eq!(audit_before, audit_after, "a refused request wrote something");
                }
            }
            // Reference data every signed-in user reads; the caller itself.
            for path in ["/regions", "/units", "/categories", "/deadline-policies", "/me", "/tokens"] {
                assert_eq!(s.get(user, path).await.0, StatusCode::OK, "{user} {path}");
            }
        }
        // Nobody changes their own roles, not even the security administrator.
        let own = format!("/users/{}/roles", s.world.users["anquan"]);
        let (code, _) = s.call(Some("anquan"), Method::PUT, &own, Some(json!({"roles": ["sysadmin"]}))).await;
        assert_eq!(code, StatusCode::FORBIDDEN);
        // Only the security administrator grants admin roles.
        let body = json!({"username": "sneaky", "display_name": "x", "roles": ["auditor"]});
        assert_eq!(s.post("admin", "/users", body).await.0, StatusCode::FORBIDDEN);
        // No credentials, a wrong token: 401 everywhere.
        assert_eq!(s.call(None, Method::GET, "/appeals", None).await.0, StatusCode::UNAUTHORIZED);
        let resp = s.client.get(format!("{}/appeals", s.base)).bearer_auth("zq_wrong").send().await.expect("send");
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_handlers_answering_at_once_one_wins() {
    for s in servers("two_handlers_answering_at_once_one_wins").await {
        for round in 0..5 {
            let id = s.appeal_in(Status::InProgress, false).await;
            let v = s.version(id).await;
            let path = format!("/appeals/{id}/answer");
            let (a, b) = tokio::join!(
                s.post("chengban", &path, json!({"version": v, "text": "甲的答复"})),
                s.post("chengban", &path, json!({"version": v, "text": "乙的答复"})),
            );
            let mut codes = [a.0, b.0];
            codes.sort();
            assert_eq!(codes, [StatusCode::OK, StatusCode::CONFLICT], "{} round {round}: {a:?} {b:?}", s.backend);
            let loser = if a.0 == StatusCode::CONFLICT { &a.1 } else { &b.1 };
            assert_eq!(loser["code"], "conflict");
            let events = s.store.appeal_events(id).await.expect("events");
            assert_eq!(events.len() as u32, v + 1, "exactly one answer recorded");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_a_clear_error_and_changes_nothing() {
    for s in servers("bad_input_is_refused_with_a_clear_error_and_changes_nothing").await {
        let id = s.appeal_in(Status::Submitted, false).await;
        let counts = s.store.counts().await.expect("counts");
        let version = s.version(id).await;
        let unit = s.world.unit_a;
        let raw = |body: &'static str| {
            let s = &s;
            async move {
                let resp = s
                    .client
                    .post(format!("{}/appeals", s.base))
                    .bearer_auth(token("zhihuibu"))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("send");
                let status = resp.status();
                (status, resp.json::<Value>().await.expect("json error"))
            }
        };
        let cases: Vec<(StatusCode, &str, (StatusCode, Value))> = vec![
            (StatusCode::BAD_REQUEST, "invalid_json", raw("{\"title\": ").await),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", raw("{\"enterprise_id\": \"one\", \"category\": \"financing\", \"title\": \"t\", \"description\": \"d\"}").await),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", raw("{\"enterprise_id\": 1, \"category\": \"financing\", \"title\": \"t\", \"description\": \"d\", \"colour\": 1}").await),
            (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large",
                s.post("zhihuibu", "/appeals", json!({"description": "长".repeat(40_000)})).await),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_uscc",
                s.post("admin", "/enterprises", json!({"name": "某公司", "uscc": "91411602MA000000I1", "region_code": "411602", "industry": "纺织"})).await),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value",
                s.post("admin", "/enterprises", json!({"name": "某公司", "uscc": zhuqi_domain::Uscc::with_check_char("91411699MA0000003").expect("uscc").as_str(), "region_code": "411699", "industry": "纺织"})).await),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value",
                s.post("zhihuibu", &format!("/appeals/{id}/assign"), json!({"version": version, "unit_id": 987654, "level": "city", "category": "financing"})).await),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value",
                s.post("zhihuibu", &format!("/appeals/{id}/assign"), json!({"version": version, "unit_id": unit, "level": "city", "category": "no-such"})).await),
            (StatusCode::CONFLICT, "illegal_transition",
                s.post("qiye", &format!("/appeals/{id}/confirm"), json!({"version": version, "rating": 5})).await),
            (StatusCode::CONFLICT, "conflict",
                s.post("zhihuibu", &format!("/appeals/{id}/assign"), json!({"version": version - 1, "unit_id": unit, "level": "city", "category": "financing"})).await),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value",
                s.post("zhihuibu", "/appeals", json!({"enterprise_id": s.world.e1, "category": "financing", "title": "  ", "description": "d"})).await),
            (StatusCode::BAD_REQUEST, "invalid_query", s.get("zhihuibu", "/appeals?status=sleeping").await),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_limit", s.get("zhihuibu", "/appeals?limit=1000").await),
            (StatusCode::BAD_REQUEST, "invalid_path", s.get("zhihuibu", "/appeals/abc").await),
            (StatusCode::NOT_FOUND, "not_found", s.get("zhihuibu", "/no-such-endpoint").await),
        ];
        for (want, code, (got, body)) in cases {
            assert_eq!((got, body["code"].as_str()), (want, Some(code)), "{}: {body}", s.backend);
            let message = body["message"].as_str().expect("message");
            assert!(message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "a Chinese message: {message}");
        }
        let mut after = s.store.counts().await.expect("counts");
        after.regions = counts.regions;
        assert_eq!(after, counts, "{}: bad input wrote something", s.backend);
        assert_eq!(s.version(id).await, version);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_loop_over_http_with_filters_and_history() {
    for s in servers("a_whole_loop_over_http_with_filters_and_history").await {
        let (code, a) = s
            .post("qiye", "/appeals", json!({"category": "financing", "title": "设备贷款", "description": "需贷款300万元", "amount_fen": 300_000_000}))
            .await;
        assert_eq!(code, StatusCode::CREATED, "{a}");
        let id = a["id"].as_i64().expect("id");
        assert!(a["number"].as_str().expect("number").starts_with("ZK-"));
        let steps = [
            (
                "zhihuibu",
                "assign",
                json!({"unit_id": s.world.unit_a, "level": "city", "category": "financing", "policy": "13710"}),
            ),
            ("chengban", "acknowledge", json!({})),
            ("chengban", "answer", json!({"text": "已放款"})),
            ("qiye", "reject", json!({"reason": "仍未到账"})),
            ("chengban", "acknowledge", json!({})),
            ("chengban", "answer", json!({"text": "已到账"})),
            ("qiye", "confirm", json!({"rating": 5, "comment": "很满意"})),
        ];
        let mut version = a["version"].as_u64().expect("version") as u32;
        for (user, action, body) in steps {
            let (code, r) = s.post(user, &format!("/appeals/{id}/{action}"), with_version(&body, version)).await;
            assert_eq!(code, StatusCode::OK, "{user} {action}: {r}");
            version = r["version"].as_u64().expect("version") as u32;
        }
        let (_, done) = s.get("qiye", &format!("/appeals/{id}")).await;
        assert_eq!((done["status"].as_str(), done["rating"].as_u64()), (Some("closed"), Some(5)));
        let (_, events) = s.get("zhihuibu", &format!("/appeals/{id}/events")).await;
        let kinds: Vec<&str> =
            events.as_array().expect("events").iter().map(|e| e["action"]["action"].as_str().unwrap_or("")).collect();
        assert_eq!(kinds, ["create", "assign", "acknowledge", "answer", "reject", "acknowledge", "answer", "confirm"]);
        // Filters.
        for (query, listed) in [
            ("status=closed", true),
            ("status=in_progress", false),
            ("category=financing&level=city", true),
            ("region=411602", true),
            ("region=411621", false),
            (&format!("unit_id={}", s.world.unit_b) as &str, false),
            ("q=设备", true),
            ("q=ZK-", false),
            ("from=2000-01-01&to=2099-12-31", true),
            ("to=2000-01-01", false),
        ] {
            let (code, list) = s.get("zhihuibu", &format!("/appeals?{query}")).await;
            assert_eq!(code, StatusCode::OK, "{query}: {list}");
            let found = list["items"].as_array().expect("items").iter().any(|a| a["id"] == json!(id));
            assert_eq!(found, listed, "{}: {query}", s.backend);
        }
        // Cursor pagination walks every appeal once.
        for _ in 0..4 {
            s.appeal_in(Status::Submitted, false).await;
        }
        let (mut seen, mut cursor) = (Vec::new(), None::<String>);
        loop {
            let q = cursor.as_ref().map_or("/appeals?limit=2".to_owned(), |c| format!("/appeals?limit=2&cursor={c}"));
            let (_, page) = s.get("zhihuibu", &q).await;
            seen.extend(page["items"].as_array().expect("items").iter().map(|a| a["id"].as_i64().expect("id")));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        let total = s.store.counts().await.expect("counts").appeals as usize;
        let mut unique = seen.clone();
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (total, total), "{seen:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_every_endpoint() {
    let s = start(db::sqlite().await).await;
    let doc: Value =
        s.client.get(format!("{}/openapi.json", s.base)).send().await.expect("get").json().await.expect("json");
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    let paths = doc["paths"].as_object().expect("paths");
    for (action, ..) in actions(&s) {
        assert!(paths.contains_key(&format!("/appeals/{{id}}/{action}")), "{action} is documented");
    }
    for path in [
        "/appeals",
        "/appeals/{id}",
        "/appeals/{id}/events",
        "/session",
        "/session/password",
        "/tokens",
        "/enterprises",
        "/regions",
        "/units",
        "/categories",
        "/deadline-policies",
        "/users",
        "/audit",
        "/me",
        "/work-groups",
        "/common-issues",
        "/common-issues/{id}",
        "/common-issues/{id}/resolve",
        "/appeals/{id}/attachments",
        "/attachments/{id}",
        "/appeals/{id}/co-handling",
        "/appeals/{id}/co-handling/sign",
        "/appeals/{id}/co-handling/opinions",
        "/disputes",
        "/disputes/{id}/steps",
        "/disputes/figures",
        "/disputes/mediators",
        "/policies",
        "/policies/{id}",
        "/policies/{id}/matches",
        "/enterprises/{id}/policies",
        "/policies/{id}/deliveries",
        "/enterprises/{id}/deliveries",
        "/policies/{id}/grant-list",
        "/policies/{id}/grant-list/confirm",
        "/policies/{id}/questions",
        "/policies/figures",
        "/policies/{id}/files",
        "/policies/{id}/files/{file_id}",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    let schemes = doc["components"]["securitySchemes"].as_object().expect("security schemes");
    assert!(schemes.contains_key("token") && schemes.contains_key("session"));
    assert!(doc["components"]["schemas"]["ErrorBody"]["required"].to_string().contains("code"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_light_filter_lists_exactly_the_items_of_that_light() {
    use zhuqi_domain::{Action, Channel, Role};
    for s in servers("the_light_filter_lists_exactly_the_items_of_that_light").await {
        // One assigned in March 2024 (long overdue), one assigned now (normal), one closed (no light).
        let late = {
            let new = zhuqi_store::NewAppeal {
                enterprise_id: s.world.e1,
                channel: Channel::Web,
                category: "financing".into(),
                title: "早已超期".into(),
                description: "2024年登记".into(),
                amount: None,
                draft: false,
            };
            let rec = s
                .store
                .create_appeal(sys(), new, s.actor("qiye", Role::Enterprise), at("2024-03-04T01:00:00Z"))
                .await
                .expect("create");
            let assign = Action::assign_standard(s.world.unit_a, "financing");
            s.store
                .perform(sys(), rec.id, 1, s.actor("zhihuibu", Role::Dispatcher), assign, at("2024-03-04T02:00:00Z"))
                .await
                .expect("assign");
            rec.id
        };
        let fresh = s.appeal_in(Status::Assigned, false).await;
        let (_, overdue) = s.get("zhihuibu", "/appeals?light=overdue").await;
        let ids: Vec<i64> =
            overdue["items"].as_array().expect("items").iter().map(|a| a["id"].as_i64().expect("id")).collect();
        assert_eq!(ids, [late], "{}: {overdue}", s.backend);
        assert_eq!(overdue["items"][0]["light"], "overdue");
        let (_, normal) = s.get("zhihuibu", "/appeals?light=normal").await;
        let ids: Vec<i64> =
            normal["items"].as_array().expect("items").iter().map(|a| a["id"].as_i64().expect("id")).collect();
        assert_eq!(ids, [fresh], "{}: {normal}", s.backend);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_co_handling_and_common_issues_over_http() {
    use base64::Engine;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    for s in servers("api_files_issues").await {
        let b = s.backend;
        // An enterprise uploads a file, lists it and downloads it byte for byte; a bad file changes nothing.
        let id = s.appeal_in(Status::Submitted, false).await;
        let pdf = b"%PDF-1.4 api upload";
        let body = json!({"files": [{"name": "营业执照.pdf", "content_base64": b64(pdf)}]});
        let (status, files) = s.post("qiye", &format!("/appeals/{id}/attachments"), body).await;
        assert_eq!(status, StatusCode::CREATED, "{b}: {files}");
        let file_id = files[0]["id"].as_i64().expect("id");
        let bad = json!({"files": [{"name": "x.pdf", "content_base64": "不是base64"}]});
        let (status, err) = s.post("qiye", &format!("/appeals/{id}/attachments"), bad).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_file")), "{b}");
        let (_, listed) = s.get("qiye", &format!("/appeals/{id}/attachments")).await;
        assert_eq!(listed.as_array().map(Vec::len), Some(1), "{b}: {listed}");
        let got = s.client.get(format!("{}/attachments/{file_id}", s.base)).bearer_auth(token("qiye")).send().await;
        let got = got.expect("download");
        assert_eq!(got.status(), StatusCode::OK, "{b}");
        assert_eq!(got.bytes().await.expect("bytes").as_ref(), pdf, "{b}");
        let (status, _) = s.get("qiye2", &format!("/attachments/{file_id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}: another enterprise");

        // Assigned with a co-unit: it signs once and gives its opinion with a file; the lead unit reads it.
        let (_, a) = s.get("zhihuibu", &format!("/appeals/{id}")).await;
        let assign = json!({"version": a["version"], "unit_id": s.world.unit_a, "co_unit_ids": [s.world.unit_b],
            "level": "city", "category": "financing", "policy": "13710"});
        let (status, body) = s.post("zhihuibu", &format!("/appeals/{id}/assign"), assign).await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        let (status, _) = s.post("chengban2", &format!("/appeals/{id}/co-handling/sign"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let (status, _) = s.post("chengban2", &format!("/appeals/{id}/co-handling/sign"), json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{b}");
        let opinion = json!({"text": "同意，建议按稳岗政策办理。", "files": [{"name": "核查表.pdf", "content_base64": b64(b"%PDF co")}]});
        let (status, given) = s.post("chengban2", &format!("/appeals/{id}/co-handling/opinions"), opinion).await;
        assert_eq!(status, StatusCode::CREATED, "{b}: {given}");
        let (_, co) = s.get("chengban", &format!("/appeals/{id}/co-handling")).await;
        assert_eq!(co["opinions"][0]["attachments"][0]["name"], "核查表.pdf", "{b}: {co}");
        let (_, hidden) = s.get("qiye", &format!("/appeals/{id}/co-handling")).await;
        assert_eq!(hidden["opinions"].as_array().map(Vec::len), Some(0), "{b}");

        // The lead unit signs and answers with a file, in one step; a bad file refuses the step whole.
        let (status, _) =
            s.post("chengban", &format!("/appeals/{id}/acknowledge"), json!({"version": s.version(id).await})).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let version = s.version(id).await;
        let bad =
            json!({"version": version, "text": "已办结。", "files": [{"name": "结果.pdf", "content_base64": "@@"}]});
        let (status, _) = s.post("chengban", &format!("/appeals/{id}/answer"), bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(s.version(id).await, version, "{b}: nothing changed");
        let answer = json!({"version": version, "text": "已协调银行办理续贷，见办理结果。",
            "files": [{"name": "办理结果.pdf", "content_base64": b64(b"%PDF answer")}]});
        let (status, body) = s.post("chengban", &format!("/appeals/{id}/answer"), answer).await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("answered")), "{b}: {body}");
        let (_, listed) = s.get("qiye", &format!("/appeals/{id}/attachments")).await;
        let answered = listed.as_array().expect("files").iter().find(|f| f["name"] == "办理结果.pdf").cloned();
        assert_eq!(answered.map(|f| f["step"].clone()), Some(json!("answer")), "{b}: {listed}");

        // A common issue over HTTP: opened, an appeal merged, answered once.
        let new = json!({"title": "园区企业用电容量不足", "category": "financing", "lead_unit_id": s.world.unit_a});
        let (status, issue) = s.post("zhihuibu", "/common-issues", new.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{b}: {issue}");
        let (status, _) = s.post("lingdao", "/common-issues", new).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: leaders read only");
        let issue_id = issue["id"].as_i64().expect("id");
        let other = s.appeal_in(Status::Submitted, false).await;
        let merge = json!({"version": s.version(other).await, "common_issue_id": issue_id});
        let (status, body) = s.post("zhihuibu", &format!("/appeals/{other}/merge"), merge).await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        let (_, page) = s.get("zhihuibu", "/common-issues?open=true").await;
        assert_eq!(page["total"], 1, "{b}: {page}");
        // The 川汇区 leader does not read the city office's issue.
        let (_, page) = s.get("lingdao", "/common-issues").await;
        assert_eq!(page["total"], 0, "{b}: {page}");
        let blank = json!({"version": 1, "answer": " "});
        let (status, _) = s.post("zhihuibu", &format!("/common-issues/{issue_id}/resolve"), blank).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let answer = json!({"version": 1, "answer": "已协调供电公司增容。"});
        let (status, done) = s.post("zhihuibu", &format!("/common-issues/{issue_id}/resolve"), answer).await;
        assert_eq!((status, done["answered"].as_i64()), (StatusCode::OK, Some(1)), "{b}: {done}");
        let (_, shown) = s.get("zhihuibu", &format!("/common-issues/{issue_id}")).await;
        assert_eq!(shown["appeals"][0]["status"], "answered", "{b}: {shown}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_create_sent_twice_with_one_key_is_one() {
    for s in servers("every_create_sent_twice_with_one_key_is_one").await {
        let b = s.backend;
        let send = |user: &str, path: &str, body: Value, key: &str| {
            let req = s.client.post(format!("{}{path}", s.base)).bearer_auth(token(user)).json(&body);
            let req = req.header("Idempotency-Key", key);
            async move {
                let resp = req.send().await.expect("send");
                let status = resp.status();
                (status, resp.json::<Value>().await.expect("json"))
            }
        };
        let cases = [
            ("admin", "/units", json!({"name": "接口重试局", "region_code": "411600"})),
            ("zhihuibu", "/work-groups", json!({"name": "接口重试工作组", "region_code": "411600"})),
            ("admin", "/regions", json!({"code": "411625", "name": "重试区"})),
        ];
        for (user, path, body) in cases {
            let (first, second) =
                tokio::join!(send(user, path, body.clone(), "retry-1"), send(user, path, body.clone(), "retry-1"));
            assert_eq!(
                (first.0, second.0),
                (StatusCode::CREATED, StatusCode::CREATED),
                "{b} {path}: {first:?} {second:?}"
            );
            assert_eq!(first.1, second.1, "{b} {path}: the same item");
        }
        // The key of one create sent with another item is refused, and a bad body is refused whatever its key.
        let first = send("admin", "/categories", json!({"code": "k_one", "name": "一类"}), "cat-1").await;
        assert_eq!(first.0, StatusCode::CREATED, "{b}: {first:?}");
        let other = send("admin", "/categories", json!({"code": "k_two", "name": "二类"}), "cat-1").await;
        assert_eq!(other.0, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {other:?}");
        let blank = send("admin", "/categories", json!({"code": "k_one", "name": ""}), "cat-1").await;
        assert_eq!(blank.0, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {blank:?}");
        let appeal = json!({"category": "financing", "title": "设备贷款", "description": "需贷款300万元"});
        let first = send("qiye", "/appeals", appeal.clone(), "ap-1").await;
        assert_eq!(first.0, StatusCode::CREATED, "{b}: {first:?}");
        let blank =
            send("qiye", "/appeals", json!({"category": "financing", "title": " ", "description": "d"}), "ap-1");
        assert_eq!(blank.await.0, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        // A new account: the password is in the first answer only; the repeat says the account exists (200).
        let body =
            json!({"username": "chongshi", "display_name": "重试用户", "roles": ["leader"], "region_code": "411600"});
        let first = send("admin", "/users", body.clone(), "user-1").await;
        let second = send("admin", "/users", body, "user-1").await;
        assert_eq!(first.0, StatusCode::CREATED, "{b}: {first:?}");
        assert!(first.1["one_time_password"].as_str().is_some_and(|p| !p.is_empty()), "{b}");
        assert_eq!(second.0, StatusCode::OK, "{b}: {second:?}");
        assert!(second.1["one_time_password"].is_null(), "{b}: never made up again");
        assert_eq!(first.1["user"]["id"], second.1["user"]["id"], "{b}");
    }
}

/// 重点工作周交办 through the API (issue 15): the office records a meeting and hands out a task (both idempotent); the
/// lead unit takes its steps through one endpoint; the office judges it; every refusal is the engine's, with its code,
/// and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meetings_and_tasks_through_the_api() {
    for s in servers("meetings_and_tasks_through_the_api").await {
        let b = s.backend;
        let send = |user: &str, path: String, body: Value, key: &str| {
            let req = s.client.post(format!("{}{path}", s.base)).bearer_auth(token(user)).json(&body);
            let req = req.header("Idempotency-Key", key);
            async move {
                let resp = req.send().await.expect("send");
                (resp.status(), resp.json::<Value>().await.expect("json"))
            }
        };
        let meeting = json!({"region_code": "411600", "title": "市政府2026年第12次重点工作周交办会议",
            "held_on": "2026-03-23", "chair": "市长"});
        let (code, m) = send("zhengfuban", "/meetings".into(), meeting.clone(), "m-1").await;
        assert_eq!(code, StatusCode::CREATED, "{b}: {m}");
        let (again, m2) = send("zhengfuban", "/meetings".into(), meeting.clone(), "m-1").await;
        assert_eq!((again, &m2["id"]), (StatusCode::CREATED, &m["id"]), "{b}: a retry is the same meeting");
        let (refused, err) = send("zhihuibu", "/meetings".into(), meeting, "m-2").await;
        assert_eq!(refused, StatusCode::FORBIDDEN, "{b}: {err}");

        let tasks = format!("/meetings/{}/tasks", m["id"]);
        let task = json!({"area": "项目建设", "content": "推进港口物流园项目用地报批", "leader": "常务副市长",
            "unit_id": s.world.unit_a, "policy": "13710"});
        let (code, t) = send("zhengfuban", tasks.clone(), task.clone(), "t-1").await;
        assert_eq!(code, StatusCode::CREATED, "{b}: {t}");
        assert!(t["number"].as_str().is_some_and(|n| n.starts_with("JB-")) && t["status"] == "assigned", "{t}");
        let (_, same) = send("zhengfuban", tasks.clone(), task.clone(), "t-1").await;
        assert_eq!(same["id"], t["id"], "{b}");
        for (why, bad) in [
            (
                "due before the meeting",
                json!({"area": "x", "content": "y", "leader": "z", "unit_id": s.world.unit_a,
                "due_on": "2026-03-01"}),
            ),
            ("an unknown unit", json!({"area": "x", "content": "y", "leader": "z", "unit_id": 999_999})),
            (
                "an unknown policy",
                json!({"area": "x", "content": "y", "leader": "z", "unit_id": s.world.unit_a,
                "policy": "nope"}),
            ),
            (
                "a date and a policy",
                json!({"area": "x", "content": "y", "leader": "z", "unit_id": s.world.unit_a,
                "due_on": "2026-04-30", "policy": "13710"}),
            ),
        ] {
            let (code, err) = s.post("zhengfuban", &tasks, bad).await;
            assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {why}: {err}");
        }
        let (_, detail) = s.get("zhengfuban", &format!("/meetings/{}", m["id"])).await;
        assert_eq!(detail["tasks"].as_array().map(Vec::len), Some(1), "{b}: refused tasks wrote nothing: {detail}");

        let id = t["id"].as_i64().expect("id");
        let step = |version: i64, action: Value| json!({"version": version, "action": action});
        let path = format!("/tasks/{id}/steps");
        // Outside scope: not found; in scope but not one's step: forbidden; nothing changes.
        for (user, want) in [
            ("zhihuibu", StatusCode::NOT_FOUND),
            ("qiye", StatusCode::NOT_FOUND),
            ("chengban2", StatusCode::NOT_FOUND),
            ("zhengfuban", StatusCode::FORBIDDEN),
        ] {
            let (code, err) = s.post(user, &path, step(2, json!({"action": "acknowledge"}))).await;
            assert_eq!(code, want, "{b}: {user}: {err}");
        }
        let (code, listed) = s.get("chengban", "/tasks?status=assigned").await;
        assert_eq!((code, listed["total"].as_i64()), (StatusCode::OK, Some(1)), "{b}: {listed}");
        let (code, t) = s.post("chengban", &path, step(2, json!({"action": "acknowledge"}))).await;
        assert_eq!((code, t["version"].as_i64()), (StatusCode::OK, Some(3)), "{b}: {t}");
        let (code, err) = s.post("chengban", &path, step(2, json!({"action": "reply", "text": "进展"}))).await;
        assert_eq!(code, StatusCode::CONFLICT, "{b}: a stale version: {err}");
        let (code, err) =
            s.post("chengban", &path, step(3, json!({"action": "request_material", "what": "材料"}))).await;
        assert!(code == StatusCode::FORBIDDEN || code == StatusCode::UNPROCESSABLE_ENTITY, "{b}: {code} {err}");
        let (code, t) = s.post("chengban", &path, step(3, json!({"action": "answer", "text": "已完成用地报批"}))).await;
        assert_eq!((code, &t["status"]), (StatusCode::OK, &json!("answered")), "{b}: {t}");
        let rated = json!({"action": "confirm", "rating": 5, "comment": ""});
        let (code, err) = s.post("zhengfuban", &path, step(4, rated)).await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{b}: a task is not rated: {err}");
        let judged = json!({"action": "confirm", "rating": null, "comment": "按期完成"});
        let (code, t) = s.post("zhengfuban", &path, step(4, judged)).await;
        assert_eq!((code, &t["status"], &t["on_time"]), (StatusCode::OK, &json!("closed"), &json!(true)), "{b}: {t}");
        let (_, events) = s.get("lingdao", &format!("/tasks/{id}/events")).await;
        assert_eq!(events["code"], "not_found", "{b}: a district leader does not read a city task: {events}");
        let (code, events) = s.get("zhengfuban", &format!("/tasks/{id}/events")).await;
        assert_eq!((code, events.as_array().map(Vec::len)), (StatusCode::OK, Some(5)), "{b}: {events}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disputes_through_the_api() {
    for s in servers("disputes_through_the_api").await {
        let b = s.backend;
        let (station, tiaojie) = (s.world.station, s.world.users["tiaojie"]);
        let send = |user: &str, body: Value, key: &str| {
            let req = s.client.post(format!("{}/disputes", s.base)).bearer_auth(token(user)).json(&body);
            let req = req.header("Idempotency-Key", key);
            async move {
                let resp = req.send().await.expect("send");
                (resp.status(), resp.json::<Value>().await.expect("json"))
            }
        };
        let case = |enterprise: i64, dispute_type: &str, amount_fen: i64| {
            json!({"enterprise_ids": [enterprise], "other_party": "周口市宏达建材有限公司",
                "dispute_type": dispute_type, "amount_fen": amount_fen,
                "facts": "对方拖欠货款12万元，经多次催要未果。"})
        };
        let (code, d) = send("jiufen", case(s.world.e1, "买卖纠纷", 12_000_000), "d-1").await;
        assert_eq!(code, StatusCode::CREATED, "{b}: {d}");
        assert!(d["number"].as_str().is_some_and(|n| n.starts_with("JF-")), "{b}: {d}");
        assert_eq!(
            (&d["status"], &d["status_label"], &d["version"]),
            (&json!("submitted"), &json!("待分流"), &json!(1))
        );
        assert_eq!((&d["parties"][0]["enterprise_id"], &d["workstation_id"]), (&json!(s.world.e1), &json!(station)));
        let (again, same) = send("jiufen", case(s.world.e1, "买卖纠纷", 12_000_000), "d-1").await;
        assert_eq!((again, &same["id"]), (StatusCode::CREATED, &d["id"]), "{b}: a retry is the same case");
        for (why, user, body, want) in [
            (
                "a party outside the region",
                "jiufen",
                case(s.world.e2, "买卖纠纷", 100),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            ("an unknown enterprise", "jiufen", case(999_999, "买卖纠纷", 100), StatusCode::UNPROCESSABLE_ENTITY),
            (
                "an absurd amount",
                "jiufen",
                case(s.world.e1, "买卖纠纷", 10_000_000_000_001),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            ("a negative amount", "jiufen", case(s.world.e1, "买卖纠纷", -1), StatusCode::UNPROCESSABLE_ENTITY),
            ("an unknown type", "jiufen", case(s.world.e1, "邻里纠纷", 100), StatusCode::UNPROCESSABLE_ENTITY),
            ("not a workstation", "zhihuibu", case(s.world.e1, "买卖纠纷", 100), StatusCode::FORBIDDEN),
            ("not a workstation", "tiaojie", case(s.world.e1, "买卖纠纷", 100), StatusCode::FORBIDDEN),
        ] {
            let (code, err) = s.post(user, "/disputes", body).await;
            assert_eq!(code, want, "{b}: {why}: {err}");
        }
        let (code, listed) = s.get("jiufen", "/disputes").await;
        assert_eq!(
            (code, listed["total"].as_i64()),
            (StatusCode::OK, Some(1)),
            "{b}: refusals wrote nothing: {listed}"
        );

        let id = d["id"].as_i64().expect("id");
        let one = format!("/disputes/{id}");
        for (user, want) in [
            ("qiye", StatusCode::OK),
            ("lingdao", StatusCode::OK),
            ("qiye2", StatusCode::NOT_FOUND),
            ("chengban", StatusCode::NOT_FOUND),
            ("zhihuibu", StatusCode::NOT_FOUND),
            ("tiaojie", StatusCode::NOT_FOUND),
        ] {
            let (code, _) = s.get(user, &one).await;
            assert_eq!(code, want, "{b}: {user} reads the case");
        }
        let (code, list) = s.get("jiufen", "/disputes/mediators").await;
        assert_eq!(code, StatusCode::OK, "{b}: {list}");
        assert_eq!(
            list,
            json!([{"id": tiaojie, "name": "tiaojie", "unit_id": station,
            "unit_name": "川汇区非公企业多元解纷工作站"}]),
            "{b}"
        );
        let (code, _) = s.get("tiaojie", "/disputes/mediators").await;
        assert_eq!(code, StatusCode::FORBIDDEN, "{b}: a mediator does not transfer");

        let step = |version: i64, action: Value| json!({"version": version, "action": action});
        let path = format!("{one}/steps");
        let transfer = |policy: &str| {
            json!({"action": "transfer", "forum": "mediator", "unit_id": station, "mediator_id": tiaojie,
                "policy": policy})
        };
        for (why, user, body, want) in [
            ("not transferred yet", "tiaojie", step(1, json!({"action": "acknowledge"})), StatusCode::NOT_FOUND),
            ("outside scope", "chengban", step(1, transfer("13710")), StatusCode::NOT_FOUND),
            ("a party does not transfer", "qiye", step(1, transfer("13710")), StatusCode::FORBIDDEN),
            ("a stale version", "jiufen", step(5, transfer("13710")), StatusCode::CONFLICT),
            ("an unknown policy", "jiufen", step(1, transfer("nope")), StatusCode::UNPROCESSABLE_ENTITY),
            (
                "a mediator forum with no mediator",
                "jiufen",
                step(1, json!({"action": "transfer", "forum": "mediator", "unit_id": station})),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "a mediator of another unit",
                "jiufen",
                step(
                    1,
                    json!({"action": "transfer", "forum": "mediator", "unit_id": s.world.unit_a,
                    "mediator_id": tiaojie}),
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "no such step on a case",
                "jiufen",
                step(1, json!({"action": "submit"})),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            ("not yet in mediation", "jiufen", step(1, json!({"action": "approve_extension"})), StatusCode::CONFLICT),
        ] {
            let (code, err) = s.post(user, &path, body).await;
            assert_eq!(code, want, "{b}: {why}: {err}");
        }
        let (_, unchanged) = s.get("jiufen", &one).await;
        assert_eq!(unchanged["version"], 1, "{b}: refused steps changed nothing: {unchanged}");

        let (code, d) = s.post("jiufen", &path, step(1, transfer("13710"))).await;
        assert_eq!(code, StatusCode::OK, "{b}: {d}");
        assert_eq!(
            (&d["status"], &d["forum"], &d["mediator_id"]),
            (&json!("assigned"), &json!("mediator"), &json!(tiaojie))
        );
        assert_eq!((&d["dispute_type"], &d["mediator_name"]), (&json!("买卖纠纷"), &json!("tiaojie")), "{b}: {d}");
        assert!(d["due"]["resolve"].is_string() && d["light"].is_string(), "{b}: 13710 runs: {d}");
        let (code, d) = s.post("tiaojie", &path, step(2, json!({"action": "acknowledge"}))).await;
        assert_eq!((code, &d["status"], &d["version"]), (StatusCode::OK, &json!("in_progress"), &json!(3)), "{b}: {d}");
        let session = json!({"action": "reply", "text": "组织双方首次调解，对方同意分期支付。"});
        let (code, err) = s.post("tiaojie", &path, step(2, session.clone())).await;
        assert_eq!(code, StatusCode::CONFLICT, "{b}: a stale version: {err}");
        let (code, d) = s.post("tiaojie", &path, step(3, session)).await;
        assert_eq!((code, &d["version"]), (StatusCode::OK, &json!(4)), "{b}: {d}");
        let mediated = |agreed: Value| {
            json!({"action": "conclude", "outcome": "mediated", "agreed": agreed,
            "text": "双方达成调解协议，对方分两期支付10万元。"})
        };
        for (why, user, body, want) in [
            ("the workstation does not conclude", "jiufen", mediated(json!(10_000_000)), StatusCode::FORBIDDEN),
            ("mediated without the amount", "tiaojie", mediated(Value::Null), StatusCode::UNPROCESSABLE_ENTITY),
            ("a negative agreed amount", "tiaojie", mediated(json!(-5)), StatusCode::UNPROCESSABLE_ENTITY),
            ("not answered yet", "qiye", json!({"action": "confirm", "rating": 5}), StatusCode::CONFLICT),
        ] {
            let (code, err) = s.post(user, &path, step(4, body)).await;
            assert_eq!(code, want, "{b}: {why}: {err}");
        }
        let (code, d) = s.post("tiaojie", &path, step(4, mediated(json!(10_000_000)))).await;
        assert_eq!(code, StatusCode::OK, "{b}: {d}");
        assert_eq!(
            (&d["status"], &d["outcome"], &d["agreed_fen"]),
            (&json!("answered"), &json!("mediated"), &json!(10_000_000))
        );
        let rated = json!({"action": "confirm", "rating": 5, "comment": "调解及时，问题解决。"});
        let (code, err) = s.post("qiye2", &path, step(5, rated.clone())).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{b}: not a party: {err}");
        let (code, d) = s.post("qiye", &path, step(5, rated)).await;
        assert_eq!((code, &d["status"], &d["rating"]), (StatusCode::OK, &json!("closed"), &json!(5)), "{b}: {d}");
        let (code, events) = s.get("tiaojie", &format!("{one}/events")).await;
        assert_eq!((code, events.as_array().map(Vec::len)), (StatusCode::OK, Some(6)), "{b}: {events}");
        assert_eq!(events[1]["action"]["policy"]["code"], "13710", "{b}: the policy the code named: {events}");

        for (q, total) in
            [("?outcome=mediated", 1), ("?status=closed", 1), ("?type=买卖纠纷", 1), ("?outcome=failed", 0)]
        {
            let (code, listed) = s.get("jiufen", &format!("/disputes{q}")).await;
            assert_eq!((code, listed["total"].as_i64()), (StatusCode::OK, Some(total)), "{b}: {q}: {listed}");
        }
        let (code, _) = s.get("jiufen", "/disputes?type=邻里纠纷").await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{b}: an unknown type");

        let (code, f) = s.get("jiufen", "/disputes/figures").await;
        assert_eq!(code, StatusCode::OK, "{b}: {f}");
        assert_eq!(
            (&f["by"], &f["total"]["received"], &f["total"]["mediated"]),
            (&json!("county"), &json!(1), &json!(1))
        );
        assert_eq!(
            (&f["total"]["success_rate_per_mille"], &f["total"]["amount_fen"]),
            (&json!(1000), &json!(12_000_000))
        );
        assert_eq!((&f["total"]["amount_yi"], &f["total"]["open"]), (&json!("0.00亿元"), &json!(0)), "{b}: {f}");
        assert_eq!((&f["rows"][0]["key"], &f["rows"][0]["label"]), (&json!("411602"), &json!("川汇区")), "{b}: {f}");
        let (code, f) = s.get("zhihuibu", "/disputes/figures?by=type").await;
        assert_eq!(
            (code, &f["rows"][0]["label"], &f["rows"][0]["received"]),
            (StatusCode::OK, &json!("买卖纠纷"), &json!(1))
        );
        let (_, f) = s.get("lingdao", "/disputes/figures?as_of=2020-01-01&by=workstation").await;
        assert_eq!((&f["total"]["received"], &f["rows"]), (&json!(0), &json!([])), "{b}: before the case: {f}");
        for (user, q, want) in [
            ("tiaojie", "", StatusCode::FORBIDDEN),
            ("qiye", "", StatusCode::FORBIDDEN),
            ("jiufen", "?by=street", StatusCode::BAD_REQUEST),
            ("jiufen", "?as_of=2026-02-30", StatusCode::BAD_REQUEST),
        ] {
            let (code, err) = s.get(user, &format!("/disputes/figures{q}")).await;
            assert_eq!(code, want, "{b}: {user} {q}: {err}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policies_and_matching_through_the_api() {
    for s in servers("policies_through_the_api").await {
        let b = s.backend;
        let policy = |title: &str, unit: i64| {
            json!({"title": title, "issuer": "周口市人民政府办公室", "level": "city",
                "doc_number": "周政办〔2026〕12号", "region_code": "411600", "unit_id": unit, "status": "published",
                "valid_from": "2026-01-01", "valid_to": "2027-12-31", "benefit_kind": "subsidy",
                "benefit": "一次性奖励50万元", "cap_fen": 50_000_000,
                "conditions": {"industries": ["现代食品"], "sizes": ["specialized"], "min_employees": 20},
                "body": "对首次认定的专精特新企业给予一次性奖励。"})
        };
        let send = |user: &str, body: Value, key: &str| {
            let req = s.client.post(format!("{}/policies", s.base)).bearer_auth(token(user)).json(&body);
            let req = req.header("Idempotency-Key", key);
            async move {
                let resp = req.send().await.expect("send");
                (resp.status(), resp.json::<Value>().await.expect("json"))
            }
        };
        let (code, p) = send("zhihuibu", policy("周口市支持专精特新企业发展若干措施", s.world.unit_a), "p-1").await;
        assert_eq!(code, StatusCode::CREATED, "{b}: {p}");
        assert_eq!((&p["standing"], &p["version"]), (&json!("有效"), &json!(1)), "{b}: {p}");
        assert_eq!(p["conditions_text"][0], json!("产业链：现代食品"));
        let (again, same) = send("zhihuibu", policy("周口市支持专精特新企业发展若干措施", s.world.unit_a), "p-1").await;
        assert_eq!((again, &same["id"]), (StatusCode::CREATED, &p["id"]), "{b}: a retry is the same policy");
        let id = p["id"].as_i64().expect("id");

        let with = |mut body: Value, key: &str, v: Value| {
            body[key] = v;
            body
        };
        let base = policy("周口市稳岗补贴实施办法", s.world.unit_a);
        for (why, user, body, want) in [
            ("an unknown industry", "zhihuibu", with(base.clone(), "conditions", json!({"industries": ["航天"]})), 422),
            ("ends before it starts", "zhihuibu", with(base.clone(), "valid_to", json!("2025-01-01")), 422),
            ("a negative cap", "zhihuibu", with(base.clone(), "cap_fen", json!(-1)), 422),
            ("an unknown region", "zhihuibu", with(base.clone(), "region_code", json!("411699")), 422),
            ("a bad region code", "zhihuibu", with(base.clone(), "region_code", json!("41")), 422),
            (
                "bounds that cross",
                "zhihuibu",
                with(base.clone(), "conditions", json!({"min_years": 5, "max_years": 2})),
                422,
            ),
            ("an unknown field", "zhihuibu", with(base.clone(), "discount", json!(1)), 422),
            ("an enterprise", "qiye", base.clone(), 403),
            ("another unit's policy", "chengban2", base.clone(), 403),
        ] {
            let (code, err) = s.post(user, "/policies", body).await;
            assert_eq!(code.as_u16(), want, "{b}: {why}: {err}");
        }
        let (_, list) = s.get("zhihuibu", "/policies").await;
        assert_eq!(list["total"], json!(1), "{b}: the refused ones changed nothing");
        let (_, found) = s.get("qiye", "/policies?q=%E4%B8%93%E7%B2%BE%E7%89%B9%E6%96%B0%20%E5%A5%96%E5%8A%B1").await;
        assert_eq!(found["total"], json!(1), "{b}: 专精特新 奖励 {found}");
        let (code, _) = s.get("shenji", &format!("/policies/{id}")).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{b}: the auditor reads no policy");

        // 政策附件: the office attaches the document; the enterprise downloads it; a bad type or another unit is
        // refused; a removed file is no longer served.
        use base64::Engine;
        let pdf = b"%PDF-1.4 zhuqi policy".to_vec();
        let file = |name: &str| {
            json!({"files": [{"name": name,
            "content_base64": base64::engine::general_purpose::STANDARD.encode(&pdf)}]})
        };
        let files = format!("/policies/{id}/files");
        let (code, added) = s.post("zhihuibu", &files, file("周政办〔2026〕12号.pdf")).await;
        assert_eq!(code, StatusCode::CREATED, "{b}: {added}");
        let file_id = added[0]["id"].as_i64().expect("file id");
        for (why, user, body, want) in
            [("an exe", "zhihuibu", file("安装.exe"), 422), ("another unit", "chengban2", file("a.pdf"), 403)]
        {
            let (code, err) = s.post(user, &files, body).await;
            assert_eq!(code.as_u16(), want, "{b}: {why}: {err}");
        }
        let (_, listed) = s.get("qiye", &files).await;
        assert_eq!(listed.as_array().map(Vec::len), Some(1), "{b}: {listed}");
        let got = s.client.get(format!("{}{files}/{file_id}", s.base)).bearer_auth(token("qiye")).send().await;
        assert_eq!(got.expect("get").bytes().await.expect("bytes").to_vec(), pdf, "{b}");
        let (code, _) = s.call(Some("qiye"), Method::DELETE, &format!("{files}/{file_id}"), None).await;
        assert_eq!(code, StatusCode::FORBIDDEN, "{b}: the enterprise reads, it does not remove");
        let (code, _) = s.call(Some("zhihuibu"), Method::DELETE, &format!("{files}/{file_id}"), None).await;
        assert_eq!(code, StatusCode::NO_CONTENT, "{b}");
        let (code, _) = s.get("qiye", &format!("{files}/{file_id}")).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{b}");

        // E1 records its facts and becomes 专精特新: it qualifies, and sees why.
        let (_, e1) = s.get("qiye", &format!("/enterprises/{}", s.world.e1)).await;
        let mut edit = e1.clone();
        edit.as_object_mut().expect("object").remove("id");
        edit["specialized"] = json!(true);
        edit["profile"] = json!({"registered_on": "2015-06-01", "employees": 12, "revenue_band": "20m_100m",
            "tax_credit": "A"});
        let (code, err) =
            s.call(Some("qiye"), Method::PUT, &format!("/enterprises/{}", s.world.e1), Some(edit.clone())).await;
        assert_eq!(code, StatusCode::OK, "{b}: {err}");
        let (_, fits) = s.get("qiye", &format!("/enterprises/{}/policies", s.world.e1)).await;
        assert_eq!(fits[0]["fit"], json!("nearly"), "{b}: 12 people of the 20 asked: {fits}");
        let failed: Vec<&Value> =
            fits[0]["checks"].as_array().expect("checks").iter().filter(|c| c["met"] == json!(false)).collect();
        assert_eq!(failed.len(), 1);
        assert!(failed[0]["reason"].as_str().expect("reason").contains("从业人员12人"), "{b}: {failed:?}");
        edit["profile"]["employees"] = json!(45);
        let (code, _) =
            s.call(Some("qiye"), Method::PUT, &format!("/enterprises/{}", s.world.e1), Some(edit.clone())).await;
        assert_eq!(code, StatusCode::OK);
        let (_, fits) = s.get("qiye", &format!("/enterprises/{}/policies", s.world.e1)).await;
        assert_eq!(fits[0]["fit"], json!("qualifies"), "{b}: {fits}");
        // The enterprise may not move itself to another county, nor read another's policies.
        let moved = with(edit.clone(), "region_code", json!("411621"));
        let (code, _) = s.call(Some("qiye"), Method::PUT, &format!("/enterprises/{}", s.world.e1), Some(moved)).await;
        assert_eq!(code, StatusCode::FORBIDDEN, "{b}");
        let (code, _) = s.get("qiye", &format!("/enterprises/{}/policies", s.world.e2)).await;
        assert_eq!(code, StatusCode::NOT_FOUND);

        // The policy's list: E1 for the office; the unit answering for it sees it too.
        let (_, m) = s.get("zhihuibu", &format!("/policies/{id}/matches")).await;
        assert_eq!((&m["total"], &m["items"][0]["id"]), (&json!(1), &json!(s.world.e1)), "{b}: {m}");
        let (_, m) = s.get("chengban", &format!("/policies/{id}/matches?as_of=2026-06-30")).await;
        assert_eq!(m["total"], json!(1), "{b}: {m}");

        // 送政策上门: the serving cadre delivers to E1, the enterprise claims, the unit grants within the cap.
        let steps = format!("/policies/{id}/deliveries");
        let today = zhuqi_domain::time::today().to_string();
        let tomorrow = zhuqi_domain::time::today().tomorrow().expect("tomorrow").to_string();
        let e1 = s.world.e1;
        let deliver = json!({"enterprise_id": e1, "step": "deliver", "on": today, "channel": "visit",
            "intention": "apply", "note": "上门讲解申报条件"});
        for (why, user, body, want) in [
            ("no channel", "ganbu", with(deliver.clone(), "channel", Value::Null), 422),
            ("a day to come", "ganbu", with(deliver.clone(), "on", json!(tomorrow)), 422),
            ("an unknown step", "ganbu", with(deliver.clone(), "step", json!("pay")), 422),
            ("an enterprise delivering", "qiye", deliver.clone(), 403),
            ("an enterprise it cannot see", "ganbu", with(deliver.clone(), "enterprise_id", json!(s.world.e2)), 404),
        ] {
            let (code, err) = s.post(user, &steps, body).await;
            assert_eq!(code.as_u16(), want, "{b}: {why}: {err}");
        }
        let (code, d) = s.post("ganbu", &steps, deliver.clone()).await;
        assert_eq!((code, &d["stage"], &d["version"]), (StatusCode::OK, &json!("delivered"), &json!(1)), "{b}: {d}");
        let (code, _) = s.post("ganbu", &steps, deliver.clone()).await;
        assert_eq!(code, StatusCode::CONFLICT, "{b}: the same form posted twice");
        let claim = json!({"enterprise_id": e1, "version": 1, "step": "claim", "on": today});
        let (code, d) = s.post("qiye", &steps, claim).await;
        assert_eq!((code, &d["stage_label"]), (StatusCode::OK, &json!("已申报")), "{b}: {d}");
        let grant =
            |fen: i64| json!({"enterprise_id": e1, "version": 2, "step": "grant", "on": today, "amount_fen": fen});
        for (why, user, body, want) in [
            ("the enterprise granting itself", "qiye", grant(100), 403),
            ("above the cap", "chengban", grant(50_000_001), 422),
            ("a negative amount", "chengban", grant(-1), 422),
            ("no amount", "chengban", with(grant(1), "amount_fen", Value::Null), 422),
        ] {
            let (code, err) = s.post(user, &steps, body).await;
            assert_eq!(code.as_u16(), want, "{b}: {why}: {err}");
        }
        let (code, d) = s.post("chengban", &steps, grant(30_000_000)).await;
        assert_eq!((code, &d["stage"], &d["granted_fen"]), (StatusCode::OK, &json!("granted"), &json!(30_000_000)));
        let (_, own) = s.get("qiye", &format!("/enterprises/{e1}/deliveries")).await;
        assert_eq!((&own["total"], &own["items"][0]["granted_fen"]), (&json!(1), &json!(30_000_000)), "{b}: {own}");
        let (_, all) = s.get("zhihuibu", &format!("{steps}?stage=granted")).await;
        assert_eq!(all["total"], json!(1), "{b}: {all}");
        let (code, _) = s.post("chengban", &format!("/policies/{id}/grant-list"), json!({})).await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{b}: only 免申即享 policies have a grant list");
        // The enterprise asks about it: a 政策兑现 appeal on the loop.
        let (code, a) =
            s.post("qiye", &format!("/policies/{id}/questions"), json!({"question": "研发费用如何归集？"})).await;
        assert_eq!(
            (code, &a["category"], &a["status"]),
            (StatusCode::CREATED, &json!("policy"), &json!("submitted")),
            "{b}: {a}"
        );
        // Sent again under one key it raises nothing more; a blank question is refused even under a key used before.
        let ask = |question: &str| {
            let req = s.client.post(format!("{}/policies/{id}/questions", s.base)).bearer_auth(token("qiye"));
            req.header("Idempotency-Key", "q-1").json(&json!({ "question": question })).send()
        };
        let first = ask("申报材料需要哪些？").await.expect("send");
        let first: Value = first.json().await.expect("json");
        let again: Value = ask("申报材料需要哪些？").await.expect("send").json().await.expect("json");
        assert_eq!(first["id"], again["id"], "{b}");
        let blank = ask(" ").await.expect("send");
        assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b}");

        // The figures count it, as of today; a day to come is refused.
        let (code, f) = s.get("zhihuibu", "/policies/figures?by=unit").await;
        assert_eq!(code, StatusCode::OK, "{b}: {f}");
        assert_eq!(
            (&f["in_force"], &f["total"]["granted"], &f["total"]["granted_fen"]),
            (&json!(1), &json!(1), &json!(30_000_000)),
            "{b}: {f}"
        );
        assert_eq!(f["lines"][0]["key"], json!(s.world.unit_a.to_string()), "{b}: {f}");
        let (code, _) = s.get("zhihuibu", &format!("/policies/figures?as_of={tomorrow}")).await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{b}");

        // Edits go by version: repealing as read works once; the stale one is 409.
        let repeal = with(
            with(policy("周口市支持专精特新企业发展若干措施", s.world.unit_a), "status", json!("repealed")),
            "version",
            json!(1),
        );
        let (code, r) = s.call(Some("zhihuibu"), Method::PUT, &format!("/policies/{id}"), Some(repeal.clone())).await;
        assert_eq!((code, &r["standing"]), (StatusCode::OK, &json!("已废止")), "{b}: {r}");
        let (code, _) = s.call(Some("zhihuibu"), Method::PUT, &format!("/policies/{id}"), Some(repeal)).await;
        assert_eq!(code, StatusCode::CONFLICT);
        let (_, fits) = s.get("qiye", &format!("/enterprises/{}/policies", s.world.e1)).await;
        assert_eq!(fits, json!([]), "{b}: a repealed policy is matched no more");
    }
}
