-- 协办 (issue 13, SPEC §3): the units co-handling an appeal see it, sign for it and give their opinions (协办意见),
-- which the lead unit reads before answering. The co-units of the current assignment are kept in a table derived from
-- the appeal's state (like its columns), so that a unit's scope is one indexed lookup; their opinions are records of
-- their own, kept when a reassignment changes the co-units.
CREATE TABLE appeal_co_units (
    appeal_id  INTEGER NOT NULL REFERENCES appeals (id),
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    since      BIGINT NOT NULL,
    signed_at  BIGINT,
    signed_by  INTEGER REFERENCES users (id),
    opinion_at BIGINT,
    PRIMARY KEY (appeal_id, unit_id)
);
CREATE INDEX appeal_co_units_unit ON appeal_co_units (unit_id, appeal_id);
INSERT INTO appeal_co_units (appeal_id, unit_id, since)
    SELECT a.id, j.value, COALESCE(a.first_assigned_at, a.updated_at)
    FROM appeals a, json_each(a.state, '$.co_unit_ids') j;

CREATE TABLE co_opinions (
    id         INTEGER PRIMARY KEY,
    appeal_id  INTEGER NOT NULL REFERENCES appeals (id),
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    text       TEXT NOT NULL,
    written_by INTEGER NOT NULL REFERENCES users (id),
    written_at BIGINT NOT NULL
);
CREATE INDEX co_opinions_appeal ON co_opinions (appeal_id, id);

-- Files travel with the steps where people exchange them (supplied material, a reply, an answer, an opinion): the
-- step is named with each file; a file of an opinion names it.
ALTER TABLE attachments ADD COLUMN step TEXT;
ALTER TABLE attachments ADD COLUMN co_opinion_id INTEGER REFERENCES co_opinions (id);
