-- One process dispatches at a time: the one holding the lease on the dispatch cursor's row (several dispatchers
-- would each push the same new events before their compare-and-set decided which one queued them).
ALTER TABLE delivery_cursor ADD COLUMN lease_holder UUID;
ALTER TABLE delivery_cursor ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
