//! Counted programmes with a yearly target (老旧小区改造: 5.3万 planned, 4.26万 started → 80.4%), read with the same
//! plan-against-actual figures as investment.

use jiff::civil::Date;

use super::{Month, NewProgramme, ProgrammeLine};
use crate::access::Principal;
use crate::{Result, Store};

impl Store {
    pub async fn create_programme(&self, p: &Principal, source: &str, new: NewProgramme) -> Result<ProgrammeLine> {
        todo!("{p:?} {source} {new:?}")
    }

    /// Records the count done up to the end of `month` (cumulative within the programme's year).
    pub async fn report_programme(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        month: Month,
        done: i64,
        today: Date,
    ) -> Result<()> {
        todo!("{p:?} {source} {id} {month:?} {done} {today}")
    }

    /// The programmes `p` may read with their progress as of `as_of`.
    pub async fn programmes(&self, p: &Principal, as_of: Date) -> Result<Vec<ProgrammeLine>> {
        todo!("{p:?} {as_of}")
    }
}
