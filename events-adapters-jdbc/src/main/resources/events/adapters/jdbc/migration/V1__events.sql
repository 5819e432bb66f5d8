-- Runs unchanged on H2 2.x and PostgreSQL 12+.

-- The last sequence given to an event. Writers lock this row (by updating it) for the whole
-- appending transaction, so sequences are assigned in commit order, also with several nodes.
CREATE TABLE event_sequence (
    id       INTEGER PRIMARY KEY,
    last_seq BIGINT  NOT NULL
);
INSERT INTO event_sequence (id, last_seq) VALUES (1, 0);

CREATE TABLE events (
    seq                 BIGINT       PRIMARY KEY,
    -- the first 128 bits of SHA-256 of (source, id): the duplicate key, 16 bytes whatever the length of
    -- source and id (UUID is the 16-byte type both databases store and compare natively)
    dedup_key           UUID         NOT NULL,
    spec_version        VARCHAR      NOT NULL,
    event_id            VARCHAR      NOT NULL,
    source              VARCHAR      NOT NULL,
    event_type          VARCHAR      NOT NULL,
    subject             VARCHAR,
    event_time          VARCHAR,
    data_content_type   VARCHAR,
    data_schema         VARCHAR,
    resource            VARCHAR      NOT NULL,
    resource_instance   VARCHAR,
    alternative_subject VARCHAR,
    -- JSON object of the extensions not held in their own column (values keep their JSON types)
    extensions          VARCHAR,
    data_json           VARCHAR,
    data_base64         VARCHAR,
    stored_at           TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT events_dedup_key UNIQUE (dedup_key)
);

CREATE INDEX events_resource_seq ON events (resource, seq);
