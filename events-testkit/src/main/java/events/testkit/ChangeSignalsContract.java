package events.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import events.ports.ChangeSignals;
import events.ports.ChangeSignals.Change;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ChangeSignals} must have (see its javadoc). An adapter's test extends this class and
 * says how to open the signals of one more process on the same storage.
 */
public abstract class ChangeSignalsContract {
    /** How long a signal may take to arrive. */
    protected static final Duration ARRIVAL = Duration.ofSeconds(5);
    private final List<ChangeSignals> opened = new ArrayList<>();

    /** The signals of a new process sharing storage with every other one this test opened. */
    protected abstract ChangeSignals newProcess();

    private ChangeSignals process() {
        ChangeSignals s = newProcess();
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(ChangeSignals::close);
    }

    /** What {@code signals} hears, in order. */
    protected static BlockingQueue<Change> heard(ChangeSignals signals) {
        BlockingQueue<Change> heard = new LinkedBlockingQueue<>();
        for (Change c : Change.values()) {
            signals.listen(c, () -> heard.add(c));
        }
        return heard;
    }

    /** Announces until the listener is surely subscribed (a listener may start listening asynchronously). */
    protected static void announceUntilHeard(ChangeSignals from, Change change, BlockingQueue<Change> heard)
            throws InterruptedException {
        long deadline = System.nanoTime() + ARRIVAL.toNanos();
        while (System.nanoTime() < deadline) {
            from.announce(change);
            Change c = heard.poll(100, TimeUnit.MILLISECONDS);
            if (c != null) {
                assertThat(c).isEqualTo(change);
                return;
            }
        }
        throw new AssertionError(change + " was not heard within " + ARRIVAL);
    }

    @Test
    void anotherProcessHearsEachKindOfChange() throws InterruptedException {
        ChangeSignals a = process();
        ChangeSignals b = process();
        BlockingQueue<Change> atB = heard(b);

        announceUntilHeard(a, Change.EVENTS, atB);
        drain(atB);
        for (Change change : List.of(Change.SUBSCRIPTIONS, Change.POLICIES, Change.EVENTS)) {
            a.announce(change);
            assertThat(atB.poll(ARRIVAL.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(change);
            drain(atB);
        }
    }

    @Test
    void aProcessDoesNotHearItsOwnAnnouncements() throws InterruptedException {
        ChangeSignals a = process();
        ChangeSignals b = process();
        BlockingQueue<Change> atA = heard(a);
        BlockingQueue<Change> atB = heard(b);

        announceUntilHeard(a, Change.POLICIES, atB);
        // b's announcement travels the same way as a's own: once a hears it, a's own would have arrived too.
        announceUntilHeard(b, Change.SUBSCRIPTIONS, atA);
        assertThat(atA).doesNotContain(Change.POLICIES);
    }

    @Test
    void everyOtherProcessHearsAnAnnouncement() throws InterruptedException {
        ChangeSignals a = process();
        ChangeSignals b = process();
        ChangeSignals c = process();
        BlockingQueue<Change> atB = heard(b);
        BlockingQueue<Change> atC = heard(c);

        announceUntilHeard(a, Change.EVENTS, atB);
        assertThat(atC.poll(ARRIVAL.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(Change.EVENTS);
    }

    @Test
    void manyAnnouncementsInQuickSuccessionAreHeardAtLeastOnceAfterTheLast() throws InterruptedException {
        ChangeSignals a = process();
        ChangeSignals b = process();
        BlockingQueue<Change> atB = heard(b);
        BlockingQueue<Long> heardAt = new LinkedBlockingQueue<>();
        b.listen(Change.EVENTS, () -> heardAt.add(System.nanoTime()));
        announceUntilHeard(a, Change.EVENTS, atB);
        drain(atB);

        long lastAnnounced = 0;
        for (int i = 0; i < 1000; i++) {
            a.announce(Change.EVENTS);
            lastAnnounced = System.nanoTime();
        }
        // Coalescing may merge the burst into few signals, but one must come after the last announcement:
        // a listener that acts on it then sees every change announced.
        long deadline = System.nanoTime() + ARRIVAL.toNanos();
        boolean after = false;
        while (!after && System.nanoTime() < deadline) {
            Long at = heardAt.poll(100, TimeUnit.MILLISECONDS);
            after = at != null && at > lastAnnounced;
        }
        assertThat(after).as("a signal heard after the last announcement").isTrue();
    }

    /** Waits until nothing more arrives for 200 ms. */
    protected static void drain(BlockingQueue<Change> q) throws InterruptedException {
        while (q.poll(200, TimeUnit.MILLISECONDS) != null) {
            // wait until nothing more arrives
        }
    }
}
