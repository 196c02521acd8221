-- zhuqi foundation schema (SQLite). Instants are BIGINT microseconds since the Unix epoch (UTC); civil dates are
-- TEXT 'YYYY-MM-DD' in Asia/Shanghai. Flags are INTEGER 0/1 so that both backends read them alike.

CREATE TABLE zhuqi_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO zhuqi_meta (key, value) VALUES ('application', 'zhuqi'), ('appeal_prefix', 'ZQ');

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES regions (code),
    level       TEXT NOT NULL CHECK (level IN ('province', 'city', 'county'))
);

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    region_code TEXT NOT NULL REFERENCES regions (code)
);

CREATE TABLE categories (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES categories (code),
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE deadline_policies (
    code             TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    acknowledge_days INTEGER NOT NULL,
    reply_days       INTEGER NOT NULL,
    resolve_days     INTEGER NOT NULL,
    feedback_days    INTEGER NOT NULL
);

CREATE TABLE calendar_years (
    year      INTEGER PRIMARY KEY,
    data      TEXT NOT NULL,
    loaded_at BIGINT NOT NULL
);

CREATE TABLE enterprises (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    uscc          TEXT NOT NULL UNIQUE,
    region_code   TEXT NOT NULL REFERENCES regions (code),
    industry      TEXT NOT NULL,
    above_scale   INTEGER NOT NULL DEFAULT 0 CHECK (above_scale IN (0, 1)),
    small_micro   INTEGER NOT NULL DEFAULT 0 CHECK (small_micro IN (0, 1)),
    specialized   INTEGER NOT NULL DEFAULT 0 CHECK (specialized IN (0, 1)),
    little_giant  INTEGER NOT NULL DEFAULT 0 CHECK (little_giant IN (0, 1)),
    contact_name  TEXT,
    contact_phone TEXT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX enterprises_region ON enterprises (region_code);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 1 CHECK (must_change_password IN (0, 1)),
    region_code          TEXT REFERENCES regions (code),
    unit_id              INTEGER REFERENCES units (id),
    enterprise_id        INTEGER REFERENCES enterprises (id),
    phone                TEXT,
    created_at           BIGINT NOT NULL
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id),
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE work_groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    region_code TEXT NOT NULL REFERENCES regions (code)
);

CREATE TABLE work_group_members (
    work_group_id INTEGER NOT NULL REFERENCES work_groups (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (work_group_id, user_id)
);

-- 包联: which work group serves which enterprise.
CREATE TABLE work_group_enterprises (
    work_group_id INTEGER NOT NULL REFERENCES work_groups (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    PRIMARY KEY (work_group_id, enterprise_id)
);

CREATE TABLE common_issues (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    category_code TEXT NOT NULL REFERENCES categories (code),
    created_at    BIGINT NOT NULL,
    resolved_at   BIGINT
);

CREATE TABLE appeal_counters (
    prefix   TEXT NOT NULL,
    year     INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);

-- The columns after `version` are derived from `state` (the domain's Appeal, as JSON) when each event is written,
-- so that lists and figures can be queried with indexes; `state` itself is what the loop reads back.
CREATE TABLE appeals (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    enterprise_id     INTEGER NOT NULL REFERENCES enterprises (id),
    region_code       TEXT NOT NULL REFERENCES regions (code),
    channel           TEXT NOT NULL,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    amount_fen        BIGINT,
    created_by        INTEGER REFERENCES users (id),
    version           INTEGER NOT NULL,
    status            TEXT NOT NULL,
    category_code     TEXT NOT NULL REFERENCES categories (code),
    level             TEXT,
    unit_id           INTEGER REFERENCES units (id),
    common_issue_id   INTEGER REFERENCES common_issues (id),
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
    state             TEXT NOT NULL
);
-- Indexes hold only columns that a transition rarely changes: a commit then writes the appeal's page and its event's
-- page and nothing else (each page written costs more than all the rest of a transition). Status, version and the
-- step timestamps are filtered within these scopes, never indexed.
CREATE INDEX appeals_unit ON appeals (unit_id, resolve_due);
CREATE INDEX appeals_region ON appeals (region_code, submitted_at);
CREATE INDEX appeals_enterprise ON appeals (enterprise_id);

-- Append-only: one row per transition, written in the same transaction as the appeal's new state. Clustered on
-- (appeal_id, seq): a transition writes one B-tree page here, and an appeal's history is read in one range.
CREATE TABLE appeal_events (
    appeal_id     INTEGER NOT NULL REFERENCES appeals (id),
    seq           INTEGER NOT NULL,
    at            BIGINT NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    actor_role    TEXT NOT NULL,
    action        TEXT NOT NULL,
    payload       TEXT NOT NULL,
    PRIMARY KEY (appeal_id, seq)
) WITHOUT ROWID;
