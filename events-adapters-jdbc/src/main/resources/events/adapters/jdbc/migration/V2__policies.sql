-- Runs unchanged on H2 2.x (MODE=PostgreSQL) and PostgreSQL 12+.

-- The policy store's revision. Every write bumps it first, which locks this row until commit: policy
-- writers, from this or any other node, run one after the other.
CREATE TABLE policy_revision (
    id       INTEGER PRIMARY KEY,
    revision BIGINT  NOT NULL
);
INSERT INTO policy_revision (id, revision) VALUES (1, 0);

-- One access policy per resource; revision is the policy_revision of its last write.
CREATE TABLE policies (
    resource   VARCHAR                  PRIMARY KEY,
    -- VARCHAR without a length: up to 1 GB on PostgreSQL, 1 000 000 000 characters on H2 2.5
    document   VARCHAR                  NOT NULL,
    revision   BIGINT                   NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
