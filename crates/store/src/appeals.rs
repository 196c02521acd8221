//! Appeals: created with their first event, moved by one event per transaction with an optimistic version check.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;
use zhuqi_domain::time::{local_date, stored_precision, to_micros};
use zhuqi_domain::{Action, Actor, Appeal, AppealNumber, Channel, Event, Fen, RegionCode, WorkingCalendar};

use crate::audit;
use crate::db::{Row, Tx, Value, params};
use crate::engine::{APPEALS, NewItem, date_text, load_item_events, parse_state, replay};
use crate::{Origin, Result, Store, StoreError, Writer};

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

/// A row of an appeal list.
#[derive(Debug, Clone)]
pub struct AppealSummary {
    pub id: i64,
    pub number: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub region_code: String,
    pub title: String,
    pub unit_name: Option<String>,
    pub state: Appeal,
}

/// The columns `summary_from_row` reads, from `appeals a`, `enterprises e` and `units u`.
pub(crate) const SUMMARY_COLUMNS: &str =
    "a.id, a.number, a.enterprise_id, e.name, a.region_code, a.title, u.name, a.state";

pub(crate) fn summary_from_row(row: &Row) -> Result<AppealSummary> {
    Ok(AppealSummary {
        id: row.int(0)?,
        number: row.text(1)?,
        enterprise_id: row.int(2)?,
        enterprise_name: row.text(3)?,
        region_code: row.text(4)?,
        title: row.text(5)?,
        unit_name: row.opt_text(6)?,
        state: parse_state(&row.text(7)?)?,
    })
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// A new appeal's own fields: a title and a description within their lengths.
pub(crate) fn check_new(new: &NewAppeal) -> Result<()> {
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

fn record_from_row(row: &Row) -> Result<AppealRecord> {
    let number = row.text(1)?;
    let region = row.text(3)?;
    let channel = row.text(4)?;
    Ok(AppealRecord {
        id: row.int(0)?,
        number: AppealNumber::parse(&number).map_err(|e| corrupt("appeals.number", e))?,
        enterprise_id: row.int(2)?,
        region_code: RegionCode::parse(&region).map_err(|e| corrupt("appeals.region_code", e))?,
        channel: Channel::parse(&channel).ok_or_else(|| corrupt("appeals.channel", &channel))?,
        title: row.text(5)?,
        description: row.text(6)?,
        amount: row.opt_int(7)?.map(Fen::new).transpose().map_err(|e| corrupt("appeals.amount_fen", e))?,
        created_by: row.opt_int(8)?,
        state: parse_state(&row.text(9)?)?,
    })
}

pub(crate) fn load_record(tx: &mut Tx<'_>, id: i64) -> Result<AppealRecord> {
    let row = tx
        .query_opt(
            "SELECT id, number, enterprise_id, region_code, channel, title, description, amount_fen, created_by, state \
             FROM appeals WHERE id = $1",
            params![id],
        )?
        .ok_or(StoreError::NotFound("诉求"))?;
    record_from_row(&row)
}

impl Writer<'_> {
    /// Records a new appeal with its `Create` event and a fresh number (`ZK-2026-000123`) of the year it is raised.
    pub fn create_appeal(
        &mut self,
        prefix: &str,
        new: &NewAppeal,
        actor: Actor,
        at: Timestamp,
    ) -> Result<AppealRecord> {
        let create = Action::Create { category: new.category.clone(), draft: new.draft };
        self.insert_appeal(prefix, new, &[Event { seq: 1, at: stored_precision(at), actor, action: create }])
    }

    /// Records an appeal with a whole history at once (the demo, a ledger import). The history must start with the
    /// `Create` event of `new` and replay through the state machine; otherwise nothing is written.
    pub fn insert_appeal(&mut self, prefix: &str, new: &NewAppeal, history: &[Event]) -> Result<AppealRecord> {
        let (history, state) = checked(new, history)?;
        let region = self
            .tx
            .query_opt("SELECT region_code FROM enterprises WHERE id = $1", params![new.enterprise_id])?
            .ok_or(StoreError::NotFound("企业"))?
            .text(0)?;
        let region_code = RegionCode::parse(&region).map_err(|e| corrupt("enterprises.region_code", e))?;
        let number = self.next_number(prefix, local_date(history[0].at).year())?;
        let id = self.insert_item(&APPEALS, &own_columns(&number, new, &region_code, &history), &history, &state)?;
        self.created(id, number, new, region_code, &history, state)
    }

    /// `insert_appeal` for many appeals, in order. On PostgreSQL in a few statements for many (a bulk load pays a
    /// round trip per statement): the enterprises' regions in one read, each year's numbers in one, the rows and
    /// events a hundred to an INSERT. The appeals get the numbers and ids one `insert_appeal` each would give them.
    pub fn insert_appeals(&mut self, prefix: &str, appeals: &[(NewAppeal, Vec<Event>)]) -> Result<Vec<AppealRecord>> {
        if !matches!(self.tx, Tx::Postgres(_)) {
            // SQLite runs in the process: a statement costs no round trip.
            return appeals.iter().map(|(new, history)| self.insert_appeal(prefix, new, history)).collect();
        }
        let checked: Vec<(Vec<Event>, Appeal)> =
            appeals.iter().map(|(new, history)| checked(new, history)).collect::<Result<_>>()?;
        let regions = self.regions_of(appeals.iter().map(|(new, _)| new.enterprise_id))?;
        let mut numbers = Vec::with_capacity(appeals.len());
        let years: Vec<i16> = checked.iter().map(|(history, _)| local_date(history[0].at).year()).collect();
        for (year, count) in runs(&years) {
            numbers.extend(self.next_numbers(prefix, year, count)?);
        }
        let mut own = Vec::with_capacity(appeals.len());
        for (((new, _), (history, _)), number) in appeals.iter().zip(&checked).zip(&numbers) {
            let region = regions.get(&new.enterprise_id).ok_or(StoreError::NotFound("企业"))?;
            own.push(own_columns(number, new, region, history));
        }
        let items: Vec<NewItem<'_>> =
            own.into_iter().zip(&checked).map(|(own, (history, state))| NewItem { own, history, state }).collect();
        let ids = self.insert_items(&APPEALS, &items)?;
        let mut records = Vec::with_capacity(appeals.len());
        for ((((new, _), (history, state)), number), id) in appeals.iter().zip(checked).zip(numbers).zip(ids) {
            let region = regions[&new.enterprise_id].clone();
            records.push(self.created(id, number, new, region, &history, state)?);
        }
        Ok(records)
    }

    /// The audit record of an appeal just inserted, and the appeal as stored.
    fn created(
        &mut self,
        id: i64,
        number: AppealNumber,
        new: &NewAppeal,
        region_code: RegionCode,
        history: &[Event],
        state: Appeal,
    ) -> Result<AppealRecord> {
        let after = serde_json::json!({"number": number.to_string(), "enterprise_id": new.enterprise_id,
            "title": new.title.trim(), "status": state.status, "events": history.len()});
        self.audit("appeal.create", format!("appeal:{id}"), None, audit::json(&after));
        // A bulk load (demo, ledger import) writes many appeals in one transaction: chain their records as it goes
        // rather than holding them all in memory until the commit.
        if self.audit.len() >= 1024 {
            self.append_audit()?;
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
            created_by: history.first().and_then(|e| e.actor.user_id),
            state,
        })
    }

    /// The regions of these enterprises, in reads of a hundred.
    fn regions_of(&mut self, enterprises: impl Iterator<Item = i64>) -> Result<HashMap<i64, RegionCode>> {
        let ids: BTreeSet<i64> = enterprises.collect();
        let ids: Vec<i64> = ids.into_iter().collect();
        let mut regions = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(100) {
            let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let values: Vec<Value> = chunk.iter().map(|id| Value::from(*id)).collect();
            let sql = format!("SELECT id, region_code FROM enterprises WHERE id IN ({})", params.join(", "));
            for row in self.tx.query(&sql, &values)? {
                let code = row.text(1)?;
                regions
                    .insert(row.int(0)?, RegionCode::parse(&code).map_err(|e| corrupt("enterprises.region_code", e))?);
            }
        }
        Ok(regions)
    }

    /// The next number of `year` under `prefix` (ZK-2026-000123, and the tasks' and cases' numbers).
    ///
    /// SQLite: a counter row per prefix and year (SQLite has one writer anyway). PostgreSQL: a sequence per prefix and
    /// year, made on the year's first number: a counter row would hold every other write of the province in line
    /// until this one commits. A sequence never goes back, so a transaction that fails after taking its number
    /// leaves that number unused: numbers rise with time and are never given twice, but may skip one.
    pub(crate) fn next_number(&mut self, prefix: &str, year: i16) -> Result<AppealNumber> {
        // Checked first: the prefix names the sequence.
        AppealNumber::new(prefix, year, 1).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let seq = if let Tx::Postgres(_) = self.tx {
            self.next_from_sequence(prefix, year)?
        } else {
            self.tx
                .query_one(
                    "INSERT INTO appeal_counters (prefix, year, last_seq) VALUES ($1, $2, 1) ON CONFLICT (prefix, year) \
                     DO UPDATE SET last_seq = appeal_counters.last_seq + 1 RETURNING last_seq",
                    params![prefix, year],
                )?
                .int(0)?
        };
        let seq = u32::try_from(seq).map_err(|e| corrupt("item number", e))?;
        AppealNumber::new(prefix, year, seq).map_err(|e| StoreError::Invalid(e.to_string()))
    }

    /// `count` numbers of `year` under `prefix`, rising, as `count` calls of `next_number` would give them.
    fn next_numbers(&mut self, prefix: &str, year: i16, count: usize) -> Result<Vec<AppealNumber>> {
        let mut numbers = Vec::with_capacity(count);
        if count == 0 {
            return Ok(numbers);
        }
        let first = self.next_number(prefix, year)?;
        numbers.push(first);
        if count > 1 {
            let name = number_sequence(prefix, year);
            let more = i64::try_from(count).unwrap_or(i64::MAX);
            let rows = self
                .tx
                .query("SELECT nextval(to_regclass($1)) FROM generate_series(2, $2)", params![name.as_str(), more])?;
            for row in rows {
                let seq = u32::try_from(row.int(0)?).map_err(|e| corrupt("item number", e))?;
                numbers.push(AppealNumber::new(prefix, year, seq).map_err(|e| StoreError::Invalid(e.to_string()))?);
            }
        }
        Ok(numbers)
    }

    fn next_from_sequence(&mut self, prefix: &str, year: i16) -> Result<i64> {
        let name = number_sequence(prefix, year);
        // NULL while the sequence does not exist (nextval is strict): one round trip either way.
        let next = "SELECT nextval(to_regclass($1))";
        if let Some(seq) = self.tx.query_one(next, params![name.as_str()])?.opt_int(0)? {
            return Ok(seq);
        }
        // The year's first number: one transaction at a time makes the sequence (the others wait here, then find it
        // made); it starts after the numbers the counter row gave before sequences were used.
        self.tx.execute("SELECT pg_advisory_xact_lock(20261204, hashtext($1))", params![name.as_str()])?;
        let start = self
            .tx
            .query_one(
                "SELECT CAST(COALESCE(MAX(last_seq), 0) + 1 AS BIGINT) FROM appeal_counters \
                 WHERE prefix = $1 AND year = $2",
                params![prefix, year],
            )?
            .int(0)?;
        self.tx.batch(&format!("CREATE SEQUENCE IF NOT EXISTS {name} START WITH {start}"))?;
        self.tx.query_one(next, params![name.as_str()])?.int(0)
    }

    /// Applies one action to the appeal as the caller last read it. If someone else moved the appeal since, the write
    /// is refused with `Conflict` and nothing changes: a stale update is never silently applied over a newer one.
    pub fn apply(
        &mut self,
        record: &AppealRecord,
        actor: Actor,
        action: Action,
        at: Timestamp,
    ) -> Result<AppealRecord> {
        let state = self.apply_item(&APPEALS, record.id, &record.state, actor, action, at)?;
        Ok(AppealRecord { state, ..record.clone() })
    }

    /// Recomputes the stored due dates of every appeal with a running clock, and their lights and overdue days to
    /// come (`facts::outlook`), after the calendar changed from `before`.
    pub(crate) fn recompute_due_dates(&mut self, before: &WorkingCalendar) -> Result<u64> {
        let rows = self.tx.query(
            "SELECT id, acknowledge_due, reply_due, resolve_due, feedback_due, state, region_code FROM appeals \
             WHERE acknowledge_due IS NOT NULL AND closed_at IS NULL",
            &[],
        )?;
        let today = zhuqi_domain::time::today();
        let mut changed = 0;
        for row in rows {
            let state = parse_state(&row.text(5)?)?;
            self.facts.outlook_recounted(row.int(0)?, &row.text(6)?, &state, before, &self.cal, today);
            let due = state.deadlines(&self.cal, local_date(state.updated_at));
            let fresh =
                [due.map(|d| d.acknowledge), due.map(|d| d.reply), due.map(|d| d.resolve), due.map(|d| d.feedback)];
            let stored = [row.opt_text(1)?, row.opt_text(2)?, row.opt_text(3)?, row.opt_text(4)?];
            if fresh.iter().map(|d| d.map(|d| d.to_string())).ne(stored) {
                self.tx.execute(
                    "UPDATE appeals SET acknowledge_due = $1, reply_due = $2, resolve_due = $3, feedback_due = $4 \
                     WHERE id = $5",
                    &[
                        date_text(fresh[0]),
                        date_text(fresh[1]),
                        date_text(fresh[2]),
                        date_text(fresh[3]),
                        row.int(0)?.into(),
                    ],
                )?;
                changed += 1;
            }
        }
        Ok(changed)
    }

    /// Fills the columns migration 0006 added for the rows written before it, from each appeal's history, once: the
    /// migration leaves a `backfill_figures` mark in `zhuqi_meta`, removed in the same transaction as the last row.
    pub(crate) fn backfill_figures(&mut self) -> Result<u64> {
        if self.tx.query_opt("SELECT 1 FROM zhuqi_meta WHERE key = 'backfill_figures'", &[])?.is_none() {
            return Ok(0);
        }
        let ids = self.tx.query("SELECT id FROM appeals WHERE resolved = 1 OR reopen_count > 0", &[])?;
        for row in &ids {
            let id = row.int(0)?;
            let events = load_item_events(&mut self.tx, &APPEALS, id)?;
            let state = Appeal::replay(&events)?.ok_or_else(|| corrupt("appeal_events", "no events"))?;
            let json = serde_json::to_string(&state).map_err(|e| corrupt("state", e))?;
            self.tx.execute(
                "UPDATE appeals SET on_time = $1, work_days = $2, first_reopened_at = $3, state = $4 WHERE id = $5",
                &[
                    state.resolved_on_time(&self.cal).into(),
                    state.resolution_working_days(&self.cal).into(),
                    state.first_reopened_at.map(to_micros).into(),
                    json.into(),
                    id.into(),
                ],
            )?;
        }
        self.tx.execute("DELETE FROM zhuqi_meta WHERE key = 'backfill_figures'", &[])?;
        // The rows' facts changed under the figures' sums: count them again.
        self.tx.execute(
            "INSERT INTO zhuqi_meta (key, value) VALUES ('rebuild_appeal_facts', 'pending') ON CONFLICT (key) DO NOTHING",
            &[],
        )?;
        Ok(ids.len() as u64)
    }

    /// Counts every appeal's facts again if a migration or a fill asked for it (`facts::rebuild`).
    pub(crate) fn rebuild_facts_if_pending(&mut self) -> Result<u64> {
        if self.tx.query_opt("SELECT 1 FROM zhuqi_meta WHERE key = 'rebuild_appeal_facts'", &[])?.is_none() {
            return Ok(0);
        }
        // Once, after an upgrade: minutes per million appeals, before the program serves. (A new database is asked
        // too, by its migrations, and has nothing to count or to say.)
        let any = self.tx.query_opt("SELECT id FROM appeals LIMIT 1", &[])?.is_some();
        if any {
            tracing::info!(
                "统计底数与超期时段按办理记录重新汇总中 / counting the figures' sums and overdue spans again"
            );
        }
        let started = std::time::Instant::now();
        let counted = crate::facts::rebuild(&mut self.tx, &self.cal)?;
        if any {
            tracing::info!(counted, elapsed = ?started.elapsed(), "统计底数已重新汇总 / sums counted again");
        }
        Ok(counted)
    }

    /// The appeal as stored now, inside this transaction.
    pub fn appeal(&mut self, id: i64) -> Result<AppealRecord> {
        load_record(&mut self.tx, id)
    }
}

impl Store {
    /// Runs the one-time fills of migrations 0006 and 0027 if they are pending (`Writer::backfill_figures`,
    /// `facts::rebuild`).
    pub(crate) async fn backfill_figures(&self) -> Result<()> {
        self.transaction(Origin::system("migration"), |w| w.backfill_figures()).await?;
        let rebuilt = self.transaction(Origin::system("migration"), |w| w.rebuild_facts_if_pending()).await?;
        self.fold_fact_shards().await?;
        if rebuilt > 0 {
            // Every sum was deleted and written again: on PostgreSQL, rewritten in key order (as `rebuild_figures`).
            self.refresh_statistics().await?;
        }
        Ok(())
    }

    /// The prefix of appeal numbers in this city (`ZK` for 周口).
    pub async fn appeal_prefix(&self) -> Result<String> {
        self.read(appeal_prefix).await
    }

    /// Records an appeal without any scope check: for the program itself and the command line (an API request goes
    /// through `create_appeal_as`).
    pub async fn create_appeal(
        &self,
        origin: Origin,
        new: NewAppeal,
        actor: Actor,
        at: Timestamp,
    ) -> Result<AppealRecord> {
        self.transaction(origin, move |w| {
            let prefix = appeal_prefix(&mut w.tx)?;
            w.create_appeal(&prefix, &new, actor, at)
        })
        .await
    }

    pub async fn appeal(&self, id: i64) -> Result<AppealRecord> {
        self.read(move |tx| load_record(tx, id)).await
    }

    /// Takes one action on an appeal that the caller saw at `expected_version`: read, decide and write in one
    /// transaction. No scope check: for the program's own steps (escalation) and tests; users go through `act`.
    pub async fn perform(
        &self,
        origin: Origin,
        id: i64,
        expected_version: u32,
        actor: Actor,
        action: Action,
        at: Timestamp,
    ) -> Result<AppealRecord> {
        self.transaction(origin, move |w| {
            let record = w.appeal(id)?;
            if record.state.version != expected_version {
                return Err(StoreError::Conflict { expected: expected_version, actual: record.state.version });
            }
            w.apply(&record, actor, action, at)
        })
        .await
    }

    /// The full history of an appeal, oldest first.
    pub async fn appeal_events(&self, id: i64) -> Result<Vec<Event>> {
        self.read(move |tx| load_item_events(tx, &APPEALS, id)).await
    }

    /// The newest appeals first: the plain list page.
    pub async fn recent_appeals(&self, limit: i64) -> Result<Vec<AppealSummary>> {
        self.read(move |tx| {
            tx.query(
                &format!(
                    "SELECT {SUMMARY_COLUMNS} FROM appeals a JOIN enterprises e ON e.id = a.enterprise_id \
                     LEFT JOIN units u ON u.id = a.unit_id ORDER BY a.id DESC LIMIT $1"
                ),
                params![limit],
            )?
            .iter()
            .map(summary_from_row)
            .collect()
        })
        .await
    }
}

/// The prefix of appeal numbers in this city (`ZK` for 周口), read in the transaction that numbers an appeal.
pub(crate) fn appeal_prefix(tx: &mut Tx<'_>) -> Result<String> {
    let row = tx.query_opt("SELECT value FROM zhuqi_meta WHERE key = 'appeal_prefix'", &[])?;
    Ok(row.map(|r| r.text(0)).transpose()?.unwrap_or_else(|| "ZQ".to_owned()))
}

/// A new appeal's history as stored (times to the stored precision) and the state it replays to. It must start with
/// the `Create` event of `new`.
fn checked(new: &NewAppeal, history: &[Event]) -> Result<(Vec<Event>, Appeal)> {
    check_new(new)?;
    let history: Vec<Event> = history.iter().map(|e| Event { at: stored_precision(e.at), ..e.clone() }).collect();
    let created = history.first().ok_or_else(|| StoreError::Invalid("诉求没有任何记录 / empty history".into()))?;
    if created.action != (Action::Create { category: new.category.clone(), draft: new.draft }) {
        return Err(StoreError::Invalid("诉求的第一步必须是登记 / history must start with its create event".into()));
    }
    let state = replay(&APPEALS, &history)?;
    Ok((history, state))
}

/// The columns of `appeals` that are the appeal's own, not the engine's.
fn own_columns(
    number: &AppealNumber,
    new: &NewAppeal,
    region: &RegionCode,
    history: &[Event],
) -> Vec<(&'static str, Value)> {
    vec![
        ("number", number.to_string().into()),
        ("enterprise_id", new.enterprise_id.into()),
        ("region_code", region.as_str().into()),
        ("channel", new.channel.as_str().into()),
        ("title", new.title.trim().into()),
        ("description", new.description.trim().into()),
        ("amount_fen", new.amount.map(|a| a.fen()).into()),
        ("created_by", history.first().and_then(|e| e.actor.user_id).into()),
    ]
}

/// Consecutive equal values and how many times each runs: the years of appeals in order.
fn runs(values: &[i16]) -> Vec<(i16, usize)> {
    let mut runs: Vec<(i16, usize)> = Vec::new();
    for v in values {
        match runs.last_mut() {
            Some((last, n)) if last == v => *n += 1,
            _ => runs.push((*v, 1)),
        }
    }
    runs
}

/// The PostgreSQL sequence of the numbers of `year` under `prefix`.
fn number_sequence(prefix: &str, year: i16) -> String {
    format!("item_numbers_{}_{}", prefix.to_ascii_lowercase(), year)
}
