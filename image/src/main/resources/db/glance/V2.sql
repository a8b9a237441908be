-- Image members (Glance v2 sharing): a project an image's owner shared it with, and what that project answered.
-- They count only while the image's visibility is 'shared'.
CREATE TABLE image_members (
  image_id uuid NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  member text NOT NULL,
  status text NOT NULL DEFAULT 'pending',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (image_id, member)
);
CREATE INDEX image_members_member ON image_members(member, status);
