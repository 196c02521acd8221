//! 包联 over HTTP (issue 13): work groups, their cadres and the enterprises they serve. The system administrator keeps
//! every group, a dispatcher those of its region and below, a leader reads them; the rules are the store's
//! (`zhuqi_store::work_groups`), shared with the pages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhuqi_domain::RegionCode;
use zhuqi_store::{
    MAX_WORK_GROUP_NAME, NewWorkGroup, Store, WorkGroupDetail, WorkGroupEdit, WorkGroupFilter, WorkGroupPage,
};

use super::auth::Caller;
use super::error::{ApiError, Body, Id, Once, OnceHeader, Params, ReadRefusals, WriteRefusals};

/// The most ids one call adds.
const MAX_IDS: usize = 500;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkGroupQuery {
    /// Part of the group's name.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// GB/T 2260 code: this region and below.
    pub region: Option<String>,
    /// Retired groups too.
    pub retired: Option<bool>,
    /// 1-based.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The work groups the caller may read, with their counts, one page and the total.
#[utoipa::path(get, path = "/work-groups", tag = "organisation", params(WorkGroupQuery),
    responses((status = 200, body = WorkGroupPage), ReadRefusals))]
async fn list(
    State(store): State<Store>,
    c: Caller,
    Params(q): Params<WorkGroupQuery>,
) -> Result<Json<WorkGroupPage>, ApiError> {
    if q.q.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(ApiError::invalid("invalid_query", "搜索词最多100字 / the search text is over 100 characters"));
    }
    let (offset, limit) = super::error::page_window(q.page, q.limit)?;
    let filter = WorkGroupFilter {
        text: q.q,
        region: q.region.as_deref().map(RegionCode::parse).transpose()?,
        retired: q.retired.unwrap_or(false),
        offset,
        limit,
    };
    Ok(Json(store.work_groups(&c.user, filter).await?))
}

/// One work group with its cadres and enterprises (404 outside the caller's scope).
#[utoipa::path(get, path = "/work-groups/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = WorkGroupDetail), ReadRefusals))]
async fn show(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<WorkGroupDetail>, ApiError> {
    Ok(Json(store.work_group(&c.user, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkGroupBody {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// The region whose enterprises it may serve (its own and those below).
    pub region_code: String,
    /// 牵头单位.
    pub lead_unit_id: Option<i64>,
}

fn name(text: &str) -> Result<(), ApiError> {
    if text.trim().is_empty() || text.chars().count() > MAX_WORK_GROUP_NAME {
        return Err(ApiError::invalid(
            "invalid_value",
            format!(
                "工作组名称须为1到{MAX_WORK_GROUP_NAME}字 / the name must be 1 to {MAX_WORK_GROUP_NAME} characters"
            ),
        ));
    }
    Ok(())
}

/// Makes a work group (system administrator anywhere; a dispatcher in its region).
#[utoipa::path(post, path = "/work-groups", tag = "organisation", request_body = NewWorkGroupBody,
    params(OnceHeader), responses((status = 201, body = WorkGroupDetail), WriteRefusals))]
async fn create(
    State(store): State<Store>,
    c: Caller,
    Once(key): Once,
    Body(b): Body<NewWorkGroupBody>,
) -> Result<(StatusCode, Json<WorkGroupDetail>), ApiError> {
    name(&b.name)?;
    let new = NewWorkGroup { name: b.name, region: RegionCode::parse(&b.region_code)?, lead_unit_id: b.lead_unit_id };
    Ok((StatusCode::CREATED, Json(store.add_work_group(&c.user, &c.source, new, key).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkGroupEditBody {
    /// The `version` the caller read: a stale one answers 409.
    pub version: i64,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub lead_unit_id: Option<i64>,
    /// False retires the group (only once it serves no enterprise).
    pub active: bool,
}

/// Renames a work group, sets its lead unit, retires it or brings it back.
#[utoipa::path(patch, path = "/work-groups/{id}", tag = "organisation", params(("id" = i64, Path)),
    request_body = WorkGroupEditBody, responses((status = 200, body = WorkGroupDetail), WriteRefusals))]
async fn edit(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<WorkGroupEditBody>,
) -> Result<Json<WorkGroupDetail>, ApiError> {
    name(&b.name)?;
    let edit = WorkGroupEdit { version: b.version, name: b.name, lead_unit_id: b.lead_unit_id, active: b.active };
    Ok(Json(store.edit_work_group(&c.user, &c.source, id, edit).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembersBody {
    /// Users holding the cadre role.
    #[schema(min_items = 1, max_items = 500)]
    pub user_ids: Vec<i64>,
}

fn ids(list: &[i64], what: &str) -> Result<(), ApiError> {
    if list.is_empty() || list.len() > MAX_IDS {
        return Err(ApiError::invalid("invalid_value", format!("{what}须为1到{MAX_IDS}个 / 1 to {MAX_IDS} ids")));
    }
    Ok(())
}

/// Adds cadres to a work group (those already in it stay as they are).
#[utoipa::path(post, path = "/work-groups/{id}/members", tag = "organisation", params(("id" = i64, Path)),
    request_body = MembersBody, responses((status = 200, body = WorkGroupDetail), WriteRefusals))]
async fn add_members(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<MembersBody>,
) -> Result<Json<WorkGroupDetail>, ApiError> {
    ids(&b.user_ids, "助企干部")?;
    Ok(Json(store.add_work_group_members(&c.user, &c.source, id, b.user_ids).await?))
}

/// Takes a cadre out of a work group: it no longer sees the group's enterprises.
#[utoipa::path(delete, path = "/work-groups/{id}/members/{user_id}", tag = "organisation",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 200, body = WorkGroupDetail), WriteRefusals))]
async fn remove_member(
    State(store): State<Store>,
    c: Caller,
    Id((id, user)): Id<(i64, i64)>,
) -> Result<Json<WorkGroupDetail>, ApiError> {
    Ok(Json(store.remove_work_group_member(&c.user, &c.source, id, user).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterprisesBody {
    /// Enterprises to serve from now on; each is moved from the group that served it.
    #[schema(min_items = 1, max_items = 500)]
    pub enterprise_ids: Vec<i64>,
}

/// 包联: the work group serves these enterprises, moved from any other group; all of them or none.
#[utoipa::path(post, path = "/work-groups/{id}/enterprises", tag = "organisation", params(("id" = i64, Path)),
    request_body = EnterprisesBody, responses((status = 200, body = WorkGroupDetail), WriteRefusals))]
async fn assign(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<EnterprisesBody>,
) -> Result<Json<WorkGroupDetail>, ApiError> {
    ids(&b.enterprise_ids, "企业")?;
    store.assign_enterprises(&c.user, &c.source, id, b.enterprise_ids).await?;
    Ok(Json(store.work_group(&c.user, id).await?))
}

/// The work group no longer serves the enterprise.
#[utoipa::path(delete, path = "/work-groups/{id}/enterprises/{enterprise_id}", tag = "organisation",
    params(("id" = i64, Path), ("enterprise_id" = i64, Path)),
    responses((status = 200, body = WorkGroupDetail), WriteRefusals))]
async fn release(
    State(store): State<Store>,
    c: Caller,
    Id((id, enterprise)): Id<(i64, i64)>,
) -> Result<Json<WorkGroupDetail>, ApiError> {
    Ok(Json(store.release_enterprise(&c.user, &c.source, id, enterprise).await?))
}

pub fn routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, edit))
        .routes(routes!(add_members))
        .routes(routes!(remove_member))
        .routes(routes!(assign))
        .routes(routes!(release))
}
