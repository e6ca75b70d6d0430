package dev.tern.security.dmarc;

import com.google.common.net.InternetDomainName;

/**
 * The organizational domain of a name (RFC 7489 §3.2): its public suffix and one label more,
 * by the Public Suffix List that Guava carries (ICANN and private sections alike, so that
 * {@code alice.github.io} and {@code bob.github.io} are different organizations).
 *
 * <p>A name that is itself a public suffix is its own organizational domain. A name under no listed
 * suffix ({@code .test}, {@code .internal}) follows the list's default rule "*": its last label is
 * the suffix, so the organizational domain is its last two labels.
 */
public final class OrganizationalDomain {

    private OrganizationalDomain() {
    }

    /** @param domain lower case, A-labels, no final dot */
    public static String of(String domain) {
        try {
            InternetDomainName name = InternetDomainName.from(domain);
            if (name.isUnderPublicSuffix()) {
                return name.topPrivateDomain().toString();
            }
            if (name.isPublicSuffix()) {
                return domain;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Not a name Guava accepts (underscores in odd places, too long): the default rule below.
        }
        int last = domain.lastIndexOf('.');
        if (last < 0) {
            return domain;
        }
        int secondLast = domain.lastIndexOf('.', last - 1);
        return secondLast < 0 ? domain : domain.substring(secondLast + 1);
    }
}
