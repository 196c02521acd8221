//! Opening a database: parse the URL, connect with the right settings, make sure it is zhuqi's, migrate.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Executor, Row};

use crate::{Result, Store, StoreError};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the data lives: `sqlite://zhuqi.db` (a file, created when missing), `postgres://user@host:5432/db`.
#[derive(Clone, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl std::fmt::Debug for DbUrl {
    // A PostgreSQL URL may carry a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl std::fmt::Display for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            DbUrl::Postgres(url) => {
                if let Some((scheme, rest)) = url.split_once("://")
                    && let Some((creds, host)) = rest.rsplit_once('@')
                    && let Some((user, _password)) = creds.split_once(':')
                {
                    return write!(f, "{scheme}://{user}:***@{host}");
                }
                f.write_str(url)
            }
        }
    }
}

impl FromStr for DbUrl {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self> {
        let bad = |reason| StoreError::BadUrl { url: s.to_owned(), reason };
        let s = s.trim();
        if let Some(rest) = s.strip_prefix("sqlite://").or_else(|| s.strip_prefix("sqlite:")) {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(bad("缺少数据库文件路径 / the file path is missing"));
            }
            if path == ":memory:" {
                return Err(bad("不支持内存数据库，数据会丢失 / in-memory databases lose data and are not supported"));
            }
            return Ok(DbUrl::Sqlite(PathBuf::from(path)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            let after = s.split_once("://").map(|(_, r)| r).unwrap_or_default();
            let host = after.rsplit_once('@').map_or(after, |(_, h)| h);
            if host.is_empty() || host.starts_with('/') && !host.contains("host=") {
                return Err(bad("缺少主机名 / the host is missing"));
            }
            // Let the driver check the rest now, so that a typo fails here and not at the first query.
            AnyConnectOptions::from_str(s).map_err(|_| bad("PostgreSQL 地址无法解析 / the PostgreSQL URL cannot be parsed"))?;
            return Ok(DbUrl::Postgres(s.to_owned()));
        }
        if s.contains("://") {
            return Err(bad("只支持 sqlite:// 和 postgres:// / only sqlite:// and postgres:// are supported"));
        }
        Err(bad("应以 sqlite:// 或 postgres:// 开头 / expected sqlite://FILE or postgres://…"))
    }
}

/// The first 16 bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Connects, refuses a database that is not zhuqi's, applies pending migrations and loads the calendar.
    pub async fn open(url: &DbUrl) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (pool, backend) = match url {
            DbUrl::Sqlite(path) => (open_sqlite(path).await?, crate::Backend::Sqlite),
            DbUrl::Postgres(raw) => (open_postgres(url, raw).await?, crate::Backend::Postgres),
        };
        let store = Store { pool, backend, calendar: Arc::new(RwLock::new(Arc::default())) };
        store.check_is_zhuqi(url).await?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&store.pool).await.map_err(|e| StoreError::Migration(e.to_string()))?;
        store.ensure_official_calendar().await?;
        store.reload_calendar().await?;
        Ok(store)
    }

    /// An empty database becomes zhuqi's; one with tables but without our marker belongs to someone else.
    async fn check_is_zhuqi(&self, url: &DbUrl) -> Result<()> {
        let list_tables = match self.backend {
            Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            Backend::Postgres => "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables WHERE table_schema = current_schema()",
        };
        let tables: Vec<String> =
            sqlx::query(list_tables).fetch_all(&self.pool).await?.iter().map(|r| r.get::<String, _>("name")).collect();
        if tables.is_empty() {
            return Ok(());
        }
        let ours = tables.iter().any(|t| t == "zhuqi_meta")
            && sqlx::query("SELECT value FROM zhuqi_meta WHERE key = 'application'")
                .fetch_optional(&self.pool)
                .await
                .ok()
                .flatten()
                .is_some_and(|r| r.get::<String, _>("value") == "zhuqi");
        if ours { Ok(()) } else { Err(StoreError::NotZhuqi { what: url.to_string() }) }
    }
}

async fn open_sqlite(path: &Path) -> Result<sqlx::AnyPool> {
    let shown = path.display().to_string();
    let not_writable = |detail: String| StoreError::NotWritable { path: shown.clone(), detail };
    match std::fs::read(path).map(|bytes| bytes.get(..16).map(<[u8]>::to_vec)) {
        Ok(Some(header)) if header.as_slice() != SQLITE_HEADER => {
            return Err(StoreError::NotZhuqi { what: shown });
        }
        Ok(None) if path.metadata().is_ok_and(|m| m.len() > 0) => return Err(StoreError::NotZhuqi { what: shown }),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(not_writable(e.to_string())),
        _ => {}
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(not_writable(format!("目录 {} 不存在 / directory does not exist", dir.display())));
    }
    // Probe the directory: SQLite needs to create the -wal and -shm files beside the database.
    let probe = dir.join(format!(".zhuqi-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| not_writable(format!("目录不可写 / directory is not writable: {e}")))?;
    let _ = std::fs::remove_file(&probe);

    let url = format!("sqlite://{}?mode=rwc", path.display());
    let options = AnyConnectOptions::from_str(&url).map_err(|e| not_writable(e.to_string()))?;
    AnyPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(30))
        // A local file cannot drop the connection; pinging it before every use would double the round trips.
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move {
                // WAL: readers never block the writer, and a commit survives `kill -9` (it is in the log before
                // COMMIT returns). synchronous=NORMAL keeps that guarantee for a process crash at a fraction of
                // FULL's cost; only a power cut may lose the last commits.
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA busy_timeout = 10000;",
                )
                .await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(db) if db.message().contains("not a database") => StoreError::NotZhuqi { what: shown.clone() },
            other => not_writable(other.to_string()),
        })
}

async fn open_postgres(url: &crate::DbUrl, raw: &str) -> Result<sqlx::AnyPool> {
    let options = AnyConnectOptions::from_str(raw)
        .map_err(|_| StoreError::BadUrl { url: url.to_string(), reason: "PostgreSQL 地址无法解析 / cannot parse" })?;
    AnyPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(|e| StoreError::Unreachable { target: url.to_string(), detail: one_line(&e.to_string()) })
}

fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!("sqlite://zhuqi.db".parse::<DbUrl>().ok(), Some(DbUrl::Sqlite("zhuqi.db".into())));
        assert_eq!("sqlite:data/z.db".parse::<DbUrl>().ok(), Some(DbUrl::Sqlite("data/z.db".into())));
        assert!(matches!("postgres://postgres@127.0.0.1:5432/x".parse::<DbUrl>(), Ok(DbUrl::Postgres(_))));
        for bad in ["", "zhuqi.db", "mysql://x", "sqlite://", "sqlite::memory:", "postgres://", "postgres://u:p@h:notaport/d"] {
            assert!(matches!(bad.parse::<DbUrl>(), Err(StoreError::BadUrl { .. })), "{bad}");
        }
    }

    #[test]
    fn passwords_are_not_printed() {
        let url: DbUrl = "postgres://zhuqi:s3cret@db.example:5432/zhuqi".parse().expect("valid");
        assert!(!url.to_string().contains("s3cret"));
        assert!(!format!("{url:?}").contains("s3cret"));
    }
}
