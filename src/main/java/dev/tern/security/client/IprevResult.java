package dev.tern.security.client;

import dev.tern.mail.IpAddresses;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of the "iprev" check of a client address (RFC 8601 §3): does a name that DNS gives
 * for the address (PTR) lead back to the address (A/AAAA)?
 *
 * @param status        pass, fail, temperror or permerror, as RFC 8601 defines them
 * @param client        the address checked
 * @param confirmedName the PTR name whose addresses include the client, without the final dot;
 *                      null unless {@code status} is PASS. Only this name may be shown as the
 *                      client's name (in a Received header, say): the other PTR names are claims
 *                      of whoever controls the reverse zone.
 * @param ptrNames      the names the PTR lookup gave, as found (empty when it gave none)
 * @param reason        what happened, for logs
 */
public record IprevResult(Status status, InetAddress client, String confirmedName, List<String> ptrNames,
                          String reason) {

    /** RFC 8601 §3's results. */
    public enum Status {
        /** A PTR name resolves back to the address. */
        PASS,
        /** PTR names exist, but none of them resolves back to the address. */
        FAIL,
        /** DNS did not answer in time or answered SERVFAIL: try again later. */
        TEMPERROR,
        /** No PTR record (the address has no name in DNS). */
        PERMERROR
    }

    public IprevResult {
        ptrNames = List.copyOf(ptrNames);
        if ((status == Status.PASS) != (confirmedName != null)) {
            throw new IllegalArgumentException("a confirmed name goes with PASS, and only with PASS");
        }
    }

    public boolean passed() {
        return status == Status.PASS;
    }

    /**
     * The method result for an Authentication-Results header field (RFC 8601 §2.7.3), e.g.
     * {@code iprev=pass policy.iprev=192.0.2.1 (mail.example.org)}; the comment names the
     * confirmed host, and is left out for other results.
     */
    public String authenticationResult() {
        String result = "iprev=" + status.name().toLowerCase(Locale.ROOT)
                + " policy.iprev=" + IpAddresses.format(client);
        return confirmedName == null ? result : result + " (" + confirmedName + ")";
    }
}
