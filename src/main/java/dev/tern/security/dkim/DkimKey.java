package dev.tern.security.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;

/**
 * One signing key of a domain: its selector (the DNS name {@code <selector>._domainkey.<domain>}
 * where verifiers find the public key), its algorithm, the private key, and the public key as
 * published ({@code p=}).
 *
 * <p>Security: {@link #toString()} leaves the private key out, so that a key that ends up in a log
 * line does not leak.
 */
public final class DkimKey {

    private final String selector;
    private final DkimAlgorithm algorithm;
    private final PrivateKey privateKey;
    private final String dnsPublicKey;

    /**
     * @param dnsPublicKey the {@code p=} value: base64 of the SubjectPublicKeyInfo DER for RSA, of
     *                     the raw 32-byte key for Ed25519 (RFC 8463 §4.2)
     */
    public DkimKey(String selector, DkimAlgorithm algorithm, PrivateKey privateKey, String dnsPublicKey) {
        this.selector = requireSelector(selector);
        this.algorithm = Objects.requireNonNull(algorithm);
        this.privateKey = Objects.requireNonNull(privateKey);
        this.dnsPublicKey = Objects.requireNonNull(dnsPublicKey);
        if (!privateKey.getAlgorithm().equalsIgnoreCase(algorithm.jcaKeyAlgorithm())
                && !(algorithm == DkimAlgorithm.ED25519_SHA256 && privateKey.getAlgorithm().equalsIgnoreCase("EdDSA"))) {
            throw new IllegalArgumentException("a " + privateKey.getAlgorithm() + " key cannot sign " + algorithm.tagValue());
        }
    }

    /** A key as stored: algorithm name ({@code a=} value), PKCS#8 private key and DNS public key, both base64. */
    public static DkimKey fromStored(String selector, String algorithmName, String privateKeyPkcs8, String dnsPublicKey) {
        DkimAlgorithm algorithm = DkimAlgorithm.fromTagValue(algorithmName);
        try {
            byte[] der = Base64.getDecoder().decode(privateKeyPkcs8);
            PrivateKey key = KeyFactory.getInstance(algorithm.jcaKeyAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
            return new DkimKey(selector, algorithm, key, dnsPublicKey);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the stored " + algorithmName + " key of selector " + selector
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The same key under another selector. */
    public DkimKey withSelector(String newSelector) {
        return new DkimKey(newSelector, algorithm, privateKey, dnsPublicKey);
    }

    public String selector() {
        return selector;
    }

    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    /** The private key as stored: PKCS#8 DER, base64. */
    public String privateKeyPkcs8() {
        return Base64.getEncoder().encodeToString(privateKey.getEncoded());
    }

    /** The {@code p=} value of the DNS record. */
    public String dnsPublicKey() {
        return dnsPublicKey;
    }

    /** The text of the TXT record to publish at {@code <selector>._domainkey.<domain>}. */
    public String dnsRecordText() {
        return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + dnsPublicKey;
    }

    @Override
    public String toString() {
        return "DkimKey[" + selector + ", " + algorithm.tagValue() + "]";
    }

    /**
     * A selector is one or more DNS labels (RFC 6376 §3.1); Tern keeps to letters, digits, '-' and
     * '.' so that it can be put in a DNS name and an SQL key without escaping.
     */
    static String requireSelector(String selector) {
        if (selector == null || !selector.matches("[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*")) {
            throw new IllegalArgumentException("\"" + selector + "\" is not a valid DKIM selector");
        }
        return selector;
    }
}
