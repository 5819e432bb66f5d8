package events.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.Subscription;
import events.domain.SubscriptionFilter;
import events.domain.SubscriptionRequest;
import events.domain.SubscriptionStatus;
import events.domain.WebhookSecret;
import events.ports.SubscriptionStore;
import events.ports.SubscriptionStore.Created;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link SubscriptionStore} must have (see its javadoc). An adapter's test extends this
 * class and implements {@link #newStore()}; every test asks for its own fresh, empty store.
 *
 * <p>Adapters whose storage can be shared by several processes (several server nodes on one database)
 * override {@link #storesSharingOneStorage()}, so that the tests of visibility and concurrency go through
 * several store instances.
 *
 * <p>Times are whole milliseconds: databases keep microseconds.
 */
public abstract class SubscriptionStoreContract {
    static final String RESOURCE = "urn:altinn:resource:ttd-test";
    static final String CONSUMER = "/org/ttd";
    static final Instant T0 = Instant.parse("2026-11-27T10:15:30.123Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh, empty store. Called once or more per test; the subclass closes what it opened. */
    protected abstract SubscriptionStore newStore();

    /** Several stores on one fresh, empty storage, as several server nodes would have them. Default: one. */
    protected List<SubscriptionStore> storesSharingOneStorage() {
        return List.of(newStore());
    }

    // ---------------------------------------------------------------- round trip

    @Test
    void freshStoreHasNoSubscriptions() {
        SubscriptionStore store = newStore();

        assertThat(store.get(UUID.randomUUID())).isEmpty();
        assertThat(store.byConsumer(CONSUMER)).isEmpty();
        assertThat(store.active()).isEmpty();
        assertThat(store.pending()).isEmpty();
        assertThat(store.secrets(UUID.randomUUID(), T0)).isEmpty();
    }

    @Test
    void createdSubscriptionReadsBackEqualWithEveryField() {
        SubscriptionStore store = newStore();
        SubscriptionRequest request = new SubscriptionRequest("https://hooks.example.com/a?x=1&y=æøå",
                RESOURCE, "/party/1337", "app.instance.created", "https://ttd.apps.example/app",
                "/person/01017012345", List.of(new SubscriptionFilter.Exact(Map.of("type", "a"))));
        Subscription subscription = new Subscription(UUID.randomUUID(), CONSUMER, "/user/42", request, T0, null,
                SubscriptionStatus.PENDING);

        Created created = store.createIfAbsent(subscription, secret());

        assertThat(created).isEqualTo(new Created(subscription, true));
        assertThat(store.get(subscription.id())).contains(subscription);
        assertThat(store.byConsumer(CONSUMER)).containsExactly(subscription);
        assertThat(store.pending()).containsExactly(subscription);
        assertThat(store.active()).isEmpty();
    }

    @Test
    void requestWithOnlyTheRequiredFieldsReadsBackWithNullsAndNoFilters() {
        SubscriptionStore store = newStore();
        Subscription subscription = subscription(CONSUMER,
                new SubscriptionRequest("https://hooks.example.com/", RESOURCE, null, null, null, null, null), T0);

        store.createIfAbsent(subscription, secret());

        assertThat(store.get(subscription.id())).hasValueSatisfying(s -> {
            assertThat(s).isEqualTo(subscription);
            assertThat(s.request().subjectFilter()).isNull();
            assertThat(s.request().alternativeSubjectFilter()).isNull();
            assertThat(s.request().filters()).isEmpty();
            assertThat(s.validated()).isNull();
        });
    }

    @Test
    void filtersOfEveryDialectNestedReadBackEqual() {
        SubscriptionStore store = newStore();
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("type", "app.instance.created");
        attributes.put("source", "https://ttd.apps.example/app \"quoted\" \\ æøå 😀");
        attributes.put("resource", RESOURCE);
        List<SubscriptionFilter> filters = List.of(
                new SubscriptionFilter.Exact(attributes),
                new SubscriptionFilter.Prefix(Map.of("subject", "/party/")),
                new SubscriptionFilter.Suffix(Map.of("type", ".created", "subject", "7")),
                new SubscriptionFilter.All(List.of(
                        new SubscriptionFilter.Exact(Map.of("specversion", "1.0")),
                        new SubscriptionFilter.Any(List.of(
                                new SubscriptionFilter.Prefix(Map.of("type", "app.")),
                                new SubscriptionFilter.Not(new SubscriptionFilter.Sql("subject LIKE '%/1338'")))))),
                new SubscriptionFilter.Any(List.of(new SubscriptionFilter.Suffix(Map.of("type", "x")))),
                new SubscriptionFilter.Not(new SubscriptionFilter.All(List.of(
                        new SubscriptionFilter.Not(new SubscriptionFilter.Not(
                                new SubscriptionFilter.Exact(Map.of("subject", ""))))))),
                new SubscriptionFilter.Sql("EXISTS resourceinstance AND (type = 'a\\'b' OR subject = \"x\")\n\t"));
        Subscription subscription = subscription(CONSUMER, request("https://hooks.example.com/f", filters), T0);

        store.createIfAbsent(subscription, secret());

        assertThat(store.get(subscription.id())).hasValueSatisfying(s -> {
            assertThat(s.request().filters()).isEqualTo(filters);
            assertThat(s).isEqualTo(subscription);
        });
    }

    @Test
    void filtersNestedToTheDeepestAllowedReadBackEqual() {
        SubscriptionStore store = newStore();
        SubscriptionFilter deepest = new SubscriptionFilter.Sql("type = 'deep'");
        for (int depth = 1; depth < SubscriptionFilter.MAX_DEPTH; depth++) {
            deepest = depth % 3 == 0 ? new SubscriptionFilter.Not(deepest)
                    : depth % 3 == 1 ? new SubscriptionFilter.All(List.of(deepest))
                    : new SubscriptionFilter.Any(List.of(new SubscriptionFilter.Exact(Map.of("id", "x")), deepest));
        }
        Subscription subscription = subscription(CONSUMER, request("https://hooks.example.com/d", List.of(deepest)), T0);

        store.createIfAbsent(subscription, secret());

        assertThat(store.get(subscription.id())).contains(subscription);
    }

    // ---------------------------------------------------------------- identical requests

    @Test
    void identicalRequestFromSameConsumerReturnsExisting() {
        SubscriptionStore store = newStore();
        WebhookSecret firstSecret = secret();
        Subscription first = subscription(CONSUMER, request("https://hooks.example.com/a", filtersOfEachKind()), T0);
        store.createIfAbsent(first, firstSecret);
        long revision = store.revision();
        Subscription again = subscription(CONSUMER, request("https://hooks.example.com/a", filtersOfEachKind()),
                T0.plusSeconds(60));

        Created created = store.createIfAbsent(again, secret());

        assertThat(created).isEqualTo(new Created(first, false));
        assertThat(store.get(again.id())).isEmpty();
        assertThat(store.byConsumer(CONSUMER)).containsExactly(first);
        assertThat(store.secrets(first.id(), T0)).containsExactly(firstSecret);
        assertThat(store.revision()).isEqualTo(revision);
    }

    @Test
    void requestsWithTheSameAttributeFiltersInAnotherOrderAreIdentical() {
        SubscriptionStore store = newStore();
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        Subscription first = subscription(CONSUMER,
                request("https://hooks.example.com/a", List.of(new SubscriptionFilter.Exact(ab))), T0);
        Subscription second = subscription(CONSUMER,
                request("https://hooks.example.com/a", List.of(new SubscriptionFilter.Exact(ba))), T0);
        store.createIfAbsent(first, secret());

        assertThat(store.createIfAbsent(second, secret())).isEqualTo(new Created(first, false));
    }

    @Test
    void requestsThatDifferInAnyFieldOrConsumerAreDifferentSubscriptions() {
        SubscriptionStore store = newStore();
        String url = "https://hooks.example.com/a";
        SubscriptionFilter x = new SubscriptionFilter.Exact(Map.of("type", "x"));
        SubscriptionFilter y = new SubscriptionFilter.Prefix(Map.of("type", "x"));
        List<SubscriptionRequest> requests = List.of(
                new SubscriptionRequest(url, RESOURCE, null, null, null, null, null),
                new SubscriptionRequest(url + "/", RESOURCE, null, null, null, null, null),
                new SubscriptionRequest(url, RESOURCE + "-2", null, null, null, null, null),
                new SubscriptionRequest(url, RESOURCE, "/party/1", null, null, null, null),
                new SubscriptionRequest(url, RESOURCE, null, "/party/1", null, null, null),
                new SubscriptionRequest(url, RESOURCE, null, null, "/party/1", null, null),
                new SubscriptionRequest(url, RESOURCE, null, null, null, "/party/1", null),
                new SubscriptionRequest(url, RESOURCE, null, null, null, null, List.of(x)),
                new SubscriptionRequest(url, RESOURCE, null, null, null, null, List.of(y)),
                new SubscriptionRequest(url, RESOURCE, null, null, null, null, List.of(x, y)),
                new SubscriptionRequest(url, RESOURCE, null, null, null, null, List.of(y, x)),
                new SubscriptionRequest(url, RESOURCE, null, null, null, null,
                        List.of(new SubscriptionFilter.All(List.of(x, y)))),
                new SubscriptionRequest(url, RESOURCE, null, null, null, null,
                        List.of(new SubscriptionFilter.Any(List.of(x, y)))),
                new SubscriptionRequest(url, RESOURCE, null, null, null, null,
                        List.of(new SubscriptionFilter.Not(x))),
                new SubscriptionRequest(url, RESOURCE, null, null, null, null,
                        List.of(new SubscriptionFilter.Sql("type = 'x'"))),
                new SubscriptionRequest(url, RESOURCE, null, null, null, null,
                        List.of(new SubscriptionFilter.Sql("type = 'x' "))));
        List<Subscription> stored = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Subscription s = subscription(CONSUMER, requests.get(i), T0.plusMillis(i));
            assertThat(store.createIfAbsent(s, secret()).created()).as("request %s", i).isTrue();
            stored.add(s);
        }
        Subscription otherConsumer = subscription("/org/digdir", requests.get(0), T0.plusSeconds(60));

        assertThat(store.createIfAbsent(otherConsumer, secret()).created()).isTrue();
        assertThat(store.byConsumer(CONSUMER)).containsExactlyElementsOf(stored);
        assertThat(store.byConsumer("/org/digdir")).containsExactly(otherConsumer);
    }

    @Test
    void identicalRequestAfterDeleteCreatesANewSubscription() {
        SubscriptionStore store = newStore();
        Subscription first = subscription(CONSUMER, request("https://hooks.example.com/a", List.of()), T0);
        store.createIfAbsent(first, secret());
        assertThat(store.delete(first.id())).isTrue();
        Subscription second = subscription(CONSUMER, request("https://hooks.example.com/a", List.of()), T0);

        Created created = store.createIfAbsent(second, secret());

        assertThat(created).isEqualTo(new Created(second, true));
        assertThat(store.byConsumer(CONSUMER)).containsExactly(second);
    }

    // ---------------------------------------------------------------- listing and status

    @Test
    void listsAConsumersSubscriptionsOldestFirstAndNoOneElses() {
        SubscriptionStore store = newStore();
        Subscription middle = subscription(CONSUMER, request("https://hooks.example.com/2", List.of()), T0.plusSeconds(2));
        Subscription newest = subscription(CONSUMER, request("https://hooks.example.com/3", List.of()), T0.plusSeconds(3));
        Subscription oldest = subscription(CONSUMER, request("https://hooks.example.com/1", List.of()), T0.plusSeconds(1));
        Subscription someoneElses = subscription("/org/digdir", request("https://hooks.example.com/1", List.of()), T0);
        Subscription prefixOfMine = subscription("/org/tt", request("https://hooks.example.com/1", List.of()), T0);
        for (Subscription s : List.of(middle, newest, someoneElses, oldest, prefixOfMine)) {
            store.createIfAbsent(s, secret());
        }

        assertThat(store.byConsumer(CONSUMER)).containsExactly(oldest, middle, newest);
        assertThat(store.byConsumer("/org/digdir")).containsExactly(someoneElses);
        assertThat(store.byConsumer("/org/nobody")).isEmpty();
    }

    @Test
    void activeAndPendingListTheSubscriptionsWithThatStatus() {
        SubscriptionStore store = newStore();
        Subscription a = created(store, "https://hooks.example.com/a", T0);
        Subscription b = created(store, "https://hooks.example.com/b", T0.plusSeconds(1));
        Subscription c = created(store, "https://hooks.example.com/c", T0.plusSeconds(2));
        Instant validated = T0.plusSeconds(10);

        assertThat(store.setStatus(a.id(), SubscriptionStatus.ACTIVE, validated)).isTrue();
        assertThat(store.setStatus(c.id(), SubscriptionStatus.DISABLED, null)).isTrue();

        Subscription activeA = a.withStatus(SubscriptionStatus.ACTIVE, validated);
        assertThat(store.active()).containsExactly(activeA);
        assertThat(store.pending()).containsExactly(b);
        assertThat(store.get(a.id())).contains(activeA);
        assertThat(store.get(c.id())).hasValueSatisfying(s -> assertThat(s.status()).isEqualTo(SubscriptionStatus.DISABLED));
    }

    @Test
    void disablingAnActiveSubscriptionKeepsWhenItWasValidated() {
        SubscriptionStore store = newStore();
        Subscription s = created(store, "https://hooks.example.com/a", T0);
        Instant validated = T0.plusSeconds(10);
        store.setStatus(s.id(), SubscriptionStatus.ACTIVE, validated);

        assertThat(store.setStatus(s.id(), SubscriptionStatus.DISABLED, null)).isTrue();

        assertThat(store.get(s.id())).contains(s.withStatus(SubscriptionStatus.DISABLED, validated));
        assertThat(store.active()).isEmpty();
        assertThat(store.pending()).isEmpty();
    }

    @Test
    void settingTheStatusOfAnUnknownSubscriptionAnswersFalseAndChangesNothing() {
        SubscriptionStore store = newStore();
        created(store, "https://hooks.example.com/a", T0);
        long revision = store.revision();

        assertThat(store.setStatus(UUID.randomUUID(), SubscriptionStatus.ACTIVE, T0)).isFalse();

        assertThat(store.revision()).isEqualTo(revision);
        assertThat(store.active()).isEmpty();
    }

    // ---------------------------------------------------------------- delete

    @Test
    void deleteRemovesTheSubscriptionAndItsSecretsOnly() {
        SubscriptionStore store = newStore();
        Subscription a = created(store, "https://hooks.example.com/a", T0);
        WebhookSecret bSecret = secret();
        Subscription b = subscription(CONSUMER, request("https://hooks.example.com/b", List.of()), T0.plusSeconds(1));
        store.createIfAbsent(b, bSecret);
        store.setStatus(a.id(), SubscriptionStatus.ACTIVE, T0);

        assertThat(store.delete(a.id())).isTrue();

        assertThat(store.get(a.id())).isEmpty();
        assertThat(store.byConsumer(CONSUMER)).containsExactly(b);
        assertThat(store.active()).isEmpty();
        assertThat(store.secrets(a.id(), T0)).isEmpty();
        assertThat(store.secrets(b.id(), T0)).containsExactly(bSecret);
        assertThat(store.rotateSecret(a.id(), secret(), T0)).isFalse();
        assertThat(store.setStatus(a.id(), SubscriptionStatus.ACTIVE, T0)).isFalse();
    }

    @Test
    void deletingWhatIsNotThereAnswersFalseAndLeavesTheRevision() {
        SubscriptionStore store = newStore();
        Subscription a = created(store, "https://hooks.example.com/a", T0);
        assertThat(store.delete(a.id())).isTrue();
        long revision = store.revision();

        assertThat(store.delete(a.id())).isFalse();
        assertThat(store.delete(UUID.randomUUID())).isFalse();

        assertThat(store.revision()).isEqualTo(revision);
    }

    // ---------------------------------------------------------------- revision

    @Test
    void revisionGrowsOnEveryChange() {
        SubscriptionStore store = newStore();
        List<Long> revisions = new ArrayList<>(List.of(store.revision()));

        Subscription a = created(store, "https://hooks.example.com/a", T0);
        revisions.add(store.revision());
        Subscription b = created(store, "https://hooks.example.com/b", T0);
        revisions.add(store.revision());
        store.setStatus(a.id(), SubscriptionStatus.ACTIVE, T0);
        revisions.add(store.revision());
        store.setStatus(a.id(), SubscriptionStatus.DISABLED, null);
        revisions.add(store.revision());
        store.delete(b.id());
        revisions.add(store.revision());
        created(store, "https://hooks.example.com/b", T0);
        revisions.add(store.revision());

        for (int i = 1; i < revisions.size(); i++) {
            assertThat(revisions.get(i)).as("revision after change %s", i).isGreaterThan(revisions.get(i - 1));
        }
    }

    @Test
    void rotatingASecretOrFindingAnIdenticalRequestLeavesTheRevision() {
        SubscriptionStore store = newStore();
        Subscription a = created(store, "https://hooks.example.com/a", T0);
        long revision = store.revision();

        store.createIfAbsent(subscription(CONSUMER, a.request(), T0), secret());
        store.rotateSecret(a.id(), secret(), T0.plusSeconds(60));

        assertThat(store.revision()).isEqualTo(revision);
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void theFirstSecretSignsFromTheStart() {
        SubscriptionStore store = newStore();
        WebhookSecret secret = secret();
        Subscription s = subscription(CONSUMER, request("https://hooks.example.com/a", List.of()), T0);

        store.createIfAbsent(s, secret);

        assertThat(store.secrets(s.id(), T0)).containsExactly(secret);
        assertThat(store.secrets(s.id(), T0.plus(Duration.ofDays(3650)))).containsExactly(secret);
        assertThat(store.secrets(s.id(), T0).get(0).value()).isEqualTo(secret.value());
    }

    @Test
    void rotationKeepsOldSecretUntilItRetires() {
        SubscriptionStore store = newStore();
        WebhookSecret old = secret();
        WebhookSecret fresh = secret();
        Subscription s = subscription(CONSUMER, request("https://hooks.example.com/a", List.of()), T0);
        store.createIfAbsent(s, old);
        Instant retires = T0.plus(Duration.ofHours(24));

        assertThat(store.rotateSecret(s.id(), fresh, retires)).isTrue();

        assertThat(store.secrets(s.id(), T0)).containsExactly(fresh, old);
        assertThat(store.secrets(s.id(), retires.minusMillis(1))).containsExactly(fresh, old);
        assertThat(store.secrets(s.id(), retires)).containsExactly(fresh);
        assertThat(store.secrets(s.id(), retires.plus(Duration.ofDays(365)))).containsExactly(fresh);
    }

    /** Each push carries one signature per secret in force: rotating again and again must not grow that list. */
    @Test
    void rotationKeepsAtMostTwoSecretsInForceTheNewestAndTheOneItReplaces() {
        SubscriptionStore store = newStore();
        WebhookSecret first = secret();
        WebhookSecret second = secret();
        WebhookSecret third = secret();
        WebhookSecret fourth = secret();
        Subscription s = subscription(CONSUMER, request("https://hooks.example.com/a", List.of()), T0);
        store.createIfAbsent(s, first);

        store.rotateSecret(s.id(), second, T0.plus(Duration.ofHours(1)));
        assertThat(store.secrets(s.id(), T0)).containsExactly(second, first);

        store.rotateSecret(s.id(), third, T0.plus(Duration.ofHours(2)));
        assertThat(store.secrets(s.id(), T0)).containsExactly(third, second);
        assertThat(store.secrets(s.id(), T0.plus(Duration.ofMinutes(90)))).containsExactly(third, second);
        assertThat(store.secrets(s.id(), T0.plus(Duration.ofHours(2)))).containsExactly(third);

        for (int i = 0; i < 20; i++) {
            store.rotateSecret(s.id(), secret(), T0.plus(Duration.ofHours(3)));
        }
        store.rotateSecret(s.id(), fourth, T0.plus(Duration.ofMinutes(30)));

        assertThat(store.secrets(s.id(), T0)).hasSize(2).first().isEqualTo(fourth);
        assertThat(store.secrets(s.id(), T0.plus(Duration.ofMinutes(30)))).containsExactly(fourth);
    }

    @Test
    void rotatingTheSecretOfAnUnknownSubscriptionAnswersFalse() {
        SubscriptionStore store = newStore();

        assertThat(store.rotateSecret(UUID.randomUUID(), secret(), T0)).isFalse();
    }

    // ---------------------------------------------------------------- several instances

    @Test
    void changesMadeThroughOneStoreAreSeenThroughEveryStoreSharingTheStorage() {
        List<SubscriptionStore> stores = storesSharingOneStorage();
        SubscriptionStore first = stores.get(0);
        SubscriptionStore last = stores.get(stores.size() - 1);
        WebhookSecret secret = secret();
        Subscription s = subscription(CONSUMER, request("https://hooks.example.com/a", filtersOfEachKind()), T0);

        first.createIfAbsent(s, secret);
        long afterCreate = first.revision();
        for (SubscriptionStore store : stores) {
            assertThat(store.get(s.id())).contains(s);
            assertThat(store.secrets(s.id(), T0)).containsExactly(secret);
            assertThat(store.revision()).isEqualTo(afterCreate);
            assertThat(store.createIfAbsent(subscription(CONSUMER, s.request(), T0), secret()))
                    .isEqualTo(new Created(s, false));
        }

        assertThat(last.setStatus(s.id(), SubscriptionStatus.ACTIVE, T0.plusSeconds(1))).isTrue();
        for (SubscriptionStore store : stores) {
            assertThat(store.active()).extracting(Subscription::id).containsExactly(s.id());
            assertThat(store.revision()).isGreaterThan(afterCreate);
        }
    }

    /**
     * Eight threads, spread over the stores of {@link #storesSharingOneStorage()}, each create the same ten
     * requests (with ids of their own) at once: each request is stored once, and every thread gets that one.
     */
    @Test
    @Timeout(120)
    void concurrentIdenticalCreatesStoreOne() throws Exception {
        List<SubscriptionStore> stores = storesSharingOneStorage();
        int threads = 8;
        int requests = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Created> results = Collections.synchronizedList(new ArrayList<>());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SubscriptionStore store = stores.get(t % stores.size());
                running.add(pool.submit(() -> {
                    start.await();
                    for (int r = 0; r < requests; r++) {
                        results.add(store.createIfAbsent(subscription(CONSUMER,
                                request("https://hooks.example.com/" + r, filtersOfEachKind()), T0.plusMillis(r)),
                                secret()));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : running) {
                f.get(100, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        SubscriptionStore reader = stores.get(stores.size() - 1);
        List<Subscription> stored = reader.byConsumer(CONSUMER);
        assertThat(stored).hasSize(requests);
        assertThat(results).hasSize(threads * requests);
        assertThat(results.stream().filter(Created::created)).hasSize(requests);
        for (Created c : results) {
            assertThat(stored).contains(c.subscription());
        }
        for (Subscription s : stored) {
            assertThat(reader.secrets(s.id(), T0)).hasSize(1);
        }
    }

    // ---------------------------------------------------------------- helpers

    static WebhookSecret secret() {
        return WebhookSecret.generate(RANDOM);
    }

    static SubscriptionRequest request(String endPoint, List<SubscriptionFilter> filters) {
        return new SubscriptionRequest(endPoint, RESOURCE, "/party/1337", null, null, null, filters);
    }

    static Subscription subscription(String consumer, SubscriptionRequest request, Instant created) {
        return Subscription.create(UUID.randomUUID(), consumer, request, created);
    }

    /** A pending subscription of {@link #CONSUMER} to {@code endPoint}, created in {@code store}. */
    public static Subscription created(SubscriptionStore store, String endPoint, Instant at) {
        Subscription s = subscription(CONSUMER, request(endPoint, List.of()), at);
        assertThat(store.createIfAbsent(s, secret()).created()).isTrue();
        return s;
    }

    private static List<SubscriptionFilter> filtersOfEachKind() {
        return List.of(
                new SubscriptionFilter.Exact(Map.of("type", "a", "source", "b")),
                new SubscriptionFilter.Any(List.of(
                        new SubscriptionFilter.Prefix(Map.of("subject", "/party/")),
                        new SubscriptionFilter.Suffix(Map.of("subject", "/1")))),
                new SubscriptionFilter.Not(new SubscriptionFilter.All(List.of(new SubscriptionFilter.Sql("type = 'c'")))));
    }
}
