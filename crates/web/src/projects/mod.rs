//! Key projects (重点项目, SPEC §7) on the web: the ledger with its figures against the time schedule (时序进度), the
//! project form, one project's page with its stage timeline, investment curve, reports, plans, batches and problems,
//! the 三个一批 batches and the quarterly observations (季观摩) with their printable result sheet.
//!
//! - `ledger`: `/projects`, the filtered list with the summary and the per-county and per-industry tables;
//! - `forms`: `/projects/new` and `/projects/{id}/edit`;
//! - `project`: `/projects/{id}` and the forms on it (stage, monthly investment, plan, linked appeal, batch);
//! - `batches`: `/batches` and `/batches/{id}`; `observations`: `/observations…`; `charts`: the SVG drawn here.
//!
//! Every page is for dispatchers, leaders and handlers; the store decides which projects each of them reads and what
//! it may change (a project outside the viewer's scope is "not found"), the pages offer only the forms a role may use.

mod batches;
mod charts;
mod forms;
mod ledger;
mod observations;
mod project;

use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use jiff::civil::Date;
use zhuqi_domain::stats::Hundredths;
use zhuqi_domain::{Fen, RegionCode, Role};
use zhuqi_store::{ProjectRecord, RegionRecord, Store, StoreError};

use super::page::{Errors, Viewer};

pub fn routes() -> Router<Store> {
    Router::new()
        .route("/projects", get(ledger::list))
        .route("/projects/export", get(ledger::export))
        .route("/projects/new", get(forms::new_page).post(forms::create))
        .route("/projects/{id}", get(project::show))
        .route("/projects/{id}/edit", get(forms::edit_page).post(forms::save))
        .route("/projects/{id}/{action}", post(project::act))
        .route("/batches", get(batches::list).post(batches::create))
        .route("/batches/export.xlsx", get(batches::export))
        .route("/batches/{id}", get(batches::show))
        .route("/observations", get(observations::list).post(observations::create))
        .route("/observations/export.xlsx", get(observations::export))
        .route("/observations/{id}", get(observations::show))
        .route("/observations/{id}/scores", post(observations::score))
        .route("/observations/{id}/print", get(observations::print))
}

/// Who reads the project pages.
const READERS: [Role; 3] = [Role::Dispatcher, Role::Leader, Role::Handler];

/// Refuses the pages to every role but the readers.
#[allow(clippy::result_large_err)]
fn require_reader(v: &Viewer) -> Result<(), Response> {
    v.require(&READERS)
}

/// Who writes the ledger: the dispatcher (the 专班 of its region).
fn writes_ledger(v: &Viewer) -> bool {
    v.has(Role::Dispatcher)
}

/// Who reports a project's stage and monthly investment: a dispatcher, or a handler of its responsible unit.
fn reports_on(v: &Viewer, p: &ProjectRecord) -> bool {
    v.has(Role::Dispatcher) || (v.has(Role::Handler) && p.unit_id.is_some() && p.unit_id == v.caller.user.unit_id)
}

/// The regions of the viewer's scope (its own and every one below), in code order.
async fn regions_in_scope(store: &Store, v: &Viewer) -> Result<Vec<RegionRecord>, StoreError> {
    let Some(mine) = v.caller.user.region.clone() else { return Ok(Vec::new()) };
    Ok(store
        .regions()
        .await?
        .into_iter()
        .filter(|r| RegionCode::parse(&r.code).is_ok_and(|c| mine.contains(&c)))
        .collect())
}

/// Each item with the name of its region (`code` gives the item's region code).
async fn with_region_names<T>(
    store: &Store,
    items: Vec<T>,
    code: impl Fn(&T) -> &str,
) -> Result<Vec<(T, String)>, StoreError> {
    let regions = store.regions().await?;
    let name_of = |c: &str| regions.iter().find(|r| r.code == c).map_or_else(|| c.to_owned(), |r| r.name.clone());
    Ok(items
        .into_iter()
        .map(|item| {
            let name = name_of(code(&item));
            (item, name)
        })
        .collect())
}

/// An amount as a ledger writes it: 亿元 from one hundred million up, else 万元.
fn money(f: Fen) -> String {
    if f.fen() >= 10_000_000_000 { f.to_yi_string() } else { f.to_wan_string() }
}

/// An amount of fen as [`money`] writes it (sums of tallies are plain integers).
fn money_of(fen: i64) -> String {
    Fen::new(fen).map(money).unwrap_or_else(|_| "—".to_owned())
}

/// "高于时序进度6.44个百分点" (class `ahead`) or "低于时序进度3.20个百分点" (class `behind`), as the bulletin writes it.
fn schedule(pp: Option<Hundredths>) -> (String, &'static str) {
    let class = match pp {
        None => "",
        Some(h) if h.0 >= 0 => "ahead",
        Some(_) => "behind",
    };
    (zhuqi_reports::projects::against_schedule(pp), class)
}

/// A trimmed form value, `None` when empty.
fn field(v: &str) -> Option<&str> {
    Some(v.trim()).filter(|s| !s.is_empty())
}

/// A date as typed (`2026-11-20`), or its message next to `name`.
fn date_field(errors: &mut Errors, name: &'static str, v: &str, required: bool) -> Option<Date> {
    match field(v) {
        None => {
            if required {
                errors.add(name, "请填写日期，如 2026-11-20");
            }
            None
        }
        Some(s) => s.parse().map_err(|_| errors.add(name, "日期格式应为 2026-11-20")).ok(),
    }
}

/// An amount as typed ("12.5亿", "3000万", "1,234.56"), or its message next to `name`.
fn money_field(errors: &mut Errors, name: &'static str, v: &str, what: &str) -> Option<Fen> {
    match field(v) {
        None => {
            errors.add(name, format!("请填写{what}，如 12.5亿 或 3000万"));
            None
        }
        Some(s) => Fen::parse(s)
            .map_err(|e| {
                let why = super::page::chinese(&e.to_string()).to_owned();
                errors.add(name, format!("{what}：{why}，可写作 12.5亿、3000万 或 1234.56"));
            })
            .ok(),
    }
}
