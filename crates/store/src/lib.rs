//! Storage of zhuqi: one interface over SQLite (the default, embedded) and PostgreSQL (a province), chosen by the URL.
//!
//! The SQL is written once, in the dialect both databases accept (`$1` parameters, `RETURNING`, `ON CONFLICT`); each
//! backend keeps its own migrations because their DDL differs. Every write is a closure run as one transaction
//! ([`Store::transaction`]) on the database's own thread: an appeal's new state, the event that produced it and its
//! audit record are stored together or not at all, whatever happens to the caller. On SQLite the writes queued at the
//! same moment share one commit (each in its own savepoint, each answered only once committed: see `db::pool`).

mod access;
mod appeals;
mod attachments;
mod audit;
pub mod backup;
mod calendar;
mod catalog;
mod co_handling;
mod connect;
mod db;
mod disputes;
mod engine;
mod error;
mod facts;
mod figures;
mod headline;
mod idempotency;
mod issues;
pub mod ledger;
mod memo;
mod org;
mod policies;
pub mod projects;
mod reference;
mod scope;
mod seal;
mod security;
mod similar;
mod synthetic_items;
mod tasks;
mod visits;
mod work_groups;
mod writer;

use std::sync::{Arc, RwLock};

use zhuqi_domain::WorkingCalendar;

pub use access::{
    ADDRESS_WINDOW, Credentials, LOCKOUT, MAX_FAILED_FROM_ADDRESS, MAX_FAILED_SIGN_INS, PASSWORD_HISTORY, Principal,
    SESSION_IDLE, SignInFailure, TokenInfo, hash_secret,
};
pub use appeals::{AppealRecord, AppealSummary, NewAppeal};
pub use attachments::{
    AttachmentInfo, FileBytes, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_NAME, MAX_ATTACHMENTS, NewAttachment,
};
pub use audit::{AuditFilter, AuditRecord, AuditVerdict, GENESIS, Origin};
pub use catalog::{CategoryRecord, EnterpriseProfile, EnterpriseRecord, RegionRecord, UnitRecord};
pub use co_handling::{CoHandling, CoOpinion, CoUnit, MAX_CO_OPINION};
pub use connect::{Backend, DbUrl};
pub use disputes::{
    DISPUTE_PREFIX, DisputeFigures, DisputeFilter, DisputeGrouping, DisputePage, DisputeRecord, DisputeTally,
    MAX_ENTERPRISE_PARTIES, MAX_PARTY_NAME, NewDispute, Party, reads_dispute_figures,
};
pub use engine::OpenPlace;
pub use error::StoreError;
pub use facts::FiguresCheck;
pub use figures::{FigureScope, GroupKey, OverdueRow, Tally, TrendCounts, Window};
pub use headline::Headline;
pub use idempotency::{Created, IdempotencyKey, MAX_IDEMPOTENCY_KEY};
pub use issues::{
    CommonIssueDetail, CommonIssueFilter, CommonIssuePage, CommonIssueRecord, MAX_ISSUE_TEXT, NewCommonIssue,
};
pub use org::{Counts, NewEnterprise, NewUser, UserRecord};
pub use policies::{
    DRAFTING_AREA, DeliveryDesk, DeliveryFilter, DeliveryPage, DeliveryRecord, MAX_POLICY_BODY, MAX_POLICY_LINE,
    MAX_POLICY_TITLE, MatchPage, NewPolicy, POLICY_CATEGORY, PolicyFigures, PolicyFile, PolicyFilter, PolicyFit,
    PolicyGrouping, PolicyPage, PolicyReach, PolicyRecord, PolicyTally, Progress,
};
pub use projects::{
    BatchLine, BatchRecord, BatchReport, InvestmentReport, MetricsQuery, NewBatch, NewInvestmentReport, NewObservation,
    NewProgramme, NewProject, ObservationRecord, ObservationResult, ObservedProject, ProgrammeLine, ProjectDetail,
    ProjectEdit, ProjectFilter, ProjectLine, ProjectMetrics, ProjectPage, ProjectRecord, ProjectTally, StageChange,
};
pub use scope::{AppealFilter, AppealPage, FILE_STEPS, ListCursor};
pub use seal::{AUDIT_RETENTION_DAYS, AuditKey, PURGE_ACTION, Purged, SEAL_ACTION};
pub use security::{
    DEFAULT_PASSWORD_MAX_AGE_DAYS, MAX_PASSWORD_MAX_AGE_DAYS, RECOVERY_CODES, SecondFactor, SecuritySettings,
};
pub use similar::{Likeness, Similar};
pub use tasks::{
    MAX_MEETING_NAME, MeetingRecord, MeetingReport, NewMeeting, NewTask, Outcome, ReportLine, TASK_PREFIX, TaskDue,
    TaskFilter, TaskPage, TaskRecord, TaskStanding,
};
pub use visits::{MAX_VISIT_NOTES, NewVisit, VisitRecord};
pub use work_groups::{
    Assigned, MAX_WORK_GROUP_NAME, NewWorkGroup, ServedEnterprise, WorkGroupDetail, WorkGroupEdit, WorkGroupFilter,
    WorkGroupMember, WorkGroupPage, WorkGroupRecord,
};
pub use writer::Writer;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connected, migrated database. Cheap to clone; clones share the connections.
#[derive(Clone)]
pub struct Store {
    pool: db::Pool,
    backend: Backend,
    /// The working-day calendar loaded from the database, with the years it was made of; replaced whole when an
    /// admin loads a year, here or on another instance (`follow_calendar`).
    calendar: Arc<RwLock<calendar::Loaded>>,
    /// Results kept while the data is unchanged (`memo`).
    memo: Arc<memo::Memo>,
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
            Ok(loaded) => Arc::clone(&loaded.calendar),
            // A writer panicked while swapping an Arc: the old calendar is still whole.
            Err(poisoned) => Arc::clone(&poisoned.into_inner().calendar),
        }
    }

    /// Runs `f` in a read-only transaction (one consistent snapshot) on a reader connection.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut db::Tx<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.pool
            .run(false, move |conn| {
                let mut tx = conn.transaction(false)?;
                let out = f(&mut tx)?;
                tx.commit()?;
                Ok(out)
            })
            .await?
    }

    /// Runs `f` as one write transaction on behalf of `origin`: committed with its audit records if it returns `Ok`,
    /// rolled back otherwise — also if the process dies on the way.
    pub async fn transaction<T, E>(
        &self,
        origin: Origin,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let cal = self.calendar();
        self.pool
            .transact(move |tx| {
                let mut w = Writer { tx, cal, origin, audit: Vec::new(), facts: Default::default() };
                let out = f(&mut w)?;
                w.facts.write(&mut w.tx)?;
                w.append_audit()?;
                w.tx.commit()?;
                Ok(out)
            })
            .await
    }

    /// Waits for the writes queued before it; with SQLite also folds the WAL back into the database file.
    pub async fn close(&self) {
        self.fold_log().await;
    }

    /// With PostgreSQL, after a bulk load (the demo, a rebuild of the figures): rewrites the sums by day in key order
    /// (CLUSTER; the load's many updates leave a period's rows spread over pages of dead versions, and a dashboard
    /// read five times the pages) and has the server count its tables' statistics again (ANALYZE: before its own
    /// background analysis has seen the rows, a plan made without them reads whole tables). The sums are locked
    /// while they are rewritten (about a second per million appeals). Nothing on SQLite, which keeps its sums in key
    /// order and plans without statistics.
    pub async fn refresh_statistics(&self) -> Result<()> {
        self.pool
            .run(true, |conn| match conn {
                db::Conn::Postgres { client, .. } => client
                    .batch_execute(
                        "CLUSTER appeal_facts USING appeal_facts_pkey; CLUSTER appeal_voided USING appeal_voided_pkey; \
                         ANALYZE",
                    )
                    .map_err(StoreError::from),
                db::Conn::Sqlite(_) => Ok(()),
            })
            .await?
    }

    /// With SQLite, folds the WAL back into the database file and empties it, after the writes queued before it:
    /// between the slices of a bulk load (the demo), so that its log stays the size of one slice. Retried for a
    /// second while the background checkpoint or a reader holds the log; nothing on PostgreSQL.
    pub async fn fold_log(&self) {
        let backend = self.backend;
        let _ = self
            .pool
            .run(true, move |conn| {
                if let (Backend::Sqlite, db::Conn::Sqlite(c)) = (backend, conn) {
                    for _ in 0..50 {
                        // (busy, log frames, frames checkpointed): busy 0 is done.
                        match c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0)) {
                            Ok(0) | Err(_) => break,
                            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
                        }
                    }
                }
            })
            .await;
    }
}
