//! Appeals over HTTP: register, read, list with filters, one endpoint per action of SPEC §3, and the history.
//! Every call reads and writes within the caller's scope (the store's queries enforce it).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhuqi_domain::{Action, Channel, Event, Fen, Level, Light, RegionCode, Stars, Status};
use zhuqi_store::{AppealFilter, AppealRecord, AppealSummary, NewAppeal, Store};

use super::auth::Caller;
use super::error::{ApiError, Body, Id, Once, OnceHeader, Params, ReadRefusals, WriteRefusals};

/// Due dates of the current cycle (working days, Asia/Shanghai).
#[derive(Debug, Serialize, ToSchema)]
pub struct DueDates {
    #[schema(value_type = String, format = Date)]
    pub acknowledge: Date,
    #[schema(value_type = String, format = Date)]
    pub reply: Date,
    #[schema(value_type = String, format = Date)]
    pub resolve: Date,
    #[schema(value_type = String, format = Date)]
    pub feedback: Date,
}

impl From<zhuqi_domain::Deadlines> for DueDates {
    fn from(d: zhuqi_domain::Deadlines) -> Self {
        DueDates { acknowledge: d.acknowledge, reply: d.reply, resolve: d.resolve, feedback: d.feedback }
    }
}

/// One appeal with its workflow state.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppealView {
    pub id: i64,
    /// e.g. ZK-2026-000123
    pub number: String,
    pub enterprise_id: i64,
    pub region_code: String,
    pub channel: Channel,
    pub title: String,
    pub description: String,
    /// 金额（分）, e.g. financing asked.
    pub amount_fen: Option<i64>,
    pub status: Status,
    /// 待交办, 办理中, …
    pub status_label: String,
    /// Give this back as `version` with the next action: a stale one is refused with 409.
    pub version: u32,
    pub category: String,
    pub level: Option<Level>,
    pub unit_id: Option<i64>,
    pub co_unit_ids: Vec<i64>,
    pub common_issue_id: Option<i64>,
    pub pending_extension_days: Option<u16>,
    pub rating: Option<Stars>,
    pub rating_comment: Option<String>,
    pub reopen_count: u16,
    pub resolved: bool,
    pub due: Option<DueDates>,
    /// 红黄绿灯 today; absent when no deadline runs.
    pub light: Option<Light>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub submitted_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

pub(crate) fn view(store: &Store, r: AppealRecord) -> AppealView {
    let (cal, today) = (store.calendar(), zhuqi_domain::time::today());
    let s = r.state;
    AppealView {
        id: r.id,
        number: r.number.to_string(),
        enterprise_id: r.enterprise_id,
        region_code: r.region_code.as_str().to_owned(),
        channel: r.channel,
        title: r.title,
        description: r.description,
        amount_fen: r.amount.map(|a| a.fen()),
        status_label: s.status.label().to_owned(),
        due: s.deadlines(&cal, today).map(DueDates::from),
        light: s.light(&cal, today),
        status: s.status,
        version: s.version,
        category: s.category,
        level: s.level,
        unit_id: s.unit_id,
        co_unit_ids: s.co_unit_ids,
        common_issue_id: s.common_issue_id,
        pending_extension_days: s.pending_extension,
        rating: s.rating,
        rating_comment: s.rating_comment,
        reopen_count: s.reopen_count,
        resolved: s.resolved,
        created_at: s.created_at,
        submitted_at: s.submitted_at,
        answered_at: s.answered_at,
        closed_at: s.closed_at,
        updated_at: s.updated_at,
    }
}

/// A row of the appeal list.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppealRow {
    pub id: i64,
    pub number: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub region_code: String,
    pub title: String,
    pub status: Status,
    pub status_label: String,
    pub version: u32,
    pub category: String,
    pub level: Option<Level>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub light: Option<Light>,
    /// The due date the light watches.
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<Date>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

pub(crate) fn row(cal: &zhuqi_domain::WorkingCalendar, today: Date, s: AppealSummary) -> AppealRow {
    let due = s.state.watched_milestone().zip(s.state.deadlines(cal, today)).map(|(m, d)| d.of(m));
    AppealRow {
        light: s.state.light(cal, today),
        due,
        id: s.id,
        number: s.number,
        enterprise_id: s.enterprise_id,
        enterprise_name: s.enterprise_name,
        region_code: s.region_code,
        title: s.title,
        status: s.state.status,
        status_label: s.state.status.label().to_owned(),
        version: s.state.version,
        category: s.state.category,
        level: s.state.level,
        unit_id: s.state.unit_id,
        unit_name: s.unit_name,
        created_at: s.state.created_at,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealList {
    pub items: Vec<AppealRow>,
    /// Pass as `cursor` for the next page; absent on the last page. A page may hold fewer rows than `limit` when a
    /// light filter had many rows to look through.
    pub next_cursor: Option<String>,
}

/// Filters of the list; all optional, all within the caller's scope.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AppealQuery {
    pub status: Option<Status>,
    pub category: Option<String>,
    /// GB/T 2260 code: this region and every region below it.
    pub region: Option<String>,
    pub unit_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub level: Option<Level>,
    /// 红黄绿灯 as of today.
    pub light: Option<Light>,
    /// Registered on or after (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<Date>,
    /// Registered on or before (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<Date>,
    /// Words of the title, or an appeal number.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Only items whose unit's extension request awaits the dispatcher.
    pub pending_extension: Option<bool>,
    /// Only items the caller's unit co-handles (协办), while the lead unit handles them.
    pub co_handled: Option<bool>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 50)]
    pub cursor: Option<String>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The appeals the caller may see, newest first.
#[utoipa::path(get, path = "/appeals", tag = "appeals", params(AppealQuery),
    responses((status = 200, body = AppealList), ReadRefusals))]
async fn list(
    State(store): State<Store>,
    c: Caller,
    Params(q): Params<AppealQuery>,
) -> Result<Json<AppealList>, ApiError> {
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("invalid_limit", "每页条数须在1到100之间 / limit must be 1 to 100"));
    }
    if q.q.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(ApiError::invalid("invalid_query", "搜索词最多100字 / the search text is over 100 characters"));
    }
    let filter = AppealFilter {
        status: q.status,
        category: q.category,
        region: q.region.as_deref().map(RegionCode::parse).transpose()?,
        unit_id: q.unit_id,
        enterprise_id: q.enterprise_id,
        level: q.level,
        light: q.light,
        from: q.from,
        to: q.to,
        text: q.q,
        open: false,
        pending_extension: q.pending_extension.unwrap_or(false),
        // Outside a unit nothing is co-handled: -1 matches no unit.
        co_handled_by: q.co_handled.unwrap_or(false).then(|| c.user.unit_id.unwrap_or(-1)),
        co_opinion_due: false,
        cursor: q.cursor.as_deref().map(str::parse).transpose()?,
        limit: usize::try_from(limit).unwrap_or(20),
    };
    let today = zhuqi_domain::time::today();
    let page = store.list_appeals(&c.user, filter, today).await?;
    let cal = store.calendar();
    Ok(Json(AppealList {
        items: page.items.into_iter().map(|s| row(&cal, today, s)).collect(),
        next_cursor: page.next_cursor.map(|c| c.to_string()),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAppealBody {
    /// Optional for an enterprise user: its own enterprise.
    pub enterprise_id: Option<i64>,
    /// A category code (GET /categories).
    #[schema(max_length = 50)]
    pub category: String,
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub description: String,
    /// 金额（分）, when money is at stake (e.g. financing asked).
    #[schema(minimum = 0)]
    pub amount_fen: Option<i64>,
    /// Default: web for an enterprise, cadre_visit for a cadre, phone for a dispatcher.
    pub channel: Option<Channel>,
    /// Keep as a draft (草稿) instead of submitting at once.
    #[serde(default)]
    pub draft: bool,
}

/// Registers an appeal for an enterprise in the caller's scope. Sent again with the same `Idempotency-Key` (a retry
/// after a lost answer, a double send) it registers nothing more and answers with the appeal the key first created.
#[utoipa::path(post, path = "/appeals", tag = "appeals", request_body = NewAppealBody,
    params(OnceHeader), responses((status = 201, body = AppealView), WriteRefusals))]
async fn create(
    State(store): State<Store>,
    c: Caller,
    Once(key): Once,
    Body(b): Body<NewAppealBody>,
) -> Result<(StatusCode, Json<AppealView>), ApiError> {
    use zhuqi_domain::Role;
    let enterprise_id = b
        .enterprise_id
        .or(c.user.enterprise_id)
        .ok_or_else(|| ApiError::invalid("invalid_value", "请指明企业 enterprise_id / enterprise_id is required"))?;
    let channel = b.channel.unwrap_or(if c.user.has(Role::Enterprise) {
        Channel::Web
    } else if c.user.has(Role::Cadre) {
        Channel::CadreVisit
    } else {
        Channel::Phone
    });
    if channel == Channel::Import {
        return Err(ApiError::invalid("invalid_value", "台账导入请用 zhuqi import / use zhuqi import for ledgers"));
    }
    let amount = b.amount_fen.map(Fen::new).transpose()?;
    let new = NewAppeal {
        enterprise_id,
        channel,
        category: b.category,
        title: b.title,
        description: b.description,
        amount,
        draft: b.draft,
    };
    let record = store.create_appeal_as(&c.user, &c.source, new, Vec::new(), Timestamp::now(), key).await?;
    Ok((StatusCode::CREATED, Json(view(&store, record))))
}

/// One appeal (404 outside the caller's scope).
#[utoipa::path(get, path = "/appeals/{id}", tag = "appeals", params(("id" = i64, Path)),
    responses((status = 200, body = AppealView), ReadRefusals))]
async fn get_one(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<AppealView>, ApiError> {
    Ok(Json(view(&store, store.appeal_for(&c.user, id).await?)))
}

/// Every step of the appeal, oldest first: who did what, when, with which reason or text.
#[utoipa::path(get, path = "/appeals/{id}/events", tag = "appeals", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Event>), ReadRefusals))]
async fn events(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<Vec<Event>>, ApiError> {
    Ok(Json(store.appeal_events_for(&c.user, id).await?))
}

/// The version the caller saw: every action carries it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Versioned {
    pub version: u32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithText {
    pub version: u32,
    #[schema(min_length = 1, max_length = 5000)]
    pub text: String,
}

/// A step that says something and may bring files: 首次答复, 答复办结, 补充材料.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithTextAndFiles {
    pub version: u32,
    #[schema(min_length = 1, max_length = 5000)]
    pub text: String,
    /// Up to 10 files, stored with the step or not at all (see `/appeals/{id}/attachments` for their limits).
    #[serde(default)]
    pub files: Vec<super::files::FileBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithReason {
    pub version: u32,
    #[schema(min_length = 1, max_length = 5000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    pub version: u32,
    pub unit_id: i64,
    #[serde(default)]
    pub co_unit_ids: Vec<i64>,
    pub level: Level,
    /// The category decided at triage (GET /categories).
    #[schema(max_length = 50)]
    pub category: String,
    /// A deadline policy code (GET /deadline-policies); default 13710.
    #[schema(max_length = 50)]
    pub policy: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionBody {
    pub version: u32,
    /// Working days asked for, 1 to 60.
    #[schema(minimum = 1, maximum = 60)]
    pub days: u16,
    #[schema(min_length = 1, max_length = 5000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialBody {
    pub version: u32,
    /// What the enterprise must supply.
    #[schema(min_length = 1, max_length = 5000)]
    pub what: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    pub version: u32,
    /// 1 to 5 stars; may be left out.
    pub rating: Option<Stars>,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub comment: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    pub version: u32,
    pub common_issue_id: i64,
}

async fn act(store: &Store, c: &Caller, id: i64, version: u32, action: Action) -> Result<Json<AppealView>, ApiError> {
    let record = store.act(&c.user, &c.source, id, version, action, Timestamp::now()).await?;
    Ok(Json(view(store, record)))
}

/// The steps that take files: `POST /appeals/{id}/<action>` with the text and the files, one transaction.
macro_rules! file_endpoint {
    ($name:ident, $path:literal, $summary:literal, |$text:ident| $action:expr) => {
        #[doc = $summary]
        #[utoipa::path(post, path = $path, tag = "appeal actions", params(("id" = i64, Path)),
                    request_body = WithTextAndFiles,
                    responses((status = 200, description = "已执行，返回新状态", body = AppealView), WriteRefusals))]
        async fn $name(
            State(store): State<Store>,
            c: Caller,
            Id(id): Id<i64>,
            Body(b): Body<WithTextAndFiles>,
        ) -> Result<Json<AppealView>, ApiError> {
            let files = super::files::decode(b.files)?;
            let $text = b.text;
            let record =
                store.act_with_files(&c.user, &c.source, id, b.version, $action, files, Timestamp::now()).await?;
            Ok(Json(view(&store, record)))
        }
    };
}

file_endpoint!(reply, "/appeals/{id}/reply", "首次答复（可附文件）/ first reply, with files", |text| {
    Action::Reply { text }
});
file_endpoint!(answer, "/appeals/{id}/answer", "答复办结（可附文件）/ answer, with files", |text| {
    Action::Answer { text }
});
file_endpoint!(
    supply_material,
    "/appeals/{id}/supply_material",
    "补充材料（可附文件）/ supply material, with files",
    |text| Action::SupplyMaterial { text }
);

/// One endpoint per action: `POST /appeals/{id}/<action>` with the body the action needs.
macro_rules! action_endpoint {
    ($name:ident, $path:literal, $summary:literal, $body:ty, |$b:ident| $action:expr) => {
        #[doc = $summary]
        #[utoipa::path(post, path = $path, tag = "appeal actions", params(("id" = i64, Path)), request_body = $body,
                    responses((status = 200, description = "已执行，返回新状态", body = AppealView), WriteRefusals))]
        async fn $name(
            State(store): State<Store>,
            c: Caller,
            Id(id): Id<i64>,
            Body($b): Body<$body>,
        ) -> Result<Json<AppealView>, ApiError> {
            let version = $b.version;
            let action: Result<Action, ApiError> = $action;
            act(&store, &c, id, version, action?).await
        }
    };
}

action_endpoint!(submit, "/appeals/{id}/submit", "提交草稿 / submit a draft", Versioned, |b| Ok(Action::Submit));
action_endpoint!(acknowledge, "/appeals/{id}/acknowledge", "签收 / acknowledge", Versioned, |b| Ok(
    Action::Acknowledge
));
action_endpoint!(return_, "/appeals/{id}/return", "退回 / return as not this unit's business", WithReason, |b| Ok(
    Action::Return { reason: b.reason }
));
action_endpoint!(
    request_extension,
    "/appeals/{id}/request_extension",
    "申请延期 / ask for more time",
    ExtensionBody,
    |b| Ok(Action::RequestExtension { days: b.days, reason: b.reason })
);
action_endpoint!(
    approve_extension,
    "/appeals/{id}/approve_extension",
    "批准延期 / approve the extension",
    Versioned,
    |b| Ok(Action::ApproveExtension)
);
action_endpoint!(
    refuse_extension,
    "/appeals/{id}/refuse_extension",
    "不予延期 / refuse the extension",
    WithReason,
    |b| Ok(Action::RefuseExtension { reason: b.reason })
);
action_endpoint!(
    request_material,
    "/appeals/{id}/request_material",
    "要求补充材料 / ask for material",
    MaterialBody,
    |b| Ok(Action::RequestMaterial { what: b.what })
);
action_endpoint!(confirm, "/appeals/{id}/confirm", "确认满意并评价 / confirm and rate", ConfirmBody, |b| Ok(
    Action::Confirm { rating: b.rating, comment: b.comment }
));
action_endpoint!(reject, "/appeals/{id}/reject", "不满意重办 / reject the answer", WithReason, |b| Ok(
    Action::Reject { reason: b.reason }
));
action_endpoint!(withdraw, "/appeals/{id}/withdraw", "撤回 / withdraw", WithReason, |b| Ok(Action::Withdraw {
    reason: b.reason
}));
action_endpoint!(reject_invalid, "/appeals/{id}/reject_invalid", "判定无效 / mark invalid", WithReason, |b| Ok(
    Action::RejectInvalid { reason: b.reason }
));
action_endpoint!(merge, "/appeals/{id}/merge", "并入共性问题 / merge into a common issue", MergeBody, |b| Ok(
    Action::Merge { common_issue_id: b.common_issue_id }
));
action_endpoint!(instruct, "/appeals/{id}/instruct", "领导批示 / a leader's instruction", WithText, |b| Ok(
    Action::Instruct { text: b.text }
));

/// 交办: to a unit, at a level, under a deadline policy.
#[utoipa::path(post, path = "/appeals/{id}/assign", tag = "appeal actions", params(("id" = i64, Path)),
    request_body = AssignBody,
    responses((status = 200, description = "已交办", body = AppealView), WriteRefusals))]
async fn assign(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<AssignBody>,
) -> Result<Json<AppealView>, ApiError> {
    let code = b.policy.unwrap_or_else(|| "13710".to_owned());
    let policy = store.deadline_policies().await?.into_iter().find(|p| p.code == code).ok_or_else(|| {
        ApiError::invalid("invalid_value", format!("办理时限 {code} 不存在 / deadline policy {code} does not exist"))
    })?;
    let action =
        Action::Assign { unit_id: b.unit_id, co_unit_ids: b.co_unit_ids, level: b.level, category: b.category, policy };
    act(&store, &c, id, b.version, action).await
}

/// The steps that take files (their bodies may be as large as the files: see `files::FILES_BODY_LIMIT`).
pub fn file_routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new().routes(routes!(reply)).routes(routes!(answer)).routes(routes!(supply_material))
}

pub fn routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one))
        .routes(routes!(events))
        .routes(routes!(submit))
        .routes(routes!(assign))
        .routes(routes!(acknowledge))
        .routes(routes!(return_))
        .routes(routes!(request_extension))
        .routes(routes!(approve_extension))
        .routes(routes!(refuse_extension))
        .routes(routes!(request_material))
        .routes(routes!(confirm))
        .routes(routes!(reject))
        .routes(routes!(withdraw))
        .routes(routes!(reject_invalid))
        .routes(routes!(merge))
        .routes(routes!(instruct))
}
