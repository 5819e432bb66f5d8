package events.adapters.http.internal;

/** Too many publishes (or bytes of them) are waiting for storage: this one is refused. Maps to 503. */
final class OverloadedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OverloadedException(int publishes, long bytes) {
        super(publishes + " publishes (" + bytes + " bytes) are waiting for storage", null, false, false);
    }
}
