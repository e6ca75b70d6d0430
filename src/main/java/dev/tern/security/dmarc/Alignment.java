package dev.tern.security.dmarc;

import java.util.List;

/**
 * Identifier alignment (RFC 7489 §3.1): whether a domain that passed SPF or DKIM stands for the
 * author domain. Strict: the same name. Relaxed: the same organizational domain, so that
 * {@code mail.example.com} aligns with {@code example.com} and with {@code news.example.com}.
 */
final class Alignment {

    private final String from;
    private final String fromOrganization;
    private final String spfDomain;
    private final List<String> dkimDomains;

    /**
     * @param from        the author domain, normalized
     * @param spfDomain   the SPF-passing domain, or null
     * @param dkimDomains the d= of the passing DKIM signatures
     */
    Alignment(String from, String spfDomain, List<String> dkimDomains) {
        this.from = from;
        this.fromOrganization = OrganizationalDomain.of(from);
        this.spfDomain = AuthorDomains.normalize(spfDomain);
        this.dkimDomains = dkimDomains == null ? List.of()
                : dkimDomains.stream().map(AuthorDomains::normalize).filter(d -> d != null).toList();
    }

    boolean spf(boolean strict) {
        return spfDomain != null && aligned(spfDomain, strict);
    }

    boolean dkim(boolean strict) {
        for (String d : dkimDomains) {
            if (aligned(d, strict)) {
                return true;
            }
        }
        return false;
    }

    private boolean aligned(String domain, boolean strict) {
        return strict ? domain.equals(from) : OrganizationalDomain.of(domain).equals(fromOrganization);
    }
}
