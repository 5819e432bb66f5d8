package events.server;

import static events.server.EventsHttpClient.ADMIN;
import static events.server.EventsHttpClient.PUBLISH;
import static events.server.EventsHttpClient.SUBSCRIBE;
import static events.server.EventsHttpClient.assertProblem;
import static events.server.EventsHttpClient.event;
import static org.assertj.core.api.Assertions.assertThat;

import events.adapters.jdbc.JdbcStores;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over real HTTP, a policy already in the database whose elements below the root are in no namespace: Balana
 * evaluates it like any other, and PUT refuses it now, but one stored before PUT did stays in the database and
 * is loaded without that check. Its decisions must still be cached per caller, party and action.
 */
class StoredPolicyAuthorizationTest {
    static final String RESOURCE = "urn:altinn:resource:stored-svc";

    /** ttd publishes; digdir subscribes to events about /party/1. Only the root element is namespaced. */
    static final String CHILDREN_IN_NO_NAMESPACE = """
            <xacml:Policy xmlns:xacml="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicyId="urn:test:stored"
                Version="1.0" RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides">
              <Target/>
              <Rule RuleId="ttd-publishes" Effect="Permit">
                <Target><AnyOf><AllOf>
                  %s
                  %s
                </AllOf></AnyOf></Target>
              </Rule>
              <Rule RuleId="digdir-subscribes-to-party-1" Effect="Permit">
                <Target><AnyOf><AllOf>
                  %s
                  %s
                  %s
                </AllOf></AnyOf></Target>
              </Rule>
            </xacml:Policy>
            """.formatted(
            match("ttd", "urn:oasis:names:tc:xacml:1.0:subject-category:access-subject", "urn:altinn:org"),
            match("publish", "urn:oasis:names:tc:xacml:3.0:attribute-category:action",
                    "urn:oasis:names:tc:xacml:1.0:action:action-id"),
            match("digdir", "urn:oasis:names:tc:xacml:1.0:subject-category:access-subject", "urn:altinn:org"),
            match("1", "urn:oasis:names:tc:xacml:3.0:attribute-category:resource", "urn:altinn:partyid"),
            match("subscribe", "urn:oasis:names:tc:xacml:3.0:attribute-category:action",
                    "urn:oasis:names:tc:xacml:1.0:action:action-id"));

    @TempDir
    Path dataDir;

    private EventsServer server;
    private EventsHttpClient api;

    @BeforeEach
    void startServerWithThePolicyAlreadyStored() {
        try (JdbcStores stores = JdbcStores.h2(dataDir)) {
            stores.policyStore().put(RESOURCE, CHILDREN_IN_NO_NAMESPACE);
        }
        server = EventsServer.start(ServerSettings.from(Map.of(), List.of("--port", "0", "--data-dir",
                dataDir.toString())));
        api = new EventsHttpClient(server.baseUrl());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private String token(String org, String scopes) {
        return EventsHttpClient.token(dataDir, org, scopes);
    }

    @Test
    void afterAPermittedPublishACallerWithoutAGrantSeesNothingAndTheSubscriberOnlyItsParty() {
        String ttd = token("ttd", PUBLISH);
        assertThat(api.publish(ttd, event("p1", RESOURCE, "/party/1")).statusCode()).isEqualTo(200);
        assertThat(api.publish(ttd, event("p2", RESOURCE, "/party/2")).statusCode()).isEqualTo(200);

        assertThat(api.pollIds(token("nav", SUBSCRIBE), RESOURCE)).as("no grant").isEmpty();
        assertThat(api.pollIds(token("digdir", SUBSCRIBE), RESOURCE)).as("party 1 only").containsExactly("p1");
        assertProblem(api.publish(token("nav", PUBLISH), event("n1", RESOURCE, "/party/1")), 403, "forbidden");
    }

    @Test
    void afterAForbiddenPublishAPermittedOneGoesThroughAndIsSeen() {
        assertProblem(api.publish(token("nav", PUBLISH), event("n1", RESOURCE, "/party/1")), 403, "forbidden");

        assertThat(api.publish(token("ttd", PUBLISH), event("p1", RESOURCE, "/party/1")).statusCode()).isEqualTo(200);
        assertThat(api.pollIds(token("digdir", SUBSCRIBE), RESOURCE)).containsExactly("p1");
    }

    @Test
    void putRefusesTheSameDocumentNamingTheNamespaceRule() {
        String admin = token("ops", ADMIN);

        assertThat(assertProblem(api.putPolicy(admin, "urn:altinn:resource:new-svc", CHILDREN_IN_NO_NAMESPACE), 400,
                "invalid-policy").path("detail").asText())
                .contains("outside the XACML 3.0 namespace").contains("<Target> is in no namespace");
        assertThat(api.getPolicy(admin, "urn:altinn:resource:new-svc").statusCode()).isEqualTo(404);
    }

    private static String match(String value, String category, String id) {
        return """
                <Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
                  <AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">%s</AttributeValue>
                  <AttributeDesignator AttributeId="%s" Category="%s"
                      DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/>
                </Match>""".formatted(value, id, category);
    }
}
