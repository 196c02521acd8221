//! Accounts (system and security administrators): the list, a new account with its one-time password, and for the
//! security administrator each account's roles and a password reset. The system administrator grants business roles
//! only; admin roles come from the security administrator alone, and never with another role (三员分立).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use serde::Deserialize;
use zhuqi_api::auth::hash_password;
use zhuqi_domain::{RegionCode, Role, check_roles};
use zhuqi_store::{Created, NewUser, RegionRecord, Store, StoreError, UnitRecord, UserRecord};

use super::super::csrf::{Checked, Nothing};
use super::super::page::{PageResult, Pager, Shell, Viewer, chinese, error_page, form_key, paged, render, render_with};
use super::super::view::local;
use super::{Done, Errors, no_store, required, role_labels};

/// Who may see and add accounts (`USER_ADMINS` of the API).
const USER_ADMINS: &[Role] = &[Role::Sysadmin, Role::Secadmin];
const PAGE: usize = 50;
const BUSINESS: [Role; 5] = [Role::Enterprise, Role::Cadre, Role::Dispatcher, Role::Handler, Role::Leader];

/// One account as the tables show it.
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: String,
    pub admin: bool,
    pub region: String,
    pub unit: String,
    pub enterprise: String,
    pub locked_until: String,
    pub must_change: bool,
    pub has_password: bool,
    pub second_factor: bool,
}

/// The names of regions and units, to show an account's instead of bare codes.
struct Names {
    regions: HashMap<String, String>,
    units: HashMap<i64, String>,
}

impl Names {
    fn new(regions: &[RegionRecord], units: &[UnitRecord]) -> Self {
        Names {
            regions: regions.iter().map(|r| (r.code.clone(), r.name.clone())).collect(),
            units: units.iter().map(|u| (u.id, u.name.clone())).collect(),
        }
    }

    fn row(&self, u: &UserRecord) -> UserRow {
        let now = Timestamp::now();
        UserRow {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            roles: role_labels(&u.roles),
            admin: u.roles.iter().any(|r| r.is_admin()),
            region: u.region_code.as_ref().map_or_else(String::new, |c| match self.regions.get(c) {
                Some(name) => format!("{name}（{c}）"),
                None => c.clone(),
            }),
            unit: u
                .unit_id
                .map_or_else(String::new, |id| self.units.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))),
            enterprise: u.enterprise_id.map_or_else(String::new, |id| format!("#{id}")),
            locked_until: u.locked_until.filter(|t| *t > now).map(local).unwrap_or_default(),
            must_change: u.must_change_password,
            has_password: u.has_password,
            second_factor: u.second_factor,
        }
    }
}

/// A role offered as a checkbox.
pub struct RoleChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// The roles this viewer may grant: the security administrator any, the system administrator business roles.
fn grantable(v: &Viewer) -> Vec<Role> {
    if v.has(Role::Secadmin) {
        Role::ALL.into_iter().filter(|r| *r != Role::System).collect()
    } else {
        BUSINESS.to_vec()
    }
}

fn choices(offered: &[Role], checked: &[String]) -> Vec<RoleChoice> {
    offered
        .iter()
        .map(|r| RoleChoice { code: r.as_str(), label: r.label(), checked: checked.iter().any(|c| c == r.as_str()) })
        .collect()
}

/// The roles a form asked for; unknown names are refused.
fn roles_of(errors: &mut Errors, typed: &[String]) -> Vec<Role> {
    let mut roles = Vec::new();
    for name in typed {
        match Role::parse(name.trim()) {
            Some(r) if r != Role::System => roles.push(r),
            _ => errors.add("roles", format!("未知角色「{}」", name.trim())),
        }
    }
    roles.sort();
    roles.dedup();
    if errors.has("roles") {
        return roles;
    }
    if let Err(m) = check_roles(&roles) {
        errors.add("roles", if roles.is_empty() { "请至少选择一个角色" } else { chinese(m) });
    }
    roles
}

#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    /// The form's idempotency key: posted twice, it creates once.
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    enterprise_id: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    shell: Shell,
    rows: Vec<UserRow>,
    pager: Pager,
    q: String,
    secadmin: bool,
    typed: NewUserForm,
    roles: Vec<RoleChoice>,
    regions: Vec<RegionRecord>,
    units: Vec<UnitRecord>,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
pub struct UsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

impl UsersQuery {
    fn text(&self) -> Option<String> {
        Some(self.q.trim().chars().take(100).collect::<String>()).filter(|t| !t.is_empty())
    }

    fn link(&self, page: usize) -> String {
        let page = page.to_string();
        let pairs: Vec<(&str, &str)> =
            [("q", self.q.trim()), ("page", page.as_str())].into_iter().filter(|(_, v)| !v.is_empty()).collect();
        format!("/admin/users?{}", serde_html_form::to_string(&pairs).unwrap_or_default())
    }
}

async fn users_page(
    store: &Store,
    v: &Viewer,
    query: &UsersQuery,
    typed: NewUserForm,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    let asked = query.page.trim().parse().unwrap_or(1usize);
    let (users, pager) = paged(asked, PAGE, |n| query.link(n), |n| store.user_page(query.text(), n, PAGE)).await?;
    let (regions, units) = (store.regions().await?, store.units().await?);
    let names = Names::new(&regions, &units);
    let page = UsersPage {
        shell: v.shell(if v.has(Role::Secadmin) { "用户与权限" } else { "用户" }, "/admin/users"),
        rows: users.iter().map(|u| names.row(u)).collect(),
        pager,
        q: query.q.trim().to_owned(),
        secadmin: v.has(Role::Secadmin),
        roles: choices(&grantable(v), &typed.roles),
        typed,
        regions,
        units,
        errors,
    };
    Ok(render_with(status, &page))
}

/// `/admin/users`: every account (or those whose user name or name holds the search), 50 to a page, and the form
/// for a new one.
pub async fn list(State(store): State<Store>, v: Viewer, Query(q): Query<UsersQuery>) -> PageResult {
    if let Err(r) = v.require(USER_ADMINS) {
        return Ok(r);
    }
    users_page(
        &store,
        &v,
        &q,
        NewUserForm { idempotency_key: form_key(), ..NewUserForm::default() },
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Template)]
#[template(path = "admin_user_password.html")]
struct PasswordPage {
    shell: Shell,
    heading: &'static str,
    user: UserRow,
    password: String,
}

/// The one-time password, shown on this page and never again.
async fn password_page(
    store: &Store,
    v: &Viewer,
    heading: &'static str,
    user: &UserRecord,
    password: String,
) -> PageResult {
    let names = Names::new(&store.regions().await?, &store.units().await?);
    let page = PasswordPage { shell: v.shell(heading, "/admin/users"), heading, user: names.row(user), password };
    Ok(no_store(render(&page)))
}

/// Adds an account with a generated one-time password that must be changed at the first sign-in.
pub async fn add(State(store): State<Store>, v: Viewer, Checked(form): Checked<NewUserForm>) -> PageResult {
    if let Err(r) = v.require(USER_ADMINS) {
        return Ok(r);
    }
    let mut errors = Errors::default();
    let username = required(&mut errors, "username", "用户名", &form.username, 64).to_owned();
    if username.chars().any(char::is_whitespace) {
        errors.add("username", "用户名不能含空格");
    }
    let display_name = required(&mut errors, "display_name", "姓名", &form.display_name, 50).to_owned();
    let roles = roles_of(&mut errors, &form.roles);
    if roles.iter().any(|r| r.is_admin()) && !v.has(Role::Secadmin) {
        errors.add("roles", "管理员角色只能由安全管理员授予");
    }
    let regions = store.regions().await?;
    let region = match form.region_code.trim() {
        "" => None,
        code => match RegionCode::parse(code) {
            Ok(r) if regions.iter().any(|k| k.code == r.as_str()) => Some(r),
            Ok(r) => {
                errors.add("region_code", format!("地区 {r} 尚未录入"));
                None
            }
            Err(e) => {
                errors.add("region_code", chinese(&e.to_string()).to_owned());
                None
            }
        },
    };
    let unit_id = match form.unit_id.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) if store.units().await?.iter().any(|u| u.id == id) => Some(id),
            _ => {
                errors.add("unit_id", "请从列表中选择承办单位");
                None
            }
        },
    };
    let enterprise_id = match form.enterprise_id.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.add("enterprise_id", "企业编号应为正整数");
                None
            }
        },
    };
    if !errors.is_empty() {
        return users_page(&store, &v, &UsersQuery::default(), form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let password = zhuqi_auth::password::generate();
    let new = NewUser {
        username: username.clone(),
        display_name,
        password_hash: Some(hash_password(password.clone()).await?),
        must_change_password: true,
        region,
        unit_id,
        enterprise_id,
        phone: None,
        roles,
        created_at: Timestamp::now(),
    };
    match store
        .add_user_once(
            v.caller.user.origin(&v.caller.source),
            new,
            zhuqi_store::IdempotencyKey::parse(&form.idempotency_key).ok(),
        )
        .await
    {
        Ok(Created { item: user, fresh: true }) => password_page(&store, &v, "已新建用户", &user, password).await,
        // A repeated post (double tap, resend): the password shown was the first post's, never this one's.
        Ok(Created { item: user, fresh: false }) => {
            let flash = "该用户已在首次提交时新建（本次为重复提交，未再新建）。初始密码只在当时显示一次；如未记下，请由安全管理员重置密码。";
            user_page(&store, &v, &user, None, Errors::default(), Some(flash), StatusCode::OK).await
        }
        Err(StoreError::Duplicate(_)) => {
            errors.add("username", format!("用户名「{username}」已被使用"));
            users_page(&store, &v, &UsersQuery::default(), form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::MissingReference(_))) => {
            let message = chinese(&e.to_string()).to_owned();
            match message.chars().next() {
                Some('企') => errors.add("enterprise_id", message),
                Some('地') => errors.add("region_code", message),
                Some('承') => errors.add("unit_id", message),
                _ => errors.form = Some(message),
            }
            users_page(&store, &v, &UsersQuery::default(), form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    shell: Shell,
    user: UserRow,
    secadmin: bool,
    /// The viewer's own account: its roles are another security administrator's to change.
    own: bool,
    roles: Vec<RoleChoice>,
    errors: Errors,
    flash: Option<&'static str>,
}

async fn user_page(
    store: &Store,
    v: &Viewer,
    user: &UserRecord,
    typed: Option<Vec<String>>,
    errors: Errors,
    flash: Option<&'static str>,
    status: StatusCode,
) -> PageResult {
    let names = Names::new(&store.regions().await?, &store.units().await?);
    let checked = typed.unwrap_or_else(|| user.roles.iter().map(|r| r.as_str().to_owned()).collect());
    let page = UserPage {
        shell: v.shell(format!("用户 {}", user.username), "/admin/users"),
        user: names.row(user),
        secadmin: v.has(Role::Secadmin),
        own: user.id == v.caller.user.user_id,
        roles: choices(&grantable(v), &checked),
        errors,
        flash,
    };
    Ok(render_with(status, &page))
}

fn no_such_user() -> axum::response::Response {
    error_page(StatusCode::NOT_FOUND, "未找到", "没有这个用户。请从用户列表进入。")
}

/// The account of the path; `None` when there is no such account.
async fn account(store: &Store, id: &str) -> Result<Option<UserRecord>, StoreError> {
    let Ok(id) = id.trim().parse::<i64>() else { return Ok(None) };
    match store.user(id).await {
        Ok(u) => Ok(Some(u)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The account of the path for a security administrator's action on it, or the page that refuses the action.
async fn for_secadmin(
    store: &Store,
    v: &Viewer,
    id: &str,
) -> Result<Result<UserRecord, axum::response::Response>, StoreError> {
    if let Err(r) = v.require(&[Role::Secadmin]) {
        return Ok(Err(r));
    }
    Ok(account(store, id).await?.ok_or_else(no_such_user))
}

/// `/admin/users/{id}`: one account; for the security administrator, its roles and a password reset.
pub async fn show(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> PageResult {
    if let Err(r) = v.require(USER_ADMINS) {
        return Ok(r);
    }
    let Some(user) = account(&store, &id).await? else { return Ok(no_such_user()) };
    let flash = match done.done.as_deref() {
        Some("second_factor") => Some("已重置两步验证：该用户下次只需密码登录，可重新绑定验证器。"),
        Some(d) if !d.is_empty() => Some("角色已修改，自该用户下一次操作起生效。"),
        _ => None,
    };
    user_page(&store, &v, &user, None, Errors::default(), flash, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
pub struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
}

/// Sets an account's roles (security administrator; never its own).
pub async fn set_roles(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<String>,
    Checked(form): Checked<RolesForm>,
) -> PageResult {
    let user = match for_secadmin(&store, &v, &id).await? {
        Ok(user) => user,
        Err(refused) => return Ok(refused),
    };
    let mut errors = Errors::default();
    if user.id == v.caller.user.user_id {
        // Nobody widens or narrows their own rights: another security administrator must (三员分立).
        errors.form = Some("不能修改自己的角色，请由另一位安全管理员操作。".to_owned());
        return user_page(&store, &v, &user, Some(form.roles), errors, None, StatusCode::FORBIDDEN).await;
    }
    let roles = roles_of(&mut errors, &form.roles);
    if !errors.is_empty() {
        return user_page(&store, &v, &user, Some(form.roles), errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match store.set_user_roles(v.caller.user.origin(&v.caller.source), user.id, roles).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/users/{}?done=roles", user.id)).into_response()),
        Err(e @ StoreError::Invalid(_)) => {
            errors.add("roles", chinese(&e.to_string()).to_owned());
            user_page(&store, &v, &user, Some(form.roles), errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Resets an account's password and lifts its lock (security administrator); the new one is shown once.
pub async fn reset_password(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<String>,
    _: Checked<Nothing>,
) -> PageResult {
    let user = match for_secadmin(&store, &v, &id).await? {
        Ok(user) => user,
        Err(refused) => return Ok(refused),
    };
    let password = zhuqi_auth::password::generate();
    let hash = hash_password(password.clone()).await?;
    store.reset_password(v.caller.user.origin(&v.caller.source), user.id, hash).await?;
    let user = store.user(user.id).await?;
    password_page(&store, &v, "已重置密码", &user, password).await
}

/// Turns off an account's second factor for a lost phone (security administrator); the user sets up a new one.
pub async fn reset_second_factor(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<String>,
    _: Checked<Nothing>,
) -> PageResult {
    let user = match for_secadmin(&store, &v, &id).await? {
        Ok(user) => user,
        Err(refused) => return Ok(refused),
    };
    match store.disable_totp(v.caller.user.origin(&v.caller.source), user.id, None).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{}?done=second_factor", user.id)).into_response()),
        Err(e @ StoreError::Invalid(_)) => {
            let mut errors = Errors::default();
            errors.form = Some(chinese(&e.to_string()).to_owned());
            user_page(&store, &v, &user, None, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}
