//! The 包联 ledger: which work group (工作组) serves which enterprise, and the cadres (助企干部) of each group, as a
//! city's office keeps it in Excel — one row per enterprise, with 工作组, 牵头单位, 助企干部 and 企业名称 or
//! 统一社会信用代码.
//!
//! An import names groups by name (a group not yet there is made: in its lead unit's region, or else the lowest
//! region that holds all its enterprises), cadres by name or login (several in a cell, separated by 、 or a line
//! break; a name two cadres share must be written as a login), enterprises by credit code or by a name only one
//! enterprise has. Each enterprise goes to its row's group, moved from any other; the cadres named are added to their
//! group, none is taken out; a row with the group alone keeps (or makes) an empty group. All rows or none, every
//! bad row named; an export reads back as it is.

use std::collections::HashMap;

use anyhow::Context;
use zhuqi_domain::RegionCode;
use zhuqi_store::ledger::{EnterpriseRef, LedgerReader};
use zhuqi_store::{MAX_WORK_GROUP_NAME, Origin, Store, WorkGroupDetail, WorkGroupMember, WorkGroupRecord};

use super::catalog::Catalog;
use super::export::Out;
use super::headings::{Column, Layout};
use super::import::{Cells, ImportSummary, RowError, refuse_if_bad};
use super::sheet::SheetRow;
use super::{LedgerKind, Progress};

/// One row, read and checked.
struct AssignmentRow {
    number: usize,
    group: String,
    lead_unit: Option<(i64, String)>,
    cadres: Vec<i64>,
    enterprise: Option<EnterpriseRef>,
}

/// What the import writes for one group.
#[derive(Debug, Default)]
struct GroupPlan {
    /// The group's id, or `None` for one to make.
    id: Option<i64>,
    region: Option<RegionCode>,
    lead_unit: Option<i64>,
    /// The lead unit differs from the stored one.
    lead_changed: bool,
    cadres: Vec<i64>,
    enterprises: Vec<i64>,
}

/// The cadres, by login and by name (names repeat).
struct Cadres {
    by_login: HashMap<String, i64>,
    by_name: HashMap<String, Vec<(i64, String)>>,
}

impl Cadres {
    fn new(all: &[WorkGroupMember]) -> Cadres {
        let mut by_name: HashMap<String, Vec<(i64, String)>> = HashMap::new();
        for c in all {
            by_name.entry(c.display_name.trim().to_owned()).or_default().push((c.user_id, c.username.clone()));
        }
        Cadres { by_login: all.iter().map(|c| (c.username.clone(), c.user_id)).collect(), by_name }
    }

    fn resolve(&self, text: &str) -> Result<i64, String> {
        if let Some(id) = self.by_login.get(text) {
            return Ok(*id);
        }
        match self.by_name.get(text).map(Vec::as_slice) {
            Some([(id, _)]) => Ok(*id),
            Some(several) => {
                let logins: Vec<&str> = several.iter().map(|(_, l)| l.as_str()).collect();
                Err(format!(
                    "有{}位助企干部名为「{text}」，请改写登录名（{}） / several cadres share this name: write a login",
                    several.len(),
                    logins.join("、")
                ))
            }
            None => Err(format!(
                "未找到助企干部「{text}」：请先在「用户」中建立该账号并授予助企干部角色 / no cadre of that name or login"
            )),
        }
    }

    /// How an export names a cadre: the name, or the login when another cadre has the same name.
    fn label(&self, m: &WorkGroupMember) -> String {
        let name = m.display_name.trim();
        let plain =
            self.by_name.get(name).is_some_and(|v| v.len() == 1) && !name.contains(super::values::NAME_SEPARATORS);
        if plain { name.to_owned() } else { m.username.clone() }
    }
}

/// The rows of the 包联 export: one per enterprise served, and one for each group that serves none yet.
pub(super) async fn export_rows(
    store: &Store,
    reader: LedgerReader,
    region: Option<RegionCode>,
) -> anyhow::Result<Vec<Vec<Out>>> {
    let ledger = store.assignment_ledger(reader, region).await?;
    let cadres = Cadres::new(&store.cadres().await?);
    let mut rows = Vec::new();
    for WorkGroupDetail { group, members, enterprises } in ledger.iter().filter(|d| d.group.active) {
        let names: Vec<String> = members.iter().map(|m| cadres.label(m)).collect();
        let head = |seq: usize| {
            vec![
                Out::Number(seq as f64),
                Out::text(group.name.clone()),
                Out::opt(group.lead_unit_name.clone()),
                Out::text(names.join("、")),
            ]
        };
        if enterprises.is_empty() {
            let mut row = head(rows.len() + 1);
            row.extend([Out::Empty, Out::Empty]);
            rows.push(row);
        }
        for e in enterprises {
            let mut row = head(rows.len() + 1);
            row.extend([Out::text(e.name.clone()), Out::text(e.uscc.clone())]);
            rows.push(row);
        }
    }
    Ok(rows)
}

/// Checks every row and, unless `dry_run`, writes them all in one transaction.
pub(super) async fn import(
    store: &Store,
    (data, layout, catalog): (&[SheetRow], &Layout, &Catalog),
    file: String,
    dry_run: bool,
    progress: Progress,
    summary: &mut ImportSummary,
) -> anyhow::Result<()> {
    let checked = std::time::Instant::now();
    let cadres = Cadres::new(&store.cadres().await?);
    let groups: HashMap<String, WorkGroupRecord> = store
        .assignment_ledger(LedgerReader::Operator, None)
        .await?
        .into_iter()
        .map(|d| (d.group.name.clone(), d.group))
        .collect();
    let enterprises = lookup_enterprises(store, data, layout).await?;

    let bar = progress.bar(data.len(), "校验包联 / checking");
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(data.len());
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for sheet_row in data {
        let before = errors.len();
        let mut cells = Cells { row: sheet_row, layout, errors: &mut errors };
        let row = read_row(&mut cells, catalog, &cadres, &enterprises);
        if let Some(e) = row.as_ref().and_then(|r| r.enterprise.as_ref())
            && let Some(first) = seen.insert(e.id, sheet_row.number)
        {
            let mut cells = Cells { row: sheet_row, layout, errors: &mut errors };
            cells.fail(
                Column::EnterpriseName,
                format!("与第{first}行是同一家企业 / the same enterprise as row {first}"),
            );
        }
        if let Some(row) = row.filter(|_| errors.len() == before) {
            rows.push(row);
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let plans = plan(&rows, &groups, catalog, layout, &mut errors);
    refuse_if_bad(errors, data.len(), layout)?;
    summary.check_seconds = checked.elapsed().as_secs_f64();
    if dry_run {
        return Ok(());
    }
    let written = std::time::Instant::now();
    progress.note(&format!("正在写入 {} 行（一个事务）… / writing in one transaction", rows.len()));
    let bar = progress.bar(rows.len(), "写入包联 / writing");
    let writing = bar.clone();
    let total = rows.len();
    store
        .transaction(Origin::cli(), move |w| {
            for (name, plan) in plans {
                let id = match plan.id {
                    Some(id) => {
                        if plan.lead_changed {
                            w.set_work_group_lead(id, plan.lead_unit)?;
                        }
                        id
                    }
                    None => {
                        let region = plan.region.context("新工作组没有所属地区 / a new group without a region")?;
                        w.insert_work_group(&name, &region, plan.lead_unit)
                            .with_context(|| format!("工作组「{name}」 / work group {name}"))?
                    }
                };
                for cadre in &plan.cadres {
                    w.add_work_group_member(id, *cadre)?;
                }
                w.assign_enterprises(id, &plan.enterprises)?;
                w.flush_audit()?;
                writing.inc(plan.enterprises.len() as u64);
            }
            w.record_import("assignments", &file, total);
            writing.set_message("提交 / committing");
            Ok::<_, anyhow::Error>(())
        })
        .await?;
    bar.finish_and_clear();
    summary.write_seconds = written.elapsed().as_secs_f64();
    Ok(())
}

/// The enterprises the rows name, by credit code and by name, read in two queries.
async fn lookup_enterprises(store: &Store, data: &[SheetRow], layout: &Layout) -> anyhow::Result<Enterprises> {
    let texts = |column: Column| -> Vec<String> {
        let Some(m) = layout.find(column) else { return Vec::new() };
        data.iter().filter_map(|r| r.cell(m.index).text().map(|t| t.trim().to_owned())).collect()
    };
    let usccs = texts(Column::Uscc).iter().map(|c| c.to_uppercase()).collect();
    let by_uscc = store.enterprises_by_uscc(usccs).await?;
    let by_name = store.enterprises_by_name(texts(Column::EnterpriseName)).await?;
    let mut names: HashMap<String, Vec<EnterpriseRef>> = HashMap::new();
    for e in by_name {
        names.entry(e.name.clone()).or_default().push(e);
    }
    Ok(Enterprises { by_uscc: by_uscc.into_iter().map(|e| (e.uscc.clone(), e)).collect(), by_name: names })
}

struct Enterprises {
    by_uscc: HashMap<String, EnterpriseRef>,
    by_name: HashMap<String, Vec<EnterpriseRef>>,
}

fn read_row(
    cells: &mut Cells<'_>,
    catalog: &Catalog,
    cadres: &Cadres,
    enterprises: &Enterprises,
) -> Option<AssignmentRow> {
    let group = cells.required(Column::WorkGroup, MAX_WORK_GROUP_NAME);
    let lead_unit = cells.text(Column::Unit).and_then(|t| match catalog.units.resolve(&t) {
        Ok(u) => Some((u.id, u.region_code.clone())),
        Err(reason) => {
            cells.fail(Column::Unit, reason);
            None
        }
    });
    let mut ids = Vec::new();
    if let Some(text) = cells.text(Column::Cadres) {
        for name in super::values::names(&text) {
            match cadres.resolve(&name) {
                Ok(id) if !ids.contains(&id) => ids.push(id),
                Ok(_) => {}
                Err(reason) => cells.fail(Column::Cadres, reason),
            }
        }
    }
    let by_code = cells.text(Column::Uscc).map(|t| t.to_uppercase());
    let by_name = cells.text(Column::EnterpriseName);
    let enterprise = match (&by_code, &by_name) {
        (Some(code), name) => match enterprises.by_uscc.get(code) {
            Some(e) if name.as_ref().is_none_or(|n| *n == e.name) => Some(e.clone()),
            Some(e) => {
                cells.fail(
                    Column::EnterpriseName,
                    format!(
                        "该信用代码登记的企业名称是「{}」，与本行不符 / the name differs from the registered one",
                        e.name
                    ),
                );
                None
            }
            None => {
                cells.fail(Column::Uscc, format!("信用代码 {code} 的企业尚未登记 / no enterprise has this code"));
                None
            }
        },
        (None, Some(name)) => match enterprises.by_name.get(name).map(Vec::as_slice) {
            Some([e]) => Some(e.clone()),
            Some(several) => {
                cells.fail(
                    Column::EnterpriseName,
                    format!(
                        "有{}家企业名为「{name}」，请填写统一社会信用代码 / several enterprises share this name",
                        several.len()
                    ),
                );
                None
            }
            None => {
                cells.fail(Column::EnterpriseName, format!("企业「{name}」尚未登记 / no enterprise of this name"));
                None
            }
        },
        (None, None) => None,
    };
    Some(AssignmentRow { number: cells.row.number, group: group?, lead_unit, cadres: ids, enterprise })
}

/// Gathers the rows by group and checks each group as a whole: one lead unit, active, its enterprises in its region.
fn plan(
    rows: &[AssignmentRow],
    groups: &HashMap<String, WorkGroupRecord>,
    catalog: &Catalog,
    layout: &Layout,
    errors: &mut Vec<RowError>,
) -> Vec<(String, GroupPlan)> {
    let heading = |c: Column| {
        layout.find(c).map_or_else(|| c.heading_in(LedgerKind::Assignments).to_owned(), |m| m.heading.clone())
    };
    let mut fail = |row: usize, c: Column, reason: String| errors.push(RowError { row, column: heading(c), reason });
    let mut order: Vec<String> = Vec::new();
    let mut by_group: HashMap<String, Vec<&AssignmentRow>> = HashMap::new();
    for r in rows {
        if !by_group.contains_key(&r.group) {
            order.push(r.group.clone());
        }
        by_group.entry(r.group.clone()).or_default().push(r);
    }
    let mut plans = Vec::new();
    for name in order {
        let rows = &by_group[&name];
        let stored = groups.get(&name);
        let mut plan = GroupPlan { id: stored.map(|g| g.id), ..GroupPlan::default() };
        if let Some(g) = stored.filter(|g| !g.active) {
            fail(
                rows[0].number,
                Column::WorkGroup,
                format!("工作组「{}」已停用，请先在系统中启用 / the group is retired", g.name),
            );
        }
        // One lead unit per group; a blank cell keeps the stored one.
        let mut lead: Option<(usize, i64, String)> = None;
        for r in rows {
            if let Some((id, region)) = &r.lead_unit {
                match &lead {
                    Some((first, other, _)) if other != id => fail(
                        r.number,
                        Column::Unit,
                        format!("同一工作组的牵头单位与第{first}行不同 / another lead unit than row {first}"),
                    ),
                    Some(_) => {}
                    None => lead = Some((r.number, *id, region.clone())),
                }
            }
        }
        plan.lead_unit = lead.as_ref().map(|l| l.1).or(stored.and_then(|g| g.lead_unit_id));
        plan.lead_changed = stored.is_some() && lead.is_some() && plan.lead_unit != stored.and_then(|g| g.lead_unit_id);
        for r in rows {
            for c in &r.cadres {
                if !plan.cadres.contains(c) {
                    plan.cadres.push(*c);
                }
            }
            plan.enterprises.extend(r.enterprise.as_ref().map(|e| e.id));
        }
        // The group's region: the stored one; for a new group its lead unit's, or the lowest holding its enterprises.
        let region = match (stored, &lead) {
            (Some(g), _) => RegionCode::parse(&g.region_code).ok(),
            (None, Some((_, _, unit_region))) => RegionCode::parse(unit_region).ok(),
            (None, None) => {
                lowest_common(rows.iter().filter_map(|r| r.enterprise.as_ref()).map(|e| e.region_code.as_str()))
            }
        };
        let Some(region) = region else {
            fail(
                rows[0].number,
                Column::WorkGroup,
                format!(
                    "新工作组「{name}」既无牵头单位也无企业，无法确定所属地区 / a new group needs a lead unit or an enterprise"
                ),
            );
            continue;
        };
        for r in rows {
            if let Some(e) = &r.enterprise
                && !RegionCode::parse(&e.region_code).is_ok_and(|er| region.contains(&er))
            {
                fail(
                    r.number,
                    Column::EnterpriseName,
                    format!(
                        "企业「{}」在{}，不在工作组所属地区{}内 / the enterprise lies outside the group's region",
                        e.name,
                        catalog.regions.label(&e.region_code),
                        catalog.regions.label(region.as_str())
                    ),
                );
            }
        }
        plan.region = Some(region);
        plans.push((name, plan));
    }
    plans
}

/// The lowest region whose subtree holds every one of `codes`.
fn lowest_common<'a>(mut codes: impl Iterator<Item = &'a str>) -> Option<RegionCode> {
    let mut common = RegionCode::parse(codes.next()?).ok()?;
    for code in codes {
        let code = RegionCode::parse(code).ok()?;
        while !common.contains(&code) {
            common = common.parent()?;
        }
    }
    Some(common)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_groups_region_is_the_lowest_that_holds_its_enterprises() {
        let code = |c: &str| RegionCode::parse(c).ok();
        assert_eq!(lowest_common(["411602", "411602"].into_iter()), code("411602"));
        assert_eq!(lowest_common(["411602", "411621"].into_iter()), code("411600"));
        assert_eq!(lowest_common(["411602", "410102"].into_iter()), code("410000"));
        assert_eq!(lowest_common(std::iter::empty()), None);
    }

    #[test]
    fn a_shared_name_must_be_written_as_a_login() {
        let m = |id: i64, login: &str, name: &str| WorkGroupMember {
            user_id: id,
            username: login.into(),
            display_name: name.into(),
        };
        let all = [m(1, "wangwei1", "王伟"), m(2, "wangwei2", "王伟"), m(3, "lina", "李娜")];
        let cadres = Cadres::new(&all);
        assert_eq!(cadres.resolve("李娜"), Ok(3));
        assert_eq!(cadres.resolve("wangwei2"), Ok(2));
        assert!(cadres.resolve("王伟").is_err_and(|e| e.contains("wangwei1、wangwei2")));
        assert!(cadres.resolve("张三").is_err());
        assert_eq!(cadres.label(&all[0]), "wangwei1");
        assert_eq!(cadres.label(&all[2]), "李娜");
    }
}
