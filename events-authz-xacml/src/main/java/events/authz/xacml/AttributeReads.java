package events.authz.xacml;

import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a policy can read of a request, as found so far: the category and id of each attribute it designates, or
 * else why its decisions cannot be cached. A decision's cache key is made of the values of these attributes, so the
 * set may be too wide (a needless cache miss) but never too narrow (one caller's answer given to another): whoever
 * fills it reports anything it cannot name as an attribute, and that makes the policy uncacheable.
 */
final class AttributeReads {
    private final SortedSet<Name> names = new TreeSet<>(Comparator.comparing(Name::category).thenComparing(Name::id));
    private String uncacheableBecause;

    /**
     * The policy reads attribute {@code id} of {@code category}; either may be null when unknown, which makes the
     * policy uncacheable, as does the environment category (the current date and time change by themselves).
     */
    void designator(String category, String id) {
        if (category == null || id == null) {
            uncacheable("an attribute designator without a Category or an AttributeId");
        } else if (RequestAttributes.ENVIRONMENT.equals(category)) {
            uncacheable("it reads the environment (" + id + ")");
        } else {
            names.add(new Name(category, id));
        }
    }

    /** The policy's answers depend on something that is not an attribute named here: they are not cached. */
    void uncacheable(String because) {
        if (uncacheableBecause == null) {
            uncacheableBecause = because;
        }
    }

    boolean cacheable() {
        return uncacheableBecause == null;
    }

    /**
     * The attributes read, sorted: a key holds their values by position, so every compilation of a policy must list
     * them alike, whatever order they were found in.
     */
    List<Name> names() {
        return List.copyOf(names);
    }

    /** The attributes, or why the policy is not cacheable: for logs and test failures. */
    @Override
    public String toString() {
        return cacheable() ? "reads " + names : "not cacheable: " + uncacheableBecause;
    }

    /** An attribute as a designator names it. */
    record Name(String category, String id) {
    }
}
