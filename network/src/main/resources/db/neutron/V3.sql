-- A port create may carry an Idempotency-Key (the compute agent sends the port's deterministic name): one port per
-- (project, key). A second create with the key, even one sent at the same time, answers the port the first made.
ALTER TABLE ports ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX ports_idempotency ON ports(project_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
