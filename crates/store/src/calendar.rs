//! The working-day calendar as data in the database: the shipped years are inserted on first start, an admin may load
//! more, and every open appeal's stored due dates are recomputed when the calendar changes.

use std::sync::Arc;

use sqlx::Row;
use zhuqi_domain::{CalendarYear, WorkingCalendar};

use crate::{Result, Store, StoreError};

impl Store {
    /// Inserts the shipped years that the database does not have yet (an admin's own data for a year wins).
    pub(crate) async fn ensure_official_calendar(&self) -> Result<()> {
        let now = zhuqi_domain::time::to_micros(jiff::Timestamp::now());
        for year in CalendarYear::official() {
            let data = serde_json::to_string(&year).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query("INSERT INTO calendar_years (year, data, loaded_at) VALUES ($1, $2, $3) ON CONFLICT (year) DO NOTHING")
                .bind(i64::from(year.year))
                .bind(data)
                .bind(now)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    pub(crate) async fn reload_calendar(&self) -> Result<()> {
        let years = self.calendar_years().await?;
        let cal = Arc::new(WorkingCalendar::new(&years));
        match self.calendar.write() {
            Ok(mut slot) => *slot = cal,
            Err(poisoned) => *poisoned.into_inner() = cal,
        }
        Ok(())
    }

    pub async fn calendar_years(&self) -> Result<Vec<CalendarYear>> {
        let rows = sqlx::query("SELECT data FROM calendar_years ORDER BY year").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let data: String = r.get("data");
                serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(format!("calendar_years: {e}")))
            })
            .collect()
    }

    /// Loads (or replaces) years of the calendar, then recomputes the due dates stored with open appeals, all in one
    /// transaction: figures must never mix two calendars.
    pub async fn load_calendar_years(&self, years: &[CalendarYear]) -> Result<u64> {
        let now = zhuqi_domain::time::to_micros(jiff::Timestamp::now());
        let mut all = self.calendar_years().await?;
        all.retain(|y| !years.iter().any(|n| n.year == y.year));
        all.extend(years.iter().cloned());
        let cal = WorkingCalendar::new(&all);
        let mut w = self.writer().await?;
        for year in years {
            year.check().map_err(|e| StoreError::Invalid(e.to_string()))?;
            let data = serde_json::to_string(year).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query(
                "INSERT INTO calendar_years (year, data, loaded_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (year) DO UPDATE SET data = excluded.data, loaded_at = excluded.loaded_at",
            )
            .bind(i64::from(year.year))
            .bind(data)
            .bind(now)
            .execute(w.conn())
            .await?;
        }
        let changed = w.recompute_due_dates(&cal).await?;
        w.commit().await?;
        self.reload_calendar().await?;
        Ok(changed)
    }
}
