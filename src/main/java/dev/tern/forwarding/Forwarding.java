package dev.tern.forwarding;

import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.ReceptionVerdict;
import dev.tern.mail.Recipient;
import dev.tern.mailbox.MailboxService;
import dev.tern.queue.MailQueue;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Makes the copy of a received message that leaves for addresses of other domains: for an alias
 * whose targets are there, for the sender behind a rewritten address (a bounce coming back), and
 * for a Sieve {@code redirect}.
 *
 * <p>The copy is a new message in the queue, so that it is routed, retried, bounced and tracked as
 * any outgoing mail, with its own queue id; the message it came from is recorded as delivered by
 * forwarding. It starts with a {@code Delivered-To} field naming the address that forwarded it, as
 * Postfix and Dovecot write: a copy that comes back to that address (two aliases pointing at each
 * other across servers) is recognised and not sent round again. The copy keeps the reception's
 * verdict: its Authentication-Results are put above it if it is delivered here (a redirect to a
 * local account), and sealed into an ARC set ({@link dev.tern.security.dkim.ArcSealer}) with a key
 * of the forwarding domain when it leaves; a quarantined message stays quarantined.
 *
 * <p>Its envelope sender is rewritten ({@link SenderRewriting}) unless it is empty (a bounce stays
 * a bounce) or of a domain of ours: the next hop checks SPF against the envelope sender's domain,
 * and this server is not among a stranger's senders, while it is among its own domains'.
 */
public final class Forwarding {

    /** The queue listener name of forwarded copies: they are never signed with a local key. */
    public static final String LISTENER = "forward";

    /** Octets of header section searched for Delivered-To fields; a loop's fields come first. */
    private static final int HEADER_SCAN_LIMIT = 256 * 1024;

    private final MailboxService mailboxes;
    private final MailQueue queue;
    private final SenderRewriting rewriting;
    private final Predicate<String> isLocalDomain;
    private final String hostname;
    private final Clock clock;

    /**
     * @param rewriting     signs the rewritten senders; null to forward with the original sender
     * @param isLocalDomain whether an A-label domain is one of ours (may read the store)
     */
    public Forwarding(MailboxService mailboxes, MailQueue queue, SenderRewriting rewriting,
                      Predicate<String> isLocalDomain, String hostname, Clock clock) {
        this.mailboxes = mailboxes;
        this.queue = queue;
        this.rewriting = rewriting;
        this.isLocalDomain = isLocalDomain;
        this.hostname = hostname;
        this.clock = clock;
    }

    /**
     * The envelope sender of a copy forwarded by an address of {@code forwarderDomain}: empty stays
     * empty, one of our domains stays as it is, any other is rewritten into that domain (but for
     * one with a UTF-8 local part, which a rewritten address cannot carry).
     */
    public MailAddress sender(MailAddress original, String forwarderDomain) {
        if (original == null || rewriting == null || isLocalDomain.test(original.asciiDomain())) {
            return original;
        }
        String domain = MailAddress.toAsciiDomain(forwarderDomain);
        try {
            return MailAddress.parse(rewriting.forward(original.localPart(), original.asciiDomain(), domain));
        } catch (IllegalArgumentException e) {
            // a sender that cannot travel inside an address (UTF-8 local part): forwarded as it is
            return original;
        }
    }

    /**
     * Whether the message has already been delivered or forwarded by one of these addresses: a
     * {@code Delivered-To} field in its header section names one (compared without case).
     */
    public boolean cameThrough(Rows.QueuedMessage message, Collection<String> addresses) throws IOException {
        Set<String> wanted = addresses.stream().map(a -> a.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        try (InputStream in = mailboxes.openContent(message.blobId())) {
            for (String value : deliveredTo(in)) {
                if (wanted.contains(value.toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Prepares the copy {@code via} forwards to {@code targets}, ready for
     * {@link MailQueue#enqueue(dev.tern.store.StoreTx, MailQueue.GeneratedMessage)} in the
     * transaction that records the message delivered. Writes the copy's content: not on an event loop.
     *
     * @param via the address that forwards (an alias, or an account's address for a redirect)
     */
    public MailQueue.GeneratedMessage prepare(Rows.QueuedMessage message, MailAddress via, List<MailAddress> targets)
            throws IOException {
        return prepare(message, via, targets, mailboxes.openContent(message.blobId()));
    }

    /**
     * Prepares a copy as {@link #prepare(Rows.QueuedMessage, MailAddress, List)} does, of another
     * content than the queued one: the message as a Sieve script edited its header (RFC 5293).
     *
     * @param content the content to send on, closed here
     */
    public MailQueue.GeneratedMessage prepare(Rows.QueuedMessage message, MailAddress via, List<MailAddress> targets,
                                              InputStream content) throws IOException {
        try (InputStream in = content) {
            return copy(message, via, targets, in);
        }
    }

    private MailQueue.GeneratedMessage copy(Rows.QueuedMessage message, MailAddress via, List<MailAddress> targets,
                                            InputStream content) throws IOException {
        MailAddress original = message.sender() == null ? null : MailAddress.parse(message.sender());
        List<Recipient> recipients = new ArrayList<>(targets.size());
        targets.forEach(t -> recipients.add(Recipient.of(t)));
        // A copy that stays here (a redirect to a local account) needs no rewriting: no SPF check awaits it.
        boolean leaves = targets.stream().anyMatch(t -> !isLocalDomain.test(t.asciiDomain()));
        Envelope envelope = new Envelope(leaves ? sender(original, via.domain()) : original, recipients, message.bodyType(),
                message.smtpUtf8(), null, null, new ClientInfo(null, null, hostname, "local", LISTENER, null),
                clock.instant(), new ReceptionVerdict(message.traceFields(), message.quarantined()),
                message.requireTls());   // RFC 8689: the requirement travels with the message
        byte[] deliveredTo = ("Delivered-To: " + via + "\r\n").getBytes(StandardCharsets.UTF_8);
        try (InputStream in = new SequenceInputStream(new ByteArrayInputStream(deliveredTo), content)) {
            return queue.prepare(envelope, in);
        }
    }

    /**
     * Queues a prepared copy in the caller's transaction (the one that records its message
     * delivered, so that it leaves exactly once); returns what to log.
     */
    public String send(StoreTx tx, MailQueue.GeneratedMessage copy) {
        queue.enqueue(tx, copy);
        return "forwarded to " + copy.envelope().recipients().stream().map(r -> r.address().toString())
                .collect(Collectors.joining(", ")) + " as " + copy.queueId();
    }

    /** The values of the Delivered-To fields of a header section, unfolded and trimmed. */
    static List<String> deliveredTo(InputStream content) throws IOException {
        InputStream in = new BufferedInputStream(content, 8192);
        List<String> values = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        String current = null;
        long read = 0;
        int b;
        while (read < HEADER_SCAN_LIMIT && (b = in.read()) >= 0) {
            read++;
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (!text.isEmpty() && (text.charAt(0) == ' ' || text.charAt(0) == '\t')) {
                if (current != null) {
                    current = current + " " + text.strip();
                }
                continue;
            }
            if (current != null) {
                values.add(current.strip());
                current = null;
            }
            if (text.isEmpty()) {
                break;   // the end of the header section
            }
            int colon = text.indexOf(':');
            if (colon > 0 && text.substring(0, colon).strip().equalsIgnoreCase("Delivered-To")) {
                current = text.substring(colon + 1);
            }
        }
        if (current != null) {
            values.add(current.strip());
        }
        return values;
    }
}
