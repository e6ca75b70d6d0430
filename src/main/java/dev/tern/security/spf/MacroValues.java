package dev.tern.security.spf;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * What the macro letters of RFC 7208 §7.2 stand for during one check. The sender, client and HELO
 * stay the same for the whole check; {@code domain} changes with each include and redirect, and the
 * validated name is looked up only when a macro asks for it.
 *
 * @param sender        the checked address, "postmaster@…" when it had no local-part (§4.3)
 * @param localPart     the sender's local-part
 * @param senderDomain  the sender's domain
 * @param domain        the domain whose record is being evaluated, or null before there is one
 * @param ip            the client address (IPv4-mapped addresses already turned into IPv4)
 * @param helo          the HELO/EHLO name
 * @param receiver      this host's name, for {@code %{r}}
 * @param timestamp     seconds since the epoch, for {@code %{t}}
 * @param validatedName the client's validated name for {@code %{p}}, or null when not looked up
 */
record MacroValues(String sender, String localPart, String senderDomain, String domain, InetAddress ip,
                   String helo, String receiver, long timestamp, String validatedName) {

    MacroValues with(String domain, String validatedName) {
        return new MacroValues(sender, localPart, senderDomain, domain, ip, helo, receiver, timestamp, validatedName);
    }

    String value(char letter) {
        return switch (letter) {
            case 's' -> sender;
            case 'l' -> localPart;
            case 'o' -> senderDomain;
            case 'd' -> domain;
            case 'i' -> IpAddresses.dotted(ip);
            case 'p' -> validatedName == null ? "unknown" : validatedName;
            case 'v' -> ip instanceof Inet4Address ? "in-addr" : "ip6";
            case 'h' -> helo;
            case 'c' -> IpAddresses.readable(ip);
            case 'r' -> receiver;
            case 't' -> Long.toString(timestamp);
            default -> throw new IllegalArgumentException("no macro letter " + letter);
        };
    }
}
