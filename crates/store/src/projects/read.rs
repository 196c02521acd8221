//! Reading the ledger: one project with its history, the filtered list with each line's figures, its appeals.

use jiff::civil::Date;

use super::{ProjectDetail, ProjectFilter, ProjectPage};
use crate::access::Principal;
use crate::{AppealSummary, Result, Store};

impl Store {
    /// The project `id` with its stage timeline, monthly reports, plans and batches; `NotFound("项目")` when it does
    /// not exist or lies outside what `p` may read.
    pub async fn project_for(&self, p: &Principal, id: i64) -> Result<ProjectDetail> {
        todo!("{p:?} {id}")
    }

    /// The projects `p` may read that pass `filter`, by region then code, with each line's figures as of
    /// `filter.as_of` (else `today`).
    pub async fn list_projects(&self, p: &Principal, filter: ProjectFilter, today: Date) -> Result<ProjectPage> {
        todo!("{p:?} {filter:?} {today}")
    }

    /// The open appeals linked to project `id` that `p` may read, most urgent first (`NotFound` for a project
    /// outside its scope).
    pub async fn project_appeals(&self, p: &Principal, id: i64) -> Result<Vec<AppealSummary>> {
        todo!("{p:?} {id}")
    }
}
