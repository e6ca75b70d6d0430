package dev.tern.delivery.dane;

import org.xbill.DNS.TLSARecord;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * One TLSA record (RFC 6698 §2.1): which certificate of the chain it is about, which part of it,
 * and how that part is given.
 *
 * @param usage        0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA (a trust anchor of the chain), 3 DANE-EE
 *                     (the server's own certificate)
 * @param selector     0 the whole certificate, 1 its SubjectPublicKeyInfo
 * @param matchingType 0 the bytes themselves, 1 their SHA-256, 2 their SHA-512
 * @param data         the certificate association data
 */
public record Tlsa(int usage, int selector, int matchingType, byte[] data) {

    public static final int DANE_TA = 2;
    public static final int DANE_EE = 3;

    public static Tlsa of(TLSARecord r) {
        return new Tlsa(r.getCertificateUsage(), r.getSelector(), r.getMatchingType(), r.getCertificateAssociationData());
    }

    /**
     * Whether SMTP may use the record (RFC 7672 §3.1.3): PKIX-TA and PKIX-EE are not, since an MTA
     * has no agreed set of public CAs; nor are selectors and matching types it does not know, nor
     * a digest of the wrong length.
     */
    public boolean usable() {
        if ((usage != DANE_TA && usage != DANE_EE) || (selector != 0 && selector != 1)) {
            return false;
        }
        return switch (matchingType) {
            case 0 -> data.length > 0;
            case 1 -> data.length == 32;
            case 2 -> data.length == 64;
            default -> false;
        };
    }

    /** Whether the certificate is the one this record describes. */
    public boolean matches(X509Certificate certificate) {
        byte[] selected;
        try {
            selected = selector == 0 ? certificate.getEncoded() : certificate.getPublicKey().getEncoded();
        } catch (CertificateEncodingException e) {
            return false;
        }
        byte[] compared = switch (matchingType) {
            case 0 -> selected;
            case 1 -> digest("SHA-256", selected);
            case 2 -> digest("SHA-512", selected);
            default -> null;
        };
        return compared != null && MessageDigest.isEqual(compared, data);
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The record's data as in a zone file, "3 1 1 1F2A…", for logs and TLS reports. */
    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().withUpperCase().formatHex(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlsa t && t.usage == usage && t.selector == selector && t.matchingType == matchingType
                && java.util.Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return ((usage * 31 + selector) * 31 + matchingType) * 31 + java.util.Arrays.hashCode(data);
    }
}
