package dev.tern.credentials;

import java.util.List;

/**
 * What a new SMTP credential should be.
 *
 * @param domain  the local domain it belongs to; its name is in this domain unless {@code name}
 *                says otherwise
 * @param senders addresses and {@code @domain}s of local domains it may send as; empty for the
 *                whole of {@code domain}
 * @param rate    its own rate limit, or null for none
 * @param name    its user name: an address of a local domain, or a local part for {@code domain};
 *                null for a generated {@code app-<random>@domain}
 * @param cramMd5 keep CRAM-MD5 states of its secret too (password-equivalent; see
 *                docs/adr/0003-stored-secrets.md), for applications that know nothing better
 */
public record CredentialRequest(String domain, List<String> senders, SendRate rate, String name, boolean cramMd5) {

    public CredentialRequest {
        senders = senders == null ? List.of() : List.copyOf(senders);
    }

    /** A generated name, the whole domain as scope, no rate limit, no CRAM-MD5. */
    public static CredentialRequest forDomain(String domain) {
        return new CredentialRequest(domain, List.of(), null, null, false);
    }
}
