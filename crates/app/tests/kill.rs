//! Issue 14's crash harness: `zhuqi serve` is killed with SIGKILL at random moments while two clients create
//! appeals over HTTP, and restarted, again and again, on SQLite and on PostgreSQL. Afterwards every appeal the server
//! acknowledged (201) is there, every history replays to its stored state, and the audit chain verifies.
//! `ZHUQI_KILLS` sets the number of kills per database (200 by default, as CI runs it; 1,000 for a benchmark run).

#[path = "support/cli.rs"]
mod cli_support;
mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cli_support::{serve, session_cookie, zhuqi};
use rand::RngExt;
use zhuqi_domain::Appeal;
use zhuqi_store::{DbUrl, Store};

/// One HTTP/1.1 request; `None` when the server is not there or went away mid-answer (a kill).
fn request(addr: &str, method: &str, path: &str, headers: &str, body: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: zhuqi\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    Some(answer)
}

/// Kills and restarts the server `kills` times under two writing clients; the numbers of the acknowledged appeals.
fn run_kills(db: &str, dir: &Path, kills: usize) -> Vec<String> {
    let (mut server, addr) = serve(db, dir);
    let json = "Content-Type: application/json\r\n";
    let signed = request(&addr, "POST", "/api/v1/session", json, r#"{"username":"qiye","password":"Demo@2026"}"#)
        .expect("sign in");
    let cookie = session_cookie(&signed);
    let headers = Arc::new(format!("{json}Cookie: {cookie}\r\n"));
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut rng = rand::rng();
    let mut addr = addr;
    for round in 0..kills {
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..2)
            .map(|w| {
                let (addr, headers, stop, acked) = (addr.clone(), headers.clone(), stop.clone(), acknowledged.clone());
                std::thread::spawn(move || {
                    let mut i = 0;
                    while !stop.load(Ordering::Relaxed) {
                        i += 1;
                        let body = format!(
                            r#"{{"category":"financing","title":"断电{round}-{w}-{i}","description":"杀进程测试"}}"#
                        );
                        let Some(answer) = request(&addr, "POST", "/api/v1/appeals", &headers, &body) else { break };
                        let Some((head, body)) = answer.split_once("\r\n\r\n") else { continue };
                        if head.starts_with("HTTP/1.1 201") {
                            let v: serde_json::Value = serde_json::from_str(body).expect("json");
                            acked.lock().expect("lock").push(v["number"].as_str().expect("number").to_owned());
                        }
                    }
                })
            })
            .collect();
        // A random moment once this round's writes are flowing: the writers are mid-request most of the time.
        let before = acknowledged.lock().expect("lock").len();
        let waiting = Instant::now();
        while acknowledged.lock().expect("lock").len() == before && waiting.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(rng.random_range(0..40)));
        server.kill().expect("SIGKILL"); // no destructor, no flush, no checkpoint
        server.wait().expect("reap");
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().expect("writer");
        }
        (server, addr) = serve(db, dir);
    }
    let _ = server.kill();
    let _ = server.wait();
    acknowledged.lock().expect("lock").clone()
}

/// Every acknowledged appeal is there, every history replays, and the audit chain verifies.
async fn check(db: &str, dir: &Path, acked: &[String], kills: usize) {
    let store = Store::open(&db.parse::<DbUrl>().expect("url")).await.expect("open after the kills");
    let all = store.counts().await.expect("counts").appeals;
    let mut numbers = std::collections::HashSet::new();
    // Ids are not dense (PostgreSQL's sequence skips the ids of transactions a kill cut short): read until every
    // appeal the database counts has been seen.
    let mut id = 0;
    while i64::try_from(numbers.len()).expect("count") < all && id < 10 * all + 1000 {
        id += 1;
        let Ok(stored) = store.appeal(id).await else { continue };
        numbers.insert(stored.number.to_string());
        let events = store.appeal_events(id).await.expect("events");
        assert_eq!(Appeal::replay(&events).expect("replays"), Some(stored.state), "{db}: appeal {id} is torn");
    }
    assert_eq!(i64::try_from(numbers.len()).expect("count"), all, "{db}: every appeal read");
    for number in acked {
        assert!(numbers.contains(number), "{db}: {number} was acknowledged and is not there");
    }
    store.close().await;
    let verified = zhuqi(&["audit", "verify", "--db", db], dir);
    assert!(verified.status.success(), "{db}: {}", String::from_utf8_lossy(&verified.stderr));
    println!("{db}: {kills} kills, {} appeals acknowledged and found, {all} histories replayed", acked.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_write_survives_repeated_kills() {
    let kills: usize = std::env::var("ZHUQI_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(200);
    let dir = tempfile::tempdir().expect("dir");
    let mut dbs = vec![(format!("sqlite://{}", dir.path().join("kill.db").display()), None)];
    if let Some(admin) = support::db::pg_admin_url("every_acknowledged_write_survives_repeated_kills") {
        let (url, guard) = support::db::fresh_pg_database(&admin).await;
        dbs.push((url, Some(guard)));
    }
    for (db, _guard) in dbs {
        let out = zhuqi(&["demo", "--db", &db, "--enterprises", "20"], dir.path());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let started = Instant::now();
        let (db2, dir2) = (db.clone(), dir.path().to_owned());
        let acked = tokio::task::spawn_blocking(move || run_kills(&db2, &dir2, kills)).await.expect("harness");
        assert!(acked.len() >= kills, "{db}: only {} writes acknowledged in {kills} rounds", acked.len());
        check(&db, dir.path(), &acked, kills).await;
        println!("{db}: {:.1} s", started.elapsed().as_secs_f64());
    }
}
