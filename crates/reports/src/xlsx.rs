//! The bulletin as an Excel workbook: one sheet per table, each a real Excel table (header row, filter buttons,
//! banded rows) under a title, with numbers written as numbers so that a secretary can sort, sum and chart them.
//! Rates are the percentages as printed (99.33 with the format `0.00"%"`), so a cell shows and holds the same figure
//! the other formats print; a rate over no items is the text "—", as everywhere.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Table as ExcelTable, TableColumn, TableStyle,
    Workbook, Worksheet, XlsxError,
};

use super::document::Document;
use super::tables::{Cell, Delta, NONE, Section, Table, display_width};

/// The sheet's title, its meta line, then the table.
const TITLE_ROW: u32 = 0;
const META_ROW: u32 = 1;
const HEADER_ROW: u32 = 3;
/// A wider table than this (in character cells) is printed landscape.
const PORTRAIT_WIDTH: f64 = 100.0;

pub fn render(d: &Document) -> anyhow::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(&d.title).set_subject(d.subject).set_author("助企通"));
    let formats = Formats::new();
    let meta: Vec<String> = d.meta.iter().map(|(k, v)| format!("{k}：{v}")).collect();
    let meta = meta.join("　");
    for (i, t) in d.tables.iter().enumerate() {
        let ws = wb.add_worksheet();
        let (below, width) = sheet(ws, t, &d.title, &meta, &formats)?;
        if i == 0 && !d.notes.is_empty() {
            // The definitions and the ranking rule belong with the figures they explain.
            let notes: Vec<String> = d.notes.iter().enumerate().map(|(i, n)| format!("{}. {n}", i + 1)).collect();
            ws.write_string_with_format(below + 1, 0, "注：", &formats.note)?;
            paragraphs(ws, below + 2, &notes, col(t.headers.len().max(1) - 1), width, &formats)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// Writes one table's sheet; returns the first free row under it and the sheet's width in character cells.
fn sheet(ws: &mut Worksheet, t: &Table, title: &str, meta: &str, f: &Formats) -> Result<(u32, f64), XlsxError> {
    ws.set_name(t.sheet)?;
    let last_col = col(t.headers.len().max(1) - 1);
    merged(ws, TITLE_ROW, last_col, &format!("{title}　{}", t.title), &f.title)?;
    ws.set_row_height(TITLE_ROW, 24)?;
    merged(ws, META_ROW, last_col, meta, &f.meta)?;

    let widths = column_widths(t);
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(col(c), *w)?;
    }
    let width: f64 = widths.iter().sum();
    page_setup(ws, t, width);

    let mut next = HEADER_ROW + 1;
    if t.rows.is_empty() {
        merged(ws, HEADER_ROW, last_col, t.empty, &f.text)?;
    } else {
        for (r, row) in t.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                write(ws, HEADER_ROW + 1 + row_index(r), col(c), cell, f)?;
            }
        }
        let last_row = HEADER_ROW + row_index(t.rows.len());
        let columns: Vec<TableColumn> =
            t.headers.iter().map(|h| TableColumn::new().set_header(h).set_header_format(&f.header)).collect();
        let table =
            ExcelTable::new().set_name(table_name(t.section)).set_columns(&columns).set_style(TableStyle::Medium2);
        ws.add_table(HEADER_ROW, 0, last_row, last_col, &table)?;
        ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
        next = last_row + 1;
    }
    if let Some(note) = &t.note {
        next = paragraphs(ws, next, std::slice::from_ref(note), last_col, width, f)?;
    }
    Ok((next, width))
}

/// Excel widths in character cells: room for the filter button beside a header, a margin beside the widest value.
fn column_widths(t: &Table) -> Vec<f64> {
    t.column_widths(1)
        .iter()
        .zip(&t.headers)
        .map(|(w, h)| (display_width(h) + 4).max(w + 2).clamp(6, 60) as f64)
        .collect()
}

fn page_setup(ws: &mut Worksheet, t: &Table, width: f64) {
    const A4: u8 = 9;
    ws.set_paper_size(A4);
    if t.is_wide() || width > PORTRAIT_WIDTH {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_footer("&C第 &P 页，共 &N 页");
    // The header row again on every printed page (the row is in range: this cannot fail).
    let _ = ws.set_repeat_rows(HEADER_ROW, HEADER_ROW);
}

/// One text across the table's width (a single cell when the table has one column).
fn merged(ws: &mut Worksheet, row: u32, last_col: u16, text: &str, f: &Format) -> Result<(), XlsxError> {
    if last_col == 0 {
        ws.write_string_with_format(row, 0, text, f)?;
    } else {
        ws.merge_range(row, 0, row, last_col, text, f)?;
    }
    Ok(())
}

/// Paragraphs under a table, each across its width and tall enough for its wrapped text (Excel does not grow a
/// merged row by itself); returns the first free row.
fn paragraphs(
    ws: &mut Worksheet,
    first: u32,
    lines: &[String],
    last_col: u16,
    width: f64,
    f: &Formats,
) -> Result<u32, XlsxError> {
    let mut row = first;
    for text in lines {
        merged(ws, row, last_col, text, &f.note)?;
        let lines = (display_width(text) as f64 / width.max(1.0)).ceil().max(1.0);
        ws.set_row_height(row, 14.0 * lines)?;
        row += 1;
    }
    Ok(row)
}

/// ASCII names, which every Excel version accepts in a formula (`=SUM(Regions[收集])`).
fn table_name(s: Section) -> &'static str {
    match s {
        Section::Overview => "Overview",
        Section::Regions => "Regions",
        Section::Units => "Units",
        Section::Overdue => "Overdue",
        Section::Categories => "Categories",
        Section::Trend => "Trend",
        Section::Projects => "Projects",
        Section::Batches => "Batches",
        Section::Observation => "Observation",
        Section::Disputes => "Disputes",
        Section::Tasks => "Tasks",
        Section::OpenTasks => "OpenTasks",
        Section::Policies => "Policies",
    }
}

fn write(ws: &mut Worksheet, row: u32, col: u16, cell: &Cell, f: &Formats) -> Result<(), XlsxError> {
    let number =
        |ws: &mut Worksheet, v: f64, format: &Format| ws.write_number_with_format(row, col, v, format).map(|_| ());
    match cell {
        Cell::Text(s) => ws.write_string_with_format(row, col, s, &f.text).map(|_| ()),
        Cell::Flag(flag) => {
            let format = if *flag == zhuqi_domain::stats::Flag::Red { &f.red } else { &f.yellow };
            ws.write_string_with_format(row, col, flag.label(), format).map(|_| ())
        }
        Cell::Count(n) => number(ws, *n as f64, &f.count),
        Cell::Rate(r) => match r.0 {
            Some(h) => number(ws, h.as_f64(), &f.percent),
            None => ws.write_string_with_format(row, col, NONE, &f.none).map(|_| ()),
        },
        Cell::Decimal(Some(h)) => number(ws, h.as_f64(), &f.decimal),
        Cell::Date(d) => {
            let day =
                ExcelDateTime::from_ymd(d.year().unsigned_abs(), d.month().unsigned_abs(), d.day().unsigned_abs())?;
            ws.write_datetime_with_format(row, col, &day, &f.date).map(|_| ())
        }
        Cell::Change(Delta::Count(n)) => number(ws, *n as f64, &f.change_count),
        Cell::Change(Delta::Points(Some(h))) => number(ws, h.as_f64(), &f.change_points),
        Cell::Change(Delta::Decimal(Some(h))) => number(ws, h.as_f64(), &f.change_decimal),
        Cell::Decimal(None) | Cell::Change(Delta::Points(None) | Delta::Decimal(None)) => {
            ws.write_string_with_format(row, col, NONE, &f.none).map(|_| ())
        }
    }
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn row_index(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

/// The cell formats, made once per workbook.
struct Formats {
    title: Format,
    meta: Format,
    note: Format,
    header: Format,
    text: Format,
    none: Format,
    red: Format,
    yellow: Format,
    count: Format,
    percent: Format,
    decimal: Format,
    date: Format,
    change_count: Format,
    change_points: Format,
    change_decimal: Format,
}

impl Formats {
    fn new() -> Formats {
        // Thin borders on every table cell: a printed 台账 is ruled, whatever the viewer makes of the table style.
        let cell = || Format::new().set_border(FormatBorder::Thin).set_border_color("#808080");
        let number = |pattern: &str| cell().set_num_format(pattern).set_align(FormatAlign::Right);
        let flag = |colour: &str| cell().set_bold().set_font_color(colour).set_align(FormatAlign::Center);
        Formats {
            title: Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center),
            meta: Format::new().set_font_size(10).set_align(FormatAlign::Center),
            note: Format::new().set_font_size(10).set_text_wrap().set_align(FormatAlign::Top),
            header: cell()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            text: cell().set_text_wrap().set_align(FormatAlign::VerticalCenter),
            none: cell().set_align(FormatAlign::Right),
            red: flag("#C00000"),
            yellow: flag("#9C5700"),
            count: number("0"),
            percent: number(r#"0.00"%""#),
            decimal: number("0.00"),
            date: number("yyyy-mm-dd"),
            // "持平" for no change, as the other formats print it.
            change_count: number(r#"+0;-0;"持平""#),
            change_points: number(r#"+0.00"个百分点";-0.00"个百分点";"持平""#),
            change_decimal: number(r#"+0.00;-0.00;"持平""#),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::*;
    use crate::example::example;

    fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx")
    }

    /// The row of `range` whose first cell is `label`.
    fn row<'a>(range: &'a calamine::Range<Data>, label: &str) -> &'a [Data] {
        range.rows().find(|r| r.first() == Some(&Data::String(label.into()))).expect(label)
    }

    #[test]
    fn workbook_has_the_sheets_headers_and_numbers() {
        let b = example();
        let mut wb = open(render(&Document::of(&b)).expect("renders"));
        assert_eq!(
            wb.sheet_names(),
            ["总体情况", "各县区", "各单位", "超期事项", "问题类型", "趋势", "周交办", "多元解纷", "惠企政策"]
        );

        let overview = wb.worksheet_range("总体情况").expect("sheet");
        let header = row(&overview, "指标");
        assert_eq!(header[1], Data::String("本期（2023年7月）".into()));
        assert_eq!(
            row(&overview, "收集企业问题（条）")[1..4],
            [Data::Float(3118.0), Data::Float(2882.0), Data::Float(236.0)]
        );
        assert_eq!(row(&overview, "问题动态解决率")[1..4], [Data::Float(99.33), Data::Float(99.17), Data::Float(0.16)]);

        let regions = wb.worksheet_range("各县区").expect("sheet");
        let header = row(&regions, "排名");
        assert_eq!(header[1], Data::String("县区".into()));
        assert_eq!(header[4], Data::String("动态解决率".into()));
        let first = regions.rows().nth(HEADER_ROW as usize + 1).expect("a line");
        assert_eq!(first[0], Data::Float(1.0), "the rank is a number");
        let names: Vec<&Data> = regions.rows().skip(HEADER_ROW as usize + 1).map(|r| &r[1]).collect();
        assert_eq!(names.len(), 10);
        assert!(names.contains(&&Data::String("项城市".into())));

        let overdue = wb.worksheet_range("超期事项").expect("sheet");
        let item = row(&overdue, "ZK-2023-002871");
        assert!(matches!(item[5], Data::DateTime(_)), "{:?}", item[5]);
        assert_eq!(item[6], Data::Float(11.0));

        let disputes = wb.worksheet_range("多元解纷").expect("sheet");
        let total = row(&disputes, "合计");
        // 受理, 涉及金额 (万元), 调解成功, 调解成功率 (%).
        assert_eq!(total[1..5], [Data::Float(1585.0), Data::Float(130406.0), Data::Float(1238.0), Data::Float(78.11)]);
        let tasks = wb.worksheet_range("周交办").expect("sheet");
        // 交办, 按期完成, 逾期完成, 未完成, 其中超期, 撤销, 按期完成率 (of the 39 not withdrawn).
        let all = [40.0, 30.0, 4.0, 5.0, 2.0, 1.0, 76.92].map(Data::Float);
        assert_eq!(row(&tasks, "合计")[1..8], all);
    }

    #[test]
    fn every_sheet_holds_a_real_table() {
        let mut wb = open(render(&Document::of(&example())).expect("renders"));
        wb.load_tables().expect("tables");
        let mut names: Vec<&String> = wb.table_names();
        names.sort();
        assert_eq!(
            names,
            ["Categories", "Disputes", "Overdue", "Overview", "Policies", "Regions", "Tasks", "Trend", "Units"]
        );
        let regions = wb.table_by_name("Regions").expect("table");
        assert_eq!(regions.sheet_name(), "各县区");
        assert_eq!(regions.columns()[10], "旗帜");
        assert_eq!(regions.data().height(), 10);
    }

    #[test]
    fn a_rate_over_nothing_is_a_dash_and_an_empty_list_no_table() {
        let mut b = example();
        b.units[0].figures.satisfaction_rate = zhuqi_domain::stats::Rate(None);
        b.overdue.clear();
        let mut wb = open(render(&Document::of(&b)).expect("renders"));
        let units = wb.worksheet_range("各单位").expect("sheet");
        let first = units.rows().nth(HEADER_ROW as usize + 1).expect("a line");
        assert_eq!(first[6], Data::String("—".into()));
        let overdue = wb.worksheet_range("超期事项").expect("sheet");
        assert!(overdue.rows().any(|r| r[0] == Data::String("截至统计日，无超期未办结事项。".into())));
        wb.load_tables().expect("tables");
        assert!(!wb.table_names().iter().any(|n| n.as_str() == "Overdue"));
    }
}
