//! Appeal lists: the general list and the role desks built on it — the enterprise's portal, the dispatcher's triage
//! queue (待交办), the handler's workbench — each with filters, sorting and pagination.
//!
//! Newest-first lists page with the store's cursor and can run over millions of items. Sorting by urgency or by
//! time in the queue needs every candidate in hand, so it applies to open items only (a few percent of all) and
//! reads at most `SORT_CAP` of them.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use jiff::civil::Date;
use serde::Deserialize;
use zhuqi_domain::{Level, Light, RegionCode, Role, Status};
use zhuqi_store::{AppealFilter, AppealSummary, CategoryRecord, Store, StoreError, UnitRecord};

use super::page::{Errors, PageResult, Pager, Shell, Viewer, render};
use super::view::{Row, row, urgency};

const PAGE: usize = 50;
/// Open items read for an urgency or queue sort; past this the page says the sort covers only these.
const SORT_CAP: usize = 2000;

/// The filter form, as typed: every value is checked here and a bad one is named next to its field.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    category: Option<String>,
    light: Option<String>,
    unit: Option<String>,
    region: Option<String>,
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
    page: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sort {
    Newest,
    /// Red first, then yellow, then green; earliest due date first.
    Urgency,
    /// Longest in the queue first (先到先办).
    Waiting,
}

impl Sort {
    fn parse(s: &str) -> Option<Sort> {
        match s {
            "newest" => Some(Sort::Newest),
            "urgency" => Some(Sort::Urgency),
            "waiting" => Some(Sort::Waiting),
            _ => None,
        }
    }
}

/// Which desk is showing the list.
struct Desk {
    path: &'static str,
    title: &'static str,
    intro: &'static str,
    roles: &'static [Role],
    status: Option<Status>,
    sort: Sort,
    /// Closed items are left out unless a status is chosen.
    open_only: bool,
    /// Only items whose extension request awaits the dispatcher.
    pending_extension: bool,
    /// Whose items: the viewer's unit's own (as lead unit) or those it co-handles; `None` for all in scope.
    unit: Option<UnitPart>,
}

/// A unit's part in the items of a desk.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UnitPart {
    Lead,
    Co,
}

const GENERAL: Desk = Desk {
    path: "/appeals",
    title: "诉求清单",
    intro: "您职责范围内的全部诉求。",
    roles: &[Role::Enterprise, Role::Cadre, Role::Dispatcher, Role::Handler, Role::Leader],
    status: None,
    sort: Sort::Newest,
    open_only: false,
    pending_extension: false,
    unit: None,
};
const PORTAL: Desk = Desk {
    path: "/portal",
    title: "我的诉求",
    intro: "本企业提交的诉求及办理进度。对答复不满意可以要求重办，满意请给予评价。",
    roles: &[Role::Enterprise],
    status: None,
    sort: Sort::Newest,
    open_only: false,
    pending_extension: false,
    unit: None,
};
const TRIAGE: Desk = Desk {
    path: "/triage",
    title: "待交办",
    intro: "新提交和被退回的诉求，先到先办：确定类型、层级、承办单位和时限规则后交办，或并入共性问题、判定无效。",
    roles: &[Role::Dispatcher],
    status: Some(Status::Submitted),
    sort: Sort::Waiting,
    open_only: true,
    pending_extension: false,
    unit: None,
};
const WORKBENCH: Desk = Desk {
    path: "/workbench",
    title: "工作台",
    intro: "本单位在办的诉求，红灯超期、黄灯预警排在前面。按13710要求：1个工作日内签收，3个工作日内首次答复，7个工作日内办结，10个工作日内反馈。",
    roles: &[Role::Handler],
    status: None,
    sort: Sort::Urgency,
    open_only: true,
    pending_extension: false,
    unit: Some(UnitPart::Lead),
};
const CO_HANDLING: Desk = Desk {
    path: "/co-handling",
    title: "协办事项",
    intro: "本单位作为协办单位参与办理的在办诉求：请签收，并在主办单位答复前提出协办意见（可附文件）。",
    roles: &[Role::Handler],
    status: None,
    sort: Sort::Urgency,
    open_only: true,
    pending_extension: false,
    unit: Some(UnitPart::Co),
};

const EXTENSIONS: Desk = Desk {
    path: "/extensions",
    title: "延期审批",
    intro: "承办单位提出的延期申请，红灯超期、黄灯预警排在前面：打开诉求，批准后各期限按申请的工作日数顺延，不予延期则原期限不变。",
    roles: &[Role::Dispatcher],
    status: None,
    sort: Sort::Urgency,
    open_only: true,
    pending_extension: true,
    unit: None,
};

/// A queue of the viewer's desk and how many items wait in it.
pub struct Queue {
    pub href: &'static str,
    pub label: String,
    pub count: i64,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "appeal_list.html")]
struct ListPage {
    shell: Shell,
    intro: &'static str,
    path: &'static str,
    may_create: bool,
    fixed_status: bool,
    staff: bool,
    q: ListQuery,
    errors: Errors,
    statuses: Vec<(&'static str, &'static str)>,
    categories: Vec<CategoryRecord>,
    units: Vec<UnitRecord>,
    rows: Vec<Row>,
    total_note: String,
    pager: Pager,
    /// The xlsx of every row the filters find.
    export: String,
    queues: Vec<Queue>,
}

impl ListPage {
    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }

    fn is(&self, v: &Option<String>, option: &str) -> bool {
        v.as_deref() == Some(option)
    }
}

pub async fn general(State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    list(&store, v, q, &GENERAL).await
}

pub async fn portal(State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    if v.has(Role::Enterprise) && v.caller.user.enterprise_id.is_none() {
        // An enterprise account that an administrator made before the enterprise was registered.
        return Ok(Redirect::to("/enterprise").into_response());
    }
    list(&store, v, q, &PORTAL).await
}

pub async fn triage(State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    list(&store, v, q, &TRIAGE).await
}

pub async fn workbench(State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    list(&store, v, q, &WORKBENCH).await
}

pub async fn co_handling(State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    list(&store, v, q, &CO_HANDLING).await
}

pub async fn extensions(State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>) -> PageResult {
    list(&store, v, q, &EXTENSIONS).await
}

/// The dispatcher's queues, counted: nothing waits unseen (待交办, of which returned by a unit; 延期审批).
async fn dispatcher_queues(store: &Store, v: &Viewer, desk: &Desk, today: Date) -> Result<Vec<Queue>, StoreError> {
    let waiting = AppealFilter { status: Some(Status::Submitted), open: true, ..AppealFilter::default() };
    let extension = AppealFilter { pending_extension: true, open: true, ..AppealFilter::default() };
    let (waiting, extension) = tokio::try_join!(
        store.count_appeals(&v.caller.user, waiting, today),
        store.count_appeals(&v.caller.user, extension, today)
    )?;
    Ok(vec![
        Queue { href: TRIAGE.path, label: "待交办".into(), count: waiting, active: desk.path == TRIAGE.path },
        Queue {
            href: EXTENSIONS.path,
            label: "延期审批".into(),
            count: extension,
            active: desk.path == EXTENSIONS.path,
        },
    ])
}

/// What waits on the unit: among its own open items all of them, those the enterprise has just supplied material
/// for, and those whose extension request the dispatcher has not decided yet; and the items it co-handles on which
/// it owes an opinion.
fn workbench_queues(desk: &Desk, own: &[AppealSummary], co_due: i64, (claims, drafts): (usize, usize)) -> Vec<Queue> {
    let supplied = own.iter().filter(|s| supplied(s)).count();
    let extension = own.iter().filter(|s| s.state.pending_extension.is_some()).count();
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let on_bench = desk.path == WORKBENCH.path;
    vec![
        Queue { href: WORKBENCH.path, label: "在办".into(), count: count(own.len()), active: on_bench },
        Queue { href: WORKBENCH.path, label: "企业已补充材料".into(), count: count(supplied), active: false },
        Queue { href: WORKBENCH.path, label: "延期待批".into(), count: count(extension), active: false },
        Queue { href: CO_HANDLING.path, label: "协办待提意见".into(), count: co_due, active: !on_bench },
        Queue { href: "/policies/claims", label: "政策待兑现".into(), count: count(claims), active: false },
        Queue { href: "/policies?view=drafting", label: "起草中政策".into(), count: count(drafts), active: false },
    ]
}

/// The open items `unit` co-handles and has given no opinion on.
async fn co_opinions_due(store: &Store, v: &Viewer, unit: i64, today: Date) -> Result<i64, StoreError> {
    let filter =
        AppealFilter { open: true, co_handled_by: Some(unit), co_opinion_due: true, ..AppealFilter::default() };
    store.count_appeals(&v.caller.user, filter, today).await
}

/// The enterprise supplied material and the unit has not acted since.
fn supplied(s: &AppealSummary) -> bool {
    s.state.material_supplied_at.is_some()
}

fn parsed<T>(
    errors: &mut Errors,
    field: &'static str,
    value: &Option<String>,
    parse: impl FnOnce(&str) -> Option<T>,
    message: &str,
) -> Option<T> {
    let text = value.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    let v = parse(text);
    if v.is_none() {
        errors.add(field, message);
    }
    v
}

fn date(s: &str) -> Option<Date> {
    s.parse().ok()
}

/// The list's query, checked: the filter it asks for (within the desk's), its sort and page, each bad value named.
struct Asked {
    filter: AppealFilter,
    sort: Sort,
    page_no: usize,
    errors: Errors,
}

fn asked(q: &ListQuery, desk: &Desk, v: &Viewer, categories: &[CategoryRecord]) -> Asked {
    let mut errors = Errors::default();
    let e = &mut errors;
    let status = match desk.status {
        Some(s) => Some(s),
        None => parsed(e, "status", &q.status, Status::parse, "状态无效"),
    };
    let category = parsed(
        e,
        "category",
        &q.category,
        |c| categories.iter().any(|k| k.code == c).then(|| c.to_owned()),
        "问题类型无效",
    );
    let light = parsed(e, "light", &q.light, Light::parse, "时限状态无效");
    let unit_id = parsed(e, "unit", &q.unit, |u| u.parse().ok(), "单位无效");
    let region = parsed(e, "region", &q.region, |r| RegionCode::parse(r).ok(), "地区代码无效");
    let from = parsed(e, "from", &q.from, date, "日期格式应为 2026-01-31");
    let to = parsed(e, "to", &q.to, date, "日期格式应为 2026-01-31");
    let sort = parsed(e, "sort", &q.sort, Sort::parse, "排序方式无效").unwrap_or(desk.sort);
    let page_no: usize = parsed(e, "page", &q.page, |p| p.parse().ok().filter(|n| *n >= 1), "页码无效").unwrap_or(1);
    let text = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    if text.as_ref().is_some_and(|t| t.chars().count() > 100) {
        errors.add("q", "搜索词最多100字");
    }
    if from.zip(to).is_some_and(|(f, t)| f > t) {
        errors.add("to", "截止日期早于起始日期");
    }
    let unit = v.caller.user.unit_id;
    let filter = AppealFilter {
        status,
        category,
        region,
        // A unit's own items on its workbench, not those it co-handles (a unit typed into the URL does not widen it).
        unit_id: if desk.unit == Some(UnitPart::Lead) { Some(unit.unwrap_or(-1)) } else { unit_id },
        enterprise_id: None,
        level: None::<Level>,
        light,
        from,
        to,
        text,
        open: desk.open_only && status.is_none() || sort != Sort::Newest,
        pending_extension: desk.pending_extension,
        co_handled_by: (desk.unit == Some(UnitPart::Co)).then_some(unit).flatten(),
        co_opinion_due: false,
        cursor: None,
        limit: PAGE,
    };
    Asked { filter, sort, page_no, errors }
}

async fn list(store: &Store, v: Viewer, q: ListQuery, desk: &Desk) -> PageResult {
    if let Err(r) = v.require(desk.roles) {
        return Ok(r);
    }
    let categories = store.categories().await?;
    let Asked { filter, sort, page_no, errors } = asked(&q, desk, &v, &categories);
    let today = zhuqi_domain::time::today();
    let cal = store.calendar();
    let mut queues = if [TRIAGE.path, EXTENSIONS.path].contains(&desk.path) {
        dispatcher_queues(store, &v, desk, today).await?
    } else {
        Vec::new()
    };
    let (mut rows, mut total, mut total_note) = (Vec::new(), 0, String::new());
    if errors.is_empty() {
        if sort == Sort::Newest {
            let (mut items, mut counted) =
                store.page_appeals(&v.caller.user, filter.clone(), page_no, PAGE, today).await?;
            // A page past the end (the list shrank since the link was made) shows the last page.
            let last = counted.unwrap_or(0).div_ceil(PAGE).max(1);
            if page_no > last {
                (items, counted) = store.page_appeals(&v.caller.user, filter, last, PAGE, today).await?;
            }
            rows = items.iter().map(|s| row(s, &cal, today)).collect();
            total = counted.unwrap_or(0);
            if counted.is_none() {
                total_note = "在办事项较多，仅统计了最新登记的部分，请用筛选条件缩小范围。".to_owned();
            }
        } else {
            let (mut all, capped) = every_open(store, &v, filter, today).await?;
            if let (Some(_), Some(unit)) = (desk.unit, v.caller.user.unit_id) {
                let own = if desk.unit == Some(UnitPart::Lead) {
                    all.clone()
                } else {
                    let lead = AppealFilter { open: true, unit_id: Some(unit), ..AppealFilter::default() };
                    every_open(store, &v, lead, today).await?.0
                };
                let policies = super::policy_deliveries::waiting_on_unit(store, &v.caller.user, unit).await?;
                queues = workbench_queues(desk, &own, co_opinions_due(store, &v, unit, today).await?, policies);
            }
            match sort {
                Sort::Urgency => all.sort_by_cached_key(|s| urgency(s, &cal, today)),
                _ => all.sort_by_key(|s| (s.state.submitted_at.unwrap_or(s.state.created_at), s.id)),
            }
            if capped {
                total_note = format!("在办事项较多，仅对最新登记的{SORT_CAP}件排序，请用筛选条件缩小范围。");
            }
            total = all.len();
            let start = (page_no.min(total.div_ceil(PAGE).max(1)) - 1) * PAGE;
            rows = all.iter().skip(start).take(PAGE).map(|s| row(s, &cal, today)).collect();
        }
    }
    let pager = Pager::new(total, page_no, PAGE, |n| link(desk.path, &q, &[("page", n.to_string())]));
    let export = link(&format!("{}/export.xlsx", desk.path), &q, &[]);
    let units = if v.has(Role::Dispatcher) || v.has(Role::Leader) { store.units().await? } else { Vec::new() };
    let statuses = Status::ALL.iter().map(|s| (s.as_str(), s.label())).collect();
    let page = ListPage {
        shell: v.shell(desk.title, desk.path),
        intro: desk.intro,
        path: desk.path,
        may_create: [Role::Enterprise, Role::Cadre, Role::Dispatcher].iter().any(|r| v.has(*r)),
        fixed_status: desk.status.is_some(),
        staff: v.has(Role::Dispatcher) || v.has(Role::Leader),
        q,
        errors,
        statuses,
        categories,
        units,
        rows,
        total_note,
        pager,
        export,
        queues,
    };
    Ok(render(&page))
}

/// The desks whose lists can be downloaded, by path.
const DESKS: [&Desk; 6] = [&GENERAL, &PORTAL, &TRIAGE, &WORKBENCH, &EXTENSIONS, &CO_HANDLING];

/// `<desk>/export.xlsx` for every desk: the rows its filters find, all of them rather than one page.
pub fn export_routes() -> axum::Router<Store> {
    DESKS.iter().fold(axum::Router::new(), |router, desk| {
        let desk: &'static Desk = desk;
        router.route(
            &format!("{}/export.xlsx", desk.path),
            axum::routing::get(move |State(store): State<Store>, v: Viewer, Query(q): Query<ListQuery>| async move {
                export(&store, v, q, desk).await
            }),
        )
    })
}

/// The xlsx of a desk's list as filtered, in the list's order, up to `EXPORT_CAP` rows.
async fn export(store: &Store, v: Viewer, q: ListQuery, desk: &'static Desk) -> PageResult {
    if let Err(r) = v.require(desk.roles) {
        return Ok(r);
    }
    let categories = store.categories().await?;
    let Asked { mut filter, sort, errors, .. } = asked(&q, desk, &v, &categories);
    if !errors.is_empty() {
        let message = "筛选条件有误，请返回列表按提示更正后再导出。";
        return Ok(super::page::error_page(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "筛选条件有误", message));
    }
    let (today, cal) = (zhuqi_domain::time::today(), store.calendar());
    filter.limit = 1000;
    let mut all = Vec::new();
    let capped = loop {
        let page = store.list_appeals(&v.caller.user, filter.clone(), today).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(c) if all.len() < super::page::EXPORT_CAP => filter.cursor = Some(c),
            Some(_) => break true,
            None => break false,
        }
    };
    match sort {
        Sort::Urgency => all.sort_by_cached_key(|s| urgency(s, &cal, today)),
        Sort::Waiting => all.sort_by_key(|s| (s.state.submitted_at.unwrap_or(s.state.created_at), s.id)),
        Sort::Newest => {}
    }
    let category = |code: &str| categories.iter().find(|c| c.code == code).map_or(code, |c| c.name.as_str()).to_owned();
    let rows: Vec<[String; 9]> = all
        .iter()
        .map(|s| {
            let r = row(s, &cal, today);
            let light = format!("{} {}", r.light_label, r.remaining).trim().to_owned();
            let category = category(&s.state.category);
            [r.number, r.registered, r.enterprise, r.title, category, r.status_label.into(), r.unit, light, r.due]
        })
        .collect();
    let title = desk.title;
    let heads = ["编号", "登记日期", "企业", "诉求", "问题类型", "状态", "承办单位", "时限", "到期日"];
    Ok(super::page::sheet_download(title, heads, rows, capped).await?)
}

/// Every open item matching `filter`, up to `SORT_CAP`, and whether there were more.
pub(super) async fn every_open(
    store: &Store,
    v: &Viewer,
    mut filter: AppealFilter,
    today: Date,
) -> Result<(Vec<AppealSummary>, bool), zhuqi_store::StoreError> {
    filter.limit = 500;
    filter.cursor = None;
    let mut all = Vec::new();
    loop {
        let page = store.list_appeals(&v.caller.user, filter.clone(), today).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(c) if all.len() < SORT_CAP => filter.cursor = Some(c),
            Some(_) => return Ok((all, true)),
            None => return Ok((all, false)),
        }
    }
}

/// The list's URL with the same filters and the given paging values.
fn link(path: &str, q: &ListQuery, paging: &[(&str, String)]) -> String {
    let kept = [
        ("q", &q.q),
        ("status", &q.status),
        ("category", &q.category),
        ("light", &q.light),
        ("unit", &q.unit),
        ("region", &q.region),
        ("from", &q.from),
        ("to", &q.to),
        ("sort", &q.sort),
    ];
    let mut pairs: Vec<(&str, &str)> =
        kept.iter().filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| (*k, v))).collect();
    pairs.extend(paging.iter().map(|(k, v)| (*k, v.as_str())));
    match serde_html_form::to_string(&pairs) {
        Ok(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path.to_owned(),
    }
}
