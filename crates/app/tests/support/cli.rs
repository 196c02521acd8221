//! Running the `zhuqi` binary as an operator would, and what a refusal must look like.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `zhuqi args…` in `dir`, without the caller's `ZHUQI_DB`.
pub fn zhuqi(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhuqi"))
        .args(args)
        .current_dir(dir)
        .env_remove("ZHUQI_DB")
        .output()
        .expect("run zhuqi")
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
