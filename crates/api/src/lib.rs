//! The REST API `/api/v1` (SPEC §10): JSON in and out, errors as `{"code", "message"}`, an OpenAPI 3 document generated
//! from these handlers' own declarations and served at `/api/v1/openapi.json`.
//!
//! - `auth`: sign-in, sessions, API tokens, the `Caller` every other handler takes;
//! - `appeals`: the closed loop, one endpoint per action;
//! - `org`: enterprises, regions, units, categories, deadline policies, users, the audit log;
//! - `reference`: editing and retiring regions, units, categories and deadline policies;
//! - `security`: one's own second factor, the security administrator's rules and resets;
//! - `work_groups`: 包联 — work groups, their cadres and enterprises; `common_issues`: 共性问题 and 集中解决;
//! - `tasks`: 重点工作周交办 — the office's meetings and their tasks, every step by one endpoint;
//! - `disputes`: 多元解纷 — dispute cases, their steps by one endpoint, the mediators and the figures;
//! - `files`: attachments (upload, download) and co-handling (签收, 协办意见 with files);
//! - `error`: the error shape and the extractors that refuse bad input with it.

pub mod appeals;
pub mod auth;
pub mod common_issues;
pub mod disposition;
pub mod disputes;
pub mod error;
pub mod files;
pub mod org;
pub mod policies;
pub mod policy_deliveries;
pub mod reference;
pub mod security;
pub mod tasks;
pub mod work_groups;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::get;
use error::ApiError;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, SecurityRequirement, ServerBuilder};
use utoipa_axum::router::OpenApiRouter;
use zhuqi_store::Store;

/// The largest request body accepted (an appeal's description is at most 5,000 characters).
pub const BODY_LIMIT: usize = 64 * 1024;

/// The API's routes and its OpenAPI document, built from the same declarations.
pub fn api() -> (Router<Store>, OpenApi) {
    let (router, mut doc) = OpenApiRouter::new()
        .merge(auth::routes())
        .merge(appeals::routes())
        .merge(org::routes())
        .merge(reference::routes())
        .merge(security::routes())
        .merge(work_groups::routes())
        .merge(common_issues::routes())
        .merge(tasks::routes())
        .merge(disputes::routes())
        // A policy's full text runs to tens of thousands of characters.
        .merge(policies::routes().layer(DefaultBodyLimit::max(policies::POLICY_BODY_LIMIT)))
        .merge(policy_deliveries::routes())
        // Files come base64 in JSON: these routes take bodies up to the attachments' limit.
        .merge(files::routes().layer(DefaultBodyLimit::max(files::FILES_BODY_LIMIT)))
        .merge(appeals::file_routes().layer(DefaultBodyLimit::max(files::FILES_BODY_LIMIT)))
        .split_for_parts();
    doc.info = InfoBuilder::new()
        .title("助企通 zhuqi API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "万人助万企诉求闭环接口。登录（POST /session）得到会话Cookie，或以 `Authorization: Bearer <令牌>` 调用。\
             每个读取和操作都限于调用者的范围（SPEC §5）：范围外的诉求回答404。错误统一为 {\"code\", \"message\"}。",
        ))
        .build();
    doc.servers = Some(vec![ServerBuilder::new().url("/api/v1").build()]);
    let components = doc.components.get_or_insert_with(Default::default);
    components
        .add_security_scheme("token", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    components
        .add_security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(auth::SESSION_COOKIE))));
    doc.security = Some(vec![
        SecurityRequirement::new("token", Vec::<String>::new()),
        SecurityRequirement::new("session", Vec::<String>::new()),
    ]);
    let router = router
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个接口 / no such endpoint")
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    (router, doc)
}

/// `/api/v1/...` with `/api/v1/openapi.json`.
pub fn router(store: Store) -> Router {
    let (api, doc) = api();
    let json = doc.to_json().unwrap_or_else(|_| "{}".into());
    let api = api.route(
        "/openapi.json",
        get(move || async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], json) }),
    );
    Router::new().nest("/api/v1", api.with_state(store))
}
