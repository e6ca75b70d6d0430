package dev.tern.security.dmarc;

import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/** Policy discovery, alignment and pct sampling, against TXT records given per test. */
class DmarcVerifierTest {

    private final Map<String, DnsAnswer<String>> dns = new HashMap<>();
    private final List<String> asked = new ArrayList<>();
    private final FixedRandom random = new FixedRandom();
    private final DmarcVerifier verifier = new DmarcVerifier(name -> {
        asked.add(name);
        return CompletableFuture.completedFuture(dns.getOrDefault(name, new DnsAnswer.NoSuchDomain<>()));
    }, random);

    private void txt(String name, String... records) {
        dns.put(name, new DnsAnswer.Found<>(List.of(records)));
    }

    @Test
    void noRecordMeansNone() {
        DmarcOutcome o = evaluate("mail.example.com", "mail.example.com", List.of());
        assertThat(o.result()).isEqualTo(DmarcResult.NONE);
        assertThat(o.requested()).isEqualTo(DmarcPolicy.NONE);
        assertThat(o.applied()).isEqualTo(DmarcPolicy.NONE);
        assertThat(o.policyDomain()).isNull();
        assertThat(o.spfAligned()).isTrue();
        assertThat(o.reason()).isEqualTo("no DMARC record at _dmarc.mail.example.com or _dmarc.example.com");
        assertThat(asked).containsExactly("_dmarc.mail.example.com", "_dmarc.example.com");
    }

    @Test
    void anAlignedDkimPassPasses() {
        txt("_dmarc.example.com", "v=DMARC1; p=reject");
        DmarcOutcome o = evaluate("example.com", null, List.of("example.com"));
        assertThat(o.result()).isEqualTo(DmarcResult.PASS);
        assertThat(o.dkimAligned()).isTrue();
        assertThat(o.spfAligned()).isFalse();
        assertThat(o.requested()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(o.applied()).isEqualTo(DmarcPolicy.NONE);
        assertThat(o.policyDomain()).isEqualTo("example.com");
        assertThat(o.reason()).isEqualTo("DKIM aligned with example.com");
    }

    @Test
    void eachPolicyIsAppliedToFailures() {
        txt("_dmarc.none.example", "v=DMARC1; p=none; rua=mailto:d@none.example");
        txt("_dmarc.quarantine.example", "v=DMARC1; p=quarantine");
        txt("_dmarc.reject.example", "v=DMARC1;p=reject");
        for (DmarcPolicy p : DmarcPolicy.values()) {
            String domain = p.keyword() + ".example";
            DmarcOutcome o = evaluate(domain, "other.example", List.of("other.example"));
            assertThat(o.result()).isEqualTo(DmarcResult.FAIL);
            assertThat(o.requested()).isEqualTo(p);
            assertThat(o.applied()).isEqualTo(p);
            assertThat(o.reason()).isEqualTo("no SPF or DKIM pass aligned with " + domain);
        }
    }

    @Test
    void relaxedAlignmentAcceptsTheSameOrganizationalDomain() {
        txt("_dmarc.example.com", "v=DMARC1; p=reject");
        assertThat(evaluate("example.com", "bounces.example.com", List.of()).spfAligned()).isTrue();
        assertThat(evaluate("example.com", null, List.of("mail.example.com")).dkimAligned()).isTrue();
        txt("_dmarc.news.example.com", "v=DMARC1; p=reject");
        assertThat(evaluate("news.example.com", "bounces.example.com", List.of("example.com")).result())
                .isEqualTo(DmarcResult.PASS);
        assertThat(evaluate("example.com", "example.org", List.of("example.co.uk")).result())
                .isEqualTo(DmarcResult.FAIL);
    }

    @Test
    void strictAlignmentWantsTheSameName() {
        txt("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s; aspf=s");
        DmarcOutcome subdomains = evaluate("example.com", "bounces.example.com", List.of("mail.example.com"));
        assertThat(subdomains.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(subdomains.applied()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(evaluate("example.com", "EXAMPLE.COM.", List.of()).spfAligned()).isTrue();
        assertThat(evaluate("example.com", null, List.of("mail.example.com", "example.com")).dkimAligned()).isTrue();

        txt("_dmarc.example.net", "v=DMARC1; p=reject; adkim=s");
        DmarcOutcome mixed = evaluate("example.net", "bounces.example.net", List.of("mail.example.net"));
        assertThat(mixed.spfAligned()).isTrue();
        assertThat(mixed.dkimAligned()).isFalse();
        assertThat(mixed.result()).isEqualTo(DmarcResult.PASS);
    }

    @Test
    void aSubdomainWithoutRecordGetsTheOrganizationalDomainsSubdomainPolicy() {
        txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine");
        DmarcOutcome o = evaluate("shop.example.com", null, List.of());
        assertThat(o.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(o.policyDomain()).isEqualTo("example.com");
        assertThat(o.requested()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(asked).containsExactly("_dmarc.shop.example.com", "_dmarc.example.com");

        txt("_dmarc.example.org", "v=DMARC1; p=reject");
        assertThat(evaluate("a.b.example.org", null, List.of()).requested()).isEqualTo(DmarcPolicy.REJECT);

        txt("_dmarc.own.example.com", "v=DMARC1; p=none");
        assertThat(evaluate("own.example.com", null, List.of()).requested()).isEqualTo(DmarcPolicy.NONE);
    }

    @Test
    void theOrganizationalDomainFollowsThePublicSuffixList() {
        txt("_dmarc.example.co.uk", "v=DMARC1; p=reject");
        DmarcOutcome o = evaluate("mail.example.co.uk", "example.co.uk", List.of());
        assertThat(o.policyDomain()).isEqualTo("example.co.uk");
        assertThat(o.result()).isEqualTo(DmarcResult.PASS);
        assertThat(asked).containsExactly("_dmarc.mail.example.co.uk", "_dmarc.example.co.uk");
        assertThat(evaluate("example.co.uk", "other.co.uk", List.of()).spfAligned()).isFalse();
    }

    @Test
    void pctSamplesFailuresAndStepsTheOthersDownOneLevel() {
        txt("_dmarc.example.com", "v=DMARC1; p=reject; pct=25");
        txt("_dmarc.example.org", "v=DMARC1; p=quarantine; pct=25");
        random.next = 24;
        assertThat(evaluate("example.com", null, List.of()).applied()).isEqualTo(DmarcPolicy.REJECT);
        random.next = 25;
        DmarcOutcome out = evaluate("example.com", null, List.of());
        assertThat(out.requested()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(out.applied()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(out.reason()).endsWith("; outside pct=25, reject lowered to quarantine");
        assertThat(evaluate("example.org", null, List.of()).applied()).isEqualTo(DmarcPolicy.NONE);
        assertThat(random.bounds).containsOnly(100);

        txt("_dmarc.zero.example", "v=DMARC1; p=reject; pct=0");
        random.next = 0;
        assertThat(evaluate("zero.example", null, List.of()).applied()).isEqualTo(DmarcPolicy.QUARANTINE);
    }

    @Test
    void aPassIsNeverSampled() {
        txt("_dmarc.example.com", "v=DMARC1; p=reject; pct=10");
        random.next = 99;
        assertThat(evaluate("example.com", "example.com", List.of()).result()).isEqualTo(DmarcResult.PASS);
        assertThat(random.bounds).isEmpty();
    }

    @Test
    void aDnsFailureIsATemporaryError() {
        dns.put("_dmarc.example.com", new DnsAnswer.TemporaryFailure<>("DNS lookup of _dmarc.example.com/TXT timed out"));
        DmarcOutcome o = evaluate("example.com", null, List.of("example.com"));
        assertThat(o.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(o.reason()).contains("timed out");
        assertThat(o.applied()).isEqualTo(DmarcPolicy.NONE);

        dns.put("_dmarc.example.org", new DnsAnswer.TemporaryFailure<>("SERVFAIL"));
        assertThat(evaluate("www.example.org", null, List.of()).result()).isEqualTo(DmarcResult.TEMPERROR);
    }

    @Test
    void aLookupThatFailsExceptionallyIsATemporaryError() {
        DmarcVerifier failing = new DmarcVerifier(name -> CompletableFuture.failedFuture(new IllegalStateException("boom")),
                random);
        assertThat(join(failing.evaluate("example.com", null, List.of())).result()).isEqualTo(DmarcResult.TEMPERROR);
    }

    @Test
    void severalDmarcRecordsMeanNoPolicyAndNoFallback() {
        txt("_dmarc.mail.example.com", "v=DMARC1; p=reject", "v=DMARC1; p=none");
        txt("_dmarc.example.com", "v=DMARC1; p=reject");
        DmarcOutcome o = evaluate("mail.example.com", null, List.of());
        assertThat(o.result()).isEqualTo(DmarcResult.NONE);
        assertThat(o.reason()).isEqualTo("several DMARC records at _dmarc.mail.example.com: none applies");
        assertThat(asked).containsExactly("_dmarc.mail.example.com");
    }

    @Test
    void otherTxtRecordsAreIgnored() {
        txt("_dmarc.example.com", "v=spf1 -all", "some verification token", "v=DMARC1; p=quarantine");
        assertThat(evaluate("example.com", null, List.of()).requested()).isEqualTo(DmarcPolicy.QUARANTINE);
        txt("_dmarc.example.org", "p=reject; v=DMARC1");
        assertThat(evaluate("example.org", null, List.of()).result()).isEqualTo(DmarcResult.NONE);
    }

    @Test
    void anInvalidPolicyIsNoneWithAReportAddressAndAnErrorWithout() {
        txt("_dmarc.example.com", "v=DMARC1; p=block; rua=mailto:dmarc@example.com");
        DmarcOutcome withRua = evaluate("example.com", null, List.of());
        assertThat(withRua.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(withRua.requested()).isEqualTo(DmarcPolicy.NONE);

        txt("_dmarc.example.org", "v=DMARC1; p=block");
        DmarcOutcome without = evaluate("example.org", null, List.of());
        assertThat(without.result()).isEqualTo(DmarcResult.PERMERROR);
        assertThat(without.reason()).isEqualTo("DMARC record at _dmarc.example.org is unusable: no valid p=");
        assertThat(without.applied()).isEqualTo(DmarcPolicy.NONE);
    }

    @Test
    void domainsAreComparedInLowerCaseALabels() {
        txt("_dmarc.xn--bcher-kva.example", "v=DMARC1; p=reject");
        DmarcOutcome o = evaluate("Bücher.example", null, List.of("BÜCHER.example."));
        assertThat(o.fromDomain()).isEqualTo("xn--bcher-kva.example");
        assertThat(o.result()).isEqualTo(DmarcResult.PASS);
    }

    @Test
    void aFromDomainThatIsNoDomainNameIsAPermanentError() {
        DmarcOutcome o = evaluate("[192.0.2.1]", null, List.of());
        assertThat(o.result()).isEqualTo(DmarcResult.PERMERROR);
        assertThat(asked).isEmpty();
    }

    @Test
    void throughARealResolver() {
        try (TestDnsServer server = TestDnsServer.start();
             DnsResolver resolver = new DnsResolver(server.settings(Duration.ofMillis(500)))) {
            server.txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=none; pct=100");
            server.unresponsive("_dmarc.slow.example");
            DmarcVerifier real = new DmarcVerifier(resolver::txt, random);
            DmarcOutcome sub = join(real.evaluate("lists.example.com", null, List.of()));
            assertThat(sub.result()).isEqualTo(DmarcResult.FAIL);
            assertThat(sub.requested()).isEqualTo(DmarcPolicy.NONE);
            assertThat(join(real.evaluate("example.com", null, List.of())).applied()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(join(real.evaluate("slow.example", null, List.of())).result()).isEqualTo(DmarcResult.TEMPERROR);
        }
    }

    private DmarcOutcome evaluate(String from, String spf, List<String> dkim) {
        asked.clear();
        return join(verifier.evaluate(from, spf, dkim));
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Draws the number a test sets, and records the bounds it was asked for. */
    private static final class FixedRandom implements RandomGenerator {
        int next;
        final List<Integer> bounds = new ArrayList<>();

        @Override
        public int nextInt(int bound) {
            bounds.add(bound);
            return next;
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }
    }
}
