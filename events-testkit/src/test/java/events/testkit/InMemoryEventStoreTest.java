package events.testkit;

import events.ports.EventStore;

class InMemoryEventStoreTest extends EventStoreContract {
    @Override
    protected EventStore newStore() {
        return new InMemoryEventStore();
    }
}
