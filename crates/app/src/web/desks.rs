//! The command office's supervision board (督办看板: yellow and red items grouped by handling unit) and the leader's
//! dashboard (the headline figures of SPEC §6 for its region).

use askama::Template;
use axum::extract::State;
use zhuqi_domain::{Light, Role};
use zhuqi_store::{AppealFilter, Headline, Store};

use super::lists::every_open;
use super::page::{PageResult, Shell, Viewer, render};
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
    let (cal, today) = (store.calendar(), crate::today());
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

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    shell: Shell,
    region: String,
    figures: Vec<Figure>,
    resolution_rate: String,
    five_star_rate: String,
}

/// `part / whole` as a percentage with two decimals, rounded half up in integers ("99.72%"); "—" for nothing.
pub fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".to_owned();
    }
    let basis_points = (part * 10_000 * 2 + whole) / (whole * 2);
    format!("{}.{:02}%", basis_points / 100, basis_points % 100)
}

pub async fn dashboard(State(store): State<Store>, v: Viewer) -> PageResult {
    if let Err(r) = v.require(&[Role::Leader, Role::Dispatcher]) {
        return Ok(r);
    }
    let h: Headline = store.headline(&v.caller.user, crate::today()).await?;
    let regions = store.regions().await?;
    let region = v
        .caller
        .user
        .region
        .as_ref()
        .and_then(|r| regions.iter().find(|x| x.code == r.as_str()))
        .map_or_else(|| "本地区".to_owned(), |r| r.name.clone());
    let figures = vec![
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
    let page = DashboardPage {
        shell: v.shell("总览", "/dashboard"),
        region,
        figures,
        resolution_rate: percent(h.resolved, h.collected),
        five_star_rate: percent(h.five_star, h.rated),
    };
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percentages_are_the_seeds_figures() {
        assert_eq!(percent(3542, 3552), "99.72%");
        assert_eq!(percent(43, 45), "95.56%");
        assert_eq!(percent(76, 76), "100.00%");
        assert_eq!(percent(0, 0), "—");
        assert_eq!(percent(1, 3), "33.33%");
        assert_eq!(percent(2, 3), "66.67%");
    }
}
