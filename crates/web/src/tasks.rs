//! 重点工作周交办 (issue 15): the government office (政府办) records its weekly meetings and their task lists; a unit
//! works its tasks on the loop of appeals (签收, 报告进展, 报告完成, 申请延期, 退回); the office judges each 完成 or
//! 未完成; leaders read and instruct. The store decides who may see and do what (`zhuqi_store::tasks`).
//!
//! - `/meetings`: the meetings the viewer may see, and the office's form for a new one;
//! - `/meetings/{id}`: a meeting and its tasks, with the office's form to hand out another;
//! - `/tasks/{id}`: a task with its deadlines and history, and the steps the viewer may take.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use zhuqi_domain::{Action, ActionKind, DeadlinePolicy, Kind, RegionCode, Role, Status};
use zhuqi_reports::Format;
use zhuqi_reports::meeting::MeetingSheet;
use zhuqi_store::{
    IdempotencyKey, MeetingRecord, NewMeeting, NewTask, RegionRecord, Store, StoreError, TaskDue, TaskFilter,
    TaskRecord, UnitRecord,
};

use super::csrf::Checked;
use super::page::{Done, Errors, PageResult, Pager, Shell, Viewer, chinese, error_page, form_key, render_with};
use super::view::{DueLine, done_flash, due_lines, local, refused_step, watched};

const READERS: &[Role] = &[Role::Office, Role::Leader, Role::Handler];

/// The areas a weekly meeting's list groups its tasks under (seed 002); the office may type another.
pub const AREAS: [&str; 6] = ["经济运行", "项目建设", "营商环境优化", "民生重点事项", "安全稳定", "其他"];

// ------------------------------------------------------------------------------------------------ meetings

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeetingForm {
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    chair: String,
    #[serde(default)]
    attendees: String,
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    shell: Shell,
    rows: Vec<MeetingRecord>,
    pager: Pager,
    /// Whether the 交办清单 downloads: the office's and leaders' (their region's tasks, all of them).
    exports: bool,
    regions: Vec<RegionRecord>,
    office: bool,
    typed: MeetingForm,
    errors: Errors,
}

/// The regions the office works in: its own and those below.
fn own_regions(v: &Viewer, all: Vec<RegionRecord>) -> Vec<RegionRecord> {
    let Some(own) = v.caller.user.region.clone() else { return Vec::new() };
    all.into_iter().filter(|r| r.active && RegionCode::parse(&r.code).is_ok_and(|c| own.contains(&c))).collect()
}

/// Meetings shown on a page of `/meetings`.
const MEETINGS_PER_PAGE: usize = 20;

async fn meetings_page(
    store: &Store,
    v: &Viewer,
    (typed, asked): (MeetingForm, usize),
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    let all = store.meetings_for(&v.caller.user).await?;
    let pager = Pager::new(all.len(), asked, MEETINGS_PER_PAGE, |n| format!("/meetings?page={n}"));
    let rows = all.into_iter().skip((pager.page - 1) * MEETINGS_PER_PAGE).take(MEETINGS_PER_PAGE).collect();
    let page = MeetingsPage {
        shell: v.shell("周交办会议", "/meetings"),
        rows,
        pager,
        exports: v.has(Role::Office) || v.has(Role::Leader),
        regions: own_regions(v, store.regions().await?),
        office: v.has(Role::Office),
        typed,
        errors,
    };
    Ok(render_with(status, &page))
}

#[derive(Debug, Default, Deserialize)]
pub struct MeetingsQuery {
    #[serde(default)]
    page: String,
}

/// `/meetings`: the meetings the viewer may see, the latest first, a page at a time.
pub async fn meetings(State(store): State<Store>, v: Viewer, Query(q): Query<MeetingsQuery>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let region = v.caller.user.region.as_ref().map(|r| r.as_str().to_owned()).unwrap_or_default();
    let fresh = MeetingForm { idempotency_key: form_key(), region_code: region, ..MeetingForm::default() };
    let asked = q.page.trim().parse().unwrap_or(1);
    meetings_page(&store, &v, (fresh, asked), Errors::default(), StatusCode::OK).await
}

/// `/meetings/export.xlsx`: the 交办清单 of the viewer's region, every task of every meeting, as `zhuqi export tasks`
/// writes it. The office's and leaders': a unit sees only its own tasks, and the ledger is the region's.
pub async fn export_tasks(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = v.require(&[Role::Office, Role::Leader]) {
        return Ok(r);
    }
    let Some(region) = v.caller.user.region.clone() else {
        return Ok(error_page(StatusCode::FORBIDDEN, "无权导出", "您的账号没有所属地区，不能导出交办清单。"));
    };
    Ok(super::page::ledger_download(&store, &v, zhuqi_ledger::LedgerKind::Tasks, Some(region), "交办清单.xlsx").await)
}

fn date_field(errors: &mut Errors, field: &'static str, typed: &str, message: &str) -> Option<Date> {
    match typed.trim().parse::<Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(field, message);
            None
        }
    }
}

fn short(errors: &mut Errors, field: &'static str, typed: &str, what: &str) -> String {
    let t = typed.trim();
    if t.is_empty() {
        errors.add(field, format!("请填写{what}"));
    } else if t.chars().count() > zhuqi_store::MAX_MEETING_NAME {
        errors.add(field, format!("{what}最多{}字", zhuqi_store::MAX_MEETING_NAME));
    }
    t.to_owned()
}

pub async fn create_meeting(State(store): State<Store>, v: Viewer, Checked(form): Checked<MeetingForm>) -> PageResult {
    if let Err(r) = v.require(&[Role::Office]) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let title = short(&mut errors, "title", &form.title, "会议名称");
    let chair = short(&mut errors, "chair", &form.chair, "主持人");
    let held_on = date_field(&mut errors, "held_on", &form.held_on, "请填写会议日期（如 2026-03-09）");
    if form.attendees.chars().count() > 5000 {
        errors.add("attendees", "参会人员最多5000字");
    }
    let region = RegionCode::parse(form.region_code.trim()).ok();
    if region.is_none() {
        errors.add("region_code", "请选择地区");
    }
    let (Some(held_on), Some(region), true) = (held_on, region, errors.is_empty()) else {
        return meetings_page(&store, &v, (form, 1), errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let new = NewMeeting { region, title, held_on, chair, attendees: form.attendees.trim().to_owned() };
    let key = IdempotencyKey::parse(&form.idempotency_key).ok();
    match store.create_meeting_as(&v.caller.user, &v.caller.source, new, Timestamp::now(), key).await {
        Ok(m) => Ok(Redirect::to(&format!("/meetings/{}?done=created", m.id)).into_response()),
        Err(e @ (StoreError::Invalid(_) | StoreError::Forbidden(_) | StoreError::NotFound(_))) => {
            errors.form = Some(chinese(&e.to_string()).to_owned());
            meetings_page(&store, &v, (form, 1), errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------------------------------------ one meeting

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TaskForm {
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    leader: String,
    #[serde(default)]
    expected: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    co_unit_ids: Vec<String>,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    policy: String,
}

/// One line of a meeting's task list (and a draft's task on the 政策推进清单).
pub(crate) struct TaskLine {
    pub id: i64,
    pub number: String,
    pub area: String,
    pub content: String,
    pub leader: String,
    pub unit: String,
    /// The resolve deadline with the extensions granted; the date the task was given once it has none.
    pub due: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub light: String,
}

#[derive(Template)]
#[template(path = "meeting_report.html")]
struct ReportSheet {
    r: MeetingSheet,
    printed: String,
}

/// `/meetings/{id}/report`: 上周交办事项完成情况 on A4, to print and hand out at the meeting.
pub async fn print_report(State(store): State<Store>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let r = meeting_sheet(&store, &v, id).await?;
    let printed = local(Timestamp::now());
    Ok(render_with(StatusCode::OK, &ReportSheet { r, printed }))
}

/// `/meetings/{id}/report.docx` and `.xlsx`: the same report as a Word document and a workbook.
pub async fn download_report(
    State(store): State<Store>,
    v: Viewer,
    Path((id, file)): Path<(i64, String)>,
) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let format = file.strip_prefix("report.").and_then(Format::parse);
    let Some(format) = format.filter(|f| matches!(f, Format::Docx | Format::Xlsx)) else {
        return Ok(error_page(StatusCode::NOT_FOUND, "未找到", "只能下载 Word（.docx）或 Excel（.xlsx）格式。"));
    };
    let r = meeting_sheet(&store, &v, id).await?;
    let doc = r.document(Timestamp::now());
    let bytes = if format == Format::Docx { doc.docx() } else { doc.xlsx() };
    let bytes = bytes.map_err(|e| StoreError::Corrupt(format!("meeting report: {e}")))?;
    let name = format!("{}-上周交办事项完成情况.{}", r.meeting.title, format.as_str());
    Ok(super::page::download(format.content_type(), &name, bytes))
}

/// The report meeting `id` opens with, as `v` may see it.
async fn meeting_sheet(store: &Store, v: &Viewer, id: i64) -> Result<MeetingSheet, StoreError> {
    let m = store.meeting_for(&v.caller.user, id).await?;
    let names = unit_names(&store.units().await?);
    let r = store.previous_meeting_report(&v.caller.user, id).await?;
    Ok(zhuqi_reports::meeting::sheet(m, r, &names, &store.calendar()))
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    shell: Shell,
    m: MeetingRecord,
    lines: Vec<TaskLine>,
    office: bool,
    units: Vec<UnitRecord>,
    policies: Vec<DeadlinePolicy>,
    areas: [&'static str; 6],
    typed: TaskForm,
    errors: Errors,
    flash: Option<&'static str>,
    report: MeetingSheet,
}

impl MeetingPage {
    fn co_chosen(&self, id: &i64) -> bool {
        self.typed.co_unit_ids.iter().any(|c| c.trim() == id.to_string())
    }
}

pub(crate) fn unit_names(units: &[UnitRecord]) -> HashMap<i64, String> {
    units.iter().map(|u| (u.id, u.name.clone())).collect()
}

pub(crate) fn line(t: &TaskRecord, names: &HashMap<i64, String>, store: &Store, today: Date) -> TaskLine {
    let cal = store.calendar();
    let (_, light) = watched(&t.state, &cal, today);
    let due = match (t.state.deadlines(&cal, today), t.due_on) {
        (Some(d), _) => d.resolve.to_string(),
        (None, Some(d)) => d.to_string(),
        (None, None) => String::new(),
    };
    TaskLine {
        id: t.id,
        number: t.number.to_string(),
        area: t.state.category.clone(),
        content: t.content.clone(),
        leader: t.leader.clone(),
        unit: t.state.unit_id.and_then(|u| names.get(&u).cloned()).unwrap_or_else(|| "待交办".to_owned()),
        due,
        status: t.state.status.as_str(),
        status_label: status_label(t.state.status),
        light,
    }
}

/// A task's status in the words of a meeting: 已完成 rather than 已办结, 已撤销 rather than 已撤回.
fn status_label(s: Status) -> &'static str {
    match s {
        Status::Assigned => "待签收",
        Status::InProgress => "办理中",
        Status::Answered => "已报完成，待确认",
        Status::Reopened => "未完成，继续办理",
        Status::Closed => "已完成",
        Status::Withdrawn => "已撤销",
        other => other.label(),
    }
}

async fn meeting_page(
    store: &Store,
    v: &Viewer,
    id: i64,
    typed: TaskForm,
    errors: Errors,
    flash: Option<&'static str>,
    status: StatusCode,
) -> PageResult {
    let m = store.meeting_for(&v.caller.user, id).await?;
    let units = store.units().await?;
    let names = unit_names(&units);
    let today = zhuqi_domain::time::today();
    let lines = store.meeting_tasks(&v.caller.user, id).await?.iter().map(|t| line(t, &names, store, today)).collect();
    let previous = store.previous_meeting_report(&v.caller.user, id).await?;
    let report = zhuqi_reports::meeting::sheet(m.clone(), previous, &names, &store.calendar());
    let page = MeetingPage {
        shell: v.shell(m.title.clone(), "/meetings"),
        office: v.has(Role::Office),
        policies: store.deadline_policies().await?,
        areas: AREAS,
        units,
        lines,
        typed,
        errors,
        flash,
        report,
        m,
    };
    Ok(render_with(status, &page))
}

/// `/meetings/{id}`: the meeting, its task list, and the office's form for another task.
pub async fn meeting(State(store): State<Store>, v: Viewer, Path(id): Path<i64>, Query(d): Query<Done>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let flash = match d.done.as_deref() {
        Some("created") => Some("已登记会议，请逐项录入交办事项。"),
        Some("task") => Some("已交办，承办单位将在工作台看到该事项。"),
        _ => None,
    };
    let fresh = TaskForm { idempotency_key: form_key(), policy: "13710".into(), ..TaskForm::default() };
    meeting_page(&store, &v, id, fresh, Errors::default(), flash, StatusCode::OK).await
}

pub async fn create_task(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(form): Checked<TaskForm>,
) -> PageResult {
    if let Err(r) = v.require(&[Role::Office]) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let area = short(&mut errors, "area", &form.area, "工作领域");
    let leader = short(&mut errors, "leader", &form.leader, "牵头领导");
    let content = form.content.trim().to_owned();
    if content.is_empty() {
        errors.add("content", "请填写交办事项内容");
    } else if content.chars().count() > 5000 {
        errors.add("content", "交办事项内容最多5000字");
    }
    if form.expected.chars().count() > 5000 {
        errors.add("expected", "预期成效最多5000字");
    }
    let unit_id = form.unit_id.trim().parse::<i64>().ok();
    if unit_id.is_none() {
        errors.add("unit_id", "请选择牵头单位");
    }
    let mut co_unit_ids = Vec::new();
    for c in form.co_unit_ids.iter().filter(|c| !c.trim().is_empty()) {
        match c.trim().parse::<i64>() {
            Ok(c) if Some(c) == unit_id => errors.add("co_unit_ids", "配合单位不能与牵头单位相同"),
            Ok(c) => co_unit_ids.push(c),
            Err(_) => errors.add("co_unit_ids", "配合单位无效"),
        }
    }
    let due = if form.due_on.trim().is_empty() {
        let policies = store.deadline_policies().await?;
        match policies.into_iter().find(|p| p.code == form.policy.trim()) {
            Some(p) => Some(TaskDue::Policy(p)),
            None => {
                errors.add("policy", "请填写完成时限，或选择时限规则");
                None
            }
        }
    } else {
        date_field(&mut errors, "due_on", &form.due_on, "完成时限须为日期（如 2026-03-31）").map(TaskDue::On)
    };
    let (Some(unit_id), Some(due), true) = (unit_id, due, errors.is_empty()) else {
        return meeting_page(&store, &v, id, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let new = NewTask {
        meeting_id: id,
        area,
        content,
        leader,
        expected: form.expected.trim().to_owned(),
        unit_id,
        co_unit_ids,
        due,
    };
    let key = IdempotencyKey::parse(&form.idempotency_key).ok();
    match store.create_task_as(&v.caller.user, &v.caller.source, new, Timestamp::now(), key).await {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{id}?done=task")).into_response()),
        Err(e @ (StoreError::Invalid(_) | StoreError::Forbidden(_))) => {
            errors.form = Some(chinese(&e.to_string()).to_owned());
            meeting_page(&store, &v, id, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------------------------------------ one task

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    days: String,
}

struct Entry {
    when: String,
    who: String,
    what: &'static str,
    detail: String,
    system: bool,
}

/// A step the viewer may take, with what its form asks for.
struct Step {
    kind: ActionKind,
    label: &'static str,
    /// The text field's label, or empty for a bare button.
    asks: &'static str,
    days: bool,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    shell: Shell,
    t: TaskRecord,
    /// The meeting that handed it out; none for a policy's drafting task.
    meeting: Option<MeetingRecord>,
    /// The draft policy it drafts, when the viewer may read it: (id, title).
    drafts: Option<(i64, String)>,
    unit: String,
    co_units: Vec<String>,
    status_label: &'static str,
    light: String,
    dues: Vec<DueLine>,
    timeline: Vec<Entry>,
    steps: Vec<Step>,
    refused: Option<(ActionKind, String)>,
    typed: StepForm,
    flash: Option<String>,
}

impl TaskPage {
    fn refusal(&self, kind: &ActionKind) -> Option<&str> {
        self.refused.as_ref().filter(|(k, _)| k == kind).map(|(_, m)| m.as_str())
    }

    fn typed_text(&self, kind: &ActionKind) -> &str {
        if self.refusal(kind).is_some() { &self.typed.text } else { "" }
    }
}

/// The steps a task's page offers: legal now, and one of the viewer's roles may take it — a unit only on the tasks it
/// leads. (The store checks scope again.)
fn steps(v: &Viewer, t: &TaskRecord) -> Vec<Step> {
    let lead = t.state.unit_id.is_some() && t.state.unit_id == v.caller.user.unit_id;
    let may = |r: &Role| v.has(*r) && (*r != Role::Handler || lead);
    use ActionKind::*;
    [
        (Acknowledge, ""),
        (Reply, "工作进展"),
        (Answer, "完成情况"),
        (RequestExtension, "延期理由"),
        (Return, "退回理由（非本单位职责）"),
        (ApproveExtension, ""),
        (RefuseExtension, "不予延期的理由"),
        (Confirm, "会议意见（可不填）"),
        (Reject, "未完成的原因和要求"),
        (Withdraw, "撤销原因"),
        (Instruct, "批示内容"),
    ]
    .into_iter()
    .filter(|(k, _)| t.state.offers(*k) && Kind::Task.allowed_roles(*k).iter().any(may))
    .map(|(kind, asks)| Step { kind, label: Kind::Task.step_label(kind), asks, days: kind == RequestExtension })
    .collect()
}

fn action_of(kind: ActionKind, f: &StepForm) -> Result<Action, String> {
    let text = f.text.trim().to_owned();
    if text.chars().count() > 5000 {
        return Err("最多5000字".into());
    }
    let needed = |message: &str| if text.is_empty() { Err(message.to_owned()) } else { Ok(text.clone()) };
    Ok(match kind {
        ActionKind::Acknowledge => Action::Acknowledge,
        ActionKind::ApproveExtension => Action::ApproveExtension,
        ActionKind::Reply => Action::Reply { text: needed("请填写工作进展")? },
        ActionKind::Answer => Action::Answer { text: needed("请填写完成情况")? },
        ActionKind::Instruct => Action::Instruct { text: needed("请填写批示内容")? },
        ActionKind::Return => Action::Return { reason: needed("请说明退回理由")? },
        ActionKind::RefuseExtension => Action::RefuseExtension { reason: needed("请说明不予延期的理由")? },
        ActionKind::Reject => Action::Reject { reason: needed("请说明未完成的原因和要求")? },
        ActionKind::Withdraw => Action::Withdraw { reason: needed("请说明撤销原因")? },
        ActionKind::Confirm => Action::Confirm { rating: None, comment: text },
        ActionKind::RequestExtension => {
            let days = match f.days.trim().parse::<u16>() {
                Ok(d) if (1..=60).contains(&d) => d,
                _ => return Err("延期天数须为1至60个工作日".into()),
            };
            Action::RequestExtension { days, reason: needed("请说明延期理由")? }
        }
        _ => return Err("该操作不能在页面上进行".into()),
    })
}

fn detail(a: &Action, names: &HashMap<i64, String>) -> String {
    let unit = |u: &i64| names.get(u).cloned().unwrap_or_else(|| format!("单位{u}"));
    match a {
        Action::Assign { unit_id, co_unit_ids, policy, .. } => {
            let co: Vec<String> = co_unit_ids.iter().map(unit).collect();
            let co = if co.is_empty() { String::new() } else { format!("，配合：{}", co.join("、")) };
            format!("交办至{}（{}）{co}", unit(unit_id), policy.name)
        }
        Action::Reply { text } | Action::Answer { text } | Action::Instruct { text } => text.clone(),
        Action::Return { reason }
        | Action::RefuseExtension { reason }
        | Action::Reject { reason }
        | Action::Withdraw { reason } => reason.clone(),
        Action::RequestExtension { days, reason } => format!("申请延期{days}个工作日：{reason}"),
        Action::Confirm { comment, .. } => comment.clone(),
        Action::Escalate { step, milestone } => format!("{}：{}", step.label(), milestone.label()),
        _ => String::new(),
    }
}

async fn task_page(
    store: &Store,
    v: &Viewer,
    t: TaskRecord,
    refused: Option<(ActionKind, String)>,
    typed: StepForm,
    flash: Option<String>,
    status: StatusCode,
) -> PageResult {
    let p = &v.caller.user;
    let units = store.units().await?;
    let names = unit_names(&units);
    let cal = store.calendar();
    let today = zhuqi_domain::time::today();
    let mut people: HashMap<i64, String> = HashMap::new();
    let mut timeline = Vec::new();
    for e in store.task_events_for(p, t.id).await? {
        let who = super::view::actor_name(store, &mut people, &e.actor).await;
        let what = Kind::Task.step_label(e.action.kind());
        timeline.push(Entry {
            when: local(e.at),
            who,
            what,
            detail: detail(&e.action, &names),
            system: e.actor.user_id.is_none(),
        });
    }
    let page = TaskPage {
        shell: v.shell(format!("交办事项 {}", t.number), "/meetings"),
        meeting: match t.meeting_id {
            Some(m) => Some(store.meeting_for(p, m).await?),
            None => None,
        },
        drafts: match t.policy_id {
            Some(id) => store.policy_for(p, id).await.ok().map(|r| (r.id, r.policy.title)),
            None => None,
        },
        unit: t.state.unit_id.and_then(|u| names.get(&u).cloned()).unwrap_or_else(|| "待交办".into()),
        co_units: t.state.co_unit_ids.iter().filter_map(|u| names.get(u).cloned()).collect(),
        status_label: status_label(t.state.status),
        light: watched(&t.state, &cal, today).1,
        dues: due_lines(&t.state, &cal, today),
        steps: steps(v, &t),
        timeline,
        refused,
        typed,
        flash,
        t,
    };
    Ok(render_with(status, &page))
}

/// `/tasks/{id}`: a task, its deadlines and history, and the steps the viewer may take.
pub async fn task(State(store): State<Store>, v: Viewer, Path(id): Path<i64>, Query(d): Query<Done>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let t = store.task_for(&v.caller.user, id).await?;
    let flash = done_flash(Kind::Task, d.done.as_deref());
    task_page(&store, &v, t, None, StepForm::default(), flash, StatusCode::OK).await
}

pub async fn act(
    State(store): State<Store>,
    v: Viewer,
    Path((id, name)): Path<(i64, String)>,
    Checked(form): Checked<StepForm>,
) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let p = &v.caller.user;
    let Some(kind) = ActionKind::parse(&name) else {
        return Ok(error_page(StatusCode::NOT_FOUND, "未找到", "没有这个操作。"));
    };
    let t = store.task_for(p, id).await?;
    let Ok(version) = form.version.trim().parse::<u32>() else {
        return refuse(&store, &v, t, kind, "页面已过期，请刷新后重试".into(), form).await;
    };
    let action = match action_of(kind, &form) {
        Ok(a) => a,
        Err(message) => return refuse(&store, &v, t, kind, message, form).await,
    };
    match store.act_on_task(p, &v.caller.source, id, version, action, Timestamp::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}?done={}", kind.as_str())).into_response()),
        Err(e) => match refused_step(Kind::Task, kind, &e) {
            Some((message, status)) => {
                let latest = store.task_for(p, id).await?;
                task_page(&store, &v, latest, Some((kind, message)), form, None, status).await
            }
            None => Err(e.into()),
        },
    }
}

async fn refuse(
    store: &Store,
    v: &Viewer,
    t: TaskRecord,
    kind: ActionKind,
    message: String,
    form: StepForm,
) -> PageResult {
    task_page(store, v, t, Some((kind, message)), form, None, StatusCode::UNPROCESSABLE_ENTITY).await
}

// ------------------------------------------------------------------------------------------------ the desks

/// The lists of tasks a desk offers: (view, label).
const VIEWS: [(&str, &str); 5] = [
    ("open", "办理中"),
    ("answered", "待确认完成"),
    ("extension", "延期待审批"),
    ("closed", "已完成"),
    ("all", "全部"),
];
const PER_PAGE: usize = 30;

#[derive(Debug, Default, Deserialize)]
pub struct TasksQuery {
    #[serde(default)]
    view: String,
    #[serde(default)]
    page: String,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    shell: Shell,
    view: String,
    views: [(&'static str, &'static str); 5],
    lines: Vec<TaskLine>,
    pager: super::page::Pager,
}

/// `/tasks`: the office's desk (tasks reported done wait for its judgement; extensions for its decision), a unit's
/// (its tasks to sign for and finish), a leader's (what runs in the region).
pub async fn tasks(State(store): State<Store>, v: Viewer, Query(q): Query<TasksQuery>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let default = if v.has(Role::Office) { "answered" } else { "open" };
    let view = VIEWS.iter().map(|(k, _)| *k).find(|k| *k == q.view.trim()).unwrap_or(default).to_owned();
    let statuses = match view.as_str() {
        "open" => vec![Status::Assigned, Status::InProgress, Status::Reopened],
        "answered" => vec![Status::Answered],
        "closed" => vec![Status::Closed],
        _ => Vec::new(),
    };
    // A unit's desk is the tasks it leads; what it co-handles it reads on the meeting's page.
    let unit_id = v.caller.user.unit_id.filter(|_| v.has(Role::Handler) && !v.has(Role::Office));
    let asked = q.page.trim().parse().unwrap_or(1);
    let link = |n: usize| format!("/tasks?view={view}&page={n}");
    let (rows, pager) = super::page::paged(asked, PER_PAGE, link, |n| {
        let filter = TaskFilter {
            statuses: statuses.clone(),
            pending_extension: view == "extension",
            unit_id,
            offset: (n - 1) * PER_PAGE,
            limit: PER_PAGE,
        };
        let (store, p) = (&store, &v.caller.user);
        async move {
            let page = store.tasks_for(p, filter).await?;
            Ok::<_, StoreError>((page.items, page.total))
        }
    })
    .await?;
    let names = unit_names(&store.units().await?);
    let today = zhuqi_domain::time::today();
    let lines = rows.iter().map(|t| line(t, &names, &store, today)).collect();
    let page = TasksPage { shell: v.shell("交办事项", "/tasks"), view, views: VIEWS, lines, pager };
    Ok(render_with(StatusCode::OK, &page))
}
