package dev.tern.delivery;

import dev.tern.directory.Account;
import dev.tern.forwarding.Forwarding;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MailboxException;
import dev.tern.mailbox.MailboxIds;
import dev.tern.mailbox.MailboxNames;
import dev.tern.mailbox.MailboxService;
import dev.tern.queue.MailQueue;
import dev.tern.sieve.AccountFacts;
import dev.tern.sieve.EditedHeader;
import dev.tern.sieve.FilteredMessage;
import dev.tern.sieve.NotifyMessage;
import dev.tern.sieve.NotifyRequest;
import dev.tern.sieve.SieveEngine;
import dev.tern.sieve.SieveOutcome;
import dev.tern.sieve.VacationReply;
import dev.tern.sieve.VacationRequest;
import dev.tern.sieve.commands.TrackedId;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Local delivery's side of Sieve: runs an account's active script on a message, off the store's
 * writer, and makes ready what the script sends (redirected copies, a vacation reply); local
 * delivery then files the copies and queues those messages in the one transaction that records
 * the recipient delivered, so each happens exactly once.
 *
 * <p>A redirected copy is made as any forwarded one ({@link Forwarding}): its envelope sender
 * rewritten into the account's domain, and a {@code Delivered-To} field naming the account, by
 * which a copy that comes back is recognised and kept instead of sent round again. A vacation reply leaves from the null sender, once per
 * sender and handle within its days (recorded in the same transaction).
 */
public final class SieveDelivery {

    private static final Pattern SPAM_STATUS = Pattern.compile(
            "(?im)^X-Spam-Status: [^\\r\\n]*score=(-?[0-9]+(?:\\.[0-9]+)?) required=(-?[0-9]+(?:\\.[0-9]+)?)");

    /** The queue listener name of what scripts send; replies are signed as the user's mail. */
    public static final String LISTENER = "sieve";

    private final MetadataStore store;
    private final MailboxService mailboxes;
    private final MailQueue queue;
    private final SieveEngine engine;
    private final Forwarding forwarding;
    private final String hostname;
    private final Clock clock;
    private volatile java.util.function.Consumer<String> actionObserver = action -> { };
    /** Where scripts' {@code :user} and {@code :detail} split local parts (RFC 5233). */
    private String recipientDelimiter = "+";
    /** Where the operator's global scripts are ({@code include :global}, RFC 6609); null for none. */
    private Path globalScripts;

    /** @param forwarding makes the redirected copies, with their sender rewritten */
    public SieveDelivery(MetadataStore store, MailboxService mailboxes, MailQueue queue, SieveEngine engine,
                         Forwarding forwarding, String hostname, Clock clock) {
        this.store = store;
        this.forwarding = forwarding;
        this.mailboxes = mailboxes;
        this.queue = queue;
        this.engine = engine;
        this.hostname = hostname;
        this.clock = clock;
    }

    /**
     * Sets the recipient delimiter of plus addressing ({@code [delivery] recipient_delimiter};
     * "" when it is off) that scripts' {@code :user} and {@code :detail} split at; returns this.
     */
    public SieveDelivery usingRecipientDelimiter(String delimiter) {
        this.recipientDelimiter = delimiter;
        return this;
    }

    /**
     * Sets the directory of the operator's global scripts ({@code [sieve] global_dir}), which
     * {@code include :global "NAME"} reads as {@code NAME.sieve}; returns this.
     */
    public SieveDelivery usingGlobalScripts(Path dir) {
        this.globalScripts = dir;
        return this;
    }

    /**
     * What an account's script decided for a message, with what it sends made ready.
     *
     * @param mailboxes    the copies to file, each mailbox once: normalized names (the default
     *                     mailbox as null), each with the flags the script gave its copy
     * @param redirects    copies to queue
     * @param vacation       the reply to queue if none went to this sender within its period, or null
     * @param vacationKey    the hex key its sending is recorded under
     * @param vacationPeriod its period
     * @param notifications  the notifications to queue (RFC 5435)
     * @param edited         how the copies whose header the script edited (RFC 5293) are filed,
     *                       by the header they take
     */
    public record Plan(Account account, SieveOutcome outcome, List<SieveOutcome.Copy> mailboxes,
                       List<MailQueue.GeneratedMessage> redirects, MailQueue.GeneratedMessage vacation,
                       String vacationSender, String vacationKey, Duration vacationPeriod,
                       List<MailQueue.GeneratedMessage> notifications, List<String> notes,
                       Map<EditedHeader, EditedCopy> edited) {

        /** Whether the script refused the message (RFC 5429). */
        public boolean rejects() {
            return outcome.reject() != null;
        }
    }

    /**
     * How a copy with an edited header is filed. When the script only put fields on top, the
     * queued content is shared as for any copy and the fields go into the copy's header prefix
     * ({@code prepended}, after Return-Path and Delivered-To, before the trace fields, as the
     * script saw them); otherwise the edited message is a content of its own ({@code content}:
     * the trace fields and the header as edited, then the body), written before the transaction.
     * Either way the copy's size is that of what it holds, and the quota counts that.
     */
    public record EditedCopy(String prepended, MailboxService.WrittenContent content) {
    }

    /**
     * Runs the account's active script on a message for one of its recipients. Never throws for
     * the script's sake: without a script, or when it fails, the plan is the implicit keep.
     *
     * @param recipient the recipient's address as the envelope gave it
     */
    public Plan plan(Rows.QueuedMessage message, String recipient, Account account) throws IOException {
        Optional<Rows.SieveScript> script = store.read(tx -> tx.sieve().active(account.id()));
        String sender = message.sender() == null ? "" : message.sender();
        FilteredMessage.Content content = () -> {
            byte[] trace = (message.traceFields() == null ? "" : message.traceFields()).getBytes(StandardCharsets.UTF_8);
            return new SequenceInputStream(new ByteArrayInputStream(trace), mailboxes.openContent(message.blobId()));
        };
        Instant now = clock.instant();
        // what the duplicate test asks and the scripts include are read while the script runs; a
        // store that cannot answer fails the delivery, to be tried again, rather than the script
        Exception[] unreadable = new Exception[1];
        List<Rows.Mailbox> boxes = mailboxesAsked(script.map(Rows.SieveScript::content).orElse(""), account);
        AccountFacts facts = AccountFacts.NONE
                .withMailboxes(mailboxTest(boxes, account))
                .withRecipientDelimiter(recipientDelimiter)
                .withSpecialUses(specialUses(boxes))
                .withMailboxIds(mailboxIds(boxes))
                .withSpamLevel(spamLevel(message.traceFields()))
                .withEnvironment(Map.of("host", hostname,
                        "domain", hostname.indexOf('.') > 0 ? hostname.substring(hostname.indexOf('.') + 1) : hostname,
                        // the client the message came from; empty for mail Tern made itself (RFC 5183 §4.1)
                        "remote-ip", message.clientAddress() == null ? "" : message.clientAddress(),
                        "remote-host", ""))
                .withDuplicateCheck(key -> {
                    try {
                        return store.read(tx -> tx.sieve().duplicateSeen(account.id(), key, now));
                    } catch (RuntimeException e) {
                        unreadable[0] = e;
                        return false;
                    }
                })
                .withScripts((global, name) -> {
                    try {
                        return global ? globalScript(name)
                                : store.read(tx -> tx.sieve().script(account.id(), name)).map(Rows.SieveScript::content)
                                .orElse(null);
                    } catch (RuntimeException | IOException e) {
                        unreadable[0] = e;
                        return null;
                    }
                });
        int traceOctets = message.traceFields() == null ? 0 : message.traceFields().getBytes(StandardCharsets.UTF_8).length;
        FilteredMessage filtered = FilteredMessage.read(content, message.size(), sender, recipient, traceOctets)
                .about(facts);
        SieveOutcome outcome = script.map(s -> engine.run(s.content(), filtered)).orElse(SieveOutcome.keepOnly());
        if (unreadable[0] != null) {
            throw new IOException("the script's filter could not be read: " + unreadable[0].getMessage(), unreadable[0]);
        }
        List<String> notes = new ArrayList<>();
        if (outcome.error() != null) {
            notes.add("script " + script.map(Rows.SieveScript::name).orElse("") + " failed, kept: " + outcome.error());
        }
        Set<String> own = new LinkedHashSet<>(List.of(account.address().toLowerCase(Locale.ROOT),
                recipient.toLowerCase(Locale.ROOT)));
        // the fields as the message came: a script's deleteheader does not hide where it has been
        if (!outcome.redirects().isEmpty() && filtered.received("delivered-to").stream()
                .anyMatch(d -> own.contains(d.strip().toLowerCase(Locale.ROOT)))) {
            notes.add("redirect refused: the message has been here before (mail forwarding loop), kept");
            outcome = SieveOutcome.failed("mail forwarding loop");
        }

        // by normalized name (null: the default mailbox), for one copy per mailbox with the flags of
        // all, and the header of the first (RFC 5293 §7 leaves the choice open)
        Map<String, Flags> targets = new LinkedHashMap<>();
        Map<String, EditedHeader> headers = new HashMap<>();
        for (SieveOutcome.Copy copy : outcome.copies()) {
            String normalized = null;
            if (copy.mailbox() != null) {
                try {
                    normalized = MailboxNames.normalize(copy.mailbox());
                } catch (MailboxException e) {
                    notes.add("fileinto \"" + copy.mailbox() + "\" is not a mailbox name, kept instead");
                }
            }
            if (!targets.containsKey(normalized) && copy.header() != null) {
                headers.put(normalized, copy.header());
            }
            targets.merge(normalized, copy.flags(), Flags::plus);
        }
        List<SieveOutcome.Copy> copies = new ArrayList<>();
        targets.forEach((mailbox, flags) -> copies.add(new SieveOutcome.Copy(mailbox, flags, headers.get(mailbox))));
        Map<EditedHeader, EditedCopy> edited = new java.util.IdentityHashMap<>();
        for (EditedHeader header : headers.values()) {
            if (!edited.containsKey(header)) {
                String prepended = header.prepended();
                edited.put(header, prepended != null ? new EditedCopy(prepended, null)
                        : new EditedCopy(null, mailboxes.write(header.open(content.open(), true))));
            }
        }

        List<MailQueue.GeneratedMessage> redirects = new ArrayList<>();
        for (String to : outcome.redirects()) {
            MailAddress target = MailAddress.parse(to);
            if (own.contains(target.key())) {
                notes.add("redirect to the account itself ignored");
                continue;
            }
            EditedHeader header = outcome.editedRedirects().get(to);
            redirects.add(header == null
                    ? forwarding.prepare(message, MailAddress.parse(account.address()), List.of(target))
                    : forwarding.prepare(message, MailAddress.parse(account.address()), List.of(target),
                            header.open(content.open(), false)));
        }

        MailQueue.GeneratedMessage reply = null;
        String key = null;
        Duration period = Duration.ZERO;
        VacationRequest vacation = outcome.vacation();
        if (vacation != null) {
            Set<String> addresses = new LinkedHashSet<>(own);
            vacation.addresses().forEach(a -> addresses.add(a.strip().toLowerCase(Locale.ROOT)));
            String refusal = VacationReply.refusal(filtered, addresses);
            if (refusal != null) {
                notes.add("no vacation reply: " + refusal);
            } else {
                String from = fromField(vacation.from(), own, account);
                byte[] bytes = VacationReply.compose(vacation, filtered, from, sender, hostname, clock.instant());
                Envelope envelope = new Envelope(null, List.of(Recipient.of(MailAddress.parse(sender))), "8BITMIME",
                        false, null, null, new ClientInfo(null, null, hostname, "local", LISTENER, account.address()),
                        clock.instant()).withRequireTls(message.requireTls());   // it repeats the subject
                reply = queue.prepare(envelope, bytes);
                key = sha256(vacation.key());
                period = vacation.period();
            }
        }
        List<MailQueue.GeneratedMessage> notifications = new ArrayList<>();
        if (!outcome.notifications().isEmpty()) {
            String refusal = NotifyMessage.refusal(filtered);
            if (refusal != null) {
                notes.add("no notification: " + refusal);
            } else {
                for (NotifyRequest n : outcome.notifications()) {
                    String from = fromField(n.from(), own, account);
                    byte[] bytes = NotifyMessage.compose(n, filtered, from, hostname, clock.instant());
                    List<Recipient> to = n.recipients().stream().map(r -> Recipient.of(MailAddress.parse(r))).toList();
                    // from the null sender, as any automatic mail, so that nothing bounces back to a filter
                    Envelope envelope = new Envelope(null, to, "8BITMIME", false, null, null,
                            new ClientInfo(null, null, hostname, "local", LISTENER, account.address()), clock.instant())
                            .withRequireTls(message.requireTls());   // it quotes the message
                    notifications.add(queue.prepare(envelope, bytes));
                }
            }
        }
        return new Plan(account, outcome, copies, redirects, reply, sender.toLowerCase(Locale.ROOT), key, period,
                notifications, notes, edited);
    }

    /**
     * The account's mailboxes, for a script that asks about them: the test mailboxexists (RFC 5490
     * §3.1) and the special-use and mailboxid extensions (RFC 8579, RFC 9042). Read before the run, so that a store that
     * cannot answer fails the delivery, to be tried again, rather than the script; and only for a
     * script that names them (identifiers have no escapes, so they are spelled out), or includes
     * another, which may.
     */
    private List<Rows.Mailbox> mailboxesAsked(String script, Account account) {
        String lower = script.toLowerCase(Locale.ROOT);
        if (!lower.contains("mailboxexists") && !lower.contains("specialuse") && !lower.contains("mailboxid")
                && !lower.contains("include")) {
            return List.of();
        }
        return mailboxes.mailboxes(account.id());
    }

    /**
     * Whether the account has a mailbox of that name that takes mail (not a \Noselect parent), or
     * a shared one it may post to.
     */
    private Predicate<String> mailboxTest(List<Rows.Mailbox> boxes, Account account) {
        if (boxes.isEmpty()) {
            return name -> false;
        }
        Set<String> names = new HashSet<>();
        for (Rows.Mailbox m : boxes) {
            if (m.selectable()) {
                names.add(m.name());
            }
        }
        return name -> {
            try {
                return names.contains(MailboxNames.normalize(name)) || mailboxes.mayPostToShared(account.id(), name);
            } catch (MailboxException e) {
                return false;
            }
        };
    }

    /**
     * The content scan's verdict for spamtest (RFC 5235): the score over the threshold, from 0 to 1,
     * from the {@code X-Spam-Status} field Tern added when it received the message (its trace
     * fields, never the sender's header); null when the message was not scanned.
     */
    static Double spamLevel(String traceFields) {
        if (traceFields == null) {
            return null;
        }
        Matcher m = SPAM_STATUS.matcher(traceFields);
        if (!m.find()) {
            return null;
        }
        double score = Double.parseDouble(m.group(1));
        double required = Double.parseDouble(m.group(2));
        if (required <= 0) {
            return score > 0 ? 1.0 : 0.0;
        }
        return Math.max(0, Math.min(1, score / required));
    }

    /** The account's mailboxes that take mail by their MAILBOXID (RFC 8474, RFC 9042). */
    private static Map<String, String> mailboxIds(List<Rows.Mailbox> boxes) {
        Map<String, String> ids = new HashMap<>();
        for (Rows.Mailbox m : boxes) {
            if (m.selectable()) {
                ids.put(MailboxIds.of(m.id(), m.uidValidity()), m.name());
            }
        }
        return ids;
    }

    /** The account's mailboxes by their special use ({@code \\Junk} → "Spam"), those that take mail. */
    private static Map<String, String> specialUses(List<Rows.Mailbox> boxes) {
        Map<String, String> uses = new HashMap<>();
        for (Rows.Mailbox m : boxes) {
            if (m.specialUse() != null && m.selectable()) {
                uses.putIfAbsent(m.specialUse().toLowerCase(Locale.ROOT), m.name());
            }
        }
        return uses;
    }

    /**
     * The From of a vacation reply or a notification: the script's {@code :from} when its address
     * is the account's or the one the message was sent to, else the account's address. Not one of
     * vacation's {@code :addresses}, which a script may fill with anything: what a script sends is
     * signed with the domain's key, and a script must not make mail appear to come from someone
     * else (RFC 5230 §7, RFC 5435 §8).
     */
    private static String fromField(String requested, Set<String> addresses, Account account) {
        if (requested != null) {
            for (var a : LenientAddressParser.DEFAULT.parseAddressList(requested)) {
                if (a instanceof Mailbox m && addresses.contains(m.getAddress().toLowerCase(Locale.ROOT))) {
                    return requested.replaceAll("[\\r\\n]+", " ").strip();
                }
            }
        }
        return account.display();
    }

    /**
     * In the delivery transaction: queues the redirected copies, and the vacation reply unless one
     * went to this sender under the same key within its days. Returns what to add to the log.
     */
    public List<String> send(StoreTx tx, Plan plan, Instant now) {
        List<String> done = new ArrayList<>();
        List<String> actions = new ArrayList<>();
        for (SieveOutcome.Copy copy : plan.mailboxes()) {
            actions.add(copy.mailbox() == null ? "keep" : "fileinto");
        }
        if (plan.outcome().discarded()) {
            actions.add("discard");
        }
        for (MailQueue.GeneratedMessage m : plan.notifications()) {
            queue.enqueue(tx, m);
            done.add("notified " + String.join(", ", m.envelope().recipients().stream()
                    .map(r -> r.address().toString()).toList()) + " as " + m.queueId());
            actions.add("notify");
        }
        for (TrackedId id : plan.outcome().duplicates()) {
            tx.sieve().trackDuplicate(plan.account().id(), id.key(), now, now.plus(id.period()), id.last());
        }
        for (MailQueue.GeneratedMessage m : plan.redirects()) {
            queue.enqueue(tx, m);
            done.add("redirected to " + m.envelope().recipients().get(0).address() + " as " + m.queueId());
            actions.add("redirect");
        }
        if (plan.vacation() != null) {
            Instant until = now.plus(plan.vacationPeriod());
            if (tx.sieve().claimVacationReply(plan.account().id(), plan.vacationSender(), plan.vacationKey(), now, until)) {
                queue.enqueue(tx, plan.vacation());
                done.add("vacation reply " + plan.vacation().queueId());
                actions.add("vacation");
            } else {
                done.add("vacation reply already sent within " + describe(plan.vacationPeriod()));
            }
        }
        if (plan.outcome().error() != null) {
            actions.add("error");
        }
        tx.afterCommit(() -> actions.forEach(actionObserver));
        return done;
    }

    /** In the transaction that refuses the message for these accounts (RFC 5429): counts their rejects. */
    public void rejected(StoreTx tx, java.util.Collection<Plan> plans) {
        long rejects = plans.stream().filter(Plan::rejects).count();
        if (rejects > 0) {
            tx.afterCommit(() -> {
                for (long i = 0; i < rejects; i++) {
                    actionObserver.accept("reject");
                }
            });
        }
    }

    /**
     * Hears of each action carried out, once its transaction has committed: keep, fileinto,
     * discard, redirect, reject, vacation (a reply sent) and error (a script that failed and kept).
     */
    public void observeActions(java.util.function.Consumer<String> observer) {
        this.actionObserver = observer;
    }

    /** The operator's global script of that name, or null when there is none (or no directory). */
    private String globalScript(String name) throws IOException {
        if (globalScripts == null || name.contains("/") || name.startsWith(".") || name.indexOf('\u0000') >= 0) {
            return null;
        }
        Path file = globalScripts.resolve(name + ".sieve");
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** A vacation period as the log says it: in days when it is whole days, else in seconds. */
    static String describe(Duration period) {
        long days = period.toDays();
        if (period.equals(Duration.ofDays(days)) && days > 0) {
            return days + (days == 1 ? " day" : " days");
        }
        long seconds = period.toSeconds();
        return seconds + (seconds == 1 ? " second" : " seconds");
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
