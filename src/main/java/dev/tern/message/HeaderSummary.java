package dev.tern.message;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The few header fields a listing shows (From, To, Subject, Date, Message-ID), read from the start
 * of a message without parsing its body. Encoded words (RFC 2047) are decoded.
 */
public record HeaderSummary(Map<String, String> fields) {

    private static final int MAX_HEADER_BYTES = 256 * 1024;

    public String get(String name) {
        return fields.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }

    public static HeaderSummary read(InputStream in) throws IOException {
        byte[] head = in.readNBytes(MAX_HEADER_BYTES);
        String text = new String(head, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            end = text.indexOf("\n\n");
        }
        if (end >= 0) {
            text = text.substring(0, end);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        String unfolded = text.replaceAll("\r?\n[ \t]+", " ");
        for (String line : unfolded.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = DecoderUtil.decodeEncodedWords(line.substring(colon + 1).trim(), DecodeMonitor.SILENT);
            fields.putIfAbsent(name, value);
        }
        return new HeaderSummary(fields);
    }
}
