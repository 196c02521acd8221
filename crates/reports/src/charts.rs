//! Charts (SPEC §6: "trend lines, bars per unit are SVG rendered by the server"): pure functions from a bulletin's
//! parts to SVG markup, drawn on the server so that pages work without JavaScript, every byte comes from the binary,
//! and the same picture goes into a page, a printed bulletin or a document.
//!
//! What every chart does, and why:
//! - no script and no `style` (the pages' Content-Security-Policy refuses inline styles): only presentation
//!   attributes such as `fill`;
//! - a `viewBox` with the same natural `width` and `height`: readable at 1:1 on a page, and scaled by any stylesheet
//!   that sets `max-width: 100%; height: auto` (a printed bulletin, a narrow screen);
//! - `role="img"` with an `aria-label` that reads the data out, since a screen reader sees none of the drawing;
//! - colours that differ in lightness, not only in hue, and flags that carry their name as text, so that a bulletin
//!   printed in black and white still tells the series and flags apart;
//! - every name and label XML-escaped on its way into `crate::svg::Svg`: the page inserts the markup as it is.

#[cfg(test)]
use zhuqi_domain::stats::Flag;

use super::bulletin::{Line, TrendPoint};
use crate::svg::{DARK, FONT_SIZE, GRID, INK, Key, MUTED, Svg, WIDTH, text_width};

/// 已解决: light (about 70% grey), outlined in `DARK` so that it stays visible on white paper.
const LIGHT: &str = "#9dbfe3";

/// Height of one line of a bar chart.
const ROW: f64 = 26.0;
/// Names longer than this are cut with "…" (the whole name is in the bar's tooltip and the aria-label).
const NAME_MAX: f64 = 200.0;
/// At most this many intervals on a count axis.
const MAX_TICKS: i64 = 5;

/// New appeals (收集) and resolutions (已解决) per period, as pairs of bars, oldest first.
pub fn trend(points: &[TrendPoint]) -> String {
    const TITLE: &str = "各期收集与已解决诉求数";
    if points.is_empty() {
        return empty(TITLE);
    }
    let (left, right, top, plot_h) = (52.0, 12.0, 40.0, 200.0);
    let height = top + plot_h + 44.0;
    let plot_w = WIDTH - left - right;
    let bottom = top + plot_h;
    let summary: Vec<String> = points
        .iter()
        .map(|p| format!("{}收集{}件、已解决{}件", p.label, p.new_in_period, p.resolved_in_period))
        .collect();
    let mut svg = Svg::open(height, TITLE, &summary.join("；"));

    let max = points.iter().map(|p| p.new_in_period.max(p.resolved_in_period)).max().unwrap_or(0);
    let (axis_top, step) = ticks(max);
    let y = |v: i64| bottom - plot_h * v.max(0) as f64 / axis_top as f64;
    for t in (0..=axis_top).step_by(usize::try_from(step).unwrap_or(1)) {
        svg.hline(left, WIDTH - right, y(t), if t == 0 { MUTED } else { GRID });
        svg.text(left - 6.0, y(t) + 4.0, "end", MUTED, &t.to_string());
    }

    let slot = plot_w / points.len() as f64;
    let bar = slot * 0.35;
    // Every k-th label, so that neighbouring labels never overlap.
    let widest = points.iter().map(|p| text_width(split_year(&p.label).1)).fold(0.0, f64::max);
    let every = ((widest + 8.0) / slot).ceil().max(1.0) as usize;
    let mut shown_year = None;
    for (i, p) in points.iter().enumerate() {
        let x = left + slot * i as f64 + slot * 0.15;
        let collected = format!("{}：收集{}件", p.label, p.new_in_period);
        let resolved = format!("{}：已解决{}件", p.label, p.resolved_in_period);
        svg.bar(x, y(p.new_in_period), bar, bottom - y(p.new_in_period), DARK, None, &collected);
        svg.bar(x + bar, y(p.resolved_in_period), bar, bottom - y(p.resolved_in_period), LIGHT, Some(DARK), &resolved);
        if i % every == 0 {
            let (year, short) = split_year(&p.label);
            let centre = left + slot * (i as f64 + 0.5);
            svg.text(centre, bottom + 16.0, "middle", INK, short);
            // The year under the first label and wherever it changes: 11月 12月 1月 reads across the new year.
            if year.is_some() && year != shown_year {
                svg.text(centre, bottom + 32.0, "middle", MUTED, year.unwrap_or_default());
                shown_year = year;
            }
        }
    }
    svg.legend(left, 16.0, &[(Key::Swatch(DARK, None), "收集"), (Key::Swatch(LIGHT, Some(DARK)), "已解决")]);
    svg.close()
}

/// Each region's or unit's place in the ranking: a bar of its weighted score (综合得分) — what orders the lines and
/// decides the flags — printed beside it with its flag, and its resolution rate in the caption; lines without a score
/// (no ranking) show their resolution rate (动态解决率) instead. A line with no items ("—") has no bar. Rates of a
/// city sit close together (93.7% against 95.4%): the axis starts near the lowest value, says where it starts, and
/// so shows the differences the ranking is made of.
pub fn rate_bars(lines: &[Line]) -> String {
    let scored = lines.iter().any(|l| l.score.is_some());
    let title = if scored {
        "综合得分（解决率、按期办结率、满意率加权）"
    } else {
        "问题动态解决率"
    };
    if lines.is_empty() {
        return empty(title);
    }
    let value =
        |l: &Line| if scored { l.score.map(|s| s.as_f64()) } else { l.figures.resolution_rate.0.map(|h| h.as_f64()) };
    let shown = |l: &Line| match (scored, l.score) {
        (true, Some(s)) => format!("{s}分"),
        (true, None) => "—".to_owned(),
        (false, _) => l.figures.resolution_rate.percent(),
    };
    let summary: Vec<String> = lines
        .iter()
        .map(|l| {
            let flag = l.flag.map(|f| format!("（{}）", f.label())).unwrap_or_default();
            let rank = l.rank.map(|r| format!("第{r}名")).unwrap_or_default();
            let score = l.score.map(|s| format!("综合得分{s}，")).unwrap_or_default();
            format!("{rank}{}{score}{}{flag}", l.name, l.figures.resolution_rate.percent())
        })
        .collect();
    let lo = axis_start(lines.iter().filter_map(value));
    let lead = if lines.iter().any(|l| l.rank.is_some()) { 28.0 } else { 0.0 };
    let layout = Rows::new(lines.iter().map(|l| l.name.as_str()), lead, 150.0);
    let mut svg = Svg::open(layout.height(lines.len()), title, &summary.join("；"));
    for step in 0..=4 {
        let tick = lo + (100.0 - lo) * f64::from(step) / 4.0;
        let x = layout.bar_x + layout.bar_w * f64::from(step) / 4.0;
        svg.vline(x, layout.top - 4.0, layout.bottom(lines.len()), if step == 0 { MUTED } else { GRID });
        let unit = if scored { "" } else { "%" };
        let label = if tick.fract().abs() < 1e-9 { format!("{tick:.0}{unit}") } else { format!("{tick:.1}{unit}") };
        let label = if step == 0 && lo > 0.0 { format!("自{label}起") } else { label };
        svg.text(x, layout.top - 8.0, if step == 0 { "start" } else { "middle" }, MUTED, &label);
    }
    let (value_x, flag_x) = (layout.bar_x + layout.bar_w + 70.0, layout.bar_x + layout.bar_w + 80.0);
    for (i, l) in lines.iter().enumerate() {
        let (y, rate) = (layout.row_y(i), l.figures.resolution_rate);
        layout.name(&mut svg, i, &l.name);
        if let Some(r) = l.rank {
            svg.text(lead - 6.0, y + 17.0, "end", MUTED, &r.to_string());
        }
        if let Some(v) = value(l) {
            let w = layout.bar_w * ((v - lo) / (100.0 - lo)).clamp(0.0, 1.0);
            let score = l.score.map(|s| format!("，综合得分{s}")).unwrap_or_default();
            let tip = format!(
                "{}：动态解决率{}（已解决{}件/收集{}件）{score}",
                l.name, rate, l.figures.resolved, l.figures.collected
            );
            svg.bar(layout.bar_x, y + 5.0, w, ROW - 10.0, DARK, None, &tip);
        }
        svg.text(value_x, y + 17.0, "end", INK, &shown(l));
        if let Some(flag) = l.flag {
            svg.flag(flag_x, y + 5.0, flag);
        }
    }
    svg.close()
}

/// Where a percentage axis starts: 0, or a multiple of 5 a little below the lowest value when every value is high,
/// so that values a point or two apart are bars of visibly different length.
fn axis_start(values: impl Iterator<Item = f64>) -> f64 {
    let lowest = values.fold(f64::INFINITY, f64::min);
    if !lowest.is_finite() || lowest < 50.0 {
        return 0.0;
    }
    (((lowest - 2.0) / 5.0).floor() * 5.0).clamp(0.0, 95.0)
}

/// Counts as horizontal bars with the number printed at the end, in the order given (longest first is the caller's
/// to sort): overdue items per unit, appeals per category.
pub fn count_bars(rows: &[(String, i64)]) -> String {
    count_bars_titled("数量", rows)
}

/// `count_bars` with the chart's title, which is also what a screen reader announces first.
pub fn count_bars_titled(title: &str, rows: &[(String, i64)]) -> String {
    if rows.is_empty() {
        return empty(title);
    }
    let summary: Vec<String> = rows.iter().map(|(name, n)| format!("{name}{n}")).collect();
    let layout = Rows::new(rows.iter().map(|(name, _)| name.as_str()), 0.0, 80.0);
    let mut svg = Svg::open(layout.height(rows.len()), title, &summary.join("；"));
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let (axis_top, step) = ticks(max);
    let x = |v: i64| layout.bar_x + layout.bar_w * v.max(0) as f64 / axis_top as f64;
    for t in (0..=axis_top).step_by(usize::try_from(step).unwrap_or(1)) {
        svg.vline(x(t), layout.top - 4.0, layout.bottom(rows.len()), if t == 0 { MUTED } else { GRID });
        svg.text(x(t), layout.top - 8.0, "middle", MUTED, &t.to_string());
    }
    for (i, (name, n)) in rows.iter().enumerate() {
        let y = layout.row_y(i);
        layout.name(&mut svg, i, name);
        svg.bar(layout.bar_x, y + 5.0, x(*n) - layout.bar_x, ROW - 10.0, DARK, None, &format!("{name}：{n}"));
        svg.text(x(*n) + 6.0, y + 17.0, "start", INK, &n.to_string());
    }
    svg.close()
}

/// A small chart that says there is nothing to draw, so that the page keeps its shape.
fn empty(title: &str) -> String {
    let mut svg = Svg::open(60.0, title, "暂无数据");
    svg.text(WIDTH / 2.0, 35.0, "middle", MUTED, "暂无数据");
    svg.close()
}

/// The top of a count axis and its step: 1, 2 or 5 times a power of ten, at most `MAX_TICKS` steps, covering `max`.
/// Nothing to count still gives an axis (0 to 1), never a division by zero.
fn ticks(max: i64) -> (i64, i64) {
    let max = max.max(1);
    let mut power: i64 = 1;
    loop {
        for m in [1, 2, 5] {
            let step = power.saturating_mul(m);
            // max ≥ 1: the number of steps that reach it, rounded up.
            let n = (max - 1) / step + 1;
            if n <= MAX_TICKS || step == i64::MAX {
                return (n.saturating_mul(step), step);
            }
        }
        power = power.saturating_mul(10);
    }
}

/// `2023年7月` → (`2023年`, `7月`): the year is printed once under the axis, not under every month.
fn split_year(label: &str) -> (Option<&str>, &str) {
    match label.char_indices().nth(4) {
        Some((at, '年')) if label[..at].bytes().all(|b| b.is_ascii_digit()) && at + '年'.len_utf8() < label.len() => {
            let cut = at + '年'.len_utf8();
            (Some(&label[..cut]), &label[cut..])
        }
        _ => (None, label),
    }
}

/// `s` cut to `max` wide with "…".
fn fit(s: &str, max: f64) -> String {
    if text_width(s) <= max {
        return s.to_owned();
    }
    let mut out = String::new();
    for c in s.chars() {
        if text_width(&out) + text_width(&c.to_string()) + FONT_SIZE > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The geometry of a horizontal bar chart: `lead` for a rank, names, bars, then `tail` for the value (and flag).
struct Rows {
    top: f64,
    /// Where the names end (they are right-aligned against the bars).
    name_end: f64,
    name_w: f64,
    bar_x: f64,
    bar_w: f64,
}

impl Rows {
    fn new<'a>(names: impl Iterator<Item = &'a str>, lead: f64, tail: f64) -> Rows {
        let name_w = names.map(text_width).fold(FONT_SIZE * 2.0, f64::max).min(NAME_MAX);
        let name_end = lead + name_w + 12.0;
        let bar_x = name_end + 8.0;
        Rows { top: 28.0, name_end, name_w, bar_x, bar_w: WIDTH - bar_x - tail - 8.0 }
    }

    fn row_y(&self, i: usize) -> f64 {
        self.top + ROW * i as f64
    }

    fn bottom(&self, rows: usize) -> f64 {
        self.row_y(rows)
    }

    fn height(&self, rows: usize) -> f64 {
        self.bottom(rows) + 8.0
    }

    fn name(&self, svg: &mut Svg, i: usize, name: &str) {
        svg.text(self.name_end, self.row_y(i) + 17.0, "end", INK, &fit(name, self.name_w));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulletin::Figures;
    use zhuqi_domain::stats::{Counts, Hundredths, Rate};

    /// The SVG is well-formed as far as a page needs: every tag closed in order, every `&` an entity, no `<` inside
    /// an attribute, nothing after the root.
    fn assert_well_formed(svg: &str) {
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "{svg}");
        let mut open: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let text = &rest[..start];
            assert!(!text.contains('>'), "stray > in {text:?}");
            check_entities(text);
            let end = rest[start..].find('>').map(|e| start + e).expect("tag closed");
            let tag = &rest[start + 1..end];
            assert!(!tag.contains('<'), "< inside a tag: {tag}");
            let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap_or_default();
            if let Some(closing) = tag.strip_prefix('/') {
                assert_eq!(open.pop(), Some(closing), "closing {closing} in {svg}");
            } else if !tag.ends_with('/') {
                open.push(name);
            }
            check_entities(tag);
            rest = &rest[end + 1..];
            if open.is_empty() {
                assert!(rest.is_empty(), "after the root: {rest}");
            }
        }
        assert!(open.is_empty(), "unclosed {open:?}");
        assert!(!svg.contains("style"), "no style attribute or element: the CSP refuses them");
        assert!(!svg.contains("script"));
    }

    fn check_entities(s: &str) {
        for (at, _) in s.match_indices('&') {
            let entity = &s[at..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|e| entity.starts_with(e)),
                "bare & in {s}"
            );
        }
    }

    fn figures(collected: i64, resolved: i64) -> Figures {
        Figures::from(&Counts { collected, resolved, ..Counts::default() })
    }

    fn line(name: &str, collected: i64, resolved: i64, flag: Option<Flag>) -> Line {
        Line {
            code: "411602".into(),
            name: name.into(),
            figures: figures(collected, resolved),
            score: None,
            rank: None,
            flag,
            eligible: true,
        }
    }

    fn point(label: &str, new: i64, resolved: i64) -> TrendPoint {
        TrendPoint {
            code: "2023-07".into(),
            label: label.into(),
            new_in_period: new,
            resolved_in_period: resolved,
            resolution_rate: Rate(Some(Hundredths(9972))),
        }
    }

    #[test]
    fn the_trend_draws_each_period_with_its_numbers() {
        let points: Vec<TrendPoint> =
            (1..=12).map(|m| point(&format!("2023年{m}月"), 300 + m * 10, 290 + m * 10)).collect();
        let svg = trend(&points);
        assert_well_formed(&svg);
        assert_eq!(svg.matches("<rect").count(), 24 + 2, "two bars a month and the legend");
        assert!(svg.contains("2023年7月：收集370件") && svg.contains("2023年7月：已解决360件"), "{svg}");
        assert!(svg.contains(">7月</text>") && svg.contains(">2023年</text>"));
        assert_eq!(svg.matches(">2023年</text>").count(), 1, "the year once");
        // Round ticks: 420 at most → 0, 100, …, 500.
        assert!(svg.contains(">500</text>") && svg.contains(">100</text>") && !svg.contains(">420</text>"));
        assert!(svg.contains(r#"role="img""#) && svg.contains("<title>各期收集与已解决诉求数</title>"));
        assert!(svg.contains(r#"viewBox="0 0 720 "#));
    }

    #[test]
    fn the_year_is_repeated_where_it_changes() {
        let points = [point("2022年12月", 5, 4), point("2023年1月", 6, 6)];
        let svg = trend(&points);
        assert!(svg.contains(">2022年</text>") && svg.contains(">2023年</text>") && svg.contains(">1月</text>"));
        assert_eq!(split_year("2023年"), (None, "2023年"));
        assert_eq!(split_year("2023年第30周"), (Some("2023年"), "第30周"));
        assert_eq!(split_year("7月"), (None, "7月"));
    }

    #[test]
    fn many_periods_are_labelled_without_overlap() {
        let points: Vec<TrendPoint> = (1..=52).map(|w| point(&format!("2023年第{w}周"), w, w)).collect();
        let svg = trend(&points);
        assert_well_formed(&svg);
        let labels = svg.matches("周</text>").count();
        assert!((5..52).contains(&labels), "{labels} labels");
    }

    #[test]
    fn rates_are_printed_with_flags_and_dashes_without_bars() {
        let lines = [
            line("川汇区", 3552, 3542, Some(Flag::Red)),
            line("扶沟县", 45, 43, None),
            line("西华县", 76, 50, Some(Flag::Yellow)),
            line("新设区", 0, 0, None),
        ];
        let svg = rate_bars(&lines);
        assert_well_formed(&svg);
        for text in ["99.72%", "95.56%", "65.79%", ">—</text>", ">红旗</text>", ">黄旗</text>", "新设区"] {
            assert!(svg.contains(text), "{text} in {svg}");
        }
        assert_eq!(svg.matches("<rect").count(), 3, "no bar for the line without items");
        assert_eq!(svg.matches("<polygon").count(), 2);
        assert!(svg.contains("川汇区99.72%（红旗）"), "the aria-label reads the data");
        assert!(!svg.contains("第1名"), "no rank, no number");

        let mut ranked = lines.to_vec();
        for (i, l) in ranked.iter_mut().enumerate().take(3) {
            l.rank = u32::try_from(i + 1).ok();
            l.score = Some(Hundredths(9000 - i64::try_from(i).expect("small") * 100));
        }
        let svg = rate_bars(&ranked);
        assert_well_formed(&svg);
        assert!(svg.contains("第1名川汇区综合得分90.00，99.72%（红旗）") && svg.contains("新设区—"), "{svg}");
        assert!(svg.contains(r##"fill="#4b5563">2</text>"##) && svg.contains(">90.00分</text>"), "the score is shown");
        assert!(svg.contains("综合得分（"), "the chart says what its bars are");
    }

    #[test]
    fn the_axis_starts_near_the_lowest_of_high_values() {
        assert_eq!(axis_start([93.7, 95.4].into_iter()), 90.0);
        assert_eq!(axis_start([99.72, 99.9].into_iter()), 95.0);
        assert_eq!(axis_start([65.79, 99.72].into_iter()), 60.0);
        assert_eq!(axis_start([40.0, 99.0].into_iter()), 0.0);
        assert_eq!(axis_start(std::iter::empty()), 0.0);
        let lines = [line("川汇区", 1000, 937, None), line("扶沟县", 1000, 954, None)];
        let svg = rate_bars(&lines);
        assert!(svg.contains(">自90%起</text>"), "{svg}");
        // 93.7% and 95.4% on a 90–100 axis: bars of 37% and 54% of the width, not 94% and 95%.
        let widths: Vec<f64> = svg
            .match_indices("<rect")
            .filter_map(|(i, _)| svg[i..].split("width=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect();
        assert_eq!(widths.len(), 2, "{svg}");
        assert!(widths[1] / widths[0] > 1.4, "{widths:?}");
    }

    #[test]
    fn counts_are_drawn_in_the_order_given() {
        let rows = vec![("周口市地方金融监督管理局".to_owned(), 12), ("周口市人力资源和社会保障局".to_owned(), 3)];
        let svg = count_bars_titled("超期未办结", &rows);
        assert_well_formed(&svg);
        assert!(svg.contains(">12</text>") && svg.contains(">3</text>"));
        assert!(svg.find("金融").expect("first") < svg.find("人力").expect("second"));
        assert!(svg.contains("<title>超期未办结</title>"));
        assert_well_formed(&count_bars(&rows));
    }

    #[test]
    fn names_are_escaped() {
        let name = r#"<script>&"'单位</script>"#;
        for svg in [
            count_bars(&[(name.to_owned(), 1)]),
            rate_bars(&[line(name, 2, 1, Some(Flag::Red))]),
            trend(&[point(name, 1, 1)]),
            count_bars_titled(name, &[]),
        ] {
            assert!(!svg.contains("<script>"), "{svg}");
            assert!(svg.contains("&lt;script&gt;&amp;&quot;&#39;单位"), "{svg}");
            assert_well_formed(&svg.replace("script", "s"));
        }
        // A name too long for its column is cut, and still escaped.
        let long = "&".repeat(100);
        assert!(count_bars(&[(long, 1)]).contains("&amp;…"));
    }

    #[test]
    fn nothing_to_draw_says_so() {
        for svg in [trend(&[]), rate_bars(&[]), count_bars(&[])] {
            assert_well_formed(&svg);
            assert!(svg.contains(">暂无数据</text>") && svg.contains(r#"viewBox="0 0 720 60""#), "{svg}");
        }
    }

    #[test]
    fn zeros_divide_nothing() {
        let svg = count_bars(&[("甲".to_owned(), 0), ("乙".to_owned(), 0)]);
        assert_well_formed(&svg);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        let svg = trend(&[point("2023年7月", 0, 0)]);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        assert_eq!(ticks(0), (1, 1));
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(1), (1, 1));
        assert_eq!(ticks(5), (5, 1));
        assert_eq!(ticks(7), (8, 2));
        assert_eq!(ticks(10), (10, 2));
        assert_eq!(ticks(23), (25, 5));
        assert_eq!(ticks(420), (500, 100));
        assert_eq!(ticks(3552), (4000, 1000));
        assert_eq!(ticks(-3), (1, 1));
        assert!(ticks(i64::MAX).0 >= 1);
    }
}
