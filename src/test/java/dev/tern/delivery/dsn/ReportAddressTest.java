package dev.tern.delivery.dsn;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Address types and xtext decoding of report fields (RFC 3461 §4, RFC 3464 §2.3, RFC 6533 §3). */
class ReportAddressTest {

    @Test
    void xtextDecodes() {
        assertThat(Xtext.decode("a+2Bb+3Dc")).isEqualTo("a+b=c");
        assertThat(Xtext.decode("j+C3+B6rg")).isEqualTo("jörg");
        assertThat(Xtext.decode("bad+2")).isNull();
        assertThat(Xtext.decode("bad+ZZ")).isNull();
        assertThat(Xtext.decode("a=b")).isNull();
        assertThat(Xtext.decode("+FF")).as("not UTF-8").isNull();
    }

    @Test
    void finalRecipientType() {
        assertThat(ReportAddress.typed("bob@example.net", false)).isEqualTo("rfc822; bob@example.net");
        assertThat(ReportAddress.typed("jörg@example.net", true)).isEqualTo("utf-8; jörg@example.net");
        assertThat(ReportAddress.typed("jörg@例子.net", false)).isEqualTo("utf-8; j\\x{F6}rg@\\x{4F8B}\\x{5B50}.net");
    }

    @Test
    void originalRecipientKeepsItsTypeAndIsDecoded() {
        assertThat(ReportAddress.original("rfc822;a+2Bb@example.net", false)).isEqualTo("rfc822; a+b@example.net");
        assertThat(ReportAddress.original("RFC822;a@example.net", false)).isEqualTo("RFC822; a@example.net");
        assertThat(ReportAddress.original("x400;c+3Dus", false)).isEqualTo("x400; c=us");
        assertThat(ReportAddress.original("rfc822;j+C3+B6rg@example.net", false)).isEqualTo("utf-8; j\\x{F6}rg@example.net");
        assertThat(ReportAddress.original("rfc822;j+C3+B6rg@example.net", true)).isEqualTo("utf-8; jörg@example.net");
        assertThat(ReportAddress.original("utf-8;j\\x{F6}rg@example.net", false)).isEqualTo("utf-8; j\\x{F6}rg@example.net");
        assertThat(ReportAddress.original("utf-8;j\\x{F6}rg@example.net", true)).isEqualTo("utf-8; jörg@example.net");
        assertThat(ReportAddress.original("UTF-8;a\\x{20}b\\x{5C}\\x{7528}\\x{85}@example.net", true))
                .as("ASCII and invisible characters stay escaped").isEqualTo("UTF-8; a\\x{20}b\\x{5C}用\\x{85}@example.net");
        assertThat(ReportAddress.original("rfc822;a+0D+0Ab@example.net", false))
                .as("control characters stay encoded").isEqualTo("rfc822; a+0D+0Ab@example.net");
    }

    @Test
    void envelopeIdIsDecodedWhenItIsPrintable() {
        assertThat(ReportAddress.envelopeId("QQ+2B7", false)).isEqualTo("QQ+7");
        assertThat(ReportAddress.envelopeId("a+0Ab", false)).isEqualTo("a+0Ab");
        assertThat(ReportAddress.envelopeId("+C3+A9t+C3+A9", false)).isEqualTo("+C3+A9t+C3+A9");
        assertThat(ReportAddress.envelopeId("+C3+A9t+C3+A9", true)).isEqualTo("été");
    }
}
