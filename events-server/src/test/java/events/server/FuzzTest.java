package events.server;

import static events.server.EventsHttpClient.ADMIN;
import static events.server.EventsHttpClient.PUBLISH;
import static events.server.EventsHttpClient.SUBSCRIBE;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import events.testkit.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the server over real HTTP: subscription create bodies, policy documents (and the resource in
 * their path) and poll query parameters, each a few thousand inputs made by mutating valid requests. Whatever
 * comes in, the answer is never a 5xx, every 4xx is an RFC 7807 {@code application/problem+json} with its
 * {@code status}, and a refused request stores nothing: the caller's subscriptions are exactly those some 201
 * returned; a policy is the last document some 2xx accepted.
 *
 * <p>One server for the class (H2 in a temporary folder, http and private endpoints allowed so that the webhook
 * receiver on loopback is a valid endpoint and nothing resolves or dials the internet at create). Requests go
 * over plain sockets ({@link RawHttp}) so that malformed percent-encodings and raw bytes reach the server.
 *
 * <p>A failure names the fuzzer, the seed, the input's number and the input itself. To replay: {@code
 * -Dfuzz.seed=<seed>} (and {@code -Dfuzz.subscriptions=}, {@code -Dfuzz.policies=}, {@code -Dfuzz.polls=} for the
 * number of inputs); inputs are generated from the seed alone, except that endpoints carry the receiver's port and
 * reused cursors are the ones this run's server sealed.
 */
class FuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261128L);
    private static final int SUBSCRIPTION_INPUTS = Integer.getInteger("fuzz.subscriptions", 3000);
    private static final int POLICY_INPUTS = Integer.getInteger("fuzz.policies", 2000);
    private static final int POLL_INPUTS = Integer.getInteger("fuzz.polls", 3000);
    /** How often (in inputs) the stored subscriptions are compared with what the 201s returned. */
    private static final int STORED_CHECK_EVERY = 250;

    static final String FUZZER = "fuzzer";
    static final String SUBSCRIPTION_RESOURCE = "urn:altinn:resource:fuzz-subscriptions";
    static final String POLL_RESOURCE = "urn:altinn:resource:fuzz-poll";
    static final String POLICY_RESOURCE = "urn:altinn:resource:fuzz-policy-";
    static final String PATH_RESOURCE = "urn:altinn:resource:fuzz-path";
    static final String SUBSCRIPTIONS = "/events/api/v1/subscriptions";
    static final String POLICIES = "/events/api/v1/policies";
    static final String EVENTS = "/events/api/v1/events";
    static final String REGEXP_MATCH = "urn:oasis:names:tc:xacml:1.0:function:string-regexp-match";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PLACEHOLDER = "@@fuzz-placeholder@@";

    @TempDir
    static Path dataDir;

    static EventsServer server;
    static WebhookReceiver receiver;
    static RawHttp http;
    /** Subscribe scope, and the policies grant org fuzzer everything on the fuzzed resources. */
    static String fuzzer;
    static String fuzzerPublishes;
    /** Subscribe scope, granted nothing by any policy. */
    static String stranger;
    static String admin;

    @BeforeAll
    static void start() {
        receiver = WebhookReceiver.keepingAlive();
        server = EventsServer.start(ServerSettings.from(Map.of(), List.of("--port", "0", "--data-dir",
                dataDir.toString(), "--webhook-allow-http", "true", "--webhook-allow-private", "true",
                "--retry-schedule", "1h", "--webhook-timeout", "2s")));
        http = new RawHttp(server.port());
        fuzzer = EventsHttpClient.token(dataDir, FUZZER, SUBSCRIBE);
        fuzzerPublishes = EventsHttpClient.token(dataDir, FUZZER, PUBLISH);
        stranger = EventsHttpClient.token(dataDir, "stranger", SUBSCRIBE);
        admin = EventsHttpClient.token(dataDir, "ops", ADMIN);
        for (String resource : List.of(SUBSCRIPTION_RESOURCE, POLL_RESOURCE)) {
            RawHttp.Response put = http.send(new RawHttp.Request("PUT", POLICIES + "/" + resource,
                    List.of(bearer(admin), header("Content-Type", "application/xml")),
                    TestPolicies.permitOrg(FUZZER).getBytes(UTF_8)));
            assertThat(put.status()).as(put::describe).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    // ====================================================================== subscriptions

    @Test
    void subscriptionCreateNeverAnswers5xxAndStoresNothingItRefuses() {
        long seed = SEED;
        Fuzzer run = new Fuzzer("subscription", seed);
        String endpoints = "http://localhost:" + receiver.port() + "/hook/";
        Set<String> created = new HashSet<>();
        for (String valid : subscriptionTemplates(endpoints + "template")) {
            RawHttp.Response response = run.send(-1, createSubscription(fuzzer, "application/json", valid.getBytes(UTF_8)));
            assertThat(response.status()).as("a valid request is accepted: %s", response.describe()).isEqualTo(201);
            created.add(json(response.text()).path("id").asText());
        }
        List<String> refusedSinceCheck = new ArrayList<>();
        int strangerCreated = 0;
        for (int i = 0; i < SUBSCRIPTION_INPUTS; i++) {
            List<String> templates = subscriptionTemplates(endpoints + (i % 40));
            String valid = templates.get(run.random.nextInt(templates.size()));
            byte[] body = mutateSubscription(run.random, valid, endpoints);
            String contentType = subscriptionContentType(run.random);
            int who = run.random.nextInt(100);
            String token = who < 90 ? fuzzer : who < 95 ? stranger : who < 98 ? fuzzerPublishes : null;
            RawHttp.Request request = createSubscription(token, contentType, body);
            RawHttp.Response response = run.send(i, request);
            Supplier<String> what = run.what(i, request, response);
            if (response.status() == 201) {
                assertThat(token).as(what).isIn(fuzzer, stranger);
                if (fuzzer.equals(token)) {
                    created.add(json(response.text()).path("id").asText());
                } else {
                    strangerCreated++;
                }
            } else {
                assertThat(response.status()).as(what).isGreaterThanOrEqualTo(400);
                refusedSinceCheck.add("input " + i + ": " + request.describe());
            }
            if (i % STORED_CHECK_EVERY == STORED_CHECK_EVERY - 1) {
                assertStoredSubscriptions(fuzzer, created, run, refusedSinceCheck);
                refusedSinceCheck.clear();
                // an event for the delivery engine to match against every filter stored so far
                RawHttp.Response published = http.send(publish(i, SUBSCRIPTION_RESOURCE));
                assertThat(published.status()).as(published::describe).isEqualTo(200);
            }
        }
        run.report(created.size() + " subscriptions stored");
        run.assertNoFailures();
        assertStoredSubscriptions(fuzzer, created, run, refusedSinceCheck);
        assertThat(strangerCreated).as("201s for a caller no policy grants anything").isZero();
        assertStoredSubscriptions(stranger, Set.of(), run, List.of("(every input sent with the stranger's token)"));
        RawHttp.Response ready = http.send(new RawHttp.Request("GET", "/health/ready", List.of(), null));
        assertThat(ready.status()).as(ready::describe).isEqualTo(200);
        assertThat(run.statuses.getOrDefault(201, 0)).as("accepted inputs: %s", run.statuses)
                .isGreaterThan(SUBSCRIPTION_INPUTS / 20);
    }

    private static RawHttp.Request createSubscription(String token, String contentType, byte[] body) {
        List<String[]> headers = new ArrayList<>();
        if (token != null) {
            headers.add(bearer(token));
        }
        if (contentType != null) {
            headers.add(header("Content-Type", contentType));
        }
        return new RawHttp.Request("POST", SUBSCRIPTIONS, headers, body);
    }

    /** The caller's subscriptions are exactly {@code expected} (their ids). */
    private static void assertStoredSubscriptions(String token, Set<String> expected, Fuzzer run, List<String> refused) {
        RawHttp.Response list = http.send(new RawHttp.Request("GET", SUBSCRIPTIONS, List.<String[]>of(bearer(token)), null));
        assertThat(list.status()).as(list::describe).isEqualTo(200);
        JsonNode listed = json(list.text());
        Map<String, JsonNode> stored = new LinkedHashMap<>();
        listed.path("subscriptions").forEach(s -> stored.put(s.path("id").asText(), s));
        assertThat(listed.path("count").asInt()).as("count vs. listed").isEqualTo(stored.size());
        if (!stored.keySet().equals(expected)) {
            Set<String> extra = new TreeSet<>(stored.keySet());
            extra.removeAll(expected);
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(stored.keySet());
            StringBuilder message = new StringBuilder("%s fuzzer, seed %d: stored subscriptions differ from the 201s"
                    .formatted(run.name, run.seed));
            extra.forEach(id -> message.append("\n  stored, never answered 201: ")
                    .append(RawHttp.escape(stored.get(id).toString(), 2000)));
            missing.forEach(id -> message.append("\n  answered 201, not stored: ").append(id));
            message.append("\nrefused since the last check (").append(refused.size()).append("):");
            refused.forEach(r -> message.append("\n").append(RawHttp.escape(r, 2500)));
            throw new AssertionError(message.toString());
        }
    }

    static List<String> subscriptionTemplates(String endpoint) {
        String head = "{\"endPoint\":\"" + endpoint + "\",\"resourceFilter\":\"" + SUBSCRIPTION_RESOURCE + "\"";
        return List.of(
                head + "}",
                head + ",\"subjectFilter\":\"/party/1337\"}",
                head + ",\"subjectFilter\":\"/party/1\",\"typeFilter\":\"app.created\",\"sourceFilter\":"
                        + "\"https://ttd.example/app\",\"alternativeSubjectFilter\":\"/person/01017012345\"}",
                head + ",\"filters\":[{\"exact\":{\"type\":\"app.created\"}},{\"prefix\":{\"source\":\"https://ttd\"}},"
                        + "{\"suffix\":{\"subject\":\"1337\"}}]}",
                head + ",\"filters\":[{\"all\":[{\"any\":[{\"exact\":{\"type\":\"a\"}},{\"not\":{\"prefix\":"
                        + "{\"type\":\"b\"}}}]}]}]}",
                head + ",\"filters\":[{\"sql\":\"subject LIKE '/party/%' AND type <> 'x'\"}]}",
                head + ",\"typeFilter\":\"app.created\",\"filters\":[{\"sql\":\"EXISTS subject AND (LENGTH(type) > 3"
                        + " OR UPPER(source) = 'X')\"},{\"exact\":{\"subject\":\"/party/7\"}}]}");
    }

    private static String subscriptionContentType(Random random) {
        if (random.nextInt(100) < 95) {
            return "application/json";
        }
        return pick(random, "application/json; charset=utf-8", "application/json;charset=UTF8",
                "application/json; charset=\"utf-8\"", "application/json; charset=utf-16", "application/json; charset=nope",
                "application/json; charset=", "text/plain", "application/cloudevents+json", "", ";", "application/",
                "application/json\u00e6", null);
    }

    static byte[] mutateSubscription(Random random, String valid, String endpoints) {
        switch (random.nextInt(13)) {
            case 0:
                return charEdits(random, valid, JSON_ALPHABET).getBytes(UTF_8);
            case 1:
                return tokenEdits(random, valid).getBytes(UTF_8);
            case 2:
                return replaceValue(random, valid, pick(random, JSON_VALUES)).getBytes(UTF_8);
            case 3:
                return replaceString(random, valid, jsonString(hugeString(random))).getBytes(UTF_8);
            case 4:
                return deepJson(random, valid).getBytes(UTF_8);
            case 5:
                return replaceString(random, valid, unicodeOddity(random)).getBytes(UTF_8);
            case 6:
                return withMember(valid, "filters", "[{\"sql\":" + jsonString(cesql(random)) + "}]").getBytes(UTF_8);
            case 7:
                return withMember(valid, "endPoint", jsonString(endpoint(random, endpoints))).getBytes(UTF_8);
            case 8:
                return withMember(valid, "filters", randomFilters(random)).getBytes(UTF_8);
            case 9: {
                byte[] bytes = new byte[random.nextInt(400)];
                random.nextBytes(bytes);
                return bytes;
            }
            case 10:
                return withInvalidUtf8(random, valid);
            case 11:
                return keyOddity(random, valid).getBytes(UTF_8);
            default: {
                String twice = replaceValue(random, withMember(valid, "filters", "[{\"sql\":" + jsonString(cesql(random))
                        + "}]"), pick(random, JSON_VALUES));
                return (random.nextBoolean() ? charEdits(random, twice, JSON_ALPHABET) : tokenEdits(random, twice))
                        .getBytes(UTF_8);
            }
        }
    }

    // ---------------------------------------------------------------------- JSON mutations

    static final String JSON_ALPHABET = "{}[]\":,0a\\ eE.-+/%'\u0000\u007f\u00e6\u202e\ufeff\uffff";

    static final String[] JSON_VALUES = {"0", "-1", "1.5", "-0", "1e999", "-1e999", "99999999999999999999999999999",
            "1E400", "0.1e-400", "true", "false", "null", "[]", "{}", "[\"x\"]", "{\"a\":1}", "[null]", "[[],[[]]]",
            "\"\"", "\" \"", "\"x\"", "{\"exact\":{}}", "[{}]", "NaN", "Infinity", "-Infinity", "01", "+1", ".5",
            "\"\\u0000\"", "'single'", "[1,]", "{\"a\"}", "{\"a\":}", "[\"a\" \"b\"]", "\"\\x41\"", "\"\\ud800\"",
            "\"a\\", "tru", "nul", "{\"sql\":\"TRUE\"}", "[{\"sql\":1}]", "{\"not\":null}", "[{\"all\":{}}]",
            "[" + "0,".repeat(5000) + "0]", "{\"" + "k".repeat(70_000) + "\":1}"};

    /** One to four edits: delete, insert or replace a char (from {@code alphabet} or any of U+0000-U+00FF). */
    static String charEdits(Random random, String text, String alphabet) {
        StringBuilder s = new StringBuilder(text);
        for (int k = 1 + random.nextInt(4); k > 0 && s.length() > 0; k--) {
            int at = random.nextInt(s.length());
            char c = random.nextInt(4) == 0 ? (char) random.nextInt(256) : alphabet.charAt(random.nextInt(alphabet.length()));
            switch (random.nextInt(3)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, c);
                default -> s.setCharAt(at, c);
            }
        }
        return s.toString();
    }

    /** One to three token edits: delete, duplicate, swap two, or insert punctuation. */
    static String tokenEdits(Random random, String json) {
        List<String> tokens = jsonTokens(json);
        for (int k = 1 + random.nextInt(3); k > 0 && !tokens.isEmpty(); k--) {
            int at = random.nextInt(tokens.size());
            switch (random.nextInt(4)) {
                case 0 -> tokens.remove(at);
                case 1 -> tokens.add(at, tokens.get(at));
                case 2 -> {
                    int other = random.nextInt(tokens.size());
                    String t = tokens.get(at);
                    tokens.set(at, tokens.get(other));
                    tokens.set(other, t);
                }
                default -> tokens.add(at, pick(random, "{", "}", "[", "]", ":", ",", "\"", "null", "0"));
            }
        }
        return String.join("", tokens);
    }

    /** Strings (quotes included), runs of other non-punctuation chars, and single punctuation chars. */
    static List<String> jsonTokens(String json) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < json.length()) {
            int start = i;
            char c = json.charAt(i);
            if (c == '"') {
                for (i++; i < json.length() && json.charAt(i) != '"'; i++) {
                    if (json.charAt(i) == '\\') {
                        i++;
                    }
                }
                i = Math.min(i + 1, json.length());
            } else if ("{}[]:,".indexOf(c) >= 0) {
                i++;
            } else {
                while (i < json.length() && "{}[]:,\"".indexOf(json.charAt(i)) < 0) {
                    i++;
                }
            }
            tokens.add(json.substring(start, i));
        }
        return tokens;
    }

    /** A place in a JSON tree: a member of an object or an element of an array. */
    private record Slot(JsonNode parent, String name, int index) {
        JsonNode get() {
            return name != null ? parent.get(name) : parent.get(index);
        }

        void set(JsonNode value) {
            if (name != null) {
                ((ObjectNode) parent).set(name, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }
    }

    private static List<Slot> slots(JsonNode root) {
        List<Slot> slots = new ArrayList<>();
        List<JsonNode> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            JsonNode node = todo.remove(todo.size() - 1);
            if (node.isObject()) {
                for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    slots.add(new Slot(node, name, -1));
                    todo.add(node.get(name));
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    slots.add(new Slot(node, null, i));
                    todo.add(node.get(i));
                }
            }
        }
        return slots;
    }

    /** {@code json} with the value at a random place (any type) replaced by raw JSON text. */
    static String replaceValue(Random random, String json, String raw) {
        JsonNode root = tree(json);
        List<Slot> slots = slots(root);
        slots.get(random.nextInt(slots.size())).set(TextNode.valueOf(PLACEHOLDER));
        return write(root).replace("\"" + PLACEHOLDER + "\"", raw);
    }

    /** {@code json} with a random string value replaced by raw JSON text; or a new unknown member of that value. */
    static String replaceString(Random random, String json, String raw) {
        JsonNode root = tree(json);
        List<Slot> strings = slots(root).stream().filter(s -> s.get().isTextual()).toList();
        if (strings.isEmpty() || random.nextInt(10) == 0) {
            ((ObjectNode) root).put("unknownMember", PLACEHOLDER);
        } else {
            strings.get(random.nextInt(strings.size())).set(TextNode.valueOf(PLACEHOLDER));
        }
        return write(root).replace("\"" + PLACEHOLDER + "\"", raw);
    }

    /** {@code json} (an object) with member {@code name} set to raw JSON text. */
    static String withMember(String json, String name, String raw) {
        ObjectNode root = (ObjectNode) tree(json);
        root.put(name, PLACEHOLDER);
        return write(root).replace("\"" + PLACEHOLDER + "\"", raw);
    }

    /** {@code json} with an odd member name: at the top, or as the attribute of an exact filter. */
    static String keyOddity(Random random, String json) {
        String key = random.nextBoolean() ? unicodeOddity(random) : jsonString(pick(random, "", "endPoint ",
                "ENDPOINT", "endpoint", "filters\u0000", "__proto__", "constructor", "k".repeat(5000)));
        if (random.nextBoolean()) {
            return json.substring(0, json.length() - 1) + "," + key + ":\"x\"}";
        }
        return withMember(json, "filters", "[{\"exact\":{" + key + ":\"x\"}}]");
    }

    static String hugeString(Random random) {
        int length = pickInt(random, 1024, 1025, 2048, 2049, 4096, 4097, 20_000, 65_000, 70_000, 300_000);
        return switch (random.nextInt(3)) {
            case 0 -> "a".repeat(length);
            case 1 -> "%".repeat(length);
            default -> {
                StringBuilder s = new StringBuilder(length);
                for (int i = 0; i < length; i++) {
                    s.append((char) ('!' + random.nextInt(94)));
                }
                yield s.toString();
            }
        };
    }

    /** Deeply nested JSON: alone, under an unknown member, or as nested filters; some never closed. */
    static String deepJson(Random random, String valid) {
        int depth = pickInt(random, 9, 64, 500, 999, 1000, 1001, 2000, 10_000, 50_000);
        return switch (random.nextInt(7)) {
            case 0 -> "[".repeat(depth) + "]".repeat(depth);
            case 1 -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            case 2 -> withMember(valid, "extra", "[".repeat(depth) + "]".repeat(depth));
            case 3 -> withMember(valid, "filters", "[" + "{\"not\":".repeat(depth) + "{\"exact\":{\"type\":\"a\"}}"
                    + "}".repeat(depth) + "]");
            case 4 -> withMember(valid, "filters", "[" + "{\"all\":[".repeat(depth) + "{\"exact\":{\"type\":\"a\"}}"
                    + "]}".repeat(depth) + "]");
            case 5 -> "[".repeat(depth);
            default -> valid.substring(0, valid.length() - 1) + ",\"x\":" + "{\"a\":".repeat(depth);
        };
    }

    /** A JSON string (quotes included) of odd Unicode: lone surrogates, NUL, bidi marks, noncharacters, controls. */
    static String unicodeOddity(Random random) {
        StringBuilder s = new StringBuilder("\"");
        for (int k = 1 + random.nextInt(4); k > 0; k--) {
            s.append(pick(random, "\\ud800", "\\udc00", "\\udbff\\udfff", "\\ud800x", "\\u0000", "\\u001f", "\u202e",
                    "\u200f", "\u200b", "\ufeff", "\uffff", "\ufdd0", "e\u0301", "\ud83d\ude00", "\u2028", "\\u2029",
                    "\u0085", "\t", "\u0001", "\\\\", "\\\"", "/party/1337", "\\uD83D", "\\uDE00\\uD83D", "\\uFFFE",
                    "\u00a0", "%00", "\\/", "\r\n"));
        }
        return s.append('"').toString();
    }

    /** {@code valid} as UTF-8 with bytes that are not UTF-8 inside a string value. */
    static byte[] withInvalidUtf8(Random random, String valid) {
        byte[] bytes = valid.getBytes(UTF_8);
        byte[] bad = pick(random, new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc0, (byte) 0x80},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82},
                new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0x80},
                new byte[] {(byte) 0xfe, (byte) 0xff});
        int quote = -1;
        for (int tries = 0; tries < 20 && quote < 0; tries++) {
            int at = random.nextInt(bytes.length);
            if (bytes[at] == '"') {
                quote = at;
            }
        }
        int at = quote < 0 ? random.nextInt(bytes.length) : quote + 1;
        byte[] out = new byte[bytes.length + bad.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(bytes, at, out, at + bad.length, bytes.length - at);
        return out;
    }

    /** A random tree of CloudEvents Subscriptions API filters, well- and ill-formed, up to about 300 nodes. */
    static String randomFilters(Random random) {
        int[] budget = {1 + random.nextInt(300)};
        StringBuilder s = new StringBuilder("[");
        for (int n = random.nextInt(4); n >= 0; n--) {
            s.append(randomFilter(random, 0, budget)).append(n > 0 ? "," : "");
        }
        return s.append(']').toString();
    }

    private static String randomFilter(Random random, int depth, int[] budget) {
        budget[0]--;
        boolean leaf = budget[0] <= 0 || depth > 12;
        int kind = leaf ? random.nextInt(4) : random.nextInt(12);
        return switch (kind) {
            case 0, 1, 2 -> "{" + jsonString(pick(random, "exact", "prefix", "suffix")) + ":" + attributes(random) + "}";
            case 3 -> "{\"sql\":" + jsonString(random.nextBoolean() ? pick(random, SQL_BASES) : cesql(random)) + "}";
            case 4, 5, 6 -> {
                StringBuilder all = new StringBuilder("{" + jsonString(random.nextBoolean() ? "all" : "any") + ":[");
                for (int n = random.nextInt(random.nextInt(10) == 0 ? 40 : 4); n > 0; n--) {
                    all.append(randomFilter(random, depth + 1, budget)).append(n > 1 ? "," : "");
                }
                yield all.append("]}").toString();
            }
            case 7 -> "{\"not\":" + randomFilter(random, depth + 1, budget) + "}";
            case 8 -> "{\"exact\":" + attributes(random) + ",\"prefix\":" + attributes(random) + "}";
            case 9 -> pick(random, "{}", "{\"EXACT\":{}}", "{\"\":1}", "{\"sql\":null}", "{\"sql\":\"\"}", "{\"sql\":[]}",
                    "{\"all\":{}}", "{\"not\":[]}", "{\"exact\":[]}", "{\"exact\":{\"type\":1}}", "\"exact\"", "1", "null",
                    "[]", "{\"not\":{}}", "{\"any\":null}", "{\"exact\":{\"type\":null}}", "{\"exact\":{\"\":\"\"}}");
            case 10 -> "{\"not\":{\"not\":" + randomFilter(random, depth + 2, budget) + "}}";
            default -> "{" + jsonString(pick(random, "exact", "prefix", "suffix")) + ":{"
                    + jsonString(pick(random, "type", "source", "subject", "id", "resource")) + ":"
                    + unicodeOddity(random) + "}}";
        };
    }

    private static String attributes(Random random) {
        StringBuilder s = new StringBuilder("{");
        for (int n = random.nextInt(4); n > 0; n--) {
            s.append(jsonString(pick(random, "type", "source", "subject", "id", "resource", "alternativesubject",
                    "specversion", "time", "data", "", "Type", "nonexistent", "x".repeat(300))))
                    .append(':')
                    .append(random.nextInt(8) == 0 ? pick(random, JSON_VALUES)
                            : jsonString(pick(random, "app.created", "/party/1337", "", "https://ttd", "%", "_",
                                    "x".repeat(2000))))
                    .append(n > 1 ? "," : "");
        }
        return s.append('}').toString();
    }

    // ---------------------------------------------------------------------- CESQL

    static final String[] SQL_BASES = {"subject LIKE '/party/%'", "type = 'app.created'", "EXISTS subject",
            "LENGTH(type) > 3", "source <> 'x'", "TRUE", "1 + 1 = 2", "UPPER(type) = 'A'", "type IN ('a', 'b')",
            "CONCAT(type, subject) = 'x'", "NOT (id = '1')", "subject NOT LIKE '%1337'", "INT('12') = 12",
            "ABS(-3) = 3", "BOOL('true')", "LOWER(source) LIKE 'https://%'", "SUBSTRING(type, 2) = 'pp'",
            "IS_INT(id)", "TRIM(' a ') = 'a'", "LEFT(type, 2) = 'ap'", "RIGHT(type, 2) = 'ed'",
            "CONCAT_WS(',', type, source) = ''", "STRING(1) = '1'", "5 % 3 = 2", "10 / 2 = 5", "-1 < 0",
            "type = \"app.created\"", "TRUE XOR FALSE"};

    static final String[] SQL_FRAGMENTS = {"(", ")", "((((((((", "))))", " AND ", " OR ", " XOR ", " NOT ", " LIKE ",
            "'", "\"", "%", "_", "\\", "''", "9999999999999999999999", "-2147483648", "2147483648", "0x10", "1.5",
            "1e9", "1/0", "type / 0", "NOSUCHFUNC(type)", "nosuch()", "ABS('x')", "LENGTH()", "LENGTH(1,2,3)", ",",
            " IS ", " NULL ", " IN ", " EXISTS ", " = ", " <> ", " != ", " < ", " >= ", "+", "-", "*", "/", " % ",
            "subject", "type", "source", "id", "x.y", "TRUE", "FALSE", "'a'", "1", "0", " ", "\t", "\n", "\u0000",
            "\u202e", "\ud800", "é", "SUBSTRING(", "CONCAT(", "LIKE 'a", "--", "/*", "*/", ";", "`x`", "[", "]", "{",
            "}", "$", "@", "#", "?", ":", "ESCAPE '\\'", "BETWEEN 1 AND 2", "CASE WHEN", "SELECT * FROM x"};

    static String cesql(Random random) {
        String base = pick(random, SQL_BASES);
        switch (random.nextInt(10)) {
            case 0: {
                StringBuilder s = new StringBuilder();
                for (int n = 1 + random.nextInt(30); n > 0; n--) {
                    s.append(pick(random, SQL_FRAGMENTS));
                }
                return s.toString();
            }
            case 1: {
                int depth = pickInt(random, 10, 63, 64, 65, 100, 1000, 2040, 2100);
                return "(".repeat(depth) + base + ")".repeat(depth);
            }
            case 2: {
                int depth = pickInt(random, 1, 2, 64, 65, 1000, 5000);
                return pick(random, "(".repeat(depth) + base, base + ")".repeat(depth), ")(".repeat(depth) + base,
                        "NOT ".repeat(depth) + "TRUE", "-".repeat(depth) + "1 = 1", "ABS(".repeat(depth) + "1"
                                + ")".repeat(depth) + " = 1");
            }
            case 3: {
                int length = pickInt(random, 10, 511, 512, 513, 2000, 4000);
                StringBuilder like = new StringBuilder();
                for (int i = 0; i < length; i++) {
                    like.append(pick(random, "%", "_", "a", "\\", "\\%", "''", "b"));
                }
                String pattern = like.length() > length ? like.substring(0, length) : like.toString();
                return pick(random, "subject", "type", "'" + "a".repeat(length) + "'") + " LIKE '" + pattern + "'";
            }
            case 4: {
                int operators = pickInt(random, 100, 255, 256, 257, 600, 1400);
                return "TRUE" + pick(random, " AND TRUE", " OR FALSE", " AND NOT FALSE", " + 1", " = TRUE")
                        .repeat(operators);
            }
            case 5:
                return pick(random, "LENGTH(type) > 99999999999999999999999", "ABS(-2147483648) = 1",
                        "INT('99999999999999999999') = 1", "2147483647 + 1 = 0", "-(-2147483648) > 0", "1 / 0 = 1",
                        "5 % 0 = 1", "-2147483648 / -1 = 1", "-2147483648 % -1 = 0",
                        "SUBSTRING('abc', -2147483648, 2147483647) = 'a'", "SUBSTRING('abc', 2147483647) = ''",
                        "LEFT('abc', -1) = 'a'", "RIGHT('abc', -2147483648) = 'a'", "LEFT(type, 2147483647) = type",
                        "SUBSTRING(type, 0, -1) = ''", "INT('-0x80000000') = 0", "INT(' 1') = 1", "INT('') = 0",
                        "BOOL('yes')", "1.0 = 1", "00000000000000000000000000001 = 1", "-0 = 0",
                        "999999999999999999999999999999999999999999999999999999999999 = 1");
            case 6:
                return pick(random, "NOSUCH(type)", "nosuch()", "LENGTH()", "LENGTH(type, type)", "subject + 1 = 2",
                        "NOT 'x'", "-'a' = 1", "TRUE LIKE 'x'", "type IN ()", "type IN (" + "'a',".repeat(300) + "'a')",
                        "CONCAT()", "CONCAT(" + "type,".repeat(200) + "type) = ''", "EXISTS 1", "EXISTS", "subject IS NULL",
                        "type", "'a'", "1", "", " ", "TRUE TRUE", "type = ", "= 'a'", "ABS(TRUE) = 1",
                        "LENGTH(1) = 1", "UPPER(1) = '1'", "type LIKE type", "type LIKE 1", "1 LIKE '1'", "EXISTS (type)",
                        "data = 1", "DATA.x = 1", "type.x = 1", "\"unterminated", "'unterminated", "type = 'a''",
                        "CONCAT_WS(1, 2) = ''", "SUBSTRING('a') = 'a'", "SUBSTRING('a', 'b') = ''", "IS_BOOL()");
            case 7:
                return charEdits(random, base, "()'\"%_ ANDORNOTLIKE0123456789,+-*/<>=!\\");
            case 8:
                return "(" + pick(random, SQL_BASES) + ")" + pick(random, " AND ", " OR ", " XOR ") + "NOT ("
                        + pick(random, SQL_BASES) + ")";
            default:
                return base + pick(random, SQL_FRAGMENTS) + pick(random, SQL_BASES);
        }
    }

    // ---------------------------------------------------------------------- endpoints

    /**
     * Odd endpoints. Only loopback, unspecified and link-local addresses, names under {@code localhost}, and
     * {@code .invalid} names, which never resolve: whatever is accepted, no delivery leaves the machine.
     */
    static String endpoint(Random random, String endpoints) {
        String port = endpoints.substring("http://localhost:".length(), endpoints.indexOf('/', "http://".length()));
        if (random.nextInt(3) == 0) {
            return charEdits(random, endpoints + "x", ":/@[]%?#.\\ 0123456789localhost\u0000\u00e6");
        }
        return pick(random, endpoints + "x", "http://127.0.0.1:" + port + "/x", "http://[::1]:" + port + "/x",
                "http://[::ffff:127.0.0.1]:" + port + "/x", "http://[::ffff:7f00:1]/", "http://[fe80::1%25eth0]/x",
                "http://[fe80::1]/", "http://[0:0:0:0:0:0:0:1]:" + port + "/", "http://[::1%2]/",
                "http://user:pass@localhost:" + port + "/x", "http://user@localhost/", "http://@localhost/",
                "ftp://localhost/x", "javascript:alert(1)", "file:///etc/passwd", "data:text/plain,hi", "mailto:a@b.invalid",
                "http://", "http:///x", "http:", "//localhost/x", "/relative", "localhost:" + port, "http://localhost:99999/",
                "http://localhost:0/", "http://localhost:-1/", "http://localhost:65536/", "http://localhost:/x",
                "http://0x7f.0.0.1/", "http://2130706433/", "http://127.1/", "http://0177.0.0.1/", "http://127.0.0.1./",
                "http://xn--nxasmq6b.invalid/", "http://bücher.invalid/", "http://a b.invalid/", "http://localhost/#frag",
                "http://localhost/%zz", "http://localhost/" + "a".repeat(pickInt(random, 2000, 2100, 10_000)),
                "HTTP://LOCALHOST:" + port + "/UP", "http://localhost:" + port + "/../../x", "http://[v1.x]/",
                "http://[::1/", "http://::1/", "http://localhost:" + port + "?x=1", "http://localhost:+80/",
                "http://-host-.invalid/", "http://host_name.invalid/", "http://.../", "https://hooks.example.invalid/x",
                "http://localhost\\@evil.invalid/", "http://evil.invalid\\@localhost/", "http://localhost%00.invalid/",
                "http://localhost\u0000/", "\u0000", " http://localhost/ ", "http://local\u202ehost/", "http://[::]/",
                "http://0.0.0.0/", "http://[::ffff:0:0]/", "http://%6c%6fcalhost/", "http://localhost:" + port
                        + "/x?a=%ZZ", "https://localhost:" + port + "/tls", "http://localhost.:" + port + "/",
                "http://sub.localhost:" + port + "/", "\ud800", "http://\ud800.invalid/", "", " ");
    }

    // ====================================================================== policies

    @Test
    void policyPutNeverAnswers5xxAndARefusedDocumentLeavesThePreviousOneInPlace() throws IOException {
        long seed = SEED + 1;
        Fuzzer run = new Fuzzer("policy", seed);
        List<String> templates = policyTemplates();
        // what GET answers for each resource a 2xx stored a policy for, and the path it was PUT under
        Map<String, byte[]> stored = new HashMap<>();
        Map<String, String> pathOf = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            String resource = POLICY_RESOURCE + i;
            RawHttp.Response get = http.send(getPolicy(resource));
            assertThat(get.status()).as(get::describe).isEqualTo(404);
        }
        for (String valid : templates) {
            RawHttp.Request put = putPolicy(POLICY_RESOURCE + "0", "application/xml", valid.getBytes(UTF_8));
            RawHttp.Response response = run.send(-1, put);
            assertThat(response.status()).as("a valid policy is accepted: %s", response.describe()).isBetween(200, 201);
        }
        stored.put(POLICY_RESOURCE + "0", http.send(getPolicy(POLICY_RESOURCE + "0")).body());
        pathOf.put(POLICY_RESOURCE + "0", POLICY_RESOURCE + "0");
        for (int i = 0; i < POLICY_INPUTS; i++) {
            boolean pathFuzz = run.random.nextInt(100) < 12;
            String path = pathFuzz ? resourcePath(run.random) : POLICY_RESOURCE + run.random.nextInt(4);
            String valid = templates.get(run.random.nextInt(templates.size()));
            PolicyBody body = pathFuzz && run.random.nextBoolean() ? new PolicyBody("application/xml", valid.getBytes(UTF_8))
                    : mutatePolicy(run.random, valid);
            RawHttp.Request request = putPolicy(path, body.contentType(), body.bytes());
            if (run.random.nextInt(100) == 0) {
                request = new RawHttp.Request("PUT", request.target(), List.of(bearer(fuzzer),
                        header("Content-Type", "application/xml")), body.bytes());
            }
            RawHttp.Response response = run.send(i, request);
            Supplier<String> what = run.what(i, request, response);
            if (response.status() < 300) {
                assertThat(new String(body.bytes(), UTF_8)).as(() -> "a document type declaration is refused: "
                        + what.get()).doesNotContain("<!DOCTYPE");
                String resource = json(response.text()).path("resource").asText();
                RawHttp.Response get = http.send(getPolicy(path));
                assertThat(get.status()).as(() -> "GET after " + what.get()).isEqualTo(200);
                if (body.isUtf8()) {
                    assertThat(get.text()).as(() -> "stored as sent: " + what.get())
                            .isEqualTo(new String(body.bytes(), UTF_8));
                }
                stored.put(resource, get.body());
                pathOf.put(resource, path);
                RawHttp.Response published = http.send(publish(i, resource));
                assertThat(published.status()).as(() -> "publish under the new policy: " + published.describe()
                        + "\nafter " + what.get()).isIn(200, 403);
            } else if (pathFuzz) {
                assertStoredPolicies(stored, pathOf, run, i, request);
            } else {
                RawHttp.Response get = http.send(getPolicy(path));
                byte[] before = stored.get(path);
                Supplier<String> unchanged = () -> "the policy after a refused PUT, " + what.get() + "\nGET -> "
                        + get.describe();
                if (before == null) {
                    assertThat(get.status()).as(unchanged).isEqualTo(404);
                } else {
                    assertThat(get.status()).as(unchanged).isEqualTo(200);
                    assertThat(get.body()).as(unchanged).isEqualTo(before);
                }
            }
        }
        run.report(stored.size() + " resources with a policy");
        run.assertNoFailures();
        assertStoredPolicies(stored, pathOf, run, POLICY_INPUTS, null);
        assertThat(run.statuses.getOrDefault(200, 0) + run.statuses.getOrDefault(201, 0))
                .as("accepted inputs: %s", run.statuses).isGreaterThan(POLICY_INPUTS / 20);
    }

    /** Exactly the resources some 2xx stored have a policy (besides the other tests' fixed ones), each the last accepted. */
    private static void assertStoredPolicies(Map<String, byte[]> stored, Map<String, String> pathOf, Fuzzer run, int i,
            RawHttp.Request last) {
        RawHttp.Response list = http.send(new RawHttp.Request("GET", POLICIES, List.<String[]>of(bearer(admin)), null));
        assertThat(list.status()).as(list::describe).isEqualTo(200);
        Set<String> listed = new TreeSet<>();
        json(list.text()).forEach(r -> listed.add(r.asText()));
        listed.removeAll(List.of(SUBSCRIPTION_RESOURCE, POLL_RESOURCE));
        Supplier<String> what = () -> "%s fuzzer, seed %d, input %d: stored policies after%n%s".formatted(run.name,
                run.seed, i, last == null ? "the last input" : last.describe());
        assertThat(listed).as(what).isEqualTo(new TreeSet<>(stored.keySet()));
        for (Map.Entry<String, byte[]> policy : stored.entrySet()) {
            RawHttp.Response get = http.send(getPolicy(pathOf.get(policy.getKey())));
            assertThat(get.body()).as(what).isEqualTo(policy.getValue());
        }
    }

    private static RawHttp.Request putPolicy(String path, String contentType, byte[] body) {
        List<String[]> headers = new ArrayList<>();
        headers.add(bearer(admin));
        if (contentType != null) {
            headers.add(header("Content-Type", contentType));
        }
        return new RawHttp.Request("PUT", POLICIES + "/" + path, headers, body);
    }

    private static RawHttp.Request getPolicy(String path) {
        return new RawHttp.Request("GET", POLICIES + "/" + path, List.<String[]>of(bearer(admin)), null);
    }

    /** An event of the resource from org fuzzer, with an id that makes a backtracking regular expression work. */
    private static RawHttp.Request publish(int i, String resource) {
        ObjectNode event = MAPPER.createObjectNode()
                .put("specversion", "1.0")
                .put("id", i % 2 == 0 ? "fuzz-" + i : "a".repeat(40) + "!" + i)
                .put("source", "https://ttd.example/app")
                .put("type", "app.created")
                .put("subject", "/party/1337")
                .put("resource", resource);
        return new RawHttp.Request("POST", EVENTS, List.of(bearer(fuzzerPublishes),
                header("Content-Type", "application/cloudevents+json")), write(event).getBytes(UTF_8));
    }

    /** A policy body: its Content-Type (null: none) and bytes. */
    record PolicyBody(String contentType, byte[] bytes) {
        /** Whether the server reads it as UTF-8 and it is valid UTF-8, so that GET must give the same bytes back. */
        boolean isUtf8() {
            if (contentType == null || (contentType.contains("charset") && !contentType.matches("(?i).*charset=\"?utf-?8\"?"))) {
                return false;
            }
            CharsetDecoder decoder = UTF_8.newDecoder();
            try {
                decoder.decode(ByteBuffer.wrap(bytes));
                return true;
            } catch (CharacterCodingException e) {
                return false;
            }
        }
    }

    static List<String> policyTemplates() throws IOException {
        String permit = TestPolicies.permitOrg(FUZZER);
        return List.of(
                permit,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<!-- Blåbærsyltetøy -->\r\n"
                        + permit.replace("<Target/>", "<Description>Fuzzer får alt \u2013 og intet annet.</Description>\r\n"
                        + "  <Target/>") + "\r\n<!-- trailing -->  \n",
                Files.readString(EventsServerTest.EXAMPLE_POLICIES.resolve("urn:altinn:resource:ttd-svc.xml")),
                regexpInCondition("^fuzz-[0-9]+$"),
                regexpInTarget("^(fuzz|a+!)[0-9]*$"));
    }

    /** Permits org fuzzer the events whose id matches {@code pattern}: any-of with the regexp function, in a Condition. */
    static String regexpInCondition(String pattern) {
        return TestPolicies.permitOrg(FUZZER).replace("</Target>\n  </Rule>", """
                </Target>
                    <Condition>
                      <Apply FunctionId="urn:oasis:names:tc:xacml:3.0:function:any-of">
                        <Function FunctionId="%s"/>
                        <AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">%s</AttributeValue>
                        <AttributeDesignator AttributeId="urn:altinn:event-id"
                            Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource"
                            DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/>
                      </Apply>
                    </Condition>
                  </Rule>""".formatted(REGEXP_MATCH, pattern));
    }

    /** Permits org fuzzer the events whose id matches {@code pattern}: a Match of the regexp function in the Target. */
    static String regexpInTarget(String pattern) {
        return TestPolicies.permitOrg(FUZZER).replace("</AllOf></AnyOf>", """
                </AllOf></AnyOf>
                      <AnyOf><AllOf>
                        <Match MatchId="%s">
                          <AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">%s</AttributeValue>
                          <AttributeDesignator AttributeId="urn:altinn:event-id"
                              Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource"
                              DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/>
                        </Match>
                      </AllOf></AnyOf>""".formatted(REGEXP_MATCH, pattern));
    }

    static final String XML_ALPHABET = "<>/=\"'&;!?[]-: x\u0000\u00e6\ufeff";

    static PolicyBody mutatePolicy(Random random, String valid) {
        String type = policyContentType(random);
        switch (random.nextInt(14)) {
            case 0:
                return new PolicyBody(type, charEdits(random, valid, XML_ALPHABET).getBytes(UTF_8));
            case 1:
                return new PolicyBody(type, markupEdits(random, valid).getBytes(UTF_8));
            case 2:
                return new PolicyBody(type, withDoctype(random, valid).getBytes(UTF_8));
            case 3:
                return new PolicyBody(type, namespaceGame(random, valid).getBytes(UTF_8));
            case 4:
                return new PolicyBody(type, deepXml(random, valid).getBytes(UTF_8));
            case 5:
                return new PolicyBody(type, hugeXml(random, valid).getBytes(UTF_8));
            case 6:
                return oddButValidXml(random, valid);
            case 7:
                return encoded(random, valid);
            case 8:
                return new PolicyBody(type, (random.nextBoolean() ? regexpInCondition(regexp(random))
                        : regexpInTarget(regexp(random))).getBytes(UTF_8));
            case 9:
                return new PolicyBody(type, references(random, valid).getBytes(UTF_8));
            case 10: {
                byte[] bytes = new byte[random.nextInt(600)];
                random.nextBytes(bytes);
                return new PolicyBody(type, bytes);
            }
            case 11:
                return new PolicyBody(type, valid.substring(0, random.nextInt(valid.length())).getBytes(UTF_8));
            case 12:
                return new PolicyBody(type, attributeGame(random, valid).getBytes(UTF_8));
            default:
                return new PolicyBody(type, charEdits(random, markupEdits(random, namespaceGame(random, valid)),
                        XML_ALPHABET).getBytes(UTF_8));
        }
    }

    private static String policyContentType(Random random) {
        if (random.nextInt(100) < 90) {
            return "application/xml";
        }
        return pick(random, "text/xml", "application/xacml+xml", "application/xml; charset=utf-8",
                "application/xml; charset=UTF8", "application/xml; charset=nope", "application/xml; charset=",
                "application/json", "text/plain", "", "application/xml; charset=utf-16", "image/svg+xml",
                "application/xml; charset=\"x\"; charset=y", null);
    }

    private static final Pattern XML_TOKEN = Pattern.compile("<[^>]*>|[^<]+");

    /** One to three edits of tags and text runs: delete, duplicate, swap. */
    static String markupEdits(Random random, String xml) {
        List<String> tokens = new ArrayList<>();
        Matcher m = XML_TOKEN.matcher(xml);
        while (m.find()) {
            tokens.add(m.group());
        }
        for (int k = 1 + random.nextInt(3); k > 0 && !tokens.isEmpty(); k--) {
            int at = random.nextInt(tokens.size());
            switch (random.nextInt(3)) {
                case 0 -> tokens.remove(at);
                case 1 -> tokens.add(at, tokens.get(at));
                default -> {
                    int other = random.nextInt(tokens.size());
                    String t = tokens.get(at);
                    tokens.set(at, tokens.get(other));
                    tokens.set(other, t);
                }
            }
        }
        return String.join("", tokens);
    }

    /** Inserts {@code text} right after the root element's start tag. */
    private static String inRoot(String xml, String text) {
        int root = xml.indexOf("Policy ");
        int end = xml.indexOf('>', root);
        return xml.substring(0, end + 1) + text + xml.substring(end + 1);
    }

    /** {@code xml} after its XML declaration, if any, with {@code text} in front. */
    private static String beforeRoot(String xml, String text) {
        if (xml.startsWith("<?xml")) {
            int end = xml.indexOf("?>") + 2;
            return xml.substring(0, end) + text + xml.substring(end);
        }
        return text + xml;
    }

    static String withDoctype(Random random, String xml) {
        StringBuilder billion = new StringBuilder("<!DOCTYPE Policy [<!ENTITY lol0 \"lol\">");
        for (int n = 1; n < 10; n++) {
            billion.append("<!ENTITY lol").append(n).append(" \"").append(("&lol" + (n - 1) + ";").repeat(10)).append("\">");
        }
        billion.append("]>");
        String doctype = pick(random,
                billion.toString(),
                "<!DOCTYPE Policy [<!ENTITY lol \"lol\"><!ENTITY lol1 \"" + "&lol;".repeat(10) + "\">]>",
                "<!DOCTYPE Policy [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>",
                "<!DOCTYPE Policy [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>",
                "<!DOCTYPE Policy [<!ENTITY % p SYSTEM \"http://127.0.0.1:1/evil.dtd\"> %p;]>",
                "<!DOCTYPE Policy SYSTEM \"file:///etc/passwd\">",
                "<!DOCTYPE Policy PUBLIC \"-//x//y\" \"http://127.0.0.1:1/x.dtd\">",
                "<!DOCTYPE Policy [<!ENTITY x \"<Rule RuleId='r' Effect='Permit'/>\">]>",
                "<!DOCTYPE Policy [<!ATTLIST Policy PolicyId CDATA \"default\">]>",
                "<!DOCTYPE Policy [<!ELEMENT Policy ANY>]>",
                "<!DOCTYPE Policy>",
                "<!DOCTYPE Policy [",
                "<!DOCTYPE");
        String body = beforeRoot(xml, doctype);
        if (random.nextBoolean()) {
            String entity = pick(random, "&lol9;", "&lol1;", "&secret;", "&x;", "&undefined;", "&lol");
            body = body.replace("<Target/>", "<Description>" + entity + "</Description><Target/>");
        }
        return body;
    }

    static String namespaceGame(Random random, String xml) {
        String ns = "urn:oasis:names:tc:xacml:3.0:core:schema:wd-17";
        return switch (random.nextInt(13)) {
            case 0 -> inRoot(xml, "<x:Foreign xmlns:x=\"urn:example:other\">text</x:Foreign>");
            case 12 -> inRoot(xml, "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file:///etc/passwd\""
                    + " parse=\"text\"/>");
            case 1 -> inRoot(xml, "<Foreign xmlns=\"\"/>");
            case 2 -> xml.replace("<Rule ", "<Rule xmlns=\"urn:example:other\" ");
            case 3 -> xml.replace("<Target/>", "<x:Target xmlns:x=\"" + ns + "\"/>");
            case 4 -> xml.replace("<Policy xmlns=\"" + ns + "\"", "<p:Policy xmlns:p=\"" + ns + "\" xmlns=\"urn:other\"")
                    .replace("</Policy>", "</p:Policy>");
            case 5 -> xml.replace("<Rule ", "<undeclared:Rule ").replace("</Rule>", "</undeclared:Rule>");
            case 6 -> xml.replace("<Policy ", "<Policy xmlns:xml=\"urn:not-xml\" ");
            case 7 -> xml.replace("<Policy ", "<Policy xmlns:xmlns=\"urn:x\" ");
            case 8 -> xml.replace("xmlns=\"" + ns + "\"", "xmlns=\"" + ns + " \"");
            case 9 -> xml.replace("xmlns=\"" + ns + "\"", "xmlns=\"URN:OASIS:names:tc:xacml:3.0:core:schema:wd-17\"");
            case 10 -> xml.replace("<AttributeValue DataType=\"http://www.w3.org/2001/XMLSchema#string\">",
                    "<AttributeValue DataType=\"http://www.w3.org/2001/XMLSchema#string\"><x:y xmlns:x=\"urn:x\"/>");
            default -> xml.replace("<xacml3:Policy xmlns:xacml3=\"" + ns + "\"", "<xacml3:Policy xmlns:xacml3=\"" + ns
                    + "\" xmlns=\"urn:other\"").replace("<xacml3:Rule ", "<Rule xmlns:xacml3=\"urn:other\" ");
        };
    }

    static String deepXml(Random random, String xml) {
        int depth = pickInt(random, 50, 97, 98, 99, 100, 101, 1000, 20_000, 100_000);
        return switch (random.nextInt(4)) {
            case 0 -> xml.replace("<Target/>", "<Description>" + "<Description>".repeat(depth)
                    + "</Description>".repeat(depth) + "</Description><Target/>");
            case 1 -> xml.replace("<Target/>", "<Target/><Condition>" + "<Apply FunctionId=\"urn:oasis:names:tc:xacml:1.0:"
                    + "function:not\">".repeat(depth) + "<AttributeValue DataType=\"http://www.w3.org/2001/XMLSchema#boolean\">"
                    + "true</AttributeValue>" + "</Apply>".repeat(depth) + "</Condition>");
            case 2 -> inRoot(xml, "<a>".repeat(depth) + "</a>".repeat(depth));
            default -> xml.replace("<Target/>", "<Description>" + "<Description>".repeat(depth));
        };
    }

    static String hugeXml(Random random, String xml) {
        int length = pickInt(random, 1000, 100_000, 500_000, 1_048_000, 1_048_577, 2_000_000);
        String big = random.nextBoolean() ? "a".repeat(length) : "&amp;".repeat(length / 5);
        return switch (random.nextInt(4)) {
            case 0 -> xml.replaceFirst("PolicyId=\"[^\"]*\"", "PolicyId=\"" + big + "\"");
            case 1 -> xml.replace("<Target/>", "<Description>" + big + "</Description><Target/>");
            case 2 -> xml.replace("<Policy ", "<Policy " + "a".repeat(Math.min(length, 100_000)) + "=\"x\" ");
            default -> xml + "<!--" + big + "-->";
        };
    }

    static PolicyBody oddButValidXml(Random random, String xml) {
        String text = switch (random.nextInt(9)) {
            case 0 -> xml.replaceFirst(">" + FUZZER + "<", "><![CDATA[" + FUZZER + "]]><");
            case 1 -> xml.replace("<Target/>", "<!-- a comment -- with dashes? no --><Target/>");
            case 2 -> xml.replace("<Target/>", "<?pi some data?><Target/><!---->");
            case 3 -> "\uFEFF" + xml;
            case 4 -> "<?xml version=\"1.1\"?>" + xml;
            case 5 -> "<?xml version=\"1.0\" standalone=\"yes\"?>\n" + xml;
            case 6 -> "  \n" + "<?xml version=\"1.0\"?>" + xml;
            case 7 -> xml.replaceFirst(">" + FUZZER + "<", "> " + FUZZER + "\t<");
            default -> xml + "<!-- after -->\n<?pi after?>\n";
        };
        return new PolicyBody("application/xml", text.getBytes(UTF_8));
    }

    static PolicyBody encoded(Random random, String xml) {
        String declared16 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + xml;
        String declaredLatin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + xml.replace("<Target/>",
                "<Description>blåbær</Description><Target/>");
        return switch (random.nextInt(10)) {
            case 0 -> new PolicyBody("application/xml; charset=utf-16", declared16.getBytes(StandardCharsets.UTF_16));
            case 1 -> new PolicyBody("application/xml; charset=utf-16le", declared16.getBytes(StandardCharsets.UTF_16LE));
            case 2 -> new PolicyBody("application/xml", declared16.getBytes(StandardCharsets.UTF_16));
            case 3 -> new PolicyBody("application/xml", declared16.getBytes(UTF_8));
            case 4 -> new PolicyBody("application/xml; charset=iso-8859-1", declaredLatin1.getBytes(ISO_8859_1));
            case 5 -> new PolicyBody("application/xml", declaredLatin1.getBytes(ISO_8859_1));
            case 6 -> new PolicyBody("application/xml; charset=utf-32", xml.getBytes(Charset.forName("UTF-32")));
            case 7 -> new PolicyBody("application/xml; charset=x-nope", xml.getBytes(UTF_8));
            case 8 -> new PolicyBody("application/xml; charset=utf-16", xml.getBytes(UTF_8));
            default -> new PolicyBody("application/xml", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF,
                    (byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, xml.getBytes(UTF_8)));
        };
    }

    /** Regular expressions for {@code *-regexp-match}: catastrophic, invalid, huge, odd. */
    static String regexp(Random random) {
        return pick(random, "(a+)+$", "(a|aa)+$", "(a*)*b", "((a+)+)+!", "(.*a){20}", "(a|a?)+$", "^(\\w+\\s?)*$",
                "\\", "[", "(", ")", "*", "a{1000000}", "a{2147483647}", "a{99999999999}", "(?=a)*", "(a)\\2",
                "\\p{Nope}", "(?<n>a)\\k<n>", "(?<n>a)\\k<m>", "\\Q", "[a-", "[z-a]", "(?i", "a**", "a{,5}",
                "(?:a|b|c|" + "d|".repeat(2000) + "e)+", "(" + "a?".repeat(30) + ")" + "a".repeat(30), "&lt;&amp;",
                "<![CDATA[(a+)+$]]>", "", " ", "\\u0000", "&#0;", "\\x{110000}", "[\\x{D800}-\\x{DFFF}]",
                "(?s).*" + ".*".repeat(40) + "!", "((((((((((((((((a))))))))))))))))" + "\\16", "a".repeat(100_000),
                "(?<=a+)b", "(?<=a{1,1000000})b", "\\b{g}", "(?U)\\w+");
    }

    static String references(Random random, String xml) {
        String ref = pick(random, "&#0;", "&#x0;", "&#xD800;", "&#x1F600;", "&#x110000;", "&#99999999999;", "&amp;",
                "&lt;", "&unknown;", "&", "&#;", "&#x;", "&#65", "&#xFFFE;", "&#x1;", "&#9;", "]]>", "&quot;");
        return random.nextBoolean() ? xml.replaceFirst(">" + FUZZER + "<", ">" + FUZZER + ref + "<")
                : xml.replaceFirst("PolicyId=\"", "PolicyId=\"" + ref);
    }

    static String attributeGame(Random random, String xml) {
        return switch (random.nextInt(8)) {
            case 0 -> xml.replaceFirst("PolicyId=\"[^\"]*\"", "PolicyId=\"a\" PolicyId=\"b\"");
            case 1 -> xml.replaceFirst(" Version=\"1.0\"", "");
            case 2 -> xml.replaceFirst("RuleCombiningAlgId=\"[^\"]*\"", "RuleCombiningAlgId=\"\"");
            case 3 -> xml.replaceFirst("Effect=\"Permit\"", "Effect=\"" + pick(random, "permit", "Deny", "", "Maybe") + "\"");
            case 4 -> xml.replaceFirst("DataType=\"[^\"]*\"", "DataType=\"" + pick(random,
                    "http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#boolean",
                    "http://www.w3.org/2001/XMLSchema#dateTime", "urn:nope", "") + "\"");
            case 5 -> xml.replaceFirst("MatchId=\"[^\"]*\"", "MatchId=\"" + pick(random,
                    "urn:oasis:names:tc:xacml:1.0:function:integer-equal", "urn:oasis:names:tc:xacml:3.0:function:any-of",
                    "urn:oasis:names:tc:xacml:1.0:function:string-bag", REGEXP_MATCH, "") + "\"");
            case 6 -> xml.replaceFirst("Version=\"1.0\"", "Version=\"" + pick(random, "", "x", "1..0", "-1",
                    "99999999999999999999") + "\"");
            default -> xml.replaceFirst("MustBePresent=\"false\"", "MustBePresent=\"" + pick(random, "true", "yes", "")
                    + "\"");
        };
    }

    /** The resource part of a policy path: valid, percent-encoded oddities, raw bytes, very long. */
    static String resourcePath(Random random) {
        if (random.nextInt(4) == 0) {
            return withoutLineBreaks(charEdits(random, PATH_RESOURCE, ":/%.?#;+ -_aZ09\u00e6\u0000\u007f"));
        }
        String base = PATH_RESOURCE;
        return pick(random, base, base + "%2Fx", base + "%00", "urn%3Aaltinn%3Aresource%3Afuzz-path", base + "/../x",
                "urn:altinn:resource:%2e%2e", "urn:altinn:resource:..", "urn:altinn:resource:.", base + "/", base + "//x",
                "urn:altinn:resource:fuzz%20path", "urn:altinn:resource:fuzz+path", base + ";jsessionid=1", base + "?x=1",
                base + "#frag", "urn:altinn:resource:%C3%A6", "urn:altinn:resource:%ED%A0%80", "urn:altinn:resource:%FF",
                "urn:altinn:resource:%C0%80", "urn:altinn:resource:" + "a".repeat(pickInt(random, 100, 101, 1000, 7000)),
                "urn:altinn:resource:%zz", "urn:altinn:resource:%", "urn:altinn:resource:%2", "", "urn:", ":",
                "urn:altinn:resource:", "URN:ALTINN:RESOURCE:X", "urn:altinn:resource:x%0D%0AX-Injected:%201",
                "urn:altinn:resource:\u00e6", "urn:altinn:resource:a%5Cb", "urn:altinn:resource:a\\b",
                "urn:altinn:resource:%E2%80%AE", base + "/%2e%2e/%2e%2e/x", base + "%3B", base + "/x;y=z/w",
                "urn:altinn:resource:a:b:c:d:e:f:g:h:i:j:k:l", "urn:altinn:resource:fuzz-path/" + "x/".repeat(50),
                "urn:altinn:resource:$!()+,.-;_", "%75rn:altinn:resource:fuzz-path", base + "%09", base + "\t",
                "urn:altinn:resource:fuzz-path:2", "urn:altinn:resource:fuzz-path/sub", base + ";%zz", base + ";%",
                base + ";a=%e", base + ";%41", base + ";/x", "urn:altinn;x:resource:y");
    }

    // ====================================================================== polls

    @Test
    void pollNeverAnswers5xxAndEvery200CarriesANextLinkThatWorks() {
        long seed = SEED + 2;
        Fuzzer run = new Fuzzer("poll", seed);
        List<String> batch = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            ObjectNode event = MAPPER.createObjectNode()
                    .put("specversion", "1.0")
                    .put("id", "poll-" + n)
                    .put("source", "https://ttd.example/app")
                    .put("type", List.of("app.created", "app.deleted", "a.b.c", "x%y_z", "app.instance.created").get(n % 5))
                    .put("subject", "/party/" + (n % 4))
                    .put("resource", POLL_RESOURCE);
            if (n % 3 == 0) {
                event.put("alternativesubject", "/person/" + (n % 2));
            }
            batch.add(write(event));
        }
        RawHttp.Response published = http.send(new RawHttp.Request("POST", EVENTS, List.of(bearer(fuzzerPublishes),
                header("Content-Type", "application/cloudevents-batch+json")),
                ("[" + String.join(",", batch) + "]").getBytes(UTF_8)));
        assertThat(published.status()).as(published::describe).isEqualTo(200);
        List<String> cursors = new ArrayList<>();
        int followed = 0;
        for (int i = 0; i < POLL_INPUTS; i++) {
            List<String[]> headers = new ArrayList<>();
            int who = run.random.nextInt(100);
            String token = who < 80 ? fuzzer : who < 90 ? stranger : who < 95 ? fuzzerPublishes : null;
            if (token != null) {
                headers.add(bearer(token));
            }
            if (run.random.nextInt(5) == 0) {
                int times = run.random.nextInt(10) == 0 ? 2 : 1;
                for (int t = 0; t < times; t++) {
                    headers.add(header("Altinn-AlternativeSubject", pick(run.random, "/person/1", "/person/0", "", "  ",
                            "/person/\u00e6\u00f8", "x".repeat(2000), "/party/1", "%2Fperson%2F1", "\u00ff\u00fe")));
                }
            }
            String target = EVENTS + pollQuery(run.random, cursors);
            RawHttp.Request request = new RawHttp.Request("GET", target, headers, null);
            RawHttp.Response response = run.send(i, request);
            Supplier<String> what = run.what(i, request, response);
            if (response.status() == 200) {
                String next = response.header("next");
                assertThat(next).as(what).isNotNull().startsWith(server.baseUrl() + EVENTS + "?");
                JsonNode events = json(response.text());
                assertThat(events.isArray()).as(what).isTrue();
                events.forEach(e -> assertThat(e.path("resource").asText()).as(what)
                        .isEqualTo(POLL_RESOURCE));
                Matcher after = Pattern.compile("[?&]after=([^&]*)").matcher(next);
                if (after.find() && cursors.size() < 200) {
                    cursors.add(after.group(1));
                }
                if (run.random.nextBoolean()) {
                    followed++;
                    RawHttp.Request again = new RawHttp.Request("GET", next.substring(server.baseUrl().length()),
                            headers, null);
                    RawHttp.Response page = run.send(i, again);
                    assertThat(page.status()).as(() -> "the next link of " + what.get() + "\n-> " + page.describe())
                            .isEqualTo(200);
                }
            }
        }
        run.report(followed + " next links followed");
        run.assertNoFailures();
        assertThat(run.statuses.getOrDefault(200, 0)).as("answered inputs: %s", run.statuses)
                .isGreaterThan(POLL_INPUTS / 5);
    }

    /**
     * A query string (with its {@code ?}): each parameter is usually valid and sometimes odd or malformed, and now
     * and then the whole string gets a malformed or odd percent-encoding.
     */
    static String pollQuery(Random random, List<String> cursors) {
        List<String> params = new ArrayList<>();
        if (random.nextInt(20) > 0) {
            params.add("resource=" + (random.nextInt(4) > 0 ? POLL_RESOURCE : pick(random, SUBSCRIPTION_RESOURCE,
                    "urn:altinn:resource:none", "", "x", "urn%3Aaltinn%3Aresource%3Afuzz-poll", "URN:ALTINN:RESOURCE:FUZZ-POLL",
                    "urn:altinn:resource:" + "a".repeat(pickInt(random, 200, 5000)), "%00", "%ED%A0%80", "%FF",
                    POLL_RESOURCE + "%00", POLL_RESOURCE + "%20", "urn:altinn:resource:fuzz-poll/x")));
            if (random.nextInt(40) == 0) {
                params.add("resource=" + POLL_RESOURCE);
            }
        }
        if (random.nextInt(20) > 0) {
            params.add("after=" + cursor(random, cursors));
            if (random.nextInt(40) == 0) {
                params.add("after=0");
            }
        }
        if (random.nextBoolean()) {
            params.add("size=" + (random.nextInt(3) > 0 ? String.valueOf(1 + random.nextInt(1000)) : pick(random, "1001",
                    "0", "-1", "99999999999", "2147483648", "", "1.5", "0x10", "%207", "%2B5", "1e3", "00000000007",
                    "%D9%A1%D9%A2", "%D9%A1", "50%00")));
        }
        if (random.nextInt(10) < 3) {
            params.add("subject=" + pick(random, "/party/1", "%2Fparty%2F2", "/party/3", "/party/0", "", "%00",
                    "%ED%A0%80", "%E2%80%AE", "%C0%80", "/party/" + "9".repeat(pickInt(random, 100, 3000)), "/party/1%00",
                    "+", "%2B", "/party/%25", "%2Fparty%2F%FF"));
        }
        if (random.nextInt(10) < 3) {
            int count = random.nextInt(10) == 0 ? pickInt(random, 19, 20, 21, 25, 100) : 1 + random.nextInt(3);
            for (int n = 0; n < count; n++) {
                params.add("type=" + typePattern(random));
            }
        }
        if (random.nextInt(10) == 0) {
            params.add(pick(random, "foo=bar", "resource[]=x", "=x", "", "a", "type", "after", "size", "%=%",
                    "&", "==", "x=" + "y".repeat(3000), "%00=1", "RESOURCE=x", "%C3%A6=%C3%B8", "subject", "size="));
        }
        Collections.shuffle(params, random);
        String query = String.join("&", params);
        if (random.nextInt(10) == 0 && !query.isEmpty()) {
            int at = random.nextInt(query.length());
            query = query.substring(0, at) + pick(random, "%", "%z", "%zz", "%0", "%00", "%C0%80", "%ED%A0%80",
                    "%FF%FE", "%E2%80%AE", "+", "%2B", "%26", "%3D", "%25", "%%", "%u0041", "#", " ", "\u00e6", "?",
                    "%0D%0A", "\t", "\u0000") + query.substring(at);
        }
        return (random.nextInt(10) == 0 ? "?&" : "?") + query;
    }

    /** Mostly 0 or a cursor this server sealed; else numbers, junk, and cursors of the wrong shape. */
    static String cursor(Random random, List<String> cursors) {
        int kind = random.nextInt(20);
        if (kind < 12) {
            return "0";
        }
        if (kind < 15 && !cursors.isEmpty()) {
            String real = cursors.get(random.nextInt(cursors.size()));
            return random.nextInt(3) > 0 ? real : withoutLineBreaks(charEdits(random, real, "c1.-_=%AaZz09+/"));
        }
        StringBuilder digits = new StringBuilder();
        for (int n = 1 + random.nextInt(25); n > 0; n--) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        byte[] junk = new byte[random.nextInt(80)];
        random.nextBytes(junk);
        String base64 = Base64.getUrlEncoder().withoutPadding().encodeToString(junk);
        return pick(random, digits.toString(), "-1", "-0", "00", "%2B1", "1e3", base64, "c1." + base64, "c1.", "c1",
                "c2." + base64, "c1." + base64 + "==", "c1.%2F%2B", "9".repeat(18), "9".repeat(19), "999999999999999999",
                "9223372036854775807", "9223372036854775808", "a".repeat(256), "a".repeat(257),
                "c1." + "A".repeat(pickInt(random, 100, 253, 254, 1000)), "", "%00", "0%00", "0x0", "%200", "0.0");
    }

    /** Usually a valid pattern; else too many {@code %} (sent as %25), too long, empty, or oddly encoded. */
    static String typePattern(Random random) {
        switch (random.nextInt(8)) {
            case 0, 1, 2, 3:
                return pick(random, "app.created", "app.%25", "%25created", "a.b.c", "x%25y_z", "_pp.created", "%25",
                        "%25%25%25%25%25%25%25%25", "app%25.%25", "a_b_c", "%25.%25.%25", "app.instance.created");
            case 4: {
                int percents = random.nextInt(11);
                StringBuilder p = new StringBuilder();
                for (int n = 0; n < percents; n++) {
                    p.append("%25").append(pick(random, "a", "_", "app", "", "."));
                }
                return p.toString();
            }
            case 5: {
                int length = pickInt(random, 255, 256, 257, 1000);
                return pick(random, "a", "_", "b").repeat(length).substring(0, length);
            }
            case 6:
                return pick(random, "%25a".repeat(8) + "%25x", "%25%25%25%25%25%25%25%25%25", "%ED%A0%80", "%00", "%25"
                        .repeat(8) + "_".repeat(248), "%25".repeat(9));
            default:
                return "";
        }
    }

    // ====================================================================== plumbing

    /** One fuzzer's run: its seeded randomness, the statuses seen, and the checks every response must pass. */
    static final class Fuzzer {
        final String name;
        final long seed;
        final Random random;
        final Map<Integer, Integer> statuses = new TreeMap<>();
        final Map<String, Integer> failures = new TreeMap<>();
        final List<String> examples = new ArrayList<>();
        final long started = System.nanoTime();
        int requests;

        Fuzzer(String name, long seed) {
            this.name = name;
            this.seed = seed;
            this.random = new Random(seed);
        }

        Supplier<String> what(int input, RawHttp.Request request, RawHttp.Response response) {
            return () -> "%s fuzzer, seed %d, input %d:%n%s%n-> %s".formatted(name, seed, input, request.describe(),
                    response.describe());
        }

        /**
         * Sends; a 5xx, or a 4xx that is not a problem+json with the same status, is recorded as a failure (the
         * first few in full) for {@link #assertNoFailures}.
         */
        RawHttp.Response send(int input, RawHttp.Request request) {
            RawHttp.Response response = http.send(request);
            requests++;
            statuses.merge(response.status(), 1, Integer::sum);
            String failure = null;
            if (response.status() < 200 || response.status() >= 500) {
                failure = "status " + response.status();
            } else if (response.status() >= 400) {
                JsonNode problem = tryJson(response.text());
                if (!String.valueOf(response.header("Content-Type")).startsWith("application/problem+json")) {
                    failure = "a " + response.status() + " that is not application/problem+json";
                } else if (problem == null || problem.path("status").asInt() != response.status()) {
                    failure = "a problem without status " + response.status();
                }
            }
            if (failure != null) {
                failures.merge(failure, 1, Integer::sum);
                if (examples.size() < 10) {
                    examples.add(failure + ": " + what(input, request, response).get());
                }
            }
            return response;
        }

        /** Fails with the failures {@link #send} recorded: a count of each kind and the first few inputs. */
        void assertNoFailures() {
            assertThat(failures).as(() -> "%s fuzzer, seed %d: %d requests failed the checks, the first:%n%s".formatted(
                    name, seed, failures.values().stream().mapToInt(Integer::intValue).sum(), String.join("\n\n", examples)))
                    .isEmpty();
        }

        void report(String outcome) {
            System.out.printf("%s fuzzer: seed %d, %d requests in %d ms, statuses %s; %s%n", name, seed, requests,
                    (System.nanoTime() - started) / 1_000_000, statuses, outcome);
        }
    }

    static String[] bearer(String token) {
        return header("Authorization", "Bearer " + token);
    }

    static String[] header(String name, String value) {
        return new String[] {name, value};
    }

    /**
     * {@code target} with CR and LF percent-encoded: raw, they end the request line, and what the server answers
     * then (505 for a line without an HTTP version) is about HTTP framing, not about the parameters. Other raw
     * controls, spaces and non-ASCII bytes stay: the server must refuse them with a problem.
     */
    static String withoutLineBreaks(String target) {
        return target.replace("\r", "%0D").replace("\n", "%0A");
    }

    @SafeVarargs
    static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    static int pickInt(Random random, int... choices) {
        return choices[random.nextInt(choices.length)];
    }

    static String jsonString(String value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        JsonNode node = tryJson(text);
        if (node == null) {
            throw new AssertionError("not JSON: " + RawHttp.escape(text, 2000));
        }
        return node;
    }

    static JsonNode tryJson(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
