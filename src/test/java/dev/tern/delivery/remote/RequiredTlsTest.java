package dev.tern.delivery.remote;

import dev.tern.config.DeliverySettings.TlsLevel;
import dev.tern.delivery.RecipientOutcome;
import dev.tern.delivery.dane.DaneHost;
import dev.tern.delivery.dane.Tlsa;
import dev.tern.delivery.mtasts.StsPolicy;
import dev.tern.routing.NextHop;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which hosts a REQUIRETLS message may go to, and how (RFC 8689 §2). */
class RequiredTlsTest {

    private static final NextHop.Mx MX = new NextHop.Mx("b.test", 25, TlsLevel.MAY);
    private static final Target ONE = new Target("mx1.b.test", new InetSocketAddress("127.0.0.3", 25));
    private static final Target TWO = new Target("mx2.b.test", new InetSocketAddress("127.0.0.4", 25));

    private static StsPolicy policy(StsPolicy.Mode mode, String... mx) {
        return new StsPolicy(mode, List.of(mx), Duration.ofDays(1));
    }

    @Test
    void validatedMxRecordsTrustEveryHostOverVerifiedTls() {
        RequiredTls r = RequiredTls.of(MX, List.of(ONE, TWO.withDane(new DaneHost.EncryptOnly("mx2.b.test", List.of()))),
                null, false, true);
        assertThat(r.refusal()).isNull();
        assertThat(r.hop().tls()).isEqualTo(TlsLevel.VERIFY);
        // Records that cannot authenticate leave the host to the CAs.
        assertThat(r.targets()).containsExactly(ONE, TWO);
    }

    @Test
    void withoutDnssecOnlyTheHostsAPolicyNamesEvenInTestingMode() {
        RequiredTls r = RequiredTls.of(MX, List.of(ONE, TWO), policy(StsPolicy.Mode.TESTING, "mx2.b.test"), false, false);
        assertThat(r.targets()).containsExactly(TWO);
        RequiredTls none = RequiredTls.of(MX, List.of(ONE, TWO), policy(StsPolicy.Mode.ENFORCE, "*.other.test"), false, false);
        assertThat(none.kind()).isEqualTo(RecipientOutcome.Kind.DEFERRED);
        assertThat(none.refusal()).contains("names none of its MX hosts");
        RequiredTls off = RequiredTls.of(MX, List.of(ONE), policy(StsPolicy.Mode.NONE, "mx1.b.test"), false, false);
        assertThat(off.kind()).isEqualTo(RecipientOutcome.Kind.FAILED);
    }

    @Test
    void neitherDnssecNorAPolicyFailsUnlessThePolicyIsOnlyMissingForNow() {
        RequiredTls failed = RequiredTls.of(MX, List.of(ONE), null, false, false);
        assertThat(failed.kind()).isEqualTo(RecipientOutcome.Kind.FAILED);
        assertThat(failed.status()).isEqualTo("5.7.30");
        RequiredTls later = RequiredTls.of(MX, List.of(ONE), null, true, false);
        assertThat(later.kind()).isEqualTo(RecipientOutcome.Kind.DEFERRED);
        assertThat(later.status()).isEqualTo("4.7.5");
    }

    @Test
    void aHostWithUsableTlsaRecordsKeepsThemAndAFixedRouteIsVerified() {
        DaneHost.Authenticated dane = new DaneHost.Authenticated("mx1.b.test",
                List.of(new Tlsa(3, 1, 1, new byte[32])), Set.of("mx1.b.test"));
        RequiredTls r = RequiredTls.of(MX, List.of(ONE.withDane(dane)), null, false, false);
        assertThat(r.targets()).extracting(Target::dane).containsExactly(dane);
        RequiredTls fixed = RequiredTls.of(new NextHop.Fixed("relay.test", 2525, TlsLevel.MAY), List.of(ONE), null, false, false);
        assertThat(fixed.hop().tls()).isEqualTo(TlsLevel.VERIFY);
        assertThat(fixed.targets()).containsExactly(ONE);
    }
}
