-- 政策推进清单 (issue 16): a policy being drafted is a task on the loop, handed out when the draft is recorded rather
-- than at a meeting. So a task's meeting becomes optional and a task may name the policy it drafts.
ALTER TABLE tasks ALTER COLUMN meeting_id DROP NOT NULL;
ALTER TABLE tasks ADD COLUMN policy_id BIGINT REFERENCES policies (id);
CREATE INDEX tasks_policy ON tasks (policy_id) WHERE policy_id IS NOT NULL;
