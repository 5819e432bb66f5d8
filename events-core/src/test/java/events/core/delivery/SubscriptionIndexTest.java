package events.core.delivery;

import static events.testkit.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import events.domain.CloudEvent;
import events.domain.Subscription;
import events.domain.SubscriptionFilter;
import events.domain.SubscriptionRequest;
import events.domain.SubscriptionStatus;
import events.domain.WebhookSecret;
import events.ports.FilterExpressions;
import events.testkit.InMemorySubscriptionStore;
import events.testkit.TestEvents;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SubscriptionIndexTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private final InMemorySubscriptionStore store = new InMemorySubscriptionStore();
    /** Counts how often any subscription's filter is evaluated: the matching work. */
    private final AtomicInteger evaluations = new AtomicInteger();
    private final FilterExpressions counting = expression -> new FilterExpressions.CompiledFilter() {
        @Override
        public boolean matches(CloudEvent event) {
            evaluations.incrementAndGet();
            return true;
        }

        @Override
        public String expression() {
            return expression;
        }
    };
    private final SubscriptionIndex index = new SubscriptionIndex(store, counting);

    private Subscription active(String resource, String subject) {
        SubscriptionRequest request = new SubscriptionRequest("https://93.184.216.34/" + UUID.randomUUID(), resource,
                subject, null, null, null, List.of(new SubscriptionFilter.Sql("true")));
        Subscription s = Subscription.create(UUID.randomUUID(), "/org/digdir", request, NOW);
        store.createIfAbsent(s, WebhookSecret.generate(new SecureRandom()));
        store.setStatus(s.id(), SubscriptionStatus.ACTIVE, NOW);
        return s.withStatus(SubscriptionStatus.ACTIVE, NOW);
    }

    @Test
    void matchingExaminesOnlyTheEventsResourceAndSubject() {
        Subscription everyone = active(TestEvents.RESOURCE, null);
        Subscription party1 = active(TestEvents.RESOURCE, "/party/1");
        for (int i = 0; i < 2000; i++) {
            active("urn:altinn:resource:other-" + i, null);
            active(TestEvents.RESOURCE, "/party/x" + i);
        }
        index.refreshIfStale();
        assertThat(index.size()).isEqualTo(4002);

        List<SubscriptionIndex.Entry> matches = index.matching(anEvent().subject("/party/1").build());

        assertThat(matches).extracting(e -> e.subscription().id()).containsExactlyInAnyOrder(everyone.id(), party1.id());
        assertThat(evaluations.get()).isEqualTo(2);
    }

    @Test
    void knowsWhetherAnActiveSubscriptionsEndpointIsInSomePartitions() {
        Subscription s = active(TestEvents.RESOURCE, null);
        int partition = events.domain.EndpointPartitions.partitionOf(s.request().endPoint());
        events.domain.EndpointPartitions its = events.domain.EndpointPartitions.of(partition);
        events.domain.EndpointPartitions others = new events.domain.EndpointPartitions(~its.bits());
        assertThat(index.hasEndpointIn(its)).as("before the refresh").isFalse();

        index.refreshIfStale();

        assertThat(index.hasEndpointIn(its)).isTrue();
        assertThat(index.hasEndpointIn(others)).isFalse();
        index.remove(s.id());
        assertThat(index.hasEndpointIn(its)).as("removed").isFalse();
    }

    @Test
    void appliesLocalChangesAtOnceAndOtherProcessesChangesOnRefresh() {
        Subscription s = active(TestEvents.RESOURCE, null);
        index.refreshIfStale();
        index.remove(s.id());
        assertThat(index.matching(anEvent().build())).isEmpty();
        index.put(s);
        assertThat(index.matching(anEvent().build())).hasSize(1);

        store.setStatus(s.id(), SubscriptionStatus.DISABLED, NOW); // as another process would
        assertThat(index.matching(anEvent().build())).hasSize(1);
        index.refreshIfStale();
        assertThat(index.matching(anEvent().build())).isEmpty();
        assertThat(index.get(s.id())).isEmpty();
    }
}
