-- Nova's locked_by (issue 13): who locked a server, "owner" (its project) or "admin" (another project's admin); a
-- server an admin locked stays locked for its members (unlock_override).
ALTER TABLE instances ADD COLUMN locked_by text;
