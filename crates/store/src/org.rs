//! The organisation (SPEC §5): regions, units, categories, deadline policies, enterprises, users and roles, work
//! groups and who they serve (包联), common issues.

use jiff::Timestamp;
use sqlx::Row;
use zhuqi_domain::time::to_micros;
use zhuqi_domain::{DeadlinePolicy, Phone, RegionCode, Role, Uscc};

use crate::{Result, Store, StoreError, Writer};

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

fn required(field: &'static str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(StoreError::Invalid(format!("{field}不能为空 / {field} is required")));
    }
    Ok(())
}

fn flag(b: bool) -> i64 {
    i64::from(b)
}

impl Writer {
    pub async fn insert_region(&mut self, code: &RegionCode, name: &str, parent: Option<&RegionCode>) -> Result<()> {
        required("地区名称", name)?;
        let level = match code.level() {
            zhuqi_domain::RegionLevel::Province => "province",
            zhuqi_domain::RegionLevel::City => "city",
            zhuqi_domain::RegionLevel::County => "county",
        };
        sqlx::query("INSERT INTO regions (code, name, parent_code, level) VALUES ($1, $2, $3, $4)")
            .bind(code.as_str())
            .bind(name.trim())
            .bind(parent.map(|p| p.as_str().to_owned()))
            .bind(level)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn insert_unit(&mut self, name: &str, region: &RegionCode) -> Result<i64> {
        required("单位名称", name)?;
        let row = sqlx::query("INSERT INTO units (name, region_code) VALUES ($1, $2) RETURNING id")
            .bind(name.trim())
            .bind(region.as_str())
            .fetch_one(self.conn())
            .await?;
        Ok(row.get("id"))
    }

    pub async fn insert_category(&mut self, code: &str, name: &str, parent: Option<&str>, position: i64) -> Result<()> {
        required("类型编码", code)?;
        required("类型名称", name)?;
        sqlx::query("INSERT INTO categories (code, name, parent_code, position) VALUES ($1, $2, $3, $4)")
            .bind(code)
            .bind(name)
            .bind(parent.map(str::to_owned))
            .bind(position)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn insert_policy(&mut self, policy: &DeadlinePolicy) -> Result<()> {
        sqlx::query(
            "INSERT INTO deadline_policies (code, name, acknowledge_days, reply_days, resolve_days, feedback_days) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&policy.code)
        .bind(&policy.name)
        .bind(i64::from(policy.acknowledge))
        .bind(i64::from(policy.reply))
        .bind(i64::from(policy.resolve))
        .bind(i64::from(policy.feedback))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn insert_enterprise(&mut self, e: &NewEnterprise) -> Result<i64> {
        required("企业名称", &e.name)?;
        required("所属产业", &e.industry)?;
        let row = sqlx::query(
            "INSERT INTO enterprises (name, uscc, region_code, industry, above_scale, small_micro, specialized, \
             little_giant, contact_name, contact_phone, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(e.name.trim())
        .bind(e.uscc.as_str())
        .bind(e.region.as_str())
        .bind(e.industry.trim())
        .bind(flag(e.above_scale))
        .bind(flag(e.small_micro))
        .bind(flag(e.specialized))
        .bind(flag(e.little_giant))
        .bind(e.contact_name.clone())
        .bind(e.contact_phone.as_ref().map(|p| p.as_str().to_owned()))
        .bind(to_micros(e.created_at))
        .fetch_one(self.conn())
        .await?;
        Ok(row.get("id"))
    }

    pub async fn insert_user(&mut self, u: &NewUser) -> Result<i64> {
        required("用户名", &u.username)?;
        required("姓名", &u.display_name)?;
        let row = sqlx::query(
            "INSERT INTO users (username, display_name, password_hash, must_change_password, region_code, unit_id, \
             enterprise_id, phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(u.username.trim())
        .bind(u.display_name.trim())
        .bind(u.password_hash.clone())
        .bind(flag(u.must_change_password))
        .bind(u.region.as_ref().map(|r| r.as_str().to_owned()))
        .bind(u.unit_id)
        .bind(u.enterprise_id)
        .bind(u.phone.as_ref().map(|p| p.as_str().to_owned()))
        .bind(to_micros(u.created_at))
        .fetch_one(self.conn())
        .await?;
        let id: i64 = row.get("id");
        for role in &u.roles {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(id)
                .bind(role.as_str())
                .execute(self.conn())
                .await?;
        }
        Ok(id)
    }

    pub async fn insert_work_group(&mut self, name: &str, region: &RegionCode) -> Result<i64> {
        required("工作组名称", name)?;
        let row = sqlx::query("INSERT INTO work_groups (name, region_code) VALUES ($1, $2) RETURNING id")
            .bind(name.trim())
            .bind(region.as_str())
            .fetch_one(self.conn())
            .await?;
        Ok(row.get("id"))
    }

    pub async fn add_work_group_member(&mut self, work_group_id: i64, user_id: i64) -> Result<()> {
        sqlx::query("INSERT INTO work_group_members (work_group_id, user_id) VALUES ($1, $2)")
            .bind(work_group_id)
            .bind(user_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// 包联: the work group serves the enterprise.
    pub async fn assign_enterprise(&mut self, work_group_id: i64, enterprise_id: i64) -> Result<()> {
        sqlx::query("INSERT INTO work_group_enterprises (work_group_id, enterprise_id) VALUES ($1, $2)")
            .bind(work_group_id)
            .bind(enterprise_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn insert_common_issue(&mut self, title: &str, category: &str, at: Timestamp) -> Result<i64> {
        required("共性问题标题", title)?;
        let row = sqlx::query("INSERT INTO common_issues (title, category_code, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(title.trim())
            .bind(category)
            .bind(to_micros(at))
            .fetch_one(self.conn())
            .await?;
        Ok(row.get("id"))
    }

    /// The common issue is solved once for every enterprise whose appeal was merged into it.
    pub async fn resolve_common_issue(&mut self, id: i64, at: Timestamp) -> Result<()> {
        let done = sqlx::query("UPDATE common_issues SET resolved_at = $1 WHERE id = $2 AND resolved_at IS NULL")
            .bind(to_micros(at))
            .bind(id)
            .execute(self.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("未解决的共性问题"));
        }
        Ok(())
    }
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
}

impl Store {
    pub async fn counts(&self) -> Result<Counts> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM regions) AS regions, (SELECT COUNT(*) FROM units) AS units, \
             (SELECT COUNT(*) FROM enterprises) AS enterprises, (SELECT COUNT(*) FROM users) AS users, \
             (SELECT COUNT(*) FROM appeals) AS appeals, (SELECT COUNT(*) FROM appeal_events) AS events",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(Counts {
            regions: row.get("regions"),
            units: row.get("units"),
            enterprises: row.get("enterprises"),
            users: row.get("users"),
            appeals: row.get("appeals"),
            events: row.get("events"),
        })
    }

    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM zhuqi_meta WHERE key = $1").bind(key).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.get("value")))
    }
}
