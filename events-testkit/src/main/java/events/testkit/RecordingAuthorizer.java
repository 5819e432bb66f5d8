package events.testkit;

import events.ports.AccessRequest;
import events.ports.Authorizer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Decides by a fixed rule and records every call, so tests can see how often and about what it was asked. */
public final class RecordingAuthorizer implements Authorizer {
    private final Predicate<AccessRequest> permits;
    private final List<List<AccessRequest>> calls = new CopyOnWriteArrayList<>();

    private RecordingAuthorizer(Predicate<AccessRequest> permits) {
        this.permits = permits;
    }

    public static RecordingAuthorizer permitting(Predicate<AccessRequest> permits) {
        return new RecordingAuthorizer(permits);
    }

    public static RecordingAuthorizer permitAll() {
        return new RecordingAuthorizer(r -> true);
    }

    public static RecordingAuthorizer denyAll() {
        return new RecordingAuthorizer(r -> false);
    }

    @Override
    public List<Boolean> decide(List<AccessRequest> requests) {
        calls.add(List.copyOf(requests));
        return requests.stream().map(permits::test).toList();
    }

    /** Every call, each with the requests it carried. */
    public List<List<AccessRequest>> calls() {
        return calls;
    }

    public List<AccessRequest> requests() {
        return calls.stream().flatMap(List::stream).toList();
    }
}
