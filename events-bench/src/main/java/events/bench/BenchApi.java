package events.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server's API as the small benchmark programs use it: publish one event, subscribe and wait until active. */
final class BenchApi {
    static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String token;

    BenchApi(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    /** Publishes one structured-mode event; returns the status. */
    int publish(String event) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/events/api/v1/events"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /**
     * Subscribes {@code endpoint} to {@code resource}, with {@code more} fields ({@code ,"typeFilter":"x"} or empty),
     * and waits until its endpoint validated it.
     */
    void subscribe(String endpoint, String resource, String more) throws IOException, InterruptedException {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(baseUrl
                        + "/events/api/v1/subscriptions")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("""
                        {"endPoint":"%s","resourceFilter":"%s"%s}""".formatted(endpoint, resource, more))).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = ID.matcher(created.body());
        if (created.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("subscribing answered " + created.statusCode() + ": " + created.body());
        }
        String id = m.group(1);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/events/api/v1/subscriptions/" + id))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body()
                .contains("\"status\":\"active\"")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("subscription " + id + " never became active");
            }
            Thread.sleep(20);
        }
    }
}
