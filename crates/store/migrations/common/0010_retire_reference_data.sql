-- A city keeps its reference data itself (issue 13): regions, units, categories and deadline policies are renamed and
-- retired (停用) rather than deleted, since appeals, projects and figures name them. A retired one is no longer offered
-- for new records and stays readable in old ones. Two names alike under one parent are refused.
ALTER TABLE regions ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE units ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE categories ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE deadline_policies ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
CREATE UNIQUE INDEX regions_name ON regions (COALESCE(parent_code, ''), name);
CREATE UNIQUE INDEX categories_name ON categories (COALESCE(parent_code, ''), name);
CREATE UNIQUE INDEX deadline_policies_name ON deadline_policies (name);
