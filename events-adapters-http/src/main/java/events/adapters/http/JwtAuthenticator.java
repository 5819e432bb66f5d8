package events.adapters.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import events.adapters.http.internal.KeysUnavailableException;
import events.ports.Caller;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.security.Key;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns an {@code Authorization: Bearer <JWT>} header into a {@link Caller} (SPEC section 4).
 *
 * <p>Accepted signatures: HS256 with the shared secret, RS256 and ES256 with keys from a JWKS file or URL;
 * nothing else ({@code alg: none}, HS256 when only a JWKS is configured and encrypted tokens are refused).
 * {@code exp} is required; {@code exp} and {@code nbf} are checked with a small clock skew (default 60 s);
 * {@code iss} and {@code aud} are checked when configured.
 *
 * <pre>{@code
 * JwtAuthenticator auth = JwtAuthenticator.builder()
 *         .hs256Secret(secret)
 *         .jwks("https://login.example.com/.well-known/jwks.json")
 *         .issuer("https://login.example.com")
 *         .build();
 * Caller caller = auth.authenticate(ctx.header("Authorization"));
 * }</pre>
 *
 * Immutable and thread-safe.
 */
public final class JwtAuthenticator {
    /** Claims that carry space-separated scopes, in this order. */
    private static final List<String> SCOPE_CLAIMS = List.of("scope", "urn:altinn:scope");
    /** Identity claims and the consumer prefix each gives, first match wins. */
    private static final List<Map.Entry<String, String>> CONSUMER_CLAIMS = List.of(
            Map.entry("urn:altinn:org", "/org/"),
            Map.entry("urn:altinn:userid", "/user/"),
            Map.entry("urn:altinn:orgNumber", "/organisation/"),
            Map.entry("sub", "/sub/"));

    /** Longest time a verified token is trusted without verifying it again. */
    static final Duration MAX_CACHE_TIME = Duration.ofSeconds(60);

    private final DefaultJWTProcessor<SecurityContext> processor;
    /**
     * Tokens verified recently, until their {@code exp} or {@link #MAX_CACHE_TIME}, whichever comes first:
     * a client sends the same token many times, and verifying it again costs more than the rest of a publish.
     */
    private final Cache<String, Verified> verified = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfter(Expiry.creating((String token, Verified v) -> Duration.between(Instant.now(), v.expires())))
            .build();

    private record Verified(Caller caller, Instant expires) {
    }

    private JwtAuthenticator(Builder b) {
        SecretKeySpec secret = b.secret == null ? null : new SecretKeySpec(b.secret, "HmacSHA256");
        JWSKeySelector<SecurityContext> jwks = b.jwks == null ? null
                : new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), jwkSource(b.jwks));
        JWSKeySelector<SecurityContext> selector = (header, context) -> {
            JWSAlgorithm alg = header.getAlgorithm();
            if (JWSAlgorithm.HS256.equals(alg) && secret != null) {
                return List.<Key>of(secret);
            }
            if ((JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.ES256.equals(alg)) && jwks != null) {
                return jwks.selectJWSKeys(header, context);
            }
            return List.of();
        };
        JWTClaimsSet exact = b.issuer == null ? new JWTClaimsSet.Builder().build()
                : new JWTClaimsSet.Builder().issuer(b.issuer).build();
        DefaultJWTClaimsVerifier<SecurityContext> claims =
                new DefaultJWTClaimsVerifier<>(b.audience, exact, Set.of("exp"));
        claims.setMaxClockSkew((int) b.clockSkew.toSeconds());

        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(selector);
        processor.setJWTClaimsSetVerifier(claims);
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The caller named by a valid bearer token.
     *
     * @param authorizationHeaderValue the whole {@code Authorization} header value, or null when absent
     * @throws AuthenticationException when the header is absent or the token is not acceptable
     */
    public Caller authenticate(String authorizationHeaderValue) throws AuthenticationException {
        String token = bearerToken(authorizationHeaderValue);
        Verified cached = verified.getIfPresent(token);
        if (cached != null && Instant.now().isBefore(cached.expires())) {
            return cached.caller();
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (KeySourceException e) {
            throw new KeysUnavailableException("the token signing keys are unavailable", e);
        } catch (ParseException e) {
            throw new AuthenticationException("the bearer token is not a JWT");
        } catch (BadJOSEException e) {
            throw new AuthenticationException("the bearer token was rejected: " + e.getMessage());
        } catch (com.nimbusds.jose.JOSEException | RuntimeException e) {
            throw new AuthenticationException("the bearer token could not be verified");
        }
        Caller caller = toCaller(claims);
        Instant until = Instant.now().plus(MAX_CACHE_TIME);
        if (claims.getExpirationTime() != null && claims.getExpirationTime().toInstant().isBefore(until)) {
            until = claims.getExpirationTime().toInstant();
        }
        verified.put(token, new Verified(caller, until));
        return caller;
    }

    private static String bearerToken(String header) {
        if (header == null || header.isBlank()) {
            throw new AuthenticationException("a bearer token is required");
        }
        String trimmed = header.strip();
        int space = trimmed.indexOf(' ');
        if (space < 0 || !trimmed.substring(0, space).equalsIgnoreCase("Bearer")) {
            throw new AuthenticationException("the Authorization header must use the Bearer scheme");
        }
        String token = trimmed.substring(space + 1).strip();
        if (token.isEmpty()) {
            throw new AuthenticationException("a bearer token is required");
        }
        return token;
    }

    static Caller toCaller(JWTClaimsSet claims) {
        Map<String, Object> all = claims.getClaims();
        String consumer = null;
        for (Map.Entry<String, String> candidate : CONSUMER_CLAIMS) {
            String value = asString(all.get(candidate.getKey()));
            if (value != null && !value.isBlank()) {
                consumer = candidate.getValue() + value;
                break;
            }
        }
        if (consumer == null) {
            throw new AuthenticationException(
                    "the token names no caller (urn:altinn:org, urn:altinn:userid, urn:altinn:orgNumber or sub)");
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (String claim : SCOPE_CLAIMS) {
            Object value = all.get(claim);
            if (value instanceof String s) {
                for (String scope : s.trim().split("\\s+")) {
                    if (!scope.isEmpty()) {
                        scopes.add(scope);
                    }
                }
            } else if (value instanceof Collection<?> list) {
                list.stream().filter(String.class::isInstance).map(String.class::cast).forEach(scopes::add);
            }
        }
        Map<String, String> urnClaims = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : all.entrySet()) {
            if (e.getKey().startsWith("urn:")) {
                String value = asString(e.getValue());
                if (value != null) {
                    urnClaims.put(e.getKey(), value);
                }
            }
        }
        return new Caller(consumer, scopes, urnClaims);
    }

    private static String asString(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Collection<?> list) {
            return String.join(" ", list.stream().map(JwtAuthenticator::asString).filter(Objects::nonNull).toList());
        }
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) map;
            return JSONObjectUtils.toJSONString(object);
        }
        if (value instanceof java.util.Date date) {
            return Long.toString(date.getTime() / 1000);
        }
        return value.toString();
    }

    private static JWKSource<SecurityContext> jwkSource(String fileOrUrl) {
        String lower = fileOrUrl.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            URL url;
            try {
                url = URI.create(fileOrUrl).toURL();
            } catch (IllegalArgumentException | MalformedURLException e) {
                throw new IllegalArgumentException("not a valid JWKS URL: " + fileOrUrl, e);
            }
            return JWKSourceBuilder.<SecurityContext>create(url).retrying(true).build();
        }
        File file = lower.startsWith("file:") ? new File(URI.create(fileOrUrl)) : new File(fileOrUrl);
        try {
            return new ImmutableJWKSet<>(JWKSet.load(file));
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("cannot read the JWKS file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Configures a {@link JwtAuthenticator}; at least one of a secret or a JWKS is required. */
    public static final class Builder {
        private byte[] secret;
        private String jwks;
        private String issuer;
        private String audience;
        private Duration clockSkew = Duration.ofSeconds(60);

        private Builder() {
        }

        /** Accept HS256 tokens signed with this shared secret (at least 32 bytes). */
        public Builder hs256Secret(byte[] secret) {
            Objects.requireNonNull(secret, "secret");
            if (secret.length < 32) {
                throw new IllegalArgumentException("an HS256 secret needs at least 256 bits (32 bytes)");
            }
            this.secret = secret.clone();
            return this;
        }

        /** Accept RS256 and ES256 tokens signed by a key of this JWKS: a file path, file: URI or http(s) URL. */
        public Builder jwks(String fileOrUrl) {
            this.jwks = Objects.requireNonNull(fileOrUrl, "fileOrUrl");
            return this;
        }

        /** Require this {@code iss}. */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** Require this value in {@code aud}. */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        /** Tolerance when checking {@code exp} and {@code nbf}. Default 60 s. */
        public Builder clockSkew(Duration skew) {
            if (skew.isNegative()) {
                throw new IllegalArgumentException("clock skew must not be negative");
            }
            this.clockSkew = skew;
            return this;
        }

        /** @throws IllegalArgumentException when no key is configured or the JWKS file cannot be read */
        public JwtAuthenticator build() {
            if (secret == null && jwks == null) {
                throw new IllegalStateException("configure an HS256 secret, a JWKS, or both");
            }
            return new JwtAuthenticator(this);
        }
    }
}
