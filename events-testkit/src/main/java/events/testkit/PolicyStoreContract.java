package events.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import events.domain.ResourcePolicy;
import events.ports.PolicyStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link PolicyStore} must have (see its javadoc). An adapter's test extends this class
 * and implements {@link #newStore()}; every test asks for its own fresh, empty store.
 *
 * <p>Adapters whose storage can be shared by several processes (several server nodes on one database)
 * override {@link #storesSharingOneStorage()}, so that the tests of visibility and concurrency write
 * through several store instances.
 */
public abstract class PolicyStoreContract {
    private static final String A = "urn:altinn:resource:a";
    private static final String B = "urn:altinn:resource:b";
    private static final String POLICY = "<Policy xmlns=\"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17\"/>";

    /** A fresh, empty store. Called once or more per test; the subclass closes what it opened. */
    protected abstract PolicyStore newStore();

    /**
     * Several stores on one fresh, empty storage, as several server nodes would have them. Default: one store.
     */
    protected List<PolicyStore> storesSharingOneStorage() {
        return List.of(newStore());
    }

    // ---------------------------------------------------------------- empty store

    @Test
    void freshStoreHasNoPoliciesAndRevisionZero() {
        PolicyStore store = newStore();

        assertThat(store.revision()).isZero();
        assertThat(store.resources()).isEmpty();
        assertThat(store.get(A)).isEmpty();
    }

    @Test
    void hasNoPolicyForAResourceNeverPut() {
        PolicyStore store = newStore();
        store.put(A, POLICY);

        assertThat(store.get(B)).isEmpty();
        assertThat(store.get(A + "-2")).isEmpty();
    }

    // ---------------------------------------------------------------- round trip

    @Test
    void returnsEachDocumentCharacterForCharacterAsPut() {
        PolicyStore store = newStore();
        Map<String, String> documents = Map.of(
                "urn:altinn:resource:non-ascii", "<Policy Description=\"æøå ÆØÅ 中文 😀 \u00a0\"/>",
                "urn:altinn:resource:crlf", "<Policy>\r\n  <Target/>\r\n</Policy>\r\n",
                "urn:altinn:resource:mixed-newlines", "<Policy>\n<Target/>\r</Policy>\r\n",
                "urn:altinn:resource:whitespace", " \t\n  " + POLICY + " \n\t ",
                "urn:altinn:resource:quotes", "<Policy a='1' b=\"2\">\\ ' \" ; -- /* */ %s ? :x $1</Policy>");

        documents.forEach(store::put);

        documents.forEach((resource, document) ->
                assertThat(store.get(resource)).get().extracting(ResourcePolicy::document).isEqualTo(document));
    }

    @Test
    void returnsADocumentOfMoreThanAMegabyteUnchanged() {
        PolicyStore store = newStore();
        StringBuilder large = new StringBuilder("<Policy>\r\n");
        for (int i = 0; large.length() < 1_100_000; i++) {
            large.append("  <Rule RuleId=\"rule-").append(i)
                    .append("\" Effect=\"Permit\"><Description>æøå 😀</Description></Rule>\r\n");
        }
        String document = large.append("</Policy>").toString();

        store.put(A, document);

        assertThat(store.get(A)).get().satisfies(p -> {
            assertThat(p.document().length()).isEqualTo(document.length());
            assertThat(p.document()).isEqualTo(document);
        });
    }

    @Test
    void putReturnsThePolicyAsGetReturnsItAfterwards() {
        PolicyStore store = newStore();

        ResourcePolicy put = store.put(A, POLICY);

        assertThat(put.resource()).isEqualTo(A);
        assertThat(put.document()).isEqualTo(POLICY);
        assertSamePolicy(store.get(A), put);
    }

    @Test
    void stampsEachWriteWithTheTimeOfTheWrite() {
        PolicyStore store = newStore();
        Instant before = Instant.now();

        ResourcePolicy put = store.put(A, POLICY);

        Instant after = Instant.now();
        // Generous bounds: a database may use its own clock. They still catch a time zone applied twice.
        assertThat(put.updatedAt()).isBetween(before.minusSeconds(5), after.plusSeconds(5));
    }

    @Test
    void putReplacesThePolicyAndRaisesTheRevision() {
        PolicyStore store = newStore();
        ResourcePolicy first = store.put(A, POLICY);

        ResourcePolicy second = store.put(A, "<Policy/>");

        assertThat(second.revision()).isGreaterThan(first.revision());
        assertThat(store.revision()).isEqualTo(second.revision());
        assertSamePolicy(store.get(A), second);
        assertThat(store.resources()).containsExactly(A);
    }

    @Test
    void puttingTheSameDocumentAgainStillRaisesTheRevision() {
        PolicyStore store = newStore();
        ResourcePolicy first = store.put(A, POLICY);

        ResourcePolicy again = store.put(A, POLICY);

        assertThat(again.revision()).isGreaterThan(first.revision());
        assertThat(store.revision()).isEqualTo(again.revision());
    }

    // ---------------------------------------------------------------- delete

    @Test
    void deleteRemovesOnlyThatPolicyAndRaisesTheRevision() {
        PolicyStore store = newStore();
        store.put(A, POLICY);
        ResourcePolicy b = store.put(B, POLICY);
        long before = store.revision();

        assertThat(store.delete(A)).isTrue();

        assertThat(store.revision()).isGreaterThan(before);
        assertThat(store.get(A)).isEmpty();
        assertSamePolicy(store.get(B), b);
        assertThat(store.resources()).containsExactly(B);
    }

    @Test
    void deletingWhatIsNotThereAnswersFalseAndLeavesTheRevision() {
        PolicyStore store = newStore();
        assertThat(store.delete(A)).isFalse();
        assertThat(store.revision()).isZero();

        store.put(A, POLICY);
        assertThat(store.delete(A)).isTrue();
        long afterDelete = store.revision();

        assertThat(store.delete(A)).isFalse();
        assertThat(store.delete(B)).isFalse();
        assertThat(store.revision()).isEqualTo(afterDelete);
    }

    // ---------------------------------------------------------------- listing and revision

    @Test
    void listsResourcesInAscendingStringOrder() {
        PolicyStore store = newStore();
        // Characters that locale collations order differently from String#compareTo (or ignore).
        List<String> resources = List.of("urn:altinn:resource:ab", "urn:altinn:resource:a-c", "urn:altinn:resource:a.b",
                "urn:altinn:resource:a_b", "urn:altinn:resource:a1", "urn:altinn:resource:a", "urn:altinn:resource:b",
                "urn:altinn:resource:a:z", "urn:altinn:resource:a(1)", "urn:altinn:resource:a$");
        List<String> shuffled = new ArrayList<>(resources);
        Collections.shuffle(shuffled, new Random(42));

        shuffled.forEach(r -> store.put(r, POLICY));

        assertThat(store.resources())
                .containsExactlyElementsOf(resources.stream().sorted().collect(Collectors.toList()));
    }

    @Test
    void revisionStrictlyIncreasesWithEveryPutAndEveryDeleteThatRemovedSomething() {
        PolicyStore store = newStore();
        List<Long> revisions = new ArrayList<>(List.of(store.revision()));

        revisions.add(revisionOf(store, store.put(A, POLICY)));
        revisions.add(revisionOf(store, store.put(B, POLICY)));
        assertThat(store.delete(A)).isTrue();
        revisions.add(store.revision());
        revisions.add(revisionOf(store, store.put(A, "<Policy/>")));
        revisions.add(revisionOf(store, store.put(A, POLICY)));
        assertThat(store.delete(B)).isTrue();
        revisions.add(store.revision());

        assertThat(revisions).isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates();
    }

    // ---------------------------------------------------------------- several instances

    @Test
    void changesMadeThroughOneStoreAreSeenThroughEveryStoreSharingTheStorage() {
        List<PolicyStore> stores = storesSharingOneStorage();
        PolicyStore first = stores.get(0);
        PolicyStore last = stores.get(stores.size() - 1);

        ResourcePolicy put = first.put(A, POLICY);
        for (PolicyStore store : stores) {
            assertSamePolicy(store.get(A), put);
            assertThat(store.revision()).isEqualTo(put.revision());
            assertThat(store.resources()).containsExactly(A);
        }

        assertThat(last.delete(A)).isTrue();
        long afterDelete = last.revision();
        for (PolicyStore store : stores) {
            assertThat(store.get(A)).isEmpty();
            assertThat(store.revision()).isEqualTo(afterDelete).isGreaterThan(put.revision());
            assertThat(store.resources()).isEmpty();
        }
    }

    /**
     * Eight writers put 50 policies each, spread over five resources, through the stores of
     * {@link #storesSharingOneStorage()}. Every put must get a revision of its own, and each resource must end
     * with the policy of its last put.
     */
    @Test
    @Timeout(120)
    void concurrentPutsAllLandEachWithARevisionOfItsOwn() throws Exception {
        List<PolicyStore> stores = storesSharingOneStorage();
        int writers = 8;
        int putsPerWriter = 50;
        List<String> resources =
                List.of(A, B, "urn:altinn:resource:c", "urn:altinn:resource:d", "urn:altinn:resource:e");
        ExecutorService threads = Executors.newFixedThreadPool(writers);
        List<ResourcePolicy> written = Collections.synchronizedList(new ArrayList<>());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                PolicyStore store = stores.get(writer % stores.size());
                running.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < putsPerWriter; i++) {
                        String resource = resources.get((writer + i) % resources.size());
                        written.add(store.put(resource, "<Policy n=\"" + writer + "-" + i + "\"/>"));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : running) {
                f.get(100, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        PolicyStore reader = stores.get(stores.size() - 1);
        assertThat(written).hasSize(writers * putsPerWriter);
        assertThat(written).extracting(ResourcePolicy::revision).doesNotHaveDuplicates();
        long highest = written.stream().mapToLong(ResourcePolicy::revision).max().orElseThrow();
        assertThat(reader.revision()).isEqualTo(highest).isGreaterThanOrEqualTo(writers * putsPerWriter);
        assertThat(reader.resources()).containsExactlyElementsOf(resources);
        List<Long> stored = new ArrayList<>();
        for (String resource : resources) {
            ResourcePolicy last = written.stream().filter(p -> p.resource().equals(resource))
                    .max(Comparator.comparingLong(ResourcePolicy::revision)).orElseThrow();
            assertSamePolicy(reader.get(resource), last);
            stored.add(last.revision());
        }
        assertThat(new HashSet<>(stored)).hasSameSizeAs(resources);
    }

    // ---------------------------------------------------------------- helpers

    /** The revision of a policy just put, after checking that the store's revision is now that revision. */
    private static long revisionOf(PolicyStore store, ResourcePolicy put) {
        assertThat(store.revision()).isEqualTo(put.revision());
        return put.revision();
    }

    /** Equal, but for {@code updatedAt}, which may differ below the millisecond (a database's precision). */
    private static void assertSamePolicy(Optional<ResourcePolicy> actual, ResourcePolicy expected) {
        assertThat(actual).get().satisfies(p -> {
            assertThat(p.resource()).isEqualTo(expected.resource());
            assertThat(p.document()).isEqualTo(expected.document());
            assertThat(p.revision()).isEqualTo(expected.revision());
            assertThat(p.updatedAt()).isCloseTo(expected.updatedAt(), within(1, ChronoUnit.MILLIS));
        });
    }
}
