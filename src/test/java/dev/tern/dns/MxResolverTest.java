package dev.tern.dns;

import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MxResolverTest {

    private TestDnsServer dns;
    private DnsResolver resolver;

    @BeforeEach
    void start() {
        dns = TestDnsServer.start();
        resolver = new DnsResolver(dns.settings());
    }

    @AfterEach
    void stop() {
        resolver.close();
        dns.close();
    }

    private MxResult resolve(String domain) {
        return resolve(domain, new Random(1));
    }

    private MxResult resolve(String domain, Random random) {
        return new MxResolver(resolver, random).resolve(domain).join();
    }

    private static List<String> names(MxResult result) {
        assertThat(result).isInstanceOf(MxResult.Hosts.class);
        return ((MxResult.Hosts) result).hosts().stream().map(MxHost::name).toList();
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void hostsComeInPreferenceOrderWithTheirAddresses() throws Exception {
        dns.mx("b.test", 20, "mx2.b.test").mx("b.test", 10, "mx1.b.test").mx("b.test", 30, "mx3.b.test")
                .a("mx1.b.test", "127.0.0.1").a("mx2.b.test", "127.0.0.2").a("mx3.b.test", "127.0.0.3");

        MxResult.Hosts result = (MxResult.Hosts) resolve("b.test");

        assertThat(result.implicit()).isFalse();
        assertThat(result.permanent()).isFalse();
        assertThat(result.hosts()).containsExactly(
                new MxHost("mx1.b.test", 10, List.of(ip("127.0.0.1"))),
                new MxHost("mx2.b.test", 20, List.of(ip("127.0.0.2"))),
                new MxHost("mx3.b.test", 30, List.of(ip("127.0.0.3"))));
    }

    @Test
    void equalPreferencesComeInRandomOrder() {
        dns.mx("b.test", 5, "first.b.test").a("first.b.test", "127.0.0.5");
        for (String host : List.of("x.b.test", "y.b.test", "z.b.test")) {
            dns.mx("b.test", 10, host).a(host, "127.0.0.10");
        }

        Set<List<String>> orders = new HashSet<>();
        for (int seed = 0; seed < 30; seed++) {
            List<String> order = names(resolve("b.test", new Random(seed)));
            assertThat(order.get(0)).isEqualTo("first.b.test");
            assertThat(order).hasSize(4).containsExactlyInAnyOrder("first.b.test", "x.b.test", "y.b.test", "z.b.test");
            assertThat(names(resolve("b.test", new Random(seed)))).as("same seed, same order").isEqualTo(order);
            orders.add(order);
        }
        assertThat(orders).as("30 seeds give more than one order").hasSizeGreaterThan(1);
    }

    @Test
    void eachHostHasItsIpv6AddressesBeforeIpv4() throws Exception {
        dns.mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.3", "127.0.0.4").aaaa("mx.b.test", "2001:db8::3");

        MxResult.Hosts result = (MxResult.Hosts) resolve("b.test");

        assertThat(result.hosts().get(0).addresses())
                .containsExactly(ip("2001:db8::3"), ip("127.0.0.3"), ip("127.0.0.4"));
    }

    @Test
    void withoutMxRecordsTheDomainIsItsOwnMailHost() throws Exception {
        dns.a("b.test", "127.0.0.3").aaaa("b.test", "::1");

        MxResult.Hosts result = (MxResult.Hosts) resolve("b.test");

        assertThat(result.implicit()).isTrue();
        assertThat(result.hosts()).containsExactly(new MxHost("b.test", 0, List.of(ip("::1"), ip("127.0.0.3"))));
    }

    @Test
    void withoutMxOrAddressesNothingIsUsable() {
        dns.txt("b.test", "v=spf1 -all");

        MxResult result = resolve("b.test");

        assertThat(result).isInstanceOf(MxResult.NoUsableHosts.class);
        assertThat(result.permanent()).isTrue();
        assertThat(result.reason()).contains("b.test", "no MX, A or AAAA");
    }

    @Test
    void nullMxMeansNoMail() {
        dns.nullMx("b.test").a("b.test", "127.0.0.3");

        MxResult result = resolve("b.test");

        assertThat(result).isEqualTo(new MxResult.NullMx("b.test"));
        assertThat(result.permanent()).isTrue();
        assertThat(((MxResult.Failure) result).enhancedStatus()).isEqualTo("5.1.10");
        assertThat(result.reason()).contains("b.test", "does not accept mail");
    }

    @Test
    void aDomainThatDoesNotExistIsPermanent() {
        MxResult result = resolve("nowhere.test");

        assertThat(result).isEqualTo(new MxResult.NoSuchDomain("nowhere.test"));
        assertThat(result.permanent()).isTrue();
        assertThat(((MxResult.Failure) result).enhancedStatus()).isEqualTo("5.1.2");
    }

    @Test
    void aNameDnsCannotHoldDoesNotExistAndIsNotAskedFor() {
        String tooLongLabel = "a".repeat(64) + ".test";

        assertThat(resolve(tooLongLabel)).isInstanceOf(MxResult.NoSuchDomain.class);
        assertThat(resolve("bad..test")).isInstanceOf(MxResult.NoSuchDomain.class);
        assertThat(dns.queries(tooLongLabel.substring(1))).isZero();
    }

    @Test
    void servfailIsTemporary() {
        dns.servfail("b.test");

        MxResult result = resolve("b.test");

        assertThat(result).isInstanceOf(MxResult.TemporaryFailure.class);
        assertThat(result.permanent()).isFalse();
        assertThat(((MxResult.Failure) result).enhancedStatus()).isEqualTo("4.4.3");
        assertThat(result.reason()).contains("b.test/MX", "SERVFAIL");
    }

    @Test
    void aNameserverThatDoesNotAnswerIsTemporary() {
        dns.unresponsive("b.test");
        try (DnsResolver impatient = new DnsResolver(dns.settings(Duration.ofMillis(300)))) {
            MxResult result = new MxResolver(impatient).resolve("b.test").join();

            assertThat(result).isInstanceOf(MxResult.TemporaryFailure.class);
            assertThat(result.reason()).contains("b.test/MX", "timed out");
            assertThat(dns.queries("b.test", Type.MX)).as("asked again before giving up").isEqualTo(2);
        }
    }

    @Test
    void anMxHostThatIsACnameIsFollowed() throws Exception {
        dns.mx("b.test", 10, "alias.b.test").cname("alias.b.test", "real.b.test").a("real.b.test", "127.0.0.3");

        MxResult.Hosts result = (MxResult.Hosts) resolve("b.test");

        assertThat(result.hosts()).containsExactly(new MxHost("alias.b.test", 10, List.of(ip("127.0.0.3"))));
    }

    @Test
    void hostsWithoutAddressesAreSkipped() throws Exception {
        dns.mx("b.test", 10, "gone.b.test")
                .mx("b.test", 20, "noaddress.b.test").txt("noaddress.b.test", "no address here")
                .mx("b.test", 30, "ok.b.test").a("ok.b.test", "127.0.0.3");

        MxResult.Hosts result = (MxResult.Hosts) resolve("b.test");

        assertThat(result.hosts()).containsExactly(new MxHost("ok.b.test", 30, List.of(ip("127.0.0.3"))));
    }

    @Test
    void whenNoHostHasAnAddressTheResultIsPermanent() {
        dns.mx("b.test", 10, "gone.b.test").mx("b.test", 20, "noaddress.b.test").txt("noaddress.b.test", "x");

        MxResult result = resolve("b.test");

        assertThat(result).isInstanceOf(MxResult.NoUsableHosts.class);
        assertThat(((MxResult.Failure) result).enhancedStatus()).isEqualTo("5.4.4");
        assertThat(result.reason()).contains("gone.b.test does not exist", "noaddress.b.test has no A or AAAA");
    }

    @Test
    void whenAHostLookupFailedTemporarilyTheResultIsTemporary() {
        dns.mx("b.test", 10, "gone.b.test").mx("b.test", 20, "broken.b.test").servfail("broken.b.test");

        MxResult result = resolve("b.test");

        assertThat(result).isInstanceOf(MxResult.TemporaryFailure.class);
        assertThat(result.reason()).contains("broken.b.test", "SERVFAIL");
    }

    @Test
    void aDomainNameIsTakenWithoutCaseOrFinalDot() {
        dns.mx("b.test", 10, "MX.B.TEST").a("mx.b.test", "127.0.0.3");

        assertThat(names(resolve("B.Test."))).containsExactly("mx.b.test");
    }

    @Test
    void answersAreCachedForTheirTtl() {
        dns.mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.3");

        assertThat(names(resolve("b.test"))).containsExactly("mx.b.test");
        assertThat(names(resolve("b.test"))).containsExactly("mx.b.test");

        assertThat(dns.queries("b.test", Type.MX)).isEqualTo(1);
        assertThat(dns.queries("mx.b.test", Type.A)).isEqualTo(1);
        assertThat(dns.queries("mx.b.test", Type.AAAA)).as("the negative answer is cached too").isEqualTo(1);
    }

    @Test
    void expiredAnswersAreAskedForAgain() {
        dns.ttl(1).mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.3");
        assertThat(names(resolve("b.test"))).containsExactly("mx.b.test");

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(names(resolve("b.test"))).containsExactly("mx.b.test");
            return dns.queries("b.test", Type.MX) == 2;
        });
    }
}
