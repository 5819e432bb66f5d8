package events.core;

/** Wakes a worker thread: {@link #raise} makes the next (or current) {@link #await} return at once. */
final class Signal {
    private boolean raised;

    synchronized void raise() {
        raised = true;
        notifyAll();
    }

    /** Waits until raised or {@code millis} pass, then lowers the signal. */
    synchronized void await(long millis) throws InterruptedException {
        if (!raised && millis > 0) {
            wait(millis);
        }
        raised = false;
    }
}
