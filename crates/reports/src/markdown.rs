//! The bulletin as Markdown: the text a secretary pastes into a message or a wiki, with the tables as pipe tables.

use std::fmt::Write;

use super::Bulletin;
use super::tables::{self, Cell, Table};

pub fn render(b: &Bulletin) -> String {
    let mut out = format!("# {}\n\n", inline(&b.title));
    let meta: Vec<String> = tables::meta(b).into_iter().map(|(k, v)| format!("{k}：{}", inline(&v))).collect();
    // Two trailing spaces: a line break inside one paragraph.
    out += &meta.join("  \n");
    out += "\n\n";
    for p in &b.prose {
        out += &paragraph(p);
        out += "\n\n";
    }
    for t in tables::tables(b) {
        table(&mut out, &t);
    }
    out += "---\n\n注：\n\n";
    for (i, note) in tables::notes(b).iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, inline(note));
    }
    out
}

fn table(out: &mut String, t: &Table) {
    let _ = write!(out, "## {}\n\n", inline(&t.title));
    if t.rows.is_empty() {
        let _ = write!(out, "{}\n\n", inline(t.empty));
        return;
    }
    let header: Vec<String> = t.headers.iter().map(|h| cell_text(h)).collect();
    let _ = writeln!(out, "| {} |", header.join(" | "));
    // Numbers right-aligned: the alignment of the first row decides the column's (all rows share their kinds).
    let align: Vec<&str> = t.rows[0].iter().map(|c| if c.is_number() { "---:" } else { "---" }).collect();
    let _ = writeln!(out, "|{}|", align.join("|"));
    for row in &t.rows {
        let cells: Vec<String> = row.iter().map(cell).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
    if let Some(note) = &t.note {
        let _ = write!(out, "{}\n\n", inline(note));
    }
}

/// A cell as Markdown: its text escaped, a flag in bold as it stands out in print.
fn cell(c: &Cell) -> String {
    match c {
        Cell::Flag(f) => format!("**{}**", f.label()),
        c => cell_text(&c.text()),
    }
}

/// A cell's text: `|` would end the cell and a line break the row.
fn cell_text(s: &str) -> String {
    inline(s).replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// Text from the records (an enterprise's title, a unit's name) printed literally: Markdown punctuation is
/// backslash-escaped and `<` `&` become entities, so that no renderer reads markup or HTML in it.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out += "&amp;",
            '<' => out += "&lt;",
            '>' => out += "&gt;",
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// A prose paragraph: escaped, and kept as one paragraph even if the text breaks lines.
fn paragraph(s: &str) -> String {
    let text = inline(s).replace(['\r', '\n'], "");
    // A paragraph opening with "1." or "-" would become a list: escape the marker's punctuation.
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = text.split_at(digits);
    if digits > 0 && rest.starts_with(['.', ')']) {
        format!("{number}\\{rest}")
    } else if text.starts_with(['-', '+']) {
        format!("\\{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::example::example;

    #[test]
    fn markdown_has_the_headline_every_county_and_the_rule() {
        let b = example();
        let md = render(&b);
        assert!(md.starts_with("# 周口市万人助万企活动2023年7月通报\n"));
        assert!(md.contains("全市共收集企业问题3118条，已解决3097条，问题动态解决率99.33%"));
        for county in
            ["川汇区", "淮阳区", "扶沟县", "西华县", "商水县", "沈丘县", "郸城县", "太康县", "鹿邑县", "项城市"]
        {
            assert!(md.contains(&format!("| {county} |")), "{county} missing");
        }
        for heading in ["## 一、总体情况", "## 二、各县（市、区）情况", "## 三、各单位情况", "## 四、超期未办结事项"]
        {
            assert!(md.contains(heading), "{heading}");
        }
        assert!(md.contains("| 问题动态解决率 | 99.33% | 99.17% | +0.16个百分点 |"), "{md}");
        assert!(md.contains("前2名授红旗、后1名领黄旗"));
        assert!(md.contains("不足5条"));
        assert!(md.contains("**红旗**"));
    }

    #[test]
    fn every_table_line_has_as_many_cells_as_its_header() {
        let md = render(&example());
        for block in md.split("\n\n").filter(|b| b.starts_with("| ")) {
            let widths: Vec<usize> = block.lines().map(|l| l.replace("\\|", "").matches('|').count()).collect();
            assert!(widths.iter().all(|&w| w == widths[0]), "{block}");
        }
    }

    #[test]
    fn text_from_the_records_cannot_break_a_table_or_inject_html() {
        let mut b = example();
        b.overdue[0].title = "用电|报装<script>alert(1)</script>\n第二行".into();
        b.overdue[0].enterprise = "*某*公司_A".into();
        let md = render(&b);
        let line = md.lines().find(|l| l.contains("报装")).expect("the row is there");
        assert_eq!(line.replace("\\|", "").matches('|').count(), 8, "{line}");
        assert!(line.contains("用电\\|报装&lt;script&gt;alert(1)&lt;/script&gt; 第二行"), "{line}");
        assert!(line.contains("\\*某\\*公司\\_A"), "{line}");
        assert!(!md.contains("<script>"));
    }
}
