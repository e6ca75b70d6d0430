package dev.tern.mailbox;

import dev.tern.config.Sizes;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Tells the users of accounts with a quota that their mailboxes are filling up, as Dovecot's
 * {@code quota_warning} does: when an account's usage rises past one of the configured
 * percentages ({@code [quota] warn_at}), a short message goes into its INBOX, once; it goes again
 * only after the usage fell below that level (the last level warned of is kept on the account, so
 * a restart or another node does not repeat it). The warning is put there whatever room is left:
 * a full account must still learn why its mail waits.
 *
 * <p>Checked after the account's mailboxes change (delivery, APPEND, COPY, expunge: the mailbox
 * layer's events), on a thread of its own, one account at a time however many changes arrive
 * together. Only accounts with a quota are looked at: which those are is read from the store every
 * minute, so a quota set with the command line counts within a minute. Two nodes that hear of the
 * same change warn once: the level moves by compare-and-set before the message is written.
 */
public final class QuotaWarnings implements MailboxEvents.HoldingsListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QuotaWarnings.class);
    /** How often the set of accounts with a quota is read again. */
    static final long QUOTA_ACCOUNTS_REFRESH_SECONDS = 60;

    private final MetadataStore store;
    private final MailboxService mailboxes;
    private final List<Integer> levels;
    private final String hostname;
    private final Clock clock;
    private final ExecutorService worker;
    private final Set<Long> pending = ConcurrentHashMap.newKeySet();
    private volatile Set<Long> withQuota = Set.of();
    private java.util.concurrent.ScheduledExecutorService refresher;
    private MailboxEvents.Registration registration;

    /** @param levels the percentages warned of, ascending (empty: none) */
    public QuotaWarnings(MetadataStore store, MailboxService mailboxes, List<Integer> levels, String hostname,
                         Clock clock) {
        this.store = store;
        this.mailboxes = mailboxes;
        this.levels = List.copyOf(levels);
        this.hostname = hostname;
        this.clock = clock;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tern-quota-warnings");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts listening to the mailboxes' changes; nothing is done when no level is configured. */
    public QuotaWarnings start() {
        if (levels.isEmpty()) {
            return this;
        }
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tern-quota-accounts");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::readAccountsWithQuota, 0, QUOTA_ACCOUNTS_REFRESH_SECONDS, TimeUnit.SECONDS);
        registration = mailboxes.events().listenAll(this);
        return this;
    }

    /** Reads which accounts have a quota now, rather than at the next minute. */
    public void readAccountsWithQuota() {
        try {
            withQuota = Set.copyOf(store.read(tx -> tx.directory().accountsWithQuota()));
        } catch (RuntimeException e) {
            log.warn("could not read which accounts have a quota: {}", e.toString());
        }
    }

    /** Runs on the thread that announces the change: only notes the account. */
    @Override
    public void holdingsChanged(long accountId) {
        if (withQuota.contains(accountId) && pending.add(accountId)) {
            try {
                worker.execute(() -> {
                    pending.remove(accountId);
                    check(accountId);
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                pending.remove(accountId);
            }
        }
    }

    /**
     * Compares the account's usage with the levels: a level passed that was not warned of gets its
     * warning, a level the usage fell below is forgotten. Returns the level warned of now, 0 when
     * no warning was written. Blocking.
     */
    public int check(long accountId) {
        try {
            record State(Rows.Account account, long used, int warned) {
            }
            State s = store.read(tx -> tx.directory().account(accountId)
                    .map(a -> new State(a, MailboxService.usage(tx, accountId), tx.directory().quotaWarned(accountId)))
                    .orElse(null));
            if (s == null) {
                return 0;
            }
            Long quota = s.account().quotaBytes();
            int level = quota == null || quota <= 0 ? 0 : levelOf(s.used(), quota);
            if (level == s.warned()) {
                return 0;
            }
            boolean moved = store.writeAndWait(tx -> tx.directory().changeQuotaWarned(accountId, s.warned(), level));
            if (!moved || level < s.warned()) {
                return 0;   // another node warned, or the usage fell: nothing to say
            }
            Rows.Mailbox inbox = mailboxes.mailbox(accountId, MailboxService.INBOX).orElse(null);
            if (inbox == null) {
                return 0;
            }
            mailboxes.messageService().append(inbox.id(), warning(s.account().address(), s.used(), quota, level),
                    Flags.NONE, clock.instant());
            log.info("quota: {} holds {} of {} ({}%): warned", s.account().address(), Sizes.format(s.used()),
                    Sizes.format(quota), level);
            return level;
        } catch (RuntimeException e) {
            log.warn("quota: checking account {} for a warning failed: {}", accountId, e.toString());
            return 0;
        }
    }

    /** The highest level the usage has reached, 0 when none. */
    int levelOf(long used, long quota) {
        int reached = 0;
        for (int level : levels) {
            // used / quota >= level / 100, in integers.
            if (used * 100.0 >= (double) level * quota) {
                reached = level;
            }
        }
        return reached;
    }

    private byte[] warning(String address, long used, long quota, int level) {
        boolean full = level >= 100;
        String subject = full ? "Your mailbox is full" : "Your mailbox is " + level + "% full";
        String body = (full
                ? "Your mailbox " + address + " holds " + Sizes.format(used) + ", all of the " + Sizes.format(quota)
                + " it may hold.\r\n\r\nNew mail for you is not accepted now: it waits at the sender's server, which "
                + "tries again\r\nfor a few days and then returns it to the sender.\r\n"
                : "Your mailbox " + address + " holds " + Sizes.format(used) + " of the " + Sizes.format(quota)
                + " it may hold (" + level + "%).\r\n\r\nWhen it is full, new mail for you is no longer accepted.\r\n")
                + "\r\nTo make room, delete messages you no longer need, large ones first, and empty the\r\n"
                + "Trash: deleted messages count until they leave it.\r\n";
        String text = "From: Mail System <postmaster@" + hostname + ">\r\n"
                + "To: <" + address + ">\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().atOffset(ZoneOffset.UTC)) + "\r\n"
                + "Message-ID: <" + UUID.randomUUID() + "@" + hostname + ">\r\n"
                + "Auto-Submitted: auto-generated\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n" + body;
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (registration != null) {
            registration.close();
        }
        if (refresher != null) {
            refresher.shutdownNow();
        }
        worker.shutdownNow();
    }
}
