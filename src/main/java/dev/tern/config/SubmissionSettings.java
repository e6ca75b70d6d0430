package dev.tern.config;

/**
 * Mail submission by authenticated users ({@code [submission]} in the config file; RFC 6409).
 *
 * @param checkFromHeader       the addresses in the From: header of a submitted message must belong to the
 *                              authenticated user, as the envelope sender must (otherwise 553 5.7.1 after DATA)
 * @param hideClientIp          leave the client's address and HELO name out of the Received header of mail
 *                              from authenticated clients, so that recipients do not learn where the sender
 *                              was (the log still records it)
 * @param requireVerifiedDomain mail that leaves this server must come (envelope sender and From:) from a
 *                              local domain whose ownership is verified (its DNS token found by
 *                              {@code tern domain verify}); otherwise 550 5.7.1. Mail to local
 *                              recipients is not affected.
 */
public record SubmissionSettings(boolean checkFromHeader, boolean hideClientIp, boolean requireVerifiedDomain) {

    public SubmissionSettings(boolean checkFromHeader, boolean hideClientIp) {
        this(checkFromHeader, hideClientIp, false);
    }

    public static SubmissionSettings defaults() {
        return new SubmissionSettings(true, false, false);
    }

    static SubmissionSettings read(ConfigNode n) {
        return new SubmissionSettings(n.bool("check_from_header", defaults().checkFromHeader()),
                n.bool("hide_client_ip", defaults().hideClientIp()),
                n.bool("require_verified_domain", defaults().requireVerifiedDomain()));
    }
}
