-- 政策推进清单 (issue 16): a policy being drafted is a task on the loop, handed out when the draft is recorded rather
-- than at a meeting. So a task's meeting becomes optional and a task may name the policy it drafts.
--
-- SQLite cannot drop a NOT NULL, so the table is rebuilt in this migration's transaction, where foreign keys cannot be
-- switched off. Renaming `tasks` would rewrite task_events' and task_co_units' references, so the rows are copied
-- aside instead, the table dropped — its children's references left dangling, counted as deferred violations — and
-- made again under the same name; putting the same ids back settles every violation before the commit checks them.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE tasks_before_0025 AS SELECT * FROM tasks;
DROP TABLE tasks;
CREATE TABLE tasks (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    -- the meeting that handed it out; none for a draft policy's task
    meeting_id        INTEGER REFERENCES meetings (id),
    region_code       TEXT NOT NULL REFERENCES regions (code),
    content           TEXT NOT NULL,
    -- 牵头市领导, as the meeting's list names them
    leader            TEXT NOT NULL,
    -- 预期成效
    expected          TEXT NOT NULL,
    -- 完成时限, when the meeting gave a date rather than a deadline policy
    due_on            TEXT,
    created_by        INTEGER REFERENCES users (id),
    version           INTEGER NOT NULL,
    status            TEXT NOT NULL,
    category_code     TEXT NOT NULL,
    level             TEXT,
    unit_id           INTEGER REFERENCES units (id),
    common_issue_id   INTEGER,
    rating            INTEGER,
    reopen_count      INTEGER NOT NULL,
    resolved          INTEGER NOT NULL CHECK (resolved IN (0, 1)),
    acknowledge_due   TEXT,
    reply_due         TEXT,
    resolve_due       TEXT,
    feedback_due      TEXT,
    created_at        BIGINT NOT NULL,
    submitted_at      BIGINT,
    first_assigned_at BIGINT,
    answered_at       BIGINT,
    closed_at         BIGINT,
    updated_at        BIGINT NOT NULL,
    on_time           BIGINT,
    work_days         BIGINT,
    first_reopened_at BIGINT,
    pending_extension BIGINT,
    state             TEXT NOT NULL,
    -- the draft policy this task is the drafting of (政策推进清单)
    policy_id         INTEGER REFERENCES policies (id)
);
INSERT INTO tasks (id, number, meeting_id, region_code, content, leader, expected, due_on, created_by, version,
    status, category_code, level, unit_id, common_issue_id, rating, reopen_count, resolved, acknowledge_due,
    reply_due, resolve_due, feedback_due, created_at, submitted_at, first_assigned_at, answered_at, closed_at,
    updated_at, on_time, work_days, first_reopened_at, pending_extension, state)
SELECT id, number, meeting_id, region_code, content, leader, expected, due_on, created_by, version,
    status, category_code, level, unit_id, common_issue_id, rating, reopen_count, resolved, acknowledge_due,
    reply_due, resolve_due, feedback_due, created_at, submitted_at, first_assigned_at, answered_at, closed_at,
    updated_at, on_time, work_days, first_reopened_at, pending_extension, state
FROM tasks_before_0025;
DROP TABLE tasks_before_0025;
CREATE INDEX tasks_meeting ON tasks (meeting_id, id);
CREATE INDEX tasks_unit ON tasks (unit_id, resolve_due);
CREATE INDEX tasks_region ON tasks (region_code, created_at);
CREATE INDEX tasks_policy ON tasks (policy_id) WHERE policy_id IS NOT NULL;
