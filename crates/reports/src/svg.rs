//! The one SVG writer of the crate: every chart of the bulletins (`report::charts`) and of the project pages
//! (`web::projects::charts`) is written through `Svg`, so that they share one font, one palette and one way of
//! writing markup, and every text (title, label, name, tooltip) is escaped once, here, on its way in.
//!
//! What it writes follows the charts' rules: no script and no `style` (the pages' Content-Security-Policy refuses
//! inline styles), only presentation attributes; a `viewBox` with the same natural `width` and `height`; `role="img"`
//! with an `aria-label` that reads the data out.

use std::fmt::Write;

use zhuqi_domain::stats::Flag;

pub const FONT: &str = "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";
pub const FONT_SIZE: f64 = 12.0;
pub const INK: &str = "#1f2937";
pub const MUTED: &str = "#4b5563";
pub const GRID: &str = "#d1d5db";
/// The single series of bar charts and the main line of a curve: dark (about 25% grey when printed).
pub const DARK: &str = "#1e3a5f";
/// 红旗, and a line that marks a limit.
pub const RED: &str = "#b91c1c";
/// 黄旗.
pub const YELLOW: &str = "#facc15";

/// Width of every chart: fits the content column of a page and an A4 page's text width.
pub const WIDTH: f64 = 720.0;

/// About how wide `s` is drawn at `FONT_SIZE`: Chinese characters are square, digits and Latin letters about half.
pub fn text_width(s: &str) -> f64 {
    s.chars().map(|c| if c.is_ascii() { FONT_SIZE * 0.6 } else { FONT_SIZE }).sum()
}

/// Text for XML content and attribute values alike.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Coordinates with one decimal: enough for a screen, and short markup.
pub fn n(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or_else(|| s.clone(), str::to_owned)
}

/// What a legend shows before a series' name.
#[derive(Clone, Copy)]
pub enum Key<'a> {
    /// A square swatch of a bar's fill, outlined with the stroke if the bars are.
    Swatch(&'a str, Option<&'a str>),
    /// A stretch of a line in its colour, dashed if the line is.
    Line(&'a str, bool),
}

/// SVG markup being written; every text goes through `escape`.
pub struct Svg(String);

impl Svg {
    /// The root element, `WIDTH` wide: `title` is what a screen reader announces first, `summary` the data read out.
    pub fn open(height: f64, title: &str, summary: &str) -> Svg {
        let (w, h) = (n(WIDTH), n(height));
        let label = escape(&format!("{title}：{summary}"));
        Svg(format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}" font-family="{FONT}" font-size="{FONT_SIZE}"><title>{}</title>"#,
            escape(title)
        ))
    }

    pub fn close(mut self) -> String {
        self.0.push_str("</svg>");
        self.0
    }

    pub fn text(&mut self, x: f64, y: f64, anchor: &str, fill: &str, content: &str) {
        let _ = write!(
            self.0,
            r#"<text x="{}" y="{}" text-anchor="{anchor}" fill="{fill}">{}</text>"#,
            n(x),
            n(y),
            escape(content)
        );
    }

    /// A horizontal rule of a grid or an axis.
    pub fn hline(&mut self, x1: f64, x2: f64, y: f64, stroke: &str) {
        let y = n(y);
        let _ = write!(self.0, r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{stroke}"/>"#, n(x1), n(x2));
    }

    /// A vertical rule of a grid or an axis.
    pub fn vline(&mut self, x: f64, y1: f64, y2: f64, stroke: &str) {
        let x = n(x);
        let _ = write!(self.0, r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{stroke}"/>"#, n(y1), n(y2));
    }

    /// A line of a curve, optionally dashed; with a tooltip it is drawn twice as thick (it is then data, not a rule).
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, dash: bool, tip: Option<&str>) {
        let dash = if dash { r#" stroke-dasharray="6 4""# } else { "" };
        let _ = write!(
            self.0,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{stroke}" stroke-width="{}"{dash}>"#,
            n(x1),
            n(y1),
            n(x2),
            n(y2),
            if tip.is_some() { 2 } else { 1 }
        );
        if let Some(t) = tip {
            let _ = write!(self.0, "<title>{}</title>", escape(t));
        }
        self.0.push_str("</line>");
    }

    /// A bar with its value as a tooltip, outlined if `stroke` is given.
    #[allow(clippy::too_many_arguments)]
    pub fn bar(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, stroke: Option<&str>, tip: &str) {
        let stroke = stroke.map(|s| format!(r#" stroke="{s}" stroke-width="0.8""#)).unwrap_or_default();
        let _ = write!(
            self.0,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"{stroke}><title>{}</title></rect>"#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            escape(tip)
        );
    }

    /// A point of a curve with its value as a tooltip.
    pub fn dot(&mut self, x: f64, y: f64, tip: &str) {
        let _ = write!(
            self.0,
            r#"<circle cx="{}" cy="{}" r="3.5" fill="{DARK}"><title>{}</title></circle>"#,
            n(x),
            n(y),
            escape(tip)
        );
    }

    /// A small pennant and its name: 红旗 or 黄旗.
    pub fn flag(&mut self, x: f64, y: f64, flag: Flag) {
        let fill = match flag {
            Flag::Red => RED,
            Flag::Yellow => YELLOW,
        };
        let _ = write!(
            self.0,
            r#"<g><line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="{INK}" stroke-width="1.2"/><polygon points="{x0},{y0} {x1},{ym} {x0},{y2}" fill="{fill}" stroke="{INK}" stroke-width="0.8"/></g>"#,
            x0 = n(x),
            y0 = n(y),
            y1 = n(y + 16.0),
            x1 = n(x + 14.0),
            ym = n(y + 4.5),
            y2 = n(y + 9.0),
        );
        self.text(x + 18.0, y + 12.0, "start", INK, flag.label());
    }

    /// One key and name per series, left to right. A swatch is a 12-pixel square (the name 4 further, the next item
    /// 20 after the name); a line is 22 long (the name 6 further, the next item 12 after the name).
    pub fn legend(&mut self, x: f64, y: f64, series: &[(Key<'_>, &str)]) {
        let mut at = x;
        for (key, name) in series {
            match *key {
                Key::Swatch(fill, stroke) => {
                    self.bar(at, y - 9.0, 12.0, 12.0, fill, stroke, name);
                    self.text(at + 16.0, y + 1.0, "start", INK, name);
                    at += 16.0 + text_width(name) + 20.0;
                }
                Key::Line(stroke, dash) => {
                    self.line((at, y - 4.0), (at + 22.0, y - 4.0), stroke, dash, None);
                    self.text(at + 28.0, y, "start", INK, name);
                    at += 28.0 + text_width(name) + 12.0;
                }
            }
        }
    }
}
