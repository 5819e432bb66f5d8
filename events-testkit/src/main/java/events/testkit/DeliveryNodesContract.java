package events.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import events.ports.DeliveryStore;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link events.ports.DeliveryNodes} must have (see its javadoc): the delivering processes' heartbeats. An adapter's test extends this class
 * (or nests a class that does) and implements {@link #newStorage()}.
 */
public abstract class DeliveryNodesContract extends DeliveryStorageContract {
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
