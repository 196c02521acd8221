//! Storage of zhuqi: one interface over SQLite (the default, embedded) and PostgreSQL (a province), chosen by the URL.
//!
//! The SQL is written once, in the dialect both databases accept (`$1` parameters, `RETURNING`, `ON CONFLICT`), and
//! runs through sqlx's `Any` driver; each backend keeps its own migrations because their DDL differs. Every write goes
//! through a [`Writer`], one transaction, so that an appeal's new state and the event that produced it are stored
//! together or not at all.

mod appeals;
mod calendar;
mod connect;
mod error;
mod org;
mod writer;

use std::sync::{Arc, RwLock};

use sqlx::AnyPool;
use zhuqi_domain::WorkingCalendar;

pub use appeals::{AppealRecord, AppealSummary, NewAppeal};
pub use connect::{Backend, DbUrl};
pub use error::StoreError;
pub use org::{Counts, NewEnterprise, NewUser};
pub use writer::Writer;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connected, migrated database. Cheap to clone; clones share the pool.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The working-day calendar loaded from the database; replaced whole when an admin loads a year.
    calendar: Arc<RwLock<Arc<WorkingCalendar>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl Store {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The working-day calendar in force.
    pub fn calendar(&self) -> Arc<WorkingCalendar> {
        match self.calendar.read() {
            Ok(cal) => Arc::clone(&cal),
            // A writer panicked while swapping an Arc: the old calendar is still whole.
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Closes the pool; with SQLite this also checkpoints the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
