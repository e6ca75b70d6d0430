package dev.tern.delivery.dane;

import dev.tern.delivery.tlsrpt.TlsResultType;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the certificate chain an MX host presented against its usable TLSA records
 * (RFC 7672 §3.1, RFC 7671 §5):
 * <ul>
 *   <li>DANE-EE (3): the server's own certificate matches. Nothing else is checked: not its
 *       names, not its dates, not who issued it (RFC 7672 §3.1.1).</li>
 *   <li>DANE-TA (2): a certificate the server sent after its own matches; the server's
 *       certificate must chain to it (signatures and dates, RFC 5280) and name the MX host or
 *       the TLSA base domain (RFC 7672 §3.2.2: DNS names of the subject alternative names, or
 *       the common name when there are none; a wildcard stands for one left-most label).</li>
 * </ul>
 * One record that matches is enough.
 */
public final class DaneVerifier {

    private DaneVerifier() {
    }

    /** Why a chain matched no record, as the TLS report and the delivery log say it. */
    public record Mismatch(String resultType, String reason) {
    }

    /** Nothing when the chain matches one of {@code host}'s records; else why not. */
    public static Optional<Mismatch> check(List<X509Certificate> chain, DaneHost.Authenticated host, Instant now) {
        if (chain.isEmpty()) {
            return Optional.of(new Mismatch(TlsResultType.TLSA_INVALID, "no certificate presented"));
        }
        X509Certificate leaf = chain.get(0);
        Mismatch closest = null;
        for (Tlsa record : host.records()) {
            if (record.usage() == Tlsa.DANE_EE) {
                if (record.matches(leaf)) {
                    return Optional.empty();
                }
                continue;
            }
            for (int i = 1; i < chain.size(); i++) {
                if (!record.matches(chain.get(i))) {
                    continue;
                }
                Mismatch why = chainsTo(chain.subList(0, i), chain.get(i), now);
                if (why == null) {
                    why = namesOneOf(leaf, host.names());
                }
                if (why == null) {
                    return Optional.empty();
                }
                closest = why;
            }
        }
        return Optional.of(closest != null ? closest : new Mismatch(TlsResultType.TLSA_INVALID,
                "the certificate chain matches none of the TLSA records of " + host.baseDomain()));
    }

    /** Null when {@code path} (the server's certificate first) is valid up to {@code anchor}. */
    private static Mismatch chainsTo(List<X509Certificate> path, X509Certificate anchor, Instant now) {
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return null;
        } catch (CertPathValidatorException e) {
            boolean expired = e.getCause() instanceof CertificateExpiredException
                    || e.getCause() instanceof CertificateNotYetValidException;
            return expired
                    ? new Mismatch(TlsResultType.CERTIFICATE_EXPIRED, "a certificate of the chain is out of its validity period")
                    : new Mismatch(TlsResultType.TLSA_INVALID, "the certificate does not chain to the DANE-TA certificate: "
                            + e.getMessage());
        } catch (GeneralSecurityException e) {
            return new Mismatch(TlsResultType.VALIDATION_FAILURE, "the chain could not be checked: " + e.getMessage());
        }
    }

    private static Mismatch namesOneOf(X509Certificate leaf, Set<String> names) {
        List<String> presented = dnsNames(leaf);
        for (String p : presented) {
            for (String n : names) {
                if (nameMatches(p, n)) {
                    return null;
                }
            }
        }
        return new Mismatch(TlsResultType.CERTIFICATE_HOST_MISMATCH, "the certificate names " + presented
                + ", not " + names.stream().sorted().toList());
    }

    /** The DNS names of the subject alternative names; without any, the subject's common names. */
    static List<String> dnsNames(X509Certificate c) {
        List<String> names = new ArrayList<>();
        try {
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> san : c.getSubjectAlternativeNames()) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String s) {
                        names.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return names;
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
                    if ("CN".equalsIgnoreCase(rdn.getType())) {
                        names.add(String.valueOf(rdn.getValue()));
                    }
                }
            } catch (InvalidNameException e) {
                return names;
            }
        }
        return names;
    }

    /** RFC 6125 §6.4: equal without case or a final dot; "*" only as the whole left-most label. */
    static boolean nameMatches(String presented, String reference) {
        String p = strip(presented);
        String r = strip(reference);
        if (p.startsWith("*.")) {
            int dot = r.indexOf('.');
            return dot > 0 && r.substring(dot).equals(p.substring(1)) && p.indexOf('.', 2) > 0;
        }
        return !p.isEmpty() && p.equals(r);
    }

    private static String strip(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
