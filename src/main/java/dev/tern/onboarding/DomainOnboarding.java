package dev.tern.onboarding;

import dev.tern.config.ClientPorts;
import dev.tern.directory.Directory;
import dev.tern.directory.DirectoryException;
import dev.tern.directory.DnsRecords;
import dev.tern.dns.DnsResolver;
import dev.tern.security.dkim.DkimKey;
import dev.tern.security.dkim.DkimKeys;
import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Bringing a domain here: adding it with its DKIM keys and ownership token, the DNS records its
 * owner has to publish ({@link DnsRecords}, the one list shared by the command line, the admin API
 * and the checks), and the check of those records in live DNS, which verifies the domain's
 * ownership when its token is found.
 *
 * <p>{@link #addDomain} and {@link #records} block on the store. {@link #verify} returns at once:
 * the DNS lookups run on the resolver's threads, the store work on the given executor.
 */
public final class DomainOnboarding {

    private static final Logger log = LoggerFactory.getLogger(DomainOnboarding.class);

    private final Directory directory;
    private final DkimKeys dkimKeys;
    private final DomainOwnership ownership;
    private final String hostname;
    private final ClientPorts ports;
    private final String mtaStsPolicy;
    private final Supplier<DnsResolver> dns;
    private final Executor storage;

    /**
     * @param hostname this server's name, where the records point
     * @param ports    the client listeners, for the SRV records
     * @param mtaStsPolicy the MTA-STS policy file this server serves ({@code TernConfig.mtaStsPolicy()}), or null
     * @param dns      the resolver of the checks, asked for at the first check; it should not cache
     *                 answers (see {@link DnsResolver#DnsResolver(dev.tern.config.DnsSettings, boolean)})
     * @param storage  where the store work of a check runs
     */
    public DomainOnboarding(Directory directory, DkimKeys dkimKeys, DomainOwnership ownership, String hostname,
                            ClientPorts ports, String mtaStsPolicy, Supplier<DnsResolver> dns, Executor storage) {
        this.directory = directory;
        this.dkimKeys = dkimKeys;
        this.ownership = ownership;
        this.hostname = hostname;
        this.ports = ports;
        this.mtaStsPolicy = mtaStsPolicy;
        this.dns = dns;
        this.storage = storage;
    }

    /** Adds a local domain with a new RSA and Ed25519 DKIM key and an ownership token. */
    public DomainSetup addDomain(String name) {
        List<DkimKey> keys = dkimKeys.newKeySet();
        Rows.Domain d = directory.addDomain(name, keys);
        ownership.token(d.name());
        return new DomainSetup(d.name(), keys, records(d.name()));
    }

    /** Every record to publish for a local domain, in the order they are checked and printed. */
    public List<DnsRecords.Record> records(String domain) {
        String key = Directory.domainKey(domain);
        if (directory.domain(key).isEmpty()) {
            throw DirectoryException.notFound("no such domain: " + key);
        }
        return DnsRecords.forDomain(key, hostname, dkimKeys.keys(key), ownership.token(key), ports, mtaStsPolicy);
    }

    /** The domains' ownership tokens and verification times. */
    public DomainOwnership ownership() {
        return ownership;
    }

    /**
     * Checks every record of a domain in live DNS; when the ownership token is found, the domain
     * is verified from now on. Completes exceptionally (with a {@link DirectoryException}) only
     * for a domain that is not local, or when the store fails.
     */
    public CompletableFuture<VerificationReport> verify(String domain) {
        return CompletableFuture.supplyAsync(() -> records(domain), storage)
                .thenCompose(records -> new RecordChecker(dns.get(), hostname).checkAll(records))
                .thenApplyAsync(checks -> report(domain, checks), storage);
    }

    private VerificationReport report(String domain, List<RecordCheck> checks) {
        String key = Directory.domainKey(domain);
        boolean tokenFound = checks.stream().anyMatch(c -> c.record().kind() == DnsRecords.Kind.OWNERSHIP
                && c.status() == RecordCheck.Status.FOUND);
        Instant verifiedAt;
        if (tokenFound) {
            boolean before = ownership.verifiedAt(key).isPresent();
            verifiedAt = ownership.markVerified(key);
            if (!before) {
                log.info("ownership of domain {} verified: its token is published in DNS", key);
            }
        } else {
            verifiedAt = ownership.verifiedAt(key).orElse(null);
        }
        return new VerificationReport(key, checks, verifiedAt);
    }
}
