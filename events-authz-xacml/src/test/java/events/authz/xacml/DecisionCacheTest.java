package events.authz.xacml;

import static org.assertj.core.api.Assertions.assertThat;

import events.authz.xacml.ForeignNamespacePolicies.Children;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Caller;
import events.testkit.InMemoryPolicyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A cached decision is reused only for requests its policy cannot tell apart, however the policy document is
 * written. The policies here are put straight into the store, as one written before {@link XacmlAuthorizer#check}
 * refused elements outside the XACML namespace would be: loading does not check that again.
 */
class DecisionCacheTest {
    private static final String RESOURCE = "urn:altinn:resource:foreign";
    private static final Caller DIGDIR = XacmlAuthorizerTest.caller("/org/digdir", "urn:altinn:org=digdir");
    private static final Caller NAV = XacmlAuthorizerTest.caller("/org/nav", "urn:altinn:org=nav");

    private final InMemoryPolicyStore store = new InMemoryPolicyStore();
    private final List<XacmlAuthorizer> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(XacmlAuthorizer::close);
    }

    @ParameterizedTest(name = "children {0}")
    @EnumSource(Children.class)
    void aPermitIsNotReusedForAnotherCallerPartyOrAction(Children children) {
        store.put(RESOURCE, children.digdirSubscribesToParty1());
        XacmlAuthorizer authorizer = open();

        assertThat(authorizer.decide(List.of(subscribe(DIGDIR, "/party/1")))).containsExactly(true);

        assertThat(authorizer.decide(List.of(subscribe(NAV, "/party/1")))).as("another caller").containsExactly(false);
        assertThat(authorizer.decide(List.of(subscribe(DIGDIR, "/party/2")))).as("another party").containsExactly(false);
        assertThat(authorizer.decide(List.of(publish(DIGDIR, "/party/1")))).as("another action").containsExactly(false);
        assertThat(authorizer.decide(List.of(subscribe(DIGDIR, "/party/1")))).as("the first again").containsExactly(true);
    }

    @ParameterizedTest(name = "children {0}")
    @EnumSource(Children.class)
    void aDenyIsNotReusedForThePermittedCaller(Children children) {
        store.put(RESOURCE, children.digdirSubscribesToParty1());
        XacmlAuthorizer authorizer = open();

        assertThat(authorizer.decide(List.of(subscribe(NAV, "/party/1")))).containsExactly(false);
        assertThat(authorizer.decide(List.of(publish(DIGDIR, "/party/1")))).containsExactly(false);

        assertThat(authorizer.decide(List.of(subscribe(DIGDIR, "/party/1")))).containsExactly(true);
    }

    @ParameterizedTest(name = "children {0}")
    @EnumSource(Children.class)
    void requestsOfOneCallThatThePolicyTellsApartGetTheirOwnAnswers(Children children) {
        store.put(RESOURCE, children.digdirSubscribesToParty1());
        XacmlAuthorizer authorizer = open();

        assertThat(authorizer.decide(List.of(subscribe(NAV, "/party/1"), subscribe(DIGDIR, "/party/1"),
                publish(DIGDIR, "/party/1"), subscribe(DIGDIR, "/party/2"))))
                .containsExactly(false, true, false, false);
    }

    private XacmlAuthorizer open() {
        XacmlAuthorizer authorizer = XacmlAuthorizer.builder(store).refreshInterval(Duration.ofMinutes(1)).build();
        opened.add(authorizer);
        return authorizer;
    }

    private static AccessRequest subscribe(Caller caller, String party) {
        return AccessRequest.forResource(caller, Action.SUBSCRIBE, RESOURCE, party);
    }

    private static AccessRequest publish(Caller caller, String party) {
        return AccessRequest.forResource(caller, Action.PUBLISH, RESOURCE, party);
    }
}
