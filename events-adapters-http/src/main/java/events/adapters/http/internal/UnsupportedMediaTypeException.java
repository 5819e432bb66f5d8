package events.adapters.http.internal;

import events.domain.EventsException;

/** The request's content type is not one this endpoint reads. Maps to 415. */
final class UnsupportedMediaTypeException extends EventsException {
    UnsupportedMediaTypeException(String message) {
        super(message);
    }
}
