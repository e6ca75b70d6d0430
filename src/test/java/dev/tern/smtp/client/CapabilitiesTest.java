package dev.tern.smtp.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CapabilitiesTest {

    private static Capabilities of(String ehlo) {
        return Capabilities.fromEhlo(ReplyParser.parse(ehlo));
    }

    @Test
    void ternsOwnEhloReply() {
        Capabilities c = of("250-mx.tern.test\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
                + "250-ENHANCEDSTATUSCODES\r\n250-CHUNKING\r\n250-BINARYMIME\r\n250-DSN\r\n250 HELP\r\n");
        assertThat(c.serverName()).isEqualTo("mx.tern.test");
        assertThat(c.isEsmtp()).isTrue();
        assertThat(c.pipelining()).isTrue();
        assertThat(c.maxSize()).hasValue(10485760);
        assertThat(c.eightBitMime()).isTrue();
        assertThat(c.smtpUtf8()).isTrue();
        assertThat(c.chunking()).isTrue();
        assertThat(c.binaryMime()).isTrue();
        assertThat(c.dsn()).isTrue();
        assertThat(c.enhancedStatusCodes()).isTrue();
        assertThat(c.startTls()).isFalse();
        assertThat(c.authMechanisms()).isEmpty();
    }

    @Test
    void authMechanismsIncludingTheOldForm() {
        Capabilities c = of("250-smtp.example.com at your service\r\n250-STARTTLS\r\n250-auth scram-sha-256 PLAIN\r\n"
                + "250-AUTH=LOGIN CRAM-MD5\r\n250 SIZE\r\n");
        assertThat(c.serverName()).isEqualTo("smtp.example.com");
        assertThat(c.startTls()).isTrue();
        assertThat(c.authMechanisms()).containsExactly("SCRAM-SHA-256", "PLAIN", "LOGIN", "CRAM-MD5");
        assertThat(c.size()).isTrue();
        assertThat(c.maxSize()).isEmpty();
        assertThat(c.has("starttls")).isTrue();
    }

    @Test
    void sizeZeroOrGarbageMeansNoLimit() {
        assertThat(of("250-x\r\n250 SIZE 0").maxSize()).isEmpty();
        assertThat(of("250-x\r\n250 SIZE lots").maxSize()).isEmpty();
    }

    @Test
    void heloMeansNothing() {
        assertThat(Capabilities.NONE.isEsmtp()).isFalse();
        assertThat(Capabilities.NONE.pipelining()).isFalse();
        assertThat(Capabilities.NONE.authMechanisms()).isEmpty();
    }
}
