package dev.tern.directory;

import dev.tern.security.dkim.DkimAlgorithm;
import dev.tern.security.dkim.DkimKey;
import dev.tern.security.dkim.DkimKeyGenerator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DnsRecordsTest {

    @Test
    void recordsInZoneFileSyntax() {
        DkimKey rsa = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, "202611r");
        DkimKey ed = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, "202611e");
        List<DnsRecords.Record> records = DnsRecords.forDomain("example.org", "mail.example.org", List.of(rsa, ed));
        assertThat(records).extracting(DnsRecords.Record::zoneLine).containsExactly(
                "example.org. IN MX 10 mail.example.org.",
                "example.org. IN TXT \"v=spf1 mx -all\"",
                "202611r._domainkey.example.org. IN TXT " + DnsRecords.txt("v=DKIM1; k=rsa; p=" + rsa.dnsPublicKey()),
                "202611e._domainkey.example.org. IN TXT \"v=DKIM1; k=ed25519; p=" + ed.dnsPublicKey() + "\"",
                "_dmarc.example.org. IN TXT \"v=DMARC1; p=quarantine; rua=mailto:postmaster@example.org\"");
        assertThat(records).allSatisfy(r -> assertThat(r.purpose()).isNotBlank());
    }

    @Test
    void longTextIsSplitIntoStringsOfAtMost255Octets() {
        String text = "v=DKIM1; k=rsa; p=" + "A".repeat(392);
        String data = DnsRecords.txt(text);
        assertThat(data).matches("\"[^\"]{255}\" \"[^\"]{155}\"");
        assertThat(data.replace("\" \"", "").replace("\"", "")).isEqualTo(text);
        assertThat(DnsRecords.txt("")).isEqualTo("\"\"");
    }
}
