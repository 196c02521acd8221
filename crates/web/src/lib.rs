//! The web UI (SPEC §10, issue 4): server-rendered HTML in Chinese that works without JavaScript, one desk per role,
//! every form CSRF-checked and validated on the server, every asset inside the binary. Pages call the same store
//! methods as the REST API (`zhuqi_api`), so scope and rules are the store's, not the page's.
//!
//! - `page`: the signed-in viewer, the frame, rendering and error pages; `csrf`: form tokens; `view`: how dates,
//!   deadlines and lights read;
//! - `account`: sign-in, password, sign-out; `second_factor`: one's authenticator app; `lists`: appeal lists and the desks built on them (portal, triage,
//!   workbench); `item`: one appeal with its timeline and the actions the viewer may take; `co_handling`: a co-unit's
//!   signature and opinion (协办) on it; `compose`: a new appeal;
//! - `work_groups`: 包联 — work groups, their cadres and enterprises; `common_issues`: 共性问题 and 集中解决;
//! - `desks`: the supervision board and the leader's dashboard; `admin`: the three administrators' pages;
//! - `tasks`: 重点工作周交办 — the office's meetings and their tasks, worked by units on the loop of appeals;
//! - `policies`: 惠企政策 — the policy library and the enterprises each policy reaches;
//! - `disputes`: 多元解纷 — a workstation's dispute cases, mediated by 法治护航员 or a court, arbitration body or unit;
//! - `projects`: key projects (重点项目) — the ledger, a project's page, 三个一批 batches, 季观摩 observations.

mod account;
mod admin;
pub mod assets;
mod bulletins;
mod co_handling;
mod common_issues;
mod compose;
mod csrf;
mod desks;
mod disputes;
mod enterprises;
mod item;
mod lists;
mod page;
mod policies;
mod policy_deliveries;
mod policy_figures;
mod policy_files;
mod projects;
mod second_factor;
mod tasks;
mod upload;
mod view;
mod work_groups;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use zhuqi_store::Store;

/// The whole HTTP surface: the pages and the API under `/api/v1`.
pub fn router(store: Store) -> Router {
    Router::new()
        .route("/", get(account::home))
        .route("/signin", get(account::signin_page).post(account::signin))
        .route("/password", get(account::password_page).post(account::change_password))
        .route("/signout", post(account::signout))
        .route("/account/second-factor", get(second_factor::show).post(second_factor::turn_on))
        .route("/account/second-factor/off", post(second_factor::turn_off))
        .route("/account/second-factor/codes", post(second_factor::renew_codes))
        .route("/meetings", get(tasks::meetings).post(tasks::create_meeting))
        .route("/meetings/export.xlsx", get(tasks::export_tasks))
        .route("/meetings/{id}", get(tasks::meeting))
        .route("/meetings/{id}/tasks", post(tasks::create_task))
        .route("/meetings/{id}/report", get(tasks::print_report))
        // report.docx, report.xlsx
        .route("/meetings/{id}/{file}", get(tasks::download_report))
        .route("/tasks", get(tasks::tasks))
        .route("/tasks/{id}", get(tasks::task))
        .route("/tasks/{id}/{action}", post(tasks::act))
        .route("/disputes", get(disputes::list).post(disputes::create))
        .route("/disputes/new", get(disputes::new_case))
        .route("/disputes/figures", get(disputes::figures))
        .route("/disputes/export.xlsx", get(disputes::export))
        .route("/disputes/{id}", get(disputes::case))
        .route("/disputes/{id}/{action}", post(disputes::act))
        .route("/appeals", get(lists::general))
        .route("/portal", get(lists::portal))
        .route("/triage", get(lists::triage))
        .route("/workbench", get(lists::workbench))
        .route("/extensions", get(lists::extensions))
        .route("/co-handling", get(lists::co_handling))
        .merge(lists::export_routes())
        .route(
            "/appeals/new",
            get(compose::form).post(compose::submit).layer(DefaultBodyLimit::max(upload::UPLOAD_LIMIT)),
        )
        .route("/appeals/{id}", get(item::show))
        .route("/appeals/{id}/{action}", post(item::act).layer(DefaultBodyLimit::max(upload::UPLOAD_LIMIT)))
        .route("/appeals/{id}/co/sign", post(co_handling::sign))
        .route(
            "/appeals/{id}/co/opinion",
            post(co_handling::opinion).layer(DefaultBodyLimit::max(upload::UPLOAD_LIMIT)),
        )
        .route("/attachments/{id}", get(item::attachment))
        .route("/supervision", get(desks::supervision))
        .route("/dashboard", get(desks::dashboard))
        .route("/bulletins", get(bulletins::show))
        .route("/bulletins/download", get(bulletins::download))
        .route("/register", get(enterprises::signup_page).post(enterprises::signup))
        .route("/enterprise", get(enterprises::own).post(enterprises::register_own))
        .route("/enterprises", get(enterprises::list))
        .route("/enterprises/export.xlsx", get(enterprises::export))
        .route("/enterprises/{id}", get(enterprises::show))
        .route("/enterprises/{id}/edit", get(enterprises::edit).post(enterprises::save))
        .route("/policies", get(policies::list).post(policies::create))
        .route("/policies/new", get(policies::new_policy))
        .route("/policies/export.xlsx", get(policies::export))
        .route("/policies/claims", get(policy_deliveries::claims))
        .route("/policies/figures", get(policy_figures::figures))
        .route("/policies/figures.xlsx", get(policy_figures::figures_export))
        .route("/policies/{id}", get(policies::show))
        .route("/policies/{id}/edit", get(policies::edit).post(policies::save))
        .route("/policies/{id}/matches.xlsx", get(policies::matches_export))
        .route("/policies/{id}/deliveries.xlsx", get(policy_deliveries::export))
        .route("/policies/{id}/enterprises/{enterprise_id}", get(policy_deliveries::desk).post(policy_deliveries::take))
        .route("/policies/{id}/grant-list", post(policy_deliveries::draw))
        .route("/policies/{id}/grant-list/confirm", post(policy_deliveries::confirm))
        .route("/policies/{id}/questions", post(policy_deliveries::ask))
        .route("/policies/{id}/files", post(policy_files::upload).layer(DefaultBodyLimit::max(upload::UPLOAD_LIMIT)))
        .route("/policies/{id}/files/{file_id}", get(policy_files::download))
        .route("/policies/{id}/files/{file_id}/remove", post(policy_files::remove))
        .route("/enterprises/{id}/visits", post(enterprises::record_visit))
        .route("/visits", get(enterprises::visits))
        .route("/visits/export.xlsx", get(enterprises::visits_export))
        .route("/common-issues", get(common_issues::list).post(common_issues::create))
        .route("/common-issues/export.xlsx", get(common_issues::export))
        .route("/common-issues/{id}", get(common_issues::show).post(common_issues::edit))
        .route("/common-issues/{id}/resolve", post(common_issues::resolve))
        .route("/workgroups", get(work_groups::list).post(work_groups::create))
        .route("/workgroups/export.xlsx", get(work_groups::download))
        .route("/workgroups/{id}", get(work_groups::show).post(work_groups::edit))
        .route("/workgroups/{id}/members", post(work_groups::add_member))
        .route("/workgroups/{id}/members/{user}/remove", post(work_groups::remove_member))
        .route("/workgroups/{id}/enterprises", post(work_groups::assign))
        .route("/workgroups/{id}/enterprises/{enterprise}/remove", post(work_groups::release))
        .route("/assets/app.css", get(assets::css))
        .route("/assets/icon.svg", get(assets::icon))
        .route("/assets/uscc.js", get(assets::uscc_js))
        .route("/assets/session.js", get(assets::session_js))
        .route("/session/token", get(account::session_token))
        .route("/healthz", get(|| async { "ok" }))
        .merge(admin::routes())
        .merge(projects::routes())
        .fallback(page::not_found)
        .with_state(store.clone())
        .merge(zhuqi_api::router(store))
        .layer(axum::middleware::from_fn(page::security_headers))
}
