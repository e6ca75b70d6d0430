package dev.tern.security.client;

import dev.tern.dns.DnsResolver;
import dev.tern.security.client.HeloCheck.Strictness;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeloCheckTest {

    private static final InetAddress REMOTE = ip("192.0.2.50");
    private static final InetAddress LOOPBACK = ip("127.0.0.1");
    private static final List<InetAddress> OURS = List.of(ip("198.51.100.1"), ip("2001:db8::1"), ip("0.0.0.0"));

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

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private HeloVerdict check(Strictness s, String helo, InetAddress client) {
        return new HeloCheck(s, "MX.example.test", OURS, resolver).check(helo, client).join();
    }

    @Test
    void offAcceptsAnything() {
        for (String helo : List.of("", "not a name!", "192.0.2.1", "mx.example.test")) {
            assertThat(check(Strictness.OFF, helo, REMOTE).accepted()).as(helo).isTrue();
        }
        assertThat(new HeloCheck(Strictness.OFF, "mx.example.test", List.of(), null).check("x y", REMOTE).join())
                .isEqualTo(HeloVerdict.accept());
    }

    @Test
    void lenientAcceptsNamesAndAddressLiterals() {
        for (String helo : List.of("mail.example.org", "mail.example.org.", "localhost", "WIN_PC-7.corp.example",
                "[192.0.2.50]", "[IPv6:2001:db8::50]", "[ipv6:::ffff:192.0.2.1]", "bücher.example", "xn--bcher-kva.example",
                "a".repeat(63) + ".example")) {
            HeloVerdict v = check(Strictness.LENIENT, helo, REMOTE);
            assertThat(v.accepted()).as(helo + ": " + v).isTrue();
            assertThat(v.code()).isEqualTo(250);
        }
    }

    @Test
    void lenientRefusesWhatIsNeitherANameNorALiteral() {
        for (String helo : List.of("", "   ", "not a name", "-dash.example", "dash-.example", "a..b", ".",
                "star*.example", "[300.1.1.1]", "[192.0.2]", "[foo]", "[IPv6:192.0.2.1]", "[tag:stuff]", "1.2.3",
                "a".repeat(64) + ".example", ("abc." .repeat(70)) + "example")) {
            HeloVerdict v = check(Strictness.LENIENT, helo, REMOTE);
            assertThat(v.accepted()).as(helo).isFalse();
            assertThat(v.code()).as(helo).isEqualTo(501);
            assertThat(v.enhancedCode()).isEqualTo("5.5.2");
            assertThat(v.temporary()).isFalse();
        }
    }

    @Test
    void aBareAddressNeedsBrackets() {
        HeloVerdict v4 = check(Strictness.LENIENT, "192.0.2.50", REMOTE);
        HeloVerdict v6 = check(Strictness.LENIENT, "2001:db8::50", REMOTE);

        assertThat(v4.code()).isEqualTo(501);
        assertThat(v4.text()).contains("[192.0.2.50]");
        assertThat(v6.code()).isEqualTo(501);
        assertThat(v6.text()).contains("[IPv6:2001:db8::50]");
    }

    @Test
    void aStrangerClaimingToBeThisServerIsRefused() {
        for (String helo : List.of("mx.example.test", "MX.Example.Test.", "[198.51.100.1]", "[IPv6:2001:db8::1]")) {
            HeloVerdict v = check(Strictness.LENIENT, helo, REMOTE);
            assertThat(v.accepted()).as(helo).isFalse();
            assertThat(v.code()).isEqualTo(550);
            assertThat(v.enhancedCode()).isEqualTo("5.7.1");
            assertThat(v.text()).contains("this server's own name");
        }
        assertThat(check(Strictness.LENIENT, "[0.0.0.0]", REMOTE).accepted()).as("wildcards are not ours").isTrue();
    }

    @Test
    void theConnectionsLocalAddressCountsAsOurs() {
        HeloCheck check = new HeloCheck(Strictness.LENIENT, "mx.example.test", List.of(), null);

        assertThat(check.check("[203.0.113.9]", REMOTE, ip("203.0.113.9")).join().code()).isEqualTo(550);
        assertThat(check.check("[203.0.113.9]", REMOTE, ip("203.0.113.10")).join().accepted()).isTrue();
    }

    @Test
    void thisHostMayUseOurNameAndAddresses() {
        assertThat(check(Strictness.LENIENT, "mx.example.test", LOOPBACK).accepted()).isTrue();
        assertThat(check(Strictness.LENIENT, "[198.51.100.1]", ip("127.0.0.2")).accepted()).isTrue();
        assertThat(check(Strictness.LENIENT, "mx.example.test", ip("198.51.100.1")).accepted()).isTrue();
        assertThat(check(Strictness.LENIENT, "mx.example.test", ip("::1")).accepted()).isTrue();
    }

    @Test
    void strictWantsAFullyQualifiedName() {
        HeloVerdict v = check(Strictness.STRICT, "localhost", REMOTE);

        assertThat(v.code()).isEqualTo(504);
        assertThat(v.enhancedCode()).isEqualTo("5.5.2");
        assertThat(v.text()).contains("fully-qualified");
    }

    @Test
    void strictWantsANameThatResolves() {
        dns.a("mail.a.test", "192.0.2.50").aaaa("mail6.a.test", "2001:db8::50").txt("noaddress.a.test", "x");

        assertThat(check(Strictness.STRICT, "mail.a.test", REMOTE).accepted()).isTrue();
        assertThat(check(Strictness.STRICT, "MAIL6.a.test.", REMOTE).accepted()).isTrue();
        HeloVerdict missing = check(Strictness.STRICT, "nowhere.a.test", REMOTE);
        HeloVerdict noAddress = check(Strictness.STRICT, "noaddress.a.test", REMOTE);
        assertThat(missing.code()).isEqualTo(550);
        assertThat(missing.enhancedCode()).isEqualTo("5.7.1");
        assertThat(missing.text()).contains("nowhere.a.test", "no address in DNS");
        assertThat(noAddress.code()).isEqualTo(550);
    }

    @Test
    void strictDefersWhenDnsFails() {
        dns.servfail("broken.a.test");

        HeloVerdict v = check(Strictness.STRICT, "broken.a.test", REMOTE);

        assertThat(v.accepted()).isFalse();
        assertThat(v.temporary()).isTrue();
        assertThat(v.code()).isEqualTo(450);
        assertThat(v.enhancedCode()).isEqualTo("4.7.1");
    }

    @Test
    void strictAcceptsAddressLiteralsWithoutAskingDns() {
        assertThat(check(Strictness.STRICT, "[192.0.2.50]", REMOTE).accepted()).isTrue();
    }

    @Test
    void strictKeepsTheLenientChecks() {
        assertThat(check(Strictness.STRICT, "mx.example.test", REMOTE).code()).isEqualTo(550);
        assertThat(check(Strictness.STRICT, "bad name.test", REMOTE).code()).isEqualTo(501);
    }

    @Test
    void clientInputIsEchoedOnlyAsShortPrintableText() {
        HeloVerdict v = check(Strictness.LENIENT, "bad\u0001name\u00ff" + "x".repeat(100) + ".example", REMOTE);

        assertThat(v.code()).isEqualTo(501);
        assertThat(v.text()).doesNotContain("\u0001", "\u00ff").contains("bad?name?").contains("...");
        assertThat(v.text().length()).isLessThan(120);
    }

    @Test
    void strictNeedsAResolver() {
        assertThatThrownBy(() -> new HeloCheck(Strictness.STRICT, "mx.example.test", List.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
