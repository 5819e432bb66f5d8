package events.authz.xacml;

/**
 * Balana threw while evaluating a policy for one request. The message names the policy and what was thrown, by
 * class and place only: the cause's own message may quote request attributes, such as token claims, and it is
 * not kept.
 */
final class UnableToEvaluatePolicyException extends RuntimeException {

    UnableToEvaluatePolicyException(String resource, long revision, Throwable cause) {
        super("the policy of " + resource + " (revision " + revision + ") threw " + cause.getClass().getName()
                + (cause.getStackTrace().length > 0 ? " at " + cause.getStackTrace()[0] : ""));
    }
}
