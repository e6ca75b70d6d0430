package dev.tern.security.dnsbl;

import dev.tern.dns.DnsResolver;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DnsblCheckerTest {

    private TestDnsServer dns;
    private DnsResolver resolver;

    @BeforeEach
    void start() {
        dns = TestDnsServer.start();
        resolver = new DnsResolver(dns.settings(Duration.ofMillis(500)));
    }

    @AfterEach
    void stop() {
        resolver.close();
        dns.close();
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    private DnsblVerdict check(DnsblChecker checker, String client) throws Exception {
        return checker.check(ip(client)).join();
    }

    @Test
    void aListedClientIsReportedWithTheListsCodeAndReason() throws Exception {
        dns.a("1.2.0.192.bl.test", "127.0.0.2", "127.0.0.4")
                .txt("1.2.0.192.bl.test", "Listed\u0007 for spam: see https://bl.test/q?192.0.2.1");
        DnsblChecker checker = new DnsblChecker(resolver, List.of("BL.test."), List.of());

        DnsblVerdict v = check(checker, "192.0.2.1");

        assertThat(v).isInstanceOf(DnsblVerdict.Listed.class);
        DnsblVerdict.Listed listed = (DnsblVerdict.Listed) v;
        assertThat(listed.zone()).isEqualTo("bl.test");
        assertThat(listed.codes()).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.4");
        assertThat(listed.reason()).isEqualTo("Listed for spam: see https://bl.test/q?192.0.2.1");
        assertThat(listed.replyText()).isEqualTo(
                "client host [192.0.2.1] blocked using bl.test; Listed for spam: see https://bl.test/q?192.0.2.1");
        assertThat(DnsblVerdict.Listed.REPLY_CODE).isEqualTo(554);
    }

    @Test
    void aListingWithoutTextStillBlocks() throws Exception {
        dns.a("1.2.0.192.bl.test", "127.0.0.2");
        DnsblVerdict v = check(new DnsblChecker(resolver, List.of("bl.test"), List.of()), "192.0.2.1");

        assertThat(v).isEqualTo(new DnsblVerdict.Listed(ip("192.0.2.1"), "bl.test", List.of("127.0.0.2"), null));
        assertThat(((DnsblVerdict.Listed) v).replyText()).isEqualTo("client host [192.0.2.1] blocked using bl.test");
    }

    @Test
    void aClientOnNoListIsClean() throws Exception {
        dns.a("9.2.0.192.bl.test", "127.0.0.2");
        DnsblChecker checker = new DnsblChecker(resolver, List.of("bl.test", "other.test"), List.of());

        assertThat(check(checker, "192.0.2.1")).isEqualTo(new DnsblVerdict.Clean());
        assertThat(dns.queries("1.2.0.192.bl.test", Type.A)).isEqualTo(1);
        assertThat(dns.queries("1.2.0.192.other.test", Type.A)).isEqualTo(1);
        assertThat(dns.queries("1.2.0.192.bl.test", Type.TXT)).as("text only for a hit").isZero();
    }

    @Test
    void theFirstListingListInConfiguredOrderIsReported() throws Exception {
        dns.a("1.2.0.192.second.test", "127.0.0.3").a("1.2.0.192.third.test", "127.0.0.2");
        DnsblChecker checker = new DnsblChecker(resolver, List.of("first.test", "second.test", "third.test"), List.of());

        DnsblVerdict v = check(checker, "192.0.2.1");

        assertThat(((DnsblVerdict.Listed) v).zone()).isEqualTo("second.test");
    }

    @Test
    void aClientOnAnAllowListSkipsTheBlockLists() throws Exception {
        dns.a("1.2.0.192.wl.test", "127.0.10.2").a("1.2.0.192.bl.test", "127.0.0.2");
        DnsblChecker checker = new DnsblChecker(resolver, List.of("bl.test"), List.of("nowl.test", "wl.test"));

        DnsblVerdict v = check(checker, "192.0.2.1");

        assertThat(v).isEqualTo(new DnsblVerdict.Allowed("wl.test", List.of("127.0.10.2")));
        assertThat(dns.queries("1.2.0.192.bl.test")).isZero();
    }

    @Test
    void aClientOnNoAllowListIsCheckedAgainstTheBlockLists() throws Exception {
        dns.a("1.2.0.192.bl.test", "127.0.0.2").servfail("1.2.0.192.wl.test");
        DnsblChecker checker = new DnsblChecker(resolver, List.of("bl.test"), List.of("wl.test"));

        assertThat(check(checker, "192.0.2.1")).isInstanceOf(DnsblVerdict.Listed.class);
    }

    @Test
    void ipv6AddressesAreAskedByReversedNibbles() throws Exception {
        String name = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test";
        assertThat(DnsblChecker.queryName(ip("2001:db8::1"), "bl.test")).isEqualTo(name);
        assertThat(DnsblChecker.queryName(ip("2001:db8:abcd:12::f0"), "bl.test"))
                .isEqualTo("0.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.1.0.0.d.c.b.a.8.b.d.0.1.0.0.2.bl.test");
        dns.a(name, "127.0.0.2");

        DnsblVerdict v = check(new DnsblChecker(resolver, List.of("bl.test"), List.of()), "2001:db8::1");

        assertThat(v).isInstanceOf(DnsblVerdict.Listed.class);
        assertThat(((DnsblVerdict.Listed) v).replyText()).startsWith("client host [2001:db8::1] blocked");
    }

    @Test
    void aListThatDoesNotAnswerMakesTheVerdictUnknownNamingIt() throws Exception {
        dns.servfail("1.2.0.192.broken.test");
        DnsblChecker checker = new DnsblChecker(resolver, List.of("bl.test", "broken.test"), List.of());

        DnsblVerdict v = check(checker, "192.0.2.1");

        assertThat(v).isInstanceOf(DnsblVerdict.Unknown.class);
        DnsblVerdict.Unknown unknown = (DnsblVerdict.Unknown) v;
        assertThat(unknown.zone()).isEqualTo("broken.test");
        assertThat(unknown.reason()).contains("1.2.0.192.broken.test");
        assertThat(unknown.replyText()).contains("[192.0.2.1]", "broken.test", "try again later");
    }

    @Test
    void aListThatTimesOutIsUnknownButAHitElsewhereStillBlocks() throws Exception {
        dns.unresponsive("1.2.0.192.slow.test").a("1.2.0.192.bl.test", "127.0.0.2");
        DnsblChecker checker = new DnsblChecker(resolver, List.of("slow.test", "bl.test"), List.of());

        DnsblVerdict v = check(checker, "192.0.2.1");

        assertThat(v).isInstanceOf(DnsblVerdict.Listed.class);
        assertThat(((DnsblVerdict.Listed) v).zone()).isEqualTo("bl.test");
    }

    @Test
    void errorCodesAndAnswersOutsideLoopbackAreNoListings() throws Exception {
        dns.a("1.2.0.192.zen.test", "127.255.255.254")
                .a("1.2.0.192.parked.test", "192.0.2.80")
                .a("1.2.0.192.wl.test", "127.0.0.255");
        DnsblChecker checker = new DnsblChecker(resolver, List.of("zen.test", "parked.test"), List.of("wl.test"));

        assertThat(check(checker, "192.0.2.1")).isEqualTo(new DnsblVerdict.Clean());
        assertThat(check(checker, "192.0.2.1")).as("still, on a second look").isEqualTo(new DnsblVerdict.Clean());
    }

    @Test
    void privateAddressesAreNeverLookedUp() throws Exception {
        DnsblChecker checker = new DnsblChecker(resolver, List.of("bl.test"), List.of("wl.test"));

        for (String client : List.of("10.1.2.3", "172.16.5.4", "192.168.1.1",
                "169.254.1.1", "fd00::1", "fe80::1")) {
            assertThat(check(checker, client)).as(client).isEqualTo(new DnsblVerdict.Clean());
            assertThat(dns.queries(DnsblChecker.queryName(ip(client), "bl.test"))
                    + dns.queries(DnsblChecker.queryName(ip(client), "wl.test"))).as(client).isZero();
        }
    }

    @Test
    void loopbackIsLookedUpSoThatTheRfc5782TestEntryWorks() throws Exception {
        dns.a(DnsblChecker.queryName(ip("127.0.0.2"), "bl.test"), "127.0.0.2");
        DnsblChecker checker = new DnsblChecker(resolver, List.of("bl.test"), List.of());
        assertThat(check(checker, "127.0.0.2")).isInstanceOf(DnsblVerdict.Listed.class);
        assertThat(check(checker, "127.0.0.1")).isEqualTo(new DnsblVerdict.Clean());
    }

    @Test
    void noListsMeansClean() throws Exception {
        assertThat(check(new DnsblChecker(resolver, List.of(), List.of()), "192.0.2.1"))
                .isEqualTo(new DnsblVerdict.Clean());
    }

    @Test
    void zonesThatAreNoDomainNamesAreRefused() {
        assertThatThrownBy(() -> new DnsblChecker(resolver, List.of("bad..zone"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad..zone");
        assertThatThrownBy(() -> new DnsblChecker(resolver, List.of(), List.of("")))
                .isInstanceOf(IllegalArgumentException.class);
        String longZone = String.join(".", "a".repeat(60), "b".repeat(60), "c".repeat(60), "d".repeat(10), "test");
        assertThatThrownBy(() -> new DnsblChecker(resolver, List.of(longZone), List.of()))
                .as("no room left for the address").isInstanceOf(IllegalArgumentException.class);
    }
}
