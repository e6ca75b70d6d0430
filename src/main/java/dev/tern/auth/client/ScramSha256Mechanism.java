package dev.tern.auth.client;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding: the client proves it knows the
 * password without sending it, and the server proves it knows the salted password by its
 * signature, which this class checks (a server that cannot prove itself fails the exchange even
 * if it then says 235).
 *
 * <p>Limits against a hostile server: at least {@value #MIN_ITERATIONS} iterations (RFC 7677
 * §4's minimum; fewer would make a captured exchange cheap to attack offline) and at most
 * {@value #MAX_ITERATIONS} (a server must not make the client hash for minutes). Mandatory
 * extensions ({@code m=}) are refused.
 */
public final class ScramSha256Mechanism implements SaslClientMechanism {

    static final int MIN_ITERATIONS = 4096;
    static final int MAX_ITERATIONS = 10_000_000;
    private static final String HMAC = "HmacSHA256";

    private enum Step { START, CLIENT_FIRST_SENT, CLIENT_FINAL_SENT, DONE }

    private final String authzid;
    private final String user;
    private final String clientNonce;
    private byte[] password;
    private Step step = Step.START;
    private String gs2Header;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    /** @param authzid the identity to act as, or null to act as {@code user} */
    public ScramSha256Mechanism(String authzid, String user, String password) {
        this(authzid, user, password, randomNonce());
    }

    /** With a fixed client nonce: for the RFC 7677 test vector. */
    ScramSha256Mechanism(String authzid, String user, String password, String clientNonce) {
        this.authzid = authzid;
        this.user = SaslPrep.prepare(user);
        this.password = SaslPrep.prepare(password).getBytes(StandardCharsets.UTF_8);
        this.clientNonce = clientNonce;
    }

    @Override
    public String name() {
        return "SCRAM-SHA-256";
    }

    @Override
    public boolean hasInitialResponse() {
        return true;
    }

    @Override
    public byte[] initialResponse() throws SaslClientException {
        if (step != Step.START) {
            throw new SaslClientException("SCRAM exchange already started");
        }
        // "n": this client does not support channel binding (RFC 5802 §6).
        gs2Header = "n," + (authzid == null ? "" : "a=" + saslName(SaslPrep.prepare(authzid))) + ",";
        clientFirstBare = "n=" + saslName(user) + ",r=" + clientNonce;
        step = Step.CLIENT_FIRST_SENT;
        return (gs2Header + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws SaslClientException {
        String message = new String(challenge, StandardCharsets.UTF_8);
        switch (step) {
            case START:
                if (challenge.length == 0) {
                    return initialResponse();
                }
                throw new SaslClientException("the server spoke before the SCRAM client-first message");
            case CLIENT_FIRST_SENT:
                return clientFinal(message);
            case CLIENT_FINAL_SENT:
                verifyServerFinal(message);
                return new byte[0];
            default:
                throw new SaslClientException("the server sent a challenge after the SCRAM exchange ended");
        }
    }

    @Override
    public boolean isComplete() {
        return step == Step.DONE;
    }

    @Override
    public void dispose() {
        Arrays.fill(password, (byte) 0);
        if (expectedServerSignature != null) {
            Arrays.fill(expectedServerSignature, (byte) 0);
        }
    }

    private byte[] clientFinal(String serverFirst) throws SaslClientException {
        Map<Character, String> attrs = attributes(serverFirst);
        if (attrs.containsKey('m')) {
            throw new SaslClientException("the server requires a SCRAM extension this client does not know");
        }
        if (attrs.containsKey('e')) {
            throw new SaslClientException("the server reports: " + attrs.get('e'));
        }
        String nonce = attrs.get('r');
        String saltText = attrs.get('s');
        String iterText = attrs.get('i');
        if (nonce == null || saltText == null || iterText == null) {
            throw new SaslClientException("malformed SCRAM server-first message");
        }
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new SaslClientException("the server's nonce does not extend the client's");
        }
        int iterations;
        byte[] salt;
        try {
            iterations = Integer.parseInt(iterText);
            salt = Base64.getDecoder().decode(saltText);
        } catch (IllegalArgumentException e) {
            throw new SaslClientException("malformed SCRAM salt or iteration count");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new SaslClientException("the server asks for " + iterations + " iterations; allowed: "
                    + MIN_ITERATIONS + " to " + MAX_ITERATIONS);
        }
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8))
                + ",r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        try {
            byte[] saltedPassword = hi(password, salt, iterations);
            byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] clientSignature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
            }
            byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
            expectedServerSignature = hmac(serverKey, authMessage);
            Arrays.fill(saltedPassword, (byte) 0);
            step = Step.CLIENT_FINAL_SENT;
            return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new SaslClientException("SHA-256 is not available in this Java runtime", e);
        }
    }

    private void verifyServerFinal(String serverFinal) throws SaslClientException {
        Map<Character, String> attrs = attributes(serverFinal);
        if (attrs.containsKey('e')) {
            throw new SaslClientException("the server reports: " + attrs.get('e'));
        }
        String v = attrs.get('v');
        byte[] signature;
        try {
            signature = v == null ? null : Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            signature = null;
        }
        if (signature == null || !MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw new SaslClientException("the server's SCRAM signature is wrong: it does not know this account's password "
                    + "(an impostor, or a misconfigured server)");
        }
        step = Step.DONE;
    }

    /** Hi() of RFC 5802 §2.2: PBKDF2 with HMAC-SHA-256 and one output block. */
    static byte[] hi(byte[] password, byte[] salt, int iterations) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(HMAC);
        mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, HMAC));
        mac.update(salt);
        mac.update(new byte[]{0, 0, 0, 1});
        byte[] u = mac.doFinal();
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(HMAC);
        mac.init(new SecretKeySpec(key, HMAC));
        return mac.doFinal(data);
    }

    private static Map<Character, String> attributes(String message) throws SaslClientException {
        Map<Character, String> attrs = new LinkedHashMap<>();
        for (String part : message.split(",")) {
            if (part.length() < 2 || part.charAt(1) != '=') {
                throw new SaslClientException("malformed SCRAM message from the server");
            }
            attrs.putIfAbsent(part.charAt(0), part.substring(2));
        }
        return attrs;
    }

    /** RFC 5802 §5.1: "=" and "," in names are written =3D and =2C. */
    private static String saslName(String name) {
        return name.replace("=", "=3D").replace(",", "=2C");
    }

    private static String randomNonce() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().withoutPadding().encodeToString(b).replace('+', '-').replace('/', '_');
    }
}
