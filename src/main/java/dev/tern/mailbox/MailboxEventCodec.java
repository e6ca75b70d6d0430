package dev.tern.mailbox;

import dev.tern.store.MetadataStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Mailbox events as short text, for the other nodes that share the store. One event may take
 * several payloads (a STORE on thousands of messages); each payload is a complete event of its
 * own kind, so a receiver never waits for the rest.
 *
 * <pre>
 * N account mailbox uid modseq
 * F account mailbox            then one line per message: uid modseq systemBits keyword…
 * E account mailbox modseq     then one line of UIDs separated by spaces
 * R account mailbox
 * </pre>
 */
final class MailboxEventCodec {

    private static final int MAX = MetadataStore.MAX_SIGNAL;

    private MailboxEventCodec() {
    }

    static List<String> encode(Object event) {
        if (event instanceof MailboxEvents.NewMessage n) {
            return List.of("N " + n.accountId() + " " + n.mailboxId() + " " + n.uid() + " " + n.modSeq());
        }
        if (event instanceof MailboxEvents.MailboxRemoved r) {
            return List.of("R " + r.accountId() + " " + r.mailboxId());
        }
        if (event instanceof MailboxEvents.FlagsChanged f) {
            String head = "F " + f.accountId() + " " + f.mailboxId();
            List<String> lines = new ArrayList<>();
            for (MailboxEvents.FlagChange c : f.changes()) {
                String keywords = c.flags().keywordText();
                lines.add(c.uid() + " " + c.modSeq() + " " + c.flags().systemBits()
                        + (keywords.isEmpty() ? "" : " " + keywords));
            }
            return chunk(head, lines, "\n");
        }
        if (event instanceof MailboxEvents.Expunged e) {
            String head = "E " + e.accountId() + " " + e.mailboxId() + " " + e.modSeq();
            return chunk(head, e.uids().stream().map(String::valueOf).toList(), " ");
        }
        throw new IllegalArgumentException("not a mailbox event: " + event);
    }

    /** Payloads of {@code head} and as many items each as fit; the first item follows a newline. */
    private static List<String> chunk(String head, List<String> items, String separator) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder(head);
        int inThis = 0;
        for (String item : items) {
            if (inThis > 0 && b.length() + separator.length() + item.length() > MAX) {
                out.add(b.toString());
                b = new StringBuilder(head);
                inThis = 0;
            }
            b.append(inThis == 0 ? "\n" : separator).append(item);
            inThis++;
        }
        if (inThis > 0) {
            out.add(b.toString());
        }
        return out;
    }

    /** The event in a payload; throws IllegalArgumentException when it is not one. */
    static Object decode(String payload) {
        String[] lines = payload.split("\n");
        String[] head = lines[0].split(" ");
        try {
            long account = Long.parseLong(head[1]);
            long mailbox = Long.parseLong(head[2]);
            switch (head[0]) {
                case "N":
                    return new MailboxEvents.NewMessage(account, mailbox, Long.parseLong(head[3]), Long.parseLong(head[4]));
                case "R":
                    return new MailboxEvents.MailboxRemoved(account, mailbox);
                case "F": {
                    List<MailboxEvents.FlagChange> changes = new ArrayList<>();
                    for (int i = 1; i < lines.length; i++) {
                        String[] f = lines[i].split(" ", 4);
                        changes.add(new MailboxEvents.FlagChange(Long.parseLong(f[0]),
                                Flags.fromStored(Integer.parseInt(f[2]), f.length > 3 ? f[3] : ""), Long.parseLong(f[1])));
                    }
                    return new MailboxEvents.FlagsChanged(account, mailbox, List.copyOf(changes));
                }
                case "E": {
                    List<Long> uids = new ArrayList<>();
                    if (lines.length > 1) {
                        for (String u : lines[1].split(" ")) {
                            uids.add(Long.parseLong(u));
                        }
                    }
                    return new MailboxEvents.Expunged(account, mailbox, List.copyOf(uids), Long.parseLong(head[3]));
                }
                default:
                    throw new IllegalArgumentException("unknown mailbox event \"" + head[0] + "\"");
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("malformed mailbox event: " + lines[0], e);
        }
    }
}
