-- Failed sign-ins are counted per address (issue 14): the latest of one address are found on this index alone.
CREATE INDEX audit_log_source ON audit_log (source, action, at);
