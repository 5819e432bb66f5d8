package events.core.delivery;

import events.domain.CloudEvent;
import events.domain.EndpointPartitions;
import events.domain.Subscription;
import events.domain.SubscriptionFilter;
import events.ports.FilterExpressions;
import events.ports.SubscriptionStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active subscriptions, indexed by resource and then by subject filter, so that matching an event costs two
 * map lookups plus the subscriptions of that event's resource with that event's subject or no subject filter:
 * subscriptions to other resources, or to other subjects of the same resource, cost nothing.
 *
 * <p>An immutable snapshot is swapped in on every change: at once for changes made through this process
 * ({@link #put}, {@link #remove}), and by {@link #refreshIfStale} for changes made by other processes sharing the
 * store (the store's revision moved). Readers never lock.
 */
final class SubscriptionIndex {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionIndex.class);

    /** An active subscription with its filters compiled. */
    record Entry(Subscription subscription, Predicate<CloudEvent> filters) {
        boolean matches(CloudEvent event) {
            return subscription.request().matchesAttributes(event) && filters.test(event);
        }
    }

    /** Key of the subscriptions without a subject filter in a resource's map. */
    private static final String ANY_SUBJECT = "\u0000any";

    private record Snapshot(Map<String, Map<String, List<Entry>>> byResource, Map<UUID, Entry> byId,
            long partitions) {
    }

    private final SubscriptionStore store;
    private final FilterExpressions expressions;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), 0L);
    private long seenRevision = Long.MIN_VALUE;

    SubscriptionIndex(SubscriptionStore store, FilterExpressions expressions) {
        this.store = store;
        this.expressions = expressions;
    }

    /** The active subscriptions that want this event (before authorization). */
    List<Entry> matching(CloudEvent event) {
        Map<String, List<Entry>> bySubject = snapshot.byResource().get(event.resource());
        if (bySubject == null) {
            return List.of();
        }
        List<Entry> matches = new ArrayList<>(2);
        addMatches(bySubject.get(ANY_SUBJECT), event, matches);
        if (event.subject() != null) {
            addMatches(bySubject.get(event.subject()), event, matches);
        }
        return matches;
    }

    private static void addMatches(List<Entry> candidates, CloudEvent event, List<Entry> matches) {
        if (candidates != null) {
            for (Entry e : candidates) {
                if (e.matches(event)) {
                    matches.add(e);
                }
            }
        }
    }

    /** The active subscription with this id, if it is active. */
    Optional<Entry> get(UUID id) {
        return Optional.ofNullable(snapshot.byId().get(id));
    }

    /** Up to {@code limit} of the active subscriptions to any of {@code endpoints}. */
    Set<UUID> subscriptionsTo(Set<String> endpoints, int limit) {
        Set<UUID> ids = new HashSet<>();
        for (Entry e : snapshot.byId().values()) {
            if (ids.size() == limit) {
                break;
            }
            if (endpoints.contains(e.subscription().request().endPoint())) {
                ids.add(e.subscription().id());
            }
        }
        return ids;
    }

    int size() {
        return snapshot.byId().size();
    }

    /** Whether an active subscription's endpoint is in one of {@code partitions}. */
    boolean hasEndpointIn(EndpointPartitions partitions) {
        return (snapshot.partitions() & partitions.bits()) != 0;
    }

    /** Reloads every active subscription when the store's revision moved since the last load. */
    synchronized void refreshIfStale() {
        long revision = store.revision();
        if (revision == seenRevision) {
            return;
        }
        Map<UUID, Entry> previous = snapshot.byId();
        Map<UUID, Entry> byId = new HashMap<>();
        for (Subscription s : store.active()) {
            Entry old = previous.get(s.id());
            byId.put(s.id(), old != null && old.subscription().equals(s) ? old : compile(s));
        }
        snapshot = build(byId);
        seenRevision = revision;
    }

    /** Applies a change made by this process: {@code subscription} is active now (or changed). */
    synchronized void put(Subscription subscription) {
        Map<UUID, Entry> byId = new HashMap<>(snapshot.byId());
        if (subscription.isActive()) {
            byId.put(subscription.id(), compile(subscription));
        } else {
            byId.remove(subscription.id());
        }
        snapshot = build(byId);
    }

    /** Applies a change made by this process: the subscription is gone (deleted or no longer active). */
    synchronized void remove(UUID id) {
        if (snapshot.byId().containsKey(id)) {
            Map<UUID, Entry> byId = new HashMap<>(snapshot.byId());
            byId.remove(id);
            snapshot = build(byId);
        }
    }

    private static Snapshot build(Map<UUID, Entry> byId) {
        Map<String, Map<String, List<Entry>>> byResource = new HashMap<>();
        long partitions = 0;
        for (Entry e : byId.values()) {
            partitions |= EndpointPartitions.of(EndpointPartitions.partitionOf(e.subscription().request().endPoint()))
                    .bits();
            String subject = e.subscription().request().subjectFilter();
            byResource.computeIfAbsent(e.subscription().request().resourceFilter(), r -> new HashMap<>())
                    .computeIfAbsent(subject == null ? ANY_SUBJECT : subject, s -> new ArrayList<>(1)).add(e);
        }
        return new Snapshot(byResource, Map.copyOf(byId), partitions);
    }

    private Entry compile(Subscription s) {
        List<SubscriptionFilter> filters = s.request().filters();
        if (filters.isEmpty()) {
            return new Entry(s, e -> true);
        }
        try {
            List<Predicate<CloudEvent>> predicates = filters.stream().map(f -> f.toPredicate(this::sql)).toList();
            return new Entry(s, e -> {
                for (Predicate<CloudEvent> p : predicates) {
                    if (!p.test(e)) {
                        return false;
                    }
                }
                return true;
            });
        } catch (RuntimeException e) {
            // Filters were checked at create; one that no longer compiles (a changed language) matches nothing.
            LOG.error("subscription {}: its filters no longer compile; it matches no event: {}", s.id(),
                    e.getMessage());
            return new Entry(s, ev -> false);
        }
    }

    private Predicate<CloudEvent> sql(String expression) {
        Objects.requireNonNull(expressions, "sql filters need FilterExpressions");
        return expressions.compile(expression)::matches;
    }
}
