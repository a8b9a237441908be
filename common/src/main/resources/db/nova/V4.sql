-- The outbox relay retries a row that Kafka did not take with a back-off, and after outbox.max.attempts (or at once
-- when Kafka can never take it) moves it to strato.dead-letters, so one bad row never holds back the rows behind it.
ALTER TABLE outbox ADD COLUMN attempts int NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE outbox ADD COLUMN last_error text;
