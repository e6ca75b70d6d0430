package dev.tern.mailbox;

import java.util.List;

/**
 * The UIDs expunged from a mailbox since a MODSEQ, as far as they are still known.
 *
 * @param uids     ascending
 * @param complete false when UIDs expunged since that MODSEQ were already forgotten: then any UID
 *                 below UIDNEXT that is not in the mailbox may have been expunged since
 */
public record ExpungedUids(List<Long> uids, boolean complete) {

    public ExpungedUids {
        uids = List.copyOf(uids);
    }
}
