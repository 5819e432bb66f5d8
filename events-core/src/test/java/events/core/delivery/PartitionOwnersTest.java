package events.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.EndpointPartitions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PartitionOwnersTest {

    private static List<UUID> nodes(int n) {
        return IntStream.range(0, n).mapToObj(i -> UUID.randomUUID()).toList();
    }

    @Test
    void aProcessAloneOwnsEveryPartition() {
        UUID self = UUID.randomUUID();

        assertThat(PartitionOwners.ownedBy(self, List.of(self)).isAll()).isTrue();
        assertThat(PartitionOwners.ownedBy(self, List.of()).isAll()).as("not yet in the list it read").isTrue();
    }

    @Test
    void everyPartitionHasExactlyOneOwnerAmongTheProcessesAliveWhicheverOfThemWorksItOut() {
        for (int n = 2; n <= 7; n++) {
            List<UUID> alive = nodes(n);
            long union = 0;
            int total = 0;
            for (UUID self : alive) {
                EndpointPartitions mine = PartitionOwners.ownedBy(self, alive);
                assertThat(union & mine.bits()).as("no partition owned twice").isZero();
                union |= mine.bits();
                total += mine.size();
            }
            assertThat(union).isEqualTo(EndpointPartitions.ALL.bits());
            assertThat(total).isEqualTo(EndpointPartitions.COUNT);
        }
    }

    @Test
    void partitionsSpreadOverTheProcessesAndOnlyTheLeaversMoveWhenOneLeaves() {
        int fewest = Integer.MAX_VALUE;
        for (int round = 0; round < 50; round++) {
            List<UUID> alive = nodes(3);
            for (UUID self : alive) {
                fewest = Math.min(fewest, PartitionOwners.ownedBy(self, alive).size());
            }
            List<UUID> after = new ArrayList<>(alive.subList(0, 2));
            for (UUID stays : after) {
                EndpointPartitions before = PartitionOwners.ownedBy(stays, alive);
                EndpointPartitions now = PartitionOwners.ownedBy(stays, after);
                assertThat(before.lacksSomeOf(now) || before.equals(now)).isTrue();
                assertThat(now.lacksSomeOf(before)).as("a process that stays keeps what it owned").isFalse();
            }
        }
        // 64 partitions over 3 processes: about 21 each; a share under 8 in 150 tries would mean a poor hash
        assertThat(fewest).isGreaterThanOrEqualTo(8);
    }

    @Test
    void endpointPartitionsAreStableAndSpread() {
        // Partitions are stored with subscriptions: the function must give the same answer in every version.
        assertThat(EndpointPartitions.partitionOf("https://hooks.example.com/events")).isEqualTo(57);
        assertThat(EndpointPartitions.partitionOf("http://127.0.0.1:9/hook")).isEqualTo(11);
        long distinct = IntStream.range(0, 640)
                .map(i -> EndpointPartitions.partitionOf("https://hooks.example.com/d/" + i)).distinct().count();
        assertThat(distinct).isEqualTo(EndpointPartitions.COUNT);
    }
}
