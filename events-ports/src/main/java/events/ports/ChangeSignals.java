package events.ports;

/**
 * Tells the other processes that share the same storage (server nodes on one PostgreSQL) that this one changed
 * something, and this one what they changed, so that a push or a change takes effect on every node at once
 * instead of after a polling interval. A signal carries no data: the listener reads what changed from storage.
 * A process hears what is announced after its signals were opened. A signal may be lost (a process dies between its commit and the signal, or the connection carrying them
 * breaks), so users keep polling storage now and then as a fallback; after a lost connection is restored the
 * implementation calls every listener once, since changes may have been missed meanwhile.
 */
public interface ChangeSignals extends AutoCloseable {

    /** What changed. */
    enum Change {
        /** Events were appended. */
        EVENTS,
        /** Subscriptions were created, deleted or changed status. */
        SUBSCRIPTIONS,
        /** Policies were written or deleted. */
        POLICIES,
        /**
         * Deliveries became due now that another process may own (see {@code DeliveryQueue#claimDue}): redriven
         * ones; a validation queued for an endpoint partition the queueing process does not own.
         */
        DELIVERIES
    }

    /** For a single process: announces go nowhere and listeners are never called. */
    ChangeSignals NONE = new ChangeSignals() {
        @Override
        public void announce(Change change) {
        }

        @Override
        public void listen(Change change, Runnable listener) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * Tells the other processes, after the change has committed. Returns at once and never throws;
     * announcements made in quick succession may be coalesced into one signal.
     */
    void announce(Change change);

    /**
     * Calls {@code listener} on the implementation's own thread each time another process announces
     * {@code change} (not for this process's own announcements). Listeners must return quickly.
     */
    void listen(Change change, Runnable listener);

    /** Stops listening and announcing. */
    @Override
    void close();
}
