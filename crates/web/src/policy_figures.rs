//! 惠企政策 figures on the pages (issue 16): `/policies/figures` — the policies in force, the enterprises that qualify
//! and how far the policies have gone (delivered, claimed, granted, amount), as of a day, by county, unit, policy or
//! industry — and its workbook `/policies/figures.xlsx`. Counted by the store (`policy_figures`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::Deserialize;
use zhuqi_domain::Role;
use zhuqi_store::{Store, StoreError};

use super::page::{PageResult, Shell, Viewer};

/// The lines `/policies/figures` offers: (code, label).
const GROUPINGS: [(&str, &str); 4] =
    [("region", "按县区"), ("unit", "按责任单位"), ("policy", "按政策"), ("industry", "按产业链")];

fn grouping(code: &str) -> zhuqi_store::PolicyGrouping {
    use zhuqi_store::PolicyGrouping as G;
    match code {
        "unit" => G::Unit,
        "policy" => G::Policy,
        "industry" => G::Industry,
        _ => G::Region,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FiguresQuery {
    #[serde(default)]
    by: String,
    #[serde(default)]
    as_of: String,
}

struct FigureLine {
    name: String,
    matched: usize,
    delivered: usize,
    claimed: usize,
    granted: usize,
    amount: String,
}

impl FigureLine {
    fn of(name: String, t: &zhuqi_store::PolicyTally) -> FigureLine {
        let g = &t.progress;
        FigureLine {
            name,
            matched: t.matched,
            delivered: g.delivered,
            claimed: g.claimed,
            granted: g.granted,
            amount: g.amount.to_string(),
        }
    }

    fn cells(self) -> [String; 6] {
        let n = |v: usize| v.to_string();
        [self.name, n(self.matched), n(self.delivered), n(self.claimed), n(self.granted), self.amount]
    }
}

#[derive(Template)]
#[template(path = "policy_figures.html")]
struct FiguresPage {
    shell: Shell,
    by: &'static str,
    groupings: [(&'static str, &'static str); 4],
    as_of: String,
    today: String,
    in_force: usize,
    no_application: usize,
    lines: Vec<FigureLine>,
    total: FigureLine,
    error: Option<String>,
}

/// Who reads the figures: the office, leaders, units (their policies and enterprises).
const FIGURE_READERS: &[Role] = &[Role::Dispatcher, Role::Leader, Role::Handler];

/// The figures asked for: the grouping's code, the day (today unless a past day is asked), or what is wrong.
async fn figures_of(
    store: &Store,
    v: &Viewer,
    q: &FiguresQuery,
) -> Result<(&'static str, Date, zhuqi_store::PolicyFigures), Result<String, StoreError>> {
    let today = zhuqi_domain::time::today();
    let by = GROUPINGS.iter().find(|(c, _)| *c == q.by).map_or("region", |(c, _)| *c);
    let as_of = match q.as_of.trim() {
        "" => today,
        text => match text.parse::<Date>() {
            Ok(d) if d <= today => d,
            Ok(_) => return Err(Ok(format!("截至日期不能晚于今天（{today}）"))),
            Err(_) => return Err(Ok("截至日期格式应为 年-月-日".into())),
        },
    };
    let figures = store.policy_figures(&v.caller.user, None, as_of, grouping(by)).await.map_err(Err)?;
    Ok((by, as_of, figures))
}

/// `/policies/figures`: the 惠企政策 figures as of a day, by county, unit, policy or industry.
pub async fn figures(State(store): State<Store>, v: Viewer, Query(q): Query<FiguresQuery>) -> PageResult {
    if let Err(r) = v.require(FIGURE_READERS) {
        return Ok(r);
    }
    let today = zhuqi_domain::time::today();
    let (by, as_of, f, error, status) = match figures_of(&store, &v, &q).await {
        Ok((by, as_of, f)) => (by, as_of, f, None, StatusCode::OK),
        Err(Ok(message)) => {
            let f = store.policy_figures(&v.caller.user, None, today, grouping("region")).await?;
            ("region", today, f, Some(message), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(Err(e)) => return Err(e.into()),
    };
    let mut lines: Vec<FigureLine> = f.rows.iter().map(|(_, name, t)| FigureLine::of(name.clone(), t)).collect();
    lines.sort_by(|a, b| b.matched.cmp(&a.matched).then_with(|| b.delivered.cmp(&a.delivered)));
    let page = FiguresPage {
        shell: v.shell("惠企政策统计", "/policies"),
        by,
        groupings: GROUPINGS,
        as_of: as_of.to_string(),
        today: today.to_string(),
        in_force: f.in_force,
        no_application: f.no_application,
        lines,
        total: FigureLine::of("合计".into(), &f.total),
        error,
    };
    Ok(super::page::render_with(status, &page))
}

/// `/policies/figures.xlsx`: the same figures as a workbook.
pub async fn figures_export(State(store): State<Store>, v: Viewer, Query(q): Query<FiguresQuery>) -> PageResult {
    if let Err(r) = v.require(FIGURE_READERS) {
        return Ok(r);
    }
    let (by, _, f) = match figures_of(&store, &v, &q).await {
        Ok(found) => found,
        Err(Ok(message)) => return Ok(super::page::error_page(StatusCode::UNPROCESSABLE_ENTITY, "无法导出", &message)),
        Err(Err(e)) => return Err(e.into()),
    };
    let mut rows: Vec<[String; 6]> =
        f.rows.iter().map(|(_, name, t)| FigureLine::of(name.clone(), t).cells()).collect();
    rows.push(FigureLine::of("合计".into(), &f.total).cells());
    let heads: [&'static str; 6] = [
        match by {
            "unit" => "责任单位",
            "policy" => "政策",
            "industry" => "产业链",
            _ => "县区",
        },
        "符合条件（户次）",
        "已送达（户次）",
        "已申报（户次）",
        "已兑现（户次）",
        "兑现金额",
    ];
    Ok(super::page::sheet_download("惠企政策统计", heads, rows, false).await?)
}
