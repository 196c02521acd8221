//! Builds a bulletin: asks the store for the figures of the scope (two windows: this period and the one before, in
//! one pass) and the trend, then adds them up per region and per unit, ranks and flags, and writes the prose.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use zhuqi_domain::stats::{Counts, Period, PeriodKind, rank};
use zhuqi_store::{CategoryRecord, FigureScope, GroupKey, Principal, RegionRecord, Store, StoreError, Tally, Window};

use super::bulletin::{
    CategoryLine, Change, Figures, Line, OVERDUE_LISTED, OverdueItem, PeriodInfo, Previous, ScopeInfo, TrendPoint,
};
use super::{Bulletin, BulletinRequest, ReportScope, prose};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("截至日期{0}晚于今天 / the as-of date is in the future")]
    FutureAsOf(Date),
    #[error("{0}尚未开始 / the period has not begun")]
    NotStarted(String),
    #[error("截至日期{as_of}不在{period}内 / the as-of date is outside the period")]
    AsOfOutside { as_of: Date, period: String },
    #[error("{0}")]
    Scope(&'static str),
}

/// How many periods a trend shows, the current one included.
fn trend_length(kind: PeriodKind) -> usize {
    match kind {
        PeriodKind::Week => 12,
        PeriodKind::Month => 12,
        PeriodKind::Quarter => 8,
        PeriodKind::Year => 5,
    }
}

/// The bulletin asked for, over what `p` may see. A region or unit outside `p`'s scope is "not found", like an item.
pub async fn build(store: &Store, p: &Principal, req: &BulletinRequest, today: Date) -> Result<Bulletin, ReportError> {
    let period = req.period;
    if period.first > today {
        return Err(ReportError::NotStarted(period.label()));
    }
    let as_of = req.as_of.unwrap_or(period.last.min(today));
    if as_of > today {
        return Err(ReportError::FutureAsOf(as_of));
    }
    if !period.contains(as_of) {
        return Err(ReportError::AsOfOutside { as_of, period: period.label() });
    }
    let regions = store.regions().await?;
    let (scope, info, base) = resolve_scope(store, p, req, &regions).await?;
    let previous = period.previous();
    let now = Window { first: period.first, as_of };
    let before = Window { first: previous.first, as_of: previous.last };
    // The passes over the appeals run side by side, each on its own reader.
    let project_region = match (&req.scope, req.level) {
        // Projects are not assigned by level nor handled by one unit: only a region's whole bulletin has them.
        (ReportScope::Unit(_), _) | (_, Some(_)) => None,
        (_, None) => Some(scope.region.clone()),
    };
    let (groups, trend, overdue, projects, disputes, tasks, policies) = tokio::join!(
        store.figures(p, &scope, now, before),
        trend(store, p, &scope, period, as_of),
        store.overdue(p, &scope, as_of, OVERDUE_LISTED),
        async {
            match &project_region {
                Some(region) => super::projects::section(store, p, region.clone(), as_of).await,
                None => Ok(None),
            }
        },
        async {
            match &project_region {
                Some(region) => {
                    let lines = (base.as_str(), regions.as_slice());
                    super::disputes::section(store, p, region.clone(), lines, period.first, as_of).await
                }
                None => Ok(None),
            }
        },
        async {
            match &project_region {
                Some(region) => super::tasks::section(store, p, region.clone(), period.first, as_of).await,
                None => Ok(None),
            }
        },
        async {
            match &project_region {
                Some(region) => {
                    let lines = (base.as_str(), regions.as_slice());
                    super::policies::section(store, p, region.clone(), lines, period.first, as_of).await
                }
                None => Ok(None),
            }
        },
    );
    let (groups, trend, overdue, projects) = (groups?, trend?, overdue?, projects?);
    let (disputes, tasks, policies) = (disputes?, tasks?, policies?);
    let total: Counts = groups.iter().map(|t| t.now).sum();
    let total_before: Counts = groups.iter().map(|t| t.before).sum();

    let units: HashMap<i64, String> = store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let region_names: HashMap<&str, &str> = regions.iter().map(|r| (r.code.as_str(), r.name.as_str())).collect();
    let region_lines = lines(by_region(&groups, &regions, &base), req, |code| {
        region_names.get(code.as_str()).map_or(code.clone(), |n| (*n).to_owned())
    });
    let unit_lines = lines(by(&groups, |k| k.unit_id.map(|u| u.to_string())), req, |id| {
        id.parse().ok().and_then(|id: i64| units.get(&id).cloned()).unwrap_or_else(|| id.clone())
    });
    let categories = category_lines(&groups, &store.categories().await?);
    let overdue = overdue
        .iter()
        .take(OVERDUE_LISTED)
        .map(|o| OverdueItem {
            id: o.id,
            number: o.number.clone(),
            title: o.title.clone(),
            enterprise: o.enterprise.clone(),
            region: region_names.get(o.key.region_code.as_str()).map_or(o.key.region_code.clone(), |n| (*n).to_owned()),
            unit: o.key.unit_id.and_then(|u| units.get(&u).cloned()).unwrap_or_default(),
            resolve_due: o.resolve_due,
            overdue_days: o.overdue_days,
            status: o.status.label(),
        })
        .collect();

    let figures = Figures::from(&total);
    let before_figures = Figures::from(&total_before);
    let mut b = Bulletin {
        title: title(&info.name, period),
        kind: period.kind,
        period: info_of(period),
        as_of,
        scope: info,
        generated_at: jiff::Timestamp::now(),
        figures,
        previous: Previous {
            period: info_of(previous),
            as_of: previous.last,
            figures: before_figures,
            change: Change::between(&figures, &before_figures),
        },
        regions: region_lines,
        units: unit_lines,
        overdue,
        trend,
        categories,
        weights: req.weights,
        flag_rule: req.flag_rule,
        projects,
        disputes,
        tasks,
        policies,
        prose: Vec::new(),
    };
    b.prose = prose::write(&b);
    Ok(b)
}

/// The store's scope for the request, the bulletin's description of it, and the region whose children are the
/// per-region lines.
async fn resolve_scope(
    store: &Store,
    p: &Principal,
    req: &BulletinRequest,
    regions: &[RegionRecord],
) -> Result<(FigureScope, ScopeInfo, String), ReportError> {
    let name_of = |code: &str| regions.iter().find(|r| r.code == code).map(|r| r.name.clone());
    let root = || regions.iter().find(|r| r.parent_code.is_none()).map(|r| r.code.clone()).unwrap_or_default();
    let level = req.level.map(|l| l.as_str());
    match &req.scope {
        ReportScope::Mine => {
            let code = p.region.as_ref().map_or_else(root, |r| r.as_str().to_owned());
            let name = name_of(&code).ok_or(ReportError::Scope("没有可统计的地区 / no region to report on"))?;
            let scope = FigureScope { region: None, unit_id: None, level: req.level };
            Ok((scope, ScopeInfo { kind: "region", code: code.clone(), name, level }, code))
        }
        ReportScope::Region(r) => {
            let inside = p.region.as_ref().is_none_or(|mine| mine.contains(r));
            let name = name_of(r.as_str()).filter(|_| inside).ok_or(StoreError::NotFound("地区"))?;
            let scope = FigureScope { region: Some(r.clone()), unit_id: None, level: req.level };
            Ok((scope, ScopeInfo { kind: "region", code: r.as_str().to_owned(), name, level }, r.as_str().to_owned()))
        }
        ReportScope::Unit(id) => {
            let unit = store.units().await?.into_iter().find(|u| u.id == *id).ok_or(StoreError::NotFound("单位"))?;
            let base = p.region.as_ref().map_or_else(root, |r| r.as_str().to_owned());
            let scope = FigureScope { region: None, unit_id: Some(*id), level: req.level };
            Ok((scope, ScopeInfo { kind: "unit", code: id.to_string(), name: unit.name, level }, base))
        }
    }
}

fn info_of(p: Period) -> PeriodInfo {
    PeriodInfo { code: p.code(), label: p.label(), first: p.first, last: p.last }
}

/// 周口市“万人助万企”活动2023年7月工作通报; …2023年第三季度点评通报 and …2023年度考核通报, never a word twice.
fn title(scope: &str, period: Period) -> String {
    let when = match period.kind {
        PeriodKind::Week => format!("{}工作周汇总", period.label()),
        PeriodKind::Month => format!("{}工作通报", period.label()),
        PeriodKind::Quarter => format!("{}点评通报", period.label()),
        PeriodKind::Year => format!("{}年度考核通报", period.first.year()),
    };
    format!("{scope}“万人助万企”活动{when}")
}

/// Sums the groups' counts under the key `key` gives (groups without one are left out).
fn by(groups: &[Tally], key: impl Fn(&GroupKey) -> Option<String>) -> BTreeMap<String, Counts> {
    let mut out: BTreeMap<String, Counts> = BTreeMap::new();
    for t in groups {
        if let Some(k) = key(&t.key) {
            *out.entry(k).or_default() += t.now;
        }
    }
    out
}

/// Per region one level below `base`: each group goes to the child of `base` its region lies in (a group registered
/// at `base` itself gets `base`'s own line, e.g. 市直).
fn by_region(groups: &[Tally], regions: &[RegionRecord], base: &str) -> BTreeMap<String, Counts> {
    let child = child_of(regions, base);
    by(groups, |k| child(&k.region_code))
}

/// For a region's code, the child of `base` it lies in (`base` itself for `base`); `None` outside `base`.
pub(crate) fn child_of<'a>(regions: &'a [RegionRecord], base: &'a str) -> impl Fn(&str) -> Option<String> + 'a {
    let parent: HashMap<&str, Option<&str>> =
        regions.iter().map(|r| (r.code.as_str(), r.parent_code.as_deref())).collect();
    move |code: &str| {
        let mut at = code;
        loop {
            match parent.get(at).copied().flatten() {
                _ if at == base => return Some(base.to_owned()),
                Some(up) if up == base => return Some(at.to_owned()),
                Some(up) => at = up,
                None => return None,
            }
        }
    }
}

/// Ranked lines, names resolved; ties beyond the rules keep the order of the names.
fn lines(counts: BTreeMap<String, Counts>, req: &BulletinRequest, name: impl Fn(&String) -> String) -> Vec<Line> {
    let mut named: Vec<((String, String), Counts)> =
        counts.into_iter().map(|(k, c)| ((k.clone(), name(&k)), c)).collect();
    named.sort_by(|a, b| a.0.1.cmp(&b.0.1));
    Line::ranked(rank(named, &req.weights, &req.flag_rule))
}

/// Per category, in the catalog's order; categories without items are left out.
fn category_lines(groups: &[Tally], categories: &[CategoryRecord]) -> Vec<CategoryLine> {
    let counts = by(groups, |k| Some(k.category_code.clone()));
    let mut out: Vec<CategoryLine> = categories
        .iter()
        .filter_map(|c| {
            let n = counts.get(&c.code)?;
            Some(CategoryLine { code: c.code.clone(), name: c.name.clone(), figures: Figures::from(n) })
        })
        .collect();
    // A category no longer in the catalog still counts, under its code.
    for (code, n) in &counts {
        if !categories.iter().any(|c| &c.code == code) {
            out.push(CategoryLine { code: code.clone(), name: code.clone(), figures: Figures::from(n) });
        }
    }
    out
}

/// The periods of the same kind up to this one (the last cut at `as_of`), with their new and resolved appeals.
async fn trend(
    store: &Store,
    p: &Principal,
    scope: &FigureScope,
    period: Period,
    as_of: Date,
) -> Result<Vec<TrendPoint>, ReportError> {
    let mut periods = vec![period];
    while periods.len() < trend_length(period.kind) {
        let earlier = periods[0].previous();
        periods.insert(0, earlier);
    }
    let spans: Vec<(Date, Date)> = periods.iter().map(|q| (q.first, q.last.min(as_of))).collect();
    let counts = store.trend(p, scope, &spans, as_of).await?;
    Ok(periods
        .iter()
        .zip(counts)
        .map(|(q, c)| TrendPoint {
            code: q.code(),
            label: q.label(),
            new_in_period: c.new,
            resolved_in_period: c.resolved,
            resolution_rate: zhuqi_domain::stats::Rate::of(c.resolved_total, c.collected_total),
        })
        .collect())
}

#[cfg(test)]
mod title_tests {
    use jiff::civil::date;
    use zhuqi_domain::stats::{Period, PeriodKind};

    #[test]
    fn titles_name_the_period_once() {
        let t = |kind| super::title("周口市", Period::containing(kind, date(2026, 8, 5)));
        assert_eq!(t(PeriodKind::Quarter), "周口市“万人助万企”活动2026年第三季度点评通报");
        assert_eq!(t(PeriodKind::Year), "周口市“万人助万企”活动2026年度考核通报");
        assert_eq!(t(PeriodKind::Month), "周口市“万人助万企”活动2026年8月工作通报");
    }
}
