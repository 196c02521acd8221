//! The organisation over HTTP: enterprises (within the caller's scope), regions, units, categories and deadline
//! policies (read by all staff, changed by the system administrator), users (the admins, 三员分立) and the audit log
//! (the auditor only; nobody can change it through any interface).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhuqi_domain::policy::{MAX_EMPLOYEES, RevenueBand, TaxCredit};
use zhuqi_domain::{DeadlinePolicy, Phone, RegionCode, Role, Uscc, check_roles};
use zhuqi_store::{
    AuditRecord, CategoryRecord, EnterpriseProfile, EnterpriseRecord, NewEnterprise, NewUser, Principal, RegionRecord,
    Store, UnitRecord, UserRecord,
};

use super::auth::{Caller, hash_password};
use super::error::{ApiError, Body, Id, Once, OnceHeader, Params, ReadRefusals, WriteRefusals};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Page {
    pub cursor: Option<i64>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

fn limit(l: Option<i64>) -> Result<usize, ApiError> {
    match l.unwrap_or(20) {
        l @ 1..=100 => Ok(usize::try_from(l).unwrap_or(20)),
        _ => Err(ApiError::invalid("invalid_limit", "每页条数须在1到100之间 / limit must be 1 to 100")),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Enterprise {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub region_code: String,
    pub industry: String,
    pub above_scale: bool,
    pub small_micro: bool,
    pub specialized: bool,
    pub little_giant: bool,
    pub contact_name: Option<String>,
    /// Masked (`138****1234`) unless the caller serves or is the enterprise.
    pub contact_phone: Option<String>,
    pub profile: Profile,
}

/// The facts policies' conditions read besides region, industry and size (each absent until recorded).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// 高新技术企业
    #[serde(default)]
    pub high_tech: bool,
    /// 成立日期
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub registered_on: Option<Date>,
    /// 从业人数
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub employees: Option<u32>,
    /// 上年营业收入档
    #[serde(default)]
    pub revenue_band: Option<RevenueBand>,
    /// 纳税信用等级
    #[serde(default)]
    pub tax_credit: Option<TaxCredit>,
}

impl Profile {
    fn of(p: EnterpriseProfile) -> Profile {
        Profile {
            high_tech: p.high_tech,
            registered_on: p.registered_on,
            employees: p.employees,
            revenue_band: p.revenue,
            tax_credit: p.tax_credit,
        }
    }

    fn checked(self) -> Result<EnterpriseProfile, ApiError> {
        if self.employees.is_some_and(|n| n > MAX_EMPLOYEES) {
            return Err(ApiError::invalid("invalid_value", "从业人数超出范围 / employees out of range"));
        }
        if self.registered_on.is_some_and(|d| d > zhuqi_domain::time::today()) {
            return Err(ApiError::invalid("invalid_value", "成立日期不能晚于今天 / registered in the future"));
        }
        Ok(EnterpriseProfile {
            high_tech: self.high_tech,
            registered_on: self.registered_on,
            employees: self.employees,
            revenue: self.revenue_band,
            tax_credit: self.tax_credit,
        })
    }
}

/// Staff who contact enterprises see their numbers whole; everyone else masked (SPEC §5, §9).
pub fn sees_whole_phone(user: &Principal) -> bool {
    [Role::Enterprise, Role::Cadre, Role::Handler, Role::Dispatcher].iter().any(|r| user.has(*r))
}

pub fn enterprise(c: &Caller, e: EnterpriseRecord) -> Enterprise {
    let whole = sees_whole_phone(&c.user);
    Enterprise {
        id: e.id,
        name: e.name,
        uscc: e.uscc.as_str().to_owned(),
        region_code: e.region_code.as_str().to_owned(),
        industry: e.industry,
        above_scale: e.above_scale,
        small_micro: e.small_micro,
        specialized: e.specialized,
        little_giant: e.little_giant,
        contact_name: e.contact_name,
        contact_phone: e.contact_phone.map(|p| if whole { p.as_str().to_owned() } else { p.masked() }),
        profile: Profile::of(e.profile),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseList {
    pub items: Vec<Enterprise>,
    pub next_cursor: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseQuery {
    /// GB/T 2260 code: this region and below.
    pub region: Option<String>,
    /// Part of the name, or a whole USCC.
    #[param(max_length = 100)]
    pub q: Option<String>,
    pub cursor: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The enterprises the caller may see.
#[utoipa::path(get, path = "/enterprises", tag = "organisation", params(EnterpriseQuery),
    responses((status = 200, body = EnterpriseList), ReadRefusals))]
async fn list_enterprises(
    State(store): State<Store>,
    c: Caller,
    Params(q): Params<EnterpriseQuery>,
) -> Result<Json<EnterpriseList>, ApiError> {
    let region = q.region.as_deref().map(RegionCode::parse).transpose()?;
    if q.q.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(ApiError::invalid("invalid_query", "搜索词最多100字 / the search text is over 100 characters"));
    }
    let (items, next_cursor) = store.enterprises_for(&c.user, region, q.q, q.cursor, limit(q.limit)?).await?;
    Ok(Json(EnterpriseList { items: items.into_iter().map(|e| enterprise(&c, e)).collect(), next_cursor }))
}

/// One enterprise (404 outside the caller's scope).
#[utoipa::path(get, path = "/enterprises/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = Enterprise), ReadRefusals))]
async fn get_enterprise(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<Enterprise>, ApiError> {
    let e = store.enterprise_for(&c.user, id).await?;
    Ok(Json(enterprise(&c, e)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEnterpriseBody {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// 统一社会信用代码 (GB 32100-2015), checked with its check character.
    #[schema(min_length = 18, max_length = 18)]
    pub uscc: String,
    pub region_code: String,
    /// 产业链, e.g. 生物医药.
    #[schema(min_length = 1, max_length = 50)]
    pub industry: String,
    #[serde(default)]
    pub above_scale: bool,
    #[serde(default)]
    pub small_micro: bool,
    #[serde(default)]
    pub specialized: bool,
    #[serde(default)]
    pub little_giant: bool,
    #[schema(max_length = 50)]
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// Absent: nothing recorded yet.
    #[serde(default)]
    pub profile: Profile,
}

impl NewEnterpriseBody {
    fn enterprise(self) -> Result<NewEnterprise, ApiError> {
        at_most("企业名称", &self.name, 100)?;
        at_most("产业", &self.industry, 50)?;
        at_most("联系人", self.contact_name.as_deref().unwrap_or_default(), 50)?;
        Ok(NewEnterprise {
            name: self.name,
            uscc: Uscc::parse(&self.uscc)?,
            region: RegionCode::parse(&self.region_code)?,
            industry: self.industry,
            above_scale: self.above_scale,
            small_micro: self.small_micro,
            specialized: self.specialized,
            little_giant: self.little_giant,
            contact_name: self.contact_name.filter(|n| !n.trim().is_empty()),
            contact_phone: self.contact_phone.as_deref().map(Phone::parse).transpose()?,
            created_at: Timestamp::now(),
            profile: self.profile.checked()?,
        })
    }
}

/// A name that must be there: 1 to `max` characters besides spaces. Checked before anything is looked up, so that
/// a create sent again with its key but a bad body is refused like any bad body.
fn required(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::invalid("invalid_value", format!("请填写{field} / {field} is required")));
    }
    at_most(field, value, max)
}

fn at_most(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.chars().count() > max {
        return Err(ApiError::invalid("invalid_value", format!("{field}最多{max}字 / {field} is too long")));
    }
    Ok(())
}

/// Registers an enterprise (system administrator; dispatcher or cadre in its region; an enterprise user its own).
#[utoipa::path(post, path = "/enterprises", tag = "organisation", request_body = NewEnterpriseBody,
    params(OnceHeader), responses((status = 201, body = Enterprise), WriteRefusals))]
async fn create_enterprise(
    State(store): State<Store>,
    c: Caller,
    Once(key): Once,
    Body(b): Body<NewEnterpriseBody>,
) -> Result<(StatusCode, Json<Enterprise>), ApiError> {
    let new = b.enterprise()?;
    let id = store.register_enterprise(&c.user, &c.source, new, key).await?;
    // Read back as the caller sees it: an enterprise user is linked to it now.
    let user = store.principal(c.user.user_id).await?;
    let e = store.enterprise_for(&user, id).await?;
    Ok((StatusCode::CREATED, Json(enterprise(&c, e))))
}

/// Corrects an enterprise's record; its USCC stays (the system administrator; the region's dispatcher; the cadres
/// who serve it and the enterprise itself, without moving it to another county).
#[utoipa::path(put, path = "/enterprises/{id}", tag = "organisation", params(("id" = i64, Path)),
    request_body = NewEnterpriseBody, responses((status = 200, body = Enterprise), WriteRefusals))]
async fn edit_enterprise(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<NewEnterpriseBody>,
) -> Result<Json<Enterprise>, ApiError> {
    let e = store.edit_enterprise_as(&c.user, &c.source, id, b.enterprise()?).await?;
    Ok(Json(enterprise(&c, e)))
}

/// Every region (GB/T 2260), as a tree by `parent_code`.
#[utoipa::path(get, path = "/regions", tag = "organisation",
    responses((status = 200, body = Vec<RegionRecord>), ReadRefusals))]
async fn list_regions(State(store): State<Store>, _c: Caller) -> Result<Json<Vec<RegionRecord>>, ApiError> {
    Ok(Json(store.regions().await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRegion {
    /// Six digits; its parent must be there already.
    pub code: String,
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
}

const CONFIG_ROLES: &[Role] = &[Role::Sysadmin];

/// Adds a region (system administrator).
#[utoipa::path(post, path = "/regions", tag = "organisation", request_body = NewRegion,
    params(OnceHeader), responses((status = 201, body = RegionRecord), WriteRefusals))]
async fn create_region(
    State(store): State<Store>,
    c: Caller,
    Once(key): Once,
    Body(b): Body<NewRegion>,
) -> Result<(StatusCode, Json<RegionRecord>), ApiError> {
    c.require(CONFIG_ROLES)?;
    required("地区名称", &b.name, 50)?;
    let code = RegionCode::parse(&b.code)?;
    store.add_region(c.user.origin(&c.source), code.clone(), b.name, key).await?;
    let region = store
        .regions()
        .await?
        .into_iter()
        .find(|r| r.code == code.as_str())
        .ok_or_else(|| ApiError::not_found("地区"))?;
    Ok((StatusCode::CREATED, Json(region)))
}

/// Every handling unit (承办单位).
#[utoipa::path(get, path = "/units", tag = "organisation",
    responses((status = 200, body = Vec<UnitRecord>), ReadRefusals))]
async fn list_units(State(store): State<Store>, _c: Caller) -> Result<Json<Vec<UnitRecord>>, ApiError> {
    Ok(Json(store.units().await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub region_code: String,
}

/// Adds a handling unit (system administrator).
#[utoipa::path(post, path = "/units", tag = "organisation", request_body = NewUnit,
    params(OnceHeader), responses((status = 201, body = UnitRecord), WriteRefusals))]
async fn create_unit(
    State(store): State<Store>,
    c: Caller,
    Once(key): Once,
    Body(b): Body<NewUnit>,
) -> Result<(StatusCode, Json<UnitRecord>), ApiError> {
    c.require(CONFIG_ROLES)?;
    required("单位名称", &b.name, 100)?;
    let region = RegionCode::parse(&b.region_code)?;
    let unit = store.add_unit(c.user.origin(&c.source), b.name, region, key).await?;
    Ok((StatusCode::CREATED, Json(unit)))
}

/// The category tree (融资, 用工, 土地, …).
#[utoipa::path(get, path = "/categories", tag = "organisation",
    responses((status = 200, body = Vec<CategoryRecord>), ReadRefusals))]
async fn list_categories(State(store): State<Store>, _c: Caller) -> Result<Json<Vec<CategoryRecord>>, ApiError> {
    Ok(Json(store.categories().await?))
}

/// Adds a category (system administrator).
#[utoipa::path(post, path = "/categories", tag = "organisation", request_body = CategoryRecord,
    params(OnceHeader), responses((status = 201, body = CategoryRecord), WriteRefusals))]
async fn create_category(
    State(store): State<Store>,
    c: Caller,
    Once(key): Once,
    Body(b): Body<CategoryRecord>,
) -> Result<(StatusCode, Json<CategoryRecord>), ApiError> {
    c.require(CONFIG_ROLES)?;
    required("类型编码", &b.code, 50)?;
    required("类型名称", &b.name, 50)?;
    if let Some(parent) = &b.parent_code
        && !store.categories().await?.iter().any(|c| &c.code == parent)
    {
        return Err(ApiError::invalid("unknown_reference", format!("上级类型 {parent} 不存在 / unknown parent")));
    }
    let record = CategoryRecord { code: b.code.trim().to_owned(), name: b.name.trim().to_owned(), ..b };
    store.add_category(c.user.origin(&c.source), record.clone(), key).await?;
    // As stored (a create sent again with its key answers with what the first one made).
    let stored = store.categories().await?.into_iter().find(|s| s.code == record.code);
    Ok((StatusCode::CREATED, Json(stored.ok_or_else(|| ApiError::not_found("问题类型"))?)))
}

/// The deadline policies a dispatcher may pick (13710, 即办件, …).
#[utoipa::path(get, path = "/deadline-policies", tag = "organisation",
    responses((status = 200, body = Vec<DeadlinePolicy>), ReadRefusals))]
async fn list_policies(State(store): State<Store>, _c: Caller) -> Result<Json<Vec<DeadlinePolicy>>, ApiError> {
    Ok(Json(store.deadline_policies().await?))
}

/// Adds a deadline policy (system administrator). Days are working days; each step no earlier than the one before.
#[utoipa::path(post, path = "/deadline-policies", tag = "organisation", request_body = DeadlinePolicy,
    params(OnceHeader), responses((status = 201, body = DeadlinePolicy), WriteRefusals))]
async fn create_policy(
    State(store): State<Store>,
    c: Caller,
    Once(key): Once,
    Body(p): Body<DeadlinePolicy>,
) -> Result<(StatusCode, Json<DeadlinePolicy>), ApiError> {
    c.require(CONFIG_ROLES)?;
    at_most("时限编码", &p.code, 50)?;
    at_most("时限名称", &p.name, 50)?;
    let ordered = p.acknowledge <= p.reply && p.reply <= p.resolve && p.resolve <= p.feedback && p.feedback <= 365;
    if p.code.trim().is_empty() || p.name.trim().is_empty() || !ordered {
        return Err(ApiError::invalid(
            "invalid_value",
            "时限须有编码和名称，且签收≤首次答复≤办结≤反馈≤365个工作日 / code, name and ordered days up to 365 are required",
        ));
    }
    store.add_deadline_policy(c.user.origin(&c.source), p.clone(), key).await?;
    let stored = store.deadline_policies().await?.into_iter().find(|s| s.code == p.code);
    Ok((StatusCode::CREATED, Json(stored.ok_or_else(|| ApiError::not_found("时限规则"))?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserRecord>,
    pub next_cursor: Option<i64>,
}

const USER_ADMINS: &[Role] = &[Role::Sysadmin, Role::Secadmin];

/// Every account (system and security administrators).
#[utoipa::path(get, path = "/users", tag = "users", params(Page),
    responses((status = 200, body = UserList), ReadRefusals))]
async fn list_users(
    State(store): State<Store>,
    c: Caller,
    Params(q): Params<Page>,
) -> Result<Json<UserList>, ApiError> {
    c.require(USER_ADMINS)?;
    let (items, next_cursor) = store.users(q.cursor, limit(q.limit)?).await?;
    Ok(Json(UserList { items, next_cursor }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    #[schema(min_length = 1, max_length = 50)]
    pub display_name: String,
    pub roles: Vec<Role>,
    pub region_code: Option<String>,
    pub unit_id: Option<i64>,
    pub enterprise_id: Option<i64>,
}

/// A new account or reset password: the one-time password, shown once, to be changed at the first sign-in.
#[derive(Debug, Serialize, ToSchema)]
pub struct WithPassword {
    pub user: UserRecord,
    /// Absent (null) only when a create is sent again with its `Idempotency-Key` (answered 200): the password was in
    /// the first answer and is never made up again; if it was lost, reset it.
    pub one_time_password: Option<String>,
}

/// Adds an account (system administrator: business roles; security administrator: any role).
#[utoipa::path(post, path = "/users", tag = "users", request_body = NewUserBody,
    params(OnceHeader), responses((status = 201, body = WithPassword),
        (status = 200, body = WithPassword, description = "sent again with its Idempotency-Key: the account the first \
            call made, without a password"), WriteRefusals))]
async fn create_user(
    State(store): State<Store>,
    c: Caller,
    Once(key): Once,
    Body(b): Body<NewUserBody>,
) -> Result<(StatusCode, Json<WithPassword>), ApiError> {
    c.require(USER_ADMINS)?;
    if b.roles.iter().any(|r| r.is_admin()) && !c.user.has(Role::Secadmin) {
        return Err(ApiError::forbidden(
            "管理员角色只能由安全管理员授予 / only the security administrator grants admin roles",
        ));
    }
    check_roles(&b.roles).map_err(|m| ApiError::invalid("invalid_roles", m))?;
    at_most("用户名", &b.username, 64)?;
    at_most("姓名", &b.display_name, 50)?;
    let password = zhuqi_auth::password::generate();
    let new = NewUser {
        username: b.username,
        display_name: b.display_name,
        password_hash: Some(hash_password(password.clone()).await?),
        must_change_password: true,
        region: b.region_code.as_deref().map(RegionCode::parse).transpose()?,
        unit_id: b.unit_id,
        enterprise_id: b.enterprise_id,
        phone: None,
        roles: b.roles,
        created_at: Timestamp::now(),
    };
    let created = store.add_user_once(c.user.origin(&c.source), new, key).await?;
    if !created.fresh {
        // Sent again with the key: the account exists, and its password is the first answer's, never this one.
        return Ok((StatusCode::OK, Json(WithPassword { user: created.item, one_time_password: None })));
    }
    Ok((StatusCode::CREATED, Json(WithPassword { user: created.item, one_time_password: Some(password) })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesBody {
    pub roles: Vec<Role>,
}

/// Sets an account's roles (security administrator): a permission change, audited with before and after.
#[utoipa::path(put, path = "/users/{id}/roles", tag = "users", params(("id" = i64, Path)), request_body = RolesBody,
    responses((status = 200, body = UserRecord), WriteRefusals))]
async fn set_roles(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<RolesBody>,
) -> Result<Json<UserRecord>, ApiError> {
    c.require(&[Role::Secadmin])?;
    // Nobody widens or narrows their own rights: another security administrator must (三员分立).
    if id == c.user.user_id {
        return Err(ApiError::forbidden("不能修改自己的角色 / you cannot change your own roles"));
    }
    check_roles(&b.roles).map_err(|m| ApiError::invalid("invalid_roles", m))?;
    Ok(Json(store.set_user_roles(c.user.origin(&c.source), id, b.roles).await?))
}

/// Resets an account's password and lifts its lock (security administrator). The new one is shown once.
#[utoipa::path(post, path = "/users/{id}/password-reset", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = WithPassword), WriteRefusals))]
async fn reset_password(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
) -> Result<Json<WithPassword>, ApiError> {
    c.require(&[Role::Secadmin])?;
    let password = zhuqi_auth::password::generate();
    store.reset_password(c.user.origin(&c.source), id, hash_password(password.clone()).await?).await?;
    Ok(Json(WithPassword { user: store.user(id).await?, one_time_password: Some(password) }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Records before this sequence number (the `next_before` of the previous page).
    pub before: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditRecord>,
    pub next_before: Option<i64>,
}

/// The audit log, newest first (auditor only). There is no endpoint that changes it.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditPage), ReadRefusals))]
async fn audit(
    State(store): State<Store>,
    c: Caller,
    Params(q): Params<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    c.require(&[Role::Auditor])?;
    let n = limit(q.limit)?;
    let items = store.audit_records(q.before, i64::try_from(n).unwrap_or(20)).await?;
    let next_before = (items.len() == n).then(|| items.last().map_or(0, |r| r.seq)).filter(|s| *s > 1);
    Ok(Json(AuditPage { items, next_before }))
}

pub fn routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new()
        .routes(routes!(list_enterprises, create_enterprise))
        .routes(routes!(get_enterprise, edit_enterprise))
        .routes(routes!(list_regions, create_region))
        .routes(routes!(list_units, create_unit))
        .routes(routes!(list_categories, create_category))
        .routes(routes!(list_policies, create_policy))
        .routes(routes!(list_users, create_user))
        .routes(routes!(set_roles))
        .routes(routes!(reset_password))
        .routes(routes!(audit))
}
