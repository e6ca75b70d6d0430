package dev.tern.suppression;

import dev.tern.config.SuppressionSettings;
import dev.tern.directory.Directory;
import dev.tern.mail.MailAddress;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Addresses of other domains that outbound mail is not sent to. An address joins the list when
 * its own server refuses it permanently as nonexistent or disabled (a hard bounce: the next
 * message would only bounce again, and receivers count such attempts against the sender's
 * reputation), or when an operator adds it. Mail for a listed address bounces at once, without
 * a connection, with a notification that says why.
 *
 * <p>Only a remote server's own answer adds an address: a failure decided here (no MX, a null
 * MX, a loop) says nothing about the mailbox. Entries are keyed by {@link MailAddress#key()}.
 */
public final class SuppressionList {

    /** An entry made by a hard bounce. */
    public static final String BOUNCE = "bounce";
    /** An entry an operator made. */
    public static final String MANUAL = "manual";

    /**
     * The enhanced status codes (RFC 3463) that say the mailbox itself is not there: bad
     * destination mailbox address (5.1.1), its syntax (5.1.3), moved without a forwarding address
     * (5.1.6), recipient not found (5.1.10, as Microsoft 365 answers), mailbox disabled (5.2.1).
     * A full mailbox (5.2.2), a size limit or a policy refusal (5.7.x) say nothing of the kind.
     */
    static final Set<String> HARD_BOUNCES = Set.of("5.1.1", "5.1.3", "5.1.6", "5.1.10", "5.2.1");

    /** Longest remote reply kept with an entry. */
    static final int MAX_DETAIL = 500;

    private final MetadataStore store;
    private final SuppressionSettings settings;
    private final Predicate<String> isLocalDomain;
    private final Clock clock;

    /**
     * @param isLocalDomain true for an A-label domain this server receives mail for: its
     *                      addresses are never sent out, so they are never listed
     */
    public SuppressionList(MetadataStore store, SuppressionSettings settings, Predicate<String> isLocalDomain,
                           Clock clock) {
        this.store = store;
        this.settings = settings;
        this.isLocalDomain = isLocalDomain;
        this.clock = clock;
    }

    /** True for a status that says the mailbox does not exist or is disabled. */
    public static boolean isHardBounce(String status) {
        return status != null && HARD_BOUNCES.contains(status);
    }

    /**
     * Lists an address in the caller's transaction when its server's permanent refusal says the
     * mailbox is not there, and hard bounces are listed; false when nothing was listed. An
     * operator's entry is left as it is.
     *
     * @param reply the server's reply, kept to show why
     */
    public boolean recordRefusal(StoreTx tx, String address, String status, String reply, String queueId) {
        if (!settings.hardBounces() || !isHardBounce(status)) {
            return false;
        }
        MailAddress a;
        try {
            a = MailAddress.parse(address);
        } catch (IllegalArgumentException e) {
            return false;
        }
        Instant now = clock.instant();
        Optional<Rows.Suppression> existing = tx.suppressions().find(a.key(), now);
        if (existing.isPresent() && MANUAL.equals(existing.get().reason())) {
            return false;
        }
        Duration keep = settings.keepFor();
        tx.suppressions().put(new Rows.Suppression(a.key(), a.asciiDomain(), BOUNCE, status, shorten(reply), queueId,
                now, keep.isZero() ? null : now.plus(keep)));
        return true;
    }

    /** The entries of those addresses that are listed, by address as given. Blocking: reads the store. */
    public Map<String, Rows.Suppression> listed(Collection<String> addresses) {
        Instant now = clock.instant();
        return store.read(tx -> {
            Map<String, Rows.Suppression> out = new LinkedHashMap<>();
            for (String address : addresses) {
                String key;
                try {
                    key = MailAddress.parse(address).key();
                } catch (IllegalArgumentException e) {
                    continue;   // delivery reports the bad syntax
                }
                tx.suppressions().find(key, now).ifPresent(s -> out.put(address, s));
            }
            return out;
        });
    }

    /** The entry of one address, if it is listed. */
    public Optional<Rows.Suppression> find(String address) {
        String key = parse(address).key();
        Instant now = clock.instant();
        return store.read(tx -> tx.suppressions().find(key, now));
    }

    /**
     * Lists an address by an operator's decision, until removed or for {@code keepFor}.
     *
     * @param note     why, shown with the entry; may be null
     * @param keepFor  how long it stays; null: until removed
     * @throws SuppressionException when the address is not valid or is of a local domain
     */
    public Rows.Suppression add(String address, String note, Duration keepFor) {
        MailAddress a = parse(address);
        if (isLocalDomain.test(a.asciiDomain())) {
            throw new SuppressionException(a + " is an address of a local domain; the suppression list holds "
                    + "addresses of other domains, which outbound mail goes to");
        }
        if (keepFor != null && (keepFor.isZero() || keepFor.isNegative())) {
            throw new SuppressionException("a suppression lasts a positive time, or until removed");
        }
        Instant now = clock.instant();
        Rows.Suppression entry = new Rows.Suppression(a.key(), a.asciiDomain(), MANUAL, null, shorten(note), null, now,
                keepFor == null ? null : now.plus(keepFor));
        store.writeAndWait(tx -> {
            tx.suppressions().put(entry);
            return null;
        });
        return entry;
    }

    /** Removes an address from the list; false when it was not listed. */
    public boolean delete(String address) {
        String key = parse(address).key();
        return store.writeAndWait(tx -> tx.suppressions().delete(key));
    }

    /** Removes every address of a domain from the list; returns how many. */
    public int deleteDomain(String domain) {
        String key = Directory.domainKey(domain);
        return store.writeAndWait(tx -> tx.suppressions().deleteDomain(key));
    }

    /** Listed addresses, ordered: of one domain or of all (null), after {@code after} (null: from the start). */
    public List<Rows.Suppression> list(String domain, String after, int limit) {
        String key = domain == null ? null : Directory.domainKey(domain);
        Instant now = clock.instant();
        return store.read(tx -> tx.suppressions().list(key, after, limit, now));
    }

    /** How many addresses are listed now. */
    public long size() {
        Instant now = clock.instant();
        return store.read(tx -> tx.suppressions().count(now));
    }

    /** Forgets the entries whose time has passed; returns how many. */
    public int purgeExpired() {
        Instant now = clock.instant();
        return store.writeAndWait(tx -> tx.suppressions().purgeExpired(now));
    }

    /**
     * Why mail for a listed address bounced without an attempt, for the sender's notification
     * and the delivery log.
     */
    public static String explanation(Rows.Suppression s) {
        String since = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(s.createdAt());
        String why = BOUNCE.equals(s.reason()) ? ", when its server refused it" : "";
        return "not sent: the address is on this server's suppression list since " + since + why
                + (s.detail() == null ? "" : " (" + s.detail() + ")");
    }

    /** The status a bounce of a listed address carries: the refusal's own, or 5.7.1 for an operator's entry. */
    public static String status(Rows.Suppression s) {
        return s.status() != null ? s.status() : "5.7.1";
    }

    private static String shorten(String text) {
        if (text == null) {
            return null;
        }
        String t = text.replaceAll("\\s*\\p{Cntrl}+\\s*", " ").strip();   // one line, as the remote wrote it
        return t.length() <= MAX_DETAIL ? t : t.substring(0, MAX_DETAIL);
    }

    private static MailAddress parse(String address) {
        try {
            return MailAddress.parse(address.trim());
        } catch (IllegalArgumentException e) {
            throw new SuppressionException("\"" + address + "\" is not a valid address: " + e.getMessage());
        }
    }
}
