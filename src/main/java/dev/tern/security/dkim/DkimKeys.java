package dev.tern.security.dkim;

import dev.tern.mail.MailAddress;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The stored DKIM keys of existing domains: list them, add a new set, delete one (for rotation).
 * A new domain gets its keys with it, in one transaction, through the directory.
 *
 * <p>Keys are generated before the write transaction begins: RSA generation is slow enough that it
 * must not hold the store's writer.
 */
public final class DkimKeys {

    private final MetadataStore store;
    private final Clock clock;
    private final Consumer<String> onChange;

    /** @param onChange told the domain (A-label) whose keys changed, once the change is committed */
    public DkimKeys(MetadataStore store, Clock clock, Consumer<String> onChange) {
        this.store = store;
        this.clock = clock;
        this.onChange = onChange;
    }

    /** A new RSA and Ed25519 key pair for a new domain, with this month's selectors. */
    public List<DkimKey> newKeySet() {
        return DkimKeyGenerator.generateSet(YearMonth.now(clock.withZone(ZoneOffset.UTC)), Set.of());
    }

    /** The keys of a domain, oldest first; keys made together in the order RSA, Ed25519. */
    public List<DkimKey> keys(String domain) {
        String name = domainKey(domain);
        List<Rows.DkimKey> rows = new ArrayList<>(store.read(tx -> tx.dkimKeys().keys(requireDomain(tx, name).id())));
        rows.sort(Comparator.comparing(Rows.DkimKey::createdAt).thenComparing(r -> algorithmRank(r.algorithm())));
        return toKeys(rows);
    }

    private static int algorithmRank(String algorithm) {
        try {
            return DkimAlgorithm.fromTagValue(algorithm).ordinal();
        } catch (IllegalArgumentException e) {
            return Integer.MAX_VALUE;
        }
    }

    /**
     * Adds a new RSA and Ed25519 key to a domain, beside the keys it has: the way to give keys to a
     * domain made without them, and the first step of a rotation. Returns the new keys.
     */
    public List<DkimKey> generate(String domain) {
        String name = domainKey(domain);
        Set<String> taken = store.read(tx -> selectors(tx, requireDomain(tx, name)));
        List<DkimKey> keys = DkimKeyGenerator.generateSet(YearMonth.now(clock.withZone(ZoneOffset.UTC)), taken);
        store.writeAndWait(tx -> {
            Rows.Domain d = requireDomain(tx, name);
            for (DkimKey k : keys) {
                if (!tx.dkimKeys().insert(row(d.id(), k, clock))) {
                    throw new IllegalArgumentException("domain " + name + " has a key with selector " + k.selector()
                            + " already; try again");
                }
            }
            return null;
        });
        onChange.accept(name);
        return keys;
    }

    /** Deletes one key of a domain (the last step of a rotation). */
    public void delete(String domain, String selector) {
        String name = domainKey(domain);
        store.writeAndWait(tx -> {
            Rows.Domain d = requireDomain(tx, name);
            if (!tx.dkimKeys().delete(d.id(), selector)) {
                throw new IllegalArgumentException("domain " + name + " has no DKIM key with selector " + selector);
            }
            return null;
        });
        onChange.accept(name);
    }

    /** A key as a row of the store, created now. */
    public static Rows.DkimKey row(long domainId, DkimKey key, Clock clock) {
        return new Rows.DkimKey(domainId, key.selector(), key.algorithm().tagValue(), key.privateKeyPkcs8(),
                key.dnsPublicKey(), clock.instant());
    }

    /** Stored rows as keys; a row that cannot be read fails loudly, since signing with it would. */
    static List<DkimKey> toKeys(List<Rows.DkimKey> rows) {
        List<DkimKey> keys = new ArrayList<>();
        for (Rows.DkimKey r : rows) {
            keys.add(DkimKey.fromStored(r.selector(), r.algorithm(), r.privateKey(), r.publicKey()));
        }
        return keys;
    }

    /** The lookup form of a domain name: lower case, A-labels, no final dot. */
    static String domainKey(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return MailAddress.toAsciiDomain(d);
    }

    private static Set<String> selectors(StoreTx tx, Rows.Domain d) {
        return tx.dkimKeys().keys(d.id()).stream().map(Rows.DkimKey::selector).collect(Collectors.toSet());
    }

    private static Rows.Domain requireDomain(StoreTx tx, String name) {
        return tx.directory().domain(name).orElseThrow(() ->
                new IllegalArgumentException("no such domain: " + name + " (add it with `tern domain add " + name + "`)"));
    }
}
