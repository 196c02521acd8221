//! 季观摩: `/observations` lists the quarterly observations with the form a dispatcher opens one with (its quarter,
//! date, the six criterion weights adding up to 100, and the flag rule); `/observations/{id}` scores the observed
//! projects and ranks the regions by their mean score with 红旗 and 黄旗; `/observations/{id}/print` is the result
//! sheet to print (A4, the site's own stylesheet, no script).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use zhuqi_domain::project::{Criterion, CriterionWeights, Scores};
use zhuqi_domain::stats::{Flag, FlagRule, Hundredths, Period, PeriodKind};
use zhuqi_domain::{RegionCode, Role};
use zhuqi_store::{
    NewObservation, ObservationRecord, ObservationResult, ProjectFilter, RegionRecord, Store, StoreError,
};

use super::charts::{Scored, score_bars};
use super::{date_field, field, regions_in_scope, require_reader, with_region_names, writes_ledger};
use crate::csrf::Checked;
use crate::page::{
    Done, Errors, PageNo, PageResult, Pager, Shell, Viewer, chinese, form_key, page_of, render, render_with,
    sheet_download,
};

/// Observations per page of the list.
const PER_PAGE: usize = 50;

/// The observation form as typed; the weights are named by their criterion (`w_industry_fit`).
#[derive(Debug, Default, Deserialize)]
pub struct ObservationInput {
    /// The form's idempotency key: posted twice, it creates once.
    #[serde(default)]
    idempotency_key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    w_industry_fit: String,
    #[serde(default)]
    w_investment_scale: String,
    #[serde(default)]
    w_land_intensity: String,
    #[serde(default)]
    w_technology: String,
    #[serde(default)]
    w_economic_benefit: String,
    #[serde(default)]
    w_statistics: String,
    #[serde(default)]
    red: String,
    #[serde(default)]
    yellow: String,
    #[serde(default)]
    min_items: String,
}

impl ObservationInput {
    fn weight(&self, c: &Criterion) -> &str {
        match c {
            Criterion::IndustryFit => &self.w_industry_fit,
            Criterion::InvestmentScale => &self.w_investment_scale,
            Criterion::LandIntensity => &self.w_land_intensity,
            Criterion::Technology => &self.w_technology,
            Criterion::EconomicBenefit => &self.w_economic_benefit,
            Criterion::Statistics => &self.w_statistics,
        }
    }

    fn defaults(v: &Viewer) -> ObservationInput {
        let w = CriterionWeights::default();
        let today = zhuqi_domain::time::today();
        let s = |c| w.get(c).to_string();
        ObservationInput {
            region: v.caller.user.region.as_ref().map(|r| r.as_str().to_owned()).unwrap_or_default(),
            quarter: Period::containing(PeriodKind::Quarter, today).code(),
            held_on: today.to_string(),
            w_industry_fit: s(Criterion::IndustryFit),
            w_investment_scale: s(Criterion::InvestmentScale),
            w_land_intensity: s(Criterion::LandIntensity),
            w_technology: s(Criterion::Technology),
            w_economic_benefit: s(Criterion::EconomicBenefit),
            w_statistics: s(Criterion::Statistics),
            red: "2".into(),
            yellow: "1".into(),
            min_items: "1".into(),
            idempotency_key: form_key(),
            ..ObservationInput::default()
        }
    }
}

#[derive(Template)]
#[template(path = "observations.html")]
struct ListPage {
    shell: Shell,
    tab: &'static str,
    items: Vec<(ObservationRecord, String)>,
    pager: Pager,
    may_create: bool,
    regions: Vec<RegionRecord>,
    criteria: [Criterion; 6],
    typed: ObservationInput,
    errors: Errors,
}

async fn list_page(
    store: &Store,
    v: &Viewer,
    typed: ObservationInput,
    errors: Errors,
    status: StatusCode,
    asked: usize,
) -> PageResult {
    let (items, pager) = page_of(named(store, v).await?, asked, PER_PAGE, |n| format!("/observations?page={n}"));
    let page = ListPage {
        shell: v.shell("季观摩", "/projects"),
        tab: "observations",
        items,
        pager,
        may_create: writes_ledger(v),
        regions: regions_in_scope(store, v).await?,
        criteria: Criterion::ALL,
        typed,
        errors,
    };
    Ok(render_with(status, &page))
}

/// The observations `v` reads, each with its region's name.
async fn named(store: &Store, v: &Viewer) -> Result<Vec<(ObservationRecord, String)>, StoreError> {
    with_region_names(store, store.observations(&v.caller.user).await?, |o| &o.region_code).await
}

pub async fn list(State(store): State<Store>, v: Viewer, Query(n): Query<PageNo>) -> PageResult {
    if let Err(r) = require_reader(&v) {
        return Ok(r);
    }
    let typed = ObservationInput::defaults(&v);
    list_page(&store, &v, typed, Errors::default(), StatusCode::OK, n.get()).await
}

/// `/observations/export.xlsx`: every observation the viewer reads.
pub async fn export(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = require_reader(&v) {
        return Ok(r);
    }
    let rows: Vec<[String; 5]> = named(&store, &v)
        .await?
        .into_iter()
        .map(|(o, region)| [o.name, region, o.period, o.held_on.to_string(), o.projects.to_string()])
        .collect();
    Ok(sheet_download("季观摩", ["观摩", "地区", "季度", "观摩日期", "项目数"], rows, false).await?)
}

fn count(errors: &mut Errors, name: &'static str, v: &str, label: &str) -> Option<u32> {
    match v.trim().parse::<u32>() {
        Ok(n) if n <= 100 => Some(n),
        _ => {
            errors.add(name, format!("{label}应为0至100的整数"));
            None
        }
    }
}

pub async fn create(State(store): State<Store>, v: Viewer, Checked(i): Checked<ObservationInput>) -> PageResult {
    if let Err(r) = v.require(&[Role::Dispatcher]) {
        return Ok(r);
    }
    let regions = regions_in_scope(&store, &v).await?;
    let mut errors = Errors::default();
    let name = i.name.trim().to_owned();
    if name.is_empty() {
        errors.add("name", "请填写观摩名称，如 2026年第三季度重点项目观摩");
    } else if name.chars().count() > 100 {
        errors.add("name", "名称最多100字");
    }
    let region = RegionCode::parse(i.region.trim()).ok().filter(|c| regions.iter().any(|r| r.code == c.as_str()));
    if region.is_none() {
        errors.add("region", "请选择您职责范围内的地区");
    }
    let period = Period::parse_as(PeriodKind::Quarter, i.quarter.trim())
        .map_err(|_| errors.add("quarter", "季度格式应为 2026-Q3"))
        .ok();
    let held_on = date_field(&mut errors, "held_on", &i.held_on, true);
    let mut weights = Vec::new();
    for c in Criterion::ALL {
        let name: &'static str = match c {
            Criterion::IndustryFit => "w_industry_fit",
            Criterion::InvestmentScale => "w_investment_scale",
            Criterion::LandIntensity => "w_land_intensity",
            Criterion::Technology => "w_technology",
            Criterion::EconomicBenefit => "w_economic_benefit",
            Criterion::Statistics => "w_statistics",
        };
        if let Some(w) = count(&mut errors, name, i.weight(&c), c.label()) {
            weights.push((c, w));
        }
    }
    let weights = if weights.len() == 6 {
        CriterionWeights::new(weights).map_err(|e| errors.add("weights", chinese(&e).to_owned())).ok()
    } else {
        None
    };
    let red = count(&mut errors, "red", &i.red, "红旗数");
    let yellow = count(&mut errors, "yellow", &i.yellow, "黄旗数");
    let min_items = count(&mut errors, "min_items", &i.min_items, "最少项目数");
    let (Some(region_code), Some(period), Some(held_on), Some(weights), Some(red), Some(yellow), Some(min), true) =
        (region, period, held_on, weights, red, yellow, min_items, errors.is_empty())
    else {
        return list_page(&store, &v, i, errors, StatusCode::UNPROCESSABLE_ENTITY, 1).await;
    };
    let rule = FlagRule { red: red as usize, yellow: yellow as usize, min_items: i64::from(min) };
    let new = NewObservation { name, region_code, period, held_on, weights, rule };
    let key = zhuqi_store::IdempotencyKey::parse(&i.idempotency_key).ok();
    match store.create_observation(&v.caller.user, &v.caller.source, new, key).await {
        Ok(o) => Ok(Redirect::to(&format!("/observations/{}", o.id)).into_response()),
        Err(StoreError::Duplicate(_)) => {
            let mut errors = Errors::default();
            errors.add("quarter", "该地区本季度已有观摩");
            list_page(&store, &v, i, errors, StatusCode::UNPROCESSABLE_ENTITY, 1).await
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::Forbidden(_) | StoreError::MissingReference(_))) => {
            let mut errors = Errors::default();
            errors.form = Some(chinese(&e.to_string()).to_owned());
            list_page(&store, &v, i, errors, StatusCode::UNPROCESSABLE_ENTITY, 1).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The scoring form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ScoreInput {
    #[serde(default)]
    project: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    s_industry_fit: String,
    #[serde(default)]
    s_investment_scale: String,
    #[serde(default)]
    s_land_intensity: String,
    #[serde(default)]
    s_technology: String,
    #[serde(default)]
    s_economic_benefit: String,
    #[serde(default)]
    s_statistics: String,
}

impl ScoreInput {
    fn score(&self, c: Criterion) -> &str {
        match c {
            Criterion::IndustryFit => &self.s_industry_fit,
            Criterion::InvestmentScale => &self.s_investment_scale,
            Criterion::LandIntensity => &self.s_land_intensity,
            Criterion::Technology => &self.s_technology,
            Criterion::EconomicBenefit => &self.s_economic_benefit,
            Criterion::Statistics => &self.s_statistics,
        }
    }
}

fn score_field(c: Criterion) -> &'static str {
    match c {
        Criterion::IndustryFit => "s_industry_fit",
        Criterion::InvestmentScale => "s_investment_scale",
        Criterion::LandIntensity => "s_land_intensity",
        Criterion::Technology => "s_technology",
        Criterion::EconomicBenefit => "s_economic_benefit",
        Criterion::Statistics => "s_statistics",
    }
}

/// A score as typed ("85", "85.5", "85.25") in hundredths, 0–100.
fn hundredths(s: &str) -> Option<Hundredths> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || int.len() > 3 || frac.len() > 2 || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let part: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    let h = whole * 100 + part;
    (0..=10_000).contains(&h).then_some(Hundredths(h))
}

/// One observed project as the page shows it.
pub struct ProjectRow {
    pub id: i64,
    pub name: String,
    pub region: String,
    pub scores: Vec<String>,
    pub score: String,
}

/// One ranked region.
pub struct RegionRow {
    pub rank: String,
    pub name: String,
    pub projects: i64,
    pub score: String,
    pub flag: &'static str,
    pub flag_class: &'static str,
}

struct Sheet {
    weights: Vec<(&'static str, u32)>,
    projects: Vec<ProjectRow>,
    regions: Vec<RegionRow>,
    chart: String,
    rule: String,
}

fn sheet(r: &ObservationResult) -> Sheet {
    let o = &r.observation;
    let projects = r
        .projects
        .iter()
        .map(|p| ProjectRow {
            id: p.project_id,
            name: p.name.clone(),
            region: p.region_name.clone(),
            scores: Criterion::ALL
                .iter()
                .map(|c| p.scores.get(*c).map_or_else(|| "—".to_owned(), |h| h.to_string()))
                .collect(),
            score: p.score.map_or_else(|| "—".to_owned(), |h| h.to_string()),
        })
        .collect();
    let regions = r
        .regions
        .iter()
        .map(|x| RegionRow {
            rank: x.rank.map(|k| k.to_string()).unwrap_or_else(|| "—".to_owned()),
            name: x.key.1.clone(),
            projects: x.counts.projects,
            score: x.score.map_or_else(|| "—".to_owned(), |h| h.to_string()),
            flag: x.flag.map_or("", Flag::label),
            flag_class: match x.flag {
                Some(Flag::Red) => "flag-red",
                Some(Flag::Yellow) => "flag-yellow",
                None => "",
            },
        })
        .collect();
    let scored: Vec<Scored<'_>> =
        r.regions.iter().map(|x| Scored { rank: x.rank, name: &x.key.1, score: x.score, flag: x.flag }).collect();
    Sheet {
        weights: o.weights.iter().map(|(c, w)| (c.label(), w)).collect(),
        projects,
        regions,
        chart: score_bars(&scored),
        rule: format!(
            "前{}名授红旗，末{}名授黄旗；观摩项目少于{}个的地区只排名、不授旗。",
            o.rule.red, o.rule.yellow, o.rule.min_items
        ),
    }
}

#[derive(Template)]
#[template(path = "observation.html")]
struct ObservationPage {
    shell: Shell,
    r: ObservationResult,
    s: Sheet,
    criteria: [Criterion; 6],
    may_score: bool,
    choices: Vec<(i64, String)>,
    typed: ScoreInput,
    errors: Errors,
    flash: Option<String>,
}

impl ObservationPage {
    fn typed_score(&self, c: &Criterion) -> &str {
        self.typed.score(*c)
    }

    fn score_error(&self, c: &Criterion) -> Option<&str> {
        self.errors.get(score_field(*c))
    }

    fn field_name(&self, c: &Criterion) -> &'static str {
        score_field(*c)
    }
}

/// Projects offered in the scoring form's select, at most this many (the code field reaches any other).
const CHOICES: usize = 300;

async fn observation_page(
    store: &Store,
    v: &Viewer,
    id: i64,
    typed: ScoreInput,
    errors: Errors,
    flash: Option<String>,
    status: StatusCode,
) -> PageResult {
    let r = store.observation_result(&v.caller.user, id).await?;
    let may_score = writes_ledger(v);
    let choices = if may_score {
        let region = RegionCode::parse(&r.observation.region_code).ok();
        let filter = ProjectFilter { region, limit: CHOICES, ..ProjectFilter::default() };
        let page = store.list_projects(&v.caller.user, filter, zhuqi_domain::time::today()).await?;
        page.lines
            .into_iter()
            .map(|l| (l.project.id, format!("{} {}（{}）", l.project.code, l.project.name, l.project.region_name)))
            .collect()
    } else {
        Vec::new()
    };
    let page = ObservationPage {
        shell: v.shell(r.observation.name.clone(), "/projects"),
        s: sheet(&r),
        r,
        criteria: Criterion::ALL,
        may_score,
        choices,
        typed,
        errors,
        flash,
    };
    Ok(render_with(status, &page))
}

pub async fn show(State(store): State<Store>, v: Viewer, Path(id): Path<i64>, Query(d): Query<Done>) -> PageResult {
    if let Err(r) = require_reader(&v) {
        return Ok(r);
    }
    let flash = d.is().then(|| "评分已保存。".to_owned());
    observation_page(&store, &v, id, ScoreInput::default(), Errors::default(), flash, StatusCode::OK).await
}

pub async fn score(
    State(store): State<Store>,
    v: Viewer,
    Path(id): Path<i64>,
    Checked(i): Checked<ScoreInput>,
) -> PageResult {
    if let Err(r) = v.require(&[Role::Dispatcher]) {
        return Ok(r);
    }
    let p = &v.caller.user;
    // The observation must be readable before anything is looked up for it.
    store.observation_result(p, id).await?;
    let mut errors = Errors::default();
    let project = match (field(&i.code), field(&i.project)) {
        (Some(code), _) => {
            let filter = ProjectFilter { text: Some(code.to_owned()), limit: 20, ..ProjectFilter::default() };
            let found = store.list_projects(p, filter, zhuqi_domain::time::today()).await?;
            let hit = found.lines.iter().find(|l| l.project.code.eq_ignore_ascii_case(code)).map(|l| l.project.id);
            if hit.is_none() {
                errors.add("code", "未找到该编号的项目（或不在您的职责范围内）");
            }
            hit
        }
        (None, Some(id)) => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("project", "请选择项目");
                None
            }
        },
        (None, None) => {
            errors.add("project", "请选择项目或填写项目编号");
            None
        }
    };
    let mut scores = Scores::default();
    for c in Criterion::ALL {
        match hundredths(i.score(c)) {
            Some(h) => {
                let _ = scores.set(c, h);
            }
            None => errors.add(score_field(c), format!("{}的得分须为0至100（最多两位小数）", c.label())),
        }
    }
    let (Some(project_id), true) = (project, errors.is_empty()) else {
        return observation_page(&store, &v, id, i, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match store.record_scores(p, &v.caller.source, id, project_id, scores).await {
        Ok(()) => Ok(Redirect::to(&format!("/observations/{id}?done=scored")).into_response()),
        Err(
            e @ (StoreError::Invalid(_)
            | StoreError::Forbidden(_)
            | StoreError::MissingReference(_)
            | StoreError::NotFound(_)),
        ) => {
            let mut errors = Errors::default();
            errors.form = Some(match e {
                StoreError::NotFound(what) => format!("{what}不存在，或不在您的职责范围内"),
                e => chinese(&e.to_string()).to_owned(),
            });
            observation_page(&store, &v, id, i, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "observation_print.html")]
struct PrintPage {
    r: ObservationResult,
    s: Sheet,
    criteria: [Criterion; 6],
    region: String,
    printed: String,
}

pub async fn print(State(store): State<Store>, v: Viewer, Path(id): Path<i64>) -> PageResult {
    if let Err(r) = require_reader(&v) {
        return Ok(r);
    }
    let r = store.observation_result(&v.caller.user, id).await?;
    let region = store
        .regions()
        .await?
        .into_iter()
        .find(|x| x.code == r.observation.region_code)
        .map_or_else(String::new, |x| x.name);
    Ok(render(&PrintPage {
        s: sheet(&r),
        r,
        criteria: Criterion::ALL,
        region,
        printed: zhuqi_domain::time::today().to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_read_with_up_to_two_decimals() {
        assert_eq!(hundredths("85"), Some(Hundredths(8500)));
        assert_eq!(hundredths("85.5"), Some(Hundredths(8550)));
        assert_eq!(hundredths("100.00"), Some(Hundredths(10_000)));
        assert_eq!(hundredths("0"), Some(Hundredths(0)));
        for bad in ["", "100.01", "-1", "1.234", "abc", "1e2", ".5"] {
            assert_eq!(hundredths(bad), None, "{bad}");
        }
    }
}
