package events.testkit;

import events.domain.ResourcePolicy;
import events.ports.PolicyStore;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A working {@link PolicyStore} in memory. Thread-safe; every call is serialized. Each write raises
 * {@link #revision()} by one; {@link ResourcePolicy#updatedAt()} comes from the clock.
 */
public final class InMemoryPolicyStore implements PolicyStore {
    private final Clock clock;
    private final TreeMap<String, ResourcePolicy> policies = new TreeMap<>();
    private long revision;

    /** A store stamping writes with the system clock (UTC). */
    public InMemoryPolicyStore() {
        this(Clock.systemUTC());
    }

    public InMemoryPolicyStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized Optional<ResourcePolicy> get(String resource) {
        return Optional.ofNullable(policies.get(Objects.requireNonNull(resource, "resource")));
    }

    @Override
    public synchronized ResourcePolicy put(String resource, String document) {
        ResourcePolicy policy = new ResourcePolicy(resource, document, revision + 1, clock.instant());
        policies.put(resource, policy);
        revision++;
        return policy;
    }

    @Override
    public synchronized boolean delete(String resource) {
        if (policies.remove(Objects.requireNonNull(resource, "resource")) == null) {
            return false;
        }
        revision++;
        return true;
    }

    @Override
    public synchronized List<String> resources() {
        return List.copyOf(policies.keySet());
    }

    @Override
    public synchronized long revision() {
        return revision;
    }
}
