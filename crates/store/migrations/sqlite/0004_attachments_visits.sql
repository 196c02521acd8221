-- Attachments of appeals, cadres' visits (走访), and what the dispatcher's merge form reads.

-- The files themselves live in the database, not beside it: a backup, a restore and a transaction hold an appeal and
-- its files together, and the file is never half written. `data` is the last column: SQLite stores a large value
-- across overflow pages and reads them only when a column at or after it is asked for, so listing the files of an
-- appeal (every column but `data`) reads none of the bytes.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    appeal_id    INTEGER NOT NULL REFERENCES appeals (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL CHECK (size > 0),
    sha256       TEXT NOT NULL,
    uploaded_by  INTEGER NOT NULL REFERENCES users (id),
    uploaded_at  BIGINT NOT NULL,
    data         BLOB NOT NULL
);
CREATE INDEX attachments_appeal ON attachments (appeal_id);

-- 走访: a cadre's visit to an enterprise it serves. Read per enterprise (its history) and per cadre (its week), newest
-- day first.
CREATE TABLE visits (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    cadre_user_id INTEGER NOT NULL REFERENCES users (id),
    visited_on    TEXT NOT NULL,
    notes         TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX visits_enterprise ON visits (enterprise_id, visited_on);
CREATE INDEX visits_cadre ON visits (cadre_user_id, visited_on);

-- The appeals merged into each common issue, counted on the merge form. Partial: the few merged appeals only, so no
-- other transition ever writes to it.
CREATE INDEX appeals_common_issue ON appeals (common_issue_id) WHERE common_issue_id IS NOT NULL;
