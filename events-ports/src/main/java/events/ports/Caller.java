package events.ports;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who is calling: the consumer identity ({@code /org/ttd}, {@code /user/1337}, {@code /organisation/999},
 * {@code /sub/x}), the granted scopes, and the token's claims whose names are URNs (the XACML subject
 * attributes).
 */
public record Caller(String consumer, Set<String> scopes, Map<String, String> claims) {

    /** Publish events. */
    public static final String SCOPE_PUBLISH = "altinn:events.publish";
    /** Publish to any resource without a policy decision. */
    public static final String SCOPE_PUBLISH_ADMIN = "altinn:events.publish.admin";
    /** Poll events and manage subscriptions. */
    public static final String SCOPE_SUBSCRIBE = "altinn:events.subscribe";
    /** Manage policies. */
    public static final String SCOPE_ADMIN = "altinn:events.admin";

    public Caller {
        Objects.requireNonNull(consumer, "consumer");
        scopes = Set.copyOf(scopes);
        claims = Map.copyOf(claims);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
