//! The three administrators' pages (三员分立, SPEC §9): the system administrator keeps users and the reference data
//! (units, regions, categories, deadline policies, the working-day calendar), the security administrator grants roles
//! and resets passwords, the auditor reads the audit log and nothing else. The rules are the REST API's
//! (`zhuqi_api::org`): the same store calls and the same role checks.
//!
//! - `users`: the accounts, a new account with its one-time password, roles and password resets;
//! - `org`: units, regions, categories and deadline policies, each listed with its add form;
//! - `edit`: one of them on its own page, renamed or retired (停用);
//! - `calendar`: the loaded years of the State Council's notices and a form to load one;
//! - `security`: the security administrator's rules (password lifetime, second factor for administrators);
//! - `audit`: the audit log, newest first, read-only.

mod audit;
mod calendar;
mod edit;
mod org;
mod security;
mod users;

use axum::Router;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use zhuqi_domain::Role;
use zhuqi_store::Store;

use super::page::Viewer;

pub fn routes() -> Router<Store> {
    Router::new()
        .route("/admin", get(home))
        .route("/admin/users", get(users::list).post(users::add))
        .route("/admin/users/{id}", get(users::show))
        .route("/admin/users/{id}/roles", post(users::set_roles))
        .route("/admin/users/{id}/password", post(users::reset_password))
        .route("/admin/users/{id}/second-factor", post(users::reset_second_factor))
        .route("/admin/security", get(security::show).post(security::save))
        .route("/admin/units/export.xlsx", get(org::units_export))
        .route("/admin/units", get(org::units).post(org::add_unit))
        .route("/admin/units/{id}", get(edit::unit).post(edit::save_unit))
        .route("/admin/regions/export.xlsx", get(org::regions_export))
        .route("/admin/regions", get(org::regions).post(org::add_region))
        .route("/admin/regions/{code}", get(edit::region).post(edit::save_region))
        .route("/admin/categories/export.xlsx", get(org::categories_export))
        .route("/admin/categories", get(org::categories).post(org::add_category))
        .route("/admin/categories/{code}", get(edit::category).post(edit::save_category))
        .route("/admin/policies/export.xlsx", get(org::policies_export))
        .route("/admin/policies", get(org::policies).post(org::add_policy))
        .route("/admin/policies/{code}", get(edit::policy).post(edit::save_policy))
        .route("/admin/calendar", get(calendar::page).post(calendar::load))
        .route("/admin/audit", get(audit::page))
        .route("/admin/audit/export.xlsx", get(audit::export))
}

/// `/admin`: the viewer's first administration page.
async fn home(v: Viewer) -> Response {
    if v.has(Role::Sysadmin) || v.has(Role::Secadmin) {
        Redirect::to("/admin/users").into_response()
    } else if v.has(Role::Auditor) {
        Redirect::to("/admin/audit").into_response()
    } else {
        v.require(&[Role::Sysadmin, Role::Secadmin, Role::Auditor])
            .err()
            .unwrap_or_else(|| Redirect::to("/").into_response())
    }
}

pub(super) use super::page::{Done, Errors};

/// The reference data is the system administrator's (`CONFIG_ROLES` of the API).
const CONFIG_ROLES: &[Role] = &[Role::Sysadmin];

/// The Chinese names of roles, e.g. "指挥部、领导".
fn role_labels(roles: &[Role]) -> String {
    roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("、")
}

/// A text that must be filled and is at most `max` characters; its trimmed value.
fn required<'a>(errors: &mut Errors, field: &'static str, label: &str, value: &'a str, max: usize) -> &'a str {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, format!("请填写{label}"));
    } else if value.chars().count() > max {
        errors.add(field, format!("{label}最多{max}个字"));
    }
    value
}

/// A page that shows a secret once: never kept by a cache or the browser's history.
fn no_store(response: Response) -> Response {
    ([(CACHE_CONTROL, "no-store")], response).into_response()
}
