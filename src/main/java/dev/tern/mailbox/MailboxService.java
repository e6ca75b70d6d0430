package dev.tern.mailbox;

import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The only way into mail storage for local delivery, IMAP, POP3 and the admin tools. This class
 * owns mailboxes: delivery into them, their tree (create, delete, rename), subscriptions, LIST
 * and STATUS; {@link #messageService()} owns the messages inside; {@link #events()} tells who
 * listens what changed; {@link #maildropLocks()} keeps POP3 sessions apart.
 *
 * <p>Invariants (RFC 3501 §2.3.1.1, RFC 7162): within a mailbox UIDs strictly ascend and are never
 * reused while its UIDVALIDITY stays; every change takes a new, higher MODSEQ. Both are allocated
 * inside the transaction that stores the message. UIDVALIDITY values come from a per-account
 * counter that never goes back, so a mailbox re-created under an old name gets a new one.
 *
 * <p>A message's content is its header prefix (Return-Path, Delivered-To: written at final
 * delivery) followed by the shared blob the queue received, so that one message delivered to many
 * accounts is stored once.
 *
 * <p>Hierarchy: {@code /} separates levels. Creating {@code a/b/c} creates {@code a} and
 * {@code a/b} when missing. Deleting a mailbox that has children expunges its messages and keeps
 * it as \Noselect (RFC 3501 §6.3.4, as Dovecot does with its fs layout); deleting a \Noselect
 * mailbox that still has children is refused. Every method blocks on the store.
 */
public final class MailboxService {

    public static final String INBOX = MailboxNames.INBOX;

    /** Created for every new account: INBOX and the RFC 6154 special-use mailboxes. */
    private static final List<String[]> DEFAULT_MAILBOXES = List.of(
            new String[]{INBOX, null},
            new String[]{"Sent", "\\Sent"},
            new String[]{"Drafts", "\\Drafts"},
            new String[]{"Trash", "\\Trash"},
            new String[]{"Junk", "\\Junk"},
            new String[]{"Archive", "\\Archive"});

    static final String JUNK = "Junk";

    /**
     * The most messages one transaction removes when many go at once (EXPUNGE, DELETE of a mailbox,
     * deletion of an account): a few hundred keep each one to a fraction of a second of the store's
     * writer and its memory to a few hundred kilobytes.
     */
    public static final int MESSAGES_PER_TRANSACTION = 500;

    private static final Set<String> SPECIAL_USES = Set.of("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk",
            "\\Sent", "\\Trash");

    private final MetadataStore store;
    private final Contents contents;
    private final MailboxEvents events;
    private final MessageService messages;
    private final MaildropLocks maildropLocks;
    private final RecentClaims recentClaims;
    private final MailboxAccess access;
    private final MailboxAnnotations annotations;

    public MailboxService(MetadataStore store, BlobStore blobs) {
        this.store = store;
        this.events = new MailboxEvents(store.shared());
        this.maildropLocks = new MaildropLocks(store);
        this.contents = new Contents(store, blobs);
        this.messages = new MessageService(store, contents, events);
        this.recentClaims = new RecentClaims(store);
        this.access = new MailboxAccess(store, this);
        this.annotations = new MailboxAnnotations(store, access);
    }

    /** Mailboxes by the name a user gives them: their own, and other accounts' shared with them (RFC 4314). */
    public MailboxAccess access() {
        return access;
    }

    /** The METADATA entries (RFC 5464) clients keep on mailboxes and on the server. */
    public MailboxAnnotations annotations() {
        return annotations;
    }

    /**
     * Lets this node's sessions hear the changes other nodes make to the mailboxes (on a store
     * that several nodes share; otherwise nothing arrives). For the server, not the command line.
     */
    public AutoCloseable receiveEventsFromOtherNodes() {
        return events.receiveFrom(store);
    }

    /** Append, flags, expunge, copy, move, index and changes of the messages in mailboxes. */
    public MessageService messageService() {
        return messages;
    }

    public MailboxEvents events() {
        return events;
    }

    public MaildropLocks maildropLocks() {
        return maildropLocks;
    }

    /** Who sees which message as \Recent. */
    public RecentClaims recentClaims() {
        return recentClaims;
    }

    /** Hears of every message added to any mailbox, after its commit. */
    public MailboxEvents.Registration onNewMessage(Consumer<MailboxEvents.NewMessage> listener) {
        return events.listenAll(new MailboxEvents.Listener() {
            @Override
            public void added(MailboxEvents.NewMessage event) {
                listener.accept(event);
            }
        });
    }

    /** Creates INBOX, Sent, Drafts, Trash, Junk and Archive for a new account, all subscribed. */
    public static void createDefaultMailboxes(StoreTx tx, long accountId) {
        for (String[] m : DEFAULT_MAILBOXES) {
            tx.mailboxes().create(accountId, m[0], m[1], nextUidValidity(tx, accountId));
            tx.mailboxes().subscribe(accountId, m[0]);
        }
    }

    private static long nextUidValidity(StoreTx tx, long accountId) {
        // The clock as the floor keeps values apart from those of an account deleted and re-added.
        long now = Instant.now().getEpochSecond() & 0xFFFFFFFFL;
        return tx.mailboxes().takeUidValidity(accountId, Math.max(1, now));
    }

    // ---- delivery -------------------------------------------------------------------------------

    /**
     * Files a stored blob into an account's mailbox in the caller's transaction, taking one reference
     * on the blob. Listeners hear of it once the transaction commits.
     */
    public Rows.Message deliver(StoreTx tx, long accountId, String mailboxName, String blobId, long blobSize,
                                String headerPrefix, Instant internalDate) {
        return deliver(tx, accountId, mailboxName, blobId, blobSize, headerPrefix, internalDate, Flags.NONE);
    }

    /**
     * Files a stored blob as {@link #deliver(StoreTx, long, String, String, long, String, Instant)}
     * does, with flags already set: those a Sieve script gave the copy (RFC 5232). The mailbox's
     * counts take them in the same statement, so a copy filed \Seen is not counted unseen.
     */
    public Rows.Message deliver(StoreTx tx, long accountId, String mailboxName, String blobId, long blobSize,
                                String headerPrefix, Instant internalDate, Flags flags) {
        String normalized = MailboxNames.normalize(mailboxName);
        boolean shared = MailboxAccess.looksShared(normalized);
        // A Sieve fileinto naming another account's mailbox files there when this account may post
        // to it; otherwise INBOX. Such a name is never made as a mailbox of this account.
        Rows.Mailbox posted = shared ? postable(tx, accountId, normalized, blobSize) : null;
        String name = shared ? INBOX : normalized;
        Rows.Mailbox mailbox = posted != null ? posted : tx.mailboxes().mailbox(accountId, name)
                .orElseGet(() -> create(tx, accountId, name, null));
        if (!mailbox.selectable()) {
            // A parent that holds no messages: the mail goes to INBOX rather than nowhere.
            mailbox = tx.mailboxes().mailbox(accountId, INBOX).orElseGet(() -> create(tx, accountId, INBOX, null));
        }
        long size = headerPrefix.getBytes(StandardCharsets.UTF_8).length + blobSize;
        Rows.Message m = tx.mailboxes().append(mailbox.id(), blobId, headerPrefix, size, internalDate,
                flags.systemBits(), flags.keywordText());
        tx.blobs().addRefs(blobId, 1);
        contents.keepHeader(tx, blobId);
        messages.afterAppend(tx, mailbox, m);
        return m;
    }

    /**
     * A content written for delivery ahead of its transaction (a copy whose header a Sieve script
     * edited, RFC 5293): recorded with {@link #record(StoreTx, WrittenContent)} in the transaction
     * that files it, then filed by its id as a queued content is. One that never commits is
     * removed: at once when small (it is held in memory), by the orphan sweep otherwise.
     */
    public static final class WrittenContent {
        private final Contents.Written written;

        private WrittenContent(Contents.Written written) {
            this.written = written;
        }

        public String blobId() {
            return written.blobId();
        }

        public long size() {
            return written.size();
        }
    }

    /** Writes a new content for delivery; blocks (may write a file), so never on an event loop. */
    public WrittenContent write(InputStream content) throws IOException {
        return new WrittenContent(contents.write(content));
    }

    /**
     * Makes a written content known to the store in the caller's transaction, with no reference
     * yet: each {@link #deliver} of its id takes one. Once per transaction.
     */
    public void record(StoreTx tx, WrittenContent content) {
        content.written.record(tx);
    }

    /**
     * Another account's mailbox that delivery may file into for this one: the account has the
     * post right ({@code p}, RFC 4314) on it, it holds messages, and its owner's quota has room.
     * Null otherwise.
     */
    private Rows.Mailbox postable(StoreTx tx, long accountId, String name, long bytes) {
        MailboxAccess.Reached r;
        try {
            r = access.reach(tx, accountId, name);
        } catch (MailboxException e) {
            return null;
        }
        if (r.own() || !r.rights().has('p') || !r.mailbox().selectable()) {
            return null;
        }
        Long quota = tx.directory().account(r.ownerId()).map(Rows.Account::quotaBytes).orElse(null);
        return quota != null && usage(tx, r.ownerId()) + bytes > quota ? null : r.mailbox();
    }

    /**
     * Whether delivery for this account may file into another account's mailbox of this name
     * ({@code Shared/owner@domain/NAME}): what Sieve's {@code mailboxexists} says of such a name
     * (RFC 5490 §3.1: it exists and this account may put mail there, the post right {@code p}).
     * The owner's quota is not weighed: it may have room by the time mail comes.
     */
    public boolean mayPostToShared(long accountId, String name) {
        String normalized;
        try {
            normalized = MailboxNames.normalize(name);
        } catch (MailboxException e) {
            return false;
        }
        if (!MailboxAccess.looksShared(normalized)) {
            return false;
        }
        return store.read(tx -> {
            try {
                MailboxAccess.Reached r = access.reach(tx, accountId, normalized);
                return !r.own() && r.rights().has('p') && r.mailbox().selectable();
            } catch (MailboxException e) {
                return false;
            }
        });
    }

    /**
     * The name of the account's mailbox for junk mail: the one marked {@code \Junk} (RFC 6154),
     * whatever the user renamed it to, else {@code Junk} (created on delivery when missing).
     */
    public static String junkMailbox(StoreTx tx, long accountId) {
        return tx.mailboxes().mailboxes(accountId).stream()
                .filter(m -> "\\Junk".equals(m.specialUse()) && m.selectable())
                .map(Rows.Mailbox::name)
                .findFirst().orElse(JUNK);
    }

    // ---- reading --------------------------------------------------------------------------------

    public List<Rows.Mailbox> mailboxes(long accountId) {
        return store.read(tx -> tx.mailboxes().mailboxes(accountId));
    }

    /** A mailbox by name (INBOX in any case). */
    public Optional<Rows.Mailbox> mailbox(long accountId, String name) {
        return normalized(name).flatMap(n -> store.read(tx -> tx.mailboxes().mailbox(accountId, n)));
    }

    public List<Rows.Message> messages(long mailboxId) {
        return store.read(tx -> tx.mailboxes().messages(mailboxId));
    }

    /** A mailbox's message count, unseen, deleted and bytes, kept in its row (ADR 28). */
    public Rows.MailboxCounts counts(long mailboxId) {
        return store.read(tx -> tx.mailboxes().counts(mailboxId));
    }

    /**
     * The newest {@code limit} messages of a mailbox, by ascending UID, read back from its next
     * UID in widening UID ranges: a listing of a large mailbox reads only what it shows.
     */
    public List<Rows.Message> newest(Rows.Mailbox mailbox, int limit) {
        return store.read(tx -> {
            java.util.ArrayDeque<Rows.Message> found = new java.util.ArrayDeque<>();
            long last = mailbox.uidNext() - 1;
            long window = Math.max(limit, 1);
            while (found.size() < limit && last >= 1) {
                long first = Math.max(1, last - window + 1);
                List<Rows.Message> range = tx.mailboxes().messagesBetween(mailbox.id(), first, last);
                for (int i = range.size() - 1; i >= 0 && found.size() < limit; i--) {
                    found.addFirst(range.get(i));
                }
                last = first - 1;
                window = Math.min(window * 2, 1 << 20);
            }
            return List.copyOf(found);
        });
    }

    public Optional<Rows.Message> message(long accountId, String mailboxName, long uid) {
        return store.read(tx -> tx.mailboxes().mailbox(accountId, mailboxName)
                .flatMap(mb -> tx.mailboxes().message(mb.id(), uid)));
    }

    /** The full content of a message: its header prefix, then its blob. */
    public InputStream open(Rows.Message message) throws IOException {
        return contents.open(message.headerPrefix(), message.blobId());
    }

    /** The full content of an indexed message: its header prefix, then its blob. */
    public InputStream open(MessageEntry message) throws IOException {
        return contents.open(message.headerPrefix(), message.blobId());
    }

    /** A stored content, wherever it is kept: inline with the metadata, or in the blob store. */
    public InputStream openContent(String blobId) throws IOException {
        return contents.open(blobId);
    }

    /** The bytes an account's messages take, in all its mailboxes together: what its quota limits. One query. */
    public long usage(long accountId) {
        return store.read(tx -> tx.mailboxes().accountUsage(accountId));
    }

    /** The account's quota and its usage; empty when it has no quota. */
    public Optional<QuotaUsage> quota(long accountId) {
        return store.read(tx -> tx.directory().account(accountId).map(Rows.Account::quotaBytes)
                .map(limit -> new QuotaUsage(limit, usage(tx, accountId))));
    }

    /**
     * Whether {@code bytes} more fit in the account's quota: always when it has none (then without
     * a usage query), never when it is at or over it.
     */
    public boolean hasRoom(long accountId, long bytes) {
        return store.read(tx -> {
            Long quota = tx.directory().account(accountId).map(Rows.Account::quotaBytes).orElse(null);
            if (quota == null) {
                return true;
            }
            long used = usage(tx, accountId);
            return used < quota && used + bytes <= quota;
        });
    }

    /** {@link #usage(long)} in the caller's transaction. */
    public static long usage(StoreTx tx, long accountId) {
        return tx.mailboxes().accountUsage(accountId);
    }

    /**
     * STATUS (RFC 3501 §6.3.10) in three queries. RECENT counts the messages no session has
     * claimed yet: those the next session to select the mailbox will see as \Recent.
     */
    public MailboxStatus status(long mailboxId) {
        return status(mailboxId, false);
    }

    /**
     * @param withDeletedSize also read the octets of the messages flagged \Deleted (a read of those
     *                        messages; the other counts are kept in the mailbox's row)
     */
    public MailboxStatus status(long mailboxId, boolean withDeletedSize) {
        return store.read(tx -> status(tx, MessageService.mailbox(tx, mailboxId), withDeletedSize));
    }

    /**
     * The mailbox an account has under {@code name} and its status, in one read (STATUS):
     * empty when there is no such mailbox.
     *
     * @throws MailboxException NOT_ALLOWED when the mailbox holds no messages (\Noselect)
     */
    public Optional<NamedStatus> status(long accountId, String name, boolean withDeletedSize) {
        return normalized(name).flatMap(n -> store.read(tx -> tx.mailboxes().mailbox(accountId, n).map(m -> {
            if (!m.selectable()) {
                throw new MailboxException(MailboxException.Reason.NOT_ALLOWED, m.name() + " holds no messages");
            }
            return new NamedStatus(m.name(), status(tx, m, withDeletedSize));
        })));
    }

    /** A mailbox's status with its name as stored ({@code INBOX} for {@code inbox}). */
    public record NamedStatus(String name, MailboxStatus status) {
    }

    /** The stored form of a mailbox name, or empty when it cannot name a mailbox. */
    private static Optional<String> normalized(String name) {
        try {
            return Optional.of(MailboxNames.normalize(name));
        } catch (MailboxException e) {
            return Optional.empty();
        }
    }

    static MailboxStatus status(StoreTx tx, Rows.Mailbox m, boolean withDeletedSize) {
        long mailboxId = m.id();
        Rows.MailboxCounts c = tx.mailboxes().counts(mailboxId);
        long recent = m.firstUnclaimedUid() < m.uidNext() ? tx.mailboxes().countFrom(mailboxId, m.firstUnclaimedUid()) : 0;
        long deletedSize = !withDeletedSize ? -1 : c.deleted() == 0 ? 0 : tx.mailboxes().deletedSize(mailboxId);
        return new MailboxStatus(mailboxId, c.messages(), recent, c.unseen(), m.uidNext(), m.uidValidity(),
                m.highestModSeq(), c.size(), c.deleted(), deletedSize);
    }

    /**
     * LIST (RFC 3501 §6.3.8, RFC 5258 attributes): the account's mailboxes matching the pattern,
     * INBOX first, then by name.
     */
    public List<MailboxListing> list(long accountId, String pattern) {
        MailboxPattern p = MailboxPattern.compile(pattern);
        return store.read(tx -> {
            List<Rows.Mailbox> all = tx.mailboxes().mailboxes(accountId);
            Set<String> subscribed = new HashSet<>(tx.mailboxes().subscriptions(accountId));
            List<MailboxListing> out = new ArrayList<>();
            for (Rows.Mailbox m : all) {
                if (p.matches(m.name())) {
                    out.add(new MailboxListing(m.name(), true, m.selectable(), hasChildren(all, m.name()),
                            m.specialUse(), subscribed.contains(m.name())));
                }
            }
            return out;
        });
    }

    /** LSUB, LIST (SUBSCRIBED): subscriptions matching the pattern, existing mailboxes or not. */
    public List<MailboxListing> listSubscribed(long accountId, String pattern) {
        MailboxPattern p = MailboxPattern.compile(pattern);
        return store.read(tx -> {
            List<Rows.Mailbox> all = tx.mailboxes().mailboxes(accountId);
            List<MailboxListing> out = new ArrayList<>();
            for (String name : tx.mailboxes().subscriptions(accountId)) {
                if (!p.matches(name)) {
                    continue;
                }
                Optional<Rows.Mailbox> m = all.stream().filter(b -> b.name().equals(name)).findFirst();
                out.add(new MailboxListing(name, m.isPresent(), m.map(Rows.Mailbox::selectable).orElse(false),
                        hasChildren(all, name), m.map(Rows.Mailbox::specialUse).orElse(null), true));
            }
            return out;
        });
    }

    private static boolean hasChildren(List<Rows.Mailbox> all, String name) {
        return all.stream().anyMatch(b -> MailboxNames.isInferior(b.name(), name));
    }

    // ---- the tree -------------------------------------------------------------------------------

    /**
     * CREATE (RFC 3501 §6.3.3, RFC 6154 §5.3): creates the mailbox and any missing parent. A
     * \Noselect mailbox of that name becomes selectable again, with a new UIDVALIDITY.
     *
     * @param specialUse an RFC 6154 attribute such as {@code \Sent}, or null
     */
    public Rows.Mailbox create(long accountId, String name, String specialUse) {
        String normalized = MailboxNames.normalize(name);
        return store.writeAndWait(tx -> createChecked(tx, accountId, normalized, specialUse));
    }

    /** {@link #create(long, String, String)} of a normalized name in the caller's transaction. */
    Rows.Mailbox createChecked(StoreTx tx, long accountId, String normalized, String specialUse) {
        if (specialUse != null && !SPECIAL_USES.contains(specialUse)) {
            throw new MailboxException(MailboxException.Reason.NOT_ALLOWED, "unknown special use " + specialUse);
        }
        Optional<Rows.Mailbox> existing = tx.mailboxes().mailbox(accountId, normalized);
        if (existing.isPresent()) {
            if (existing.get().selectable()) {
                throw new MailboxException(MailboxException.Reason.ALREADY_EXISTS,
                        "mailbox " + normalized + " already exists");
            }
            // A \Noselect parent made a mailbox again: its old UIDs are gone, so a fresh start.
            tx.mailboxes().delete(existing.get().id());
        }
        return create(tx, accountId, normalized, specialUse);
    }

    private Rows.Mailbox create(StoreTx tx, long accountId, String name, String specialUse) {
        for (String parent : MailboxNames.parents(name)) {
            if (tx.mailboxes().mailbox(accountId, parent).isEmpty()) {
                tx.mailboxes().create(accountId, parent, null, nextUidValidity(tx, accountId));
            }
        }
        return tx.mailboxes().create(accountId, name, specialUse, nextUidValidity(tx, accountId));
    }

    /**
     * DELETE (RFC 3501 §6.3.4): expunges the mailbox's messages and removes it; with children it
     * stays as \Noselect. INBOX cannot be deleted; neither can a \Noselect mailbox with children.
     * Subscriptions stay (RFC 3501 §6.3.9). Returns the id of the mailbox deleted. The messages go
     * in pieces of {@link #MESSAGES_PER_TRANSACTION} first, the mailbox (with whatever arrived
     * meanwhile) in one last transaction.
     */
    public long delete(long accountId, String name) {
        String normalized = MailboxNames.normalize(name);
        if (MailboxNames.isInbox(normalized)) {
            throw new MailboxException(MailboxException.Reason.NOT_ALLOWED, "INBOX cannot be deleted");
        }
        long id = store.read(tx -> deletable(tx, accountId, normalized).mailbox().id());
        messages.removeAll(id);
        return store.writeAndWait(tx -> {
            Deletable d = deletable(tx, accountId, normalized);
            Rows.Mailbox m = d.mailbox();
            if (m.id() != id) {
                throw new MailboxException(MailboxException.Reason.NONEXISTENT,
                        "mailbox " + normalized + " was replaced while it was being deleted");
            }
            List<Long> uids = tx.mailboxes().messages(m.id()).stream().map(Rows.Message::uid).toList();
            messages.expunge(tx, m, uids);
            if (d.hasChildren()) {
                tx.mailboxes().setSelectable(m.id(), false);
            } else {
                tx.mailboxes().delete(m.id());
            }
            events.publish(tx, new MailboxEvents.MailboxRemoved(accountId, m.id()));
            return m.id();
        });
    }

    private record Deletable(Rows.Mailbox mailbox, boolean hasChildren) {
    }

    /** The mailbox DELETE would remove, or why it may not. */
    private static Deletable deletable(StoreTx tx, long accountId, String name) {
        Rows.Mailbox m = existing(tx, accountId, name);
        boolean children = hasChildren(tx.mailboxes().mailboxes(accountId), name);
        if (children && !m.selectable()) {
            throw new MailboxException(MailboxException.Reason.HAS_CHILDREN,
                    "mailbox " + name + " has children and holds no messages; delete them first");
        }
        return new Deletable(m, children);
    }

    /**
     * RENAME (RFC 3501 §6.3.5): the mailbox and its children take the new name, keeping their
     * UIDVALIDITY and UIDs; missing parents of the new name are created. Renaming INBOX moves its
     * messages into a new mailbox of that name and leaves INBOX empty, its children where they are.
     */
    public void rename(long accountId, String from, String to) {
        String source = MailboxNames.normalize(from);
        String target = MailboxNames.normalize(to);
        store.writeAndWait(tx -> {
            Rows.Mailbox m = existing(tx, accountId, source);
            if (tx.mailboxes().mailbox(accountId, target).isPresent()) {
                throw new MailboxException(MailboxException.Reason.ALREADY_EXISTS,
                        "mailbox " + target + " already exists");
            }
            if (MailboxNames.isInbox(target) || MailboxNames.isInferior(target, source)) {
                throw new MailboxException(MailboxException.Reason.NOT_ALLOWED,
                        "cannot rename " + source + " to " + target);
            }
            if (MailboxNames.isInbox(source)) {
                Rows.Mailbox created = create(tx, accountId, target, null);
                List<Long> uids = tx.mailboxes().messages(m.id()).stream().map(Rows.Message::uid).toList();
                messages.move(tx, m, uids, created);
                return null;
            }
            List<Rows.Mailbox> all = tx.mailboxes().mailboxes(accountId);
            for (String parent : MailboxNames.parents(target)) {
                if (tx.mailboxes().mailbox(accountId, parent).isEmpty()) {
                    tx.mailboxes().create(accountId, parent, null, nextUidValidity(tx, accountId));
                }
            }
            tx.mailboxes().rename(m.id(), target);
            for (Rows.Mailbox child : all) {
                if (MailboxNames.isInferior(child.name(), source)) {
                    tx.mailboxes().rename(child.id(), target + child.name().substring(source.length()));
                }
            }
            return null;
        });
    }

    /** SUBSCRIBE (RFC 3501 §6.3.6); the mailbox need not exist. False when already subscribed. */
    public boolean subscribe(long accountId, String name) {
        String normalized = MailboxNames.normalize(name);
        return store.writeAndWait(tx -> tx.mailboxes().subscribe(accountId, normalized));
    }

    /** UNSUBSCRIBE (RFC 3501 §6.3.7). False when there was no such subscription. */
    public boolean unsubscribe(long accountId, String name) {
        String normalized = MailboxNames.normalize(name);
        return store.writeAndWait(tx -> tx.mailboxes().unsubscribe(accountId, normalized));
    }

    private static Rows.Mailbox existing(StoreTx tx, long accountId, String name) {
        return tx.mailboxes().mailbox(accountId, name).orElseThrow(() ->
                new MailboxException(MailboxException.Reason.NONEXISTENT, "no mailbox named " + name));
    }

    // ---- accounts -------------------------------------------------------------------------------

    /**
     * Removes an account's messages in transactions of {@link #MESSAGES_PER_TRANSACTION} each,
     * before {@link #deleteAll} removes the rest with the account: deleting a large account in one
     * transaction would hold the store's writer, and every session waiting on it, for as long as it
     * runs (docs/adr/0026). Records no expunges and tells no session: the account is going away.
     */
    public void deleteMessagesInPieces(long accountId) {
        store.writeInPiecesAndWait(MESSAGES_PER_TRANSACTION, tx -> {
            List<String> blobs = tx.mailboxes().deleteMessages(accountId, MESSAGES_PER_TRANSACTION);
            for (String blobId : blobs) {
                releaseBlob(tx, blobId);
            }
            return blobs.size();
        });
    }

    /** Removes every mailbox and message of an account, in the caller's transaction. */
    public void deleteAll(StoreTx tx, long accountId) {
        for (String blobId : tx.mailboxes().deleteAll(accountId)) {
            releaseBlob(tx, blobId);
        }
    }

    /** Drops one reference to a blob, deleting its content after commit when it was the last. */
    public void releaseBlob(StoreTx tx, String blobId) {
        contents.release(tx, blobId);
    }
}
