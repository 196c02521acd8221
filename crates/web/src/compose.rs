//! A new appeal (提交诉求): by the enterprise itself, by its cadre after a visit (代企业登记), or by the command
//! office from a phone call. Attachments come with it and are stored in the same transaction.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use serde::Deserialize;
use zhuqi_domain::{Channel, Fen, Role};
use zhuqi_store::{
    CategoryRecord, EnterpriseRecord, IdempotencyKey, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, NewAppeal, NewAttachment,
    Store, StoreError,
};

use super::csrf;
use super::page::{Errors, PageResult, Shell, Viewer, chinese, form_key, render_with};

/// Past this many enterprises in scope the form asks for a name or credit code instead of offering a list.
const PICK_LIMIT: usize = 300;

const CREATORS: &[Role] = &[Role::Enterprise, Role::Cadre, Role::Dispatcher];

#[derive(Default)]
struct Typed {
    enterprise_id: String,
    enterprise: String,
    category: String,
    title: String,
    description: String,
    amount_yuan: String,
    draft: bool,
    /// The form's idempotency key: kept when the form comes back refused, so that it still creates one appeal.
    key: String,
}

#[derive(Template)]
#[template(path = "compose.html")]
struct ComposePage {
    shell: Shell,
    typed: Typed,
    /// The enterprises to pick from; empty when the viewer is an enterprise (its own) or has too many to list.
    enterprises: Vec<EnterpriseRecord>,
    /// Whether the viewer names the enterprise by text (a command office with the whole city in scope).
    by_name: bool,
    own: bool,
    categories: Vec<CategoryRecord>,
    errors: Errors,
    form_error: Option<String>,
    max_files: usize,
    max_mb: usize,
}

#[derive(Deserialize)]
pub struct Prefill {
    enterprise: Option<i64>,
}

async fn compose(
    store: &Store,
    v: &Viewer,
    typed: Typed,
    errors: Errors,
    form_error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let p = &v.caller.user;
    let own = p.has(Role::Enterprise) && p.enterprise_id.is_some() && !p.has(Role::Cadre) && !p.has(Role::Dispatcher);
    let (enterprises, more) =
        if own { (Vec::new(), None) } else { store.enterprises_for(p, None, None, None, PICK_LIMIT).await? };
    let page = ComposePage {
        shell: v.shell("提交诉求", "/appeals/new"),
        typed,
        by_name: more.is_some(),
        enterprises: if more.is_some() { Vec::new() } else { enterprises },
        own,
        categories: store.categories().await?.into_iter().filter(|c| c.active).collect(),
        errors,
        form_error,
        max_files: MAX_ATTACHMENTS,
        max_mb: MAX_ATTACHMENT_BYTES / 1024 / 1024,
    };
    Ok(render_with(status, &page))
}

pub async fn form(State(store): State<Store>, v: Viewer, Query(pre): Query<Prefill>) -> PageResult {
    if let Err(r) = v.require(CREATORS) {
        return Ok(r);
    }
    if v.has(Role::Enterprise) && v.caller.user.enterprise_id.is_none() && !v.has(Role::Cadre) {
        return Ok(Redirect::to("/enterprise").into_response());
    }
    let typed = Typed {
        enterprise_id: pre.enterprise.map(|e| e.to_string()).unwrap_or_default(),
        key: form_key(),
        ..Typed::default()
    };
    compose(&store, &v, typed, Errors::default(), None, StatusCode::OK).await
}

/// Reads the multipart form: the text fields, the CSRF token and the files (see `upload`).
async fn read_form(m: Multipart) -> Result<(String, Typed, Vec<NewAttachment>), super::upload::Refused> {
    let (fields, files) = super::upload::read(m).await?;
    let (mut token, mut typed) = (String::new(), Typed::default());
    for (name, value) in fields {
        match name.as_str() {
            "csrf" => token = value,
            "enterprise_id" => typed.enterprise_id = value,
            "enterprise" => typed.enterprise = value,
            "category" => typed.category = value,
            "title" => typed.title = value,
            "description" => typed.description = value,
            "amount_yuan" => typed.amount_yuan = value,
            "draft" => typed.draft = value == "1",
            "idempotency_key" => typed.key = value,
            _ => {}
        }
    }
    Ok((token, typed, files))
}

pub async fn submit(
    State(store): State<Store>,
    v: Viewer,
    headers: axum::http::HeaderMap,
    multipart: Multipart,
) -> PageResult {
    if let Err(r) = v.require(CREATORS) {
        return Ok(r);
    }
    let (token, typed, files) = match read_form(multipart).await {
        Ok(read) => read,
        Err(refused) => {
            let message = Some(refused.message());
            return compose(&store, &v, Typed::default(), Errors::default(), message, refused.status()).await;
        }
    };
    if !csrf::verify(&headers, &token) {
        return Ok(csrf::refused());
    }
    let p = &v.caller.user;
    let mut errors = Errors::default();
    let enterprise_id = match enterprise_of(&store, &v, &typed).await? {
        Ok(id) => Some(id),
        Err(message) => {
            errors.add("enterprise", message);
            None
        }
    };
    let title = typed.title.trim();
    if title.is_empty() {
        errors.add("title", "请填写问题标题");
    } else if title.chars().count() > 100 {
        errors.add("title", "标题最多100字");
    }
    let description = typed.description.trim();
    if description.is_empty() {
        errors.add("description", "请描述遇到的问题");
    } else if description.chars().count() > 5000 {
        errors.add("description", "问题描述最多5000字");
    }
    if typed.category.trim().is_empty() {
        errors.add("category", "请选择问题类型");
    }
    let amount = match typed.amount_yuan.trim() {
        "" => None,
        a => match Fen::parse(a) {
            Ok(f) => Some(f),
            Err(e) => {
                errors.add("amount_yuan", chinese(&e.to_string()).to_owned());
                None
            }
        },
    };
    let again = if files.is_empty() { None } else { Some("（所选附件未保存，请重新选择）") };
    let (Some(enterprise_id), true) = (enterprise_id, errors.is_empty()) else {
        let note = again.map(|n| format!("请按提示更正后再提交{n}。"));
        return compose(&store, &v, typed, errors, note, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let channel = if p.has(Role::Enterprise) && p.enterprise_id == Some(enterprise_id) {
        Channel::Web
    } else if p.has(Role::Cadre) {
        Channel::CadreVisit
    } else {
        Channel::Phone
    };
    let new = NewAppeal {
        enterprise_id,
        channel,
        category: typed.category.trim().to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        amount,
        draft: typed.draft,
    };
    let key = IdempotencyKey::parse(&typed.key).ok();
    match store.create_appeal_as(p, &v.caller.source, new, files, Timestamp::now(), key).await {
        Ok(record) => Ok(Redirect::to(&format!("/appeals/{}", record.id)).into_response()),
        Err(e @ (StoreError::Invalid(_) | StoreError::MissingReference(_) | StoreError::Transition(_))) => {
            let message = format!("{}{}", chinese(&e.to_string()), again.unwrap_or(""));
            compose(&store, &v, typed, Errors::default(), Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The enterprise the appeal is for: the viewer's own, one picked from the list, or one named by its name or credit
/// code. The store checks again that it is in the viewer's scope.
async fn enterprise_of(store: &Store, v: &Viewer, typed: &Typed) -> Result<Result<i64, String>, StoreError> {
    let p = &v.caller.user;
    if let Ok(id) = typed.enterprise_id.trim().parse::<i64>() {
        return Ok(Ok(id));
    }
    let named = typed.enterprise.trim();
    if named.is_empty() {
        return Ok(p.enterprise_id.ok_or_else(|| "请选择企业".to_owned()));
    }
    let (found, _) = store.enterprises_for(p, None, Some(named.to_owned()), None, 6).await?;
    Ok(match found.as_slice() {
        [] => Err(format!("在您的范围内没有找到企业「{named}」")),
        [one] => Ok(one.id),
        many => {
            let names: Vec<&str> = many.iter().take(5).map(|e| e.name.as_str()).collect();
            Err(format!("匹配到多家企业（{}…），请输入完整名称或统一社会信用代码", names.join("、")))
        }
    })
}
