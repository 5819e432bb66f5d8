-- Several delivering processes share out the endpoint partitions (events.domain.EndpointPartitions): each attempts
-- only the deliveries to endpoints in the partitions it owns, so that all attempts to one endpoint come from one
-- process and its per-endpoint concurrency bound holds for the whole cluster.

-- The delivering processes alive: each writes its row every second; one whose alive_until has passed is gone.
CREATE TABLE delivery_nodes (
    node_id     UUID                     PRIMARY KEY,
    alive_until TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The partition of the subscription's end_point. Filled for existing rows by V6 (computed in Java), then NOT NULL.
ALTER TABLE subscriptions ADD COLUMN endpoint_partition SMALLINT;
