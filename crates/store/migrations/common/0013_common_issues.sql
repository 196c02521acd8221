-- 共性问题 made first-class (issue 13, SPEC §3): an issue has a cause (原因), a lead unit (牵头单位) that answers it
-- and handles again what an enterprise rejects, the region of the office that keeps it, the answer given once for all
-- its appeals (集中解决) and who gave it, and a version against lost edits. Issues made before have no region: any
-- dispatcher who sees every appeal merged into one may resolve it.
ALTER TABLE common_issues ADD COLUMN cause TEXT NOT NULL DEFAULT '';
ALTER TABLE common_issues ADD COLUMN lead_unit_id BIGINT REFERENCES units (id);
ALTER TABLE common_issues ADD COLUMN region_code TEXT REFERENCES regions (code);
ALTER TABLE common_issues ADD COLUMN answer TEXT;
ALTER TABLE common_issues ADD COLUMN resolved_by BIGINT REFERENCES users (id);
ALTER TABLE common_issues ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
CREATE INDEX common_issues_region ON common_issues (region_code, created_at);
