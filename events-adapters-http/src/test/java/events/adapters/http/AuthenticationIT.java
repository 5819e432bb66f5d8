package events.adapters.http;

import static events.adapters.http.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import events.ports.Caller;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticationIT {
    static final String ISSUER = "https://issuer.example";
    static final String AUDIENCE = "events-api";
    static RSAKey rsa;
    static ECKey ec;
    static RSAKey unknownRsa;
    static HttpServer jwksServer;
    static TestServer hs256Server;
    static TestServer jwksFileServer;
    static TestServer jwksUrlServer;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        unknownRsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        String publicJwks = new JWKSet(java.util.List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString();
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, publicJwks);

        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/jwks.json", exchange -> {
            byte[] body = publicJwks.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwksServer.start();

        hs256Server = TestServer.start(b -> b.authenticator(JwtAuthenticator.builder()
                .hs256Secret(TestServer.SECRET).issuer(ISSUER).audience(AUDIENCE).build()));
        jwksFileServer = TestServer.start(b -> b.authenticator(JwtAuthenticator.builder()
                .jwks(file.toString()).build()));
        jwksUrlServer = TestServer.start(b -> b.authenticator(JwtAuthenticator.builder()
                .jwks("http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks.json").build()));
    }

    @AfterAll
    static void stop() {
        hs256Server.close();
        jwksFileServer.close();
        jwksUrlServer.close();
        jwksServer.stop(0);
    }

    static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER).audience(AUDIENCE)
                .claim("urn:altinn:org", "ttd")
                .claim("scope", Caller.SCOPE_PUBLISH + " " + Caller.SCOPE_SUBSCRIBE)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
    }

    static String sign(JWSAlgorithm alg, JWSSigner signer, String kid, Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder builder = claims();
        change.accept(builder);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(),
                    builder.build());
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String hs256(Consumer<JWTClaimsSet.Builder> change) {
        try {
            return sign(JWSAlgorithm.HS256, new MACSigner(TestServer.SECRET), null, change);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String rs256(RSAKey key, Consumer<JWTClaimsSet.Builder> change) {
        try {
            return sign(JWSAlgorithm.RS256, new RSASSASigner(key), key.getKeyID(), change);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String es256(Consumer<JWTClaimsSet.Builder> change) {
        try {
            return sign(JWSAlgorithm.ES256, new ECDSASigner(ec), ec.getKeyID(), change);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Both endpoints: a poll (GET) and a publish (POST) of a valid event. */
    static void assertStatus(TestServer server, String token, int expected) {
        HttpResponse<String> get = server.get("/events/api/v1/events?resource=urn:altinn:resource:auth&after=0", token);
        HttpResponse<String> post = server.post("application/cloudevents+json",
                PublishEventsIT.VALID.formatted("auth-" + System.nanoTime()), token);
        for (HttpResponse<String> response : java.util.List.of(get, post)) {
            assertThat(response.statusCode()).as(response.request().method() + " " + response.body()).isEqualTo(expected);
            if (expected >= 400) {
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(json(response.body()).get("status").asInt()).isEqualTo(expected);
                if (token != null) {
                    assertThat(response.body()).doesNotContain(token);
                }
            }
            if (expected == 401) {
                assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
            }
        }
    }

    @Test
    void acceptsAValidHs256Token() {
        assertStatus(hs256Server, hs256(c -> { }), 200);
    }

    @Test
    void refusesARequestWithoutToken() {
        assertStatus(hs256Server, null, 401);
    }

    @Test
    void refusesAGarbageToken() {
        assertStatus(hs256Server, "not.a.jwt", 401);
        assertStatus(hs256Server, "garbage", 401);
    }

    @Test
    void refusesANonBearerScheme() {
        HttpResponse<String> response = hs256Server.send(java.net.http.HttpRequest.newBuilder(
                hs256Server.uri("/events/api/v1/events?resource=urn:altinn:resource:auth&after=0"))
                .header("Authorization", "Basic dXNlcjpwYXNz").GET(), null);
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void refusesAnExpiredToken() {
        assertStatus(hs256Server, hs256(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(600)))), 401);
    }

    @Test
    void refusesATokenWithoutExpiry() {
        assertStatus(hs256Server, hs256(c -> c.expirationTime(null)), 401);
    }

    @Test
    void refusesATokenNotYetValid() {
        assertStatus(hs256Server, hs256(c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))), 401);
    }

    @Test
    void refusesATokenSignedWithAnotherSecret() throws Exception {
        byte[] other = "another-secret-another-secret-another!".getBytes(StandardCharsets.UTF_8);
        assertStatus(hs256Server, sign(JWSAlgorithm.HS256, new MACSigner(other), null, c -> { }), 401);
    }

    @Test
    void refusesAnUnsignedToken() {
        assertStatus(hs256Server, new PlainJWT(claims().build()).serialize(), 401);
    }

    @Test
    void refusesAWrongIssuer() {
        assertStatus(hs256Server, hs256(c -> c.issuer("https://evil.example")), 401);
        assertStatus(hs256Server, hs256(c -> c.issuer(null)), 401);
    }

    @Test
    void refusesAWrongAudience() {
        assertStatus(hs256Server, hs256(c -> c.audience("someone-else")), 401);
    }

    @Test
    void refusesATokenThatNamesNoCaller() {
        assertStatus(hs256Server, hs256(c -> c.claim("urn:altinn:org", null)), 401);
    }

    @Test
    void forbidsATokenWithoutTheScope() {
        String token = hs256(c -> c.claim("scope", "altinn:something.else"));
        assertStatus(hs256Server, token, 403);
    }

    @Test
    void forbidsPublishingWithOnlyTheSubscribeScope() {
        String token = hs256(c -> c.claim("scope", Caller.SCOPE_SUBSCRIBE));
        HttpResponse<String> response = hs256Server.post("application/cloudevents+json",
                PublishEventsIT.VALID.formatted("scope-1"), token);
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");
        assertThat(hs256Server.get("/events/api/v1/events?resource=urn:altinn:resource:auth&after=0", token)
                .statusCode()).isEqualTo(200);
    }

    @Test
    void readsScopesFromTheAltinnScopeClaim() {
        assertStatus(hs256Server, hs256(c -> c.claim("scope", null)
                .claim("urn:altinn:scope", Caller.SCOPE_PUBLISH + " " + Caller.SCOPE_SUBSCRIBE)), 200);
    }

    @Test
    void acceptsRs256AndEs256FromAJwksFile() {
        assertStatus(jwksFileServer, rs256(rsa, c -> { }), 200);
        assertStatus(jwksFileServer, es256(c -> { }), 200);
    }

    @Test
    void acceptsRs256AndEs256FromAJwksUrl() {
        assertStatus(jwksUrlServer, rs256(rsa, c -> { }), 200);
        assertStatus(jwksUrlServer, es256(c -> { }), 200);
    }

    @Test
    void refusesAKeyThatIsNotInTheJwks() {
        assertStatus(jwksFileServer, rs256(unknownRsa, c -> { }), 401);
        assertStatus(jwksUrlServer, rs256(unknownRsa, c -> { }), 401);
    }

    @Test
    void refusesHs256WhenOnlyAJwksIsConfigured() throws Exception {
        assertStatus(jwksFileServer, hs256(c -> { }), 401);
        // the classic algorithm-confusion attack: HS256 "signed" with the public RSA key as the secret
        byte[] publicKey = rsa.toRSAPublicKey().getEncoded();
        assertStatus(jwksUrlServer, sign(JWSAlgorithm.HS256, new MACSigner(publicKey), rsa.getKeyID(), c -> { }), 401);
    }

    @Test
    void refusesAnExpiredJwksToken() {
        assertStatus(jwksFileServer, rs256(rsa, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(600)))), 401);
    }

    @Test
    void mintsTokensTheAuthenticatorAccepts() {
        JwtAuthenticator auth = JwtAuthenticator.builder().hs256Secret(TestServer.SECRET).build();
        String token = JwtTokens.mintHs256(TestServer.SECRET,
                Map.of("urn:altinn:userid", 1337, "urn:altinn:partyid", "5", "sub", "x", "scope", "a b"),
                Duration.ofMinutes(1));

        Caller caller = auth.authenticate("Bearer " + token);

        assertThat(caller.consumer()).isEqualTo("/user/1337");
        assertThat(caller.scopes()).containsExactlyInAnyOrder("a", "b");
        assertThat(caller.claims()).containsEntry("urn:altinn:userid", "1337").containsEntry("urn:altinn:partyid", "5")
                .doesNotContainKey("sub").doesNotContainKey("scope");
    }

    @Test
    void namesTheConsumerByTheFirstIdentityClaim() {
        JwtAuthenticator auth = JwtAuthenticator.builder().hs256Secret(TestServer.SECRET).build();
        Map<Map<String, Object>, String> cases = Map.of(
                Map.of("urn:altinn:org", "ttd", "urn:altinn:userid", "1", "sub", "s"), "/org/ttd",
                Map.of("urn:altinn:userid", "1", "urn:altinn:orgNumber", "991825827", "sub", "s"), "/user/1",
                Map.of("urn:altinn:orgNumber", "991825827", "sub", "s"), "/organisation/991825827",
                Map.of("sub", "s"), "/sub/s");
        cases.forEach((claims, consumer) -> assertThat(
                auth.authenticate("Bearer " + JwtTokens.mintHs256(TestServer.SECRET, claims, Duration.ofMinutes(1)))
                        .consumer()).isEqualTo(consumer));
    }

    @Test
    void acceptsARepeatedTokenAndStillRefusesATamperedCopyOfIt() {
        JwtAuthenticator auth = JwtAuthenticator.builder().hs256Secret(TestServer.SECRET).build();
        String token = JwtTokens.mintHs256(TestServer.SECRET,
                Map.of("urn:altinn:org", "ttd", "scope", "altinn:events.publish"), Duration.ofMinutes(5));
        Caller first = auth.authenticate("Bearer " + token);
        Caller again = auth.authenticate("Bearer " + token);
        assertThat(again).isEqualTo(first);

        String[] parts = token.split("\\.");
        String otherPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"urn:altinn:org\":\"evil\",\"scope\":\"altinn:events.publish\",\"exp\":"
                        + (java.time.Instant.now().getEpochSecond() + 300) + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String tampered = parts[0] + "." + otherPayload + "." + parts[2];
        assertThatThrownBy(() -> auth.authenticate("Bearer " + tampered)).isInstanceOf(AuthenticationException.class);
    }
}
