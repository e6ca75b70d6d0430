package dev.tern.mailimport;

import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.MessageService;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The messages a mailbox held before an import, so that importing the same source again (a first
 * copy days before a move, a last one at the move) adds only what is new. A message of the source
 * is already there when the mailbox holds one with the same content, byte for byte; each message
 * present answers for one message of the source, so a source that holds a message twice still
 * ends with it twice.
 *
 * <p>Contents are compared by SHA-256, and only those of the sizes the source brings are read:
 * a first import into an empty mailbox reads nothing.
 */
final class PresentMessages {

    private final MessageService messages;
    /** Not yet matched, by content size (without the header prefix delivery adds). */
    private final Map<Long, List<MessageEntry>> bySize = new HashMap<>();
    private final Map<Long, byte[]> digests = new HashMap<>();

    PresentMessages(MessageService messages, long mailboxId) {
        this.messages = messages;
        for (MessageEntry m : messages.messages(mailboxId)) {
            bySize.computeIfAbsent(m.size() - m.prefixLength(), k -> new ArrayList<>()).add(m);
        }
    }

    boolean isEmpty() {
        return bySize.isEmpty();
    }

    /**
     * True when an unmatched message of this size and content is present; it is then matched, and
     * answers for no other.
     */
    boolean claim(long size, byte[] sha256) {
        List<MessageEntry> candidates = bySize.get(size);
        if (candidates == null) {
            return false;
        }
        for (Iterator<MessageEntry> it = candidates.iterator(); it.hasNext(); ) {
            MessageEntry m = it.next();
            if (MessageDigest.isEqual(digest(m), sha256)) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    private byte[] digest(MessageEntry m) {
        return digests.computeIfAbsent(m.id(), id -> {
            try (InputStream in = messages.openContent(m)) {
                MessageDigest d = sha256();
                byte[] buffer = new byte[16384];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    d.update(buffer, 0, n);
                }
                return d.digest();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read message " + m.uid() + " of the mailbox to compare it", e);
            }
        });
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
