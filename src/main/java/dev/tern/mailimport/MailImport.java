package dev.tern.mailimport;

import dev.tern.mailbox.MailboxException;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MessageService;
import dev.tern.store.Rows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Imports the mail of a Maildir or an mbox file into an account, as {@code doveadm import} does:
 * each folder into the mailbox of its name (made when missing), each message with its flags and
 * the time it arrived there, appended after what the mailbox holds. The files are only read.
 * Nothing is skipped silently: a file that cannot be read is named in the result.
 */
public final class MailImport {

    /**
     * What an import did.
     *
     * @param messages messages appended, by mailbox, in the order the mailboxes were filled
     * @param bytes    their size as stored
     * @param skipped  the files that could not be imported, each with the reason
     */
    public record Result(Map<String, Integer> messages, long bytes, List<String> skipped) {
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
        if (Files.isDirectory(path)) {
            if (!MaildirFolders.isMaildir(path)) {
                throw new IOException(path + " is a directory without cur/: not a Maildir");
            }
            return fromMaildir(accountId, path, into, progress);
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": no such file or directory");
        }
        return fromMbox(accountId, path, into == null ? MailboxService.INBOX : into, progress);
    }

    private Result fromMaildir(long accountId, Path root, String into, Consumer<String> progress) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        long bytes = 0;
        for (MaildirFolders.Folder folder : MaildirFolders.folders(root)) {
            String name = folder.name().isEmpty() ? (into == null ? MailboxService.INBOX : into)
                    : into == null ? folder.name() : into + "/" + folder.name();
            Rows.Mailbox mailbox = mailbox(accountId, name);
            int n = 0;
            for (MaildirFolders.MessageFile f : MaildirFolders.messages(folder)) {
                try (CrlfInputStream in = new CrlfInputStream(Files.newInputStream(f.path()))) {
                    messages.append(mailbox.id(), in, f.flags(), f.modified().toInstant());
                    bytes += in.count();
                    n++;
                } catch (IOException e) {
                    skipped.add(f.path() + ": " + e.getMessage());
                }
            }
            counts.merge(mailbox.name(), n, Integer::sum);
            progress.accept(mailbox.name() + ": " + n + " message(s)");
        }
        return new Result(counts, bytes, skipped);
    }

    private Result fromMbox(long accountId, Path file, String into, Consumer<String> progress) throws IOException {
        Rows.Mailbox mailbox = mailbox(accountId, into);
        int n = 0;
        long bytes = 0;
        Instant fallback = Files.getLastModifiedTime(file).toInstant();
        try (MboxReader reader = new MboxReader(Files.newInputStream(file))) {
            MboxReader.Message m;
            while ((m = reader.next()) != null) {
                Instant at = m.receivedAt() != null ? m.receivedAt() : fallback;
                messages.append(mailbox.id(), m.content(), m.flags(), at);
                bytes += m.content().length;
                n++;
            }
        }
        progress.accept(mailbox.name() + ": " + n + " message(s)");
        return new Result(Map.of(mailbox.name(), n), bytes, List.of());
    }

    /** The mailbox of that name, made when missing (or when only a \Noselect name is left of it). */
    private Rows.Mailbox mailbox(long accountId, String name) {
        return mailboxes.mailbox(accountId, name).filter(Rows.Mailbox::selectable)
                .orElseGet(() -> {
                    try {
                        return mailboxes.create(accountId, name, null);
                    } catch (MailboxException e) {
                        throw new IllegalArgumentException("cannot make mailbox " + name + ": " + e.getMessage());
                    }
                });
    }
}
