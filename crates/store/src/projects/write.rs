//! Writing the ledger: projects, their dated stage changes, monthly investment reports, annual plans, and the link
//! of an appeal to the project it is about. Each call is one transaction with its audit record.

use jiff::civil::Date;
use zhuqi_domain::project::Stage;
use zhuqi_domain::Fen;

use super::{InvestmentReport, NewInvestmentReport, NewProject, ProjectEdit, ProjectRecord};
use crate::access::Principal;
use crate::{Result, Store};

impl Store {
    /// Enters a project in the ledger (a dispatcher, within its region), with its first stage dated `stage_on`.
    pub async fn create_project(
        &self,
        p: &Principal,
        source: &str,
        new: NewProject,
        today: Date,
    ) -> Result<ProjectRecord> {
        todo!("{p:?} {source} {new:?} {today}")
    }

    /// Saves an edit of the project's fields; refused as stale when `edit.version` is not the stored one.
    pub async fn edit_project(&self, p: &Principal, source: &str, id: i64, edit: ProjectEdit) -> Result<ProjectRecord> {
        todo!("{p:?} {source} {id} {edit:?}")
    }

    /// Moves the project to stage `to` on `on` (checked by `zhuqi_domain::project::check_stage_change`).
    #[allow(clippy::too_many_arguments)]
    pub async fn change_stage(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        to: Stage,
        on: Date,
        reason: Option<String>,
        today: Date,
    ) -> Result<ProjectRecord> {
        todo!("{p:?} {source} {id} {to:?} {on} {reason:?} {today}")
    }

    /// Records (or corrects) the monthly report of cumulative completed investment for `report.month`, which may not
    /// be after `today`'s month (checked by `zhuqi_domain::project::check_investment_report`).
    pub async fn report_investment(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        report: NewInvestmentReport,
        today: Date,
    ) -> Result<InvestmentReport> {
        todo!("{p:?} {source} {id} {report:?} {today}")
    }

    /// Sets the project's planned investment for `year` (年度计划投资).
    pub async fn set_plan(&self, p: &Principal, source: &str, id: i64, year: i16, planned: Fen) -> Result<()> {
        todo!("{p:?} {source} {id} {year} {planned:?}")
    }

    /// Links appeal `appeal_id` to project `project_id` (or unlinks it with `None`): a dispatcher, both in its scope.
    pub async fn link_appeal(
        &self,
        p: &Principal,
        source: &str,
        appeal_id: i64,
        project_id: Option<i64>,
    ) -> Result<()> {
        todo!("{p:?} {source} {appeal_id} {project_id:?}")
    }
}
