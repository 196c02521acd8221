//! The SVG of the project pages, drawn on the server as `report::charts` draws the bulletins' (no script, no
//! `style`, presentation attributes only, `role="img"` with the data read out in `aria-label`, every text escaped)
//! and through the same writer, `zhuqi_reports::svg::Svg`:
//! a project's investment curve against its total and this year's plan, a batch's four rates, and the regions of an
//! observation ranked by their mean score with their flags.

use zhuqi_domain::stats::{Flag, Hundredths, Rate};
use zhuqi_reports::svg::{DARK, GRID, INK, Key, MUTED, RED, Svg, WIDTH, YELLOW};

/// The plan line of the investment curve.
const AMBER: &str = "#b45309";
const ROW: f64 = 26.0;

/// A month as an index (year·12 + month − 1), from `2026-10`.
pub fn month_index(m: &str) -> Option<i64> {
    let (y, mo) = m.split_once('-')?;
    let (y, mo): (i64, i64) = (y.parse().ok()?, mo.parse().ok()?);
    (1..=12).contains(&mo).then_some(y * 12 + mo - 1)
}

fn month_label(i: i64) -> String {
    format!("{}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
}

/// An axis over 0‥`max` fen: its top and step in 万元 (1, 2 or 5 times a power of ten, at most five steps).
fn wan_ticks(max_fen: i64) -> (f64, f64) {
    let max = (max_fen as f64 / 1_000_000.0).max(1.0);
    let mut power = 1.0_f64;
    loop {
        for m in [1.0, 2.0, 5.0] {
            let step = power * m;
            let steps = (max / step).ceil();
            if steps <= 5.0 {
                return (steps * step, step);
            }
        }
        power *= 10.0;
    }
}

/// 万元 on an axis: "3000万", "1.5亿".
fn wan_label(wan: f64) -> String {
    if wan >= 10_000.0 {
        let yi = wan / 10_000.0;
        if (yi - yi.round()).abs() < 1e-9 { format!("{}亿", yi.round()) } else { format!("{yi:.1}亿") }
    } else {
        format!("{}万", wan.round())
    }
}

/// Fen as an axis label reads them.
fn wan(fen: i64) -> String {
    wan_label(fen as f64 / 1_000_000.0)
}

/// What the investment curve draws.
pub struct Curve<'a> {
    /// (month `2026-10`, cumulative completed in fen), oldest first.
    pub reports: &'a [(String, i64)],
    pub total: i64,
    /// The year the plan line is drawn for, and (cumulative at the end of the year before, this year's plan).
    pub year: i16,
    pub plan: Option<(i64, i64)>,
}

/// The cumulative completed investment per reported month (a line with a dot per report), the total investment as
/// a horizontal line, and this year's plan as the line from the cumulative at the end of last year to that plus the
/// plan at the end of this year (where the schedule says the project should stand).
pub fn investment_curve(c: &Curve<'_>) -> String {
    const TITLE: &str = "累计完成投资曲线";
    let (left, right, top, plot_h) = (64.0, 16.0, 36.0, 220.0);
    let height = top + plot_h + 40.0;
    let bottom = top + plot_h;
    let points: Vec<(i64, i64)> = c.reports.iter().filter_map(|(m, v)| month_index(m).map(|i| (i, *v))).collect();
    let year_start = i64::from(c.year) * 12;
    let year_end = year_start + 11;
    let last = points.last().map_or(year_end, |p| p.0.max(year_end));
    let first = points.first().map_or(year_start, |p| p.0.min(year_start)).max(last - 119);
    let span = (last - first).max(1) as f64;
    let plot_w = WIDTH - left - right;
    let x = |i: i64| left + plot_w * (i - first) as f64 / span;
    let plan_top = c.plan.map_or(0, |(base, plan)| base + plan);
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(c.total).max(plan_top);
    let (axis_top, step) = wan_ticks(max);
    let y = |fen: i64| bottom - plot_h * (fen as f64 / 1_000_000.0 / axis_top).clamp(0.0, 1.05);

    let mut summary: Vec<String> =
        points.iter().map(|(i, v)| format!("{}累计{}", month_label(*i), wan_label(*v as f64 / 1_000_000.0))).collect();
    summary.push(format!("总投资{}", wan_label(c.total as f64 / 1_000_000.0)));
    if let Some((base, plan)) = c.plan {
        summary.push(format!("{}年计划投资{}（年末应累计{}）", c.year, wan(plan), wan(base + plan)));
    }
    if points.is_empty() {
        summary.insert(0, "尚无月度填报".to_owned());
    }
    let mut svg = Svg::open(height, TITLE, &summary.join("；"));
    let mut t = 0.0;
    while t <= axis_top + 1e-9 {
        let yy = bottom - plot_h * t / axis_top;
        svg.line((left, yy), (WIDTH - right, yy), if t == 0.0 { MUTED } else { GRID }, false, None);
        svg.text(left - 6.0, yy + 4.0, "end", MUTED, &wan_label(t));
        t += step;
    }
    // Month labels: January of each year and every few months between, never crowded.
    let every = ((last - first + 1) as f64 / 12.0).ceil().max(1.0) as i64 * 3;
    for i in first..=last {
        if (i - first) % every == 0 || i.rem_euclid(12) == 0 {
            svg.line((x(i), bottom), (x(i), bottom + 4.0), MUTED, false, None);
            svg.text(x(i), bottom + 18.0, "middle", MUTED, &month_label(i));
        }
    }
    let total_tip = format!("总投资{}", wan_label(c.total as f64 / 1_000_000.0));
    svg.line((left, y(c.total)), (WIDTH - right, y(c.total)), RED, true, Some(&total_tip));
    if let Some((base, plan)) = c.plan {
        let tip = format!(
            "{}年计划投资{}（年末应累计{}）",
            c.year,
            wan_label(plan as f64 / 1_000_000.0),
            wan_label((base + plan) as f64 / 1_000_000.0)
        );
        svg.line((x(year_start - 1).max(left), y(base)), (x(year_end), y(base + plan)), AMBER, true, Some(&tip));
    }
    for w in points.windows(2) {
        svg.line((x(w[0].0), y(w[0].1)), (x(w[1].0), y(w[1].1)), DARK, false, None);
    }
    for (i, v) in &points {
        svg.dot(x(*i), y(*v), &format!("{}累计完成{}", month_label(*i), wan_label(*v as f64 / 1_000_000.0)));
    }
    if points.is_empty() {
        svg.text(left + plot_w / 2.0, top + plot_h / 2.0, "middle", MUTED, "尚无月度填报");
    }
    let mut legend = vec![(Key::Line(DARK, false), "累计完成投资"), (Key::Line(RED, true), "总投资")];
    if c.plan.is_some() {
        legend.push((Key::Line(AMBER, true), "本年计划进度"));
    }
    svg.legend(left, 18.0, &legend);
    svg.close()
}

/// Rates from 0 to 100% as horizontal bars with the value printed ("—" and no bar over no projects).
pub fn rate_bars(title: &str, rows: &[(&str, Rate)]) -> String {
    let summary: Vec<String> = rows.iter().map(|(name, r)| format!("{name}{}", r.percent())).collect();
    let (name_end, bar_x, bar_w, top) = (96.0, 104.0, WIDTH - 104.0 - 90.0, 28.0);
    let height = top + ROW * rows.len() as f64 + 8.0;
    let mut svg = Svg::open(height, title, &summary.join("；"));
    for pct in [0, 25, 50, 75, 100] {
        let xx = bar_x + bar_w * f64::from(pct) / 100.0;
        svg.line(
            (xx, top - 4.0),
            (xx, top + ROW * rows.len() as f64),
            if pct == 0 { MUTED } else { GRID },
            false,
            None,
        );
        svg.text(xx, top - 8.0, "middle", MUTED, &format!("{pct}%"));
    }
    for (i, (name, rate)) in rows.iter().enumerate() {
        let yy = top + ROW * i as f64;
        svg.text(name_end, yy + 17.0, "end", INK, name);
        if let Some(h) = rate.0 {
            let w = bar_w * (h.as_f64() / 100.0).clamp(0.0, 1.0);
            svg.bar(bar_x, yy + 5.0, w, ROW - 10.0, DARK, None, &format!("{name}{}", rate.percent()));
        }
        svg.text(bar_x + bar_w + 80.0, yy + 17.0, "end", INK, &rate.percent());
    }
    svg.close()
}

/// One region of an observation as its chart draws it.
pub struct Scored<'a> {
    pub rank: Option<u32>,
    pub name: &'a str,
    pub score: Option<Hundredths>,
    pub flag: Option<Flag>,
}

/// The regions' mean scores (0–100) in ranking order, each with its rank and flag written out.
pub fn score_bars(rows: &[Scored<'_>]) -> String {
    const TITLE: &str = "各地区观摩平均得分";
    let summary: Vec<String> = rows
        .iter()
        .map(|r| {
            let rank = r.rank.map(|k| format!("第{k}名")).unwrap_or_default();
            let score = r.score.map_or_else(|| "未评分".to_owned(), |s| format!("{s}分"));
            let flag = r.flag.map(|f| format!("（{}）", f.label())).unwrap_or_default();
            format!("{rank}{}{score}{flag}", r.name)
        })
        .collect();
    let (name_end, bar_x, top) = (150.0, 158.0, 28.0);
    let bar_w = WIDTH - bar_x - 130.0;
    let height = top + ROW * rows.len().max(1) as f64 + 8.0;
    let mut svg = Svg::open(height, TITLE, &summary.join("；"));
    for pct in [0, 25, 50, 75, 100] {
        let xx = bar_x + bar_w * f64::from(pct) / 100.0;
        let bottom = top + ROW * rows.len().max(1) as f64;
        svg.line((xx, top - 4.0), (xx, bottom), if pct == 0 { MUTED } else { GRID }, false, None);
        svg.text(xx, top - 8.0, "middle", MUTED, &pct.to_string());
    }
    if rows.is_empty() {
        svg.text(bar_x + bar_w / 2.0, top + 17.0, "middle", MUTED, "暂无评分");
    }
    for (i, r) in rows.iter().enumerate() {
        let yy = top + ROW * i as f64;
        let rank = r.rank.map(|k| format!("{k}. ")).unwrap_or_default();
        svg.text(name_end, yy + 17.0, "end", INK, &format!("{rank}{}", r.name));
        if let Some(s) = r.score {
            let w = bar_w * (s.as_f64() / 100.0).clamp(0.0, 1.0);
            svg.bar(bar_x, yy + 5.0, w, ROW - 10.0, DARK, None, &format!("{}：{s}分", r.name));
            svg.text(bar_x + bar_w + 44.0, yy + 17.0, "end", INK, &s.to_string());
        }
        if let Some(f) = r.flag {
            let fill = if f == Flag::Red { RED } else { YELLOW };
            svg.bar(bar_x + bar_w + 52.0, yy + 5.0, 12.0, ROW - 10.0, fill, None, f.label());
            svg.text(bar_x + bar_w + 68.0, yy + 17.0, "start", INK, f.label());
        }
    }
    svg.close()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_index_and_label_back() {
        assert_eq!(month_index("2026-10").map(month_label).as_deref(), Some("2026-10"));
        assert_eq!(month_index("2026-13"), None);
        assert_eq!(wan_ticks(0), (1.0, 1.0));
        assert_eq!(wan_ticks(3_000 * 1_000_000), (3000.0, 1000.0));
        assert_eq!(wan_label(15_000.0), "1.5亿");
    }

    #[test]
    fn the_curve_escapes_and_reads_out_its_data() {
        let reports = vec![("2026-01".to_owned(), 100_000_000), ("2026-03".to_owned(), 300_000_000)];
        let svg = investment_curve(&Curve {
            reports: &reports,
            total: 1_000_000_000,
            year: 2026,
            plan: Some((0, 500_000_000)),
        });
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("2026-03累计300万") && svg.contains("总投资1000万"), "{svg}");
        assert!(!svg.contains("style"));
        let bars = score_bars(&[Scored {
            rank: Some(1),
            name: "<川汇区>",
            score: Some(Hundredths(9000)),
            flag: Some(Flag::Red),
        }]);
        assert!(bars.contains("&lt;川汇区&gt;") && bars.contains("红旗"));
    }
}
