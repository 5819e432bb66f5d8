package events.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import events.ports.PolicyStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class InMemoryPolicyStoreTest extends PolicyStoreContract {
    @Override
    protected PolicyStore newStore() {
        return new InMemoryPolicyStore();
    }

    @Test
    void stampsWritesWithTheTimeOfItsClockAndCountsRevisionsFromOne() {
        Instant now = Instant.parse("2026-11-27T10:15:30.123456789Z");
        PolicyStore store = new InMemoryPolicyStore(Clock.fixed(now, ZoneOffset.UTC));

        assertThat(store.put("urn:altinn:resource:a", "<Policy/>").updatedAt()).isEqualTo(now);
        assertThat(store.put("urn:altinn:resource:b", "<Policy/>").revision()).isEqualTo(2);
        assertThat(store.delete("urn:altinn:resource:a")).isTrue();
        assertThat(store.revision()).isEqualTo(3);
    }
}
