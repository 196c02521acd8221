//! Files and co-handling over HTTP (issue 13): an appeal's attachments (listed, uploaded, downloaded), and a
//! co-unit's signature and opinion (协办意见) with files. Files travel in JSON as base64, so that every endpoint keeps
//! one body shape and the OpenAPI document describes them all; the store checks each file as the pages' uploads.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use jiff::Timestamp;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhuqi_store::{AttachmentInfo, CoHandling, CoOpinion, MAX_ATTACHMENTS, NewAttachment, PolicyFile, Store};

use super::auth::Caller;
use super::error::{ApiError, Body, Id, ReadRefusals, WriteRefusals};

/// The body limit of the endpoints that take files: the most files one call takes at their largest size, in base64
/// (4 characters for every 3 bytes), with room for the rest of the body.
pub const FILES_BODY_LIMIT: usize = MAX_ATTACHMENTS * zhuqi_store::MAX_ATTACHMENT_BYTES / 3 * 4 + 64 * 1024;

/// A file sent in a JSON body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileBody {
    /// The file name with its extension (the type is taken from it): pdf, jpg, png, docx, xlsx, ofd, zip, ….
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// The bytes, base64 (standard alphabet, with padding).
    pub content_base64: String,
}

/// The files of a body, decoded; a file that is not base64 is refused by name.
pub fn decode(files: Vec<FileBody>) -> Result<Vec<NewAttachment>, ApiError> {
    files
        .into_iter()
        .map(|f| {
            let data = base64::engine::general_purpose::STANDARD.decode(f.content_base64.as_bytes()).map_err(|_| {
                ApiError::invalid(
                    "invalid_file",
                    format!("附件「{}」的内容不是有效的base64 / the content of a file is not base64", f.name),
                )
            })?;
            Ok(NewAttachment { name: f.name, content_type: String::new(), data: data.into() })
        })
        .collect()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilesBody {
    /// 1 to 10 files.
    pub files: Vec<FileBody>,
}

/// The files of an appeal the caller may see (the co-units' files for the government side only).
#[utoipa::path(get, path = "/appeals/{id}/attachments", tag = "attachments", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AttachmentInfo>), ReadRefusals))]
async fn list(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<Vec<AttachmentInfo>>, ApiError> {
    Ok(Json(store.attachments_for(&c.user, id).await?))
}

/// Adds files to an appeal: its enterprise or cadre, while the unit still works on it. All stored or none.
#[utoipa::path(post, path = "/appeals/{id}/attachments", tag = "attachments", params(("id" = i64, Path)),
    request_body = FilesBody, responses((status = 201, body = Vec<AttachmentInfo>), WriteRefusals))]
async fn upload(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<FilesBody>,
) -> Result<(StatusCode, Json<Vec<AttachmentInfo>>), ApiError> {
    let files = decode(b.files)?;
    Ok((StatusCode::CREATED, Json(store.attach(&c.user, &c.source, id, files).await?)))
}

/// One file's bytes, as a download (404 if the caller may not see its appeal). Always served as bytes: the type
/// the file was stored with is in its listing (`content_type`).
#[utoipa::path(get, path = "/attachments/{id}", tag = "attachments", params(("id" = i64, Path)),
    responses((status = 200, description = "文件内容 / the file", content_type = "application/octet-stream"),
        ReadRefusals))]
async fn download(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Response, ApiError> {
    let (info, bytes) = store.attachment_for(&c.user, id).await?;
    let disposition = crate::disposition::attachment(&info.name);
    let bytes_type = "application/octet-stream".to_owned();
    Ok(([(CONTENT_TYPE, bytes_type), (CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

/// The co-units of an appeal, whether each signed, and every opinion with its files (empty for an enterprise or a
/// cadre).
#[utoipa::path(get, path = "/appeals/{id}/co-handling", tag = "co-handling", params(("id" = i64, Path)),
    responses((status = 200, body = CoHandling), ReadRefusals))]
async fn co_handling(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<CoHandling>, ApiError> {
    Ok(Json(store.co_handling_for(&c.user, id).await?))
}

/// Signs for a co-handled item (签收) as the caller's unit: 409 if it has already.
#[utoipa::path(post, path = "/appeals/{id}/co-handling/sign", tag = "co-handling", params(("id" = i64, Path)),
    responses((status = 200, body = CoHandling), WriteRefusals))]
async fn sign(State(store): State<Store>, c: Caller, Id(id): Id<i64>) -> Result<Json<CoHandling>, ApiError> {
    store.sign_co_handling(&c.user, &c.source, id, Timestamp::now()).await?;
    Ok(Json(store.co_handling_for(&c.user, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpinionBody {
    #[schema(min_length = 1, max_length = 5000)]
    pub text: String,
    /// Up to 10 files.
    #[serde(default)]
    pub files: Vec<FileBody>,
}

/// Gives the caller's unit's 协办意见 on an item it co-handles, until the lead unit answers (signing it if not yet).
#[utoipa::path(post, path = "/appeals/{id}/co-handling/opinions", tag = "co-handling", params(("id" = i64, Path)),
    request_body = OpinionBody, responses((status = 201, body = CoOpinion), WriteRefusals))]
async fn opinion(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<OpinionBody>,
) -> Result<(StatusCode, Json<CoOpinion>), ApiError> {
    let files = decode(b.files)?;
    let given = store.give_co_opinion(&c.user, &c.source, id, b.text, files, Timestamp::now()).await?;
    Ok((StatusCode::CREATED, Json(given)))
}

/// The files of a policy the caller reads (政策附件: the document, its 申报指南, forms).
#[utoipa::path(get, path = "/policies/{id}/files", tag = "policies", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PolicyFile>), ReadRefusals))]
async fn policy_files(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
) -> Result<Json<Vec<PolicyFile>>, ApiError> {
    Ok(Json(store.policy_files_for(&c.user, id).await?))
}

/// Adds files to a policy the caller may change (the office of its region, its own unit). All stored or none; at
/// most 10 per policy.
#[utoipa::path(post, path = "/policies/{id}/files", tag = "policies", params(("id" = i64, Path)),
    request_body = FilesBody, responses((status = 201, body = Vec<PolicyFile>), WriteRefusals))]
async fn attach_to_policy(
    State(store): State<Store>,
    c: Caller,
    Id(id): Id<i64>,
    Body(b): Body<FilesBody>,
) -> Result<(StatusCode, Json<Vec<PolicyFile>>), ApiError> {
    let files = decode(b.files)?;
    Ok((StatusCode::CREATED, Json(store.attach_to_policy(&c.user, &c.source, id, files, Timestamp::now()).await?)))
}

/// One file of a policy, as a download.
#[utoipa::path(get, path = "/policies/{id}/files/{file_id}", tag = "policies",
    params(("id" = i64, Path), ("file_id" = i64, Path)),
    responses((status = 200, description = "文件内容 / the file", content_type = "application/octet-stream"),
        ReadRefusals))]
async fn policy_file(
    State(store): State<Store>,
    c: Caller,
    Id((id, file_id)): Id<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (info, bytes) = store.policy_file_for(&c.user, id, file_id).await?;
    let disposition = crate::disposition::attachment(&info.name);
    let bytes_type = "application/octet-stream".to_owned();
    Ok(([(CONTENT_TYPE, bytes_type), (CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

/// Takes a file off a policy the caller may change: no longer listed nor served, kept on record.
#[utoipa::path(delete, path = "/policies/{id}/files/{file_id}", tag = "policies",
    params(("id" = i64, Path), ("file_id" = i64, Path)), responses((status = 204), WriteRefusals))]
async fn remove_policy_file(
    State(store): State<Store>,
    c: Caller,
    Id((id, file_id)): Id<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    store.remove_policy_file(&c.user, &c.source, id, file_id, Timestamp::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn routes() -> OpenApiRouter<Store> {
    OpenApiRouter::new()
        .routes(routes!(list, upload))
        .routes(routes!(download))
        .routes(routes!(policy_files, attach_to_policy))
        .routes(routes!(policy_file, remove_policy_file))
        .routes(routes!(co_handling))
        .routes(routes!(sign))
        .routes(routes!(opinion))
}
