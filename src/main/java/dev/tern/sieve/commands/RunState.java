package dev.tern.sieve.commands;

import dev.tern.mailbox.Flags;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.time.Clock;

/**
 * What Tern's commands and tests read and change besides jSieve's view of the message: the
 * internal flag variable of RFC 5232 §3 (empty when a run starts, since a message being delivered
 * has no flags yet), the variables of RFC 5229, whether the account has a mailbox (RFC 5490 §3.1),
 * and the clock the date tests read (RFC 5260 §4.1.1, §5).
 */
public interface RunState {

    /** The flags the internal variable holds now. */
    Flags flags();

    /** Replaces the flags the internal variable holds. */
    void setFlags(Flags flags);

    /**
     * The recipient delimiter of plus addressing ({@code [delivery] recipient_delimiter}) that
     * {@code :user} and {@code :detail} split local parts at (RFC 5233); "" when it is off.
     */
    String recipientDelimiter();

    /**
     * The variables of the script running now (RFC 5229); {@link Variables#DISABLED} when it did not
     * require them.
     */
    Variables variables();

    /** Makes these the variables of the script running now: an included one's, or back to its includer's. */
    void useVariables(Variables variables);

    /** The scripts the run includes (RFC 6609). */
    Includes includes();

    /**
     * Whether an earlier delivery to the account saw this key in its duplicate test (RFC 7352) and
     * still remembers it.
     */
    boolean duplicateSeen(String key);

    /** A key the duplicate test saw, to be remembered if the run succeeds. */
    void trackDuplicate(TrackedId id);

    /**
     * The name of the account's mailbox with this special use ({@code \Junk}, RFC 6154) that takes
     * mail, or null (RFC 8579).
     */
    String specialUseMailbox(String attribute);

    /** The name of the account's mailbox with this MAILBOXID (RFC 8474) that takes mail, or null (RFC 9042). */
    String mailboxById(String mailboxId);

    /** Whether the account's mailbox of that name has this special use (RFC 8579 §3). */
    boolean hasSpecialUse(String mailbox, String attribute);

    /** The mailbox addresses of one header field's value, a group's members each (RFC 5228 §5.1). */
    java.util.List<org.apache.jsieve.mail.MailAdapter.Address> addressesIn(String fieldValue);

    /**
     * The content scan's verdict when Tern received the message (RFC 5235): its score over the
     * scanner's threshold, from 0 to 1, or null when it was not scanned.
     */
    Double spamLevel();

    /**
     * An item of the environment (RFC 5183 §4), its name in lower case; null for one Tern does not
     * know.
     */
    String environment(String name);

    /** Whether the account has a mailbox of this name that mail can be filed into. */
    boolean mailboxExists(String name);

    /**
     * The instant the run started and the server's zone: "now" for {@code currentdate}, the same
     * throughout one run (RFC 5260 §5), and the local zone dates are shown in by default.
     */
    Clock clock();

    /**
     * {@code addheader} (RFC 5293 §4): a field at the top of the header, or with {@code last} at
     * its bottom, seen by the tests from now on. A protected field (RFC 5293 §6) is left alone
     * without an error.
     *
     * @throws IllegalArgumentException a name that is no field name, a value with control
     *                                  characters or too long, or one edit too many
     */
    void addHeader(String name, String value, boolean last);

    /**
     * {@code deleteheader} (RFC 5293 §5): removes the occurrences of a field at these positions,
     * counted from 0 at the top among the fields of that name as {@link MailAdapter#getMatchingHeader}
     * gives them now. A protected field is left alone without an error.
     *
     * @throws IllegalArgumentException a name that is no field name, or one edit too many
     */
    void deleteHeader(String name, java.util.Set<Integer> positions);

    /** The run's state, which Tern's message adapter keeps. */
    static RunState of(MailAdapter mail, SieveContext context) throws SieveException {
        if (mail instanceof RunState state) {
            return state;
        }
        throw context.getCoordinate().commandException("the message does not keep flags or know mailboxes");
    }
}
