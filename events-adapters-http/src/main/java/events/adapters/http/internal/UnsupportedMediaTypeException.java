package events.adapters.http.internal;

import events.domain.EventsException;

/** The request's content type is not one this endpoint reads. Maps to 415. */
final class UnsupportedMediaTypeException extends EventsException {
    private final String acceptPost;

    /** @param acceptPost the media types a POST to this endpoint takes (the Accept-Post header), or null */
    UnsupportedMediaTypeException(String message, String acceptPost) {
        super(message);
        this.acceptPost = acceptPost;
    }

    String acceptPost() {
        return acceptPost;
    }
}
