//! 季观摩 (SPEC §7, seed 003): each quarter the city visits a set of projects and scores each on weighted criteria;
//! regions are ranked by their projects' mean score, the first two take a red flag and the last one a yellow flag.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::stats::{FlagRule, Hundredths, Ranked, rank_by};

/// The criteria an observed project is scored on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// 主导产业契合度
    IndustryFit,
    /// 投资规模
    InvestmentScale,
    /// 亩均投资强度
    LandIntensity,
    /// 技术含量
    Technology,
    /// 经济效益
    EconomicBenefit,
    /// 入统情况
    Statistics,
}

impl Criterion {
    pub const ALL: [Criterion; 6] = [
        Criterion::IndustryFit,
        Criterion::InvestmentScale,
        Criterion::LandIntensity,
        Criterion::Technology,
        Criterion::EconomicBenefit,
        Criterion::Statistics,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::IndustryFit => "industry_fit",
            Criterion::InvestmentScale => "investment_scale",
            Criterion::LandIntensity => "land_intensity",
            Criterion::Technology => "technology",
            Criterion::EconomicBenefit => "economic_benefit",
            Criterion::Statistics => "statistics",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Criterion::IndustryFit => "主导产业契合度",
            Criterion::InvestmentScale => "投资规模",
            Criterion::LandIntensity => "亩均投资强度",
            Criterion::Technology => "技术含量",
            Criterion::EconomicBenefit => "经济效益",
            Criterion::Statistics => "入统情况",
        }
    }

    pub fn parse(s: &str) -> Option<Criterion> {
        let s = s.trim();
        Criterion::ALL.into_iter().find(|c| c.as_str() == s || c.label() == s)
    }
}

/// The weight of each criterion, in percent; they add up to 100.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionWeights(BTreeMap<Criterion, u32>);

impl Default for CriterionWeights {
    /// 主导产业契合度 20, 投资规模 20, 亩均投资强度 15, 技术含量 15, 经济效益 15, 入统情况 15.
    fn default() -> Self {
        let w = [20, 20, 15, 15, 15, 15];
        CriterionWeights(Criterion::ALL.into_iter().zip(w).collect())
    }
}

impl CriterionWeights {
    /// Weights for the criteria named; those not named weigh 0. Refused unless they add up to 100.
    pub fn new(weights: impl IntoIterator<Item = (Criterion, u32)>) -> Result<Self, String> {
        let map: BTreeMap<Criterion, u32> = weights.into_iter().collect();
        let total: u32 = map.values().sum();
        if total != 100 {
            return Err(format!("各项权重之和须为100，现为{total} / the weights add up to {total}, not 100"));
        }
        Ok(CriterionWeights(Criterion::ALL.into_iter().map(|c| (c, map.get(&c).copied().unwrap_or(0))).collect()))
    }

    pub fn get(&self, c: Criterion) -> u32 {
        self.0.get(&c).copied().unwrap_or(0)
    }

    pub fn iter(&self) -> impl Iterator<Item = (Criterion, u32)> + '_ {
        self.0.iter().map(|(c, w)| (*c, *w))
    }

    /// A project's score: the weighted mean of its criterion scores, two decimals half-up. A criterion not scored
    /// counts 0 (the observation sheet leaves nothing blank); `None` if nothing was scored at all.
    pub fn score(&self, scores: &Scores) -> Option<Hundredths> {
        if scores.0.is_empty() {
            return None;
        }
        let (num, den) = self.iter().fold((0i64, 0i64), |(n, d), (c, w)| {
            (n + scores.get(c).map_or(0, |s| s.0) * i64::from(w), d + i64::from(w))
        });
        (den > 0).then(|| Hundredths((2 * num + den) / (2 * den)))
    }
}

/// One project's scores, each between 0 and 100 with up to two decimals.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Scores(BTreeMap<Criterion, Hundredths>);

impl Scores {
    /// Refuses a score outside 0–100.
    pub fn set(&mut self, c: Criterion, score: Hundredths) -> Result<(), String> {
        if !(0..=10_000).contains(&score.0) {
            return Err(format!("{}的得分须在0到100之间 / a score is between 0 and 100", c.label()));
        }
        self.0.insert(c, score);
        Ok(())
    }

    pub fn get(&self, c: Criterion) -> Option<Hundredths> {
        self.0.get(&c).copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Criterion, Hundredths)> + '_ {
        self.0.iter().map(|(c, s)| (*c, *s))
    }
}

/// A region's observed projects: how many, and the sum of their scores in hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ObservationTally {
    pub projects: i64,
    pub score_sum: i64,
}

impl ObservationTally {
    pub fn add(&mut self, score: Hundredths) {
        self.projects += 1;
        self.score_sum += score.0;
    }

    /// The region's score: the mean of its projects' scores, two decimals half-up.
    pub fn mean(&self) -> Option<Hundredths> {
        (self.projects > 0).then(|| Hundredths((2 * self.score_sum + self.projects) / (2 * self.projects)))
    }
}

pub type RegionRanking<K> = Vec<Ranked<K, ObservationTally>>;

/// Ranks regions by the mean score of their observed projects, red to the first `rule.red` and yellow to the last
/// `rule.yellow`; a region with fewer than `rule.min_items` observed projects is listed but not flagged. Equal means
/// share rank and flag.
pub fn rank_regions<K>(entries: Vec<(K, ObservationTally)>, rule: &FlagRule) -> RegionRanking<K> {
    rank_by(entries, rule, ObservationTally::mean, |_| 0, |t| t.projects)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Flag;

    fn scores(values: [i64; 6]) -> Scores {
        let mut s = Scores::default();
        for (c, v) in Criterion::ALL.into_iter().zip(values) {
            s.set(c, Hundredths(v * 100)).expect("valid");
        }
        s
    }

    #[test]
    fn a_project_score_is_the_weighted_mean() {
        let w = CriterionWeights::default();
        // 20·90 + 20·80 + 15·70 + 15·60 + 15·100 + 15·50 = 7600 → 76.00
        assert_eq!(w.score(&scores([90, 80, 70, 60, 100, 50])).expect("valid").to_string(), "76.00");
        assert_eq!(w.score(&Scores::default()), None);
        let only_fit = CriterionWeights::new([(Criterion::IndustryFit, 100)]).expect("valid");
        assert_eq!(only_fit.score(&scores([90, 0, 0, 0, 0, 0])).expect("valid").to_string(), "90.00");
        assert!(CriterionWeights::new([(Criterion::IndustryFit, 60)]).is_err());
        assert!(Scores::default().set(Criterion::Technology, Hundredths(10_001)).is_err());
        assert!(Scores::default().set(Criterion::Technology, Hundredths(-1)).is_err());
    }

    #[test]
    fn regions_take_red_and_yellow_flags_by_their_mean() {
        let tally = |s: &[i64]| {
            let mut t = ObservationTally::default();
            s.iter().for_each(|v| t.add(Hundredths(v * 100)));
            t
        };
        let rule = FlagRule { red: 2, yellow: 1, min_items: 1 };
        let ranked = rank_regions(
            vec![
                ("川汇区", tally(&[90, 80])),
                ("淮阳区", tally(&[70])),
                ("项城市", tally(&[95, 91])),
                ("西华县", tally(&[60, 64])),
                ("扶沟县", tally(&[])),
            ],
            &rule,
        );
        let order: Vec<_> = ranked.iter().map(|r| (r.key, r.rank, r.flag)).collect();
        assert_eq!(
            order,
            vec![
                ("项城市", Some(1), Some(Flag::Red)),
                ("川汇区", Some(2), Some(Flag::Red)),
                ("淮阳区", Some(3), None),
                ("西华县", Some(4), Some(Flag::Yellow)),
                ("扶沟县", None, None),
            ]
        );
        assert_eq!(ranked[0].score.expect("valid").to_string(), "93.00");
    }
}
