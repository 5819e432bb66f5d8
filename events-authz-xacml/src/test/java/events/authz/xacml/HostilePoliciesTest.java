package events.authz.xacml;

import static events.authz.xacml.HostilePolicies.RESOURCE;
import static events.authz.xacml.HostilePolicies.STRING;
import static events.authz.xacml.HostilePolicies.SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import events.domain.InvalidPolicyException;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Caller;
import events.testkit.InMemoryPolicyStore;
import events.testkit.TestEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Policies written carelessly or with intent: they cost their own resource's requests, never anyone else's. */
class HostilePoliciesTest {
    private static final String HOSTILE = "urn:altinn:resource:hostile";
    private static final String EXAMPLE = "urn:altinn:resource:ttd-svc";

    private final InMemoryPolicyStore store = Policies.loadAll(new InMemoryPolicyStore());
    private final List<XacmlAuthorizer> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(XacmlAuthorizer::close);
    }

    // ------------------------------------------------------------------ a policy that throws while evaluating

    @Test
    void aPolicyThatThrowsDeniesOnlyTheRequestItThrewForAndNamesItsResourceInOneWarning() {
        store.put(HOSTILE, HostilePolicies.permittingTypesMatching("(")); // stored before patterns were checked
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));

        try (RecordingLog log = new RecordingLog(XacmlAuthorizer.class)) {
            List<Boolean> answers = authorizer.decide(List.of(
                    about(HOSTILE, "digdir", "app.created"), // evaluates the pattern
                    about(HOSTILE, "ttd", "app.created"), // does not
                    aboutParty(EXAMPLE, "1337"),
                    aboutParty(EXAMPLE, "1338")));

            assertThat(answers).containsExactly(false, true, true, false);
            assertThat(log.at(Level.WARN)).singleElement().asString()
                    .contains(HOSTILE).contains(PatternSyntaxException.class.getName());
        }
    }

    @Test
    void saysWhatThrewButNotWithWhatValues() {
        // The pattern is the caller's user id here, so only evaluation can find it broken.
        String policy = HostilePolicies.permittingDigdirWhen("""
                <Apply FunctionId="%s">
                  <Apply FunctionId="urn:oasis:names:tc:xacml:1.0:function:string-one-and-only">
                    <AttributeDesignator AttributeId="urn:altinn:userid" Category="%s" DataType="%s"
                        MustBePresent="false"/>
                  </Apply>
                  <AttributeValue DataType="%s">x</AttributeValue>
                </Apply>""".formatted(HostilePolicies.STRING_REGEXP_MATCH, SUBJECT, STRING, STRING));
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));
        authorizer.check(HOSTILE, policy);
        store.put(HOSTILE, policy);
        Caller caller = new Caller("/org/digdir", Set.of(Caller.SCOPE_SUBSCRIBE),
                Map.of("urn:altinn:org", "digdir", "urn:altinn:userid", "(secret-claim-value"));

        try (RecordingLog log = new RecordingLog(XacmlAuthorizer.class)) {
            assertThat(authorizer.decide(List.of(AccessRequest.forEvent(caller, Action.SUBSCRIBE,
                    TestEvents.anEvent().resource(HOSTILE).build())))).containsExactly(false);

            assertThat(log.at(Level.WARN)).singleElement().asString()
                    .contains(HOSTILE).contains(PatternSyntaxException.class.getName())
                    .doesNotContain("secret-claim-value");
        }
    }

    @Test
    void aDenyBecauseThePolicyThrewIsNotCachedButIsReusedWithinOneCall() {
        store.put(HOSTILE, HostilePolicies.permittingTypesMatching("("));
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));
        AccessRequest throwing = about(HOSTILE, "digdir", "app.created");

        try (RecordingLog log = new RecordingLog(XacmlAuthorizer.class)) {
            assertThat(authorizer.decide(List.of(throwing, throwing))).containsExactly(false, false);
            assertThat(log.at(Level.WARN)).as("evaluated once in one call").hasSize(1);

            assertThat(authorizer.decide(List.of(throwing))).containsExactly(false);
            assertThat(log.at(Level.WARN)).as("evaluated again in the next call").hasSize(2);
        }
    }

    @Test
    void aStackOverflowWhileEvaluatingDeniesOnlyTheRequestItHappenedFor() {
        // A valid pattern whose matcher recurses once per character, on the event id (a type is at most 1 024).
        store.put(HOSTILE, HostilePolicies.permittingDigdirWhen(HostilePolicies.typeMatches("^(a|b)*$")
                .replace("urn:altinn:eventtype", "urn:altinn:event-id")));
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));

        try (RecordingLog log = new RecordingLog(XacmlAuthorizer.class)) {
            List<Boolean> answers = authorizer.decide(List.of(
                    AccessRequest.forEvent(org("digdir"), Action.SUBSCRIBE,
                            TestEvents.anEvent().resource(HOSTILE).id("ab".repeat(100_000)).build()),
                    AccessRequest.forEvent(org("digdir"), Action.SUBSCRIBE,
                            TestEvents.anEvent().resource(HOSTILE).id("abba").build()),
                    aboutParty(EXAMPLE, "1337")));

            assertThat(answers).containsExactly(false, true, true);
            assertThat(log.at(Level.WARN)).singleElement().asString()
                    .contains(HOSTILE).contains(StackOverflowError.class.getName());
        }
    }

    // ------------------------------------------------------------------ regular expressions

    static Stream<Arguments> brokenLiteralPatterns() {
        String anyUri = "http://www.w3.org/2001/XMLSchema#anyURI";
        String ipAddress = "urn:oasis:names:tc:xacml:2.0:data-type:ipAddress";
        String dnsName = "urn:oasis:names:tc:xacml:2.0:data-type:dnsName";
        return Stream.of(
                Arguments.of("in a Match", HostilePolicies.STRING_REGEXP_MATCH, "(", HostilePolicies.policy(
                        "deny-overrides", """
                        <Rule RuleId="by-type" Effect="Permit"><Target><AnyOf><AllOf>
                          <Match MatchId="%s">
                            <AttributeValue DataType="%s">(</AttributeValue>
                            <AttributeDesignator AttributeId="urn:altinn:eventtype" Category="%s" DataType="%s"
                                MustBePresent="false"/>
                          </Match>
                        </AllOf></AnyOf></Target></Rule>""".formatted(HostilePolicies.STRING_REGEXP_MATCH, STRING,
                        RESOURCE, STRING))),
                Arguments.of("applied in a condition", "urn:oasis:names:tc:xacml:2.0:function:anyURI-regexp-match",
                        "[a-", HostilePolicies.permittingDigdirWhen("""
                        <Apply FunctionId="urn:oasis:names:tc:xacml:2.0:function:anyURI-regexp-match">
                          <AttributeValue DataType="%s">[a-</AttributeValue>
                          <Apply FunctionId="urn:oasis:names:tc:xacml:1.0:function:anyURI-one-and-only">
                            <AttributeDesignator AttributeId="urn:altinn:eventsource" Category="%s" DataType="%s"
                                MustBePresent="false"/>
                          </Apply>
                        </Apply>""".formatted(STRING, RESOURCE, anyUri))),
                Arguments.of("passed to any-of", "urn:oasis:names:tc:xacml:2.0:function:ipAddress-regexp-match",
                        "a{2,1}", HostilePolicies.permittingDigdirWhen("""
                        <Apply FunctionId="urn:oasis:names:tc:xacml:3.0:function:any-of">
                          <Function FunctionId="urn:oasis:names:tc:xacml:2.0:function:ipAddress-regexp-match"/>
                          <AttributeValue DataType="%s">a{2,1}</AttributeValue>
                          <AttributeDesignator AttributeId="urn:example:ip" Category="%s" DataType="%s"
                              MustBePresent="false"/>
                        </Apply>""".formatted(STRING, SUBJECT, ipAddress))),
                Arguments.of("in a literal bag passed to any-of-any",
                        "urn:oasis:names:tc:xacml:2.0:function:dnsName-regexp-match", "*.example", HostilePolicies
                        .permittingDigdirWhen("""
                        <Apply FunctionId="urn:oasis:names:tc:xacml:1.0:function:any-of-any">
                          <Function FunctionId="urn:oasis:names:tc:xacml:2.0:function:dnsName-regexp-match"/>
                          <Apply FunctionId="urn:oasis:names:tc:xacml:1.0:function:string-bag">
                            <AttributeValue DataType="%s">^fine\\.example$</AttributeValue>
                            <AttributeValue DataType="%s">*.example</AttributeValue>
                          </Apply>
                          <AttributeDesignator AttributeId="urn:example:host" Category="%s" DataType="%s"
                              MustBePresent="false"/>
                        </Apply>""".formatted(STRING, STRING, SUBJECT, dnsName))),
                Arguments.of("empty, in XACML 1.0's regexp-string-match",
                        "urn:oasis:names:tc:xacml:1.0:function:regexp-string-match", "", HostilePolicies
                        .permittingDigdirWhen("""
                        <Apply FunctionId="urn:oasis:names:tc:xacml:3.0:function:all-of">
                          <Function FunctionId="urn:oasis:names:tc:xacml:1.0:function:regexp-string-match"/>
                          <AttributeValue DataType="%s"></AttributeValue>
                          <AttributeDesignator AttributeId="urn:altinn:eventtype" Category="%s" DataType="%s"
                              MustBePresent="false"/>
                        </Apply>""".formatted(STRING, RESOURCE, STRING))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenLiteralPatterns")
    void refusesALiteralPatternThatDoesNotCompileNamingTheFunctionAndThePattern(String where, String function,
            String pattern, String policy) {
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));

        assertThatThrownBy(() -> authorizer.check(HOSTILE, policy))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining(function)
                .hasMessageContaining("\"" + pattern + "\"")
                .hasMessageContaining("not a valid regular expression");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "urn:oasis:names:tc:xacml:2.0:function:rfc822Name-regexp-match",
        "urn:oasis:names:tc:xacml:2.0:function:x500Name-regexp-match",
    })
    void refusesTheRegexpMatchesBalanaDoesNotProvide(String function) {
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));
        String policy = HostilePolicies.permittingTypesMatching("^app$").replace(HostilePolicies.STRING_REGEXP_MATCH,
                function);

        assertThatThrownBy(() -> authorizer.check(HOSTILE, policy))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining(function + " are not supported");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\\p{IsBasicLatin}+", "created\\"})
    void acceptsAPatternThatCompilesOnlyAsBalanaRewritesIt(String pattern) {
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));

        assertThatThrownBy(() -> Pattern.compile(pattern)).isInstanceOf(PatternSyntaxException.class);
        authorizer.check(HOSTILE, HostilePolicies.permittingTypesMatching(pattern));
    }

    @ParameterizedTest(name = "{0} on {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "^app\\.instance\\.[a-z]+$ | app.instance.created | true",
        "^app\\.instance\\.[a-z]+$ | app.instance.Created | false",
        "instance                  | app.instance.created | true",
        "^[a-z-[aeiou]]+$          | xyz                  | true",
        "^[a-z-[aeiou]]+$          | xyza                 | false",
        "\\p{IsBasicLatin}+        | abc                  | true",
        "created\\                 | app.created          | true",
    })
    void acceptsAValidPatternAndMatchesWithItAsBalanaDoes(String pattern, String type, boolean permitted) {
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));
        String policy = HostilePolicies.permittingTypesMatching(pattern);
        authorizer.check(HOSTILE, policy);
        store.put(HOSTILE, policy);

        assertThat(authorizer.decide(List.of(about(HOSTILE, "digdir", type)))).containsExactly(permitted);
    }

    @Test
    void aPatternThatBacktracksWithoutEndGivesUpAndDeniesEvenWherePermitOverrides() {
        String policy = HostilePolicies.permitOverridesDenyingTypesMatching("^(.*a){20}$");
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));
        authorizer.check(HOSTILE, policy);
        store.put(HOSTILE, policy);

        try (RecordingLog log = new RecordingLog(XacmlAuthorizer.class)) {
            List<Boolean> answers = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> authorizer.decide(
                    List.of(about(HOSTILE, "digdir", "a".repeat(60) + "!"), about(HOSTILE, "digdir", "b"))));

            assertThat(answers).containsExactly(false, true);
            assertThat(log.at(Level.WARN)).singleElement().asString()
                    .contains(HOSTILE).contains(RegexpMatch.TooCostlyException.class.getName());
        }
    }

    // ------------------------------------------------------------------ size and depth

    @ParameterizedTest
    @ValueSource(ints = {101, 12_000})
    void refusesAPolicyNestedDeeperThanTheLimitNamingTheLimit(int depth) {
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));

        assertThatThrownBy(() -> authorizer.check(HOSTILE, HostilePolicies.nested(depth)))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessage("the policy is nested deeper than 100 elements (limit 100)");
    }

    @Test
    void measuresDepthWithoutRecursingSoThatAnyDeepDocumentIsRefused() {
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));
        String deep = "<a>".repeat(140_000) + "</a>".repeat(140_000);

        assertThatThrownBy(() -> authorizer.check(HOSTILE, deep))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("(limit 100)");
    }

    @Test
    void acceptsAndEvaluatesAPolicyNestedToTheLimit() {
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));
        String policy = HostilePolicies.nested(100);
        authorizer.check(HOSTILE, policy);
        store.put(HOSTILE, policy);

        assertThat(authorizer.decide(List.of(about(HOSTILE, "digdir", "t")))).containsExactly(true);
    }

    @Test
    void refusesAPolicyLongerThanTheLimitNamingTheLimit() {
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));
        String longPolicy = Policies.document(EXAMPLE).replace("<xacml3:Target/>",
                "<xacml3:Target/>" + "<!-- padding -->".repeat(70_000));

        assertThatThrownBy(() -> authorizer.check(EXAMPLE, longPolicy))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessage("the policy is " + longPolicy.length() + " characters long (limit 1048576)");
    }

    @Test
    void theLimitsAreSettingsWhereTheRootElementIsLevelOne() {
        String example = Policies.document(EXAMPLE); // Policy, Rule, Target, AnyOf, AllOf, Match, AttributeValue
        XacmlAuthorizer exact = open(XacmlAuthorizer.builder(store).maxPolicyDepth(7)
                .maxPolicyLength(example.length()));
        XacmlAuthorizer shallower = open(XacmlAuthorizer.builder(store).maxPolicyDepth(6));
        XacmlAuthorizer shorter = open(XacmlAuthorizer.builder(store).maxPolicyLength(example.length() - 1));

        exact.check(EXAMPLE, example);
        assertThatThrownBy(() -> shallower.check(EXAMPLE, example)).hasMessageContaining("(limit 6)");
        assertThatThrownBy(() -> shorter.check(EXAMPLE, example))
                .hasMessageContaining("(limit " + (example.length() - 1) + ")");
    }

    @Test
    void aStoredPolicyBeyondTheLimitsDeniesItsRequestsAndSaysWhy() {
        store.put(HOSTILE, HostilePolicies.nested(12_000)); // stored before the limits
        XacmlAuthorizer authorizer = open(XacmlAuthorizer.builder(store));

        try (RecordingLog log = new RecordingLog(XacmlAuthorizer.class)) {
            List<Boolean> answers = authorizer.decide(List.of(
                    about(HOSTILE, "digdir", "t"),
                    about(HOSTILE, "ttd", "t"),
                    aboutParty(EXAMPLE, "1337")));

            assertThat(answers).containsExactly(false, false, true);
            assertThat(log.at(Level.ERROR)).singleElement().asString()
                    .contains(HOSTILE).contains("nested deeper than 100 elements (limit 100)");
        }
    }

    // ------------------------------------------------------------------ helpers

    private XacmlAuthorizer open(XacmlAuthorizer.Builder builder) {
        XacmlAuthorizer authorizer = builder.refreshInterval(Duration.ofMillis(50)).build();
        opened.add(authorizer);
        return authorizer;
    }

    private static AccessRequest about(String resource, String org, String type) {
        return AccessRequest.forEvent(org(org), Action.SUBSCRIBE,
                TestEvents.anEvent().resource(resource).type(type).build());
    }

    private static AccessRequest aboutParty(String resource, String party) {
        return AccessRequest.forEvent(org("digdir"), Action.SUBSCRIBE,
                TestEvents.anEvent().resource(resource).subject("/party/" + party).build());
    }

    private static Caller org(String org) {
        return new Caller("/org/" + org, Set.of(Caller.SCOPE_SUBSCRIBE), Map.of("urn:altinn:org", org));
    }
}
