//! Issue 14, finding 6: zhuqi talks to PostgreSQL over TLS when the URL says `sslmode=require` or `verify-full`,
//! against the test server itself with a certificate made here by openssl for 127.0.0.1 (installed into the server
//! once, in a directory that outlives the test, since the server keeps pointing at it).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::*;
use zhuqi_store::{DbUrl, Store, StoreError};

const DIR: &str = "/var/lib/postgresql/zhuqi-test-tls";

fn openssl(args: &[&str], dir: &Path) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl (apt-get install openssl)");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A certificate authority `name` in `dir`: name.pem and name.key.
fn make_ca(dir: &Path, name: &str) {
    openssl(
        &["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj", &format!("/CN={name}")]
            .iter()
            .copied()
            .chain(["-keyout", &format!("{name}.key"), "-out", &format!("{name}.pem")])
            .collect::<Vec<_>>(),
        dir,
    );
}

/// The server's certificate for 127.0.0.1 and localhost, signed by the CA `ca`; the server set to use it.
fn serve_tls(admin: &str) -> PathBuf {
    let dir = Path::new(DIR);
    if !dir.join("server.pem").exists() {
        std::fs::create_dir_all(dir).expect("dir");
        make_ca(dir, "ca");
        openssl(
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ],
            dir,
        );
        std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n").expect("ext");
        openssl(
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "3650",
                "-extfile",
                "san.ext",
                "-out",
                "server.pem",
            ],
            dir,
        );
        // The server reads its key only if no one else can.
        let chown = Command::new("chown").args(["-R", "postgres:postgres", DIR]).status().expect("chown");
        assert!(chown.success(), "the test runs as root to hand the key to the postgres user");
        let chmod = Command::new("chmod").args(["600", &format!("{DIR}/server.key")]).status().expect("chmod");
        assert!(chmod.success());
    }
    let cert = format!("{DIR}/server.pem");
    let shown = pg_query(admin, "SHOW ssl_cert_file");
    if shown != cert {
        for sql in [
            "ALTER SYSTEM SET ssl = on".to_owned(),
            format!("ALTER SYSTEM SET ssl_cert_file = '{cert}'"),
            format!("ALTER SYSTEM SET ssl_key_file = '{DIR}/server.key'"),
            "SELECT pg_reload_conf()".to_owned(),
        ] {
            pg_admin(admin, &sql).expect("configure TLS");
        }
        // The reload is asynchronous: wait until the server shows its new certificate.
        for _ in 0..50 {
            if pg_query(admin, "SHOW ssl_cert_file") == cert {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    dir.join("ca.pem")
}

/// One text value from the server.
fn pg_query(url: &str, sql: &str) -> String {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        c.query_one(&sql, &[]).expect("query").get::<_, String>(0)
    })
    .join()
    .expect("thread")
}

/// Whether every connection to `database` that calls itself `app` is encrypted, and how many there are.
fn encrypted(admin: &str, database: &str, app: &str) -> (bool, i64) {
    let (admin, database, app) = (admin.to_owned(), database.to_owned(), app.to_owned());
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).expect("connect");
        let row = c
            .query_one(
                "SELECT coalesce(bool_and(s.ssl), false), count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a \
                 USING (pid) WHERE a.datname = $1 AND a.application_name = $2",
                &[&database, &app],
            )
            .expect("query");
        (row.get(0), row.get(1))
    })
    .join()
    .expect("thread")
}

async fn open(url: String) -> Result<Store, StoreError> {
    Store::open(&url.parse::<DbUrl>()?).await
}

#[tokio::test]
async fn postgres_is_reached_over_tls_when_the_url_asks_and_a_wrong_certificate_is_refused() {
    let Some(admin) = pg_admin_url("postgres_over_tls") else { return };
    let ca = tokio::task::spawn_blocking({
        let admin = admin.clone();
        move || serve_tls(&admin)
    })
    .await
    .expect("tls setup");
    let (url, _guard) = fresh_pg_database(&admin).await;
    let database = url.rsplit('/').next().expect("name").to_owned();
    let url = url.replace("localhost", "127.0.0.1");

    let plain = open(format!("{url}?application_name=plain")).await.expect("plain");
    let (all, n) = encrypted(&admin, &database, "plain");
    assert!(!all && n > 0, "without sslmode: plain TCP ({n} connections)");
    plain.close().await;

    let verified = open(format!("{url}?application_name=verified&sslmode=verify-full&sslrootcert={}", ca.display()))
        .await
        .expect("verify-full");
    let (all, n) = encrypted(&admin, &database, "verified");
    assert!(all && n > 0, "verify-full: every connection encrypted ({n})");
    verified.close().await;

    let required = open(format!("{url}?sslmode=require&application_name=required")).await.expect("require");
    assert!(encrypted(&admin, &database, "required").0, "require: encrypted");
    required.close().await;

    // A certificate authority the server's certificate does not come from: refused, nothing opened.
    let other = tempfile::tempdir().expect("dir");
    make_ca(other.path(), "other");
    let untrusted = format!("{url}?sslmode=verify-full&sslrootcert={}", other.path().join("other.pem").display());
    let Err(refused) = open(untrusted).await else { panic!("an unknown issuer is refused") };
    assert!(refused.to_string().contains("UnknownIssuer"), "{refused}");
    for (query, says) in [
        ("sslmode=verify-full", "sslrootcert"),
        ("sslmode=verify-ca", "verify-full"),
        ("sslmode=prefer", "verify-full"),
        ("sslmode=verify-full&sslrootcert=/nonexistent.pem", "根证书"),
    ] {
        let e = open(format!("{url}?{query}")).await.err().unwrap_or_else(|| panic!("{query} refused"));
        assert!(e.to_string().contains(says), "{query}: {e}");
    }
}
