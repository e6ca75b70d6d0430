package dev.tern.server;

import dev.tern.config.ClientNetworks;
import dev.tern.config.TernConfig;
import dev.tern.directory.Account;
import dev.tern.directory.Directory;
import dev.tern.directory.Resolution;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.mail.Recipient;
import dev.tern.mail.SenderScope;
import dev.tern.mailbox.MailboxService;
import dev.tern.queue.MailQueue;
import dev.tern.message.SubmissionHeaderFilter;
import dev.tern.metrics.TernMetrics;
import dev.tern.smtp.server.ClientPolicy;
import dev.tern.smtp.server.ContentFilter;
import dev.tern.smtp.server.SmtpBackend;
import dev.tern.store.BlobSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.concurrent.Executor;

/**
 * The SMTP server's view of Tern: recipient policy over the directory, and the queue.
 *
 * <p>Relay policy: a recipient in a domain this server does not host is accepted only from an
 * authenticated client (submission, or AUTH on port 25) or from a client address in
 * {@code [smtp] relay_from} (trusted networks, empty by default); from anyone else it is refused,
 * so the server is never an open relay. Unknown users of local domains are refused at RCPT time, so that
 * nobody has to bounce mail to a forged sender later.
 *
 * <p>The LMTP listener is final delivery: only clients in {@code [lmtp] allow_from} may connect,
 * and only addresses of local domains are accepted, whatever the client's network.
 */
final class TernSmtpBackend implements SmtpBackend {

    private static final Logger log = LoggerFactory.getLogger(TernSmtpBackend.class);
    private static final String COMPONENT = "smtp-policy";

    private final Directory directory;
    private final MailboxService mailboxes;
    private final MailQueue queue;
    private final SubmissionChecks submission;
    private final ClientNetworks relayFrom;
    private final ClientNetworks lmtpFrom;
    private final Executor storageExecutor;
    private final InboundChecks inbound;
    private final TernMetrics metrics;
    private final LocalRecipientCache localRecipients;
    private final FreeSpaceProbe freeSpace;
    /** The milters, or null when none is configured. */
    private volatile dev.tern.milter.MilterClient milters;
    /** What quota'd accounts hold, kept until their mailboxes change (RCPT's quota check). */
    private final AccountUsageCache usage = new AccountUsageCache();

    TernSmtpBackend(Directory directory, MailboxService mailboxes, MailQueue queue, SubmissionChecks submission, ClientNetworks relayFrom,
                    ClientNetworks lmtpFrom, Executor storageExecutor, InboundChecks inbound, TernMetrics metrics,
                    FreeSpaceProbe freeSpace) {
        this.metrics = metrics;
        this.freeSpace = freeSpace;
        mailboxes.events().listenAll(usage);
        this.directory = directory;
        this.localRecipients = new LocalRecipientCache(directory.version());
        this.mailboxes = mailboxes;
        this.queue = queue;
        this.submission = submission;
        this.relayFrom = relayFrom;
        this.lmtpFrom = lmtpFrom;
        this.storageExecutor = storageExecutor;
        this.inbound = inbound;
    }

    @Override
    public long freeSpace() {
        return freeSpace == null ? Long.MAX_VALUE : freeSpace.free();
    }

    /**
     * The receiving checks (SPF, DKIM, DMARC, block lists, rate limits…) for a port-25 client. An
     * LMTP client has none (the MTA in front checked the mail), only its network: one outside
     * {@code [lmtp] allow_from} is refused at the greeting; on a Unix socket, the socket's
     * permissions decide who may connect.
     */
    @Override
    public ClientPolicy clientPolicy(String listener, InetAddress client) {
        if (TernConfig.LMTP_LISTENER.equals(listener)) {
            // No address: a client of the Unix socket, which its file permissions admit ([lmtp] socket_mode).
            return client == null || lmtpFrom.contains(client) ? ClientPolicy.NONE : LMTP_REFUSED;
        }
        return inbound.policyFor(listener, client);
    }

    /** Shows the sessions of the listeners of {@code [milter] listeners} to these filters. */
    void milters(dev.tern.milter.MilterClient client) {
        this.milters = client;
    }

    @Override
    public dev.tern.smtp.server.SessionFilter sessionFilter(String listener, InetAddress client) {
        dev.tern.milter.MilterClient m = milters;
        return m != null && m.appliesTo(listener) ? m.session(listener, client)
                : dev.tern.smtp.server.SessionFilter.NONE;
    }

    private static final ClientPolicy LMTP_REFUSED = new ClientPolicy() {
        @Override
        public CompletableFuture<Void> connected() {
            return CompletableFuture.failedFuture(new MailException(554, "5.7.1",
                    "Access denied: this address may not use LMTP", InboundChecks.ACCESS));
        }
    };

    /**
     * An authenticated user may only send as the addresses they own (RFC 6409 §6.1): their
     * account, aliases that lead to it, and send-as permissions. Unauthenticated senders on
     * port 25 are not checked here (SPF and DMARC judge them).
     */
    @Override
    public CompletableFuture<Void> checkSender(String listener, ClientInfo client, MailAddress sender) {
        if (client.authUser() == null) {
            return CompletableFuture.completedFuture(null);
        }
        return inbound.userMessage(client.authUser())
                .thenCompose(v -> submission.checkSender(client.authUser(), client.senderScope(), sender));
    }

    @Override
    public ContentFilter contentFilter(String listener, ClientInfo client) {
        return contentFilter(listener, client, null, List.of());
    }

    /**
     * Mail from an authenticated user gets the submission fix-ups (Message-ID and Date when
     * missing) and, when configured, the check that its From: addresses are the user's (or in the
     * scope of its SMTP credential), and verified when the mail leaves this server; with
     * {@code [checks.rspamd] scan_submission}, rspamd's scan too.
     */
    @Override
    public ContentFilter contentFilter(String listener, ClientInfo client, MailAddress sender, List<Recipient> recipients) {
        if (client.authUser() == null) {
            return null;
        }
        String user = client.authUser();
        SenderScope scope = client.senderScope();
        List<Recipient> rcpts = List.copyOf(recipients);
        SubmissionHeaderFilter headers = submission.newHeaderFilter();
        ContentFilter fixups = new ContentFilter() {
            @Override
            public void write(ByteBuffer in, Consumer<ByteBuffer> out) {
                headers.write(in, out);
            }

            @Override
            public void finish(Consumer<ByteBuffer> out) {
                headers.finish(out);
            }

            @Override
            public CompletableFuture<Void> verdict() {
                return submission.checkHeaders(user, scope, headers, () -> leavesThisServer(rcpts));
            }
        };
        // rspamd sees the message as it will leave, fixed up, once the sender's own checks passed.
        ContentFilter scan = inbound.submissionScan(client, sender, rcpts);
        return scan == null ? fixups : ContentFilter.chain(fixups, scan);
    }

    /** Whether a recipient is in a domain this server does not host. Blocks on the store. */
    private boolean leavesThisServer(List<Recipient> recipients) {
        return recipients.stream().anyMatch(r -> !directory.isLocalDomain(r.address().asciiDomain()));
    }

    @Override
    public CompletableFuture<Void> checkRecipient(String listener, ClientInfo client, MailAddress recipient) {
        return checkRecipient(listener, client, null, recipient);
    }

    /**
     * For an authenticated client, a recipient in another domain is relayed; with
     * {@code require_verified_domain} only when the envelope sender's domain is verified.
     */
    @Override
    public CompletableFuture<Void> checkRecipient(String listener, ClientInfo client, MailAddress sender,
                                                  MailAddress recipient) {
        return resolveRecipient(client, sender, recipient).thenApply(accounts -> null);
    }

    /**
     * The check, keeping the local accounts the recipient leads to with it: delivery in the
     * enqueue transaction then checks that they still exist and may receive mail, instead of
     * resolving the address again on the store's writer (docs/adr/0023).
     */
    @Override
    public CompletableFuture<Recipient> acceptRecipient(String listener, ClientInfo client, MailAddress sender,
                                                        Recipient recipient) {
        return resolveRecipient(client, sender, recipient.address())
                .thenApply(accounts -> accounts == null ? recipient
                        : recipient.withLocalAccounts(accounts.stream().map(Account::id).toList()));
    }

    /**
     * Completes with the local accounts of an accepted recipient, or null for one accepted for
     * relay or forwarded (in part) to other domains, which delivery resolves again.
     */
    private CompletableFuture<List<Account>> resolveRecipient(ClientInfo client, MailAddress sender,
                                                              MailAddress recipient) {
        if (client.authUser() != null) {
            CompletableFuture<Void> limited = inbound.userRecipient(client.authUser());
            if (limited.isCompletedExceptionally()) {
                return limited.thenApply(v -> null);
            }
        }
        // A local address seen before, with nothing changed in the directory since: answered here,
        // on the event loop (docs/adr/0024).
        List<Account> known = localRecipients.get(recipient);
        if (known != null) {
            Boolean full = allFullFromMemory(known);
            if (full == null) {   // a quota'd account whose usage is not known: one read for it
                return CompletableFuture.supplyAsync(() -> refuseIfFull(recipient, known), storageExecutor);
            }
            return full ? CompletableFuture.failedFuture(mailboxFull(recipient)) : CompletableFuture.completedFuture(known);
        }
        long versionBefore = localRecipients.version();
        return CompletableFuture.supplyAsync(() -> {
            Resolution r;
            try {
                r = directory.resolve(recipient);
            } catch (RuntimeException e) {
                log.error("recipient lookup for <{}> failed: {}", recipient, e.toString());
                throw MailException.temporary("Temporary lookup failure, try again later", COMPONENT, e);
            }
            if (r instanceof Resolution.Local local && local.forwarded()) {
                // Mail forwarded elsewhere leaves through the queue; no account decides on it here.
                return null;
            }
            if (r instanceof Resolution.Local local) {
                refuseIfFull(recipient, local.accounts());
                localRecipients.put(recipient, versionBefore, local.accounts());
                return local.accounts();
            }
            if (r instanceof Resolution.Unknown) {
                throw new MailException(550, "5.1.1", "<" + recipient + ">: Recipient address rejected: "
                        + "User unknown in this domain", COMPONENT);
            }
            if (client.authUser() != null) {
                MailException unverified = submission.checkOutboundSender(sender);
                if (unverified != null) {
                    throw unverified;
                }
                return null;    // an authenticated user's mail to another domain, for outbound delivery
            }
            if (TernConfig.LMTP_LISTENER.equals(client.listener())) {
                // LMTP is final delivery into these mailboxes: it never relays, whatever relay_from says.
                throw new MailException(550, "5.1.2", "<" + recipient + ">: Recipient address rejected: "
                        + "domain not hosted here", COMPONENT);
            }
            if (relayFrom.contains(client.address())) {
                return null;    // a client on a trusted network (relay_from)
            }
            throw new MailException(550, "5.7.1", "<" + recipient + ">: Relay access denied", COMPONENT);
        }, storageExecutor);
    }

    /**
     * Refuses the recipient for now (452 4.2.2, RFC 3463) when every account it leads to is at or
     * over its quota; when some of them still have room, the others' copies are deferred at
     * delivery instead. Reads, on a storage thread, the usage of each quota'd account not known
     * in memory ({@link AccountUsageCache}).
     */
    private List<Account> refuseIfFull(MailAddress recipient, List<Account> accounts) {
        boolean full;
        try {
            full = accounts.stream().allMatch(a -> a.quotaBytes() != null && a.full(usage(a.id())));
        } catch (RuntimeException e) {
            log.error("quota lookup for <{}> failed: {}", recipient, e.toString());
            throw MailException.temporary("Temporary lookup failure, try again later", COMPONENT, e);
        }
        if (full) {
            throw mailboxFull(recipient);
        }
        return accounts;
    }

    private long usage(long accountId) {
        long known = usage.get(accountId);
        if (known >= 0) {
            return known;
        }
        long tag = usage.tag();
        long bytes = mailboxes.usage(accountId);
        usage.put(accountId, tag, bytes);
        return bytes;
    }

    /**
     * Whether every account is full, from what is known in memory; null when that needs the usage
     * of a quota'd account that is not known.
     */
    private Boolean allFullFromMemory(List<Account> accounts) {
        boolean unknown = false;
        for (Account a : accounts) {
            if (a.quotaBytes() == null) {
                return false;
            }
            long bytes = usage.get(a.id());
            if (bytes < 0) {
                unknown = true;
            } else if (!a.full(bytes)) {
                return false;
            }
        }
        return unknown ? null : true;
    }

    private static MailException mailboxFull(MailAddress recipient) {
        return new MailException(452, "4.2.2", "<" + recipient + ">: Mailbox full", COMPONENT);
    }

    @Override
    public void refused(String listener, String stage, int code, String enhancedCode, String component) {
        metrics.smtpRefused(listener, stage, code, enhancedCode, component);
    }

    @Override
    public String newQueueId() {
        return queue.newId();
    }

    @Override
    public BlobSink newBody(String queueId) {
        return queue.newBody(queueId);
    }

    @Override
    public CompletableFuture<Void> enqueue(String queueId, Envelope envelope, BlobSink body) {
        ClientInfo client = envelope.client();
        if (client == null || client.senderScope() == null) {
            return queue.enqueue(queueId, envelope, body);
        }
        return queue.enqueue(queueId, envelope, body)
                .thenRun(() -> submission.messageQueued(client.authUser(), client.senderScope()));
    }
}
