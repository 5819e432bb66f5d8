package events.core;

import events.ports.DeliveryStore;
import events.ports.EventStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what is older than the retention period: deliveries and delivery attempts, then events, each in
 * batches of {@link #BATCH} rows with a pause after every batch, so that publishers and the delivery engine are
 * never held up for long. Runs on its own thread every {@link #INTERVAL}, in every process (processes sharing
 * storage delete the same old rows at worst twice over; nothing breaks).
 */
final class Retention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    /** Rows looked at per delete. */
    static final int BATCH = 1000;
    /** How often a pass runs. */
    static final Duration INTERVAL = Duration.ofMinutes(1);
    /** The pause after each batch. */
    private static final long PAUSE_MILLIS = 20;

    /** What one pass deleted. */
    record Pass(long events, long deliveryRows) {
    }

    private final EventStore events;
    private final DeliveryStore deliveries;
    private final Duration period;
    private final Clock clock;
    private ScheduledExecutorService timer;
    private volatile boolean open = true;

    /** @param deliveries null when the engine has no delivery store */
    Retention(EventStore events, DeliveryStore deliveries, Duration period, Clock clock) {
        this.events = events;
        this.deliveries = deliveries;
        this.period = period;
        this.clock = clock;
    }

    synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "events-retention");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runQuietly, INTERVAL.toMillis() / 6, INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            Pass pass = runOnce();
            if (pass.events() > 0 || pass.deliveryRows() > 0) {
                LOG.info("Retention ({}): deleted {} events and {} delivery rows", period, pass.events(),
                        pass.deliveryRows());
            }
        } catch (RuntimeException e) {
            LOG.warn("Retention could not delete old rows; trying again in {}: {}", INTERVAL, e.toString());
        }
    }

    /** Deletes everything due now, batch by batch. */
    Pass runOnce() {
        Instant cutoff = clock.instant().minus(period);
        long deliveryRows = 0;
        if (deliveries != null) {
            for (int n; open && (n = deliveries.deleteBefore(cutoff, BATCH)) > 0; ) {
                deliveryRows += n;
                pause();
            }
        }
        // An event the dispatcher has not reached yet is kept: its deliveries are still to be queued.
        long dispatched = deliveries == null ? Long.MAX_VALUE : deliveries.dispatchCursor();
        long deletedEvents = 0;
        for (int n; open && (n = events.deleteStoredBefore(cutoff, dispatched, BATCH)) > 0; ) {
            deletedEvents += n;
            pause();
        }
        return new Pass(deletedEvents, deliveryRows);
    }

    private void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            open = false;
        }
    }

    /** Stops after the batch being deleted (no interrupt: an embedded H2 closes its file on one during I/O). */
    @Override
    public synchronized void close() {
        open = false;
        if (timer != null) {
            timer.shutdown();
            try {
                timer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
