//! Schema migrations, embedded in the binary and applied in order on start, each in its own transaction. A database
//! written by a newer zhuqi is refused rather than misread.

use super::{Tx, params};
use crate::{Backend, Result, StoreError};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "access_and_audit",
        sqlite: include_str!("../../migrations/sqlite/0002_access_and_audit.sql"),
        postgres: include_str!("../../migrations/postgres/0002_access_and_audit.sql"),
    },
    Migration {
        version: 3,
        name: "list_indexes",
        // Plain indexes: one text serves both databases.
        sqlite: include_str!("../../migrations/common/0003_list_indexes.sql"),
        postgres: include_str!("../../migrations/common/0003_list_indexes.sql"),
    },
    Migration {
        version: 4,
        name: "attachments_visits",
        // BLOB against BYTEA and the id columns differ: one text each.
        sqlite: include_str!("../../migrations/sqlite/0004_attachments_visits.sql"),
        postgres: include_str!("../../migrations/postgres/0004_attachments_visits.sql"),
    },
    Migration {
        version: 5,
        name: "figure_index",
        sqlite: include_str!("../../migrations/common/0005_figure_index.sql"),
        postgres: include_str!("../../migrations/common/0005_figure_index.sql"),
    },
    Migration {
        version: 6,
        name: "figures",
        sqlite: include_str!("../../migrations/common/0006_figures.sql"),
        postgres: include_str!("../../migrations/common/0006_figures.sql"),
    },
    Migration {
        version: 7,
        name: "projects",
        sqlite: include_str!("../../migrations/sqlite/0007_projects.sql"),
        postgres: include_str!("../../migrations/postgres/0007_projects.sql"),
    },
    Migration {
        version: 8,
        name: "work_groups",
        sqlite: include_str!("../../migrations/sqlite/0008_work_groups.sql"),
        postgres: include_str!("../../migrations/postgres/0008_work_groups.sql"),
    },
    Migration {
        version: 9,
        name: "pending_extension",
        sqlite: include_str!("../../migrations/sqlite/0009_pending_extension.sql"),
        postgres: include_str!("../../migrations/postgres/0009_pending_extension.sql"),
    },
    Migration {
        version: 10,
        name: "retire_reference_data",
        sqlite: include_str!("../../migrations/common/0010_retire_reference_data.sql"),
        postgres: include_str!("../../migrations/common/0010_retire_reference_data.sql"),
    },
    Migration {
        version: 11,
        name: "idempotency_keys",
        sqlite: include_str!("../../migrations/common/0011_idempotency_keys.sql"),
        postgres: include_str!("../../migrations/common/0011_idempotency_keys.sql"),
    },
    Migration {
        version: 12,
        name: "co_handling",
        sqlite: include_str!("../../migrations/sqlite/0012_co_handling.sql"),
        postgres: include_str!("../../migrations/postgres/0012_co_handling.sql"),
    },
    Migration {
        version: 13,
        name: "common_issues",
        sqlite: include_str!("../../migrations/common/0013_common_issues.sql"),
        postgres: include_str!("../../migrations/common/0013_common_issues.sql"),
    },
    Migration {
        version: 14,
        name: "list_pages",
        sqlite: include_str!("../../migrations/common/0014_list_pages.sql"),
        postgres: include_str!("../../migrations/common/0014_list_pages.sql"),
    },
    Migration {
        version: 15,
        name: "status_and_action_indexes",
        sqlite: include_str!("../../migrations/common/0015_status_and_action_indexes.sql"),
        postgres: include_str!("../../migrations/common/0015_status_and_action_indexes.sql"),
    },
    Migration {
        version: 16,
        name: "sign_in_failures_by_address",
        sqlite: include_str!("../../migrations/common/0016_sign_in_failures_by_address.sql"),
        postgres: include_str!("../../migrations/common/0016_sign_in_failures_by_address.sql"),
    },
    Migration {
        version: 17,
        name: "password_history",
        sqlite: include_str!("../../migrations/common/0017_password_history.sql"),
        postgres: include_str!("../../migrations/common/0017_password_history.sql"),
    },
    Migration {
        version: 18,
        name: "second_factor_and_expiry",
        sqlite: include_str!("../../migrations/common/0018_second_factor_and_expiry.sql"),
        postgres: include_str!("../../migrations/common/0018_second_factor_and_expiry.sql"),
    },
    Migration {
        version: 19,
        name: "audit_retention",
        sqlite: include_str!("../../migrations/sqlite/0019_audit_retention.sql"),
        postgres: include_str!("../../migrations/postgres/0019_audit_retention.sql"),
    },
    Migration {
        version: 20,
        name: "meetings_and_tasks",
        sqlite: include_str!("../../migrations/sqlite/0020_meetings_and_tasks.sql"),
        postgres: include_str!("../../migrations/postgres/0020_meetings_and_tasks.sql"),
    },
    Migration {
        version: 21,
        name: "disputes",
        sqlite: include_str!("../../migrations/sqlite/0021_disputes.sql"),
        postgres: include_str!("../../migrations/postgres/0021_disputes.sql"),
    },
    Migration {
        version: 22,
        name: "dispute_figures_index",
        sqlite: include_str!("../../migrations/common/0022_dispute_figures_index.sql"),
        postgres: include_str!("../../migrations/common/0022_dispute_figures_index.sql"),
    },
    Migration {
        version: 23,
        name: "policies",
        sqlite: include_str!("../../migrations/sqlite/0023_policies.sql"),
        postgres: include_str!("../../migrations/postgres/0023_policies.sql"),
    },
    Migration {
        version: 24,
        name: "policy_deliveries",
        sqlite: include_str!("../../migrations/sqlite/0024_policy_deliveries.sql"),
        postgres: include_str!("../../migrations/postgres/0024_policy_deliveries.sql"),
    },
    Migration {
        version: 25,
        name: "policy_drafting_tasks",
        sqlite: include_str!("../../migrations/sqlite/0025_policy_drafting_tasks.sql"),
        postgres: include_str!("../../migrations/postgres/0025_policy_drafting_tasks.sql"),
    },
    Migration {
        version: 26,
        name: "policy_files",
        sqlite: include_str!("../../migrations/sqlite/0026_policy_files.sql"),
        postgres: include_str!("../../migrations/postgres/0026_policy_files.sql"),
    },
    Migration {
        version: 27,
        name: "appeal_facts",
        // WITHOUT ROWID on SQLite only.
        sqlite: include_str!("../../migrations/sqlite/0027_appeal_facts.sql"),
        postgres: include_str!("../../migrations/postgres/0027_appeal_facts.sql"),
    },
    Migration {
        version: 28,
        name: "appeal_outlook_facts",
        sqlite: include_str!("../../migrations/common/0028_appeal_outlook_facts.sql"),
        postgres: include_str!("../../migrations/common/0028_appeal_outlook_facts.sql"),
    },
    Migration {
        version: 29,
        name: "appeal_fact_shards",
        sqlite: include_str!("../../migrations/sqlite/0029_appeal_fact_shards.sql"),
        postgres: include_str!("../../migrations/postgres/0029_appeal_fact_shards.sql"),
    },
    Migration {
        version: 30,
        name: "audit_chains",
        sqlite: include_str!("../../migrations/sqlite/0030_audit_chains.sql"),
        postgres: include_str!("../../migrations/postgres/0030_audit_chains.sql"),
    },
    Migration {
        version: 31,
        name: "data_version",
        sqlite: include_str!("../../migrations/sqlite/0031_data_version.sql"),
        postgres: include_str!("../../migrations/postgres/0031_data_version.sql"),
    },
    Migration {
        version: 32,
        name: "fact_pages",
        sqlite: include_str!("../../migrations/sqlite/0032_fact_pages.sql"),
        postgres: include_str!("../../migrations/postgres/0032_fact_pages.sql"),
    },
    Migration {
        version: 33,
        name: "category_level_index",
        sqlite: include_str!("../../migrations/common/0033_category_level_index.sql"),
        postgres: include_str!("../../migrations/common/0033_category_level_index.sql"),
    },
    Migration {
        version: 34,
        name: "region_statistics",
        sqlite: include_str!("../../migrations/sqlite/0034_region_statistics.sql"),
        postgres: include_str!("../../migrations/postgres/0034_region_statistics.sql"),
    },
    Migration {
        version: 35,
        name: "open_item_indexes",
        sqlite: include_str!("../../migrations/common/0035_open_item_indexes.sql"),
        postgres: include_str!("../../migrations/common/0035_open_item_indexes.sql"),
    },
    Migration {
        version: 36,
        name: "narrow_sums",
        sqlite: include_str!("../../migrations/sqlite/0036_narrow_sums.sql"),
        postgres: include_str!("../../migrations/postgres/0036_narrow_sums.sql"),
    },
    Migration {
        version: 37,
        name: "overdue_spans",
        sqlite: include_str!("../../migrations/common/0037_overdue_spans.sql"),
        postgres: include_str!("../../migrations/common/0037_overdue_spans.sql"),
    },
];

/// The versions already applied, creating the bookkeeping table on first use.
pub(crate) fn applied(tx: &mut Tx<'_>) -> Result<Vec<i64>> {
    tx.batch(
        "CREATE TABLE IF NOT EXISTS zhuqi_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )?;
    tx.query("SELECT version FROM zhuqi_migrations ORDER BY version", &[])?.iter().map(|r| r.int(0)).collect()
}

/// The newest schema version this program knows.
pub(crate) fn newest_known() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Applies one pending migration inside `tx`; returns false when none is left.
pub(crate) fn apply_next(backend: Backend, tx: &mut Tx<'_>) -> Result<bool> {
    let done = applied(tx)?;
    if let Some(v) = done.iter().find(|v| **v > newest_known()) {
        return Err(StoreError::Migration(format!(
            "数据库结构版本 {v} 比本程序新，请升级助企通 / the database schema {v} is newer than this program"
        )));
    }
    let Some(next) = MIGRATIONS.iter().find(|m| !done.contains(&m.version)) else { return Ok(false) };
    tx.batch(match backend {
        Backend::Sqlite => next.sqlite,
        Backend::Postgres => next.postgres,
    })
    .map_err(|e| StoreError::Migration(format!("{} {}: {e}", next.version, next.name)))?;
    let now = zhuqi_domain::time::to_micros(jiff::Timestamp::now());
    tx.execute(
        "INSERT INTO zhuqi_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        params![next.version, next.name, now],
    )?;
    Ok(true)
}
