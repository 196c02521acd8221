-- PostgreSQL only (see postgres/0034_region_statistics.sql): SQLite plans without statistics.
SELECT 1;
