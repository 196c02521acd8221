//! The working-day calendar as data in the database: the shipped years are inserted on first start, an admin may load
//! more, and every open appeal's stored due dates are recomputed when the calendar changes.

use std::sync::Arc;

use zhuqi_domain::{CalendarYear, WorkingCalendar};

use crate::db::{Tx, params};
use crate::{Origin, Result, Store, StoreError};

fn now_micros() -> i64 {
    zhuqi_domain::time::to_micros(jiff::Timestamp::now())
}

fn to_json(year: &CalendarYear) -> Result<String> {
    serde_json::to_string(year).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Inserts the shipped years that the database does not have yet (an admin's own data for a year wins).
pub(crate) fn ensure_official(tx: &mut Tx<'_>) -> Result<()> {
    for year in CalendarYear::official() {
        tx.execute(
            "INSERT INTO calendar_years (year, data, loaded_at) VALUES ($1, $2, $3) ON CONFLICT (year) DO NOTHING",
            params![year.year, to_json(&year)?, now_micros()],
        )?;
    }
    Ok(())
}

fn years(tx: &mut Tx<'_>) -> Result<Vec<CalendarYear>> {
    tx.query("SELECT data FROM calendar_years ORDER BY year", &[])?
        .iter()
        .map(|r| serde_json::from_str(&r.text(0)?).map_err(|e| StoreError::Corrupt(format!("calendar_years: {e}"))))
        .collect()
}

/// The calendar in force on this instance and the years it was made from.
#[derive(Default)]
pub(crate) struct Loaded {
    pub calendar: Arc<WorkingCalendar>,
    years: Vec<CalendarYear>,
}

impl Store {
    pub(crate) async fn reload_calendar(&self) -> Result<()> {
        self.follow_calendar().await.map(|_| ())
    }

    /// Puts the calendar the database holds in force here if it is not already: several instances serve one
    /// PostgreSQL database, and a year an admin loads through one of them must count on all (the server calls this
    /// every few seconds). Returns whether the calendar changed.
    pub async fn follow_calendar(&self) -> Result<bool> {
        let years = self.calendar_years().await?;
        let same = match self.calendar.read() {
            Ok(loaded) => loaded.years == years,
            Err(poisoned) => poisoned.into_inner().years == years,
        };
        if same {
            return Ok(false);
        }
        let fresh = Loaded { calendar: Arc::new(WorkingCalendar::new(&years)), years };
        match self.calendar.write() {
            Ok(mut slot) => *slot = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(true)
    }

    pub async fn calendar_years(&self) -> Result<Vec<CalendarYear>> {
        self.read(years).await
    }

    /// Loads (or replaces) years of the calendar and recomputes the due dates stored with open appeals, in one
    /// transaction: figures must never mix two calendars. Returns how many appeals were recomputed.
    pub async fn load_calendar_years(&self, origin: Origin, new: Vec<CalendarYear>) -> Result<u64> {
        for year in &new {
            year.check().map_err(|e| StoreError::Invalid(e.to_string()))?;
        }
        let changed = self
            .transaction(origin, move |w| {
                let mut all = years(&mut w.tx)?;
                for year in &new {
                    let before = all.iter().find(|y| y.year == year.year).map(to_json).transpose()?;
                    w.audit("calendar.load", format!("calendar:{}", year.year), before, Some(to_json(year)?));
                }
                all.retain(|y| !new.iter().any(|n| n.year == y.year));
                for year in &new {
                    w.tx.execute(
                        "INSERT INTO calendar_years (year, data, loaded_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (year) DO UPDATE SET data = excluded.data, loaded_at = excluded.loaded_at",
                        params![year.year, to_json(year)?, now_micros()],
                    )?;
                }
                all.extend(new);
                let before = std::mem::replace(&mut w.cal, Arc::new(WorkingCalendar::new(&all)));
                w.recompute_due_dates(&before)
            })
            .await?;
        self.reload_calendar().await?;
        Ok(changed)
    }
}
