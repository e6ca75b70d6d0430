package dev.tern.mailimport;

import dev.tern.mailbox.MailboxException;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MessageService;
import dev.tern.store.Rows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Imports the mail of a Maildir or an mbox file into an account, as {@code doveadm import} does:
 * each folder into the mailbox of its name (made when missing), each message with its flags and
 * the time it arrived there, appended after what the mailbox holds. The files are only read.
 * Nothing is skipped silently: a file that cannot be read is named in the result. A message the
 * mailbox holds already (the same content: an import run again) is counted, not added
 * ({@link PresentMessages}). A mailbox the import makes is subscribed, as the Maildir's own
 * subscriptions file says when it has one.
 */
public final class MailImport {

    /**
     * What an import did.
     *
     * @param messages messages appended, by mailbox, in the order the mailboxes were filled
     * @param bytes    their size as stored
     * @param present  messages not appended because their mailbox held them already
     * @param pop3Ids  messages added to INBOX with the POP3 id they had on the server they come from
     * @param skipped  the files that could not be imported, each with the reason
     */
    public record Result(Map<String, Integer> messages, long bytes, int present, int pop3Ids, List<String> skipped) {
        public int total() {
            return messages.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final MailboxService mailboxes;
    private final MessageService messages;

    public MailImport(MailboxService mailboxes) {
        this.mailboxes = mailboxes;
        this.messages = mailboxes.messageService();
    }

    /**
     * Imports a Maildir (a directory with {@code cur}) or an mbox file.
     *
     * @param into     for a Maildir, the mailbox of its top folder and the parent of its subfolders
     *                 (null: INBOX, and the subfolders at the top level); for an mbox, its
     *                 mailbox (null: INBOX)
     * @param progress told of each mailbox as its import ends
     * @throws IOException when {@code path} is neither, or cannot be read
     */
    public Result from(long accountId, Path path, String into, Consumer<String> progress) throws IOException {
        return from(accountId, path, into, Pop3UidlFormat.DOVECOT_DEFAULT, progress);
    }

    /**
     * As {@link #from(long, Path, String, Consumer)}, the messages added to INBOX keeping the POP3
     * ids the server they come from gave them: one it saved (Dovecot's {@code P} entries in
     * {@code dovecot-uidlist}, an mbox's {@code X-UIDL} field), else one made by its
     * {@code pop3_uidl_format} from what Dovecot recorded ({@link Pop3UidlFormat}).
     *
     * @param pop3UidlFormat Dovecot's {@code pop3_uidl_format} on that server; null to keep none
     * @throws IllegalArgumentException when the format cannot be read
     */
    public Result from(long accountId, Path path, String into, String pop3UidlFormat, Consumer<String> progress)
            throws IOException {
        Pop3UidlFormat format = pop3UidlFormat == null ? null : Pop3UidlFormat.parse(pop3UidlFormat);
        try {
            return read(accountId, path, into, format, progress);
        } catch (UncheckedIOException e) {
            throw e.getCause();   // a message already in the mailbox could not be read to compare it
        }
    }

    private Result read(long accountId, Path path, String into, Pop3UidlFormat format, Consumer<String> progress)
            throws IOException {
        if (Files.isDirectory(path)) {
            if (!MaildirFolders.isMaildir(path)) {
                throw new IOException(path + " is a directory without cur/: not a Maildir");
            }
            return fromMaildir(accountId, path, into, format, progress);
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": no such file or directory");
        }
        return fromMbox(accountId, path, into == null ? MailboxService.INBOX : into, format, progress);
    }

    private Result fromMaildir(long accountId, Path root, String into, Pop3UidlFormat format, Consumer<String> progress)
            throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        long bytes = 0;
        int presentTotal = 0;
        int pop3Ids = 0;
        Set<String> subscribed = MaildirFolders.subscriptions(root);
        for (MaildirFolders.Folder folder : MaildirFolders.folders(root)) {
            String name = folder.name().isEmpty() ? (into == null ? MailboxService.INBOX : into)
                    : into == null ? folder.name() : into + "/" + folder.name();
            Rows.Mailbox mailbox = mailbox(accountId, name,
                    folder.name().isEmpty() || subscribed == null || subscribed.contains(folder.name()));
            PresentMessages present = new PresentMessages(messages, mailbox.id());
            Pop3Ids ids = new Pop3Ids(mailbox, format);
            int n = 0;
            int there = 0;
            for (MaildirFolders.MessageFile f : MaildirFolders.messages(folder)) {
                try {
                    if (!present.isEmpty() && isPresent(present, f.path())) {
                        there++;
                        continue;
                    }
                    try (CrlfInputStream in = new CrlfInputStream(Files.newInputStream(f.path()))) {
                        long uid = messages.append(mailbox.id(), in, f.flags(), f.modified().toInstant()).uid();
                        ids.add(uid, f.savedPop3Uidl(), f.uid(), f.uidValidity(), f.base());
                        bytes += in.count();
                        n++;
                    }
                } catch (IOException e) {
                    skipped.add(f.path() + ": " + e.getMessage());
                }
            }
            counts.merge(mailbox.name(), n, Integer::sum);
            presentTotal += there;
            pop3Ids += ids.keep();
            progress.accept(report(mailbox.name(), n, there));
        }
        return new Result(counts, bytes, presentTotal, pop3Ids, skipped);
    }

    /**
     * The POP3 ids of the messages an import adds to INBOX (POP3 reads nothing else), kept in one
     * transaction once the mailbox is done.
     */
    private final class Pop3Ids {
        private final Rows.Mailbox mailbox;
        private final Pop3UidlFormat format;
        private final Map<Long, String> byUid = new java.util.HashMap<>();

        Pop3Ids(Rows.Mailbox mailbox, Pop3UidlFormat format) {
            this.mailbox = mailbox;
            this.format = mailbox.name().equals(MailboxService.INBOX) ? format : null;
        }

        /**
         * @param saved       an id the other server saved for the message, or null
         * @param sourceUid   its UID there (0: unknown)
         * @param uidValidity its mailbox's UIDVALIDITY there (0: unknown)
         * @param fileBase    its Maildir file name without flags, or null
         */
        void add(long uid, String saved, long sourceUid, long uidValidity, String fileBase) {
            if (format == null) {
                return;
            }
            String id = saved != null && MessageService.isPop3Uidl(saved) ? saved
                    : format.expand(sourceUid, uidValidity, fileBase);
            if (id != null) {
                byUid.put(uid, id);
            }
        }

        /** Stores them; how many. */
        int keep() {
            messages.setPop3Uidls(mailbox.id(), byUid);
            return byUid.size();
        }
    }

    /** Reads a Maildir file as it would be stored (CRLF line ends) and asks whether the mailbox has it. */
    private static boolean isPresent(PresentMessages present, Path file) throws IOException {
        MessageDigest digest = PresentMessages.sha256();
        try (CrlfInputStream in = new CrlfInputStream(Files.newInputStream(file))) {
            byte[] buffer = new byte[16384];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return present.claim(in.count(), digest.digest());
        }
    }

    private static String report(String mailbox, int added, int present) {
        return mailbox + ": " + added + " message(s)" + (present > 0 ? ", " + present + " already there" : "");
    }

    private Result fromMbox(long accountId, Path file, String into, Pop3UidlFormat format, Consumer<String> progress)
            throws IOException {
        Rows.Mailbox mailbox = mailbox(accountId, into, true);
        PresentMessages present = new PresentMessages(messages, mailbox.id());
        Pop3Ids ids = new Pop3Ids(mailbox, format);
        int n = 0;
        int there = 0;
        long bytes = 0;
        Instant fallback = Files.getLastModifiedTime(file).toInstant();
        try (MboxReader reader = new MboxReader(Files.newInputStream(file))) {
            MboxReader.Message m;
            while ((m = reader.next()) != null) {
                if (!present.isEmpty()
                        && present.claim(m.content().length, PresentMessages.sha256().digest(m.content()))) {
                    there++;
                    continue;
                }
                Instant at = m.receivedAt() != null ? m.receivedAt() : fallback;
                long uid = messages.append(mailbox.id(), m.content(), m.flags(), at).uid();
                ids.add(uid, m.xUidl(), m.uid(), reader.uidValidity(), null);
                bytes += m.content().length;
                n++;
            }
        }
        int pop3Ids = ids.keep();
        progress.accept(report(mailbox.name(), n, there));
        return new Result(Map.of(mailbox.name(), n), bytes, there, pop3Ids, List.of());
    }

    /**
     * The mailbox of that name, made when missing (or when only a \Noselect name is left of it),
     * and then subscribed when {@code subscribe} says so: mail clients such as Thunderbird show only
     * subscribed mailboxes. One that was there keeps its subscription as its user left it.
     */
    private Rows.Mailbox mailbox(long accountId, String name, boolean subscribe) {
        return mailboxes.mailbox(accountId, name).filter(Rows.Mailbox::selectable)
                .orElseGet(() -> {
                    try {
                        Rows.Mailbox made = mailboxes.create(accountId, name, null);
                        if (subscribe) {
                            mailboxes.subscribe(accountId, made.name());
                        }
                        return made;
                    } catch (MailboxException e) {
                        throw new IllegalArgumentException("cannot make mailbox " + name + ": " + e.getMessage());
                    }
                });
    }
}
