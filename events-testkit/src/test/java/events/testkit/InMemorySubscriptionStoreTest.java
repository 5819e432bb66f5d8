package events.testkit;

import events.ports.SubscriptionStore;

class InMemorySubscriptionStoreTest extends SubscriptionStoreContract {
    @Override
    protected SubscriptionStore newStore() {
        return new InMemorySubscriptionStore();
    }
}
