-- A policy's attachments (issue 16): the document as issued, its 申报指南, forms to fill in. Stored in the database like
-- an appeal's files, so that a backup holds the library whole. A file taken off a policy is marked removed, never
-- deleted: what an enterprise was once shown stays on record.
CREATE TABLE policy_files (
    id           INTEGER PRIMARY KEY,
    policy_id    INTEGER NOT NULL REFERENCES policies (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL CHECK (size > 0),
    sha256       TEXT NOT NULL,
    uploaded_by  INTEGER REFERENCES users (id),
    uploaded_at  BIGINT NOT NULL,
    data         BLOB NOT NULL,
    removed_at   BIGINT,
    removed_by   INTEGER REFERENCES users (id)
);
CREATE INDEX policy_files_policy ON policy_files (policy_id);
