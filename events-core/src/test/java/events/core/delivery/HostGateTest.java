package events.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HostGateTest {
    private final ExecutorService executor = Executors.newSingleThreadExecutor(); // runs in the order let through

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void letsAtMostSoManyYoungAttemptsThroughPerHostAndTheRestInOrderAsTheyEnd() throws InterruptedException {
        try (HostGate gate = new HostGate(2, Duration.ofMinutes(1), executor)) {
            List<HostGate.Ticket> running = new CopyOnWriteArrayList<>();
            List<Integer> order = new CopyOnWriteArrayList<>();
            CountDownLatch all = new CountDownLatch(5);
            for (int i = 0; i < 5; i++) {
                int n = i;
                gate.enter("http://a:80", t -> {
                    order.add(n);
                    running.add(t);
                    all.countDown();
                });
            }
            assertThat(order).containsExactly(0, 1);
            assertThat(gate.waiting()).isEqualTo(3);

            gate.ended(running.get(0));
            gate.ended(running.get(1));
            awaitCount(order, 4);
            gate.ended(running.get(2));
            assertThat(all.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactly(0, 1, 2, 3, 4);
            assertThat(gate.waiting()).isZero();
        }
    }

    @Test
    void hostsDoNotWaitForEachOther() {
        try (HostGate gate = new HostGate(1, Duration.ofMinutes(1), executor)) {
            List<String> sent = new ArrayList<>();
            gate.enter("http://a:80", t -> sent.add("a1"));
            gate.enter("http://a:80", t -> sent.add("a2"));
            gate.enter("http://a:81", t -> sent.add("a:81"));
            gate.enter("https://a:80", t -> sent.add("https a"));
            gate.enter("http://b:80", t -> sent.add("b"));
            assertThat(sent).containsExactly("a1", "a:81", "https a", "b");
            assertThat(gate.waiting()).isEqualTo(1);
        }
    }

    @Test
    void anAttemptThatDoesNotEndStopsCountingAfterItsAge() throws InterruptedException {
        try (HostGate gate = new HostGate(1, Duration.ofMillis(100), executor)) {
            CountDownLatch second = new CountDownLatch(1);
            gate.enter("http://a:80", t -> { }); // never ends
            long entered = System.nanoTime();
            gate.enter("http://a:80", t -> second.countDown());

            assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(System.nanoTime() - entered).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    @Test
    void closingRunsTheWaitingAttemptsSoThatTheyCanBeLetGo() {
        HostGate gate = new HostGate(1, Duration.ofMinutes(1), executor);
        List<String> ran = new ArrayList<>();
        gate.enter("http://a:80", t -> ran.add("first"));
        gate.enter("http://a:80", t -> ran.add("waiting"));
        gate.close();
        assertThat(ran).containsExactly("first", "waiting");
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void theHostOfAnEndpointIsItsSchemeNameAndPortTheSchemesByDefault() {
        assertThat(HostGate.hostOf(URI.create("https://Hooks.Example.com/a/b?c=d")))
                .isEqualTo(HostGate.hostOf(URI.create("https://hooks.example.com:443/e")))
                .isEqualTo("https://hooks.example.com:443");
        assertThat(HostGate.hostOf(URI.create("http://hooks.example.com/x"))).isEqualTo("http://hooks.example.com:80");
        assertThat(HostGate.hostOf(URI.create("https://hooks.example.com:8443/x")))
                .isEqualTo("https://hooks.example.com:8443");
        assertThat(HostGate.hostOf(URI.create("http://[::1]:9000/x"))).isEqualTo("http://[::1]:9000");
    }

    private static void awaitCount(List<?> list, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (list.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(list).hasSizeGreaterThanOrEqualTo(n);
    }
}
