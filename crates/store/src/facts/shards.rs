//! The sums' shards on PostgreSQL (migration 0029). A transaction adds its facts to rows of its own shard, the
//! writing connection's server process id: two transactions at once never wait on each other's sums, however many
//! appeals one region and category receive in a day. Every few seconds the server folds those rows into shard 0, so
//! that a figure reads about as many rows as it would without shards. A read sums over the shards: its figure is the
//! same before a fold and after it.

use crate::db::Tx;
use crate::{Origin, Result, Store};

use super::{COUNTERS, KEY_COLUMNS};

/// The shard a PostgreSQL transaction writes its sums to, as SQL: its connection's server process, which no other
/// live connection has.
pub(super) const THIS_CONNECTION: &str = "pg_backend_pid()";

/// Rows folded per transaction: a fold never holds many locks or a long transaction.
const FOLD_ROWS: i64 = 10_000;

impl Store {
    /// Folds the sums written to connection shards into shard 0; how many rows were folded. Rows a transaction is
    /// writing right now are left for the next fold (they are locked: skipped, never waited for, so a fold never
    /// stands in a write's way). One instance folds at a time; on SQLite there is nothing to fold.
    pub async fn fold_fact_shards(&self) -> Result<u64> {
        if self.backend() != crate::Backend::Postgres {
            return Ok(0);
        }
        let mut folded = 0;
        loop {
            let slice = self.transaction(Origin::system("scheduler"), |w| fold(&mut w.tx)).await?;
            folded += slice;
            if slice < FOLD_ROWS as u64 {
                return Ok(folded);
            }
        }
    }
}

fn fold(tx: &mut Tx<'_>) -> Result<u64> {
    // Two folds adding to the same shard-0 rows in different orders could deadlock: the second instance waits for
    // the next round instead.
    if tx.query_one("SELECT CASE WHEN pg_try_advisory_xact_lock(20261205) THEN 1 ELSE 0 END", &[])?.int(0)? == 0 {
        return Ok(0);
    }
    let counters = COUNTERS.join(", ");
    let sums: Vec<String> = COUNTERS.iter().map(|c| format!("SUM({c})")).collect();
    let add: Vec<String> = COUNTERS.iter().map(|c| format!("{c} = appeal_facts.{c} + excluded.{c}")).collect();
    let folded = tx.query_one(
        &format!(
            "WITH moved AS (
                 DELETE FROM appeal_facts WHERE ctid IN (
                     SELECT ctid FROM appeal_facts WHERE shard <> 0 LIMIT $1 FOR UPDATE SKIP LOCKED)
                 RETURNING *),
             added AS (
                 INSERT INTO appeal_facts (shard, period, {KEY_COLUMNS}, {counters})
                 SELECT 0, period, {KEY_COLUMNS}, {} FROM moved GROUP BY period, {KEY_COLUMNS}
                 ON CONFLICT (period, {KEY_COLUMNS}, shard) DO UPDATE SET {})
             SELECT COUNT(*) FROM moved",
            sums.join(", "),
            add.join(", ")
        ),
        &[FOLD_ROWS.into()],
    )?;
    Ok(u64::try_from(folded.int(0)?).unwrap_or(0))
}
