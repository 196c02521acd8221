//! The figures of SPEC §7 for a scope and an as-of date: completed_ytd against the annual plans, 时序进度, the stages,
//! per region and per industry. One pass over the projects in scope, two index seeks into the reports per project.

use super::{MetricsQuery, ProjectMetrics};
use crate::access::Principal;
use crate::{Result, Store};

impl Store {
    /// The project figures of `q`'s region (or `p`'s whole scope) as of `q.as_of`.
    pub async fn project_metrics(&self, p: &Principal, q: MetricsQuery) -> Result<ProjectMetrics> {
        todo!("{p:?} {q:?}")
    }
}
