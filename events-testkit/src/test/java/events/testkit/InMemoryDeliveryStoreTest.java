package events.testkit;

import java.util.List;
import org.junit.jupiter.api.Nested;

class InMemoryDeliveryStoreTest extends DeliveryQueueContract {
    @Override
    protected Storage newStorage() {
        InMemoryDeliveryStore deliveries = new InMemoryDeliveryStore();
        return new Storage(new InMemorySubscriptionStore(deliveries), deliveries);
    }

    /** The {@link DeliveryLogContract} on the same storage. */
    @Nested
    class Log extends DeliveryLogContract {
        @Override
        protected Storage newStorage() {
            return InMemoryDeliveryStoreTest.this.newStorage();
        }
    }

    /** The {@link DeliveryNodesContract} on the same storage. */
    @Nested
    class Nodes extends DeliveryNodesContract {
        @Override
        protected Storage newStorage() {
            return InMemoryDeliveryStoreTest.this.newStorage();
        }

        @Override
        protected List<Storage> storagesSharingOneDatabase() {
            return InMemoryDeliveryStoreTest.this.storagesSharingOneDatabase();
        }
    }
}
