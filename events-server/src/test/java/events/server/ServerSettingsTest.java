package events.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServerSettingsTest {

    @Test
    void usesSpecDefaultsWhenNothingIsSet() {
        ServerSettings s = ServerSettings.from(Map.of(), List.of());
        assertThat(s.port()).isEqualTo(5080);
        assertThat(s.dataDir()).isEqualTo(Path.of("data"));
        assertThat(s.dbUrl()).isEmpty();
        assertThat(s.baseUrl()).isEmpty();
        assertThat(s.jwtSecret()).isEmpty();
        assertThat(s.maxEventBytes()).isEqualTo(256 * 1024);
        assertThat(s.maxHeaderBytes()).isEqualTo(8 * 1024);
    }

    @Test
    void readsTheHeaderSizeFromEnvironmentOrFlag() {
        assertThat(ServerSettings.from(Map.of("EVENTS_MAX_HEADER_SIZE", "16KiB"), List.of()).maxHeaderBytes())
                .isEqualTo(16 * 1024);
        assertThat(ServerSettings.from(Map.of("EVENTS_MAX_HEADER_SIZE", "16KiB"), List.of("--max-header-size", "1MiB"))
                .maxHeaderBytes()).isEqualTo(1024 * 1024);
    }

    @Test
    void readsTheTenantLimitsWithTheirDefaults() {
        assertThat(ServerSettings.from(Map.of(), List.of()).limits())
                .isEqualTo(new TenantLimits(1000, 10_000, 4096, 64, 1024 * 1024, 100));
        TenantLimits set = ServerSettings.from(Map.of("EVENTS_MAX_SUBSCRIPTIONS_PER_CONSUMER", "5",
                "EVENTS_MAX_POLICY_SIZE", "64KiB"), List.of("--max-poll-scan", "2000", "--max-filter-length", "512",
                "--max-filter-depth", "8", "--max-policy-depth", "20")).limits();
        assertThat(set).isEqualTo(new TenantLimits(5, 2000, 512, 8, 64 * 1024, 20));
        for (String[] bad : new String[][] {{"EVENTS_MAX_SUBSCRIPTIONS_PER_CONSUMER", "0"},
                {"EVENTS_MAX_POLL_SCAN", "99"}, {"EVENTS_MAX_FILTER_LENGTH", "5000"}, {"EVENTS_MAX_FILTER_DEPTH", "x"},
                {"EVENTS_MAX_POLICY_SIZE", "1"}, {"EVENTS_MAX_POLICY_DEPTH", "7"}}) {
            assertThatThrownBy(() -> ServerSettings.from(Map.of(bad[0], bad[1]), List.of()))
                    .isInstanceOf(SettingsException.class).hasMessageContaining(bad[0]);
        }
    }

    @Test
    void flagsWinOverEnvironment() {
        ServerSettings s = ServerSettings.from(Map.of("EVENTS_PORT", "7000", "EVENTS_DATA_DIR", "/tmp/x"),
                List.of("--port", "7001", "--base-url=https://events.example.com/"));
        assertThat(s.port()).isEqualTo(7001);
        assertThat(s.dataDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(s.baseUrl()).contains("https://events.example.com");
    }

    @Test
    void readsDatabaseAndJwtSettings() {
        ServerSettings s = ServerSettings.from(Map.of(
                "EVENTS_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test",
                "EVENTS_DB_USER", "postgres",
                "EVENTS_JWT_SECRET", "0123456789abcdef0123456789abcdef",
                "EVENTS_JWT_ISSUER", "https://idp",
                "EVENTS_JWT_AUDIENCE", "events",
                "EVENTS_MAX_EVENT_SIZE", "64KiB"), List.of());
        assertThat(s.dbUrl()).contains("jdbc:postgresql://127.0.0.1:5432/test");
        assertThat(s.dbUser()).contains("postgres");
        assertThat(s.jwtIssuer()).contains("https://idp");
        assertThat(s.jwtAudience()).contains("events");
        assertThat(s.maxEventBytes()).isEqualTo(64 * 1024);
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of(Map.of("EVENTS_PORT", "http"), List.of(), "EVENTS_PORT=http"),
                Arguments.of(Map.of("EVENTS_PORT", "70000"), List.of(), "EVENTS_PORT=70000"),
                Arguments.of(Map.of("EVENTS_BASE_URL", "localhost:5080"), List.of(), "EVENTS_BASE_URL"),
                Arguments.of(Map.of("EVENTS_DB_URL", "jdbc:mysql://x"), List.of(), "EVENTS_DB_URL"),
                Arguments.of(Map.of("EVENTS_JWT_SECRET", "short"), List.of(), "at least 32 bytes"),
                Arguments.of(Map.of("EVENTS_MAX_EVENT_SIZE", "lots"), List.of(), "EVENTS_MAX_EVENT_SIZE"),
                Arguments.of(Map.of("EVENTS_MAX_EVENT_SIZE", "8MiB"), List.of(), "EVENTS_MAX_BATCH_SIZE"),
                Arguments.of(Map.of("EVENTS_MAX_PUBLISHES_IN_FLIGHT", "0"), List.of(), "EVENTS_MAX_PUBLISHES_IN_FLIGHT=0"),
                Arguments.of(Map.of("EVENTS_MAX_PUBLISH_BYTES_IN_FLIGHT", "1GiB"), List.of(),
                        "EVENTS_MAX_PUBLISH_BYTES_IN_FLIGHT=1GiB"),
                Arguments.of(Map.of("EVENTS_MAX_HEADER_SIZE", "512"), List.of(), "EVENTS_MAX_HEADER_SIZE=512 is not a"
                        + " size from 1KiB to 1MiB"),
                Arguments.of(Map.of(), List.of("--max-header-size", "2MiB"), "EVENTS_MAX_HEADER_SIZE=2MiB"),
                Arguments.of(Map.of("EVENTS_RETENTION", "30m"), List.of(), "EVENTS_RETENTION must be at least 1h"),
                Arguments.of(Map.of("EVENTS_RETENTION", "ever"), List.of(), "EVENTS_RETENTION=ever"),
                Arguments.of(Map.of(), List.of("--prot", "1"), "unknown flag --prot"),
                Arguments.of(Map.of(), List.of("--port"), "needs a value"),
                Arguments.of(Map.of(), List.of("serve"), "unexpected argument"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("badSettings")
    void rejectsBadSettingsWithOneLineNamingTheSetting(Map<String, String> env, List<String> flags, String expected) {
        assertThatThrownBy(() -> ServerSettings.from(env, flags))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void boundsPublishesInFlightByDefaultAndReadsTheBounds() {
        ServerSettings defaults = ServerSettings.from(Map.of(), List.of());
        assertThat(defaults.maxPublishesInFlight()).isEqualTo(1000);
        assertThat(defaults.maxPublishBytesInFlight()).isEqualTo(32 * 1024 * 1024);
        assertThat(defaults.retention()).isEqualTo(Duration.ofDays(90));
        assertThat(ServerSettings.from(Map.of("EVENTS_RETENTION", "7d"), List.of()).retention())
                .isEqualTo(Duration.ofDays(7));
        ServerSettings s = ServerSettings.from(Map.of("EVENTS_MAX_PUBLISHES_IN_FLIGHT", "50"),
                List.of("--max-publish-bytes-in-flight", "8MiB"));
        assertThat(s.maxPublishesInFlight()).isEqualTo(50);
        assertThat(s.maxPublishBytesInFlight()).isEqualTo(8 * 1024 * 1024);
    }

    @Test
    void webhookSettingsDefaultToStrictEndpointsAltinnRetriesAndThirtySeconds() {
        ServerSettings s = ServerSettings.from(Map.of(), List.of());
        assertThat(s.webhookAllowHttp()).isFalse();
        assertThat(s.webhookAllowPrivate()).isFalse();
        assertThat(s.webhookTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.retrySchedule()).isEqualTo(events.domain.RetrySchedule.ALTINN);
        assertThat(s.webhookConcurrency()).isEqualTo(16);
        assertThat(s.webhookHostConcurrency()).isEqualTo(64);
    }

    @Test
    void readsWebhookSettings() {
        ServerSettings s = ServerSettings.from(Map.of("EVENTS_WEBHOOK_ALLOW_HTTP", "true",
                "EVENTS_RETRY_SCHEDULE", "10s, 1m,2h", "EVENTS_WEBHOOK_TIMEOUT", "5s"),
                List.of("--webhook-allow-private", "yes", "--webhook-concurrency", "4",
                        "--webhook-host-concurrency", "8"));
        assertThat(s.webhookConcurrency()).isEqualTo(4);
        assertThat(s.webhookHostConcurrency()).isEqualTo(8);
        assertThat(s.webhookAllowHttp()).isTrue();
        assertThat(s.webhookAllowPrivate()).isTrue();
        assertThat(s.webhookTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.retrySchedule().delays())
                .containsExactly(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofHours(2));
    }

    @Test
    void refusesBadWebhookSettingsNamingThem() {
        assertThatThrownBy(() -> ServerSettings.from(Map.of("EVENTS_WEBHOOK_ALLOW_HTTP", "maybe"), List.of()))
                .isInstanceOf(SettingsException.class).hasMessageContaining("EVENTS_WEBHOOK_ALLOW_HTTP");
        assertThatThrownBy(() -> ServerSettings.from(Map.of("EVENTS_RETRY_SCHEDULE", "10s,,1m"), List.of()))
                .isInstanceOf(SettingsException.class).hasMessageContaining("EVENTS_RETRY_SCHEDULE");
        assertThatThrownBy(() -> ServerSettings.from(Map.of("EVENTS_RETRY_SCHEDULE", "0s"), List.of()))
                .isInstanceOf(SettingsException.class).hasMessageContaining("EVENTS_RETRY_SCHEDULE");
        assertThatThrownBy(() -> ServerSettings.from(Map.of("EVENTS_WEBHOOK_TIMEOUT", "1h"), List.of()))
                .isInstanceOf(SettingsException.class).hasMessageContaining("EVENTS_WEBHOOK_TIMEOUT");
        assertThatThrownBy(() -> ServerSettings.from(Map.of("EVENTS_WEBHOOK_CONCURRENCY", "0"), List.of()))
                .isInstanceOf(SettingsException.class).hasMessageContaining("EVENTS_WEBHOOK_CONCURRENCY");
    }

    @Test
    void readsTheSecretKeyAndThePreviousOnesInBase64OrBase64Url() {
        byte[] current = events.support.SecretBox.generateKey();
        byte[] old = events.support.SecretBox.generateKey();
        byte[] older = events.support.SecretBox.generateKey();
        ServerSettings s = ServerSettings.from(Map.of(
                "EVENTS_SECRET_KEY", Base64.getEncoder().encodeToString(current),
                "EVENTS_SECRET_KEY_PREVIOUS", Base64.getUrlEncoder().withoutPadding().encodeToString(old) + ", "
                        + Base64.getEncoder().encodeToString(older) + ","), List.of());

        assertThat(s.secretKey()).hasValueSatisfying(k -> assertThat(k).isEqualTo(current));
        assertThat(s.previousSecretKeys()).satisfiesExactly(k -> assertThat(k).isEqualTo(old),
                k -> assertThat(k).isEqualTo(older));
        assertThat(ServerSettings.from(Map.of(), List.of()).secretKey()).isEmpty();
    }

    static Stream<Arguments> badKeys() {
        byte[] key = events.support.SecretBox.generateKey();
        String good = Base64.getEncoder().encodeToString(key);
        return Stream.of(
                Arguments.of("EVENTS_SECRET_KEY", "correct horse battery staple", "EVENTS_SECRET_KEY is not"),
                Arguments.of("EVENTS_SECRET_KEY", Base64.getEncoder().encodeToString(new byte[16]), "EVENTS_SECRET_KEY"),
                Arguments.of("EVENTS_SECRET_KEY", Base64.getEncoder().encodeToString(new byte[33]), "EVENTS_SECRET_KEY"),
                Arguments.of("EVENTS_SECRET_KEY", good.replace('A', '-') + "+/", "EVENTS_SECRET_KEY"),
                Arguments.of("EVENTS_SECRET_KEY_PREVIOUS", good + "," + good.substring(1),
                        "EVENTS_SECRET_KEY_PREVIOUS (key 2 of 2)"),
                Arguments.of("EVENTS_SECRET_KEY_PREVIOUS", good + "," + good, "give each key once"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("badKeys")
    void refusesAKeyThatIsNotTheBase64OfThirtyTwoBytesWithoutShowingIt(String name, String value, String expected) {
        assertThatThrownBy(() -> ServerSettings.from(Map.of(name, value), List.of()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
                .satisfies(e -> {
                    for (String part : value.split(",")) {
                        assertThat(e.getMessage()).doesNotContain(part.trim());
                    }
                });
    }

    @Test
    void refusesTheCurrentKeyAmongThePreviousOnes() {
        String key = Base64.getEncoder().encodeToString(events.support.SecretBox.generateKey());
        assertThatThrownBy(() -> ServerSettings.from(Map.of("EVENTS_SECRET_KEY", key,
                "EVENTS_SECRET_KEY_PREVIOUS", key), List.of()))
                .isInstanceOf(SettingsException.class).hasMessageContaining("give each key once");
    }

    @Test
    void keysHaveNoFlagAndNeverShowInTheSettingsText() {
        String key = Base64.getEncoder().encodeToString(events.support.SecretBox.generateKey());
        String old = Base64.getEncoder().encodeToString(events.support.SecretBox.generateKey());
        ServerSettings s = ServerSettings.from(Map.of("EVENTS_SECRET_KEY", key, "EVENTS_SECRET_KEY_PREVIOUS", old),
                List.of());

        assertThat(s.toString()).contains("secretKey=EVENTS_SECRET_KEY and 1 previous")
                .doesNotContain(key).doesNotContain(old);
        assertThat(ServerSettings.from(Map.of(), List.of()).toString()).contains("secretKey=generated file");
        assertThatThrownBy(() -> ServerSettings.from(Map.of(), List.of("--secret-key", key)))
                .isInstanceOf(SettingsException.class).hasMessageContaining("unknown flag --secret-key")
                .hasMessageNotContaining(key);
    }

    @Test
    void parsesDurationsAndSizes() {
        assertThat(ServerSettings.parseDuration("x", "1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ServerSettings.parseDuration("x", "90d")).isEqualTo(Duration.ofDays(90));
        assertThat(ServerSettings.parseSize("x", "4MiB")).isEqualTo(4 * 1024 * 1024);
        assertThatThrownBy(() -> ServerSettings.parseDuration("x", "10 parsecs")).isInstanceOf(SettingsException.class);
    }
}
