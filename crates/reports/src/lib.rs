//! Bulletins (通报, SPEC §6): the weekly summary, monthly bulletin, quarterly review and annual assessment of a scope,
//! built once from the store's figures (`build`) and rendered in the format asked for.

mod build;
pub mod bulletin;
pub mod charts;
pub mod disputes;
pub mod document;
mod docx;
pub mod example;
mod html;
mod markdown;
pub mod meeting;
pub mod policies;
pub mod projects;
mod prose;
pub mod svg;
mod tables;
pub mod tasks;
mod xlsx;

use zhuqi_domain::Level;
use zhuqi_domain::RegionCode;
use zhuqi_domain::stats::{FlagRule, Period, Weights};

pub use build::{ReportError, build};
pub use bulletin::Bulletin;

/// What a bulletin is asked for: a period, a scope within the reader's, optionally one level, and the ranking rules.
#[derive(Debug, Clone)]
pub struct BulletinRequest {
    pub period: Period,
    pub scope: ReportScope,
    /// Figures as of this date; by default the period's last day, or today while the period runs.
    pub as_of: Option<jiff::civil::Date>,
    pub level: Option<Level>,
    pub weights: Weights,
    pub flag_rule: FlagRule,
}

/// Whose figures: the reader's whole scope, a region below it, or one handling unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportScope {
    Mine,
    Region(RegionCode),
    Unit(i64),
}

/// The formats of SPEC §6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Markdown,
    Html,
    Xlsx,
    Docx,
}

impl Format {
    pub const ALL: [Format; 5] = [Format::Json, Format::Markdown, Format::Html, Format::Xlsx, Format::Docx];

    /// `json`, `md`, `html`, `xlsx`, `docx`: the command-line word and the file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }

    /// 表格 / 文档 …: how the download button names it.
    pub fn label(self) -> &'static str {
        match self {
            Format::Json => "JSON 数据",
            Format::Markdown => "Markdown 文本",
            Format::Html => "网页（可打印）",
            Format::Xlsx => "Excel 表格",
            Format::Docx => "Word 文档",
        }
    }

    pub fn render(self, b: &Bulletin) -> anyhow::Result<Vec<u8>> {
        match self {
            Format::Json => Ok(serde_json::to_vec_pretty(b)?),
            Format::Markdown => Ok(markdown::render(b).into_bytes()),
            Format::Html => Ok(html::render(b)?.into_bytes()),
            Format::Xlsx => document::Document::of(b).xlsx(),
            Format::Docx => document::Document::of(b).docx(),
        }
    }
}

/// The file name a bulletin is saved under: 周口市-月通报-2023-07.xlsx
pub fn file_name(b: &Bulletin, format: Format) -> String {
    format!("{}-{}-{}.{}", b.scope.name, b.kind.bulletin_name(), b.period.code, format.as_str())
}
