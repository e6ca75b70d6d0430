package dev.tern.delivery.dane;

import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import dev.tern.dns.ValidatedAnswer;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TlsaLookupTest {

    private static final byte[] KEY_HASH = new byte[32];

    TestDnsServer dns;
    DnsResolver resolver;
    TlsaLookup lookup;

    @BeforeEach
    void setUp() {
        dns = TestDnsServer.start();
        resolver = new DnsResolver(dns.settings());
        lookup = new TlsaLookup(resolver);
        KEY_HASH[0] = 7;
        dns.mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.3");
        dns.tlsa("_25._tcp.mx.b.test", 3, 1, 1, KEY_HASH);
    }

    @AfterEach
    void tearDown() {
        resolver.close();
        dns.close();
    }

    private Map<String, DaneHost> hostsOf(String domain, String... hosts) {
        return lookup.forHosts(domain, List.of(hosts), 25).join();
    }

    @Test
    void theResolversAdBitIsWhatMakesAnAnswerValidated() {
        ValidatedAnswer unsigned = resolver.validated("b.test", Type.MX).join();
        assertThat(unsigned.answer()).isInstanceOf(DnsAnswer.Found.class);
        assertThat(unsigned.secure()).isFalse();

        dns.signed("b.test");
        assertThat(resolver.validated("b.test", Type.MX).join().secure()).isTrue();
        ValidatedAnswer denied = resolver.validated("nothing.b.test", Type.A).join();
        assertThat(denied.answer()).isInstanceOf(DnsAnswer.NoSuchDomain.class);
        assertThat(denied.secure()).isTrue();
        assertThat(resolver.validated("mx.b.test", Type.TXT).join().answer()).isInstanceOf(DnsAnswer.NoData.class);

        dns.servfail("broken.b.test");
        ValidatedAnswer failed = resolver.validated("broken.b.test", Type.TLSA).join();
        assertThat(failed.answer()).isInstanceOf(DnsAnswer.TemporaryFailure.class);
        assertThat(failed.secure()).isFalse();
    }

    @Test
    void aSignedDomainWithSignedTlsaRecordsGetsThemAsItsPolicy() {
        dns.signed("b.test");
        Map<String, DaneHost> hosts = hostsOf("b.test", "mx.b.test");
        assertThat(hosts).containsOnlyKeys("mx.b.test");
        DaneHost.Authenticated policy = (DaneHost.Authenticated) hosts.get("mx.b.test");
        assertThat(policy.records()).containsExactly(new Tlsa(3, 1, 1, KEY_HASH));
        assertThat(policy.names()).containsExactly("mx.b.test");
        assertThat(dns.queries("_25._tcp.mx.b.test", Type.TLSA)).isEqualTo(1);
    }

    @Test
    void anUnsignedDomainOrMxHostHasNoDanePolicyWhateverItsTlsaRecordsSay() {
        assertThat(hostsOf("b.test", "mx.b.test")).isEmpty();
        // The MX records are not validated: their TLSA records are not even looked up.
        assertThat(dns.queries("_25._tcp.mx.b.test", Type.TLSA)).isZero();

        // A signed domain whose MX host lives in an unsigned zone.
        dns.mx("c.test", 10, "mx.hoster.test").a("mx.hoster.test", "127.0.0.4").signed("c.test");
        dns.tlsa("_25._tcp.mx.hoster.test", 3, 1, 1, KEY_HASH);
        assertThat(hostsOf("c.test", "mx.hoster.test")).isEmpty();
    }

    @Test
    void aSignedHostWithoutTlsaRecordsHasNoPolicy() {
        dns.mx("c.test", 10, "mx.c.test").a("mx.c.test", "127.0.0.4").signed("c.test");
        assertThat(hostsOf("c.test", "mx.c.test")).isEmpty();
    }

    @Test
    void onlyUnusableRecordsStillRequireTls() {
        dns.mx("c.test", 10, "mx.c.test").a("mx.c.test", "127.0.0.4").signed("c.test");
        dns.tlsa("_25._tcp.mx.c.test", 1, 1, 1, KEY_HASH);
        assertThat(hostsOf("c.test", "mx.c.test").get("mx.c.test")).isInstanceOf(DaneHost.EncryptOnly.class);
    }

    @Test
    void aFailedTlsaLookupMakesTheHostUnavailableAndAFailedMxLookupEveryHost() {
        dns.signed("b.test");
        dns.mx("b.test", 20, "mx2.b.test").a("mx2.b.test", "127.0.0.4");
        dns.servfail("_25._tcp.mx2.b.test");
        Map<String, DaneHost> hosts = hostsOf("b.test", "mx.b.test", "mx2.b.test");
        assertThat(hosts.get("mx.b.test")).isInstanceOf(DaneHost.Authenticated.class);
        assertThat(((DaneHost.Unavailable) hosts.get("mx2.b.test")).reason()).contains("SERVFAIL");

        dns.servfail("b.test");
        assertThat(hostsOf("b.test", "mx.b.test").get("mx.b.test")).isInstanceOf(DaneHost.Unavailable.class);
    }

    @Test
    void aValidatedAliasHasItsRecordsLookedUpAtItsTargetFirstThenAtItsOwnName() {
        dns.signed("b.test").signed("hoster.test");
        dns.mx("c.test", 10, "mail.c.test").cname("mail.c.test", "mx.hoster.test").signed("c.test");
        dns.a("mx.hoster.test", "127.0.0.4").tlsa("_25._tcp.mx.hoster.test", 3, 1, 1, KEY_HASH);
        DaneHost.Authenticated atTarget = (DaneHost.Authenticated) hostsOf("c.test", "mail.c.test").get("mail.c.test");
        assertThat(atTarget.baseDomain()).isEqualTo("mx.hoster.test");
        assertThat(atTarget.names()).containsExactlyInAnyOrder("mx.hoster.test", "mail.c.test");

        dns.remove("_25._tcp.mx.hoster.test");
        dns.tlsa("_25._tcp.mail.c.test", 2, 0, 1, KEY_HASH);
        DaneHost.Authenticated atAlias = (DaneHost.Authenticated) hostsOf("c.test", "mail.c.test").get("mail.c.test");
        assertThat(atAlias.baseDomain()).isEqualTo("mail.c.test");
        assertThat(atAlias.records()).containsExactly(new Tlsa(2, 0, 1, KEY_HASH));
    }

    @Test
    void theRecordsAreNamedByThePortDeliveryUses() {
        dns.signed("b.test");
        assertThat(lookup.forHosts("b.test", List.of("mx.b.test"), 2525).join()).isEmpty();
        dns.tlsa("_2525._tcp.mx.b.test", 3, 1, 1, KEY_HASH);
        assertThat(lookup.forHosts("b.test", List.of("mx.b.test"), 2525).join()).containsKey("mx.b.test");
    }
}
