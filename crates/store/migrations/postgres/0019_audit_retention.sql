-- Issue 14, SPEC §9: audit records are kept at least six months. A record may be deleted once it is older than 184
-- days (six calendar months at most), by `zhuqi audit purge`, which records where the kept chain starts; a younger one
-- never. Updates and TRUNCATE stay refused.
DROP TRIGGER audit_log_no_change ON audit_log;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE FUNCTION audit_log_keep_young() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.at > (EXTRACT(EPOCH FROM now())::BIGINT - 184 * 86400) * 1000000 THEN
        RAISE EXCEPTION '审计记录至少保存 6 个月 / audit records are kept at least six months';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER audit_log_no_young_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_keep_young();
