package events.testkit;

import events.domain.CloudEvent;
import java.util.UUID;

/** Test data builders with sensible defaults: {@code TestEvents.anEvent().type("x").build()}. */
public final class TestEvents {
    public static final String RESOURCE = "urn:altinn:resource:ttd-test";

    private TestEvents() {
    }

    /** A valid event with a random id, resource {@link #RESOURCE}, subject /party/1337 and JSON data. */
    public static CloudEvent.Builder anEvent() {
        return CloudEvent.builder()
                .id(UUID.randomUUID().toString())
                .source("https://ttd.apps.altinn.no/ttd/test/instances/1337")
                .type("app.instance.created")
                .subject("/party/1337")
                .time("2026-11-27T10:15:30.123456Z")
                .resource(RESOURCE)
                .dataContentType("application/json")
                .jsonData("{\"n\":1}");
    }
}
