package events.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.ports.DeliveryQueue;
import events.ports.DeliveryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link events.ports.DeliveryNodes} must have (see its javadoc): the dispatcher's lease and the delivering processes' heartbeats. An adapter's test extends this class
 * (or nests a class that does) and implements {@link #newStorage()}.
 */
public abstract class DeliveryNodesContract extends DeliveryStorageContract {
    @Test
    void oneHolderAtATimeHoldsTheDispatchLeaseUntilItRunsOut() {
        List<Storage> nodes = storagesSharingOneDatabase();
        DeliveryStore a = nodes.get(0).deliveries();
        DeliveryStore b = nodes.get(nodes.size() - 1).deliveries();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();

        assertThat(a.leaseDispatch(first, T0, T0.plusSeconds(10))).as("nobody held it").isTrue();
        assertThat(b.leaseDispatch(second, T0.plusSeconds(1), T0.plusSeconds(11))).as("first holds it").isFalse();
        assertThat(a.leaseDispatch(first, T0.plusSeconds(5), T0.plusSeconds(15))).as("renewed").isTrue();
        assertThat(b.leaseDispatch(second, T0.plusSeconds(14), T0.plusSeconds(24))).as("renewed to 15 s").isFalse();

        assertThat(b.leaseDispatch(second, T0.plusSeconds(16), T0.plusSeconds(26))).as("ran out at 15 s").isTrue();
        assertThat(a.leaseDispatch(first, T0.plusSeconds(17), T0.plusSeconds(27))).as("taken over").isFalse();
        assertThat(b.leaseDispatch(second, T0.plusSeconds(20), T0.plusSeconds(30))).isTrue();
    }

    @Test
    @Timeout(60)
    void concurrentHoldersTakeTheFreeDispatchLeaseExactlyOnce() throws Exception {
        List<Storage> nodes = storagesSharingOneDatabase();
        int n = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Boolean>> took = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                DeliveryStore store = nodes.get(i % nodes.size()).deliveries();
                UUID holder = UUID.randomUUID();
                took.add(pool.submit(() -> {
                    start.await();
                    return store.leaseDispatch(holder, T0, T0.plusSeconds(10));
                }));
            }
            start.countDown();
            int holders = 0;
            for (java.util.concurrent.Future<Boolean> f : took) {
                holders += f.get() ? 1 : 0;
            }
            assertThat(holders).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void heartbeatsListTheProcessesAliveUntilTheirTimeRunsOutOrTheyLeave() {
        List<Storage> nodes = storagesSharingOneDatabase();
        DeliveryStore a = nodes.get(0).deliveries();
        DeliveryStore b = nodes.get(nodes.size() - 1).deliveries();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();

        assertThat(a.heartbeat(first, T0, T0.plusSeconds(10))).containsExactly(first);
        assertThat(b.heartbeat(second, T0.plusSeconds(1), T0.plusSeconds(11))).containsExactlyInAnyOrder(first, second);
        assertThat(a.heartbeat(third, T0.plusSeconds(2), T0.plusSeconds(12)))
                .containsExactlyInAnyOrder(first, second, third);
        assertThat(a.heartbeat(first, T0.plusSeconds(5), T0.plusSeconds(15))).as("renewed")
                .containsExactlyInAnyOrder(first, second, third);

        b.leave(third);
        assertThat(b.heartbeat(second, T0.plusSeconds(6), T0.plusSeconds(16))).as("third left")
                .containsExactlyInAnyOrder(first, second);
        assertThat(b.heartbeat(second, T0.plusSeconds(15).plusMillis(1), T0.plusSeconds(25)))
                .as("first's time ran out at 15 s").containsExactly(second);
        assertThat(a.heartbeat(first, T0.plusSeconds(16), T0.plusSeconds(26))).as("first came back")
                .containsExactlyInAnyOrder(first, second);
    }
}
