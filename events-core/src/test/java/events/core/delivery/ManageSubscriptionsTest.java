package events.core.delivery;

import static events.core.delivery.DeliveryFixture.DIGDIR;
import static events.core.delivery.DeliveryFixture.NAV;
import static events.core.delivery.DeliveryFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import events.domain.AccessDeniedException;
import events.domain.InvalidFilterException;
import events.domain.InvalidSubscriptionException;
import events.domain.LimitExceededException;
import events.domain.Subscription;
import events.domain.SubscriptionFilter;
import events.domain.SubscriptionNotFoundException;
import events.domain.SubscriptionRequest;
import events.domain.WebhookEndpoints;
import events.ports.Action;
import events.ports.ManageSubscriptions.CreatedSubscription;
import events.testkit.TestEvents;
import java.net.InetAddress;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManageSubscriptionsTest {
    private final DeliveryFixture f = new DeliveryFixture(WebhookEndpoints.strict(), 4, 1000);

    @AfterEach
    void close() {
        f.close();
    }

    private static SubscriptionRequest to(String endpoint) {
        return request(endpoint);
    }

    @Test
    void createsAPendingSubscriptionWithASecretOnlyOnce() throws Exception {
        f.dns.put("hooks.example.com", List.of(InetAddress.getByName("93.184.216.34")));
        CreatedSubscription first = f.admin.create(DIGDIR, to("https://hooks.example.com/x"));
        assertThat(first.created()).isTrue();
        assertThat(first.secret().orElseThrow().value()).startsWith("whsec_");
        assertThat(first.subscription().consumer()).isEqualTo("/org/digdir");
        assertThat(first.subscription().createdBy()).isEqualTo("/org/digdir");

        CreatedSubscription again = f.admin.create(DIGDIR, to("https://hooks.example.com/x"));
        assertThat(again.created()).isFalse();
        assertThat(again.secret()).isEmpty();
        assertThat(again.subscription().id()).isEqualTo(first.subscription().id());

        CreatedSubscription other = f.admin.create(NAV, to("https://hooks.example.com/x"));
        assertThat(other.subscription().id()).isNotEqualTo(first.subscription().id());
        assertThat(f.admin.list(DIGDIR)).extracting(Subscription::id).containsExactly(first.subscription().id());
    }

    @Test
    void creatingNeedsPolicyPermissionToSubscribeForTheResourceAndSubject() {
        f.policy.set(r -> r.action() == Action.SUBSCRIBE && "/party/1".equals(r.subject()));
        SubscriptionRequest forAll = to("https://93.184.216.34/x");
        assertThatThrownBy(() -> f.admin.create(DIGDIR, forAll)).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(TestEvents.RESOURCE);
        SubscriptionRequest forOne = new SubscriptionRequest("https://93.184.216.34/x", TestEvents.RESOURCE, "/party/1",
                null, null, null, List.of());
        assertThat(f.admin.create(DIGDIR, forOne).created()).isTrue();
        assertThat(f.authorizer.requests()).last().satisfies(r -> {
            assertThat(r.resource()).isEqualTo(TestEvents.RESOURCE);
            assertThat(r.subject()).isEqualTo("/party/1");
            assertThat(r.event()).isNull();
        });
    }

    @Test
    void aCallerWithoutTheGrantIsRefusedAlikeWhateverTheEndpointAndNothingIsResolved() throws Exception {
        f.policy.set(r -> false);
        f.dns.put("loopback.example.com", List.of(InetAddress.getByName("127.0.0.1")));
        f.dns.put("hooks.example.com", List.of(InetAddress.getByName("93.184.216.34")));
        List<String> endpoints = List.of("https://loopback.example.com/x", "https://hooks.example.com/x",
                "https://nowhere.invalid/x", "https://127.0.0.1/x", "http://hooks.example.com/x");

        List<String> refusals = endpoints.stream().map(endpoint -> {
            Throwable refused = catchThrowable(() -> f.admin.create(DIGDIR, to(endpoint)));
            assertThat(refused).as(endpoint).isExactlyInstanceOf(AccessDeniedException.class);
            return refused.getMessage();
        }).toList();

        assertThat(refusals).containsOnly("not allowed to subscribe to events of " + TestEvents.RESOURCE);
        assertThat(f.lookups).isEmpty();
        assertThat(f.subscriptions.byConsumer("/org/digdir")).isEmpty();
    }

    @Test
    void refusesEndpointsThatBreakTheRules() throws Exception {
        f.dns.put("internal.example.com", List.of(InetAddress.getByName("93.184.216.34"),
                InetAddress.getByName("10.1.2.3")));
        assertThatThrownBy(() -> f.admin.create(DIGDIR, to("http://93.184.216.34/x")))
                .isInstanceOf(InvalidSubscriptionException.class).hasMessageContaining("endPoint");
        assertThatThrownBy(() -> f.admin.create(DIGDIR, to("https://127.0.0.1/x")))
                .isInstanceOf(InvalidSubscriptionException.class).hasMessageContaining("endPoint");
        assertThatThrownBy(() -> f.admin.create(DIGDIR, to("https://internal.example.com/x")))
                .isInstanceOf(InvalidSubscriptionException.class).hasMessageContaining("10.0.0.0/8")
                .hasMessageNotContaining("10.1.2.3");
        assertThatThrownBy(() -> f.admin.create(DIGDIR, to("https://nowhere.invalid/x")))
                .isInstanceOf(InvalidSubscriptionException.class).hasMessageContaining("does not resolve");
        assertThat(f.subscriptions.byConsumer("/org/digdir")).isEmpty();
    }

    @Test
    void refusesSqlFiltersThatDoNotCompile() {
        SubscriptionRequest bad = new SubscriptionRequest("https://93.184.216.34/x", TestEvents.RESOURCE, null, null,
                null, null, List.of(new SubscriptionFilter.Not(new SubscriptionFilter.Sql("type = "))));
        assertThatThrownBy(() -> f.admin.create(DIGDIR, bad)).isInstanceOf(InvalidFilterException.class);
        assertThat(f.subscriptions.byConsumer("/org/digdir")).isEmpty();
    }

    @Test
    void refusesANewSubscriptionPastTheLimitPerConsumerButStillAnswersAnIdenticalOne() {
        int limit = DeliveryFixture.MAX_SUBSCRIPTIONS_PER_CONSUMER;
        List<Subscription> made = new java.util.ArrayList<>();
        for (int i = 0; i < limit; i++) {
            made.add(f.admin.create(DIGDIR, to("https://93.184.216.34/" + i)).subscription());
        }

        assertThatThrownBy(() -> f.admin.create(DIGDIR, to("https://93.184.216.34/one-more")))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("at most " + limit);
        CreatedSubscription again = f.admin.create(DIGDIR, to("https://93.184.216.34/0"));
        assertThat(again.subscription().id()).isEqualTo(made.get(0).id());
        assertThat(again.secret()).isEmpty();
        assertThat(f.subscriptions.byConsumer("/org/digdir")).hasSize(limit);
        assertThat(f.admin.create(NAV, to("https://93.184.216.34/nav")).secret()).as("another consumer's limit")
                .isPresent();
        f.admin.delete(DIGDIR, made.get(1).id());
        assertThat(f.admin.create(DIGDIR, to("https://93.184.216.34/one-more")).secret()).isPresent();
    }

    @Test
    void anotherConsumersSubscriptionIsNotFoundAsAnUnknownOneIs() {
        Subscription s = f.admin.create(DIGDIR, to("https://93.184.216.34/x")).subscription();
        assertThatThrownBy(() -> f.admin.get(NAV, s.id())).isInstanceOf(SubscriptionNotFoundException.class);
        assertThatThrownBy(() -> f.admin.delete(NAV, s.id())).isInstanceOf(SubscriptionNotFoundException.class);
        assertThatThrownBy(() -> f.admin.rotateSecret(NAV, s.id())).isInstanceOf(SubscriptionNotFoundException.class);
        assertThatThrownBy(() -> f.admin.deliveries(NAV, s.id(), Long.MAX_VALUE, 10))
                .isInstanceOf(SubscriptionNotFoundException.class);
        assertThatThrownBy(() -> f.admin.redrive(NAV, s.id())).isInstanceOf(SubscriptionNotFoundException.class);
        assertThatThrownBy(() -> f.admin.get(DIGDIR, UUID.randomUUID()))
                .isInstanceOf(SubscriptionNotFoundException.class);

        f.admin.delete(DIGDIR, s.id());
        assertThatThrownBy(() -> f.admin.get(DIGDIR, s.id())).isInstanceOf(SubscriptionNotFoundException.class);
    }
}
