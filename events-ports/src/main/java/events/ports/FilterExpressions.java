package events.ports;

import events.domain.CloudEvent;

/**
 * The expression language of {@code sql} subscription filters (CloudEvents SQL, CESQL v1). An expression is
 * compiled once, when the subscription is created, and then evaluated for every event, from many threads.
 */
public interface FilterExpressions {

    /**
     * Compiles a CESQL expression; throws {@link events.domain.InvalidFilterException} when it does not parse,
     * with a message that says what is wrong and where.
     */
    CompiledFilter compile(String expression);

    /** A compiled expression. Immutable and safe to share between threads. */
    interface CompiledFilter {

        /**
         * True only when the expression evaluates to boolean TRUE for {@code event} without any evaluation
         * error (fail-fast evaluation). Any error (a missing attribute, a failed cast, division by zero, ...)
         * or any other result is no match. Never throws for a valid event.
         */
        boolean matches(CloudEvent event);

        /** The expression as given to {@link FilterExpressions#compile}. */
        String expression();
    }
}
