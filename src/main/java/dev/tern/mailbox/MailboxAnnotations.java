package dev.tern.mailbox;

import dev.tern.store.AnnotationDao;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * IMAP METADATA (RFC 5464): entries that clients keep on a mailbox or on the server, such as a
 * comment, or which folder the webmail uses for sent mail. {@code /private/...} entries are the
 * user's own; {@code /shared/...} entries are seen by everyone who may read the mailbox. The entry
 * {@code /private/specialuse} is the mailbox's special-use attribute (RFC 6154 §4): reading it
 * gives \Sent, \Trash…, setting it changes the attribute other clients see in LIST.
 *
 * <p>Rights (RFC 5464 §3.2 with RFC 4314): a user's own entries on a mailbox need it to be visible
 * to them ({@code l}); everyone's need {@code r} to read and {@code w} to write. The server's
 * shared entries are the administrator's: none are set, and users cannot set them.
 */
public final class MailboxAnnotations {

    /** The longest value accepted, in octets (what GETMETADATA's MAXSIZE may ask about). */
    public static final int MAX_VALUE = 64 * 1024;
    /** The most entries one mailbox (or the server) holds for one user, their own and everyone's. */
    public static final int MAX_ENTRIES = 100;
    /**
     * The most characters of values an account holds, its own entries and everyone's on its
     * mailboxes together: entries are not mail, and the quota does not count them.
     */
    public static final long MAX_ACCOUNT_TOTAL = 1024 * 1024;
    static final int MAX_NAME = 1024;
    static final String SPECIAL_USE = "/private/specialuse";
    private static final Set<String> SPECIAL_USES = Set.of("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk",
            "\\Sent", "\\Trash");

    /** GETMETADATA's DEPTH (RFC 5464 §4.2.2): the entry alone, with its children, or with all below it. */
    public enum Depth { ZERO, ONE, INFINITY }

    /**
     * A SETMETADATA that would take the mailbox past {@link #MAX_ENTRIES}, or the account past
     * {@link #MAX_ACCOUNT_TOTAL}: [METADATA TOOMANY].
     */
    public static final class TooManyException extends RuntimeException {
        TooManyException(String message) {
            super(message);
        }
    }

    private final MetadataStore store;
    private final MailboxAccess access;

    MailboxAnnotations(MetadataStore store, MailboxAccess access) {
        this.store = store;
        this.access = access;
    }

    /**
     * The entry name as stored (lower case), checked: {@code /private/} or {@code /shared/}
     * followed by levels separated by single slashes, printable ASCII without {@code *} and {@code %}.
     *
     * @throws IllegalArgumentException saying what is wrong (a BAD in IMAP)
     */
    public static String entryName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!(n.startsWith("/private/") || n.startsWith("/shared/")) || n.endsWith("/") || n.contains("//")
                || n.length() > MAX_NAME) {
            throw new IllegalArgumentException("an entry name is /private/... or /shared/..., levels separated by "
                    + "single slashes, at most " + MAX_NAME + " characters");
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '*' || c == '%') {
                throw new IllegalArgumentException("an entry name is printable ASCII without spaces, * or %");
            }
        }
        return n;
    }

    /**
     * GETMETADATA: the entries named that exist, with those below them as deep as {@code depth}
     * says, by name. {@code mailbox} "" is the server.
     */
    public List<Rows.Annotation> get(long userId, String mailbox, List<String> names, Depth depth) {
        List<String> wanted = names.stream().map(MailboxAnnotations::entryName).toList();
        return store.read(tx -> {
            Place p = place(tx, userId, mailbox);
            List<Rows.Annotation> all = new ArrayList<>(tx.annotations().entries(p.mailboxId(), userId));
            if (p.reached() != null && p.reached().mailbox().specialUse() != null) {
                all.add(new Rows.Annotation(SPECIAL_USE, p.reached().mailbox().specialUse()));
            }
            List<Rows.Annotation> out = new ArrayList<>();
            for (Rows.Annotation a : all) {
                boolean shared = a.name().startsWith("/shared/");
                if (shared && p.reached() != null && !p.reached().rights().has('r')) {
                    continue;
                }
                if (wanted.stream().anyMatch(w -> matches(w, a.name(), depth))) {
                    out.add(a);
                }
            }
            out.sort(java.util.Comparator.comparing(Rows.Annotation::name));
            return out;
        });
    }

    private static boolean matches(String wanted, String name, Depth depth) {
        if (name.equals(wanted)) {
            return true;
        }
        if (depth == Depth.ZERO || !name.startsWith(wanted + "/")) {
            return false;
        }
        return depth == Depth.INFINITY || name.indexOf('/', wanted.length() + 1) < 0;
    }

    /**
     * SETMETADATA: sets each entry to its value, or removes it (null value), all or none.
     *
     * @throws TooManyException         when the mailbox would hold more than {@link #MAX_ENTRIES}
     * @throws IllegalArgumentException for a bad name, a value over {@link #MAX_VALUE}, an unknown
     *                                  special use
     * @throws MailboxException         NO_PERMISSION for what the user may not change
     */
    public void set(long userId, String mailbox, Map<String, String> values) {
        for (String value : values.values()) {
            if (value != null && value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_VALUE) {
                throw new IllegalArgumentException("a value has at most " + MAX_VALUE + " octets");
            }
        }
        store.writeAndWait(tx -> {
            Place p = place(tx, userId, mailbox);
            for (Map.Entry<String, String> e : values.entrySet()) {
                String name = entryName(e.getKey());
                if (name.equals(SPECIAL_USE) && p.reached() != null) {
                    setSpecialUse(tx, p.reached(), e.getValue());
                    continue;
                }
                boolean shared = name.startsWith("/shared/");
                if (shared && p.reached() == null) {
                    throw new MailboxException(MailboxException.Reason.NO_PERMISSION,
                            "the server's shared entries are its administrator's");
                }
                if (shared) {
                    p.reached().require('w', "change its shared entries");
                }
                tx.annotations().set(p.mailboxId(), shared ? AnnotationDao.EVERYONE : userId, name, e.getValue());
            }
            if (tx.annotations().entries(p.mailboxId(), userId).size() > MAX_ENTRIES) {
                throw new TooManyException("too many entries: at most " + MAX_ENTRIES + " on a mailbox");
            }
            long owner = p.reached() == null ? userId : p.reached().ownerId();
            if (tx.annotations().totalLength(userId) > MAX_ACCOUNT_TOTAL
                    || owner != userId && tx.annotations().totalLength(owner) > MAX_ACCOUNT_TOTAL) {
                throw new TooManyException("the entries of an account hold at most " + MAX_ACCOUNT_TOTAL
                        + " characters together");
            }
            return null;
        });
    }

    /** RFC 6154 §4: the entry is the attribute; only the owner changes it, to one of RFC 6154's or none. */
    private static void setSpecialUse(StoreTx tx, MailboxAccess.Reached r, String value) {
        if (!r.own()) {
            throw new MailboxException(MailboxException.Reason.NO_PERMISSION,
                    "only the owner of " + r.name() + " sets its special use");
        }
        String use = value == null || value.isEmpty() ? null : value;
        if (use != null && SPECIAL_USES.stream().noneMatch(u -> u.equalsIgnoreCase(value))) {
            throw new IllegalArgumentException("not a special use: " + value.replaceAll("[^\\x20-\\x7e]", "?")
                    + " (one of " + String.join(" ", new java.util.TreeSet<>(SPECIAL_USES)) + ")");
        }
        String stored = use == null ? null : SPECIAL_USES.stream().filter(u -> u.equalsIgnoreCase(value)).findFirst()
                .orElseThrow();
        tx.mailboxes().setSpecialUse(r.mailbox().id(), stored);
    }

    /** Where the entries of {@code mailbox} live: the server's (no mailbox reached), or a mailbox the user reaches. */
    private record Place(long mailboxId, MailboxAccess.Reached reached) {
    }

    private Place place(StoreTx tx, long userId, String mailbox) {
        if (mailbox.isEmpty()) {
            return new Place(AnnotationDao.SERVER, null);
        }
        MailboxAccess.Reached r = access.reach(tx, userId, mailbox);
        return new Place(r.mailbox().id(), r);
    }
}
