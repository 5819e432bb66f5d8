-- Runs unchanged on H2 2.x and PostgreSQL 12+.

-- A poll filtered by subject or alternative subject reads only that subject's events, in order: without these,
-- it read every event of the resource to find them (a caller who may not see them made the whole table be read).
CREATE INDEX events_resource_subject_seq ON events (resource, subject, seq);
CREATE INDEX events_resource_alternative_subject_seq ON events (resource, alternative_subject, seq);
