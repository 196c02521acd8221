//! One write transaction. Everything that changes the database goes through a `Writer`, so that a request, an
//! import or the demo either lands whole or leaves no trace.

use std::sync::Arc;

use sqlx::{Any, AnyConnection, Transaction};
use zhuqi_domain::WorkingCalendar;

use crate::{Result, Store};

pub struct Writer {
    tx: Transaction<'static, Any>,
    /// The calendar the due dates written in this transaction are computed with.
    pub(crate) cal: Arc<WorkingCalendar>,
}

impl Store {
    pub async fn writer(&self) -> Result<Writer> {
        Ok(Writer { tx: self.pool.begin().await?, cal: self.calendar() })
    }
}

impl Writer {
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Sets a setting in `zhuqi_meta` (e.g. the appeal number prefix of the city).
    pub async fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        sqlx::query("INSERT INTO zhuqi_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
