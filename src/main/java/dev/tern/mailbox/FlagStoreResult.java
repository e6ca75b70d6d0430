package dev.tern.mailbox;

import java.util.List;

/**
 * What a STORE did.
 *
 * @param changed  the messages whose flags changed, with their new flags and MODSEQ
 * @param modified UIDs left alone because their MODSEQ was above UNCHANGEDSINCE (the MODIFIED
 *                 response code, RFC 7162 §3.1.3)
 */
public record FlagStoreResult(List<MailboxEvents.FlagChange> changed, List<Long> modified) {
}
