//! The organisation (SPEC §5): regions, units, categories, deadline policies, enterprises, users and roles, work
//! groups (`work_groups`), common issues.

use jiff::Timestamp;
use zhuqi_domain::catalog::{STANDARD_CATEGORIES, standard_policies};
use zhuqi_domain::time::to_micros;
use zhuqi_domain::{DeadlinePolicy, Phone, RegionCode, Role, Uscc, check_roles};

use serde_json::json;

use crate::audit;
use crate::catalog::{EnterpriseProfile, EnterpriseRecord};
use crate::db::{Value, params};
use crate::{Origin, Result, Store, StoreError, Writer};

#[derive(Debug, Clone)]
pub struct NewEnterprise {
    pub name: String,
    pub uscc: Uscc,
    pub region: RegionCode,
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

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    /// An argon2id PHC string; `None` for an account that cannot sign in until an admin sets a password.
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub region: Option<RegionCode>,
    pub unit_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub phone: Option<Phone>,
    pub roles: Vec<Role>,
    pub created_at: Timestamp,
}

/// The columns of an enterprise that a correction may change, in the order of `enterprise_values`.
const ENTERPRISE_WRITTEN: &str = "name, region_code, industry, above_scale, small_micro, specialized, little_giant, \
     contact_name, contact_phone, high_tech, registered_on, employees, revenue_band, tax_credit";

fn enterprise_values(e: &NewEnterprise) -> Vec<Value> {
    params![
        e.name.trim(),
        e.region.as_str(),
        e.industry.trim(),
        e.above_scale,
        e.small_micro,
        e.specialized,
        e.little_giant,
        e.contact_name.as_deref(),
        e.contact_phone.as_ref().map(|p| p.as_str()),
        e.profile.high_tech,
        e.profile.registered_on.map(|d| d.to_string()),
        e.profile.employees.map(i64::from),
        e.profile.revenue.map(|r| r.as_str()),
        e.profile.tax_credit.map(|t| t.as_str()),
    ]
    .to_vec()
}

/// What the audit keeps of an enterprise. Phone numbers are personal data: the record keeps them masked.
fn audited(e: &NewEnterprise) -> serde_json::Value {
    let p = &e.profile;
    json!({"name": e.name.trim(), "uscc": e.uscc.as_str(), "region": e.region.as_str(),
        "industry": e.industry.trim(), "contact_phone": e.contact_phone.as_ref().map(ToString::to_string),
        "above_scale": e.above_scale, "small_micro": e.small_micro, "specialized": e.specialized,
        "little_giant": e.little_giant, "high_tech": p.high_tech,
        "registered_on": p.registered_on.map(|d| d.to_string()), "employees": p.employees,
        "revenue_band": p.revenue.map(|r| r.as_str()), "tax_credit": p.tax_credit.map(|t| t.as_str())})
}

fn required(field: &'static str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(StoreError::Invalid(format!("{field}不能为空 / {field} is required")));
    }
    Ok(())
}

impl Writer<'_> {
    pub fn insert_region(&mut self, code: &RegionCode, name: &str, parent: Option<&RegionCode>) -> Result<()> {
        required("地区名称", name)?;
        crate::reference::taken(
            &mut self.tx,
            "SELECT 1 FROM regions WHERE COALESCE(parent_code, '') = $1 AND name = $2 AND code <> $3",
            params![parent.map_or("", |p| p.as_str()), name.trim(), code.as_str()],
            "地区",
            name.trim(),
        )?;
        let level = match code.level() {
            zhuqi_domain::RegionLevel::Province => "province",
            zhuqi_domain::RegionLevel::City => "city",
            zhuqi_domain::RegionLevel::County => "county",
        };
        self.tx.execute(
            "INSERT INTO regions (code, name, parent_code, level) VALUES ($1, $2, $3, $4)",
            params![code.as_str(), name.trim(), parent.map(|p| p.as_str()), level],
        )?;
        let after = json!({"name": name.trim(), "parent": parent.map(|p| p.as_str())});
        self.audit("region.add", format!("region:{code}"), None, audit::json(&after));
        Ok(())
    }

    pub fn insert_unit(&mut self, name: &str, region: &RegionCode) -> Result<i64> {
        required("单位名称", name)?;
        let id = self
            .tx
            .query_one(
                "INSERT INTO units (name, region_code) VALUES ($1, $2) RETURNING id",
                params![name.trim(), region.as_str()],
            )?
            .int(0)?;
        let after = json!({"name": name.trim(), "region": region.as_str()});
        self.audit("unit.add", format!("unit:{id}"), None, audit::json(&after));
        Ok(id)
    }

    pub fn insert_category(&mut self, code: &str, name: &str, parent: Option<&str>, position: i64) -> Result<()> {
        required("类型编码", code)?;
        required("类型名称", name)?;
        crate::reference::taken(
            &mut self.tx,
            "SELECT 1 FROM categories WHERE COALESCE(parent_code, '') = $1 AND name = $2 AND code <> $3",
            params![parent.unwrap_or(""), name.trim(), code],
            "问题类型",
            name.trim(),
        )?;
        self.tx.execute(
            "INSERT INTO categories (code, name, parent_code, position) VALUES ($1, $2, $3, $4)",
            params![code, name, parent, position],
        )?;
        let after = json!({"name": name, "parent": parent, "position": position});
        self.audit("category.add", format!("category:{code}"), None, audit::json(&after));
        Ok(())
    }

    pub fn insert_deadline_policy(&mut self, p: &DeadlinePolicy) -> Result<()> {
        crate::reference::taken(
            &mut self.tx,
            "SELECT 1 FROM deadline_policies WHERE name = $1 AND code <> $2",
            params![p.name.trim(), p.code.as_str()],
            "时限规则",
            p.name.trim(),
        )?;
        self.tx.execute(
            "INSERT INTO deadline_policies (code, name, acknowledge_days, reply_days, resolve_days, feedback_days) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            params![&p.code, &p.name, p.acknowledge, p.reply, p.resolve, p.feedback],
        )?;
        self.audit("policy.add", format!("policy:{}", p.code), None, audit::json(p));
        Ok(())
    }

    /// Adds the standard categories and deadline policies a city starts with (`zhuqi_domain::catalog`) that are not
    /// there yet; returns how many it added.
    pub fn ensure_standard_catalog(&mut self) -> Result<usize> {
        let mut added = 0;
        for (i, (code, name)) in STANDARD_CATEGORIES.iter().enumerate() {
            if self.tx.query_opt("SELECT 1 FROM categories WHERE code = $1", params![*code])?.is_none() {
                self.insert_category(code, name, None, i as i64 + 1)?;
                added += 1;
            }
        }
        for policy in standard_policies() {
            if self
                .tx
                .query_opt("SELECT 1 FROM deadline_policies WHERE code = $1", params![policy.code.as_str()])?
                .is_none()
            {
                self.insert_deadline_policy(&policy)?;
                added += 1;
            }
        }
        Ok(added)
    }

    pub fn insert_enterprise(&mut self, e: &NewEnterprise) -> Result<i64> {
        required("企业名称", &e.name)?;
        required("所属产业", &e.industry)?;
        let mut values = enterprise_values(e);
        values.extend([Value::from(e.uscc.as_str()), Value::from(to_micros(e.created_at))]);
        let id = self
            .tx
            .query_one(
                &format!(
                    "INSERT INTO enterprises ({ENTERPRISE_WRITTEN}, uscc, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id"
                ),
                &values,
            )?
            .int(0)?;
        self.audit("enterprise.add", format!("enterprise:{id}"), None, audit::json(&audited(e)));
        Ok(id)
    }

    /// Rewrites enterprise `before.id` as `e` says (its USCC and creation time stay), audited with both.
    pub(crate) fn update_enterprise(&mut self, before: &EnterpriseRecord, e: &NewEnterprise) -> Result<()> {
        required("企业名称", &e.name)?;
        required("所属产业", &e.industry)?;
        let mut values = enterprise_values(e);
        values.push(Value::from(before.id));
        let set: Vec<String> =
            ENTERPRISE_WRITTEN.split(", ").enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
        self.tx.execute(&format!("UPDATE enterprises SET {} WHERE id = $15", set.join(", ")), &values)?;
        let was = NewEnterprise {
            name: before.name.clone(),
            uscc: before.uscc.clone(),
            region: before.region_code.clone(),
            industry: before.industry.clone(),
            above_scale: before.above_scale,
            small_micro: before.small_micro,
            specialized: before.specialized,
            little_giant: before.little_giant,
            contact_name: before.contact_name.clone(),
            contact_phone: before.contact_phone.clone(),
            created_at: before.created_at,
            profile: before.profile.clone(),
        };
        let id = before.id;
        self.audit(
            "enterprise.edit",
            format!("enterprise:{id}"),
            audit::json(&audited(&was)),
            audit::json(&audited(e)),
        );
        Ok(())
    }

    pub fn insert_user(&mut self, u: &NewUser) -> Result<i64> {
        required("用户名", &u.username)?;
        required("姓名", &u.display_name)?;
        check_roles(&u.roles).map_err(|e| StoreError::Invalid(e.to_owned()))?;
        // Name the missing record instead of a bare foreign-key failure.
        if let Some(region) = &u.region
            && self.tx.query_opt("SELECT 1 FROM regions WHERE code = $1", params![region.as_str()])?.is_none()
        {
            return Err(StoreError::Invalid(format!(
                "地区 {region} 尚未录入 / region {region} is not in the database"
            )));
        }
        if let Some(unit) = u.unit_id
            && self.tx.query_opt("SELECT 1 FROM units WHERE id = $1", params![unit])?.is_none()
        {
            return Err(StoreError::Invalid(format!("承办单位 {unit} 不存在 / unit {unit} does not exist")));
        }
        if let Some(enterprise) = u.enterprise_id
            && self.tx.query_opt("SELECT 1 FROM enterprises WHERE id = $1", params![enterprise])?.is_none()
        {
            return Err(StoreError::Invalid(format!(
                "企业 {enterprise} 不存在 / enterprise {enterprise} does not exist"
            )));
        }
        let id = self
            .tx
            .query_one(
                "INSERT INTO users (username, display_name, password_hash, must_change_password, region_code, unit_id, \
                 enterprise_id, phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                params![
                    u.username.trim(),
                    u.display_name.trim(),
                    u.password_hash.as_deref(),
                    u.must_change_password,
                    u.region.as_ref().map(|r| r.as_str()),
                    u.unit_id,
                    u.enterprise_id,
                    u.phone.as_ref().map(|p| p.as_str()),
                    to_micros(u.created_at),
                ],
            )?
            .int(0)?;
        for role in &u.roles {
            self.tx.execute("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)", params![id, role.as_str()])?;
        }
        let after = json!({"username": u.username.trim(), "display_name": u.display_name.trim(), "roles": u.roles,
            "region": u.region.as_ref().map(|r| r.as_str()), "unit_id": u.unit_id, "enterprise_id": u.enterprise_id,
            "must_change_password": u.must_change_password});
        self.audit("user.add", format!("user:{id}"), None, audit::json(&after));
        Ok(id)
    }

    /// Replaces a user's password hash; `must_change` forces a new password at the next sign-in (an admin's reset).
    pub fn set_password(&mut self, user_id: i64, password_hash: &str, must_change: bool) -> Result<()> {
        // The password replaced joins the history; only the last `PASSWORD_HISTORY` - 1 are kept beside the current.
        let now = to_micros(jiff::Timestamp::now());
        self.tx.execute(
            "INSERT INTO password_history (user_id, password_hash, replaced_at) \
             SELECT id, password_hash, $2 FROM users WHERE id = $1 AND password_hash IS NOT NULL",
            params![user_id, now],
        )?;
        self.tx.execute(
            "DELETE FROM password_history WHERE user_id = $1 AND replaced_at NOT IN \
             (SELECT replaced_at FROM password_history WHERE user_id = $1 ORDER BY replaced_at DESC LIMIT $2)",
            params![user_id, crate::PASSWORD_HISTORY - 1],
        )?;
        let changed = self.tx.execute(
            "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3 WHERE id = $4",
            params![password_hash, must_change, now, user_id],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound("用户"));
        }
        // Never the hash itself.
        let after = json!({"must_change_password": must_change});
        self.audit("user.password", format!("user:{user_id}"), None, audit::json(&after));
        Ok(())
    }

    /// Replaces a user's roles with `roles` (checked for 三员分立).
    pub fn set_roles(&mut self, user_id: i64, roles: &[Role]) -> Result<()> {
        check_roles(roles).map_err(|e| StoreError::Invalid(e.to_owned()))?;
        if self.tx.query_opt("SELECT id FROM users WHERE id = $1", params![user_id])?.is_none() {
            return Err(StoreError::NotFound("用户"));
        }
        let before: Vec<String> = self
            .tx
            .query("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role", params![user_id])?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_>>()?;
        self.audit("user.roles", format!("user:{user_id}"), audit::json(&before), audit::json(&roles));
        self.tx.execute("DELETE FROM user_roles WHERE user_id = $1", params![user_id])?;
        for role in roles {
            self.tx
                .execute("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)", params![user_id, role.as_str()])?;
        }
        Ok(())
    }

    /// Opens a common issue kept by no region in particular (a ledger import, the demo's city-wide issues).
    pub fn insert_common_issue(&mut self, title: &str, category: &str, at: Timestamp) -> Result<i64> {
        let new = crate::issues::NewCommonIssue {
            title: title.to_owned(),
            category: category.to_owned(),
            ..Default::default()
        };
        self.insert_common_issue_in(&new, None, at)
    }

    /// Marks the issue solved without answering its appeals one by one: records brought from before the product (a
    /// ledger of past years), whose appeals stay merged and count as resolved from then on (SPEC §6). In the product
    /// an issue is answered with `answer_common_issue`.
    pub fn resolve_common_issue(&mut self, id: i64, at: Timestamp) -> Result<()> {
        let changed = self.tx.execute(
            "UPDATE common_issues SET resolved_at = $1, version = version + 1 WHERE id = $2 AND resolved_at IS NULL",
            params![to_micros(at), id],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound("未解决的共性问题"));
        }
        self.audit("common_issue.resolve", format!("common_issue:{id}"), None, None);
        Ok(())
    }
}

/// A user as an admin sees it (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub region_code: Option<String>,
    pub unit_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub has_password: bool,
    pub must_change_password: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub locked_until: Option<Timestamp>,
    /// The user signs in with an authenticator's code as well.
    pub second_factor: bool,
}

/// How many rows the main tables hold: for the demo's summary and for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub regions: i64,
    pub units: i64,
    pub enterprises: i64,
    pub users: i64,
    pub appeals: i64,
    pub events: i64,
    pub meetings: i64,
    pub tasks: i64,
    pub disputes: i64,
}

impl Store {
    pub async fn counts(&self) -> Result<Counts> {
        self.read(|tx| {
            let row = tx.query_one(
                "SELECT (SELECT COUNT(*) FROM regions), (SELECT COUNT(*) FROM units), (SELECT COUNT(*) FROM enterprises), \
                 (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM appeals), (SELECT COUNT(*) FROM appeal_events), \
                 (SELECT COUNT(*) FROM meetings), (SELECT COUNT(*) FROM tasks), (SELECT COUNT(*) FROM disputes)",
                &[],
            )?;
            Ok(Counts {
                regions: row.int(0)?,
                units: row.int(1)?,
                enterprises: row.int(2)?,
                users: row.int(3)?,
                appeals: row.int(4)?,
                events: row.int(5)?,
                meetings: row.int(6)?,
                tasks: row.int(7)?,
                disputes: row.int(8)?,
            })
        })
        .await
    }

    pub async fn user_by_name(&self, username: &str) -> Result<UserRecord> {
        let username = username.trim().to_owned();
        self.read(move |tx| crate::catalog::user_where(tx, "username = $1", username.into())).await
    }

    /// A database with no categories and no deadline policies yet (a new city) gets the standard ones, so that its
    /// first appeal can be assigned under 13710 without an administrator having to type them. Returns how many were
    /// added (0 for a city that has its own).
    pub async fn set_up_new_city(&self) -> Result<usize> {
        self.transaction(Origin::system("setup"), |w| {
            let row = w
                .tx
                .query_one("SELECT (SELECT COUNT(*) FROM categories), (SELECT COUNT(*) FROM deadline_policies)", &[])?;
            if row.int(0)? > 0 || row.int(1)? > 0 {
                return Ok(0);
            }
            w.ensure_standard_catalog()
        })
        .await
    }

    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        let key = key.to_owned();
        self.read(move |tx| {
            tx.query_opt("SELECT value FROM zhuqi_meta WHERE key = $1", params![key])?.map(|r| r.text(0)).transpose()
        })
        .await
    }
}
