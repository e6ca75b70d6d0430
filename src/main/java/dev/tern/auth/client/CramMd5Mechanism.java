package dev.tern.auth.client;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * CRAM-MD5 (RFC 2195): the response to the server's challenge is the user name, a space, and
 * the HMAC-MD5 of the challenge keyed with the password, in lower-case hex. The password does not
 * cross the wire, but the exchange can be attacked offline, and the server must store the
 * password in a reversible form; prefer SCRAM-SHA-256.
 */
public final class CramMd5Mechanism implements SaslClientMechanism {

    private final String user;
    private byte[] key;
    private boolean answered;

    public CramMd5Mechanism(String user, String password) {
        this.user = user;
        this.key = password.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String name() {
        return "CRAM-MD5";
    }

    @Override
    public boolean hasInitialResponse() {
        return false;
    }

    @Override
    public byte[] initialResponse() {
        throw new IllegalStateException("CRAM-MD5 has no initial response");
    }

    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws SaslClientException {
        if (answered) {
            throw new SaslClientException("the server sent a second CRAM-MD5 challenge");
        }
        if (challenge.length == 0) {
            throw new SaslClientException("the server sent an empty CRAM-MD5 challenge");
        }
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacMD5"));
            String digest = HexFormat.of().formatHex(mac.doFinal(challenge));
            answered = true;
            return (user + " " + digest).getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new SaslClientException("HMAC-MD5 is not available in this Java runtime", e);
        }
    }

    @Override
    public boolean isComplete() {
        return answered;
    }

    @Override
    public void dispose() {
        java.util.Arrays.fill(key, (byte) 0);
    }
}
