package events.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.Subscription;
import events.domain.SubscriptionFilter;
import events.domain.SubscriptionRequest;
import events.domain.WebhookSecret;
import events.ports.SubscriptionStore;
import events.testkit.InMemorySubscriptionStore;
import events.testkit.MutableClock;
import events.testkit.TestEvents;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class SubscriptionLookupTest {
    private static final Instant NOW = Instant.parse("2026-12-08T10:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final InMemorySubscriptionStore store = new InMemorySubscriptionStore();
    /** Runs nothing until the test says so: what the lookup left to the background. */
    private final Queue<Runnable> background = new ArrayDeque<>();
    private final Executor later = background::add;
    private final MutableClock clock = new MutableClock(NOW);
    private final SubscriptionLookup lookup = new SubscriptionLookup(
            new SubscriptionIndex(store, expression -> null), store, later, clock);
    private final WebhookSecret first = WebhookSecret.generate(RANDOM);
    private final UUID id = subscribe(first);

    private UUID subscribe(WebhookSecret secret) {
        SubscriptionRequest request = new SubscriptionRequest("https://93.184.216.34/hook", TestEvents.RESOURCE,
                null, null, null, null, List.<SubscriptionFilter>of());
        Subscription s = Subscription.create(UUID.randomUUID(), "/org/digdir", request, NOW);
        store.createIfAbsent(s, secret);
        return s.id();
    }

    private void runBackground() {
        for (Runnable r; (r = background.poll()) != null; ) {
            r.run();
        }
    }

    @Test
    void aStaleCopyOfTheSecretsSignsWhileAFreshOneIsReadInTheBackground() {
        assertThat(lookup.secrets(id, NOW)).containsExactly(first);
        WebhookSecret second = WebhookSecret.generate(RANDOM);
        store.rotateSecret(id, second, NOW.plusSeconds(3600));
        Instant stale = NOW.plus(SubscriptionLookup.SECRETS_FRESH);

        assertThat(lookup.secrets(id, stale)).as("the copy, without waiting for the store").containsExactly(first);
        assertThat(lookup.secrets(id, stale)).containsExactly(first);
        assertThat(background).as("one read for both lookups").hasSize(1);

        clock.advance(SubscriptionLookup.SECRETS_FRESH);
        runBackground();

        assertThat(lookup.secrets(id, stale)).containsExactly(second, first);
        assertThat(background).isEmpty();
    }

    @Test
    void aCopyPastItsUsableAgeIsNotUsed() {
        lookup.secrets(id, NOW);
        WebhookSecret second = WebhookSecret.generate(RANDOM);
        store.rotateSecret(id, second, NOW.plusSeconds(3600));

        assertThat(lookup.secrets(id, NOW.plus(SubscriptionLookup.SECRETS_USABLE))).containsExactly(second, first);
        assertThat(background).isEmpty();
    }

    @Test
    void aCopyReadBeforeAChangeIsNotKeptAfterIt() {
        // A store whose answer to a secrets read is overtaken by a rotation (and its forget) before it is cached.
        Runnable[] afterRead = {() -> { }};
        SubscriptionStore overtaken = (SubscriptionStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SubscriptionStore.class}, (proxy, method, args) -> {
                    Object result = method.invoke(store, args);
                    if (method.getName().equals("secrets")) {
                        afterRead[0].run();
                    }
                    return result;
                });
        SubscriptionLookup lookup = new SubscriptionLookup(new SubscriptionIndex(overtaken, expression -> null),
                overtaken, later, clock);
        lookup.secrets(id, NOW);
        Instant stale = NOW.plus(SubscriptionLookup.SECRETS_FRESH);
        lookup.secrets(id, stale);
        WebhookSecret second = WebhookSecret.generate(RANDOM);
        afterRead[0] = () -> {
            afterRead[0] = () -> { };
            store.rotateSecret(id, second, NOW.plusSeconds(3600));
            lookup.forgetSecrets(id);
        };

        runBackground();

        assertThat(lookup.secrets(id, stale)).as("read again, not the copy from before the rotation")
                .containsExactly(second, first);
    }

    @Test
    void afterABackgroundReadFailsTheNextStaleLookupReadsAgain() {
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        SubscriptionStore flaky = (SubscriptionStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SubscriptionStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("secrets") && failing.get()) {
                        throw new IllegalStateException("database gone");
                    }
                    return method.invoke(store, args);
                });
        SubscriptionLookup lookup = new SubscriptionLookup(new SubscriptionIndex(flaky, expression -> null), flaky,
                later, clock);
        lookup.secrets(id, NOW);
        Instant stale = NOW.plus(SubscriptionLookup.SECRETS_FRESH);
        failing.set(true);

        assertThat(lookup.secrets(id, stale)).containsExactly(first);
        runBackground(); // fails
        failing.set(false);
        assertThat(lookup.secrets(id, stale)).as("the copy, while it is read again").containsExactly(first);

        assertThat(background).as("read again, not stuck").hasSize(1);
    }

    @Test
    void secretsChangedElsewhereAreReadAgainWhileTheCopySigns() {
        lookup.secrets(id, NOW);
        WebhookSecret second = WebhookSecret.generate(RANDOM);
        store.rotateSecret(id, second, NOW.plusSeconds(3600));

        lookup.forgetAllSecrets();

        assertThat(lookup.secrets(id, NOW)).as("the copy signs meanwhile").containsExactly(first);
        runBackground();
        assertThat(lookup.secrets(id, NOW)).containsExactly(second, first);
    }
}
