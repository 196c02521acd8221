//! What the ledger (台账) import and export need from the database: enterprises looked up in bulk by credit code or
//! name, the check that an appeal was already recorded, common issues found by title, and the rows of an export read
//! in pages within the reader's scope. The import's writes themselves are the ordinary `Writer` methods
//! (`insert_enterprise`, `insert_appeal`), run by the caller in one transaction.

use jiff::civil::Date;
use serde_json::json;
use zhuqi_domain::time::{start_of_day, to_micros};
use zhuqi_domain::{Action, Appeal, Fen, RegionCode, Uscc};

use crate::access::Principal;
use crate::catalog::{ENTERPRISE_COLUMNS, enterprise_from_row};
use crate::db::{Row, Tx, Value, params, placeholders};
use crate::engine::parse_state;
use crate::scope::{appeal_scope, enterprise_scope, in_region};
use crate::{EnterpriseRecord, Result, Store, StoreError, Writer, audit};

/// Values bound in one `IN (…)` list: well under SQLite's limit of 32,766 parameters and PostgreSQL's 65,535.
const LOOKUP_CHUNK: usize = 500;

/// An enterprise as an import refers to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseRef {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub region_code: String,
}

/// What makes two appeals the same problem for an import: the same enterprise, registered the same day (Asia/Shanghai),
/// with the same title and description (as stored: trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppealKey {
    pub enterprise_id: i64,
    pub date: Date,
    pub title: String,
    pub description: String,
}

/// Who an export is read for. A signed-in user gets its scope (SPEC §5); the operator at the server's command line
/// holds the database itself, hence everything.
#[derive(Debug, Clone)]
pub enum LedgerReader {
    Operator,
    User(Principal),
}

/// Which records an export holds: a region and everything below it, and registration dates (inclusive).
#[derive(Debug, Clone, Default)]
pub struct LedgerFilter {
    pub region: Option<RegionCode>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// One appeal as a ledger row needs it.
#[derive(Debug, Clone)]
pub struct LedgerAppeal {
    pub id: i64,
    pub number: String,
    pub enterprise_name: String,
    pub uscc: String,
    pub enterprise_region: String,
    pub title: String,
    pub description: String,
    pub amount: Option<Fen>,
    pub unit_name: Option<String>,
    pub common_issue_title: Option<String>,
    pub state: Appeal,
    /// The last answer, reply, withdrawal or invalidity decision: what the ledger's 办理结果 column says.
    pub outcome: Option<Action>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn enterprise_ref(row: &Row) -> Result<EnterpriseRef> {
    Ok(EnterpriseRef { id: row.int(0)?, name: row.text(1)?, uscc: row.text(2)?, region_code: row.text(3)? })
}

/// The enterprises whose `column` is one of `values`, looked up `LOOKUP_CHUNK` at a time.
fn enterprises_where_in(tx: &mut Tx<'_>, column: &str, values: &[String]) -> Result<Vec<EnterpriseRef>> {
    let mut out = Vec::new();
    for chunk in values.chunks(LOOKUP_CHUNK) {
        let sql = format!(
            "SELECT id, name, uscc, region_code FROM enterprises WHERE {column} IN ({}) ORDER BY id",
            placeholders(1, chunk.len())
        );
        let bound: Vec<Value> = chunk.iter().map(Value::from).collect();
        for row in tx.query(&sql, &bound)? {
            out.push(enterprise_ref(&row)?);
        }
    }
    Ok(out)
}

/// The start of `date` and of the day after, in microseconds: the bounds of "registered that day".
fn day_bounds(date: Date) -> Result<(i64, i64)> {
    let start =
        start_of_day(date).ok_or_else(|| StoreError::Invalid(format!("日期超出范围 / date out of range: {date}")))?;
    let next = date.tomorrow().ok().and_then(start_of_day).unwrap_or(start);
    Ok((to_micros(start), to_micros(next)))
}

/// For each key, whether an appeal with it is recorded: a hundred keys to a read (an import checks every row, and
/// on PostgreSQL each read is a round trip). The (enterprise_id, created_at, id) index narrows each key to the
/// enterprise's appeals of that day.
fn recorded(tx: &mut Tx<'_>, keys: &[AppealKey]) -> Result<Vec<bool>> {
    let mut found = vec![false; keys.len()];
    for (chunk_no, chunk) in keys.chunks(KEYS_PER_READ).enumerate() {
        let mut values = Vec::with_capacity(chunk.len() * 6);
        let mut tuples = Vec::with_capacity(chunk.len());
        for (i, key) in chunk.iter().enumerate() {
            let (from, to) = day_bounds(key.date)?;
            let n = values.len();
            tuples.push(format!(
                "(CAST(${} AS BIGINT), CAST(${} AS BIGINT), CAST(${} AS BIGINT), CAST(${} AS TEXT), CAST(${} AS TEXT), \
                 CAST(${} AS BIGINT))",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5,
                n + 6
            ));
            let at = chunk_no * KEYS_PER_READ + i;
            values.extend_from_slice(params![
                key.enterprise_id,
                from,
                to,
                key.title.trim(),
                key.description.trim(),
                i64::try_from(at).unwrap_or(i64::MAX)
            ]);
        }
        let sql = format!(
            "SELECT DISTINCT k.column6 FROM (VALUES {}) AS k JOIN appeals a ON a.enterprise_id = k.column1 \
             AND a.created_at >= k.column2 AND a.created_at < k.column3 AND a.title = k.column4 \
             AND a.description = k.column5",
            tuples.join(", ")
        );
        for row in tx.query(&sql, &values)? {
            if let Some(slot) = usize::try_from(row.int(0)?).ok().and_then(|i| found.get_mut(i)) {
                *slot = true;
            }
        }
    }
    Ok(found)
}

/// Keys of appeals checked per read.
const KEYS_PER_READ: usize = 100;

/// The SQL condition (on `created_at` of `alias`) and values of a filter's dates.
fn date_condition(column: &str, filter: &LedgerFilter, values: &mut Vec<Value>) -> Result<String> {
    let mut parts = Vec::new();
    if let Some(from) = filter.from {
        values.push(day_bounds(from)?.0.into());
        parts.push(format!("{column} >= ${}", values.len()));
    }
    if let Some(to) = filter.to {
        values.push(day_bounds(to)?.1.into());
        parts.push(format!("{column} < ${}", values.len()));
    }
    Ok(if parts.is_empty() { "1 = 1".to_owned() } else { parts.join(" AND ") })
}

/// The condition of an appeal export: the reader's scope, the region, the dates.
fn appeal_condition(reader: &LedgerReader, filter: &LedgerFilter, values: &mut Vec<Value>) -> Result<String> {
    let scope = match reader {
        LedgerReader::Operator => "1 = 1".to_owned(),
        LedgerReader::User(p) => appeal_scope(p, values),
    };
    let region = filter.region.as_ref().map_or_else(|| "1 = 1".to_owned(), |r| in_region("a.region_code", r, values));
    let dates = date_condition("a.created_at", filter, values)?;
    Ok(format!("{scope} AND {region} AND {dates}"))
}

fn enterprise_condition(reader: &LedgerReader, filter: &LedgerFilter, values: &mut Vec<Value>) -> Result<String> {
    let scope = match reader {
        LedgerReader::Operator => "1 = 1".to_owned(),
        LedgerReader::User(p) => enterprise_scope(p, values),
    };
    let region = filter.region.as_ref().map_or_else(|| "1 = 1".to_owned(), |r| in_region("e.region_code", r, values));
    let dates = date_condition("e.created_at", filter, values)?;
    Ok(format!("{scope} AND {region} AND {dates}"))
}

fn ledger_appeal(row: &Row) -> Result<LedgerAppeal> {
    let outcome = row
        .opt_text(11)?
        .map(|payload| serde_json::from_str::<Action>(&payload).map_err(|e| corrupt("appeal_events.payload", e)))
        .transpose()?;
    Ok(LedgerAppeal {
        id: row.int(0)?,
        number: row.text(1)?,
        enterprise_name: row.text(2)?,
        uscc: row.text(3)?,
        enterprise_region: row.text(4)?,
        title: row.text(5)?,
        description: row.text(6)?,
        amount: row.opt_int(7)?.map(Fen::new).transpose().map_err(|e| corrupt("appeals.amount_fen", e))?,
        unit_name: row.opt_text(8)?,
        common_issue_title: row.opt_text(9)?,
        state: parse_state(&row.text(10)?)?,
        outcome,
    })
}

impl Store {
    /// The enterprises registered under any of these credit codes.
    pub async fn enterprises_by_uscc(&self, usccs: Vec<String>) -> Result<Vec<EnterpriseRef>> {
        self.read(move |tx| enterprises_where_in(tx, "uscc", &usccs)).await
    }

    /// The enterprises with any of these names, exactly as registered (names are not unique: a caller must expect
    /// several for one name).
    pub async fn enterprises_by_name(&self, names: Vec<String>) -> Result<Vec<EnterpriseRef>> {
        self.read(move |tx| enterprises_where_in(tx, "name", &names)).await
    }

    /// For each key, whether an appeal with it is recorded already; `progress` hears how many were checked.
    pub async fn appeals_exist(
        &self,
        keys: Vec<AppealKey>,
        progress: impl Fn(usize) + Send + 'static,
    ) -> Result<Vec<bool>> {
        self.read(move |tx| {
            let mut out = Vec::with_capacity(keys.len());
            for chunk in keys.chunks(KEYS_PER_READ * 10) {
                out.extend(recorded(tx, chunk)?);
                progress(out.len());
            }
            Ok(out)
        })
        .await
    }

    /// How many appeals an export with this reader and filter holds.
    pub async fn ledger_appeal_count(&self, reader: LedgerReader, filter: LedgerFilter) -> Result<u64> {
        self.read(move |tx| {
            let mut values = Vec::new();
            let condition = appeal_condition(&reader, &filter, &mut values)?;
            let n = tx.query_one(&format!("SELECT COUNT(*) FROM appeals a WHERE {condition}"), &values)?.int(0)?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
        .await
    }

    /// Up to `limit` appeals of an export after `after` (the `(created_at, id)` of the last row given), oldest
    /// registered first: the order a ledger lists them in and an import numbers them in.
    pub async fn ledger_appeals(
        &self,
        reader: LedgerReader,
        filter: LedgerFilter,
        after: Option<(i64, i64)>,
        limit: usize,
    ) -> Result<Vec<LedgerAppeal>> {
        self.read(move |tx| {
            let mut values = Vec::new();
            let condition = appeal_condition(&reader, &filter, &mut values)?;
            let (at, id) = after.unwrap_or((i64::MIN, i64::MIN));
            values.extend([at.into(), id.into(), i64::try_from(limit).unwrap_or(i64::MAX).into()]);
            let n = values.len();
            let sql = format!(
                "SELECT a.id, a.number, e.name, e.uscc, e.region_code, a.title, a.description, a.amount_fen, u.name, \
                 ci.title, a.state, \
                 (SELECT ev.payload FROM appeal_events ev WHERE ev.appeal_id = a.id \
                  AND ev.action IN ('answer', 'reply', 'withdraw', 'reject_invalid') ORDER BY ev.seq DESC LIMIT 1) \
                 FROM appeals a JOIN enterprises e ON e.id = a.enterprise_id \
                 LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN common_issues ci ON ci.id = a.common_issue_id \
                 WHERE {condition} AND (a.created_at, a.id) > (${}, ${}) ORDER BY a.created_at, a.id LIMIT ${n}",
                n - 2,
                n - 1
            );
            tx.query(&sql, &values)?.iter().map(ledger_appeal).collect()
        })
        .await
    }

    pub async fn ledger_enterprise_count(&self, reader: LedgerReader, filter: LedgerFilter) -> Result<u64> {
        self.read(move |tx| {
            let mut values = Vec::new();
            let condition = enterprise_condition(&reader, &filter, &mut values)?;
            let n = tx.query_one(&format!("SELECT COUNT(*) FROM enterprises e WHERE {condition}"), &values)?.int(0)?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
        .await
    }

    /// Up to `limit` enterprises of an export with ids above `after`, by id (the order they were registered in).
    pub async fn ledger_enterprises(
        &self,
        reader: LedgerReader,
        filter: LedgerFilter,
        after: i64,
        limit: usize,
    ) -> Result<Vec<EnterpriseRecord>> {
        self.read(move |tx| {
            let mut values = Vec::new();
            let condition = enterprise_condition(&reader, &filter, &mut values)?;
            values.extend([after.into(), i64::try_from(limit).unwrap_or(i64::MAX).into()]);
            let n = values.len();
            let sql = format!(
                "SELECT {ENTERPRISE_COLUMNS} FROM enterprises e WHERE {condition} AND e.id > ${} ORDER BY e.id LIMIT ${n}",
                n - 1
            );
            tx.query(&sql, &values)?.iter().map(enterprise_from_row).collect()
        })
        .await
    }
}

impl Writer<'_> {
    /// Inside a bulk load on PostgreSQL, has the planner count the appeals' tables again, rows of this transaction
    /// included, when `written` reaches 500, 1,000, 2,000, 4,000, …: each foreign key is checked with a plan made
    /// from the table's statistics, and a table last counted (nearly) empty is read whole for every row checked — an
    /// import of 20,000 rows into a new city ran at 300 rows a second. Nothing on SQLite.
    pub fn recount_while_loading(&mut self, written: usize) -> Result<()> {
        let doubled = written.is_multiple_of(500) && (written / 500).is_power_of_two();
        if let (true, crate::db::Tx::Postgres(_)) = (doubled, &self.tx) {
            self.tx.batch("ANALYZE appeals, appeal_events, appeal_co_units")?;
        }
        Ok(())
    }

    /// The first of these keys an appeal is recorded with: checked again inside the import's transaction, so that an
    /// appeal recorded since the import's own check is refused rather than written twice.
    pub fn first_recorded(&mut self, keys: &[AppealKey]) -> Result<Option<usize>> {
        Ok(recorded(&mut self.tx, keys)?.iter().position(|found| *found))
    }

    /// Whether an enterprise with this credit code is registered.
    pub fn uscc_registered(&mut self, uscc: &Uscc) -> Result<bool> {
        Ok(self.tx.query_opt("SELECT 1 FROM enterprises WHERE uscc = $1", params![uscc.as_str()])?.is_some())
    }

    /// The common issue with this title (the oldest, if several), created with `category` at `at` when there is none.
    pub fn common_issue_by_title(&mut self, title: &str, category: &str, at: jiff::Timestamp) -> Result<i64> {
        let found = self
            .tx
            .query_opt("SELECT id FROM common_issues WHERE title = $1 ORDER BY id LIMIT 1", params![title.trim()])?;
        match found {
            Some(row) => row.int(0),
            None => self.insert_common_issue(title, category, at),
        }
    }

    /// Chains the audit records gathered so far, as `insert_appeal` does by itself: a bulk import of enterprises
    /// then never holds a record per row in memory until its commit.
    pub fn flush_audit(&mut self) -> Result<()> {
        if self.audit.len() >= 1024 {
            self.append_audit()?;
        }
        Ok(())
    }

    /// The import as a whole, in the audit log beside the record of each row it wrote.
    pub fn record_import(&mut self, kind: &str, file: &str, rows: usize) {
        let after = json!({"file": file, "rows": rows});
        self.audit(&format!("ledger.import.{kind}"), format!("ledger:{file}"), None, audit::json(&after));
    }
}
