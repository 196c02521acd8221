//! The audit log (auditor only, SPEC §9): newest first, 50 to a page, every field as recorded. Nothing here changes
//! it — there is no interface that can — and the page says how to check the hash chain on the server.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use zhuqi_domain::time::from_micros;
use zhuqi_domain::{ActionKind, Role};
use zhuqi_store::{AuditFilter, AuditRecord, Store};

use super::super::page::{Errors, PageResult, Pager, Shell, Viewer, every_row, paged, render};
use super::super::view::local;

const PAGE: usize = 50;
/// Past this many characters a before/after value is cut in the table and shown whole on demand.
const SHORT: usize = 60;

/// A before or after value: its first characters, and the whole when cut.
pub struct Snippet {
    pub short: String,
    pub full: Option<String>,
}

fn snippet(value: Option<&str>) -> Snippet {
    let value = value.unwrap_or_default();
    if value.chars().count() <= SHORT {
        return Snippet { short: value.to_owned(), full: None };
    }
    Snippet { short: format!("{}…", value.chars().take(SHORT).collect::<String>()), full: Some(value.to_owned()) }
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub roles: Vec<String>,
    pub source: String,
    pub action: String,
    pub action_label: String,
    pub object: String,
    pub object_label: String,
    pub before: Snippet,
    pub after: Snippet,
}

/// The action codes an auditor meets, with what each means in Chinese (the filter's choices).
const ACTIONS: &[(&str, &str)] = &[
    ("auth.sign_in", "登录"),
    ("auth.sign_in_failed", "登录失败"),
    ("auth.sign_out", "退出登录"),
    ("user.add", "新建用户"),
    ("user.roles", "修改角色"),
    ("user.password", "设置密码"),
    ("user.enterprise", "用户关联企业"),
    ("token.create", "新建接口令牌"),
    ("token.revoke", "吊销接口令牌"),
    ("region.add", "新增地区"),
    ("region.edit", "修改地区"),
    ("unit.add", "新增承办单位"),
    ("unit.edit", "修改承办单位"),
    ("category.add", "新增问题类型"),
    ("category.edit", "修改问题类型"),
    ("policy.add", "新增时限规则"),
    ("policy.edit", "修改时限规则"),
    ("calendar.load", "载入工作日历"),
    ("enterprise.add", "登记企业"),
    ("work_group.add", "新建工作组"),
    ("work_group.edit", "修改工作组"),
    ("work_group.member", "加入工作组"),
    ("work_group.member_remove", "移出工作组"),
    ("work_group.enterprise", "包联企业调整"),
    ("ledger.import.assignments", "导入包联台账"),
    ("common_issue.add", "新建共性问题"),
    ("common_issue.edit", "修改共性问题"),
    ("common_issue.resolve", "共性问题集中解决"),
    ("visit.add", "走访记录"),
    ("attachment.add", "上传附件"),
    ("meta.set", "系统设置"),
    ("appeal.create", "诉求登记"),
    ("appeal.co_sign", "协办签收"),
    ("appeal.co_opinion", "协办意见"),
];

/// The kinds of object records name (`kind:id`), in Chinese.
const OBJECTS: &[(&str, &str)] = &[
    ("appeal", "诉求"),
    ("attachment", "附件"),
    ("co_opinion", "协办意见"),
    ("common_issue", "共性问题"),
    ("enterprise", "企业"),
    ("user", "用户"),
    ("token", "接口令牌"),
    ("session", "会话"),
    ("unit", "承办单位"),
    ("region", "地区"),
    ("category", "问题类型"),
    ("policy", "时限规则"),
    ("calendar", "工作日历"),
    ("work_group", "工作组"),
    ("visit", "走访"),
    ("project", "重点项目"),
    ("meta", "系统设置"),
];

/// What an action code means, in Chinese; empty when it is not known here.
fn action_label(action: &str) -> String {
    if let Some((_, label)) = ACTIONS.iter().find(|(code, _)| *code == action) {
        return (*label).to_owned();
    }
    action.strip_prefix("appeal.").and_then(ActionKind::parse).map(|k| format!("诉求{}", k.label())).unwrap_or_default()
}

/// The object a record names, in Chinese (`appeal:12` → 诉求 12).
fn object_label(object: &str) -> String {
    let (kind, id) = object.split_once(':').unwrap_or((object, ""));
    match OBJECTS.iter().find(|(k, _)| *k == kind) {
        Some((_, label)) => format!("{label} {id}").trim().to_owned(),
        None => object.to_owned(),
    }
}

fn roles(actor_role: &str) -> Vec<String> {
    actor_role
        .split(',')
        .filter(|r| !r.is_empty())
        .map(|r| Role::parse(r.trim()).map_or_else(|| r.to_owned(), |role| role.label().to_owned()))
        .collect()
}

fn row(r: &AuditRecord) -> AuditRow {
    AuditRow {
        seq: r.seq,
        at: from_micros(r.at).map(local).unwrap_or_default(),
        actor: r.actor.clone(),
        roles: roles(&r.actor_role),
        source: r.source.clone(),
        action_label: action_label(&r.action),
        action: r.action.clone(),
        object_label: object_label(&r.object),
        object: r.object.clone(),
        before: snippet(r.before.as_deref()),
        after: snippet(r.after.as_deref()),
    }
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    shell: Shell,
    rows: Vec<AuditRow>,
    pager: Pager,
    q: AuditQuery,
    errors: Errors,
    actions: &'static [(&'static str, &'static str)],
    objects: &'static [(&'static str, &'static str)],
    export: String,
    /// The newest record's number and hash, to note down for `zhuqi audit verify --expect`.
    head: Option<(i64, String)>,
}

/// The search form as typed: who, what, on what, between which days.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: String,
}

impl AuditQuery {
    fn link(&self, path: &str, page: Option<usize>) -> String {
        let page = page.map(|p| p.to_string()).unwrap_or_default();
        let pairs: Vec<(&str, &str)> = [
            ("actor", self.actor.as_str()),
            ("action", &self.action),
            ("kind", &self.kind),
            ("id", &self.id),
            ("from", &self.from),
            ("to", &self.to),
            ("page", &page),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
        match serde_html_form::to_string(&pairs) {
            Ok(q) if !q.is_empty() => format!("{path}?{q}"),
            _ => path.to_owned(),
        }
    }

    /// The filter asked for, each bad value named next to its field.
    fn filter(&self, errors: &mut Errors) -> AuditFilter {
        let day = |errors: &mut Errors, field: &'static str, text: &str, next: bool| {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let parsed =
                text.parse::<jiff::civil::Date>().ok().and_then(|d| if next { d.tomorrow().ok() } else { Some(d) });
            match parsed.and_then(zhuqi_domain::time::start_of_day) {
                Some(t) => Some(zhuqi_domain::time::to_micros(t)),
                None => {
                    errors.add(field, "日期格式应为 2026-01-31");
                    None
                }
            }
        };
        let kind = self.kind.trim();
        if !kind.is_empty() && !OBJECTS.iter().any(|(k, _)| *k == kind) {
            errors.add("kind", "对象类型无效");
        }
        let id = self.id.trim();
        if !id.is_empty() && (kind.is_empty() || id.parse::<i64>().is_err()) {
            errors.add("id", "请先选对象类型，编号须为数字");
        }
        if self.actor.chars().count() > 100 {
            errors.add("actor", "操作人最多100字");
        }
        let object = match (kind, id) {
            ("", _) => None,
            (k, "") => Some(k.to_owned()),
            (k, i) => Some(format!("{k}:{i}")),
        };
        AuditFilter {
            actor: Some(self.actor.trim().to_owned()).filter(|a| !a.is_empty()),
            action: Some(self.action.trim().to_owned()).filter(|a| !a.is_empty()),
            object,
            from: day(errors, "from", &self.from, false),
            to: day(errors, "to", &self.to, true),
        }
    }
}

const PAGE_SIZE: usize = PAGE;

/// `/admin/audit`: the audit log, newest first, searchable, for the auditor and nobody else.
pub async fn page(State(store): State<Store>, v: Viewer, Query(q): Query<AuditQuery>) -> PageResult {
    if let Err(r) = v.require(&[Role::Auditor]) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let filter = q.filter(&mut errors);
    let asked = q.page.trim().parse().unwrap_or(1usize);
    let link = |n| q.link("/admin/audit", Some(n));
    let (records, pager) = if errors.is_empty() {
        paged(asked, PAGE_SIZE, link, |n| store.audit_page(filter.clone(), n, PAGE_SIZE)).await?
    } else {
        (Vec::new(), Pager::new(0, 1, PAGE_SIZE, link))
    };
    let newest = store.audit_records(None, 1).await?;
    let page = AuditPage {
        shell: v.shell("审计日志", "/admin/audit"),
        rows: records.iter().map(row).collect(),
        pager,
        export: q.link("/admin/audit/export.xlsx", None),
        q,
        errors,
        actions: ACTIONS,
        objects: OBJECTS,
        head: newest.first().map(|r| (r.seq, r.hash.clone())),
    };
    Ok(render(&page))
}

/// `/admin/audit/export.xlsx`: every record the search finds, as the page shows them, with their hashes.
pub async fn export(State(store): State<Store>, v: Viewer, Query(q): Query<AuditQuery>) -> PageResult {
    if let Err(r) = v.require(&[Role::Auditor]) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let filter = q.filter(&mut errors);
    if !errors.is_empty() {
        let message = "查询条件有误，请返回按提示更正后再导出。";
        return Ok(super::super::page::error_page(StatusCode::UNPROCESSABLE_ENTITY, "查询条件有误", message));
    }
    let (all, capped) =
        every_row(super::super::page::EXPORT_CAP, |n| store.audit_page(filter.clone(), n, 1000)).await?;
    let rows: Vec<[String; 10]> = all
        .iter()
        .map(|r| {
            let shown = row(r);
            [
                r.seq.to_string(),
                shown.at,
                r.actor.clone(),
                shown.roles.join("、"),
                r.source.clone(),
                format!("{} {}", shown.action_label, r.action).trim().to_owned(),
                format!("{} ({})", shown.object_label, r.object),
                r.before.clone().unwrap_or_default(),
                r.after.clone().unwrap_or_default(),
                r.hash.clone(),
            ]
        })
        .collect();
    let heads = ["序号", "时间", "操作人", "角色", "来源地址", "操作", "对象", "改动前", "改动后", "哈希"];
    Ok(super::super::page::sheet_download("审计日志", heads, rows, capped).await?)
}
