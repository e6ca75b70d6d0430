package dev.tern.security.spf;

import dev.tern.dns.DnsResolver;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SPFRecord;
import org.xbill.DNS.Type;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Identities, results and their reasons, explanations, and that no DNS wait holds a thread. */
class SpfVerifierTest {

    private static final InetAddress CLIENT = address("192.0.2.1");
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    private TestDnsServer dns;
    private DnsResolver resolver;
    private SpfVerifier verifier;

    @BeforeEach
    void start() {
        dns = TestDnsServer.start();
        resolver = new DnsResolver(dns.settings(Duration.ofMillis(500)));
        verifier = new SpfVerifier(resolver, "mx.receiver.test", CLOCK);
    }

    @AfterEach
    void stop() {
        resolver.close();
        dns.close();
    }

    @Test
    void aSlowDnsAnswerDoesNotBlockTheCaller() throws Exception {
        dns.unresponsive("slow.test");

        CompletableFuture<SpfOutcome> outcome = verifier.check(CLIENT, "helo.test", "someone@slow.test");
        CompletableFuture<Thread> completedOn = outcome.thenApply(o -> Thread.currentThread());

        assertThat(outcome).isNotDone(); // returned while the question is still unanswered
        await().atMost(Duration.ofSeconds(10)).until(() -> dns.queries("slow.test", Type.TXT) > 0);
        SpfOutcome result = outcome.get(30, TimeUnit.SECONDS);
        assertThat(result.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(result.reason()).contains("slow.test/TXT").contains("timed out");
        assertThat(completedOn.get()).isNotSameAs(Thread.currentThread());
    }

    @Test
    void aTimeoutInsideAnIncludeIsTemperror() throws Exception {
        dns.txt("example.test", "v=spf1 include:slow.test -all").unresponsive("slow.test");

        assertThat(check("someone@example.test").result()).isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void aServerFailureInAMechanismIsTemperror() throws Exception {
        dns.txt("example.test", "v=spf1 a:broken.test -all").servfail("broken.test");

        SpfOutcome outcome = check("someone@example.test");

        assertThat(outcome.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(outcome.reason()).contains("broken.test").contains("SERVFAIL");
    }

    @Test
    void aMatchIsReportedWithTheMechanism() throws Exception {
        dns.txt("example.test", "v=spf1 ip4:192.0.2.0/24 -all");

        SpfOutcome outcome = check("alice@example.test");

        assertThat(outcome).isEqualTo(new SpfOutcome(SpfResult.PASS, "mailfrom", "example.test", "alice@example.test",
                null, "matched ip4:192.0.2.0/24"));
        assertThat(outcome.result().keyword()).isEqualTo("pass");
    }

    @Test
    void onlyTxtRecordsAreAskedFor() throws Exception {
        dns.txt("example.test", "v=spf1 -all")
                .add(new SPFRecord(Name.fromString("example.test."), DClass.IN, 300, List.of("v=spf1 +all")));

        assertThat(check("alice@example.test").result()).isEqualTo(SpfResult.FAIL);
        assertThat(dns.queries("example.test", Type.SPF)).isZero();
    }

    @Test
    void noRecordIsNone() throws Exception {
        dns.txt("example.test", "google-site-verification=abc");

        SpfOutcome outcome = check("alice@example.test");

        assertThat(outcome.result()).isEqualTo(SpfResult.NONE);
        assertThat(outcome.reason()).isEqualTo("no SPF record");
    }

    @Test
    void theHeloIdentityIsCheckedForTheNullReversePath() throws Exception {
        dns.txt("mail.example.test", "v=spf1 ip4:192.0.2.1 -all");

        SpfOutcome outcome = verifier.check(CLIENT, "mail.example.test", null).get(30, TimeUnit.SECONDS);

        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(outcome.identity()).isEqualTo("helo");
        assertThat(outcome.domain()).isEqualTo("mail.example.test");
        assertThat(outcome.sender()).isEqualTo("postmaster@mail.example.test");
    }

    @Test
    void anAddressLiteralHeloGivesNoneWithoutDns() throws Exception {
        SpfOutcome outcome = verifier.check(CLIENT, "[192.0.2.1]", null).get(30, TimeUnit.SECONDS);

        assertThat(outcome.result()).isEqualTo(SpfResult.NONE);
        assertThat(outcome.identity()).isEqualTo("helo");
        assertThat(dns.queries("[192.0.2.1]")).isZero();
    }

    @Test
    void aSenderWithoutLocalPartIsPostmaster() throws Exception {
        dns.txt("example.test", "v=spf1 -all exp=why.example.test").txt("why.example.test", "%{s} may not send");

        SpfOutcome outcome = check("@example.test");

        assertThat(outcome.sender()).isEqualTo("postmaster@example.test");
        assertThat(outcome.explanation()).isEqualTo("postmaster@example.test may not send");
    }

    @Test
    void anIpv4MappedClientIsTreatedAsIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};
        InetAddress client = Inet6Address.getByAddress(null, mapped, 0);
        dns.txt("example.test", "v=spf1 ip6:::ffff:192.0.2.1 -all exp=why.example.test").txt("why.example.test", "%{c} %{i} %{v}");

        SpfOutcome outcome = verifier.check(client, "helo.test", "alice@example.test").get(30, TimeUnit.SECONDS);

        assertThat(outcome.result()).isEqualTo(SpfResult.FAIL);
        assertThat(outcome.explanation()).isEqualTo("192.0.2.1 192.0.2.1 in-addr");
    }

    @Test
    void theExplanationMayNameTheReceiverAndTheTime() throws Exception {
        dns.txt("example.test", "v=spf1 -all exp=%{d2}.why.example.test")
                .txt("example.test.why.example.test", "%{c} is not a server of %{d}; checked by %{r} at %{t}");

        SpfOutcome outcome = check("alice@example.test");

        assertThat(outcome.result()).isEqualTo(SpfResult.FAIL);
        assertThat(outcome.explanation())
                .isEqualTo("192.0.2.1 is not a server of example.test; checked by mx.receiver.test at 1700000000");
    }

    @Test
    void theValidatedClientNameIsLookedUpForP() throws Exception {
        dns.ptrAt("1.2.0.192.in-addr.arpa", "other.test").ptrAt("1.2.0.192.in-addr.arpa", "mail.example.test")
                .a("mail.example.test", "192.0.2.1").a("other.test", "192.0.2.1");
        dns.txt("example.test", "v=spf1 exists:%{p}.allowed.example.test -all").a("mail.example.test.allowed.example.test", "127.0.0.2");

        assertThat(check("alice@example.test").result()).isEqualTo(SpfResult.PASS);
    }

    @Test
    void severalRecordsArePermerror() throws Exception {
        dns.txt("example.test", "v=spf1 -all").txt("example.test", "v=spf1 +all");

        assertThat(check("alice@example.test").result()).isEqualTo(SpfResult.PERMERROR);
    }

    private SpfOutcome check(String mailFrom) throws Exception {
        return verifier.check(CLIENT, "helo.test", mailFrom).get(30, TimeUnit.SECONDS);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
