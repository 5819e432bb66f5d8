package events.adapters.http;

import events.domain.EventsException;

/**
 * The request carries no usable credentials: the bearer token is missing, malformed, wrongly signed,
 * expired, not yet valid, meant for another issuer or audience, or names no caller. Maps to 401.
 * The message never contains the token.
 */
public class AuthenticationException extends EventsException {
    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
