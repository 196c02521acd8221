//! A policy's attachments on its page (政策附件): whoever may change the policy uploads and removes them, whoever
//! reads it downloads them. The store checks each file (`zhuqi_store::attach_to_policy`).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use zhuqi_store::Store;

use super::csrf::{Checked, Nothing, Posted};
use super::page::{PageResult, Viewer};
use super::policies::{READERS, WRITERS};
use super::policy_deliveries::refused;

/// `POST /policies/{id}/files`: the files of the form, all stored or none.
pub async fn upload(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Posted { files, .. }: Posted<Nothing>,
) -> PageResult {
    if let Err(r) = v.require(WRITERS) {
        return Ok(r);
    }
    match store.attach_to_policy(&v.caller.user, &v.caller.source, id, files, Timestamp::now()).await {
        Ok(added) => {
            Ok(Redirect::to(&format!("/policies/{id}?done=files&n={}#policy-files", added.len())).into_response())
        }
        Err(e) => refused(&store, &v, id, e).await,
    }
}

/// `POST /policies/{id}/files/{file_id}/remove`
pub async fn remove(
    State(store): State<Store>,
    v: Viewer,
    Path((id, file_id)): Path<(i64, i64)>,
    Checked(_): Checked<Nothing>,
) -> PageResult {
    if let Err(r) = v.require(WRITERS) {
        return Ok(r);
    }
    match store.remove_policy_file(&v.caller.user, &v.caller.source, id, file_id, Timestamp::now()).await {
        Ok(()) => Ok(Redirect::to(&format!("/policies/{id}?done=removed#policy-files")).into_response()),
        Err(e) => refused(&store, &v, id, e).await,
    }
}

/// `GET /policies/{id}/files/{file_id}`: the file, for whoever reads the policy.
pub async fn download(State(store): State<Store>, v: Viewer, Path((id, file_id)): Path<(i64, i64)>) -> PageResult {
    if let Err(r) = v.require(READERS) {
        return Ok(r);
    }
    let (info, bytes) = store.policy_file_for(&v.caller.user, id, file_id).await?;
    Ok(super::page::download(&info.content_type, &info.name, bytes))
}
