package dev.tern.security.dkim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * A key record from DNS ({@code <selector>._domainkey.<domain>} TXT, RFC 6376 §3.6.1), read for one
 * signature's algorithm.
 *
 * @param key            the public key
 * @param strictIdentity flag {@code t=s}: the signature's i= domain must be d= itself, no subdomain
 * @param testing        flag {@code t=y}: the domain is testing DKIM (reported, not acted on)
 */
record DkimPublicKey(PublicKey key, boolean strictIdentity, boolean testing) {

    /** RFC 8301 §3.2: verifiers must not accept signatures made with shorter RSA keys. */
    static final int MIN_RSA_BITS = 1024;

    /**
     * The key of a record, if it suits {@code algorithm}.
     *
     * @throws SignatureCheckException (PERMERROR) when the record is malformed, revoked ({@code p=}
     *                                 empty), meant for another key type, hash or service, or the key
     *                                 is too short
     */
    static DkimPublicKey parse(String record, DkimAlgorithm algorithm) throws SignatureCheckException {
        Map<String, String> tags;
        try {
            tags = TagList.parse(record);
        } catch (IllegalArgumentException e) {
            throw new SignatureCheckException("key record syntax error: " + e.getMessage());
        }
        String version = tags.get("v");
        if (version != null && (!version.equals("DKIM1") || !tags.keySet().iterator().next().equals("v"))) {
            throw new SignatureCheckException("key record is not v=DKIM1");
        }
        if (tags.containsKey("h") && !listContains(tags.get("h"), "sha256")) {
            throw new SignatureCheckException("key does not allow sha256 (h=" + tags.get("h") + ")");
        }
        if (tags.containsKey("s") && !listContains(tags.get("s"), "*") && !listContains(tags.get("s"), "email")) {
            throw new SignatureCheckException("key is not for email (s=" + tags.get("s") + ")");
        }
        String keyType = tags.getOrDefault("k", "rsa").toLowerCase(Locale.ROOT);
        if (!keyType.equals(algorithm.keyType())) {
            boolean known = keyType.equals("rsa") || keyType.equals("ed25519");
            throw new SignatureCheckException(known ? "key type k=" + keyType + " does not match a=" + algorithm.tagValue()
                    : "unknown key type k=" + keyType);
        }
        String p = tags.get("p");
        if (p == null) {
            throw new SignatureCheckException("key record has no p=");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(TagList.withoutWhitespace(p));
        } catch (IllegalArgumentException e) {
            throw new SignatureCheckException("key p= is not base64");
        }
        if (der.length == 0) {
            throw new SignatureCheckException("key revoked (empty p=)");
        }
        String flags = tags.getOrDefault("t", "");
        PublicKey key = algorithm == DkimAlgorithm.RSA_SHA256 ? rsaKey(der) : ed25519Key(der);
        return new DkimPublicKey(key, listContains(flags, "s"), listContains(flags, "y"));
    }

    private static PublicKey rsaKey(byte[] der) throws SignatureCheckException {
        RSAPublicKey key;
        try {
            key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException notSubjectPublicKeyInfo) {
            // RFC 6376 §3.6.1 names the bare RSAPublicKey structure; some publish it so.
            key = pkcs1Key(der);
        }
        if (key.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new SignatureCheckException("RSA key of " + key.getModulus().bitLength() + " bits is shorter than "
                    + MIN_RSA_BITS);
        }
        return key;
    }

    private static RSAPublicKey pkcs1Key(byte[] der) throws SignatureCheckException {
        try {
            org.bouncycastle.asn1.pkcs.RSAPublicKey k = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der);
            BigInteger modulus = k.getModulus();
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, k.getPublicExponent()));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new SignatureCheckException("key p= is not an RSA public key");
        }
    }

    private static PublicKey ed25519Key(byte[] raw) throws SignatureCheckException {
        // RFC 8463 §4.2: the bare 32-octet key, without the DER structure around it.
        if (raw.length != 32) {
            throw new SignatureCheckException("ed25519 key p= is " + raw.length + " octets, not 32");
        }
        byte[] spki = new byte[DkimKeyGenerator.ED25519_SPKI_PREFIX.length + 32];
        System.arraycopy(DkimKeyGenerator.ED25519_SPKI_PREFIX, 0, spki, 0, DkimKeyGenerator.ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, DkimKeyGenerator.ED25519_SPKI_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new SignatureCheckException("key p= is not an ed25519 public key");
        }
    }

    /** Whether a colon-separated list (h=, s=, t=) holds an item, compared without case. */
    private static boolean listContains(String list, String item) {
        for (String s : list.split(":")) {
            if (TagList.trim(s).equalsIgnoreCase(item)) {
                return true;
            }
        }
        return false;
    }
}
