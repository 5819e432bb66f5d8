package events.server;

/** A setting has a value the server cannot use. The message is one line meant for the operator. */
final class SettingsException extends RuntimeException {
    SettingsException(String message) {
        super(message);
    }
}
