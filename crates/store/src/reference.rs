//! A city keeps its reference data itself (issue 13): the system administrator renames and retires (停用) regions,
//! units, categories and deadline policies. Nothing is deleted once made, since appeals, projects, work groups and
//! figures name it; a retired one stays readable everywhere and is no longer offered for new records. Each edit is
//! one transaction with its audit record (before and after).

use serde_json::json;
use zhuqi_domain::{DeadlinePolicy, RegionCode};

use crate::db::{Tx, params};
use crate::{CategoryRecord, Origin, Result, Store, StoreError, Writer, audit};

/// The longest names of the reference data (as their forms allow).
const MAX_NAME: usize = 100;

fn name_of(label: &str, name: &str, max: usize) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::Invalid(format!("请填写{label} / the name is required")));
    }
    if name.chars().count() > max {
        return Err(StoreError::Invalid(format!("{label}最多{max}字 / the name is over {max} characters")));
    }
    Ok(name.to_owned())
}

/// A name taken by another row under the same parent: a clear refusal instead of the unique index's.
pub(crate) fn taken(tx: &mut Tx<'_>, sql: &str, values: &[crate::db::Value], what: &str, name: &str) -> Result<()> {
    if tx.query_opt(sql, values)?.is_some() {
        return Err(StoreError::Invalid(format!("同一上级下已有名为「{name}」的{what} / the name is taken")));
    }
    Ok(())
}

/// Whether the row of `table` keyed `key = value` is active; NotFound if there is none.
fn active_of(tx: &mut Tx<'_>, table: &str, key: &str, value: crate::db::Value, what: &'static str) -> Result<bool> {
    let row = tx
        .query_opt(&format!("SELECT active FROM {table} WHERE {key} = $1"), &[value])?
        .ok_or(StoreError::NotFound(what))?;
    Ok(row.int(0)? != 0)
}

impl Writer<'_> {
    fn edited(&mut self, action: &str, object: String, before: serde_json::Value, after: serde_json::Value) {
        self.audit(action, object, audit::json(&before), audit::json(&after));
    }
}

impl Store {
    /// Renames a region or retires it (only once no region below it is in use).
    pub async fn edit_region(&self, origin: Origin, code: RegionCode, name: String, active: bool) -> Result<()> {
        self.transaction(origin, move |w| {
            let row = w
                .tx
                .query_opt("SELECT name, parent_code, active FROM regions WHERE code = $1", params![code.as_str()])?
                .ok_or(StoreError::NotFound("地区"))?;
            let (before, parent, was) = (row.text(0)?, row.opt_text(1)?, row.int(2)? != 0);
            let name = name_of("地区名称", &name, 50)?;
            taken(
                &mut w.tx,
                "SELECT 1 FROM regions WHERE COALESCE(parent_code, '') = $1 AND name = $2 AND code <> $3",
                params![parent.clone().unwrap_or_default(), name.as_str(), code.as_str()],
                "地区",
                &name,
            )?;
            if !active
                && w.tx
                    .query_opt("SELECT 1 FROM regions WHERE parent_code = $1 AND active = 1", params![code.as_str()])?
                    .is_some()
            {
                return Err(StoreError::Invalid("请先停用其下级地区 / retire the regions below it first".into()));
            }
            w.tx.execute(
                "UPDATE regions SET name = $1, active = $2 WHERE code = $3",
                params![name.as_str(), active, code.as_str()],
            )?;
            w.edited(
                "region.edit",
                format!("region:{code}"),
                json!({"name": before, "active": was}),
                json!({"name": name, "active": active}),
            );
            Ok(())
        })
        .await
    }

    /// Renames a unit, moves it to another region, or retires it (its items keep it; no new item is assigned to it).
    pub async fn edit_unit(
        &self,
        origin: Origin,
        id: i64,
        name: String,
        region: RegionCode,
        active: bool,
    ) -> Result<()> {
        self.transaction(origin, move |w| {
            let row =
                w.tx.query_opt("SELECT name, region_code, active FROM units WHERE id = $1", params![id])?
                    .ok_or(StoreError::NotFound("单位"))?;
            let before = json!({"name": row.text(0)?, "region": row.text(1)?, "active": row.int(2)? != 0});
            let name = name_of("单位名称", &name, MAX_NAME)?;
            taken(
                &mut w.tx,
                "SELECT 1 FROM units WHERE name = $1 AND id <> $2",
                params![name.as_str(), id],
                "单位",
                &name,
            )?;
            if w.tx.query_opt("SELECT 1 FROM regions WHERE code = $1", params![region.as_str()])?.is_none() {
                return Err(StoreError::Invalid(format!("地区 {region} 不存在 / unknown region")));
            }
            w.tx.execute(
                "UPDATE units SET name = $1, region_code = $2, active = $3 WHERE id = $4",
                params![name.as_str(), region.as_str(), active, id],
            )?;
            let after = json!({"name": name, "region": region.as_str(), "active": active});
            w.edited("unit.edit", format!("unit:{id}"), before, after);
            Ok(())
        })
        .await
    }

    /// Renames a category, moves it under another (never under itself or its own children), reorders or retires it
    /// (only once no category below it is in use).
    pub async fn edit_category(&self, origin: Origin, c: CategoryRecord) -> Result<()> {
        self.transaction(origin, move |w| {
            let was = active_of(&mut w.tx, "categories", "code", c.code.as_str().into(), "问题类型")?;
            let row = w.tx.query_one(
                "SELECT name, parent_code, position FROM categories WHERE code = $1",
                params![c.code.as_str()],
            )?;
            let before =
                json!({"name": row.text(0)?, "parent": row.opt_text(1)?, "position": row.int(2)?, "active": was});
            let name = name_of("类型名称", &c.name, 50)?;
            // The new parent must exist and must not lie below the category itself.
            let mut up = c.parent_code.clone();
            while let Some(p) = up {
                if p == c.code {
                    return Err(StoreError::Invalid(
                        "上级类型不能是它自己或它的下级 / a category cannot be under itself".into(),
                    ));
                }
                up =
                    w.tx.query_opt("SELECT parent_code FROM categories WHERE code = $1", params![p.as_str()])?
                        .ok_or_else(|| StoreError::Invalid(format!("上级类型 {p} 不存在 / unknown parent")))?
                        .opt_text(0)?;
            }
            taken(
                &mut w.tx,
                "SELECT 1 FROM categories WHERE COALESCE(parent_code, '') = $1 AND name = $2 AND code <> $3",
                params![c.parent_code.clone().unwrap_or_default(), name.as_str(), c.code.as_str()],
                "问题类型",
                &name,
            )?;
            if !c.active
                && w.tx
                    .query_opt(
                        "SELECT 1 FROM categories WHERE parent_code = $1 AND active = 1",
                        params![c.code.as_str()],
                    )?
                    .is_some()
            {
                return Err(StoreError::Invalid("请先停用其下级类型 / retire the categories below it first".into()));
            }
            w.tx.execute(
                "UPDATE categories SET name = $1, parent_code = $2, position = $3, active = $4 WHERE code = $5",
                params![name.as_str(), c.parent_code.as_deref(), c.position, c.active, c.code.as_str()],
            )?;
            let after = json!({"name": name, "parent": c.parent_code, "position": c.position, "active": c.active});
            w.edited("category.edit", format!("category:{}", c.code), before, after);
            Ok(())
        })
        .await
    }

    /// Changes a deadline policy's name and days, or retires it (never the last one in use). Appeals assigned under
    /// it keep the days they were given: each carries its own copy.
    pub async fn edit_deadline_policy(&self, origin: Origin, p: DeadlinePolicy, active: bool) -> Result<()> {
        self.transaction(origin, move |w| {
            let was = active_of(&mut w.tx, "deadline_policies", "code", p.code.as_str().into(), "时限规则")?;
            let name = name_of("规则名称", &p.name, 50)?;
            taken(
                &mut w.tx,
                "SELECT 1 FROM deadline_policies WHERE name = $1 AND code <> $2",
                params![name.as_str(), p.code.as_str()],
                "时限规则",
                &name,
            )?;
            if !active {
                let others = w
                    .tx
                    .query_one(
                        "SELECT COUNT(*) FROM deadline_policies WHERE active = 1 AND code <> $1",
                        params![p.code.as_str()],
                    )?
                    .int(0)?;
                if others == 0 {
                    return Err(StoreError::Invalid(
                        "至少要保留一条在用的时限规则 / at least one policy must stay in use".into(),
                    ));
                }
            }
            let before = w.tx.query_one(
                "SELECT name, acknowledge_days, reply_days, resolve_days, feedback_days FROM deadline_policies WHERE code = $1",
                params![p.code.as_str()],
            )?;
            let before = json!({"name": before.text(0)?, "days": [before.int(1)?, before.int(2)?, before.int(3)?, before.int(4)?], "active": was});
            w.tx.execute(
                "UPDATE deadline_policies SET name = $1, acknowledge_days = $2, reply_days = $3, resolve_days = $4, \
                 feedback_days = $5, active = $6 WHERE code = $7",
                params![name.as_str(), p.acknowledge, p.reply, p.resolve, p.feedback, active, p.code.as_str()],
            )?;
            let after = json!({"name": name, "days": [p.acknowledge, p.reply, p.resolve, p.feedback], "active": active});
            w.edited("policy.edit", format!("policy:{}", p.code), before, after);
            Ok(())
        })
        .await
    }
}
