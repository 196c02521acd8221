//! The audit log (auditor only, SPEC §9): newest first, 50 to a page, every field as recorded. Nothing here changes
//! it — there is no interface that can — and the page says how to check the hash chain on the server.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zhuqi_domain::time::from_micros;
use zhuqi_domain::{ActionKind, Role};
use zhuqi_store::{AuditRecord, Store};

use super::super::page::{PageResult, Shell, Viewer, render};
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
    pub before: Snippet,
    pub after: Snippet,
}

/// What an action code means, in Chinese; empty when it is not known here.
fn action_label(action: &str) -> String {
    let known = match action {
        "auth.sign_in" => "登录",
        "auth.sign_in_failed" => "登录失败",
        "auth.sign_out" => "退出登录",
        "user.add" => "新建用户",
        "user.roles" => "修改角色",
        "user.password" => "设置密码",
        "user.enterprise" => "用户关联企业",
        "token.create" => "新建接口令牌",
        "token.revoke" => "吊销接口令牌",
        "region.add" => "新增地区",
        "region.edit" => "修改地区",
        "unit.add" => "新增承办单位",
        "unit.edit" => "修改承办单位",
        "category.add" => "新增问题类型",
        "category.edit" => "修改问题类型",
        "policy.add" => "新增时限规则",
        "policy.edit" => "修改时限规则",
        "calendar.load" => "载入工作日历",
        "enterprise.add" => "登记企业",
        "work_group.add" => "新建工作组",
        "work_group.edit" => "修改工作组",
        "work_group.member" => "加入工作组",
        "work_group.member_remove" => "移出工作组",
        "work_group.enterprise" => "包联企业调整",
        "ledger.import.assignments" => "导入包联台账",
        "common_issue.add" => "新建共性问题",
        "common_issue.resolve" => "共性问题解决",
        "visit.add" => "走访记录",
        "attachment.add" => "上传附件",
        "meta.set" => "系统设置",
        "appeal.create" => "诉求登记",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    action.strip_prefix("appeal.").and_then(ActionKind::parse).map(|k| format!("诉求{}", k.label())).unwrap_or_default()
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
    /// The link to older records, and back to the newest when not on the first page.
    older: Option<String>,
    newest: Option<String>,
    /// The newest record's number and hash, to note down for `zhuqi audit verify --expect`.
    head: Option<(i64, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    before: Option<String>,
}

/// `/admin/audit`: the audit log, newest first, for the auditor and nobody else.
pub async fn page(State(store): State<Store>, v: Viewer, Query(q): Query<AuditQuery>) -> PageResult {
    if let Err(r) = v.require(&[Role::Auditor]) {
        return Ok(r);
    }
    let before = q.before.as_deref().and_then(|b| b.trim().parse::<i64>().ok()).filter(|b| *b > 0);
    let mut records = store.audit_records(before, i64::try_from(PAGE + 1).unwrap_or(51)).await?;
    let more = records.len() > PAGE;
    records.truncate(PAGE);
    let older = more.then(|| records.last().map(|r| format!("/admin/audit?before={}", r.seq))).flatten();
    let head = if before.is_none() { records.first().map(|r| (r.seq, r.hash.clone())) } else { None };
    let page = AuditPage {
        shell: v.shell("审计日志", "/admin/audit"),
        rows: records.iter().map(row).collect(),
        older,
        newest: before.map(|_| "/admin/audit".to_owned()),
        head,
    };
    Ok(render(&page))
}
