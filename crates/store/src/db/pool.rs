//! Connections on their own threads. SQLite gets one writer thread (SQLite has one writer at a time anyway, so our own
//! writers queue here instead of spinning on a lock) and a few reader threads (WAL lets them read while it writes).
//! PostgreSQL gets a pool of threads that take reads and writes alike.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use super::Tx;
use crate::{Result, StoreError};

/// One job: a closure run on a connection's thread.
type Job = Box<dyn FnOnce(&mut Conn) + Send>;

pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres { client: postgres::Client, config: Box<postgres::Config> },
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
            Conn::Postgres { client, .. } => Tx::Postgres(if write {
                client.transaction()?
            } else {
                client
                    .build_transaction()
                    .read_only(true)
                    .isolation_level(postgres::IsolationLevel::RepeatableRead)
                    .start()?
            }),
        })
    }

    /// A PostgreSQL connection the server closed (restart, idle timeout) is opened again before the next job.
    fn heal(&mut self) {
        if let Conn::Postgres { client, config } = self
            && client.is_closed()
            && let Ok(fresh) = config.connect(postgres::NoTls)
        {
            *client = fresh;
        }
    }
}

#[derive(Clone)]
pub(crate) struct Pool {
    write: Sender<Job>,
    read: Sender<Job>,
    /// Never sent on: when the last clone of the pool is dropped, the checkpoint thread sees it disconnect and ends.
    _alive: Option<Sender<()>>,
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
        spawn_worker("zhuqi-db-writer", Conn::Sqlite(writer), write_jobs)?;
        let (read, read_jobs) = crossbeam_channel::unbounded();
        for i in 0..SQLITE_READERS {
            let conn = open_sqlite_connection(path)?;
            spawn_worker(&format!("zhuqi-db-reader-{i}"), Conn::Sqlite(conn), read_jobs.clone())?;
        }
        Ok(Pool { write, read, _alive: Some(alive) })
    }

    /// Connects the PostgreSQL workers, each on its own thread (the synchronous client must not run inside the async
    /// runtime). Fails with the first connection error.
    pub async fn postgres(config: postgres::Config) -> Result<Pool> {
        let (jobs_tx, jobs) = crossbeam_channel::unbounded::<Job>();
        let (ready_tx, ready) = tokio::sync::mpsc::unbounded_channel();
        for i in 0..POSTGRES_CONNECTIONS {
            let (config, jobs, ready_tx) = (config.clone(), jobs.clone(), ready_tx.clone());
            std::thread::Builder::new()
                .name(format!("zhuqi-db-pg-{i}"))
                .spawn(move || match config.connect(postgres::NoTls) {
                    Ok(client) => {
                        let _ = ready_tx.send(Ok(()));
                        let mut conn = Conn::Postgres { client, config: Box::new(config) };
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
                Some(Err(e)) => return Err(StoreError::Unreachable { target: String::new(), detail: first_line(&e) }),
                None => return Err(StoreError::Database("数据库线程意外退出 / a database thread died".into())),
            }
        }
        Ok(Pool { write: jobs_tx.clone(), read: jobs_tx, _alive: None })
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
        let queue = if write { &self.write } else { &self.read };
        queue.send(job).map_err(|_| StoreError::Database("数据库已关闭 / the database is closed".into()))?;
        answer.await.map_err(|_| StoreError::Database("数据库操作异常中止 / a database job failed".into()))
    }
}

pub(crate) fn first_line(e: &dyn std::fmt::Display) -> String {
    e.to_string().lines().next().unwrap_or_default().to_owned()
}
