package events.ports;

/**
 * All a delivery engine needs from storage: its queue, its log and its processes' bookkeeping, which one adapter
 * provides together (they share transactions: deleting a subscription deletes its deliveries and attempts).
 */
public interface DeliveryStore extends DeliveryQueue, DeliveryLog, DeliveryNodes {
}
