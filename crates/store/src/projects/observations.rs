//! 季观摩: a quarter's observation, the scores of each observed project, and the regions ranked with their flags.

use zhuqi_domain::project::Scores;

use super::{NewObservation, ObservationRecord, ObservationResult};
use crate::access::Principal;
use crate::{Result, Store};

impl Store {
    pub async fn create_observation(
        &self,
        p: &Principal,
        source: &str,
        new: NewObservation,
    ) -> Result<ObservationRecord> {
        todo!("{p:?} {source} {new:?}")
    }

    /// Records the scores of one observed project (replacing what it had in this observation).
    pub async fn record_scores(
        &self,
        p: &Principal,
        source: &str,
        observation_id: i64,
        project_id: i64,
        scores: Scores,
    ) -> Result<()> {
        todo!("{p:?} {source} {observation_id} {project_id} {scores:?}")
    }

    /// The observations `p` may read, newest first.
    pub async fn observations(&self, p: &Principal) -> Result<Vec<ObservationRecord>> {
        todo!("{p:?}")
    }

    /// The result sheet: projects best first, regions ranked and flagged.
    pub async fn observation_result(&self, p: &Principal, id: i64) -> Result<ObservationResult> {
        todo!("{p:?} {id}")
    }
}
