//! `/projects`: the project ledger (重点项目台账) with its filters, each line's investment against the year's plan and
//! the time schedule, and above it the figures of the whole selection: completion, 时序进度, and the counties and
//! industries ranked by how far ahead of or behind the schedule they are.

use askama::Template;
use axum::extract::{Query, State};
use jiff::civil::Date;
use serde::Deserialize;
use zhuqi_domain::RegionCode;
use zhuqi_domain::project::Stage;
use zhuqi_store::{BatchRecord, MetricsQuery, ProjectFilter, ProjectLine, ProjectTally, RegionRecord, Store};

use super::{money, money_of, regions_in_scope, require_reader, schedule, writes_ledger};
use crate::page::{Errors, PageResult, Pager, Shell, Viewer, render_with};

const PAGE: usize = 50;

/// The filter form, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct LedgerQuery {
    q: Option<String>,
    region: Option<String>,
    industry: Option<String>,
    stage: Option<String>,
    whitelist: Option<String>,
    batch: Option<String>,
    behind: Option<String>,
    as_of: Option<String>,
    page: Option<String>,
}

impl LedgerQuery {
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        let kept = [
            ("q", &self.q),
            ("region", &self.region),
            ("industry", &self.industry),
            ("stage", &self.stage),
            ("whitelist", &self.whitelist),
            ("batch", &self.batch),
            ("behind", &self.behind),
            ("as_of", &self.as_of),
        ];
        kept.iter()
            .filter_map(|(k, v)| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(|v| (*k, v)))
            .collect()
    }

    /// The list's URL with the same filters, `extra` replacing any of them.
    fn link(&self, extra: &[(&'static str, String)]) -> String {
        let mut pairs: Vec<(&str, &str)> =
            self.pairs().into_iter().filter(|(k, _)| !extra.iter().any(|(e, _)| e == k)).collect();
        pairs.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
        match serde_html_form::to_string(&pairs) {
            Ok(q) if !q.is_empty() => format!("/projects?{q}"),
            _ => "/projects".to_owned(),
        }
    }
}

/// One line of the list as shown.
pub struct LineView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub region: String,
    pub industry: String,
    pub stage: &'static str,
    pub whitelist: bool,
    pub total: String,
    pub planned: String,
    pub done: String,
    pub completion: String,
    pub schedule: String,
    pub class: &'static str,
}

fn line_view(l: &ProjectLine) -> LineView {
    let p = &l.project;
    let (schedule, class) = schedule(l.ahead_pp);
    LineView {
        id: p.id,
        code: p.code.clone(),
        name: p.name.clone(),
        region: p.region_name.clone(),
        industry: p.industry.clone(),
        stage: p.stage.label(),
        whitelist: p.whitelist,
        total: money(p.total_investment),
        planned: l.planned.map_or_else(|| "—".to_owned(), money),
        done: money(l.completed_ytd),
        completion: l.completion.percent(),
        schedule,
        class,
    }
}

/// A line of the summary tables (a county, an industry, or the whole selection).
pub struct TallyRow {
    pub name: String,
    pub link: String,
    pub projects: i64,
    pub whitelist: i64,
    pub total: String,
    pub planned: String,
    pub done: String,
    pub completion: String,
    pub schedule: String,
    pub class: &'static str,
    pub pp: i64,
    pub started: i64,
}

fn tally_row(name: String, link: String, t: &ProjectTally, as_of: Date) -> TallyRow {
    let pp = t.progress.ahead_pp(as_of);
    let (schedule, class) = schedule(pp);
    TallyRow {
        name,
        link,
        projects: t.projects,
        whitelist: t.whitelist,
        total: money_of(t.total_investment),
        planned: money_of(t.progress.planned),
        done: money_of(t.progress.done),
        completion: t.progress.completion().percent(),
        schedule,
        class,
        pp: pp.map_or(i64::MIN, |h| h.0),
        // 开工 or beyond: the stages from 开工 (ordinal 5) on.
        started: t.stages[4..].iter().sum(),
    }
}

pub struct Summary {
    pub whole: TallyRow,
    pub time_progress: String,
    pub counties: Vec<TallyRow>,
    pub industries: Vec<TallyRow>,
}

#[derive(Template)]
#[template(path = "projects.html")]
struct LedgerPage {
    shell: Shell,
    tab: &'static str,
    q: LedgerQuery,
    errors: Errors,
    regions: Vec<RegionRecord>,
    industries: Vec<String>,
    stages: [Stage; 9],
    batches: Vec<BatchRecord>,
    lines: Vec<LineView>,
    total: usize,
    from: usize,
    pager: Pager,
    /// Why the ledger's count differs from the summary's (and the bulletin's) when it does.
    count_note: Option<String>,
    summary: Option<Summary>,
    may_create: bool,
    as_of: String,
    export: Option<String>,
}

impl LedgerPage {
    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }

    fn is(&self, v: &Option<String>, option: &str) -> bool {
        v.as_deref().map(str::trim) == Some(option)
    }
}

fn parsed<T>(
    errors: &mut Errors,
    name: &'static str,
    v: &Option<String>,
    parse: impl FnOnce(&str) -> Option<T>,
    message: &str,
) -> Option<T> {
    let text = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    let out = parse(text);
    if out.is_none() {
        errors.add(name, message);
    }
    out
}

pub async fn list(State(store): State<Store>, v: Viewer, Query(q): Query<LedgerQuery>) -> PageResult {
    if let Err(r) = require_reader(&v) {
        return Ok(r);
    }
    let today = zhuqi_domain::time::today();
    let regions = regions_in_scope(&store, &v).await?;
    let batches = store.batches(&v.caller.user).await?;
    let mut errors = Errors::default();
    let e = &mut errors;
    let text = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    if text.as_ref().is_some_and(|t| t.chars().count() > 100) {
        e.add("q", "搜索词最多100字");
    }
    let region = parsed(e, "region", &q.region, |r| RegionCode::parse(r).ok(), "县区代码无效");
    if region.as_ref().is_some_and(|c| !regions.iter().any(|x| x.code == c.as_str())) {
        // A region outside the viewer's reads as one that does not exist, as an item outside its scope does.
        return Err(zhuqi_api::error::ApiError::not_found("地区").into());
    }
    let industry = parsed(e, "industry", &q.industry, |i| Some(i.to_owned()), "");
    let stage = parsed(e, "stage", &q.stage, Stage::parse, "建设阶段无效");
    let whitelist = parsed(
        e,
        "whitelist",
        &q.whitelist,
        |w| match w {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        },
        "白名单筛选无效",
    );
    let batch_id = parsed(
        e,
        "batch",
        &q.batch,
        |b| b.parse::<i64>().ok().filter(|id| batches.iter().any(|x| x.id == *id)),
        "批次无效",
    );
    let behind = q.behind.as_deref().is_some_and(|b| !b.trim().is_empty());
    let as_of = parsed(e, "as_of", &q.as_of, |d| d.parse::<Date>().ok(), "日期格式应为 2026-11-20");
    if as_of.is_some_and(|d| d > today) {
        e.add("as_of", "统计日期不能晚于今天");
    }
    let page_no: usize = parsed(e, "page", &q.page, |p| p.parse().ok().filter(|n| *n >= 1), "页码无效").unwrap_or(1);
    let as_of = as_of.filter(|d| *d <= today).unwrap_or(today);

    let (mut lines, mut total, mut summary, mut count_note) = (Vec::new(), 0, None, None);
    // Name, stage and behind narrow the ledger only: the summary above it, like the bulletin, counts by region,
    // industry, batch and whitelist.
    let narrowed = text.is_some() || stage.is_some() || behind;
    if errors.is_empty() {
        let filter = ProjectFilter {
            text,
            region: region.clone(),
            industry: industry.clone(),
            stage,
            whitelist,
            batch_id,
            unit_id: None,
            behind,
            as_of: Some(as_of),
            offset: (page_no - 1) * PAGE,
            limit: PAGE,
        };
        let query =
            MetricsQuery { region: region.clone(), as_of, industry, batch_id, whitelist_only: whitelist == Some(true) };
        let (page, metrics) = tokio::join!(
            store.list_projects(&v.caller.user, filter, today),
            store.project_metrics(&v.caller.user, query)
        );
        let page = page?;
        let metrics = metrics?;
        total = page.total;
        let counted = usize::try_from(metrics.total.projects).unwrap_or(0);
        count_note = (counted != total).then(|| {
            if narrowed {
                format!(
                    "台账按全部条件列出{total}个项目；汇总和同期通报只按地区、产业链、批次和白名单统计，截至{as_of}计入{counted}个。"
                )
            } else {
                format!(
                    "台账列出{total}个项目，汇总和同期通报计入截至{as_of}已开始推进的{counted}个；其余{}个项目的首个建设阶段晚于该日，不计入。",
                    total.saturating_sub(counted)
                )
            }
        });
        lines = page.lines.iter().map(line_view).collect();
        let whole = tally_row("合计".to_owned(), q.link(&[]), &metrics.total, as_of);
        let mut counties: Vec<TallyRow> = metrics
            .by_region
            .iter()
            .map(|(code, name, t)| tally_row(name.clone(), q.link(&[("region", code.clone())]), t, as_of))
            .collect();
        // Ahead of the schedule first: the order a 观摩 or 通报 reads them in.
        counties.sort_by(|a, b| b.pp.cmp(&a.pp).then_with(|| a.name.cmp(&b.name)));
        let industries = metrics
            .by_industry
            .iter()
            .map(|(name, t)| tally_row(name.clone(), q.link(&[("industry", name.clone())]), t, as_of))
            .collect();
        summary = Some(Summary { whole, time_progress: format!("{}%", metrics.time_progress), counties, industries });
    }
    let from = (page_no - 1) * PAGE;
    let pager = Pager::new(total, page_no, PAGE, |n| q.link(&[("page", n.to_string())]));
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let page = LedgerPage {
        shell: v.shell("重点项目", "/projects"),
        tab: "ledger",
        errors,
        regions,
        industries: store.industries().await?,
        stages: Stage::ALL,
        batches,
        lines,
        total,
        from,
        pager,
        count_note,
        summary,
        may_create: writes_ledger(&v),
        as_of: as_of.to_string(),
        export: export_link(&q),
        q,
    };
    Ok(render_with(status, &page))
}

/// The ledger as a spreadsheet, for the region chosen in the filter (the viewer's whole scope otherwise).
fn export_link(q: &LedgerQuery) -> Option<String> {
    let region = q.region.as_deref().map(str::trim).filter(|r| !r.is_empty());
    Some(match region {
        Some(r) => format!("/projects/export?{}", serde_html_form::to_string([("region", r)]).unwrap_or_default()),
        None => "/projects/export".to_owned(),
    })
}

/// `/projects/export`: the project ledger (重点项目台账) of the viewer's scope as an xlsx workbook with the headings a
/// 台账 uses, figures as of this month — written by `zhuqi_ledger::projects`, as `zhuqi export projects` writes it.
pub async fn export(State(store): State<Store>, v: Viewer, Query(q): Query<LedgerQuery>) -> PageResult {
    use zhuqi_store::ledger::LedgerReader;

    if let Err(r) = require_reader(&v) {
        return Ok(r);
    }
    let regions = regions_in_scope(&store, &v).await?;
    let region = match q.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => match RegionCode::parse(r).ok().filter(|c| regions.iter().any(|x| x.code == c.as_str())) {
            Some(c) => Some(c),
            None => return Err(zhuqi_api::error::ApiError::not_found("地区").into()),
        },
    };
    let today = zhuqi_domain::time::today();
    let month = (today.year(), today.month());
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "project ledger export failed");
        crate::page::error_page(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "系统错误",
            "台账生成失败，请稍后重试；如一再出现请联系系统管理员。",
        )
    };
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return Ok(failed(&e)),
    };
    let path = dir.path().join("projects.xlsx");
    let request = zhuqi_ledger::projects::ProjectExportRequest {
        path: path.clone(),
        reader: LedgerReader::User(v.caller.user.clone()),
        region,
        month,
    };
    if let Err(e) = zhuqi_ledger::projects::export(&store, &request, zhuqi_ledger::Progress { visible: false }).await {
        return Ok(failed(&e));
    }
    // The workbook of a city's ledger is a few hundred kilobytes: read on a blocking thread.
    let read = tokio::task::spawn_blocking(move || std::fs::read(&path)).await;
    let bytes = match read.map_err(|e| e.to_string()).and_then(|r| r.map_err(|e| e.to_string())) {
        Ok(b) => b,
        Err(e) => return Ok(failed(&e)),
    };
    let name = format!("重点项目台账-{}-{:02}.xlsx", month.0, month.1);
    Ok(crate::page::download(crate::page::XLSX, &name, bytes))
}
