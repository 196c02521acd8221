//! 包联工作组 (issue 13, SPEC §5): the system administrator and a region's dispatcher make work groups, give them
//! cadres and enterprises, move enterprises between them and retire the groups no longer needed; leaders read them.
//! The store decides who may do what (`zhuqi_store::work_groups`); these pages show the lists and forms, and name
//! each refusal next to its field. A cadre's scope follows each change at its next request.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhuqi_domain::{RegionCode, Role};
use zhuqi_ledger::LedgerKind;
use zhuqi_store::{
    MAX_WORK_GROUP_NAME, NewWorkGroup, RegionRecord, Store, StoreError, UnitRecord, WorkGroupDetail, WorkGroupEdit,
    WorkGroupFilter, WorkGroupRecord,
};

use super::csrf::Checked;
use super::page::{Done, Errors, PageResult, Pager, Shell, Viewer, chinese, form_key, paged, render_with};

const READERS: &[Role] = &[Role::Sysadmin, Role::Dispatcher, Role::Leader];
const KEEPERS: &[Role] = &[Role::Sysadmin, Role::Dispatcher];
const PER_PAGE: usize = 30;
/// The most enterprises one assignment form takes (one per line).
const MAX_ASSIGN: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    retired: String,
    #[serde(default)]
    page: String,
}

impl ListQuery {
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        [("q", self.q.as_str()), ("region", &self.region), ("retired", &self.retired)]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect()
    }

    fn link(&self, path: &str, page: Option<usize>) -> String {
        let page = page.map(|p| p.to_string());
        let mut pairs = self.pairs();
        pairs.extend(page.as_deref().map(|p| ("page", p)));
        match serde_html_form::to_string(&pairs) {
            Ok(q) if !q.is_empty() => format!("{path}?{q}"),
            _ => path.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct GroupForm {
    /// The form's idempotency key: posted twice, it opens one group (new groups only).
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    lead_unit_id: String,
    /// Edits only: "1" while the group is in use.
    #[serde(default)]
    active: String,
    #[serde(default)]
    version: String,
}

#[derive(Template)]
#[template(path = "work_groups.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<WorkGroupRecord>,
    pager: Pager,
    query: ListQuery,
    regions: Vec<RegionRecord>,
    units: Vec<UnitRecord>,
    keeper: bool,
    typed: GroupForm,
    errors: Errors,
    export: String,
}

/// The regions a viewer works in: its region and those below (a system administrator: all).
fn own_regions(v: &Viewer, all: Vec<RegionRecord>) -> Vec<RegionRecord> {
    let all: Vec<RegionRecord> = all.into_iter().filter(|r| r.active).collect();
    if v.has(Role::Sysadmin) {
        return all;
    }
    let Some(own) = v.caller.user.region.clone() else { return Vec::new() };
    all.into_iter().filter(|r| RegionCode::parse(&r.code).is_ok_and(|c| own.contains(&c))).collect()
}

async fn list_page(
    store: &Store,
    v: &Viewer,
    query: ListQuery,
    typed: GroupForm,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    let region = RegionCode::parse(query.region.trim()).ok();
    let asked = query.page.trim().parse().unwrap_or(1);
    let (rows, pager) = paged(
        asked,
        PER_PAGE,
        |n| query.link("/workgroups", Some(n)),
        |n| {
            let filter = WorkGroupFilter {
                text: Some(query.q.clone()),
                region: region.clone(),
                retired: query.retired == "1",
                offset: (n - 1) * PER_PAGE,
                limit: PER_PAGE,
            };
            async move {
                let page = store.work_groups(&v.caller.user, filter).await?;
                Ok::<_, StoreError>((page.items, usize::try_from(page.total).unwrap_or(0)))
            }
        },
    )
    .await?;
    let regions = own_regions(v, store.regions().await?);
    let export = query.link("/workgroups/export.xlsx", None);
    let page = ListPage {
        shell: v.shell("包联工作组", "/workgroups"),
        rows,
        pager,
        regions,
        units: store.units().await?,
        keeper: KEEPERS.iter().any(|r| v.has(*r)),
        typed,
        errors,
        export,
        query,
    };
    Ok(render_with(status, &page))
}

/// `/workgroups`: the work groups of the viewer's region with their cadres and enterprises counted, and the form
/// for a new one.
pub async fn list(State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let fresh = GroupForm { idempotency_key: form_key(), ..GroupForm::default() };
    list_page(&store, &v, q, fresh, Errors::default(), StatusCode::OK).await
}

/// The lead unit chosen: none, or a unit that exists.
fn lead_unit(errors: &mut Errors, units: &[UnitRecord], typed: &str) -> Option<i64> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    match typed.parse::<i64>().ok().filter(|id| units.iter().any(|u| u.id == *id)) {
        Some(id) => Some(id),
        None => {
            errors.add("lead_unit_id", "请从列表中选择牵头单位");
            None
        }
    }
}

fn group_name(errors: &mut Errors, typed: &str) -> String {
    let name = typed.trim();
    if name.is_empty() {
        errors.add("name", "请填写工作组名称");
    } else if name.chars().count() > MAX_WORK_GROUP_NAME {
        errors.add("name", format!("工作组名称最多{MAX_WORK_GROUP_NAME}字"));
    }
    name.to_owned()
}

/// Where a store's refusal of a form is shown: a duplicate name by the name, the rest above the form.
fn refusal(errors: &mut Errors, e: &StoreError, field: &'static str) -> bool {
    match e {
        StoreError::Duplicate(_) => errors.add("name", "已有同名的工作组，请换一个名称"),
        StoreError::Invalid(_) | StoreError::Forbidden(_) | StoreError::Stale(_) | StoreError::MissingReference(_) => {
            errors.add(field, chinese(&e.to_string()).to_owned())
        }
        _ => return false,
    }
    true
}

pub async fn create(State(store): State<Store>, v: Viewer, Checked(form): Checked<GroupForm>) -> PageResult {
    if let Err(r) = v.require(KEEPERS) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let name = group_name(&mut errors, &form.name);
    let units = store.units().await?;
    let lead_unit_id = lead_unit(&mut errors, &units, &form.lead_unit_id);
    let regions = own_regions(&v, store.regions().await?);
    let region = match RegionCode::parse(form.region_code.trim()) {
        Ok(r) if regions.iter().any(|x| x.code == r.as_str()) => Some(r),
        _ => {
            errors.add("region_code", "请选择所属地区");
            None
        }
    };
    let (Some(region), true) = (region, errors.is_empty()) else {
        return list_page(&store, &v, ListQuery::default(), form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let new = NewWorkGroup { name, region, lead_unit_id };
    match store
        .add_work_group(
            &v.caller.user,
            &v.caller.source,
            new,
            zhuqi_store::IdempotencyKey::parse(&form.idempotency_key).ok(),
        )
        .await
    {
        Ok(d) => Ok(Redirect::to(&format!("/workgroups/{}?done=created", d.group.id)).into_response()),
        Err(e) => {
            if !refusal(&mut errors, &e, "region_code") {
                return Err(e.into());
            }
            list_page(&store, &v, ListQuery::default(), form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

// ------------------------------------------------------------------------------------------------ one group

#[derive(Debug, Default, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    who: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    enterprises: String,
}

/// What the forms of the group's page held when one was refused.
#[derive(Default)]
struct Typed {
    group: Option<GroupForm>,
    who: String,
    enterprises: String,
}

#[derive(Template)]
#[template(path = "work_group.html")]
struct GroupPage {
    shell: Shell,
    d: WorkGroupDetail,
    regions: HashMap<String, String>,
    units: Vec<UnitRecord>,
    keeper: bool,
    name: String,
    lead: String,
    active: bool,
    who: String,
    enterprises: String,
    errors: Errors,
    flash: Option<String>,
}

impl GroupPage {
    fn region(&self, code: &str) -> String {
        self.regions.get(code).cloned().unwrap_or_else(|| code.to_owned())
    }
}

async fn group_page(
    store: &Store,
    v: &Viewer,
    id: i64,
    typed: Typed,
    errors: Errors,
    flash: Option<String>,
    status: StatusCode,
) -> PageResult {
    let d = store.work_group(&v.caller.user, id).await?;
    let regions = store.regions().await?.into_iter().map(|r| (r.code, r.name)).collect();
    let (name, lead, active) = match &typed.group {
        Some(g) => (g.name.clone(), g.lead_unit_id.clone(), g.active == "1"),
        None => (d.group.name.clone(), d.group.lead_unit_id.map(|u| u.to_string()).unwrap_or_default(), d.group.active),
    };
    let page = GroupPage {
        shell: v.shell(d.group.name.clone(), "/workgroups"),
        keeper: KEEPERS.iter().any(|r| v.has(*r)),
        units: store.units().await?,
        regions,
        name,
        lead,
        active,
        who: typed.who,
        enterprises: typed.enterprises,
        errors,
        flash,
        d,
    };
    Ok(render_with(status, &page))
}

fn flash(done: &Done) -> Option<String> {
    let text = match done.done.as_deref()? {
        "created" => "已新建工作组，请添加助企干部和包联企业。",
        "saved" => "已保存。",
        "member" => "已加入助企干部。",
        "removed" => "已移出助企干部。",
        "released" => "已解除包联。",
        other => return other.strip_prefix("assigned-").map(|n| format!("已包联 {n} 家企业。")),
    };
    Some(text.to_owned())
}

/// `/workgroups/{id}`: the group, its cadres and its enterprises, with the keeper's forms.
pub async fn show(State(store): State<Store>, v: Viewer, Path(id): Path<i64>, Query(d): Query<Done>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    group_page(&store, &v, id, Typed::default(), Errors::default(), flash(&d), StatusCode::OK).await
}

fn back(id: i64, done: &str) -> Response {
    Redirect::to(&format!("/workgroups/{id}?done={done}")).into_response()
}

pub async fn edit(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(form): Checked<GroupForm>,
) -> PageResult {
    if let Err(r) = v.require(KEEPERS) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let name = group_name(&mut errors, &form.name);
    let lead_unit_id = lead_unit(&mut errors, &store.units().await?, &form.lead_unit_id);
    let version = form.version.trim().parse::<i64>().unwrap_or(0);
    let refused = |errors| async {
        let typed = Typed { group: Some(form.clone()), ..Typed::default() };
        group_page(&store, &v, id, typed, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
    };
    if !errors.is_empty() {
        return refused(errors).await;
    }
    let edit = WorkGroupEdit { version, name, lead_unit_id, active: form.active == "1" };
    match store.edit_work_group(&v.caller.user, &v.caller.source, id, edit).await {
        Ok(_) => Ok(back(id, "saved")),
        Err(e) => {
            let mut errors = Errors::default();
            if matches!(e, StoreError::Stale(_)) {
                errors.form = Some("该工作组已被他人修改，下面是最新内容，请核对后重新保存。".to_owned());
                return group_page(&store, &v, id, Typed::default(), errors, None, StatusCode::CONFLICT).await;
            }
            if !refusal(&mut errors, &e, "active") {
                return Err(e.into());
            }
            refused(errors).await
        }
    }
}

pub async fn add_member(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(form): Checked<MemberForm>,
) -> PageResult {
    if let Err(r) = v.require(KEEPERS) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let who = form.who.trim();
    let found = if who.is_empty() { Vec::new() } else { store.find_cadres(who).await? };
    let user = match found.as_slice() {
        [] if who.is_empty() => {
            errors.add("who", "请填写助企干部的登录名或姓名");
            None
        }
        [] => {
            errors.add(
                "who",
                format!("没有登录名或姓名为「{who}」的助企干部：请先请系统管理员建立账号并授予助企干部角色"),
            );
            None
        }
        [one] => Some(one.user_id),
        [first, ..] if first.username == who => Some(first.user_id),
        several => {
            let logins: Vec<&str> = several.iter().map(|c| c.username.as_str()).collect();
            errors
                .add("who", format!("有{}位助企干部名为「{who}」，请填写登录名：{}", several.len(), logins.join("、")));
            None
        }
    };
    let refused = |errors| async {
        let typed = Typed { who: form.who.clone(), ..Typed::default() };
        group_page(&store, &v, id, typed, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
    };
    let Some(user) = user else { return refused(errors).await };
    match store.add_work_group_members(&v.caller.user, &v.caller.source, id, vec![user]).await {
        Ok(_) => Ok(back(id, "member")),
        Err(e) => {
            if !refusal(&mut errors, &e, "who") {
                return Err(e.into());
            }
            refused(errors).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Nothing {}

pub async fn remove_member(
    State(store): State<Store>,
    v: Viewer,
    Path((id, user)): Path<(i64, i64)>,
    Checked(_): Checked<Nothing>,
) -> PageResult {
    if let Err(r) = v.require(KEEPERS) {
        return Ok(r);
    }
    store.remove_work_group_member(&v.caller.user, &v.caller.source, id, user).await?;
    Ok(back(id, "removed"))
}

pub async fn release(
    State(store): State<Store>,
    v: Viewer,
    Path((id, enterprise)): Path<(i64, i64)>,
    Checked(_): Checked<Nothing>,
) -> PageResult {
    if let Err(r) = v.require(KEEPERS) {
        return Ok(r);
    }
    store.release_enterprise(&v.caller.user, &v.caller.source, id, enterprise).await?;
    Ok(back(id, "released"))
}

/// Assigns the enterprises named one per line (by credit code or by name) to the group, moving them from other
/// groups; one unknown or ambiguous line and none is assigned.
pub async fn assign(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(form): Checked<AssignForm>,
) -> PageResult {
    if let Err(r) = v.require(KEEPERS) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let lines: Vec<&str> = form.enterprises.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut ids = Vec::new();
    let mut problems = Vec::new();
    if lines.is_empty() {
        problems.push("请填写企业名称或统一社会信用代码，每行一家".to_owned());
    } else if lines.len() > MAX_ASSIGN {
        problems.push(format!("一次最多{MAX_ASSIGN}家，请分批填写或使用包联台账导入"));
    } else {
        for line in &lines {
            let (found, _) = store.enterprises_for(&v.caller.user, None, Some((*line).to_owned()), None, 20).await?;
            let exact: Vec<_> =
                found.iter().filter(|e| e.name == *line || e.uscc.as_str().eq_ignore_ascii_case(line)).collect();
            match exact.as_slice() {
                [one] if !ids.contains(&one.id) => ids.push(one.id),
                [_] => {}
                [] => problems.push(format!("「{line}」：未找到该企业（请填写完整名称或统一社会信用代码）")),
                _ => problems.push(format!("「{line}」：有多家同名企业，请改填统一社会信用代码")),
            }
        }
    }
    if problems.is_empty() {
        match store.assign_enterprises(&v.caller.user, &v.caller.source, id, ids).await {
            Ok(done) => return Ok(back(id, &format!("assigned-{}", done.len()))),
            Err(e) => {
                if !refusal(&mut errors, &e, "enterprises") {
                    return Err(e.into());
                }
            }
        }
    } else {
        errors.add("enterprises", problems.join("；"));
    }
    let typed = Typed { enterprises: form.enterprises, ..Typed::default() };
    group_page(&store, &v, id, typed, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// `/workgroups/export.xlsx`: the 包联 ledger of the viewer's work groups (those of the region filtered), as
/// `zhuqi export assignments` writes it, so that it imports back.
pub async fn download(State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>) -> Response {
    if let Err(r) = v.require(READERS) {
        return r;
    }
    let region = RegionCode::parse(q.region.trim()).ok();
    super::page::ledger_download(&store, &v, LedgerKind::Assignments, region, "包联台账.xlsx").await
}
