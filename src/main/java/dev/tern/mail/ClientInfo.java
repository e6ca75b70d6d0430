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
 */
public record ClientInfo(String address, String reverseName, String helo, String protocol, String listener,
                         String authUser) {
}
