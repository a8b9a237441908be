-- Fencing (README "Failure behaviour"): the scheduling attempt whose build the instance's host runs. The first update
-- from a host records host and attempt; the conductor refuses updates from any other host or attempt.
ALTER TABLE instances ADD COLUMN attempt int;
