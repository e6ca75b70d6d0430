package dev.tern.imap.protocol;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.util.CharsetUtil;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The text that SEARCH's BODY, TEXT and header keys look at, decoded the way a person reads the
 * message (RFC 9051 §6.4.4 leaves the details to the server):
 * <ul>
 *   <li>header values: RFC 2047 encoded words decoded (Mime4j's {@link DecoderUtil}), 8-bit
 *       octets read as UTF-8;</li>
 *   <li>bodies: every text/* part (and those of enclosed messages), transfer-decoded (base64,
 *       quoted-printable: {@link TransferDecoding}) and converted from its charset (us-ascii when
 *       absent, UTF-8 when the charset is unknown); other parts (images, attachments) are not
 *       searched;</li>
 *   <li>matching is a substring test after Unicode case folding ({@link #fold}).</li>
 * </ul>
 * At most {@link #MAX_TEXT} characters of body text are extracted per message, so a huge message
 * cannot make one search take unbounded memory.
 */
public final class SearchText {

    public static final int MAX_TEXT = 4 * 1024 * 1024;

    private SearchText() {
    }

    /** Decodes encoded words; never throws. */
    public static String decodeHeader(String raw) {
        if (raw == null) {
            return "";
        }
        if (raw.indexOf("=?") < 0) {
            return raw;     // no encoded word (RFC 2047 §2): most values, and the decoder's regex is costly
        }
        try {
            return DecoderUtil.decodeEncodedWords(raw, DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            return raw;
        }
    }

    /** The case-insensitive form both sides of a comparison are reduced to. */
    public static String fold(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
            }
        }
        return s.toLowerCase(Locale.ROOT);     // ASCII: lower case alone gives the same form
    }

    /**
     * The decoded text of every text/* part of a message.
     *
     * @param message the whole message's octets
     */
    public static String body(byte[] message, MessageStructure structure) {
        StringBuilder out = new StringBuilder();
        collect(message, structure.root(), out);
        return out.toString();
    }

    private static void collect(byte[] message, BodyPart part, StringBuilder out) {
        if (out.length() >= MAX_TEXT) {
            return;
        }
        if (part.isMultipart() || part.isMessage()) {
            for (BodyPart child : part.parts()) {
                collect(message, child, out);
            }
            return;
        }
        if (!part.isText()) {
            return;
        }
        int start = (int) Math.min(part.bodyStart(), message.length);
        int end = (int) Math.min(part.bodyEnd(), message.length);
        try (InputStream in = TransferDecoding.decoded(new ByteArrayInputStream(message, start, end - start), part.encoding())) {
            byte[] decoded = in.readNBytes(MAX_TEXT);
            if (out.length() > 0) {
                out.append('\n');
            }
            String text = new String(decoded, charset(part.parameter("charset")));
            out.append(text, 0, Math.min(text.length(), MAX_TEXT - Math.min(out.length(), MAX_TEXT)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole top-level header with encoded words decoded. */
    public static String header(byte[] message, MessageStructure structure) {
        int end = (int) Math.min(structure.root().bodyStart(), message.length);
        return decodeHeader(MimeHeader.decode(message, end));
    }

    private static Charset charset(String name) {
        if (name == null) {
            return StandardCharsets.US_ASCII;
        }
        Charset c = CharsetUtil.lookup(name);
        return c == null ? StandardCharsets.UTF_8 : c;
    }
}
