//! The bulletins page (通报, SPEC §6): a form choosing the kind, period, scope and format of a bulletin, its preview
//! in the page, and its download in every format. Everything is a GET: reading a bulletin changes nothing, so a link
//! to one can be bookmarked or sent, and no CSRF token is needed.
//!
//! Scope is checked twice on purpose: here, to offer only what the viewer may read and to answer a region outside it
//! with the same 404 as any other page, and again by `report::build` and the store's queries.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::Deserialize;
use zhuqi_api::error::ApiError;
use zhuqi_domain::stats::{FlagRule, Period, PeriodKind, Weights};
use zhuqi_domain::{RegionCode, Role};
use zhuqi_reports::{self as report, Bulletin, BulletinRequest, Format, ReportError, ReportScope, charts};
use zhuqi_store::{RegionRecord, Store, UnitRecord};

use super::page::{Errors, PageError, PageResult, Shell, Viewer, chinese, render_with};

/// Who reads bulletins: those who read the dashboard.
const ROLES: [Role; 2] = [Role::Leader, Role::Dispatcher];
/// Overdue items listed in the preview; the downloads carry the whole list.
const OVERDUE_SHOWN: usize = 20;
/// Above this many units the preview leaves out the units' chart (the table lists them all).
const UNITS_CHARTED: usize = 40;
/// How a unit is written in the 范围 field, to tell it from a region code.
const UNIT_PREFIX: &str = "unit-";

/// The form as typed. Every field is optional: an empty one takes its default.
#[derive(Debug, Default, Deserialize)]
pub struct BulletinQuery {
    kind: Option<String>,
    period: Option<String>,
    scope: Option<String>,
    format: Option<String>,
}

impl BulletinQuery {
    fn field(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
}

/// One option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// What a viewer may choose as the scope of a figure: its own region, the regions one level below, and (for
/// bulletins) the handling units working in it.
pub struct Scopes {
    /// The viewer's region, if it has one.
    mine: Option<RegionCode>,
    pub regions: Vec<Choice>,
    pub units: Vec<Choice>,
    all_regions: Vec<RegionRecord>,
}

impl Scopes {
    pub async fn load(store: &Store, v: &Viewer, with_units: bool) -> Result<Scopes, PageError> {
        let mine = v.caller.user.region.clone();
        let all_regions = store.regions().await?;
        let units = if with_units { unit_choices(&store.units().await?, mine.as_ref()) } else { Vec::new() };
        let regions = region_choices(&all_regions, mine.as_ref());
        Ok(Scopes { mine, regions, units, all_regions })
    }

    /// The region asked for: `None` for the viewer's own (or nothing asked), a region within it, a field error for a
    /// malformed code, and "not found" for any region outside the viewer's, as for an item outside its scope.
    pub fn region(
        &self,
        value: Option<&str>,
        errors: &mut Errors,
        field: &'static str,
    ) -> Result<Option<RegionCode>, PageError> {
        let Some(value) = value else { return Ok(None) };
        let Ok(code) = RegionCode::parse(value) else {
            errors.add(field, "范围无效：应为六位行政区划代码");
            return Ok(None);
        };
        let Some(mine) = &self.mine else { return Err(ApiError::not_found("地区").into()) };
        if &code == mine {
            return Ok(None);
        }
        if !mine.contains(&code) || !self.all_regions.iter().any(|r| r.code == code.as_str()) {
            return Err(ApiError::not_found("地区").into());
        }
        Ok(Some(code))
    }

    /// The scope of a bulletin: the viewer's whole region, a region within it, or a unit working in it.
    fn scope(&self, value: Option<&str>, errors: &mut Errors) -> Result<ReportScope, PageError> {
        let Some(id) = value.and_then(|v| v.strip_prefix(UNIT_PREFIX)) else {
            return Ok(self.region(value, errors, "scope")?.map_or(ReportScope::Mine, ReportScope::Region));
        };
        let Ok(id) = id.parse::<i64>() else {
            errors.add("scope", "范围无效：单位编号应为数字");
            return Ok(ReportScope::Mine);
        };
        if !self.units.iter().any(|u| u.value == format!("{UNIT_PREFIX}{id}")) {
            return Err(ApiError::not_found("单位").into());
        }
        Ok(ReportScope::Unit(id))
    }

    /// The 范围 value that names `scope` in a link.
    fn value_of(&self, scope: &ReportScope) -> String {
        match scope {
            ReportScope::Mine => self.mine.as_ref().map(|m| m.as_str().to_owned()).unwrap_or_default(),
            ReportScope::Region(r) => r.as_str().to_owned(),
            ReportScope::Unit(id) => format!("{UNIT_PREFIX}{id}"),
        }
    }

    /// The name of a region, for headings.
    pub fn region_name(&self, code: Option<&RegionCode>) -> String {
        let code = code.or(self.mine.as_ref());
        code.and_then(|c| self.all_regions.iter().find(|r| r.code == c.as_str()))
            .map_or_else(|| "本地区".to_owned(), |r| r.name.clone())
    }
}

/// The viewer's region and the regions one level below it, in code order.
fn region_choices(regions: &[RegionRecord], mine: Option<&RegionCode>) -> Vec<Choice> {
    let Some(mine) = mine else { return Vec::new() };
    let own = regions.iter().filter(|r| r.code == mine.as_str());
    let below = regions.iter().filter(|r| r.parent_code.as_deref() == Some(mine.as_str()));
    own.map(|r| Choice { value: r.code.clone(), label: format!("{}（全部）", r.name) })
        .chain(below.map(|r| Choice { value: r.code.clone(), label: r.name.clone() }))
        .collect()
}

/// The units working in the viewer's region.
fn unit_choices(units: &[UnitRecord], mine: Option<&RegionCode>) -> Vec<Choice> {
    let Some(mine) = mine else { return Vec::new() };
    units
        .iter()
        .filter(|u| unit_near(mine, &u.region_code))
        .map(|u| Choice { value: format!("{UNIT_PREFIX}{}", u.id), label: u.name.clone() })
        .collect()
}

/// A unit works in the viewer's region if it belongs to it, to a region within it (a county's bureau under a city
/// leader), or to a region above it (a city bureau handles a county's appeals).
fn unit_near(mine: &RegionCode, unit_region: &str) -> bool {
    RegionCode::parse(unit_region).is_ok_and(|u| mine.contains(&u) || u.contains(mine))
}

/// What the form asked for, once every field is understood.
struct Asked {
    period: Period,
    scope: ReportScope,
}

/// The values the form shows: as typed, or the defaults.
struct Form {
    period: String,
    scope: String,
    format: String,
}

/// How many complete periods of each kind the period list offers: a quarter of weeks, two years of months, …
const PERIODS_OFFERED: [(PeriodKind, usize); 4] =
    [(PeriodKind::Month, 24), (PeriodKind::Quarter, 8), (PeriodKind::Week, 13), (PeriodKind::Year, 5)];

/// The complete periods a bulletin can be asked for, newest first, grouped by kind under the bulletin's name: nobody
/// types 2026-W47.
fn period_choices(today: Date) -> Vec<(&'static str, Vec<Choice>)> {
    PERIODS_OFFERED
        .iter()
        .map(|(kind, n)| {
            let mut p = last_complete(*kind, today);
            let mut choices = Vec::with_capacity(*n);
            for _ in 0..*n {
                let label = match kind {
                    PeriodKind::Week => format!("{}（{}至{}）", p.label(), p.first, p.last),
                    _ => p.label(),
                };
                choices.push(Choice { value: p.code(), label });
                p = p.previous();
            }
            (kind.bulletin_name(), choices)
        })
        .collect()
}

/// The last complete period of `kind`: the bulletin a secretary usually wants (last month's, last week's…).
fn last_complete(kind: PeriodKind, today: Date) -> Period {
    Period::containing(kind, today).previous()
}

fn form_of(q: &BulletinQuery, kind: PeriodKind, today: Date, scopes: &Scopes) -> Form {
    let field = |v: &Option<String>| BulletinQuery::field(v).map(str::to_owned);
    Form {
        period: field(&q.period).unwrap_or_else(|| last_complete(kind, today).code()),
        scope: field(&q.scope).unwrap_or_else(|| scopes.value_of(&ReportScope::Mine)),
        format: field(&q.format).unwrap_or_else(|| Format::Xlsx.as_str().to_owned()),
    }
}

/// Reads the form: the kind (monthly by default), the period (the last complete one by default), the scope (the
/// viewer's region by default). A bad value is a field error; a region or unit outside the viewer's is "not found".
fn parse(q: &BulletinQuery, scopes: &Scopes, today: Date, errors: &mut Errors) -> Result<Asked, PageError> {
    let kind = match BulletinQuery::field(&q.kind) {
        None => PeriodKind::Month,
        Some(k) => PeriodKind::parse(k).unwrap_or_else(|| {
            errors.add("kind", "类型无效：请选择周汇总、月通报、季度点评或年度考核");
            PeriodKind::Month
        }),
    };
    let period = match (BulletinQuery::field(&q.period), BulletinQuery::field(&q.kind)) {
        (None, _) => last_complete(kind, today),
        // The period list names the kind by the period itself (2026-Q3 is a 季度点评).
        (Some(p), None) => Period::parse(p).unwrap_or_else(|e| {
            errors.add("period", chinese(&e.to_string()));
            last_complete(kind, today)
        }),
        (Some(p), Some(_)) => Period::parse_as(kind, p).unwrap_or_else(|e| {
            errors.add("period", chinese(&e.to_string()));
            last_complete(kind, today)
        }),
    };
    let scope = scopes.scope(BulletinQuery::field(&q.scope), errors)?;
    Ok(Asked { period, scope })
}

/// The format asked for a download.
fn format_of(q: &BulletinQuery, errors: &mut Errors) -> Option<Format> {
    match BulletinQuery::field(&q.format) {
        None => {
            errors.add("format", "请选择格式");
            None
        }
        Some(f) => Format::parse(f).or_else(|| {
            errors.add("format", "格式无效：可选 json、md、html、xlsx、docx");
            None
        }),
    }
}

/// Builds the bulletin; what the reader asked wrongly (a period not yet begun…) becomes a field error, a region
/// outside its scope "not found", and a fault of ours the error page.
async fn bulletin(
    store: &Store,
    v: &Viewer,
    asked: &Asked,
    today: Date,
    errors: &mut Errors,
) -> Result<Option<Bulletin>, PageError> {
    let req = BulletinRequest {
        period: asked.period,
        scope: asked.scope.clone(),
        as_of: None,
        level: None,
        weights: Weights::default(),
        flag_rule: FlagRule::default(),
    };
    // Read once for all who see the same, while nothing is committed (`Store::memoized`).
    let key = format!("bulletin {today} {} {} {:?}", v.caller.user.view(), asked.period.code(), asked.scope);
    let built = store
        .memoized(&key, || async {
            match report::build(store, &v.caller.user, &req, today).await {
                Err(ReportError::Store(e)) => Err(e),
                other => Ok(other),
            }
        })
        .await?;
    match built.as_ref() {
        Ok(b) => Ok(Some(b.clone())),
        // Given back above as the read's error, never kept.
        Err(e @ ReportError::Store(_)) => Err(ApiError::internal(e).into()),
        Err(e @ (ReportError::NotStarted(_) | ReportError::FutureAsOf(_) | ReportError::AsOfOutside { .. })) => {
            errors.add("period", chinese(&e.to_string()));
            Ok(None)
        }
        Err(e @ ReportError::Scope(_)) => {
            errors.add("scope", chinese(&e.to_string()));
            Ok(None)
        }
    }
}

#[derive(Template)]
#[template(path = "bulletins.html")]
struct BulletinsPage {
    shell: Shell,
    form: Form,
    periods: Vec<(&'static str, Vec<Choice>)>,
    formats: Vec<(&'static str, &'static str)>,
    regions: Vec<Choice>,
    units: Vec<Choice>,
    errors: Errors,
    preview: Option<Preview>,
}

/// The bulletin shown in the page, with its charts and download links.
struct Preview {
    b: Bulletin,
    downloads: Vec<(&'static str, &'static str, String)>,
    tiles: Vec<(&'static str, String)>,
    trend: String,
    regions: String,
    units: Option<String>,
    categories: String,
    overdue_more: usize,
}

impl Preview {
    fn of(b: Bulletin, scope_value: &str) -> Preview {
        let f = &b.figures;
        let tiles = vec![
            ("收集企业问题", f.collected.to_string()),
            ("已解决", f.resolved.to_string()),
            ("问题动态解决率", f.resolution_rate.percent()),
            ("按期办结率", f.on_time_rate.percent()),
            ("满意率", f.satisfaction_rate.percent()),
            ("五星好评率", f.five_star_rate.percent()),
            ("超期未办结", f.overdue_open.to_string()),
            (b.kind.this(), format!("新增{}条", f.new_in_period)),
        ];
        let downloads = Format::ALL
            .iter()
            .map(|&format| (format.label(), format.as_str(), download_link(&b, scope_value, format)))
            .collect();
        let categories: Vec<(String, i64)> =
            by_count(b.categories.iter().map(|c| (c.name.clone(), c.figures.collected)));
        Preview {
            tiles,
            downloads,
            trend: charts::trend(&b.trend),
            regions: charts::rate_bars(&b.regions),
            units: (b.units.len() <= UNITS_CHARTED).then(|| charts::rate_bars(&b.units)),
            categories: charts::count_bars_titled("各类问题收集数", &categories),
            overdue_more: b.overdue.len().saturating_sub(OVERDUE_SHOWN),
            b,
        }
    }

    fn overdue(&self) -> &[report::bulletin::OverdueItem] {
        &self.b.overdue[..self.b.overdue.len().min(OVERDUE_SHOWN)]
    }
}

/// Largest first, names in their order among equals: how a bar chart of counts reads.
pub fn by_count(rows: impl Iterator<Item = (String, i64)>) -> Vec<(String, i64)> {
    let mut rows: Vec<(String, i64)> = rows.collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    rows
}

/// `/bulletins/download?kind=monthly&period=2023-07&scope=411602&format=xlsx`
fn download_link(b: &Bulletin, scope: &str, format: Format) -> String {
    let pairs =
        [("kind", b.kind.as_str()), ("period", b.period.code.as_str()), ("scope", scope), ("format", format.as_str())];
    format!("/bulletins/download?{}", serde_html_form::to_string(pairs).unwrap_or_default())
}

fn page(v: &Viewer, form: Form, scopes: Scopes, errors: Errors, preview: Option<Preview>) -> Response {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = BulletinsPage {
        shell: v.shell("通报", "/bulletins"),
        form,
        periods: period_choices(zhuqi_domain::time::today()),
        formats: Format::ALL.iter().map(|f| (f.as_str(), f.label())).collect(),
        regions: scopes.regions,
        units: scopes.units,
        errors,
        preview,
    };
    render_with(status, &page)
}

/// The form; with a kind asked for, the bulletin's preview and its download links.
pub async fn show(State(store): State<Store>, v: Viewer, Query(q): Query<BulletinQuery>) -> PageResult {
    if let Err(r) = v.require(&ROLES) {
        return Ok(r);
    }
    let today = zhuqi_domain::time::today();
    let scopes = Scopes::load(&store, &v, true).await?;
    let mut errors = Errors::default();
    let asked = parse(&q, &scopes, today, &mut errors)?;
    if let Some(f) = BulletinQuery::field(&q.format).filter(|f| Format::parse(f).is_none()) {
        errors.add("format", format!("格式无效：{f}"));
    }
    let form = form_of(&q, asked.period.kind, today, &scopes);
    let mut preview = None;
    // The first visit shows the form only: building a bulletin is the one costly thing here, done when asked.
    if (q.kind.is_some() || q.period.is_some()) && errors.is_empty() {
        let scope_value = scopes.value_of(&asked.scope);
        preview = bulletin(&store, &v, &asked, today, &mut errors).await?.map(|b| Preview::of(b, &scope_value));
    }
    Ok(page(&v, form, scopes, errors, preview))
}

/// The bulletin as a file: `Content-Disposition: attachment`, so that even the HTML document (with its own inline
/// stylesheet, see report/html.rs) opens from disk and never inside the site.
pub async fn download(State(store): State<Store>, v: Viewer, Query(q): Query<BulletinQuery>) -> PageResult {
    if let Err(r) = v.require(&ROLES) {
        return Ok(r);
    }
    let today = zhuqi_domain::time::today();
    let scopes = Scopes::load(&store, &v, true).await?;
    let mut errors = Errors::default();
    let asked = parse(&q, &scopes, today, &mut errors)?;
    let format = format_of(&q, &mut errors);
    let built = match (errors.is_empty(), format) {
        (true, Some(_)) => bulletin(&store, &v, &asked, today, &mut errors).await?,
        _ => None,
    };
    let (Some(b), Some(format)) = (built, format) else {
        let form = form_of(&q, asked.period.kind, today, &scopes);
        return Ok(page(&v, form, scopes, errors, None));
    };
    let name = report::file_name(&b, format);
    // A workbook or a document of a province's bulletin takes a while to write: off the async workers.
    let bytes = tokio::task::spawn_blocking(move || format.render(&b))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let headers = [
        (CONTENT_TYPE, format.content_type().to_owned()),
        (CONTENT_DISPOSITION, zhuqi_api::disposition::attachment(&name)),
        (CACHE_CONTROL, "private, no-store".to_owned()),
    ];
    Ok((headers, bytes).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, name: &str, parent: Option<&str>) -> RegionRecord {
        RegionRecord {
            code: code.into(),
            name: name.into(),
            parent_code: parent.map(str::to_owned),
            level: String::new(),
            active: true,
        }
    }

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).expect("code")
    }

    fn scopes(mine: &str) -> Scopes {
        let all_regions = vec![
            region("410000", "河南省", None),
            region("411600", "周口市", Some("410000")),
            region("411602", "川汇区", Some("411600")),
            region("411621", "扶沟县", Some("411600")),
        ];
        let unit_records = vec![
            UnitRecord { id: 1, name: "市金融局".into(), region_code: "411600".into(), active: true },
            UnitRecord { id: 2, name: "扶沟县发改委".into(), region_code: "411621".into(), active: true },
        ];
        let mine = code(mine);
        let units = unit_choices(&unit_records, Some(&mine));
        Scopes { regions: region_choices(&all_regions, Some(&mine)), mine: Some(mine), units, all_regions }
    }

    #[test]
    fn a_city_offers_itself_and_its_counties() {
        let s = scopes("411600");
        let labels: Vec<&str> = s.regions.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["周口市（全部）", "川汇区", "扶沟县"]);
        assert_eq!(s.units.len(), 2);
        let county = scopes("411602");
        assert_eq!(county.regions.len(), 1);
        let units: Vec<&str> = county.units.iter().map(|u| u.label.as_str()).collect();
        assert_eq!(units, ["市金融局"], "a city bureau works in the county; another county's does not");
    }

    #[test]
    fn a_region_outside_is_not_found_and_a_bad_one_is_named() {
        let s = scopes("411602");
        let mut errors = Errors::default();
        assert!(matches!(s.scope(Some("411602"), &mut errors), Ok(ReportScope::Mine)));
        assert!(matches!(s.scope(None, &mut errors), Ok(ReportScope::Mine)));
        assert!(s.scope(Some("411621"), &mut errors).is_err(), "a sibling county");
        assert!(s.scope(Some("411600"), &mut errors).is_err(), "the city above");
        assert!(s.scope(Some("unit-2"), &mut errors).is_err(), "another county's unit");
        assert!(matches!(s.scope(Some("unit-1"), &mut errors), Ok(ReportScope::Unit(1))));
        assert!(errors.is_empty());
        assert!(s.scope(Some("41160x"), &mut errors).is_ok());
        assert!(errors.has("scope"));
        let city = scopes("411600");
        assert!(
            matches!(city.scope(Some("411621"), &mut Errors::default()), Ok(ReportScope::Region(r)) if r == code("411621"))
        );
        assert!(city.scope(Some("411699"), &mut Errors::default()).is_err(), "a code no region has");
    }

    #[test]
    fn the_form_defaults_to_last_month() {
        let today = jiff::civil::date(2023, 8, 3);
        let s = scopes("411600");
        let mut errors = Errors::default();
        let asked = parse(&BulletinQuery::default(), &s, today, &mut errors).ok().expect("parsed");
        assert_eq!(asked.period.code(), "2023-07");
        let form = form_of(&BulletinQuery::default(), PeriodKind::Month, today, &s);
        assert_eq!((form.period.as_str(), form.scope.as_str()), ("2023-07", "411600"));
        // The period list: complete periods only, newest first, each kind under its bulletin's name.
        let periods = period_choices(today);
        let first = |name: &str| periods.iter().find(|(n, _)| *n == name).map(|(_, c)| c[0].value.clone());
        assert_eq!(first("月通报").as_deref(), Some("2023-07"));
        assert_eq!(first("季度点评").as_deref(), Some("2023-Q2"));
        assert_eq!(first("年度考核").as_deref(), Some("2022"));
        assert_eq!(first("周汇总").as_deref(), Some("2023-W30"));
        // A period from the list alone says its kind.
        let q = BulletinQuery { period: Some("2023-Q2".into()), ..Default::default() };
        let mut errors = Errors::default();
        let asked = parse(&q, &s, today, &mut errors).ok().expect("parsed");
        assert_eq!((asked.period.kind, errors.is_empty()), (PeriodKind::Quarter, true));
        assert_eq!(last_complete(PeriodKind::Quarter, today).code(), "2023-Q2");
        assert_eq!(last_complete(PeriodKind::Week, today).code(), "2023-W30");
        assert_eq!(last_complete(PeriodKind::Year, today).code(), "2022");
        let q = BulletinQuery { kind: Some("monthly".into()), period: Some("2023-Q3".into()), ..Default::default() };
        let mut errors = Errors::default();
        let _ = parse(&q, &s, today, &mut errors);
        assert!(errors.get("period").is_some_and(|m| m.contains("期间与报告类型不符")), "{errors:?}");
    }
}
