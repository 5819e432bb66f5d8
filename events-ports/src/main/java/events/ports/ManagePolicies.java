package events.ports;

import events.domain.ResourcePolicy;
import java.util.List;
import java.util.Optional;

/**
 * Driving port: the access policy of each resource, for operators. The API lets only callers with scope
 * {@value Caller#SCOPE_ADMIN} here. A change applies to the next decision on this node and within a second
 * on every node sharing the policy store.
 */
public interface ManagePolicies {

    /**
     * Checks and stores the policy of {@code resource}, replacing any previous one.
     *
     * @throws events.domain.InvalidPolicyException when the document cannot be used; the previous policy stays
     * @throws events.domain.UnableToAccessPoliciesException when the store failed; nothing changed
     */
    PolicyWrite put(String resource, String document);

    /** The policy of {@code resource}, if it has one. */
    Optional<ResourcePolicy> get(String resource);

    /** Removes the policy of {@code resource} (after which every request for it is denied); true if it had one. */
    boolean delete(String resource);

    /** The resources that have a policy, in ascending order. */
    List<String> resources();

    /** What {@link #put} stored, and whether the resource had no policy before. */
    record PolicyWrite(ResourcePolicy policy, boolean created) {
    }
}
