package dev.tern.mailbox;

import java.util.List;

/**
 * What changed in a mailbox since a MODSEQ, read in one transaction: messages that arrived or
 * whose flags changed, and UIDs expunged.
 *
 * @param changed       the messages whose MODSEQ is above it, ascending UID
 * @param expunged      the UIDs expunged since, ascending
 * @param highestModSeq the highest MODSEQ among those, or the MODSEQ asked about when there are none
 * @param complete      false when expunged UIDs of that time were already forgotten
 *                      ({@link MessageService#EXPUNGED_KEPT}): the changes cannot be told from them
 */
public record MailboxChanges(List<MessageSummary> changed, List<Long> expunged, long highestModSeq,
                             boolean complete) {

    public MailboxChanges {
        changed = List.copyOf(changed);
        expunged = List.copyOf(expunged);
    }

    public boolean isEmpty() {
        return changed.isEmpty() && expunged.isEmpty();
    }
}
