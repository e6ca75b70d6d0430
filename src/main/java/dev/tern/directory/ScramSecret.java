package dev.tern.directory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * What a server keeps to verify SCRAM-SHA-256 (RFC 5802 §3, RFC 7677): the salt, the iteration
 * count, StoredKey = H(HMAC(SaltedPassword, "Client Key")) and ServerKey = HMAC(SaltedPassword,
 * "Server Key"). Never the password.
 *
 * <p>Security: with StoredKey and ServerKey a thief can verify guesses of the password offline
 * (cost: {@code iterations} PBKDF2-HMAC-SHA-256 rounds a guess, far cheaper than Argon2id) and can
 * impersonate this server to a client, but cannot log in as the user without first finding the
 * password. Accounts get {@link #ITERATIONS}; each secret keeps its own count so the default can be
 * raised without breaking stored secrets.
 *
 * <p>Text form, as PostgreSQL stores it: {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}
 * with base64 values.
 */
public record ScramSecret(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

    /**
     * Iterations for new secrets. RFC 7677 §4 asks for at least 4096; 10,000 makes an offline
     * guess about 2.5 times dearer while a client still computes it in a few milliseconds (clients
     * run it at every login unless they cache the salted password).
     */
    public static final int ITERATIONS = 10_000;

    private static final String PREFIX = "SCRAM-SHA-256$";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A secret for a password with a fresh 16-byte salt. */
    public static ScramSecret create(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return derive(password, salt, ITERATIONS);
    }

    /** Derives the secret from a password (after SASLprep, RFC 4013), salt and iteration count. */
    public static ScramSecret derive(String password, byte[] salt, int iterations) {
        if (iterations < 4096) {
            throw new IllegalArgumentException("SCRAM-SHA-256 needs at least 4096 iterations (RFC 7677)");
        }
        byte[] salted = hi(SaslPrep.prepareOrKeep(password).getBytes(StandardCharsets.UTF_8), salt, iterations);
        byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
        return new ScramSecret(iterations, salt.clone(), sha256(clientKey), serverKey);
    }

    /** Reads the text form; IllegalArgumentException when it is not one. */
    public static ScramSecret parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 secret");
        }
        String[] parts = text.substring(PREFIX.length()).split("[$:]", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 secret");
        }
        Base64.Decoder b64 = Base64.getDecoder();
        ScramSecret s = new ScramSecret(Integer.parseInt(parts[0]), b64.decode(parts[1]), b64.decode(parts[2]),
                b64.decode(parts[3]));
        if (s.storedKey.length != 32 || s.serverKey.length != 32 || s.salt.length == 0 || s.iterations < 1) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 secret");
        }
        return s;
    }

    public String encode() {
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey) + ":"
                + b64.encodeToString(serverKey);
    }

    /** HMAC-SHA-256. */
    public static byte[] hmac(byte[] key, byte[] data) {
        return hmac("HmacSHA256", key, data);
    }

    /** HMAC with the named JCA algorithm ({@code HmacSHA256}, {@code HmacSHA1}). */
    static byte[] hmac(String algorithm, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Hi() of RFC 5802 §2.2: PBKDF2 with HMAC-SHA-256 and one output block. */
    static byte[] hi(byte[] password, byte[] salt, int iterations) {
        return hi("HmacSHA256", password, salt, iterations);
    }

    /** Hi() with the named HMAC, for the SCRAM variants other servers keep ({@code HmacSHA1} for SCRAM-SHA-1). */
    static byte[] hi(String algorithm, byte[] password, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            // An empty key is legal in HMAC, but SecretKeySpec refuses it: pad to one zero byte, the same HMAC key.
            mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, algorithm));
            mac.update(salt);
            byte[] u = mac.doFinal(new byte[]{0, 0, 0, 1});
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    @Override
    public String toString() {
        return "ScramSecret[iterations=" + iterations + "]";
    }
}
