package events.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
    /** Long enough that a test waiting this long for a group has failed; never waited in a passing run. */
    private static final Duration LONG = Duration.ofSeconds(30);
    /** Long enough for a writer that does not linger to write a group. */
    private static final Duration SHORT = Duration.ofMillis(200);
    /** The item whose write waits for {@link #release}, so that what is added meanwhile queues up. */
    private static final String HOLD = "hold";

    private final BlockingQueue<List<String>> written = new LinkedBlockingQueue<>();
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<GroupCommit<String>> started = new ArrayList<>();

    @AfterEach
    void close() {
        release.countDown();
        started.forEach(commit -> commit.close(LONG));
    }

    @Test
    void groupsWhatArrivesWhileAWriteIsRunning() throws Exception {
        GroupCommit<String> commit = start(GroupCommit.builder("test-writer", this::write));

        hold(commit);
        add(commit, "a", "b", "c");
        release.countDown();

        assertThat(nextGroup()).containsExactly("a", "b", "c");
    }

    @Test
    void writesAGroupAtOnceUnlessToldToLinger() throws Exception {
        GroupCommit<String> commit = start(GroupCommit.builder("test-writer", this::write));

        add(commit, "a");
        assertThat(nextGroup()).containsExactly("a");
        add(commit, "b");
        assertThat(nextGroup()).containsExactly("b");
    }

    @Test
    void lingersForMoreUntilTheGroupWeighsEnough() throws Exception {
        GroupCommit<String> commit = start(GroupCommit.<String>builder("test-writer", this::write)
                .linger(LONG, item -> 1, 2));

        add(commit, "a");
        assertThat(written.poll(SHORT.toMillis(), TimeUnit.MILLISECONDS)).isNull(); // "a" waits for company
        add(commit, "b");

        assertThat(nextGroup()).containsExactly("a", "b"); // at once: the group weighs enough
    }

    @Test
    void lingersOnlyAfterAGroupOfSeveralWhenToldSo() throws Exception {
        GroupCommit<String> commit = start(GroupCommit.<String>builder("test-writer", this::write)
                .linger(LONG, item -> 1, 2)
                .lingerOnlyAfterSeveral());

        add(commit, "a"); // a lone caller: written at once, without waiting for a second item
        assertThat(nextGroup()).containsExactly("a");
        hold(commit);
        add(commit, "b", "c");
        release.countDown();
        assertThat(nextGroup()).containsExactly("b", "c");
        add(commit, "d");
        assertThat(written.poll(SHORT.toMillis(), TimeUnit.MILLISECONDS)).isNull(); // the group before held several
        add(commit, "e");

        assertThat(nextGroup()).containsExactly("d", "e");
    }

    @Test
    void aTooBigItemIsAGroupAloneAndAnItemThatDoesNotFitStartsTheNextGroup() throws Exception {
        GroupCommit<String> commit = start(GroupCommit.<String>builder("test-writer", this::write)
                .limit(item -> 1, 3)
                .limit(String::length, 10));

        hold(commit);
        add(commit, "aaaaaaaaaaaa", "bb", "ccccc", "dddd", "e", "f", "g");
        release.countDown();

        assertThat(nextGroup()).containsExactly("aaaaaaaaaaaa"); // 12 characters: more than any group holds
        assertThat(nextGroup()).containsExactly("bb", "ccccc"); // "dddd" would make 11 characters
        assertThat(nextGroup()).containsExactly("dddd", "e", "f"); // "g" would make 4 items
        assertThat(nextGroup()).containsExactly("g");
    }

    @Test
    void aWriteThatThrowsLosesOnlyItsGroup() throws Exception {
        GroupCommit<String> commit = start(GroupCommit.<String>builder("test-writer", group -> {
            if (group.contains("bad")) {
                throw new IllegalStateException("cannot write " + group);
            }
            write(group);
        }).limit(item -> 1, 1));

        add(commit, "bad", "good");

        assertThat(nextGroup()).containsExactly("good");
    }

    @Test
    void closeWritesWhatWasAddedBeforeAndRefusesMore() throws Exception {
        GroupCommit<String> commit = start(GroupCommit.builder("test-writer", this::write));
        hold(commit);
        add(commit, "a", "b");

        assertThat(commit.close(Duration.ZERO)).isFalse(); // still writing "hold"
        assertThat(commit.add("c")).isFalse();
        release.countDown();

        assertThat(commit.close(LONG)).isTrue();
        assertThat(written).containsExactly(List.of(HOLD), List.of("a", "b"));
    }

    @Test
    void closeEndsALingerAtOnce() throws Exception {
        GroupCommit<String> commit = start(GroupCommit.<String>builder("test-writer", this::write)
                .linger(LONG.multipliedBy(10), item -> 1, 2));
        add(commit, "a");

        assertThat(commit.close(LONG)).isTrue();
        assertThat(written).containsExactly(List.of("a"));
    }

    @Test
    void closeHandsWhatIsNotWrittenWithinItsWaitToTheRejectCallback() throws Exception {
        List<String> rejected = new ArrayList<>();
        GroupCommit<String> commit = start(GroupCommit.<String>builder("test-writer", this::write)
                .rejectOnClose(rejected::addAll));
        hold(commit);
        add(commit, "a", "b");

        assertThat(commit.close(Duration.ZERO)).isFalse(); // still writing "hold"
        assertThat(rejected).containsExactly("a", "b");
        assertThat(commit.add("c")).isFalse();
        release.countDown();

        assertThat(commit.close(LONG)).isTrue();
        assertThat(written).containsExactly(List.of(HOLD));
        assertThat(rejected).containsExactly("a", "b");
    }

    @Test
    void closeWithARejectCallbackStillWritesWhatTheWriterReachesWithinItsWait() throws Exception {
        List<String> rejected = new ArrayList<>();
        GroupCommit<String> commit = start(GroupCommit.<String>builder("test-writer", this::write)
                .rejectOnClose(rejected::addAll));
        hold(commit);
        add(commit, "a", "b");
        release.countDown();

        assertThat(commit.close(LONG)).isTrue();
        assertThat(rejected).isEmpty();
        assertThat(written.stream().flatMap(List::stream)).containsExactly(HOLD, "a", "b");
        assertThat(commit.add("c")).isFalse();
    }

    private GroupCommit<String> start(GroupCommit.Builder<String> builder) {
        GroupCommit<String> commit = builder.start();
        started.add(commit);
        return commit;
    }

    /** Records the group; the group holding {@link #HOLD} is recorded once {@link #release} opens. */
    private void write(List<String> group) {
        if (group.contains(HOLD)) {
            holding.countDown();
            await(release);
        }
        written.add(List.copyOf(group));
    }

    /** Adds {@link #HOLD} and waits until the writer is writing it. */
    private void hold(GroupCommit<String> commit) throws InterruptedException {
        assertThat(commit.add(HOLD)).isTrue();
        assertThat(holding.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    private static void add(GroupCommit<String> commit, String... items) {
        for (String item : items) {
            assertThat(commit.add(item)).isTrue();
        }
    }

    /** The next group written after {@link #HOLD}'s, waiting for it. */
    private List<String> nextGroup() throws InterruptedException {
        List<String> group = written.poll(LONG.toSeconds(), TimeUnit.SECONDS);
        assertThat(group).as("a group written within %s", LONG).isNotNull();
        return group.equals(List.of(HOLD)) ? nextGroup() : group;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
