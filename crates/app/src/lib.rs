//! The zhuqi application: the command line, the HTTP server, the demo city, the background jobs.
//!
//! Layers: `zhuqi_domain` (pure rules) ← `zhuqi_store` (SQLite/PostgreSQL) ← this crate (CLI, HTTP, jobs).

pub mod bench;
pub mod cli;
pub mod demo;
pub mod jobs;
pub mod password;
pub mod web;
