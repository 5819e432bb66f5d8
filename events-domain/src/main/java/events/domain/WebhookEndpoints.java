package events.domain;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which webhook endpoints may be called (SPEC section 5, SSRF protection): absolute {@code https} URLs
 * ({@code http} only with {@code EVENTS_WEBHOOK_ALLOW_HTTP}) whose addresses are not loopback, private,
 * link-local, multicast, reserved or unspecified (unless {@code EVENTS_WEBHOOK_ALLOW_PRIVATE}).
 *
 * <p>Two checks, because DNS answers change (rebinding): {@link #checkUrl(String)} when a subscription is
 * created, without DNS (IP-literal hosts are checked right there); and {@link #isForbidden(InetAddress)}
 * at every delivery, for each address the host name resolves to. The sender must dial the very address
 * it checked, not resolve the name a second time.
 *
 * <p>The address rules are explicit CIDR tables, not {@code InetAddress.isSiteLocalAddress()} and friends,
 * which miss carrier-grade NAT, benchmarking, reserved, unique-local and the IPv6 forms that embed an
 * IPv4 address. The tables also name the few cloud host addresses that sit outside every special-purpose
 * range (Azure's 168.63.129.16), and name the metadata addresses that sit inside one, so the reason says
 * what was protected. IPv6 forms that carry an IPv4 address that cannot be read off reliably (Teredo, whose
 * client address is obfuscated; NAT64 local-use prefixes, whose embedding offset depends on the network's prefix
 * length) are refused whole; forms with a fixed position are judged by the IPv4 address they carry. Immutable
 * and thread-safe.
 */
public final class WebhookEndpoints {

    /** Longest endpoint URL accepted, in characters. */
    public static final int MAX_LENGTH = 2048;

    /**
     * Cloud instance metadata and host services: refused even when private addresses are allowed (a receiver on
     * this machine or network is a test or an internal service; the metadata service hands out credentials).
     */
    private static final List<Cidr> METADATA_IPV4 = List.of(
            Cidr.of("169.254.169.254/32", "cloud instance metadata (AWS, GCP, Azure, OpenStack, ...)"),
            Cidr.of("168.63.129.16/32", "Azure host services (WireServer, metadata and health probes)"),
            Cidr.of("100.100.100.200/32", "Alibaba Cloud instance metadata"));
    private static final List<Cidr> METADATA_IPV6 = List.of(
            Cidr.of("fd00:ec2::254/128", "AWS instance metadata (IPv6)"));

    /**
     * IPv4 ranges refused, the first match naming the reason: the cloud host addresses come before the ranges
     * that contain them, so a refusal says "metadata" rather than only "carrier-grade NAT".
     */
    private static final List<Cidr> FORBIDDEN_IPV4 = concat(METADATA_IPV4, List.of(
            Cidr.of("0.0.0.0/8", "\"this network\" (unspecified)"),
            Cidr.of("10.0.0.0/8", "private-use"),
            Cidr.of("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
            Cidr.of("127.0.0.0/8", "loopback"),
            Cidr.of("169.254.0.0/16", "link-local (includes cloud metadata)"),
            Cidr.of("172.16.0.0/12", "private-use"),
            Cidr.of("192.0.0.0/24", "IETF protocol assignments"),
            Cidr.of("192.168.0.0/16", "private-use"),
            Cidr.of("198.18.0.0/15", "benchmarking"),
            Cidr.of("224.0.0.0/4", "multicast"),
            Cidr.of("255.255.255.255/32", "limited broadcast"),
            Cidr.of("240.0.0.0/4", "reserved")));

    /** IPv6 ranges refused whole, checked before {@link #IPV4_EMBEDDINGS}; specific addresses first, as for IPv4. */
    private static final List<Cidr> FORBIDDEN_IPV6 = concat(METADATA_IPV6, List.of(
            Cidr.of("::/128", "unspecified"),
            Cidr.of("::1/128", "loopback"),
            Cidr.of("100::/64", "discard-only"),
            // Teredo: a relay forwards to the client's IPv4 address, stored XORed in the last 32 bits, so any
            // IPv4 target, private ones included, can hide behind a Teredo address.
            Cidr.of("2001::/32", "Teredo (embeds an obfuscated IPv4 address)"),
            Cidr.of("2001:2::/48", "benchmarking"),
            // RFC 8215: the IPv4 address sits at an offset set by each network's prefix length, unknowable here.
            Cidr.of("64:ff9b:1::/48", "NAT64 local-use"),
            Cidr.of("fe80::/10", "link-local"),
            Cidr.of("fec0::/10", "site-local (deprecated)"),
            Cidr.of("fc00::/7", "unique local"),
            Cidr.of("ff00::/8", "multicast")));

    /**
     * IPv6 prefixes that carry an IPv4 address at a fixed place; it is checked against {@link #FORBIDDEN_IPV4}.
     * The JDK turns IPv4-mapped text ({@code ::ffff:a.b.c.d}) into an {@code Inet4Address} but keeps
     * IPv4-translated ({@code ::ffff:0:a.b.c.d}) and the others as IPv6, and an {@code Inet6Address} built from
     * bytes can still hold the mapped form: all of them are judged here.
     */
    private static final List<Embedding> IPV4_EMBEDDINGS = List.of(
            new Embedding(Cidr.of("::ffff:0:0/96", "IPv4-mapped"), 12),
            new Embedding(Cidr.of("::ffff:0:0:0/96", "IPv4-translated (SIIT)"), 12),
            new Embedding(Cidr.of("::/96", "IPv4-compatible (deprecated)"), 12),
            new Embedding(Cidr.of("64:ff9b::/96", "NAT64"), 12),
            new Embedding(Cidr.of("2002::/16", "6to4"), 2));

    /** Four decimal numbers 0-255 without leading zeros: the one IPv4 spelling every parser agrees on. */
    private static final Pattern CANONICAL_IPV4 =
            Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /** A label that URL parsers (WHATWG, curl, inet_aton) read as a number: decimal, or hex after 0x. */
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");

    private final boolean allowHttp;
    private final boolean allowPrivate;

    private WebhookEndpoints(Builder builder) {
        this.allowHttp = builder.allowHttp;
        this.allowPrivate = builder.allowPrivate;
    }

    /** The defaults: https only, no private addresses. */
    public static WebhookEndpoints strict() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with these rules, to derive a variant. */
    public Builder newBuilder() {
        return new Builder().allowHttp(allowHttp).allowPrivate(allowPrivate);
    }

    /** Whether plain {@code http} endpoints are accepted ({@code EVENTS_WEBHOOK_ALLOW_HTTP}). */
    public boolean allowHttp() {
        return allowHttp;
    }

    /** Whether loopback, private and other internal addresses are accepted ({@code EVENTS_WEBHOOK_ALLOW_PRIVATE}). */
    public boolean allowPrivate() {
        return allowPrivate;
    }

    /**
     * Checks an endpoint URL without DNS and returns it normalized: scheme and host in lower case, an empty
     * path as {@code /}, dot segments removed, an empty port dropped.
     *
     * <p>Host names are only checked for syntax; their addresses are checked at delivery. IP-literal hosts
     * are checked against the address rules here. A host whose last label is a number but which is not
     * four plain decimal numbers ({@code 2130706433}, {@code 0x7f.0.0.1}, {@code 0177.0.0.1},
     * {@code 127.1}, {@code 1.2.3.4.}) is refused whatever the rules: parsers disagree about what
     * address it means (Java reads {@code 0177.0.0.1} as 177.0.0.1, curl and browsers as 127.0.0.1).
     *
     * @throws InvalidEndpointException saying what is wrong
     */
    public URI checkUrl(String endpoint) {
        if (endpoint == null || endpoint.isEmpty()) {
            throw new InvalidEndpointException("is required");
        }
        if (endpoint.length() > MAX_LENGTH) {
            throw new InvalidEndpointException(
                    "must be at most " + MAX_LENGTH + " characters long, is " + endpoint.length());
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new InvalidEndpointException(
                    "is not a valid URL: " + e.getReason().toLowerCase(Locale.ROOT) + " at index " + e.getIndex());
        }
        if (!uri.isAbsolute()) {
            throw new InvalidEndpointException("must be an absolute URL such as https://example.com/webhook");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new InvalidEndpointException(scheme.equals("http")
                    ? "must use https; plain http is not allowed here"
                    : "must use " + (allowHttp ? "https or http" : "https") + ", not " + scheme);
        }
        String authority = uri.getRawAuthority();
        if (uri.isOpaque() || authority == null || authority.isEmpty()) {
            throw new InvalidEndpointException("must have a host, as in " + scheme + "://example.com/webhook");
        }
        if (authority.indexOf('@') >= 0) {
            throw new InvalidEndpointException("must not contain user info (credentials would leak into logs)");
        }
        if (uri.getRawFragment() != null) {
            throw new InvalidEndpointException("must not contain a fragment (#...)");
        }
        String host = uri.getHost();
        int port = uri.getPort();
        if (host == null) {
            // Java's URI parser gave up on the authority; find out why, for a precise message.
            int colon = authority.lastIndexOf(':');
            String hostText = colon < 0 ? authority : authority.substring(0, colon);
            if (colon >= 0) {
                String portText = authority.substring(colon + 1);
                if (!portText.isEmpty() && !isPort(portText)) {
                    throw portOutOfRange();
                }
            }
            checkNotNumeric(hostText);
            throw new InvalidEndpointException(isAscii(hostText)
                    ? "has an invalid host name (letters, digits, hyphens and dots only)"
                    : "has a host name that is not ASCII; write international names in their xn-- form");
        }
        if (port != -1 && (port < 1 || port > 65535)) {
            throw portOutOfRange();
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            checkAddress(ipv6Literal(host));
        } else if (CANONICAL_IPV4.matcher(host).matches()) {
            checkAddress(ipv4Literal(host));
        } else {
            checkNotNumeric(host);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String normalized = scheme + "://" + host + (port == -1 ? "" : ":" + port) + path
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return URI.create(normalized).normalize();
    }

    /** True when delivery to this address must be refused: private addresses are not allowed and it is one. */
    public boolean isForbidden(InetAddress address) {
        return whyForbidden(address).isPresent();
    }

    /**
     * The forbidden range the address is in, e.g. {@code 127.0.0.0/8 loopback}, for error messages and logs;
     * empty when delivery to it is allowed (always, when private addresses are allowed).
     */
    public Optional<String> whyForbidden(InetAddress address) {
        return why(address, true);
    }

    /**
     * {@link #whyForbidden} without the IPv4 address an IPv6 address carries: for an address a name resolved to,
     * whose answer a caller must not learn (it would tell what this network's DNS says).
     */
    public Optional<String> whyForbiddenUnnamed(InetAddress address) {
        return why(address, false);
    }

    private Optional<String> why(InetAddress address, boolean nameEmbedded) {
        Objects.requireNonNull(address, "address");
        List<Cidr> forbiddenIpv4 = allowPrivate ? METADATA_IPV4 : FORBIDDEN_IPV4;
        List<Cidr> forbiddenIpv6 = allowPrivate ? METADATA_IPV6 : FORBIDDEN_IPV6;
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return find(forbiddenIpv4, bytes).map(Cidr::toString);
        }
        Optional<Cidr> v6 = find(forbiddenIpv6, bytes);
        if (v6.isPresent()) {
            return v6.map(Cidr::toString);
        }
        for (Embedding embedding : IPV4_EMBEDDINGS) {
            if (embedding.prefix().contains(bytes)) {
                byte[] ipv4 = Arrays.copyOfRange(bytes, embedding.offset(), embedding.offset() + 4);
                return find(forbiddenIpv4, ipv4)
                        .map(inner -> embedding.prefix() + " embedding " + (nameEmbedded ? dotted(ipv4) : "an address")
                                + " in " + inner);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the host of a URL returned by {@link #checkUrl} is an address literal ({@code 203.0.113.7},
     * {@code [2001:db8::1]}): {@link #checkUrl} has checked that address already, and there is no name to resolve.
     */
    public static boolean hasAddressLiteral(URI checked) {
        String host = checked.getHost();
        return host.startsWith("[") || CANONICAL_IPV4.matcher(host).matches();
    }

    /**
     * Refuses a host name when any address it resolves to is forbidden: a private address behind a public name
     * is refused at create, even next to public ones.
     */
    public void checkResolved(String host, Collection<InetAddress> addresses) {
        for (InetAddress address : addresses) {
            Optional<String> why = whyForbiddenUnnamed(address);
            if (why.isPresent()) {
                // The address itself is left out: it would tell a caller what this network's DNS says.
                throw new InvalidEndpointException("the host " + host + " resolves to an address in " + why.get()
                        + "; private, loopback and other internal addresses are not allowed");
            }
        }
    }

    @Override
    public String toString() {
        return "WebhookEndpoints[allowHttp=" + allowHttp + ", allowPrivate=" + allowPrivate + "]";
    }

    private void checkAddress(InetAddress address) {
        Optional<String> why = whyForbidden(address);
        if (why.isPresent()) {
            throw new InvalidEndpointException("host " + address.getHostAddress() + " is in " + why.get()
                    + "; private, loopback and other internal addresses are not allowed");
        }
    }

    private static Optional<Cidr> find(List<Cidr> table, byte[] address) {
        return table.stream().filter(cidr -> cidr.contains(address)).findFirst();
    }

    private static void checkNotNumeric(String host) {
        String withoutRootDot = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String lastLabel = withoutRootDot.substring(withoutRootDot.lastIndexOf('.') + 1);
        if (NUMERIC_LABEL.matcher(lastLabel).matches()) {
            throw new InvalidEndpointException("has an ambiguous numeric host; write an IPv4 address as four "
                    + "decimal numbers without leading zeros, such as 192.0.2.10");
        }
    }

    private static InetAddress ipv6Literal(String bracketed) {
        String literal = bracketed.substring(1, bracketed.length() - 1);
        if (literal.indexOf('%') >= 0) {
            throw new InvalidEndpointException("must not use an IPv6 zone id (%...) in the host");
        }
        try {
            return InetAddress.getByName(literal); // a literal with ':' is parsed, never looked up
        } catch (UnknownHostException e) {
            throw new InvalidEndpointException("has an invalid IPv6 address as host");
        }
    }

    private static InetAddress ipv4Literal(String dotted) {
        try {
            return InetAddress.getByAddress(Cidr.parseIpv4(dotted)); // no lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an address", e);
        }
    }

    private static InvalidEndpointException portOutOfRange() {
        return new InvalidEndpointException("must have a port from 1 to 65535 when it names one");
    }

    private static boolean isPort(String text) {
        if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int port = Integer.parseInt(text);
        return port >= 1 && port <= 65535;
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 128);
    }

    private static String dotted(byte[] ipv4) {
        return (ipv4[0] & 0xff) + "." + (ipv4[1] & 0xff) + "." + (ipv4[2] & 0xff) + "." + (ipv4[3] & 0xff);
    }

    /** Builds {@link WebhookEndpoints}; both switches default to false. */
    public static final class Builder {
        private boolean allowHttp;
        private boolean allowPrivate;

        private Builder() {
        }

        /** Accept plain {@code http} endpoints ({@code EVENTS_WEBHOOK_ALLOW_HTTP}). */
        public Builder allowHttp(boolean allow) {
            this.allowHttp = allow;
            return this;
        }

        /** Accept loopback, private and other internal addresses ({@code EVENTS_WEBHOOK_ALLOW_PRIVATE}). */
        public Builder allowPrivate(boolean allow) {
            this.allowPrivate = allow;
            return this;
        }

        public WebhookEndpoints build() {
            return new WebhookEndpoints(this);
        }
    }

    /** An IPv6 prefix whose addresses carry an IPv4 address in the four bytes from {@code offset}. */
    private record Embedding(Cidr prefix, int offset) {
    }

    /** An address range in CIDR notation with its IANA special-purpose name. */
    private record Cidr(byte[] network, int prefixLength, String name) {

        /** Parses {@code 10.0.0.0/8} or {@code fe80::/10}; for the constant tables only. */
        static Cidr of(String cidr, String name) {
            int slash = cidr.indexOf('/');
            String address = cidr.substring(0, slash);
            byte[] network = address.indexOf(':') >= 0 ? parseIpv6(address) : parseIpv4(address);
            int prefixLength = Integer.parseInt(cidr.substring(slash + 1));
            if (prefixLength < 0 || prefixLength > network.length * 8) {
                throw new IllegalArgumentException("bad prefix length: " + cidr);
            }
            return new Cidr(network, prefixLength, name);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefixLength / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int remainingBits = prefixLength % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = (0xff << (8 - remainingBits)) & 0xff;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }

        /** Four decimal numbers 0-255. */
        static byte[] parseIpv4(String dotted) {
            String[] parts = dotted.split("\\.", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException("not a dotted IPv4 address: " + dotted);
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int value = Integer.parseInt(parts[i]);
                if (value < 0 || value > 255) {
                    throw new IllegalArgumentException("not a dotted IPv4 address: " + dotted);
                }
                bytes[i] = (byte) value;
            }
            return bytes;
        }

        /**
         * Hex groups with at most one {@code ::}. Not {@code InetAddress.getByName}: it turns
         * {@code ::ffff:0:0} into the IPv4 address 0.0.0.0.
         */
        static byte[] parseIpv6(String text) {
            int gap = text.indexOf("::");
            String[] head = groups(gap < 0 ? text : text.substring(0, gap));
            String[] tail = gap < 0 ? new String[0] : groups(text.substring(gap + 2));
            if (gap < 0 ? head.length != 8 : head.length + tail.length > 7) {
                throw new IllegalArgumentException("not an IPv6 address: " + text);
            }
            byte[] bytes = new byte[16];
            for (int i = 0; i < head.length; i++) {
                putGroup(bytes, i, head[i]);
            }
            for (int i = 0; i < tail.length; i++) {
                putGroup(bytes, 8 - tail.length + i, tail[i]);
            }
            return bytes;
        }

        private static String[] groups(String text) {
            return text.isEmpty() ? new String[0] : text.split(":", -1);
        }

        private static void putGroup(byte[] bytes, int index, String group) {
            int value = Integer.parseInt(group, 16);
            if (group.length() > 4 || value < 0) {
                throw new IllegalArgumentException("not an IPv6 group: " + group);
            }
            bytes[2 * index] = (byte) (value >> 8);
            bytes[2 * index + 1] = (byte) value;
        }

        /** {@code 10.0.0.0/8 private-use}. */
        @Override
        public String toString() {
            return format(network) + "/" + prefixLength + " " + name;
        }

        private static String format(byte[] network) {
            if (network.length == 4) {
                return dotted(network);
            }
            int[] groups = new int[8];
            for (int i = 0; i < 8; i++) {
                groups[i] = ((network[2 * i] & 0xff) << 8) | (network[2 * i + 1] & 0xff);
            }
            // RFC 5952: the longest run of two or more zero groups becomes "::".
            int runStart = -1;
            int runLength = 1;
            for (int i = 0; i < 8; i++) {
                int j = i;
                while (j < 8 && groups[j] == 0) {
                    j++;
                }
                if (j - i > runLength) {
                    runStart = i;
                    runLength = j - i;
                }
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                if (i == runStart) {
                    sb.append("::");
                    i += runLength - 1;
                    continue;
                }
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                    sb.append(':');
                }
                sb.append(Integer.toHexString(groups[i]));
            }
            return sb.toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cidr other && prefixLength == other.prefixLength
                    && Arrays.equals(network, other.network) && name.equals(other.name);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + prefixLength;
        }
    }

    /** {@code first}, then {@code ranges}: a refusal names the metadata service rather than its range. */
    private static List<Cidr> concat(List<Cidr> first, List<Cidr> ranges) {
        List<Cidr> all = new java.util.ArrayList<>(first);
        all.addAll(ranges);
        return List.copyOf(all);
    }

}
