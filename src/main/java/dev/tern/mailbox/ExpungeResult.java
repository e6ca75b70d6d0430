package dev.tern.mailbox;

import java.util.List;

/** UIDs expunged, ascending, and the MODSEQ of the expunge (0 when nothing was expunged). */
public record ExpungeResult(List<Long> uids, long modSeq) {
}
