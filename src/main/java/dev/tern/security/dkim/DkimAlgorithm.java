package dev.tern.security.dkim;

import java.util.Locale;

/**
 * The signing algorithms Tern uses: rsa-sha256 (RFC 6376), which every verifier knows, and
 * ed25519-sha256 (RFC 8463), short keys and signatures that newer verifiers check. A domain
 * signs with both so that each verifier finds one it understands.
 */
public enum DkimAlgorithm {

    RSA_SHA256("rsa-sha256", "rsa", "RSA", 'r'),
    ED25519_SHA256("ed25519-sha256", "ed25519", "Ed25519", 'e');

    private final String tagValue;
    private final String keyType;
    private final String jcaKeyAlgorithm;
    private final char selectorSuffix;

    DkimAlgorithm(String tagValue, String keyType, String jcaKeyAlgorithm, char selectorSuffix) {
        this.tagValue = tagValue;
        this.keyType = keyType;
        this.jcaKeyAlgorithm = jcaKeyAlgorithm;
        this.selectorSuffix = selectorSuffix;
    }

    /** The value of the signature's {@code a=} tag, also the name stored with a key. */
    public String tagValue() {
        return tagValue;
    }

    /** The value of the DNS record's {@code k=} tag. */
    public String keyType() {
        return keyType;
    }

    /** The key algorithm name of the Java security providers (KeyPairGenerator, KeyFactory). */
    String jcaKeyAlgorithm() {
        return jcaKeyAlgorithm;
    }

    /** The letter that ends the selectors Tern makes for this algorithm (202611r, 202611e). */
    char selectorSuffix() {
        return selectorSuffix;
    }

    /** The algorithm named by an {@code a=} value such as {@code rsa-sha256}. */
    public static DkimAlgorithm fromTagValue(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (DkimAlgorithm a : values()) {
            if (a.tagValue.equals(v)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown DKIM algorithm: " + value);
    }
}
