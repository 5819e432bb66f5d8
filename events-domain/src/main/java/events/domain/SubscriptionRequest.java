package events.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a subscriber asks for (Altinn's fields plus CloudEvents Subscriptions API {@code filters}): events of
 * {@code resourceFilter}, narrowed by the optional exact filters on subject, type, source and alternative
 * subject, and by every one of {@code filters} (ANDed), pushed to {@code endPoint}.
 *
 * <p>Two requests are the same subscription when they are equal (the filters compared as values), which
 * is how an identical re-POST finds the existing one. Whether {@code endPoint} may be used is decided by
 * {@link WebhookEndpoints} (it depends on the operator's settings), not here.
 */
public record SubscriptionRequest(
        String endPoint,
        String resourceFilter,
        String subjectFilter,
        String typeFilter,
        String sourceFilter,
        String alternativeSubjectFilter,
        List<SubscriptionFilter> filters) {

    /** The longest endpoint URL accepted. */
    public static final int MAX_ENDPOINT_LENGTH = 2048;
    /** The longest value accepted in the exact filters. */
    public static final int MAX_FILTER_LENGTH = 1024;

    public SubscriptionRequest {
        List<Violation> violations = new ArrayList<>();
        if (endPoint == null || endPoint.isBlank()) {
            violations.add(new Violation("endPoint", "is required"));
        } else if (endPoint.length() > MAX_ENDPOINT_LENGTH) {
            violations.add(new Violation("endPoint", "must be at most " + MAX_ENDPOINT_LENGTH + " characters"));
        }
        if (resourceFilter == null || resourceFilter.isEmpty()) {
            violations.add(new Violation("resourceFilter", "is required"));
        } else if (!ResourceUrn.isValid(resourceFilter)) {
            violations.add(new Violation("resourceFilter", "must be " + ResourceUrn.RULE));
        }
        optional("subjectFilter", subjectFilter, violations);
        optional("typeFilter", typeFilter, violations);
        optional("sourceFilter", sourceFilter, violations);
        optional("alternativeSubjectFilter", alternativeSubjectFilter, violations);
        filters = filters == null ? List.of() : filters;
        if (filters.stream().anyMatch(Objects::isNull)) {
            violations.add(new Violation("filters", "must not hold null"));
        } else {
            try {
                SubscriptionFilter.checkLimits(filters);
            } catch (InvalidSubscriptionException e) {
                violations.addAll(e.violations());
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidSubscriptionException(violations);
        }
        filters = List.copyOf(filters);
    }

    /** Whether the event passes the Altinn fields (the {@code filters} are matched by the engine). */
    public boolean matchesAttributes(CloudEvent event) {
        return resourceFilter.equals(event.resource())
                && (subjectFilter == null || subjectFilter.equals(event.subject()))
                && (typeFilter == null || typeFilter.equals(event.type()))
                && (sourceFilter == null || sourceFilter.equals(event.source()))
                && (alternativeSubjectFilter == null || alternativeSubjectFilter.equals(event.alternativeSubject()));
    }

    private static void optional(String name, String value, List<Violation> violations) {
        if (value == null) {
            return;
        }
        if (value.isEmpty()) {
            violations.add(new Violation(name, "must not be empty when present"));
        } else if (value.length() > MAX_FILTER_LENGTH) {
            violations.add(new Violation(name, "must be at most " + MAX_FILTER_LENGTH + " characters"));
        }
    }
}
