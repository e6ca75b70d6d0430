package dev.tern.directory;

import dev.tern.security.dkim.DkimKey;
import dev.tern.security.dkim.DkimKeys;
import dev.tern.store.Rows;

import java.util.List;

/**
 * What `tern domain show` and the admin API tell about a domain: its counts, its DKIM keys and the
 * DNS records to publish for it.
 *
 * @param dnsRecords MX, SPF, one DKIM record per key, DMARC (see {@link DnsRecords})
 */
public record DomainDetails(Rows.Domain domain, int accounts, int aliases, List<DkimKey> dkimKeys,
                            List<DnsRecords.Record> dnsRecords) {

    public DomainDetails {
        dkimKeys = List.copyOf(dkimKeys);
        dnsRecords = List.copyOf(dnsRecords);
    }

    /**
     * Reads the details of a domain.
     *
     * @param hostname this server's name, where the MX record points
     * @throws DirectoryException of kind NOT_FOUND when there is no such domain
     */
    public static DomainDetails read(Directory directory, DkimKeys keys, String hostname, String name) {
        Rows.Domain d = directory.domain(name)
                .orElseThrow(() -> DirectoryException.notFound("no such domain: " + Directory.domainKey(name)));
        List<DkimKey> dkim = keys.keys(d.name());
        return new DomainDetails(d, directory.users(d.name()).size(), directory.aliases(d.name()).size(), dkim,
                DnsRecords.forDomain(d.name(), hostname, dkim));
    }
}
