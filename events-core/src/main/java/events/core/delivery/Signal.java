package events.core.delivery;

/** Wakes a worker thread: {@link #raise} makes the next (or current) {@link #await} return at once. */
final class Signal {
    private boolean raised;

    synchronized void raise() {
        raised = true;
        notifyAll();
    }

    /** Lowers the signal; returns whether it was raised. */
    synchronized boolean lower() {
        boolean was = raised;
        raised = false;
        return was;
    }

    /** Waits until raised or {@code millis} pass, then lowers the signal. */
    synchronized void await(long millis) throws InterruptedException {
        if (!raised && millis > 0) {
            wait(millis);
        }
        raised = false;
    }

    /** Sleeps {@code millis}, keeping an interrupt for the caller to see. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
