//! The write side: a `Writer` is one open write transaction, handed to the closure given to `Store::transaction`.

use std::sync::Arc;

use zhuqi_domain::WorkingCalendar;

use crate::Result;
use crate::audit::{Entry, Origin};
use crate::db::{Tx, params};

pub struct Writer<'t> {
    pub(crate) tx: Tx<'t>,
    /// The calendar the due dates written in this transaction are computed with.
    pub(crate) cal: Arc<WorkingCalendar>,
    /// Who writes: named in every audit record of this transaction.
    pub(crate) origin: Origin,
    /// The audit records of this transaction, appended to the chain when it commits.
    pub(crate) audit: Vec<Entry>,
    /// The changes to the figures' sums this transaction made, written just before it commits (`facts`).
    pub(crate) facts: crate::facts::Deltas,
}

impl Writer<'_> {
    /// Sets a setting in `zhuqi_meta` (e.g. the appeal number prefix of the city).
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO zhuqi_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        self.audit("meta.set", format!("meta:{key}"), None, Some(value.to_owned()));
        Ok(())
    }
}
