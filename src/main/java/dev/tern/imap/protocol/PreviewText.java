package dev.tern.imap.protocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The preview of a message that FETCH PREVIEW gives (RFC 8970): the start of what a person reads,
 * as a mail list shows under the subject. Taken from the first text/plain part outside
 * attachments, else the first text/html one with its markup removed; transfer-decoded and
 * converted from its charset; white space made single spaces; at most {@link #MAX_CHARS}
 * characters (RFC 8970 §3: at most 256, at least 200 when there is that much text). A message with
 * no such part has an empty preview.
 */
public final class PreviewText {

    /** Characters of a preview, as Dovecot makes them. */
    public static final int MAX_CHARS = 200;
    /** The most octets of a part read for it: enough for any preview, however much markup comes first. */
    public static final int MAX_READ = 64 * 1024;

    private static final Pattern INVISIBLE = Pattern.compile("(?is)<(style|script|head|title)\\b.*?</\\1\\s*>|<!--.*?-->");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");
    private static final Pattern SPACE = Pattern.compile("[\\s\\u00a0\\u200b\\u200c\\u200d\\ufeff]+");

    private PreviewText() {
    }

    /** The part a preview is made from, or null. */
    public static BodyPart part(MessageStructure structure) {
        BodyPart plain = find(structure.root(), "plain");
        return plain != null ? plain : find(structure.root(), "html");
    }

    private static BodyPart find(BodyPart part, String subtype) {
        if (part.isMultipart()) {
            for (BodyPart child : part.parts()) {
                BodyPart found = find(child, subtype);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (part.isText() && part.subtype().equalsIgnoreCase(subtype) && !"attachment".equalsIgnoreCase(part.disposition())) {
            return part;
        }
        return null;
    }

    /**
     * The preview made of a part's octets as stored (at most {@link #MAX_READ} of them are needed).
     *
     * @param raw the part's body, still transfer-encoded
     */
    public static String of(BodyPart part, byte[] raw) {
        String text;
        try (InputStream in = TransferDecoding.decoded(new ByteArrayInputStream(raw), part.encoding())) {
            text = new String(in.readNBytes(MAX_READ), charset(part.parameter("charset")));
        } catch (IOException | RuntimeException e) {
            return "";
        }
        if (part.subtype().equalsIgnoreCase("html")) {
            text = entities(TAG.matcher(INVISIBLE.matcher(text).replaceAll(" ")).replaceAll(" "));
        }
        text = SPACE.matcher(text).replaceAll(" ").strip();
        StringBuilder out = new StringBuilder();
        text.codePoints().filter(c -> c >= 0x20 && c != 0x7f).limit(MAX_CHARS).forEach(out::appendCodePoint);
        return out.toString().strip();
    }

    /** The character references of HTML that text uses most, and numeric ones. */
    private static String entities(String html) {
        Matcher m = ENTITY.matcher(html);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement;
            if (name.startsWith("#")) {
                try {
                    int cp = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X')
                            ? Integer.parseInt(name.substring(2), 16) : Integer.parseInt(name.substring(1));
                    replacement = Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : " ";
                } catch (NumberFormatException e) {
                    replacement = m.group();
                }
            } else {
                replacement = switch (name.toLowerCase(java.util.Locale.ROOT)) {
                    case "amp" -> "&";
                    case "lt" -> "<";
                    case "gt" -> ">";
                    case "quot" -> "\"";
                    case "apos" -> "'";
                    case "nbsp" -> " ";
                    default -> m.group();
                };
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Charset charset(String name) {
        if (name == null) {
            return StandardCharsets.US_ASCII;
        }
        try {
            return Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
