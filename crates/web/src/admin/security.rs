//! `/admin/security`: the security administrator's rules (issue 14, SPEC §9) — how many days a password lasts, and
//! whether the system, security and audit administrators must sign in with a second factor. The auditor may read them.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use zhuqi_domain::Role;
use zhuqi_store::{MAX_PASSWORD_MAX_AGE_DAYS, SecuritySettings, Store, StoreError};

use super::super::csrf::Checked;
use super::super::page::{Done, PageResult, Shell, Viewer, chinese, render_with};

#[derive(Template)]
#[template(path = "admin_security.html")]
struct SecurityPage {
    shell: Shell,
    settings: SecuritySettings,
    /// The days as typed, kept when refused.
    days: String,
    may_edit: bool,
    error: String,
    flash: bool,
}

/// The page; `days` as typed when a save was refused (with `error`), `saved` after a save.
async fn page(store: &Store, v: &Viewer, days: Option<String>, error: String, saved: bool) -> PageResult {
    let settings = store.security_settings().await?;
    let status = if error.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = SecurityPage {
        shell: v.shell("安全设置", "/admin/security"),
        days: days.unwrap_or_else(|| settings.password_max_age_days.to_string()),
        settings,
        may_edit: v.has(Role::Secadmin),
        error,
        flash: saved,
    };
    Ok(render_with(status, &page))
}

pub async fn show(State(store): State<Store>, v: Viewer, Query(done): Query<Done>) -> PageResult {
    if let Err(r) = v.require(&[Role::Secadmin, Role::Auditor]) {
        return Ok(r);
    }
    page(&store, &v, None, String::new(), done.is()).await
}

#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    password_max_age_days: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    admins_need_second_factor: Option<String>,
}

pub async fn save(State(store): State<Store>, v: Viewer, Checked(form): Checked<SettingsForm>) -> PageResult {
    if let Err(r) = v.require(&[Role::Secadmin]) {
        return Ok(r);
    }
    let typed = form.password_max_age_days.trim().to_owned();
    let Ok(days) = typed.parse::<i64>() else {
        let message = format!("密码有效期请填 0 到 {MAX_PASSWORD_MAX_AGE_DAYS} 的整数天数（0 表示不过期）。");
        return page(&store, &v, Some(typed), message, false).await;
    };
    let new = SecuritySettings {
        password_max_age_days: days,
        admins_need_second_factor: form.admins_need_second_factor.is_some(),
    };
    match store.set_security_settings(v.caller.user.origin(&v.caller.source), new).await {
        Ok(_) => Ok(Redirect::to("/admin/security?done=saved").into_response()),
        Err(e @ StoreError::Invalid(_)) => {
            page(&store, &v, Some(typed), chinese(&e.to_string()).to_owned(), false).await
        }
        Err(e) => Err(e.into()),
    }
}
