package dev.tern.security.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes new signing keys: RSA 2048 (RFC 8301 asks for at least 1024 bits and recommends 2048) and
 * Ed25519, with the JDK's own providers. RSA generation takes a noticeable fraction of a second:
 * callers run it before any transaction or lock, never on an event loop.
 */
public final class DkimKeyGenerator {

    static final int RSA_BITS = 2048;

    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw key follows it. */
    static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private static final SecureRandom RANDOM = new SecureRandom();

    private DkimKeyGenerator() {
    }

    /** A new key of the algorithm, published under {@code selector}. */
    public static DkimKey generate(DkimAlgorithm algorithm, String selector) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.jcaKeyAlgorithm());
            if (algorithm == DkimAlgorithm.RSA_SHA256) {
                generator.initialize(RSA_BITS, RANDOM);
            }
            KeyPair pair = generator.generateKeyPair();
            return new DkimKey(selector, algorithm, pair.getPrivate(), dnsPublicKey(algorithm, pair.getPublic().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot make " + algorithm.tagValue() + " keys", e);
        }
    }

    /**
     * One RSA and one Ed25519 key, with selectors made of the month and the algorithm's letter
     * ({@code 202611r}, {@code 202611e}); when such a selector is taken already, a counter is added
     * ({@code 202611r2}) so that a key made the same month as another gets a name of its own.
     */
    public static List<DkimKey> generateSet(YearMonth month, Set<String> takenSelectors) {
        List<DkimKey> keys = new ArrayList<>();
        Set<String> taken = new HashSet<>(takenSelectors);
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            String selector = freeSelector(month, algorithm, taken);
            taken.add(selector);
            keys.add(generate(algorithm, selector));
        }
        return keys;
    }

    static String freeSelector(YearMonth month, DkimAlgorithm algorithm, Set<String> taken) {
        String base = String.format("%04d%02d%c", month.getYear(), month.getMonthValue(), algorithm.selectorSuffix());
        String selector = base;
        for (int n = 2; taken.contains(selector); n++) {
            selector = base + n;
        }
        return selector;
    }

    /** The {@code p=} value for a public key given as SubjectPublicKeyInfo DER. */
    static String dnsPublicKey(DkimAlgorithm algorithm, byte[] subjectPublicKeyInfo) {
        if (algorithm == DkimAlgorithm.RSA_SHA256) {
            return Base64.getEncoder().encodeToString(subjectPublicKeyInfo);
        }
        // RFC 8463 §4.2: ed25519 records carry the bare 32-byte key, not the DER structure.
        if (subjectPublicKeyInfo.length != ED25519_SPKI_PREFIX.length + 32
                || !Arrays.equals(subjectPublicKeyInfo, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0, ED25519_SPKI_PREFIX.length)) {
            throw new IllegalStateException("unexpected Ed25519 public key encoding");
        }
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(subjectPublicKeyInfo, ED25519_SPKI_PREFIX.length,
                subjectPublicKeyInfo.length));
    }
}
