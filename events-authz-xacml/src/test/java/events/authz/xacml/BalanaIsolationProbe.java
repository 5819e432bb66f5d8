package events.authz.xacml;

import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Caller;
import events.testkit.InMemoryPolicyStore;
import events.testkit.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Run in a child JVM by {@link BalanaIsolationTest}: decides one request and prints the answer. */
public final class BalanaIsolationProbe {
    private BalanaIsolationProbe() {
    }

    public static void main(String[] args) throws Exception {
        InMemoryPolicyStore store = new InMemoryPolicyStore();
        store.put("urn:altinn:resource:ttd-svc", Files.readString(Path.of(args[0])));
        try (XacmlAuthorizer authorizer = XacmlAuthorizer.builder(store).build()) {
            Caller digdir = new Caller("/org/digdir", Set.of(Caller.SCOPE_SUBSCRIBE), Map.of("urn:altinn:org", "digdir"));
            List<Boolean> answers = authorizer.decide(List.of(
                    AccessRequest.forEvent(digdir, Action.SUBSCRIBE, TestEvents.anEvent()
                            .resource("urn:altinn:resource:ttd-svc").subject("/party/1337").build()),
                    AccessRequest.forEvent(digdir, Action.SUBSCRIBE, TestEvents.anEvent()
                            .resource("urn:altinn:resource:ttd-svc").subject("/party/1338").build())));
            System.out.println("answers=" + answers);
        }
    }
}
