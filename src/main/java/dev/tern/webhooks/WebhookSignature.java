package dev.tern.webhooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The {@code Tern-Signature} header field: {@code t=<unix seconds>,v1=<hex HMAC-SHA256>}, the HMAC
 * keyed with the webhook's secret (its UTF-8 bytes, as shown when it was made) over the bytes
 * {@code "<t>." + body}. The timestamp is signed with the body, so a receiver that refuses old
 * timestamps cannot be sent a recorded request again later (see {@code docs/webhooks.md}).
 */
public final class WebhookSignature {

    public static final String HEADER = "Tern-Signature";
    /** How far a timestamp may be from the receiver's clock, in {@link #verify}. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private WebhookSignature() {
    }

    /** The header value for a body sent at {@code unixSeconds}. */
    public static String header(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, unixSeconds, body));
    }

    /**
     * What a receiver does: true when the header carries a {@code v1} signature of this body by
     * this secret, with a timestamp within {@code tolerance} of {@code now}.
     */
    public static boolean verify(String secret, String header, byte[] body, Instant now, Duration tolerance) {
        if (header == null) {
            return false;
        }
        long t;
        try {
            t = Long.parseLong(part(header, "t"));
        } catch (NumberFormatException | NullPointerException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = HexFormat.of().formatHex(hmac(secret, t, body)).getBytes(StandardCharsets.US_ASCII);
        boolean valid = false;
        for (String p : header.split(",")) {
            String v = p.strip();
            if (v.startsWith("v1=")) {
                valid |= MessageDigest.isEqual(expected, v.substring(3).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return valid;
    }

    /** The value of {@code name=} in the header, or null. */
    private static String part(String header, String name) {
        for (String p : header.split(",")) {
            String v = p.strip();
            if (v.startsWith(name + "=")) {
                return v.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static byte[] hmac(String secret, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
        }
    }
}
