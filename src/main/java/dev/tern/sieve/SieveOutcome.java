package dev.tern.sieve;

import java.util.List;

/**
 * What a script decided for one message (RFC 5228 §2.10): the actions local delivery carries out
 * in the transaction that files it. A message no action keeps, files, redirects or rejects is
 * discarded.
 *
 * @param keep      file a copy into the default mailbox (INBOX, or Junk for quarantined mail):
 *                  an explicit keep, or the implicit keep
 * @param fileInto  mailboxes to file a copy into, each once, in order
 * @param redirects addresses to send the message on to, each once, in order
 * @param reject    the reason to refuse the message with (RFC 5429), or null
 * @param vacation  the vacation reply the script asked for, or null
 * @param error     why the script failed while it ran, or null; a failed script keeps the message
 */
public record SieveOutcome(boolean keep, List<String> fileInto, List<String> redirects, String reject,
                           VacationRequest vacation, String error) {

    public SieveOutcome {
        fileInto = List.copyOf(fileInto);
        redirects = List.copyOf(redirects);
    }

    /** The outcome of a script that failed: the implicit keep and nothing else (RFC 5228 §2.10.6). */
    public static SieveOutcome failed(String error) {
        return new SieveOutcome(true, List.of(), List.of(), null, null, error);
    }

    /** The outcome when there is no script: the message goes to the default mailbox. */
    public static SieveOutcome keepOnly() {
        return new SieveOutcome(true, List.of(), List.of(), null, null, null);
    }

    /** Whether nothing keeps, files, forwards or refuses the message. */
    public boolean discarded() {
        return !keep && fileInto.isEmpty() && redirects.isEmpty() && reject == null;
    }

    /** One line for the delivery log: "fileinto Lists, redirect a@b.example, vacation". */
    public String summary() {
        List<String> parts = new java.util.ArrayList<>();
        if (keep) {
            parts.add("keep");
        }
        fileInto.forEach(m -> parts.add("fileinto " + m));
        redirects.forEach(a -> parts.add("redirect " + a));
        if (reject != null) {
            parts.add("reject");
        }
        if (vacation != null) {
            parts.add("vacation");
        }
        if (discarded()) {
            parts.add("discard");
        }
        if (error != null) {
            parts.add("error: " + error);
        }
        return String.join(", ", parts);
    }
}
