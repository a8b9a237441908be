-- Revocation events by project (disabled, deleted), by user on a project (role assignment removed) and by role
-- (deleted); a token matches an event when it has every id the event names.
ALTER TABLE revocations ADD COLUMN project_id text, ADD COLUMN role_id text;
CREATE INDEX revocations_user_tokens ON revocations(user_id) WHERE audit_id IS NOT NULL;
CREATE INDEX revocations_issued_before ON revocations(issued_before);
