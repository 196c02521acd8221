-- Key projects (重点项目, SPEC §7): the ledger, its facts (dated stage changes, monthly investment reports, annual
-- plans), the 三个一批 batches, the quarterly observations (季观摩) and counted programmes. Money is in fen (BIGINT):
-- a province's sums stay exact.

CREATE TABLE projects (
    id               INTEGER PRIMARY KEY,
    -- 项目编号: the ledger's key, kept across export and import.
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    region_code      TEXT NOT NULL REFERENCES regions (code),
    industry         TEXT NOT NULL,
    -- 业主单位 as named, linked to a registered enterprise when there is one.
    owner            TEXT NOT NULL,
    enterprise_id    INTEGER REFERENCES enterprises (id),
    -- 责任单位: its handlers report the monthly investment.
    unit_id          INTEGER REFERENCES units (id),
    total_investment BIGINT NOT NULL CHECK (total_investment >= 0),
    leader           TEXT NOT NULL,
    team             TEXT NOT NULL,
    plan             TEXT NOT NULL,
    whitelist        BIGINT NOT NULL DEFAULT 0 CHECK (whitelist IN (0, 1)),
    -- The current stage and the day it was reached: the last row of project_stage_changes, kept here for lists.
    stage            TEXT NOT NULL,
    stage_on         TEXT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX projects_region ON projects (region_code, code);
CREATE INDEX projects_unit ON projects (unit_id) WHERE unit_id IS NOT NULL;
CREATE INDEX projects_enterprise ON projects (enterprise_id) WHERE enterprise_id IS NOT NULL;

-- Every stage a project went through, dated; the stage as of a past day is the last change up to it.
CREATE TABLE project_stage_changes (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    from_stage  TEXT,
    to_stage    TEXT NOT NULL,
    changed_on  TEXT NOT NULL,
    reason      TEXT,
    recorded_by INTEGER REFERENCES users (id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX project_stage_changes_project ON project_stage_changes (project_id, changed_on, id);

-- 年度计划投资 per project and year.
CREATE TABLE project_plans (
    project_id INTEGER NOT NULL REFERENCES projects (id),
    year       BIGINT NOT NULL,
    planned    BIGINT NOT NULL CHECK (planned >= 0),
    PRIMARY KEY (project_id, year)
);

-- 月报: the cumulative completed investment (累计完成投资) at the end of each month reported. Keyed so that the figure
-- of a project as of any month is one index seek.
CREATE TABLE investment_reports (
    project_id      INTEGER NOT NULL REFERENCES projects (id),
    month           TEXT NOT NULL,
    cumulative      BIGINT NOT NULL CHECK (cumulative >= 0),
    override_reason TEXT,
    reported_by     INTEGER REFERENCES users (id),
    reported_at     BIGINT NOT NULL,
    PRIMARY KEY (project_id, month)
);

-- 三个一批: a batch, and each project's list on it (签约/开工/投产).
CREATE TABLE batches (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    region_code TEXT NOT NULL REFERENCES regions (code),
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE TABLE batch_projects (
    batch_id   INTEGER NOT NULL REFERENCES batches (id),
    project_id INTEGER NOT NULL REFERENCES projects (id),
    list       TEXT NOT NULL CHECK (list IN ('sign', 'start', 'produce')),
    PRIMARY KEY (batch_id, project_id)
);
CREATE INDEX batch_projects_project ON batch_projects (project_id);

-- 季观摩: an observation of a quarter, its weights and flag rule (JSON), and the scores (hundredths, 0–100).
CREATE TABLE observations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    period      TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    weights     TEXT NOT NULL,
    rule        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (region_code, period)
);
CREATE TABLE observation_scores (
    observation_id INTEGER NOT NULL REFERENCES observations (id),
    project_id     INTEGER NOT NULL REFERENCES projects (id),
    criterion      TEXT NOT NULL,
    score          BIGINT NOT NULL CHECK (score BETWEEN 0 AND 10000),
    PRIMARY KEY (observation_id, project_id, criterion)
);

-- Counted programmes with a yearly target, and their monthly cumulative counts.
CREATE TABLE programmes (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    year        BIGINT NOT NULL,
    unit_label  TEXT NOT NULL,
    target      BIGINT NOT NULL CHECK (target > 0),
    created_at  BIGINT NOT NULL,
    UNIQUE (name, region_code, year)
);
CREATE TABLE programme_reports (
    programme_id INTEGER NOT NULL REFERENCES programmes (id),
    month        TEXT NOT NULL,
    done         BIGINT NOT NULL CHECK (done >= 0),
    reported_at  BIGINT NOT NULL,
    PRIMARY KEY (programme_id, month)
);

-- A project's problems are appeals linked to it.
ALTER TABLE appeals ADD COLUMN project_id INTEGER REFERENCES projects (id);
CREATE INDEX appeals_project ON appeals (project_id) WHERE project_id IS NOT NULL;
