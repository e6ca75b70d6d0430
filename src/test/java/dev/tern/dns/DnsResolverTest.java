package dev.tern.dns;

import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Type;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DnsResolverTest {

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

    @Test
    void foundNoDataAndNoSuchDomainAreToldApart() {
        dns.txt("b.test", "v=spf1 -all");

        assertThat(resolver.txt("b.test").join()).isEqualTo(new DnsAnswer.Found<>(java.util.List.of("v=spf1 -all")));
        assertThat(resolver.lookup("b.test", Type.MX).join()).isEqualTo(new DnsAnswer.NoData<>());
        assertThat(resolver.lookup("nowhere.test", Type.MX).join()).isEqualTo(new DnsAnswer.NoSuchDomain<>());
    }

    @Test
    void aNameWithOnlyNamesBelowItExists() {
        dns.txt("sel._domainkey.b.test", "v=DKIM1; p=");

        assertThat(resolver.txt("_domainkey.b.test").join()).isEqualTo(new DnsAnswer.NoData<>());
    }

    @Test
    void negativeAnswersAreCached() {
        resolver.lookup("nowhere.test", Type.TXT).join();
        dns.txt("b.test", "x");
        resolver.lookup("b.test", Type.MX).join();

        assertThat(resolver.lookup("nowhere.test", Type.TXT).join()).isEqualTo(new DnsAnswer.NoSuchDomain<>());
        assertThat(resolver.lookup("b.test", Type.MX).join()).isEqualTo(new DnsAnswer.NoData<>());
        assertThat(dns.queries("nowhere.test")).isEqualTo(1);
        assertThat(dns.queries("b.test", Type.MX)).isEqualTo(1);
    }

    @Test
    void failuresAreTemporaryAndNotCached() {
        dns.fail("refused.test", Rcode.REFUSED).servfail("broken.test");

        assertThat(resolver.lookup("refused.test", Type.A).join()).isInstanceOf(DnsAnswer.TemporaryFailure.class);
        DnsAnswer<?> servfail = resolver.lookup("broken.test", Type.A).join();
        assertThat(servfail).isInstanceOf(DnsAnswer.TemporaryFailure.class);
        assertThat(((DnsAnswer.TemporaryFailure<?>) servfail).reason()).contains("broken.test/A", "SERVFAIL");

        resolver.lookup("broken.test", Type.A).join();
        assertThat(dns.queries("broken.test", Type.A)).isEqualTo(2);
    }

    @Test
    void noServerAtTheAddressIsSaidInWordsNotExceptionNames() throws Exception {
        int closed;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (DnsResolver nobody = new DnsResolver(new dev.tern.config.DnsSettings(
                java.util.List.of(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), closed)),
                java.time.Duration.ofSeconds(2)))) {
            DnsAnswer<?> answer = nobody.lookup("example.test", Type.MX).join();
            assertThat(answer).isInstanceOf(DnsAnswer.TemporaryFailure.class);
            assertThat(((DnsAnswer.TemporaryFailure<?>) answer).reason()).startsWith("DNS lookup of example.test/MX ")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void longTextIsSplitAndJoinedAgain() {
        String key = "v=DKIM1; k=rsa; p=" + "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA".repeat(10);
        dns.txt("sel._domainkey.b.test", key).txt("utf8.b.test", "é".repeat(200));

        assertThat(resolver.txt("sel._domainkey.b.test").join().values()).containsExactly(key);
        assertThat(resolver.txt("utf8.b.test").join().values()).containsExactly("é".repeat(200));
    }

    @Test
    void aTruncatedAnswerIsAskedForAgainOverTcp() {
        // Larger than the 1280 bytes dnsjava offers with EDNS: the UDP answer is cut short.
        String big = "x".repeat(4000);
        dns.txt("big.b.test", big);

        assertThat(resolver.txt("big.b.test").join().values()).containsExactly(big);
        assertThat(dns.tcpQueries()).isEqualTo(1);
    }

    @Test
    void addressesOfBothFamiliesIpv6First() throws Exception {
        dns.a("mx.b.test", "127.0.0.3").aaaa("mx.b.test", "::1").a("v4.b.test", "127.0.0.4");

        assertThat(resolver.addresses("mx.b.test").join().values())
                .containsExactly(InetAddress.getByName("::1"), InetAddress.getByName("127.0.0.3"));
        assertThat(resolver.addresses("v4.b.test").join().values()).containsExactly(InetAddress.getByName("127.0.0.4"));
        assertThat(resolver.addresses("nowhere.test").join()).isEqualTo(new DnsAnswer.NoSuchDomain<>());
    }

    @Test
    void cnameChainsAreFollowedButNotForever() {
        dns.cname("a.b.test", "b.b.test").cname("b.b.test", "c.b.test").txt("c.b.test", "end");
        dns.cname("loop1.test", "loop2.test").cname("loop2.test", "loop1.test");

        assertThat(resolver.txt("a.b.test").join().values()).containsExactly("end");
        assertThat(resolver.txt("loop1.test").join()).isInstanceOf(DnsAnswer.TemporaryFailure.class);
    }

    @Test
    void hostnamesOfAnAddress() throws Exception {
        InetAddress address = InetAddress.getByName("127.0.0.3");
        dns.add(new PTRRecord(ReverseMap.fromAddress(address), DClass.IN, 300, Name.fromString("mx.b.test.")));

        assertThat(resolver.hostnames(address).join().values()).containsExactly("mx.b.test");
    }

    @Test
    void anInvalidNameIsRefusedAtOnce() {
        assertThatThrownBy(() -> resolver.lookup("a".repeat(64) + ".test", Type.A))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
