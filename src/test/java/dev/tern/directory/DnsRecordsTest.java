package dev.tern.directory;

import dev.tern.config.ClientPorts;
import dev.tern.config.ClientService;
import dev.tern.security.dkim.DkimAlgorithm;
import dev.tern.security.dkim.DkimKey;
import dev.tern.security.dkim.DkimKeyGenerator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DnsRecordsTest {

    @Test
    void manageSieveIsPublishedOnlyWhereItListens() {
        ClientPorts with = new ClientPorts(Map.of(ClientService.IMAPS, 993), 4190);
        assertThat(DnsRecords.forDomain("example.org", "mail.example.org", List.of(), null, with, null))
                .extracting(DnsRecords.Record::zoneLine)
                .contains("_sieve._tcp.example.org. IN SRV 0 1 4190 mail.example.org.");
        ClientPorts without = new ClientPorts(Map.of(ClientService.IMAPS, 993));
        assertThat(DnsRecords.forDomain("example.org", "mail.example.org", List.of(), null, without, null))
                .extracting(DnsRecords.Record::owner).noneMatch(n -> n.startsWith("_sieve."));
    }

    @Test
    void recordsInZoneFileSyntax() {
        DkimKey rsa = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, "202611r");
        DkimKey ed = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, "202611e");
        ClientPorts ports = new ClientPorts(Map.of(ClientService.SUBMISSION, 587, ClientService.SUBMISSIONS, 465,
                ClientService.IMAPS, 993, ClientService.IMAP, 143, ClientService.POP3S, 995));
        List<DnsRecords.Record> records = DnsRecords.forDomain("example.org", "mail.example.org", List.of(rsa, ed),
                "abc234", ports, null);
        assertThat(records).extracting(DnsRecords.Record::zoneLine).containsExactly(
                "example.org. IN MX 10 mail.example.org.",
                "example.org. IN TXT \"v=spf1 mx -all\"",
                "202611r._domainkey.example.org. IN TXT " + DnsRecords.txt("v=DKIM1; k=rsa; p=" + rsa.dnsPublicKey()),
                "202611e._domainkey.example.org. IN TXT \"v=DKIM1; k=ed25519; p=" + ed.dnsPublicKey() + "\"",
                "_dmarc.example.org. IN TXT \"v=DMARC1; p=quarantine; rua=mailto:postmaster@example.org\"",
                "_tern-verify.example.org. IN TXT \"tern-verify=abc234\"",
                "_submissions._tcp.example.org. IN SRV 0 1 465 mail.example.org.",
                "_submission._tcp.example.org. IN SRV 10 1 587 mail.example.org.",
                "_imaps._tcp.example.org. IN SRV 0 1 993 mail.example.org.",
                "_imap._tcp.example.org. IN SRV 10 1 143 mail.example.org.",
                "_pop3s._tcp.example.org. IN SRV 20 1 995 mail.example.org.",
                "_pop3._tcp.example.org. IN SRV 0 0 0 .",
                "autoconfig.example.org. IN CNAME mail.example.org.",
                "autodiscover.example.org. IN CNAME mail.example.org.");
        assertThat(records).allSatisfy(r -> assertThat(r.purpose()).isNotBlank());
        assertThat(records.get(2).text()).isEqualTo("v=DKIM1; k=rsa; p=" + rsa.dnsPublicKey());
        assertThat(records.get(0).name()).isEqualTo("example.org");
        assertThat(DnsRecords.forDomain("example.org", "mail.example.org", List.of(rsa, ed)))
                .as("the mail records alone are the first of the full list").isEqualTo(records.subList(0, 5));
    }

    @Test
    void withoutTokenNoOwnershipRecordAndWithoutListenersEveryServiceIsNotOffered() {
        List<DnsRecords.Record> records = DnsRecords.forDomain("example.org", "mail.example.org", List.of(), null,
                new ClientPorts(Map.of()), null);
        assertThat(records).noneMatch(r -> r.kind() == DnsRecords.Kind.OWNERSHIP || r.kind() == DnsRecords.Kind.DKIM);
        assertThat(records).filteredOn(r -> r.kind() == DnsRecords.Kind.SRV).hasSize(6)
                .allSatisfy(r -> assertThat(r.data()).isEqualTo("0 0 0 ."));
    }

    @Test
    void aServedMtaStsPolicyAddsItsHostAndARecordWhoseIdFollowsThePolicy() {
        String testing = "version: STSv1\r\nmode: testing\r\nmx: mail.example.org\r\nmax_age: 604800\r\n";
        List<DnsRecords.Record> records = DnsRecords.forDomain("example.org", "mail.example.org", List.of(), null,
                new ClientPorts(Map.of()), testing);
        String id = DnsRecords.mtaStsId(testing);
        assertThat(id).matches("[0-9a-f]{20}");
        assertThat(records.subList(records.size() - 3, records.size())).extracting(DnsRecords.Record::zoneLine).containsExactly(
                "mta-sts.example.org. IN CNAME mail.example.org.",
                "_mta-sts.example.org. IN TXT \"v=STSv1; id=" + id + "\"",
                "_smtp._tls.example.org. IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@example.org\"");
        // The id is what a sender compares: it changes when the policy does, and only then.
        assertThat(DnsRecords.mtaStsId(testing.replace("testing", "enforce"))).isNotEqualTo(id);
        assertThat(DnsRecords.mtaStsId(testing)).isEqualTo(id);
        // What this server publishes is a policy that its own MTA-STS support accepts.
        var policy = dev.tern.delivery.mtasts.StsPolicy.parse(testing);
        assertThat(policy.permits("mail.example.org")).isTrue();
        assertThat(dev.tern.delivery.mtasts.StsPolicy.policyId(List.of(records.get(records.size() - 2).text()))).isEqualTo(id);
        // Without a policy, no TLS reports are asked for either.
        assertThat(DnsRecords.forDomain("example.org", "mail.example.org", List.of(), null, new ClientPorts(Map.of()), null))
                .noneMatch(r -> r.kind() == DnsRecords.Kind.TLS_RPT || r.kind() == DnsRecords.Kind.MTA_STS);
    }

    @Test
    void longTextIsSplitIntoStringsOfAtMost255Octets() {
        String text = "v=DKIM1; k=rsa; p=" + "A".repeat(392);
        String data = DnsRecords.txt(text);
        assertThat(data).matches("\"[^\"]{255}\" \"[^\"]{155}\"");
        assertThat(data.replace("\" \"", "").replace("\"", "")).isEqualTo(text);
        assertThat(DnsRecords.unquote(data)).isEqualTo(text);
        assertThat(DnsRecords.unquote(DnsRecords.txt("a \"quoted\" \\ text"))).isEqualTo("a \"quoted\" \\ text");
        assertThat(DnsRecords.txt("")).isEqualTo("\"\"");
    }
}
