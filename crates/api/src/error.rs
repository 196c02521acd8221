//! Errors as the API answers them: `{"code": "...", "message": "..."}` with a stable code for programs and a message in
//! Chinese (then English) for people. Every refusal is a 4xx that names what was wrong; a 5xx means a fault of ours.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;
use zhuqi_domain::{TransitionError, ValueError};
use zhuqi_store::StoreError;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable, for programs: `invalid_json`, `invalid_body`, `not_found`, `conflict`, `illegal_transition`, …
    pub code: String,
    /// For people: Chinese, then English.
    pub message: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into() }
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录 / sign in first")
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what}不存在 / {what} not found"))
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后重试 / internal error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(ErrorBody { code: self.code.to_owned(), message: self.message })).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let message = e.to_string();
        match e {
            StoreError::NotFound(_) => Self::new(StatusCode::NOT_FOUND, "not_found", message),
            StoreError::Conflict { .. } | StoreError::Stale(_) => Self::new(StatusCode::CONFLICT, "conflict", message),
            StoreError::Duplicate(_) => Self::new(StatusCode::CONFLICT, "duplicate", message),
            StoreError::MissingReference(_) => Self::invalid("unknown_reference", message),
            StoreError::Invalid(_) => Self::invalid("invalid_value", message),
            StoreError::Forbidden(_) => Self::forbidden(message),
            StoreError::Transition(t) => t.into(),
            _ => Self::internal(message),
        }
    }
}

impl From<TransitionError> for ApiError {
    fn from(e: TransitionError) -> Self {
        let message = e.to_string();
        match e {
            TransitionError::Illegal { .. } => Self::new(StatusCode::CONFLICT, "illegal_transition", message),
            TransitionError::Forbidden { .. } => Self::forbidden(message),
            TransitionError::Invalid { .. } => Self::invalid("invalid_value", message),
            TransitionError::BeforePrevious { .. } => Self::invalid("before_previous_step", message),
            TransitionError::OutOfOrder { .. } => Self::new(StatusCode::CONFLICT, "conflict", message),
        }
    }
}

impl From<ValueError> for ApiError {
    fn from(e: ValueError) -> Self {
        Self::invalid(e.code(), e.to_string())
    }
}

/// A JSON body, refused with our error shape: malformed JSON, wrong types, unknown fields, a missing content type
/// or a body over the limit.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(rejection.into()),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let detail = r.body_text();
        match r {
            JsonRejection::JsonDataError(_) => {
                Self::invalid("invalid_body", format!("请求内容的字段或类型不对 / the body does not fit: {detail}"))
            }
            JsonRejection::JsonSyntaxError(_) => Self::new(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("请求内容不是合法的JSON / malformed JSON: {detail}"),
            ),
            JsonRejection::MissingJsonContentType(_) => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "请以 Content-Type: application/json 提交 / send Content-Type: application/json",
            ),
            _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("请求内容超过 {} KiB / the body is over the limit", super::BODY_LIMIT / 1024),
            ),
            _ => Self::new(StatusCode::BAD_REQUEST, "invalid_body", detail),
        }
    }
}

/// Query parameters, refused with our error shape.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Params(value)),
            Err(r) => Err(query_rejection(&r)),
        }
    }
}

fn query_rejection(r: &QueryRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_query",
        format!("查询参数不对 / invalid query parameters: {}", r.body_text()),
    )
}

/// A path parameter (an id), refused with our error shape.
pub struct Id<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Id<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Id(value)),
            Err(r) => Err(path_rejection(&r)),
        }
    }
}

fn path_rejection(r: &PathRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_path",
        format!("地址中的编号不对 / invalid path: {}", r.body_text()),
    )
}

/// The `Idempotency-Key` header of a create (issue 13), if sent: a retry or a double send with the same key creates
/// nothing more and answers with the item the key first created.
pub struct Once(pub Option<zhuqi_store::IdempotencyKey>);

impl<S: Send + Sync> FromRequestParts<S> for Once {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let Some(v) = parts.headers.get("idempotency-key") else { return Ok(Once(None)) };
        zhuqi_store::IdempotencyKey::parse(v.to_str().unwrap_or("\u{0}")).map(|k| Once(Some(k))).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_idempotency_key",
                "Idempotency-Key 须为1到100个可见ASCII字符 / Idempotency-Key must be 1 to 100 visible ASCII characters",
            )
        })
    }
}

/// The `Idempotency-Key` header as the OpenAPI document shows it on every create (`params(OnceHeader)`).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct OnceHeader {
    /// 1 to 100 visible ASCII characters, e.g. a UUID: the same key on every retry of one create creates one item
    /// (重试同一创建时带上同一个键).
    #[param(rename = "Idempotency-Key", max_length = 100, pattern = "^[!-~]+$")]
    pub idempotency_key: Option<String>,
}

/// The refusals a read may answer (documented once for every reading endpoint).
#[derive(utoipa::IntoResponses)]
pub enum ReadRefusals {
    /// 参数不对 / invalid parameters
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// 未登录、会话过期或令牌无效 / not signed in
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// 角色无权，或须先修改密码 / not allowed
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// 不存在，或不在您的范围内 / not found or outside the caller's scope
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// 参数值不对 / an invalid value
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// The refusals a write may answer (documented once for every writing endpoint).
#[derive(utoipa::IntoResponses)]
pub enum WriteRefusals {
    /// 请求内容不是合法的JSON / malformed JSON or parameters
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// 未登录、会话过期或令牌无效 / not signed in
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// 角色无权，或须先修改密码 / not allowed
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// 不存在，或不在您的范围内 / not found or outside the caller's scope
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// 已被他人修改（版本过期）、当前状态不允许、或已存在 / a stale version, an illegal transition, a duplicate
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// 请求内容超过上限 / the body is over the limit
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// 须以 application/json 提交 / not JSON
    #[response(status = 415)]
    UnsupportedMediaType(ErrorBody),
    /// 字段或取值不对 / a field or value is invalid
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// The rows to skip and to give for `page` (1-based, default 1) of `limit` rows (1 to 100, default 20).
pub fn page_window(page: Option<i64>, limit: Option<i64>) -> Result<(usize, usize), ApiError> {
    let limit = match limit.unwrap_or(20) {
        l @ 1..=100 => l as usize,
        _ => return Err(ApiError::invalid("invalid_limit", "每页条数须在1到100之间 / limit must be 1 to 100")),
    };
    let page = match page.unwrap_or(1) {
        p @ 1..=1_000_000 => p as usize,
        _ => return Err(ApiError::invalid("invalid_page", "页码须为正整数 / page must be a positive number")),
    };
    Ok(((page - 1) * limit, limit))
}
