//! 三个一批: `/batches` lists the batches the viewer reads, with the form a dispatcher creates one with, and
//! `/batches/{id}` shows one as of a date — 签约率, 开工率, 投产率, 达产率, the investment completed within the batch,
//! and its three lists with each project's stage.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::civil::Date;
use serde::Deserialize;
use zhuqi_domain::RegionCode;
use zhuqi_domain::project::BatchList;
use zhuqi_store::{BatchLine, BatchRecord, BatchReport, NewBatch, RegionRecord, Store, StoreError};

use super::charts::rate_bars;
use super::{date_field, money, regions_in_scope, require_reader, with_region_names, writes_ledger};
use crate::csrf::Checked;
use crate::page::{
    Done, Errors, PageNo, PageResult, Pager, Shell, Viewer, chinese, form_key, page_of, render_with, sheet_download,
};

/// Batches per page of the list.
const PER_PAGE: usize = 50;

#[derive(Debug, Default, Deserialize)]
pub struct BatchInput {
    /// The form's idempotency key: posted twice, it creates once.
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
}

#[derive(Template)]
#[template(path = "batches.html")]
struct BatchesPage {
    shell: Shell,
    tab: &'static str,
    batches: Vec<(BatchRecord, String)>,
    pager: Pager,
    may_create: bool,
    regions: Vec<RegionRecord>,
    typed: BatchInput,
    errors: Errors,
    flash: Option<String>,
}

async fn list_page(
    store: &Store,
    v: &Viewer,
    typed: BatchInput,
    errors: Errors,
    flash: Option<String>,
    status: StatusCode,
    asked: usize,
) -> PageResult {
    let (batches, pager) = page_of(named(store, v).await?, asked, PER_PAGE, |n| format!("/batches?page={n}"));
    let page = BatchesPage {
        shell: v.shell("三个一批", "/projects"),
        tab: "batches",
        batches,
        pager,
        may_create: writes_ledger(v),
        regions: regions_in_scope(store, v).await?,
        typed,
        errors,
        flash,
    };
    Ok(render_with(status, &page))
}

/// The batches `v` reads, newest first as the store gives them, each with its region's name.
async fn named(store: &Store, v: &Viewer) -> Result<Vec<(BatchRecord, String)>, StoreError> {
    with_region_names(store, store.batches(&v.caller.user).await?, |b| &b.region_code).await
}

/// `/batches/export.xlsx`: every batch the viewer reads.
pub async fn export(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = require_reader(&v) {
        return Ok(r);
    }
    let rows: Vec<[String; 5]> = named(&store, &v)
        .await?
        .into_iter()
        .map(|(b, region)| [b.name, region, b.starts_on.to_string(), b.ends_on.to_string(), b.projects.to_string()])
        .collect();
    Ok(sheet_download("三个一批", ["批次", "地区", "开始日期", "结束日期", "项目数"], rows, false).await?)
}

pub async fn list(State(store): State<Store>, v: Viewer, Query(d): Query<Done>, Query(n): Query<PageNo>) -> PageResult {
    if let Err(r) = require_reader(&v) {
        return Ok(r);
    }
    let flash = d.is().then(|| "批次已创建。".to_owned());
    let typed = BatchInput {
        region: v.caller.user.region.as_ref().map(|r| r.as_str().to_owned()).unwrap_or_default(),
        idempotency_key: form_key(),
        ..BatchInput::default()
    };
    list_page(&store, &v, typed, Errors::default(), flash, StatusCode::OK, n.get()).await
}

pub async fn create(State(store): State<Store>, v: Viewer, Checked(i): Checked<BatchInput>) -> PageResult {
    if let Err(r) = v.require(&[zhuqi_domain::Role::Dispatcher]) {
        return Ok(r);
    }
    let regions = regions_in_scope(&store, &v).await?;
    let mut errors = Errors::default();
    let name = i.name.trim().to_owned();
    if name.is_empty() {
        errors.add("name", "请填写批次名称，如 第七期\"三个一批\"");
    } else if name.chars().count() > 100 {
        errors.add("name", "批次名称最多100字");
    }
    let region = RegionCode::parse(i.region.trim()).ok().filter(|c| regions.iter().any(|r| r.code == c.as_str()));
    if region.is_none() {
        errors.add("region", "请选择您职责范围内的地区");
    }
    let starts_on = date_field(&mut errors, "starts_on", &i.starts_on, true);
    let ends_on = date_field(&mut errors, "ends_on", &i.ends_on, true);
    if starts_on.zip(ends_on).is_some_and(|(s, e)| e < s) {
        errors.add("ends_on", "结束日期早于开始日期");
    }
    let (Some(region_code), Some(starts_on), Some(ends_on), true) = (region, starts_on, ends_on, errors.is_empty())
    else {
        return list_page(&store, &v, i, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await;
    };
    let new = NewBatch { name, region_code, starts_on, ends_on };
    let key = zhuqi_store::IdempotencyKey::parse(&i.idempotency_key).ok();
    match store.create_batch(&v.caller.user, &v.caller.source, new, key).await {
        Ok(b) => Ok(Redirect::to(&format!("/batches/{}?done=created", b.id)).into_response()),
        Err(StoreError::Duplicate(_)) => {
            let mut errors = Errors::default();
            errors.add("name", "已有同名批次");
            list_page(&store, &v, i, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::Forbidden(_) | StoreError::MissingReference(_))) => {
            let mut errors = Errors::default();
            errors.form = Some(chinese(&e.to_string()).to_owned());
            list_page(&store, &v, i, errors, None, StatusCode::UNPROCESSABLE_ENTITY, 1).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct BatchQuery {
    as_of: Option<String>,
    done: Option<String>,
}

/// One of the three lists of a batch.
pub struct ListView {
    pub label: &'static str,
    pub target: &'static str,
    /// All the projects on the list, and how many of them reached its stage.
    pub count: usize,
    pub reached: usize,
    /// The first `LISTED` of them.
    pub lines: Vec<LineView>,
}

/// Projects listed per list; the rest are in the ledger filtered to the batch, so the page stays light.
const LISTED: usize = 100;

pub struct LineView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub region: String,
    pub stage: &'static str,
    pub reached: bool,
    pub completed: String,
}

fn line_view(l: &BatchLine) -> LineView {
    LineView {
        id: l.project_id,
        code: l.code.clone(),
        name: l.name.clone(),
        region: l.region_name.clone(),
        stage: l.stage.label(),
        reached: l.stage.reached(l.list.target()),
        completed: money(l.completed),
    }
}

#[derive(Template)]
#[template(path = "batch.html")]
struct BatchPage {
    shell: Shell,
    r: BatchReport,
    as_of: String,
    errors: Errors,
    rates: Vec<(&'static str, &'static str, String, String)>,
    completed: String,
    chart: String,
    lists: Vec<ListView>,
    flash: Option<String>,
}

pub async fn show(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<BatchQuery>,
) -> PageResult {
    if let Err(r) = require_reader(&v) {
        return Ok(r);
    }
    let today = zhuqi_domain::time::today();
    let mut errors = Errors::default();
    let as_of = match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => today,
        Some(s) => match s.parse::<Date>() {
            Ok(d) if d <= today => d,
            Ok(_) => {
                errors.add("as_of", "统计日期不能晚于今天");
                today
            }
            Err(_) => {
                errors.add("as_of", "日期格式应为 2026-11-20");
                today
            }
        },
    };
    let r = store.batch_report(&v.caller.user, id, as_of).await?;
    let p = &r.progress;
    let rates = vec![
        ("rate-sign", "签约率", p.sign_rate().percent(), format!("{}/{}", p.signed, p.to_sign)),
        ("rate-start", "开工率", p.start_rate().percent(), format!("{}/{}", p.started, p.to_start)),
        ("rate-produce", "投产率", p.production_rate().percent(), format!("{}/{}", p.producing, p.to_produce)),
        ("rate-full", "达产率", p.full_production_rate().percent(), format!("{}/{}", p.full_production, p.to_produce)),
    ];
    let chart = rate_bars(
        "三个一批完成率",
        &[
            ("签约率", p.sign_rate()),
            ("开工率", p.start_rate()),
            ("投产率", p.production_rate()),
            ("达产率", p.full_production_rate()),
        ],
    );
    let lists = BatchList::ALL
        .iter()
        .map(|l| {
            let all: Vec<&BatchLine> = r.lines.iter().filter(|x| x.list == *l).collect();
            ListView {
                label: l.label(),
                target: l.target().label(),
                count: all.len(),
                reached: all.iter().filter(|x| x.stage.reached(x.list.target())).count(),
                lines: all.iter().take(LISTED).map(|x| line_view(x)).collect(),
            }
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = BatchPage {
        shell: v.shell(r.batch.name.clone(), "/projects"),
        as_of: as_of.to_string(),
        errors,
        rates,
        completed: money(r.completed),
        chart,
        lists,
        flash: q.done.is_some().then(|| "批次已创建。可在项目页把项目列入本批次。".to_owned()),
        r,
    };
    Ok(render_with(status, &page))
}
