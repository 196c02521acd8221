//! The `zhuqi` binary's own part: the command line, the HTTP server's accept loop, the background jobs, and the
//! operator's commands (users, audit, backup and restore, benchmarks, bulletins and ledgers from the shell).
//!
//! Layers, arrows pointing one way: `zhuqi_domain` (pure rules) ← `zhuqi_store` (SQLite/PostgreSQL) ← the feature
//! crates (`zhuqi_auth`, `zhuqi_reports`, `zhuqi_ledger`, `zhuqi_demo`, `zhuqi_api` ← `zhuqi_web`) ← this crate.

pub mod audit;
pub mod backup;
pub mod bench;
pub mod cli;
pub mod figures;
pub mod jobs;
pub mod ledger;
pub mod report;
pub mod server;
pub mod users;
