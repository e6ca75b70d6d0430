package dev.tern.onboarding;

import dev.tern.directory.DnsRecords;
import dev.tern.server.Services;
import dev.tern.testing.TestConfigs;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check of a domain's records against a loopback DNS server: every record found, missing,
 * different, or unknown because DNS does not answer; and the ownership token that verifies a domain.
 */
class DomainVerificationTest {

    private static final String DOMAIN = "example.test";
    private static final String HOST = "mx.tern.test";

    @TempDir
    Path dir;
    TestDnsServer dns;
    Services services;
    DomainOnboarding onboarding;
    List<DnsRecords.Record> records;

    @BeforeEach
    void setUp() {
        dns = TestDnsServer.start();
        services = new Services(TestConfigs.write(dir, """
                hostname = "%s"
                [dns]
                nameservers = ["127.0.0.1:%d"]
                timeout = "300ms"
                """.formatted(HOST, dns.nameserver().getPort()), """
                submission = ["0.0.0.0:587"]
                submissions = ["0.0.0.0:465"]
                imaps = ["0.0.0.0:993"]
                autoconfigs = ["0.0.0.0:443"]
                """), 2);
        onboarding = services.onboarding();
        records = onboarding.addDomain(DOMAIN).records();
        dns.a(HOST, "192.0.2.10");
    }

    @AfterEach
    void tearDown() {
        services.close();
        dns.close();
    }

    /** Publishes a record as its zone-file line says. */
    private void publish(DnsRecords.Record r) {
        try {
            dns.add(Record.fromString(Name.fromString(r.owner()), Type.value(r.type()), DClass.IN, 300, r.data(), Name.root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private VerificationReport verify() throws Exception {
        return onboarding.verify(DOMAIN).get(60, TimeUnit.SECONDS);
    }

    private static Map<String, RecordCheck.Status> statuses(VerificationReport report) {
        return report.checks().stream().collect(Collectors.toMap(c -> c.record().zoneLine(), RecordCheck::status,
                (a, b) -> a, java.util.LinkedHashMap::new));
    }

    private DnsRecords.Record record(DnsRecords.Kind kind) {
        return records.stream().filter(r -> r.kind() == kind).findFirst().orElseThrow();
    }

    private RecordCheck check(VerificationReport report, Function<DnsRecords.Record, Boolean> which) {
        return report.checks().stream().filter(c -> which.apply(c.record())).findFirst().orElseThrow();
    }

    @Test
    void theRecordsAreTheWholeSet() {
        assertThat(records).extracting(DnsRecords.Record::zoneLine).contains(
                "example.test. IN MX 10 mx.tern.test.",
                "example.test. IN TXT \"v=spf1 mx -all\"",
                "_dmarc.example.test. IN TXT \"v=DMARC1; p=quarantine; rua=mailto:postmaster@example.test\"",
                "_tern-verify.example.test. IN TXT \"tern-verify=" + services.domainOwnership().token(DOMAIN) + "\"",
                "_submissions._tcp.example.test. IN SRV 0 1 465 mx.tern.test.",
                "_submission._tcp.example.test. IN SRV 10 1 587 mx.tern.test.",
                "_imaps._tcp.example.test. IN SRV 0 1 993 mx.tern.test.",
                "_imap._tcp.example.test. IN SRV 0 0 0 .",
                "_pop3s._tcp.example.test. IN SRV 0 0 0 .",
                "_pop3._tcp.example.test. IN SRV 0 0 0 .",
                "autoconfig.example.test. IN CNAME mx.tern.test.",
                "autodiscover.example.test. IN CNAME mx.tern.test.",
                "mta-sts.example.test. IN CNAME mx.tern.test.",
                "_mta-sts.example.test. IN TXT \"v=STSv1; id="
                        + DnsRecords.mtaStsId(services.config().mtaStsPolicy()) + "\"",
                "_smtp._tls.example.test. IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@example.test\"");
        assertThat(records).filteredOn(r -> r.kind() == DnsRecords.Kind.DKIM).hasSize(2);
        assertThat(services.domainOwnership().token(DOMAIN)).matches("[a-z2-7]{32}");
    }

    @Test
    void everyRecordPublishedIsFoundAndTheTokenVerifiesTheDomain() throws Exception {
        records.forEach(this::publish);
        VerificationReport report = verify();
        assertThat(statuses(report).values()).as("%s", report.checks()).containsOnly(RecordCheck.Status.FOUND);
        assertThat(report.checks()).hasSize(records.size());
        assertThat(report.complete()).isTrue();
        assertThat(report.ownershipVerified()).isTrue();
        assertThat(services.domainOwnership().isVerified("Example.TEST")).isTrue();
        assertThat(check(report, r -> r.kind() == DnsRecords.Kind.SPF).detail())
                .isEqualTo("the SPF policy authorizes mx.tern.test (192.0.2.10)");
    }

    @Test
    void nothingPublishedIsMissing() throws Exception {
        VerificationReport report = verify();
        assertThat(statuses(report).values()).containsOnly(RecordCheck.Status.MISSING);
        assertThat(report.complete()).isFalse();
        assertThat(report.ownershipVerified()).isFalse();
        assertThat(services.domainOwnership().isVerified(DOMAIN)).isFalse();
        assertThat(check(report, r -> r.kind() == DnsRecords.Kind.MX).detail()).isEqualTo("example.test does not exist");
    }

    @Test
    void otherValuesAreDifferentAndSayWhatIsPublished() throws Exception {
        dns.mx(DOMAIN, 10, "mx.elsewhere.test").a("mx.elsewhere.test", "198.51.100.7");
        dns.txt(DOMAIN, "v=spf1 ip4:198.51.100.0/24 -all");
        for (DnsRecords.Record dkim : records.stream().filter(r -> r.kind() == DnsRecords.Kind.DKIM).toList()) {
            dns.txt(dkim.name(), "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAother");
        }
        dns.txt("_dmarc." + DOMAIN, "v=DMARC1; p=none").txt("_dmarc." + DOMAIN, "v=DMARC1; p=reject");
        dns.txt("_tern-verify." + DOMAIN, "tern-verify=someoneelsestoken");
        for (DnsRecords.Record srv : records.stream().filter(r -> r.kind() == DnsRecords.Kind.SRV).toList()) {
            dns.add(Record.fromString(Name.fromString(srv.owner()), Type.SRV, DClass.IN, 300, "0 1 2525 mail.elsewhere.test.",
                    Name.root));
        }
        dns.cname("autoconfig." + DOMAIN, "web.elsewhere.test");
        dns.a("autodiscover." + DOMAIN, "203.0.113.5");
        dns.cname("mta-sts." + DOMAIN, "web.elsewhere.test");
        dns.txt("_mta-sts." + DOMAIN, "v=STSv1; id=before1");
        dns.txt("_smtp._tls." + DOMAIN, "v=TLSRPTv1");

        VerificationReport report = verify();
        assertThat(statuses(report).values()).as("%s", report.checks()).containsOnly(RecordCheck.Status.DIFFERENT);
        assertThat(report.ownershipVerified()).isFalse();

        RecordCheck spf = check(report, r -> r.kind() == DnsRecords.Kind.SPF);
        assertThat(spf.published()).containsExactly("v=spf1 ip4:198.51.100.0/24 -all");
        assertThat(spf.detail()).startsWith("the SPF policy does not authorize mx.tern.test: 192.0.2.10: fail");
        RecordCheck mx = check(report, r -> r.kind() == DnsRecords.Kind.MX);
        assertThat(mx.published()).containsExactly("10 mx.elsewhere.test.");
        assertThat(mx.detail()).contains("mx.tern.test is not among the MX hosts");
        RecordCheck dkim = check(report, r -> r.kind() == DnsRecords.Kind.DKIM);
        assertThat(dkim.detail()).contains("(p=) is not the key");
        assertThat(dkim.expected()).startsWith("v=DKIM1; k=");
        RecordCheck token = check(report, r -> r.kind() == DnsRecords.Kind.OWNERSHIP);
        assertThat(token.published()).containsExactly("tern-verify=someoneelsestoken");
        assertThat(check(report, r -> r.kind() == DnsRecords.Kind.DMARC).detail()).contains("more than one DMARC record");
        assertThat(check(report, r -> r.name().equals("_imap._tcp.example.test")).detail())
                .isEqualTo("published as offered, but this server does not offer it");
        assertThat(check(report, r -> r.name().equals("autodiscover.example.test")).published()).containsExactly("203.0.113.5");
        RecordCheck sts = check(report, r -> r.kind() == DnsRecords.Kind.MTA_STS);
        assertThat(sts.published()).containsExactly("v=STSv1; id=before1");
        assertThat(sts.detail()).startsWith("the id is not that of the policy served now");
        RecordCheck rpt = check(report, r -> r.kind() == DnsRecords.Kind.TLS_RPT);
        assertThat(rpt.published()).containsExactly("v=TLSRPTv1");
        assertThat(rpt.detail()).isEqualTo("the TLS-RPT record has no rua=: senders have nowhere to report");
    }

    @Test
    void tlsReportsMayGoWhereverTheOperatorWantsButToOneRecord() throws Exception {
        DnsRecords.Record rpt = record(DnsRecords.Kind.TLS_RPT);
        dns.txt(rpt.name(), "v=TLSRPTv1; rua=mailto:tls@reports.example.net,https://reports.example.net/tlsrpt");
        RecordCheck elsewhere = check(verify(), r -> r.kind() == DnsRecords.Kind.TLS_RPT);
        assertThat(elsewhere.status()).isEqualTo(RecordCheck.Status.FOUND);
        assertThat(elsewhere.detail()).isEqualTo("TLS reports go to mailto:tls@reports.example.net,https://reports.example.net/tlsrpt");
        publish(rpt);
        RecordCheck two = check(verify(), r -> r.kind() == DnsRecords.Kind.TLS_RPT);
        assertThat(two.status()).isEqualTo(RecordCheck.Status.DIFFERENT);
        assertThat(two.detail()).startsWith("more than one TLS-RPT record");
    }

    @Test
    void twoMtaStsRecordsAreOneTooMany() throws Exception {
        DnsRecords.Record sts = record(DnsRecords.Kind.MTA_STS);
        publish(sts);
        dns.txt(sts.name(), "v=STSv1; id=other2");
        RecordCheck check = check(verify(), r -> r.kind() == DnsRecords.Kind.MTA_STS);
        assertThat(check.status()).isEqualTo(RecordCheck.Status.DIFFERENT);
        assertThat(check.detail()).startsWith("more than one MTA-STS record");
    }

    @Test
    void equivalentRecordsAreFoundToo() throws Exception {
        // SPF through an include, DMARC with another policy, autoconfig by address instead of CNAME.
        dns.txt(DOMAIN, "v=spf1 include:_spf.provider.test -all").txt("_spf.provider.test", "v=spf1 ip4:192.0.2.0/24 -all");
        dns.txt("_dmarc." + DOMAIN, "v=DMARC1; p=reject");
        dns.a("autoconfig." + DOMAIN, "192.0.2.10");
        VerificationReport report = verify();
        assertThat(check(report, r -> r.kind() == DnsRecords.Kind.SPF).status()).isEqualTo(RecordCheck.Status.FOUND);
        assertThat(check(report, r -> r.kind() == DnsRecords.Kind.DMARC).detail()).isEqualTo("DMARC policy p=reject");
        assertThat(check(report, r -> r.name().equals("autoconfig.example.test")).status()).isEqualTo(RecordCheck.Status.FOUND);
    }

    @Test
    void aDnsTimeoutIsAnErrorNotMissing() throws Exception {
        records.forEach(this::publish);
        dns.unresponsive(DOMAIN, Type.MX);
        dns.unresponsive("_tern-verify." + DOMAIN);
        dns.unresponsive("_dmarc." + DOMAIN);
        VerificationReport report = verify();
        assertThat(check(report, r -> r.kind() == DnsRecords.Kind.MX).status()).isEqualTo(RecordCheck.Status.ERROR);
        assertThat(check(report, r -> r.kind() == DnsRecords.Kind.OWNERSHIP).status()).isEqualTo(RecordCheck.Status.ERROR);
        assertThat(check(report, r -> r.kind() == DnsRecords.Kind.DMARC).detail()).contains("timed out");
        assertThat(check(report, r -> r.kind() == DnsRecords.Kind.SPF).status())
                .as("SPF's own lookup of the MX fails: temperror").isEqualTo(RecordCheck.Status.ERROR);
        assertThat(report.count(RecordCheck.Status.MISSING)).isZero();
        assertThat(report.ownershipVerified()).isFalse();
    }

    @Test
    void theOwnershipTokenFlipsVerifiedAndVerifiedStays() throws Exception {
        assertThat(verify().ownershipVerified()).isFalse();
        assertThat(services.domainOwnership().verifiedAt(DOMAIN)).isEmpty();

        publish(record(DnsRecords.Kind.OWNERSHIP));
        VerificationReport verified = verify();
        assertThat(verified.ownershipVerified()).as("a fresh lookup, not a cached NXDOMAIN").isTrue();
        assertThat(services.domainOwnership().verifiedAt(DOMAIN)).contains(verified.verifiedAt());

        dns.remove("_tern-verify." + DOMAIN);
        VerificationReport later = verify();
        assertThat(check(later, r -> r.kind() == DnsRecords.Kind.OWNERSHIP).status()).isEqualTo(RecordCheck.Status.MISSING);
        assertThat(later.verifiedAt()).isEqualTo(verified.verifiedAt());
    }

    @Test
    void domainsAddedBeforeTokensGetOneWhenAsked() {
        services.directory().addDomain("old.test");
        var before = services.metadata().read(tx -> tx.domainOwnership().ownership("old.test"));
        assertThat(before).isEmpty();
        String token = services.domainOwnership().token("old.test");
        assertThat(onboarding.records("old.test")).extracting(DnsRecords.Record::zoneLine)
                .contains("_tern-verify.old.test. IN TXT \"tern-verify=" + token + "\"");
        assertThat(services.domainOwnership().token("OLD.test.")).isEqualTo(token);
    }
}
