//! Running the `zhuqi` binary as an operator would, and what a refusal must look like.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// Runs `zhuqi args…` in `dir`, without the caller's `ZHUQI_DB`.
pub fn zhuqi(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhuqi"))
        .args(args)
        .current_dir(dir)
        .env_remove("ZHUQI_DB")
        .output()
        .expect("run zhuqi")
}

/// `zhuqi serve` on `db` in `dir`, on a free port, once it says it is serving: the process and its address.
pub fn serve(db: &str, dir: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhuqi"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db", db])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("banner");
    let addr = line.split("://").nth(1).and_then(|r| r.split_whitespace().next()).expect("address").to_owned();
    (child, addr)
}

/// Fails unless the command failed with exactly one line on stderr that contains `expected`, in Chinese and English,
/// and no panic.
pub fn assert_one_line_error(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "should fail: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected: {stderr}");
    assert!(lines[0].contains(expected), "expected «{expected}» in: {stderr}");
    assert!(lines[0].contains(" / "), "Chinese and English: {stderr}");
}

/// The session cookie (`zhuqi_session=…`) a raw HTTP answer to `POST /api/v1/session` sets.
pub fn session_cookie(answer: &str) -> String {
    answer
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no session cookie in {answer}"))
        .to_owned()
}
