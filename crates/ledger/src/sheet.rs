//! Reading a ledger file into rows of cells, whatever made it: Excel (.xlsx, and .xls/.ods through the same reader)
//! or CSV in UTF-8 (with or without a byte-order mark), UTF-16 (Excel's "Unicode text"), or GB18030/GBK (what a
//! Chinese Excel writes when it saves CSV). Each row keeps the number the spreadsheet shows it under, so an error can
//! name the row the user will look at.

use std::borrow::Cow;
use std::io::Cursor;
use std::path::Path;

use anyhow::{Context, bail};
use calamine::{Data, Reader};
use jiff::civil::Date;

/// The largest file read: a ledger of a whole province's year is well under it, and it bounds what a bad file can
/// make the reader allocate.
const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// One cell as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell Excel holds as a date (its time of day, if any, dropped).
    Date(Date),
    Bool(bool),
    /// An Excel error value such as `#N/A`.
    Error(String),
}

impl Cell {
    /// The cell as text, `None` when it is empty or only spaces.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        let text: Cow<'_, str> = match self {
            Cell::Empty => return None,
            Cell::Text(s) => Cow::Borrowed(s.as_str()),
            Cell::Number(n) => Cow::Owned(number_text(*n)),
            Cell::Date(d) => Cow::Owned(d.to_string()),
            Cell::Bool(b) => Cow::Borrowed(if *b { "是" } else { "否" }),
            Cell::Error(e) => Cow::Owned(e.clone()),
        };
        if text.trim().is_empty() { None } else { Some(text) }
    }
}

/// A number as people write it: whole numbers without a decimal point (a phone number typed into a numeric cell
/// reads back as 13800138000, not 13800138000.0), others in their shortest exact form.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// One row, with its number as the spreadsheet shows it (1-based).
#[derive(Debug, Clone)]
pub struct SheetRow {
    pub number: usize,
    pub cells: Vec<Cell>,
}

impl SheetRow {
    pub fn cell(&self, index: usize) -> &Cell {
        self.cells.get(index).unwrap_or(&Cell::Empty)
    }
}

/// How a file is read, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Workbook,
    Csv,
}

impl Format {
    pub fn of(path: &Path) -> anyhow::Result<Format> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" | "xls" | "ods" => Ok(Format::Workbook),
            "csv" | "txt" => Ok(Format::Csv),
            _ => bail!("只支持 .xlsx 和 .csv 文件：{} / only .xlsx and .csv files are supported", path.display()),
        }
    }
}

/// Reads every row of the file (the named sheet, or the first, of a workbook).
pub fn read(path: &Path, sheet: Option<&str>) -> anyhow::Result<Vec<SheetRow>> {
    let format = Format::of(path)?;
    let size = std::fs::metadata(path).with_context(|| format!("无法读取文件 / cannot read {}", path.display()))?.len();
    if size > MAX_FILE_BYTES {
        bail!("文件过大（超过512MB），请分成几个文件导入 / the file is larger than 512 MB: split it");
    }
    let bytes = std::fs::read(path).with_context(|| format!("无法读取文件 / cannot read {}", path.display()))?;
    match format {
        Format::Workbook => read_workbook(bytes, sheet),
        Format::Csv => Ok(read_csv(&decode(&bytes)?)),
    }
}

/// A third-party reader meets every byte a user's file holds: should it ever panic on one, the import ends with a
/// message instead of a crash.
fn read_workbook(bytes: Vec<u8>, sheet: Option<&str>) -> anyhow::Result<Vec<SheetRow>> {
    let sheet = sheet.map(str::to_owned);
    std::panic::catch_unwind(move || read_workbook_inner(bytes, sheet.as_deref()))
        .unwrap_or_else(|_| bail!("无法读取该 Excel 文件，文件可能已损坏 / the workbook cannot be read"))
}

fn read_workbook_inner(bytes: Vec<u8>, sheet: Option<&str>) -> anyhow::Result<Vec<SheetRow>> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| anyhow::anyhow!("不是可以读取的 Excel 文件，文件可能已损坏 / not a readable workbook: {e}"))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names.iter().find(|n| n.trim() == wanted.trim()).cloned().ok_or_else(|| {
            anyhow::anyhow!("没有名为「{wanted}」的工作表，现有：{} / no such sheet", names.join("、"))
        })?,
        None => {
            names.first().cloned().ok_or_else(|| anyhow::anyhow!("文件中没有工作表 / the workbook has no sheet"))?
        }
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| anyhow::anyhow!("无法读取工作表「{name}」 / cannot read the sheet: {e}"))?;
    // The range starts at the first cell in use, not at A1: add its offset to give the row numbers Excel shows.
    let (first_row, first_col) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row: Vec<Cell> = vec![Cell::Empty; first_col];
            row.extend(cells.iter().map(cell_of));
            SheetRow { number: first_row + i + 1, cells: row }
        })
        .collect())
}

fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match (i16::try_from(y), i8::try_from(m), i8::try_from(d)) {
                (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).map_or(Cell::Number(dt.as_f64()), Cell::Date),
                _ => Cell::Number(dt.as_f64()),
            }
        }
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// The text of a CSV file in whichever encoding it came.
pub fn decode(bytes: &[u8]) -> anyhow::Result<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec())
            .map_err(|_| anyhow::anyhow!("文件标明是 UTF-8 编码，但内容不是 / the file claims UTF-8 but is not"));
    }
    for (bom, encoding) in [(&b"\xFF\xFE"[..], encoding_rs::UTF_16LE), (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (text, malformed) = encoding.decode_without_bom_handling(rest);
            if malformed {
                bail!("文件标明是 UTF-16 编码，但内容有误 / the file claims UTF-16 but is malformed");
            }
            return Ok(text.into_owned());
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    // Not UTF-8: a Chinese Excel's "CSV" is GBK, which GB18030 contains.
    let (text, malformed) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if malformed {
        bail!("无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030） / the file is neither UTF-8 nor GBK/GB18030 text");
    }
    Ok(text.into_owned())
}

/// Excel's "Unicode text" separates with tabs; everything else here with commas.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    if first.matches('\t').count() > first.matches(',').count() { b'\t' } else { b',' }
}

/// Whether a spreadsheet would take this text for a formula when it opens a CSV file (OWASP's rule against CSV
/// injection: text starting with = + - @, a tab or a carriage return), or it is such text already quoted once.
fn formula_like(text: &str) -> bool {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => true,
        Some('\'') => formula_like(&text[1..]),
        _ => false,
    }
}

/// A text cell as a CSV file holds it (issue 14): formula-like text gets a leading apostrophe, which spreadsheets show
/// as text rather than run, and which `read_csv` takes off again, so that an export imports back unchanged.
pub fn csv_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if formula_like(text) { format!("'{text}").into() } else { text.into() }
}

/// A CSV field as it was before `csv_safe` quoted it.
fn csv_unquoted(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => field,
    }
}

/// Every record of the CSV text, numbered as Excel numbers the rows it opens the file into: a blank line is an empty
/// row, a line break inside quotes stays inside its cell.
pub fn read_csv(text: &str) -> Vec<SheetRow> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows: Vec<SheetRow> = Vec::new();
    let mut record = csv::StringRecord::new();
    // The text is valid UTF-8 and the reader flexible, so a record can only fail on an I/O error of a byte slice:
    // none. Should one come anyway, reading stops there rather than guessing.
    while let Ok(true) = reader.read_record(&mut record) {
        // A record's position is where the one before it ended: the empty lines the reader skipped lie between.
        let start = record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let number = rows.last().map_or(0, |r| r.number) + 1 + empty_lines_at(text.as_bytes(), start);
        let cells = record
            .iter()
            .map(|field| if field.trim().is_empty() { Cell::Empty } else { Cell::Text(csv_unquoted(field).to_owned()) })
            .collect();
        rows.push(SheetRow { number, cells });
    }
    rows
}

/// The empty lines starting at `start` (where the reader left off after a record: possibly between the `\r` and the
/// `\n` of its line end). `\r\n`, `\n` and a lone `\r` each end one line.
fn empty_lines_at(text: &[u8], start: usize) -> usize {
    let mut rest = text.get(start..).unwrap_or_default();
    if start > 0 && text.get(start - 1) == Some(&b'\r') && rest.first() == Some(&b'\n') {
        rest = &rest[1..];
    }
    let mut lines = 0;
    while let [b'\r' | b'\n', ..] = rest {
        let crlf = rest.starts_with(b"\r\n");
        rest = &rest[if crlf { 2 } else { 1 }..];
        lines += 1;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_exported_as_text_and_imported_back_unchanged() {
        let texts = [
            "=HYPERLINK(\"http://x\",\"点我\")",
            "=1+1",
            "+1+2",
            "-2+3",
            "@SUM(A1:A2)",
            "\t=1",
            "\r=1",
            "'=1+1",
            "''+1",
            "'普通文字",
            "普通文字",
            "1-2",
        ];
        for text in texts {
            let safe = csv_safe(text);
            assert!(!matches!(safe.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r')), "{text:?} -> {safe:?}");
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["序号", safe.as_ref()]).expect("write");
            let file = String::from_utf8(w.into_inner().expect("flush")).expect("utf-8");
            let rows = read_csv(&file);
            assert_eq!(rows[0].cells[1], Cell::Text(text.to_owned()), "{text:?} via {file:?}");
        }
        assert_eq!(csv_safe("普通文字"), "普通文字", "other text is left as it is");
    }

    #[test]
    fn every_encoding_a_chinese_excel_writes_is_read() {
        let text = "企业名称,统一社会信用代码\n周口华源食品有限公司,91350100M000100Y43\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        for bytes in [text.as_bytes().to_vec(), bom, gbk.into_owned(), utf16] {
            assert_eq!(decode(&bytes).expect("decoded"), text);
        }
        assert!(decode(&[0xFF, 0xFF, 0x81, 0x20, 0xC0]).is_err());
    }

    #[test]
    fn csv_rows_keep_their_numbers_and_quoted_line_breaks() {
        let rows = read_csv("标题行\n序号,问题描述\n1,\"第一行\n第二行\"\n\n2,描述\r\n\r\n\r\n3,末行");
        let numbers: Vec<usize> = rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 3, 5, 8]);
        assert_eq!(read_csv("\n\n序号\n1")[0].number, 3);
        assert_eq!(rows[2].cell(1), &Cell::Text("第一行\n第二行".into()));
        assert_eq!(read_csv("a\tb\tc\n1\t2\t3")[1].cells.len(), 3);
    }

    #[test]
    fn whole_numbers_read_without_a_decimal_point() {
        assert_eq!(number_text(13800138000.0), "13800138000");
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(number_text(0.000001), "0.000001");
    }
}
