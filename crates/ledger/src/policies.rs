//! The 惠企政策库 (issue 16): the policy library as an office keeps it in Excel (政策执行清单, 新出台政策推进清单).
//!
//! `zhuqi import policies FILE` records each row as a policy: 政策名称, 发文机关, 层级 (国家/省级/市级/县级), 文号,
//! 适用地区 (a region by name or code), 责任单位 (a unit by its full name), 状态 (起草中, 已发布 — also 有效, 现行有效 —
//! or 已废止), 有效期起/止, 计划出台日期 (a draft's: the draft becomes a task of its unit on the loop), 扶持方式,
//! 扶持内容, 单户上限 in 万元, 免申即享, and its conditions: 产业链 and 企业类型 (several, 、 between them), 成立满 /
//! 成立不满 N 年, 从业人数不少于 / 不超过, 营业收入不低于 / 不高于 (a band as the statistics offices write it),
//! 纳税信用不低于, and 政策原文. Every row is checked first, by the same rules as the form (`Writer::insert_policy`),
//! and all are written in one transaction or none. A policy the library has (the same title in the same region) is
//! refused, so that a file imported twice records nothing twice.
//!
//! `zhuqi export policies` (and the library page's download) writes every policy under the same headings, so that an
//! export imports into another installation as it is.

use std::collections::HashMap;

use jiff::{Timestamp, ToSpan};
use zhuqi_domain::policy::{
    BenefitKind, Conditions, MAX_EMPLOYEES, MAX_YEARS, PolicyLevel, PolicyStatus, RevenueBand, SizeFlag, TaxCredit,
};
use zhuqi_domain::{RegionCode, Role};
use zhuqi_store::ledger::LedgerReader;
use zhuqi_store::{MAX_POLICY_BODY, MAX_POLICY_LINE, MAX_POLICY_TITLE, NewPolicy, PolicyFilter, Principal, Store};

use super::catalog::{Catalog, operator};
use super::export::Out;
use super::headings::{Column, Layout, normalise};
use super::import::{Cells, ImportSummary, checked, write_all};
use super::sheet::{Cell, SheetRow, number_text};
use super::values;

/// How far ahead a validity or a planned date may be.
const LONGEST_YEARS: i32 = 20;

/// Every policy `p` reads, in the order they were recorded.
async fn library(store: &Store, p: &Principal) -> anyhow::Result<Vec<zhuqi_store::PolicyRecord>> {
    let mut all = store.policies_for(p, PolicyFilter { limit: usize::MAX / 2, ..PolicyFilter::default() }).await?.items;
    all.sort_by_key(|r| r.id);
    Ok(all)
}

/// A labelled value by its label or code, or the reason naming what it may be.
fn one_of<T: Copy>(
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
    all: &[T],
    label: impl Fn(T) -> &'static str,
) -> Result<T, String> {
    parse(text).or_else(|| parse(&normalise(text))).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|v| label(*v)).collect();
        format!("「{}」应为{}之一 / unknown value", values::clip(text), names.join("、"))
    })
}

/// 层级: 国家, 省级 (or 省), 市级 (市), 县级 (县, 县区级).
fn level(text: &str) -> Result<PolicyLevel, String> {
    let t = normalise(text);
    let t = t.strip_suffix("区级").map_or(t.clone(), |c| format!("{c}级"));
    let t = if t.ends_with('级') || t == "国家" { t } else { format!("{t}级") };
    one_of(&t, PolicyLevel::parse, PolicyLevel::ALL, PolicyLevel::label)
        .map_err(|_| format!("层级「{}」应为国家、省级、市级或县级 / unknown level", values::clip(text)))
}

/// 状态: 起草中, 已发布 (有效, 现行有效, 未生效 and 已失效 are a published policy's standing), 已废止.
fn status(text: &str) -> Result<PolicyStatus, String> {
    match normalise(text).as_str() {
        "有效" | "现行有效" | "未生效" | "已失效" | "已出台" | "发布" => Ok(PolicyStatus::Published),
        "起草" | "在起草" | "拟出台" => Ok(PolicyStatus::Drafting),
        "废止" => Ok(PolicyStatus::Repealed),
        _ => one_of(text, PolicyStatus::parse, PolicyStatus::ALL, PolicyStatus::label),
    }
}

/// A whole number no greater than `max`.
fn count(cell: &Cell, max: u32) -> Result<u32, String> {
    let text = match cell {
        Cell::Number(n) => number_text(*n),
        other => other.text().unwrap_or_default().trim().trim_end_matches(['年', '人']).to_owned(),
    };
    match text.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        Ok(_) => Err(format!("不能超过{max} / larger than {max}")),
        Err(_) => Err(format!("「{}」应为不小于0的整数 / a whole number", values::clip(&text))),
    }
}

pub(super) async fn import(
    store: &Store,
    (data, layout, catalog): (&[SheetRow], &Layout, &Catalog),
    file: String,
    dry_run: bool,
    summary: &mut ImportSummary,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let operator = operator(store, &[Role::Dispatcher]).await?;
    let mut recorded: HashMap<(String, String), usize> = library(store, &operator)
        .await?
        .iter()
        .map(|r| ((r.policy.region.as_str().to_owned(), normalise(&r.policy.title)), 0))
        .collect();
    let industries: HashMap<String, String> =
        store.industries().await?.into_iter().map(|i| (normalise(&i), i)).collect();
    let today = zhuqi_domain::time::today();
    let latest = today.checked_add(LONGEST_YEARS.years())?;
    let mut errors = Vec::new();
    let mut ready = Vec::new();
    for row in data {
        let before = errors.len();
        let mut cells = Cells { row, layout, errors: &mut errors };
        let title = cells.required(Column::PolicyTitle, MAX_POLICY_TITLE);
        let issuer = cells.required(Column::Issuer, MAX_POLICY_LINE);
        let level = cells.parse(Column::Level, |c| level(&c.text().unwrap_or_default()));
        let doc_number = cells.bounded(Column::DocNumber, MAX_POLICY_LINE).unwrap_or_default();
        let unit = cells.required(Column::Unit, MAX_POLICY_LINE).and_then(|t| match catalog.units.resolve(&t) {
            Ok(u) => Some(u),
            Err(reason) => {
                cells.fail(Column::Unit, reason);
                None
            }
        });
        // Where it applies: as written, else the region of the unit that answers for it.
        let region = match cells.text(Column::Region) {
            Some(t) => {
                catalog.regions.resolve(&t).map(|r| r.code.clone()).map_err(|e| cells.fail(Column::Region, e)).ok()
            }
            None => unit.map(|u| u.region_code.clone()),
        };
        let region = region.and_then(|r| RegionCode::parse(&r).ok());
        let status = match cells.cell(Column::Status) {
            None => Some(PolicyStatus::Published),
            Some(_) => cells.parse(Column::Status, |c| status(&c.text().unwrap_or_default())),
        };
        let valid_from = cells.parse(Column::ValidFrom, |c| values::date(c, latest));
        let valid_to = cells.parse(Column::ValidTo, |c| values::date(c, latest));
        let due_on = cells.parse(Column::PlannedOn, |c| values::date(c, latest));
        let valid_from = match (valid_from, status, due_on) {
            (Some(d), _, _) => Some(d),
            // A draft takes effect when it is published: until then its planned day stands in.
            (None, Some(PolicyStatus::Drafting), Some(due)) => Some(due),
            (None, _, _) => {
                if !cells.present(Column::ValidFrom) {
                    cells.fail(Column::ValidFrom, "不能为空 / required");
                }
                None
            }
        };
        let benefit_kind = match cells.cell(Column::BenefitKind) {
            None => Some(BenefitKind::Subsidy),
            Some(_) => cells.parse(Column::BenefitKind, |c| {
                one_of(&c.text().unwrap_or_default(), BenefitKind::parse, BenefitKind::ALL, BenefitKind::label)
            }),
        };
        let benefit = cells.bounded(Column::Benefit, MAX_POLICY_LINE).unwrap_or_default();
        let cap = cells.parse(Column::CapWan, |c| values::amount(c, true));
        let no_application = cells.parse(Column::NoApplication, values::flag).unwrap_or(false);
        let mut conditions = Conditions::default();
        for name in cells.text(Column::Industry).map(|t| values::names(&t)).unwrap_or_default() {
            match industries.get(&normalise(&name)) {
                Some(known) => conditions.industries.push(known.clone()),
                None => cells
                    .fail(Column::Industry, format!("产业链「{}」不在目录中 / unknown industry", values::clip(&name))),
            }
        }
        for name in cells.text(Column::Sizes).map(|t| values::names(&t)).unwrap_or_default() {
            match one_of(&name, SizeFlag::parse, SizeFlag::ALL, SizeFlag::label) {
                Ok(flag) => conditions.sizes.push(flag),
                Err(reason) => cells.fail(Column::Sizes, reason),
            }
        }
        conditions.min_years = cells.parse(Column::MinYears, |c| count(c, MAX_YEARS));
        conditions.max_years = cells.parse(Column::MaxYears, |c| count(c, MAX_YEARS));
        conditions.min_employees = cells.parse(Column::MinEmployees, |c| count(c, MAX_EMPLOYEES));
        conditions.max_employees = cells.parse(Column::MaxEmployees, |c| count(c, MAX_EMPLOYEES));
        let band =
            |c: &Cell| one_of(&c.text().unwrap_or_default(), RevenueBand::parse, RevenueBand::ALL, RevenueBand::label);
        conditions.min_revenue = cells.parse(Column::MinRevenue, band);
        conditions.max_revenue = cells.parse(Column::MaxRevenue, band);
        conditions.min_tax_credit = cells.parse(Column::MinTaxCredit, |c| {
            let t = c.text().unwrap_or_default();
            let t = if t.trim().ends_with('级') { t.into_owned() } else { format!("{}级", t.trim()) };
            one_of(&t, TaxCredit::parse, TaxCredit::ALL, TaxCredit::label)
        });
        let conditions = match conditions.normalised() {
            Ok(c) => Some(c),
            Err(e) => {
                cells.fail(Column::Industry, e.to_string());
                None
            }
        };
        let body = cells.bounded(Column::Body, MAX_POLICY_BODY).unwrap_or_default();
        if let (Some(from), Some(to)) = (valid_from, valid_to)
            && to < from
        {
            cells.fail(Column::ValidTo, "有效期止不能早于有效期起 / the validity ends before it starts");
        }
        match (status, due_on) {
            (Some(PolicyStatus::Drafting), None) if !cells.present(Column::PlannedOn) => {
                cells.fail(Column::PlannedOn, "起草中的政策请填写计划出台日期 / a draft needs its due date");
            }
            (Some(PolicyStatus::Drafting), Some(due)) if due <= today => {
                cells.fail(Column::PlannedOn, format!("计划出台日期 {due} 须晚于今天 / due after today"));
            }
            _ => {}
        }
        if let (Some(r), Some(t)) = (&region, &title) {
            match recorded.get(&(r.as_str().to_owned(), normalise(t))) {
                Some(0) => cells.fail(Column::PolicyTitle, "政策库中已有该地区的同名政策 / the library has it already"),
                Some(first) => cells.fail(Column::PolicyTitle, format!("与第{first}行重复 / the same as row {first}")),
                None => {
                    recorded.insert((r.as_str().to_owned(), normalise(t)), row.number);
                }
            }
        }
        if errors.len() != before {
            continue;
        }
        if let (Some(title), Some(issuer), Some(level), Some(unit), Some(region), Some(status), Some(valid_from)) =
            (title, issuer, level, unit, region, status, valid_from)
            && let (Some(benefit_kind), Some(conditions)) = (benefit_kind, conditions)
        {
            ready.push(NewPolicy {
                title,
                issuer,
                level,
                doc_number,
                region,
                unit_id: unit.id,
                status,
                valid_from,
                valid_to,
                due_on: due_on.filter(|_| status == PolicyStatus::Drafting),
                benefit_kind,
                benefit,
                cap,
                no_application,
                conditions,
                body,
            });
        }
    }
    if !checked(errors, (data.len(), layout), summary, started, dry_run)? {
        return Ok(());
    }
    let now = Timestamp::now();
    write_all(store, ("policies", file), ready, summary, move |w, policy| {
        w.insert_policy(policy, None, now)?;
        Ok(())
    })
    .await
}

/// Every policy the reader reads, under the headings an import reads.
pub(super) async fn rows(
    store: &Store,
    reader: &LedgerReader,
    region: Option<RegionCode>,
    catalog: &Catalog,
) -> anyhow::Result<Vec<Vec<Out>>> {
    let p = match reader {
        LedgerReader::Operator => operator(store, &[Role::Dispatcher]).await?,
        LedgerReader::User(p) => p.clone(),
    };
    let names: HashMap<i64, &str> = catalog.units.all().map(|u| (u.id, u.name.as_str())).collect();
    let mut out = Vec::new();
    for r in library(store, &p).await? {
        let x = r.policy;
        if region.as_ref().is_some_and(|within| !within.contains(&x.region)) {
            continue;
        }
        let c = &x.conditions;
        let number = |n: Option<u32>| n.map_or(Out::Empty, |n| Out::Number(f64::from(n)));
        let labels = |l: Vec<&str>| Out::text(l.join("、"));
        out.push(vec![
            Out::Number((out.len() + 1) as f64),
            Out::text(x.title),
            Out::text(x.issuer),
            Out::text(x.level.label()),
            Out::text(x.doc_number),
            Out::text(catalog.regions.label(x.region.as_str())),
            Out::opt(names.get(&x.unit_id).copied()),
            Out::text(x.status.label()),
            // A draft's validity starts when it is published: its planned day is what the ledger says.
            if x.status == PolicyStatus::Drafting { Out::Empty } else { Out::Date(x.valid_from) },
            x.valid_to.map_or(Out::Empty, Out::Date),
            x.due_on.map_or(Out::Empty, Out::Date),
            Out::text(x.benefit_kind.label()),
            Out::text(x.benefit),
            Out::opt(x.cap.map(values::wan_text)),
            Out::flag(x.no_application),
            Out::text(c.industries.join("、")),
            labels(c.sizes.iter().map(|s| s.label()).collect()),
            number(c.min_years),
            number(c.max_years),
            number(c.min_employees),
            number(c.max_employees),
            Out::opt(c.min_revenue.map(|b| b.label())),
            Out::opt(c.max_revenue.map(|b| b.label())),
            Out::opt(c.min_tax_credit.map(|t| t.label())),
            Out::text(x.body),
        ]);
    }
    Ok(out)
}
