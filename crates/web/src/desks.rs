//! The command office's supervision board (督办看板: yellow and red items grouped by handling unit) and the dashboard
//! of leaders and dispatchers (the headline figures of SPEC §6 for their region, and this month's bulletin as charts).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::Deserialize;
use zhuqi_domain::stats::{FlagRule, Period, PeriodKind, Rate, Weights};
use zhuqi_domain::{Light, Role};
use zhuqi_reports::{self as report, Bulletin, BulletinRequest, ReportError, ReportScope, charts};
use zhuqi_store::{AppealFilter, Headline, Store, StoreError};

use super::bulletins::{Choice, Scopes, by_count};
use super::lists::every_open;
use super::page::{Errors, PageResult, Shell, Viewer, error_page, render};
use super::view::{Row, row, urgency};

/// Items shown under each unit; the rest are one click away in the list filtered to that unit.
const SHOWN_PER_UNIT: usize = 5;
/// Units whose items are listed; the others (fewest late items) are counted in the table above, with their links, so
/// that the page stays light however many units a province has.
const UNITS_LISTED: usize = 30;

/// One unit's late and nearly late items, the most urgent first.
struct UnitGroup {
    unit: String,
    unit_id: Option<i64>,
    overdue: usize,
    warning: usize,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "supervision.html")]
struct SupervisionPage {
    shell: Shell,
    groups: Vec<UnitGroup>,
    overdue: usize,
    warning: usize,
    capped: bool,
}

pub async fn supervision(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = v.require(&[Role::Dispatcher, Role::Leader]) {
        return Ok(r);
    }
    let (cal, today) = (store.calendar(), zhuqi_domain::time::today());
    // One pass over the open items (a few percent of all), keeping the yellow and red ones.
    let filter = AppealFilter { open: true, ..AppealFilter::default() };
    let (mut items, capped) = every_open(&store, &v, filter, today).await?;
    items.retain(|s| matches!(s.state.light(&cal, today), Some(Light::Warning | Light::Overdue)));
    items.sort_by_cached_key(|s| (s.unit_name.clone(), urgency(s, &cal, today)));
    let mut groups: Vec<UnitGroup> = Vec::new();
    for s in &items {
        let unit = s.unit_name.clone().unwrap_or_else(|| "（未交办）".to_owned());
        if groups.last().is_none_or(|g| g.unit != unit) {
            groups.push(UnitGroup { unit, unit_id: s.state.unit_id, overdue: 0, warning: 0, rows: Vec::new() });
        }
        if let Some(g) = groups.last_mut() {
            match s.state.light(&cal, today) {
                Some(Light::Overdue) => g.overdue += 1,
                _ => g.warning += 1,
            }
            if g.rows.len() < SHOWN_PER_UNIT {
                g.rows.push(row(s, &cal, today));
            }
        }
    }
    // The units with most red items first: that is the order a 督办 meeting goes through them.
    groups.sort_by(|a, b| (b.overdue, b.warning).cmp(&(a.overdue, a.warning)).then(a.unit.cmp(&b.unit)));
    for g in groups.iter_mut().skip(UNITS_LISTED) {
        g.rows.clear();
    }
    let overdue = groups.iter().map(|g| g.overdue).sum();
    let warning = groups.iter().map(|g| g.warning).sum();
    Ok(render(&SupervisionPage { shell: v.shell("督办看板", "/supervision"), groups, overdue, warning, capped }))
}

/// A figure on the dashboard: its element id, label, value and how it is defined.
struct Figure {
    id: &'static str,
    label: &'static str,
    value: i64,
    note: String,
}

/// A rate on the dashboard: its element id, label and value ("99.72%", or "—" over no items).
struct RateTile {
    id: &'static str,
    label: &'static str,
    value: String,
}

/// The dashboard's charts, drawn from this month's bulletin of the chosen scope.
struct Charts {
    period: String,
    trend: String,
    regions: String,
    overdue: String,
    categories: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    shell: Shell,
    region: String,
    /// The 范围 select: the viewer's region and those one level below it.
    choices: Vec<Choice>,
    chosen: String,
    figures: Vec<Figure>,
    rates: Vec<RateTile>,
    charts: Option<Charts>,
    /// This month's 周交办 tasks, for the office and leaders.
    tasks: Option<zhuqi_reports::tasks::TaskSection>,
    /// Whether the viewer reads tasks (a leader): the card says so when the month has had no meeting yet.
    reads_tasks: bool,
    /// The 多元解纷 cases up to today, in the seed's sentence, and what this month added.
    disputes: Option<(String, zhuqi_reports::disputes::DisputeSection)>,
}

/// Units shown in the chart of overdue items: the ones a 督办 meeting gets through.
const OVERDUE_UNITS: usize = 15;

#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    region: Option<String>,
}

/// The headline figures of the viewer's region (or a region below it) today, and this month's bulletin drawn as
/// charts: the trend of the last twelve months, the resolution rate per county, overdue items per unit, categories.
pub async fn dashboard(State(store): State<Store>, v: Viewer, Query(q): Query<DashboardQuery>) -> PageResult {
    if let Err(r) = v.require(&[Role::Leader, Role::Dispatcher]) {
        return Ok(r);
    }
    let today = zhuqi_domain::time::today();
    let scopes = Scopes::load(&store, &v, false).await?;
    let mut errors = Errors::default();
    let chosen = scopes.region(q.region.as_deref().map(str::trim).filter(|r| !r.is_empty()), &mut errors, "region")?;
    if let Some(e) = errors.get("region") {
        return Ok(error_page(StatusCode::UNPROCESSABLE_ENTITY, "请求有误", e));
    }
    // The headline counts what the viewer sees; narrowed to a region within its own, it counts that region's part
    // (a subset of the viewer's scope, checked above).
    let mut narrowed = v.caller.user.clone();
    if let Some(c) = &chosen {
        narrowed.region = Some(c.clone());
    }
    let req = this_month(chosen.clone().map_or(ReportScope::Mine, ReportScope::Region), today);
    // Every leader of a region sees the same figures: read once while nothing changes (`Store::memoized`).
    let key = format!("dashboard {today} {} {}", v.caller.user.view(), chosen.as_ref().map_or("", |c| c.as_str()));
    let read = store
        .memoized(&key, || async {
            // Two independent reads: side by side, the page takes as long as the slower.
            let (h, bulletin) =
                tokio::join!(store.headline(&narrowed, today), report::build(&store, &v.caller.user, &req, today));
            let bulletin = match bulletin {
                Ok(b) => Some(b),
                Err(ReportError::Store(e)) => return Err(e),
                // Nothing to report on (a viewer without a region): the headline alone.
                Err(e) => {
                    tracing::warn!(error = %e, "dashboard without charts");
                    None
                }
            };
            Ok::<(Headline, Option<Bulletin>), StoreError>((h?, bulletin))
        })
        .await?;
    let (h, bulletin) = (&read.0, read.1.as_ref());
    let page = DashboardPage {
        shell: v.shell("总览", "/dashboard"),
        region: scopes.region_name(chosen.as_ref()),
        chosen: chosen.as_ref().map_or_else(
            || scopes.regions.first().map(|c| c.value.clone()).unwrap_or_default(),
            |c| c.as_str().to_owned(),
        ),
        choices: scopes.regions,
        figures: figures(h, bulletin),
        rates: rates(h, bulletin),
        charts: bulletin.map(charts_of),
        tasks: bulletin.and_then(|b| b.tasks.clone()),
        reads_tasks: v.has(Role::Leader),
        disputes: bulletin.and_then(|b| b.disputes.clone()).map(|d| (d.total.sentence(""), d)),
    };
    Ok(render(&page))
}

/// This month's bulletin, figures as of today.
fn this_month(scope: ReportScope, today: Date) -> BulletinRequest {
    BulletinRequest {
        period: Period::containing(PeriodKind::Month, today),
        scope,
        as_of: None,
        level: None,
        weights: Weights::default(),
        flag_rule: FlagRule::default(),
    }
}

/// Today's headline counts, and the overdue count of SPEC §6 from the bulletin (past the resolve deadline, where
/// 红灯超期 is past whichever deadline comes next).
fn figures(h: &Headline, b: Option<&Bulletin>) -> Vec<Figure> {
    let mut figures = vec![
        Figure {
            id: "figure-collected",
            label: "收集企业问题",
            value: h.collected,
            note: "已提交的诉求，不含撤回和无效".into(),
        },
        Figure {
            id: "figure-resolved",
            label: "已解决",
            value: h.resolved,
            note: "答复后企业确认或逾期默认确认".into(),
        },
        Figure { id: "figure-open", label: "在办", value: h.open, note: "尚未办结的诉求".into() },
        Figure {
            id: "figure-warning", label: "黄灯预警", value: h.warning, note: "期限已用八成以上".into()
        },
        Figure { id: "figure-overdue", label: "红灯超期", value: h.overdue, note: "已过到期日".into() },
        Figure {
            id: "figure-rated", label: "企业评价", value: h.rated, note: "给出星级评价的诉求".into()
        },
        Figure { id: "figure-five-star", label: "五星好评", value: h.five_star, note: "评价为5星".into() },
        Figure {
            id: "figure-reopened", label: "重办", value: h.reopened, note: "企业不满意而重办过的诉求".into()
        },
    ];
    if let Some(b) = b {
        figures.push(Figure {
            id: "figure-overdue-open",
            label: "超期未办结",
            value: b.figures.overdue_open,
            note: "在办且已过办结期限".into(),
        });
    }
    figures
}

/// The rates: resolution and five stars from today's headline, on time and satisfaction from the bulletin.
fn rates(h: &Headline, b: Option<&Bulletin>) -> Vec<RateTile> {
    let mut rates = vec![
        RateTile {
            id: "rate-resolution",
            label: "问题动态解决率（已解决÷收集）",
            value: Rate::of(h.resolved, h.collected).percent(),
        },
        RateTile {
            id: "rate-five-star",
            label: "五星好评率（五星÷评价）",
            value: Rate::of(h.five_star, h.rated).percent(),
        },
    ];
    if let Some(b) = b {
        rates.push(RateTile {
            id: "rate-on-time",
            label: "按期办结率（按期办结÷已解决）",
            value: b.figures.on_time_rate.percent(),
        });
        rates.push(RateTile {
            id: "rate-satisfaction",
            label: "满意率（4星及以上÷评价）",
            value: b.figures.satisfaction_rate.percent(),
        });
    }
    rates
}

/// The charts of this month's bulletin: the units with most overdue items first, the largest categories first.
fn charts_of(b: &Bulletin) -> Charts {
    let overdue = by_count(
        b.units.iter().filter(|u| u.figures.overdue_open > 0).map(|u| (u.name.clone(), u.figures.overdue_open)),
    );
    let overdue: Vec<(String, i64)> = overdue.into_iter().take(OVERDUE_UNITS).collect();
    let categories = by_count(b.categories.iter().map(|c| (c.name.clone(), c.figures.collected)));
    Charts {
        period: b.period.label.clone(),
        trend: charts::trend(&b.trend),
        regions: charts::rate_bars(&b.regions),
        overdue: charts::count_bars_titled("各单位超期未办结事项", &overdue),
        categories: charts::count_bars_titled("各类问题收集数", &categories),
    }
}
