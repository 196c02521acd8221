//! 协办 on the appeal page: a co-unit signs for the item (签收) and gives its opinion (协办意见, with files), which the
//! lead unit reads on the same page before answering. A refusal comes back to the page with what was typed kept.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use serde::Deserialize;
use zhuqi_store::{Store, StoreError};

use super::csrf::{Checked, Nothing, Posted};
use super::item::{ActionInput, Refusal, page};
use super::page::{PageResult, Viewer, chinese};

/// What the opinion form sends.
#[derive(Debug, Default, Deserialize)]
pub struct OpinionInput {
    #[serde(default)]
    text: String,
}

/// The page of the appeal again, with `message` over the page or next to the opinion form.
async fn refused(store: &Store, v: &Viewer, id: i64, e: StoreError, typed: String) -> PageResult {
    let record = store.appeal_for(&v.caller.user, id).await?;
    let message = chinese(&e.to_string()).to_owned();
    let typed = ActionInput::with_text(typed);
    match e {
        StoreError::Invalid(_) => {
            let refusal = Refusal::co_opinion(message);
            page(store, v, record, None, None, refusal, typed, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        StoreError::Forbidden(_) | StoreError::Duplicate(_) => {
            page(store, v, record, None, Some(message), Refusal::default(), typed, StatusCode::CONFLICT).await
        }
        e => Err(e.into()),
    }
}

pub async fn sign(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(_): Checked<Nothing>,
) -> PageResult {
    match store.sign_co_handling(&v.caller.user, &v.caller.source, id, Timestamp::now()).await {
        Ok(()) => Ok(Redirect::to(&format!("/appeals/{id}?done=co_sign")).into_response()),
        Err(e) => refused(&store, &v, id, e, String::new()).await,
    }
}

pub async fn opinion(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Posted { form, files }: Posted<OpinionInput>,
) -> PageResult {
    let result =
        store.give_co_opinion(&v.caller.user, &v.caller.source, id, form.text.clone(), files, Timestamp::now()).await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/appeals/{id}?done=co_opinion")).into_response()),
        Err(e) => refused(&store, &v, id, e, form.text).await,
    }
}
