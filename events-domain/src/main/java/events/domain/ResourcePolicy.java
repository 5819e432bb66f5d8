package events.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The access policy of one resource: a document in the policy language of the authorizer (XACML 3.0),
 * the store revision at which it was last written, and when.
 */
public record ResourcePolicy(String resource, String document, long revision, Instant updatedAt) {
    public ResourcePolicy {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
