package events.filter.cesql;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.sql.EvaluationException;
import io.cloudevents.sql.ParseException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The whole CESQL v1 TCK (the test resources {@code cesql-tck/*.yaml}, unchanged copies of the upstream files; see
 * the README there) run with the parser and runtime {@link CesqlFilterExpressions} uses, in fail-fast evaluation
 * like its filters.
 *
 * <p>Fail-fast evaluation stops at the first error, so a case that expects an error is checked for the error's
 * kind only: there is no value. One case is known to differ (the project's conformance notes, SOURCES.md section 4): the library follows the
 * spec's casting rules for {@code NOT 10}; that case asserts what the library gives, so a library change shows.
 */
class CesqlTckTest {
    private static final int TCK_CASES = 275;
    private static final int TCK_FILES = 18;

    /** SOURCES.md section 4: TCK expects {@code true} and a cast error; the library gives {@code false}, no error. */
    private static final String KNOWN_FILE = "not_operator.yaml";
    private static final String KNOWN_CASE = "Invalid int cast";
    private static final Outcome KNOWN_LIBRARY_OUTCOME = new Outcome(false, null);

    /** The event of cases without one: the SDK TCK suite's {@code io.cloudevents.core.test.Data.V1_MIN}. */
    private static final CloudEvent DEFAULT_EVENT = CloudEventBuilder.v1()
            .withId("1")
            .withType("mock.test")
            .withSource(URI.create("http://localhost/source"))
            .build();

    /** One TCK test: {@code error} is the TCK's name for the expected error kind, or null. */
    record TckCase(String file, String name, String expression, Object result, String error,
            Map<String, Object> event, Map<String, Object> eventOverrides) {

        boolean isKnownDifference() {
            return file.equals(KNOWN_FILE) && name.equals(KNOWN_CASE);
        }

        /** What fail-fast evaluation gives when the library does what the TCK says. */
        Outcome expected() {
            return error == null ? new Outcome(result, null) : new Outcome(null, error);
        }

        @Override
        public String toString() {
            String known = isKnownDifference() ? " (known: the library follows the spec's casting rules)" : "";
            return file + ": " + name + known;
        }
    }

    /** A value, or the TCK name of the error that ended the evaluation. */
    record Outcome(Object value, String error) {
    }

    static Stream<TckCase> tckCases() {
        return tckFiles().stream().flatMap(CesqlTckTest::casesOf);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tckCases")
    void libraryEvaluatesAsTheTckSays(TckCase tck) {
        Outcome actual = evaluateFailFast(tck.expression(), inputEvent(tck));

        if (tck.isKnownDifference()) {
            assertThat(tck.expected()).as("the TCK's expectation (SOURCES.md section 4)")
                    .isEqualTo(new Outcome(null, "cast"));
            assertThat(actual).as("%s: `%s` as SOURCES.md section 4 says the library answers", tck, tck.expression())
                    .isEqualTo(KNOWN_LIBRARY_OUTCOME);
        } else {
            assertThat(actual).as("%s: `%s`", tck, tck.expression()).isEqualTo(tck.expected());
        }
    }

    @Test
    void theTckHas275CasesInEighteenFilesAndOneKnownDifference() {
        assertThat(tckFiles()).hasSize(TCK_FILES);
        List<TckCase> cases = tckCases().toList();
        assertThat(cases).hasSize(TCK_CASES);
        assertThat(cases).filteredOn(TckCase::isKnownDifference).hasSize(1);
        assertThat(cases).extracting(TckCase::toString).doesNotHaveDuplicates();
    }

    private static Outcome evaluateFailFast(String expression, CloudEvent event) {
        try {
            Object value = CesqlFilterExpressions.PARSER.parse(expression)
                    .tryEvaluate(CesqlFilterExpressions.RUNTIME, event);
            return new Outcome(value, null);
        } catch (ParseException e) {
            return new Outcome(null, "parse");
        } catch (EvaluationException e) {
            return new Outcome(null, switch (e.getKind()) {
                case CAST -> "cast";
                case MATH -> "math";
                case MISSING_ATTRIBUTE -> "missingAttribute";
                case MISSING_FUNCTION -> "missingFunction";
                case FUNCTION_EVALUATION -> "functionEvaluation";
                case GENERIC -> "generic";
            });
        }
    }

    /** The case's {@code event} (or the default event) with its {@code eventOverrides} applied. */
    private static CloudEvent inputEvent(TckCase tck) {
        CloudEventBuilder builder = tck.event() == null ? CloudEventBuilder.v1(DEFAULT_EVENT) : CloudEventBuilder.v1();
        if (tck.event() != null) {
            assertThat(tck.event().get("specversion")).as("specversion").isEqualTo("1.0");
            tck.event().forEach((name, value) -> {
                if (!name.equals("specversion")) {
                    setAttribute(builder, name, value);
                }
            });
        }
        if (tck.eventOverrides() != null) {
            tck.eventOverrides().forEach((name, value) -> setAttribute(builder, name, value));
        }
        return builder.build();
    }

    /** Sets a context attribute or an extension: the builder parses source, time and dataschema from text. */
    private static void setAttribute(CloudEventBuilder builder, String name, Object value) {
        if (value instanceof String s) {
            builder.withContextAttribute(name, s);
        } else if (value instanceof Integer i) {
            builder.withContextAttribute(name, i);
        } else if (value instanceof Boolean b) {
            builder.withContextAttribute(name, b);
        } else {
            throw new IllegalArgumentException("attribute " + name + " has an unexpected type: " + value);
        }
    }

    // ------------------------------------------------------------------ reading the TCK

    private static List<Path> tckFiles() {
        try (Stream<Path> files = Files.list(findTck())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Stream<TckCase> casesOf(Path file) {
        Map<String, Object> suite;
        try (Reader reader = Files.newBufferedReader(file)) {
            suite = (Map<String, Object>) value(new Yaml().compose(reader));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String fileName = file.getFileName().toString();
        List<Map<String, Object>> tests = (List<Map<String, Object>>) suite.get("tests");
        return tests.stream().map(test -> new TckCase(
                fileName,
                (String) test.get("name"),
                (String) test.get("expression"),
                test.get("result"),
                (String) test.get("error"),
                (Map<String, Object>) test.get("event"),
                (Map<String, Object>) test.get("eventOverrides")));
    }

    /**
     * A YAML node as plain Java values. {@code name} and {@code expression} are always their text as written
     * ({@code name: TRUE} and {@code name: true} are two tests; {@code expression: 0} is CESQL text); other
     * plain scalars are typed as YAML resolves them, except timestamps, which stay text (the {@code time}
     * attribute and results compared with it).
     */
    private static Object value(Node node) {
        if (node instanceof MappingNode mapping) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (NodeTuple entry : mapping.getValue()) {
                String key = ((ScalarNode) entry.getKeyNode()).getValue();
                boolean text = key.equals("name") || key.equals("expression");
                map.put(key, text ? ((ScalarNode) entry.getValueNode()).getValue() : value(entry.getValueNode()));
            }
            return map;
        }
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue().stream().map(CesqlTckTest::value).toList();
        }
        ScalarNode scalar = (ScalarNode) node;
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        if (tag.equals(Tag.STR) || tag.equals(Tag.TIMESTAMP)) {
            return text;
        } else if (tag.equals(Tag.INT)) {
            return Integer.valueOf(text);
        } else if (tag.equals(Tag.BOOL) && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
            return Boolean.valueOf(text);
        } else if (tag.equals(Tag.NULL)) {
            return null;
        }
        throw new IllegalArgumentException("unexpected YAML scalar " + tag + " `" + text + "`" + scalar.getStartMark());
    }

    /** The TCK files, kept as test resources (see {@code cesql-tck/README.md} there for their source). */
    private static Path findTck() {
        try {
            return Path.of(CesqlTckTest.class.getResource("/cesql-tck").toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("The CESQL TCK test resources (cesql-tck/) are missing", e);
        }
    }
}
