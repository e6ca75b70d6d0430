package dev.tern.auth.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SaslMechanismsTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void cramMd5Rfc2195Example() throws Exception {
        CramMd5Mechanism m = new CramMd5Mechanism("tim", "tanstaaftanstaaf");
        assertThat(m.hasInitialResponse()).isFalse();
        assertThat(s(m.evaluateChallenge(b("<1896.697170952@postoffice.reston.mci.net>"))))
                .isEqualTo("tim b913a602c7eda7a495b4e6e7334d3890");
        assertThat(m.isComplete()).isTrue();
        assertThatThrownBy(() -> m.evaluateChallenge(b("again"))).isInstanceOf(SaslClientException.class);
    }

    @Test
    void scramSha256Rfc7677Example() throws Exception {
        ScramSha256Mechanism m = new ScramSha256Mechanism(null, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        assertThat(s(m.initialResponse())).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        String serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        assertThat(s(m.evaluateChallenge(b(serverFirst)))).isEqualTo(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        assertThat(m.isComplete()).isFalse();
        assertThat(m.evaluateChallenge(b("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))).isEmpty();
        assertThat(m.isComplete()).isTrue();
    }

    @Test
    void scramRefusesAWrongServerSignature() throws Exception {
        ScramSha256Mechanism m = new ScramSha256Mechanism(null, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        m.initialResponse();
        m.evaluateChallenge(b("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        assertThatThrownBy(() -> m.evaluateChallenge(b("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")))
                .hasMessageContaining("signature is wrong");
        assertThat(m.isComplete()).isFalse();
    }

    @Test
    void scramRefusesHostileServerFirstMessages() throws Exception {
        for (String bad : List.of(
                "r=someoneElsesNonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "r=abc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1",
                "r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=2000000000",
                "m=ext,r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "garbage")) {
            ScramSha256Mechanism m = new ScramSha256Mechanism(null, "user", "pencil", "abc");
            m.initialResponse();
            assertThatThrownBy(() -> m.evaluateChallenge(b(bad))).as(bad).isInstanceOf(SaslClientException.class);
        }
    }

    @Test
    void scramEscapesNamesAndCarriesAnAuthorizationIdentity() throws Exception {
        ScramSha256Mechanism m = new ScramSha256Mechanism("boss=1", "a,b=c", "pw", "nonce");
        assertThat(s(m.initialResponse())).isEqualTo("n,a=boss=3D1,n=a=2Cb=3Dc,r=nonce");
    }

    @Test
    void plain() throws Exception {
        PlainMechanism m = new PlainMechanism(null, "alice@example.org", "pä ss");
        assertThat(m.hasInitialResponse()).isTrue();
        assertThat(m.initialResponse()).isEqualTo(b("\0alice@example.org\0pä ss"));
        assertThat(m.isComplete()).isTrue();
        assertThat(new PlainMechanism("admin", "u", "p").initialResponse()).isEqualTo(b("admin\0u\0p"));
        assertThatThrownBy(() -> new PlainMechanism(null, "u\0", "p")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loginAnswersByPrompt() throws Exception {
        LoginMechanism m = new LoginMechanism("alice", "secret");
        assertThat(s(m.evaluateChallenge(b("Username:")))).isEqualTo("alice");
        assertThat(m.isComplete()).isFalse();
        assertThat(s(m.evaluateChallenge(b("Password:")))).isEqualTo("secret");
        assertThat(m.isComplete()).isTrue();
        assertThatThrownBy(() -> m.evaluateChallenge(b("More:"))).isInstanceOf(SaslClientException.class);

        LoginMechanism unnamed = new LoginMechanism("alice", "secret");
        assertThat(s(unnamed.evaluateChallenge(new byte[0]))).isEqualTo("alice");
        assertThat(s(unnamed.evaluateChallenge(new byte[0]))).isEqualTo("secret");
    }

    @Test
    void strongestOfferedPasswordMechanism() {
        assertThat(ClientMechanisms.strongest(List.of("PLAIN", "LOGIN", "SCRAM-SHA-256", "CRAM-MD5"))).hasValue("SCRAM-SHA-256");
        assertThat(ClientMechanisms.strongest(List.of("LOGIN", "plain"))).hasValue("PLAIN");
        assertThat(ClientMechanisms.strongest(List.of("cram-md5", "LOGIN"))).hasValue("CRAM-MD5");
        assertThat(ClientMechanisms.strongest(List.of("GSSAPI", "XOAUTH2"))).isEmpty();
        assertThat(ClientMechanisms.forPassword("scram-sha-256", "u", "p").name()).isEqualTo("SCRAM-SHA-256");
        assertThatThrownBy(() -> ClientMechanisms.forPassword("GSSAPI", "u", "p")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void saslPrepRfc4013Examples() {
        assertThat(SaslPrep.prepare("I\u00ADX")).isEqualTo("IX");
        assertThat(SaslPrep.prepare("user")).isEqualTo("user");
        assertThat(SaslPrep.prepare("USER")).isEqualTo("USER");
        assertThat(SaslPrep.prepare("\u00AA")).isEqualTo("a");
        assertThat(SaslPrep.prepare("\u2168")).isEqualTo("IX");
        assertThat(SaslPrep.prepare("a\u00A0b")).isEqualTo("a b");
        assertThatThrownBy(() -> SaslPrep.prepare("\u0007")).hasMessageContaining("U+0007");
        assertThatThrownBy(() -> SaslPrep.prepare("\u0627\u0031")).hasMessageContaining("right-to-left");
        assertThat(SaslPrep.prepare("\u0627\u0031\u0628")).isEqualTo("\u0627\u0031\u0628");
    }

    @Test
    void kerberosLoginOptions() {
        assertThat(KerberosLogin.ticketCache(null).options())
                .containsEntry("useTicketCache", "true").containsEntry("doNotPrompt", "true")
                .doesNotContainKey("principal").doesNotContainKey("useKeyTab");
        assertThat(KerberosLogin.keytab("mailer@EXAMPLE.TEST", Path.of("/etc/mailer.keytab")).options())
                .containsEntry("useKeyTab", "true").containsEntry("keyTab", "/etc/mailer.keytab")
                .containsEntry("principal", "mailer@EXAMPLE.TEST").doesNotContainKey("useTicketCache");
        assertThatThrownBy(() -> KerberosLogin.keytab(" ", Path.of("k"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gssapiWithAMissingKeytabSaysSoBeforeTryingKerberos(@org.junit.jupiter.api.io.TempDir Path dir) {
        KerberosLogin login = KerberosLogin.keytab("mailer@EXAMPLE.TEST", dir.resolve("absent.keytab"));
        assertThatThrownBy(() -> GssapiMechanism.create(login, "smtp", "mx.example.test", null))
                .isInstanceOf(SaslClientException.class).hasMessageContaining("absent.keytab")
                .hasMessageContaining("does not exist");
    }
}
