package events.authz.xacml;

/**
 * Policy documents that go wrong, as an admin might write them. Most give digdir a rule with the condition under
 * test and permit ttd everything, so that a request from ttd never evaluates the condition.
 */
final class HostilePolicies {
    static final String STRING_REGEXP_MATCH = "urn:oasis:names:tc:xacml:1.0:function:string-regexp-match";
    static final String STRING = "http://www.w3.org/2001/XMLSchema#string";
    static final String SUBJECT = "urn:oasis:names:tc:xacml:1.0:subject-category:access-subject";
    static final String RESOURCE = "urn:oasis:names:tc:xacml:3.0:attribute-category:resource";

    private HostilePolicies() {
    }

    /** Permits digdir the event types matching {@code pattern}, and ttd everything. */
    static String permittingTypesMatching(String pattern) {
        return permittingDigdirWhen(typeMatches(pattern));
    }

    /** Permits digdir when {@code condition} holds, and ttd everything. */
    static String permittingDigdirWhen(String condition) {
        return policy("deny-overrides", rule("digdir-when", "Permit", "digdir", condition),
                rule("ttd-always", "Permit", "ttd", null));
    }

    /** Permits digdir all but the event types matching {@code pattern}: a deny rule under permit-overrides. */
    static String permitOverridesDenyingTypesMatching(String pattern) {
        return policy("permit-overrides", rule("digdir-not-these", "Deny", "digdir", typeMatches(pattern)),
                rule("digdir-always", "Permit", "digdir", null));
    }

    /** True when one of the event types matches {@code pattern}, a literal. */
    static String typeMatches(String pattern) {
        return """
                <Apply FunctionId="urn:oasis:names:tc:xacml:3.0:function:any-of">
                  <Function FunctionId="%s"/>
                  <AttributeValue DataType="%s">%s</AttributeValue>
                  <AttributeDesignator AttributeId="urn:altinn:eventtype" Category="%s" DataType="%s"
                      MustBePresent="false"/>
                </Apply>""".formatted(STRING_REGEXP_MATCH, STRING, pattern, RESOURCE, STRING);
    }

    /** A policy whose elements nest {@code depth} levels (at least 8): a condition of nested {@code not}s. */
    static String nested(int depth) {
        int nots = depth - 4; // below Policy, Rule and Condition; above the innermost AttributeValue
        return policy("deny-overrides", rule("deep", "Permit", "digdir",
                "<Apply FunctionId=\"urn:oasis:names:tc:xacml:1.0:function:not\">".repeat(nots)
                        + "<AttributeValue DataType=\"http://www.w3.org/2001/XMLSchema#boolean\">true</AttributeValue>"
                        + "</Apply>".repeat(nots)));
    }

    static String policy(String algorithm, String... rules) {
        return """
                <Policy xmlns="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicyId="urn:test:hostile" Version="1.0"
                    RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:%s">
                  <Target/>
                  %s
                </Policy>
                """.formatted(algorithm, String.join("\n", rules));
    }

    /** A rule for requests from {@code org}, with {@code condition} unless null. */
    static String rule(String id, String effect, String org, String condition) {
        return """
                <Rule RuleId="%s" Effect="%s">
                  <Target><AnyOf><AllOf>
                    <Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
                      <AttributeValue DataType="%s">%s</AttributeValue>
                      <AttributeDesignator AttributeId="urn:altinn:org" Category="%s" DataType="%s"
                          MustBePresent="false"/>
                    </Match>
                  </AllOf></AnyOf></Target>%s
                </Rule>""".formatted(id, effect, STRING, org, SUBJECT, STRING,
                condition == null ? "" : "<Condition>" + condition + "</Condition>");
    }
}
