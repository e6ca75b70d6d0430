package dev.tern.security.dmarc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DMARC records (RFC 7489 §6.3) and organizational domains (§3.2). */
class DmarcRecordTest {

    @Test
    void aFullRecord() {
        DmarcRecord r = DmarcRecord.parse("v=DMARC1; p=Quarantine; sp=reject; adkim=s; aspf=r; pct=30; "
                + "rua=mailto:agg@example.com, mailto:other@example.net!10m; fo=1; future=tag");
        assertThat(r).isEqualTo(new DmarcRecord(DmarcPolicy.QUARANTINE, DmarcPolicy.REJECT, true, false, 30,
                java.util.List.of("mailto:agg@example.com", "mailto:other@example.net!10m")));
    }

    @Test
    void defaultsAndLenientValues() {
        assertThat(DmarcRecord.parse("v=DMARC1; p=reject"))
                .isEqualTo(new DmarcRecord(DmarcPolicy.REJECT, null, false, false, 100));
        assertThat(DmarcRecord.parse("v=DMARC1;p=none;pct=250;adkim=x;aspf=;").percent()).isEqualTo(100);
        assertThat(DmarcRecord.parse("v=DMARC1; p=none; pct=-5").percent()).isEqualTo(100);
        assertThat(DmarcRecord.parse("v=DMARC1; p=none; pct=0").percent()).isZero();
        assertThat(DmarcRecord.parse("v=DMARC1; p=reject; p=none").policy()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void anInvalidPolicyFallsBackToNoneOnlyWithAValidReportUri() {
        assertThat(DmarcRecord.parse("v=DMARC1; rua=mailto:a@example.com!10m").policy()).isEqualTo(DmarcPolicy.NONE);
        assertThat(DmarcRecord.parse("v=DMARC1; p=reject; sp=bogus; rua=mailto:a@example.com"))
                .isEqualTo(new DmarcRecord(DmarcPolicy.NONE, null, false, false, 100, java.util.List.of("mailto:a@example.com")));
        assertThatThrownBy(() -> DmarcRecord.parse("v=DMARC1; p=maybe")).hasMessage("no valid p=");
        assertThatThrownBy(() -> DmarcRecord.parse("v=DMARC1; p=reject; sp=bogus")).hasMessage("invalid sp=bogus");
        assertThatThrownBy(() -> DmarcRecord.parse("v=DMARC1; p=x; rua=not a uri")).hasMessage("no valid p=");
    }

    @Test
    void onlyRecordsStartingWithTheVersionAreDmarcRecords() {
        assertThat(DmarcRecord.isDmarcRecord("v=DMARC1; p=none")).isTrue();
        assertThat(DmarcRecord.isDmarcRecord(" v = DMARC1 ;p=none")).isTrue();
        assertThat(DmarcRecord.isDmarcRecord("v=DMARC1")).isTrue();
        assertThat(DmarcRecord.isDmarcRecord("p=none; v=DMARC1")).isFalse();
        assertThat(DmarcRecord.isDmarcRecord("v=DMARC2; p=none")).isFalse();
        assertThat(DmarcRecord.isDmarcRecord("v=spf1 -all")).isFalse();
    }

    @Test
    void organizationalDomains() {
        assertThat(OrganizationalDomain.of("example.com")).isEqualTo("example.com");
        assertThat(OrganizationalDomain.of("a.b.example.com")).isEqualTo("example.com");
        assertThat(OrganizationalDomain.of("mail.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(OrganizationalDomain.of("alice.github.io")).isEqualTo("alice.github.io");
        assertThat(OrganizationalDomain.of("co.uk")).isEqualTo("co.uk");
        assertThat(OrganizationalDomain.of("com")).isEqualTo("com");
        assertThat(OrganizationalDomain.of("mx.example.test")).isEqualTo("example.test");
        assertThat(OrganizationalDomain.of("localhost")).isEqualTo("localhost");
        assertThat(OrganizationalDomain.of("_spf.x_y.example.internal")).isEqualTo("example.internal");
    }
}
