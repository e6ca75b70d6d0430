package dev.tern.config;

/**
 * Mail submission by authenticated users ({@code [submission]} in the config file; RFC 6409).
 *
 * @param checkFromHeader the addresses in the From: header of a submitted message must belong to the
 *                        authenticated user, as the envelope sender must (otherwise 553 5.7.1 after DATA)
 */
public record SubmissionSettings(boolean checkFromHeader) {

    public static SubmissionSettings defaults() {
        return new SubmissionSettings(true);
    }

    static SubmissionSettings read(ConfigNode n) {
        return new SubmissionSettings(n.bool("check_from_header", defaults().checkFromHeader()));
    }
}
