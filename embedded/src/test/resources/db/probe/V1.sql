CREATE TABLE things (id text PRIMARY KEY, n int NOT NULL);
