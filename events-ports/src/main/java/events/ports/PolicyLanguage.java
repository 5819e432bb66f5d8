package events.ports;

/** Checks policy documents before they are stored, in the language the {@link Authorizer} evaluates. */
public interface PolicyLanguage {

    /**
     * Returns normally if {@code document} can be the policy of {@code resource}; otherwise throws
     * {@link events.domain.InvalidPolicyException} with a reason a policy author can act on.
     */
    void check(String resource, String document);
}
