//! 三个一批: batches of projects to sign, to start and to put into production, and their rates as of a date.

use jiff::civil::Date;
use zhuqi_domain::project::BatchList;

use super::{BatchRecord, BatchReport, NewBatch};
use crate::access::Principal;
use crate::{Result, Store};

impl Store {
    pub async fn create_batch(&self, p: &Principal, source: &str, new: NewBatch) -> Result<BatchRecord> {
        todo!("{p:?} {source} {new:?}")
    }

    /// Puts the project on one list of the batch (moving it from another), or takes it off with `None`.
    pub async fn set_batch_list(
        &self,
        p: &Principal,
        source: &str,
        batch_id: i64,
        project_id: i64,
        list: Option<BatchList>,
    ) -> Result<()> {
        todo!("{p:?} {source} {batch_id} {project_id} {list:?}")
    }

    /// The batches `p` may read (those of its region, and of the regions above it), newest first.
    pub async fn batches(&self, p: &Principal) -> Result<Vec<BatchRecord>> {
        todo!("{p:?}")
    }

    /// The batch's rates and lines as of `as_of`, counting the projects `p` may read.
    pub async fn batch_report(&self, p: &Principal, batch_id: i64, as_of: Date) -> Result<BatchReport> {
        todo!("{p:?} {batch_id} {as_of}")
    }
}
