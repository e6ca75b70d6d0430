package dev.tern.mailimport;

import dev.tern.mailbox.Flags;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the messages of an mbox file one at a time, as mutt, Thunderbird, Dovecot and Postfix's
 * local delivery write them: each begins with a {@code From } line, found at the start of the file
 * or after an empty line, unless a {@code Content-Length} field that Dovecot writes says where
 * the body ends; {@code >From } lines of the body lose one {@code >} (mboxrd, which also reads
 * mboxo's quoting). The fields that mbox readers keep their state in ({@code Status},
 * {@code X-Status}, {@code X-Keywords}, Thunderbird's {@code X-Mozilla-Status}…) become the
 * message's flags and are left out of its content, as Dovecot hides them. Lines end in CRLF.
 */
final class MboxReader implements Closeable {

    /**
     * A message: its content with CRLF line ends, its flags, when it arrived (null when unknown),
     * the UID Dovecot gave it ({@code X-UID}, 0 when none) and the POP3 id an older server wrote
     * into it ({@code X-UIDL}, kept in the content; null when none).
     */
    record Message(byte[] content, Flags flags, Instant receivedAt, long uid, String xUidl) {
    }

    /** The longest message read into memory. */
    static final int MAX_MESSAGE = Integer.MAX_VALUE - 64;

    private static final Set<String> STATE_FIELDS = Set.of("status", "x-status", "x-keywords", "x-uid", "x-imap",
            "x-imapbase", "content-length", "x-mozilla-status", "x-mozilla-status2", "x-mozilla-keys");
    /** The date of a {@code From } line, asctime style: {@code Tue Dec  1 19:31:43 2026}. */
    private static final Pattern FROM_DATE = Pattern.compile(
            "([A-Z][a-z]{2}) +([A-Z][a-z]{2}) +(\\d{1,2}) +(\\d{1,2}:\\d{2}(?::\\d{2})?)"
                    + "(?: +[A-Z]{3,4}| +[+-]\\d{4})? +(\\d{4})");

    private final InputStream in;
    /** Lines read ahead and given back, read again before the file's next ones. */
    private final java.util.ArrayDeque<byte[]> pending = new java.util.ArrayDeque<>();
    /** The {@code From } line that begins the next message, read ahead; null at the end. */
    private byte[] nextFromLine;
    /** The mailbox's UIDVALIDITY, from the {@code X-IMAPbase} field Dovecot writes into its first message; 0 until seen. */
    private long uidValidity;

    /** @throws IOException when the file does not begin with a {@code From } line */
    MboxReader(InputStream raw) throws IOException {
        this.in = new BufferedInputStream(raw, 65536);
        byte[] first = readLine();
        if (first == null) {
            return;   // an empty mbox: no messages
        }
        if (!isFromLine(first)) {
            throw new IOException("not an mbox file: it does not begin with a \"From \" line");
        }
        nextFromLine = first;
    }

    /** The next message, or null after the last. */
    Message next() throws IOException {
        if (nextFromLine == null) {
            return null;
        }
        Instant receivedAt = dateOf(nextFromLine);
        nextFromLine = null;
        List<byte[]> lines = new ArrayList<>();
        long contentLength = -1;
        byte[] line;
        while ((line = readLine()) != null) {
            lines.add(line);
            if (strip(line).length == 0) {
                if (contentLength >= 0) {
                    boolean counted = bodyOfLength(lines, contentLength);
                    return assemble(lines, receivedAt, !counted);   // a writer that counts does not quote
                }
                readUntilFromLine(lines, true);
                return assemble(lines, receivedAt, true);
            }
            contentLength = contentLength(line, contentLength);
        }
        return assemble(lines, receivedAt, true);   // the file ended in the header
    }

    /**
     * Reads a body of {@code length} octets, as a {@code Content-Length} field announces it (Dovecot
     * writes one, and leaves {@code From } lines of bodies unquoted): true when that many octets
     * end at a line end followed by the end of the file, or by an empty line and a {@code From }
     * line. Otherwise the body is read up to a separator as usual (what was read is looked through
     * again), and false.
     */
    private boolean bodyOfLength(List<byte[]> lines, long length) throws IOException {
        int bodyStart = lines.size();
        long read = 0;
        byte[] line;
        while (read < length && (line = readLine()) != null) {
            lines.add(line);
            read += line.length;
        }
        if (read == length) {
            byte[] after = readLine();
            if (after == null) {
                return true;
            }
            byte[] from = strip(after).length == 0 ? readLine() : null;
            if (strip(after).length == 0 && (from == null || isFromLine(from))) {
                nextFromLine = from;
                return true;
            }
            if (from != null) {
                pending.addFirst(from);
            }
            pending.addFirst(after);
        }
        // The length was wrong: the lines read go back, to be split the usual way.
        List<byte[]> body = new ArrayList<>(lines.subList(bodyStart, lines.size()));
        lines.subList(bodyStart, lines.size()).clear();
        for (int i = body.size() - 1; i >= 0; i--) {
            pending.addFirst(body.get(i));
        }
        readUntilFromLine(lines, true);
        return false;
    }

    /** Adds lines up to the next {@code From } line that follows an empty line, or the end of the file. */
    private void readUntilFromLine(List<byte[]> lines, boolean previousEmpty) throws IOException {
        byte[] line;
        while ((line = readLine()) != null) {
            if (previousEmpty && isFromLine(line)) {
                nextFromLine = line;
                lines.remove(lines.size() - 1);   // the empty line before a From line is the separator's
                return;
            }
            lines.add(line);
            previousEmpty = strip(line).length == 0;
        }
    }

    /** The length a {@code Content-Length} header line gives, or {@code current} for any other line. */
    private static long contentLength(byte[] line, long current) {
        String text = new String(strip(line), StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(':');
        if (colon <= 0 || !text.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
            return current;
        }
        try {
            return Long.parseLong(text.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** @param quoted whether the body's {@code >From } lines were quoted by the writer (and lose one {@code >}) */
    private Message assemble(List<byte[]> lines, Instant receivedAt, boolean quoted) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> flags = new ArrayList<>();
        long uid = 0;
        String xUidl = null;
        boolean header = true;
        boolean dropping = false;
        for (byte[] raw : lines) {
            byte[] line = strip(raw);
            if (header) {
                if (line.length == 0) {
                    header = false;
                } else if ((line[0] == ' ' || line[0] == '\t')) {
                    if (dropping) {
                        continue;   // folded part of a state field
                    }
                } else {
                    String text = new String(line, StandardCharsets.ISO_8859_1);
                    int colon = text.indexOf(':');
                    String name = colon > 0 ? text.substring(0, colon).trim().toLowerCase(Locale.ROOT) : "";
                    dropping = STATE_FIELDS.contains(name);
                    String value = colon > 0 ? text.substring(colon + 1).trim() : "";
                    if (name.equals("x-uidl") && xUidl == null) {
                        xUidl = value;
                    }
                    if (dropping) {
                        flags.addAll(flagsOf(name, value));
                        uid = name.equals("x-uid") ? number(value) : uid;
                        if (name.equals("x-imapbase")) {
                            uidValidity = number(value.split(" ")[0]);
                        }
                        continue;
                    }
                }
            } else if (quoted && isQuotedFromLine(line)) {
                line = java.util.Arrays.copyOfRange(line, 1, line.length);
            }
            if ((long) out.size() + line.length + 2 > MAX_MESSAGE) {
                throw new IOException("a message of the mbox is larger than 2 GB");
            }
            out.write(line);
            out.write('\r');
            out.write('\n');
        }
        Flags parsed;
        try {
            parsed = Flags.of(flags);
        } catch (IllegalArgumentException e) {
            parsed = Flags.of(flags.stream().filter(f -> f.startsWith("\\")).toList());
        }
        return new Message(out.toByteArray(), parsed, receivedAt, uid, xUidl);
    }

    /** The mailbox's UIDVALIDITY as Dovecot recorded it in the file, once its first message is read; 0 when unknown. */
    long uidValidity() {
        return uidValidity;
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The flags a state field holds. */
    private static List<String> flagsOf(String field, String value) {
        List<String> out = new ArrayList<>();
        switch (field) {
            case "status" -> {
                if (value.indexOf('R') >= 0) {
                    out.add("\\Seen");
                }
            }
            case "x-status" -> {
                if (value.indexOf('A') >= 0) {
                    out.add("\\Answered");
                }
                if (value.indexOf('F') >= 0) {
                    out.add("\\Flagged");
                }
                if (value.indexOf('T') >= 0) {
                    out.add("\\Draft");
                }
                if (value.indexOf('D') >= 0) {
                    out.add("\\Deleted");
                }
            }
            case "x-keywords", "x-mozilla-keys" -> {
                for (String k : value.split("[\\s,]+")) {
                    if (!k.isEmpty() && !k.startsWith("\\") && isAtom(k)) {
                        out.add(k);
                    }
                }
            }
            case "x-mozilla-status" -> {
                try {
                    int bits = Integer.parseInt(value, 16);
                    if ((bits & 0x0001) != 0) {
                        out.add("\\Seen");
                    }
                    if ((bits & 0x0002) != 0) {
                        out.add("\\Answered");
                    }
                    if ((bits & 0x0004) != 0) {
                        out.add("\\Flagged");
                    }
                    if ((bits & 0x0008) != 0) {
                        out.add("\\Deleted");
                    }
                    if ((bits & 0x1000) != 0) {
                        out.add("$Forwarded");
                    }
                } catch (NumberFormatException e) {
                    // not Thunderbird's hex: no flags from it
                }
            }
            default -> {
            }
        }
        return out;
    }

    private static boolean isAtom(String keyword) {
        try {
            Flags.of(keyword);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** When the message arrived, from its {@code From } line (taken as UTC); null when it has no date. */
    static Instant dateOf(byte[] fromLine) {
        Matcher m = FROM_DATE.matcher(new String(fromLine, StandardCharsets.ISO_8859_1));
        if (!m.find()) {
            return null;
        }
        String time = m.group(4).length() == 5 ? m.group(4) + ":00" : m.group(4);
        try {
            return LocalDateTime.parse(m.group(2) + " " + m.group(3) + " " + m.group(5) + " " + time,
                    DateTimeFormatter.ofPattern("MMM d yyyy H:mm:ss", Locale.ROOT)).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean isFromLine(byte[] line) {
        return startsWith(line, 0, "From ");
    }

    /** {@code >From }, {@code >>From }…: a body line that a writer quoted. */
    private static boolean isQuotedFromLine(byte[] line) {
        int i = 0;
        while (i < line.length && line[i] == '>') {
            i++;
        }
        return i > 0 && startsWith(line, i, "From ");
    }

    private static boolean startsWith(byte[] line, int at, String prefix) {
        if (line.length - at < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (line[at + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A line without its LF or CRLF. */
    private static byte[] strip(byte[] line) {
        int end = line.length;
        if (end > 0 && line[end - 1] == '\n') {
            end--;
            if (end > 0 && line[end - 1] == '\r') {
                end--;
            }
        }
        return end == line.length ? line : java.util.Arrays.copyOf(line, end);
    }

    /** The next line with its line end, or null at the end of the file. */
    private byte[] readLine() throws IOException {
        if (!pending.isEmpty()) {
            return pending.pollFirst();
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.size() == 0 && b < 0 ? null : line.toByteArray();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
