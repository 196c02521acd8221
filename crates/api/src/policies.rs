//! 惠企政策 over HTTP (SPEC §8, issue 16): the policy library, and matching both ways — the enterprises that qualify
//! for a policy (送政策上门), the policies an enterprise qualifies for or nearly does, with every condition checked.
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
use zhuqi_domain::policy::{BenefitKind, Check, Conditions, Fit, PolicyLevel, PolicyStatus};
use zhuqi_domain::{Fen, RegionCode};
use zhuqi_store::{MAX_POLICY_BODY, MAX_POLICY_LINE, MAX_POLICY_TITLE, NewPolicy, PolicyFilter, PolicyRecord, Store};

use super::auth::Caller;
use super::error::{ApiError, Body, Id, Once, OnceHeader, Params, ReadRefusals, WriteRefusals, page_window};
use super::org::{Enterprise, enterprise};

/// The largest body the policy routes take: a policy's text of `MAX_POLICY_BODY` characters, escaped, and the rest.
pub const POLICY_BODY_LIMIT: usize = 512 * 1024;

/// A policy (惠企政策) of the library.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyView {
    pub id: i64,
    pub title: String,
    /// 发文机关
    pub issuer: String,
    pub level: PolicyLevel,
    /// 文号
    pub doc_number: String,
    /// Where it applies.
    pub region_code: String,
    pub region_name: String,
    /// The unit that answers for it (drafts it, grants it).
    pub unit_id: i64,
    pub unit_name: String,
    pub status: PolicyStatus,
    /// 有效, 未生效, 已失效, 起草中 or 已废止 today.
    pub standing: String,
    #[schema(value_type = String, format = Date)]
    pub valid_from: Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_to: Option<Date>,
    /// A draft's due date (政策推进清单).
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<Date>,
    pub benefit_kind: BenefitKind,
    /// 扶持内容: the amount or formula in words.
    pub benefit: String,
    /// The most one enterprise may be granted, in fen.
    pub cap_fen: Option<i64>,
    /// 免申即享
    pub no_application: bool,
    pub conditions: Conditions,
    /// The conditions in words.
    pub conditions_text: Vec<String>,
    /// 政策原文
    pub body: String,
    /// Give this back as `version` with an edit: a stale one is refused with 409.
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

pub fn policy_view(r: PolicyRecord) -> PolicyView {
    let standing = r.standing(zhuqi_domain::time::today()).to_owned();
    let p = r.policy;
    PolicyView {
        id: r.id,
        conditions_text: p.conditions.describe(),
        title: p.title,
        issuer: p.issuer,
        level: p.level,
        doc_number: p.doc_number,
        region_code: p.region.as_str().to_owned(),
        region_name: r.region_name,
        unit_id: p.unit_id,
        unit_name: r.unit_name,
        status: p.status,
        standing,
        valid_from: p.valid_from,
        valid_to: p.valid_to,
        due_on: p.due_on,
        benefit_kind: p.benefit_kind,
        benefit: p.benefit,
        cap_fen: p.cap.map(Fen::fen),
        no_application: p.no_application,
        conditions: p.conditions,
        body: p.body,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PolicyQuery {
    /// Words (separated by spaces), each found in the title, 文号, 发文机关, 扶持内容 or text.
    #[param(max_length = 100)]
    pub q: Option<String>,
    pub status: Option<PolicyStatus>,
    pub level: Option<PolicyLevel>,
    pub benefit_kind: Option<BenefitKind>,
    /// Only policies in force today (published and between their dates).
    pub in_force: Option<bool>,
    /// 1-based.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// One page of policies and the total.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyList {
    pub items: Vec<PolicyView>,
    pub total: usize,
}

/// The policies the caller may read, newest first.
#[utoipa::path(get, path = "/policies", tag = "policies", params(PolicyQuery),
    responses((status = 200, body = PolicyList), ReadRefusals))]
async fn policy_library(
    State(store): State<Store>,
    c: Caller,
    Params(q): Params<PolicyQuery>,
) -> Result<Json<PolicyList>, ApiError> {
    let (offset, limit) = page_window(q.page, q.limit)?;
    if q.q.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(ApiError::invalid("invalid_query", "搜索词最多100字 / the search text is over 100 characters"));
    }
    let filter = PolicyFilter {
        words: q.q,
        status: q.status,
        level: q.level,
        benefit_kind: q.benefit_kind,
        unit_id: None,
        in_force_on: q.in_force.filter(|f| *f).map(|_| zhuqi_domain::time::today()),
        offset,
        limit,
    };
    let page = store.policies_for(&c.user, filter).await?;
    Ok(Json(PolicyList { items: page.items.into_iter().map(policy_view).collect(), total: page.total }))
}

/// A policy as written: the body of a create and, with `version`, of an edit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    /// The version the caller read (edits only).
    #[serde(default)]
    pub version: Option<i64>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// 发文机关
    #[schema(min_length = 1, max_length = 500)]
    pub issuer: String,
    pub level: PolicyLevel,
    /// 文号
    #[serde(default)]
    #[schema(max_length = 500)]
    pub doc_number: String,
    /// Where it applies: the caller's region or below.
    pub region_code: String,
    /// The unit that answers for it: a handler's own unit.
    pub unit_id: i64,
    pub status: PolicyStatus,
    #[schema(value_type = String, format = Date)]
    pub valid_from: Date,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_to: Option<Date>,
    /// Required while drafting (政策推进清单).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<Date>,
    pub benefit_kind: BenefitKind,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub benefit: String,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub cap_fen: Option<i64>,
    /// 免申即享
    #[serde(default)]
    pub no_application: bool,
    #[serde(default)]
    pub conditions: Conditions,
    /// 政策原文
    #[serde(default)]
    #[schema(max_length = 50000)]
    pub body: String,
}

impl PolicyBody {
    fn policy(self) -> Result<NewPolicy, ApiError> {
        // Lengths before anything is looked up: a body of megabytes is refused at once.
        for (what, text, max) in [
            ("政策名称", &self.title, MAX_POLICY_TITLE),
            ("发文机关", &self.issuer, MAX_POLICY_LINE),
            ("文号", &self.doc_number, MAX_POLICY_LINE),
            ("扶持内容", &self.benefit, MAX_POLICY_LINE),
            ("政策原文", &self.body, MAX_POLICY_BODY),
        ] {
            if text.chars().count() > max {
                return Err(ApiError::invalid("invalid_value", format!("{what}最多{max}字 / {what} is too long")));
            }
        }
        if self.conditions.industries.len() > 50 {
            return Err(ApiError::invalid("invalid_value", "产业链条件最多50项 / at most 50 industries"));
        }
        Ok(NewPolicy {
            title: self.title,
            issuer: self.issuer,
            level: self.level,
            doc_number: self.doc_number,
            region: RegionCode::parse(&self.region_code)?,
            unit_id: self.unit_id,
            status: self.status,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            due_on: self.due_on,
            benefit_kind: self.benefit_kind,
            benefit: self.benefit,
            cap: self.cap_fen.map(Fen::new).transpose()?,
            no_application: self.no_application,
            conditions: self.conditions,
            body: self.body,
        })
    }
}

/// Records a policy (the region's dispatcher; a handler for its own unit). Sent again with the same
/// `Idempotency-Key` it records nothing more and answers with the policy the key first created.
#[utoipa::path(post, path = "/policies", tag = "policies", request_body = PolicyBody, params(OnceHeader),
    responses((status = 201, body = PolicyView), WriteRefusals))]
async fn record_policy(
    State(store): State<Store>,
    c: Caller,
    Once(key): Once,
    Body(b): Body<PolicyBody>,
) -> Result<(StatusCode, Json<PolicyView>), ApiError> {
    let policy = b.policy()?;
    let p = store.create_policy_as(&c.user, &c.source, policy, Timestamp::now(), key).await?;
    Ok((StatusCode::CREATED, Json(policy_view(p))))
}

/// One policy (404 outside the caller's scope).
#[utoipa::path(get, path = "/policies/{id}", tag = "policies", params(("id" = i64, Path)),
    responses((status = 200, body = PolicyView), ReadRefusals))]
async fn read_policy(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<PolicyView>, ApiError> {
    Ok(Json(policy_view(store.policy_for(&c.user, id).await?)))
}

/// Rewrites a policy as read at `version` (409 if it changed since): corrections, publishing a draft (status
/// `published`), repealing (`repealed`).
#[utoipa::path(put, path = "/policies/{id}", tag = "policies", params(("id" = i64, Path)), request_body = PolicyBody,
    responses((status = 200, body = PolicyView), WriteRefusals))]
async fn edit_policy(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<PolicyBody>,
) -> Result<Json<PolicyView>, ApiError> {
    let version = b.version.ok_or_else(|| {
        ApiError::invalid("invalid_value", "请提供读取时的版本号 version / version is required for an edit")
    })?;
    let policy = b.policy()?;
    let p = store.edit_policy_as(&c.user, &c.source, id, version, policy, Timestamp::now()).await?;
    Ok(Json(policy_view(p)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    /// The day the conditions are checked on (years since registration count to it); default today.
    #[param(value_type = Option<String>, format = Date)]
    pub as_of: Option<Date>,
    /// 1-based.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The enterprises that qualify, a page of them and how many in all.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchList {
    pub items: Vec<Enterprise>,
    pub total: usize,
}

/// The enterprises that qualify for the policy (送政策上门), among those the caller may see — every one of the
/// policy's region for the policy's own unit.
#[utoipa::path(get, path = "/policies/{id}/matches", tag = "policies", params(("id" = i64, Path), MatchQuery),
    responses((status = 200, body = MatchList), ReadRefusals))]
async fn policy_matches(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Params(q): Params<MatchQuery>,
) -> Result<Json<MatchList>, ApiError> {
    let (offset, limit) = page_window(q.page, q.limit)?;
    let day = q.as_of.unwrap_or_else(zhuqi_domain::time::today);
    let page = store.policy_matches_for(&c.user, id, day, offset, limit).await?;
    Ok(Json(MatchList { items: page.items.into_iter().map(|e| enterprise(&c, e)).collect(), total: page.total }))
}

/// A policy an enterprise qualifies for, or nearly does, with each condition checked.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyFitView {
    pub policy: PolicyView,
    /// `qualifies`, or `nearly`: exactly one condition fails.
    pub fit: Fit,
    pub checks: Vec<Check>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FitQuery {
    /// The day the policies are in force and the conditions checked; default today.
    #[param(value_type = Option<String>, format = Date)]
    pub as_of: Option<Date>,
}

/// The policies in force the enterprise qualifies for (first) or nearly does, each with why.
#[utoipa::path(get, path = "/enterprises/{id}/policies", tag = "policies", params(("id" = i64, Path), FitQuery),
    responses((status = 200, body = Vec<PolicyFitView>), ReadRefusals))]
async fn enterprise_policies(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Params(q): Params<FitQuery>,
) -> Result<Json<Vec<PolicyFitView>>, ApiError> {
    let day = q.as_of.unwrap_or_else(zhuqi_domain::time::today);
    let fits = store.enterprise_policies_for(&c.user, id, day).await?;
    Ok(Json(
        fits.into_iter()
            .map(|f| PolicyFitView { policy: policy_view(f.policy), fit: f.fit, checks: f.checks })
            .collect(),
    ))
}

pub fn routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new()
        .routes(routes!(policy_library, record_policy))
        .routes(routes!(read_policy, edit_policy))
        .routes(routes!(policy_matches))
        .routes(routes!(enterprise_policies))
}
