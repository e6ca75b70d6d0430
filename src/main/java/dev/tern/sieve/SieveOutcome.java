package dev.tern.sieve;

import dev.tern.mailbox.Flags;
import dev.tern.sieve.commands.TrackedId;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a script decided for one message (RFC 5228 §2.10): the actions local delivery carries out
 * in the transaction that files it. A message no action keeps, files, redirects or rejects is
 * discarded.
 *
 * @param copies    the copies to file, each mailbox once, the default mailbox's (keep) first, then
 *                  those of fileinto in order; each with the flags it is filed with (RFC 5232)
 * @param redirects addresses to send the message on to, each once, in order
 * @param reject    the reason to refuse the message with (RFC 5429), or null
 * @param vacation  the vacation reply the script asked for, or null
 * @param notifications the notifications the script asked for (RFC 5435), each method once
 * @param duplicates the ids the script's duplicate tests saw, to remember once the message is
 *                   delivered (RFC 7352 §3); none when the script failed
 * @param error     why the script failed while it ran, or null; a failed script keeps the message
 *                  as it came, without the edits of editheader (RFC 5293 §7)
 * @param editedRedirects the header each redirect sends the message with, by address, for those
 *                  the script had edited the header before (RFC 5293 §7); the others send it as it came
 */
public record SieveOutcome(List<Copy> copies, List<String> redirects, String reject, VacationRequest vacation,
                           List<NotifyRequest> notifications, List<TrackedId> duplicates, String error,
                           Map<String, EditedHeader> editedRedirects) {

    /**
     * One copy of the message to file.
     *
     * @param mailbox the mailbox a fileinto names, as written; null for the default mailbox (INBOX,
     *                or Junk for quarantined mail): an explicit keep, or the implicit keep
     * @param flags   the flags the copy is filed with
     * @param header  the header the copy is filed with when the script had edited it by the time
     *                it filed the copy (RFC 5293 §7), else null: the message as it came
     */
    public record Copy(String mailbox, Flags flags, EditedHeader header) {

        /** The default mailbox's copy without flags: what keeps a message when no script decides. */
        public static final Copy KEEP = new Copy(null, Flags.NONE);

        public Copy {
            Objects.requireNonNull(flags);
        }

        /** A copy of the message as it came. */
        public Copy(String mailbox, Flags flags) {
            this(mailbox, flags, null);
        }
    }

    public SieveOutcome {
        copies = List.copyOf(copies);
        redirects = List.copyOf(redirects);
        notifications = List.copyOf(notifications);
        duplicates = List.copyOf(duplicates);
        editedRedirects = Map.copyOf(editedRedirects);
    }

    /** An outcome whose redirects send the message as it came. */
    public SieveOutcome(List<Copy> copies, List<String> redirects, String reject, VacationRequest vacation,
                        List<NotifyRequest> notifications, List<TrackedId> duplicates, String error) {
        this(copies, redirects, reject, vacation, notifications, duplicates, error, Map.of());
    }

    /** The outcome of a script that failed: the implicit keep and nothing else (RFC 5228 §2.10.6). */
    public static SieveOutcome failed(String error) {
        return new SieveOutcome(List.of(Copy.KEEP), List.of(), null, null, List.of(), List.of(), error);
    }

    /** The outcome when there is no script: the message goes to the default mailbox. */
    public static SieveOutcome keepOnly() {
        return new SieveOutcome(List.of(Copy.KEEP), List.of(), null, null, List.of(), List.of(), null);
    }

    /** Whether a copy goes to the default mailbox: an explicit keep, or the implicit keep. */
    public boolean keep() {
        return copies.stream().anyMatch(c -> c.mailbox() == null);
    }

    /** The flags of the default mailbox's copy; none when there is no such copy. */
    public Flags keepFlags() {
        return copies.stream().filter(c -> c.mailbox() == null).map(Copy::flags).findFirst().orElse(Flags.NONE);
    }

    /** The mailboxes fileinto names, each once, in order. */
    public List<String> fileInto() {
        return copies.stream().map(Copy::mailbox).filter(Objects::nonNull).toList();
    }

    /** The flags of the copy filed into this mailbox (as the script named it); null when there is none. */
    public Flags fileIntoFlags(String mailbox) {
        return copies.stream().filter(c -> mailbox.equals(c.mailbox())).map(Copy::flags).findFirst().orElse(null);
    }

    /** Whether nothing keeps, files, forwards or refuses the message. */
    public boolean discarded() {
        return copies.isEmpty() && redirects.isEmpty() && reject == null;
    }

    /** One line for the delivery log: "fileinto Lists (\Seen), redirect a@b.example, vacation". */
    public String summary() {
        List<String> parts = new java.util.ArrayList<>();
        for (Copy c : copies) {
            parts.add((c.mailbox() == null ? "keep" : "fileinto " + c.mailbox())
                    + (c.flags().isEmpty() ? "" : " " + c.flags()) + (c.header() == null ? "" : " (header edited)"));
        }
        redirects.forEach(a -> parts.add("redirect " + a + (editedRedirects.containsKey(a) ? " (header edited)" : "")));
        if (reject != null) {
            parts.add("reject");
        }
        if (vacation != null) {
            parts.add("vacation");
        }
        notifications.forEach(n -> parts.add("notify " + String.join(",", n.recipients())));
        if (discarded()) {
            parts.add("discard");
        }
        if (error != null) {
            parts.add("error: " + error);
        }
        return String.join(", ", parts);
    }
}
