package events.server;

import events.domain.RetrySchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of the server, read in exactly one place: command-line flags ({@code --port 5080}) win over
 * environment variables ({@code EVENTS_PORT}), which win over defaults. Invalid values fail with a
 * {@link SettingsException} whose message names the setting.
 */
public record ServerSettings(
        int port,
        Optional<String> baseUrl,
        Path dataDir,
        Optional<String> dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        Optional<String> jwtSecret,
        Optional<String> jwtJwks,
        Optional<String> jwtIssuer,
        Optional<String> jwtAudience,
        Optional<byte[]> secretKey,
        List<byte[]> previousSecretKeys,
        int maxEventBytes,
        int maxBatchBytes,
        int maxPublishesInFlight,
        int maxPublishBytesInFlight,
        int maxHeaderBytes,
        Optional<Path> policyDir,
        boolean webhookAllowHttp,
        boolean webhookAllowPrivate,
        Duration webhookTimeout,
        int webhookConcurrency,
        int webhookHostConcurrency,
        RetrySchedule retrySchedule,
        Duration retention,
        TenantLimits limits) {

    static final int MIN_SECRET_BYTES = 32;

    /** Reads the process environment and the given flags. */
    public static ServerSettings fromEnvironment(List<String> flags) {
        return from(System.getenv(), flags);
    }

    /** Reads the given environment and flags (for tests and embedders). */
    public static ServerSettings from(Map<String, String> env, List<String> flags) {
        Source s = new Source(env, parseFlags(flags));
        int port = s.get("EVENTS_PORT", "--port").map(v -> parseInt("EVENTS_PORT", v, 0, 65535)).orElse(5080);
        Optional<String> baseUrl = s.get("EVENTS_BASE_URL", "--base-url").map(ServerSettings::checkBaseUrl);
        Path dataDir = Path.of(s.get("EVENTS_DATA_DIR", "--data-dir").orElse("data"));
        Optional<String> dbUrl = s.get("EVENTS_DB_URL", "--db-url").map(ServerSettings::checkDbUrl);
        Optional<String> secret = s.get("EVENTS_JWT_SECRET", null).map(ServerSettings::checkSecret);
        Optional<String> jwks = s.get("EVENTS_JWT_JWKS", "--jwt-jwks");
        // Keys, like the other secrets, have no flag: a command line is visible to every user of the machine.
        Optional<byte[]> secretKey = s.get("EVENTS_SECRET_KEY", null)
                .map(v -> SecretKeys.parse("EVENTS_SECRET_KEY", v));
        List<byte[]> previousKeys = s.get("EVENTS_SECRET_KEY_PREVIOUS", null)
                .map(v -> SecretKeys.parseList("EVENTS_SECRET_KEY_PREVIOUS", v)).orElse(List.of());
        SecretKeys.requireDistinct(secretKey, previousKeys);
        int maxEventBytes = s.get("EVENTS_MAX_EVENT_SIZE", "--max-event-size")
                .map(v -> parseSize("EVENTS_MAX_EVENT_SIZE", v)).orElse(256 * 1024);
        int maxBatchBytes = s.get("EVENTS_MAX_BATCH_SIZE", "--max-batch-size")
                .map(v -> parseSize("EVENTS_MAX_BATCH_SIZE", v)).orElse(4 * 1024 * 1024);
        if (maxBatchBytes < maxEventBytes) {
            throw new SettingsException("EVENTS_MAX_BATCH_SIZE must be at least EVENTS_MAX_EVENT_SIZE");
        }
        int maxPublishesInFlight = s.get("EVENTS_MAX_PUBLISHES_IN_FLIGHT", "--max-publishes-in-flight")
                .map(v -> parseInt("EVENTS_MAX_PUBLISHES_IN_FLIGHT", v, 1, 1_000_000)).orElse(1000);
        int maxPublishBytesInFlight = s.get("EVENTS_MAX_PUBLISH_BYTES_IN_FLIGHT", "--max-publish-bytes-in-flight")
                .map(v -> parseSize("EVENTS_MAX_PUBLISH_BYTES_IN_FLIGHT", v)).orElse(32 * 1024 * 1024);
        int maxHeaderBytes = s.get("EVENTS_MAX_HEADER_SIZE", "--max-header-size")
                .map(v -> parseSize("EVENTS_MAX_HEADER_SIZE", v, 1024, 1024 * 1024)).orElse(8 * 1024);
        Optional<String> dbUser = s.get("EVENTS_DB_USER", "--db-user");
        Optional<String> issuer = s.get("EVENTS_JWT_ISSUER", "--jwt-issuer");
        Optional<String> audience = s.get("EVENTS_JWT_AUDIENCE", "--jwt-audience");
        Optional<Path> policyDir = s.get("EVENTS_POLICY_DIR", "--policy-dir").map(ServerSettings::checkPolicyDir);
        boolean allowHttp = s.get("EVENTS_WEBHOOK_ALLOW_HTTP", "--webhook-allow-http")
                .map(v -> parseBoolean("EVENTS_WEBHOOK_ALLOW_HTTP", v)).orElse(false);
        boolean allowPrivate = s.get("EVENTS_WEBHOOK_ALLOW_PRIVATE", "--webhook-allow-private")
                .map(v -> parseBoolean("EVENTS_WEBHOOK_ALLOW_PRIVATE", v)).orElse(false);
        Duration timeout = s.get("EVENTS_WEBHOOK_TIMEOUT", "--webhook-timeout")
                .map(v -> parseDuration("EVENTS_WEBHOOK_TIMEOUT", v)).orElse(Duration.ofSeconds(30));
        if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new SettingsException("EVENTS_WEBHOOK_TIMEOUT must be from 100ms to 5m");
        }
        int concurrency = s.get("EVENTS_WEBHOOK_CONCURRENCY", "--webhook-concurrency")
                .map(v -> parseInt("EVENTS_WEBHOOK_CONCURRENCY", v, 1, 1000)).orElse(16);
        int hostConcurrency = s.get("EVENTS_WEBHOOK_HOST_CONCURRENCY", "--webhook-host-concurrency")
                .map(v -> parseInt("EVENTS_WEBHOOK_HOST_CONCURRENCY", v, 1, 10_000)).orElse(64);
        RetrySchedule schedule = s.get("EVENTS_RETRY_SCHEDULE", "--retry-schedule")
                .map(ServerSettings::parseSchedule).orElse(RetrySchedule.ALTINN);
        Duration retention = s.get("EVENTS_RETENTION", "--retention")
                .map(v -> parseDuration("EVENTS_RETENTION", v)).orElse(Duration.ofDays(90));
        if (retention.compareTo(Duration.ofHours(1)) < 0) {
            throw new SettingsException("EVENTS_RETENTION must be at least 1h");
        }
        TenantLimits limits = TenantLimits.from(s);
        s.rejectUnknownFlags();
        return new ServerSettings(port, baseUrl, dataDir, dbUrl,
                dbUser, s.get("EVENTS_DB_PASSWORD", null), secret, jwks, issuer, audience, secretKey, previousKeys,
                maxEventBytes, maxBatchBytes, maxPublishesInFlight, maxPublishBytesInFlight, maxHeaderBytes, policyDir,
                allowHttp,
                allowPrivate, timeout, concurrency, hostConcurrency, schedule, retention, limits);
    }

    private static Path checkPolicyDir(String value) {
        Path dir = Path.of(value);
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new SettingsException("EVENTS_POLICY_DIR=" + value + " is not a directory");
        }
        return dir;
    }

    private static Map<String, String> parseFlags(List<String> flags) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < flags.size(); i++) {
            String flag = flags.get(i);
            if (!flag.startsWith("--")) {
                throw new SettingsException("unexpected argument '" + flag + "'");
            }
            int eq = flag.indexOf('=');
            if (eq > 0) {
                values.put(flag.substring(0, eq), flag.substring(eq + 1));
            } else if (i + 1 < flags.size()) {
                values.put(flag, flags.get(++i));
            } else {
                throw new SettingsException("flag " + flag + " needs a value");
            }
        }
        return values;
    }

    static int parseInt(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SettingsException(name + "=" + value + " is not an integer from " + min + " to " + max);
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|kb|k|mib|mb|m)?", Pattern.CASE_INSENSITIVE);

    /** Sizes like {@code 262144}, {@code 256KiB}, {@code 4MiB}, from 1 KiB to 512 MiB. */
    static int parseSize(String name, String value) {
        return parseSize(name, value, 1024, 512 * 1024 * 1024);
    }

    /** Sizes like {@code 262144}, {@code 256KiB}, {@code 4MiB}, from {@code min} to {@code max} bytes. */
    static int parseSize(String name, String value, int min, int max) {
        Matcher m = SIZE.matcher(value.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
            long bytes = switch (unit) {
                case "b" -> n;
                case "kib", "kb", "k" -> n * 1024;
                default -> n * 1024 * 1024;
            };
            if (bytes >= min && bytes <= max) {
                return (int) bytes;
            }
        }
        throw new SettingsException(name + "=" + value + " is not a size from " + sizeText(min) + " to "
                + sizeText(max) + " (e.g. 256KiB, 4MiB)");
    }

    private static String sizeText(int bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + "MiB"
                : bytes % 1024 == 0 ? bytes / 1024 + "KiB" : bytes + "B";
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** Durations like {@code 30s}, {@code 5m}, {@code 12h}, {@code 90d}, {@code 1h30m}. */
    static Duration parseDuration(String name, String value) {
        Matcher m = DURATION.matcher(value.trim());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end == 0 || end != value.trim().length()) {
            throw new SettingsException(name + "=" + value + " is not a duration (e.g. 30s, 5m, 12h, 90d)");
        }
        return total;
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new SettingsException(name + "=" + value + " is not true or false");
        };
    }

    /** {@code 10s,30s,1m,...}: the delays between attempts, with Altinn's jitter (10 %). */
    static RetrySchedule parseSchedule(String value) {
        List<Duration> delays = new java.util.ArrayList<>();
        for (String part : value.split(",")) {
            delays.add(parseDuration("EVENTS_RETRY_SCHEDULE", part.trim()));
        }
        try {
            return new RetrySchedule(delays, RetrySchedule.ALTINN.jitter());
        } catch (IllegalArgumentException e) {
            throw new SettingsException("EVENTS_RETRY_SCHEDULE=" + value + ": " + e.getMessage());
        }
    }

    private static String checkBaseUrl(String value) {
        String v = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        if (!v.matches("https?://[^/?#\\s]+(/[^?#\\s]*)?")) {
            throw new SettingsException("EVENTS_BASE_URL=" + value + " is not an absolute http(s) URL");
        }
        return v;
    }

    private static String checkDbUrl(String value) {
        if (!value.startsWith("jdbc:h2:") && !value.startsWith("jdbc:postgresql:")) {
            throw new SettingsException("EVENTS_DB_URL must start with jdbc:h2: or jdbc:postgresql:");
        }
        return value;
    }

    private static String checkSecret(String value) {
        if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new SettingsException("EVENTS_JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes long");
        }
        return value;
    }

    /** Flags first, then environment; blank values count as unset. */
    record Source(Map<String, String> env, Map<String, String> flags) {
        Optional<String> get(String envName, String flagName) {
            Function<String, Optional<String>> nonBlank = v -> v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
            if (flagName != null && flags.containsKey(flagName)) {
                return nonBlank.apply(flags.remove(flagName));
            }
            return nonBlank.apply(env.get(envName));
        }

        void rejectUnknownFlags() {
            if (!flags.isEmpty()) {
                throw new SettingsException("unknown flag " + flags.keySet().iterator().next());
            }
        }
    }

    @Override
    public String toString() {
        return "ServerSettings[port=" + port + ", baseUrl=" + baseUrl.orElse("(default)") + ", dataDir=" + dataDir
                + ", db=" + dbUrl.orElse("embedded H2") + ", jwt=" + (jwtSecret.isPresent() ? "HS256 " : "")
                + jwtJwks.map(j -> "JWKS " + j).orElse("") + ", secretKey="
                + (secretKey.isPresent() ? "EVENTS_SECRET_KEY" : "generated file")
                + (previousSecretKeys.isEmpty() ? "" : " and " + previousSecretKeys.size() + " previous")
                + policyDir.map(d -> ", policyDir=" + d).orElse("")
                + ", webhooks[allowHttp=" + webhookAllowHttp + ", allowPrivate=" + webhookAllowPrivate + ", timeout="
                + webhookTimeout + ", concurrency=" + webhookConcurrency + ", hostConcurrency="
                + webhookHostConcurrency + ", retries=" + retrySchedule.delays() + "], " + limits + "]";
    }
}
