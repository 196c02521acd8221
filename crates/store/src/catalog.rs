//! Reading the organisation (regions, units, categories, deadline policies, enterprises, users) and the admins'
//! changes to it. Enterprises are read within the user's scope (see `scope`); the rest is shared reference data.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use zhuqi_domain::catalog::STANDARD_INDUSTRIES;
use zhuqi_domain::policy::{EnterpriseFacts, RevenueBand, SizeFlag, TaxCredit};
use zhuqi_domain::time::from_micros;
use zhuqi_domain::{DeadlinePolicy, Phone, RegionCode, Role, Uscc};

use crate::access::Principal;
use crate::db::{Row, Tx, Value, params};
use crate::scope::{bind, enterprise_scope, escape_like, in_region};
use crate::{Created, IdempotencyKey, NewEnterprise, NewUser, Origin, Result, Store, StoreError, UserRecord, Writer};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionRecord {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    /// province, city or county
    pub level: String,
    /// False once retired (停用): kept for the records that name it, no longer offered for new ones.
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRecord {
    pub id: i64,
    pub name: String,
    pub region_code: String,
    /// False once retired (停用): no longer offered for new assignments.
    pub active: bool,
}

/// A category of the tree (融资, 用工, …); also what an administrator sends to add one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryRecord {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
    pub parent_code: Option<String>,
    #[serde(default)]
    pub position: i64,
    /// False once retired (停用): no longer offered for new appeals.
    #[serde(default = "active")]
    pub active: bool,
}

fn active() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseRecord {
    pub id: i64,
    pub name: String,
    pub uscc: Uscc,
    pub region_code: RegionCode,
    pub industry: String,
    pub above_scale: bool,
    pub small_micro: bool,
    pub specialized: bool,
    pub little_giant: bool,
    pub contact_name: Option<String>,
    pub contact_phone: Option<Phone>,
    pub created_at: Timestamp,
    pub profile: EnterpriseProfile,
}

/// The facts about an enterprise that policies' conditions read besides its region, industry and size flags
/// (issue 16), each unknown until recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnterpriseProfile {
    /// 高新技术企业
    pub high_tech: bool,
    /// 成立日期
    pub registered_on: Option<Date>,
    /// 从业人数
    pub employees: Option<u32>,
    /// 上年营业收入档
    pub revenue: Option<RevenueBand>,
    /// 纳税信用等级
    pub tax_credit: Option<TaxCredit>,
}

impl EnterpriseRecord {
    /// What a policy's conditions read of this enterprise.
    pub fn facts(&self) -> EnterpriseFacts {
        let flags = [
            (self.above_scale, SizeFlag::AboveScale),
            (self.small_micro, SizeFlag::SmallMicro),
            (self.specialized, SizeFlag::Specialized),
            (self.little_giant, SizeFlag::LittleGiant),
            (self.profile.high_tech, SizeFlag::HighTech),
        ];
        EnterpriseFacts {
            region: self.region_code.clone(),
            industry: self.industry.clone(),
            sizes: flags.into_iter().filter(|(on, _)| *on).map(|(_, f)| f).collect(),
            registered_on: self.profile.registered_on,
            employees: self.profile.employees,
            revenue: self.profile.revenue,
            tax_credit: self.profile.tax_credit,
        }
    }
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// The industries (产业链) lists offer and conditions may name: the standard ones in their order, then every other
/// one that an enterprise or project names.
pub(crate) fn known_industries(tx: &mut Tx<'_>) -> Result<Vec<String>> {
    let mut out: Vec<String> = STANDARD_INDUSTRIES.iter().map(|i| (*i).to_owned()).collect();
    let named = tx.query("SELECT industry FROM enterprises UNION SELECT industry FROM projects ORDER BY 1", &[])?;
    for row in named {
        let industry = row.text(0)?;
        if !industry.trim().is_empty() && !out.contains(&industry) {
            out.push(industry);
        }
    }
    Ok(out)
}

pub(crate) const ENTERPRISE_COLUMNS: &str = "e.id, e.name, e.uscc, e.region_code, e.industry, e.above_scale, e.small_micro, \
     e.specialized, e.little_giant, e.contact_name, e.contact_phone, e.created_at, \
     e.high_tech, e.registered_on, e.employees, e.revenue_band, e.tax_credit";

pub(crate) fn enterprise_from_row(row: &Row) -> Result<EnterpriseRecord> {
    Ok(EnterpriseRecord {
        id: row.int(0)?,
        name: row.text(1)?,
        uscc: Uscc::parse(&row.text(2)?).map_err(|e| corrupt("enterprises.uscc", e))?,
        region_code: RegionCode::parse(&row.text(3)?).map_err(|e| corrupt("enterprises.region_code", e))?,
        industry: row.text(4)?,
        above_scale: row.int(5)? != 0,
        small_micro: row.int(6)? != 0,
        specialized: row.int(7)? != 0,
        little_giant: row.int(8)? != 0,
        contact_name: row.opt_text(9)?,
        contact_phone: row.opt_text(10)?.map(|p| Phone::parse(&p)).transpose().map_err(|e| corrupt("phone", e))?,
        created_at: from_micros(row.int(11)?).ok_or_else(|| corrupt("enterprises.created_at", "out of range"))?,
        profile: EnterpriseProfile {
            high_tech: row.int(12)? != 0,
            registered_on: row
                .opt_text(13)?
                .map(|d| d.parse::<Date>())
                .transpose()
                .map_err(|e| corrupt("enterprises.registered_on", e))?,
            employees: row
                .opt_int(14)?
                .map(u32::try_from)
                .transpose()
                .map_err(|e| corrupt("enterprises.employees", e))?,
            revenue: coded(row.opt_text(15)?, RevenueBand::parse, "enterprises.revenue_band")?,
            tax_credit: coded(row.opt_text(16)?, TaxCredit::parse, "enterprises.tax_credit")?,
        },
    })
}

/// A stored code read back into its type; a code the type does not know is corruption.
pub(crate) fn coded<T>(code: Option<String>, parse: fn(&str) -> Option<T>, what: &str) -> Result<Option<T>> {
    code.map(|c| parse(&c).ok_or_else(|| corrupt(what, c))).transpose()
}

const USER_COLUMNS: &str = "id, username, display_name, region_code, unit_id, enterprise_id, \
     password_hash IS NOT NULL, must_change_password, locked_until, totp_secret IS NOT NULL";

pub(crate) fn user_from_row(tx: &mut Tx<'_>, row: &Row) -> Result<UserRecord> {
    let id = row.int(0)?;
    let roles = tx
        .query("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role", params![id])?
        .iter()
        .map(|r| {
            let name = r.text(0)?;
            Role::parse(&name).ok_or_else(|| corrupt("user_roles.role", name))
        })
        .collect::<Result<_>>()?;
    Ok(UserRecord {
        id,
        username: row.text(1)?,
        display_name: row.text(2)?,
        roles,
        region_code: row.opt_text(3)?,
        unit_id: row.opt_int(4)?,
        enterprise_id: row.opt_int(5)?,
        has_password: row.int(6)? != 0,
        must_change_password: row.int(7)? != 0,
        locked_until: row.opt_int(8)?.and_then(from_micros),
        second_factor: row.int(9)? != 0,
    })
}

pub(crate) fn user_where(tx: &mut Tx<'_>, condition: &str, value: Value) -> Result<UserRecord> {
    let row = tx
        .query_opt(&format!("SELECT {USER_COLUMNS} FROM users WHERE {condition}"), &[value])?
        .ok_or(StoreError::NotFound("用户"))?;
    user_from_row(tx, &row)
}

/// The enterprises `p` may see, optionally within a region and matching a name (part of it) or a credit code.
fn enterprise_condition(
    p: &Principal,
    region: Option<&RegionCode>,
    text: Option<&str>,
    values: &mut Vec<Value>,
) -> String {
    let mut condition = enterprise_scope(p, values);
    if let Some(r) = region {
        condition.push_str(&format!(" AND {}", in_region("e.region_code", r, values)));
    }
    if let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) {
        let like = bind(values, escape_like(t));
        let exact = bind(values, t);
        condition.push_str(&format!(" AND (e.name LIKE {like} ESCAPE '\\' OR e.uscc = {exact})"));
    }
    condition
}

impl Store {
    pub async fn regions(&self) -> Result<Vec<RegionRecord>> {
        self.read(|tx| {
            tx.query("SELECT code, name, parent_code, level, active FROM regions ORDER BY code", &[])?
                .iter()
                .map(|r| {
                    Ok(RegionRecord {
                        code: r.text(0)?,
                        name: r.text(1)?,
                        parent_code: r.opt_text(2)?,
                        level: r.text(3)?,
                        active: r.int(4)? != 0,
                    })
                })
                .collect()
        })
        .await
    }

    pub async fn units(&self) -> Result<Vec<UnitRecord>> {
        self.read(|tx| {
            tx.query("SELECT id, name, region_code, active FROM units ORDER BY id", &[])?
                .iter()
                .map(|r| {
                    Ok(UnitRecord { id: r.int(0)?, name: r.text(1)?, region_code: r.text(2)?, active: r.int(3)? != 0 })
                })
                .collect()
        })
        .await
    }

    pub async fn categories(&self) -> Result<Vec<CategoryRecord>> {
        self.read(|tx| {
            tx.query("SELECT code, name, parent_code, position, active FROM categories ORDER BY position, code", &[])?
                .iter()
                .map(|r| {
                    Ok(CategoryRecord {
                        code: r.text(0)?,
                        name: r.text(1)?,
                        parent_code: r.opt_text(2)?,
                        position: r.int(3)?,
                        active: r.int(4)? != 0,
                    })
                })
                .collect()
        })
        .await
    }

    /// The industries (产业链) lists offer: the standard ones in their order, then every other one that an enterprise
    /// or a project names, by name.
    pub async fn industries(&self) -> Result<Vec<String>> {
        self.read(known_industries).await
    }

    /// The deadline policies a dispatcher may pick: those in use.
    pub async fn deadline_policies(&self) -> Result<Vec<DeadlinePolicy>> {
        Ok(self.deadline_policies_all().await?.into_iter().filter(|(_, active)| *active).map(|(p, _)| p).collect())
    }

    /// Every deadline policy, with whether it is in use (false once retired).
    pub async fn deadline_policies_all(&self) -> Result<Vec<(DeadlinePolicy, bool)>> {
        self.read(|tx| {
            tx.query(
                "SELECT code, name, acknowledge_days, reply_days, resolve_days, feedback_days, active \
                 FROM deadline_policies ORDER BY code",
                &[],
            )?
            .iter()
            .map(|r| {
                let days = |i| u16::try_from(r.int(i)?).map_err(|e| corrupt("deadline_policies", e));
                let policy = DeadlinePolicy {
                    code: r.text(0)?,
                    name: r.text(1)?,
                    acknowledge: days(2)?,
                    reply: days(3)?,
                    resolve: days(4)?,
                    feedback: days(5)?,
                };
                Ok((policy, r.int(6)? != 0))
            })
            .collect()
        })
        .await
    }

    /// The enterprises `p` may see, by id, `limit` after `cursor`; optionally within a region or matching a name.
    pub async fn enterprises_for(
        &self,
        p: &Principal,
        region: Option<RegionCode>,
        text: Option<String>,
        cursor: Option<i64>,
        limit: usize,
    ) -> Result<(Vec<EnterpriseRecord>, Option<i64>)> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let condition = enterprise_condition(&p, region.as_ref(), text.as_deref(), &mut values);
            values.push(cursor.unwrap_or(0).into());
            values.push(i64::try_from(limit + 1).unwrap_or(i64::MAX).into());
            let sql = format!(
                "SELECT {ENTERPRISE_COLUMNS} FROM enterprises e WHERE {condition} AND e.id > ${} ORDER BY e.id LIMIT ${}",
                values.len() - 1,
                values.len()
            );
            let mut items = tx.query(&sql, &values)?.iter().map(enterprise_from_row).collect::<Result<Vec<_>>>()?;
            let next = (items.len() > limit).then(|| {
                items.truncate(limit);
                items.last().map_or(0, |e| e.id)
            });
            Ok((items, next))
        })
        .await
    }

    /// Page `page` (1-based) of the enterprises `p` may see, by id, optionally within a region or matching a name,
    /// and how many match in all.
    pub async fn enterprise_page(
        &self,
        p: &Principal,
        region: Option<RegionCode>,
        text: Option<String>,
        page: usize,
        per_page: usize,
    ) -> Result<(Vec<EnterpriseRecord>, usize)> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let condition = enterprise_condition(&p, region.as_ref(), text.as_deref(), &mut values);
            let total = tx.query_one(&format!("SELECT COUNT(*) FROM enterprises e WHERE {condition}"), &values)?;
            let total = usize::try_from(total.int(0)?).unwrap_or(0);
            let skip = page.saturating_sub(1).saturating_mul(per_page);
            let limit = bind(&mut values, i64::try_from(per_page).unwrap_or(i64::MAX));
            let offset = bind(&mut values, i64::try_from(skip).unwrap_or(i64::MAX));
            let sql = format!(
                "SELECT {ENTERPRISE_COLUMNS} FROM enterprises e WHERE {condition} ORDER BY e.id LIMIT {limit} OFFSET {offset}"
            );
            let items = tx.query(&sql, &values)?.iter().map(enterprise_from_row).collect::<Result<Vec<_>>>()?;
            Ok((items, total))
        })
        .await
    }

    pub async fn enterprise_for(&self, p: &Principal, id: i64) -> Result<EnterpriseRecord> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = vec![Value::from(id)];
            let condition = enterprise_scope(&p, &mut values);
            let row = tx
                .query_opt(
                    &format!("SELECT {ENTERPRISE_COLUMNS} FROM enterprises e WHERE e.id = $1 AND {condition}"),
                    &values,
                )?
                .ok_or(StoreError::NotFound("企业"))?;
            enterprise_from_row(&row)
        })
        .await
    }

    /// Registers an enterprise: a system administrator anywhere, a dispatcher or cadre in its region, an enterprise
    /// user its own (once; the account is then linked to it). Posted twice with one `key`, it registers once.
    pub async fn register_enterprise(
        &self,
        p: &Principal,
        source: &str,
        new: NewEnterprise,
        key: Option<IdempotencyKey>,
    ) -> Result<i64> {
        let (origin, p) = (p.origin(source), p.clone());
        let create = move |w: &mut Writer<'_>| {
            let in_region = p.region.as_ref().is_some_and(|r| r.contains(&new.region));
            let staff = p.has(Role::Sysadmin) || ((p.has(Role::Dispatcher) || p.has(Role::Cadre)) && in_region);
            let own = p.has(Role::Enterprise) && p.enterprise_id.is_none();
            if !staff && !own {
                return Err(StoreError::Forbidden(
                    "您的角色无权登记该地区的企业 / your roles may not register an enterprise there".into(),
                ));
            }
            if !exists_region(&mut w.tx, &new.region)? {
                return Err(StoreError::Invalid(format!("地区 {} 不存在 / unknown region", new.region)));
            }
            if w.tx.query_opt("SELECT 1 FROM enterprises WHERE uscc = $1", params![new.uscc.as_str()])?.is_some() {
                return Err(StoreError::Duplicate(format!(
                    "统一社会信用代码 {} 已登记 / this USCC is already registered",
                    new.uscc
                )));
            }
            let id = w.insert_enterprise(&new)?;
            if !staff {
                w.tx.execute("UPDATE users SET enterprise_id = $1 WHERE id = $2", params![id, p.user_id])?;
                w.audit("user.enterprise", format!("user:{}", p.user_id), None, Some(format!("enterprise:{id}")));
            }
            Ok(id)
        };
        self.create_once(origin, "enterprise", key, create, |_, id| Ok(id)).await
    }

    /// Corrects an enterprise's record (its USCC is its identity and stays): a system administrator anywhere, a
    /// dispatcher of a region holding it before and after, the cadres who serve it and the enterprise itself — these
    /// two without moving it to another county, which changes who serves it.
    pub async fn edit_enterprise_as(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        edit: NewEnterprise,
    ) -> Result<EnterpriseRecord> {
        let q = p.clone();
        self.transaction(p.origin(source), move |w| {
            let mut values = vec![Value::from(id)];
            let condition = enterprise_scope(&q, &mut values);
            let before =
                w.tx.query_opt(
                    &format!("SELECT {ENTERPRISE_COLUMNS} FROM enterprises e WHERE e.id = $1 AND {condition}"),
                    &values,
                )?
                .ok_or(StoreError::NotFound("企业"))
                .and_then(|r| enterprise_from_row(&r))?;
            let region_of = |r: &RegionCode| q.region.as_ref().is_some_and(|mine| mine.contains(r));
            let moved = before.region_code != edit.region;
            let serves = q.has(Role::Cadre)
                && w.tx
                    .query_opt(
                        "SELECT 1 FROM work_group_enterprises wge \
                         JOIN work_group_members m ON m.work_group_id = wge.work_group_id \
                         WHERE wge.enterprise_id = $1 AND m.user_id = $2",
                        params![id, q.user_id],
                    )?
                    .is_some();
            let own = q.has(Role::Enterprise) && q.enterprise_id == Some(id);
            let allowed = q.has(Role::Sysadmin)
                || (q.has(Role::Dispatcher) && region_of(&before.region_code) && region_of(&edit.region))
                || (!moved && (serves || own));
            if !allowed {
                return Err(StoreError::Forbidden(if moved {
                    "迁移企业所在县（市、区）请联系指挥部 / only the office moves an enterprise to another county"
                        .into()
                } else {
                    "您的角色无权修改该企业 / your roles may not edit this enterprise".into()
                }));
            }
            if edit.uscc != before.uscc {
                return Err(StoreError::Invalid("统一社会信用代码不能修改 / the USCC cannot change".into()));
            }
            if !exists_region(&mut w.tx, &edit.region)? {
                return Err(StoreError::Invalid(format!("地区 {} 不存在 / unknown region", edit.region)));
            }
            w.update_enterprise(&before, &edit)?;
            let row = w
                .tx
                .query_one(&format!("SELECT {ENTERPRISE_COLUMNS} FROM enterprises e WHERE e.id = $1"), params![id])?;
            enterprise_from_row(&row)
        })
        .await
    }

    /// The portal's public sign-up (企业注册): a new enterprise and its first user, who signs in with the password it
    /// chose (so no forced change), created together or not at all. The user is given the enterprise role and linked
    /// to the enterprise, whatever `user` asked for; its password hash is required. A username or USCC already taken
    /// is a duplicate, a region not in the database invalid. Audited as `signup` from `source`: no one is signed in.
    /// Posted twice with one `key` (a double tap), it signs up once and gives both posts the same user.
    pub async fn sign_up_enterprise(
        &self,
        source: &str,
        user: NewUser,
        enterprise: NewEnterprise,
        key: Option<IdempotencyKey>,
    ) -> Result<(i64, i64)> {
        let origin =
            Origin { user_id: None, actor: "signup".into(), roles: "enterprise".into(), source: source.to_owned() };
        let create = move |w: &mut Writer<'_>| {
            if user.password_hash.is_none() {
                return Err(StoreError::Invalid("请设置密码 / a password is required".into()));
            }
            if !exists_region(&mut w.tx, &enterprise.region)? {
                return Err(StoreError::Invalid(format!("地区 {} 不存在 / unknown region", enterprise.region)));
            }
            if w.tx.query_opt("SELECT 1 FROM users WHERE username = $1", params![user.username.trim()])?.is_some() {
                return Err(StoreError::Duplicate(format!(
                    "用户名 {} 已被使用 / the username is taken",
                    user.username.trim()
                )));
            }
            if w.tx.query_opt("SELECT 1 FROM enterprises WHERE uscc = $1", params![enterprise.uscc.as_str()])?.is_some()
            {
                return Err(StoreError::Duplicate(format!(
                    "统一社会信用代码 {} 已登记 / this USCC is already registered",
                    enterprise.uscc
                )));
            }
            let enterprise_id = w.insert_enterprise(&enterprise)?;
            let user = NewUser {
                must_change_password: false,
                region: Some(enterprise.region.clone()),
                unit_id: None,
                enterprise_id: Some(enterprise_id),
                roles: vec![Role::Enterprise],
                ..user
            };
            w.insert_user(&user)
        };
        let load = |tx: &mut Tx<'_>, user_id: i64| {
            let row = tx.query_one("SELECT enterprise_id FROM users WHERE id = $1", params![user_id])?;
            Ok((user_id, row.int(0)?))
        };
        self.create_once(origin, "signup", key, create, load).await
    }

    pub async fn users(&self, cursor: Option<i64>, limit: usize) -> Result<(Vec<UserRecord>, Option<i64>)> {
        self.read(move |tx| {
            let rows = tx.query(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id > $1 ORDER BY id LIMIT $2"),
                params![cursor.unwrap_or(0), i64::try_from(limit + 1).unwrap_or(i64::MAX)],
            )?;
            let mut users = rows.iter().map(|r| user_from_row(tx, r)).collect::<Result<Vec<_>>>()?;
            let next = (users.len() > limit).then(|| {
                users.truncate(limit);
                users.last().map_or(0, |u| u.id)
            });
            Ok((users, next))
        })
        .await
    }

    /// Page `page` (1-based) of the accounts whose user name or name contains `text` (all without it), by id, and
    /// how many match in all. For the administrators' list.
    pub async fn user_page(
        &self,
        text: Option<String>,
        page: usize,
        per_page: usize,
    ) -> Result<(Vec<UserRecord>, usize)> {
        self.read(move |tx| {
            let mut values = Vec::new();
            let condition = match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(t) => {
                    let like = bind(&mut values, escape_like(t));
                    format!("(username LIKE {like} ESCAPE '\\' OR display_name LIKE {like} ESCAPE '\\')")
                }
                None => "1 = 1".to_owned(),
            };
            let total = tx.query_one(&format!("SELECT COUNT(*) FROM users WHERE {condition}"), &values)?.int(0)?;
            let skip = page.saturating_sub(1).saturating_mul(per_page);
            let limit = bind(&mut values, i64::try_from(per_page).unwrap_or(i64::MAX));
            let offset = bind(&mut values, i64::try_from(skip).unwrap_or(i64::MAX));
            let rows = tx.query(
                &format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE {condition} ORDER BY id LIMIT {limit} OFFSET {offset}"
                ),
                &values,
            )?;
            let users = rows.iter().map(|r| user_from_row(tx, r)).collect::<Result<Vec<_>>>()?;
            Ok((users, usize::try_from(total).unwrap_or(0)))
        })
        .await
    }

    /// Every username taken (for checking a users ledger before it is written).
    pub async fn usernames(&self) -> Result<std::collections::HashSet<String>> {
        self.read(|tx| tx.query("SELECT username FROM users", &[])?.iter().map(|r| r.text(0)).collect()).await
    }

    pub async fn user(&self, id: i64) -> Result<UserRecord> {
        self.read(move |tx| user_where(tx, "id = $1", id.into())).await
    }

    pub async fn add_user(&self, origin: Origin, new: NewUser) -> Result<UserRecord> {
        self.add_user_once(origin, new, None).await.map(|c| c.item)
    }

    /// Adds a user; posted twice with one `key`, it adds one, and the second answer says it was not fresh (its
    /// one-time password was the first post's).
    pub async fn add_user_once(
        &self,
        origin: Origin,
        new: NewUser,
        key: Option<IdempotencyKey>,
    ) -> Result<Created<UserRecord>> {
        let create = move |w: &mut Writer<'_>| w.insert_user(&new);
        self.create_once_telling(origin, "user", key, create, |tx, id| user_where(tx, "id = $1", id.into())).await
    }

    pub async fn set_user_roles(&self, origin: Origin, user_id: i64, roles: Vec<Role>) -> Result<UserRecord> {
        self.transaction(origin, move |w| {
            w.set_roles(user_id, &roles)?;
            user_where(&mut w.tx, "id = $1", user_id.into())
        })
        .await
    }

    /// An administrator's reset: the new password must be changed at the next sign-in, the lock is lifted and the
    /// user's sessions end.
    pub async fn reset_password(&self, origin: Origin, user_id: i64, password_hash: String) -> Result<()> {
        self.transaction(origin, move |w| {
            w.set_password(user_id, &password_hash, true)?;
            w.tx.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1", params![user_id])?;
            w.tx.execute("DELETE FROM sessions WHERE user_id = $1", params![user_id])?;
            Ok(())
        })
        .await
    }

    /// Adds a region under its parent (entered first); posted twice with one `key`, it adds it once.
    pub async fn add_region(
        &self,
        origin: Origin,
        code: RegionCode,
        name: String,
        key: Option<IdempotencyKey>,
    ) -> Result<()> {
        let asked = code.as_str().to_owned();
        let insert = move |w: &mut Writer<'_>| {
            let parent = code.parent().filter(|p| exists_region(&mut w.tx, p).unwrap_or(false));
            if code.parent().is_some() && parent.is_none() {
                return Err(StoreError::Invalid(format!(
                    "上级地区尚未录入，请先录入上级 / add the parent region of {code} first"
                )));
            }
            w.insert_region(&code, &name, parent.as_ref())
        };
        self.create_coded_once(origin, "regions", asked, key, insert).await
    }

    /// Adds a unit in a region; posted twice with one `key`, it adds one.
    pub async fn add_unit(
        &self,
        origin: Origin,
        name: String,
        region: RegionCode,
        key: Option<IdempotencyKey>,
    ) -> Result<UnitRecord> {
        let create = move |w: &mut Writer<'_>| {
            if !exists_region(&mut w.tx, &region)? {
                return Err(StoreError::Invalid(format!("地区 {region} 不存在 / unknown region")));
            }
            w.insert_unit(&name, &region)
        };
        let load = |tx: &mut Tx<'_>, id: i64| {
            let row = tx.query_one("SELECT name, region_code, active FROM units WHERE id = $1", params![id])?;
            Ok(UnitRecord { id, name: row.text(0)?, region_code: row.text(1)?, active: row.int(2)? != 0 })
        };
        self.create_once(origin, "unit", key, create, load).await
    }

    /// Adds a category; posted twice with one `key`, it adds it once.
    pub async fn add_category(&self, origin: Origin, c: CategoryRecord, key: Option<IdempotencyKey>) -> Result<()> {
        let asked = c.code.clone();
        let insert =
            move |w: &mut Writer<'_>| w.insert_category(&c.code, &c.name, c.parent_code.as_deref(), c.position);
        self.create_coded_once(origin, "categories", asked, key, insert).await
    }

    /// Adds a deadline policy; posted twice with one `key`, it adds it once.
    pub async fn add_deadline_policy(
        &self,
        origin: Origin,
        p: DeadlinePolicy,
        key: Option<IdempotencyKey>,
    ) -> Result<()> {
        let asked = p.code.clone();
        self.create_coded_once(origin, "deadline_policies", asked, key, move |w| w.insert_deadline_policy(&p)).await
    }

    /// A keyed create of an item known by its code rather than an id (a region, a category, a policy): `insert`
    /// writes it into `table`, once per key. A key sent again with another code is a client's mistake, refused
    /// rather than answered as if it had made that item.
    async fn create_coded_once(
        &self,
        origin: Origin,
        table: &'static str,
        code: String,
        key: Option<IdempotencyKey>,
        insert: impl FnOnce(&mut Writer<'_>) -> Result<()> + Send + 'static,
    ) -> Result<()> {
        let create = move |w: &mut Writer<'_>| insert(w).map(|()| 0);
        let load = move |tx: &mut Tx<'_>, _| match tx
            .query_opt(&format!("SELECT 1 FROM {table} WHERE code = $1"), params![code.as_str()])?
        {
            Some(_) => Ok(()),
            None => Err(StoreError::Invalid(
                "该幂等键已用于另一次新建，请换一个键 / this idempotency key was used for another create".into(),
            )),
        };
        self.create_once(origin, table, key, create, load).await
    }
}

fn exists_region(tx: &mut Tx<'_>, code: &RegionCode) -> Result<bool> {
    Ok(tx.query_opt("SELECT 1 FROM regions WHERE code = $1", params![code.as_str()])?.is_some())
}
