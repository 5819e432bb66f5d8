package events.adapters.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;

/** Mints tokens the {@link JwtAuthenticator} accepts: for the server's {@code token} command, tests and demos. */
public final class JwtTokens {
    private static final Set<String> DATE_CLAIMS = Set.of("exp", "nbf", "iat");

    private JwtTokens() {
    }

    /**
     * An HS256-signed JWT with these claims, issued now, valid from now for {@code ttl}. {@code iat},
     * {@code nbf} and {@code exp} given in {@code claims} (epoch seconds, {@link Instant} or {@link Date})
     * win over the computed ones.
     *
     * @param secret at least 32 bytes
     */
    public static String mintHs256(byte[] secret, Map<String, Object> claims, Duration ttl) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        claims.forEach((name, value) -> builder.claim(name, DATE_CLAIMS.contains(name) ? toDate(value) : value));
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), builder.build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign with this secret: " + e.getMessage(), e);
        }
    }

    private static Object toDate(Object value) {
        if (value instanceof Instant instant) {
            return Date.from(instant);
        }
        if (value instanceof Number n) {
            return new Date(n.longValue() * 1000);
        }
        return value;
    }
}
