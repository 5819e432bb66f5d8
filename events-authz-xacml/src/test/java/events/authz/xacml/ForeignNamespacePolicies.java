package events.authz.xacml;

import static events.authz.xacml.HostilePolicies.RESOURCE;
import static events.authz.xacml.HostilePolicies.STRING;
import static events.authz.xacml.HostilePolicies.SUBJECT;

/**
 * Policy documents whose root element is an XACML 3.0 {@code Policy} but whose other elements are not in the XACML
 * namespace. Balana reads elements by local name and evaluates them all the same, so such a document works; a
 * namespace-aware look at it sees no XACML element below the root.
 */
final class ForeignNamespacePolicies {
    static final String ACTION = "urn:oasis:names:tc:xacml:3.0:attribute-category:action";
    static final String STRING_EQUAL = "urn:oasis:names:tc:xacml:1.0:function:string-equal";

    private ForeignNamespacePolicies() {
    }

    /** Where the elements below the root are. */
    enum Children {
        /** Unprefixed, with no default namespace declared. */
        IN_NO_NAMESPACE("", ""),
        /** Prefixed with a prefix bound to a namespace that is not XACML's. */
        IN_ANOTHER_NAMESPACE(" xmlns:o=\"urn:example:not-xacml\"", "o:"),
        /** In the XACML 3.0 namespace, as they should be: the control. */
        IN_THE_XACML_NAMESPACE("", "xacml:");

        private final String declaration;
        private final String prefix;

        Children(String declaration, String prefix) {
            this.declaration = declaration;
            this.prefix = prefix;
        }

        /**
         * A policy permitting org digdir to subscribe to events about {@code /party/1}, and nothing else: each
         * of the three attributes is matched in the rule's target.
         */
        String digdirSubscribesToParty1() {
            return policy("""
                    <Rule RuleId="digdir-subscribes-to-party-1" Effect="Permit">
                      <Target><AnyOf><AllOf>
                        %s
                        %s
                        %s
                      </AllOf></AnyOf></Target>
                    </Rule>""".formatted(
                    match("digdir", SUBJECT, "urn:altinn:org"),
                    match("1", RESOURCE, "urn:altinn:partyid"),
                    match("subscribe", ACTION, "urn:oasis:names:tc:xacml:1.0:action:action-id")));
        }

        /**
         * A policy that reads one attribute in each place a rule can: the org in the rule's target, the event type
         * in the condition, and the event source through a variable. Permits digdir for type
         * {@code app.created} from source {@code https://src}.
         */
        String readingInTargetConditionAndVariable() {
            return policy("""
                    <VariableDefinition VariableId="source">
                      <Apply FunctionId="urn:oasis:names:tc:xacml:1.0:function:string-one-and-only">
                        %s
                      </Apply>
                    </VariableDefinition>
                    <Rule RuleId="digdir-sees-created-from-src" Effect="Permit">
                      <Target><AnyOf><AllOf>%s</AllOf></AnyOf></Target>
                      <Condition>
                        <Apply FunctionId="urn:oasis:names:tc:xacml:1.0:function:and">
                          <Apply FunctionId="urn:oasis:names:tc:xacml:3.0:function:any-of">
                            <Function FunctionId="%s"/>
                            <AttributeValue DataType="%s">app.created</AttributeValue>
                            %s
                          </Apply>
                          <Apply FunctionId="%s">
                            <VariableReference VariableId="source"/>
                            <AttributeValue DataType="%s">https://src</AttributeValue>
                          </Apply>
                        </Apply>
                      </Condition>
                    </Rule>""".formatted(
                    designator(RESOURCE, "urn:altinn:eventsource"),
                    match("digdir", SUBJECT, "urn:altinn:org"),
                    STRING_EQUAL, STRING, designator(RESOURCE, "urn:altinn:eventtype"),
                    STRING_EQUAL, STRING));
        }

        /** A policy of {@code body} (rules, variable definitions) in this namespace arrangement. */
        String policy(String body) {
            return policy("", body);
        }

        /** A policy with {@code defaults} (a {@code PolicyDefaults} element, or nothing) and {@code body}. */
        String policy(String defaults, String body) {
            return """
                    <xacml:Policy xmlns:xacml="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17"%s
                        PolicyId="urn:test:foreign-namespace" Version="1.0"
                        RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides">
                      %s
                    </xacml:Policy>
                    """.formatted(declaration, prefixed(defaults + "<Target/>\n" + body));
        }

        String match(String value, String category, String id) {
            return """
                    <Match MatchId="%s">
                      <AttributeValue DataType="%s">%s</AttributeValue>
                      %s
                    </Match>""".formatted(STRING_EQUAL, STRING, value, designator(category, id));
        }

        static String designator(String category, String id) {
            return "<AttributeDesignator AttributeId=\"%s\" Category=\"%s\" DataType=\"%s\" MustBePresent=\"false\"/>"
                    .formatted(id, category, STRING);
        }

        /** {@code xml} with this arrangement's prefix on every element name. */
        private String prefixed(String xml) {
            return xml.replaceAll("<(/?)([A-Z][A-Za-z]*)", "<$1" + prefix + "$2");
        }
    }
}
