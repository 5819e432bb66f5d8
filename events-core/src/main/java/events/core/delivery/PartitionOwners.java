package events.core.delivery;

import events.domain.EndpointPartitions;
import java.util.Collection;
import java.util.UUID;

/**
 * Shares the endpoint partitions out among the delivering processes alive by rendezvous hashing: each partition
 * goes to the process with the highest score for it. Every process that sees the same processes alive computes
 * the same owners, with no coordination; when one joins or leaves, only about a share of the partitions moves.
 */
final class PartitionOwners {
    private PartitionOwners() {
    }

    /** The partitions {@code self} owns when {@code alive} (with or without {@code self}) are the processes alive. */
    static EndpointPartitions ownedBy(UUID self, Collection<UUID> alive) {
        long bits = 0;
        for (int p = 0; p < EndpointPartitions.COUNT; p++) {
            UUID owner = self;
            long best = score(self, p);
            for (UUID node : alive) {
                long s = score(node, p);
                int c = Long.compareUnsigned(s, best);
                if (c > 0 || c == 0 && node.compareTo(owner) > 0) {
                    owner = node;
                    best = s;
                }
            }
            if (owner.equals(self)) {
                bits |= 1L << p;
            }
        }
        return new EndpointPartitions(bits);
    }

    /** A well-mixed 64-bit score of (node, partition): SplitMix64's finalizer over both. */
    static long score(UUID node, int partition) {
        long z = node.getMostSignificantBits() * 0x9E3779B97F4A7C15L ^ node.getLeastSignificantBits()
                ^ (partition + 1L) * 0xC2B2AE3D27D4EB4FL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
