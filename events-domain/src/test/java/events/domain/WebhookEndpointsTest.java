package events.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Webhook endpoint rules (SPEC section 5): https only, no internal addresses, unless the operator allows them. */
class WebhookEndpointsTest {

    private static final String ADDRESSES = "/events/domain/webhook-addresses.csv";

    private static final WebhookEndpoints STRICT = WebhookEndpoints.strict();
    private static final WebhookEndpoints ALLOW_HTTP = WebhookEndpoints.builder().allowHttp(true).build();
    private static final WebhookEndpoints ALLOW_PRIVATE = WebhookEndpoints.builder().allowPrivate(true).build();
    private static final WebhookEndpoints ALLOW_ALL =
            WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build();

    // ---- addresses (checked at every delivery) ----

    @ParameterizedTest(name = "{0} forbidden by [{1}]")
    @CsvFileSource(resources = ADDRESSES, numLinesToSkip = 1)
    void refusesAddressesInForbiddenRangesAndAllowsTheRest(String address, String forbiddenBy) throws Exception {
        InetAddress inet = address(address);

        if (forbiddenBy == null) {
            assertThat(STRICT.whyForbidden(inet)).isEmpty();
            assertThat(STRICT.isForbidden(inet)).isFalse();
        } else {
            assertThat(STRICT.whyForbidden(inet)).hasValueSatisfying(
                    why -> assertThat(why).contains(forbiddenBy.split(" ")));
            assertThat(STRICT.isForbidden(inet)).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = ADDRESSES, numLinesToSkip = 1)
    void allowsEveryAddressButCloudMetadataWhenPrivateAddressesAreAllowed(String address, String forbiddenBy)
            throws Exception {
        InetAddress inet = address(address);
        boolean metadata = forbiddenBy != null && java.util.stream.Stream.of("169.254.169.254/32", "168.63.129.16/32",
                "100.100.100.200/32", "fd00:ec2::254/128").anyMatch(forbiddenBy::contains);

        assertThat(ALLOW_PRIVATE.isForbidden(inet)).as(address).isEqualTo(metadata);
        assertThat(ALLOW_PRIVATE.whyForbidden(inet).isPresent()).isEqualTo(metadata);
    }

    @ParameterizedTest(name = "{0} via InetAddress.getByName")
    @ValueSource(strings = {"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:a9fe:a9fe", "0:0:0:0:0:ffff:c0a8:101"})
    void refusesMappedAddressesThatTheJdkAlreadyTurnedIntoIpv4(String text) throws Exception {
        InetAddress jdk = InetAddress.getByName(text);

        assertThat(jdk).isInstanceOf(Inet4Address.class);
        assertThat(STRICT.isForbidden(jdk)).isTrue();
        assertThat(STRICT.isForbidden(mapped(jdk))).isTrue();
    }

    @ParameterizedTest(name = "{0} via InetAddress.getByName")
    @ValueSource(strings = {"::ffff:0:127.0.0.1", "::ffff:0:7f00:1", "::ffff:0:10.0.0.1", "0:0:0:0:ffff:0:a9fe:a9fe"})
    void refusesTranslatedAddressesThatTheJdkKeepsAsIpv6(String text) throws Exception {
        InetAddress jdk = InetAddress.getByName(text);

        assertThat(jdk).isInstanceOf(Inet6Address.class);
        assertThat(STRICT.whyForbidden(jdk)).hasValueSatisfying(why -> assertThat(why).startsWith("::ffff:0:0:0/96"));
    }

    @Test
    void namesTheRangeAndTheEmbeddedAddressInTheReason() throws Exception {
        assertThat(STRICT.whyForbidden(InetAddress.getByName("169.254.169.254")))
                .hasValue("169.254.169.254/32 cloud instance metadata (AWS, GCP, Azure, OpenStack, ...)");
        assertThat(STRICT.whyForbidden(InetAddress.getByName("169.254.1.1")))
                .hasValue("169.254.0.0/16 link-local (includes cloud metadata)");
        assertThat(STRICT.whyForbidden(address("64:ff9b::10.1.2.3")))
                .hasValue("64:ff9b::/96 NAT64 embedding 10.1.2.3 in 10.0.0.0/8 private-use");
        assertThat(STRICT.whyForbidden(address("::ffff:127.0.0.1")))
                .hasValue("::ffff:0:0/96 IPv4-mapped embedding 127.0.0.1 in 127.0.0.0/8 loopback");
        assertThat(STRICT.whyForbidden(address("::ffff:0:127.0.0.1")))
                .hasValue("::ffff:0:0:0/96 IPv4-translated (SIIT) embedding 127.0.0.1 in 127.0.0.0/8 loopback");
        assertThat(STRICT.whyForbidden(address("2001:0:4136:e378:8000:63bf:3fff:fdd2")))
                .hasValue("2001::/32 Teredo (embeds an obfuscated IPv4 address)");
        assertThat(STRICT.whyForbidden(address("64:ff9b:1::808:808"))).hasValue("64:ff9b:1::/48 NAT64 local-use");
        assertThat(STRICT.whyForbidden(InetAddress.getByName("168.63.129.16")))
                .hasValue("168.63.129.16/32 Azure host services (WireServer, metadata and health probes)");
        assertThat(STRICT.whyForbidden(InetAddress.getByName("100.100.100.200")))
                .hasValue("100.100.100.200/32 Alibaba Cloud instance metadata");
        assertThat(STRICT.whyForbidden(address("fd00:ec2::254"))).hasValue("fd00:ec2::254/128 AWS instance metadata (IPv6)");
    }

    /** A name's answer must not reach the caller: the unnamed reason keeps the range, not the embedded address. */
    @Test
    void namesNoEmbeddedAddressForAnAddressANameResolvedTo() throws Exception {
        assertThat(STRICT.whyForbiddenUnnamed(address("64:ff9b::10.1.2.3")))
                .hasValue("64:ff9b::/96 NAT64 embedding an address in 10.0.0.0/8 private-use");
        InvalidEndpointException e = catchThrowableOfType(InvalidEndpointException.class,
                () -> STRICT.checkResolved("hooks.example.com", List.of(address("64:ff9b::10.1.2.3"))));
        assertThat(e.reason()).doesNotContain("10.1.2.3").contains("10.0.0.0/8");
    }

    @Test
    void refusesToJudgeANullAddress() {
        assertThatNullPointerException().isThrownBy(() -> STRICT.isForbidden(null));
    }

    // ---- URLs (checked at subscription create, without DNS) ----

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            https://example.com/webhook                  | https://example.com/webhook
            HTTPS://Example.COM/Hook                     | https://example.com/Hook
            https://example.com                          | https://example.com/
            https://example.com:8443/a/./b/../c?x=1&y=%20 | https://example.com:8443/a/c?x=1&y=%20
            https://example.com:/x                       | https://example.com/x
            https://example.com:080/x                    | https://example.com:80/x
            https://1.1.1.1/hook                         | https://1.1.1.1/hook
            https://8.8.8.8:443/                         | https://8.8.8.8:443/
            https://[2606:4700:4700::1111]:8443/         | https://[2606:4700:4700::1111]:8443/
            https://[2001:4860:4860::8888]/              | https://[2001:4860:4860::8888]/
            https://[::ffff:8.8.8.8]/                    | https://[::ffff:8.8.8.8]/
            https://[::ffff:0:808:808]/                  | https://[::ffff:0:808:808]/
            https://[2002:808:808::1]/                   | https://[2002:808:808::1]/
            https://168.63.129.17/                       | https://168.63.129.17/
            https://xn--bcher-kva.example/               | https://xn--bcher-kva.example/
            https://my-host.example.com/path?q           | https://my-host.example.com/path?q
            https://example.com./                        | https://example.com./
            """)
    void acceptsHttpsUrlsAndNormalizesThem(String endpoint, String normalized) {
        assertThat(STRICT.checkUrl(endpoint)).isEqualTo(URI.create(normalized));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://localhost/hook", "https://metadata.google.internal/", "https://intranet/",
            "https://rebind.example.com/"})
    void acceptsHostNamesWithoutResolvingThemBecauseDeliveryChecksTheirAddresses(String endpoint) {
        assertThat(STRICT.checkUrl(endpoint)).isEqualTo(URI.create(endpoint));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://example.com/                    | must use https; plain http is not allowed here
            HTTP://example.com/                    | must use https; plain http is not allowed here
            ftp://example.com/                     | must use https, not ftp
            file:///etc/passwd                     | must use https, not file
            javascript:alert(1)                    | must use https, not javascript
            mailto:ops@example.com                 | must use https, not mailto
            gopher://127.0.0.1:6379/_INFO          | must use https, not gopher
            /relative/path                         | must be an absolute URL
            example.com/webhook                    | must be an absolute URL
            //example.com/webhook                  | must be an absolute URL
            https:example.com                      | must have a host
            https:///webhook                       | must have a host
            https://user:pass@example.com/         | must not contain user info
            https://user@example.com/              | must not contain user info
            https://user@my_host/                  | must not contain user info
            https://:@example.com/                 | must not contain user info
            https://example.com/#top               | must not contain a fragment
            https://example.com/#                  | must not contain a fragment
            https://example.com:0/                 | must have a port from 1 to 65535
            https://example.com:65536/             | must have a port from 1 to 65535
            https://example.com:99999999999/       | must have a port from 1 to 65535
            https://example.com:abc/               | must have a port from 1 to 65535
            https://example.com:-1/                | must have a port from 1 to 65535
            https://exa mple.com/                  | is not a valid URL: illegal character in authority at index 8
            ' https://example.com/'                | is not a valid URL
            https://example.com/a b                | is not a valid URL
            https://[1::2::3]/                     | is not a valid URL
            https://my_host.example/               | has an invalid host name
            https://-bad.example/                  | has an invalid host name
            https://a..b.example/                  | has an invalid host name
            https://bücher.example/                | write international names in their xn-- form
            https://[fe80::1%25eth0]/              | must not use an IPv6 zone id
            https://127.0.0.1/                     | host 127.0.0.1 is in 127.0.0.0/8 loopback
            https://127.0.0.1:8443/hook            | host 127.0.0.1 is in 127.0.0.0/8 loopback
            https://10.1.2.3/                      | host 10.1.2.3 is in 10.0.0.0/8 private-use
            https://100.64.0.1/                    | is in 100.64.0.0/10
            https://169.254.169.254/latest/meta-data/ | is in 169.254.169.254/32 cloud instance metadata
            https://172.16.0.1/                    | is in 172.16.0.0/12
            https://192.168.1.1/                   | is in 192.168.0.0/16
            https://0.0.0.0/                       | is in 0.0.0.0/8
            https://224.0.0.1/                     | is in 224.0.0.0/4 multicast
            https://255.255.255.255/               | is in 255.255.255.255/32
            https://[::1]/                         | is in ::1/128 loopback
            https://[::]/                          | is in ::/128 unspecified
            https://[::ffff:10.0.0.1]/             | host 10.0.0.1 is in 10.0.0.0/8
            https://[::ffff:7f00:1]/               | host 127.0.0.1 is in 127.0.0.0/8
            https://[::127.0.0.1]/                 | is in ::/96 IPv4-compatible (deprecated) embedding 127.0.0.1
            https://[fe80::1]/                     | is in fe80::/10 link-local
            https://[FD00::1]/                     | is in fc00::/7 unique local
            https://[ff02::1]/                     | is in ff00::/8 multicast
            https://[64:ff9b::a9fe:a9fe]/          | 64:ff9b::/96 NAT64 embedding 169.254.169.254
            https://[2002:7f00:1::]/               | 2002::/16 6to4 embedding 127.0.0.1
            https://[::ffff:0:7f00:1]/             | is in ::ffff:0:0:0/96 IPv4-translated (SIIT) embedding 127.0.0.1
            https://[::ffff:0:10.0.0.1]/           | is in ::ffff:0:0:0/96 IPv4-translated (SIIT) embedding 10.0.0.1
            https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/ | is in 2001::/32 Teredo
            https://[64:ff9b:1::808:808]/          | is in 64:ff9b:1::/48 NAT64 local-use
            https://[2001:2::1]/                   | is in 2001:2::/48 benchmarking
            https://[100::1]/                      | is in 100::/64 discard-only
            https://168.63.129.16/                 | host 168.63.129.16 is in 168.63.129.16/32 Azure host services
            https://100.100.100.200/latest/meta-data/ | is in 100.100.100.200/32 Alibaba Cloud instance metadata
            https://[fd00:ec2::254]/latest/meta-data/ | is in fd00:ec2::254/128 AWS instance metadata
            """)
    void refusesBadUrlsSayingWhatIsWrong(String endpoint, String reason) {
        assertThat(refusal(STRICT, endpoint).reason()).contains(reason);
    }

    @ParameterizedTest(name = "{0}")
    @NullAndEmptySource
    void refusesAMissingUrl(String endpoint) {
        assertThat(refusal(STRICT, endpoint).reason()).isEqualTo("is required");
    }

    @Test
    void acceptsUrlsOfUpTo2048Characters() {
        String longest = "https://example.com/" + "a".repeat(WebhookEndpoints.MAX_LENGTH - 20);

        assertThat(longest).hasSize(2048);
        assertThat(STRICT.checkUrl(longest)).hasToString(longest);
    }

    @Test
    void refusesUrlsLongerThan2048Characters() {
        String tooLong = "https://example.com/" + "a".repeat(WebhookEndpoints.MAX_LENGTH - 19);

        assertThat(refusal(STRICT, tooLong).reason()).isEqualTo("must be at most 2048 characters long, is 2049");
    }

    @Test
    void neverRepeatsTheUrlInTheMessageBecauseItMayCarryCredentials() {
        InvalidEndpointException e = refusal(STRICT, "https://alice:s3cret@example.com/");

        assertThat(e.getMessage()).doesNotContain("s3cret").doesNotContain("alice");
    }

    @Test
    void reportsTheFailureAsAViolationOfEndPoint() {
        InvalidEndpointException e = refusal(STRICT, "http://example.com/");

        assertThat(e).isInstanceOf(EventsException.class);
        assertThat(e.getMessage()).isEqualTo("endPoint: must use https; plain http is not allowed here");
        assertThat(e.violation()).isEqualTo(new Violation("endPoint", "must use https; plain http is not allowed here"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://example.com/webhook  | http://example.com/webhook
            HTTP://Example.com          | http://example.com/
            https://example.com/webhook | https://example.com/webhook
            """)
    void acceptsHttpWhenTheOperatorAllowsIt(String endpoint, String normalized) {
        assertThat(ALLOW_HTTP.checkUrl(endpoint)).isEqualTo(URI.create(normalized));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ftp://example.com/     | must use https or http, not ftp
            ws://example.com/      | must use https or http, not ws
            http://127.0.0.1/      | host 127.0.0.1 is in 127.0.0.0/8 loopback
            http://user@example/   | must not contain user info
            """)
    void stillRefusesOtherSchemesAndPrivateAddressesWhenHttpIsAllowed(String endpoint, String reason) {
        assertThat(refusal(ALLOW_HTTP, endpoint).reason()).startsWith(reason);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://127.0.0.1/", "https://10.0.0.1:8443/x", "https://169.254.1.1/",
            "https://[::1]/", "https://[::ffff:10.0.0.1]/", "https://[fd00::1]/", "https://[2002:7f00:1::]/",
            "https://[::ffff:0:a00:1]/", "https://[2001::1]/", "https://[64:ff9b:1::1]/", "https://[fd00:ec2::253]/"})
    void acceptsPrivateIpLiteralsWhenTheOperatorAllowsThem(String endpoint) {
        assertThat(ALLOW_PRIVATE.checkUrl(endpoint)).isEqualTo(URI.create(endpoint));
        assertThat(refusal(ALLOW_PRIVATE, endpoint.replace("https:", "http:")).reason()).startsWith("must use https");
    }

    /** The metadata services hand out the host's credentials: no operator setting opens them to webhooks. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://169.254.169.254/latest/meta-data/", "https://168.63.129.16/",
            "https://100.100.100.200/", "https://[fd00:ec2::254]/", "https://[::ffff:169.254.169.254]/",
            "https://[64:ff9b::a9fe:a9fe]/"})
    void refusesCloudMetadataEvenWhenPrivateAddressesAreAllowed(String endpoint) {
        assertThat(refusal(ALLOW_ALL, endpoint).reason()).contains("metadata");
    }

    @Test
    void acceptsPlainHttpToLoopbackWhenBothAreAllowed() {
        assertThat(ALLOW_ALL.checkUrl("http://127.0.0.1:8080/hook")).isEqualTo(URI.create("http://127.0.0.1:8080/hook"));
    }

    /**
     * Hosts that parsers read as numbers in different ways. The JDK 17 here reads {@code 2130706433} as
     * 127.0.0.1 and {@code 0177.0.0.1} as 177.0.0.1 (decimal), and refuses {@code 0x7f.0.0.1} at URI parsing;
     * curl, glibc's inet_aton and browsers read {@code 0177.0.0.1} as octal 127.0.0.1 and accept hex parts and
     * short forms ({@code 127.1}). Whatever the check read, the sender might dial something else, so only four
     * plain decimal numbers count as an IPv4 address; everything else whose last label is a number is refused,
     * even when private addresses are allowed.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://2130706433/", "https://3232235777/", "https://0x7f000001/",
            "https://0x7f.0.0.1/", "https://0177.0.0.1/", "https://127.1/", "https://127.0.1/", "https://127.0.0.1./",
            "https://1.2.3.4.5/", "https://08.8.8.8/", "https://8.8.8.010/", "https://0/", "https://example.123/",
            "https://example.0x1f/", "https://example.0x/", "https://2130706433:443/"})
    void refusesAmbiguousNumericHostsWhateverTheOperatorAllows(String endpoint) {
        for (WebhookEndpoints rules : List.of(STRICT, ALLOW_ALL)) {
            assertThat(refusal(rules, endpoint).reason()).startsWith("has an ambiguous numeric host");
        }
    }

    // ---- construction ----

    @Test
    void isStrictByDefault() {
        assertThat(WebhookEndpoints.strict().allowHttp()).isFalse();
        assertThat(WebhookEndpoints.strict().allowPrivate()).isFalse();
        assertThat(WebhookEndpoints.builder().build()).hasToString(WebhookEndpoints.strict().toString());
    }

    @Test
    void derivesVariantsWithoutChangingTheOriginal() {
        WebhookEndpoints both = ALLOW_HTTP.newBuilder().allowPrivate(true).build();

        assertThat(both.allowHttp()).isTrue();
        assertThat(both.allowPrivate()).isTrue();
        assertThat(ALLOW_HTTP.allowPrivate()).isFalse();
    }

    // ---- helpers ----

    private static InvalidEndpointException refusal(WebhookEndpoints rules, String endpoint) {
        InvalidEndpointException e = catchThrowableOfType(InvalidEndpointException.class, () -> rules.checkUrl(endpoint));
        assertThat(e).as("refusal of %s", endpoint).isNotNull();
        return e;
    }

    /** The address as written: IPv6 text stays an Inet6Address even in the IPv4-mapped form. */
    private static InetAddress address(String text) throws UnknownHostException {
        InetAddress parsed = InetAddress.getByName(text); // literals only: never a DNS lookup
        if (text.contains(":") && parsed instanceof Inet4Address) {
            parsed = mapped(parsed);
        }
        assertThat(parsed).isInstanceOf(text.contains(":") ? Inet6Address.class : Inet4Address.class);
        return parsed;
    }

    @ParameterizedTest
    @CsvSource({"https://203.0.113.7/hook, true", "https://[2001:db8::1]:8443/hook, true",
            "https://hooks.example.com/hook, false", "https://203.0.113.7.example.com/hook, false"})
    void tellsAddressLiteralsFromNamesToResolve(String url, boolean literal) {
        assertThat(WebhookEndpoints.hasAddressLiteral(WebhookEndpoints.strict().checkUrl(url))).isEqualTo(literal);
    }

    @Test
    void refusesANameWhenAnyOfItsAddressesIsForbidden() throws UnknownHostException {
        WebhookEndpoints strict = WebhookEndpoints.strict();
        InetAddress publicAddress = InetAddress.getByName("93.184.216.34");
        InetAddress privateAddress = InetAddress.getByName("10.1.2.3");
        strict.checkResolved("hooks.example.com", List.of(publicAddress));

        InvalidEndpointException e = catchThrowableOfType(InvalidEndpointException.class,
                () -> strict.checkResolved("hooks.example.com", List.of(publicAddress, privateAddress)));
        assertThat(e.reason()).contains("hooks.example.com", "10.0.0.0/8").doesNotContain("10.1.2.3");
        WebhookEndpoints.builder().allowPrivate(true).build()
                .checkResolved("hooks.example.com", List.of(publicAddress, privateAddress));
    }

    private static Inet6Address mapped(InetAddress ipv4) throws UnknownHostException {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        System.arraycopy(ipv4.getAddress(), 0, bytes, 12, 4);
        Inet6Address mapped = Inet6Address.getByAddress(null, bytes, -1);
        assertThat(Arrays.copyOfRange(mapped.getAddress(), 12, 16)).isEqualTo(ipv4.getAddress());
        return mapped;
    }
}
