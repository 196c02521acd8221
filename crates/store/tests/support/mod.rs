//! Test databases: every test gets its own SQLite file and, when `ZHUQI_TEST_PG` points at a PostgreSQL server, its own
//! freshly created PostgreSQL database, dropped when the test ends, so that tests run in parallel.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use jiff::Timestamp;
use zhuqi_domain::{Actor, Channel, RegionCode, Role, Uscc};
use zhuqi_store::{DbUrl, NewAppeal, NewEnterprise, NewUser, Origin, Store};

pub struct TestDb {
    pub store: Store,
    pub backend: &'static str,
    pub url: DbUrl,
    _cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(tempfile::TempDir),
    Postgres(PgGuard),
}

/// Drops its PostgreSQL test database when it goes out of scope.
pub struct PgGuard {
    admin_url: String,
    name: String,
}

impl Drop for PgGuard {
    fn drop(&mut self) {
        {
            let _ = pg_admin(&self.admin_url, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL server for tests, or `None` (and a line saying the PostgreSQL half is skipped).
pub fn pg_admin_url(test: &str) -> Option<String> {
    match std::env::var("ZHUQI_TEST_PG") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            eprintln!(
                "ZHUQI_TEST_PG 未设置，跳过 PostgreSQL 部分 / ZHUQI_TEST_PG not set: PostgreSQL half of {test} skipped"
            );
            None
        }
    }
}

/// A fresh, empty PostgreSQL database on the test server; its URL and the guard that drops it.
pub async fn fresh_pg_database(admin_url: &str) -> (String, PgGuard) {
    let name = format!("zhuqi_t_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), rand_suffix());
    pg_admin(admin_url, &format!("CREATE DATABASE {name}")).expect("create the test database");
    let base = admin_url.split('?').next().unwrap_or(admin_url);
    let url = match base.rsplit_once('/') {
        Some((server, _db)) if server.contains("://") && !server.ends_with('/') => format!("{server}/{name}"),
        _ => format!("{}/{name}", base.trim_end_matches('/')),
    };
    (url, PgGuard { admin_url: admin_url.to_owned(), name })
}

/// Runs SQL on the PostgreSQL server from a plain thread (the synchronous client must not run inside tokio).
pub fn pg_admin(url: &str, sql: &str) -> Result<(), String> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).map_err(|e| e.to_string())?;
        client.batch_execute(&sql).map_err(|e| e.to_string())
    })
    .join()
    .map_err(|_| "admin thread panicked".to_owned())?
}

fn rand_suffix() -> u64 {
    Timestamp::now().as_nanosecond().unsigned_abs() as u64 % 1_000_000_007
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = DbUrl::Sqlite(dir.path().join("zhuqi.db"));
    let store = Store::open(&url).await.expect("open sqlite");
    TestDb { store, backend: "sqlite", url, _cleanup: Cleanup::Sqlite(dir) }
}

pub async fn postgres(admin_url: &str) -> TestDb {
    let (url, guard) = fresh_pg_database(admin_url).await;
    let parsed: DbUrl = url.parse().expect("pg url");
    let store = Store::open(&parsed).await.expect("open postgres");
    TestDb { store, backend: "postgres", url: parsed, _cleanup: Cleanup::Postgres(guard) }
}

/// Every backend the suite runs on: SQLite always, PostgreSQL when configured.
pub async fn backends(test: &str) -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    if let Some(admin) = pg_admin_url(test) {
        dbs.push(postgres(&admin).await);
    }
    dbs
}

pub fn at(s: &str) -> Timestamp {
    s.parse().expect("valid timestamp")
}

pub fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).expect("valid region code")
}

/// An account of `role` in `region` without a password (it cannot sign in until one is set): most tests' people.
pub fn person(name: &str, role: Role, region: &str) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: format!("{name}的姓名"),
        password_hash: None,
        must_change_password: true,
        region: Some(code(region)),
        unit_id: None,
        enterprise_id: None,
        phone: None,
        roles: vec![role],
        created_at: at("2024-01-02T00:00:00Z"),
    }
}

/// A small city: 周口 with one district, a unit, the category 融资, one enterprise and one user of each role.
pub struct City {
    pub enterprise_id: i64,
    pub unit_id: i64,
    pub enterprise_user: i64,
    pub dispatcher: i64,
    pub handler: i64,
}

pub async fn seed_city(store: &Store) -> City {
    store
        .transaction(sys(), |w| {
            w.set_meta("appeal_prefix", "ZK")?;
            w.insert_region(&code("410000"), "河南省", None)?;
            w.insert_region(&code("411600"), "周口市", Some(&code("410000")))?;
            w.insert_region(&code("411602"), "川汇区", Some(&code("411600")))?;
            let unit_id = w.insert_unit("周口市地方金融监督管理局", &code("411600"))?;
            w.insert_category("financing", "融资", None, 1)?;
            let enterprise_id = w.insert_enterprise(&NewEnterprise {
                name: "周口华源食品有限公司".into(),
                uscc: Uscc::parse("91350100M000100Y43").expect("valid"),
                region: code("411602"),
                industry: "现代食品".into(),
                above_scale: true,
                small_micro: false,
                specialized: false,
                little_giant: false,
                contact_name: Some("王建国".into()),
                contact_phone: Some("13800138000".parse().expect("valid phone")),
                created_at: at("2024-01-02T00:00:00Z"),
                profile: Default::default(),
            })?;
            let user = |name: &str, role: Role, unit: Option<i64>, enterprise: Option<i64>| NewUser {
                username: name.into(),
                display_name: name.into(),
                password_hash: None,
                must_change_password: true,
                region: Some(code("411600")),
                unit_id: unit,
                enterprise_id: enterprise,
                phone: None,
                roles: vec![role],
                created_at: at("2024-01-02T00:00:00Z"),
            };
            Ok::<_, zhuqi_store::StoreError>(City {
                enterprise_id,
                unit_id,
                enterprise_user: w.insert_user(&user("qiye", Role::Enterprise, None, Some(enterprise_id)))?,
                dispatcher: w.insert_user(&user("zhihuibu", Role::Dispatcher, None, None))?,
                handler: w.insert_user(&user("chengban", Role::Handler, Some(unit_id), None))?,
            })
        })
        .await
        .expect("seed the city")
}

/// A new appeal by the city's enterprise, submitted on Monday 2024-03-04 at 09:00 in Shanghai.
pub async fn submit(store: &Store, city: &City, title: &str) -> zhuqi_store::AppealRecord {
    store
        .create_appeal(sys(), new_appeal(city, title), enterprise(city), at("2024-03-04T01:00:00Z"))
        .await
        .expect("submit")
}

pub fn new_appeal(city: &City, title: &str) -> NewAppeal {
    NewAppeal {
        enterprise_id: city.enterprise_id,
        channel: Channel::Web,
        category: "financing".into(),
        title: title.into(),
        description: "企业扩大生产需流动资金500万元，向银行申请贷款两个月未获批复。".into(),
        amount: Some(zhuqi_domain::Fen::new(500_000_000).expect("valid")),
        draft: false,
    }
}

pub fn enterprise(city: &City) -> Actor {
    Actor::user(city.enterprise_user, Role::Enterprise)
}
pub fn dispatcher(city: &City) -> Actor {
    Actor::user(city.dispatcher, Role::Dispatcher)
}
pub fn handler(city: &City) -> Actor {
    Actor::user(city.handler, Role::Handler)
}

/// The origin of the tests' own writes.
pub fn sys() -> Origin {
    Origin::system("test")
}

/// Runs SQL on a test database behind the program's back, as someone with the database's password could.
pub fn raw_sql(db: &TestDb, sql: &str) -> Result<(), String> {
    match &db.url {
        DbUrl::Sqlite(path) => {
            rusqlite::Connection::open(path).and_then(|c| c.execute_batch(sql)).map_err(|e| e.to_string())
        }
        DbUrl::Postgres(url) => pg_admin(url, sql),
    }
}

/// The number one SQL query behind the program's back finds (its first row's first column).
pub fn raw_count(db: &TestDb, sql: &str) -> i64 {
    let sql = sql.to_owned();
    match &db.url {
        DbUrl::Sqlite(path) => {
            rusqlite::Connection::open(path).and_then(|c| c.query_row(&sql, [], |r| r.get(0))).expect("count")
        }
        DbUrl::Postgres(url) => {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
                client.query_one(&sql, &[]).expect("count").get::<_, i64>(0)
            })
            .join()
            .expect("count thread")
        }
    }
}

/// Lifts the triggers that refuse UPDATE and DELETE on the audit log (a DBA can).
pub fn drop_audit_guards(db: &TestDb) {
    let sql = match db.backend {
        "sqlite" => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        _ => "DROP TRIGGER audit_log_no_change ON audit_log; DROP TRIGGER audit_log_no_young_delete ON audit_log;",
    };
    raw_sql(db, sql).expect("drop the audit log's triggers");
}
