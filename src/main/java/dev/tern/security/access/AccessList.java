package dev.tern.security.access;

import dev.tern.mail.IpNetwork;
import dev.tern.mail.MailAddress;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The operator's access rules, kept in the metadata store and decided from a snapshot in memory.
 * The management methods ({@link #rules()}, {@link #put}, {@link #delete}) block on the store and
 * serve the command line and the admin API; the decisions ({@link #client}, {@link #sender})
 * never block and serve the SMTP sessions.
 */
public final class AccessList {

    private static final Logger log = LoggerFactory.getLogger(AccessList.class);
    /** How old the snapshot may grow before a decision has it read again. */
    static final Duration FRESH_FOR = Duration.ofSeconds(1);

    private final MetadataStore store;
    private final Executor storageExecutor;
    private final Clock clock;
    private final AtomicBoolean reloading = new AtomicBoolean();
    private volatile Snapshot snapshot;

    /**
     * @param storageExecutor where the snapshot is read again; null for a list that only manages
     *                        rules (the command line), whose decisions read the store at once
     */
    public AccessList(MetadataStore store, Executor storageExecutor, Clock clock) {
        this.store = store;
        this.storageExecutor = storageExecutor;
        this.clock = clock;
    }

    // ---- management ---------------------------------------------------------------------------

    /** The longest a rule may last by itself: a century, far beyond any reason to let one end. */
    public static final Duration MAX_KEEP_FOR = Duration.ofDays(36_500);

    /** Every rule in force, ordered by pattern. Blocking: reads the store. */
    public List<AccessRule> rules() {
        Instant now = clock.instant();
        return store.read(tx -> tx.accessRules().all(now)).stream().map(AccessRule::fromRow).toList();
    }

    /** A rule that stays until it is deleted; see {@link #put(String, AccessRule.Action, String, Duration)}. */
    public AccessRule put(String pattern, AccessRule.Action action, String note) {
        return put(pattern, action, note, null);
    }

    /**
     * Adds the rule for what an operator typed, or replaces the rule of the same pattern; returns
     * it as stored. Blocking: writes the store.
     *
     * @param keepFor how long it applies (a day's block of a spam run); null until it is deleted
     * @throws IllegalArgumentException when the pattern, the note or the duration is not acceptable
     */
    public AccessRule put(String pattern, AccessRule.Action action, String note, Duration keepFor) {
        if (keepFor != null && (keepFor.isNegative() || keepFor.isZero() || keepFor.compareTo(MAX_KEEP_FOR) > 0)) {
            throw new IllegalArgumentException("a rule lasts from a second to " + MAX_KEEP_FOR.toDays()
                    + " days; leave the duration out to keep it until it is deleted");
        }
        String n = note == null || note.isBlank() ? null : note.strip();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);   // as the store keeps times: shown as listed
        AccessRule rule = AccessRule.of(pattern, action, n, now, keepFor == null ? null : now.plus(keepFor));
        store.writeAndWait(tx -> {
            tx.accessRules().put(rule.toRow());
            return null;
        });
        stale();
        return rule;
    }

    /**
     * Removes the rule of a pattern, written as it was added or in its normalised form; false when
     * there is none. Blocking: writes the store.
     *
     * @throws IllegalArgumentException when the text is no pattern at all
     */
    public boolean delete(String pattern) {
        String key = AccessRule.of(pattern, AccessRule.Action.REJECT, null, clock.instant(), null).pattern();
        boolean deleted = store.writeAndWait(tx -> tx.accessRules().delete(key));
        stale();
        return deleted;
    }

    // ---- decisions ----------------------------------------------------------------------------

    /** What the most specific client rule does to this address, or null when none matches. */
    public AccessRule client(InetAddress address) {
        return address == null ? null : current().client(address, clock.instant());
    }

    /**
     * What the most specific sender rule does to this envelope sender: its address's rule, else
     * its domain's or the nearest parent domain's; null when none matches, and for the null sender.
     */
    public AccessRule sender(MailAddress sender) {
        return sender == null ? null : current().address("", sender, clock.instant());
    }

    /**
     * What the most specific recipient rule ({@code to:…}) does to this envelope recipient, found as
     * a sender's is; null when none matches.
     */
    public AccessRule recipient(MailAddress recipient) {
        return recipient == null ? null : current().address(AccessRule.RECIPIENT_PREFIX, recipient, clock.instant());
    }

    /** Reads the rules now (at start, so that the first connections are decided by them). */
    public AccessList load() {
        Instant now = clock.instant();
        snapshot = Snapshot.of(store.read(tx -> tx.accessRules().all(now)), now);
        return this;
    }

    /** Forgets the rules that have expired; returns how many. Blocking: writes the store. */
    public int purgeExpired() {
        Instant now = clock.instant();
        return store.writeAndWait(tx -> tx.accessRules().purgeExpired(now));
    }

    /** This process changed the rules: the next decision reads them again, deciding by these meanwhile. */
    private void stale() {
        Snapshot s = snapshot;
        if (s != null) {
            snapshot = new Snapshot(s.networks(), s.addresses(), Instant.EPOCH);
        }
    }

    /**
     * The snapshot to decide by. Past {@link #FRESH_FOR} it is read again on the storage executor
     * while decisions go on with the old one; without an executor it is read at once.
     */
    private Snapshot current() {
        Snapshot s = snapshot;
        boolean old = s == null || s.readAt().plus(FRESH_FOR).isBefore(clock.instant());
        if (old && storageExecutor == null) {
            return load().snapshot;
        }
        if (old && reloading.compareAndSet(false, true)) {
            try {
                storageExecutor.execute(this::reload);
            } catch (RuntimeException e) {
                reloading.set(false);
                log.warn("cannot read the access rules again: {}", e.toString());
            }
        }
        return s != null ? s : Snapshot.EMPTY;
    }

    private void reload() {
        try {
            load();
        } catch (RuntimeException e) {
            log.warn("reading the access rules failed, deciding by the last ones read: {}", e.toString());
        } finally {
            reloading.set(false);
        }
    }

    /** The rules at one moment, indexed for decisions. */
    private record Snapshot(List<Network> networks, Map<String, AccessRule> addresses, Instant readAt) {

        static final Snapshot EMPTY = new Snapshot(List.of(), Map.of(), Instant.EPOCH);

        static Snapshot of(List<Rows.AccessRule> rows, Instant readAt) {
            List<Network> networks = new java.util.ArrayList<>();
            Map<String, AccessRule> addresses = new HashMap<>();
            for (Rows.AccessRule row : rows) {
                AccessRule rule;
                try {
                    rule = AccessRule.fromRow(row);
                    if (rule.kind() == AccessRule.Kind.CLIENT) {
                        networks.add(new Network(IpNetwork.parse(rule.pattern()), rule));
                    } else {
                        addresses.put(rule.pattern(), rule);   // recipients' with their prefix
                    }
                } catch (IllegalArgumentException e) {
                    log.warn("access rule {} is not understood, skipped: {}", row.pattern(), e.getMessage());
                }
            }
            networks.sort(Comparator.comparingInt((Network n) -> n.network().prefixLength()).reversed());
            return new Snapshot(List.copyOf(networks), Map.copyOf(addresses), readAt);
        }

        /** The most specific rule in force at {@code now} (one read before it ended is passed over). */
        AccessRule client(InetAddress address, Instant now) {
            for (Network n : networks) {
                if (n.network().contains(address) && inForce(n.rule(), now)) {
                    return n.rule();
                }
            }
            return null;
        }

        /** The address's rule, else its domain's or the nearest parent's, among patterns with {@code prefix}. */
        AccessRule address(String prefix, MailAddress address, Instant now) {
            if (addresses.isEmpty()) {
                return null;
            }
            AccessRule byAddress = addresses.get(prefix + address.key());
            if (inForce(byAddress, now)) {
                return byAddress;
            }
            String domain = address.asciiDomain();
            while (true) {
                AccessRule byDomain = addresses.get(prefix + domain);
                if (inForce(byDomain, now)) {
                    return byDomain;
                }
                int dot = domain.indexOf('.');
                if (dot < 0) {
                    return null;
                }
                domain = domain.substring(dot + 1);
            }
        }
    }

    private static boolean inForce(AccessRule rule, Instant now) {
        return rule != null && (rule.expiresAt() == null || rule.expiresAt().isAfter(now));
    }

    private record Network(IpNetwork network, AccessRule rule) {
    }
}
