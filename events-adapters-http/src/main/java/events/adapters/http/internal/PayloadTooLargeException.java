package events.adapters.http.internal;

import events.domain.EventsException;

/** The request body, or one event of a batch, is larger than the configured limit. Maps to 413. */
final class PayloadTooLargeException extends EventsException {
    PayloadTooLargeException(String message) {
        super(message);
    }
}
