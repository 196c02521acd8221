//! 包联 (SPEC §1, §5): work groups of cadres (工作组) and the enterprises each serves. A cadre's scope is the
//! enterprises of the groups it belongs to, read from these tables by every query (`scope`), so a change here
//! takes effect at the next request.
//!
//! The system administrator keeps every work group; the dispatcher of a region keeps those of its region and below
//! (leaders read them). An enterprise is served by one group at a time: assigning it to another moves it, in one
//! transaction with its audit record. A group is retired (停用), never deleted, and only once it serves no enterprise,
//! so that nobody loses sight of an enterprise by a slip.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::json;
use zhuqi_domain::{RegionCode, Role};

use crate::access::Principal;
use crate::db::{Row, Tx, Value, params, placeholders};
use crate::ledger::LedgerReader;
use crate::scope::{bind, enterprise_role_scope, escape_like, holds, in_region};
use crate::{IdempotencyKey, Result, Store, StoreError, Writer, audit};

/// Ids bound in one `IN (…)` list or one multi-row INSERT.
const LOOKUP_CHUNK: usize = 500;

/// The longest name of a work group.
pub const MAX_WORK_GROUP_NAME: usize = 100;

/// A work group as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkGroupRecord {
    pub id: i64,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
    /// 牵头单位.
    pub lead_unit_id: Option<i64>,
    pub lead_unit_name: Option<String>,
    /// False once retired (停用).
    pub active: bool,
    /// Sent back with an edit: a stale one is refused.
    pub version: i64,
    pub members: i64,
    pub enterprises: i64,
}

/// A cadre of a work group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkGroupMember {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
}

/// An enterprise a work group serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServedEnterprise {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub region_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkGroupDetail {
    pub group: WorkGroupRecord,
    pub members: Vec<WorkGroupMember>,
    pub enterprises: Vec<ServedEnterprise>,
}

/// The fields of a new work group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWorkGroup {
    pub name: String,
    pub region: RegionCode,
    pub lead_unit_id: Option<i64>,
}

/// An edit of a work group, made on `version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkGroupEdit {
    pub version: i64,
    pub name: String,
    pub lead_unit_id: Option<i64>,
    pub active: bool,
}

/// Which work groups a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkGroupFilter {
    /// Part of the group's name.
    pub text: Option<String>,
    /// This region and below.
    pub region: Option<RegionCode>,
    /// Retired groups too.
    pub retired: bool,
    pub offset: usize,
    pub limit: usize,
}

/// One page of work groups and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkGroupPage {
    pub items: Vec<WorkGroupRecord>,
    pub total: i64,
}

/// What an enterprise's assignment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assigned {
    /// It was served by no group before.
    New,
    /// It was moved from this group.
    Moved(i64),
    /// It was served by this group already.
    Unchanged,
}

const GROUP_COLUMNS: &str = "g.id, g.name, g.region_code, r.name, g.lead_unit_id, u.name, g.active, g.version, \
     (SELECT COUNT(*) FROM work_group_members m WHERE m.work_group_id = g.id), \
     (SELECT COUNT(*) FROM work_group_enterprises x WHERE x.work_group_id = g.id)";
const GROUP_FROM: &str =
    "work_groups g JOIN regions r ON r.code = g.region_code LEFT JOIN units u ON u.id = g.lead_unit_id";

fn group_from_row(row: &Row) -> Result<WorkGroupRecord> {
    Ok(WorkGroupRecord {
        id: row.int(0)?,
        name: row.text(1)?,
        region_code: row.text(2)?,
        region_name: row.text(3)?,
        lead_unit_id: row.opt_int(4)?,
        lead_unit_name: row.opt_text(5)?,
        active: row.int(6)? != 0,
        version: row.int(7)?,
        members: row.int(8)?,
        enterprises: row.int(9)?,
    })
}

/// The roles that keep work groups.
const KEEPERS: [Role; 2] = [Role::Sysadmin, Role::Dispatcher];

/// The work groups `p` may read (`keep` false) or keep (`keep` true), as a condition on `g`; Forbidden when no
/// role of `p` has any business with them.
fn group_scope(p: &Principal, keep: bool, values: &mut Vec<Value>) -> Result<String> {
    let mut parts = Vec::new();
    for role in &p.roles {
        match role {
            Role::Sysadmin => parts.push("1 = 1".to_owned()),
            Role::Dispatcher => parts.extend(p.region.as_ref().map(|r| in_region("g.region_code", r, values))),
            Role::Leader if !keep => parts.extend(p.region.as_ref().map(|r| in_region("g.region_code", r, values))),
            _ => {}
        }
    }
    if parts.is_empty() {
        let msg = if keep {
            "只有系统管理员和指挥部可以管理包联工作组 / only the system administrator and dispatchers keep work groups"
        } else {
            "您的角色无权查看包联工作组 / your roles may not read work groups"
        };
        return Err(StoreError::Forbidden(msg.into()));
    }
    Ok(format!("({})", parts.join(" OR ")))
}

/// Whether `p` may keep a group of `region` (create one there).
fn keeps_region(p: &Principal, region: &RegionCode) -> bool {
    p.has(Role::Sysadmin) || (p.has(Role::Dispatcher) && p.region.as_ref().is_some_and(|r| r.contains(region)))
}

fn load_group(tx: &mut Tx<'_>, id: i64) -> Result<WorkGroupRecord> {
    let row = tx
        .query_opt(&format!("SELECT {GROUP_COLUMNS} FROM {GROUP_FROM} WHERE g.id = $1"), params![id])?
        .ok_or(StoreError::NotFound("工作组"))?;
    group_from_row(&row)
}

/// The group if `p` may read (or keep) it; `NotFound` otherwise, as for a group that does not exist.
fn visible_group(tx: &mut Tx<'_>, p: &Principal, id: i64, keep: bool) -> Result<WorkGroupRecord> {
    let mut values = Vec::new();
    let condition = group_scope(p, keep, &mut values)?;
    let id_param = bind(&mut values, id);
    if tx.query_opt(&format!("SELECT 1 FROM work_groups g WHERE g.id = {id_param} AND {condition}"), &values)?.is_none()
    {
        // A leader who reads the group but may not keep it is told so, not that it is missing.
        if keep && visible_group(tx, p, id, false).is_ok() {
            return Err(StoreError::Forbidden(
                "您的角色不能修改包联工作组 / your roles may not change work groups".into(),
            ));
        }
        return Err(StoreError::NotFound("工作组"));
    }
    load_group(tx, id)
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::Invalid("请填写工作组名称 / the work group's name is required".into()));
    }
    if name.chars().count() > MAX_WORK_GROUP_NAME {
        return Err(StoreError::Invalid(format!(
            "工作组名称最多{MAX_WORK_GROUP_NAME}字 / the name is over {MAX_WORK_GROUP_NAME} characters"
        )));
    }
    Ok(name.to_owned())
}

fn name_taken(tx: &mut Tx<'_>, name: &str, other_than: i64) -> Result<bool> {
    Ok(tx.query_opt("SELECT 1 FROM work_groups WHERE name = $1 AND id <> $2", params![name, other_than])?.is_some())
}

fn check_unit(tx: &mut Tx<'_>, unit: Option<i64>) -> Result<()> {
    if let Some(unit) = unit
        && tx.query_opt("SELECT 1 FROM units WHERE id = $1", params![unit])?.is_none()
    {
        return Err(StoreError::Invalid(format!("牵头单位 {unit} 不存在 / unit {unit} does not exist")));
    }
    Ok(())
}

fn enterprise_name(tx: &mut Tx<'_>, id: i64) -> Result<(String, String)> {
    let row = tx
        .query_opt("SELECT name, region_code FROM enterprises WHERE id = $1", params![id])?
        .ok_or(StoreError::NotFound("企业"))?;
    Ok((row.text(0)?, row.text(1)?))
}

impl Writer<'_> {
    /// A new work group, as the caller has checked it (the demo, a ledger import, or `Store::add_work_group`).
    pub fn insert_work_group(&mut self, name: &str, region: &RegionCode, lead_unit_id: Option<i64>) -> Result<i64> {
        let name = check_name(name)?;
        if name_taken(&mut self.tx, &name, 0)? {
            return Err(StoreError::Duplicate(format!(
                "已有名为「{name}」的工作组 / a work group named {name} exists"
            )));
        }
        check_unit(&mut self.tx, lead_unit_id)?;
        let id = self
            .tx
            .query_one(
                "INSERT INTO work_groups (name, region_code, lead_unit_id) VALUES ($1, $2, $3) RETURNING id",
                params![name.as_str(), region.as_str(), lead_unit_id],
            )?
            .int(0)?;
        let after = json!({"name": name, "region": region.as_str(), "lead_unit_id": lead_unit_id});
        self.audit("work_group.add", format!("work_group:{id}"), None, audit::json(&after));
        Ok(id)
    }

    /// Makes the cadre a member of the group; false if it was one already (nothing written).
    pub fn add_work_group_member(&mut self, work_group_id: i64, user_id: i64) -> Result<bool> {
        let cadre = self
            .tx
            .query_opt("SELECT 1 FROM user_roles WHERE user_id = $1 AND role = $2", params![user_id, "cadre"])?
            .is_some();
        if !cadre {
            return Err(StoreError::Invalid(format!(
                "用户 {user_id} 不是助企干部，不能加入工作组 / user {user_id} is not a cadre"
            )));
        }
        let added = self.tx.execute(
            "INSERT INTO work_group_members (work_group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            params![work_group_id, user_id],
        )?;
        if added > 0 {
            let after = Some(format!("user:{user_id}"));
            self.audit("work_group.member", format!("work_group:{work_group_id}"), None, after);
        }
        Ok(added > 0)
    }

    /// 包联: the work group serves the enterprise from now on, taking it from the group that served it before.
    pub fn assign_enterprise(&mut self, work_group_id: i64, enterprise_id: i64) -> Result<Assigned> {
        Ok(self.assign_enterprises(work_group_id, &[enterprise_id])?.pop().unwrap_or(Assigned::Unchanged))
    }

    /// `assign_enterprise` for many enterprises at once, in a few statements per hundreds of them (a 包联 ledger of a
    /// city is a handful of round trips to PostgreSQL); what happened to each, in order.
    pub fn assign_enterprises(&mut self, work_group_id: i64, enterprise_ids: &[i64]) -> Result<Vec<Assigned>> {
        let mut done = Vec::with_capacity(enterprise_ids.len());
        for chunk in enterprise_ids.chunks(LOOKUP_CHUNK) {
            let list = placeholders(1, chunk.len());
            let ids: Vec<Value> = chunk.iter().map(|e| Value::from(*e)).collect();
            let before: HashMap<i64, i64> = self
                .tx
                .query(&format!("SELECT enterprise_id, work_group_id FROM work_group_enterprises WHERE enterprise_id IN ({list})"), &ids)?
                .iter()
                .map(|r| Ok((r.int(0)?, r.int(1)?)))
                .collect::<Result<_>>()?;
            let moving: Vec<i64> = chunk.iter().copied().filter(|e| before.get(e) != Some(&work_group_id)).collect();
            if !moving.is_empty() {
                let moved: Vec<Value> =
                    moving.iter().filter(|e| before.contains_key(e)).map(|e| Value::from(*e)).collect();
                if !moved.is_empty() {
                    let list = placeholders(1, moved.len());
                    self.tx.execute(
                        &format!("DELETE FROM work_group_enterprises WHERE enterprise_id IN ({list})"),
                        &moved,
                    )?;
                }
                let rows: Vec<String> = (0..moving.len()).map(|i| format!("($1, ${})", i + 2)).collect();
                let mut values = vec![Value::from(work_group_id)];
                values.extend(moving.iter().map(|e| Value::from(*e)));
                self.tx.execute(
                    &format!(
                        "INSERT INTO work_group_enterprises (work_group_id, enterprise_id) VALUES {}",
                        rows.join(", ")
                    ),
                    &values,
                )?;
            }
            for e in chunk {
                let old = before.get(e).copied();
                if old == Some(work_group_id) {
                    done.push(Assigned::Unchanged);
                    continue;
                }
                let before_json = old.map(|g| json!({"work_group_id": g}).to_string());
                let after = json!({"work_group_id": work_group_id}).to_string();
                self.audit("work_group.enterprise", format!("enterprise:{e}"), before_json, Some(after));
                done.push(old.map_or(Assigned::New, Assigned::Moved));
            }
        }
        Ok(done)
    }

    /// Sets a group's lead unit (the ledger's 牵头单位), leaving the rest as it is.
    pub fn set_work_group_lead(&mut self, work_group_id: i64, lead_unit_id: Option<i64>) -> Result<()> {
        check_unit(&mut self.tx, lead_unit_id)?;
        let before = load_group(&mut self.tx, work_group_id)?;
        if before.lead_unit_id == lead_unit_id {
            return Ok(());
        }
        self.tx.execute(
            "UPDATE work_groups SET lead_unit_id = $1, version = version + 1 WHERE id = $2",
            params![lead_unit_id, work_group_id],
        )?;
        self.audit(
            "work_group.edit",
            format!("work_group:{work_group_id}"),
            audit::json(&json!({"lead_unit_id": before.lead_unit_id})),
            audit::json(&json!({"lead_unit_id": lead_unit_id})),
        );
        Ok(())
    }
}

impl Store {
    /// The work groups `p` may read: by region, then in the order they were made.
    pub async fn work_groups(&self, p: &Principal, filter: WorkGroupFilter) -> Result<WorkGroupPage> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let mut condition = group_scope(&p, false, &mut values)?;
            if let Some(r) = &filter.region {
                condition.push_str(&format!(" AND {}", in_region("g.region_code", r, &mut values)));
            }
            if let Some(t) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                condition.push_str(&format!(" AND g.name LIKE {} ESCAPE '\\'", bind(&mut values, escape_like(t))));
            }
            if !filter.retired {
                condition.push_str(" AND g.active = 1");
            }
            let total =
                tx.query_one(&format!("SELECT COUNT(*) FROM work_groups g WHERE {condition}"), &values)?.int(0)?;
            let limit = bind(&mut values, i64::try_from(filter.limit).unwrap_or(i64::MAX));
            let offset = bind(&mut values, i64::try_from(filter.offset).unwrap_or(i64::MAX));
            let sql = format!(
                "SELECT {GROUP_COLUMNS} FROM {GROUP_FROM} WHERE {condition} \
                 ORDER BY g.active DESC, g.region_code, g.id LIMIT {limit} OFFSET {offset}"
            );
            let items = tx.query(&sql, &values)?.iter().map(group_from_row).collect::<Result<_>>()?;
            Ok(WorkGroupPage { items, total })
        })
        .await
    }

    /// One work group with its cadres and enterprises (404 outside `p`'s scope).
    pub async fn work_group(&self, p: &Principal, id: i64) -> Result<WorkGroupDetail> {
        let p = p.clone();
        self.read(move |tx| {
            let group = visible_group(tx, &p, id, false)?;
            detail(tx, group)
        })
        .await
    }

    /// The work group that serves an enterprise, if any (for the enterprise's page; the caller has shown it may see
    /// the enterprise).
    pub async fn work_group_of_enterprise(&self, enterprise_id: i64) -> Result<Option<(i64, String)>> {
        self.read(move |tx| {
            tx.query_opt(
                "SELECT g.id, g.name FROM work_group_enterprises x JOIN work_groups g ON g.id = x.work_group_id \
                 WHERE x.enterprise_id = $1",
                params![enterprise_id],
            )?
            .map(|r| Ok((r.int(0)?, r.text(1)?)))
            .transpose()
        })
        .await
    }

    /// The work groups a cadre belongs to.
    pub async fn work_groups_of_member(&self, user_id: i64) -> Result<Vec<WorkGroupRecord>> {
        self.read(move |tx| {
            let sql = format!(
                "SELECT {GROUP_COLUMNS} FROM {GROUP_FROM} \
                 WHERE g.id IN (SELECT work_group_id FROM work_group_members WHERE user_id = $1) ORDER BY g.id"
            );
            tx.query(&sql, params![user_id])?.iter().map(group_from_row).collect()
        })
        .await
    }

    /// Opens a work group; posted twice with one `key`, it opens one.
    pub async fn add_work_group(
        &self,
        p: &Principal,
        source: &str,
        new: NewWorkGroup,
        key: Option<IdempotencyKey>,
    ) -> Result<WorkGroupDetail> {
        let (origin, p) = (p.origin(source), p.clone());
        let create = move |w: &mut Writer<'_>| {
            group_scope(&p, true, &mut Vec::new())?;
            if w.tx.query_opt("SELECT 1 FROM regions WHERE code = $1", params![new.region.as_str()])?.is_none() {
                return Err(StoreError::Invalid(format!("地区 {} 不存在 / unknown region", new.region)));
            }
            if !keeps_region(&p, &new.region) {
                return Err(StoreError::Forbidden(format!(
                    "地区 {} 不在您的管理范围内 / region {} is outside your scope",
                    new.region, new.region
                )));
            }
            w.insert_work_group(&new.name, &new.region, new.lead_unit_id)
        };
        let load = |tx: &mut Tx<'_>, id| {
            let group = load_group(tx, id)?;
            detail(tx, group)
        };
        self.create_once(origin, "work_group", key, create, load).await
    }

    /// Renames a group, changes its lead unit, or retires it (only once it serves no enterprise) or brings it back.
    pub async fn edit_work_group(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        edit: WorkGroupEdit,
    ) -> Result<WorkGroupDetail> {
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let before = visible_group(&mut w.tx, &p, id, true)?;
            if before.version != edit.version {
                return Err(StoreError::Stale("工作组"));
            }
            let name = check_name(&edit.name)?;
            if name_taken(&mut w.tx, &name, id)? {
                return Err(StoreError::Duplicate(format!("已有名为「{name}」的工作组 / a work group named {name} exists")));
            }
            check_unit(&mut w.tx, edit.lead_unit_id)?;
            if !edit.active && before.enterprises > 0 {
                return Err(StoreError::Invalid(format!(
                    "该工作组仍包联{}家企业，请先将企业移交其他工作组再停用 / move its {} enterprises to another group first",
                    before.enterprises, before.enterprises
                )));
            }
            w.tx.execute(
                "UPDATE work_groups SET name = $1, lead_unit_id = $2, active = $3, version = version + 1 \
                 WHERE id = $4 AND version = $5",
                params![name.as_str(), edit.lead_unit_id, edit.active, id, edit.version],
            )?;
            let was = json!({"name": before.name, "lead_unit_id": before.lead_unit_id, "active": before.active});
            let now = json!({"name": name, "lead_unit_id": edit.lead_unit_id, "active": edit.active});
            w.audit("work_group.edit", format!("work_group:{id}"), audit::json(&was), audit::json(&now));
            let group = load_group(&mut w.tx, id)?;
            detail(&mut w.tx, group)
        })
        .await
    }

    /// Adds cadres to an active group (those already in it are left as they are).
    pub async fn add_work_group_members(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        user_ids: Vec<i64>,
    ) -> Result<WorkGroupDetail> {
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let group = visible_group(&mut w.tx, &p, id, true)?;
            require_active(&group)?;
            for user in user_ids {
                if w.tx.query_opt("SELECT 1 FROM users WHERE id = $1", params![user])?.is_none() {
                    return Err(StoreError::Invalid(format!("用户 {user} 不存在 / user {user} does not exist")));
                }
                w.add_work_group_member(id, user)?;
            }
            let group = load_group(&mut w.tx, id)?;
            detail(&mut w.tx, group)
        })
        .await
    }

    /// Takes a cadre out of a group: it no longer sees the group's enterprises.
    pub async fn remove_work_group_member(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        user_id: i64,
    ) -> Result<WorkGroupDetail> {
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            visible_group(&mut w.tx, &p, id, true)?;
            let removed = w.tx.execute(
                "DELETE FROM work_group_members WHERE work_group_id = $1 AND user_id = $2",
                params![id, user_id],
            )?;
            if removed == 0 {
                return Err(StoreError::NotFound("工作组成员"));
            }
            w.audit("work_group.member_remove", format!("work_group:{id}"), Some(format!("user:{user_id}")), None);
            let group = load_group(&mut w.tx, id)?;
            detail(&mut w.tx, group)
        })
        .await
    }

    /// Assigns enterprises to an active group, moving each from the group that served it. Every enterprise must be
    /// one `p` may see, lie in the group's region, and (when moved) come from a group `p` keeps; otherwise nothing is
    /// written. Returns what happened to each, in order.
    pub async fn assign_enterprises(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        enterprise_ids: Vec<i64>,
    ) -> Result<Vec<Assigned>> {
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let group = visible_group(&mut w.tx, &p, id, true)?;
            require_active(&group)?;
            let group_region = RegionCode::parse(&group.region_code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let mut done = Vec::with_capacity(enterprise_ids.len());
            for enterprise in enterprise_ids {
                let mut seen = false;
                for role in KEEPERS.iter().filter(|r| p.has(**r)) {
                    if holds(&mut w.tx, "enterprises", "e", enterprise, |v| enterprise_role_scope(&p, *role, v))? {
                        seen = true;
                        break;
                    }
                }
                if !seen {
                    return Err(StoreError::NotFound("企业"));
                }
                let (name, region) = enterprise_name(&mut w.tx, enterprise)?;
                let inside = RegionCode::parse(&region).is_ok_and(|r| group_region.contains(&r));
                if !inside {
                    return Err(StoreError::Invalid(format!(
                        "企业「{name}」不在工作组所属地区（{}）内 / the enterprise lies outside the group's region",
                        group.region_name
                    )));
                }
                if let Some(old) = w
                    .tx
                    .query_opt("SELECT work_group_id FROM work_group_enterprises WHERE enterprise_id = $1", params![
                        enterprise
                    ])?
                    .map(|r| r.int(0))
                    .transpose()?
                    && old != id
                    && visible_group(&mut w.tx, &p, old, true).is_err()
                {
                    return Err(StoreError::Forbidden(format!(
                        "企业「{name}」由您管理范围以外的工作组包联，不能移交 / the enterprise is served by a group outside your scope"
                    )));
                }
                done.push(w.assign_enterprise(id, enterprise)?);
            }
            Ok(done)
        })
        .await
    }

    /// The group no longer serves the enterprise (no group does until it is assigned again).
    pub async fn release_enterprise(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        enterprise_id: i64,
    ) -> Result<WorkGroupDetail> {
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            visible_group(&mut w.tx, &p, id, true)?;
            let removed = w.tx.execute(
                "DELETE FROM work_group_enterprises WHERE work_group_id = $1 AND enterprise_id = $2",
                params![id, enterprise_id],
            )?;
            if removed == 0 {
                return Err(StoreError::NotFound("包联企业"));
            }
            let before = json!({"work_group_id": id}).to_string();
            w.audit("work_group.enterprise", format!("enterprise:{enterprise_id}"), Some(before), None);
            let group = load_group(&mut w.tx, id)?;
            detail(&mut w.tx, group)
        })
        .await
    }

    /// The cadres whose login name is `text`, or whose name is `text` (more than one when names repeat).
    pub async fn find_cadres(&self, text: &str) -> Result<Vec<WorkGroupMember>> {
        let text = text.trim().to_owned();
        self.read(move |tx| {
            tx.query(
                "SELECT u.id, u.username, u.display_name FROM users u \
                 WHERE (u.username = $1 OR u.display_name = $1) \
                 AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'cadre') \
                 ORDER BY u.username = $1 DESC, u.id LIMIT 20",
                params![text.as_str()],
            )?
            .iter()
            .map(member_from_row)
            .collect()
        })
        .await
    }
}

/// The 包联 ledger and its import.
impl Store {
    /// Every work group with its cadres and enterprises, in a reader's view (the operator's: all of them), those of
    /// `region` and below if given; by region, then in the order they were made.
    pub async fn assignment_ledger(
        &self,
        reader: LedgerReader,
        region: Option<RegionCode>,
    ) -> Result<Vec<WorkGroupDetail>> {
        self.read(move |tx| {
            let mut values = Vec::new();
            let mut condition = match &reader {
                LedgerReader::Operator => "1 = 1".to_owned(),
                LedgerReader::User(p) => group_scope(p, false, &mut values)?,
            };
            if let Some(r) = &region {
                condition.push_str(&format!(" AND {}", in_region("g.region_code", r, &mut values)));
            }
            let groups: Vec<WorkGroupRecord> = tx
                .query(
                    &format!("SELECT {GROUP_COLUMNS} FROM {GROUP_FROM} WHERE {condition} ORDER BY g.region_code, g.id"),
                    &values,
                )?
                .iter()
                .map(group_from_row)
                .collect::<Result<_>>()?;
            let chosen = format!("SELECT g.id FROM work_groups g WHERE {condition}");
            let mut members: HashMap<i64, Vec<WorkGroupMember>> = HashMap::new();
            let sql = format!(
                "SELECT m.work_group_id, u.id, u.username, u.display_name FROM work_group_members m \
                 JOIN users u ON u.id = m.user_id WHERE m.work_group_id IN ({chosen}) ORDER BY u.id"
            );
            for r in tx.query(&sql, &values)? {
                let member = WorkGroupMember { user_id: r.int(1)?, username: r.text(2)?, display_name: r.text(3)? };
                members.entry(r.int(0)?).or_default().push(member);
            }
            let mut served: HashMap<i64, Vec<ServedEnterprise>> = HashMap::new();
            let sql = format!(
                "SELECT x.work_group_id, e.id, e.name, e.uscc, e.region_code FROM work_group_enterprises x \
                 JOIN enterprises e ON e.id = x.enterprise_id WHERE x.work_group_id IN ({chosen}) ORDER BY e.id"
            );
            for r in tx.query(&sql, &values)? {
                let e = ServedEnterprise { id: r.int(1)?, name: r.text(2)?, uscc: r.text(3)?, region_code: r.text(4)? };
                served.entry(r.int(0)?).or_default().push(e);
            }
            Ok(groups
                .into_iter()
                .map(|group| WorkGroupDetail {
                    members: members.remove(&group.id).unwrap_or_default(),
                    enterprises: served.remove(&group.id).unwrap_or_default(),
                    group,
                })
                .collect())
        })
        .await
    }

    /// Every cadre (a user holding the cadre role), for a ledger's names.
    pub async fn cadres(&self) -> Result<Vec<WorkGroupMember>> {
        self.read(|tx| {
            tx.query(
                "SELECT u.id, u.username, u.display_name FROM users u \
                 WHERE EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'cadre') ORDER BY u.id",
                &[],
            )?
            .iter()
            .map(member_from_row)
            .collect()
        })
        .await
    }
}

fn require_active(group: &WorkGroupRecord) -> Result<()> {
    if !group.active {
        return Err(StoreError::Invalid(format!(
            "工作组「{}」已停用，请先启用 / the work group is retired",
            group.name
        )));
    }
    Ok(())
}

fn member_from_row(r: &Row) -> Result<WorkGroupMember> {
    Ok(WorkGroupMember { user_id: r.int(0)?, username: r.text(1)?, display_name: r.text(2)? })
}

fn detail(tx: &mut Tx<'_>, group: WorkGroupRecord) -> Result<WorkGroupDetail> {
    let members = tx
        .query(
            "SELECT u.id, u.username, u.display_name FROM work_group_members m JOIN users u ON u.id = m.user_id \
             WHERE m.work_group_id = $1 ORDER BY u.id",
            params![group.id],
        )?
        .iter()
        .map(member_from_row)
        .collect::<Result<_>>()?;
    let enterprises = tx
        .query(
            "SELECT e.id, e.name, e.uscc, e.region_code FROM work_group_enterprises x \
             JOIN enterprises e ON e.id = x.enterprise_id WHERE x.work_group_id = $1 ORDER BY e.id",
            params![group.id],
        )?
        .iter()
        .map(|r| Ok(ServedEnterprise { id: r.int(0)?, name: r.text(1)?, uscc: r.text(2)?, region_code: r.text(3)? }))
        .collect::<Result<_>>()?;
    Ok(WorkGroupDetail { group, members, enterprises })
}
