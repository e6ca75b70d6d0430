package dev.tern.mailbox;

import dev.tern.config.RetentionSettings;
import dev.tern.store.MetadataStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Empties every account's Trash and Junk (the mailboxes of special use {@code \Trash} and
 * {@code \Junk}) of the messages put there longer ago than {@code [retention]} says, as Dovecot's
 * {@code autoexpunge} does: counted from each message's save date (when it was delivered, moved or
 * copied there, RFC 8514), not from its internal date, so that old mail deleted today stays in
 * Trash for the whole period. Messages of unknown save date are never removed.
 *
 * <p>Removal goes through {@link MessageService#remove}, as an expunge: the mailbox's counts and
 * the account's quota usage move, IMAP sessions on the mailbox are told, contents no message
 * refers to any more are freed. Safe to run on several nodes at once: a message already removed is
 * skipped.
 */
public final class MailboxRetention {

    /** Messages taken per round; rounds repeat until none is left. */
    static final int ROUND = 10_000;

    private final MetadataStore store;
    private final MessageService messages;
    private final RetentionSettings settings;
    private final Clock clock;

    public MailboxRetention(MetadataStore store, MessageService messages, RetentionSettings settings, Clock clock) {
        this.store = store;
        this.messages = messages;
        this.settings = settings;
        this.clock = clock;
    }

    /** Removes what is due now; returns how many messages went. */
    public int sweep() {
        Instant now = clock.instant();
        return sweep("\\Trash", settings.trash(), now) + sweep("\\Junk", settings.junk(), now);
    }

    private int sweep(String specialUse, Duration keep, Instant now) {
        if (keep.isZero()) {
            return 0;
        }
        Instant cutoff = now.minus(keep);
        int removed = 0;
        while (true) {
            Map<Long, List<Long>> due = store.read(tx -> tx.mailboxes().savedBefore(specialUse, cutoff, ROUND));
            int found = due.values().stream().mapToInt(List::size).sum();
            int round = 0;
            for (Map.Entry<Long, List<Long>> e : due.entrySet()) {
                try {
                    round += messages.remove(e.getKey(), e.getValue()).uids().size();
                } catch (MailboxException gone) {
                    // deleted with its account or by its user meanwhile: nothing left to do there
                }
            }
            removed += round;
            if (found < ROUND || round == 0) {
                return removed;
            }
        }
    }
}
