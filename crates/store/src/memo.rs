//! Reads kept while the data they were read from is unchanged (issue 17: ten leaders opening the dashboard at once).
//!
//! A result is kept with the data version it was read at (`Store::data_version`) and given again only while the
//! version is the same: no commit in between, so nothing it counted can have changed. The version is read before
//! and after the computation; a result whose reads saw a commit is given to those who waited for it but not kept.
//!
//! Callers asking for the same key at once wait for one computation instead of running ten: a caller that arrived
//! before a computation began takes its result (all its reads were made after the caller asked, so it is as fresh
//! as one the caller would have made itself).

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::{Result, Store, StoreError};

/// At most this many keys are kept (a city has a few dozen views of its dashboard: one per region and role).
const MAX_KEPT: usize = 64;

type Value = Arc<dyn Any + Send + Sync>;

/// The results kept, by key.
#[derive(Default)]
pub(crate) struct Memo {
    slots: Mutex<HashMap<String, Arc<Slot>>>,
}

#[derive(Default)]
struct Slot {
    last_used: Mutex<Option<Instant>>,
    /// Held while the value is computed: the callers of the same key wait here.
    kept: tokio::sync::Mutex<Option<Kept>>,
}

struct Kept {
    /// When its computation began.
    began: Instant,
    /// The version all its reads saw; `None` if a commit came while it was read.
    version: Option<String>,
    value: Value,
}

impl Memo {
    fn slot(&self, key: &str) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !slots.contains_key(key) && slots.len() >= MAX_KEPT {
            // The key used longest ago makes room.
            let oldest = slots
                .iter()
                .min_by_key(|(_, s)| *s.last_used.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                slots.remove(&oldest);
            }
        }
        let slot = Arc::clone(slots.entry(key.to_owned()).or_default());
        *slot.last_used.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Instant::now());
        slot
    }
}

impl Store {
    /// Names the data as it stands: equal versions read equal data. SQLite counts the writer's commits
    /// (`data_version`, migration 0031); PostgreSQL names the transactions a snapshot sees (`pg_current_snapshot`,
    /// which changes whenever a transaction takes an id or ends, so two equal ones see the same commits). The
    /// snapshot is the server's, not the database's: a busy neighbouring database costs kept results, never
    /// exactness. Writes made outside zhuqi (SQLite) are seen from zhuqi's next commit on.
    pub async fn data_version(&self) -> Result<String> {
        self.read(|tx| {
            let sql = match tx {
                crate::db::Tx::Postgres(_) => "SELECT CAST(pg_current_snapshot() AS TEXT)",
                _ => "SELECT CAST(commits AS TEXT) FROM data_version",
            };
            tx.query_one(sql, &[])?.text(0)
        })
        .await
    }

    /// The value of `compute` for `key`, computed again only when the data has changed since it was last computed
    /// (see the module). `key` must name everything the value depends on besides the data: whose view, which day.
    pub async fn memoized<T, E, F, Fut>(&self, key: &str, compute: F) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        E: From<StoreError>,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let asked = Instant::now();
        let slot = self.memo.slot(key);
        let mut kept = slot.kept.lock().await;
        let version = self.data_version().await?;
        if let Some(k) = kept.as_ref()
            && (k.began >= asked || k.version.as_deref() == Some(version.as_str()))
            && let Ok(value) = Arc::clone(&k.value).downcast::<T>()
        {
            return Ok(value);
        }
        let began = Instant::now();
        let value = Arc::new(compute().await?);
        let after = self.data_version().await?;
        *kept = Some(Kept { began, version: (after == version).then_some(version), value: value.clone() });
        Ok(value)
    }
}

/// Counts a commit of the SQLite writer (once per group of writes committed together).
pub(crate) fn count_commit(conn: &rusqlite::Transaction<'_>) -> Result<()> {
    conn.execute("UPDATE data_version SET commits = commits + 1", [])?;
    Ok(())
}
