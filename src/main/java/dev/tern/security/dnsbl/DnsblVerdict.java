package dev.tern.security.dnsbl;

import dev.tern.mail.IpAddresses;

import java.net.InetAddress;
import java.util.List;

/**
 * What the DNS block and allow lists say about a client address. The SMTP server refuses
 * {@link Listed} clients; what to do with {@link Unknown} is its policy (most servers accept:
 * a list that cannot be asked should not stop mail).
 */
public sealed interface DnsblVerdict permits DnsblVerdict.Allowed, DnsblVerdict.Listed, DnsblVerdict.Clean,
        DnsblVerdict.Unknown {

    /** The client is on an allow list: the block lists were not asked. */
    record Allowed(String zone, List<String> codes) implements DnsblVerdict {
        public Allowed {
            codes = List.copyOf(codes);
        }
    }

    /**
     * The client is on a block list (the first of the configured lists, in their order, that lists it).
     *
     * @param codes  the A records of the listing, such as {@code 127.0.0.2}; lists use them to say why
     * @param reason the list's TXT record for the address, made safe to send; null when it has none
     */
    record Listed(InetAddress client, String zone, List<String> codes, String reason) implements DnsblVerdict {

        /** Refused at once and for good, as Postfix does for its DNSBL hits. */
        public static final int REPLY_CODE = 554;
        public static final String ENHANCED_CODE = "5.7.1";

        public Listed {
            codes = List.copyOf(codes);
        }

        /** E.g. "client host [192.0.2.1] blocked using bl.example.org; see https://bl.example.org/q?192.0.2.1". */
        public String replyText() {
            String text = "client host [" + IpAddresses.format(client) + "] blocked using " + zone;
            return reason == null || reason.isEmpty() ? text : text + "; " + reason;
        }
    }

    /** On no block list (or not looked up: loopback and private addresses, no lists configured). */
    record Clean() implements DnsblVerdict {
    }

    /**
     * On no block list that answered, but one could not be asked: a DNS lookup failed temporarily.
     *
     * @param zone   the first list (in configured order) that did not answer
     * @param reason the DNS failure, for logs
     */
    record Unknown(InetAddress client, String zone, String reason) implements DnsblVerdict {

        /** For a server that defers mail it could not check. */
        public static final int REPLY_CODE = 451;
        public static final String ENHANCED_CODE = "4.7.1";

        public String replyText() {
            return "cannot check client host [" + IpAddresses.format(client) + "] against " + zone
                    + " at the moment; try again later";
        }
    }
}
