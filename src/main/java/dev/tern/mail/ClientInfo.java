package dev.tern.mail;

/**
 * The SMTP client of a transaction, as recorded in trace headers and logs.
 *
 * @param address      the client's IP address in text form
 * @param reverseName  the name its address maps back to, or null when unknown
 * @param helo         the HELO/EHLO argument
 * @param protocol     the RFC 3848 WITH keyword: SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA, UTF8SMTP…
 * @param listener     the listener name (smtp, submission…)
 * @param authUser     the authenticated identity, or null
 * @param senderScope  the senders the authenticated identity is limited to (an SMTP credential's),
 *                     or null (no client, or an account: it may use what it owns)
 */
public record ClientInfo(String address, String reverseName, String helo, String protocol, String listener,
                         String authUser, SenderScope senderScope) {

    /** A client that is not limited to a sender scope. */
    public ClientInfo(String address, String reverseName, String helo, String protocol, String listener,
                      String authUser) {
        this(address, reverseName, helo, protocol, listener, authUser, null);
    }
}
