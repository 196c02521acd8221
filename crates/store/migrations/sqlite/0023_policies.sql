-- 惠企政策 (issue 16, SPEC §8). The facts about an enterprise that a policy's conditions read (成立日期, 从业人数,
-- 营业收入档, 纳税信用等级, 高新技术企业), each unknown until somebody records it; and the policy library.
ALTER TABLE enterprises ADD COLUMN high_tech INTEGER NOT NULL DEFAULT 0 CHECK (high_tech IN (0, 1));
ALTER TABLE enterprises ADD COLUMN registered_on TEXT;
ALTER TABLE enterprises ADD COLUMN employees INTEGER CHECK (employees >= 0);
ALTER TABLE enterprises ADD COLUMN revenue_band TEXT;
ALTER TABLE enterprises ADD COLUMN tax_credit TEXT;

-- A policy. `conditions` is the JSON of `zhuqi_domain::policy::Conditions`; `unit_id` is the unit that answers for
-- it (drafts it, grants it); `region_code` is where it applies. `status` drafting → published → repealed.
CREATE TABLE policies (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    issuer         TEXT NOT NULL,
    level          TEXT NOT NULL,
    doc_number     TEXT NOT NULL DEFAULT '',
    region_code    TEXT NOT NULL REFERENCES regions (code),
    unit_id        INTEGER NOT NULL REFERENCES units (id),
    status         TEXT NOT NULL,
    valid_from     TEXT NOT NULL,
    valid_to       TEXT,
    -- 推进清单: the day a draft is due to be issued
    due_on         TEXT,
    benefit_kind   TEXT NOT NULL,
    benefit        TEXT NOT NULL DEFAULT '',
    -- the most one enterprise may be granted, in fen
    cap_fen        BIGINT CHECK (cap_fen >= 0),
    -- 免申即享: granted to every enterprise that qualifies, without an application
    no_application INTEGER NOT NULL DEFAULT 0 CHECK (no_application IN (0, 1)),
    conditions     TEXT NOT NULL,
    body           TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER REFERENCES users (id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX policies_region ON policies (region_code, status);
CREATE INDEX policies_unit ON policies (unit_id, status);
