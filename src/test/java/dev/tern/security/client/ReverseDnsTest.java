package dev.tern.security.client;

import dev.tern.dns.DnsResolver;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReverseDnsTest {

    private TestDnsServer dns;
    private DnsResolver resolver;
    private ReverseDns reverseDns;

    @BeforeEach
    void start() {
        dns = TestDnsServer.start();
        resolver = new DnsResolver(dns.settings(Duration.ofMillis(500)));
        reverseDns = new ReverseDns(resolver);
    }

    @AfterEach
    void stop() {
        resolver.close();
        dns.close();
    }

    private IprevResult check(String client) throws Exception {
        return reverseDns.check(InetAddress.getByName(client)).join();
    }

    @Test
    void aNameThatLeadsBackToTheAddressPasses() throws Exception {
        dns.ptr("192.0.2.25", "mail.a.test").a("mail.a.test", "192.0.2.24", "192.0.2.25");

        IprevResult r = check("192.0.2.25");

        assertThat(r.status()).isEqualTo(IprevResult.Status.PASS);
        assertThat(r.passed()).isTrue();
        assertThat(r.confirmedName()).isEqualTo("mail.a.test");
        assertThat(r.authenticationResult()).isEqualTo("iprev=pass policy.iprev=192.0.2.25 (mail.a.test)");
    }

    @Test
    void anyOfSeveralNamesMayConfirm() throws Exception {
        dns.ptr("192.0.2.25", "liar.b.test", "mail.a.test")
                .a("liar.b.test", "192.0.2.99")
                .a("mail.a.test", "192.0.2.25");

        IprevResult r = check("192.0.2.25");

        assertThat(r.status()).isEqualTo(IprevResult.Status.PASS);
        assertThat(r.confirmedName()).isEqualTo("mail.a.test");
        assertThat(r.ptrNames()).containsExactlyInAnyOrder("liar.b.test", "mail.a.test");
    }

    @Test
    void namesThatDoNotLeadBackFail() throws Exception {
        dns.ptr("192.0.2.25", "liar.b.test", "gone.b.test").a("liar.b.test", "192.0.2.99");

        IprevResult r = check("192.0.2.25");

        assertThat(r.status()).isEqualTo(IprevResult.Status.FAIL);
        assertThat(r.confirmedName()).isNull();
        assertThat(r.ptrNames()).containsExactlyInAnyOrder("liar.b.test", "gone.b.test");
        assertThat(r.authenticationResult()).isEqualTo("iprev=fail policy.iprev=192.0.2.25");
    }

    @Test
    void anAddressWithoutPtrIsAPermanentError() throws Exception {
        IprevResult r = check("192.0.2.26");

        assertThat(r.status()).isEqualTo(IprevResult.Status.PERMERROR);
        assertThat(r.ptrNames()).isEmpty();
        assertThat(r.reason()).contains("no PTR record for 192.0.2.26");
    }

    @Test
    void aFailedPtrLookupIsATemporaryError() throws Exception {
        dns.servfail("27.2.0.192.in-addr.arpa");

        assertThat(check("192.0.2.27").status()).isEqualTo(IprevResult.Status.TEMPERROR);
    }

    @Test
    void aFailedForwardLookupThatMightHaveConfirmedIsATemporaryError() throws Exception {
        dns.ptr("192.0.2.25", "liar.b.test", "slow.a.test").a("liar.b.test", "192.0.2.99").servfail("slow.a.test");

        assertThat(check("192.0.2.25").status()).isEqualTo(IprevResult.Status.TEMPERROR);
    }

    @Test
    void aConfirmationWinsOverAFailedLookup() throws Exception {
        dns.ptr("192.0.2.25", "slow.b.test", "mail.a.test").servfail("slow.b.test").a("mail.a.test", "192.0.2.25");

        assertThat(check("192.0.2.25").status()).isEqualTo(IprevResult.Status.PASS);
    }

    @Test
    void ipv6IsConfirmedByAaaaRecordsOnly() throws Exception {
        dns.ptr("2001:db8::25", "mx6.a.test").aaaa("mx6.a.test", "2001:db8::25")
                .ptr("2001:db8::26", "v4only.a.test").a("v4only.a.test", "192.0.2.25");

        IprevResult pass = check("2001:db8::25");
        IprevResult fail = check("2001:db8::26");

        assertThat(pass.status()).isEqualTo(IprevResult.Status.PASS);
        assertThat(pass.authenticationResult()).isEqualTo("iprev=pass policy.iprev=2001:db8::25 (mx6.a.test)");
        assertThat(fail.status()).isEqualTo(IprevResult.Status.FAIL);
        assertThat(dns.queries("v4only.a.test", Type.A)).isZero();
    }

    @Test
    void atMostTenNamesAreLookedUp() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            names.add("n" + i + ".many.test");
            dns.a("n" + i + ".many.test", i == 11 ? "192.0.2.25" : "192.0.2.99");
        }
        dns.ptr("192.0.2.25", names.toArray(String[]::new));

        IprevResult r = check("192.0.2.25");

        int asked = 0;
        for (String n : names) {
            asked += dns.queries(n, Type.A);
        }
        assertThat(asked).isEqualTo(ReverseDns.MAX_NAMES);
        assertThat(r.ptrNames()).hasSize(12);
    }
}
