package dev.tern.delivery.dane;

import java.util.List;
import java.util.Set;

/**
 * What DANE asks of the TLS session with one MX host whose TLSA records are DNSSEC-validated
 * (RFC 7672 §2.2). A host without such records is not one of these: it gets the TLS level that
 * applies without DANE.
 */
public sealed interface DaneHost {

    /**
     * Usable records: STARTTLS is required, and the certificate must match one of them.
     *
     * @param baseDomain the TLSA base domain: the MX host, or the end of its validated CNAME chain
     * @param records    the usable records
     * @param names      the names a certificate matched by a DANE-TA record must carry (RFC 7672 §3.2.2):
     *                   the base domain and the MX host name
     */
    record Authenticated(String baseDomain, List<Tlsa> records, Set<String> names) implements DaneHost {
        public Authenticated {
            records = List.copyOf(records);
            names = Set.copyOf(names);
        }
    }

    /** Records, none usable: STARTTLS is still required, without authentication (RFC 7672 §2.2). */
    record EncryptOnly(String baseDomain, List<Tlsa> records) implements DaneHost {
        public EncryptOnly {
            records = List.copyOf(records);
        }
    }

    /**
     * The TLSA lookup failed other than by a validated denial: the records may exist, so the host
     * is not tried (RFC 7672 §2.2), lest an attacker who can block DNS answers also strip TLS.
     */
    record Unavailable(String reason) implements DaneHost {
    }
}
