-- 包联 managed in the product (issue 13): a work group has a lead unit (牵头单位), is retired rather than deleted, and
-- carries a version against lost edits. An enterprise is served by one work group at a time: moving it is one row.
ALTER TABLE work_groups ADD COLUMN lead_unit_id INTEGER REFERENCES units (id);
ALTER TABLE work_groups ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE work_groups ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX work_groups_region ON work_groups (region_code);
CREATE UNIQUE INDEX work_group_enterprises_one ON work_group_enterprises (enterprise_id);
-- A cadre's scope starts from its memberships.
CREATE INDEX work_group_members_user ON work_group_members (user_id);
