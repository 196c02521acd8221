//! The bulletin as a Word document the secretary edits, signs and issues: A4 with the margins of GB/T 9704 (党政机关
//! 公文格式: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), the title in 方正小标宋简体 二号, the text in 仿宋_GB2312 三号
//! with a two-character first-line indent on a fixed 28-point line, headings in 黑体, page numbers "— 1 —" in the
//! footer. The text comes first, then the tables, then the notes.
//!
//! Everything is a named style (通报标题, 通报正文, heading 1, 表格文字, 注释), so that the secretary changes a typeface
//! once in Word or WPS rather than paragraph by paragraph. A machine without the official typefaces shows its own
//! fallbacks; the names stay in the file, so the document prints right where they are installed.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run,
    RunFonts, Shading, SpecialIndentType, Style, StyleType, Table as WordTable, TableCell, TableCellMargins,
    TableLayoutType, TableRow, VAlignType, WidthType,
};
use zhuqi_domain::stats::Flag;

use super::document::Document;
use super::tables::{Cell, ONE_LINE, Table, is_wide_char};

/// A4 in twentieths of a point.
const PAGE: (u32, u32) = (11_906, 16_838);
/// The margins of GB/T 9704 in twentieths of a point (1 mm = 56.69 twips).
const MARGIN_TOP: i32 = 2098; // 37 mm
const MARGIN_BOTTOM: i32 = 1984; // 35 mm
const MARGIN_LEFT: i32 = 1587; // 28 mm
const MARGIN_RIGHT: i32 = 1474; // 26 mm
/// The text width the tables share out.
const TEXT_WIDTH: usize = (PAGE.0 as usize) - (MARGIN_LEFT + MARGIN_RIGHT) as usize;

/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 五号 10.5 pt, 小五 9 pt.
const ERHAO: usize = 44;
const SANHAO: usize = 32;
const SIHAO: usize = 28;
const WUHAO: usize = 21;
const XIAOWU: usize = 18;

/// A first-line indent of two characters, in twips: two ems of 16 pt and of 14 pt. (Word's `firstLineChars` would
/// follow the size by itself, but docx-rs does not write it.)
const TWO_CHARS_SANHAO: i32 = 640;
const TWO_CHARS_SIHAO: i32 = 560;

const FANGSONG: &str = "仿宋_GB2312";
const XIAOBIAOSONG: &str = "方正小标宋简体";
const HEITI: &str = "黑体";
const KAITI: &str = "楷体_GB2312";
const SONGTI: &str = "宋体";
/// Numbers and Latin letters in an official document.
const LATIN: &str = "Times New Roman";

pub fn render(d: &Document) -> anyhow::Result<Vec<u8>> {
    let stamp = d.generated_at.to_string();
    let mut doc = Docx::new()
        .page_size(PAGE.0, PAGE.1)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(851)
                .footer(992),
        )
        .default_fonts(fonts(FANGSONG))
        .default_size(SANHAO)
        .created_at(&stamp)
        .updated_at(&stamp)
        .footer(Footer::new().add_paragraph(page_number()));
    for style in styles() {
        doc = doc.add_style(style);
    }

    doc = doc.add_paragraph(Paragraph::new().style("BulletinTitle").add_run(Run::new().add_text(clean(&d.title))));
    doc = doc.add_paragraph(meta(&d.meta));
    for p in &d.prose {
        doc = doc.add_paragraph(body(p));
    }
    for t in &d.tables {
        doc = doc.add_paragraph(Paragraph::new().style("Heading1").add_run(Run::new().add_text(clean(&t.title))));
        if t.rows.is_empty() {
            doc = doc.add_paragraph(body(t.empty));
        } else {
            doc = doc.add_table(table(t));
        }
        if let Some(note) = &t.note {
            doc = doc.add_paragraph(Paragraph::new().style("Note").add_run(Run::new().add_text(clean(note))));
        }
    }
    if !d.notes.is_empty() {
        doc = doc.add_paragraph(Paragraph::new().style("Heading1").add_run(Run::new().add_text("注：")));
    }
    for (i, note) in d.notes.iter().enumerate() {
        let text = format!("{}. {note}", i + 1);
        doc = doc.add_paragraph(Paragraph::new().style("Note").add_run(Run::new().add_text(clean(&text))));
    }

    let mut out = Cursor::new(Vec::new());
    doc.build().pack(&mut out)?;
    Ok(out.into_inner())
}

/// East Asian text in `east_asia`, numbers and Latin letters in Times New Roman.
fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii(LATIN).hi_ansi(LATIN).cs(LATIN)
}

fn styles() -> Vec<Style> {
    // A fixed 28-point line: the 22 lines a page of 仿宋 三号 holds in an official document.
    let fixed_line = LineSpacing::new().line_rule(LineSpacingType::Exact).line(560);
    let single = LineSpacing::new().line_rule(LineSpacingType::Auto).line(240).before(0).after(0);
    vec![
        Style::new("BulletinTitle", StyleType::Paragraph)
            .name("通报标题")
            .based_on("Normal")
            .fonts(fonts(XIAOBIAOSONG))
            .size(ERHAO)
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240).before(0).after(312)),
        Style::new("Meta", StyleType::Paragraph)
            .name("期间说明")
            .based_on("Normal")
            .fonts(fonts(KAITI))
            .size(SIHAO)
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240).before(0).after(312)),
        Style::new("Body", StyleType::Paragraph)
            .name("通报正文")
            .based_on("Normal")
            .align(AlignmentType::Both)
            .indent(None, Some(SpecialIndentType::FirstLine(TWO_CHARS_SANHAO)), None, None)
            .line_spacing(fixed_line),
        Style::new("Heading1", StyleType::Paragraph)
            .name("heading 1")
            .based_on("Normal")
            .next("Body")
            .fonts(fonts(HEITI))
            .size(SANHAO)
            .outline_lvl(0)
            .indent(None, Some(SpecialIndentType::FirstLine(TWO_CHARS_SANHAO)), None, None)
            .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(560).before(240).after(120)),
        Style::new("TableText", StyleType::Paragraph)
            .name("表格文字")
            .based_on("Normal")
            .fonts(fonts(SONGTI))
            .size(WUHAO)
            .line_spacing(single),
        Style::new("Note", StyleType::Paragraph)
            .name("注释")
            .based_on("Normal")
            .size(SIHAO)
            .align(AlignmentType::Both)
            .indent(None, Some(SpecialIndentType::FirstLine(TWO_CHARS_SIHAO)), None, None)
            .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(480)),
        Style::new("PageNumber", StyleType::Paragraph)
            .name("页码")
            .based_on("Normal")
            .fonts(fonts(SONGTI))
            .size(SIHAO)
            .align(AlignmentType::Center),
    ]
}

/// 期间, 截至, 范围 under the title, one to a line, in one paragraph the secretary can delete at once.
fn meta(lines: &[(&'static str, String)]) -> Paragraph {
    let mut run = Run::new();
    for (i, (label, value)) in lines.iter().enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(clean(&format!("{label}：{value}")));
    }
    Paragraph::new().style("Meta").add_run(run)
}

/// "— 1 —", the page number of an official document.
fn page_number() -> Paragraph {
    Paragraph::new()
        .style("PageNumber")
        .add_run(Run::new().add_text("— "))
        .add_page_num(PageNum::new())
        .add_run(Run::new().add_text(" —"))
}

fn body(text: &str) -> Paragraph {
    Paragraph::new().style("Body").add_run(Run::new().add_text(clean(text)))
}

fn table(t: &Table) -> WordTable {
    let (size, grid) = layout(t);
    let header = TableRow::new(
        t.headers
            .iter()
            .zip(&grid)
            .map(|(h, w)| {
                let run = Run::new().add_text(clean(h)).fonts(fonts(HEITI)).size(size);
                TableCell::new()
                    .width(*w, WidthType::Dxa)
                    .vertical_align(VAlignType::Center)
                    .shading(Shading::new().fill("F2F2F2"))
                    .add_paragraph(Paragraph::new().style("TableText").align(AlignmentType::Center).add_run(run))
            })
            .collect(),
    )
    .cant_split();
    let mut rows = vec![header];
    for row in &t.rows {
        let cells = row.iter().zip(&grid).map(|(c, w)| cell(c, *w, size)).collect();
        rows.push(TableRow::new(cells).cant_split());
    }
    WordTable::new(rows)
        .set_grid(grid)
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(20, CELL_MARGIN, 20, CELL_MARGIN))
}

fn cell(c: &Cell, width: usize, size: usize) -> TableCell {
    let mut run = Run::new().add_text(clean(&c.text())).size(size);
    let mut align = if c.is_number() { AlignmentType::Right } else { AlignmentType::Left };
    if let Cell::Flag(f) = c {
        run = run.bold().color(if *f == Flag::Red { "C00000" } else { "9C5700" });
        align = AlignmentType::Center;
    }
    TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .add_paragraph(Paragraph::new().style("TableText").align(align).add_run(run))
}

/// Cell margins of 1 mm beside the text (Word's default is 1.9 mm): eleven columns need the room.
const CELL_MARGIN: usize = 57;
/// Room a cell takes besides its text: its margins and a little slack.
const CELL_PADDING: usize = 2 * CELL_MARGIN + 40;

/// The type size and the column widths of a table: 五号 if every column fits its text at 五号, else 小五; the page
/// width shared out so that short columns (numbers, names, dates) keep their text on one line and long texts wrap.
fn layout(t: &Table) -> (usize, Vec<usize>) {
    let size = if natural_widths(t, WUHAO).iter().sum::<usize>() <= TEXT_WIDTH { WUHAO } else { XIAOWU };
    let long: Vec<bool> = t.cell_widths().iter().map(|&w| w > ONE_LINE).collect();
    (size, fit(&natural_widths(t, size), &long))
}

/// Per column, the twips its widest text takes at `size` (half-points), a header counting as wrapped over two lines.
fn natural_widths(t: &Table, size: usize) -> Vec<usize> {
    let em = size * 10;
    (0..t.headers.len())
        .map(|c| {
            // Over two lines, and one character more so that an odd number of characters still fits.
            let header = text_twips(&t.headers[c], size) / 2 + em;
            let cells = t.rows.iter().filter_map(|r| r.get(c)).map(|cell| text_twips(&cell.text(), size));
            cells.fold(header, usize::max) + CELL_PADDING
        })
        .collect()
}

/// The twips `s` takes at `size` (half-points): a Chinese character an em, a digit or Latin letter 0.6 em (Times New
/// Roman's digits are 0.5 em, the sans-serif fallbacks of a machine without it nearer 0.64), `%` 0.9 em.
fn text_twips(s: &str, size: usize) -> usize {
    let em = size * 10;
    s.chars()
        .map(|c| match c {
            c if is_wide_char(c) => em,
            '%' => em * 9 / 10,
            _ => em * 6 / 10,
        })
        .sum()
}

/// Fits `natural` widths to the text width: spare room is shared out in proportion; missing room is taken from the
/// `long` columns, whose text wraps anyway, and only if they cannot give it from every column.
fn fit(natural: &[usize], long: &[bool]) -> Vec<usize> {
    let total: usize = natural.iter().sum::<usize>().max(1);
    let fixed: usize = natural.iter().zip(long).filter(|(_, l)| !**l).map(|(w, _)| w).sum();
    let flexible = total - fixed;
    if total <= TEXT_WIDTH || flexible == 0 || fixed >= TEXT_WIDTH {
        return natural.iter().map(|w| w * TEXT_WIDTH / total).collect();
    }
    natural.iter().zip(long).map(|(&w, &l)| if l { w * (TEXT_WIDTH - fixed) / flexible } else { w }).collect()
}

/// Text as Word can hold it: XML 1.0 forbids most control characters, and a line break inside a paragraph would need
/// a break element; both are folded to spaces.
fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::example::example;

    fn part(docx: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip");
        let mut xml = String::new();
        zip.by_name(name).expect(name).read_to_string(&mut xml).expect("utf-8");
        xml
    }

    #[test]
    fn docx_holds_the_title_the_figures_and_the_official_page() {
        let bytes = render(&Document::of(&example())).expect("renders");
        let doc = part(&bytes, "word/document.xml");
        assert!(doc.contains("周口市万人助万企活动2023年7月通报"));
        assert!(doc.contains("99.33%"));
        assert!(doc.contains("全市共收集企业问题3118条"));
        for county in ["川汇区", "项城市"] {
            assert!(doc.contains(county), "{county}");
        }
        // A4 and the GB/T 9704 margins.
        assert!(doc.contains(r#"w:w="11906""#) && doc.contains(r#"w:h="16838""#), "page size");
        assert!(doc.contains(r#"w:top="2098""#) && doc.contains(r#"w:left="1587""#), "margins");
        // The prose comes before the first table.
        assert!(doc.find("全市共收集企业问题").expect("prose") < doc.find("<w:tbl>").expect("a table"));
        let styles = part(&bytes, "word/styles.xml");
        for font in [FANGSONG, XIAOBIAOSONG, HEITI] {
            assert!(styles.contains(font), "{font}");
        }
        let footer = part(&bytes, "word/footer1.xml");
        assert!(footer.contains("PAGE"), "{footer}");
    }

    #[test]
    fn text_from_the_records_is_escaped_once_and_control_characters_dropped() {
        let mut b = example();
        b.overdue[0].title = "<script>&\u{0}供电</script>".into();
        let doc = part(&render(&Document::of(&b)).expect("renders"), "word/document.xml");
        assert!(doc.contains("&lt;script&gt;&amp; 供电&lt;/script&gt;"), "escaped once");
        assert!(!doc.contains("<script>"));
        assert!(!doc.contains('\u{0}'));
    }

    #[test]
    fn tables_share_the_text_width() {
        for t in crate::tables::tables(&example()) {
            let (_, g) = layout(&t);
            assert_eq!(g.len(), t.headers.len());
            let sum: usize = g.iter().sum();
            assert!(sum <= TEXT_WIDTH && sum + g.len() >= TEXT_WIDTH, "{}: {sum}", t.title);
        }
    }

    #[test]
    fn short_columns_keep_their_width_and_long_ones_give_way() {
        let natural = [1000, 6000, 2000, 3000];
        let long = [false, true, false, true];
        let g = fit(&natural, &long);
        assert_eq!((g[0], g[2]), (1000, 2000));
        assert!(g[1] < 6000 && g[3] < 3000 && g[1] > g[3]);
        assert!(g.iter().sum::<usize>() <= TEXT_WIDTH);
        // Room to spare: every column grows.
        let g = fit(&[1000, 2000], &[false, false]);
        assert_eq!(g, [TEXT_WIDTH / 3, TEXT_WIDTH * 2 / 3]);
    }
}
