package dev.tern.config;

/**
 * Mail submission by authenticated users ({@code [submission]} in the config file; RFC 6409).
 *
 * @param checkFromHeader the addresses in the From: header of a submitted message must belong to the
 *                        authenticated user, as the envelope sender must (otherwise 553 5.7.1 after DATA)
 * @param hideClientIp    leave the client's address and HELO name out of the Received header of mail
 *                        from authenticated clients, so that recipients do not learn where the sender
 *                        was (the log still records it)
 */
public record SubmissionSettings(boolean checkFromHeader, boolean hideClientIp) {

    public static SubmissionSettings defaults() {
        return new SubmissionSettings(true, false);
    }

    static SubmissionSettings read(ConfigNode n) {
        return new SubmissionSettings(n.bool("check_from_header", defaults().checkFromHeader()),
                n.bool("hide_client_ip", defaults().hideClientIp()));
    }
}
