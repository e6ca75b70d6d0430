package dev.tern.sieve;

import java.util.List;

/**
 * A notification a script asked for (RFC 5435), by the mailto method (RFC 5436): whether it goes
 * is decided by delivery, against the message ({@link NotifyMessage}).
 *
 * @param method     the URI as the script gave it, by which repeated notifications are one
 * @param recipients the addresses to notify
 * @param from       the script's {@code :from}, or null for the account's address
 * @param subject    the URI's subject, or null
 * @param body       the URI's body, or null
 * @param importance "1" high, "2" normal, "3" low
 * @param message    the script's {@code :message}, or null for the default
 */
public record NotifyRequest(String method, List<String> recipients, String from, String subject, String body,
                            String importance, String message) {

    public NotifyRequest {
        recipients = List.copyOf(recipients);
    }
}
