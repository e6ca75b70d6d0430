package dev.tern.config;

import dev.tern.mail.IpAddresses;
import dev.tern.mail.IpNetwork;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A list of client networks, as the config names them: those allowed to relay without
 * authentication ({@code [smtp] relay_from}, like Postfix's {@code mynetworks}: empty by default,
 * so that only authenticated clients may relay and the server is never an open relay), and those
 * spared the receiving checks ({@code [checks] exempt}).
 *
 * <p>Each entry is an address literal with an optional prefix length: {@code "127.0.0.0/8"},
 * {@code "192.0.2.7"} (one host), {@code "2001:db8::/32"}, {@code "::1"}. Names are refused (they
 * would need DNS, and DNS is not a basis for trust).
 */
public final class ClientNetworks {

    /** Dotted quads whose octets may have leading zeros, which {@link IpAddresses#parse} refuses. */
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final ClientNetworks NONE = new ClientNetworks(List.of());

    private final List<IpNetwork> networks;

    private ClientNetworks(List<IpNetwork> networks) {
        this.networks = List.copyOf(networks);
    }

    public static ClientNetworks none() {
        return NONE;
    }

    /** Parses entries such as {@code "127.0.0.0/8"}; every error names the key and the entry. */
    public static ClientNetworks parse(String key, List<String> entries) {
        List<IpNetwork> out = new ArrayList<>();
        for (String entry : entries) {
            out.add(network(key, entry));
        }
        return out.isEmpty() ? NONE : new ClientNetworks(out);
    }

    static ClientNetworks read(ConfigNode smtp) {
        return parse(smtp.key("relay_from"), smtp.stringList("relay_from"));
    }

    /** The networks, as {@code 127.0.0.0/8} or {@code ::1/128}. */
    public List<String> entries() {
        return networks.stream().map(IpNetwork::toString).toList();
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    public boolean contains(InetAddress client) {
        for (IpNetwork n : networks) {
            if (n.contains(client)) {
                return true;
            }
        }
        return false;
    }

    /** The client's address in text form as sessions record it; anything but an address literal is not contained. */
    public boolean contains(String clientAddress) {
        if (networks.isEmpty() || clientAddress == null) {
            return false;
        }
        InetAddress a = literal(clientAddress);
        return a != null && contains(a);
    }

    private static IpNetwork network(String key, String entry) {
        String t = entry.trim();
        int slash = t.indexOf('/');
        String host = slash < 0 ? t : t.substring(0, slash);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress address = literal(host);
        if (address == null) {
            throw new ConfigException(key + ": \"" + entry + "\" is not a network such as \"127.0.0.0/8\", "
                    + "\"192.0.2.7\" or \"2001:db8::/32\"");
        }
        int max = address.getAddress().length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new ConfigException(key + ": \"" + entry + "\" has a prefix length that is not 0-" + max);
            }
        }
        IpNetwork network = IpNetwork.of(address, prefix);
        if (!Arrays.equals(network.address().getAddress(), address.getAddress())) {
            // A typo such as "10.1.2.3/8" would otherwise trust far more than meant, or less.
            throw new ConfigException(key + ": \"" + entry + "\" has host bits set after the prefix; did you mean \""
                    + network.address().getHostAddress() + "/" + prefix + "\"?");
        }
        return network;
    }

    /**
     * Parses an IPv4 or IPv6 literal without any lookup; null if the text is not one. Leading zeros
     * in IPv4 octets are taken as decimal ("010.0.0.1" is 10.0.0.1).
     */
    private static InetAddress literal(String text) {
        Matcher v4 = IPV4.matcher(text);
        if (v4.matches()) {
            StringJoiner octets = new StringJoiner(".");
            for (int i = 1; i <= 4; i++) {
                octets.add(Integer.toString(Integer.parseInt(v4.group(i))));
            }
            text = octets.toString();
        }
        return IpAddresses.parse(text).orElse(null);
    }
}
