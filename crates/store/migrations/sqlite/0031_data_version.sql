-- The writer's commits, counted: a result read at one count is still exact at the same count (`memo`, issue 17).
-- PostgreSQL names its snapshots itself (pg_current_snapshot) and needs no table.
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    commits BIGINT NOT NULL
);
INSERT INTO data_version (id, commits) VALUES (1, 0);
