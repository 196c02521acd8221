//! 季观摩: a quarter's observation, the scores of each observed project, and the regions ranked with their flags.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use serde_json::json;
use zhuqi_domain::RegionCode;
use zhuqi_domain::project::{Criterion, CriterionWeights, ObservationTally, Scores, rank_regions};
use zhuqi_domain::stats::{FlagRule, Hundredths, PeriodKind};
use zhuqi_domain::time::to_micros;

use super::read::{
    check_within, child_of, corrupt, date_of, ledger_project, ledger_region, project_scope, region_names,
    region_relation,
};
use super::{NewObservation, ObservationRecord, ObservationResult, ObservedProject};
use crate::access::Principal;
use crate::db::{Row, Tx, Value, params};
use crate::scope::bind;
use crate::{IdempotencyKey, Result, Store, StoreError, Writer, audit};

const OBSERVATION_COLUMNS: &str = "o.id, o.name, o.region_code, o.period, o.held_on, o.weights, o.rule, \
     (SELECT COUNT(DISTINCT os.project_id) FROM observation_scores os WHERE os.observation_id = o.id)";

fn observation_from_row(row: &Row) -> Result<ObservationRecord> {
    Ok(ObservationRecord {
        id: row.int(0)?,
        name: row.text(1)?,
        region_code: row.text(2)?,
        period: row.text(3)?,
        held_on: date_of(&row.text(4)?, "observations.held_on")?,
        weights: serde_json::from_str(&row.text(5)?).map_err(|e| corrupt("observations.weights", e))?,
        rule: serde_json::from_str(&row.text(6)?).map_err(|e| corrupt("observations.rule", e))?,
        projects: row.int(7)?,
    })
}

/// The observations `p` reads, as a condition on observations `o`: those of its region, above it or below it.
fn observation_scope(p: &Principal, values: &mut Vec<Value>) -> String {
    region_relation(p, "o.region_code", values).unwrap_or_else(|| "1 = 0".to_owned())
}

fn visible_observation(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<ObservationRecord> {
    let mut values = Vec::new();
    let scope = observation_scope(p, &mut values);
    let id = bind(&mut values, id);
    let row = tx
        .query_opt(&format!("SELECT {OBSERVATION_COLUMNS} FROM observations o WHERE o.id = {id} AND {scope}"), &values)?
        .ok_or(StoreError::NotFound("观摩"))?;
    observation_from_row(&row)
}

fn criterion_of(text: &str) -> Result<Criterion> {
    Criterion::ALL.into_iter().find(|c| c.as_str() == text).ok_or_else(|| corrupt("criterion", text))
}

impl Store {
    pub async fn create_observation(
        &self,
        p: &Principal,
        source: &str,
        new: NewObservation,
        key: Option<IdempotencyKey>,
    ) -> Result<ObservationRecord> {
        let region = ledger_region(p)?;
        check_within(&region, &new.region_code)?;
        let name = new.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::Invalid("请填写观摩名称（最多200字）/ the observation needs a name".into()));
        }
        if new.period.kind != PeriodKind::Quarter {
            return Err(StoreError::Invalid(format!(
                "观摩按季度进行，{}不是季度 / an observation is of a quarter, not {}",
                new.period.code(),
                new.period.code()
            )));
        }
        let total: u32 = new.weights.iter().map(|(_, w)| w).sum();
        if total != 100 {
            return Err(StoreError::Invalid(format!(
                "各项权重之和须为100，现为{total} / the weights add up to {total}"
            )));
        }
        let weights = serde_json::to_string(&new.weights).map_err(|e| corrupt("weights", e))?;
        let rule = serde_json::to_string(&new.rule).map_err(|e| corrupt("rule", e))?;
        let (origin, q) = (p.origin(source), p.clone());
        let create = move |w: &mut Writer<'_>| {
            let period = new.period.code();
            if w.tx
                .query_opt(
                    "SELECT 1 FROM observations WHERE region_code = $1 AND period = $2",
                    params![new.region_code.as_str(), period.as_str()],
                )?
                .is_some()
            {
                return Err(StoreError::Duplicate(format!(
                    "{}的{period}观摩已存在 / the observation of {period} there exists",
                    new.region_code
                )));
            }
            if w.tx.query_opt("SELECT 1 FROM regions WHERE code = $1", params![new.region_code.as_str()])?.is_none() {
                return Err(StoreError::Invalid(format!("地区 {} 不存在 / no such region", new.region_code)));
            }
            let id =
                w.tx.query_one(
                    "INSERT INTO observations (name, region_code, period, held_on, weights, rule, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    params![
                        name.as_str(),
                        new.region_code.as_str(),
                        period.as_str(),
                        new.held_on.to_string(),
                        weights.as_str(),
                        rule.as_str(),
                        to_micros(Timestamp::now())
                    ],
                )?
                .int(0)?;
            let after = json!({"name": name, "region_code": new.region_code.as_str(), "period": period,
                "held_on": new.held_on.to_string(), "weights": new.weights, "rule": new.rule});
            w.audit("observation.create", format!("observation:{id}"), None, audit::json(&after));
            Ok(id)
        };
        self.create_once(origin, "observation", key, create, move |tx, id| visible_observation(tx, &q, id)).await
    }

    /// Records the scores of one observed project (replacing what it had in this observation; no scores at all take
    /// it off the observation).
    pub async fn record_scores(
        &self,
        p: &Principal,
        source: &str,
        observation_id: i64,
        project_id: i64,
        scores: Scores,
    ) -> Result<()> {
        ledger_region(p)?;
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let observation = visible_observation(&mut w.tx, &p, observation_id)?;
            let project = ledger_project(&mut w.tx, &p, project_id)?;
            let region = RegionCode::parse(&observation.region_code).map_err(|e| corrupt("observation region", e))?;
            if !project.region_code.starts_with(region.subtree_prefix()) {
                return Err(StoreError::Invalid(format!(
                    "项目不在观摩的地区{}内 / the project lies outside the observation's region",
                    observation.region_code
                )));
            }
            let before: BTreeMap<String, i64> =
                w.tx.query(
                    "SELECT criterion, score FROM observation_scores WHERE observation_id = $1 AND project_id = $2",
                    params![observation_id, project_id],
                )?
                .iter()
                .map(|r| Ok((r.text(0)?, r.int(1)?)))
                .collect::<Result<_>>()?;
            w.tx.execute(
                "DELETE FROM observation_scores WHERE observation_id = $1 AND project_id = $2",
                params![observation_id, project_id],
            )?;
            let mut after = BTreeMap::new();
            for (c, s) in scores.iter() {
                if !(0..=10_000).contains(&s.0) {
                    return Err(StoreError::Invalid(format!(
                        "{}的得分须在0到100之间 / a score is between 0 and 100",
                        c.label()
                    )));
                }
                w.tx.execute(
                    "INSERT INTO observation_scores (observation_id, project_id, criterion, score) \
                     VALUES ($1, $2, $3, $4)",
                    params![observation_id, project_id, c.as_str(), s.0],
                )?;
                after.insert(c.as_str().to_owned(), s.0);
            }
            w.audit(
                "observation.scores",
                format!("observation:{observation_id}"),
                audit::json(&json!({"project_id": project_id, "scores": before})),
                audit::json(&json!({"project_id": project_id, "scores": after})),
            );
            Ok(())
        })
        .await
    }

    /// The observations `p` may read, newest first.
    pub async fn observations(&self, p: &Principal) -> Result<Vec<ObservationRecord>> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let scope = observation_scope(&p, &mut values);
            tx.query(
                &format!(
                    "SELECT {OBSERVATION_COLUMNS} FROM observations o WHERE {scope} ORDER BY o.held_on DESC, o.id DESC"
                ),
                &values,
            )?
            .iter()
            .map(observation_from_row)
            .collect()
        })
        .await
    }

    /// The result sheet: projects best first, regions ranked and flagged. Only the projects `p` may read are listed
    /// and counted.
    pub async fn observation_result(&self, p: &Principal, id: i64) -> Result<ObservationResult> {
        let p = p.clone();
        self.read(move |tx| {
            let observation = visible_observation(tx, &p, id)?;
            let mut values = Vec::new();
            let scope = project_scope(&p, &mut values);
            let o = bind(&mut values, id);
            let rows = tx.query(
                &format!(
                    "SELECT p.id, p.name, p.region_code, os.criterion, os.score FROM observation_scores os \
                     JOIN projects p ON p.id = os.project_id WHERE os.observation_id = {o} AND {scope} \
                     ORDER BY p.id"
                ),
                &values,
            )?;
            let base = RegionCode::parse(&observation.region_code).ok();
            let names = region_names(tx)?;
            let mut projects: Vec<ObservedProject> = Vec::new();
            for row in &rows {
                let project_id = row.int(0)?;
                if projects.last().is_none_or(|last| last.project_id != project_id) {
                    let code = child_of(base.as_ref(), &row.text(2)?);
                    projects.push(ObservedProject {
                        project_id,
                        name: row.text(1)?,
                        region_name: names.get(&code).cloned().unwrap_or_else(|| code.clone()),
                        region_code: code,
                        scores: Scores::default(),
                        score: None,
                    });
                }
                if let Some(last) = projects.last_mut() {
                    let c = criterion_of(&row.text(3)?)?;
                    last.scores.set(c, Hundredths(row.int(4)?)).map_err(|e| corrupt("observation_scores", e))?;
                }
            }
            let weights: &CriterionWeights = &observation.weights;
            let mut tallies: HashMap<(String, String), ObservationTally> = HashMap::new();
            for project in &mut projects {
                project.score = weights.score(&project.scores);
                let tally = tallies.entry((project.region_code.clone(), project.region_name.clone())).or_default();
                if let Some(s) = project.score {
                    tally.add(s);
                }
            }
            projects.sort_by(|a, b| {
                b.score.map(|s| s.0).cmp(&a.score.map(|s| s.0)).then_with(|| a.project_id.cmp(&b.project_id))
            });
            let mut entries: Vec<((String, String), ObservationTally)> = tallies.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let rule: FlagRule = observation.rule;
            let regions = rank_regions(entries, &rule);
            Ok(ObservationResult { observation, projects, regions })
        })
        .await
    }
}
