//! Rankings with red and yellow flags (SPEC §6): units or regions ordered by a weighted score of their rates, the top
//! N flagged red (红旗), the bottom M yellow (黄旗), those with too few items listed but never flagged.

use serde::{Deserialize, Serialize};

use super::{Counts, Hundredths};

/// The weights of the score, in percent of the whole (default 40 / 30 / 30).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    pub resolution: u32,
    pub on_time: u32,
    pub satisfaction: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { resolution: 40, on_time: 30, satisfaction: 30 }
    }
}

impl Weights {
    /// The score: the weighted mean of the three rates as printed (two decimals), itself to two decimals half-up. A
    /// rate over no items ("—") is left out and the other weights carry the score; no rate at all gives no score.
    pub fn score(&self, c: &Counts) -> Option<Hundredths> {
        let parts = [
            (self.resolution, c.resolution_rate()),
            (self.on_time, c.on_time_rate()),
            (self.satisfaction, c.satisfaction_rate()),
        ];
        let (mut num, mut den) = (0i64, 0i64);
        for (weight, rate) in parts {
            if let (Some(r), true) = (rate.0, weight > 0) {
                num += r.0 * i64::from(weight);
                den += i64::from(weight);
            }
        }
        // num / den is already in hundredths: round it once, half-up (both are positive).
        (den > 0).then(|| Hundredths((2 * num + den) / (2 * den)))
    }
}

/// How many get a flag, and how many items a unit needs to be flagged at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagRule {
    pub red: usize,
    pub yellow: usize,
    /// Fewer collected items than this: listed and ranked, but never flagged.
    pub min_items: i64,
}

impl Default for FlagRule {
    fn default() -> Self {
        FlagRule { red: 2, yellow: 1, min_items: 5 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// 红旗
    Red,
    /// 黄旗
    Yellow,
}

impl Flag {
    pub fn label(self) -> &'static str {
        match self {
            Flag::Red => "红旗",
            Flag::Yellow => "黄旗",
        }
    }
}

/// One line of a ranking: `counts` are what the score was computed from (an appeal tally by default; a quarterly
/// observation's scores for key projects).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked<K, C = Counts> {
    pub key: K,
    pub counts: C,
    pub score: Option<Hundredths>,
    /// 1 for the best; entries with the same score and the same overdue count share a rank. `None` without a score.
    pub rank: Option<u32>,
    pub flag: Option<Flag>,
    /// Enough items to be flagged.
    pub eligible: bool,
}

/// Ranks `entries` (given in the order ties beyond the rules should keep, e.g. by name): by score, highest first, then
/// by fewer overdue open items; entries without a score come last, unranked.
pub fn rank<K>(entries: Vec<(K, Counts)>, weights: &Weights, rule: &FlagRule) -> Vec<Ranked<K>> {
    rank_by(entries, rule, |c| weights.score(c), |c| c.overdue_open, |c| c.collected)
}

/// The ranking of [`rank`] over any tally: `score` orders the lines (highest first), `behind` breaks ties (fewer
/// first), and a line needs `items` of at least `rule.min_items` to be flagged.
pub fn rank_by<K, C>(
    entries: Vec<(K, C)>,
    rule: &FlagRule,
    score: impl Fn(&C) -> Option<Hundredths>,
    behind: impl Fn(&C) -> i64,
    items: impl Fn(&C) -> i64,
) -> Vec<Ranked<K, C>> {
    let mut lines: Vec<(Ranked<K, C>, i64)> = entries
        .into_iter()
        .map(|(key, counts)| {
            let score = score(&counts);
            let eligible = score.is_some() && items(&counts) >= rule.min_items;
            let behind = behind(&counts);
            (Ranked { key, counts, score, rank: None, flag: None, eligible }, behind)
        })
        .collect();
    // Stable: equal entries keep the caller's order.
    lines.sort_by_key(|(l, behind)| (l.score.is_none(), std::cmp::Reverse(l.score), *behind));
    let order = |(l, behind): &(Ranked<K, C>, i64)| (std::cmp::Reverse(l.score), *behind);
    for i in 0..lines.len() {
        if lines[i].0.score.is_none() {
            break;
        }
        let shared = i > 0 && order(&lines[i - 1]) == order(&lines[i]);
        lines[i].0.rank = if shared { lines[i - 1].0.rank } else { u32::try_from(i + 1).ok() };
    }
    flag(&mut lines, rule, &order);
    lines.into_iter().map(|(l, _)| l).collect()
}

/// Red to the first `rule.red` eligible lines, yellow to the last `rule.yellow` eligible lines not already red; a line
/// tied with a flagged one (same score, same overdue) gets the same flag, so a flag never depends on input order.
/// Fewer than two eligible lines are no ranking, and get no flag.
fn flag<K, C, O: PartialEq>(
    lines: &mut [(Ranked<K, C>, i64)],
    rule: &FlagRule,
    order: &impl Fn(&(Ranked<K, C>, i64)) -> O,
) {
    let eligible: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].0.eligible).collect();
    // A flag says where one stands against the others: a line alone (a county viewed by itself) gets none.
    if eligible.len() < 2 {
        return;
    }
    mark(lines, &eligible, rule.red, Flag::Red, order);
    let rest: Vec<usize> = eligible.into_iter().filter(|&i| lines[i].0.flag.is_none()).rev().collect();
    mark(lines, &rest, rule.yellow, Flag::Yellow, order);
}

/// Flags the first `n` of `candidates` (in the order given) and any candidate tied with the n-th.
fn mark<K, C, O: PartialEq>(
    lines: &mut [(Ranked<K, C>, i64)],
    candidates: &[usize],
    n: usize,
    flag: Flag,
    order: &impl Fn(&(Ranked<K, C>, i64)) -> O,
) {
    let Some(&edge) = candidates.get(n.min(candidates.len()).wrapping_sub(1)) else { return };
    let edge = order(&lines[edge]);
    for (p, &i) in candidates.iter().enumerate() {
        if p < n || order(&lines[i]) == edge {
            lines[i].0.flag = Some(flag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(collected: i64, resolved: i64, on_time: i64, rated: i64, satisfied: i64, overdue: i64) -> Counts {
        Counts {
            collected,
            resolved,
            closed_on_time: on_time,
            rated,
            satisfied,
            overdue_open: overdue,
            ..Counts::default()
        }
    }

    #[test]
    fn score_is_the_weighted_mean_of_the_printed_rates() {
        // 90.00% × 0.4 + 80.00% × 0.3 + 100.00% × 0.3 = 90.00
        let c = unit(10, 9, 8, 9, 9, 0);
        assert_eq!(c.on_time_rate().percent(), "88.89%");
        // 90.00×40 + 88.89×30 + 100.00×30 = 3600 + 2666.7 + 3000 = 9266.7 → 92.667 → 92.67
        assert_eq!(Weights::default().score(&c).map(|h| h.to_string()), Some("92.67".into()));
        // No ratings: the other two carry the score. 100×40 + 50×30 over 70 = 78.571… → 78.57
        let unrated = unit(4, 4, 2, 0, 0, 0);
        assert_eq!(Weights::default().score(&unrated).map(|h| h.to_string()), Some("78.57".into()));
        assert_eq!(Weights::default().score(&Counts::default()), None);
    }

    #[test]
    fn top_two_red_last_yellow_small_units_unflagged() {
        let entries = vec![
            ("甲", unit(10, 10, 10, 10, 10, 0)),
            ("乙", unit(10, 9, 9, 9, 9, 0)),
            ("丙", unit(10, 8, 8, 8, 8, 0)),
            ("丁", unit(10, 5, 5, 5, 5, 3)),
            ("小", unit(2, 0, 0, 0, 0, 0)), // 0% but too small to flag
            ("空", Counts::default()),
        ];
        let r = rank(entries, &Weights::default(), &FlagRule::default());
        let got: Vec<_> = r.iter().map(|l| (l.key, l.rank, l.flag)).collect();
        assert_eq!(
            got,
            vec![
                ("甲", Some(1), Some(Flag::Red)),
                ("乙", Some(2), Some(Flag::Red)),
                ("丙", Some(3), None),
                ("丁", Some(4), Some(Flag::Yellow)),
                ("小", Some(5), None),
                ("空", None, None),
            ]
        );
    }

    #[test]
    fn a_line_alone_is_ranked_but_not_flagged() {
        let alone = rank(vec![("川汇区", unit(10, 10, 10, 10, 10, 0))], &Weights::default(), &FlagRule::default());
        assert_eq!((alone[0].rank, alone[0].flag), (Some(1), None));
        // Beside a unit too small to be flagged, still alone.
        let entries = vec![("川汇区", unit(10, 10, 10, 10, 10, 0)), ("小", unit(2, 0, 0, 0, 0, 0))];
        let r = rank(entries, &Weights::default(), &FlagRule::default());
        assert!(r.iter().all(|l| l.flag.is_none()), "{:?}", r.iter().map(|l| l.flag).collect::<Vec<_>>());
    }

    #[test]
    fn ties_are_broken_by_fewer_overdue_and_full_ties_share_rank_and_flag() {
        let entries = vec![
            ("甲", unit(10, 9, 9, 9, 9, 2)),
            ("乙", unit(10, 9, 9, 9, 9, 0)),
            ("丙", unit(10, 8, 8, 8, 8, 1)),
            ("丁", unit(10, 8, 8, 8, 8, 1)),
        ];
        let rule = FlagRule { red: 1, yellow: 1, min_items: 5 };
        let r = rank(entries, &Weights::default(), &rule);
        let got: Vec<_> = r.iter().map(|l| (l.key, l.rank, l.flag)).collect();
        assert_eq!(
            got,
            vec![
                ("乙", Some(1), Some(Flag::Red)),
                ("甲", Some(2), None),
                ("丙", Some(3), Some(Flag::Yellow)),
                ("丁", Some(3), Some(Flag::Yellow)),
            ]
        );
    }

    #[test]
    fn few_units_never_get_both_flags() {
        let entries = vec![("甲", unit(10, 10, 10, 10, 10, 0)), ("乙", unit(10, 5, 5, 5, 5, 0))];
        let r = rank(entries, &Weights::default(), &FlagRule::default());
        assert!(r.iter().all(|l| l.flag == Some(Flag::Red)));
        let none = rank(
            vec![("甲", unit(10, 10, 10, 10, 10, 0))],
            &Weights::default(),
            &FlagRule { red: 0, yellow: 0, min_items: 1 },
        );
        assert_eq!(none[0].flag, None);
    }
}
