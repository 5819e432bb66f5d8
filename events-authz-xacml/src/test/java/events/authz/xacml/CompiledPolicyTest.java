package events.authz.xacml;

import static events.authz.xacml.HostilePolicies.RESOURCE;
import static events.authz.xacml.HostilePolicies.STRING;
import static events.authz.xacml.HostilePolicies.SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import events.authz.xacml.ForeignNamespacePolicies.Children;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** A compiled policy's cache key holds every attribute the policy can read, wherever and however it is written. */
class CompiledPolicyTest {
    private static final String ORG = "urn:altinn:org";
    private static final String EVENT_TYPE = "urn:altinn:eventtype";
    private static final String EVENT_SOURCE = "urn:altinn:eventsource";
    private static final String ENVIRONMENT = "urn:oasis:names:tc:xacml:3.0:attribute-category:environment";
    private static final String XPATH_DEFAULTS =
            "<PolicyDefaults><XPathVersion>http://www.w3.org/TR/1999/REC-xpath-19991116</XPathVersion></PolicyDefaults>";

    static Stream<Arguments> attributesReadInEachPlace() {
        return Arrays.stream(Children.values()).flatMap(children -> Stream.of(
                Arguments.of(children, "rule target", SUBJECT, ORG),
                Arguments.of(children, "condition", RESOURCE, EVENT_TYPE),
                Arguments.of(children, "variable definition", RESOURCE, EVENT_SOURCE)));
    }

    @ParameterizedTest(name = "children {0}: the attribute read in the {1}")
    @MethodSource("attributesReadInEachPlace")
    void anAttributeReadInATargetAConditionOrAVariableChangesTheKey(Children children, String where, String category,
            String id) {
        CompiledPolicy policy = compile(children.readingInTargetConditionAndVariable());
        SortedMap<String, SortedMap<String, SortedSet<String>>> permitted = permittedRequest();
        SortedMap<String, SortedMap<String, SortedSet<String>>> changed = with(permittedRequest(), category, id, "other");

        assertThat(policy.permits(permitted)).as("the request the policy permits").isTrue();
        assertThat(policy.permits(changed)).as("the attribute decides").isFalse();
        assertThat(policy.cacheable()).isTrue();
        assertThat(policy.keyFor(changed)).isNotEqualTo(policy.keyFor(permitted));
    }

    @ParameterizedTest(name = "children {0}")
    @EnumSource(Children.class)
    void anAttributeThePolicyDoesNotReadLeavesTheKeyAlone(Children children) {
        CompiledPolicy policy = compile(children.readingInTargetConditionAndVariable());

        assertThat(policy.keyFor(with(permittedRequest(), RESOURCE, "urn:altinn:event-id", "e2")))
                .isEqualTo(policy.keyFor(with(permittedRequest(), RESOURCE, "urn:altinn:event-id", "e1")));
    }

    @ParameterizedTest(name = "children {0}")
    @EnumSource(Children.class)
    void aPolicyReadingTheEnvironmentIsNotCached(Children children) {
        CompiledPolicy policy = compile(children.policy(rule(
                Children.designator(ENVIRONMENT, "urn:oasis:names:tc:xacml:1.0:environment:current-dateTime")
                        .replace(STRING, "http://www.w3.org/2001/XMLSchema#dateTime"),
                "urn:oasis:names:tc:xacml:1.0:function:dateTime-bag-size")));

        assertThat(policy.cacheable()).isFalse();
    }

    @ParameterizedTest(name = "children {0}")
    @EnumSource(Children.class)
    void aPolicyWithAnAttributeSelectorIsNotCached(Children children) {
        CompiledPolicy policy = compile(children.policy(XPATH_DEFAULTS, rule("""
                <AttributeSelector Category="%s" Path="/event/type" DataType="%s" MustBePresent="false"/>"""
                .formatted(RESOURCE, STRING), "urn:oasis:names:tc:xacml:1.0:function:string-bag-size")));

        assertThat(policy.cacheable()).isFalse();
    }

    @ParameterizedTest(name = "children {0}")
    @EnumSource(Children.class)
    void anAttributeReadOnlyByAnObligationChangesTheKey(Children children) {
        CompiledPolicy policy = compile(children.policy("""
                <Rule RuleId="permit-with-obligation" Effect="Permit">
                  <ObligationExpressions>
                    <ObligationExpression ObligationId="urn:test:tell" FulfillOn="Permit">
                      <AttributeAssignmentExpression AttributeId="urn:test:type">%s</AttributeAssignmentExpression>
                    </ObligationExpression>
                  </ObligationExpressions>
                </Rule>""".formatted(Children.designator(RESOURCE, EVENT_TYPE))));

        assertThat(policy.cacheable()).isTrue();
        assertThat(policy.keyFor(with(permittedRequest(), RESOURCE, EVENT_TYPE, "other")))
                .isNotEqualTo(policy.keyFor(permittedRequest()));
    }

    /** A rule permitting when the bag of {@code argument} has exactly one value, by {@code bagSizeFunction}. */
    private static String rule(String argument, String bagSizeFunction) {
        return """
                <Rule RuleId="one-value" Effect="Permit">
                  <Condition>
                    <Apply FunctionId="urn:oasis:names:tc:xacml:1.0:function:integer-equal">
                      <Apply FunctionId="%s">%s</Apply>
                      <AttributeValue DataType="http://www.w3.org/2001/XMLSchema#integer">1</AttributeValue>
                    </Apply>
                  </Condition>
                </Rule>""".formatted(bagSizeFunction, argument);
    }

    private static CompiledPolicy compile(String document) {
        return CompiledPolicy.compile("urn:altinn:resource:test", Balanas.parseXml(document,
                new DocumentLimits(1 << 20, 100)), 1);
    }

    /** What {@link ForeignNamespacePolicies.Children#readingInTargetConditionAndVariable} permits. */
    private static SortedMap<String, SortedMap<String, SortedSet<String>>> permittedRequest() {
        SortedMap<String, SortedMap<String, SortedSet<String>>> attributes = new TreeMap<>();
        with(attributes, SUBJECT, ORG, "digdir");
        with(attributes, ForeignNamespacePolicies.ACTION, "urn:oasis:names:tc:xacml:1.0:action:action-id", "subscribe");
        with(attributes, RESOURCE, EVENT_TYPE, "app.created");
        with(attributes, RESOURCE, EVENT_SOURCE, "https://src");
        return attributes;
    }

    private static SortedMap<String, SortedMap<String, SortedSet<String>>> with(
            SortedMap<String, SortedMap<String, SortedSet<String>>> attributes, String category, String id,
            String value) {
        attributes.computeIfAbsent(category, c -> new TreeMap<>()).put(id, new TreeSet<>(Arrays.asList(value)));
        return attributes;
    }
}
