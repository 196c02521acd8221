//! What the ledger tests share: running `zhuqi import`/`export` on a test database, what success and refusal look
//! like, and spreadsheets written and read back the way a county's office makes and opens them.

#![allow(dead_code)]

use std::path::Path;
use std::process::Output;

use calamine::{Data, Reader};

use super::cli_support::zhuqi;
use super::support::TestDb;

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `zhuqi import KIND FILE --db URL extra…`, run in the file's folder.
pub fn import(db: &TestDb, kind: &str, file: &Path, extra: &[&str]) -> Output {
    let (url, path) = (db.url.to_string(), file.to_string_lossy().into_owned());
    let mut args = vec!["import", kind, path.as_str(), "--db", url.as_str()];
    args.extend_from_slice(extra);
    zhuqi(&args, file.parent().expect("dir"))
}

/// `zhuqi export KIND -o FILE --db URL extra…`, which must succeed.
pub fn export(db: &TestDb, kind: &str, file: &Path, extra: &[&str]) -> Output {
    let (url, path) = (db.url.to_string(), file.to_string_lossy().into_owned());
    let mut args = vec!["export", kind, "-o", path.as_str(), "--db", url.as_str()];
    args.extend_from_slice(extra);
    let out = zhuqi(&args, file.parent().expect("dir"));
    assert!(out.status.success(), "export failed: {}", stderr(&out));
    out
}

pub fn assert_ok(out: &Output) {
    assert!(out.status.success(), "should succeed:\n{}\n{}", stdout(out), stderr(out));
    assert!(!stderr(out).contains("panicked"), "{}", stderr(out));
}

/// Fails unless the import was refused without a panic and its last line says so in both languages.
pub fn assert_refused(out: &Output) -> String {
    let err = stderr(out);
    assert!(!out.status.success(), "should fail:\n{}\n{err}", stdout(out));
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
    assert!(last.starts_with("错误 / error:") && last.contains(" / "), "one closing line expected: {err}");
    err
}

/// Writes a workbook whose first sheet (台账) holds `rows` (text cells; `=N` a number cell), the way a county makes one.
pub fn write_xlsx(path: &Path, rows: &[Vec<&str>]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("台账").expect("name");
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            match text.strip_prefix('=').and_then(|n| n.parse::<f64>().ok()) {
                Some(n) => sheet.write_number(r as u32, c as u16, n).map(|_| ()),
                None if text.is_empty() => Ok(()),
                None => sheet.write_string(r as u32, c as u16, *text).map(|_| ()),
            }
            .expect("write");
        }
    }
    book.save(path).expect("save");
}

/// `rows` as CSV text (UTF-8, no BOM).
pub fn csv_text(rows: &[Vec<&str>]) -> String {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for row in rows {
        w.write_record(row).expect("record");
    }
    String::from_utf8(w.into_inner().expect("csv")).expect("utf-8")
}

pub fn write_csv(path: &Path, rows: &[Vec<&str>]) {
    std::fs::write(path, csv_text(rows)).expect("write csv");
}

/// A workbook's or CSV file's cells as text, without the columns named in `except`.
pub fn cells(path: &Path, except: &[&str]) -> Vec<Vec<String>> {
    let rows: Vec<Vec<String>> = if path.extension().is_some_and(|e| e == "csv") {
        let text = std::fs::read_to_string(path).expect("read");
        let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
        r.records().map(|rec| rec.expect("record").iter().map(str::to_owned).collect()).collect()
    } else {
        let mut book = calamine::open_workbook_auto(path).expect("workbook");
        let name = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&name).expect("sheet");
        range
            .rows()
            .map(|row| {
                row.iter()
                    .map(|d| match d {
                        Data::Empty => String::new(),
                        Data::String(s) => s.clone(),
                        Data::Float(f) => format!("{f}"),
                        Data::Int(i) => i.to_string(),
                        Data::DateTime(dt) => {
                            let (y, m, d, ..) = dt.to_ymd_hms_milli();
                            format!("{y:04}-{m:02}-{d:02}")
                        }
                        other => format!("{other:?}"),
                    })
                    .collect()
            })
            .collect()
    };
    let keep: Vec<bool> = rows[0].iter().map(|h| !except.contains(&h.as_str())).collect();
    rows.into_iter().map(|r| r.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(c, _)| c).collect()).collect()
}
