package dev.tern.delivery;

import dev.tern.directory.Account;
import dev.tern.directory.Directory;
import dev.tern.directory.Resolution;
import dev.tern.forwarding.Forwarding;
import dev.tern.mail.MailAddress;
import dev.tern.mailbox.MailboxService;
import dev.tern.queue.ImmediateDelivery;
import dev.tern.queue.MailQueue;
import dev.tern.queue.RetryPolicy;
import dev.tern.sieve.SieveOutcome;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;
import dev.tern.tracking.DeliveryTracker;
import dev.tern.tracking.Relay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Delivers queued messages to local accounts: resolves each recipient (aliases, plus addressing,
 * catch-all) and files the message into each account's INBOX, or its Junk mailbox when the
 * receiving checks quarantined it. The header prefix of each copy is Return-Path, Delivered-To and
 * the trace fields written at reception (Authentication-Results), before the queued content; a
 * copy whose header a Sieve script edited has the fields it put on top in its prefix too, or a
 * content of its own ({@link SieveDelivery.EditedCopy}).
 *
 * <p>Exactly once: the mailbox rows, the recipients' new state (and its delivery event) and the
 * removal of a finished queue entry are written in one transaction, so a crash before the commit
 * leaves the recipient waiting with nothing delivered, and a crash after it leaves it delivered,
 * with nothing to redo. An account that several recipients of one message lead to (two aliases,
 * say) gets one copy.
 *
 * <p>Mail for local accounts is usually delivered before it ever reaches the queue runner, in the
 * transaction that enqueues it ({@link #deliverNow}); the runner path ({@link #deliver}) takes
 * what could not be: a retry after a failure, a recipient that wants a success notification, or
 * one whose account has an active Sieve script, which runs there ({@link SieveDelivery}), off the
 * store's writer, and decides which mailboxes get a copy and what else is sent. A recipient that
 * leads to addresses of other domains (an alias target elsewhere, a rewritten sender address) is
 * taken there too: its copy for them is queued ({@link Forwarding}) in the same transaction.
 */
public final class LocalDeliveryAgent implements ImmediateDelivery {

    private static final Logger log = LoggerFactory.getLogger("dev.tern.delivery");

    private final MetadataStore store;
    private final Directory directory;
    private final MailboxService mailboxes;
    private final RetryPolicy retry;
    private final Executor storageExecutor;
    private final OutcomeRecorder recorder;
    private final DeliveryTracker tracker;
    private final SieveDelivery sieve;
    private final Forwarding forwarding;

    /** An agent that records failures without notifying senders (tests of delivery alone). */
    /** The plus-addressing separator when mail for {@code user+detail} goes into the mailbox {@code detail}; 0: it does not. */
    private char detailDelimiter;

    public LocalDeliveryAgent(MetadataStore store, Directory directory, MailboxService mailboxes, RetryPolicy retry,
                              Executor storageExecutor) {
        this(store, directory, mailboxes, retry, storageExecutor, null);
    }

    /** @param recorder stores outcomes and sends the delivery status notifications they call for */
    public LocalDeliveryAgent(MetadataStore store, Directory directory, MailboxService mailboxes, RetryPolicy retry,
                              Executor storageExecutor, OutcomeRecorder recorder) {
        this(store, directory, mailboxes, retry, storageExecutor, recorder, null);
    }

    /** @param sieve runs the accounts' Sieve scripts; null to deliver to every account as if it had none */
    public LocalDeliveryAgent(MetadataStore store, Directory directory, MailboxService mailboxes, RetryPolicy retry,
                              Executor storageExecutor, OutcomeRecorder recorder, SieveDelivery sieve) {
        this(store, directory, mailboxes, retry, storageExecutor, recorder, sieve, null);
    }

    /** @param forwarding makes the copies for addresses of other domains; null to leave them waiting */
    public LocalDeliveryAgent(MetadataStore store, Directory directory, MailboxService mailboxes, RetryPolicy retry,
                              Executor storageExecutor, OutcomeRecorder recorder, SieveDelivery sieve,
                              Forwarding forwarding) {
        this.store = store;
        this.forwarding = forwarding;
        this.sieve = sieve;
        this.directory = directory;
        this.mailboxes = mailboxes;
        this.retry = retry;
        this.storageExecutor = storageExecutor;
        this.recorder = recorder;
        this.tracker = recorder != null ? recorder.tracker() : new DeliveryTracker(java.time.Clock.systemUTC());
    }

    /** The status of a recipient whose accounts have no room for the message: deferred, bounced once it expires. */
    static final String MAILBOX_FULL = "4.2.2 mailbox full";
    /** The status of a recipient forwarded elsewhere by an agent that cannot forward (tests of delivery alone). */
    static final String NO_FORWARDING = "4.3.5 forwarding is not available";

    /**
     * @param deferral non-null: leave the recipient waiting for this reason (its accounts are over quota)
     * @param plans    what the Sieve scripts of its filtered accounts decided, by account id
     * @param forward  the copy for the addresses elsewhere it leads to, or null
     * @param notes    what else to log about it
     */
    private record Decision(Rows.QueueRecipient recipient, List<Account> accounts, String failure, String deferral,
                            Map<Long, SieveDelivery.Plan> plans, MailQueue.GeneratedMessage forward,
                            List<String> notes) {
        Decision(Rows.QueueRecipient recipient, List<Account> accounts, String failure) {
            this(recipient, accounts, failure, null, Map.of(), null, List.of());
        }

        Decision(Rows.QueueRecipient recipient, List<Account> accounts, String failure, String deferral,
                 Map<Long, SieveDelivery.Plan> plans) {
            this(recipient, accounts, failure, deferral, plans, null, List.of());
        }
    }

    /** The copy a recipient's forwards get (null when none), and why not when it gets none. */
    private record ForwardCopy(MailQueue.GeneratedMessage copy, String note) {
    }

    /** Delivers the given waiting recipients of one message. The future completes when the outcome is stored. */
    public CompletableFuture<Void> deliver(Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients) {
        Instant started = Instant.now();
        if (recorder != null) {
            return deliverAndNotify(message, recipients);
        }
        return CompletableFuture.supplyAsync(() -> decide(message, recipients), storageExecutor)
                .thenCompose(decisions -> store.write(tx -> apply(tx, message, decisions))
                        .thenCompose(results -> deferFull(message, decisions).thenApply(v -> results)))
                .handle((results, failure) -> {
                    if (failure == null) {
                        results.forEach(r -> logResult(message, r, started));
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    log.warn("{}: local delivery failed, will retry: {}", message.id(), rootMessage(failure));
                    return deferAll(message, recipients, "4.3.0 temporary local failure: " + rootMessage(failure),
                            null);
                })
                .thenCompose(f -> f);
    }

    @Override
    public List<Rows.NewRecipient> deliverNow(StoreTx tx, Rows.QueuedMessage message,
                                              List<Rows.NewRecipient> recipients) {
        Instant now = Instant.now();
        Set<Long> deliveredTo = new HashSet<>();
        List<Rows.NewRecipient> left = new ArrayList<>();
        List<String[]> delivered = new ArrayList<>();
        Map<Long, Long> usage = new HashMap<>();
        for (Rows.NewRecipient r : recipients) {
            List<Account> accounts = immediateAccounts(tx, r);
            if (accounts != null && sieve != null && accounts.stream().anyMatch(Account::filtered)) {
                accounts = null;   // a script decides: it runs in the queue runner, off this writer
            }
            if (accounts != null) {
                accounts = withRoom(accounts, message.size(), id -> MailboxService.usage(tx, id), usage, deliveredTo,
                        tx::afterCommit);
            }
            if (accounts == null || accounts.isEmpty()) {
                left.add(r);    // the queue takes it: unknown here, or its accounts are full (deferred there)
                continue;
            }
            String detail = place(tx, message, r.address(), accounts, deliveredTo, now, Map.of());
            tracker.delivered(tx, message, r.address(), null, "2.0.0", detail);
            delivered.add(new String[]{r.address(), detail});
        }
        if (!delivered.isEmpty()) {
            tx.afterCommit(() -> delivered.forEach(d -> logLine(message, d[0], "sent", d[1])));
        }
        return left;
    }

    /** The accounts a new recipient is delivered to at once, or null when the queue must take it. */
    private List<Account> immediateAccounts(StoreTx tx, Rows.NewRecipient r) {
        if (r.dsnNotify() != null && r.dsnNotify().contains("SUCCESS")) {
            return null;   // the runner sends the success notification
        }
        List<Account> accepted = acceptedAccounts(tx, r.localAccounts());
        if (accepted != null) {
            return accepted;
        }
        MailAddress address;
        try {
            address = MailAddress.parse(r.address());
        } catch (IllegalArgumentException e) {
            return null;
        }
        // forwarded mail leaves through the runner, which makes the copy off this writer
        return directory.resolve(tx, address) instanceof Resolution.Local local && !local.forwarded()
                ? local.accounts() : null;
    }

    /**
     * The accounts a recipient led to when it was accepted (RCPT), read again in this transaction:
     * null when they were not given, or when one of them has been deleted or disabled since (the
     * recipient is then resolved again, as if nothing had been given). One lookup by key per
     * account instead of the domain, alias and account lookups of a resolution (docs/adr/0023).
     */
    private static List<Account> acceptedAccounts(StoreTx tx, List<Long> ids) {
        if (ids == null || ids.isEmpty()) {
            return null;
        }
        List<Account> accounts = new ArrayList<>(ids.size());
        for (long id : ids) {
            Rows.Account row = tx.directory().account(id).orElse(null);
            if (row == null || !row.enabled()) {
                return null;
            }
            accounts.add(new Account(row.id(), row.address(), row.display(), row.enabled(), row.quotaBytes(),
                    row.sieveActive()));
        }
        return accounts;
    }

    /**
     * Files mail for {@code user+detail@domain} into the account's mailbox named {@code detail}
     * (Dovecot's {@code lmtp_save_to_detail_mailbox}): the place of the implicit keep, with or
     * without a Sieve script. Only a mailbox the account has, holding messages and without a
     * special use, and named in any case; otherwise INBOX. Quarantined mail still goes to Junk.
     *
     * @param recipientDelimiter the plus-addressing separator; "" leaves every message in INBOX
     */
    public LocalDeliveryAgent savingToDetailMailboxes(String recipientDelimiter) {
        this.detailDelimiter = recipientDelimiter.isEmpty() ? 0 : recipientDelimiter.charAt(0);
        return this;
    }

    /** The mailbox a recipient's detail names for an account, if mail goes there (see {@link #savingToDetailMailboxes}). */
    private String detailMailbox(StoreTx tx, Account a, String recipient) {
        if (detailDelimiter == 0 || recipient == null || recipient.indexOf(detailDelimiter) < 0) {
            return null;
        }
        MailAddress address;
        try {
            address = MailAddress.parse(recipient);
        } catch (IllegalArgumentException e) {
            return null;
        }
        MailAddress base = address.withoutTag(detailDelimiter);
        if (base == address || !base.key().equals(a.address())) {
            return null;     // no detail, or an alias's or another address's: its own account decides
        }
        String detail = address.localPart().substring(base.localPart().length() + 1);
        if (detail.isEmpty()) {
            return null;
        }
        Rows.Mailbox found = null;
        for (Rows.Mailbox m : tx.mailboxes().mailboxes(a.id())) {
            if (m.selectable() && m.specialUse() == null && m.name().equalsIgnoreCase(detail)
                    && (found == null || m.name().equals(detail))) {
                found = m;
            }
        }
        return found == null ? null : found.name();
    }

    /**
     * Files a recipient's copies and queues its forwarded copy, in the caller's transaction; returns
     * the detail for the log.
     */
    private String deliver(StoreTx tx, Rows.QueuedMessage message, Decision d, Set<Long> deliveredTo, Instant now) {
        List<String> parts = new ArrayList<>();
        if (!d.accounts().isEmpty() || d.forward() == null) {
            parts.add(place(tx, message, d.recipient().address(), d.accounts(), deliveredTo, now, d.plans()));
        }
        if (d.forward() != null) {
            parts.add(forwarding.send(tx, d.forward()));
        }
        parts.addAll(d.notes());
        return String.join("; ", parts);
    }

    /**
     * Files one copy per account not yet served for this message, in the caller's transaction;
     * returns the detail for the log.
     */
    private String place(StoreTx tx, Rows.QueuedMessage message, String recipient, List<Account> accounts,
                         Set<Long> deliveredTo, Instant now, Map<Long, SieveDelivery.Plan> plans) {
        String returnPath = message.sender() == null ? "<>" : "<" + message.sender() + ">";
        List<String> placed = new ArrayList<>();
        List<String> filtered = new ArrayList<>();
        for (Account a : accounts) {
            if (!deliveredTo.add(a.id())) {
                continue;
            }
            SieveDelivery.Plan plan = plans.get(a.id());
            List<SieveOutcome.Copy> targets = plan == null ? List.of(SieveOutcome.Copy.KEEP) : plan.mailboxes();
            String prefix = "Return-Path: " + returnPath + "\r\nDelivered-To: " + a.display() + "\r\n"
                    + (message.traceFields() == null ? "" : message.traceFields());
            // One copy per mailbox (RFC 5228 §2.10.3): "keep" and "fileinto INBOX" name the same one,
            // with the flags of both and the header of the first.
            Map<String, dev.tern.mailbox.Flags> copies = new java.util.LinkedHashMap<>();
            Map<String, SieveDelivery.EditedCopy> edited = new HashMap<>();
            String keep = message.quarantined() ? MailboxService.junkMailbox(tx, a.id()) : null;
            if (keep == null) {
                String detail = detailMailbox(tx, a, recipient);
                keep = detail != null ? detail : MailboxService.INBOX;
            }
            for (SieveOutcome.Copy target : targets) {
                String mailbox = target.mailbox() != null ? target.mailbox() : keep;
                if (!copies.containsKey(mailbox) && target.header() != null) {
                    edited.put(mailbox, plan.edited().get(target.header()));
                }
                copies.merge(mailbox, target.flags(), dev.tern.mailbox.Flags::plus);
            }
            Set<String> recorded = new HashSet<>();
            for (Map.Entry<String, dev.tern.mailbox.Flags> copy : copies.entrySet()) {
                SieveDelivery.EditedCopy e = edited.get(copy.getKey());
                Rows.Message m;
                if (e == null) {
                    m = mailboxes.deliver(tx, a.id(), copy.getKey(), message.blobId(), message.size(), prefix, now,
                            copy.getValue());
                } else if (e.prepended() != null) {
                    // fields put on top only: the shared content, with them in the prefix
                    String withFields = "Return-Path: " + returnPath + "\r\nDelivered-To: " + a.display() + "\r\n"
                            + e.prepended() + (message.traceFields() == null ? "" : message.traceFields());
                    m = mailboxes.deliver(tx, a.id(), copy.getKey(), message.blobId(), message.size(), withFields,
                            now, copy.getValue());
                } else {
                    // a content of its own, holding the trace fields as the script left them
                    if (recorded.add(e.content().blobId())) {
                        mailboxes.record(tx, e.content());
                    }
                    m = mailboxes.deliver(tx, a.id(), copy.getKey(), e.content().blobId(), e.content().size(),
                            "Return-Path: " + returnPath + "\r\nDelivered-To: " + a.display() + "\r\n", now,
                            copy.getValue());
                }
                placed.add(a.address() + " " + copy.getKey() + " uid=" + m.uid());
            }
            if (plan != null) {
                List<String> sieveNotes = new ArrayList<>(plan.notes());
                sieveNotes.addAll(sieve.send(tx, plan, now));
                filtered.add(a.address() + ": sieve " + plan.outcome().summary()
                        + (sieveNotes.isEmpty() ? "" : "; " + String.join("; ", sieveNotes)));
            }
        }
        String detail = placed.isEmpty() ? (filtered.isEmpty() ? "duplicate of a recipient already delivered"
                : "no copy kept") : "delivered to " + String.join(", ", placed);
        return filtered.isEmpty() ? detail : detail + " (" + String.join("; ", filtered) + ")";
    }

    /**
     * Leaves recipients waiting in the queue, to be tried again on the retry schedule: for mail
     * that this agent must not deliver (another domain's, until outbound delivery takes it).
     */
    public CompletableFuture<Void> defer(Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients,
                                         String reason) {
        long delay = Duration.between(message.receivedAt(), Instant.now()).toMillis();
        for (Rows.QueueRecipient r : recipients) {
            log.info("{}: to=<{}>, relay=none, delay={}, status=deferred ({})", message.id(), r.address(),
                    seconds(delay), reason);
        }
        return deferAll(message, recipients, reason, Relay.none());
    }

    /**
     * Delivery with notifications: the report about failed recipients (or delivered ones that
     * asked for it) is written first, then the mailbox copies, the recipients' state and the
     * report enter the store in one transaction.
     */
    private CompletableFuture<Void> deliverAndNotify(Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients) {
        return CompletableFuture.supplyAsync(() -> {
            List<Decision> decisions = decide(message, recipients);
            List<RecipientOutcome> outcomes = new ArrayList<>();
            for (Decision d : decisions) {
                if (d.deferral() != null) {
                    // left waiting on the retry schedule; expired (with its report) when it runs out
                    outcomes.add(RecipientOutcome.deferred(d.recipient(), statusOf(d.deferral()),
                            d.deferral(), null));
                    continue;
                }
                if (d.failure() == null && d.forward() != null) {
                    outcomes.add(RecipientOutcome.forwarded(d.recipient(),
                            !d.accounts().isEmpty() || d.forward().envelope().recipients().size() > 1));
                } else if (d.failure() == null) {
                    outcomes.add(new RecipientOutcome(d.recipient(), RecipientOutcome.Kind.DELIVERED, "2.0.0",
                            "delivered to a local mailbox", null, false));
                } else {
                    String status = d.failure().substring(0, d.failure().indexOf(' '));
                    outcomes.add(RecipientOutcome.failed(d.recipient(), status,
                            d.failure().substring(status.length() + 1), null));
                }
            }
            return java.util.Map.entry(decisions, recorder.prepare(message, outcomes));
        }, storageExecutor).thenCompose(planned -> store.write(tx -> {
            Instant now = Instant.now();
            Set<Long> deliveredTo = new HashSet<>();
            List<String[]> lines = new ArrayList<>();
            Map<Long, String> placements = new HashMap<>();
            for (Decision d : planned.getKey()) {
                if (d.deferral() != null) {
                    lines.add(new String[]{d.recipient().address(), "deferred", d.deferral()});
                    continue;
                }
                boolean waiting = tx.queue().recipient(d.recipient().id())
                        .map(r -> Rows.QueueRecipient.isWaiting(r.state())).orElse(false);
                if (!waiting) {
                    continue;
                }
                String detail = d.failure() != null ? d.failure() : deliver(tx, message, d, deliveredTo, now);
                countRejects(tx, d);
                if (d.failure() == null) {
                    placements.put(d.recipient().id(), detail);
                }
                lines.add(new String[]{d.recipient().address(), d.failure() != null ? "bounced" : "sent", detail});
            }
            recorder.apply(tx, planned.getValue(), placements);
            tx.afterCommit(() -> lines.forEach(l -> logLine(message, l[0], l[1], l[2])));
            return null;
        })).handle((v, failure) -> {
            if (failure == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            log.warn("{}: local delivery failed, will retry: {}", message.id(), rootMessage(failure));
            return deferAll(message, recipients, "4.3.0 temporary local failure: " + rootMessage(failure), null);
        }).thenCompose(f -> f);
    }

    private List<Decision> decide(Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients) {
        List<Decision> out = new ArrayList<>(recipients.size());
        Map<Long, Long> usage = new HashMap<>();
        Set<Long> served = new HashSet<>();
        Set<MailAddress> forwardedTo = new HashSet<>();
        for (Rows.QueueRecipient r : recipients) {
            MailAddress address;
            try {
                address = MailAddress.parse(r.address());
            } catch (IllegalArgumentException e) {
                out.add(new Decision(r, List.of(), "5.1.3 bad recipient address syntax"));
                continue;
            }
            Resolution res = directory.resolve(address);
            if (res instanceof Resolution.Local local && local.forwarded()) {
                out.add(forwarded(message, r, local, usage, served, forwardedTo));
            } else if (res instanceof Resolution.Local local) {
                List<Account> room = withRoom(local.accounts(), message.size(), mailboxes::usage, usage, served,
                        Runnable::run);
                List<Account> fresh = room.stream().filter(a -> !served.contains(a.id())).toList();
                room.forEach(a -> served.add(a.id()));
                out.add(room.isEmpty()
                        ? new Decision(r, List.of(), null, MAILBOX_FULL, Map.of())
                        : filter(message, r, room, fresh));
            } else if (res instanceof Resolution.Unknown) {
                out.add(new Decision(r, List.of(), "5.1.1 no such user here"));
            } else {
                out.add(new Decision(r, List.of(), "5.1.2 not a local domain and no route for it"));
            }
        }
        return out;
    }

    /**
     * The decision for a recipient that leads to addresses of other domains (and perhaps to local
     * accounts too): a copy for those addresses not yet served by another recipient of the message,
     * unless the message has been through this address before (a forwarding loop), and the
     * accounts' copies as for any recipient. Accounts without room miss their copy rather than
     * hold the forward back: a retry would forward it twice.
     */
    private Decision forwarded(Rows.QueuedMessage message, Rows.QueueRecipient r, Resolution.Local local,
                               Map<Long, Long> usage, Set<Long> served, Set<MailAddress> forwardedTo) {
        if (forwarding == null) {
            return new Decision(r, List.of(), null, NO_FORWARDING, Map.of());
        }
        List<MailAddress> targets = local.forwards().stream().filter(forwardedTo::add).toList();
        ForwardCopy copy = forwardCopy(message, r, targets);
        List<Account> room = withRoom(local.accounts(), message.size(), mailboxes::usage, usage, served, Runnable::run);
        List<Account> fresh = room.stream().filter(a -> !served.contains(a.id())).toList();
        room.forEach(a -> served.add(a.id()));
        List<String> notes = copy.note() == null ? List.of() : List.of(copy.note());
        if (room.isEmpty()) {
            if (copy.copy() == null && local.accounts().isEmpty() && !targets.isEmpty()) {
                return new Decision(r, List.of(), "5.4.6 mail forwarding loop for " + r.address());
            }
            return new Decision(r, List.of(), null, null, Map.of(), copy.copy(), notes);
        }
        Decision d = filter(message, r, room, fresh);
        if (d.failure() != null) {
            // every account's script refused it: they get no copy, the addresses elsewhere theirs
            return new Decision(r, List.of(), null, null, d.plans(), copy.copy(), notes);
        }
        return new Decision(r, d.accounts(), null, null, d.plans(), copy.copy(), notes);
    }

    private ForwardCopy forwardCopy(Rows.QueuedMessage message, Rows.QueueRecipient r, List<MailAddress> targets) {
        if (targets.isEmpty()) {
            return new ForwardCopy(null, null);   // another recipient of the message forwards to them
        }
        try {
            if (forwarding.cameThrough(message, List.of(r.address()))) {
                return new ForwardCopy(null, "not forwarded: the message has been through " + r.address()
                        + " before (mail forwarding loop)");
            }
            return new ForwardCopy(forwarding.prepare(message, MailAddress.parse(r.address()), targets), null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);   // the content could not be read: retried later
        }
    }

    /**
     * The decision for a recipient whose accounts have room, once the Sieve scripts of those that
     * have one (and get their copy through this recipient: {@code fresh}) have run. The recipient
     * is refused only when every account refuses the message; otherwise the refusing accounts get
     * no copy and the others theirs.
     */
    private Decision filter(Rows.QueuedMessage message, Rows.QueueRecipient r, List<Account> room,
                            List<Account> fresh) {
        if (sieve == null || fresh.stream().noneMatch(Account::filtered)) {
            return new Decision(r, room, null);
        }
        Map<Long, SieveDelivery.Plan> plans = new HashMap<>();
        for (Account a : fresh) {
            if (a.filtered()) {
                try {
                    plans.put(a.id(), sieve.plan(message, r.address(), a));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);   // the content could not be read: retried later
                }
            }
        }
        List<SieveDelivery.Plan> rejecting = plans.values().stream().filter(SieveDelivery.Plan::rejects).toList();
        if (!rejecting.isEmpty() && rejecting.size() == room.size()) {
            String reason = rejecting.get(0).outcome().reject().replaceAll("[\\x00-\\x1f\\x7f]+", " ").strip();
            return new Decision(r, List.of(), "5.7.1 rejected by the recipient's mail filter"
                    + (reason.isEmpty() ? "" : ": " + (reason.length() > 200 ? reason.substring(0, 200) : reason)),
                    null, plans);
        }
        List<Account> kept = room.stream().filter(a -> plans.get(a.id()) == null || !plans.get(a.id()).rejects()).toList();
        return new Decision(r, kept, null, null, plans);
    }

    /** Counts the refusals of the accounts whose scripts rejected the message, with the transaction. */
    private void countRejects(StoreTx tx, Decision d) {
        if (sieve != null && !d.plans().isEmpty()) {
            sieve.rejected(tx, d.plans().values());
        }
    }

    /**
     * The accounts among {@code accounts} that have room for a message of {@code size} bytes, reading
     * each quota'd account's usage once ({@code usage} remembers it, and grows with the copies
     * planned here). An account already in {@code served} is kept: it gets no second copy anyway.
     * A recipient that leads to several accounts is delivered to those with room; the others'
     * copies are left out, and logged through {@code logWhen}: after the commit when this runs in
     * a transaction, which may be run again or rolled back.
     */
    private List<Account> withRoom(List<Account> accounts, long size, java.util.function.LongUnaryOperator usageOf,
                                   Map<Long, Long> usage, Set<Long> served,
                                   java.util.function.Consumer<Runnable> logWhen) {
        List<Account> room = new ArrayList<>(accounts.size());
        List<String> full = new ArrayList<>();
        for (Account a : accounts) {
            if (a.quotaBytes() == null || served.contains(a.id())) {
                room.add(a);
                continue;
            }
            long used = usage.computeIfAbsent(a.id(), usageOf::applyAsLong);
            if (a.fits(used, size)) {
                usage.put(a.id(), used + size);
                room.add(a);
            } else {
                full.add(a.address());
            }
        }
        if (!full.isEmpty() && !room.isEmpty()) {
            logWhen.accept(() -> log.warn("over quota, no copy for {} (delivered to the other accounts of the address)",
                    full));
        }
        return room;
    }

    /**
     * Leaves the recipients that cannot be served now (their accounts are full) waiting, on the
     * retry schedule like any deferral.
     */
    private CompletableFuture<Void> deferFull(Rows.QueuedMessage message, List<Decision> decisions) {
        Map<String, List<Rows.QueueRecipient>> byReason = new java.util.LinkedHashMap<>();
        decisions.stream().filter(d -> d.deferral() != null)
                .forEach(d -> byReason.computeIfAbsent(d.deferral(), k -> new ArrayList<>()).add(d.recipient()));
        long delay = Duration.between(message.receivedAt(), Instant.now()).toMillis();
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (Map.Entry<String, List<Rows.QueueRecipient>> e : byReason.entrySet()) {
            for (Rows.QueueRecipient r : e.getValue()) {
                log.info("{}: to=<{}>, relay=local, delay={}, status=deferred ({})", message.id(), r.address(),
                        seconds(delay), e.getKey());
            }
            all = all.thenCompose(v -> deferAll(message, e.getValue(), e.getKey(), null));
        }
        return all;
    }

    private record Result(Rows.QueueRecipient recipient, DeliveryOutcome outcome, String detail) {
    }

    private List<Result> apply(StoreTx tx, Rows.QueuedMessage message, List<Decision> decisions) {
        Instant now = Instant.now();
        Set<Long> deliveredTo = new HashSet<>();
        List<Result> results = new ArrayList<>();
        for (Decision d : decisions) {
            if (d.deferral() != null) {
                continue;   // left waiting: deferFull
            }
            if (d.failure() != null) {
                if (tx.queue().finish(d.recipient().id(), "bounced", d.failure(), now)) {
                    tracker.bounced(tx, message, d.recipient().address(), null, statusOf(d.failure()), d.failure());
                    results.add(new Result(d.recipient(), DeliveryOutcome.FAILED, d.failure()));
                    countRejects(tx, d);
                }
                continue;
            }
            if (!tx.queue().finish(d.recipient().id(), "delivered", "delivered", now)) {
                continue;   // deleted from the queue meanwhile
            }
            String detail = deliver(tx, message, d, deliveredTo, now);
            countRejects(tx, d);
            tracker.delivered(tx, message, d.recipient().address(), null, "2.0.0", detail);
            results.add(new Result(d.recipient(), DeliveryOutcome.DELIVERED, detail));
        }
        // Released only by the transaction that removed the message: a second run with stale
        // recipients (after a lease expired) must not release the content twice.
        if (tx.queue().waiting(message.id()) == 0 && tx.queue().delete(message.id())) {
            mailboxes.releaseBlob(tx, message.blobId());
        }
        return results;
    }

    /**
     * Leaves recipients waiting for another attempt, or expires them.
     *
     * @param relay null for a local failure; {@link Relay#none()} for remote mail that was not tried
     */
    private CompletableFuture<Void> deferAll(Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients,
                                             String reason, Relay relay) {
        Instant now = Instant.now();
        return store.<Void>write(tx -> {
            for (Rows.QueueRecipient r : recipients) {
                if (retry.expired(message.receivedAt(), now)) {
                    if (tx.queue().finish(r.id(), "expired", reason, now)) {
                        tracker.expired(tx, message, r.address(), relay, "4.4.7", reason);
                    }
                } else {
                    Instant next = retry.nextAttempt(now, r.attempts() + 1);
                    if (tx.queue().defer(r.id(), next, reason, now)) {
                        tracker.deferred(tx, message, r.address(), relay, statusOf(reason), reason, next);
                    }
                }
            }
            return null;
        }).exceptionally(e -> {
            log.error("{}: could not record the deferral: {}", message.id(), rootMessage(e));
            return null;
        });
    }

    /** The enhanced status code a reason starts with ("4.4.0 outbound delivery not configured"). */
    private static String statusOf(String reason) {
        int space = reason.indexOf(' ');
        return space > 0 ? reason.substring(0, space) : reason;
    }

    private void logResult(Rows.QueuedMessage message, Result r, Instant started) {
        String status = switch (r.outcome()) {
            case DELIVERED -> "sent";
            case FAILED -> "bounced";
            case DEFERRED -> "deferred";
        };
        logLine(message, r.recipient().address(), status, r.detail());
    }

    private static void logLine(Rows.QueuedMessage message, String recipient, String status, String detail) {
        long delay = Duration.between(message.receivedAt(), Instant.now()).toMillis();
        log.info("{}: to=<{}>, relay=local, delay={}, status={} ({})", message.id(), recipient,
                seconds(delay), status, detail);
    }

    /**
     * Milliseconds as seconds with two decimals, rounded ("4.31"), as the log lines show delays:
     * without a Formatter, which cost more than the rest of the line on the store's writer thread.
     */
    static String seconds(long millis) {
        long hundredths = (Math.max(0, millis) + 5) / 10;
        long frac = hundredths % 100;
        return (hundredths / 100) + (frac < 10 ? ".0" : ".") + frac;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
