//! The bulletin as one self-contained, print-ready HTML document (A4 portrait, the margins and typefaces of an
//! official document, page numbers), with the SVG charts inline.
//!
//! Security: the document carries its stylesheet in a `<style>` element, which the application's pages never do (their
//! CSP, `default-src 'self'`, refuses inline styles). It is therefore meant to be *downloaded*: the web route sends
//! it with `Content-Disposition: attachment`, and the file then opens from disk without any of the site's headers. The
//! document restricts itself with its own `<meta>` CSP (`default-src 'none'; style-src 'unsafe-inline'; img-src
//! data:`): no script runs and nothing is fetched, even if some text escaped escaping. Every text from the records is
//! escaped by askama; only the SVG from `report::charts` is inserted as markup.

use askama::Template;

use super::tables::{self, Cell, ONE_LINE, Section, Table};
use super::{Bulletin, charts};

#[derive(Template)]
#[template(path = "bulletin.html")]
struct Page<'a> {
    title: &'a str,
    meta: Vec<(&'static str, String)>,
    prose: &'a [String],
    sections: Vec<SectionView>,
    notes: Vec<String>,
    /// 2023年8月1日: when the figures were drawn, printed small at the end.
    generated: String,
}

struct SectionView {
    title: String,
    /// An SVG drawn by `report::charts`, trusted markup.
    chart: Option<String>,
    headers: Vec<String>,
    rows: Vec<Vec<CellView>>,
    empty: &'static str,
    note: Option<String>,
    /// Many columns: printed in a smaller type so that the table fits the portrait page.
    wide: bool,
}

struct CellView {
    text: String,
    class: &'static str,
}

pub fn render(b: &Bulletin) -> anyhow::Result<String> {
    let page = Page {
        title: &b.title,
        meta: tables::meta(b),
        prose: &b.prose,
        sections: tables::tables(b).into_iter().map(|t| section(b, t)).collect(),
        notes: tables::notes(b),
        generated: tables::chinese_date(zhuqi_domain::time::local_date(b.generated_at)),
    };
    Ok(page.render()?)
}

fn section(b: &Bulletin, t: Table) -> SectionView {
    let wide = t.is_wide();
    // A wide table holds only short names and numbers: nothing in it wraps but its headers.
    let one_line: Vec<bool> = t.cell_widths().iter().map(|&w| wide || w <= ONE_LINE).collect();
    SectionView {
        chart: chart(b, t.section),
        wide,
        rows: t.rows.iter().map(|r| r.iter().zip(&one_line).map(|(c, &nw)| cell(c, nw)).collect()).collect(),
        title: t.title,
        headers: t.headers,
        empty: t.empty,
        note: t.note,
    }
}

fn cell(c: &Cell, one_line: bool) -> CellView {
    let class = match c {
        Cell::Flag(zhuqi_domain::stats::Flag::Red) => "flag red",
        Cell::Flag(zhuqi_domain::stats::Flag::Yellow) => "flag yellow",
        c if c.is_number() => "num",
        _ if one_line => "nw",
        _ => "",
    };
    CellView { text: c.text(), class }
}

/// The chart printed above a section's table: the trend, the regions' resolution rates, the categories' counts.
fn chart(b: &Bulletin, section: Section) -> Option<String> {
    match section {
        Section::Trend if !b.trend.is_empty() => Some(charts::trend(&b.trend)),
        Section::Regions if !b.regions.is_empty() => Some(charts::rate_bars(&b.regions)),
        Section::Categories if !b.categories.is_empty() => {
            let rows: Vec<(String, i64)> = b.categories.iter().map(|c| (c.name.clone(), c.figures.collected)).collect();
            Some(charts::count_bars_titled("各类问题收集数", &rows))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::example::example;

    /// Elements that have no end tag in HTML.
    const VOID: [&str; 6] = ["meta", "br", "hr", "img", "link", "col"];

    /// Every opened element is closed, in order: enough to catch a broken template or an unescaped `<` in the text.
    fn check_balanced(html: &str) -> Result<(), String> {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            rest = &rest[start + 1..];
            let end = rest.find('>').ok_or("unterminated tag")?;
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if tag.starts_with('!') || tag.ends_with('/') {
                continue;
            }
            let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            let name = name.to_ascii_lowercase();
            if tag.starts_with('/') {
                match stack.pop() {
                    Some(open) if open == name => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
            } else if !VOID.contains(&name.as_str()) {
                if name == "style" {
                    // CSS may hold '<' or '>' nowhere, but skip it whole rather than parse it.
                    let close = rest.find("</style>").ok_or("unclosed style")?;
                    rest = &rest[close + "</style>".len()..];
                    continue;
                }
                stack.push(name);
            }
        }
        if stack.is_empty() { Ok(()) } else { Err(format!("unclosed: {stack:?}")) }
    }

    #[test]
    fn html_is_balanced_and_has_every_table_row() {
        let b = example();
        let html = render(&b).expect("renders");
        check_balanced(&html).expect("balanced");
        assert!(html.contains("<title>周口市万人助万企活动2023年7月通报</title>"));
        assert!(html.contains("全市共收集企业问题3118条，已解决3097条，问题动态解决率99.33%"));
        // One body row per line of each table, plus the header rows.
        let rows = html.matches("<tr>").count();
        let disputes = b.disputes.as_ref().expect("the example has disputes").lines.len() + 1;
        let tasks = b.tasks.as_ref().expect("the example has tasks").units.len() + 1;
        let policies = b.policies.as_ref().expect("the example has policies").lines.len() + 1;
        let expected = 13 + b.regions.len() + b.units.len() + b.overdue.len() + b.categories.len() + b.trend.len();
        assert_eq!(rows, expected + disputes + tasks + policies + 9);
        assert!(html.contains("本月4次周交办会议共交办事项40项"), "the tasks' paragraph");
        assert!(
            html.contains("全市共计受理涉企纠纷案件1585起，涉及金额13亿元左右，调解成功1238起"),
            "the seed's sentence"
        );
        assert!(html.contains("七、重点工作周交办落实情况") && html.contains("八、多元解纷情况"));
        assert!(html.contains("九、惠企政策落实情况") && html.contains("现行惠企政策75项（其中免申即享12项）"));
        assert!(html.contains(r#"<td class="flag red">红旗</td>"#));
        // The trend, the counties' rates and the categories, drawn by report::charts.
        assert_eq!(html.matches("<svg").count(), 3);
        assert!(html.contains("Content-Security-Policy"));
        assert!(html.contains("@page"));
    }

    #[test]
    fn text_from_the_records_is_escaped() {
        let mut b = example();
        b.overdue[0].title = "<script>alert('x')</script>供电".into();
        b.overdue[0].enterprise = "A&B <b>公司</b>".into();
        b.prose[0] = "<img src=x onerror=alert(1)>".into();
        let html = render(&b).expect("renders");
        check_balanced(&html).expect("balanced");
        assert!(!html.contains("<script"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("<b>"));
        // askama writes numeric references.
        assert!(html.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;供电"));
        assert!(html.contains("A&#38;B &#60;b&#62;公司"));
    }

    #[test]
    fn an_empty_overdue_list_says_so_instead_of_an_empty_table() {
        let mut b = example();
        b.overdue.clear();
        b.figures.overdue_open = 0;
        let html = render(&b).expect("renders");
        check_balanced(&html).expect("balanced");
        assert!(html.contains("截至统计日，无超期未办结事项。"));
    }

    #[test]
    fn the_checker_catches_what_it_should() {
        assert!(check_balanced("<p><b>x</p></b>").is_err());
        assert!(check_balanced("<div><p>x</p>").is_err());
        assert!(check_balanced("<p>a<br>b<svg><path d='M0'/></svg></p>").is_ok());
    }
}
