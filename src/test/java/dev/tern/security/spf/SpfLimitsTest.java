package dev.tern.security.spf;

import dev.tern.dns.DnsResolver;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The processing limits of RFC 7208 §4.6.4. */
class SpfLimitsTest {

    private static final InetAddress CLIENT = address("192.0.2.1");

    private TestDnsServer dns;
    private DnsResolver resolver;
    private SpfVerifier verifier;

    @BeforeEach
    void start() {
        dns = TestDnsServer.start();
        resolver = new DnsResolver(dns.settings());
        verifier = new SpfVerifier(resolver, "mx.receiver.test", Clock.systemUTC());
        dns.a("other.test", "198.51.100.1");
    }

    @AfterEach
    void stop() {
        resolver.close();
        dns.close();
    }

    @ParameterizedTest
    @CsvSource({"10, PASS", "11, PERMERROR"})
    void atMostTenTermsQueryDns(int terms, SpfResult expected) throws Exception {
        dns.txt("limits.test", "v=spf1 " + "a:other.test ".repeat(terms) + "ip4:192.0.2.1 -all");

        SpfOutcome outcome = check("limits.test");

        assertThat(outcome.result()).isEqualTo(expected);
        if (expected == SpfResult.PERMERROR) {
            assertThat(outcome.reason()).startsWith("too many DNS lookups");
        }
    }

    /** include (1) + three a in it, redirect (5), then five or six a in the redirect target. */
    @ParameterizedTest
    @CsvSource({"5, PASS", "6, PERMERROR"})
    void termsAreCountedAcrossIncludesAndRedirects(int inTarget, SpfResult expected) throws Exception {
        dns.txt("limits.test", "v=spf1 include:inc.limits.test redirect=target.limits.test");
        dns.txt("inc.limits.test", "v=spf1 a:other.test a:other.test a:other.test -all");
        dns.txt("target.limits.test", "v=spf1 " + "a:other.test ".repeat(inTarget) + "ip4:192.0.2.1 -all");

        assertThat(check("limits.test").result()).isEqualTo(expected);
    }

    @Test
    void includeLoopsEndAsPermerror() throws Exception {
        dns.txt("loop.test", "v=spf1 include:loop2.test -all");
        dns.txt("loop2.test", "v=spf1 include:loop.test -all");

        SpfOutcome outcome = check("loop.test");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.reason()).startsWith("too many DNS lookups");
    }

    @Test
    void twoVoidLookupsAreAllowed() throws Exception {
        dns.txt("nodata.test", "not an SPF record");
        dns.txt("void.test", "v=spf1 a:nx1.test mx:nodata.test ?all"); // NXDOMAIN, then NODATA

        assertThat(check("void.test").result()).isEqualTo(SpfResult.NEUTRAL);
    }

    @Test
    void aThirdVoidLookupIsPermerror() throws Exception {
        dns.txt("nodata.test", "not an SPF record");
        dns.txt("void.test", "v=spf1 a:nx1.test mx:nodata.test exists:nx3.test ip4:192.0.2.1");

        SpfOutcome outcome = check("void.test");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.reason()).contains("found nothing");
    }

    @Test
    void theExplanationLookupIsNotCounted() throws Exception {
        dns.txt("void.test", "v=spf1 a:nx1.test a:nx2.test -all exp=nx3.test");

        SpfOutcome outcome = check("void.test");

        assertThat(outcome.result()).isEqualTo(SpfResult.FAIL);
        assertThat(outcome.explanation()).isNull();
    }

    @Test
    void tenMxHostsAreLookedUp() throws Exception {
        dns.txt("mx.test", "v=spf1 mx -all");
        IntStream.range(0, 10).forEach(i -> dns.mx("mx.test", i, "h" + i + ".mx.test").a("h" + i + ".mx.test", "198.51.100." + (i + 10)));
        dns.a("h9.mx.test", "192.0.2.1");

        assertThat(check("mx.test").result()).isEqualTo(SpfResult.PASS);
    }

    @Test
    void moreThanTenMxHostsArePermerrorWithoutLookingThemUp() throws Exception {
        dns.txt("mx.test", "v=spf1 mx -all");
        IntStream.range(0, 11).forEach(i -> dns.mx("mx.test", i, "h" + i + ".mx.test").a("h" + i + ".mx.test", "192.0.2.1"));

        SpfOutcome outcome = check("mx.test");

        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.reason()).contains("more than 10 MX hosts");
        assertThat(IntStream.range(0, 11).map(i -> dns.queries("h" + i + ".mx.test", Type.A)).sum()).isZero();
    }

    @Test
    void onlyTenPtrNamesAreValidated() throws Exception {
        dns.txt("ptr.test", "v=spf1 ptr -all");
        IntStream.range(0, 12).forEach(i -> dns.ptrAt("1.2.0.192.in-addr.arpa", "p" + i + ".ptr.test").a("p" + i + ".ptr.test", "192.0.2.1"));

        assertThat(check("ptr.test").result()).isEqualTo(SpfResult.PASS);
        assertThat(IntStream.range(0, 12).map(i -> dns.queries("p" + i + ".ptr.test", Type.A)).sum()).isEqualTo(10);
    }

    private SpfOutcome check(String domain) throws Exception {
        return verifier.check(CLIENT, "helo.test", "someone@" + domain).get(30, TimeUnit.SECONDS);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
