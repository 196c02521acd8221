//! Appeals: created with their first event, moved by one event per transaction with an optimistic version check.

use std::sync::LazyLock;

use jiff::civil::Date;
use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::Row;
use zhuqi_domain::time::{from_micros, local_date, to_micros};
use zhuqi_domain::{
    Action, Actor, Appeal, AppealNumber, Channel, Event, Fen, RegionCode, Role, WorkingCalendar,
};

use crate::{Result, Store, StoreError, Writer};

/// The longest title an appeal may have, in characters.
pub const MAX_TITLE: usize = 100;

/// What an enterprise (or a cadre for it) writes when it raises a problem.
#[derive(Debug, Clone)]
pub struct NewAppeal {
    pub enterprise_id: i64,
    pub channel: Channel,
    pub category: String,
    pub title: String,
    pub description: String,
    pub amount: Option<Fen>,
    pub draft: bool,
}

/// An appeal as stored: what was written, and its workflow state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealRecord {
    pub id: i64,
    pub number: AppealNumber,
    pub enterprise_id: i64,
    pub region_code: RegionCode,
    pub channel: Channel,
    pub title: String,
    pub description: String,
    pub amount: Option<Fen>,
    pub created_by: Option<i64>,
    pub state: Appeal,
}

/// A row of the plain appeal list.
#[derive(Debug, Clone)]
pub struct AppealSummary {
    pub id: i64,
    pub number: String,
    pub enterprise_name: String,
    pub title: String,
    pub unit_name: Option<String>,
    pub state: Appeal,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn check_new(new: &NewAppeal) -> Result<()> {
    let title = new.title.trim();
    let invalid = |msg: &str| Err(StoreError::Invalid(msg.to_owned()));
    if title.is_empty() {
        return invalid("请填写问题标题 / a title is required");
    }
    if title.chars().count() > MAX_TITLE {
        return invalid("问题标题最多100字 / the title is longer than 100 characters");
    }
    if new.description.trim().is_empty() {
        return invalid("请填写问题描述 / a description is required");
    }
    if new.description.chars().count() > zhuqi_domain::appeal::MAX_TEXT {
        return invalid("问题描述最多5000字 / the description is longer than 5000 characters");
    }
    Ok(())
}


fn record_from_row(row: &AnyRow) -> Result<AppealRecord> {
    let number: String = row.get("number");
    let region: String = row.get("region_code");
    let channel: String = row.get("channel");
    let state: String = row.get("state");
    Ok(AppealRecord {
        id: row.get("id"),
        number: AppealNumber::parse(&number).map_err(|e| corrupt("appeals.number", e))?,
        enterprise_id: row.get("enterprise_id"),
        region_code: RegionCode::parse(&region).map_err(|e| corrupt("appeals.region_code", e))?,
        channel: Channel::parse(&channel).ok_or_else(|| corrupt("appeals.channel", &channel))?,
        title: row.get("title"),
        description: row.get("description"),
        amount: row
            .get::<Option<i64>, _>("amount_fen")
            .map(Fen::new)
            .transpose()
            .map_err(|e| corrupt("appeals.amount_fen", e))?,
        created_by: row.get("created_by"),
        state: serde_json::from_str(&state).map_err(|e| corrupt("appeals.state", e))?,
    })
}

fn date_text(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

type AnyQuery = sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>;

/// Binds, in the order of `DERIVED_COLUMNS`, the columns that mirror the workflow state for queries.
fn bind_derived(q: AnyQuery, state: &Appeal, cal: &WorkingCalendar) -> Result<AnyQuery> {
    let due = state.deadlines(cal, local_date(state.updated_at));
    let state_json = serde_json::to_string(state).map_err(|e| corrupt("state", e))?;
    Ok(q.bind(i64::from(state.version))
        .bind(state.status.as_str())
        .bind(state.category.clone())
        .bind(state.level.map(|l| l.as_str()))
        .bind(state.unit_id)
        .bind(state.common_issue_id)
        .bind(state.rating.map(|s| i64::from(s.get())))
        .bind(i64::from(state.reopen_count))
        .bind(i64::from(state.resolved))
        .bind(date_text(due.map(|d| d.acknowledge)))
        .bind(date_text(due.map(|d| d.reply)))
        .bind(date_text(due.map(|d| d.resolve)))
        .bind(date_text(due.map(|d| d.feedback)))
        .bind(to_micros(state.created_at))
        .bind(state.submitted_at.map(to_micros))
        .bind(state.first_assigned_at.map(to_micros))
        .bind(state.answered_at.map(to_micros))
        .bind(state.closed_at.map(to_micros))
        .bind(to_micros(state.updated_at))
        .bind(state_json))
}

/// The 20 columns `bind_derived` fills, as `$1`…`$20`.
const DERIVED_COLUMNS: &str = "version, status, category_code, level, unit_id, common_issue_id, rating, reopen_count, \
    resolved, acknowledge_due, reply_due, resolve_due, feedback_due, created_at, submitted_at, first_assigned_at, \
    answered_at, closed_at, updated_at, state";

/// Built once from `DERIVED_COLUMNS` so that the two statements cannot disagree on the order.
static INSERT_APPEAL: LazyLock<String> = LazyLock::new(|| {
    let params: Vec<String> = (1..=28).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO appeals ({DERIVED_COLUMNS}, number, enterprise_id, region_code, channel, title, description, \
         amount_fen, created_by) VALUES ({}) RETURNING id",
        params.join(", ")
    )
});
static UPDATE_APPEAL: LazyLock<String> = LazyLock::new(|| {
    let assignments: Vec<String> =
        DERIVED_COLUMNS.split(',').enumerate().map(|(i, c)| format!("{} = ${}", c.trim(), i + 1)).collect();
    format!("UPDATE appeals SET {} WHERE id = $21 AND version = $22", assignments.join(", "))
});

impl Writer {
    /// Records a new appeal with its `Create` event and a fresh number (`ZK-2026-000123`) of the year it is raised.
    pub async fn create_appeal(
        &mut self,
        prefix: &str,
        new: &NewAppeal,
        actor: Actor,
        at: Timestamp,
    ) -> Result<AppealRecord> {
        let create = Action::Create { category: new.category.clone(), draft: new.draft };
        self.insert_appeal(prefix, new, &[Event { seq: 1, at, actor, action: create }]).await
    }

    /// Records an appeal with a whole history at once (the demo, a ledger import). The history must start with the
    /// `Create` event of `new` and replay through the state machine; otherwise nothing is written.
    pub async fn insert_appeal(&mut self, prefix: &str, new: &NewAppeal, history: &[Event]) -> Result<AppealRecord> {
        check_new(new)?;
        let created = history.first().ok_or_else(|| StoreError::Invalid("诉求没有任何记录 / empty history".into()))?;
        if created.action != (Action::Create { category: new.category.clone(), draft: new.draft }) {
            return Err(StoreError::Invalid("诉求的第一步必须是登记 / history must start with its create event".into()));
        }
        let state = Appeal::replay(history)?.ok_or_else(|| StoreError::Invalid("empty history".into()))?;
        let region: String = sqlx::query("SELECT region_code FROM enterprises WHERE id = $1")
            .bind(new.enterprise_id)
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound("企业"))?
            .get("region_code");
        let region_code = RegionCode::parse(&region).map_err(|e| corrupt("enterprises.region_code", e))?;
        let year = local_date(created.at).year();
        let seq: i64 = sqlx::query(
            "INSERT INTO appeal_counters (prefix, year, last_seq) VALUES ($1, $2, 1) \
             ON CONFLICT (prefix, year) DO UPDATE SET last_seq = appeal_counters.last_seq + 1 RETURNING last_seq",
        )
        .bind(prefix.to_owned())
        .bind(i64::from(year))
        .fetch_one(self.conn())
        .await?
        .get("last_seq");
        let seq = u32::try_from(seq).map_err(|e| corrupt("appeal_counters.last_seq", e))?;
        let number = AppealNumber::new(prefix, year, seq).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let insert = sqlx::query(sqlx::AssertSqlSafe(INSERT_APPEAL.as_str()));
        let row = bind_derived(insert, &state, &self.cal)?
            .bind(number.to_string())
            .bind(new.enterprise_id)
            .bind(region_code.as_str().to_owned())
            .bind(new.channel.as_str())
            .bind(new.title.trim().to_owned())
            .bind(new.description.trim().to_owned())
            .bind(new.amount.map(|a| a.fen()))
            .bind(created.actor.user_id)
            .fetch_one(self.conn())
            .await?;
        let id: i64 = row.get("id");
        for event in history {
            self.insert_event(id, event).await?;
        }
        Ok(AppealRecord {
            id,
            number,
            enterprise_id: new.enterprise_id,
            region_code,
            channel: new.channel,
            title: new.title.trim().to_owned(),
            description: new.description.trim().to_owned(),
            amount: new.amount,
            created_by: created.actor.user_id,
            state,
        })
    }

    /// Applies one action to the appeal as the caller last read it. If someone else moved the appeal since, the write
    /// is refused with `Conflict` and nothing changes: a stale update is never silently applied over a newer one.
    pub async fn apply(&mut self, record: &AppealRecord, actor: Actor, action: Action, at: Timestamp) -> Result<AppealRecord> {
        let event = Event { seq: record.state.version + 1, at, actor, action };
        let state = record.state.apply(&event)?;
        let updated = self.write_state(record.id, record.state.version, &state).await?;
        if !updated {
            let actual: i64 = sqlx::query("SELECT version FROM appeals WHERE id = $1")
                .bind(record.id)
                .fetch_optional(self.conn())
                .await?
                .ok_or(StoreError::NotFound("诉求"))?
                .get("version");
            return Err(StoreError::Conflict {
                expected: record.state.version,
                actual: u32::try_from(actual).unwrap_or(u32::MAX),
            });
        }
        self.insert_event(record.id, &event).await?;
        Ok(AppealRecord { state, ..record.clone() })
    }

    /// Writes the new state and its derived columns if the stored version is still `expected`; false otherwise.
    async fn write_state(&mut self, id: i64, expected: u32, state: &Appeal) -> Result<bool> {
        let update = sqlx::query(sqlx::AssertSqlSafe(UPDATE_APPEAL.as_str()));
        let done = bind_derived(update, state, &self.cal)?.bind(id).bind(i64::from(expected)).execute(self.conn()).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_event(&mut self, appeal_id: i64, event: &Event) -> Result<()> {
        let payload = serde_json::to_string(&event.action).map_err(|e| corrupt("event", e))?;
        sqlx::query(
            "INSERT INTO appeal_events (appeal_id, seq, at, actor_user_id, actor_role, action, payload) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(appeal_id)
        .bind(i64::from(event.seq))
        .bind(to_micros(event.at))
        .bind(event.actor.user_id)
        .bind(event.actor.role.as_str())
        .bind(event.action.kind().as_str())
        .bind(payload)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Recomputes the stored due dates of every appeal with a running clock (after the calendar changed).
    pub(crate) async fn recompute_due_dates(&mut self, cal: &WorkingCalendar) -> Result<u64> {
        self.cal = std::sync::Arc::new(cal.clone());
        let rows = sqlx::query("SELECT id, version, state FROM appeals WHERE acknowledge_due IS NOT NULL AND closed_at IS NULL")
            .fetch_all(self.conn())
            .await?;
        let mut changed = 0;
        for row in rows {
            let state: Appeal =
                serde_json::from_str(&row.get::<String, _>("state")).map_err(|e| corrupt("appeals.state", e))?;
            if self.write_state(row.get("id"), state.version, &state).await? {
                changed += 1;
            }
        }
        Ok(changed)
    }
}

impl Store {
    /// The prefix of appeal numbers in this city (`ZK` for 周口).
    pub async fn appeal_prefix(&self) -> Result<String> {
        Ok(self.meta("appeal_prefix").await?.unwrap_or_else(|| "ZQ".to_owned()))
    }

    pub async fn create_appeal(&self, new: &NewAppeal, actor: Actor, at: Timestamp) -> Result<AppealRecord> {
        let prefix = self.appeal_prefix().await?;
        let mut w = self.writer().await?;
        let record = w.create_appeal(&prefix, new, actor, at).await?;
        w.commit().await?;
        Ok(record)
    }

    pub async fn appeal(&self, id: i64) -> Result<AppealRecord> {
        let row = sqlx::query(
            "SELECT id, number, enterprise_id, region_code, channel, title, description, amount_fen, created_by, \
             state FROM appeals WHERE id = $1",
        )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("诉求"))?;
        record_from_row(&row)
    }

    /// Takes one action on an appeal that the caller saw at `expected_version`, in one transaction.
    pub async fn perform(
        &self,
        id: i64,
        expected_version: u32,
        actor: Actor,
        action: Action,
        at: Timestamp,
    ) -> Result<AppealRecord> {
        let record = self.appeal(id).await?;
        if record.state.version != expected_version {
            return Err(StoreError::Conflict { expected: expected_version, actual: record.state.version });
        }
        let mut w = self.writer().await?;
        let record = w.apply(&record, actor, action, at).await?;
        w.commit().await?;
        Ok(record)
    }

    /// The full history of an appeal, oldest first.
    pub async fn appeal_events(&self, id: i64) -> Result<Vec<Event>> {
        let rows = sqlx::query(
            "SELECT seq, at, actor_user_id, actor_role, payload FROM appeal_events WHERE appeal_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let role: String = row.get("actor_role");
                let payload: String = row.get("payload");
                Ok(Event {
                    seq: u32::try_from(row.get::<i64, _>("seq")).map_err(|e| corrupt("appeal_events.seq", e))?,
                    at: from_micros(row.get("at")).ok_or_else(|| corrupt("appeal_events.at", "out of range"))?,
                    actor: Actor {
                        user_id: row.get("actor_user_id"),
                        role: Role::parse(&role).ok_or_else(|| corrupt("appeal_events.actor_role", &role))?,
                    },
                    action: serde_json::from_str(&payload).map_err(|e| corrupt("appeal_events.payload", e))?,
                })
            })
            .collect()
    }

    /// The most recently changed appeals, newest first: the plain list page.
    pub async fn recent_appeals(&self, limit: i64) -> Result<Vec<AppealSummary>> {
        let rows = sqlx::query(
            "SELECT a.id, a.number, e.name AS enterprise_name, a.title, u.name AS unit_name, a.state \
             FROM appeals a JOIN enterprises e ON e.id = a.enterprise_id LEFT JOIN units u ON u.id = a.unit_id \
             ORDER BY a.updated_at DESC, a.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AppealSummary {
                    id: row.get("id"),
                    number: row.get("number"),
                    enterprise_name: row.get("enterprise_name"),
                    title: row.get("title"),
                    unit_name: row.get("unit_name"),
                    state: serde_json::from_str(&row.get::<String, _>("state")).map_err(|e| corrupt("appeals.state", e))?,
                })
            })
            .collect()
    }

    /// Appeals whose deadline clock runs or whose answer awaits the enterprise: what the escalation job looks at.
    pub async fn open_appeal_ids(&self) -> Result<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT id FROM appeals WHERE status IN ('assigned', 'in_progress', 'reopened', 'answered') ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| r.get("id")).collect())
    }
}
