package dev.tern.security.greylist;

import dev.tern.mail.IpNetwork;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who is never greylisted. Entries:
 * <ul>
 *   <li>{@code 192.0.2.0/24}, {@code 2001:db8::/32}, {@code 192.0.2.7}: client networks;</li>
 *   <li>{@code from:example.org}: senders in the domain or its subdomains
 *       ({@code from:user@example.org}: that sender only);</li>
 *   <li>{@code to:postmaster@example.net}: a recipient; {@code to:example.net}: recipients in the
 *       domain or its subdomains.</li>
 * </ul>
 * Sender addresses are easily forged: a sender entry lets anyone who uses that address past
 * greylisting, so prefer networks. The null sender matches no sender entry.
 */
final class GreylistWhitelist {

    private final List<IpNetwork> networks = new ArrayList<>();
    private final List<String> senders = new ArrayList<>();
    private final List<String> recipients = new ArrayList<>();

    /** @throws IllegalArgumentException naming the entry that is none of the forms above */
    GreylistWhitelist(List<String> entries) {
        for (String entry : entries) {
            String e = entry.trim().toLowerCase(Locale.ROOT);
            if (e.startsWith("from:")) {
                senders.add(addressOrDomain(entry, e.substring(5)));
            } else if (e.startsWith("to:")) {
                recipients.add(addressOrDomain(entry, e.substring(3)));
            } else {
                try {
                    networks.add(IpNetwork.parse(e));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("greylisting whitelist entry \"" + entry + "\" is not a client "
                            + "network (192.0.2.0/24), a sender (from:example.org) or a recipient (to:postmaster@example.net)");
                }
            }
        }
    }

    boolean allows(InetAddress client, String sender, String recipient) {
        for (IpNetwork n : networks) {
            if (n.contains(client)) {
                return true;
            }
        }
        return (sender != null && matches(senders, sender.toLowerCase(Locale.ROOT)))
                || (recipient != null && matches(recipients, recipient.toLowerCase(Locale.ROOT)));
    }

    private static boolean matches(List<String> entries, String address) {
        String domain = address.substring(address.lastIndexOf('@') + 1);
        for (String e : entries) {
            if (e.indexOf('@') >= 0 ? address.equals(e) : domain.equals(e) || domain.endsWith("." + e)) {
                return true;
            }
        }
        return false;
    }

    private static String addressOrDomain(String entry, String value) {
        String v = value.trim();
        if (v.startsWith("@")) {
            v = v.substring(1);
        }
        int at = v.lastIndexOf('@');
        String domain = v.substring(at + 1);
        if (v.isEmpty() || domain.isEmpty() || domain.startsWith(".") || domain.endsWith(".") || domain.contains(" ")
                || (at == 0)) {
            throw new IllegalArgumentException("greylisting whitelist entry \"" + entry
                    + "\" needs a domain or an address after the colon, as in from:example.org or to:postmaster@example.net");
        }
        return v;
    }
}
