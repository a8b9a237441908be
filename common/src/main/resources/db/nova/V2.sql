-- Batch provisioning through Kafka (strato.boot-batches -> strato.instance-events).

-- Where an instance came from when a batch booted it. The client's idempotency key is unique per project for ever
-- (deleted instances included): replaying the topic never creates a second server for the same key.
ALTER TABLE instances ADD COLUMN batch_id text, ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX instances_idempotency ON instances(project_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- One row per accepted batch (a refused batch leaves nothing behind, so a forged batch cannot take a batch id).
-- The counters are bumped once per entry as it ends; ended_at is set by the bump that completes the batch, which
-- therefore publishes batch.end exactly once. entries_digest tells a redelivery from a different batch reusing the id.
CREATE TABLE boot_batches (
  project_id text NOT NULL,
  batch_id text NOT NULL,
  user_id text NOT NULL,
  entries int NOT NULL CHECK (entries > 0),
  entries_digest text NOT NULL,
  request_id text,
  active int NOT NULL DEFAULT 0,
  error int NOT NULL DEFAULT 0,
  deleted int NOT NULL DEFAULT 0,
  refused int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  PRIMARY KEY (project_id, batch_id)
);

-- What became of each entry: the instance it booted (or re-used, for a key seen before), and once it ended, how:
-- active, error, deleted (before it was ever active) or refused (never booted; fault {code, message} says why).
CREATE TABLE boot_batch_entries (
  project_id text NOT NULL,
  batch_id text NOT NULL,
  idempotency_key text NOT NULL,
  instance_id uuid,
  outcome text CHECK (outcome IN ('active', 'error', 'deleted', 'refused')),
  fault jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  PRIMARY KEY (project_id, batch_id, idempotency_key),
  FOREIGN KEY (project_id, batch_id) REFERENCES boot_batches(project_id, batch_id) ON DELETE CASCADE
);
CREATE INDEX boot_batch_entries_instance ON boot_batch_entries(instance_id) WHERE outcome IS NULL;

-- Counts one ended entry of a batch, in the caller's transaction. The single-row UPDATE serialises concurrent
-- callers on the batch's row, so exactly one of them sees ended_at go from NULL to set: it publishes batch.end.
-- Answers the batch row after the count (ended_at IS NOT NULL: this call completed it); no row once ended.
CREATE FUNCTION count_batch_entry(p_project text, p_batch text, p_outcome text) RETURNS SETOF boot_batches
LANGUAGE sql SET search_path FROM CURRENT AS $$
  UPDATE boot_batches SET
      active = active + (p_outcome = 'active')::int,
      error = error + (p_outcome = 'error')::int,
      deleted = deleted + (p_outcome = 'deleted')::int,
      refused = refused + (p_outcome = 'refused')::int,
      ended_at = CASE WHEN active + error + deleted + refused + 1 >= entries THEN now() END
    WHERE project_id = p_project AND batch_id = p_batch AND ended_at IS NULL
    RETURNING *
$$;

-- An instance's build ended (active, error, or deleted while building): ends every batch entry waiting on it, once
-- (outcome IS NULL guards redeliveries), and answers the batches those entries completed.
CREATE FUNCTION end_instance_entries(p_instance uuid, p_outcome text) RETURNS SETOF boot_batches
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  e record;
BEGIN
  FOR e IN UPDATE boot_batch_entries SET outcome = p_outcome, ended_at = now()
      WHERE instance_id = p_instance AND outcome IS NULL RETURNING project_id, batch_id LOOP
    RETURN QUERY SELECT * FROM count_batch_entry(e.project_id, e.batch_id, p_outcome) b WHERE b.ended_at IS NOT NULL;
  END LOOP;
END
$$;
