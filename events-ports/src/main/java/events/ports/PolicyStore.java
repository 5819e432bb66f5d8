package events.ports;

import events.domain.ResourcePolicy;
import java.util.List;
import java.util.Optional;

/**
 * Where the access policies live, one per resource URN. Several server nodes may share one store; a change
 * made through any of them raises {@link #revision()} for all. Failures throw
 * {@link events.domain.UnableToAccessPoliciesException}.
 */
public interface PolicyStore {

    /** The policy of {@code resource}, if it has one. */
    Optional<ResourcePolicy> get(String resource);

    /** Creates or replaces the policy of {@code resource}; returns it as stored, with its new revision. */
    ResourcePolicy put(String resource, String document);

    /** Removes the policy of {@code resource}; true if it had one. */
    boolean delete(String resource);

    /** The resources that have a policy, in ascending order. */
    List<String> resources();

    /**
     * A number that grows with every {@link #put} and every {@link #delete} that removed something, and
     * never otherwise. A reader that saw revision r and now sees a larger one knows that policies changed.
     * A fresh store answers 0.
     */
    long revision();
}
