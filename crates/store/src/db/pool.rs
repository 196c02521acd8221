//! Connections on their own threads. SQLite gets one writer thread (SQLite has one writer at a time anyway, so our own
//! writers queue here instead of spinning on a lock) and a few reader threads (WAL lets them read while it writes).
//! PostgreSQL gets a pool of threads that take reads and writes alike.
//!
//! Group commit (SQLite): the writer takes every write transaction waiting in its queue, runs each in its own
//! savepoint of one database transaction, commits once, and only then answers each caller. Each write stays atomic
//! (a failed one rolls back to its savepoint and leaves the others alone) and is acknowledged only once it is
//! committed; what the group shares is the commit — the pages written to the log and the log append — which on this
//! kind of server costs more than everything else a transition does.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use super::Tx;
use crate::{Result, StoreError};

/// One job: a closure run on a connection's thread.
type Job = Box<dyn FnOnce(&mut Conn) + Send>;

/// What answers a grouped write's caller once the group's commit has succeeded (`None`) or failed.
type Answer = Box<dyn FnOnce(Option<&StoreError>) + Send>;

/// A write transaction's body for the SQLite group: given its savepoint (or why none could be opened), it runs and
/// returns how to answer its caller.
type GroupJob = Box<dyn for<'c> FnOnce(Result<Tx<'c>>) -> Answer + Send>;

/// The most writes committed together.
const MAX_GROUP: usize = 64;

enum WriteJob {
    Alone(Job),
    Grouped(GroupJob),
}

// One connection per database thread, made once and never moved: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres { client: postgres::Client, target: Box<super::PgTarget>, statements: super::Statements },
}

impl Conn {
    /// Starts a transaction. Writes on SQLite take the write lock at once (IMMEDIATE), so a transaction that reads
    /// then writes can never fail halfway for want of the lock.
    pub fn transaction(&mut self, write: bool) -> Result<Tx<'_>> {
        Ok(match self {
            Conn::Sqlite(c) => Tx::Sqlite(c.transaction_with_behavior(if write {
                rusqlite::TransactionBehavior::Immediate
            } else {
                rusqlite::TransactionBehavior::Deferred
            })?),
            Conn::Postgres { client, statements, .. } => Tx::Postgres(super::PgTx::new(
                if write {
                    client.transaction()?
                } else {
                    client
                        .build_transaction()
                        .read_only(true)
                        .isolation_level(postgres::IsolationLevel::RepeatableRead)
                        .start()?
                },
                statements,
            )),
        })
    }

    /// A PostgreSQL connection the server closed (restart, idle timeout) is opened again before the next job.
    fn heal(&mut self) {
        if let Conn::Postgres { client, target, statements } = self
            && client.is_closed()
            && let Ok(fresh) = target.connect()
        {
            *client = fresh;
            *statements = super::Statements::default();
        }
    }
}

#[derive(Clone)]
pub(crate) struct Pool {
    write: Writes,
    read: Sender<Job>,
    /// Never sent on: when the last clone of the pool is dropped, the checkpoint thread sees it disconnect and ends.
    _alive: Option<Sender<()>>,
}

/// Where writes go: SQLite's one writer thread, or any PostgreSQL worker.
#[derive(Clone)]
enum Writes {
    Sqlite(Sender<WriteJob>),
    Postgres(Sender<Job>),
}

/// How often the SQLite checkpoint thread folds the WAL back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
/// WAL frames (of 2 KiB) past which the checkpoint thread also restarts the log.
const RESTART_WAL_FRAMES: i64 = 32_768;

/// Copies committed WAL pages into the database file on its own connection, so that no commit waits for it (the
/// writer's automatic checkpoint is off). PASSIVE never blocks anyone. Under a steady stream of writes a passive
/// checkpoint never quite catches up, so the log is never restarted and keeps growing; past 64 MiB a RESTART
/// checkpoint resets it, waiting at most 100 ms for readers (it holds new writers back meanwhile) before giving up
/// until the next round.
fn spawn_checkpointer(path: &Path, alive: Receiver<()>) -> Result<()> {
    let conn = open_sqlite_connection(path)?;
    conn.busy_timeout(Duration::from_millis(100))?;
    conn.execute_batch("PRAGMA journal_size_limit = 67108864")?;
    std::thread::Builder::new()
        .name("zhuqi-db-checkpoint".into())
        .spawn(move || {
            while let Err(crossbeam_channel::RecvTimeoutError::Timeout) = alive.recv_timeout(CHECKPOINT_EVERY) {
                match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1)) {
                    Ok(frames) if frames > RESTART_WAL_FRAMES => {
                        let _ = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()));
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; will retry"),
                }
            }
        })
        .map_err(|e| StoreError::Database(format!("无法启动数据库线程 / cannot start a database thread: {e}")))?;
    Ok(())
}

/// Readers beside the SQLite writer; workers of a PostgreSQL pool.
const SQLITE_READERS: usize = 3;
const POSTGRES_CONNECTIONS: usize = 8;

pub(crate) fn open_sqlite_connection(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)?;
    // WAL: readers never block the writer, and a commit is in the log before COMMIT returns, so `kill -9` loses
    // nothing acknowledged. synchronous=NORMAL keeps that for a process crash at a fraction of FULL's cost; only a
    // power cut may lose the last commits.
    conn.busy_timeout(Duration::from_secs(10))?;
    // Small pages for a new file: a transition rewrites two pages (the appeal's and its event's), and on this kind
    // of server each page written costs more than the rest of the transition; 2 KiB pages measured about a fifth
    // faster than 4 KiB. The pragma does nothing to an existing file.
    conn.execute_batch("PRAGMA page_size = 2048")?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(conn)
}

fn spawn_worker(name: &str, mut conn: Conn, jobs: Receiver<Job>) -> Result<()> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            for job in jobs {
                conn.heal();
                // A panic inside a job drops its transaction (rolled back) and its reply; the connection lives on.
                let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut conn)));
            }
        })
        .map_err(|e| StoreError::Database(format!("无法启动数据库线程 / cannot start a database thread: {e}")))?;
    Ok(())
}

impl Pool {
    /// `writer` is already open and checked by the caller; readers open the same file.
    pub fn sqlite(path: &Path, writer: rusqlite::Connection) -> Result<Pool> {
        writer.execute_batch("PRAGMA wal_autocheckpoint = 0")?;
        let (alive, watch) = crossbeam_channel::bounded(0);
        spawn_checkpointer(path, watch)?;
        let (write, write_jobs) = crossbeam_channel::unbounded();
        spawn_sqlite_writer(writer, write_jobs)?;
        let (read, read_jobs) = crossbeam_channel::unbounded();
        for i in 0..SQLITE_READERS {
            let conn = open_sqlite_connection(path)?;
            spawn_worker(&format!("zhuqi-db-reader-{i}"), Conn::Sqlite(conn), read_jobs.clone())?;
        }
        Ok(Pool { write: Writes::Sqlite(write), read, _alive: Some(alive) })
    }

    /// Connects the PostgreSQL workers, each on its own thread (the synchronous client must not run inside the async
    /// runtime). Fails with the first connection error.
    pub async fn postgres(target: super::PgTarget) -> Result<Pool> {
        let (jobs_tx, jobs) = crossbeam_channel::unbounded::<Job>();
        let (ready_tx, ready) = tokio::sync::mpsc::unbounded_channel();
        for i in 0..POSTGRES_CONNECTIONS {
            let (target, jobs, ready_tx) = (target.clone(), jobs.clone(), ready_tx.clone());
            std::thread::Builder::new()
                .name(format!("zhuqi-db-pg-{i}"))
                .spawn(move || match target.connect() {
                    Ok(client) => {
                        let _ = ready_tx.send(Ok(()));
                        let mut conn =
                            Conn::Postgres { client, target: Box::new(target), statements: Default::default() };
                        for job in jobs {
                            conn.heal();
                            let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut conn)));
                        }
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                })
                .map_err(|e| {
                    StoreError::Database(format!("无法启动数据库线程 / cannot start a database thread: {e}"))
                })?;
        }
        drop(ready_tx);
        let mut ready = ready;
        for _ in 0..POSTGRES_CONNECTIONS {
            match ready.recv().await {
                Some(Ok(())) => {}
                Some(Err(e)) => {
                    // The cause says what failed (a refused password, an untrusted certificate): keep the chain.
                    let mut detail = first_line(&e);
                    let mut cause = std::error::Error::source(&e);
                    while let Some(c) = cause {
                        detail.push_str(": ");
                        detail.push_str(&first_line(c));
                        cause = c.source();
                    }
                    return Err(StoreError::Unreachable { target: String::new(), detail });
                }
                None => return Err(StoreError::Database("数据库线程意外退出 / a database thread died".into())),
            }
        }
        Ok(Pool { write: Writes::Postgres(jobs_tx.clone()), read: jobs_tx, _alive: None })
    }

    /// Runs `f` on a connection's thread and waits for its answer. If the caller stops waiting, the job still runs
    /// to its end (commit or rollback): nothing is ever left half done.
    pub async fn run<T: Send + 'static>(
        &self,
        write: bool,
        f: impl FnOnce(&mut Conn) -> T + Send + 'static,
    ) -> Result<T> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = reply.send(f(conn));
        });
        let sent = match (&self.write, write) {
            (Writes::Sqlite(queue), true) => queue.send(WriteJob::Alone(job)).is_ok(),
            (Writes::Postgres(queue), true) => queue.send(job).is_ok(),
            (_, false) => self.read.send(job).is_ok(),
        };
        if !sent {
            return Err(closed());
        }
        answer.await.map_err(|_| job_failed())
    }

    /// Runs `f` as one write transaction and waits until it is committed or rolled back. `f` commits the `Tx` it is
    /// given when it succeeds; an `Err` (or a panic) rolls back everything it did. On SQLite the commit is shared with
    /// the writes queued at the same moment (group commit, above); the answer comes only after it.
    pub async fn transact<T, E>(&self, f: impl for<'c> FnOnce(Tx<'c>) -> Result<T, E> + Send + 'static) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let queue = match &self.write {
            Writes::Postgres(_) => {
                return self.run(true, move |conn| f(conn.transaction(true)?)).await.map_err(E::from)?;
            }
            Writes::Sqlite(queue) => queue,
        };
        let (reply, answer) = tokio::sync::oneshot::channel::<Result<T, E>>();
        let job: GroupJob = Box::new(move |tx| {
            let outcome = tx.map_err(E::from).and_then(f);
            Box::new(move |group_failed: Option<&StoreError>| {
                let outcome = match (outcome, group_failed) {
                    (Ok(_), Some(e)) => Err(E::from(StoreError::Database(e.to_string()))),
                    (outcome, _) => outcome,
                };
                let _ = reply.send(outcome);
            })
        });
        queue.send(WriteJob::Grouped(job)).map_err(|_| E::from(closed()))?;
        answer.await.map_err(|_| E::from(job_failed()))?
    }
}

fn closed() -> StoreError {
    StoreError::Database("数据库已关闭 / the database is closed".into())
}

fn job_failed() -> StoreError {
    StoreError::Database("数据库操作异常中止 / a database job failed".into())
}

/// The SQLite writer: jobs that need the connection alone run alone; write transactions run in groups.
fn spawn_sqlite_writer(conn: rusqlite::Connection, jobs: Receiver<WriteJob>) -> Result<()> {
    std::thread::Builder::new()
        .name("zhuqi-db-writer".to_owned())
        .spawn(move || {
            let mut conn = Conn::Sqlite(conn);
            let mut next = None;
            while let Some(job) = next.take().or_else(|| jobs.recv().ok()) {
                match job {
                    WriteJob::Alone(job) => {
                        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut conn)));
                    }
                    WriteJob::Grouped(first) => {
                        // Only what is queued already: a lone write is never kept waiting for company.
                        let mut group = vec![first];
                        while group.len() < MAX_GROUP {
                            match jobs.try_recv() {
                                Ok(WriteJob::Grouped(job)) => group.push(job),
                                Ok(alone) => {
                                    next = Some(alone);
                                    break;
                                }
                                Err(_) => break,
                            }
                        }
                        if let Conn::Sqlite(c) = &mut conn {
                            run_group(c, group);
                        }
                    }
                }
            }
        })
        .map_err(|e| StoreError::Database(format!("无法启动数据库线程 / cannot start a database thread: {e}")))?;
    Ok(())
}

/// One transaction, a savepoint per job, one commit; then every job's caller is answered.
fn run_group(conn: &mut rusqlite::Connection, group: Vec<GroupJob>) {
    let mut answers = Vec::with_capacity(group.len());
    let mut jobs = group.into_iter();
    let committed = (|| -> Result<()> {
        let mut tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for job in jobs.by_ref() {
            let savepoint = tx.savepoint().map(Tx::SqliteSavepoint).map_err(StoreError::from);
            // A job that panics has rolled back to its savepoint as it unwound; its caller hears that it failed.
            if let Ok(answer) = std::panic::catch_unwind(AssertUnwindSafe(|| job(savepoint))) {
                answers.push(answer);
            }
        }
        crate::memo::count_commit(&tx)?;
        tx.commit()?;
        Ok(())
    })();
    // Jobs not reached (the transaction could not begin) are told why without running.
    let failure = committed.err();
    for job in jobs {
        let why = failure.as_ref().map_or_else(job_failed, |e| StoreError::Database(e.to_string()));
        answers.push(job(Err(why)));
    }
    for answer in answers {
        answer(failure.as_ref());
    }
}

pub(crate) fn first_line(e: &dyn std::fmt::Display) -> String {
    e.to_string().lines().next().unwrap_or_default().to_owned()
}
