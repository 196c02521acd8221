//! What a new city starts with (issue 13, SPEC §3, §4): the categories of problems (问题类型) and the deadline policies
//! a dispatcher picks from. An administrator edits, adds and retires them afterwards; these are only the first.

use crate::deadline::DeadlinePolicy;

/// SPEC §3's categories: code and name, in the order lists show them.
pub const STANDARD_CATEGORIES: [(&str, &str); 12] = [
    ("financing", "融资"),
    ("labor", "用工"),
    ("land", "土地"),
    ("permits", "审批证照"),
    ("utilities", "水电气暖"),
    ("policy", "政策兑现"),
    ("logistics", "物流交通"),
    ("environment", "环保"),
    ("market", "市场产销"),
    ("talent", "科技人才"),
    ("legal", "法律纠纷"),
    ("other", "其他"),
];

/// The industrial chains (产业链) of SPEC §5 a new city offers; the lists shown also hold every industry its records
/// name (a ledger may bring others).
pub const STANDARD_INDUSTRIES: [&str; 10] = [
    "生物医药",
    "电子信息",
    "新型材料",
    "现代轻工",
    "现代食品",
    "先进装备",
    "纺织服装",
    "现代物流",
    "商贸服务",
    "其他",
];

/// The 13710 rule first (SPEC §4), then the two others §4 names: 即办件 within the day, complex items in 30 days.
pub fn standard_policies() -> [DeadlinePolicy; 3] {
    let policy = |code, name, days| {
        DeadlinePolicy::new(code, name, days).unwrap_or_else(|_| unreachable!("the standard policies are in order"))
    };
    [
        DeadlinePolicy::standard(),
        policy("immediate", "即办件", [0, 0, 1, 3]),
        policy("complex", "复杂事项", [1, 5, 30, 35]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_catalog_has_unique_codes_and_names_and_13710_first() {
        let mut codes: Vec<&str> = STANDARD_CATEGORIES.iter().map(|c| c.0).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 12);
        let policies = standard_policies();
        assert_eq!(policies[0].code, "13710");
        assert_eq!(
            (policies[0].acknowledge, policies[0].reply, policies[0].resolve, policies[0].feedback),
            (1, 3, 7, 10)
        );
    }
}
