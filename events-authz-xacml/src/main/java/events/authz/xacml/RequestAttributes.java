package events.authz.xacml;

import events.domain.CloudEvent;
import events.ports.AccessRequest;
import events.ports.Caller;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The XACML request attributes of an {@link AccessRequest}, in Altinn's vocabulary, all of type string:
 * category → attribute id → values. Sorted, so that equal requests have equal maps.
 */
final class RequestAttributes {
    static final String SUBJECT = "urn:oasis:names:tc:xacml:1.0:subject-category:access-subject";
    static final String ACTION = "urn:oasis:names:tc:xacml:3.0:attribute-category:action";
    static final String RESOURCE = "urn:oasis:names:tc:xacml:3.0:attribute-category:resource";
    static final String ENVIRONMENT = "urn:oasis:names:tc:xacml:3.0:attribute-category:environment";

    static final String ACTION_ID = "urn:oasis:names:tc:xacml:1.0:action:action-id";
    static final String EVENT_ID = "urn:altinn:event-id";
    static final String EVENT_TYPE = "urn:altinn:eventtype";
    static final String EVENT_SOURCE = "urn:altinn:eventsource";
    static final String RESOURCE_INSTANCE = "urn:altinn:resourceinstance";

    /** Subject and consumer prefixes and the attribute each maps to. */
    private static final Map<String, String> PARTY_PREFIXES = Map.of(
            "/party/", "urn:altinn:partyid",
            "/org/", "urn:altinn:org",
            "/user/", "urn:altinn:userid",
            "/organisation/", "urn:altinn:organization:identifier-no");

    private RequestAttributes() {
    }

    static SortedMap<String, SortedMap<String, SortedSet<String>>> of(AccessRequest request) {
        SortedMap<String, SortedMap<String, SortedSet<String>>> attributes = new TreeMap<>();

        Caller caller = request.caller();
        caller.claims().forEach((name, value) -> add(attributes, SUBJECT, name, value));
        String[] consumer = mapParty(caller.consumer());
        if (consumer != null && !caller.claims().containsKey(consumer[0])) {
            add(attributes, SUBJECT, consumer[0], consumer[1]);
        }

        add(attributes, ACTION, ACTION_ID, request.action().id());

        String resource = request.resource();
        int lastColon = resource.lastIndexOf(':');
        add(attributes, RESOURCE, resource.substring(0, lastColon), resource.substring(lastColon + 1));
        CloudEvent event = request.event();
        if (event != null) {
            add(attributes, RESOURCE, EVENT_ID, event.id());
            add(attributes, RESOURCE, EVENT_TYPE, event.type());
            add(attributes, RESOURCE, EVENT_SOURCE, event.source());
            if (event.resourceInstance() != null) {
                add(attributes, RESOURCE, RESOURCE_INSTANCE, event.resourceInstance());
            }
        }
        String[] subject = mapParty(request.subject());
        if (subject != null) {
            add(attributes, RESOURCE, subject[0], subject[1]);
        }
        return attributes;
    }

    /** {@code /party/1337} → {@code [urn:altinn:partyid, 1337]}; null for anything else. */
    static String[] mapParty(String party) {
        if (party == null) {
            return null;
        }
        for (Map.Entry<String, String> prefix : PARTY_PREFIXES.entrySet()) {
            if (party.startsWith(prefix.getKey()) && party.length() > prefix.getKey().length()) {
                return new String[] {prefix.getValue(), party.substring(prefix.getKey().length())};
            }
        }
        return null;
    }

    private static void add(SortedMap<String, SortedMap<String, SortedSet<String>>> attributes, String category,
            String id, String value) {
        attributes.computeIfAbsent(category, c -> new TreeMap<>()).computeIfAbsent(id, i -> new TreeSet<>()).add(value);
    }

    /** The values of {@code id} in {@code category}, empty when absent. */
    static Set<String> values(Map<String, ? extends Map<String, ? extends Set<String>>> attributes, String category,
            String id) {
        Map<String, ? extends Set<String>> inCategory = attributes.get(category);
        Set<String> values = inCategory == null ? null : inCategory.get(id);
        return values == null ? Set.of() : values;
    }
}
