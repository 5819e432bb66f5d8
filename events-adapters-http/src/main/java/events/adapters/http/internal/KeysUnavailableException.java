package events.adapters.http.internal;

import events.domain.EventsException;

/** The signing keys (a remote JWKS) could not be fetched, so no token can be checked now. Maps to 503. */
public final class KeysUnavailableException extends EventsException {
    public KeysUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
