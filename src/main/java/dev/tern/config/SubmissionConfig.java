package dev.tern.config;

/**
 * {@code [submission]}: the mail submission listeners ({@code submission}, {@code submissions}).
 *
 * @param hideClientIp leave the client's address and HELO name out of the Received header of mail
 *                     from authenticated clients, so that recipients do not learn where the sender
 *                     was (the queue's log still records it)
 */
public record SubmissionConfig(boolean hideClientIp) {

    public static SubmissionConfig defaults() {
        return new SubmissionConfig(false);
    }

    static SubmissionConfig read(ConfigNode n) {
        return new SubmissionConfig(n.bool("hide_client_ip", false));
    }
}
