package events.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A filter of the CloudEvents Subscriptions API: {@code exact}, {@code prefix}, {@code suffix} (on one or more
 * attributes, all of which must match; an attribute the event does not have never matches), {@code all},
 * {@code any}, {@code not}, and {@code sql} (a CloudEvents SQL expression). Matching is pure except for
 * {@code sql}, whose expressions are compiled by whoever turns a filter into a {@link Predicate}.
 */
public sealed interface SubscriptionFilter {
    /** Filters nested deeper than this are refused. */
    int MAX_DEPTH = 8;
    /** A subscription's filters hold at most this many filters and attribute conditions in all. */
    int MAX_NODES = 200;
    /** The longest {@code sql} expression accepted. */
    int MAX_SQL_LENGTH = 4096;

    /** Turns the filter into a predicate; {@code sql} compiles a CESQL expression (it may throw). */
    Predicate<CloudEvent> toPredicate(Function<String, Predicate<CloudEvent>> sql);

    /** The dialect name used on the wire. */
    String dialect();

    /** Every attribute equals its value. */
    record Exact(Map<String, String> attributes) implements SubscriptionFilter {
        public Exact {
            attributes = checkedAttributes(attributes);
        }

        @Override
        public Predicate<CloudEvent> toPredicate(Function<String, Predicate<CloudEvent>> sql) {
            return e -> attributes.entrySet().stream().allMatch(a -> a.getValue().equals(e.attributeText(a.getKey())));
        }

        @Override
        public String dialect() {
            return "exact";
        }
    }

    /** Every attribute starts with its value. */
    record Prefix(Map<String, String> attributes) implements SubscriptionFilter {
        public Prefix {
            attributes = checkedAttributes(attributes);
        }

        @Override
        public Predicate<CloudEvent> toPredicate(Function<String, Predicate<CloudEvent>> sql) {
            return e -> attributes.entrySet().stream().allMatch(a -> {
                String v = e.attributeText(a.getKey());
                return v != null && v.startsWith(a.getValue());
            });
        }

        @Override
        public String dialect() {
            return "prefix";
        }
    }

    /** Every attribute ends with its value. */
    record Suffix(Map<String, String> attributes) implements SubscriptionFilter {
        public Suffix {
            attributes = checkedAttributes(attributes);
        }

        @Override
        public Predicate<CloudEvent> toPredicate(Function<String, Predicate<CloudEvent>> sql) {
            return e -> attributes.entrySet().stream().allMatch(a -> {
                String v = e.attributeText(a.getKey());
                return v != null && v.endsWith(a.getValue());
            });
        }

        @Override
        public String dialect() {
            return "suffix";
        }
    }

    /** Every nested filter matches. */
    record All(List<SubscriptionFilter> filters) implements SubscriptionFilter {
        public All {
            filters = checkedFilters(filters, "all");
        }

        @Override
        public Predicate<CloudEvent> toPredicate(Function<String, Predicate<CloudEvent>> sql) {
            List<Predicate<CloudEvent>> ps = filters.stream().map(f -> f.toPredicate(sql)).toList();
            return e -> ps.stream().allMatch(p -> p.test(e));
        }

        @Override
        public String dialect() {
            return "all";
        }
    }

    /** At least one nested filter matches. */
    record Any(List<SubscriptionFilter> filters) implements SubscriptionFilter {
        public Any {
            filters = checkedFilters(filters, "any");
        }

        @Override
        public Predicate<CloudEvent> toPredicate(Function<String, Predicate<CloudEvent>> sql) {
            List<Predicate<CloudEvent>> ps = filters.stream().map(f -> f.toPredicate(sql)).toList();
            return e -> ps.stream().anyMatch(p -> p.test(e));
        }

        @Override
        public String dialect() {
            return "any";
        }
    }

    /** The nested filter does not match. */
    record Not(SubscriptionFilter filter) implements SubscriptionFilter {
        public Not {
            if (filter == null) {
                throw new InvalidSubscriptionException(new Violation("filters", "not: needs a filter"));
            }
        }

        @Override
        public Predicate<CloudEvent> toPredicate(Function<String, Predicate<CloudEvent>> sql) {
            return filter.toPredicate(sql).negate();
        }

        @Override
        public String dialect() {
            return "not";
        }
    }

    /** A CloudEvents SQL (CESQL v1) expression that must evaluate to true. */
    record Sql(String expression) implements SubscriptionFilter {
        public Sql {
            if (expression == null || expression.isBlank()) {
                throw new InvalidSubscriptionException(new Violation("filters", "sql: needs an expression"));
            }
            if (expression.length() > MAX_SQL_LENGTH) {
                throw new InvalidSubscriptionException(
                        new Violation("filters", "sql: expressions are limited to " + MAX_SQL_LENGTH + " characters"));
            }
        }

        @Override
        public Predicate<CloudEvent> toPredicate(Function<String, Predicate<CloudEvent>> sql) {
            return sql.apply(expression);
        }

        @Override
        public String dialect() {
            return "sql";
        }
    }

    /** Checks depth and size of a list of filters (a subscription's {@code filters}). */
    static void checkLimits(List<SubscriptionFilter> filters) {
        int[] nodes = {0};
        for (SubscriptionFilter f : filters) {
            count(f, 1, nodes);
        }
    }

    private static void count(SubscriptionFilter f, int depth, int[] nodes) {
        if (depth > MAX_DEPTH) {
            throw new InvalidSubscriptionException(
                    new Violation("filters", "filters may be nested at most " + MAX_DEPTH + " deep"));
        }
        nodes[0] += f instanceof Exact x ? x.attributes().size()
                : f instanceof Prefix x ? x.attributes().size()
                : f instanceof Suffix x ? x.attributes().size()
                : 1;
        if (nodes[0] > MAX_NODES) {
            throw new InvalidSubscriptionException(
                    new Violation("filters", "at most " + MAX_NODES + " filters and conditions in all"));
        }
        if (f instanceof All a) {
            a.filters().forEach(n -> count(n, depth + 1, nodes));
        } else if (f instanceof Any a) {
            a.filters().forEach(n -> count(n, depth + 1, nodes));
        } else if (f instanceof Not n) {
            count(n.filter(), depth + 1, nodes);
        }
    }

    private static Map<String, String> checkedAttributes(Map<String, String> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            throw new InvalidSubscriptionException(
                    new Violation("filters", "exact, prefix and suffix need at least one attribute"));
        }
        List<Violation> violations = new ArrayList<>();
        Map<String, String> copy = new LinkedHashMap<>();
        attributes.forEach((name, value) -> {
            if (name == null || !CloudEvent.isAttributeName(name)) {
                violations.add(new Violation("filters", "attribute names are lower-case letters and digits: " + name));
            } else if (value == null) {
                violations.add(new Violation("filters", "the value for " + name + " must be a string"));
            } else {
                copy.put(name, value);
            }
        });
        if (!violations.isEmpty()) {
            throw new InvalidSubscriptionException(violations);
        }
        return java.util.Collections.unmodifiableMap(copy);
    }

    private static List<SubscriptionFilter> checkedFilters(List<SubscriptionFilter> filters, String dialect) {
        if (filters == null || filters.isEmpty() || filters.stream().anyMatch(Objects::isNull)) {
            throw new InvalidSubscriptionException(
                    new Violation("filters", dialect + ": needs a non-empty array of filters"));
        }
        return List.copyOf(filters);
    }
}
