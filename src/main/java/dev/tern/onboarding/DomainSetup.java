package dev.tern.onboarding;

import dev.tern.directory.DnsRecords;
import dev.tern.security.dkim.DkimKey;

import java.util.List;

/**
 * A domain just added, with what its owner has to publish.
 *
 * @param domain   the domain as stored (lower case, A-labels)
 * @param dkimKeys its new DKIM keys
 * @param records  every DNS record to publish for it
 */
public record DomainSetup(String domain, List<DkimKey> dkimKeys, List<DnsRecords.Record> records) {

    public DomainSetup {
        dkimKeys = List.copyOf(dkimKeys);
        records = List.copyOf(records);
    }
}
