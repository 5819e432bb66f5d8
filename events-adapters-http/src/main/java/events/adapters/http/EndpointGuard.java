package events.adapters.http;

import events.domain.WebhookEndpoints;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import javax.net.SocketFactory;
import okhttp3.Dns;

/**
 * The endpoint rules at dial time (SSRF, DNS rebinding): a {@link Dns} that hands OkHttp only the addresses
 * the rules allow, and a {@link SocketFactory} whose sockets refuse to connect to a forbidden address. The
 * socket check sees the very address being dialled, so it also covers IP-literal hosts (OkHttp does not ask
 * the {@code Dns} for those) and anything that bypasses the {@code Dns}.
 *
 * <p>Why a socket and not {@code EventListener.connectStart}: a listener cannot throw a checked
 * {@link IOException}, and OkHttp rethrows an unchecked one on its dispatcher thread after failing the call;
 * {@link Socket#connect} is specified to throw {@code IOException}, which OkHttp reports as a failed route.
 */
final class EndpointGuard {
    private final WebhookEndpoints endpoints;

    EndpointGuard(WebhookEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** {@code delegate}'s answer without the forbidden addresses; fails when none remain. */
    Dns dns(Dns delegate) {
        return host -> {
            List<InetAddress> resolved = delegate.lookup(host);
            List<InetAddress> allowed = new ArrayList<>(resolved.size());
            StringJoiner refused = new StringJoiner(", ");
            for (InetAddress address : resolved) {
                // Refusals reach the subscription's owner (its deliveries list): ranges only, never the addresses.
                Optional<String> why = endpoints.whyForbiddenUnnamed(address);
                if (why.isPresent()) {
                    refused.add(why.get());
                } else {
                    allowed.add(address);
                }
            }
            if (allowed.isEmpty()) {
                if (resolved.isEmpty()) {
                    throw new UnknownHostException("no address for " + host);
                }
                throw new ForbiddenAddressException(
                        "host " + host + " resolves only to forbidden addresses: " + refused);
            }
            return allowed;
        };
    }

    /** Plain sockets that check the address before connecting. */
    SocketFactory socketFactory() {
        return new GuardedSocketFactory();
    }

    /** Throws when the rules forbid {@code address}. */
    void check(InetAddress address) throws ForbiddenAddressException {
        Optional<String> why = endpoints.whyForbiddenUnnamed(address);
        if (why.isPresent()) {
            throw new ForbiddenAddressException("the address dialled is forbidden (" + why.get() + ")");
        }
    }

    private final class GuardedSocketFactory extends SocketFactory {
        @Override
        public Socket createSocket() {
            return new GuardedSocket();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
        }

        private Socket connected(InetSocketAddress remote, InetSocketAddress... local) throws IOException {
            Socket socket = new GuardedSocket();
            try {
                if (local.length > 0) {
                    socket.bind(local[0]);
                }
                socket.connect(remote);
                return socket;
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }
    }

    private final class GuardedSocket extends Socket {
        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (endpoint instanceof InetSocketAddress inet) {
                if (inet.isUnresolved()) {
                    throw new UnknownHostException("unresolved address " + inet.getHostString());
                }
                check(inet.getAddress());
            }
            super.connect(endpoint, timeout);
        }
    }
}
