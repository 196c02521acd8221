//! The security controls a user and the security administrator set themselves (issue 14, SPEC §9): one's own second
//! factor (an authenticator app, with recovery codes), a security administrator's reset of someone's lost one, and the
//! rules — how long a password lasts, whether the three administrators must use a second factor.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhuqi_auth::second_factor;
use zhuqi_domain::Role;
use zhuqi_store::{SecuritySettings, Store};

use super::auth::{Caller, PendingCaller};
use super::error::{ApiError, Body, Id, ReadRefusals, WriteRefusals};

/// A user who must still change a one-time or expired password does that first: a second factor is bound to the
/// account's owner, who has proved to be one only with a new password.
pub fn may_set_second_factor(c: &Caller) -> Result<(), ApiError> {
    if c.user.must_change_password {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "password_change_required",
            "请先修改密码，再设置两步验证 / change your password first",
        ));
    }
    Ok(())
}

/// A new secret to add to an authenticator app; nothing is stored until a code of it is confirmed.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewSecondFactor {
    /// Base32, for typing into the app by hand.
    pub secret: String,
    /// `otpauth://totp/…`, what the QR code carries.
    pub otpauth_url: String,
}

/// Makes a secret for the caller's authenticator app (step 1 of 2).
#[utoipa::path(post, path = "/session/second-factor/secret", tag = "session",
    responses((status = 200, body = NewSecondFactor), ReadRefusals))]
async fn new_secret(PendingCaller(c): PendingCaller) -> Result<Json<NewSecondFactor>, ApiError> {
    may_set_second_factor(&c)?;
    let e = second_factor::enrolment(&second_factor::new_secret(), &c.user.username)
        .ok_or_else(|| ApiError::internal("otpauth"))?;
    Ok(Json(NewSecondFactor { secret: e.secret, otpauth_url: e.url }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorConfirm {
    /// The secret of step 1.
    #[schema(max_length = 64)]
    pub secret: String,
    /// The six digits the app shows for it now.
    #[schema(max_length = 16)]
    pub code: String,
}

/// The recovery codes, shown this once: each signs in once in place of the app's code.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// Checks the code of a new secret and turns the second factor on; the recovery codes it returns are shown once.
pub async fn enable(store: &Store, c: &Caller, secret: &str, code: &str) -> Result<Vec<String>, ApiError> {
    may_set_second_factor(c)?;
    let secret = secret.trim().to_ascii_uppercase();
    if secret.len() > 64 || second_factor::enrolment(&secret, &c.user.username).is_none() {
        return Err(ApiError::invalid("bad_secret", "密钥无效，请重新生成 / not a usable secret"));
    }
    let step = second_factor::matching_step(&secret, code, Timestamp::now()).ok_or_else(|| {
        ApiError::invalid(
            "wrong_code",
            "动态验证码不正确：请确认手机时间准确，输入验证器当前显示的 6 位数字 / the code does not match",
        )
    })?;
    let (codes, hashes) = second_factor::new_recovery_codes();
    store.enable_totp(c.user.origin(&c.source), c.user.user_id, secret, step, hashes).await?;
    Ok(codes)
}

/// Turns the caller's second factor on (step 2 of 2).
#[utoipa::path(post, path = "/session/second-factor", tag = "session", request_body = SecondFactorConfirm,
    responses((status = 201, body = RecoveryCodes), WriteRefusals))]
async fn turn_on(
    State(store): State<Store>,
    PendingCaller(c): PendingCaller,
    Body(b): Body<SecondFactorConfirm>,
) -> Result<(StatusCode, Json<RecoveryCodes>), ApiError> {
    let recovery_codes = enable(&store, &c, &b.secret, &b.code).await?;
    Ok((StatusCode::CREATED, Json(RecoveryCodes { recovery_codes })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorProof {
    /// A current code of the app, or a recovery code.
    #[schema(max_length = 64)]
    pub code: String,
}

/// What the caller typed as proof of holding its second factor.
async fn proof(store: &Store, c: &Caller, code: &str) -> Result<zhuqi_store::SecondFactor, ApiError> {
    let secret = store
        .totp_secret(c.user.user_id)
        .await?
        .ok_or_else(|| ApiError::invalid("no_second_factor", "未启用两步验证 / no second factor is on"))?;
    second_factor::factor_of(&secret, code, Timestamp::now())
        .ok_or_else(|| ApiError::invalid("wrong_code", "动态验证码不正确 / wrong code"))
}

/// Turns the caller's own second factor off, proved by one of its codes.
pub async fn disable_own(store: &Store, c: &Caller, code: &str) -> Result<(), ApiError> {
    let proof = proof(store, c, code).await?;
    store.disable_totp(c.user.origin(&c.source), c.user.user_id, Some(proof)).await?;
    Ok(())
}

/// New recovery codes for the caller, proved by a code; the old ones stop working. Shown once.
pub async fn new_recovery_codes(store: &Store, c: &Caller, code: &str) -> Result<Vec<String>, ApiError> {
    let proof = proof(store, c, code).await?;
    let (codes, hashes) = second_factor::new_recovery_codes();
    store.replace_recovery_codes(c.user.origin(&c.source), c.user.user_id, proof, hashes).await?;
    Ok(codes)
}

/// Makes new recovery codes (the old ones stop working), proved by a current code of the app or a recovery code.
#[utoipa::path(post, path = "/session/second-factor/recovery-codes", tag = "session",
    request_body = SecondFactorProof, responses((status = 201, body = RecoveryCodes), WriteRefusals))]
async fn recovery_codes(
    State(store): State<Store>,
    c: Caller,
    Body(b): Body<SecondFactorProof>,
) -> Result<(StatusCode, Json<RecoveryCodes>), ApiError> {
    let recovery_codes = new_recovery_codes(&store, &c, &b.code).await?;
    Ok((StatusCode::CREATED, Json(RecoveryCodes { recovery_codes })))
}

/// Turns the caller's second factor off. Refused while the security administrator requires one of an administrator.
#[utoipa::path(post, path = "/session/second-factor/off", tag = "session", request_body = SecondFactorProof,
    responses((status = 204, description = "已停用"), WriteRefusals))]
async fn turn_off(
    State(store): State<Store>,
    c: Caller,
    Body(b): Body<SecondFactorProof>,
) -> Result<StatusCode, ApiError> {
    refuse_if_required(&store, &c).await?;
    disable_own(&store, &c, &b.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An administrator may not drop a second factor the security administrator requires.
pub async fn refuse_if_required(store: &Store, c: &Caller) -> Result<(), ApiError> {
    if c.user.roles.iter().any(|r| r.is_admin()) && store.security_settings().await?.admins_need_second_factor {
        return Err(ApiError::forbidden(
            "安全管理员要求管理员启用两步验证，不能停用；更换手机请用恢复码登录后由安全管理员重置 / required for \
             administrators",
        ));
    }
    Ok(())
}

/// Resets a user's second factor (a lost phone): the user signs in with the password alone and sets up a new one.
#[utoipa::path(delete, path = "/users/{id}/second-factor", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 204, description = "已重置"), WriteRefusals))]
async fn reset(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<StatusCode, ApiError> {
    c.require(&[Role::Secadmin])?;
    store.disable_totp(c.user.origin(&c.source), id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The security administrator's rules.
#[utoipa::path(get, path = "/security-settings", tag = "organisation",
    responses((status = 200, body = SecuritySettings), ReadRefusals))]
async fn settings(State(store): State<Store>, c: Caller) -> Result<Json<SecuritySettings>, ApiError> {
    c.require(&[Role::Secadmin, Role::Auditor])?;
    Ok(Json(store.security_settings().await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsEdit {
    /// Days a password lasts; 0 = never.
    #[schema(minimum = 0, maximum = 366)]
    pub password_max_age_days: i64,
    pub admins_need_second_factor: bool,
}

/// Sets the rules (the security administrator).
#[utoipa::path(put, path = "/security-settings", tag = "organisation", request_body = SettingsEdit,
    responses((status = 200, body = SecuritySettings), WriteRefusals))]
async fn set_settings(
    State(store): State<Store>,
    c: Caller,
    Body(b): Body<SettingsEdit>,
) -> Result<Json<SecuritySettings>, ApiError> {
    c.require(&[Role::Secadmin])?;
    let new = SecuritySettings {
        password_max_age_days: b.password_max_age_days,
        admins_need_second_factor: b.admins_need_second_factor,
    };
    Ok(Json(store.set_security_settings(c.user.origin(&c.source), new).await?))
}

pub fn routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new()
        .routes(routes!(new_secret))
        .routes(routes!(turn_on))
        .routes(routes!(turn_off))
        .routes(routes!(recovery_codes))
        .routes(routes!(reset))
        .routes(routes!(settings, set_settings))
}
