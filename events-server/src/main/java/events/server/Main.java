package events.server;

import events.adapters.http.JwtTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar events-server.jar [serve] [--flags]} runs the server;
 * {@code java -jar events-server.jar token --org ttd --scope "..."} prints a token signed with the server's
 * HS256 secret.
 */
public final class Main {
    private static final String USAGE = """
            usage: java -jar events-server.jar [serve] [--port N] [--base-url URL] [--data-dir DIR] [--db-url JDBC_URL]
                                               [--db-user USER] [--jwt-jwks FILE_OR_URL] [--jwt-issuer ISS] [--jwt-audience AUD]
                                               [--max-header-size SIZE] [--max-subscriptions-per-consumer N]
                                               [--max-poll-scan N] [--max-filter-length N] [--max-filter-depth N]
                                               [--max-policy-size SIZE] [--max-policy-depth N]
                   java -jar events-server.jar token [--org ORG | --user ID | --org-number NO | --sub SUB]
                                               [--scope "SCOPE ..."] [--claim NAME=VALUE]... [--ttl 1h] [--data-dir DIR]
            Settings also come from EVENTS_* environment variables (see README); secrets only from them:
            EVENTS_JWT_SECRET, EVENTS_DB_PASSWORD, EVENTS_SECRET_KEY (base64 of 32 bytes; default: generated into
            DIR/secret-key) and EVENTS_SECRET_KEY_PREVIOUS (older keys, comma-separated, while rotating).""";

    private Main() {
    }

    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        String command = rest.isEmpty() || rest.get(0).startsWith("--") ? "serve" : rest.remove(0);
        try {
            switch (command) {
                case "serve" -> serve(rest);
                case "token" -> System.out.println(token(rest));
                case "help", "--help", "-h" -> System.out.println(USAGE);
                default -> throw new SettingsException("unknown command '" + command + "'\n" + USAGE);
            }
        } catch (SettingsException e) {
            System.err.println("events: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void serve(List<String> flags) {
        if (flags.contains("--help")) {
            System.out.println(USAGE);
            return;
        }
        ServerSettings settings = ServerSettings.fromEnvironment(flags);
        EventsServer server;
        try {
            server = EventsServer.start(settings);
        } catch (SettingsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SettingsException("cannot start: " + oneLine(e));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "events-shutdown"));
        org.slf4j.LoggerFactory.getLogger(Main.class).info(
                "Mint a token: java -jar events-server.jar token --org ttd --scope \"{} {}\"",
                events.ports.Caller.SCOPE_PUBLISH, events.ports.Caller.SCOPE_SUBSCRIBE);
    }

    /** Builds the token for the {@code token} command from its flags and the server's settings. */
    static String token(List<String> args) {
        Map<String, Object> claims = new LinkedHashMap<>();
        Duration ttl = Duration.ofHours(1);
        List<String> serverFlags = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (i + 1 >= args.size()) {
                throw new SettingsException("flag " + flag + " needs a value");
            }
            String value = args.get(++i);
            switch (flag) {
                case "--org" -> claims.put("urn:altinn:org", value);
                case "--user" -> claims.put("urn:altinn:userid", value);
                case "--org-number" -> claims.put("urn:altinn:orgNumber", value);
                case "--sub" -> claims.put("sub", value);
                case "--scope" -> claims.put("scope", value);
                case "--ttl" -> ttl = ServerSettings.parseDuration("--ttl", value);
                case "--claim" -> {
                    int eq = value.indexOf('=');
                    if (eq < 1) {
                        throw new SettingsException("--claim takes NAME=VALUE, got '" + value + "'");
                    }
                    claims.put(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> {
                    serverFlags.add(flag);
                    serverFlags.add(value);
                }
            }
        }
        if (!claims.containsKey("sub")) {
            claims.put("sub", Optional.ofNullable(claims.get("urn:altinn:org"))
                    .or(() -> Optional.ofNullable(claims.get("urn:altinn:userid")))
                    .or(() -> Optional.ofNullable(claims.get("urn:altinn:orgNumber")))
                    .orElse("events-cli"));
        }
        ServerSettings settings = ServerSettings.fromEnvironment(serverFlags);
        byte[] secret = JwtSecrets.resolve(settings).orElseThrow(() -> new SettingsException(
                "no HS256 secret: only EVENTS_JWT_JWKS is configured; mint tokens with your identity provider"));
        return JwtTokens.mintHs256(secret, claims, ttl);
    }

    /** The failure's own message, plus its root cause's when that adds something: one line. */
    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = firstLine(e);
        String cause = firstLine(root);
        return top.isEmpty() ? cause : top.contains(cause) ? top : top + " (" + cause + ")";
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage();
        return (m == null ? t.getClass().getSimpleName() : m).lines().findFirst().orElse("");
    }
}
