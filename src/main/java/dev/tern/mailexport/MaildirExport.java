package dev.tern.mailexport;

import dev.tern.imap.protocol.MailboxNames;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.Pop3Ids;
import dev.tern.store.Rows;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An account's mailboxes written as a Maildir++ tree, the layout Dovecot uses by default
 * ({@code mail_location = maildir:~/Maildir}) and the one {@code tern mailbox import} reads:
 * INBOX at the top, every other mailbox a {@code .Parent.Child} directory beside it (names in
 * modified UTF-7), each message a file in {@code cur/} whose name carries its flags
 * ({@code :2,FS}, cr.yp.to/proto/maildir.html) and whose time is its received date. Dovecot's own
 * files say the rest: {@code dovecot-keywords} (keywords as the letters a–z),
 * {@code dovecot-uidlist} (each message's UID and the mailbox's UIDVALIDITY, so that Dovecot gives
 * the messages the UIDs clients already know, and INBOX's POP3 ids) and {@code subscriptions}. Line ends are written as
 * LF, as Dovecot writes them.
 */
public final class MaildirExport {

    /**
     * Maildir's flag letters, in the ASCII order a name must list them in. Not {@code P} (passed):
     * Dovecot shows it as no flag, so {@code $Forwarded} goes as the keyword it is.
     */
    private static final List<Map.Entry<Character, String>> LETTERS = List.of(Map.entry('D', "\\Draft"),
            Map.entry('F', "\\Flagged"), Map.entry('R', "\\Answered"), Map.entry('S', "\\Seen"),
            Map.entry('T', "\\Deleted"));
    /** Dovecot gives keywords the letters a to z: 26 per folder. */
    private static final int MAX_KEYWORDS = 26;

    /**
     * What was written.
     *
     * @param messages messages written, per mailbox, in the order written
     * @param bytes    the messages' sizes as stored (with CRLF line ends)
     * @param notes    what the Maildir could not keep (keywords past 26, names with a dot)
     */
    public record Result(Map<String, Integer> messages, long bytes, List<String> notes) {

        public long total() {
            return messages.values().stream().mapToLong(Integer::longValue).sum();
        }
    }

    private final MailboxService mailboxes;
    private final String hostname;

    /** @param hostname this server's name, the third part of each file name (as maildir.html has it) */
    public MaildirExport(MailboxService mailboxes, String hostname) {
        this.mailboxes = mailboxes;
        this.hostname = hostname.replace("/", "\\057").replace(":", "\\072");
    }

    /**
     * Writes the account's mailboxes into {@code root}, which must not exist or be empty.
     *
     * @param only     a mailbox to write alone, as the Maildir's top folder; null for all of them
     * @param progress told of each mailbox as it is written
     * @throws IllegalArgumentException when {@code root} is a file or holds something, or {@code only}
     *                                  names no mailbox of the account
     */
    public Result to(long accountId, Path root, String only, Consumer<String> progress) throws IOException {
        prepare(root);
        List<Rows.Mailbox> chosen = new ArrayList<>();
        for (Rows.Mailbox m : mailboxes.mailboxes(accountId)) {
            if (m.selectable() && (only == null || m.name().equals(only))) {
                chosen.add(m);
            }
        }
        if (only != null && chosen.isEmpty()) {
            throw new IllegalArgumentException("no mailbox " + only);
        }
        Map<String, Integer> written = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        long bytes = 0;
        for (Rows.Mailbox box : chosen) {
            Path folder = only != null ? root : folder(root, box.name(), notes);
            List<Rows.Message> messages = mailboxes.messages(box.id());
            progress.accept(box.name() + ": " + messages.size() + " message(s)");
            bytes += writeFolder(folder, box, messages, notes);
            written.put(box.name(), messages.size());
        }
        if (only == null) {
            writeSubscriptions(root, accountId);
        }
        return new Result(written, bytes, notes);
    }

    private static void prepare(Path root) throws IOException {
        if (Files.exists(root)) {
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException(root + " is not a directory");
            }
            try (Stream<Path> entries = Files.list(root)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(root + " is not empty: give a new or empty directory");
                }
            }
        }
        Files.createDirectories(root);
    }

    /** INBOX is the top; {@code A/B} is {@code .A.B}, each level in modified UTF-7 (Maildir++). */
    private static Path folder(Path root, String name, List<String> notes) {
        if (name.equalsIgnoreCase(MailboxNames.INBOX)) {
            return root;
        }
        List<String> levels = new ArrayList<>();
        for (String level : name.split("/", -1)) {
            if (level.contains(".")) {
                notes.add(name + ": Maildir++ reads the dot in \"" + level + "\" as a level, as in " + name.replace('.', '/'));
            }
            levels.add(MailboxNames.encodeModifiedUtf7(level));
        }
        return root.resolve("." + String.join(".", levels));
    }

    /** One folder: cur/, new/, tmp/, the messages, dovecot-keywords and dovecot-uidlist. */
    private long writeFolder(Path folder, Rows.Mailbox box, List<Rows.Message> messages, List<String> notes)
            throws IOException {
        for (String sub : List.of("cur", "new", "tmp")) {
            Files.createDirectories(folder.resolve(sub));
        }
        List<String> keywords = new ArrayList<>();
        StringBuilder uidList = new StringBuilder("3 V" + box.uidValidity() + " N" + box.uidNext() + "\n");
        // POP3 serves INBOX: its ids go along (Dovecot's P field, as pop3_save_uidl writes it), so
        // that clients leaving mail on the server do not download it all again after the move.
        Pop3Ids pop3 = box.name().equalsIgnoreCase(MailboxNames.INBOX)
                ? new Pop3Ids(box.uidValidity(), messages.stream().map(Rows.Message::uid).toList(),
                        mailboxes.messageService().pop3Uidls(box.id()))
                : null;
        long bytes = 0;
        for (Rows.Message m : messages) {
            String base = m.internalDate().getEpochSecond() + ".M" + m.uid() + "." + hostname;
            Path tmp = folder.resolve("tmp").resolve(base);
            long fileSize;
            try (InputStream in = mailboxes.open(m); OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                fileSize = copyWithLf(in, out);
            }
            // Dovecot's uidlist names a file by all that comes before ":2,", sizes included.
            String sized = base + ",S=" + fileSize + ",W=" + m.size();
            Path file = folder.resolve("cur").resolve(sized + ":2,"
                    + letters(Flags.fromStored(m.systemFlags(), m.keywords()), keywords, box.name(), notes));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            Files.setLastModifiedTime(file, FileTime.from(m.internalDate()));
            uidList.append(m.uid());
            if (pop3 != null) {
                uidList.append(" P").append(pop3.of(m.uid()));
            }
            uidList.append(" :").append(sized).append('\n');
            bytes += m.size();
        }
        if (!keywords.isEmpty()) {
            StringBuilder k = new StringBuilder();
            for (int i = 0; i < keywords.size(); i++) {
                k.append(i).append(' ').append(keywords.get(i)).append('\n');
            }
            Files.writeString(folder.resolve("dovecot-keywords"), k, StandardCharsets.UTF_8);
        }
        Files.writeString(folder.resolve("dovecot-uidlist"), uidList, StandardCharsets.UTF_8);
        return bytes;
    }

    /**
     * The info letters of a message: its flags in ASCII order, then its keywords' letters, a keyword
     * taking the next free letter of the folder the first time it is seen.
     */
    private static String letters(Flags flags, List<String> keywords, String mailbox, List<String> notes) {
        StringBuilder sb = new StringBuilder();
        List<String> names = flags.names();
        for (Map.Entry<Character, String> l : LETTERS) {
            if (names.stream().anyMatch(l.getValue()::equalsIgnoreCase)) {
                sb.append(l.getKey());
            }
        }
        StringBuilder own = new StringBuilder();
        for (String k : flags.keywords()) {
            int index = indexOf(keywords, k);
            if (index < 0 && keywords.size() < MAX_KEYWORDS) {
                keywords.add(k);
                index = keywords.size() - 1;
            } else if (index < 0) {
                String note = mailbox + ": keyword " + k + " not kept (a Maildir folder has " + MAX_KEYWORDS + ")";
                if (!notes.contains(note)) {
                    notes.add(note);
                }
                continue;
            }
            own.append((char) ('a' + index));
        }
        char[] sorted = own.toString().toCharArray();
        java.util.Arrays.sort(sorted);
        return sb.append(sorted).toString();
    }

    private static int indexOf(List<String> keywords, String k) {
        for (int i = 0; i < keywords.size(); i++) {
            if (keywords.get(i).equalsIgnoreCase(k)) {
                return i;
            }
        }
        return -1;
    }

    /** Copies a message, writing each CRLF as LF; returns the bytes written. */
    private static long copyWithLf(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long written = 0;
        boolean pendingCr = false;
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (pendingCr) {
                    pendingCr = false;
                    if (b != '\n') {
                        out.write('\r');   // a lone CR stays
                        written++;
                    }
                }
                if (b == '\r') {
                    pendingCr = true;
                } else {
                    out.write(b);
                    written++;
                }
            }
        }
        if (pendingCr) {
            out.write('\r');
            written++;
        }
        return written;
    }

    /** Dovecot's {@code subscriptions} file, version 2: each name with its levels between tabs. */
    private void writeSubscriptions(Path root, long accountId) throws IOException {
        StringBuilder sb = new StringBuilder("V\t2\n\n");
        for (var listing : mailboxes.listSubscribed(accountId, "*")) {
            sb.append(listing.name().replace('/', '\t')).append('\n');
        }
        Files.writeString(root.resolve("subscriptions"), sb, StandardCharsets.UTF_8);
    }
}
