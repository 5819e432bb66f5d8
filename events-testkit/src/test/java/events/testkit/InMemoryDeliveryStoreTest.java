package events.testkit;

class InMemoryDeliveryStoreTest extends DeliveryStoreContract {
    @Override
    protected Storage newStorage() {
        InMemoryDeliveryStore deliveries = new InMemoryDeliveryStore();
        return new Storage(new InMemorySubscriptionStore(deliveries), deliveries);
    }
}
