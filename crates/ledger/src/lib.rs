//! Ledgers (台账): importing and exporting the Excel and CSV tables in which counties have kept their enterprises, their
//! enterprises' problems, and their key projects (`projects`).
//!
//! `zhuqi import enterprises|appeals FILE` reads a ledger whose headings may come in any order and in the variants
//! counties write (`headings`), under any title rows, checks every row against the rules and the database, and writes
//! all of them in one transaction or nothing at all: a file with one bad row writes nothing and the user is told every
//! bad row with its row number, column and reason (`import`). `zhuqi export` writes the same headings (`export`), so
//! that an export imports into another database as it is. The 包联 ledger (`assignments`) says which work group
//! serves which enterprise.

mod accounts;
mod assignments;
mod catalog;
mod disputes;
mod export;
mod headings;
mod import;
mod policies;
pub mod projects;
mod sheet;
mod tasks;
mod values;

use std::time::Duration;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};

pub use export::{ExportRequest, export};
pub use import::{ImportRequest, ImportSummary, Rejected, RowError, import};

/// What a ledger lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LedgerKind {
    /// 企业台账 / enterprises
    Enterprises,
    /// 诉求（问题）台账 / appeals
    Appeals,
    /// 重点项目台账 / key projects
    Projects,
    /// 包联台账：工作组、助企干部与所包联的企业 / which work group serves which enterprise
    Assignments,
    /// 单位名录：单位全称、所属地区 / handling units
    Units,
    /// 用户台账：用户名、姓名、角色、所属地区、所属单位、手机 / user accounts, each given a one-time password
    Users,
    /// 交办清单：会议名称、工作领域、交办事项、牵头市领导、牵头单位、配合单位、完成时限、预期成效 / weekly meetings' tasks
    Tasks,
    /// 纠纷案件台账：受理日期、受理工作站、涉事企业、对方当事人、纠纷类型、涉及金额、简要案情、承办、调解结果… / dispute cases
    Disputes,
    /// 惠企政策库：政策名称、发文机关、层级、文号、适用地区、责任单位、状态、有效期、扶持方式与内容、申享条件… / the policy library
    Policies,
}

impl LedgerKind {
    pub fn label(self) -> &'static str {
        match self {
            LedgerKind::Enterprises => "企业",
            LedgerKind::Appeals => "诉求",
            LedgerKind::Projects => "重点项目",
            LedgerKind::Assignments => "包联",
            LedgerKind::Units => "单位",
            LedgerKind::Users => "用户",
            LedgerKind::Tasks => "交办事项",
            LedgerKind::Disputes => "纠纷案件",
            LedgerKind::Policies => "惠企政策",
        }
    }
}

/// What the user watches while a long file is read, checked and written: bars on a terminal (indicatif hides them
/// elsewhere), and a line on stderr as each stage begins.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub visible: bool,
}

impl Progress {
    pub fn bar(&self, len: usize, message: &'static str) -> ProgressBar {
        if !self.visible {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(len as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} {per_sec} 剩余 {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    pub fn note(&self, line: &str) {
        if self.visible {
            eprintln!("{line}");
        }
    }
}
