package events.server;

/**
 * What one caller may create or make the server do, each from its own setting: subscriptions per consumer,
 * stored events one poll examines, and the size and nesting of CESQL filters and XACML policies.
 */
public record TenantLimits(
        int maxSubscriptionsPerConsumer,
        int maxPollScan,
        int maxFilterLength,
        int maxFilterDepth,
        int maxPolicyBytes,
        int maxPolicyDepth) {

    static TenantLimits from(ServerSettings.Source s) {
        return new TenantLimits(
                s.get("EVENTS_MAX_SUBSCRIPTIONS_PER_CONSUMER", "--max-subscriptions-per-consumer")
                        .map(v -> ServerSettings.parseInt("EVENTS_MAX_SUBSCRIPTIONS_PER_CONSUMER", v, 1, 1_000_000))
                        .orElse(1000),
                s.get("EVENTS_MAX_POLL_SCAN", "--max-poll-scan")
                        .map(v -> ServerSettings.parseInt("EVENTS_MAX_POLL_SCAN", v, 100, 1_000_000)).orElse(10_000),
                s.get("EVENTS_MAX_FILTER_LENGTH", "--max-filter-length")
                        .map(v -> ServerSettings.parseInt("EVENTS_MAX_FILTER_LENGTH", v, 16, 4096)).orElse(4096),
                s.get("EVENTS_MAX_FILTER_DEPTH", "--max-filter-depth")
                        .map(v -> ServerSettings.parseInt("EVENTS_MAX_FILTER_DEPTH", v, 1, 1000)).orElse(64),
                s.get("EVENTS_MAX_POLICY_SIZE", "--max-policy-size")
                        .map(v -> ServerSettings.parseSize("EVENTS_MAX_POLICY_SIZE", v, 1024, 16 * 1024 * 1024))
                        .orElse(1024 * 1024),
                s.get("EVENTS_MAX_POLICY_DEPTH", "--max-policy-depth")
                        .map(v -> ServerSettings.parseInt("EVENTS_MAX_POLICY_DEPTH", v, 8, 1000)).orElse(100));
    }
}
