package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.SubscriptionFilter;
import events.domain.SubscriptionRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscriptionJsonTest {
    private static final String URL = "https://hooks.example.com/a";
    private static final String RESOURCE = "urn:altinn:resource:ttd-test";

    @Test
    void writesFiltersInTheFormOfTheSubscriptionsApi() {
        List<SubscriptionFilter> filters = List.of(
                new SubscriptionFilter.Exact(Map.of("type", "a")),
                new SubscriptionFilter.Not(new SubscriptionFilter.Any(List.of(new SubscriptionFilter.Sql("x = 'y'")))));

        String json = SubscriptionJson.writeFilters(filters);

        assertThat(json).isEqualTo("[{\"exact\":{\"type\":\"a\"}},{\"not\":{\"any\":[{\"sql\":\"x = 'y'\"}]}}]");
        assertThat(SubscriptionJson.readFilters(json)).isEqualTo(filters);
        assertThat(SubscriptionJson.readFilters("[]")).isEmpty();
    }

    @Test
    void requestKeyIgnoresTheOrderOfAttributesButNotOfFilters() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        SubscriptionFilter x = new SubscriptionFilter.Prefix(ab);
        SubscriptionFilter y = new SubscriptionFilter.Suffix(ab);

        assertThat(SubscriptionJson.requestKey("/org/ttd", request(List.of(new SubscriptionFilter.Exact(ab)))))
                .isEqualTo(SubscriptionJson.requestKey("/org/ttd", request(List.of(new SubscriptionFilter.Exact(ba)))));
        assertThat(SubscriptionJson.requestKey("/org/ttd", request(List.of(x, y))))
                .isNotEqualTo(SubscriptionJson.requestKey("/org/ttd", request(List.of(y, x))));
    }

    @Test
    void requestKeyTellsFieldsApartWhateverTheirText() {
        // the same characters moved from one field to the next must not give the same key
        SubscriptionRequest subjectAb = new SubscriptionRequest(URL, RESOURCE, "ab", null, null, null, null);
        SubscriptionRequest typeAb = new SubscriptionRequest(URL, RESOURCE, null, "ab", null, null, null);
        SubscriptionRequest split = new SubscriptionRequest(URL, RESOURCE, "a", "b", null, null, null);

        assertThat(List.of(SubscriptionJson.requestKey("/org/ttd", subjectAb), SubscriptionJson.requestKey("/org/ttd", typeAb),
                SubscriptionJson.requestKey("/org/ttd", split), SubscriptionJson.requestKey("/org/tt", subjectAb)))
                .doesNotHaveDuplicates();
    }

    private static SubscriptionRequest request(List<SubscriptionFilter> filters) {
        return new SubscriptionRequest(URL, RESOURCE, null, null, null, null, filters);
    }
}
