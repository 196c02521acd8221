-- Issue 14, SPEC §9: audit records are kept at least six months. A record may be deleted once it is older than 184
-- days (six calendar months at most), by `zhuqi audit purge`, which records where the kept chain starts; a younger one
-- never. Updates stay refused.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.at > (CAST(strftime('%s', 'now') AS INTEGER) - 184 * 86400) * 1000000
BEGIN SELECT RAISE(ABORT, '审计记录至少保存 6 个月 / audit records are kept at least six months'); END;
