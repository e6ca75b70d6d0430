package dev.tern.mailbox;

import dev.tern.mail.MailAddress;
import dev.tern.store.AclDao;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a user reaches by a mailbox name, and may do there: their own mailboxes with every right,
 * and the mailboxes other accounts shared with them (RFC 4314 access control lists) under
 * {@code Shared/owner@domain/name}, with the rights given. The protocols ask this class for a
 * mailbox by name; {@link MailboxService} then works on it by id, or by its name in its owner's
 * tree. Rights are read when a mailbox is reached, so a change counts from the next command that
 * names it (a selected mailbox keeps the rights it was selected with, as RFC 4314 §5.1.1 allows).
 *
 * <p>Identifiers are account addresses and {@code anyone} (also {@code authenticated}), which
 * means every account of the owner's domain: a server that hosts several organisations does not
 * show one's mailboxes to another. All users of a mailbox share its flags (\Seen included), as
 * Dovecot's shared mailboxes do by default.
 */
public final class MailboxAccess {

    /** The first level of the names of other accounts' mailboxes (the "other users" namespace, RFC 2342). */
    public static final String SHARED = "Shared";
    public static final String ANYONE = "anyone";

    private final MetadataStore store;
    private final MailboxService mailboxes;

    MailboxAccess(MetadataStore store, MailboxService mailboxes) {
        this.store = store;
        this.mailboxes = mailboxes;
    }

    /**
     * A mailbox as one user reaches it.
     *
     * @param name    the name the user gave, as stored ({@code INBOX} in upper case)
     * @param ownerId the account the mailbox belongs to: the user's for their own mailboxes
     * @param own     whether the user owns it (then with every right)
     */
    public record Reached(Rows.Mailbox mailbox, long ownerId, String name, MailboxRights rights, boolean own) {

        /** @throws MailboxException NO_PERMISSION when the user lacks {@code right} for {@code doing} */
        public Reached require(char right, String doing) {
            if (!rights.has(right)) {
                throw noPermission(name, doing);
            }
            return this;
        }
    }

    /** A name resolved to the account that owns it and the name in that account's tree. */
    private record Target(long ownerId, String ownerAddress, String ownerName, boolean own, String name) {
    }

    // ---- reaching mailboxes ---------------------------------------------------------------------

    /**
     * The mailbox {@code name} names for the user.
     *
     * @throws MailboxException NONEXISTENT when there is none, or the user may not know of it (no
     *                          right but {@code p}, RFC 4314 §6); INVALID_NAME for a name that can
     *                          name no mailbox
     */
    public Reached reach(long userId, String name) {
        return store.read(tx -> reach(tx, userId, name));
    }

    /** {@link #reach(long, String)} in the caller's transaction. */
    public Reached reach(StoreTx tx, long userId, String name) {
        Target t = target(tx, userId, name);
        Rows.Mailbox box = tx.mailboxes().mailbox(t.ownerId(), t.ownerName()).orElseThrow(() -> nonexistent(t.name()));
        MailboxRights rights = t.own() ? MailboxRights.ALL : rights(tx, userId, box);
        if (!visible(rights)) {
            throw nonexistent(t.name());
        }
        return new Reached(box, t.ownerId(), t.name(), rights, t.own());
    }

    /** The mailbox the user reaches by {@code name}, or empty (none, or not visible to them). */
    public Optional<Reached> find(long userId, String name) {
        try {
            return Optional.of(reach(userId, name));
        } catch (MailboxException e) {
            if (e.reason() == MailboxException.Reason.NONEXISTENT || e.reason() == MailboxException.Reason.INVALID_NAME) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** RFC 4314 §4: MYRIGHTS needs one of these; without any, the mailbox is not shown at all. */
    private static boolean visible(MailboxRights r) {
        return r.has('l') || r.has('r') || r.has('i') || r.has('k') || r.has('x') || r.has('a');
    }

    /** What the user may do in another account's mailbox: their entry and, within the owner's domain, anyone's. */
    private static MailboxRights rights(StoreTx tx, long userId, Rows.Mailbox box) {
        MailboxRights rights = MailboxRights.NONE;
        for (Rows.AclEntry e : tx.acls().entries(box.id())) {
            if (e.granteeId() == userId || (e.granteeId() == AclDao.ANYONE && sameDomain(tx, userId, box.accountId()))) {
                rights = rights.plus(MailboxRights.parse(e.rights()));
            }
        }
        return rights;
    }

    /** Whether two accounts are of one domain: read only for an entry of {@code anyone}. */
    private static boolean sameDomain(StoreTx tx, long a, long b) {
        Optional<Long> first = tx.directory().account(a).map(Rows.Account::domainId);
        return first.isPresent() && first.equals(tx.directory().account(b).map(Rows.Account::domainId));
    }

    /**
     * Resolves a name: {@code Shared/owner@domain/rest} to the owner's {@code rest}, any other
     * name to the user's own mailbox of that name.
     */
    private static Target target(StoreTx tx, long userId, String name) {
        String normalized = MailboxNames.normalize(name);
        if (!looksShared(normalized)) {
            return new Target(userId, null, normalized, true, normalized);
        }
        String[] levels = normalized.split(String.valueOf(MailboxNames.DELIMITER), 3);
        Rows.Account owner = ownerAccount(tx, levels[1]).orElseThrow(() -> nonexistent(normalized));
        if (levels.length < 3) {
            throw new MailboxException(MailboxException.Reason.NOT_ALLOWED,
                    normalized + " holds no messages: it holds the mailboxes " + levels[1] + " shares");
        }
        if (owner.id() == userId) {
            throw new MailboxException(MailboxException.Reason.NONEXISTENT,
                    "no mailbox named " + normalized + " (your own mailboxes are named without " + SHARED + "/)");
        }
        String ownerName = MailboxNames.normalize(levels[2]);
        return new Target(owner.id(), owner.address(), ownerName, false,
                SHARED + MailboxNames.DELIMITER + owner.address() + MailboxNames.DELIMITER + ownerName);
    }

    /** True for a name of the form {@code Shared/x@y/...}: always another account's, never one of the user's own. */
    static boolean looksShared(String normalized) {
        String[] levels = normalized.split(String.valueOf(MailboxNames.DELIMITER), 3);
        return levels.length >= 2 && levels[0].equals(SHARED) && levels[1].indexOf('@') >= 0;
    }

    private static Optional<Rows.Account> ownerAccount(StoreTx tx, String address) {
        try {
            return tx.directory().account(MailAddress.parse(address).key());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The name a user sees for another account's mailbox. */
    static String sharedName(String ownerAddress, String ownerName) {
        return SHARED + MailboxNames.DELIMITER + ownerAddress + MailboxNames.DELIMITER + ownerName;
    }

    // ---- the tree -------------------------------------------------------------------------------

    /**
     * CREATE: an own mailbox, or one in another account's tree below a mailbox the user has
     * {@code k} on (RFC 4314 §4), which takes that parent's access control list.
     */
    public Rows.Mailbox create(long userId, String name, String specialUse) {
        Target first = store.read(tx -> target(tx, userId, name));
        if (first.own()) {
            return mailboxes.create(userId, name, specialUse);
        }
        return store.writeAndWait(tx -> {
            Target t = target(tx, userId, name);
            Rows.Mailbox parent = nearestParent(tx, t).orElseThrow(() -> new MailboxException(
                    MailboxException.Reason.NO_PERMISSION, "only " + t.ownerAddress()
                    + " can create mailboxes at the top of their tree"));
            String parentName = sharedName(t.ownerAddress(), parent.name());
            MailboxRights rights = rights(tx, userId, parent);
            if (!visible(rights)) {
                throw nonexistent(parentName);
            }
            if (!rights.has('k')) {
                throw noPermission(parentName, "create mailboxes in it");
            }
            Rows.Mailbox made = mailboxes.createChecked(tx, t.ownerId(), t.ownerName(), specialUse);
            List<Rows.AclEntry> inherited = tx.acls().entries(parent.id());
            for (String level : levelsBelow(parent.name(), t.ownerName())) {
                Rows.Mailbox m = tx.mailboxes().mailbox(t.ownerId(), level).orElseThrow();
                for (Rows.AclEntry e : inherited) {
                    tx.acls().set(m.id(), e.granteeId(), e.rights());
                }
            }
            return made;
        });
    }

    /** The mailbox of the owner's tree closest above {@code t}'s name, if any. */
    private static Optional<Rows.Mailbox> nearestParent(StoreTx tx, Target t) {
        List<String> parents = MailboxNames.parents(t.ownerName());
        for (int i = parents.size() - 1; i >= 0; i--) {
            Optional<Rows.Mailbox> m = tx.mailboxes().mailbox(t.ownerId(), parents.get(i));
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }

    /** The names from just below {@code parent} down to {@code name}: the levels a CREATE made. */
    private static List<String> levelsBelow(String parent, String name) {
        List<String> out = new ArrayList<>();
        for (String p : MailboxNames.parents(name)) {
            if (MailboxNames.isInferior(p, parent)) {
                out.add(p);
            }
        }
        out.add(name);
        return out;
    }

    /** DELETE: an own mailbox, or another account's the user has {@code x} on. Returns the id of the mailbox deleted. */
    public long delete(long userId, String name) {
        Reached r = reach(userId, name);
        if (r.own()) {
            return mailboxes.delete(userId, name);
        }
        r.require('x', "delete it");
        return mailboxes.delete(r.ownerId(), r.mailbox().name());
    }

    /**
     * RENAME within one account's tree: the user's own, or another's where the user has {@code x}
     * on the mailbox and {@code k} on the new name's nearest parent (RFC 4314 §4).
     */
    public void rename(long userId, String from, String to) {
        Reached source = reach(userId, from);
        Target target = store.read(tx -> target(tx, userId, to));
        if (source.ownerId() != target.ownerId()) {
            throw new MailboxException(MailboxException.Reason.NO_PERMISSION,
                    "a mailbox cannot move from one account's tree to another's");
        }
        if (source.own()) {
            mailboxes.rename(userId, from, to);
            return;
        }
        source.require('x', "rename it");
        Rows.Mailbox parent = store.read(tx -> nearestParent(tx, target)).orElseThrow(() -> new MailboxException(
                MailboxException.Reason.NO_PERMISSION, "only the owner can rename a mailbox to the top of their tree"));
        find(userId, sharedName(target.ownerAddress(), parent.name()))
                .orElseThrow(() -> nonexistent(sharedName(target.ownerAddress(), parent.name())))
                .require('k', "create mailboxes in it");
        mailboxes.rename(source.ownerId(), source.mailbox().name(), target.ownerName());
    }

    /** STATUS: needs {@code r} (RFC 4314 §4). */
    public MailboxService.NamedStatus status(long userId, String name, boolean withDeletedSize) {
        return store.read(tx -> {
            Reached r = reach(tx, userId, name).require('r', "read its status");
            if (!r.mailbox().selectable()) {
                throw new MailboxException(MailboxException.Reason.NOT_ALLOWED, r.name() + " holds no messages");
            }
            return new MailboxService.NamedStatus(r.name(), MailboxService.status(tx, r.mailbox(), withDeletedSize));
        });
    }

    // ---- listing --------------------------------------------------------------------------------

    /**
     * LIST: the user's own mailboxes, then those shared with them with {@code l}, with the levels
     * above them ({@code Shared}, {@code Shared/owner@domain}, parents not shared) as \Noselect.
     */
    public List<MailboxListing> list(long userId, String pattern) {
        MailboxPattern p = MailboxPattern.compile(pattern);
        List<MailboxListing> out = new ArrayList<>(mailboxes.list(userId, pattern));
        store.read(tx -> {
            java.util.Set<String> subscribed = new java.util.HashSet<>(tx.mailboxes().subscriptions(userId));
            Map<String, Rows.Mailbox> shared = listable(tx, userId);
            Map<String, Boolean> levels = new LinkedHashMap<>();
            for (String name : shared.keySet()) {
                for (String parent : MailboxNames.parents(name)) {
                    if (!shared.containsKey(parent)) {
                        levels.putIfAbsent(parent, true);
                    }
                }
            }
            for (Map.Entry<String, Boolean> level : levels.entrySet()) {
                String n = level.getKey();
                if (p.matches(n) && out.stream().noneMatch(l -> l.name().equals(n))) {
                    out.add(new MailboxListing(n, true, false, true, null, subscribed.contains(n)));
                }
            }
            for (Map.Entry<String, Rows.Mailbox> e : shared.entrySet()) {
                String n = e.getKey();
                if (p.matches(n)) {
                    Rows.Mailbox m = e.getValue();
                    boolean children = shared.keySet().stream().anyMatch(o -> MailboxNames.isInferior(o, n));
                    out.add(new MailboxListing(n, true, m.selectable(), children, m.specialUse(),
                            subscribed.contains(n)));
                }
            }
            return null;
        });
        return out;
    }

    /** LSUB, LIST (SUBSCRIBED): the user's subscriptions, shared names checked against what the user may list. */
    public List<MailboxListing> listSubscribed(long userId, String pattern) {
        List<MailboxListing> own = mailboxes.listSubscribed(userId, pattern);
        if (own.stream().noneMatch(l -> isShared(l.name()))) {
            return own;
        }
        return store.read(tx -> {
            Map<String, Rows.Mailbox> shared = listable(tx, userId);
            List<MailboxListing> out = new ArrayList<>();
            for (MailboxListing l : own) {
                if (!isShared(l.name())) {
                    out.add(l);
                    continue;
                }
                Rows.Mailbox m = shared.get(l.name());
                boolean children = shared.keySet().stream().anyMatch(o -> MailboxNames.isInferior(o, l.name()));
                out.add(new MailboxListing(l.name(), m != null || children, m != null && m.selectable(), children,
                        m == null ? null : m.specialUse(), true));
            }
            return out;
        });
    }

    private static boolean isShared(String name) {
        return name.startsWith(SHARED + MailboxNames.DELIMITER);
    }

    /** Other accounts' mailboxes the user may list, by the name the user sees. */
    private static Map<String, Rows.Mailbox> listable(StoreTx tx, long userId) {
        long domain = tx.directory().account(userId).map(Rows.Account::domainId).orElse(-1L);
        Map<String, Rows.Mailbox> out = new java.util.TreeMap<>();
        Map<Long, MailboxRights> rights = new java.util.HashMap<>();
        Map<Long, String> names = new java.util.HashMap<>();
        Map<Long, Rows.Mailbox> rows = new java.util.HashMap<>();
        for (Rows.SharedMailbox s : tx.acls().sharedWith(userId, domain)) {
            rights.merge(s.mailbox().id(), MailboxRights.parse(s.rights()), MailboxRights::plus);
            names.put(s.mailbox().id(), sharedName(s.ownerAddress(), s.mailbox().name()));
            rows.put(s.mailbox().id(), s.mailbox());
        }
        rights.forEach((id, r) -> {
            if (r.has('l')) {
                out.put(names.get(id), rows.get(id));
            }
        });
        return out;
    }

    // ---- access control lists (RFC 4314 §3) -----------------------------------------------------

    /** One identifier and its rights, as GETACL answers. */
    public record Grant(String identifier, MailboxRights rights) {
    }

    /** GETACL: the owner first (every right), then each entry. Needs {@code a}. */
    public List<Grant> acl(long userId, String name) {
        return store.read(tx -> {
            Reached r = reach(tx, userId, name).require('a', "read its access control list");
            List<Grant> out = new ArrayList<>();
            out.add(new Grant(tx.directory().account(r.ownerId()).map(Rows.Account::address).orElse("owner"),
                    MailboxRights.ALL));
            for (Rows.AclEntry e : tx.acls().entries(r.mailbox().id())) {
                out.add(new Grant(e.grantee(), MailboxRights.parse(e.rights())));
            }
            return out;
        });
    }

    /** How SETACL changes an identifier's rights (RFC 4314 §3.1). */
    public enum Change { REPLACE, ADD, REMOVE }

    /** A change of rights as SETACL and {@code tern mailbox share} write it: rights, {@code +}rights or {@code -}rights. */
    public record RightsChange(Change change, MailboxRights rights) {

        /** @throws IllegalArgumentException naming a letter that is no right */
        public static RightsChange parse(String text) {
            Change change = text.startsWith("+") ? Change.ADD : text.startsWith("-") ? Change.REMOVE : Change.REPLACE;
            return new RightsChange(change, MailboxRights.parse(change == Change.REPLACE ? text : text.substring(1)));
        }

        MailboxRights applyTo(MailboxRights before) {
            return switch (change) {
                case REPLACE -> rights;
                case ADD -> before.plus(rights);
                case REMOVE -> before.minus(rights);
            };
        }
    }

    /**
     * SETACL: gives, adds or takes rights; what is left empty removes the entry. Needs {@code a}.
     * The owner's rights cannot change. Returns the identifier's rights after the change.
     */
    public MailboxRights setRights(long userId, String name, String identifier, RightsChange change) {
        return store.writeAndWait(tx -> {
            Reached r = reach(tx, userId, name).require('a', "change its access control list");
            long grantee = grantee(tx, r, identifier);
            MailboxRights before = tx.acls().entries(r.mailbox().id()).stream()
                    .filter(e -> e.granteeId() == grantee).findFirst()
                    .map(e -> MailboxRights.parse(e.rights())).orElse(MailboxRights.NONE);
            MailboxRights after = change.applyTo(before);
            tx.acls().set(r.mailbox().id(), grantee, after.letters());
            return after;
        });
    }

    /** DELETEACL: removes an identifier's entry (none is no error). Needs {@code a}. */
    public void deleteRights(long userId, String name, String identifier) {
        store.writeAndWait(tx -> {
            Reached r = reach(tx, userId, name).require('a', "change its access control list");
            return tx.acls().delete(r.mailbox().id(), grantee(tx, r, identifier));
        });
    }

    /**
     * LISTRIGHTS: what an identifier always has (the owner: everything) and can be given. Needs
     * {@code a}. Empty for the owner's identifier's optional rights.
     */
    public boolean isOwner(long userId, String name, String identifier) {
        return store.read(tx -> {
            Reached r = reach(tx, userId, name).require('a', "read its access control list");
            return identifierIsOwner(tx, r, identifier);
        });
    }

    /** MYRIGHTS: any right that makes the mailbox visible (RFC 4314 §4). */
    public MailboxRights myRights(long userId, String name) {
        return reach(userId, name).rights();
    }

    private static boolean identifierIsOwner(StoreTx tx, Reached r, String identifier) {
        return !isAnyone(identifier) && ownerAccount(tx, identifier).map(a -> a.id() == r.ownerId()).orElse(false);
    }

    private static boolean isAnyone(String identifier) {
        return identifier.equalsIgnoreCase(ANYONE) || identifier.equalsIgnoreCase("authenticated");
    }

    /** The grantee id an identifier names for a mailbox: {@link AclDao#ANYONE}, or an account other than the owner. */
    private static long grantee(StoreTx tx, Reached r, String identifier) {
        if (isAnyone(identifier)) {
            return AclDao.ANYONE;
        }
        if (identifier.startsWith("-") || identifier.startsWith("$")) {
            throw new MailboxException(MailboxException.Reason.NOT_ALLOWED,
                    "negative rights and groups are not supported: name an account or anyone");
        }
        Rows.Account account = ownerAccount(tx, identifier).orElseThrow(() -> new MailboxException(
                MailboxException.Reason.NOT_ALLOWED, "no account " + printable(identifier) + " here"));
        if (account.id() == r.ownerId()) {
            throw new MailboxException(MailboxException.Reason.NOT_ALLOWED,
                    "the owner of a mailbox always has every right");
        }
        return account.id();
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static MailboxException nonexistent(String name) {
        return new MailboxException(MailboxException.Reason.NONEXISTENT, "no mailbox named " + name);
    }

    private static MailboxException noPermission(String name, String doing) {
        return new MailboxException(MailboxException.Reason.NO_PERMISSION,
                "you may not " + doing + " (" + name + ")");
    }
}
