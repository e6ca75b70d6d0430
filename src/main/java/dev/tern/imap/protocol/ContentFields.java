package dev.tern.imap.protocol;

import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteArrayBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the MIME fields of RFC 2045/2183/3066/2557 that BODYSTRUCTURE reports, with Mime4j's
 * lenient field parser (quoted values, comments, missing quotes). Parameters keep their order;
 * RFC 2231 extended parameters ({@code name*=utf-8''…}) are passed through as written, as
 * Dovecot does. An unparseable Content-Type means text/plain (RFC 2045 §5.2).
 */
final class ContentFields {

    /** A value with its parameters as name/value pairs, names lower case. */
    record Value(String value, List<String> parameters) {
        String parameter(String name) {
            for (int i = 0; i + 1 < parameters.size(); i += 2) {
                if (parameters.get(i).equals(name)) {
                    return parameters.get(i + 1);
                }
            }
            return null;
        }
    }

    private ContentFields() {
    }

    static Value parse(String field) {
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        ByteArrayBuffer buffer = new ByteArrayBuffer(bytes, bytes.length, false);
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(buffer, new ParserCursor(0, bytes.length));
        List<String> params = new ArrayList<>();
        for (NameValuePair p : body.getParams()) {
            if (p.getName() == null || p.getName().isEmpty()) {
                continue;
            }
            params.add(utf8(p.getName()).toLowerCase(Locale.ROOT));
            params.add(p.getValue() == null ? "" : utf8(p.getValue()));
        }
        String value = body.getValue() == null ? "" : utf8(body.getValue()).strip();
        return new Value(value, params);
    }

    /** Mime4j builds strings from octets one char per byte; turn them back into UTF-8 text. */
    private static String utf8(String latin1) {
        return MimeHeader.decode(latin1.getBytes(StandardCharsets.ISO_8859_1), latin1.length());
    }

    /** Content-Language: a comma-separated list of tags; null when absent or empty. */
    static List<String> languages(String field) {
        if (field == null) {
            return null;
        }
        List<String> tags = new ArrayList<>();
        for (String t : field.replaceAll("\\([^)]*\\)", " ").split(",")) {
            String tag = t.strip();
            if (!tag.isEmpty()) {
                tags.add(tag);
            }
        }
        return tags.isEmpty() ? null : tags;
    }
}
