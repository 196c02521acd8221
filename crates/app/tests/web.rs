//! The pages of the non-admin roles over real HTTP on SQLite and PostgreSQL, signed in through the sign-in form like a
//! browser without JavaScript: which role opens which desk, the CSRF token of every form, a new appeal with its
//! attachments, the actions on an appeal page and their refusals, the enterprise sign-up, the cadre's visits, the
//! lists' filters and paging, and the dashboard's figures. Where a refusal must change nothing, the database is read
//! before and after.

mod support;

use jiff::{SignedDuration, Timestamp, ToSpan};
use reqwest::StatusCode;
use serde_json::Value;
use support::web::{Browser, Page, Upload};
use support::*;
use zhuqi_domain::{Action, Channel, DeadlinePolicy, Level, Role, Status, Uscc};
use zhuqi_store::{Headline, NewAppeal};

/// Every page of a non-admin desk and the roles that open it (`v.require` of each handler, `Desk.roles`).
const PAGES: [(&str, &[Role]); 19] = [
    ("/portal", &[Role::Enterprise]),
    ("/appeals/new", &[Role::Enterprise, Role::Cadre, Role::Dispatcher]),
    ("/enterprise", &[Role::Enterprise]),
    ("/enterprises", &[Role::Cadre, Role::Dispatcher, Role::Leader]),
    ("/visits", &[Role::Cadre, Role::Dispatcher, Role::Leader]),
    ("/triage", &[Role::Dispatcher]),
    ("/extensions", &[Role::Dispatcher]),
    ("/workgroups", &[Role::Dispatcher, Role::Leader, Role::Sysadmin]),
    ("/supervision", &[Role::Dispatcher, Role::Leader]),
    ("/workbench", &[Role::Handler]),
    ("/co-handling", &[Role::Handler]),
    ("/common-issues", &[Role::Dispatcher, Role::Leader]),
    ("/dashboard", &[Role::Leader, Role::Dispatcher]),
    ("/appeals", &[Role::Enterprise, Role::Cadre, Role::Dispatcher, Role::Handler, Role::Leader]),
    ("/meetings", &[Role::Office, Role::Leader, Role::Handler]),
    ("/tasks", &[Role::Office, Role::Leader, Role::Handler]),
    ("/disputes", &[Role::Workstation, Role::Mediator, Role::Handler, Role::Leader, Role::Enterprise]),
    ("/disputes/new", &[Role::Workstation]),
    ("/disputes/figures", &[Role::Workstation, Role::Leader, Role::Dispatcher]),
];

/// The ledgers each role may download (the others get 403, the signed-out the sign-in page).
const DOWNLOADS: [(&str, &[Role]); 3] = [
    ("/meetings/export.xlsx", &[Role::Office, Role::Leader]),
    ("/disputes/export.xlsx", &[Role::Workstation, Role::Mediator, Role::Handler, Role::Leader, Role::Enterprise]),
    ("/workgroups/export.xlsx", &[Role::Dispatcher, Role::Leader, Role::Sysadmin]),
];

/// Where `/` sends each role.
fn home(role: Role) -> &'static str {
    match role {
        Role::Enterprise => "/portal",
        Role::Cadre => "/enterprises",
        Role::Dispatcher => "/triage",
        Role::Handler => "/workbench",
        Role::Leader => "/dashboard",
        Role::Office => "/tasks",
        Role::Workstation | Role::Mediator => "/disputes",
        _ => "/admin",
    }
}

/// `&amp;` and the other entities askama writes into an attribute, undone.
fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The appeal numbers of a list page's rows, in order.
fn numbers(page: &Page) -> Vec<String> {
    let marker = r#"<td class="num"><a href="/appeals/"#;
    page.body
        .match_indices(marker)
        .map(|(at, _)| {
            let rest = &page.body[at + marker.len()..];
            let start = rest.find('>').expect("link") + 1;
            rest[start..].split('<').next().unwrap_or_default().to_owned()
        })
        .collect()
}

/// The lights of a list page's rows, in order ("overdue", "warning", "normal" or "none").
fn lights(page: &Page) -> Vec<String> {
    let tbody = &page.body[page.body.find("<tbody>").expect("table")..];
    tbody
        .split("<tr>")
        .skip(1)
        .map(|row| match row.find(r#"<span class="light "#) {
            Some(at) => row[at + r#"<span class="light "#.len()..].split('"').next().unwrap_or_default().to_owned(),
            None => "none".to_owned(),
        })
        .collect()
}

/// The link of the pager's "下一页", as a path.
fn next_link(page: &Page) -> Option<String> {
    let end = page.body.find(">下一页</a>")?;
    let before = &page.body[..end];
    let start = before.rfind("href=\"")? + "href=\"".len();
    Some(unescape(before[start..].trim_end_matches('"')))
}

/// The ids of the attachment links of an appeal page.
fn attachment_ids(page: &Page) -> Vec<i64> {
    let marker = r#"<a href="/attachments/"#;
    page.body
        .match_indices(marker)
        .map(|(at, _)| page.body[at + marker.len()..].split('"').next().unwrap_or_default().parse().expect("id"))
        .collect()
}

/// The `data-value` of a dashboard figure.
fn figure(page: &Page, id: &str) -> i64 {
    let marker = format!(r#"id="{id}" data-value=""#);
    let at = page.body.find(&marker).unwrap_or_else(|| panic!("no {id} in {}", page.body)) + marker.len();
    page.body[at..].split('"').next().unwrap_or_default().parse().expect("figure")
}

fn figures(page: &Page) -> Headline {
    Headline {
        collected: figure(page, "figure-collected"),
        resolved: figure(page, "figure-resolved"),
        open: figure(page, "figure-open"),
        warning: figure(page, "figure-warning"),
        overdue: figure(page, "figure-overdue"),
        rated: figure(page, "figure-rated"),
        five_star: figure(page, "figure-five-star"),
        reopened: figure(page, "figure-reopened"),
    }
}

/// The appeal as the API shows it to `user`.
async fn api_appeal(s: &Server, user: &str, id: i64) -> Value {
    let (status, body) = s.get(user, &format!("/appeals/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// An action form of the appeal page at its current version, posted with the viewer's token.
async fn act(b: &mut Browser, s: &Server, id: i64, action: &str, fields: &[(&str, &str)]) -> Page {
    let version = s.version(id).await.to_string();
    let page = format!("/appeals/{id}");
    let mut all = vec![("version", version.as_str())];
    all.extend_from_slice(fields);
    b.submit(&page, &format!("{page}/{action}"), &all).await
}

/// A submitted appeal of E1 registered `days_ago` days ago, and assigned to unit A then under `policy` if given.
async fn aged_appeal(s: &Server, title: &str, days_ago: i64, policy: Option<&DeadlinePolicy>) -> i64 {
    let at = Timestamp::now() - SignedDuration::from_hours(24 * days_ago);
    let new = NewAppeal {
        enterprise_id: s.world.e1,
        channel: Channel::Web,
        category: "financing".into(),
        title: title.into(),
        description: "企业反映的问题。".into(),
        amount: None,
        draft: false,
    };
    let rec = s.store.create_appeal(sys(), new, s.actor("qiye", Role::Enterprise), at).await.expect("create");
    if let Some(policy) = policy {
        let d = s.actor("zhihuibu", Role::Dispatcher);
        let step = Action::Assign {
            unit_id: s.world.unit_a,
            co_unit_ids: Vec::new(),
            level: Level::City,
            category: "financing".into(),
            policy: policy.clone(),
        };
        s.store.perform(sys(), rec.id, rec.state.version, d, step, at).await.expect("assign");
    }
    rec.id
}

async fn visit_count(s: &Server) -> usize {
    let dispatcher = s.store.principal(s.world.users["zhihuibu"]).await.expect("principal");
    s.store.visits_for(&dispatcher, None, 1000).await.expect("visits").len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_opens_its_desks_and_no_other() {
    for s in servers("web_role_matrix").await {
        for (user, role) in USERS {
            let mut b = Browser::signed_in(&s, user).await;
            let landed = b.get("/").await;
            assert_eq!(
                (landed.status, landed.location.as_deref()),
                (StatusCode::SEE_OTHER, Some(home(role))),
                "{user} at / on {}",
                s.backend
            );
            for (path, roles) in PAGES {
                let page = b.get(path).await;
                if roles.contains(&role) {
                    assert_eq!(page.status, StatusCode::OK, "{user} on {path} ({}): {}", s.backend, page.body);
                    assert!(page.has(r#"id="signout""#), "{user} on {path}: the frame");
                } else {
                    assert_eq!(page.status, StatusCode::FORBIDDEN, "{user} on {path} ({})", s.backend);
                    assert!(page.has("无权访问"), "{user} on {path}: {}", page.body);
                }
            }
            for (path, roles) in DOWNLOADS {
                let file = b.get(path).await;
                let expected = if roles.contains(&role) { StatusCode::OK } else { StatusCode::FORBIDDEN };
                assert_eq!(file.status, expected, "{user} downloading {path} ({})", s.backend);
            }
        }
        let mut anonymous = Browser::new(&s);
        for path in std::iter::once("/").chain(PAGES.iter().chain(&DOWNLOADS).map(|(p, _)| *p)) {
            let page = anonymous.get(path).await;
            assert_eq!((page.status, page.location.as_deref()), (StatusCode::SEE_OTHER, Some("/signin")), "{path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_needs_the_token_of_the_signed_in_user() {
    for s in servers("web_csrf_action").await {
        let id = s.appeal_in(Status::Assigned, false).await;
        let path = format!("/appeals/{id}/acknowledge");
        let mut handler = Browser::signed_in(&s, "chengban").await;
        let shown = handler.get(&format!("/appeals/{id}")).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", s.backend);
        assert!(shown.has(r#"data-action="acknowledge""#), "{}", shown.body);
        let token = shown.csrf();
        let mut other = Browser::signed_in(&s, "chengban2").await;
        let theirs = other.get("/workbench").await.csrf();
        assert_ne!(token, theirs);
        let mut wrong = token.clone().into_bytes();
        wrong[0] = if wrong[0] == b'a' { b'b' } else { b'a' };
        let wrong = String::from_utf8(wrong).expect("ascii");

        let before = (s.version(id).await, s.store.counts().await.expect("counts").events);
        let version = before.0.to_string();
        for (what, fields) in [
            ("no token", vec![("version", version.as_str())]),
            ("a wrong token", vec![("csrf", wrong.as_str()), ("version", version.as_str())]),
            ("another user's token", vec![("csrf", theirs.as_str()), ("version", version.as_str())]),
            ("an empty token", vec![("csrf", ""), ("version", version.as_str())]),
        ] {
            let refused = handler.post(&path, &fields).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{what} on {}", s.backend);
            assert!(refused.has("页面已过期"), "{what}: {}", refused.body);
            let after = (s.version(id).await, s.store.counts().await.expect("counts").events);
            assert_eq!(after, before, "{what} changed nothing");
        }

        // A handler of another unit, with its own good token, does not find the item at all.
        let outside = other.post(&path, &[("csrf", &theirs), ("version", &version)]).await;
        assert_eq!(outside.status, StatusCode::NOT_FOUND, "{}", outside.body);
        // Neither an unknown action nor a version that is not a number does anything.
        let unknown = handler.post(&format!("/appeals/{id}/bogus"), &[("csrf", &token), ("version", &version)]).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let garbled = handler.post(&path, &[("csrf", &token), ("version", "abc")]).await;
        assert_eq!(garbled.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", garbled.body);
        let after = (s.version(id).await, s.store.counts().await.expect("counts").events);
        assert_eq!(after, before, "nothing changed");

        let done = handler.post(&path, &[("csrf", &token), ("version", &version)]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.location, Some(format!("/appeals/{id}?done=acknowledge")));
        assert_eq!(s.version(id).await, before.0 + 1);
        assert_eq!(api_appeal(&s, "chengban", id).await["status"], "in_progress");
        let after = handler.get(&done.location.expect("redirect")).await;
        assert!(after.has(r#"class="flash ok""#) && after.has(r#"data-status="in_progress""#), "{}", after.body);
    }
}

/// Issue 14, finding 7: files are streamed to disk as they arrive, and a post that breaks a limit is stopped with a
/// message that says which — too many files, or one too large; nothing is stored. A file of exactly 10 MiB is taken.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_says_which_limit_it_breaks() {
    for s in servers("web_upload_limits").await {
        let b = s.backend;
        let mut qiye = Browser::signed_in(&s, "qiye").await;
        let csrf = qiye.get("/appeals/new").await.csrf();
        let fields = [
            ("csrf", csrf.as_str()),
            ("category", "financing"),
            ("title", "附件很多的诉求"),
            ("description", "随诉求附上相关材料。"),
        ];
        let before = s.store.counts().await.expect("counts");
        let small: &[u8] = b"%PDF-1.4 small";
        let names: Vec<String> = (1..=11).map(|i| format!("材料{i}.pdf")).collect();
        let eleven: Vec<Upload> = names.iter().map(|n| Upload { name: n, data: small }).collect();
        let refused = qiye.post_multipart("/appeals/new", &fields, &eleven).await;
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE, "{b}");
        assert!(refused.has("一次最多上传10个附件"), "{b}: {}", refused.body);
        let limit = 10 * 1024 * 1024;
        let big = vec![b'x'; limit + 1];
        let refused =
            qiye.post_multipart("/appeals/new", &fields, &[Upload { name: "厂房全景.pdf", data: &big }]).await;
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE, "{b}");
        assert!(refused.has("附件「厂房全景.pdf」超过10MB"), "{b}: {}", refused.body);
        assert_eq!(s.store.counts().await.expect("counts"), before, "{b}: nothing stored");
        // The same limits on a later step's form (here the enterprise's supplement).
        let id = s.appeal_in(Status::Waiting, false).await;
        let page = qiye.get(&format!("/appeals/{id}")).await;
        let step = [("csrf", page.csrf()), ("version", s.version(id).await.to_string()), ("text", "补充材料".into())];
        let step: Vec<(&str, &str)> = step.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = qiye.post_multipart(&format!("/appeals/{id}/supply_material"), &step, &eleven).await;
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE, "{b}: {}", refused.body);
        assert!(refused.has("一次最多上传10个附件"), "{b}: {}", refused.body);
        // Ten files, one of exactly 10 MiB: taken, byte for byte.
        let whole = vec![b'y'; limit];
        let mut ten: Vec<Upload> = eleven[..9].to_vec();
        ten.push(Upload { name: "整10MB.pdf", data: &whole });
        let made = qiye.post_multipart("/appeals/new", &fields, &ten).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{b}: {}", made.body);
        let shown = qiye.get(made.location.as_deref().expect("to the appeal")).await;
        let ids = attachment_ids(&shown);
        assert_eq!(ids.len(), 10, "{b}");
        let sizes: Vec<usize> = {
            let mut v = Vec::new();
            for aid in &ids {
                v.push(qiye.get(&format!("/attachments/{aid}")).await.bytes.len());
            }
            v
        };
        assert!(sizes.contains(&limit), "{b}: {sizes:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_appeal_with_attachments_and_its_refusals() {
    for s in servers("web_compose").await {
        let mut qiye = Browser::signed_in(&s, "qiye").await;
        let form = qiye.get("/appeals/new").await;
        assert_eq!(form.status, StatusCode::OK, "{}", s.backend);
        let csrf = form.csrf();
        let before = s.store.counts().await.expect("counts");

        // No title: the message sits next to the field, what was typed stays.
        let description = "因原材料涨价，企业流动资金紧张，需续贷300万元。";
        let fields =
            [("csrf", csrf.as_str()), ("category", "financing"), ("title", "  "), ("description", description)];
        let refused = qiye.post_multipart("/appeals/new", &fields, &[]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.has(r#"<p class="field-error">请填写问题标题</p>"#), "{}", refused.body);
        assert!(refused.has(&format!(">{description}</textarea>")), "the description is kept: {}", refused.body);
        assert!(refused.has(r#"<option value="financing" selected>"#), "the category is kept");
        assert_eq!(s.store.counts().await.expect("counts"), before, "nothing stored");

        // The multipart form needs the token too: none, or another user's, stores nothing.
        let theirs = Browser::signed_in(&s, "qiye2").await.get("/appeals/new").await.csrf();
        let good = [("category", "financing"), ("title", "伪造的诉求"), ("description", description)];
        for token in [None, Some(theirs.as_str())] {
            let mut fields = good.to_vec();
            if let Some(t) = token {
                fields.insert(0, ("csrf", t));
            }
            let forged = qiye.post_multipart("/appeals/new", &fields, &[]).await;
            assert_eq!(forged.status, StatusCode::FORBIDDEN, "{token:?}: {}", forged.body);
        }
        assert_eq!(s.store.counts().await.expect("counts"), before, "nothing stored");

        // A good appeal with two files.
        let pdf: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
        let png: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R', 0xff];
        let files = [Upload { name: "贷款申请.pdf", data: pdf }, Upload { name: "厂房照片.png", data: png }];
        let fields = [
            ("csrf", csrf.as_str()),
            ("category", "financing"),
            ("title", "流动资金贷款续贷困难"),
            ("description", description),
            ("amount_yuan", ""),
        ];
        let made = qiye.post_multipart("/appeals/new", &fields, &files).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let location = made.location.expect("redirect");
        let id: i64 = location.strip_prefix("/appeals/").and_then(|i| i.parse().ok()).expect("/appeals/{id}");
        let shown = qiye.get(&location).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.has("贷款申请.pdf") && shown.has("厂房照片.png"), "{}", shown.body);
        let ids = attachment_ids(&shown);
        assert_eq!(ids.len(), 2, "{}", shown.body);
        let view = api_appeal(&s, "qiye", id).await;
        assert_eq!((view["channel"].as_str(), view["status"].as_str()), (Some("web"), Some("submitted")));
        let mut served = Vec::new();
        for aid in &ids {
            let file = qiye.get(&format!("/attachments/{aid}")).await;
            assert_eq!(file.status, StatusCode::OK);
            let disposition = file.disposition.clone().unwrap_or_default();
            assert!(disposition.starts_with("attachment"), "{disposition}");
            served.push(file.bytes);
        }
        served.sort();
        let mut sent = vec![pdf.to_vec(), png.to_vec()];
        sent.sort();
        assert_eq!(served, sent, "the exact bytes");
        let mut other = Browser::signed_in(&s, "qiye2").await;
        for aid in &ids {
            let hidden = other.get(&format!("/attachments/{aid}")).await;
            assert_eq!(hidden.status, StatusCode::NOT_FOUND, "another enterprise's file");
            assert!(!hidden.bytes.windows(4).any(|w| w == b"%PDF"));
        }

        // A program is refused, and nothing of the appeal is kept.
        let before = s.store.counts().await.expect("counts");
        let fields = [
            ("csrf", csrf.as_str()),
            ("category", "financing"),
            ("title", "附件有问题的诉求"),
            ("description", "带了一个程序。"),
        ];
        let evil =
            qiye.post_multipart("/appeals/new", &fields, &[Upload { name: "evil.exe", data: b"MZ\x90\0" }]).await;
        assert_eq!(evil.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", evil.body);
        assert!(evil.has("附件「evil.exe」的类型不允许"), "{}", evil.body);
        assert!(evil.has(r#"value="附件有问题的诉求""#), "the title is kept");
        assert_eq!(s.store.counts().await.expect("counts"), before, "nothing stored");

        // A forged enterprise_id does not file an appeal for another enterprise.
        let e2 = s.world.e2.to_string();
        let forged = [
            ("csrf", csrf.as_str()),
            ("enterprise_id", e2.as_str()),
            ("category", "financing"),
            ("title", "替别的企业提交"),
            ("description", "越权。"),
        ];
        let refused = qiye.post_multipart("/appeals/new", &forged, &[]).await;
        assert!(
            matches!(refused.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY),
            "{}: {}",
            refused.status,
            refused.body
        );
        assert_eq!(s.store.counts().await.expect("counts"), before, "nothing stored");

        // The cadre registers one for an enterprise it serves: it came from a visit.
        let mut ganbu = Browser::signed_in(&s, "ganbu").await;
        let form = ganbu.get(&format!("/appeals/new?enterprise={}", s.world.e1)).await;
        assert!(form.has(&format!(r#"<option value="{}" selected>"#, s.world.e1)), "{}", form.body);
        assert!(!form.has(&format!(r#"<option value="{}""#, s.world.e2)), "not its enterprise");
        let e1 = s.world.e1.to_string();
        let fields = [
            ("csrf", form.csrf()),
            ("enterprise_id", e1.clone()),
            ("category", "labour".to_owned()),
            ("title", "招工难".to_owned()),
            ("description", "走访中企业反映缺少熟练工50人。".to_owned()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut outside = fields.clone();
        outside[1] = ("enterprise_id", e2.as_str());
        let refused = ganbu.post_multipart("/appeals/new", &outside, &[]).await;
        assert!(
            matches!(refused.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY),
            "{}: {}",
            refused.status,
            refused.body
        );
        assert_eq!(s.store.counts().await.expect("counts"), before, "not its enterprise: nothing stored");
        let made = ganbu.post_multipart("/appeals/new", &fields, &[]).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let id: i64 = made.location.as_deref().and_then(|l| l.strip_prefix("/appeals/")?.parse().ok()).expect("id");
        let view = api_appeal(&s, "ganbu", id).await;
        assert_eq!(view["channel"], "cadre_visit");
        assert_eq!(view["enterprise_id"], s.world.e1);
        assert!(
            ganbu.get(&format!("/appeals/{id}")).await.has("<dt>来源</dt><dd>干部走访</dd>"),
            "the channel's label"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_on_the_appeal_page_and_their_refusals() {
    for s in servers("web_actions").await {
        // Assign without a unit: the message at the field, the other choices as made.
        let id = s.appeal_in(Status::Submitted, false).await;
        let mut dispatcher = Browser::signed_in(&s, "zhihuibu").await;
        let version = s.version(id).await;
        let fields = [("unit_id", ""), ("level", "county"), ("category", "labour"), ("policy", "13710")];
        let refused = act(&mut dispatcher, &s, id, "assign", &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {}", s.backend, refused.body);
        assert!(refused.has(r#"<p class="field-error">请选择承办单位</p>"#), "{}", refused.body);
        assert!(refused.has(r#"<option value="county" selected>"#), "the level kept: {}", refused.body);
        assert!(refused.has(r#"<option value="labour" selected>"#), "the category kept");
        assert!(
            !refused.has(r#"<option value="city" selected>"#) && !refused.has(r#"<option value="financing" selected>"#)
        );
        assert_eq!(s.version(id).await, version);

        // Assigned; the same form posted again from the old page is stale.
        let unit = s.world.unit_a.to_string();
        let fields = [("unit_id", unit.as_str()), ("level", "city"), ("category", "financing"), ("policy", "13710")];
        let assigned = act(&mut dispatcher, &s, id, "assign", &fields).await;
        assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.body);
        assert_eq!(s.version(id).await, version + 1);
        let page = format!("/appeals/{id}");
        let csrf = dispatcher.get(&page).await.csrf();
        let stale = version.to_string();
        let mut all = vec![("csrf", csrf.as_str()), ("version", stale.as_str())];
        all.extend_from_slice(&fields);
        let conflict = dispatcher.post(&format!("{page}/assign"), &all).await;
        assert_eq!(conflict.status, StatusCode::CONFLICT, "{}", conflict.body);
        assert!(conflict.has(r#"class="flash error""#), "{}", conflict.body);
        assert!(conflict.has(r#"data-status="assigned""#) && conflict.has("周口市地方金融监督管理局"), "the new state");
        assert!(conflict.has(&format!(r#"name="version" value="{}""#, version + 1)), "the new version to act on");
        assert_eq!(s.version(id).await, version + 1, "nothing done twice");

        // An answer must say something.
        let id = s.appeal_in(Status::InProgress, false).await;
        let mut handler = Browser::signed_in(&s, "chengban").await;
        let version = s.version(id).await;
        let blank = act(&mut handler, &s, id, "answer", &[("text", "   ")]).await;
        assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", blank.body);
        assert!(blank.has("请填写办理结果"), "{}", blank.body);
        assert_eq!(s.version(id).await, version);
        assert_eq!(api_appeal(&s, "chengban", id).await["status"], "in_progress");

        // The enterprise confirms with five stars …
        let mut qiye = Browser::signed_in(&s, "qiye").await;
        let id = s.appeal_in(Status::Answered, false).await;
        // … told at the top of the page and in its list that a rating is awaited, with no star chosen for it, and
        // refused (nothing changed) if it posts no star.
        let page = qiye.get(&format!("/appeals/{id}")).await;
        assert!(page.has(r#"id="awaiting-rating""#) && !page.has("checked"), "{}", page.body);
        assert!(page.has("确认办结 · 5星（满意）") && page.has("不满意，要求重办"), "{}", page.body);
        assert!(qiye.get("/portal").await.has("待您评价"), "the portal marks the item");
        let version = s.version(id).await;
        let starless = act(&mut qiye, &s, id, "confirm", &[("comment", "好")]).await;
        assert_eq!(starless.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", starless.body);
        assert!(starless.has("请点选星级"), "{}", starless.body);
        assert_eq!(s.version(id).await, version);
        let confirmed = act(&mut qiye, &s, id, "confirm", &[("rating", "5"), ("comment", "办理及时，很满意")]).await;
        assert_eq!(confirmed.status, StatusCode::SEE_OTHER, "{}", confirmed.body);
        assert_eq!(confirmed.location, Some(format!("/appeals/{id}?done=confirm")));
        let view = api_appeal(&s, "qiye", id).await;
        assert_eq!((view["status"].as_str(), view["rating"].as_i64()), (Some("closed"), Some(5)), "{view}");
        assert_eq!(view["rating_comment"], "办理及时，很满意");

        // Another enterprise cannot rate it.
        let id2 = s.appeal_in(Status::Answered, false).await;
        let mut qiye2 = Browser::signed_in(&s, "qiye2").await;
        let csrf2 = qiye2.get("/portal").await.csrf();
        let v2 = s.version(id2).await.to_string();
        let path2 = format!("/appeals/{id2}/confirm");
        let foreign = qiye2.post(&path2, &[("csrf", &csrf2), ("version", &v2), ("rating", "1")]).await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);
        assert_eq!(api_appeal(&s, "qiye", id2).await["status"], "answered");

        // … or rejects the answer with a reason.
        let id = s.appeal_in(Status::Answered, false).await;
        let rejected = act(&mut qiye, &s, id, "reject", &[("reason", "贷款仍未到位")]).await;
        assert_eq!(rejected.status, StatusCode::SEE_OTHER, "{}", rejected.body);
        let view = api_appeal(&s, "qiye", id).await;
        assert_eq!((view["status"].as_str(), view["reopen_count"].as_i64()), (Some("reopened"), Some(1)), "{view}");
        let shown = qiye.get(&format!("/appeals/{id}")).await;
        assert!(shown.has("贷款仍未到位"), "the reason in the timeline");

        // The dispatcher merges one into a new common issue.
        let id = s.appeal_in(Status::Submitted, false).await;
        let merged =
            act(&mut dispatcher, &s, id, "merge", &[("common_issue_id", ""), ("new_title", "园区道路积水")]).await;
        assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
        let view = api_appeal(&s, "zhihuibu", id).await;
        assert_eq!(view["status"], "merged", "{view}");
        assert!(view["common_issue_id"].as_i64().is_some());
        let other = s.appeal_in(Status::Submitted, false).await;
        let offered = dispatcher.get(&format!("/appeals/{other}")).await;
        assert!(offered.has("园区道路积水（已并入1件）"), "the new issue is offered: {}", offered.body);
    }
}

/// The sign-up form for 周口新星食品有限公司 with the given credit code, username and repeated password.
fn signup<'a>(uscc: &'a str, username: &'a str, again: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("name", "周口新星食品有限公司"),
        ("uscc", uscc),
        ("region", "411602"),
        ("industry", "现代食品"),
        ("contact_name", "李明"),
        ("contact_phone", "13912345678"),
        ("username", username),
        ("password", PASSWORD),
        ("password_again", again),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enterprise_signs_up_once() {
    for s in servers("web_signup").await {
        let uscc = Uscc::with_check_char("91411602MA0000009").expect("uscc").as_str().to_owned();
        let last = uscc.chars().last().expect("check character");
        let wrong = format!("{}{}", &uscc[..17], if last == '0' { '1' } else { '0' });
        let (uscc, wrong) = (uscc.as_str(), wrong.as_str());
        let before = s.store.counts().await.expect("counts");
        let mut b = Browser::new(&s);
        let form = b.get("/register").await;
        assert_eq!(form.status, StatusCode::OK, "{}", s.backend);
        assert!(b.cookies.contains_key("zhuqi_form"), "the form's cookie");

        let bad = b.submit("/register", "/register", &signup(wrong, "xinxing", PASSWORD)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.has(&format!("统一社会信用代码校验位错误，应为 {last}")), "{}", bad.body);
        assert!(bad.has(&format!(r#"value="{wrong}""#)) && bad.has(r#"value="周口新星食品有限公司""#), "typed kept");

        let mismatch = b.submit("/register", "/register", &signup(uscc, "xinxing", "Test@2026y")).await;
        assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", mismatch.body);
        assert!(mismatch.has("两次输入的密码不一致"), "{}", mismatch.body);
        assert!(!mismatch.has(PASSWORD) && !mismatch.has("Test@2026y"), "no password comes back");
        assert!(mismatch.has(r#"value="xinxing""#), "the username is kept");
        assert_eq!(s.store.counts().await.expect("counts"), before, "nothing stored");

        let good = b.submit("/register", "/register", &signup(uscc, "xinxing", PASSWORD)).await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
        assert_eq!(good.location.as_deref(), Some("/signin?registered=1"));
        assert!(b.get("/signin?registered=1").await.has("注册成功"));
        let mut user = Browser::new(&s);
        let landed = user.sign_in_as("xinxing", PASSWORD).await;
        assert_eq!((landed.status, landed.location.as_deref()), (StatusCode::SEE_OTHER, Some("/portal")));
        assert_eq!(user.get("/portal").await.status, StatusCode::OK, "its own enterprise is linked");
        let own = user.get("/enterprise").await;
        assert!(own.has("周口新星食品有限公司") && own.has(uscc), "{}", own.body);
        let after = s.store.counts().await.expect("counts");
        assert_eq!((after.enterprises, after.users), (before.enterprises + 1, before.users + 1));

        let again = b.submit("/register", "/register", &signup(uscc, "xinxing2", PASSWORD)).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
        assert!(again.has(r#"class="form-error""#), "{}", again.body);
        assert!(s.store.user_by_name("xinxing2").await.is_err(), "no second user");
        let refused = Browser::new(&s).sign_in_as("xinxing2", PASSWORD).await;
        assert_ne!(refused.status, StatusCode::SEE_OTHER);
        assert_eq!(s.store.counts().await.expect("counts"), after);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cadre_records_visits_to_its_enterprises_only() {
    for s in servers("web_visits").await {
        let today = zhuqi_domain::time::today();
        let e1 = format!("/enterprises/{}", s.world.e1);
        let mut ganbu = Browser::signed_in(&s, "ganbu").await;
        let shown = ganbu.get(&e1).await;
        assert!(shown.has(r#"id="visit-new""#), "{}: {}", s.backend, shown.body);

        let day = today.to_string();
        let notes = "走访了解到企业用电负荷紧张，需协调增容。";
        let saved = ganbu.submit(&e1, &format!("{e1}/visits"), &[("visited_on", &day), ("notes", notes)]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert_eq!(saved.location, Some(format!("{e1}?done=visit")));
        let after = ganbu.get(&saved.location.expect("redirect")).await;
        assert!(after.has("走访记录已保存") && after.has(notes) && after.has(&day), "{}", after.body);
        let list = ganbu.get("/visits").await;
        assert!(list.has(notes) && list.has("周口华源食品有限公司"), "{}", list.body);
        assert_eq!(visit_count(&s).await, 1);

        // The same form sent twice (a double tap, a resent request) records one visit.
        let form = ganbu.get(&e1).await;
        let key = form.idempotency_key();
        let fields = [
            ("csrf", form.csrf()),
            ("visited_on", day.clone()),
            ("notes", "二次回访".into()),
            ("idempotency_key", key),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for _ in 0..2 {
            let sent = ganbu.post(&format!("{e1}/visits"), &fields).await;
            assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        }
        assert_eq!(visit_count(&s).await, 2, "{}: one more visit, not two", s.backend);
        assert!(ganbu.get("/visits").await.has("共 2 条 · 第 1/1 页"), "{}", s.backend);
        let sheet = ganbu.get("/visits/export.xlsx").await.sheet_rows();
        assert_eq!(sheet.len(), 3, "{}: a header and the two visits: {sheet:?}", s.backend);
        assert!(sheet[1..].iter().all(|r| r[1] == "周口华源食品有限公司"), "{sheet:?}");

        let tomorrow = today.checked_add(1.day()).expect("date").to_string();
        let future =
            ganbu.submit(&e1, &format!("{e1}/visits"), &[("visited_on", &tomorrow), ("notes", "明天的走访")]).await;
        assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", future.body);
        assert!(future.has("晚于今天") && future.has("明天的走访"), "{}", future.body);
        assert_eq!(visit_count(&s).await, 2, "nothing stored");

        let e2 = format!("/enterprises/{}", s.world.e2);
        assert_eq!(ganbu.get(&e2).await.status, StatusCode::NOT_FOUND, "not its enterprise");
        let csrf = ganbu.get("/visits").await.csrf();
        let outside =
            ganbu.post(&format!("{e2}/visits"), &[("csrf", &csrf), ("visited_on", &day), ("notes", "越界走访")]).await;
        assert_eq!(outside.status, StatusCode::NOT_FOUND, "{}", outside.body);
        assert_eq!(visit_count(&s).await, 2, "nothing stored");
        assert!(!ganbu.get("/visits").await.has("越界走访"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_check_their_filters_and_page() {
    for s in servers("web_lists").await {
        for i in 0..55 {
            aged_appeal(&s, &format!("第{i}号诉求"), 0, None).await;
        }
        let mut qiye = Browser::signed_in(&s, "qiye").await;
        let bad = qiye.get("/appeals?from=2026-13-01").await;
        assert_eq!(bad.status, StatusCode::OK, "{}", s.backend);
        assert!(bad.has(r#"<p class="field-error">日期格式应为"#), "{}", bad.body);
        assert!(bad.has(r#"value="2026-13-01""#) && bad.has("没有符合条件的诉求"));
        assert!(numbers(&bad).is_empty(), "no rows under a bad filter");
        let bogus = qiye.get("/appeals?status=bogus").await;
        assert_eq!(bogus.status, StatusCode::OK);
        assert!(bogus.has(r#"<p class="field-error">状态无效</p>"#) && numbers(&bogus).is_empty(), "{}", bogus.body);

        // Newest first, page N of M with the total; the last page read from the list's end is the rest of it.
        for path in ["/appeals", "/portal"] {
            let first = qiye.get(path).await;
            let one = numbers(&first);
            assert_eq!(one.len(), 50, "{path}");
            assert!(first.has("共 55 条 · 第 1/2 页") && first.has(">末页</a>"), "{path}: {}", first.body);
            let next = next_link(&first).unwrap_or_else(|| panic!("no 下一页 on {path}"));
            let second = qiye.get(&next).await;
            assert_eq!(second.status, StatusCode::OK, "{next}");
            let two = numbers(&second);
            assert_eq!(two.len(), 5, "{next}");
            assert!(two.iter().all(|n| !one.contains(n)), "{next} shows other appeals");
            assert!(next_link(&second).is_none() && second.has(">首页</a>") && second.has("第 2/2 页"));
            let mut both = one.clone();
            both.extend(two.clone());
            let mut newest_first = both.clone();
            newest_first.sort_by(|a, b| b.cmp(a));
            assert_eq!(both, newest_first, "{path}: newest first across the pages");
            // A page past the end shows the last one.
            assert_eq!(numbers(&qiye.get(&format!("{path}?page=9")).await), two, "{path}");
            // The export holds every row the filters find, not one page.
            let sheet = qiye.get(&format!("{path}/export.xlsx")).await;
            assert_eq!(sheet.status, StatusCode::OK, "{path}");
            let mut book: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(std::io::Cursor::new(sheet.bytes.clone())).expect("xlsx");
            let range = calamine::Reader::worksheet_range_at(&mut book, 0).expect("a sheet").expect("readable");
            assert_eq!(range.height(), 56, "{path}: a header and 55 rows");
            let bad = qiye.get(&format!("{path}/export.xlsx?from=bogus")).await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        }
        // First come, first served, by page number.
        let mut dispatcher = Browser::signed_in(&s, "zhihuibu").await;
        let first = dispatcher.get("/triage").await;
        let one = numbers(&first);
        let next = next_link(&first).expect("下一页 on the triage queue");
        assert!(next.contains("page=2"), "{next}");
        let two = numbers(&dispatcher.get(&next).await);
        assert_eq!((one.len(), two.len()), (50, 5));
        assert!(two.iter().all(|n| !one.contains(n)));
        let mut all = one.clone();
        all.extend(two);
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(all, sorted, "oldest first");

        // The enterprise list pages and downloads what it finds, the phone masked for a leader, whole for the office.
        let mut lingdao = Browser::signed_in(&s, "lingdao").await;
        let list = lingdao.get("/enterprises?q=华源").await;
        assert!(list.has("共 1 条 · 第 1/1 页") && list.has("周口华源食品有限公司"), "{}", list.body);
        for (user, phone) in [("lingdao", "138****8000"), ("zhihuibu", "13800138000")] {
            let mut b = Browser::signed_in(&s, user).await;
            let sheet = b.get("/enterprises/export.xlsx?q=华源").await;
            assert_eq!(sheet.status, StatusCode::OK, "{user}");
            let mut book: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(std::io::Cursor::new(sheet.bytes.clone())).expect("xlsx");
            let range = calamine::Reader::worksheet_range_at(&mut book, 0).expect("a sheet").expect("readable");
            assert_eq!(range.height(), 2, "{user}: a header and one enterprise");
            assert_eq!(range.get((1, 6)).map(ToString::to_string).as_deref(), Some(phone), "{user}");
        }

        let desks: [(&str, &[&str]); 5] = [
            ("qiye", &["/portal", "/appeals"]),
            ("zhihuibu", &["/triage", "/appeals", "/supervision", "/enterprises", "/visits"]),
            ("chengban", &["/workbench", "/appeals"]),
            ("ganbu", &["/appeals", "/enterprises", "/visits"]),
            ("lingdao", &["/appeals", "/dashboard", "/supervision"]),
        ];
        for (user, paths) in desks {
            let mut b = Browser::signed_in(&s, user).await;
            for path in paths {
                let page = b.get(path).await;
                assert_eq!(page.status, StatusCode::OK, "{user} on {path}");
                assert!(page.body.len() < 100 * 1024, "{user} on {path}: {} bytes", page.body.len());
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workbench_puts_red_before_yellow_before_green() {
    for s in servers("web_workbench_order").await {
        // Ten working days to acknowledge: assigned today it is green, 8 or 9 working days ago yellow, 10 or more
        // (and past the due date) red. Assigned 0 to 25 days ago, whatever today is, all three lights occur; created
        // in an order that is not the urgency order.
        let policy = DeadlinePolicy::new("ten", "十日办结", [10, 10, 10, 10]).expect("policy");
        s.store.add_deadline_policy(sys(), policy.clone(), None).await.expect("add policy");
        for i in 0..26 {
            let days = (i * 7) % 26;
            aged_appeal(&s, &format!("在办{days}"), days, Some(&policy)).await;
        }
        let mut handler = Browser::signed_in(&s, "chengban").await;
        let page = handler.get("/workbench").await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.backend);
        let seen = lights(&page);
        assert_eq!(seen.len(), 26, "{}", page.body);
        let rank = |l: &str| ["overdue", "warning", "normal", "none"].iter().position(|x| *x == l).expect("light");
        let ranks: Vec<usize> = seen.iter().map(|l| rank(l)).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "red, yellow, green: {seen:?}");
        for light in ["overdue", "warning", "normal"] {
            assert!(seen.iter().any(|l| l == light), "{light} in {seen:?}");
        }
        // The API agrees on each item's light.
        let (status, list) = s.get("chengban", "/appeals?limit=100").await;
        assert_eq!(status, StatusCode::OK);
        let mut api: Vec<usize> = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|r| rank(r["light"].as_str().unwrap_or("none")))
            .collect();
        api.sort();
        assert_eq!(ranks, api);

        // The supervision board and the dashboard count the same red and yellow items.
        let count = |light: &str| i64::try_from(seen.iter().filter(|l| *l == light).count()).expect("count");
        let mut dispatcher = Browser::signed_in(&s, "zhihuibu").await;
        let board = dispatcher.get("/supervision").await;
        assert_eq!(board.status, StatusCode::OK);
        assert_eq!(figure(&board, "board-overdue"), count("overdue"), "{}", board.body);
        assert_eq!(figure(&board, "board-warning"), count("warning"));
        assert!(board.has("周口市地方金融监督管理局 <span class=\"muted\">"), "grouped under unit A");
        let dashboard = figures(&dispatcher.get("/dashboard").await);
        assert_eq!((dashboard.overdue, dashboard.warning), (count("overdue"), count("warning")));
        assert_eq!((dashboard.collected, dashboard.open), (26, 26));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_counts_what_happened() {
    for s in servers("web_dashboard").await {
        let _draft = s.appeal_in(Status::Draft, false).await;
        let _submitted = s.appeal_in(Status::Submitted, false).await;
        let _working = s.appeal_in(Status::InProgress, false).await;
        let pleased = s.appeal_in(Status::Answered, false).await;
        let displeased = s.appeal_in(Status::Answered, false).await;
        let mut leader = Browser::signed_in(&s, "lingdao").await;
        let before = figures(&leader.get("/dashboard").await);
        let expected = Headline {
            collected: 4,
            resolved: 0,
            open: 4,
            warning: 0,
            overdue: 0,
            rated: 0,
            five_star: 0,
            reopened: 0,
        };
        assert_eq!(before, expected, "{}", s.backend);
        let today = zhuqi_domain::time::today();
        let p = s.store.principal(s.world.users["lingdao"]).await.expect("principal");
        assert_eq!(s.store.headline(&p, today).await.expect("headline"), before);

        let mut qiye = Browser::signed_in(&s, "qiye").await;
        let done = act(&mut qiye, &s, pleased, "confirm", &[("rating", "5"), ("comment", "满意")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let done = act(&mut qiye, &s, displeased, "reject", &[("reason", "问题没有解决")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

        let page = leader.get("/dashboard").await;
        let after = figures(&page);
        let expected = Headline { resolved: 1, open: 3, rated: 1, five_star: 1, reopened: 1, ..expected };
        assert_eq!(after, expected);
        assert_eq!(after.five_star - before.five_star, 1, "one more five-star rating");
        assert!(
            page.has(r#"id="rate-resolution">25.00%"#) && page.has(r#"id="rate-five-star">100.00%"#),
            "{}",
            page.body
        );
        // The city's dispatcher sees the same: nothing happened in 扶沟县.
        let mut dispatcher = Browser::signed_in(&s, "zhihuibu").await;
        assert_eq!(figures(&dispatcher.get("/dashboard").await), after);
        let mut fugou = Browser::signed_in(&s, "fugou").await;
        assert_eq!(figures(&fugou.get("/dashboard").await), Headline::default(), "another county's dashboard");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_waits_unseen_on_the_dispatchers_and_the_units_desks() {
    for s in servers("web_queues").await {
        let b = s.backend;
        let waiting = s.appeal_in(Status::Submitted, false).await;
        let extension = s.appeal_in(Status::InProgress, true).await;
        let paused = s.appeal_in(Status::Waiting, false).await;
        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        let triage = office.get("/triage").await;
        assert!(triage.has("待交办 <b>1</b>") && triage.has("延期审批 <b>1</b>"), "{b}: {}", triage.body);
        let queue = office.get("/extensions").await;
        assert_eq!(queue.status, StatusCode::OK, "{b}");
        assert!(queue.has(&format!("/appeals/{extension}\"")) && !queue.has(&format!("/appeals/{waiting}\"")), "{b}");
        assert!(queue.has("延期待批"), "{b}: the row is marked");

        // The enterprise supplies the material: the unit sees it at once on its workbench, until it answers.
        let mut qiye = Browser::signed_in(&s, "qiye").await;
        let supplied = act(&mut qiye, &s, paused, "supply_material", &[("text", "营业执照副本已上传")]).await;
        assert_eq!(supplied.status, StatusCode::SEE_OTHER, "{b}: {}", supplied.body);
        let mut unit = Browser::signed_in(&s, "chengban").await;
        let bench = unit.get("/workbench").await;
        assert!(bench.has("企业已补充材料 <b>1</b>") && bench.has("延期待批 <b>1</b>"), "{b}: {}", bench.body);
        assert!(bench.has(r#"<span class="badge waiting">企业已补充材料</span>"#), "{b}");
        let answered = act(&mut unit, &s, paused, "answer", &[("text", "已办结")]).await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{b}");
        assert!(unit.get("/workbench").await.has("企业已补充材料 <b>0</b>"), "{b}");

        // Deciding the extension empties the queue.
        let approved = act(&mut office, &s, extension, "approve_extension", &[]).await;
        assert_eq!(approved.status, StatusCode::SEE_OTHER, "{b}: {}", approved.body);
        assert!(office.get("/extensions").await.has("延期审批 <b>0</b>"), "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_co_unit_signs_and_gives_its_opinion_with_a_file_and_the_lead_unit_answers_with_one() {
    for s in servers("web_co_handling").await {
        let b = s.backend;
        let id = s.appeal_in(Status::Submitted, false).await;
        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        let (unit_a, unit_b) = (s.world.unit_a.to_string(), s.world.unit_b.to_string());
        let fields = [
            ("unit_id", unit_a.as_str()),
            ("co_unit_ids", unit_b.as_str()),
            ("level", "city"),
            ("category", "financing"),
            ("policy", "13710"),
        ];
        let assigned = act(&mut office, &s, id, "assign", &fields).await;
        assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{b}: {}", assigned.body);

        // The co-unit finds it on its desk, counted on its workbench, and signs.
        let mut co = Browser::signed_in(&s, "chengban2").await;
        let bench = co.get("/workbench").await;
        assert!(bench.has("协办待提意见 <b>1</b>") && bench.has("在办 <b>0</b>"), "{b}: {}", bench.body);
        let desk = co.get("/co-handling").await;
        assert!(desk.has(&format!("/appeals/{id}\"")), "{b}: {}", desk.body);
        let page = co.get(&format!("/appeals/{id}")).await;
        assert!(page.has("签收协办") && page.has("提出协办意见") && !page.has(r#"data-action="acknowledge""#), "{b}");
        let signed = co.submit(&format!("/appeals/{id}"), &format!("/appeals/{id}/co/sign"), &[]).await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{b}: {}", signed.body);
        let again = co.submit(&format!("/appeals/{id}"), &format!("/appeals/{id}/co/sign"), &[]).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{b}: signing twice");

        // An empty opinion comes back with its message and the file list untouched; then the real one, with a file.
        let csrf = co.get(&format!("/appeals/{id}")).await.csrf();
        let path = format!("/appeals/{id}/co/opinion");
        let file = Upload { name: "用工核查表.pdf", data: b"%PDF-1.4 co" };
        let empty = co.post_multipart(&path, &[("csrf", &csrf), ("text", " ")], &[file]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {}", empty.body);
        assert!(empty.has("请填写协办意见"), "{b}");
        let file = Upload { name: "用工核查表.pdf", data: b"%PDF-1.4 co" };
        let text = "经核查，企业用工备案齐全，建议按稳岗政策办理。";
        let given = co.post_multipart(&path, &[("csrf", &csrf), ("text", text)], &[file]).await;
        assert_eq!(given.status, StatusCode::SEE_OTHER, "{b}: {}", given.body);
        assert!(co.get("/workbench").await.has("协办待提意见 <b>0</b>"), "{b}");

        // The lead unit reads it before answering, and answers with a file of its own.
        let mut lead = Browser::signed_in(&s, "chengban").await;
        let page = lead.get(&format!("/appeals/{id}")).await;
        assert!(page.has(r#"id="co-opinions""#) && page.has(text) && page.has("用工核查表.pdf"), "{b}: {}", page.body);
        assert!(act(&mut lead, &s, id, "acknowledge", &[]).await.status == StatusCode::SEE_OTHER, "{b}");
        let csrf = lead.get(&format!("/appeals/{id}")).await.csrf();
        let version = s.version(id).await.to_string();
        let reply = Upload { name: "放款通知书.pdf", data: b"%PDF-1.4 answer" };
        let fields = [("csrf", csrf.as_str()), ("version", version.as_str()), ("text", "已协调银行放款。")];
        let answered = lead.post_multipart(&format!("/appeals/{id}/answer"), &fields, &[reply]).await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{b}: {}", answered.body);

        // The enterprise sees the answer's file, marked as such, and nothing of the co-unit's deliberation.
        let mut qiye = Browser::signed_in(&s, "qiye").await;
        let page = qiye.get(&format!("/appeals/{id}")).await;
        assert!(page.has("放款通知书.pdf") && page.has("办结答复 ·"), "{b}: {}", page.body);
        assert!(!page.has("用工核查表.pdf") && !page.has(text) && !page.has("协办情况"), "{b}");
        // A step that takes no files refuses them and changes nothing.
        let csrf = page.csrf();
        let version = s.version(id).await.to_string();
        let stray = Upload { name: "x.pdf", data: b"%PDF" };
        let fields = [("csrf", csrf.as_str()), ("version", version.as_str()), ("rating", "5")];
        let refused = qiye.post_multipart(&format!("/appeals/{id}/confirm"), &fields, &[stray]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {}", refused.body);
        assert_eq!(s.version(id).await.to_string(), version, "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_answers_a_common_issue_once_and_each_enterprise_is_asked_to_rate() {
    for s in servers("web_common_issue").await {
        let b = s.backend;
        let mut office = Browser::signed_in(&s, "zhihuibu").await;
        // A bad form comes back with its message; the good one makes the issue.
        let blank =
            office.submit("/common-issues", "/common-issues", &[("title", " "), ("category", "financing")]).await;
        assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(blank.has("请填写共性问题名称"), "{b}");
        let unit = s.world.unit_a.to_string();
        let fields = [("title", "小微企业续贷过桥成本高"), ("category", "financing"), ("lead_unit_id", unit.as_str())];
        let made = office.submit("/common-issues", "/common-issues", &fields).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{b}: {}", made.body);
        let page = made.location.clone().unwrap_or_default();
        let issue: String = page.trim_start_matches("/common-issues/").split('?').next().unwrap_or_default().into();

        // Two appeals merged into it from their pages.
        let first = s.appeal_in(Status::Submitted, false).await;
        let second = aged_appeal(&s, "续贷需先还后贷", 0, None).await;
        // Triage suggests each as a likely duplicate of the other (the same enterprise) and the issue by its title.
        let triage = office.get(&format!("/appeals/{second}")).await;
        assert!(triage.has(r#"id="similar""#) && triage.has(&format!(r#"<a href="/appeals/{first}">"#)), "{b}");
        assert!(triage.has("同一企业"), "{b}: {}", triage.body);
        for id in [first, second] {
            let merged = act(&mut office, &s, id, "merge", &[("common_issue_id", issue.as_str())]).await;
            assert_eq!(merged.status, StatusCode::SEE_OTHER, "{b}: {}", merged.body);
        }
        let shown = office.get(&format!("/common-issues/{issue}")).await;
        assert!(shown.has("2件，涉及企业") && shown.has("集中解决"), "{b}: {}", shown.body);
        assert!(office.get("/common-issues").await.has("小微企业续贷过桥成本高"), "{b}");
        let sheet = office.get("/common-issues/export.xlsx?state=open").await;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(sheet.bytes.clone())).expect("xlsx");
        let range = calamine::Reader::worksheet_range_at(&mut book, 0).expect("a sheet").expect("readable");
        assert_eq!(range.height(), 2, "{b}: a header and the open issue");

        // One answer; the appeals are answered and their enterprise asked to rate.
        let csrf = shown.csrf();
        let resolve = format!("/common-issues/{issue}/resolve");
        let stale = office.post(&resolve, &[("csrf", &csrf), ("version", "9"), ("answer", "已推广无还本续贷。")]).await;
        assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: a stale page changes nothing");
        let done = office.post(&resolve, &[("csrf", &csrf), ("version", "1"), ("answer", "已推广无还本续贷。")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{b}: {}", done.body);
        assert!(done.location.unwrap_or_default().ends_with("resolved-2"), "{b}");
        let mut qiye = Browser::signed_in(&s, "qiye").await;
        let page = qiye.get(&format!("/appeals/{first}")).await;
        assert!(page.has(r#"id="awaiting-rating""#) && page.has("共性问题集中解决"), "{b}: {}", page.body);
        let rated = act(&mut qiye, &s, first, "confirm", &[("rating", "5")]).await;
        assert_eq!(rated.status, StatusCode::SEE_OTHER, "{b}: {}", rated.body);
        assert_eq!(api_appeal(&s, "qiye", first).await["status"], "closed", "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_appeal_posted_twice_is_one_appeal() {
    for s in servers("web_double_submit").await {
        let b = s.backend;
        let mut qiye = Browser::signed_in(&s, "qiye").await;
        let form = qiye.get("/appeals/new").await;
        let csrf = form.csrf();
        let key = form.idempotency_key();
        assert_eq!(key.len(), 32, "{b}");
        assert_ne!(qiye.get("/appeals/new").await.idempotency_key(), key, "{b}: every form its own key");
        let before = s.store.counts().await.expect("counts").appeals;
        let fields = [
            ("csrf", csrf.as_str()),
            ("idempotency_key", key.as_str()),
            ("category", "financing"),
            ("title", "双击提交的诉求"),
            ("description", "手机信号不好，连点了两次提交。"),
        ];
        let first = qiye.post_multipart("/appeals/new", &fields, &[]).await;
        let second = qiye.post_multipart("/appeals/new", &fields, &[]).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{b}: {}", first.body);
        assert_eq!((second.status, &second.location), (StatusCode::SEE_OTHER, &first.location), "{b}");
        assert_eq!(s.store.counts().await.expect("counts").appeals, before + 1, "{b}: one appeal");

        // The API: the same Idempotency-Key sent at once from two connections gives one appeal, twice.
        let body = serde_json::json!({"category": "financing", "title": "接口重试", "description": "网络超时后重发。"});
        let send = |key: &'static str| {
            let req = s.client.post(format!("{}/appeals", s.base)).bearer_auth(token("qiye")).json(&body);
            async move { req.header("Idempotency-Key", key).send().await.expect("send") }
        };
        let (a, c) = tokio::join!(send("retry-7f3e"), send("retry-7f3e"));
        let (a_status, c_status) = (a.status(), c.status());
        let (a, c): (Value, Value) = (a.json().await.expect("json"), c.json().await.expect("json"));
        assert_eq!((a_status, c_status), (StatusCode::CREATED, StatusCode::CREATED), "{b}: {a} {c}");
        assert_eq!(a["id"], c["id"], "{b}");
        assert_eq!(s.store.counts().await.expect("counts").appeals, before + 2, "{b}");
        let bad = send("has a space").await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "{b}");
        assert_eq!(s.store.counts().await.expect("counts").appeals, before + 2, "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_can_ask_for_its_sessions_form_token_and_nobody_else_can() {
    for s in servers("web_session_token").await {
        let mut qiye = Browser::signed_in(&s, "qiye").await;
        let csrf = qiye.get("/appeals/new").await.csrf();
        let token = qiye.get("/session/token").await;
        assert_eq!((token.status, token.body.as_str()), (StatusCode::OK, csrf.as_str()), "{}", s.backend);
        assert_eq!(token.cache.as_deref(), Some("no-store"));
        let mut anonymous = Browser::new(&s);
        let refused = anonymous.get("/session/token").await;
        assert_eq!((refused.status, refused.body.as_str()), (StatusCode::UNAUTHORIZED, ""), "{}", s.backend);
        let page = qiye.get("/portal").await;
        assert!(page.has(r#"<script src="/assets/session.js?v="#) && page.has(r#"data-idle="1800""#), "{}", s.backend);
    }
}

/// SPEC §9: an ID number typed into an appeal's title is masked in every list (its region and check stay readable);
/// the appeal's own page shows it whole to whoever may open it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_number_typed_into_a_title_is_masked_in_lists() {
    for s in servers("web_id_number_masked").await {
        let b = s.backend;
        let title = "法定代表人身份证11010519491231002X被冒用注册公司";
        let body =
            serde_json::json!({"category": "financing", "title": title, "description": "请协调市场监管部门处理。"});
        let (code, made) = s.post("qiye", "/appeals", body).await;
        assert_eq!(code, StatusCode::CREATED, "{b}: {made}");
        let id = made["id"].as_i64().expect("id");
        for (user, list) in [("qiye", "/portal"), ("zhihuibu", "/triage"), ("lingdao", "/appeals")] {
            let page = Browser::signed_in(&s, user).await.get(list).await;
            assert!(
                page.has("身份证110105********002X被冒用") && !page.has("11010519491231002X"),
                "{b} {user}: {}",
                page.body
            );
        }
        let own = Browser::signed_in(&s, "qiye").await.get(&format!("/appeals/{id}")).await;
        assert!(own.has(title), "{b}: the appeal's own page shows it whole");
    }
}
