-- 重点工作周交办 (issue 15): the government's weekly meetings and the tasks each hands out. A task is a work item on
-- the engine of appeals: its workflow columns (version … state) are the appeals' and are written by the same code
-- (`engine.rs`); `category_code` holds its area (经济运行, 项目建设, 营商环境优化, …).
CREATE TABLE meetings (
    id          INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions (code),
    -- 市政府2026年第10次重点工作周交办会议
    title       TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    chair       TEXT NOT NULL,
    attendees   TEXT NOT NULL,
    created_by  INTEGER REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    UNIQUE (region_code, title)
);
CREATE INDEX meetings_held ON meetings (region_code, held_on);

CREATE TABLE tasks (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    meeting_id        INTEGER NOT NULL REFERENCES meetings (id),
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
    state             TEXT NOT NULL
);
CREATE INDEX tasks_meeting ON tasks (meeting_id, id);
CREATE INDEX tasks_unit ON tasks (unit_id, resolve_due);
CREATE INDEX tasks_region ON tasks (region_code, created_at);

CREATE TABLE task_events (
    task_id       INTEGER NOT NULL REFERENCES tasks (id),
    seq           INTEGER NOT NULL,
    at            BIGINT NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    actor_role    TEXT NOT NULL,
    action        TEXT NOT NULL,
    payload       TEXT NOT NULL,
    PRIMARY KEY (task_id, seq)
) WITHOUT ROWID;

CREATE TABLE task_co_units (
    task_id    INTEGER NOT NULL REFERENCES tasks (id),
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    since      BIGINT NOT NULL,
    signed_at  BIGINT,
    signed_by  INTEGER REFERENCES users (id),
    opinion_at BIGINT,
    PRIMARY KEY (task_id, unit_id)
);
CREATE INDEX task_co_units_unit ON task_co_units (unit_id, task_id);
