//! A real server for API tests: a database per test (SQLite, and PostgreSQL when `ZHUQI_TEST_PG` is set), the whole
//! router served over TCP on a free port, and a small city with one user of every role and an API token each.

#![allow(dead_code)]

#[path = "../../../store/tests/support/mod.rs"]
pub mod db;
pub mod web;

use std::collections::HashMap;

use jiff::Timestamp;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use zhuqi_domain::{Action, Actor, Channel, DeadlinePolicy, Role, Stars, Status, Uscc};
use zhuqi_store::{NewAppeal, NewEnterprise, NewUser, Store, hash_secret};

pub use db::{TestDb, at, backends, code, sys};

pub struct Server {
    pub base: String,
    pub store: Store,
    pub backend: &'static str,
    pub client: reqwest::Client,
    pub world: World,
    pub db: TestDb,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Who is who in the test city. 周口市 (411600) has 川汇区 (411602) and 扶沟县 (411621); enterprise E1 is in 川汇区
/// and served by the cadre's work group, E2 is in 扶沟县. Unit A and unit B are city units; the station is 川汇区's
/// 多元解纷工作站, with its staff (jiufen) and a mediator (tiaojie).
pub struct World {
    pub e1: i64,
    pub e2: i64,
    pub unit_a: i64,
    pub unit_b: i64,
    pub station: i64,
    pub users: HashMap<&'static str, i64>,
}

/// Every test user: name, role, and (region, unit, enterprise) filled in by `seed`.
pub const USERS: [(&str, Role); 14] = [
    ("qiye", Role::Enterprise),
    ("qiye2", Role::Enterprise),
    ("ganbu", Role::Cadre),
    ("zhihuibu", Role::Dispatcher),
    ("fugou", Role::Dispatcher),
    ("chengban", Role::Handler),
    ("chengban2", Role::Handler),
    ("lingdao", Role::Leader),
    ("zhengfuban", Role::Office),
    ("jiufen", Role::Workstation),
    ("tiaojie", Role::Mediator),
    ("admin", Role::Sysadmin),
    ("anquan", Role::Secadmin),
    ("shenji", Role::Auditor),
];

/// The password every test user has (hashing it once per test keeps the suite fast).
pub const PASSWORD: &str = "Test@2026x";

pub fn token(user: &str) -> String {
    format!("zq_test_{user}")
}

pub fn enterprise(name: &str, body: &str, region: &str) -> NewEnterprise {
    NewEnterprise {
        name: name.into(),
        uscc: Uscc::with_check_char(&format!("91{region}{body}")).expect("valid USCC"),
        region: code(region),
        industry: "现代食品".into(),
        above_scale: true,
        small_micro: false,
        specialized: false,
        little_giant: false,
        contact_name: Some("王建国".into()),
        contact_phone: Some("13800138000".parse().expect("phone")),
        created_at: at("2024-01-02T00:00:00Z"),
        profile: Default::default(),
    }
}

pub async fn seed(store: &Store) -> World {
    let hash = zhuqi_auth::password::hash_with_salt(PASSWORD, &[9; 16]).expect("hash");
    let world = store
        .transaction(sys(), move |w| {
            w.set_meta("appeal_prefix", "ZK")?;
            w.insert_region(&code("410000"), "河南省", None)?;
            w.insert_region(&code("411600"), "周口市", Some(&code("410000")))?;
            w.insert_region(&code("411602"), "川汇区", Some(&code("411600")))?;
            w.insert_region(&code("411621"), "扶沟县", Some(&code("411600")))?;
            let unit_a = w.insert_unit("周口市地方金融监督管理局", &code("411600"))?;
            let unit_b = w.insert_unit("周口市人力资源和社会保障局", &code("411600"))?;
            let station = w.insert_unit("川汇区非公企业多元解纷工作站", &code("411602"))?;
            w.insert_category("financing", "融资", None, 1)?;
            w.insert_category("labour", "用工", None, 2)?;
            w.insert_category("policy", "政策兑现", None, 3)?;
            w.insert_deadline_policy(&DeadlinePolicy::standard())?;
            let e1 = w.insert_enterprise(&enterprise("周口华源食品有限公司", "MA0000001", "411602"))?;
            let e2 = w.insert_enterprise(&enterprise("扶沟县天顺纺织有限公司", "MA0000002", "411621"))?;
            let mut users = HashMap::new();
            for (name, role) in USERS {
                let (region, unit, ent) = match name {
                    "qiye" => (None, None, Some(e1)),
                    "qiye2" => (None, None, Some(e2)),
                    "chengban" => (Some("411600"), Some(unit_a), None),
                    "chengban2" => (Some("411600"), Some(unit_b), None),
                    "fugou" => (Some("411621"), None, None),
                    "lingdao" => (Some("411602"), None, None),
                    "jiufen" | "tiaojie" => (Some("411602"), Some(station), None),
                    _ => (Some("411600"), None, None),
                };
                let id = w.insert_user(&NewUser {
                    username: name.into(),
                    display_name: name.into(),
                    password_hash: Some(hash.clone()),
                    must_change_password: false,
                    region: region.map(code),
                    unit_id: unit,
                    enterprise_id: ent,
                    phone: None,
                    roles: vec![role],
                    created_at: at("2024-01-02T00:00:00Z"),
                })?;
                users.insert(name, id);
            }
            let group = w.insert_work_group("川汇区第一工作组", &code("411602"), None)?;
            w.add_work_group_member(group, users["ganbu"])?;
            w.assign_enterprise(group, e1)?;
            Ok::<_, zhuqi_store::StoreError>(World { e1, e2, unit_a, unit_b, station, users })
        })
        .await
        .expect("seed");
    for (name, _) in USERS {
        store.create_token(sys(), world.users[name], "test", hash_secret(&token(name))).await.expect("token");
    }
    world
}

/// Serves the whole router on a free port of 127.0.0.1, as `zhuqi serve` does, on the seeded test city.
pub async fn start(db: TestDb) -> Server {
    let world = seed(&db.store).await;
    serve(db, world).await
}

/// The whole router on a free port of 127.0.0.1 over `db`, whose people are `world`.
async fn serve(db: TestDb, world: World) -> Server {
    // The server's own error lines, shown with a failing test's output.
    let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
    let store = db.store.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = zhuqi_web::router(store.clone());
    // The tests' requests come from 127.0.0.1, the proxy some of them speak as (X-Forwarded-For).
    let limits = zhuqi::server::ServeOptions::for_this_process(vec![std::net::Ipv4Addr::LOCALHOST.into()]);
    let task = tokio::spawn(async move {
        let _ = zhuqi::server::serve(listener, app, limits, std::future::pending()).await;
    });
    Server {
        base: format!("http://{addr}/api/v1"),
        store,
        backend: db.backend,
        client: reqwest::Client::new(),
        world,
        db,
        task,
    }
}

/// A server on a database as `zhuqi` creates it for a new city (issue 13): the standard categories and deadline
/// policies, no region, no unit, no enterprise, and one system administrator `admin` whose password `PASSWORD` must be
/// changed at the first sign-in, as `zhuqi user add admin --role sysadmin` leaves it.
pub async fn new_city(db: TestDb) -> Server {
    let store = db.store.clone();
    store.set_up_new_city().await.expect("the standard catalog");
    let hash = zhuqi_auth::password::hash_with_salt(PASSWORD, &[9; 16]).expect("hash");
    let admin = NewUser {
        username: "admin".into(),
        display_name: "系统管理员".into(),
        password_hash: Some(hash),
        must_change_password: true,
        region: None,
        unit_id: None,
        enterprise_id: None,
        phone: None,
        roles: vec![Role::Sysadmin],
        created_at: Timestamp::now(),
    };
    let admin = store.add_user(sys(), admin).await.expect("admin").id;
    let world = World { e1: 0, e2: 0, unit_a: 0, unit_b: 0, station: 0, users: HashMap::from([("admin", admin)]) };
    serve(db, world).await
}

/// A new city's server (see `new_city`) for each backend the suite runs on.
pub async fn new_cities(test: &str) -> Vec<Server> {
    let mut out = Vec::new();
    for db in backends(test).await {
        out.push(new_city(db).await);
    }
    out
}

/// A server for each backend the suite runs on.
pub async fn servers(test: &str) -> Vec<Server> {
    let mut out = Vec::new();
    for db in backends(test).await {
        out.push(start(db).await);
    }
    out
}

impl Server {
    /// Calls the API as `user` (by its token); `None` for no credentials. Returns the status and the JSON body.
    pub async fn call(
        &self,
        user: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(u) = user {
            req = req.bearer_auth(token(u));
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, user: &str, path: &str) -> (StatusCode, Value) {
        self.call(Some(user), Method::GET, path, None).await
    }

    pub async fn post(&self, user: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Some(user), Method::POST, path, Some(body)).await
    }

    pub fn actor(&self, user: &str, role: Role) -> Actor {
        Actor::user(self.world.users[user], role)
    }

    /// A new appeal of E1, brought by the rightful users to `status` (in_progress may carry a pending extension).
    pub async fn appeal_in(&self, status: Status, pending_extension: bool) -> i64 {
        let new = NewAppeal {
            enterprise_id: self.world.e1,
            channel: Channel::Web,
            category: "financing".into(),
            title: "流动资金贷款".into(),
            description: "企业扩大生产需流动资金500万元。".into(),
            amount: None,
            draft: status == Status::Draft,
        };
        let now = Timestamp::now();
        let rec =
            self.store.create_appeal(sys(), new, self.actor("qiye", Role::Enterprise), now).await.expect("create");
        let d = self.actor("zhihuibu", Role::Dispatcher);
        let h = self.actor("chengban", Role::Handler);
        let path: Vec<(Actor, Action)> = match status {
            Status::Draft | Status::Submitted => vec![],
            Status::Assigned => vec![(d, Action::assign_standard(self.world.unit_a, "financing"))],
            Status::InProgress => {
                vec![(d, Action::assign_standard(self.world.unit_a, "financing")), (h, Action::Acknowledge)]
            }
            Status::Waiting => vec![
                (d, Action::assign_standard(self.world.unit_a, "financing")),
                (h, Action::Acknowledge),
                (h, Action::RequestMaterial { what: "营业执照".into() }),
            ],
            Status::Answered => vec![
                (d, Action::assign_standard(self.world.unit_a, "financing")),
                (h, Action::Acknowledge),
                (h, Action::Answer { text: "已协调银行放款".into() }),
            ],
            other => panic!("no path to {other}"),
        };
        let mut version = rec.state.version;
        for (actor, action) in path {
            version = self.store.perform(sys(), rec.id, version, actor, action, now).await.expect("step").state.version;
        }
        if pending_extension {
            let ask = Action::RequestExtension { days: 5, reason: "需上级审批".into() };
            version = self.store.perform(sys(), rec.id, version, h, ask, now).await.expect("ask").state.version;
        }
        assert_eq!(self.store.appeal(rec.id).await.expect("read").state.status, status);
        let _ = version;
        rec.id
    }

    pub async fn version(&self, id: i64) -> u32 {
        self.store.appeal(id).await.expect("read").state.version
    }
}

pub fn five() -> Stars {
    Stars::new(5).expect("stars")
}

/// A code of `secret` as an authenticator app shows it `ahead` seconds from now, made by oath-toolkit's `oathtool`
/// (not by the crate the server uses).
pub fn app_code(secret: &str, ahead: i64) -> String {
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b", "-N", &format!("now + {ahead} seconds"), secret])
        .output()
        .expect("oathtool (apt-get install oathtool)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}
