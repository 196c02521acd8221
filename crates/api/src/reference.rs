//! Editing and retiring the reference data over HTTP (issue 13; the system administrator): a region, a unit, a
//! category or a deadline policy is renamed, moved or retired (`active: false`), never deleted. The rules are the
//! store's (`zhuqi_store::reference`), shared with the admin pages.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhuqi_domain::{DeadlinePolicy, RegionCode, Role};
use zhuqi_store::{CategoryRecord, RegionRecord, Store, UnitRecord};

use super::auth::Caller;
use super::error::{ApiError, Body, Id, WriteRefusals};

const CONFIG_ROLES: &[Role] = &[Role::Sysadmin];

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionEdit {
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    pub active: bool,
}

/// Renames a region or retires it (once no region below it is in use).
#[utoipa::path(patch, path = "/regions/{code}", tag = "organisation", params(("code" = String, Path)),
    request_body = RegionEdit, responses((status = 200, body = RegionRecord), WriteRefusals))]
async fn edit_region(
    State(store): State<Store>,
    c: Caller,
    Id(code): Id<String>,
    Body(b): Body<RegionEdit>,
) -> Result<Json<RegionRecord>, ApiError> {
    c.require(CONFIG_ROLES)?;
    let region = RegionCode::parse(&code)?;
    store.edit_region(c.user.origin(&c.source), region, b.name, b.active).await?;
    let found = store.regions().await?.into_iter().find(|r| r.code == code);
    Ok(Json(found.ok_or_else(|| ApiError::not_found("地区"))?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitEdit {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub region_code: String,
    /// False retires the unit: no new item is assigned to it; its items go on.
    pub active: bool,
}

/// Renames a unit, moves it to another region, or retires it.
#[utoipa::path(patch, path = "/units/{id}", tag = "organisation", params(("id" = i64, Path)),
    request_body = UnitEdit, responses((status = 200, body = UnitRecord), WriteRefusals))]
async fn edit_unit(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<UnitEdit>,
) -> Result<Json<UnitRecord>, ApiError> {
    c.require(CONFIG_ROLES)?;
    let region = RegionCode::parse(&b.region_code)?;
    store.edit_unit(c.user.origin(&c.source), id, b.name, region, b.active).await?;
    let found = store.units().await?.into_iter().find(|u| u.id == id);
    Ok(Json(found.ok_or_else(|| ApiError::not_found("单位"))?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryEdit {
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    pub parent_code: Option<String>,
    #[schema(minimum = 0, maximum = 9999)]
    pub position: i64,
    pub active: bool,
}

/// Renames a category, moves it under another, reorders or retires it.
#[utoipa::path(patch, path = "/categories/{code}", tag = "organisation", params(("code" = String, Path)),
    request_body = CategoryEdit, responses((status = 200, body = CategoryRecord), WriteRefusals))]
async fn edit_category(
    State(store): State<Store>,
    c: Caller,
    Id(code): Id<String>,
    Body(b): Body<CategoryEdit>,
) -> Result<Json<CategoryRecord>, ApiError> {
    c.require(CONFIG_ROLES)?;
    if !(0..=9999).contains(&b.position) {
        return Err(ApiError::invalid("invalid_value", "排序应为0到9999 / position must be 0 to 9999"));
    }
    if !store.categories().await?.iter().any(|k| k.code == code) {
        return Err(ApiError::not_found("问题类型"));
    }
    let record = CategoryRecord {
        code: code.clone(),
        name: b.name,
        parent_code: b.parent_code,
        position: b.position,
        active: b.active,
    };
    store.edit_category(c.user.origin(&c.source), record).await?;
    let found = store.categories().await?.into_iter().find(|k| k.code == code);
    Ok(Json(found.ok_or_else(|| ApiError::not_found("问题类型"))?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyEdit {
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    #[schema(maximum = 365)]
    pub acknowledge: u16,
    #[schema(maximum = 365)]
    pub reply: u16,
    #[schema(maximum = 365)]
    pub resolve: u16,
    #[schema(maximum = 365)]
    pub feedback: u16,
    /// False retires the policy (never the last one in use).
    pub active: bool,
}

/// A deadline policy with whether it is in use.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyRecord {
    pub code: String,
    pub name: String,
    pub acknowledge: u16,
    pub reply: u16,
    pub resolve: u16,
    pub feedback: u16,
    pub active: bool,
}

/// Changes a deadline policy's name and days (for appeals assigned from now on) or retires it.
#[utoipa::path(patch, path = "/deadline-policies/{code}", tag = "organisation", params(("code" = String, Path)),
    request_body = PolicyEdit, responses((status = 200, body = PolicyRecord), WriteRefusals))]
async fn edit_policy(
    State(store): State<Store>,
    c: Caller,
    Id(code): Id<String>,
    Body(b): Body<PolicyEdit>,
) -> Result<Json<PolicyRecord>, ApiError> {
    c.require(CONFIG_ROLES)?;
    let ordered = b.acknowledge <= b.reply && b.reply <= b.resolve && b.resolve <= b.feedback && b.feedback <= 365;
    if !ordered {
        return Err(ApiError::invalid(
            "invalid_value",
            "须满足签收≤首次答复≤办结≤反馈≤365个工作日 / the days must be ordered and at most 365",
        ));
    }
    let policy = DeadlinePolicy {
        code: code.clone(),
        name: b.name,
        acknowledge: b.acknowledge,
        reply: b.reply,
        resolve: b.resolve,
        feedback: b.feedback,
    };
    store.edit_deadline_policy(c.user.origin(&c.source), policy, b.active).await?;
    let found = store.deadline_policies_all().await?.into_iter().find(|(p, _)| p.code == code);
    let (p, active) = found.ok_or_else(|| ApiError::not_found("时限规则"))?;
    let DeadlinePolicy { code, name, acknowledge, reply, resolve, feedback } = p;
    Ok(Json(PolicyRecord { code, name, acknowledge, reply, resolve, feedback, active }))
}

pub fn routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new()
        .routes(routes!(edit_region))
        .routes(routes!(edit_unit))
        .routes(routes!(edit_category))
        .routes(routes!(edit_policy))
}
