package dev.tern.imap.server;

import dev.tern.auth.AuthenticatedUser;
import dev.tern.imap.protocol.HeaderFieldFilter;
import dev.tern.imap.protocol.ImapUrl;
import dev.tern.imap.protocol.MessageStructure;
import dev.tern.imap.protocol.Section;
import dev.tern.imap.protocol.SectionLocator;
import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.MessageService;
import dev.tern.mailbox.MessageUpload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The {@code URL} parts of a CATENATE APPEND (RFC 4469): resolves an IMAP URL (RFC 5092,
 * {@link ImapUrl}) to a message or a section of one and copies its octets into the message being
 * put together, on the storage executor, in order with its {@code TEXT} parts ({@link UploadPipe}).
 *
 * <p>A URL names this server's messages only: a relative one ({@code /INBOX;UIDVALIDITY=…/;UID=…})
 * or an absolute one whose host is this server's name and whose user, if it names one, is the
 * session's. Its mailbox is reached as the session's user reaches it, through
 * {@link MailboxAccess} (their own mailboxes and those shared with them), and the user needs the
 * read right there: a URL is never a way around the ACL. Sections are found with the FETCH code
 * ({@link SectionLocator} over the kept structure), so {@code ;SECTION=1.MIME} gives what
 * {@code BODY[1.MIME]} gives. Everything that does not resolve is {@code NO [BADURL url]}; a
 * mailbox the user may not read is told as one that does not exist, and UIDVALIDITY is compared
 * only after the read right, so nothing of other accounts shows.
 */
final class CatenateUrls {

    private static final int COPY_CHUNK = 64 * 1024;

    private CatenateUrls() {
    }

    /** The writer that appends what {@code url} names, keeping the message within {@code limit} octets. */
    static UploadPipe.Writer part(ImapContext context, AuthenticatedUser user, String url, long limit) {
        return upload -> copy(context, user, url, limit, upload);
    }

    private static void copy(ImapContext context, AuthenticatedUser user, String url, long limit,
                             MessageUpload upload) throws IOException {
        ImapUrl u;
        try {
            u = ImapUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw CatenateFailure.badUrl(url, e.getMessage());
        }
        if (u.host() != null && !u.host().equalsIgnoreCase(context.hostname())) {
            throw CatenateFailure.badUrl(url, "the URL names another server");
        }
        if (u.user() != null && !u.user().equalsIgnoreCase(user.address())) {
            throw CatenateFailure.badUrl(url, "the URL names another user");
        }
        MailboxAccess.Reached reached = context.mailboxes().access().find(user.accountId(), u.mailbox())
                .filter(r -> r.rights().has('r')).orElse(null);
        if (reached == null) {
            throw CatenateFailure.badUrl(url, "no such message, or no right to read it");
        }
        if (u.uidValidity() != null && u.uidValidity() != reached.mailbox().uidValidity()) {
            throw CatenateFailure.badUrl(url, "the mailbox's UIDVALIDITY has changed");
        }
        MessageService messages = context.mailboxes().messageService();
        MessageEntry m = messages.message(reached.mailbox().id(), u.uid()).orElse(null);
        if (m == null) {
            throw CatenateFailure.badUrl(url, "no such message, or no right to read it");
        }
        SectionLocator.SectionRange range;
        if (u.section().equals(Section.WHOLE)) {
            range = new SectionLocator.SectionRange(0, m.size(), null, false);
        } else {
            MessageStructure structure = StoredStructures.of(messages, m);
            range = SectionLocator.locate(structure, u.section());
            if (range == null) {
                throw CatenateFailure.badUrl(url, "the message has no such section");
            }
        }
        if (range.filtered()) {
            if (range.length() > limit) {
                // Read whole to be filtered: a header longer than a message may be is not.
                throw CatenateFailure.tooBig(limit);
            }
            byte[] kept;
            try (HeaderFieldFilter f = new HeaderFieldFilter(
                    new ByteArrayInputStream(read(messages, m, range.start(), range.length())), range.fields(), range.exclude())) {
                kept = f.readAllBytes();
            }
            if (u.partial() != null) {
                int from = (int) Math.min(kept.length, u.partial().offset());
                int to = from + (int) Math.min(kept.length - from, u.partial().length());
                kept = Arrays.copyOfRange(kept, from, to);
            }
            checkRoom(upload, kept.length, limit);
            upload.write(ByteBuffer.wrap(kept));
            return;
        }
        SectionLocator.SectionRange part = range.partial(u.partial());
        checkRoom(upload, part.length(), limit);
        try (InputStream in = messages.open(m)) {
            in.skipNBytes(part.start());
            byte[] chunk = new byte[(int) Math.min(COPY_CHUNK, Math.max(1, part.length()))];
            long left = part.length();
            while (left > 0) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (n < 0) {
                    throw new IOException("stored message shorter than its size");
                }
                upload.write(ByteBuffer.wrap(chunk, 0, n));
                left -= n;
            }
        }
    }

    private static void checkRoom(MessageUpload upload, long adding, long limit) {
        if (upload.size() + adding > limit) {
            throw CatenateFailure.tooBig(limit);
        }
    }

    private static byte[] read(MessageService messages, MessageEntry m, long start, long length) throws IOException {
        try (InputStream in = messages.open(m)) {
            in.skipNBytes(start);
            return in.readNBytes((int) Math.min(length, Integer.MAX_VALUE - 8));
        }
    }
}
