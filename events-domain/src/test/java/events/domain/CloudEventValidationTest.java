package events.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SPEC section 3, as data: every rule the domain checks, the attribute it names, and the edges it accepts. */
class CloudEventValidationTest {

    private static final String RESOURCE = "urn:altinn:resource:ttd-test";

    /** A valid event; every case below changes one thing. */
    private static CloudEvent.Builder anEvent() {
        return CloudEvent.builder()
                .id("5b0b4a43-5a1c-4c4b-9a5c-8d9b4f0e2d11")
                .source("https://ttd.apps.altinn.no/ttd/test/instances/1337")
                .type("app.instance.created")
                .subject("/party/1337")
                .time("2026-11-27T10:15:30.123456Z")
                .resource(RESOURCE)
                .dataContentType("application/json")
                .jsonData("{\"n\":1}");
    }

    private static Arguments invalid(String description, UnaryOperator<CloudEvent.Builder> change, String attribute) {
        return arguments(description, change, attribute);
    }

    static Stream<Arguments> invalidEvents() {
        return Stream.of(
                invalid("specversion missing", b -> b.specVersion(null), "specversion"),
                invalid("specversion 0.3", b -> b.specVersion("0.3"), "specversion"),
                invalid("specversion 1.0.2 (the spec's version, not the attribute value)", b -> b.specVersion("1.0.2"), "specversion"),
                invalid("specversion empty", b -> b.specVersion(""), "specversion"),
                invalid("id missing", b -> b.id(null), "id"),
                invalid("id empty", b -> b.id(""), "id"),
                invalid("source missing", b -> b.source(null), "source"),
                invalid("source empty", b -> b.source(""), "source"),
                invalid("source with a space", b -> b.source("https://ttd.apps.altinn.no/my app"), "source"),
                invalid("source with a broken percent escape", b -> b.source("https://x/%zz"), "source"),
                invalid("type missing", b -> b.type(null), "type"),
                invalid("type empty", b -> b.type(""), "type"),
                invalid("subject present but empty", b -> b.subject(""), "subject"),
                invalid("time with a space for T", b -> b.time("2026-11-27 10:15:30Z"), "time"),
                invalid("time without offset", b -> b.time("2026-11-27T10:15:30"), "time"),
                invalid("time without seconds", b -> b.time("2026-11-27T10:15Z"), "time"),
                invalid("time date only", b -> b.time("2026-11-27"), "time"),
                invalid("time on 30 February", b -> b.time("2026-02-30T10:15:30Z"), "time"),
                invalid("time on 29 February of a common year", b -> b.time("2026-02-29T10:15:30Z"), "time"),
                invalid("time at hour 24", b -> b.time("2026-11-27T24:00:00Z"), "time"),
                invalid("time at second 61", b -> b.time("2026-11-27T10:15:61Z"), "time"),
                invalid("time in month 13", b -> b.time("2026-13-27T10:15:30Z"), "time"),
                invalid("time with minute 60 in the offset", b -> b.time("2026-11-27T10:15:30+05:60"), "time"),
                invalid("time with offset without colon", b -> b.time("2026-11-27T10:15:30+0100"), "time"),
                invalid("time with an empty fraction", b -> b.time("2026-11-27T10:15:30.Z"), "time"),
                invalid("time in a local format", b -> b.time("27.11.2026 10:15"), "time"),
                invalid("time empty", b -> b.time(""), "time"),
                invalid("dataschema relative", b -> b.dataSchema("/schemas/order.json"), "dataschema"),
                invalid("dataschema not a URI", b -> b.dataSchema("not a uri"), "dataschema"),
                invalid("dataschema empty", b -> b.dataSchema(""), "dataschema"),
                invalid("datacontenttype blank", b -> b.dataContentType(" "), "datacontenttype"),
                invalid("data_base64 not base64", b -> b.data(new EventData.Base64("***")), "data_base64"),
                invalid("extension name upper case", b -> b.extension("Traceparent", "x"), "Traceparent"),
                invalid("extension name with a dash", b -> b.extension("trace-parent", "x"), "trace-parent"),
                invalid("extension name with an underscore", b -> b.extension("trace_parent", "x"), "trace_parent"),
                invalid("extension name with a non-ASCII letter", b -> b.extension("bæ", "x"), "bæ"),
                invalid("extension name empty", b -> b.extension("", "x"), ""),
                invalid("extension named data", b -> b.extension("data", "x"), "data"),
                invalid("extension named like a context attribute", b -> b.extension("specversion", "1.0"), "specversion"),
                invalid("extension named dataschema", b -> b.extension("dataschema", "https://x/s"), "dataschema"),
                invalid("extension value a double", b -> b.extension("weight", 1.5d), "weight"),
                invalid("extension value a float", b -> b.extension("weight", 1.5f), "weight"),
                invalid("extension value a list", b -> b.extension("tags", List.of("a")), "tags"),
                invalid("extension value a map", b -> b.extension("obj", Map.of("a", 1)), "obj"),
                invalid("extension Long above the 32-bit range", b -> b.extension("count", Integer.MAX_VALUE + 1L), "count"),
                invalid("extension Long below the 32-bit range", b -> b.extension("count", Integer.MIN_VALUE - 1L), "count"),
                invalid("extension Long.MAX_VALUE", b -> b.extension("count", Long.MAX_VALUE), "count"),
                invalid("extension BigInteger 2^31", b -> b.extension("count", BigInteger.ONE.shiftLeft(31)), "count"),
                invalid("extension BigInteger -2^31-1", b -> b.extension("count",
                        BigInteger.ONE.shiftLeft(31).negate().subtract(BigInteger.ONE)), "count"),
                invalid("resource missing", b -> b.resource(null), "resource"),
                invalid("resource empty", b -> b.resource(""), "resource"),
                invalid("resource not a URN", b -> b.resource("https://ttd.apps.altinn.no/resource"), "resource"),
                invalid("resource with upper case", b -> b.resource("urn:altinn:resource:TTD-test"), "resource"),
                invalid("resource with upper-case scheme", b -> b.resource("URN:altinn:resource:ttd"), "resource"),
                invalid("resource without a segment after the namespace", b -> b.resource("urn:altinn"), "resource"),
                invalid("resource with an empty segment", b -> b.resource("urn:altinn::ttd"), "resource"),
                invalid("resource with a trailing colon", b -> b.resource("urn:altinn:resource:"), "resource"),
                invalid("resource namespace of 31 characters", b -> b.resource("urn:" + "n".repeat(31) + ":x"), "resource"),
                invalid("resource namespace with a dot", b -> b.resource("urn:alt.inn:x"), "resource"),
                invalid("resource segment of 101 characters", b -> b.resource("urn:altinn:" + "s".repeat(101)), "resource"),
                invalid("resource with 11 segments", b -> b.resource("urn:altinn" + ":s".repeat(11)), "resource"),
                invalid("resource with a space", b -> b.resource("urn:altinn:resource:ttd test"), "resource"),
                invalid("resource with a hash", b -> b.resource("urn:altinn:resource:ttd#1"), "resource"),
                invalid("resource with a trailing newline", b -> b.resource("urn:altinn:resource:ttd\n"), "resource"),
                invalid("resource an integer", b -> b.extension("resource", 42), "resource"),
                invalid("resource a boolean", b -> b.extension("resource", true), "resource"),
                invalid("resourceinstance empty", b -> b.extension("resourceinstance", ""), "resourceinstance"),
                invalid("resourceinstance an integer", b -> b.extension("resourceinstance", 7), "resourceinstance"),
                invalid("alternativesubject empty", b -> b.extension("alternativesubject", ""), "alternativesubject"),
                invalid("alternativesubject a boolean", b -> b.extension("alternativesubject", false), "alternativesubject"),
                invalid("id with U+0000", b -> b.id("nul\u0000char"), "id"),
                invalid("type with a newline", b -> b.type("app.instance\ncreated"), "type"),
                invalid("source with a tab", b -> b.source("https://x/\ty"), "source"),
                invalid("subject with U+0085 (a C1 control)", b -> b.subject("/party/\u00851337"), "subject"),
                invalid("subject with U+007F", b -> b.subject("/party/\u007f"), "subject"),
                invalid("datacontenttype with U+001F", b -> b.dataContentType("application/json\u001f"),
                        "datacontenttype"),
                invalid("dataschema with U+0000", b -> b.dataSchema("https://x/\u0000"), "dataschema"),
                invalid("id with an unpaired high surrogate", b -> b.id("a\ud800b"), "id"),
                invalid("id with an unpaired low surrogate at the end", b -> b.id("a\udc00"), "id"),
                invalid("id with noncharacter U+FFFE", b -> b.id("a\ufffe"), "id"),
                invalid("type with noncharacter U+FDD0", b -> b.type("x\ufdd0"), "type"),
                invalid("extension with noncharacter U+10FFFF", b -> b.extension("comment", "x\udbff\udfff"), "comment"),
                invalid("extension with U+0000", b -> b.extension("comment", "x\u0000"), "comment"),
                invalid("resourceinstance with a newline", b -> b.extension("resourceinstance", "a\nb"),
                        "resourceinstance"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEvents")
    void rejectsEventNamingTheFailingAttribute(String description, UnaryOperator<CloudEvent.Builder> change,
            String attribute) {
        CloudEvent.Builder builder = change.apply(anEvent());

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, builder::build);

        assertThat(e).as(description).isNotNull();
        assertThat(e.violations()).extracting(Violation::attribute).containsExactly(attribute);
        assertThat(e.getMessage()).startsWith(attribute + ": ");
    }

    static Stream<Arguments> validEdgeCases() {
        return Stream.of(
                arguments("the default event", (UnaryOperator<CloudEvent.Builder>) b -> b),
                arguments("id with an emoji (a surrogate pair) and non-ASCII letters",
                        op(b -> b.id("\ud83d\ude00-\u00e6\u00f8\u00e5").subject("/person/\u00c5se"))),
                arguments("extension with U+00A0 and U+FFFD", op(b -> b.extension("comment", "a\u00a0b\ufffd"))),
                arguments("only the required attributes", op(b -> b.subject(null).time(null).dataContentType(null)
                        .data(null))),
                arguments("extension name longer than 20 characters", op(b -> b.extension("a".repeat(21), "x"))),
                arguments("extension name of 64 characters", op(b -> b.extension("x".repeat(64), "x"))),
                arguments("extension name of digits only", op(b -> b.extension("2024", "x"))),
                arguments("extension Integer.MIN_VALUE", op(b -> b.extension("count", Integer.MIN_VALUE))),
                arguments("extension Integer.MAX_VALUE", op(b -> b.extension("count", Integer.MAX_VALUE))),
                arguments("extension Long Integer.MAX_VALUE", op(b -> b.extension("count", (long) Integer.MAX_VALUE))),
                arguments("extension Long Integer.MIN_VALUE", op(b -> b.extension("count", (long) Integer.MIN_VALUE))),
                arguments("extension BigInteger -2^31", op(b -> b.extension("count",
                        BigInteger.ONE.shiftLeft(31).negate()))),
                arguments("extension boolean", op(b -> b.extension("sampled", true))),
                arguments("extension empty string", op(b -> b.extension("note", ""))),
                arguments("time with lower-case t and z", op(b -> b.time("2026-11-27t10:15:30z"))),
                arguments("time without fraction", op(b -> b.time("2026-11-27T10:15:30Z"))),
                arguments("time with one fraction digit", op(b -> b.time("2026-11-27T10:15:30.1Z"))),
                arguments("time with nine fraction digits", op(b -> b.time("2026-11-27T10:15:30.123456789Z"))),
                arguments("time with positive offset", op(b -> b.time("2026-11-27T11:15:30+01:00"))),
                arguments("time with negative half-hour offset", op(b -> b.time("2026-11-27T04:45:30-05:30"))),
                arguments("time with unknown local offset -00:00", op(b -> b.time("2026-11-27T10:15:30-00:00"))),
                arguments("time with the largest offset", op(b -> b.time("2026-11-27T10:15:30+14:00"))),
                arguments("time on 29 February of a leap year", op(b -> b.time("2024-02-29T10:15:30Z"))),
                arguments("time at the last second of a day", op(b -> b.time("2026-12-31T23:59:59.999Z"))),
                arguments("time in a leap second (RFC 3339's own example)", op(b -> b.time("1990-12-31T23:59:60Z"))),
                arguments("time with an offset beyond 18 hours", op(b -> b.time("2026-11-27T10:15:30+23:59"))),
                arguments("time with twelve fraction digits", op(b -> b.time("2026-11-27T10:15:30.123456789012Z"))),
                arguments("source a relative reference", op(b -> b.source("/ttd/test/instances/1337"))),
                arguments("source a URN", op(b -> b.source("urn:altinn:app:ttd-test"))),
                arguments("source a fragment", op(b -> b.source("#app"))),
                arguments("source with IPv6 host", op(b -> b.source("http://[::1]:8080/x"))),
                arguments("dataschema an absolute URL", op(b -> b.dataSchema("https://schemas.example/order.json"))),
                arguments("dataschema a URN", op(b -> b.dataSchema("urn:schema:order:v1"))),
                arguments("data_base64", op(b -> b.data(EventData.Base64.of(new byte[] {0, 1, 2, (byte) 255})))),
                arguments("data a JSON string", op(b -> b.jsonData("\"text\""))),
                arguments("resource namespace of 30 characters", op(b -> b.resource("urn:" + "n".repeat(30) + ":x"))),
                arguments("resource namespace with digits and a dash", op(b -> b.resource("urn:altinn-2:x"))),
                arguments("resource segment of 100 characters", op(b -> b.resource("urn:altinn:" + "s".repeat(100)))),
                arguments("resource with 10 segments", op(b -> b.resource("urn:altinn" + ":s".repeat(10)))),
                arguments("resource with every allowed punctuation",
                        op(b -> b.resource("urn:altinn:resource:a()+,.-;$_!/z"))),
                arguments("resource of one-character parts", op(b -> b.resource("urn:a:b"))),
                arguments("resource an app URN", op(b -> b.resource("urn:altinn:resource:app_ttd_apps-test"))),
                arguments("resourceinstance and alternativesubject", op(b -> b
                        .extension("resourceinstance", "50001337/9f2a")
                        .extension("alternativesubject", "/person/16069412345"))));
    }

    private static UnaryOperator<CloudEvent.Builder> op(UnaryOperator<CloudEvent.Builder> change) {
        return change;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validEdgeCases")
    void acceptsValidEdgeCase(String description, UnaryOperator<CloudEvent.Builder> change) {
        CloudEvent.Builder builder = change.apply(anEvent());

        assertThatCode(builder::build).as(description).doesNotThrowAnyException();
    }

    @Test
    void namesEveryFailingAttributeAtOnce() {
        CloudEvent.Builder builder = anEvent()
                .specVersion("0.3")
                .id("")
                .source(null)
                .type(null)
                .subject("")
                .time("yesterday")
                .dataSchema("relative/path")
                .resource("urn:Altinn:resource")
                .extension("Bad-Name", "x")
                .extension("tooBig", 1L << 40)
                .extension("toobig", 1L << 40)
                .extension("alternativesubject", "");

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, builder::build);

        assertThat(e.violations()).extracting(Violation::attribute).containsExactlyInAnyOrder(
                "specversion", "id", "source", "type", "subject", "time", "dataschema", "resource",
                "Bad-Name", "tooBig", "toobig", "alternativesubject");
        assertThat(e.getMessage()).contains("specversion: ", "resource: ", "toobig: ");
    }

    @Test
    void acceptsATypeOfAtMost1024CharactersAndRefusesALongerOne() {
        anEvent().type("a".repeat(CloudEvent.MAX_TYPE_LENGTH)).build();

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class,
                () -> anEvent().type("a".repeat(CloudEvent.MAX_TYPE_LENGTH + 1)).build());

        assertThat(e.violations()).containsExactly(new Violation("type", "must be at most 1024 characters"));
    }

    @Test
    void rejectsNullExtensionValue() {
        Map<String, Object> extensions = new LinkedHashMap<>();
        extensions.put("resource", RESOURCE);
        extensions.put("traceparent", null);

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> new CloudEvent(
                "1.0", "1", "/s", "t", null, null, null, null, extensions, null));

        assertThat(e.violations()).extracting(Violation::attribute).containsExactly("traceparent");
    }

    @Test
    void rejectsEventWithoutResource() {
        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> new CloudEvent(
                "1.0", "1", "/s", "t", null, null, null, null, null, null));

        assertThat(e.violations()).containsExactly(new Violation("resource", "is required"));
    }

    static Stream<Arguments> integersInRange() {
        return Stream.of(
                arguments(42L, 42),
                arguments((long) Integer.MAX_VALUE, Integer.MAX_VALUE),
                arguments((long) Integer.MIN_VALUE, Integer.MIN_VALUE),
                arguments((short) -7, -7),
                arguments((byte) 5, 5),
                arguments(BigInteger.valueOf(Integer.MAX_VALUE), Integer.MAX_VALUE),
                arguments(BigInteger.ONE.shiftLeft(31).negate(), Integer.MIN_VALUE),
                arguments(Integer.MIN_VALUE, Integer.MIN_VALUE));
    }

    @ParameterizedTest(name = "{0} -> Integer {1}")
    @MethodSource("integersInRange")
    void normalizesIntegersInside32BitRangeToInteger(Object value, int expected) {
        CloudEvent event = anEvent().extension("count", value).build();

        assertThat(event.extensions().get("count")).isInstanceOf(Integer.class).isEqualTo(expected);
    }

    @Test
    void keepsTimeAsPublished() {
        CloudEvent event = anEvent().time("2026-11-27t11:15:30.5+01:00").build();

        assertThat(event.time()).isEqualTo("2026-11-27t11:15:30.5+01:00");
    }

    @Test
    void keepsExtensionsInPublishedOrderAndUnmodifiable() {
        Map<String, Object> extensions = new LinkedHashMap<>();
        extensions.put("zeta", "z");
        extensions.put("resource", RESOURCE);
        extensions.put("alpha", true);

        CloudEvent event = new CloudEvent("1.0", "1", "/s", "t", null, null, null, null, extensions, null);
        extensions.put("later", "x");

        assertThat(event.extensions()).containsExactly(
                Map.entry("zeta", "z"), Map.entry("resource", RESOURCE), Map.entry("alpha", true));
        assertThat(catchThrowableOfType(UnsupportedOperationException.class,
                () -> event.extensions().put("x", "y"))).isNotNull();
    }

    @Test
    void exposesMeaningfulExtensions() {
        CloudEvent event = anEvent()
                .extension("resourceinstance", "50001337/9f2a")
                .extension("alternativesubject", "/person/16069412345")
                .build();

        assertThat(event.resource()).isEqualTo(RESOURCE);
        assertThat(event.resourceInstance()).isEqualTo("50001337/9f2a");
        assertThat(event.alternativeSubject()).isEqualTo("/person/16069412345");
    }

    @Test
    void toBuilderCopiesEveryAttribute() {
        CloudEvent event = anEvent().dataSchema("urn:schema:x").extension("traceparent", "00-ab").build();

        assertThat(event.toBuilder().build()).isEqualTo(event);
    }
}
