package dev.tern.auth;

import dev.tern.directory.Credentials;
import dev.tern.directory.PasswordHasher;
import dev.tern.directory.ScramSecret;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static dev.tern.auth.Steps.bytes;
import static dev.tern.auth.Steps.challenge;
import static dev.tern.auth.Steps.failure;
import static dev.tern.auth.Steps.success;
import static org.assertj.core.api.Assertions.assertThat;

class ScramSha256ExchangeTest {

    private static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final byte[] RFC_SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");

    private final TestAccounts accounts = new TestAccounts()
            .put(new Credentials(7, "user", true, null, ScramSecret.derive("pencil", RFC_SALT, 4096), null))
            .add("alice@example.org", "wonderland", false);

    private ScramSha256Exchange exchange() {
        return new ScramSha256Exchange(accounts, () -> SERVER_NONCE);
    }

    @Test
    void rfc7677Example() {
        ScramSha256Exchange x = exchange();
        assertThat(challenge(x.step(bytes("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"))))
                .isEqualTo("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        SaslStep.Success ok = success(x.step(bytes("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")));
        assertThat(ok.user().accountId()).isEqualTo(7);
        assertThat(new String(ok.additionalData(), StandardCharsets.UTF_8))
                .isEqualTo("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        assertThat(failure(x.step(new byte[0]))).isEqualTo(SaslStep.FailureReason.MALFORMED);
    }

    @Test
    void secretTextFormRoundTrips() {
        ScramSecret s = ScramSecret.derive("pencil", RFC_SALT, 4096);
        assertThat(s.encode()).startsWith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$");
        ScramSecret back = ScramSecret.parse(s.encode());
        assertThat(back.storedKey()).isEqualTo(s.storedKey());
        assertThat(back.serverKey()).isEqualTo(s.serverKey());
        assertThat(ScramSecret.create("pencil").iterations()).isEqualTo(ScramSecret.ITERATIONS);
    }

    @Test
    void wrongPasswordFailsAtTheProofWithoutAServerFinalMessage() {
        ScramSha256Exchange x = exchange();
        String serverFirst = challenge(x.step(bytes("n,,n=alice@example.org,r=abc")));
        String clientFinal = clientFinal("n,,", "n=alice@example.org,r=abc", serverFirst, "wrong");
        assertThat(failure(x.step(bytes(clientFinal)))).isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
        assertThat(failure(x.step(new byte[0]))).as("the exchange is over").isEqualTo(SaslStep.FailureReason.MALFORMED);
    }

    @Test
    void rightPasswordWithClientNonceNoInitialResponseAndYFlag() {
        ScramSha256Exchange x = new ScramSha256Exchange(accounts);
        assertThat(challenge(x.step(null))).isEmpty();
        String serverFirst = challenge(x.step(bytes("y,,n=Alice@example.org,r=xyz")));
        assertThat(serverFirst).startsWith("r=xyz").contains(",i=4096");
        String clientFinal = clientFinal("y,,", "n=Alice@example.org,r=xyz", serverFirst, "wonderland");
        assertThat(success(x.step(bytes(clientFinal))).user().address()).isEqualTo("alice@example.org");
    }

    @Test
    void unknownUserGetsAStableMadeUpSaltAndFailsAtTheProof() {
        ScramSha256Exchange x = exchange();
        String serverFirst = challenge(x.step(bytes("n,,n=nobody@example.org,r=abc")));
        assertThat(challenge(exchange().step(bytes("n,,n=nobody@example.org,r=abc")))).isEqualTo(serverFirst);
        assertThat(serverFirst).endsWith(",i=" + ScramSecret.ITERATIONS);
        String clientFinal = clientFinal("n,,", "n=nobody@example.org,r=abc", serverFirst, "guess");
        assertThat(failure(x.step(bytes(clientFinal)))).isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
    }

    @Test
    void accountWithoutScramKeysIsMechanismUnavailableAfterTheProof() {
        accounts.put(new Credentials(9, "old@example.org", true, PasswordHasher.hash("pw"), null, null));
        ScramSha256Exchange x = exchange();
        String serverFirst = challenge(x.step(bytes("n,,n=old@example.org,r=abc")));
        assertThat(failure(x.step(bytes(clientFinal("n,,", "n=old@example.org,r=abc", serverFirst, "pw")))))
                .isEqualTo(SaslStep.FailureReason.MECHANISM_UNAVAILABLE);
    }

    @Test
    void channelBindingAndExtensionsAreRefused() {
        assertThat(failure(exchange().step(bytes("p=tls-unique,,n=user,r=abc")))).isEqualTo(SaslStep.FailureReason.MALFORMED);
        assertThat(failure(exchange().step(bytes("n,,m=ext,n=user,r=abc")))).isEqualTo(SaslStep.FailureReason.MALFORMED);
    }

    @Test
    void malformedFirstMessages() {
        for (String bad : new String[]{"", "x,,n=user,r=abc", "n,,r=abc,n=user", "n,,n=us=er,r=abc", "n,,n=user,r=",
                "n,,n=user", "n,b=x,n=user,r=abc"}) {
            assertThat(failure(exchange().step(bytes(bad)))).as(bad).isEqualTo(SaslStep.FailureReason.MALFORMED);
        }
        assertThat(failure(exchange().step(new byte[]{'n', ',', ',', (byte) 0xff}))).isEqualTo(SaslStep.FailureReason.MALFORMED);
    }

    @Test
    void escapedUserNamesAndAuthorizationIdentity() {
        ScramSha256Exchange x = exchange();
        x.step(bytes("n,a=someone=2Celse,n=user,r=abc"));
        assertThat(x.authenticationId()).isEqualTo("user");
        ScramSha256Exchange y = exchange();
        assertThat(failure(y.step(bytes("n,a=other,n=user,r=abc")))).isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
        ScramSha256Exchange z = exchange();
        assertThat(challenge(z.step(bytes("n,a=user,n=user,r=abc")))).startsWith("r=abc");
    }

    @Test
    void channelBindingMismatchAndWrongNonceAndBadFinalSyntax() {
        ScramSha256Exchange x = exchange();
        String serverFirst = challenge(x.step(bytes("n,,n=user,r=abc")));
        String forged = clientFinal("y,,", "n=user,r=abc", serverFirst, "pencil");
        assertThat(failure(x.step(bytes(forged)))).isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);

        ScramSha256Exchange y = exchange();
        y.step(bytes("n,,n=user,r=abc"));
        assertThat(failure(y.step(bytes("c=biws,r=abcOTHER,p=AAAA")))).isEqualTo(SaslStep.FailureReason.MALFORMED);

        ScramSha256Exchange z = exchange();
        z.step(bytes("n,,n=user,r=abc"));
        assertThat(failure(z.step(bytes("c=biws,r=abc" + SERVER_NONCE)))).isEqualTo(SaslStep.FailureReason.MALFORMED);
    }

    /** The client's side of RFC 5802 §3, for tests. */
    static String clientFinal(String gs2Header, String clientFirstBare, String serverFirst, String password) {
        String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
        String salt = serverFirst.replaceAll(".*,s=([^,]*),.*", "$1");
        int iterations = Integer.parseInt(serverFirst.replaceAll(".*,i=", ""));
        ScramSecret keys = ScramSecret.derive(password, Base64.getDecoder().decode(salt), iterations);
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(bytes(gs2Header)) + ",r=" + nonce;
        byte[] authMessage = bytes(clientFirstBare + "," + serverFirst + "," + withoutProof);
        byte[] clientKey = clientKey(password, Base64.getDecoder().decode(salt), iterations);
        byte[] signature = ScramSecret.hmac(keys.storedKey(), authMessage);
        byte[] proof = new byte[signature.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    private static byte[] clientKey(String password, byte[] salt, int iterations) {
        try {
            javax.crypto.SecretKeyFactory f = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] salted = f.generateSecret(new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, iterations, 256))
                    .getEncoded();
            return ScramSecret.hmac(salted, bytes("Client Key"));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
