//! Who is calling (SPEC §9): a session cookie from signing in, or an API token for systems; sign-in with lockout,
//! forced password change, sign-out, and the caller's own tokens.

use std::net::SocketAddr;
use std::sync::LazyLock;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use rand::RngExt;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhuqi_auth::{password, second_factor};
use zhuqi_domain::Role;
use zhuqi_store::{Principal, SignInFailure, Store, TokenInfo, hash_secret};

use super::error::{ApiError, Body, ErrorBody, Id, ReadRefusals, WriteRefusals};

pub const SESSION_COOKIE: &str = "zhuqi_session";

/// The signed-in caller: its user, where the request came from, and its session (for signing out).
pub struct Caller {
    pub user: Principal,
    pub source: String,
    /// The stored hash of the session's secret; `None` when the caller came with an API token.
    pub session: Option<String>,
}

impl Caller {
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.iter().any(|r| self.user.has(*r)) {
            return Ok(());
        }
        let labels: Vec<&str> = roles.iter().map(|r| r.label()).collect();
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Err(ApiError::forbidden(format!("仅限{}操作 / only for: {}", labels.join("、"), names.join(", "))))
    }
}

/// A caller who may still have to change the password it was given: accepted only where that is done.
pub struct PendingCaller(pub Caller);

fn source(parts: &Parts) -> String {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(|| "unknown".into(), |c| c.0.ip().to_string())
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

async fn authenticate(parts: &Parts, store: &Store) -> Result<Caller, ApiError> {
    let source = source(parts);
    if let Some(value) = parts.headers.get(AUTHORIZATION) {
        let token = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim).unwrap_or_default();
        let user = store.token_principal(&hash_secret(token)).await?.ok_or_else(|| {
            ApiError::new(StatusCode::UNAUTHORIZED, "invalid_token", "令牌无效或已吊销 / invalid or revoked token")
        })?;
        return Ok(Caller { user, source, session: None });
    }
    let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else { return Err(ApiError::unauthenticated()) };
    let hash = hash_secret(&secret);
    let user = store.session_principal(&hash, Timestamp::now()).await?.ok_or_else(|| {
        ApiError::new(StatusCode::UNAUTHORIZED, "session_expired", "登录已过期，请重新登录 / session expired")
    })?;
    Ok(Caller { user, source, session: Some(hash) })
}

impl FromRequestParts<Store> for PendingCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, store: &Store) -> Result<Self, ApiError> {
        authenticate(parts, store).await.map(PendingCaller)
    }
}

impl FromRequestParts<Store> for Caller {
    type Rejection = ApiError;

    /// A user who must change the password it was given may do nothing else first (SPEC §9), by a session or by an
    /// API token alike (issue 14, finding 9): a password reset is how an administrator answers a suspected
    /// compromise, so the user's tokens wait too until the user has chosen a new password; they work again then.
    async fn from_request_parts(parts: &mut Parts, store: &Store) -> Result<Self, ApiError> {
        let caller = authenticate(parts, store).await?;
        if caller.user.must_change_password {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "password_change_required",
                "首次登录、密码被重置或已过期，须先修改密码 / change your password first",
            ));
        }
        // Likewise an administrator whose second factor the security administrator requires (issue 14).
        if caller.user.must_add_second_factor {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "second_factor_setup_required",
                "安全管理员要求管理员启用两步验证：请先在「两步验证」页面绑定验证器 / set up a second factor first",
            ));
        }
        Ok(caller)
    }
}

/// Checking a password takes tens of milliseconds of CPU: off the async workers.
async fn verify_password(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || password::verify(&password, &phc)).await.unwrap_or(false)
}

pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || password::hash_with_salt(&password, &rand::rng().random()))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// Checked against when the user does not exist, so that a wrong name takes as long as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| password::hash_with_salt("not a password", &[0; 16]).unwrap_or_default());

/// The caller as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub region_code: Option<String>,
    pub unit_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub must_change_password: bool,
    /// The security administrator requires a second factor of this administrator, who has none yet.
    pub must_add_second_factor: bool,
}

impl From<&Principal> for Me {
    fn from(p: &Principal) -> Self {
        Me {
            id: p.user_id,
            username: p.username.clone(),
            display_name: p.display_name.clone(),
            roles: p.roles.clone(),
            region_code: p.region.as_ref().map(|r| r.as_str().to_owned()),
            unit_id: p.unit_id,
            enterprise_id: p.enterprise_id,
            must_change_password: p.must_change_password,
            must_add_second_factor: p.must_add_second_factor,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    #[schema(max_length = 64)]
    pub username: String,
    #[schema(max_length = 256)]
    pub password: String,
    /// For an account with a second factor: the six digits its authenticator app shows, or one of its recovery codes.
    #[serde(default)]
    #[schema(max_length = 64)]
    pub code: Option<String>,
}

/// Every refused sign-in answers alike (issue 14, finding 4): an unknown name, a wrong password and a locked account
/// read the same, so that the answer does not tell which accounts exist. The message says what a locked user needs.
fn bad_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
        format!(
            "用户名或密码错误。连续输错{}次账号将锁定{}分钟，锁定期间请稍后再试或联系安全管理员 / wrong user name or \
             password (or the account is locked for a while after repeated failures)",
            zhuqi_store::MAX_FAILED_SIGN_INS,
            zhuqi_store::LOCKOUT.as_mins()
        ),
    )
}

/// The password was right and the account has a second factor: the code was missing, wrong or used already.
fn second_factor_needed(given: bool) -> ApiError {
    let message = if given {
        "动态验证码不正确或已使用过：请连同密码输入验证器当前显示的 6 位数字，或一个未用过的恢复码 / wrong or already \
         used code"
    } else {
        "该账号已启用两步验证：请连同密码一并输入验证器显示的 6 位动态验证码（手机丢失时可用恢复码） / this account \
         needs the code of its authenticator app with the password"
    };
    ApiError::new(StatusCode::UNAUTHORIZED, "second_factor_required", message)
}

/// An address that failed too often waits (issue 14, finding 5); the message says how long.
fn too_many_failures(wait: jiff::SignedDuration) -> ApiError {
    let minutes = wait.as_secs().div_euclid(60) + 1;
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        format!(
            "本机所在地址登录失败次数过多，请{minutes}分钟后再试 / too many failed sign-ins from this address: try \
             again in {minutes} minutes"
        ),
    )
}

/// Checks a sign-in and opens a session: the user and the session's secret (for the cookie). Every refusal is
/// recorded; the fifth wrong password in a row locks the account for 15 minutes.
pub async fn open_session(
    store: &Store,
    username: &str,
    password: String,
    code: Option<String>,
    source: &str,
) -> Result<(Principal, String), ApiError> {
    let now = Timestamp::now();
    if let Some(wait) = store.sign_in_wait(source, now).await? {
        // Not checked, not recorded: the address already failed often enough to be on record.
        tracing::warn!(source, "sign-in refused: too many failures from this address");
        return Err(too_many_failures(wait));
    }
    let name = username.trim().to_owned();
    if name.chars().count() > 64 || password.len() > 256 {
        return Err(bad_credentials());
    }
    let Some(creds) = store.credentials(&name).await? else {
        verify_password(password, DUMMY_HASH.clone()).await;
        store.record_failed_sign_in(&name, None, SignInFailure::UnknownUser, now, source).await?;
        return Err(bad_credentials());
    };
    let id = Some(creds.user_id);
    if creds.locked_until.is_some_and(|t| t > now) {
        // As long as a wrong password takes: the time of the answer does not tell a locked account either.
        verify_password(password, DUMMY_HASH.clone()).await;
        store.record_failed_sign_in(&name, id, SignInFailure::Locked, now, source).await?;
        return Err(bad_credentials());
    }
    let Some(phc) = creds.password_hash else {
        verify_password(password, DUMMY_HASH.clone()).await;
        store.record_failed_sign_in(&name, id, SignInFailure::NoPassword, now, source).await?;
        return Err(bad_credentials());
    };
    if !verify_password(password, phc).await {
        // The failure that locks the account answers as every other failure does.
        store.record_failed_sign_in(&name, id, SignInFailure::WrongPassword, now, source).await?;
        return Err(bad_credentials());
    }
    let code = code.filter(|c| !c.trim().is_empty());
    let factor = match &creds.totp_secret {
        None => None,
        Some(totp) => match code.as_deref().and_then(|c| second_factor::factor_of(totp, c, now)) {
            Some(factor) => Some(factor),
            None => {
                store.record_failed_sign_in(&name, id, SignInFailure::WrongCode, now, source).await?;
                return Err(second_factor_needed(code.is_some()));
            }
        },
    };
    let secret = zhuqi_auth::new_secret("");
    let Some(user) = store.record_sign_in(creds.user_id, factor, hash_secret(&secret), now, source).await? else {
        // A code already used (the same code twice, or a spent recovery code).
        store.record_failed_sign_in(&name, id, SignInFailure::WrongCode, now, source).await?;
        return Err(second_factor_needed(true));
    };
    Ok((user, secret))
}

/// The session cookie: HttpOnly, SameSite=Strict, and Secure when a TLS proxy forwarded the request.
pub fn session_cookie(secret: &str, headers: &HeaderMap) -> Result<HeaderValue, ApiError> {
    let secure = if behind_tls(headers) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict{secure}"))
        .map_err(ApiError::internal)
}

/// The header that ends the session in the browser.
pub fn cleared_cookie() -> HeaderValue {
    HeaderValue::from_static("zhuqi_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Signs in and sets the session cookie (HttpOnly, SameSite=Strict, Secure behind TLS).
#[utoipa::path(post, path = "/session", tag = "session", request_body = SignIn,
    responses((status = 200, description = "已登录；Set-Cookie 带会话", body = Me),
        (status = 429, description = "该地址登录失败次数过多，稍后再试 / too many failed sign-ins from this address",
            body = ErrorBody), WriteRefusals))]
async fn sign_in(
    axum::extract::State(store): axum::extract::State<Store>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Body(form): Body<SignIn>,
) -> Result<Response, ApiError> {
    let (user, secret) = open_session(&store, &form.username, form.password, form.code, &addr.ip().to_string()).await?;
    let mut response = axum::Json(Me::from(&user)).into_response();
    response.headers_mut().insert(SET_COOKIE, session_cookie(&secret, &headers)?);
    Ok(response)
}

/// A TLS-terminating proxy in front says so; the cookie must then never travel in clear.
pub fn behind_tls(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Signs out: the session ends on the server and the cookie is cleared.
#[utoipa::path(delete, path = "/session", tag = "session",
    responses((status = 204, description = "已退出"), ReadRefusals))]
async fn sign_out(
    axum::extract::State(store): axum::extract::State<Store>,
    PendingCaller(c): PendingCaller,
) -> Result<Response, ApiError> {
    if let Some(session) = &c.session {
        store.sign_out(&c.user, session, &c.source).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cleared_cookie())]).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(max_length = 256)]
    pub old_password: String,
    /// At least 8 characters from three of: upper case, lower case, digits, symbols.
    #[schema(max_length = 256)]
    pub new_password: String,
}

/// Changes one's own password (required after the first sign-in and after a reset).
#[utoipa::path(post, path = "/session/password", tag = "session", request_body = PasswordChange,
    responses((status = 204, description = "已修改"), WriteRefusals))]
async fn change_password(
    axum::extract::State(store): axum::extract::State<Store>,
    PendingCaller(c): PendingCaller,
    Body(form): Body<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    change_own_password(&store, &c, form.old_password, form.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks the current password and the rules, then stores the new one; the caller's other sessions end.
pub async fn change_own_password(store: &Store, c: &Caller, old: String, new: String) -> Result<(), ApiError> {
    let creds = store.credentials(&c.user.username).await?.ok_or_else(ApiError::unauthenticated)?;
    let current = creds.password_hash.unwrap_or_else(|| DUMMY_HASH.clone());
    if old.len() > 256 || !verify_password(old.clone(), current).await {
        return Err(ApiError::invalid("wrong_password", "原密码不正确 / the current password is wrong"));
    }
    password::check_rules(&new).map_err(|m| ApiError::invalid("weak_password", m))?;
    // Not the current password, nor one of those before it (issue 14, SPEC §9).
    for used in store.recent_password_hashes(c.user.user_id).await? {
        if verify_password(new.clone(), used).await {
            return Err(ApiError::invalid(
                "reused_password",
                format!(
                    "新密码不能与最近{}次使用过的密码相同 / choose a password not used recently",
                    zhuqi_store::PASSWORD_HISTORY
                ),
            ));
        }
    }
    let hash = hash_password(new).await?;
    store.change_own_password(&c.user, hash, c.session.clone(), &c.source).await?;
    Ok(())
}

/// The signed-in user.
#[utoipa::path(get, path = "/me", tag = "session",
    responses((status = 200, body = Me), ReadRefusals))]
async fn me(PendingCaller(c): PendingCaller) -> axum::Json<Me> {
    axum::Json(Me::from(&c.user))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Token {
    pub id: i64,
    pub name: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<Timestamp>,
}

impl From<TokenInfo> for Token {
    fn from(t: TokenInfo) -> Self {
        Token { id: t.id, name: t.name, created_at: t.created_at, revoked_at: t.revoked_at }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, e.g. "12345热线对接".
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

/// A token just made: the secret is shown this once and never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedToken {
    pub id: i64,
    pub name: String,
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
}

/// The caller's own API tokens.
#[utoipa::path(get, path = "/tokens", tag = "session",
    responses((status = 200, body = Vec<Token>), ReadRefusals))]
async fn list_tokens(
    axum::extract::State(store): axum::extract::State<Store>,
    c: Caller,
) -> Result<axum::Json<Vec<Token>>, ApiError> {
    Ok(axum::Json(store.tokens(c.user.user_id).await?.into_iter().map(Token::from).collect()))
}

/// Makes an API token for the caller; only its hash is kept.
#[utoipa::path(post, path = "/tokens", tag = "session", request_body = NewToken,
    responses((status = 201, body = IssuedToken), WriteRefusals))]
async fn create_token(
    axum::extract::State(store): axum::extract::State<Store>,
    c: Caller,
    Body(form): Body<NewToken>,
) -> Result<(StatusCode, axum::Json<IssuedToken>), ApiError> {
    let token = zhuqi_auth::new_secret("zq_");
    let origin = c.user.origin(&c.source);
    let id = store.create_token(origin, c.user.user_id, &form.name, hash_secret(&token)).await?;
    Ok((StatusCode::CREATED, axum::Json(IssuedToken { id, name: form.name.trim().to_owned(), token })))
}

/// Revokes one of the caller's tokens (the security administrator: anyone's).
#[utoipa::path(delete, path = "/tokens/{id}", tag = "session", params(("id" = i64, Path)),
    responses((status = 204, description = "已吊销"), ReadRefusals))]
async fn revoke_token(
    axum::extract::State(store): axum::extract::State<Store>,
    c: Caller,
    Id(id): Id<i64>,
) -> Result<StatusCode, ApiError> {
    let owner = (!c.user.has(Role::Secadmin)).then_some(c.user.user_id);
    store.revoke_token(c.user.origin(&c.source), id, owner).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, sign_out))
        .routes(routes!(change_password))
        .routes(routes!(me))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}
