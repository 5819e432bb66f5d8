package events.adapters.http;

import java.net.UnknownHostException;

/**
 * A webhook endpoint resolved to, or was about to be dialled at, an address the endpoint rules forbid. An
 * {@link UnknownHostException} because that is all {@link okhttp3.Dns#lookup} may throw; the guarded socket
 * throws it too, so the sender reports both the same way.
 */
final class ForbiddenAddressException extends UnknownHostException {
    ForbiddenAddressException(String message) {
        super(message);
    }
}
