//! 非公企业多元解纷 over HTTP (SPEC §3): a workstation records a dispute case and transfers it; the mediator, court,
//! arbitration body or unit that took it mediates and records the outcome; the enterprise party evaluates it. One
//! endpoint takes every step (`POST /disputes/{id}/steps`), as for tasks. Rules and scope are the store's
//! (`zhuqi_store::disputes`), shared with the pages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhuqi_domain::dispute::{Forum, Outcome, is_dispute_type};
use zhuqi_domain::{Action, Event, Fen, Kind, Light, Role, Stars, Status};
use zhuqi_store::{
    DisputeFilter, DisputeGrouping, DisputeRecord, DisputeTally, MAX_ENTERPRISE_PARTIES, NewDispute, Store,
};

use super::appeals::DueDates;
use super::auth::Caller;
use super::error::{ApiError, Body, Id, Once, OnceHeader, Params, ReadRefusals, WriteRefusals};

/// An enterprise party of a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyView {
    pub enterprise_id: i64,
    pub name: String,
}

/// A dispute case (纠纷案件) with its workflow state.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeView {
    pub id: i64,
    /// e.g. JF-2026-000012
    pub number: String,
    /// The workstation (多元解纷工作站) that took the case in.
    pub workstation_id: i64,
    pub workstation_name: String,
    pub region_code: String,
    /// 涉事企业
    pub parties: Vec<PartyView>,
    /// 对方当事人
    pub other_party: String,
    /// 纠纷类型
    pub dispute_type: String,
    /// 涉及金额（分）
    pub amount_fen: i64,
    /// 纠纷事实
    pub facts: String,
    /// Where it was transferred (移交转办); absent before.
    pub forum: Option<Forum>,
    /// The mediator (法治护航员), when the forum is a mediator.
    pub mediator_id: Option<i64>,
    pub mediator_name: Option<String>,
    /// The mediator's workstation, or the court, arbitration body or unit that holds the case.
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    /// How mediation ended (结果反馈).
    pub outcome: Option<Outcome>,
    /// 达成金额（分）, for 调解成功.
    pub agreed_fen: Option<i64>,
    pub status: Status,
    /// 待分流, 待接收, 调解中, 待评价, …
    pub status_label: String,
    /// Give this back as `version` with the next step: a stale one is refused with 409.
    pub version: u32,
    pub pending_extension_days: Option<u16>,
    pub due: Option<DueDates>,
    /// 红黄绿灯 today; absent when no deadline runs.
    pub light: Option<Light>,
    /// 效果评价 by the enterprise party.
    pub rating: Option<Stars>,
    pub rating_comment: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub transferred_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

fn dispute_view(store: &Store, d: DisputeRecord) -> DisputeView {
    let (cal, today) = (store.calendar(), zhuqi_domain::time::today());
    let (forum, outcome, agreed) = (d.forum(), d.outcome(), d.agreed());
    let s = d.state;
    DisputeView {
        id: d.id,
        number: d.number.to_string(),
        workstation_id: d.workstation_id,
        workstation_name: d.workstation_name,
        region_code: d.region_code.as_str().to_owned(),
        parties: d.parties.into_iter().map(|p| PartyView { enterprise_id: p.enterprise_id, name: p.name }).collect(),
        other_party: d.other_party,
        amount_fen: d.amount.fen(),
        facts: d.facts,
        forum,
        mediator_id: s.mediation.as_ref().and_then(|m| m.mediator_id),
        mediator_name: d.mediator_name,
        unit_id: s.unit_id,
        unit_name: d.unit_name,
        outcome,
        agreed_fen: agreed.map(Fen::fen),
        due: s.deadlines(&cal, today).map(DueDates::from),
        light: s.light(&cal, today),
        status_label: Kind::Dispute.status_label(s.status).to_owned(),
        dispute_type: s.category,
        status: s.status,
        version: s.version,
        pending_extension_days: s.pending_extension,
        rating: s.rating,
        rating_comment: s.rating_comment,
        created_at: s.created_at,
        transferred_at: s.first_assigned_at,
        answered_at: s.answered_at,
        closed_at: s.closed_at,
        updated_at: s.updated_at,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DisputeQuery {
    /// Only cases in this status.
    pub status: Option<Status>,
    /// Only cases of this 纠纷类型.
    #[serde(rename = "type")]
    #[param(max_length = 50)]
    pub dispute_type: Option<String>,
    /// Only cases that ended so.
    pub outcome: Option<Outcome>,
    /// 1-based.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// One page of cases and the total.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeList {
    pub items: Vec<DisputeView>,
    pub total: usize,
}

fn unknown_type(t: &str) -> ApiError {
    ApiError::invalid("invalid_value", format!("纠纷类型「{t}」不在目录中 / no such dispute type"))
}

/// The cases the caller may see, the open ones first by due date.
#[utoipa::path(get, path = "/disputes", tag = "disputes", params(DisputeQuery),
    responses((status = 200, body = DisputeList), ReadRefusals))]
async fn disputes(
    State(store): State<Store>,
    c: Caller,
    Params(q): Params<DisputeQuery>,
) -> Result<Json<DisputeList>, ApiError> {
    let (offset, limit) = super::error::page_window(q.page, q.limit)?;
    if let Some(t) = q.dispute_type.as_deref().filter(|t| !is_dispute_type(t)) {
        return Err(unknown_type(t));
    }
    let filter = DisputeFilter {
        statuses: q.status.into_iter().collect(),
        dispute_type: q.dispute_type,
        outcome: q.outcome,
        region: None,
        held_by_me: false,
        offset,
        limit,
    };
    let page = store.disputes_for(&c.user, filter).await?;
    Ok(Json(DisputeList {
        items: page.items.into_iter().map(|d| dispute_view(&store, d)).collect(),
        total: page.total,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDisputeBody {
    /// 涉事企业: enterprises of the workstation's region.
    #[schema(min_items = 1, max_items = 20)]
    pub enterprise_ids: Vec<i64>,
    /// 对方当事人
    #[schema(min_length = 1, max_length = 100)]
    pub other_party: String,
    /// 纠纷类型: 合同纠纷, 买卖纠纷, 借贷纠纷, 工程款纠纷, 劳动争议, 租赁纠纷, 知识产权纠纷, 股权纠纷, 侵权纠纷, 其他纠纷.
    #[schema(min_length = 1, max_length = 50)]
    pub dispute_type: String,
    /// 涉及金额（分）, at most 1000亿元.
    #[schema(minimum = 0, maximum = 10_000_000_000_000_i64)]
    pub amount_fen: i64,
    /// 纠纷事实
    #[schema(min_length = 1, max_length = 5000)]
    pub facts: String,
}

/// Records a case (受理) for the caller's workstation, waiting to be transferred. Sent again with the same
/// `Idempotency-Key` it records nothing more and answers with the case the key first created.
#[utoipa::path(post, path = "/disputes", tag = "disputes", request_body = NewDisputeBody, params(OnceHeader),
    responses((status = 201, body = DisputeView), WriteRefusals))]
async fn create_dispute(
    State(store): State<Store>,
    c: Caller,
    Once(key): Once,
    Body(b): Body<NewDisputeBody>,
) -> Result<(StatusCode, Json<DisputeView>), ApiError> {
    // Checked before the store looks at each party: a body of thousands of ids is refused at once.
    if b.enterprise_ids.len() > MAX_ENTERPRISE_PARTIES {
        return Err(ApiError::invalid(
            "invalid_value",
            format!("涉事企业最多{MAX_ENTERPRISE_PARTIES}家 / at most {MAX_ENTERPRISE_PARTIES} enterprises"),
        ));
    }
    let new = NewDispute {
        enterprise_ids: b.enterprise_ids,
        other_party: b.other_party,
        dispute_type: b.dispute_type,
        amount: Fen::new(b.amount_fen)?,
        facts: b.facts,
    };
    let d = store.create_dispute_as(&c.user, &c.source, new, Timestamp::now(), key).await?;
    Ok((StatusCode::CREATED, Json(dispute_view(&store, d))))
}

/// One case (404 outside the caller's scope).
#[utoipa::path(get, path = "/disputes/{id}", tag = "disputes", params(("id" = i64, Path)),
    responses((status = 200, body = DisputeView), ReadRefusals))]
async fn dispute(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<DisputeView>, ApiError> {
    Ok(Json(dispute_view(&store, store.dispute_for(&c.user, id).await?)))
}

/// Every step of the case, oldest first.
#[utoipa::path(get, path = "/disputes/{id}/events", tag = "disputes", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Event>), ReadRefusals))]
async fn events(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<Vec<Event>>, ApiError> {
    Ok(Json(store.dispute_events_for(&c.user, id).await?))
}

/// A step on a case: the engine's `Action`s a case has, as people take them. It differs from `Action` only in
/// `transfer`, whose deadline policy is named by its code (a client does not invent deadlines).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum DisputeStep {
    /// 移交转办 (workstation): to a mediator of `unit_id` (`forum` mediator, `mediator_id` from GET
    /// /disputes/mediators), or to the court, arbitration body or unit `unit_id` (no `mediator_id`).
    Transfer {
        forum: Forum,
        unit_id: i64,
        #[serde(default)]
        mediator_id: Option<i64>,
        /// 纠纷类型 as classified now; default: the type recorded at 受理.
        #[serde(default)]
        #[schema(max_length = 50)]
        category: Option<String>,
        /// A deadline policy's code (GET /deadline-policies); default 13710.
        #[serde(default)]
        #[schema(max_length = 50)]
        policy: Option<String>,
    },
    /// 接收 (whoever the case was transferred to).
    Acknowledge,
    /// 记录调解: one mediation session.
    Reply {
        #[schema(min_length = 1, max_length = 5000)]
        text: String,
    },
    /// 退回: not this forum's case; back to the workstation.
    Return {
        #[schema(min_length = 1, max_length = 5000)]
        reason: String,
    },
    RequestExtension {
        #[schema(minimum = 1, maximum = 60)]
        days: u16,
        #[schema(min_length = 1, max_length = 5000)]
        reason: String,
    },
    /// The workstation decides an extension.
    ApproveExtension,
    RefuseExtension {
        #[schema(min_length = 1, max_length = 5000)]
        reason: String,
    },
    /// 结果反馈: `agreed` (达成金额, 分) for `mediated` only, and always then.
    Conclude {
        outcome: Outcome,
        #[serde(default)]
        #[schema(value_type = Option<i64>, minimum = 0)]
        agreed: Option<Fen>,
        #[schema(min_length = 1, max_length = 5000)]
        text: String,
    },
    /// 效果评价 by the enterprise party: 1 to 5 stars, may be left out.
    Confirm {
        rating: Option<Stars>,
        #[serde(default)]
        #[schema(max_length = 5000)]
        comment: String,
    },
    /// 撤回 (recorded by the workstation when the applicant withdraws).
    Withdraw {
        #[schema(min_length = 1, max_length = 5000)]
        reason: String,
    },
    /// 不予受理 (workstation).
    RejectInvalid {
        #[schema(min_length = 1, max_length = 5000)]
        reason: String,
    },
    /// 领导批示
    Instruct {
        #[schema(min_length = 1, max_length = 5000)]
        text: String,
    },
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeStepBody {
    /// The version the caller saw.
    pub version: u32,
    pub action: DisputeStep,
}

/// Takes one step on a case: 409 if it moved since `version` or has no such step now, 403 if the caller's role may
/// not, 422 for a bad value (an unknown unit, mediator or policy, an agreed amount missing).
#[utoipa::path(post, path = "/disputes/{id}/steps", tag = "disputes", params(("id" = i64, Path)),
    request_body = DisputeStepBody,
    responses((status = 200, description = "已执行，返回新状态", body = DisputeView), WriteRefusals))]
async fn step(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<DisputeStepBody>,
) -> Result<Json<DisputeView>, ApiError> {
    let action = match b.action {
        DisputeStep::Transfer { forum, unit_id, mediator_id, category, policy } => {
            let category = match category {
                Some(c) => c,
                None => store.dispute_for(&c.user, id).await?.state.category,
            };
            let code = policy.unwrap_or_else(|| "13710".to_owned());
            let policy = store.deadline_policies().await?.into_iter().find(|p| p.code == code).ok_or_else(|| {
                ApiError::invalid("invalid_value", format!("没有时限规则「{code}」 / no such deadline policy"))
            })?;
            Action::Transfer { forum, unit_id, mediator_id, category, policy }
        }
        DisputeStep::Acknowledge => Action::Acknowledge,
        DisputeStep::Reply { text } => Action::Reply { text },
        DisputeStep::Return { reason } => Action::Return { reason },
        DisputeStep::RequestExtension { days, reason } => Action::RequestExtension { days, reason },
        DisputeStep::ApproveExtension => Action::ApproveExtension,
        DisputeStep::RefuseExtension { reason } => Action::RefuseExtension { reason },
        DisputeStep::Conclude { outcome, agreed, text } => Action::Conclude { outcome, agreed, text },
        DisputeStep::Confirm { rating, comment } => Action::Confirm { rating, comment },
        DisputeStep::Withdraw { reason } => Action::Withdraw { reason },
        DisputeStep::RejectInvalid { reason } => Action::RejectInvalid { reason },
        DisputeStep::Instruct { text } => Action::Instruct { text },
    };
    let d = store.act_on_dispute(&c.user, &c.source, id, b.version, action, Timestamp::now()).await?;
    Ok(Json(dispute_view(&store, d)))
}

/// A mediator (法治护航员) a case may be transferred to.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediatorView {
    /// Give as `mediator_id` of a transfer.
    pub id: i64,
    pub name: String,
    /// Their workstation: give as `unit_id` of the transfer.
    pub unit_id: i64,
    pub unit_name: String,
}

/// The mediators of the caller's region (a workstation's staff only).
#[utoipa::path(get, path = "/disputes/mediators", tag = "disputes",
    responses((status = 200, body = Vec<MediatorView>), ReadRefusals))]
async fn mediators(State(store): State<Store>, c: Caller) -> Result<Json<Vec<MediatorView>>, ApiError> {
    c.require(&[Role::Workstation])?;
    let list = store.mediators_for(&c.user).await?;
    Ok(Json(
        list.into_iter().map(|(id, name, unit_id, unit_name)| MediatorView { id, name, unit_id, unit_name }).collect(),
    ))
}

/// How the figures are broken down.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FiguresBy {
    /// 工作站
    Workstation,
    /// 纠纷类型
    Type,
    /// 县（市、区）
    County,
}

impl FiguresBy {
    fn grouping(self) -> DisputeGrouping {
        match self {
            FiguresBy::Workstation => DisputeGrouping::Workstation,
            FiguresBy::Type => DisputeGrouping::DisputeType,
            FiguresBy::County => DisputeGrouping::County,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// The figures as they stood at the end of this day; default today.
    #[param(value_type = Option<String>, format = Date)]
    pub as_of: Option<Date>,
    /// Default county.
    pub by: Option<FiguresBy>,
}

/// The cases of a group as they stood at the end of the day.
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyView {
    /// 受理 (not counting those refused, 不予受理).
    pub received: i64,
    /// 涉及金额（分）
    pub amount_fen: i64,
    /// 涉及金额 in 亿元, e.g. 13.05亿元.
    pub amount_yi: String,
    /// 调解成功
    pub mediated: i64,
    /// 调解不成
    pub failed: i64,
    /// 转诉讼
    pub litigation: i64,
    /// 撤回
    pub withdrawn: i64,
    /// Still being handled.
    pub open: i64,
    /// 达成金额（分） of the cases mediated successfully.
    pub agreed_fen: i64,
    /// 调解成功率 in per mille of the cases received (781 = 78.1%); absent for no case.
    pub success_rate_per_mille: Option<i64>,
}

impl From<DisputeTally> for TallyView {
    fn from(t: DisputeTally) -> Self {
        TallyView {
            received: t.received,
            amount_fen: t.amount.fen(),
            amount_yi: t.amount.to_yi_string(),
            mediated: t.mediated,
            failed: t.failed,
            litigation: t.litigation,
            withdrawn: t.withdrawn,
            open: t.open(),
            agreed_fen: t.agreed.fen(),
            success_rate_per_mille: t.success_per_mille(),
        }
    }
}

/// One group of the figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresRow {
    /// The workstation's id, the type, or the county's code.
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub figures: TallyView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeFiguresView {
    #[schema(value_type = String, format = Date)]
    pub as_of: Date,
    pub by: FiguresBy,
    pub total: TallyView,
    /// The largest group first.
    pub rows: Vec<FiguresRow>,
}

/// 解纷统计 of the caller's region as of the end of a day ("受理涉企纠纷案件1585起，涉及金额13亿元左右，调解成功1238起"):
/// for workstations, leaders and the command office.
#[utoipa::path(get, path = "/disputes/figures", tag = "disputes", params(FiguresQuery),
    responses((status = 200, body = DisputeFiguresView), ReadRefusals))]
async fn figures(
    State(store): State<Store>,
    c: Caller,
    Params(q): Params<FiguresQuery>,
) -> Result<Json<DisputeFiguresView>, ApiError> {
    let by = q.by.unwrap_or(FiguresBy::County);
    let as_of = q.as_of.unwrap_or_else(zhuqi_domain::time::today);
    let f = store.dispute_figures(&c.user, None, as_of, by.grouping()).await?;
    Ok(Json(DisputeFiguresView {
        as_of: f.as_of,
        by,
        total: f.total.into(),
        rows: f.rows.into_iter().map(|(key, label, t)| FiguresRow { key, label, figures: t.into() }).collect(),
    }))
}

pub fn routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new()
        .routes(routes!(disputes, create_dispute))
        .routes(routes!(figures))
        .routes(routes!(mediators))
        .routes(routes!(dispute))
        .routes(routes!(events))
        .routes(routes!(step))
}
