package dev.tern.imap.protocol;

import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;

import java.io.InputStream;
import java.util.Locale;

/**
 * What Tern makes of a part's Content-Transfer-Encoding (RFC 2045 §6), for BINARY (RFC 3516,
 * RFC 9051 §6.4.5) and for the text SEARCH looks at: base64 and quoted-printable are decoded;
 * 7bit, 8bit and binary (or none) are the octets themselves; any other is unknown, which BINARY
 * answers with NO [UNKNOWN-CTE] and SEARCH reads as it is.
 */
public final class TransferDecoding {

    private TransferDecoding() {
    }

    /** The encoding is one Tern can undo (or that needs no undoing); null is 7bit. */
    public static boolean known(String encoding) {
        return switch (normalized(encoding)) {
            case "", "7bit", "8bit", "binary", "base64", "quoted-printable" -> true;
            default -> false;
        };
    }

    /** The body transfer-decoded: base64 and quoted-printable are decoded, anything else passes. */
    public static InputStream decoded(InputStream body, String encoding) {
        return switch (normalized(encoding)) {
            case "base64" -> new Base64InputStream(body, DecodeMonitor.SILENT);
            case "quoted-printable" -> new QuotedPrintableDecoder(body);
            default -> body;
        };
    }

    private static String normalized(String encoding) {
        return encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT);
    }
}
