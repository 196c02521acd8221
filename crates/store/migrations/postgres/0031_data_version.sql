-- SQLite only (see sqlite/0031_data_version.sql): PostgreSQL names the data a snapshot sees with pg_current_snapshot.
SELECT 1;
