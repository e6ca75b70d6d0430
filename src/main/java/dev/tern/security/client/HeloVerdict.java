package dev.tern.security.client;

/**
 * What to answer a client's HELO or EHLO: accept, or refuse with this reply.
 *
 * @param accepted     true when the name is acceptable
 * @param code         the SMTP reply code of a refusal: 5xx permanent, 4xx temporary; 250 when accepted
 * @param enhancedCode the RFC 3463 code that goes with it
 * @param text         words the client's administrator can act on; safe to send (no raw client input
 *                     beyond a short printable excerpt)
 */
public record HeloVerdict(boolean accepted, int code, String enhancedCode, String text) {

    private static final HeloVerdict ACCEPTED = new HeloVerdict(true, 250, "2.0.0", "OK");

    public static HeloVerdict accept() {
        return ACCEPTED;
    }

    public static HeloVerdict refuse(int code, String enhancedCode, String text) {
        if (code < 400 || code > 599) {
            throw new IllegalArgumentException("a refusal has a 4xx or 5xx code, got " + code);
        }
        return new HeloVerdict(false, code, enhancedCode, text);
    }

    /** A refusal the client may overcome by trying again later (4xx). */
    public boolean temporary() {
        return !accepted && code / 100 == 4;
    }
}
