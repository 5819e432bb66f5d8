package events.authz.xacml;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import events.domain.InvalidPolicyException;
import events.domain.ResourcePolicy;
import events.domain.ResourceUrn;
import events.ports.AccessRequest;
import events.ports.Authorizer;
import events.ports.PolicyLanguage;
import events.ports.PolicyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * XACML 3.0 authorization with Balana: each resource's policy comes from a {@link PolicyStore}; a request is
 * permitted only when that policy answers Permit. No policy, Deny, NotApplicable and Indeterminate are all
 * deny. Request attributes are Altinn's (see {@code RequestAttributes}), all strings. When Balana throws while
 * evaluating a policy for a request (a regular-expression match that backtracks too long does, see
 * {@code RegexpMatch}), that request alone is denied, uncached, with a warning naming the resource.
 *
 * <p>Parsed policies and decisions are cached. A decision's cache key holds the resource, the policy's revision
 * and the values of every attribute the policy can read, so a cached answer is the answer the policy would give.
 * A key may be too wide (a cache miss) but never too narrow (one caller's answer given to another), so the
 * attributes are taken both from the policy Balana parsed, which is what it evaluates, and from every designator
 * element of the document in any namespace, since Balana reads elements by local name whatever their namespace
 * (see {@code CompiledPolicy}). Policies that read the environment (such as the current time), or anything that
 * cannot be named as an attribute (an attribute selector, an XPath function), are never cached. Any policy change,
 * here ({@link #policiesChanged()}) or by another process sharing the store (noticed by checking
 * {@link PolicyStore#revision()} every {@code refreshInterval}), drops both caches.
 *
 * <p>Also the {@link PolicyLanguage}: {@link #check} refuses documents that are not well-formed XML, longer or
 * more deeply nested than the builder's limits, not an XACML 3.0 Policy, not accepted by Balana, with an element
 * outside the XACML 3.0 namespace (see {@code XacmlNamespace}), or with a literal regular-expression pattern that
 * does not compile. A stored policy is held to the same limits, but not to the namespace or pattern checks, when
 * loaded: it was checked when written, and one stored before those checks existed still gets a safe cache key.
 * Close it to stop the refresh thread.
 */
public final class XacmlAuthorizer implements Authorizer, PolicyLanguage, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(XacmlAuthorizer.class);

    private final PolicyStore store;
    private final Duration decisionTtl;
    private final long maxDecisions;
    private final long maxPolicies;
    private final DocumentLimits limits;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final ScheduledExecutorService refresher;
    private volatile boolean refreshFailing;

    private XacmlAuthorizer(Builder b) {
        this.store = b.store;
        this.decisionTtl = b.decisionTtl;
        this.maxDecisions = b.maxDecisions;
        this.maxPolicies = b.maxPolicies;
        this.limits = new DocumentLimits(b.maxPolicyLength, b.maxPolicyDepth);
        this.snapshot.set(new Snapshot(store.revision()));
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "events-xacml-policy-refresh");
            t.setDaemon(true);
            return t;
        });
        long every = b.refreshInterval.toMillis();
        refresher.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    }

    public static Builder builder(PolicyStore store) {
        return new Builder(store);
    }

    // ------------------------------------------------------------------ decisions

    @Override
    public List<Boolean> decide(List<AccessRequest> requests) {
        Snapshot current = snapshot.get();
        List<Boolean> answers = new ArrayList<>(requests.size());
        // Within one call, equal questions are evaluated once even when they cannot be cached.
        Map<CompiledPolicy.DecisionKey, Boolean> answeredNow = new HashMap<>();
        for (AccessRequest request : requests) {
            Optional<CompiledPolicy> policy = current.policy(request.resource());
            if (policy.isEmpty()) {
                answers.add(Boolean.FALSE);
                continue;
            }
            CompiledPolicy p = policy.get();
            SortedMap<String, SortedMap<String, SortedSet<String>>> attributes = RequestAttributes.of(request);
            if (!p.cacheable()) {
                answers.add(denyingFailures(() -> p.permits(attributes)));
                continue;
            }
            CompiledPolicy.DecisionKey key = p.keyFor(attributes);
            Boolean answer = answeredNow.get(key);
            if (answer == null) {
                answer = denyingFailures(() -> current.decisions.get(key, k -> p.permits(attributes)));
                answeredNow.put(key, answer);
            }
            answers.add(answer);
        }
        return answers;
    }

    /**
     * The answer of {@code decision}, or deny, logged, if the policy threw. Such a deny is not cached (the cache
     * keeps no entry whose computation threw): a failure may depend on more than the policy and the attributes,
     * a stack overflow on the caller's stack for one, and should not deny equal requests for {@code decisionTtl}.
     */
    private static boolean denyingFailures(Supplier<Boolean> decision) {
        try {
            return decision.get();
        } catch (UnableToEvaluatePolicyException e) {
            LOG.warn("Denying a request: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void policiesChanged() {
        refresh();
    }

    // ------------------------------------------------------------------ policy language

    @Override
    public void check(String resource, String document) {
        Objects.requireNonNull(document, "document");
        if (!ResourceUrn.isValid(resource)) {
            throw new InvalidPolicyException("the resource must be " + ResourceUrn.RULE);
        }
        Element root = Balanas.parseXml(document, limits);
        CompiledPolicy compiled = CompiledPolicy.compile(resource, root, 0);
        XacmlNamespace.check(root);
        RegexpPatterns.check(root);
        trialEvaluation(compiled);
    }

    /**
     * Evaluates the policy once for a request that carries nothing but an action: Balana accepts some documents it
     * then cannot evaluate at all (a Policy without a Target throws a NullPointerException), and such a policy
     * would deny every request with a warning each time. A failure that depends on the request's values (a
     * Condition whose first child is a Function throws once its rule's Target matches) is not found this way; it
     * stays contained to its request.
     */
    private static void trialEvaluation(CompiledPolicy compiled) {
        SortedMap<String, SortedMap<String, SortedSet<String>>> actionOnly = new java.util.TreeMap<>();
        actionOnly.put(RequestAttributes.ACTION, new java.util.TreeMap<>(java.util.Map.of(RequestAttributes.ACTION_ID,
                new java.util.TreeSet<>(List.of("subscribe")))));
        try {
            compiled.permits(actionOnly);
        } catch (UnableToEvaluatePolicyException e) {
            throw new InvalidPolicyException("Balana accepts the document but cannot evaluate it ("
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getClass().getSimpleName())
                    + "); check the structure of the Policy, its Target and its Conditions");
        }
    }

    // ------------------------------------------------------------------ refresh

    /** Starts over with empty caches if the store's revision moved since the current snapshot was made. */
    private void refresh() {
        try {
            long revision = store.revision();
            Snapshot current = snapshot.get();
            if (revision != current.revision) {
                snapshot.compareAndSet(current, new Snapshot(revision));
            }
            if (refreshFailing) {
                refreshFailing = false;
                LOG.info("Reading the policy revision works again");
            }
        } catch (RuntimeException e) {
            if (!refreshFailing) {
                refreshFailing = true;
                LOG.warn("Unable to read the policy revision; policy changes by other nodes are not seen until it works", e);
            }
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }

    /**
     * The caches made since one store revision. Replaced as a whole on a change, so that a decision that
     * was being computed from an old policy lands in a snapshot nobody reads any more.
     */
    private final class Snapshot {
        final long revision;
        final Cache<String, Optional<CompiledPolicy>> policies;
        final Cache<CompiledPolicy.DecisionKey, Boolean> decisions;

        Snapshot(long revision) {
            this.revision = revision;
            this.policies = Caffeine.newBuilder().maximumSize(maxPolicies).build();
            this.decisions = Caffeine.newBuilder().maximumSize(maxDecisions).expireAfterWrite(decisionTtl).build();
        }

        Optional<CompiledPolicy> policy(String resource) {
            return policies.get(resource, this::load);
        }

        private Optional<CompiledPolicy> load(String resource) {
            Optional<ResourcePolicy> stored = store.get(resource);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            try {
                ResourcePolicy policy = stored.get();
                return Optional.of(CompiledPolicy.compile(resource, Balanas.parseXml(policy.document(), limits),
                        policy.revision()));
            } catch (InvalidPolicyException e) {
                // Stored documents were checked when written; one that no longer loads denies everything.
                LOG.error("The stored policy of {} cannot be used; denying every request for it: {}", resource,
                        e.getMessage());
                return Optional.empty();
            }
        }
    }

    /** Settings; the defaults suit a server. */
    public static final class Builder {
        private final PolicyStore store;
        private Duration decisionTtl = Duration.ofSeconds(30);
        private long maxDecisions = 100_000;
        private long maxPolicies = 10_000;
        private Duration refreshInterval = Duration.ofMillis(250);
        private int maxPolicyLength = 1024 * 1024;
        private int maxPolicyDepth = 100;

        private Builder(PolicyStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** How long a decision is reused (30 s). Policy changes drop cached decisions at once regardless. */
        public Builder decisionTtl(Duration ttl) {
            this.decisionTtl = requirePositive(ttl, "decisionTtl");
            return this;
        }

        /** How many decisions are kept (100 000). */
        public Builder maxDecisions(long max) {
            this.maxDecisions = max;
            return this;
        }

        /** How many parsed policies are kept (10 000). */
        public Builder maxPolicies(long max) {
            this.maxPolicies = max;
            return this;
        }

        /** How often the store's revision is checked for changes made by other processes (250 ms). */
        public Builder refreshInterval(Duration interval) {
            this.refreshInterval = requirePositive(interval, "refreshInterval");
            return this;
        }

        /**
         * How many characters a policy document may have (1 048 576). Longer documents are refused by
         * {@link XacmlAuthorizer#check}; a longer stored one denies every request for its resource.
         */
        public Builder maxPolicyLength(int characters) {
            this.maxPolicyLength = requirePositive(characters, "maxPolicyLength");
            return this;
        }

        /**
         * How deeply a policy document's elements may nest, the root being level 1 (100). Deeper documents are
         * refused by {@link XacmlAuthorizer#check}; a deeper stored one denies every request for its resource.
         */
        public Builder maxPolicyDepth(int levels) {
            this.maxPolicyDepth = requirePositive(levels, "maxPolicyDepth");
            return this;
        }

        public XacmlAuthorizer build() {
            return new XacmlAuthorizer(this);
        }

        private static int requirePositive(int n, String name) {
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return n;
        }

        private static Duration requirePositive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
