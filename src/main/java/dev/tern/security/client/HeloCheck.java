package dev.tern.security.client;

import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import dev.tern.mail.IpAddresses;

import java.net.InetAddress;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Checks of the name a client gives in HELO/EHLO, at three levels:
 * <ul>
 *   <li>{@link Strictness#OFF}: everything is accepted.</li>
 *   <li>{@link Strictness#LENIENT}: refused are names that are neither a domain nor an address
 *       literal (501 5.5.2), an IP address without brackets (501 5.5.2: RFC 5321 §4.1.3 wants
 *       {@code [192.0.2.1]}), and, from a client that is not on this host, this server's own name
 *       or one of its own address literals (550 5.7.1): a stranger claiming to be us is lying.</li>
 *   <li>{@link Strictness#STRICT}: LENIENT, and a name must be fully qualified (504 5.5.2) and
 *       have an address in DNS (A or AAAA; none: 550 5.7.1; DNS failed: 450 4.7.1). Address
 *       literals are accepted: RFC 5321 §4.1.4 allows them for clients without a name.</li>
 * </ul>
 *
 * <p>Domain syntax is RFC 5321's (letters, digits, hyphens; labels up to 63 octets, names up to
 * 255), relaxed as real clients need: underscores are allowed (Windows host names have them), so
 * is a final dot, and so are internationalized names (RFC 6531) whose A-label form is valid.
 *
 * <p>RFC 5321 §4.1.4 says a server must not refuse mail because the HELO name does not match the
 * client's address; neither level compares them. STRICT's "must resolve" goes beyond what the RFC
 * asks and refuses some legitimate but sloppily configured senders: it is for sites that prefer that.
 */
public final class HeloCheck {

    public enum Strictness { OFF, LENIENT, STRICT }

    private static final int MAX_NAME = 255;
    private static final int MAX_LABEL = 63;
    private static final int MAX_ECHO = 64;
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?");
    /** Digits and dots only: an address, or a mistyped one, but no host name (top-level domains are not numeric). */
    private static final Pattern LOOKS_LIKE_IP = Pattern.compile("[0-9.]+");

    private final Strictness strictness;
    private final String serverName;
    private final Set<InetAddress> serverAddresses;
    private final DnsResolver dns;

    /**
     * @param serverName      this server's host name ({@code hostname} of the configuration)
     * @param serverAddresses this server's public addresses, if known (the connection's local
     *                        address is passed to {@link #check(String, InetAddress, InetAddress)});
     *                        wildcard addresses are ignored
     * @param dns             used by STRICT only; may be null otherwise
     */
    public HeloCheck(Strictness strictness, String serverName, Collection<InetAddress> serverAddresses,
                     DnsResolver dns) {
        this.strictness = Objects.requireNonNull(strictness);
        this.serverName = normalized(serverName);
        this.serverAddresses = new LinkedHashSet<>();
        for (InetAddress a : serverAddresses) {
            if (!a.isAnyLocalAddress()) {
                this.serverAddresses.add(a);
            }
        }
        if (strictness == Strictness.STRICT && dns == null) {
            throw new IllegalArgumentException("STRICT HELO checks need a DNS resolver");
        }
        this.dns = dns;
    }

    public Strictness strictness() {
        return strictness;
    }

    public CompletableFuture<HeloVerdict> check(String helo, InetAddress client) {
        return check(helo, client, null);
    }

    /**
     * @param helo   the argument of HELO or EHLO, as the client sent it
     * @param client the client's address
     * @param local  the address the client connected to, taken as one of ours; may be null
     * @return the verdict; completes at once unless STRICT has to ask DNS
     */
    public CompletableFuture<HeloVerdict> check(String helo, InetAddress client, InetAddress local) {
        if (strictness == Strictness.OFF) {
            return done(HeloVerdict.accept());
        }
        String name = helo == null ? "" : helo.trim();
        if (name.isEmpty()) {
            return refuse(501, "5.5.2", "HELO and EHLO need your host name, or an address literal such as [192.0.2.1]");
        }
        boolean literal = name.startsWith("[");
        InetAddress literalAddress = literal ? IpAddresses.parseSmtpLiteral(name).orElse(null) : null;
        if (literal && literalAddress == null) {
            return refuse(501, "5.5.2", "\"" + echo(name) + "\" is not an address literal: write [192.0.2.1] or [IPv6:2001:db8::1]");
        }
        if (!literal && IpAddresses.parse(name).isPresent()) {
            String bracketed = name.indexOf(':') >= 0 ? "[IPv6:" + echo(name) + "]" : "[" + echo(name) + "]";
            return refuse(501, "5.5.2", "an IP address in HELO needs brackets: write " + bracketed);
        }
        if (!literal && (LOOKS_LIKE_IP.matcher(name).matches() || !validDomain(name))) {
            return refuse(501, "5.5.2", "\"" + echo(name) + "\" is not a valid host name");
        }
        if (!fromThisHost(client, local) && claimsToBeUs(name, literalAddress, local)) {
            return refuse(550, "5.7.1", "\"" + echo(name) + "\" is this server's own name or address, not yours;"
                    + " introduce yourself with your own host name");
        }
        if (strictness == Strictness.LENIENT || literal) {
            return done(HeloVerdict.accept());
        }
        return strictChecks(name);
    }

    private CompletableFuture<HeloVerdict> strictChecks(String name) {
        String ascii = dev.tern.mail.Idna.toAscii(stripDot(name));
        if (ascii.indexOf('.') < 0) {
            return refuse(504, "5.5.2", "\"" + echo(name) + "\" is not a fully-qualified host name; use one such as mail.example.org");
        }
        return dns.addresses(ascii).thenApply(answer -> {
            if (answer instanceof DnsAnswer.Found) {
                return HeloVerdict.accept();
            }
            if (answer instanceof DnsAnswer.TemporaryFailure) {
                return HeloVerdict.refuse(450, "4.7.1", "cannot look up the host name \"" + echo(name)
                        + "\" at the moment; try again later");
            }
            return HeloVerdict.refuse(550, "5.7.1", "the host name \"" + echo(name)
                    + "\" has no address in DNS (A or AAAA); introduce yourself with a name that resolves");
        });
    }

    private boolean fromThisHost(InetAddress client, InetAddress local) {
        return client != null && (client.isLoopbackAddress() || serverAddresses.contains(client) || client.equals(local));
    }

    private boolean claimsToBeUs(String name, InetAddress literal, InetAddress local) {
        if (literal != null) {
            return serverAddresses.contains(literal) || literal.equals(local);
        }
        return normalized(name).equals(serverName);
    }

    static boolean validDomain(String name) {
        String n = stripDot(name);
        if (n.isEmpty()) {
            return false;
        }
        String ascii;
        try {
            ascii = dev.tern.mail.Idna.toAscii(n);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (ascii.length() > MAX_NAME) {
            return false;
        }
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL || !LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static String normalized(String name) {
        return name == null ? "" : stripDot(name.trim()).toLowerCase(Locale.ROOT);
    }

    /** Client input goes back on the wire only as a short run of printable ASCII. */
    private static String echo(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX_ECHO; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x21 && c < 0x7f && c != '"' ? c : '?');
        }
        return s.length() > MAX_ECHO ? b + "..." : b.toString();
    }

    private static CompletableFuture<HeloVerdict> refuse(int code, String enhanced, String text) {
        return done(HeloVerdict.refuse(code, enhanced, text));
    }

    private static CompletableFuture<HeloVerdict> done(HeloVerdict v) {
        return CompletableFuture.completedFuture(v);
    }
}
