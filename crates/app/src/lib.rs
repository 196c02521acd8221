//! The zhuqi application: the command line, the HTTP server, the demo city, the background jobs.
//!
//! Layers: `zhuqi_domain` (pure rules) ← `zhuqi_store` (SQLite/PostgreSQL) ← this crate (CLI, HTTP, jobs).

pub mod api;
pub mod audit;
pub mod backup;
pub mod bench;
pub mod cli;
pub mod demo;
pub mod disposition;
pub mod jobs;
pub mod ledger;
pub mod password;
pub mod report;
pub mod second_factor;
pub mod server;
mod svg;
pub mod users;
pub mod web;

/// Today in Asia/Shanghai: the date every deadline and light is judged against.
pub fn today() -> jiff::civil::Date {
    zhuqi_domain::time::local_date(jiff::Timestamp::now())
}
