package dev.tern.mailimport;

import dev.tern.imap.protocol.MailboxNames;
import dev.tern.mailbox.Flags;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The folders of a Maildir and their messages, in the layouts Dovecot writes: Maildir++ (its
 * default, and Courier's: subfolders are {@code .Parent.Child} directories beside {@code cur},
 * their names in modified UTF-7) and {@code LAYOUT=fs} (subfolders nested as directories).
 * Messages come in Dovecot's UID order when its {@code dovecot-uidlist} is there, else in the
 * order of their file names, which start with the time of delivery.
 */
final class MaildirFolders {

    /** A folder: its name below the Maildir's top ("" for the top itself), with "/" between levels. */
    record Folder(String name, Path dir) {
    }

    /**
     * A message file, with the flags its name carries, its modification time (Dovecot's received
     * date), and what Dovecot's {@code dovecot-uidlist} says of it: its UID and its folder's
     * UIDVALIDITY (0 when unknown), and the POP3 id Dovecot saved for it (null when none).
     */
    record MessageFile(Path path, Flags flags, FileTime modified, long uid, long uidValidity, String savedPop3Uidl) {

        /** The file name without its flags: Dovecot's {@code %f}. */
        String base() {
            return MaildirFolders.base(path);
        }
    }

    /** A folder's {@code dovecot-uidlist}: its UIDVALIDITY (0 when unknown) and its messages by file base name. */
    private record UidList(long uidValidity, Map<String, Listed> byBase) {
    }

    private record Listed(long uid, String pop3Uidl) {
    }

    private MaildirFolders() {
    }

    /** True when {@code dir} is a Maildir: it has a {@code cur} directory. */
    static boolean isMaildir(Path dir) {
        return Files.isDirectory(dir.resolve("cur"));
    }

    /** The folders of the Maildir at {@code root}, the top first, then by name. */
    static List<Folder> folders(Path root) throws IOException {
        List<Folder> out = new ArrayList<>();
        out.add(new Folder("", root));
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : entries.sorted().toList()) {
                String file = p.getFileName().toString();
                if (!Files.isDirectory(p) || !isMaildir(p) || file.equals(".") || file.equals("..")) {
                    continue;
                }
                if (file.startsWith(".")) {
                    out.add(new Folder(decode(file.substring(1).split("\\.", -1)), p));   // Maildir++
                } else if (!List.of("cur", "new", "tmp").contains(file)) {
                    addNested(p, List.of(file), out);                                   // LAYOUT=fs
                }
            }
        }
        out.subList(1, out.size()).sort(Comparator.comparing(Folder::name));
        return out;
    }

    private static void addNested(Path dir, List<String> path, List<Folder> out) throws IOException {
        out.add(new Folder(decode(path.toArray(String[]::new)), dir));
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.sorted().toList()) {
                String file = p.getFileName().toString();
                if (Files.isDirectory(p) && isMaildir(p) && !file.startsWith(".")
                        && !List.of("cur", "new", "tmp").contains(file)) {
                    List<String> deeper = new ArrayList<>(path);
                    deeper.add(file);
                    addNested(p, deeper, out);
                }
            }
        }
    }

    /** A folder name from its levels on disk, each in modified UTF-7 (kept as written when it is not). */
    private static String decode(String[] levels) {
        List<String> names = new ArrayList<>();
        for (String level : levels) {
            try {
                names.add(MailboxNames.decodeModifiedUtf7(level));
            } catch (IllegalArgumentException e) {
                names.add(level);
            }
        }
        return String.join("/", names);
    }

    /**
     * The folders the Maildir's owner subscribed to, by the names {@link #folders} gives them
     * ("" for the top, INBOX), from Dovecot's {@code subscriptions} file (version 2: a
     * {@code V\t2} line, then each name with its levels between tabs; older ones: a name a line,
     * levels between dots, or slashes where a line has them) or Courier's
     * {@code courierimapsubscribed} ({@code INBOX.Parent.Child}); null when there is neither.
     */
    static java.util.Set<String> subscriptions(Path root) throws IOException {
        Path dovecot = root.resolve("subscriptions");
        Path courier = root.resolve("courierimapsubscribed");
        Path file = Files.isRegularFile(dovecot) ? dovecot : Files.isRegularFile(courier) ? courier : null;
        if (file == null) {
            return null;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean tabs = !lines.isEmpty() && lines.get(0).equals("V\t2");
        java.util.Set<String> out = new java.util.HashSet<>();
        for (String line : tabs ? lines.subList(1, lines.size()) : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] levels = tabs ? line.split("\t", -1) : line.split(line.contains("/") ? "/" : "\\.", -1);
            if (levels[0].equalsIgnoreCase("INBOX")) {
                // Courier names every folder below INBOX; Dovecot names INBOX itself.
                levels = java.util.Arrays.copyOfRange(levels, 1, levels.length);
            }
            out.add(decode(levels));
        }
        return out;
    }

    /** The messages of a folder ({@code cur} and {@code new}), in the order they arrived. */
    static List<MessageFile> messages(Folder folder) throws IOException {
        List<String> keywords = keywords(folder.dir());
        UidList uids = uidList(folder.dir());
        List<MessageFile> out = new ArrayList<>();
        for (String sub : List.of("cur", "new")) {
            Path dir = folder.dir().resolve(sub);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(".") || !Files.isRegularFile(p)) {
                        continue;
                    }
                    // A name in new/ usually has no flags, but Dovecot renames a message in place
                    // when its flags change before a client has seen it.
                    Listed listed = uids.byBase().get(base(p));
                    String saved = listed == null || listed.pop3Uidl() == null ? null
                            : listed.pop3Uidl().isEmpty() ? base(p) : listed.pop3Uidl();
                    out.add(new MessageFile(p, MaildirFlags.of(name, keywords), Files.getLastModifiedTime(p),
                            listed == null ? 0 : listed.uid(), uids.uidValidity(), saved));
                }
            }
        }
        out.sort(Comparator.comparing((MessageFile m) -> m.uid() == 0 ? Long.MAX_VALUE : m.uid())
                .thenComparing(m -> m.path().getFileName().toString()));
        return out;
    }

    /** A message file's name without its info part: what stays the same when its flags change. */
    static String base(Path file) {
        String name = file.getFileName().toString();
        for (String info : List.of(":2,", ";2,", "!2,")) {
            int i = name.lastIndexOf(info);
            if (i >= 0) {
                return name.substring(0, i);
            }
        }
        return name;
    }

    /**
     * Dovecot's keywords of a folder by index ({@code dovecot-keywords}: lines {@code "0 $Label1"});
     * a keyword that is not an IMAP atom is left out.
     */
    private static List<String> keywords(Path dir) throws IOException {
        Path file = dir.resolve("dovecot-keywords");
        List<String> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.trim().split("\\s+", 2);
            if (parts.length < 2) {
                continue;
            }
            try {
                int index = Integer.parseInt(parts[0]);
                Flags.of(parts[1]);   // an atom, or it is left out
                while (out.size() <= index && index < 26) {
                    out.add(null);
                }
                if (index < 26) {
                    out.set(index, parts[1]);
                }
            } catch (IllegalArgumentException e) {
                // not "index keyword": ignored
            }
        }
        return out;
    }

    /**
     * A folder's {@code dovecot-uidlist}: a header line ({@code 3 V<uidvalidity> N<next> …} in
     * version 3, {@code 1 <uidvalidity> <next>} in version 1), then {@code UID [extensions] :filename},
     * the extension {@code P<id>} being a POP3 id Dovecot saved ({@code P} alone: the file's base
     * name). Empty when there is none.
     */
    private static UidList uidList(Path dir) throws IOException {
        Path file = dir.resolve("dovecot-uidlist");
        Map<String, Listed> out = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return new UidList(0, out);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        long uidValidity = lines.isEmpty() ? 0 : uidValidity(lines.get(0));
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            int space = line.indexOf(' ');
            int colon = line.indexOf(':', Math.max(space, 0));
            if (space <= 0 || colon < 0) {
                continue;
            }
            try {
                String pop3Uidl = null;
                for (String extension : line.substring(space + 1, colon).trim().split(" ")) {
                    if (!extension.isEmpty() && extension.charAt(0) == 'P') {
                        pop3Uidl = extension.substring(1);   // empty: the file's base name, Dovecot's shorthand
                    }
                }
                out.put(base(Path.of(line.substring(colon + 1))), new Listed(Long.parseLong(line.substring(0, space)), pop3Uidl));
            } catch (RuntimeException e) {
                // a line of another form: its message keeps the order of its name
            }
        }
        return new UidList(uidValidity, out);
    }

    private static long uidValidity(String header) {
        String[] fields = header.trim().split(" +");
        try {
            if (fields.length >= 2 && fields[0].equals("1")) {
                return Long.parseLong(fields[1]);
            }
            for (String f : fields) {
                if (f.length() > 1 && f.charAt(0) == 'V') {
                    return Long.parseLong(f.substring(1));
                }
            }
        } catch (NumberFormatException e) {
            // not a number: unknown
        }
        return 0;
    }
}
