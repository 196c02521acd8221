//! 惠企政策 (SPEC §8): a support policy's conditions as data, the facts about an enterprise they read, and the
//! matching of one against the other. Matching is a pure function, so "why does this enterprise qualify" is the
//! same answer on the policy's list, on the enterprise's portal and in the figures.
//!
//! Every condition is optional; a policy with none applies to every enterprise of its region. A list condition
//! (industries, size flags) is met by any one of its entries. A fact the enterprise has not recorded fails the
//! condition that reads it, with a reason that says so: filling it in is how a cadre turns "nearly" into "qualifies".

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::values::RegionCode;

macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = ($code:tt, $label:tt)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored and used by the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The name users read.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// From the stored code or the label a ledger or form writes.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == s || v.label() == s)
            }
        }
    };
}

pub mod delivery;

labelled_enum!(
    /// Who issued a policy (国家/省/市/县).
    PolicyLevel {
        National = ("national", "国家"),
        Provincial = ("provincial", "省级"),
        City = ("city", "市级"),
        County = ("county", "县级"),
    }
);

labelled_enum!(
    /// What a policy gives.
    BenefitKind {
        Subsidy = ("subsidy", "资金补贴"),
        TaxRelief = ("tax_relief", "税费减免"),
        LoanInterest = ("loan_interest", "贷款贴息"),
        Factor = ("factor", "要素保障"),
        Honour = ("honour", "荣誉认定"),
        Service = ("service", "服务支持"),
    }
);

labelled_enum!(
    /// The size and standing flags an enterprise record carries (SPEC §5 and 高新技术企业).
    SizeFlag {
        AboveScale = ("above_scale", "规上企业"),
        SmallMicro = ("small_micro", "小微企业"),
        Specialized = ("specialized", "专精特新"),
        LittleGiant = ("little_giant", "小巨人"),
        HighTech = ("high_tech", "高新技术企业"),
    }
);

labelled_enum!(
    /// 营业收入 of the last year, in the bands the statistics offices use; ordered from small to large.
    RevenueBand {
        Under5m = ("under_5m", "500万元以下"),
        To20m = ("5m_20m", "500万至2000万元"),
        To100m = ("20m_100m", "2000万至1亿元"),
        To400m = ("100m_400m", "1亿至4亿元"),
        Over400m = ("over_400m", "4亿元以上"),
    }
);

impl RevenueBand {
    /// The band's lower bound in words (`None` for the lowest).
    pub fn floor(self) -> Option<&'static str> {
        match self {
            RevenueBand::Under5m => None,
            RevenueBand::To20m => Some("500万元"),
            RevenueBand::To100m => Some("2000万元"),
            RevenueBand::To400m => Some("1亿元"),
            RevenueBand::Over400m => Some("4亿元"),
        }
    }

    /// The band's upper bound in words (`None` for the highest).
    pub fn ceiling(self) -> Option<&'static str> {
        RevenueBand::ALL.iter().find(|b| **b > self).and_then(|b| b.floor())
    }
}

/// A revenue condition in words: "营业收入500万元及以上、4亿元以下".
fn revenue_bound(min: Option<RevenueBand>, max: Option<RevenueBand>) -> Option<String> {
    let low = min.and_then(RevenueBand::floor).map(|f| format!("{f}及以上"));
    let high = max.and_then(RevenueBand::ceiling).map(|c| format!("{c}以下"));
    match (low, high) {
        (Some(l), Some(h)) => Some(format!("营业收入{l}、{h}")),
        (Some(b), None) | (None, Some(b)) => Some(format!("营业收入{b}")),
        (None, None) => None,
    }
}

labelled_enum!(
    /// 纳税信用等级, ordered from best (A) to worst (D): "at least B" is `<= B`.
    TaxCredit {
        A = ("A", "A级"),
        B = ("B", "B级"),
        M = ("M", "M级"),
        C = ("C", "C级"),
        D = ("D", "D级"),
    }
);

labelled_enum!(
    /// Where a policy stands: 起草中 (on the 政策推进清单), 已发布 (in force between its dates, on the 执行清单),
    /// 已废止.
    PolicyStatus {
        Drafting = ("drafting", "起草中"),
        Published = ("published", "已发布"),
        Repealed = ("repealed", "已废止"),
    }
);

/// The largest number a count condition may name: more is a typing error.
pub const MAX_EMPLOYEES: u32 = 10_000_000;
/// The most years since registration a condition may name.
pub const MAX_YEARS: u32 = 200;

/// A policy's conditions, each optional (see the module comment).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conditions {
    /// 产业链: any one of them (empty: any industry).
    #[serde(default)]
    pub industries: Vec<String>,
    /// 企业规模与资质: any one of them (empty: any enterprise).
    #[serde(default)]
    pub sizes: Vec<SizeFlag>,
    /// 成立满 N 年 (full years since registration, as of the day matched).
    #[serde(default)]
    pub min_years: Option<u32>,
    /// 成立不满 N 年.
    #[serde(default)]
    pub max_years: Option<u32>,
    /// 从业人员不少于 N 人.
    #[serde(default)]
    pub min_employees: Option<u32>,
    /// 从业人员不超过 N 人.
    #[serde(default)]
    pub max_employees: Option<u32>,
    /// 营业收入不低于此档.
    #[serde(default)]
    pub min_revenue: Option<RevenueBand>,
    /// 营业收入不高于此档.
    #[serde(default)]
    pub max_revenue: Option<RevenueBand>,
    /// 纳税信用等级不低于此级.
    #[serde(default)]
    pub min_tax_credit: Option<TaxCredit>,
}

/// Why a set of conditions cannot be kept: each says which field and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConditionError {
    #[error("成立年限的下限（满{min}年）大于上限（不满{max}年）")]
    Years { min: u32, max: u32 },
    #[error("从业人数的下限（{min}人）大于上限（{max}人）")]
    Employees { min: u32, max: u32 },
    #[error("营业收入的下限（{min}）高于上限（{max}）")]
    Revenue { min: &'static str, max: &'static str },
    #[error("{what}不能超过{max}")]
    TooLarge { what: &'static str, max: u32 },
    #[error("产业链不能为空字符串")]
    EmptyIndustry,
}

impl Conditions {
    /// Orders and de-duplicates the lists and refuses bounds that no enterprise can meet. The industries' names
    /// are checked against the city's list by the store, which knows it.
    pub fn normalised(mut self) -> Result<Conditions, ConditionError> {
        for i in &mut self.industries {
            *i = i.trim().to_owned();
            if i.is_empty() {
                return Err(ConditionError::EmptyIndustry);
            }
        }
        self.industries.sort();
        self.industries.dedup();
        self.sizes.sort();
        self.sizes.dedup();
        if let (Some(min), Some(max)) = (self.min_years, self.max_years)
            && min >= max
        {
            return Err(ConditionError::Years { min, max });
        }
        for (what, v, max) in [
            ("成立年限", self.min_years, MAX_YEARS),
            ("成立年限", self.max_years, MAX_YEARS),
            ("从业人数", self.min_employees, MAX_EMPLOYEES),
            ("从业人数", self.max_employees, MAX_EMPLOYEES),
        ] {
            if v.is_some_and(|v| v > max) {
                return Err(ConditionError::TooLarge { what, max });
            }
        }
        if let (Some(min), Some(max)) = (self.min_employees, self.max_employees)
            && min > max
        {
            return Err(ConditionError::Employees { min, max });
        }
        if let (Some(min), Some(max)) = (self.min_revenue, self.max_revenue)
            && min > max
        {
            return Err(ConditionError::Revenue { min: min.label(), max: max.label() });
        }
        Ok(self)
    }

    /// The conditions in words, one per condition, for the policy's page and ledger (region apart).
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.industries.is_empty() {
            out.push(format!("产业链：{}", self.industries.join("、")));
        }
        if !self.sizes.is_empty() {
            let names: Vec<&str> = self.sizes.iter().map(|s| s.label()).collect();
            out.push(format!("企业类型：{}", names.join("或")));
        }
        match (self.min_years, self.max_years) {
            (Some(min), Some(max)) => out.push(format!("成立满{min}年、不满{max}年")),
            (Some(min), None) => out.push(format!("成立满{min}年")),
            (None, Some(max)) => out.push(format!("成立不满{max}年")),
            (None, None) => {}
        }
        match (self.min_employees, self.max_employees) {
            (Some(min), Some(max)) => out.push(format!("从业人员{min}至{max}人")),
            (Some(min), None) => out.push(format!("从业人员不少于{min}人")),
            (None, Some(max)) => out.push(format!("从业人员不超过{max}人")),
            (None, None) => {}
        }
        out.extend(revenue_bound(self.min_revenue, self.max_revenue));
        if let Some(t) = self.min_tax_credit {
            out.push(format!("纳税信用{}及以上", t.label()));
        }
        out
    }
}

/// What zhuqi knows of an enterprise that conditions read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseFacts {
    pub region: RegionCode,
    pub industry: String,
    pub sizes: Vec<SizeFlag>,
    /// 成立日期
    pub registered_on: Option<Date>,
    /// 从业人数
    pub employees: Option<u32>,
    /// 上年营业收入
    pub revenue: Option<RevenueBand>,
    /// 纳税信用等级
    pub tax_credit: Option<TaxCredit>,
}

/// Which condition a check is of, in the order the checks are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ConditionKind {
    Region,
    Industry,
    Size,
    Age,
    Employees,
    Revenue,
    TaxCredit,
}

/// One condition checked against one enterprise, with the reason in words ("成立满3年：该企业成立于2019年，已满7年").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Check {
    pub condition: ConditionKind,
    pub met: bool,
    pub reason: String,
}

/// How an enterprise stands against a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Fit {
    /// Every condition met (符合).
    Qualifies,
    /// In the policy's region, and exactly one other condition fails (差一项).
    Nearly,
    /// Outside the region or two conditions or more fail.
    No,
}

/// Full years from `from` to `to` (a birthday rule: 2020-03-01 → 2023-02-28 is 2 years).
pub fn full_years(from: Date, to: Date) -> i32 {
    let mut years = i32::from(to.year()) - i32::from(from.year());
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years
}

/// Checks every condition of a policy applying in `region` against `facts`, as of `today`: the region first, then
/// each condition the policy has, in `ConditionKind` order.
pub fn check(region: &RegionCode, c: &Conditions, facts: &EnterpriseFacts, today: Date) -> Vec<Check> {
    let mut out = Vec::with_capacity(4);
    let mut push = |condition, met, reason: String| out.push(Check { condition, met, reason });
    let inside = region.contains(&facts.region);
    push(ConditionKind::Region, inside, if inside { "在政策适用地区内".into() } else { "不在政策适用地区".into() });
    if !c.industries.is_empty() {
        let met = c.industries.contains(&facts.industry);
        let reason = if met {
            format!("所属产业链为{}", facts.industry)
        } else {
            format!("所属产业链为{}，政策限{}", facts.industry, c.industries.join("、"))
        };
        push(ConditionKind::Industry, met, reason);
    }
    if !c.sizes.is_empty() {
        let held = c.sizes.iter().find(|s| facts.sizes.contains(s));
        let wanted: Vec<&str> = c.sizes.iter().map(|s| s.label()).collect();
        let reason = match held {
            Some(s) => format!("属{}", s.label()),
            None => format!("不属{}", wanted.join("或")),
        };
        push(ConditionKind::Size, held.is_some(), reason);
    }
    if c.min_years.is_some() || c.max_years.is_some() {
        match facts.registered_on {
            None => push(ConditionKind::Age, false, "未登记成立日期".into()),
            Some(on) => {
                let years = full_years(on, today);
                let low = c.min_years.is_none_or(|m| years >= i32::try_from(m).unwrap_or(i32::MAX));
                let high = c.max_years.is_none_or(|m| years < i32::try_from(m).unwrap_or(i32::MAX));
                let bound = match (c.min_years, c.max_years) {
                    (Some(min), Some(max)) => format!("政策要求成立满{min}年、不满{max}年"),
                    (Some(min), None) => format!("政策要求成立满{min}年"),
                    (None, Some(max)) => format!("政策要求成立不满{max}年"),
                    (None, None) => String::new(),
                };
                let reason = format!("成立于{}，已满{}年；{bound}", on, years.max(0));
                push(ConditionKind::Age, low && high, reason);
            }
        }
    }
    if c.min_employees.is_some() || c.max_employees.is_some() {
        match facts.employees {
            None => push(ConditionKind::Employees, false, "未登记从业人数".into()),
            Some(n) => {
                let met = c.min_employees.is_none_or(|m| n >= m) && c.max_employees.is_none_or(|m| n <= m);
                let bound = match (c.min_employees, c.max_employees) {
                    (Some(min), Some(max)) => format!("政策要求{min}至{max}人"),
                    (Some(min), None) => format!("政策要求不少于{min}人"),
                    (None, Some(max)) => format!("政策要求不超过{max}人"),
                    (None, None) => String::new(),
                };
                push(ConditionKind::Employees, met, format!("从业人员{n}人；{bound}"));
            }
        }
    }
    if c.min_revenue.is_some() || c.max_revenue.is_some() {
        match facts.revenue {
            None => push(ConditionKind::Revenue, false, "未登记营业收入".into()),
            Some(r) => {
                let met = c.min_revenue.is_none_or(|m| r >= m) && c.max_revenue.is_none_or(|m| r <= m);
                let bound = revenue_bound(c.min_revenue, c.max_revenue).unwrap_or_default();
                push(ConditionKind::Revenue, met, format!("营业收入{}；政策要求{bound}", r.label()));
            }
        }
    }
    if let Some(min) = c.min_tax_credit {
        match facts.tax_credit {
            None => push(ConditionKind::TaxCredit, false, "未登记纳税信用等级".into()),
            Some(t) => {
                let reason = format!("纳税信用{}；政策要求{}及以上", t.label(), min.label());
                push(ConditionKind::TaxCredit, t <= min, reason);
            }
        }
    }
    out
}

/// How `checks` (from [`check`]) add up.
pub fn fit(checks: &[Check]) -> Fit {
    let failed = checks.iter().filter(|c| !c.met).count();
    let inside = checks.iter().any(|c| c.condition == ConditionKind::Region && c.met);
    match failed {
        0 => Fit::Qualifies,
        1 if inside => Fit::Nearly,
        _ => Fit::No,
    }
}

/// Whether `facts` meet every condition: the quick test the policy's list runs over every enterprise. It agrees
/// with `fit(&check(..)) == Fit::Qualifies` (a test holds them together) without writing any reason.
pub fn qualifies(region: &RegionCode, c: &Conditions, facts: &EnterpriseFacts, today: Date) -> bool {
    if !region.contains(&facts.region) {
        return false;
    }
    if !c.industries.is_empty() && !c.industries.contains(&facts.industry) {
        return false;
    }
    if !c.sizes.is_empty() && !c.sizes.iter().any(|s| facts.sizes.contains(s)) {
        return false;
    }
    if c.min_years.is_some() || c.max_years.is_some() {
        let Some(on) = facts.registered_on else { return false };
        let years = i64::from(full_years(on, today));
        if c.min_years.is_some_and(|m| years < i64::from(m)) || c.max_years.is_some_and(|m| years >= i64::from(m)) {
            return false;
        }
    }
    if c.min_employees.is_some() || c.max_employees.is_some() {
        let Some(n) = facts.employees else { return false };
        if c.min_employees.is_some_and(|m| n < m) || c.max_employees.is_some_and(|m| n > m) {
            return false;
        }
    }
    if c.min_revenue.is_some() || c.max_revenue.is_some() {
        let Some(r) = facts.revenue else { return false };
        if c.min_revenue.is_some_and(|m| r < m) || c.max_revenue.is_some_and(|m| r > m) {
            return false;
        }
    }
    if let Some(min) = c.min_tax_credit {
        let Some(t) = facts.tax_credit else { return false };
        if t > min {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).expect("region")
    }

    fn date(s: &str) -> Date {
        s.parse().expect("date")
    }

    /// An enterprise of 川汇区 that meets every condition of `strict()`.
    fn inside() -> EnterpriseFacts {
        EnterpriseFacts {
            region: code("411602"),
            industry: "生物医药".into(),
            sizes: vec![SizeFlag::Specialized],
            registered_on: Some(date("2020-03-01")),
            employees: Some(120),
            revenue: Some(RevenueBand::To100m),
            tax_credit: Some(TaxCredit::B),
        }
    }

    /// A condition of every kind, each with both bounds where it has two.
    fn strict() -> Conditions {
        Conditions {
            industries: vec!["生物医药".into(), "电子信息".into()],
            sizes: vec![SizeFlag::Specialized, SizeFlag::HighTech],
            min_years: Some(3),
            max_years: Some(10),
            min_employees: Some(20),
            max_employees: Some(300),
            min_revenue: Some(RevenueBand::To20m),
            max_revenue: Some(RevenueBand::To400m),
            min_tax_credit: Some(TaxCredit::B),
        }
        .normalised()
        .expect("valid")
    }

    const TODAY: &str = "2026-12-03";

    fn verdict(region: &str, c: &Conditions, f: &EnterpriseFacts) -> (Fit, Vec<ConditionKind>) {
        let checks = check(&code(region), c, f, date(TODAY));
        let failed = checks.iter().filter(|c| !c.met).map(|c| c.condition).collect();
        let fit = fit(&checks);
        assert_eq!(fit == Fit::Qualifies, qualifies(&code(region), c, f, date(TODAY)), "the two tests agree");
        (fit, failed)
    }

    #[test]
    fn an_enterprise_meeting_every_condition_qualifies_with_a_reason_for_each() {
        let checks = check(&code("411600"), &strict(), &inside(), date(TODAY));
        assert_eq!(checks.len(), 7);
        assert!(checks.iter().all(|c| c.met));
        assert_eq!(fit(&checks), Fit::Qualifies);
        assert!(checks[3].reason.contains("成立于2020-03-01，已满6年"), "{}", checks[3].reason);
    }

    /// Each condition, with the enterprise one step inside and one step outside each bound: the step outside fails
    /// that condition alone (差一项), the step inside qualifies.
    #[test]
    fn each_condition_on_both_sides_of_each_bound() {
        type Edit = fn(&mut EnterpriseFacts);
        let cases: Vec<(ConditionKind, Edit, Edit)> = vec![
            (ConditionKind::Industry, |f| f.industry = "电子信息".into(), |f| f.industry = "纺织服装".into()),
            (ConditionKind::Size, |f| f.sizes = vec![SizeFlag::HighTech], |f| f.sizes = vec![SizeFlag::AboveScale]),
            (
                ConditionKind::Size,
                |f| f.sizes = vec![SizeFlag::AboveScale, SizeFlag::Specialized],
                |f| f.sizes = vec![],
            ),
            // 满3年 on the third anniversary, not the day before.
            (
                ConditionKind::Age,
                |f| f.registered_on = Some(date("2023-12-03")),
                |f| f.registered_on = Some(date("2023-12-04")),
            ),
            // 不满10年: the day before the tenth anniversary, not on it.
            (
                ConditionKind::Age,
                |f| f.registered_on = Some(date("2016-12-04")),
                |f| f.registered_on = Some(date("2016-12-03")),
            ),
            (ConditionKind::Age, |_| {}, |f| f.registered_on = None),
            (ConditionKind::Employees, |f| f.employees = Some(20), |f| f.employees = Some(19)),
            (ConditionKind::Employees, |f| f.employees = Some(300), |f| f.employees = Some(301)),
            (ConditionKind::Employees, |_| {}, |f| f.employees = None),
            (
                ConditionKind::Revenue,
                |f| f.revenue = Some(RevenueBand::To20m),
                |f| f.revenue = Some(RevenueBand::Under5m),
            ),
            (
                ConditionKind::Revenue,
                |f| f.revenue = Some(RevenueBand::To400m),
                |f| f.revenue = Some(RevenueBand::Over400m),
            ),
            (ConditionKind::Revenue, |_| {}, |f| f.revenue = None),
            (ConditionKind::TaxCredit, |f| f.tax_credit = Some(TaxCredit::A), |f| f.tax_credit = Some(TaxCredit::M)),
            (ConditionKind::TaxCredit, |_| {}, |f| f.tax_credit = None),
        ];
        for (kind, meet, miss) in cases {
            let mut f = inside();
            meet(&mut f);
            assert_eq!(verdict("411600", &strict(), &f), (Fit::Qualifies, vec![]), "{kind:?} met: {f:?}");
            let mut f = inside();
            miss(&mut f);
            assert_eq!(verdict("411600", &strict(), &f), (Fit::Nearly, vec![kind]), "{kind:?} missed: {f:?}");
        }
    }

    #[test]
    fn outside_the_region_is_never_nearly_and_two_failures_are_no() {
        let mut f = inside();
        f.region = code("411621");
        assert_eq!(verdict("411602", &strict(), &f), (Fit::No, vec![ConditionKind::Region]));
        assert_eq!(verdict("411600", &strict(), &f).0, Fit::Qualifies, "a county inside a city's policy");
        let mut f = inside();
        f.employees = None;
        f.tax_credit = Some(TaxCredit::D);
        assert_eq!(
            verdict("411600", &strict(), &f),
            (Fit::No, vec![ConditionKind::Employees, ConditionKind::TaxCredit])
        );
    }

    #[test]
    fn no_conditions_means_every_enterprise_of_the_region() {
        let bare = EnterpriseFacts {
            sizes: vec![],
            registered_on: None,
            employees: None,
            revenue: None,
            tax_credit: None,
            ..inside()
        };
        assert_eq!(verdict("411600", &Conditions::default(), &bare), (Fit::Qualifies, vec![]));
        assert!(Conditions::default().describe().is_empty());
    }

    #[test]
    fn bounds_no_enterprise_can_meet_are_refused() {
        let years = Conditions { min_years: Some(5), max_years: Some(5), ..Conditions::default() };
        assert_eq!(years.normalised(), Err(ConditionError::Years { min: 5, max: 5 }));
        let people = Conditions { min_employees: Some(50), max_employees: Some(10), ..Conditions::default() };
        assert!(
            people.normalised().expect_err("refused").to_string().contains("从业人数的下限（50人）大于上限（10人）")
        );
        let revenue = Conditions {
            min_revenue: Some(RevenueBand::Over400m),
            max_revenue: Some(RevenueBand::Under5m),
            ..Conditions::default()
        };
        assert!(revenue.normalised().is_err());
        let blank = Conditions { industries: vec![" ".into()], ..Conditions::default() };
        assert_eq!(blank.normalised(), Err(ConditionError::EmptyIndustry));
        let huge = Conditions { min_employees: Some(MAX_EMPLOYEES + 1), ..Conditions::default() };
        assert!(huge.normalised().is_err());
    }

    #[test]
    fn conditions_read_as_a_cadre_would_say_them() {
        assert_eq!(
            strict().describe(),
            [
                "产业链：生物医药、电子信息",
                "企业类型：专精特新或高新技术企业",
                "成立满3年、不满10年",
                "从业人员20至300人",
                "营业收入500万元及以上、4亿元以下",
                "纳税信用B级及以上",
            ]
        );
        assert_eq!(PolicyLevel::parse("省级"), Some(PolicyLevel::Provincial));
        assert_eq!(TaxCredit::parse("A"), Some(TaxCredit::A));
    }

    #[test]
    fn codes_are_what_json_and_the_database_hold() {
        assert_eq!(serde_json::to_string(&RevenueBand::To100m).expect("json"), "\"20m_100m\"");
        assert_eq!(serde_json::from_str::<TaxCredit>("\"A\"").expect("json"), TaxCredit::A);
        for kind in BenefitKind::ALL {
            assert_eq!(serde_json::to_value(kind).expect("json"), kind.as_str());
        }
    }

    #[test]
    fn full_years_follow_the_anniversary() {
        assert_eq!(full_years(date("2020-03-01"), date("2023-02-28")), 2);
        assert_eq!(full_years(date("2020-03-01"), date("2023-03-01")), 3);
        assert_eq!(full_years(date("2020-02-29"), date("2021-02-28")), 0);
    }
}
