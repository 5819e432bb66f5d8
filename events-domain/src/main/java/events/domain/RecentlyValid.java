package events.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Remembers values a costly check recently accepted, so that the few sources and resources a publisher
 * repeats are checked once. Bounded: it forgets everything when full. Only acceptance is remembered.
 */
final class RecentlyValid implements Predicate<String> {
    private static final int CAPACITY = 4096;

    private final Predicate<String> check;
    private final Map<String, Boolean> accepted = new ConcurrentHashMap<>();

    RecentlyValid(Predicate<String> check) {
        this.check = check;
    }

    @Override
    public boolean test(String value) {
        if (accepted.containsKey(value)) {
            return true;
        }
        if (!check.test(value)) {
            return false;
        }
        if (accepted.size() >= CAPACITY) {
            accepted.clear();
        }
        accepted.put(value, Boolean.TRUE);
        return true;
    }
}
