//! 重点工作周交办 over HTTP (issue 15): the government office's meetings and their tasks, on the engine of appeals. The
//! office records meetings and hands out tasks; a unit takes the steps of its tasks; the office judges them; leaders
//! read. One endpoint takes every step (`POST /tasks/{id}/steps` with an `Action`): the engine refuses a step the task
//! does not have, or that the caller's role may not take, as it refuses one on an appeal. Rules and scope are the
//! store's (`zhuqi_store::tasks`), shared with the pages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use jiff::{Timestamp, civil};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhuqi_domain::{Action, Event, Light, RegionCode, Status};
use zhuqi_store::{MeetingRecord, NewMeeting, NewTask, Store, TaskDue, TaskFilter, TaskRecord};

use super::appeals::DueDates;
use super::auth::Caller;
use super::error::{ApiError, Body, Id, Once, OnceHeader, Params, ReadRefusals, WriteRefusals};

/// A weekly meeting (重点工作周交办会议).
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: i64,
    pub region_code: String,
    /// 市政府2026年第10次重点工作周交办会议
    pub title: String,
    #[schema(value_type = String, format = Date)]
    pub held_on: Date,
    pub chair: String,
    pub attendees: String,
}

fn meeting_view(m: MeetingRecord) -> MeetingView {
    MeetingView {
        id: m.id,
        region_code: m.region_code.as_str().to_owned(),
        title: m.title,
        held_on: m.held_on,
        chair: m.chair,
        attendees: m.attendees,
    }
}

/// A task (交办事项) with its workflow state.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskView {
    pub id: i64,
    /// e.g. JB-2026-000012
    pub number: String,
    /// The meeting that handed it out; none for a policy's drafting task (政策推进清单).
    pub meeting_id: Option<i64>,
    /// The draft policy this task is the drafting of.
    pub policy_id: Option<i64>,
    pub region_code: String,
    /// 经济运行, 项目建设, 营商环境优化, …
    pub area: String,
    pub content: String,
    /// 牵头领导
    pub leader: String,
    /// 预期成效
    pub expected: String,
    /// 完成时限, when the meeting gave a date.
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<Date>,
    pub status: Status,
    /// Give this back as `version` with the next step: a stale one is refused with 409.
    pub version: u32,
    pub unit_id: Option<i64>,
    pub co_unit_ids: Vec<i64>,
    pub pending_extension_days: Option<u16>,
    /// Times the office judged it 未完成.
    pub reopen_count: u16,
    /// Judged 完成.
    pub resolved: bool,
    /// Done by its resolve deadline (with extensions), once judged 完成.
    pub on_time: Option<bool>,
    pub due: Option<DueDates>,
    pub light: Option<Light>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

fn task_view(store: &Store, t: TaskRecord) -> TaskView {
    let (cal, today) = (store.calendar(), zhuqi_domain::time::today());
    let s = t.state;
    TaskView {
        id: t.id,
        number: t.number.to_string(),
        meeting_id: t.meeting_id,
        policy_id: t.policy_id,
        region_code: t.region_code.as_str().to_owned(),
        content: t.content,
        leader: t.leader,
        expected: t.expected,
        due_on: t.due_on,
        due: s.deadlines(&cal, today).map(DueDates::from),
        light: s.light(&cal, today),
        on_time: s.resolved_on_time(&cal),
        area: s.category,
        status: s.status,
        version: s.version,
        unit_id: s.unit_id,
        co_unit_ids: s.co_unit_ids,
        pending_extension_days: s.pending_extension,
        reopen_count: s.reopen_count,
        resolved: s.resolved,
        created_at: s.created_at,
        answered_at: s.answered_at,
        closed_at: s.closed_at,
        updated_at: s.updated_at,
    }
}

/// The meetings the caller may see, the latest first.
#[utoipa::path(get, path = "/meetings", tag = "tasks", responses((status = 200, body = Vec<MeetingView>), ReadRefusals))]
async fn meetings(State(store): State<Store>, c: Caller) -> Result<Json<Vec<MeetingView>>, ApiError> {
    Ok(Json(store.meetings_for(&c.user).await?.into_iter().map(meeting_view).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeetingBody {
    /// The office's region or one below it.
    pub region_code: String,
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    #[schema(value_type = String, format = Date)]
    pub held_on: civil::Date,
    #[schema(min_length = 1, max_length = 100)]
    pub chair: String,
    #[schema(max_length = 5000)]
    #[serde(default)]
    pub attendees: String,
}

/// Records a meeting (the government office, 政府办).
#[utoipa::path(post, path = "/meetings", tag = "tasks", request_body = NewMeetingBody, params(OnceHeader),
    responses((status = 201, body = MeetingView), WriteRefusals))]
async fn create_meeting(
    State(store): State<Store>,
    c: Caller,
    Once(key): Once,
    Body(b): Body<NewMeetingBody>,
) -> Result<(StatusCode, Json<MeetingView>), ApiError> {
    let new = NewMeeting {
        region: RegionCode::parse(&b.region_code)?,
        title: b.title,
        held_on: b.held_on,
        chair: b.chair,
        attendees: b.attendees,
    };
    let m = store.create_meeting_as(&c.user, &c.source, new, Timestamp::now(), key).await?;
    Ok((StatusCode::CREATED, Json(meeting_view(m))))
}

/// A meeting with its tasks, in the order they were handed out.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDetail {
    pub meeting: MeetingView,
    pub tasks: Vec<TaskView>,
}

/// One meeting and the tasks of it the caller may see (404 outside the caller's scope).
#[utoipa::path(get, path = "/meetings/{id}", tag = "tasks", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingDetail), ReadRefusals))]
async fn meeting(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<MeetingDetail>, ApiError> {
    let meeting = meeting_view(store.meeting_for(&c.user, id).await?);
    let tasks = store.meeting_tasks(&c.user, id).await?.into_iter().map(|t| task_view(&store, t)).collect();
    Ok(Json(MeetingDetail { meeting, tasks }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTaskBody {
    /// 工作领域: 经济运行, 项目建设, 营商环境优化, 民生重点事项, 安全稳定, …
    #[schema(min_length = 1, max_length = 100)]
    pub area: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub content: String,
    /// 牵头领导
    #[schema(min_length = 1, max_length = 100)]
    pub leader: String,
    /// 预期成效
    #[schema(max_length = 5000)]
    #[serde(default)]
    pub expected: String,
    /// 牵头单位
    pub unit_id: i64,
    /// 配合单位
    #[serde(default)]
    #[schema(max_items = 50)]
    pub co_unit_ids: Vec<i64>,
    /// 完成时限; without it, `policy` decides the deadlines.
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<civil::Date>,
    /// A deadline policy's code (default 13710), when no date is given.
    pub policy: Option<String>,
}

/// Hands out a task of the meeting (the government office).
#[utoipa::path(post, path = "/meetings/{id}/tasks", tag = "tasks", params(("id" = i64, Path), OnceHeader),
    request_body = NewTaskBody, responses((status = 201, body = TaskView), WriteRefusals))]
async fn create_task(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Once(key): Once,
    Body(b): Body<NewTaskBody>,
) -> Result<(StatusCode, Json<TaskView>), ApiError> {
    if b.co_unit_ids.len() > 50 {
        return Err(ApiError::invalid("invalid_value", "配合单位最多50个 / at most 50 co-units"));
    }
    let due = match (b.due_on, b.policy) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "invalid_value",
                "完成时限和时限规则只能给一个 / give a due date or a policy",
            ));
        }
        (Some(date), None) => TaskDue::On(date),
        (None, policy) => {
            let code = policy.unwrap_or_else(|| "13710".to_owned());
            let policy = store.deadline_policies().await?.into_iter().find(|p| p.code == code);
            TaskDue::Policy(policy.ok_or_else(|| {
                ApiError::invalid("invalid_value", format!("没有时限规则「{code}」 / no such deadline policy"))
            })?)
        }
    };
    let new = NewTask {
        meeting_id: id,
        area: b.area,
        content: b.content,
        leader: b.leader,
        expected: b.expected,
        unit_id: b.unit_id,
        co_unit_ids: b.co_unit_ids,
        due,
    };
    let t = store.create_task_as(&c.user, &c.source, new, Timestamp::now(), key).await?;
    Ok((StatusCode::CREATED, Json(task_view(&store, t))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// Only tasks in this status.
    pub status: Option<Status>,
    /// Only tasks with an extension request to decide.
    pub pending_extension: Option<bool>,
    /// 1-based.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// One page of tasks and the total.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskList {
    pub items: Vec<TaskView>,
    pub total: usize,
}

/// The tasks the caller may see, the most urgent first.
#[utoipa::path(get, path = "/tasks", tag = "tasks", params(TaskQuery),
    responses((status = 200, body = TaskList), ReadRefusals))]
async fn tasks(
    State(store): State<Store>,
    c: Caller,
    Params(q): Params<TaskQuery>,
) -> Result<Json<TaskList>, ApiError> {
    let (offset, limit) = super::error::page_window(q.page, q.limit)?;
    let filter = TaskFilter {
        statuses: q.status.into_iter().collect(),
        pending_extension: q.pending_extension.unwrap_or(false),
        unit_id: None,
        offset,
        limit,
    };
    let page = store.tasks_for(&c.user, filter).await?;
    Ok(Json(TaskList { items: page.items.into_iter().map(|t| task_view(&store, t)).collect(), total: page.total }))
}

/// One task (404 outside the caller's scope).
#[utoipa::path(get, path = "/tasks/{id}", tag = "tasks", params(("id" = i64, Path)),
    responses((status = 200, body = TaskView), ReadRefusals))]
async fn task(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<TaskView>, ApiError> {
    Ok(Json(task_view(&store, store.task_for(&c.user, id).await?)))
}

/// Every step of the task, oldest first.
#[utoipa::path(get, path = "/tasks/{id}/events", tag = "tasks", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Event>), ReadRefusals))]
async fn events(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<Vec<Event>>, ApiError> {
    Ok(Json(store.task_events_for(&c.user, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// The version the caller saw.
    pub version: u32,
    /// The step: `acknowledge`, `reply` (报告进展), `answer` (报告完成), `request_extension`, `return`,
    /// `approve_extension`, `refuse_extension`, `confirm` (确认完成, no rating), `reject` (认定未完成), `withdraw`
    /// (撤销), `instruct` (批示).
    pub action: Action,
}

/// Takes one step on a task: 409 if it moved since `version`, 403 if the caller's role may not, 422 if the task has no
/// such step now.
#[utoipa::path(post, path = "/tasks/{id}/steps", tag = "tasks", params(("id" = i64, Path)),
    request_body = StepBody, responses((status = 200, description = "已执行，返回新状态", body = TaskView), WriteRefusals))]
async fn step(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<StepBody>,
) -> Result<Json<TaskView>, ApiError> {
    let t = store.act_on_task(&c.user, &c.source, id, b.version, b.action, Timestamp::now()).await?;
    Ok(Json(task_view(&store, t)))
}

pub fn routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new()
        .routes(routes!(meetings, create_meeting))
        .routes(routes!(meeting))
        .routes(routes!(create_task))
        .routes(routes!(tasks))
        .routes(routes!(task))
        .routes(routes!(events))
        .routes(routes!(step))
}
