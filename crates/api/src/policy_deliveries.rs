//! 政策送达与兑现 over HTTP (issue 16): each step of a policy's way to an enterprise (送达, 申报, 兑现, 不予兑现), the
//! 免申即享 grant list and its confirmation, an enterprise's question about a policy (a 政策兑现 appeal), and the
//! figures of it all as of a day.
//! Rules and scope are the store's (`zhuqi_store::policies`), shared with the pages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhuqi_domain::Fen;
use zhuqi_domain::policy::delivery::{DeliveryChannel, DeliveryStage, DeliveryStep, Intention, MAX_DELIVERY_NOTE};
use zhuqi_store::{DeliveryFilter, DeliveryRecord, Store};

use super::appeals::{AppealView, view as appeal_view};
use super::auth::Caller;
use super::error::{ApiError, Body, Id, Once, OnceHeader, Params, ReadRefusals, WriteRefusals, page_window};

/// A policy's progress with one enterprise.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    pub policy_id: i64,
    pub policy_title: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub stage: DeliveryStage,
    /// 待确认兑现, 已送达, 已申报, 已兑现 or 未予兑现.
    pub stage_label: String,
    /// Put on the 免申即享 grant list.
    #[schema(value_type = Option<String>, format = Date)]
    pub proposed_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub delivered_on: Option<Date>,
    pub channel: Option<DeliveryChannel>,
    pub intention: Option<Intention>,
    /// 送达情况
    pub note: String,
    pub delivered_by: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub claimed_on: Option<Date>,
    pub claimed_fen: Option<i64>,
    /// Granted or refused.
    #[schema(value_type = Option<String>, format = Date)]
    pub decided_on: Option<Date>,
    pub granted_fen: Option<i64>,
    /// 兑现说明 or why it was refused.
    pub reason: String,
    /// Give this back as `version` with the next step: a stale one is refused with 409.
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

fn delivery_view(r: DeliveryRecord) -> DeliveryView {
    let d = r.delivery;
    DeliveryView {
        id: r.id,
        policy_id: r.policy_id,
        policy_title: r.policy_title,
        enterprise_id: r.enterprise_id,
        enterprise_name: r.enterprise_name,
        stage: d.stage,
        stage_label: d.stage.label().to_owned(),
        proposed_on: d.proposed_on,
        delivered_on: d.delivered_on,
        channel: d.channel,
        intention: d.intention,
        note: d.note,
        delivered_by: r.delivered_by,
        claimed_on: d.claimed_on,
        claimed_fen: d.claimed.map(Fen::fen),
        decided_on: d.decided_on,
        granted_fen: d.granted.map(Fen::fen),
        reason: d.reason,
        version: r.version,
        updated_at: r.updated_at,
    }
}

/// One page of records and the total.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub items: Vec<DeliveryView>,
    pub total: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    pub stage: Option<DeliveryStage>,
    /// 1-based.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

async fn list(
    store: &Store,
    c: &Caller,
    q: DeliveryQuery,
    filter: DeliveryFilter,
) -> Result<Json<DeliveryList>, ApiError> {
    let (offset, limit) = page_window(q.page, q.limit)?;
    let filter = DeliveryFilter { stage: q.stage, offset, limit, ..filter };
    let page = store.deliveries_for(&c.user, filter).await?;
    Ok(Json(DeliveryList { items: page.items.into_iter().map(delivery_view).collect(), total: page.total }))
}

/// The policy's records with the enterprises the caller sees (every one, for the policy's unit), latest first.
#[utoipa::path(get, path = "/policies/{id}/deliveries", tag = "policies", params(("id" = i64, Path), DeliveryQuery),
    responses((status = 200, body = DeliveryList), ReadRefusals))]
async fn policy_deliveries(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Params(q): Params<DeliveryQuery>,
) -> Result<Json<DeliveryList>, ApiError> {
    store.policy_for(&c.user, id).await?;
    list(&store, &c, q, DeliveryFilter { policy_id: Some(id), ..DeliveryFilter::default() }).await
}

/// The enterprise's records of the policies the caller reads, latest first.
#[utoipa::path(get, path = "/enterprises/{id}/deliveries", tag = "policies",
    params(("id" = i64, Path), DeliveryQuery), responses((status = 200, body = DeliveryList), ReadRefusals))]
async fn enterprise_deliveries(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Params(q): Params<DeliveryQuery>,
) -> Result<Json<DeliveryList>, ApiError> {
    store.enterprise_for(&c.user, id).await?;
    list(&store, &c, q, DeliveryFilter { enterprise_id: Some(id), ..DeliveryFilter::default() }).await
}

/// Which step.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// 送达: a cadre, the office or the policy's unit.
    Deliver,
    /// 申报: also the enterprise itself; not for 免申即享 policies.
    Claim,
    /// 兑现: the office or the policy's unit, at most the policy's cap.
    Grant,
    /// 不予兑现, with a reason.
    Refuse,
}

/// One step of a policy with an enterprise.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    pub enterprise_id: i64,
    /// The record's version as read; absent when there is no record yet. A stale one is refused with 409.
    #[serde(default)]
    pub version: Option<i64>,
    pub step: StepKind,
    /// The day of the step: today or before, not before the record's last step.
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    /// 送达: how.
    #[serde(default)]
    pub channel: Option<DeliveryChannel>,
    /// 送达: what the enterprise said.
    #[serde(default)]
    pub intention: Option<Intention>,
    /// 送达情况 or 兑现说明.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
    /// 申报: the amount claimed (optional); 兑现: the amount granted (required).
    #[serde(default)]
    #[schema(minimum = 0)]
    pub amount_fen: Option<i64>,
    /// 不予兑现: why.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: String,
}

fn required<T>(v: Option<T>, what: &str, field: &str) -> Result<T, ApiError> {
    v.ok_or_else(|| ApiError::invalid("invalid_value", format!("请填写{what} {field} / {field} is required")))
}

impl StepBody {
    fn step(&self) -> Result<DeliveryStep, ApiError> {
        for (what, text) in [("送达情况", &self.note), ("理由", &self.reason)] {
            if text.chars().count() > MAX_DELIVERY_NOTE {
                return Err(ApiError::invalid("invalid_value", format!("{what}最多{MAX_DELIVERY_NOTE}字 / too long")));
            }
        }
        let amount = self.amount_fen.map(Fen::new).transpose()?;
        let on = self.on;
        Ok(match self.step {
            StepKind::Deliver => DeliveryStep::Deliver {
                on,
                channel: required(self.channel, "送达方式", "channel")?,
                intention: required(self.intention, "企业意向", "intention")?,
                note: self.note.clone(),
            },
            StepKind::Claim => DeliveryStep::Claim { on, amount },
            StepKind::Grant => {
                DeliveryStep::Grant {
                    on, amount: required(amount, "兑现金额", "amount_fen")?, note: self.note.clone()
                }
            }
            StepKind::Refuse => DeliveryStep::Refuse { on, reason: self.reason.clone() },
        })
    }
}

/// Takes a step of the policy with an enterprise: the first (no `version`) creates the record.
#[utoipa::path(post, path = "/policies/{id}/deliveries", tag = "policies", params(("id" = i64, Path)),
    request_body = StepBody, responses((status = 200, body = DeliveryView), WriteRefusals))]
async fn take_step(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<StepBody>,
) -> Result<Json<DeliveryView>, ApiError> {
    let step = b.step()?;
    let at = Timestamp::now();
    let r = store.take_delivery_step_as(&c.user, &c.source, id, b.enterprise_id, b.version, step, at).await?;
    Ok(Json(delivery_view(r)))
}

/// How many lines a grant-list call wrote.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantListOutcome {
    pub count: usize,
}

/// 免申即享: puts every enterprise of the policy's region that qualifies today and has no record yet on the grant
/// list (the office or the policy's unit).
#[utoipa::path(post, path = "/policies/{id}/grant-list", tag = "policies", params(("id" = i64, Path)),
    responses((status = 200, body = GrantListOutcome), WriteRefusals))]
async fn draw_grant_list(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
) -> Result<Json<GrantListOutcome>, ApiError> {
    let count = store.draw_grant_list_as(&c.user, &c.source, id, Timestamp::now()).await?;
    Ok(Json(GrantListOutcome { count }))
}

/// The confirmation of a grant list: one amount for every line still waiting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    #[schema(minimum = 0)]
    pub amount_fen: i64,
    #[schema(value_type = String, format = Date)]
    pub on: Date,
}

/// Grants every line of the policy's grant list still waiting, `amount_fen` each (at most the policy's cap).
#[utoipa::path(post, path = "/policies/{id}/grant-list/confirm", tag = "policies", params(("id" = i64, Path)),
    request_body = ConfirmBody, responses((status = 200, body = GrantListOutcome), WriteRefusals))]
async fn confirm_grant_list(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<ConfirmBody>,
) -> Result<Json<GrantListOutcome>, ApiError> {
    let amount = Fen::new(b.amount_fen)?;
    let count = store.confirm_grant_list_as(&c.user, &c.source, id, amount, b.on, Timestamp::now()).await?;
    Ok(Json(GrantListOutcome { count }))
}

/// An enterprise's question about a policy.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionBody {
    /// The enterprise asking (default: the caller's own).
    #[serde(default)]
    pub enterprise_id: Option<i64>,
    #[schema(min_length = 1, max_length = 5000)]
    pub question: String,
}

/// Asks about the policy: a 政策兑现 appeal of the enterprise that names the policy, on the appeal loop from there.
/// Sent again with the same `Idempotency-Key` it raises nothing more.
#[utoipa::path(post, path = "/policies/{id}/questions", tag = "policies", params(("id" = i64, Path), OnceHeader),
    request_body = QuestionBody, responses((status = 201, body = AppealView), WriteRefusals))]
async fn ask(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Once(key): Once,
    Body(b): Body<QuestionBody>,
) -> Result<(StatusCode, Json<AppealView>), ApiError> {
    let enterprise = b
        .enterprise_id
        .or(c.user.enterprise_id)
        .ok_or_else(|| ApiError::invalid("invalid_value", "请指明企业 enterprise_id / enterprise_id is required"))?;
    let r = store.ask_about_policy_as(&c.user, &c.source, id, enterprise, b.question, Timestamp::now(), key).await?;
    Ok((StatusCode::CREATED, Json(appeal_view(&store, r))))
}

/// What the figures' lines are.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FigureGrouping {
    /// The enterprise's county (or district).
    Region,
    /// The unit that answers for the policy.
    Unit,
    Policy,
    /// The enterprise's industry (产业链).
    Industry,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// Default `region`.
    pub by: Option<FigureGrouping>,
    /// Default today; not after today.
    #[param(value_type = Option<String>, format = Date)]
    pub as_of: Option<Date>,
}

/// One line of the figures, in enterprise-policy pairs (户次).
#[derive(Debug, Serialize, ToSchema)]
pub struct FigureLineView {
    /// A region's code, a unit's or policy's id, an industry's name; empty for the total.
    pub key: String,
    pub name: String,
    /// Pairs that qualify on the day (policies in force, the enterprises' facts as recorded).
    pub matched: usize,
    pub delivered: usize,
    pub claimed: usize,
    pub granted: usize,
    pub granted_fen: i64,
}

fn figure_line(key: String, name: String, t: &zhuqi_store::PolicyTally) -> FigureLineView {
    let g = &t.progress;
    FigureLineView {
        key,
        name,
        matched: t.matched,
        delivered: g.delivered,
        claimed: g.claimed,
        granted: g.granted,
        granted_fen: g.amount.fen(),
    }
}

/// The 惠企政策 figures as of a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyFiguresView {
    #[schema(value_type = String, format = Date)]
    pub as_of: Date,
    /// Policies in force, and of them 免申即享.
    pub in_force: usize,
    pub no_application: usize,
    pub total: FigureLineView,
    pub lines: Vec<FigureLineView>,
}

/// Policies in force, enterprises that qualify, delivered, claimed, granted and the amount granted, as of `as_of`,
/// by region, unit, policy or industry — over what the caller reads.
#[utoipa::path(get, path = "/policies/figures", tag = "policies", params(FiguresQuery),
    responses((status = 200, body = PolicyFiguresView), ReadRefusals))]
async fn policy_figures(
    State(store): State<Store>,
    c: Caller,
    Params(q): Params<FiguresQuery>,
) -> Result<Json<PolicyFiguresView>, ApiError> {
    use zhuqi_store::PolicyGrouping as G;
    let today = zhuqi_domain::time::today();
    let as_of = q.as_of.unwrap_or(today);
    if as_of > today {
        return Err(ApiError::invalid(
            "invalid_value",
            format!("截至日期不能晚于今天（{today}）/ as_of is in the future"),
        ));
    }
    let by = match q.by.unwrap_or(FigureGrouping::Region) {
        FigureGrouping::Region => G::Region,
        FigureGrouping::Unit => G::Unit,
        FigureGrouping::Policy => G::Policy,
        FigureGrouping::Industry => G::Industry,
    };
    let f = store.policy_figures(&c.user, None, as_of, by).await?;
    Ok(Json(PolicyFiguresView {
        as_of,
        in_force: f.in_force,
        no_application: f.no_application,
        total: figure_line(String::new(), "合计".into(), &f.total),
        lines: f.rows.into_iter().map(|(k, name, t)| figure_line(k, name, &t)).collect(),
    }))
}

pub fn routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new()
        .routes(routes!(policy_figures))
        .routes(routes!(policy_deliveries, take_step))
        .routes(routes!(enterprise_deliveries))
        .routes(routes!(draw_grant_list))
        .routes(routes!(confirm_grant_list))
        .routes(routes!(ask))
}
