-- 政策送达与兑现 (issue 16): one record per policy and enterprise, with the day of each step, so that "delivered,
-- claimed, granted by day D" is counted from the record alone. `stage` is `zhuqi_domain::policy::delivery::
-- DeliveryStage`: proposed (a 免申即享 grant list line) or delivered → claimed → granted or refused.
CREATE TABLE policy_deliveries (
    id            INTEGER PRIMARY KEY,
    policy_id     INTEGER NOT NULL REFERENCES policies (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    stage         TEXT NOT NULL,
    proposed_on   TEXT,
    delivered_on  TEXT,
    channel       TEXT,
    intention     TEXT,
    note          TEXT NOT NULL DEFAULT '',
    delivered_by  INTEGER REFERENCES users (id),
    claimed_on    TEXT,
    claimed_fen   BIGINT CHECK (claimed_fen >= 0),
    claimed_by    INTEGER REFERENCES users (id),
    decided_on    TEXT,
    granted_fen   BIGINT CHECK (granted_fen >= 0),
    reason        TEXT NOT NULL DEFAULT '',
    decided_by    INTEGER REFERENCES users (id),
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (policy_id, enterprise_id)
);
CREATE INDEX policy_deliveries_enterprise ON policy_deliveries (enterprise_id);

-- An enterprise's question about a policy is an appeal of category 政策兑现 that names the policy.
ALTER TABLE appeals ADD COLUMN policy_id INTEGER REFERENCES policies (id);
CREATE INDEX appeals_policy ON appeals (policy_id) WHERE policy_id IS NOT NULL;
