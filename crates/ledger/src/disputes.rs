//! The 纠纷案件台账 (issue 15): the dispute cases a 多元解纷工作站 has kept in Excel before zhuqi, and zhuqi's own.
//!
//! `zhuqi import disputes FILE` records each row as a case of its workstation (受理工作站, a unit by its full name),
//! with its parties (涉事企业: registered enterprises of the workstation's region, by name or credit code, several
//! with 、 between them), 对方当事人, 纠纷类型, 涉及金额, 简要案情 and 受理日期; and, where the ledger says so, its
//! history: transferred (移交) to 承办 — a 法治护航员 of the workstation by name, or a unit by its full name (a court's
//! mediation centre, the arbitration commission, a department) — and taken up that day, then concluded on 办结日期
//! with its 调解结果 (调解成功 with 达成金额, 调解不成, 转诉讼) or withdrawn (撤回), and evaluated (效果评价, 1–5). A row
//! without a result is still in mediation. Every row is checked first and all are written in one transaction or none;
//! a case already recorded (same workstation, day, first party, other party and amount) is refused.
//!
//! `zhuqi export disputes` writes every case under the same headings, with its number and state, so that it imports
//! into another database as it is.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use zhuqi_domain::dispute::{DISPUTE_TYPES, Forum, Outcome};
use zhuqi_domain::time::{local_date, start_of_day};
use zhuqi_domain::{Action, Actor, DeadlinePolicy, Fen, Kind, RegionCode, Role, Stars, Uscc};
use zhuqi_store::ledger::{EnterpriseRef, LedgerReader};
use zhuqi_store::{DisputeFilter, DisputeRecord, NewDispute, Principal, Store};

use super::catalog::{Catalog, Regions, operator};
use super::export::Out;
use super::headings::{Column, Layout, normalise};
use super::import::{Cells, ImportSummary, checked, write_all};
use super::sheet::SheetRow;
use super::values;

const MAX_SHORT: usize = 100;
const MAX_TEXT: usize = zhuqi_domain::appeal::MAX_TEXT;

/// How a ledger row ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Concluded(Outcome),
    Withdrawn,
    /// 不予受理: refused by the workstation, never transferred.
    Refused,
}

fn ending(text: &str) -> Result<Option<Ending>, String> {
    let t = normalise(text);
    if ["调解中", "办理中", "在办", ""].contains(&t.as_str()) {
        return Ok(None);
    }
    if ["撤回", "已撤回", "申请人撤回", "撤诉"].contains(&t.as_str()) {
        return Ok(Some(Ending::Withdrawn));
    }
    if ["不予受理", "不受理"].contains(&t.as_str()) {
        return Ok(Some(Ending::Refused));
    }
    match Outcome::ALL.into_iter().find(|o| normalise(o.label()) == t || o.as_str() == t) {
        Some(o) => Ok(Some(Ending::Concluded(o))),
        None => Err(format!(
            "调解结果「{}」应为调解成功、调解不成、转诉讼、撤回、不予受理或调解中 / unknown result",
            values::clip(text)
        )),
    }
}

/// Who took the case: a mediator of the workstation, or a unit.
#[derive(Debug, Clone, Copy)]
struct Holder {
    forum: Forum,
    unit_id: i64,
    mediator_id: Option<i64>,
}

/// A unit's forum by its name: courts and arbitration bodies by what they are called, any other unit a department.
fn forum_of(unit_name: &str) -> Forum {
    if unit_name.contains("法院") {
        Forum::Court
    } else if unit_name.contains("仲裁") {
        Forum::Arbitration
    } else {
        Forum::Unit
    }
}

/// One row, read and checked.
struct Row {
    row: usize,
    workstation_id: i64,
    new: NewDispute,
    recorded: Date,
    holder: Option<Holder>,
    ending: Option<Ending>,
    agreed: Option<Fen>,
    done: Option<Date>,
    rating: Option<Stars>,
}

/// Every case, in the order they were recorded.
async fn every_case(store: &Store, p: &Principal, region: Option<RegionCode>) -> anyhow::Result<Vec<DisputeRecord>> {
    let filter = DisputeFilter { region, limit: usize::MAX / 2, ..DisputeFilter::default() };
    let mut all = store.disputes_for(p, filter).await?.items;
    all.sort_by_key(|d| d.id);
    Ok(all)
}

/// What makes two cases the same: workstation, day, first party, other party, amount.
fn key(workstation: i64, day: Date, party: i64, other: &str, amount: Fen) -> (i64, Date, i64, String, i64) {
    (workstation, day, party, normalise(other), amount.fen())
}

pub(super) async fn import(
    store: &Store,
    (data, layout, catalog): (&[SheetRow], &Layout, &Catalog),
    file: String,
    dry_run: bool,
    summary: &mut ImportSummary,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let operator = operator(store, &[Role::Workstation, Role::Leader]).await?;
    let today = zhuqi_domain::time::today();
    let mediators = store.mediators_for(&operator).await?;
    let mut seen: HashMap<(i64, Date, i64, String, i64), usize> = every_case(store, &operator, None)
        .await?
        .iter()
        .filter_map(|d| {
            let party = d.parties.first()?.enterprise_id;
            Some((key(d.workstation_id, local_date(d.state.created_at), party, &d.other_party, d.amount), 0))
        })
        .collect();
    // The parties, looked up in two queries: by credit code, and by name as written and with the brackets the other width.
    let written: Vec<String> = data
        .iter()
        .flat_map(|row| {
            let cell = layout.find(Column::EnterpriseName).map(|m| row.cell(m.index).text().unwrap_or_default());
            values::names(&cell.unwrap_or_default())
        })
        .collect();
    let codes: Vec<String> = written.iter().filter(|t| Uscc::parse(t).is_ok()).cloned().collect();
    let names: HashSet<String> = written
        .iter()
        .flat_map(|n| [n.clone(), n.replace('(', "（").replace(')', "）"), n.replace('（', "(").replace('）', ")")])
        .collect();
    let by_code: HashMap<String, EnterpriseRef> =
        store.enterprises_by_uscc(codes).await?.into_iter().map(|e| (e.uscc.clone(), e)).collect();
    let mut by_name: HashMap<String, Vec<EnterpriseRef>> = HashMap::new();
    for e in store.enterprises_by_name(names.into_iter().collect()).await? {
        by_name.entry(normalise(&e.name)).or_default().push(e);
    }

    let mut errors = Vec::new();
    let mut ready = Vec::new();
    for row in data {
        let before = errors.len();
        let mut cells = Cells { row, layout, errors: &mut errors };
        let station = cells.required(Column::Workstation, MAX_SHORT).and_then(|t| match catalog.units.resolve(&t) {
            Ok(u) => Some(u.clone()),
            Err(reason) => {
                cells.fail(Column::Workstation, reason);
                None
            }
        });
        let mut parties = Vec::new();
        for written in cells.required(Column::EnterpriseName, MAX_TEXT).map(|t| values::names(&t)).unwrap_or_default() {
            let found = match by_code.get(&written) {
                Some(e) => Ok(e),
                None => match by_name.get(&normalise(&written)).map(Vec::as_slice) {
                    Some([e]) => Ok(e),
                    Some([_, _, ..]) => Err(format!(
                        "有多家企业叫「{written}」，请改填统一社会信用代码 / several enterprises: give the code"
                    )),
                    _ => Err(format!("企业「{}」尚未登记，请先导入企业台账 / not registered", values::clip(&written))),
                },
            };
            match (found, &station) {
                (Ok(e), Some(s)) if !Regions::contains(&s.region_code, &e.region_code) => cells.fail(
                    Column::EnterpriseName,
                    format!("「{}」不在受理工作站所在地区 / not in the workstation's region", e.name),
                ),
                (Ok(e), _) if !parties.contains(&e.id) => parties.push(e.id),
                (Ok(_), _) => {}
                (Err(reason), _) => cells.fail(Column::EnterpriseName, reason),
            }
        }
        let other_party = cells.required(Column::OtherParty, MAX_SHORT);
        let dispute_type = cells.required(Column::DisputeType, MAX_SHORT).and_then(|t| {
            match DISPUTE_TYPES.iter().find(|d| normalise(d) == normalise(&t)) {
                Some(d) => Some((*d).to_owned()),
                None => {
                    cells.fail(
                        Column::DisputeType,
                        format!("纠纷类型应为：{} / unknown type", DISPUTE_TYPES.join("、")),
                    );
                    None
                }
            }
        });
        let amount = money(&mut cells, Column::AmountWan, Column::AmountYuan);
        if amount.is_none() && !cells.present(Column::AmountWan) && !cells.present(Column::AmountYuan) {
            cells.fail(Column::AmountWan, "不能为空 / required");
        }
        let facts = cells.required(Column::Facts, MAX_TEXT);
        let recorded = cells.parse(Column::Collected, |c| values::date(c, today));
        if recorded.is_none() && !cells.present(Column::Collected) {
            cells.fail(Column::Collected, "不能为空 / required");
        }
        let holder = cells.text(Column::Holder).and_then(|t| {
            let station = station.as_ref()?;
            let mediator =
                mediators.iter().find(|(_, name, unit, _)| *unit == station.id && normalise(name) == normalise(&t));
            if let Some((id, ..)) = mediator {
                return Some(Holder { forum: Forum::Mediator, unit_id: station.id, mediator_id: Some(*id) });
            }
            match catalog.units.resolve(&t) {
                Ok(u) => Some(Holder { forum: forum_of(&u.name), unit_id: u.id, mediator_id: None }),
                Err(_) => {
                    cells.fail(
                        Column::Holder,
                        format!(
                            "「{}」既不是该工作站的法治护航员，也不是已登记的单位 / no such mediator or unit",
                            values::clip(&t)
                        ),
                    );
                    None
                }
            }
        });
        let ending = cells.text(Column::Result).and_then(|t| match ending(&t) {
            Ok(e) => e,
            Err(reason) => {
                cells.fail(Column::Result, reason);
                None
            }
        });
        let agreed = money(&mut cells, Column::AgreedWan, Column::AgreedYuan);
        let done = cells.parse(Column::Done, |c| values::date(c, today));
        let rating = cells.parse(Column::Rating, values::stars);
        match ending {
            Some(Ending::Refused) if holder.is_some() => {
                cells.fail(Column::Holder, "不予受理的案件没有承办 / a refused case was not transferred")
            }
            Some(Ending::Concluded(_)) if holder.is_none() && !cells.present(Column::Holder) => {
                cells.fail(Column::Holder, "有调解结果的案件须填写承办的法治护航员或单位 / who mediated it?")
            }
            Some(Ending::Concluded(_) | Ending::Withdrawn) if done.is_none() && !cells.present(Column::Done) => {
                cells.fail(Column::Done, "已结案的案件须填写办结日期 / required")
            }
            None if done.is_some() || rating.is_some() => {
                cells.fail(Column::Result, "填写了办结日期或评价，但没有调解结果 / a result is missing")
            }
            _ => {}
        }
        match (ending, agreed) {
            (Some(Ending::Concluded(Outcome::Mediated)), None)
                if !cells.present(Column::AgreedWan) && !cells.present(Column::AgreedYuan) =>
            {
                cells.fail(Column::AgreedWan, "调解成功的案件须填写达成金额 / required")
            }
            (Some(Ending::Concluded(Outcome::Mediated)), _) | (_, None) => {}
            (_, Some(_)) => {
                cells.fail(Column::AgreedWan, "只有调解成功的案件有达成金额 / only a mediated case has one")
            }
        }
        if rating.is_some() && !matches!(ending, Some(Ending::Concluded(_))) {
            cells.fail(Column::Rating, "只有调解结束的案件可以评价 / only a concluded case is evaluated");
        }
        if let (Some(r), Some(d)) = (recorded, done)
            && d < r
        {
            cells.fail(Column::Done, format!("办结日期 {d} 早于受理日期 {r} / before it was recorded"));
        }
        if let (Some(s), Some(first), Some(other), Some(amount), Some(day)) =
            (&station, parties.first(), &other_party, amount, recorded)
        {
            match seen.get(&key(s.id, day, *first, other, amount)) {
                Some(0) => cells.fail(Column::EnterpriseName, "该案件已登记 / the case is recorded already"),
                Some(first) => {
                    cells.fail(Column::EnterpriseName, format!("与第{first}行重复 / the same as row {first}"))
                }
                None => {
                    seen.insert(key(s.id, day, *first, other, amount), row.number);
                }
            }
        }
        if errors.len() != before {
            continue;
        }
        if let (Some(s), Some(other_party), Some(dispute_type), Some(amount), Some(facts), Some(recorded)) =
            (station, other_party, dispute_type, amount, facts, recorded)
        {
            let new = NewDispute { enterprise_ids: parties, other_party, dispute_type, amount, facts };
            ready.push(Row {
                row: row.number,
                workstation_id: s.id,
                new,
                recorded,
                holder,
                ending,
                agreed,
                done,
                rating,
            });
        }
    }
    if !checked(errors, (data.len(), layout), summary, started, dry_run)? {
        return Ok(());
    }
    let policies = store.deadline_policies().await?;
    // Mediation takes longer than 13710's seven days: the 复杂事项 rule where the city has it, as the pages offer first.
    let policy = policies.iter().find(|p| p.code == "complex").cloned().unwrap_or_else(DeadlinePolicy::standard);
    write_all(store, ("disputes", file), ready, summary, move |w, r| {
        write(w, r, &policy).map_err(|e| anyhow::anyhow!("第{}行：{e}", r.row))
    })
    .await
}

/// An amount in 万元 or 元, as the heading says.
fn money(cells: &mut Cells<'_>, wan: Column, yuan: Column) -> Option<Fen> {
    match cells.parse(wan, |c| values::amount(c, true)) {
        Some(f) => Some(f),
        None => cells.parse(yuan, |c| values::amount(c, false)),
    }
}

/// The case and its history. A ledger has dates only: each step of a day at a fixed office hour, in order; who took
/// each step is not in a ledger, so each is recorded under its role without a person.
fn write(w: &mut zhuqi_store::Writer<'_>, r: &Row, policy: &DeadlinePolicy) -> anyhow::Result<()> {
    let at = |d: Date, hour: i64| {
        start_of_day(d).and_then(|t| t.checked_add(hour.hours()).ok()).ok_or_else(|| anyhow::anyhow!("日期{d}超出范围"))
    };
    let station = Actor { user_id: None, role: Role::Workstation };
    let recorded: Timestamp = at(r.recorded, 9)?;
    let mut case = w.create_dispute(&r.new, r.workstation_id, station, recorded)?;
    let ended = at(r.done.unwrap_or(r.recorded), 17)?;
    match (r.ending, r.holder) {
        (Some(Ending::Refused), _) => {
            let reason = "不予受理（台账导入）".to_owned();
            w.apply_dispute(&case, station, Action::RejectInvalid { reason }, ended)?;
            return Ok(());
        }
        (Some(Ending::Withdrawn), None) => {
            let reason = "申请人撤回调解申请（台账导入）".to_owned();
            w.apply_dispute(&case, station, Action::Withdraw { reason }, ended)?;
            return Ok(());
        }
        _ => {}
    }
    let Some(h) = r.holder else { return Ok(()) };
    let transfer = Action::Transfer {
        forum: h.forum,
        unit_id: h.unit_id,
        mediator_id: h.mediator_id,
        category: r.new.dispute_type.clone(),
        policy: policy.clone(),
    };
    case = w.apply_dispute(&case, station, transfer, recorded)?;
    let holder = Actor { user_id: None, role: if h.forum == Forum::Mediator { Role::Mediator } else { Role::Handler } };
    case = w.apply_dispute(&case, holder, Action::Acknowledge, recorded)?;
    if r.done.is_none() {
        return Ok(());
    }
    match r.ending {
        None | Some(Ending::Refused) => {}
        Some(Ending::Withdrawn) => {
            let reason = "申请人撤回调解申请（台账导入）".to_owned();
            w.apply_dispute(&case, station, Action::Withdraw { reason }, ended)?;
        }
        Some(Ending::Concluded(outcome)) => {
            let text = format!("{}（台账导入）", outcome.label());
            let action = Action::Conclude { outcome, agreed: r.agreed, text };
            case = w.apply_dispute(&case, holder, action, ended)?;
            if let Some(rating) = r.rating {
                let party = Actor { user_id: None, role: Role::Enterprise };
                w.apply_dispute(&case, party, Action::Confirm { rating: Some(rating), comment: String::new() }, ended)?;
            }
        }
    }
    Ok(())
}

/// Every case `reader` may see (within `region`), under the headings an import reads.
pub(super) async fn rows(
    store: &Store,
    reader: &LedgerReader,
    region: Option<RegionCode>,
) -> anyhow::Result<Vec<Vec<Out>>> {
    let p = match reader {
        LedgerReader::Operator => operator(store, &[Role::Workstation, Role::Leader]).await?,
        LedgerReader::User(p) => p.clone(),
    };
    let mut out = Vec::new();
    for d in every_case(store, &p, region).await? {
        let s = &d.state;
        let holder = match d.forum() {
            Some(Forum::Mediator) => d.mediator_name.clone(),
            Some(_) => d.unit_name.clone(),
            None => None,
        };
        let result = match (d.outcome(), s.status) {
            (Some(o), _) => o.label(),
            (None, zhuqi_domain::Status::Withdrawn) => "撤回",
            (None, zhuqi_domain::Status::Invalid) => "不予受理",
            (None, _) => "调解中",
        };
        let done = s.answered_at.filter(|_| d.outcome().is_some()).or(s.closed_at.filter(|_| d.outcome().is_none()));
        out.push(vec![
            Out::Number((out.len() + 1) as f64),
            Out::text(d.number.to_string()),
            Out::Date(local_date(s.created_at)),
            Out::text(d.workstation_name.clone()),
            Out::text(d.party_names()),
            Out::text(d.other_party.clone()),
            Out::text(s.category.clone()),
            Out::Amount(d.amount),
            Out::text(d.facts.clone()),
            Out::opt(holder),
            Out::text(result),
            d.agreed().map_or(Out::Empty, Out::Amount),
            done.map_or(Out::Empty, |t| Out::Date(local_date(t))),
            Out::opt(s.rating.map(|r| r.get().to_string())),
            Out::text(Kind::Dispute.status_label(s.status)),
        ]);
    }
    Ok(out)
}
