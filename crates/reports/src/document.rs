//! What the Word and Excel writers print: a title, the lines under it, paragraphs, tables and notes. A bulletin is
//! one (`Document::of`); the report a weekly meeting opens with is another (`meeting`), so both come out of the
//! same two writers in the same official layout.

use jiff::Timestamp;

use super::Bulletin;
use super::tables::{self, Table};

#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    /// 月通报, 周交办会议通报: the file's subject.
    pub subject: &'static str,
    /// 期间, 截至, 范围 …, under the title.
    pub meta: Vec<(&'static str, String)>,
    pub prose: Vec<String>,
    pub tables: Vec<Table>,
    /// The definitions, printed last (under the first table in a workbook).
    pub notes: Vec<String>,
    pub generated_at: Timestamp,
}

impl Document {
    pub fn of(b: &Bulletin) -> Document {
        Document {
            title: b.title.clone(),
            subject: b.kind.bulletin_name(),
            meta: tables::meta(b),
            prose: b.prose.clone(),
            tables: tables::tables(b),
            notes: tables::notes(b),
            generated_at: b.generated_at,
        }
    }

    pub fn xlsx(&self) -> anyhow::Result<Vec<u8>> {
        super::xlsx::render(self)
    }

    pub fn docx(&self) -> anyhow::Result<Vec<u8>> {
        super::docx::render(self)
    }
}
