-- 非公企业多元解纷 (issue 15): the dispute cases the chambers of commerce's workstations take in. A case is a work
-- item on the engine of appeals: its workflow columns (version … state) are written by `engine.rs`; `category_code`
-- holds its dispute type (合同纠纷, 劳动争议, …). `forum`, `mediator_id`, `outcome` and `agreed_fen` mirror the case's
-- own steps (移交转办, 结果反馈) for lists and figures; the outcome's date is `answered_at`.
CREATE TABLE disputes (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    -- the 多元解纷工作站 that took the case in, a unit
    workstation_id    INTEGER NOT NULL REFERENCES units (id),
    region_code       TEXT NOT NULL REFERENCES regions (code),
    -- 对方当事人: a person, a company outside the register, a public body
    other_party       TEXT NOT NULL,
    facts             TEXT NOT NULL,
    -- 涉及金额, in fen
    amount_fen        BIGINT NOT NULL CHECK (amount_fen >= 0),
    forum             TEXT,
    mediator_id       INTEGER REFERENCES users (id),
    outcome           TEXT,
    agreed_fen        BIGINT,
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
CREATE INDEX disputes_region ON disputes (region_code, created_at);
CREATE INDEX disputes_workstation ON disputes (workstation_id, created_at);
CREATE INDEX disputes_unit ON disputes (unit_id, resolve_due);
CREATE INDEX disputes_mediator ON disputes (mediator_id, resolve_due);

-- The enterprise parties of a case (one or more); the enterprise evaluates the service.
CREATE TABLE dispute_enterprises (
    dispute_id    INTEGER NOT NULL REFERENCES disputes (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    PRIMARY KEY (dispute_id, enterprise_id)
);
CREATE INDEX dispute_enterprises_enterprise ON dispute_enterprises (enterprise_id, dispute_id);

CREATE TABLE dispute_events (
    dispute_id    INTEGER NOT NULL REFERENCES disputes (id),
    seq           INTEGER NOT NULL,
    at            BIGINT NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    actor_role    TEXT NOT NULL,
    action        TEXT NOT NULL,
    payload       TEXT NOT NULL,
    PRIMARY KEY (dispute_id, seq)
) WITHOUT ROWID;

-- The engine keeps co-units for every kind; a case has none today, and the table keeps the kind's shape the same.
CREATE TABLE dispute_co_units (
    dispute_id INTEGER NOT NULL REFERENCES disputes (id),
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    since      BIGINT NOT NULL,
    signed_at  BIGINT,
    signed_by  INTEGER REFERENCES users (id),
    opinion_at BIGINT,
    PRIMARY KEY (dispute_id, unit_id)
);
