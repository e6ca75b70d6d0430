package dev.tern.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How Tern asks DNS ({@code [dns]} in the config file): MX lookups for outbound delivery, later TXT
 * and PTR for SPF, DKIM and DMARC.
 *
 * @param nameservers the recursive resolvers to ask, in order; empty means those of the system's
 *                    {@code /etc/resolv.conf}
 * @param timeout     how long to wait for one nameserver to answer one query before asking again or
 *                    asking the next one
 */
public record DnsSettings(List<InetSocketAddress> nameservers, Duration timeout) {

    private static final int DNS_PORT = 53;
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    public DnsSettings {
        nameservers = List.copyOf(nameservers);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    public static DnsSettings defaults() {
        return new DnsSettings(List.of(), Duration.ofSeconds(5));
    }

    static DnsSettings read(ConfigNode n) {
        List<InetSocketAddress> servers = n.stringList("nameservers").stream()
                .map(s -> nameserver(n.key("nameservers"), s)).toList();
        return new DnsSettings(servers, n.duration("timeout", defaults().timeout()));
    }

    /**
     * Parses "ip", "ip:port", "[ipv6]" or "[ipv6]:port". Only address literals are accepted: a
     * nameserver given by name would need DNS to be found.
     */
    static InetSocketAddress nameserver(String key, String text) {
        String t = text.trim();
        String host = t;
        int port = DNS_PORT;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new ConfigException(key + ": \"" + text + "\" has no closing bracket (write IPv6 as \"[::1]:53\")");
            }
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new ConfigException(key + ": \"" + text + "\" is not of the form \"[address]:port\"");
                }
                port = port(key, rest.substring(1));
            }
            if (!IPV6.matcher(host).matches()) {
                throw new ConfigException(key + ": \"" + host + "\" is not an IPv6 address");
            }
        } else if (t.indexOf(':') != t.lastIndexOf(':')) {
            throw new ConfigException(key + ": IPv6 addresses need brackets, as in \"[::1]:53\"; got \"" + text + "\"");
        } else {
            int colon = t.indexOf(':');
            if (colon >= 0) {
                host = t.substring(0, colon);
                port = port(key, t.substring(colon + 1));
            }
            var m = IPV4.matcher(host);
            boolean valid = m.matches();
            for (int i = 1; valid && i <= 4; i++) {
                valid = Integer.parseInt(m.group(i)) <= 255;
            }
            if (!valid) {
                throw new ConfigException(key + ": \"" + text + "\" is not an IP address such as \"192.0.2.53\", \"192.0.2.53:5353\" or \"[2001:db8::53]:53\"");
            }
        }
        try {
            // A literal by now (checked above), so this does not look anything up.
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new ConfigException(key + ": \"" + text + "\" is not an IP address: " + e.getMessage());
        }
    }

    private static int port(String key, String text) {
        return PortNumbers.parse(key, text);
    }
}
