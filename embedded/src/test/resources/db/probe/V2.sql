ALTER TABLE things ADD COLUMN note text;
INSERT INTO things(id, n, note) VALUES ('a', 1, 'seed');
