-- Lists are newest first by registration time (ORDER BY created_at DESC, id DESC) within a scope or filter. Each index
-- ends in (created_at, id), so a page of 50 is read straight off it, and a date range is a range on it. created_at
-- never changes and unit_id and category_code only on assign or return, so an ordinary transition writes no index page.
DROP INDEX appeals_unit;
DROP INDEX appeals_region;
DROP INDEX appeals_enterprise;
CREATE INDEX appeals_created ON appeals (created_at, id);
CREATE INDEX appeals_unit ON appeals (unit_id, created_at, id);
CREATE INDEX appeals_region ON appeals (region_code, created_at, id);
CREATE INDEX appeals_enterprise ON appeals (enterprise_id, created_at, id);
CREATE INDEX appeals_category ON appeals (category_code, created_at, id);
-- The open items (not closed, withdrawn, invalid or merged): a few percent of a year's appeals, and the ones staff
-- filter by status and light. Keyed without the status, so moving between open statuses never touches it; an item
-- leaves it once, when it ends.
CREATE INDEX appeals_open ON appeals (created_at, id) WHERE closed_at IS NULL;
-- The same for a unit's workbench and a county's board: their open items, whatever the status, without reading the
-- thousands of items they closed before. Touched when an item is assigned, returned or ends.
CREATE INDEX appeals_unit_open ON appeals (unit_id, created_at, id) WHERE closed_at IS NULL;
CREATE INDEX appeals_region_open ON appeals (region_code, created_at, id) WHERE closed_at IS NULL;
-- The two rare open statuses that boards ask for most (待补充材料, 重办): a few hundred items among tens of thousands
-- open. Entered and left by a few transitions only (request_material, supply_material, reject, acknowledge).
CREATE INDEX appeals_waiting ON appeals (created_at, id) WHERE status = 'waiting';
CREATE INDEX appeals_reopened ON appeals (created_at, id) WHERE status = 'reopened';
