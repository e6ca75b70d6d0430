package dev.tern.security.dmarc;

import java.util.List;

/**
 * A domain's DMARC record as an aggregate report restates it ({@code policy_published}, RFC 7489
 * appendix C), with where the reports go.
 *
 * @param domain          where the record was found
 * @param policy          p=
 * @param subdomainPolicy sp=, or null when absent
 * @param strictDkim      adkim=s
 * @param strictSpf       aspf=s
 * @param percent         pct=
 * @param rua             rua=, each URI as written (with its "!size")
 */
public record PublishedPolicy(String domain, DmarcPolicy policy, DmarcPolicy subdomainPolicy, boolean strictDkim,
                              boolean strictSpf, int percent, List<String> rua) {

    public PublishedPolicy {
        rua = List.copyOf(rua);
    }

    static PublishedPolicy of(String domain, DmarcRecord r) {
        return new PublishedPolicy(domain, r.policy(), r.subdomainPolicy(), r.strictDkim(), r.strictSpf(), r.percent(), r.rua());
    }
}
