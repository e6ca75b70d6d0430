package dev.tern.auth;

import dev.tern.directory.CramMd5Secret;
import org.junit.jupiter.api.Test;

import java.time.Clock;

import static dev.tern.auth.Steps.bytes;
import static dev.tern.auth.Steps.challenge;
import static dev.tern.auth.Steps.failure;
import static dev.tern.auth.Steps.success;
import static org.assertj.core.api.Assertions.assertThat;

class CramMd5ExchangeTest {

    private static final String RFC_CHALLENGE = "<1896.697170952@postoffice.reston.mci.net>";

    private final TestAccounts accounts = new TestAccounts()
            .add("tim", "tanstaaftanstaaf", true)
            .add("bob@example.org", "secret", false);

    @Test
    void rfc2195Example() {
        CramMd5Exchange x = new CramMd5Exchange(accounts, RFC_CHALLENGE);
        assertThat(challenge(x.step(null))).isEqualTo(RFC_CHALLENGE);
        SaslStep.Success ok = success(x.step(bytes("tim b913a602c7eda7a495b4e6e7334d3890")));
        assertThat(ok.user().address()).isEqualTo("tim");
        assertThat(ok.additionalData()).isNull();
    }

    @Test
    void secretIsStoredInDovecotsFormatAndResumesToTheSameHmac() {
        // `doveadm pw -s CRAM-MD5 -p tanstaaftanstaaf` prints this.
        String dovecot = "{CRAM-MD5}d06d4e1b26fccaa4b0b61801132340a354b21152711fb604ca3e035e7015116b";
        assertThat(CramMd5Secret.create("tanstaaftanstaaf").encode()).isEqualTo(dovecot);
        assertThat(CramMd5Secret.parse(dovecot).hmac(bytes(RFC_CHALLENGE)))
                .isEqualTo(java.util.HexFormat.of().parseHex("b913a602c7eda7a495b4e6e7334d3890"));
    }

    @Test
    void wrongDigestAndUnknownUserAreBadCredentials() {
        CramMd5Exchange x = new CramMd5Exchange(accounts, RFC_CHALLENGE);
        x.step(null);
        assertThat(failure(x.step(bytes("tim b913a602c7eda7a495b4e6e7334d3891")))).isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
        CramMd5Exchange y = new CramMd5Exchange(accounts, RFC_CHALLENGE);
        y.step(null);
        assertThat(failure(y.step(bytes("nobody b913a602c7eda7a495b4e6e7334d3890")))).isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
        assertThat(y.authenticationId()).isEqualTo("nobody");
    }

    @Test
    void accountWithoutTheSecretIsMechanismUnavailable() {
        CramMd5Exchange x = new CramMd5Exchange(accounts, "<1.2@mx.example.org>");
        x.step(null);
        assertThat(failure(x.step(bytes("bob@example.org 00000000000000000000000000000000"))))
                .isEqualTo(SaslStep.FailureReason.MECHANISM_UNAVAILABLE);
    }

    @Test
    void malformedResponses() {
        for (String bad : new String[]{"tim", "tim b913", " b913a602c7eda7a495b4e6e7334d3890", "tim zz13a602c7eda7a495b4e6e7334d3890"}) {
            CramMd5Exchange x = new CramMd5Exchange(accounts, RFC_CHALLENGE);
            x.step(null);
            assertThat(failure(x.step(bytes(bad)))).as(bad).isEqualTo(SaslStep.FailureReason.MALFORMED);
        }
        CramMd5Exchange initial = new CramMd5Exchange(accounts, RFC_CHALLENGE);
        assertThat(failure(initial.step(bytes("tim")))).isEqualTo(SaslStep.FailureReason.MALFORMED);
    }

    @Test
    void challengeNamesTheServer() {
        CramMd5Exchange x = new CramMd5Exchange(accounts, "mx.example.org", Clock.systemUTC());
        assertThat(challenge(x.step(new byte[0]))).matches("<\\d+\\.\\d+@mx\\.example\\.org>");
    }
}
