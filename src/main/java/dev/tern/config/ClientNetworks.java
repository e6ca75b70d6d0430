package dev.tern.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final ClientNetworks NONE = new ClientNetworks(List.of());

    private record Network(byte[] address, int prefix) {
        boolean contains(byte[] a) {
            if (a.length != address.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != address[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (address[full] & mask);
        }
    }

    private final List<Network> networks;

    private ClientNetworks(List<Network> networks) {
        this.networks = List.copyOf(networks);
    }

    public static ClientNetworks none() {
        return NONE;
    }

    /** Parses entries such as {@code "127.0.0.0/8"}; every error names the key and the entry. */
    public static ClientNetworks parse(String key, List<String> entries) {
        List<Network> out = new ArrayList<>();
        for (String entry : entries) {
            out.add(network(key, entry));
        }
        return out.isEmpty() ? NONE : new ClientNetworks(out);
    }

    static ClientNetworks read(ConfigNode smtp) {
        return parse(smtp.key("relay_from"), smtp.stringList("relay_from"));
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    public boolean contains(InetAddress client) {
        if (client == null) {
            return false;
        }
        byte[] a = client.getAddress();
        for (Network n : networks) {
            if (n.contains(a)) {
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

    private static Network network(String key, String entry) {
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
        byte[] bytes = address.getAddress();
        int max = bytes.length * 8;
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
        byte[] masked = bytes.clone();
        for (int bit = prefix; bit < max; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        if (!Arrays.equals(masked, bytes)) {
            // A typo such as "10.1.2.3/8" would otherwise trust far more than meant, or less.
            throw new ConfigException(key + ": \"" + entry + "\" has host bits set after the prefix; did you mean \""
                    + textOf(masked) + "/" + prefix + "\"?");
        }
        return new Network(bytes, prefix);
    }

    /** Parses an IPv4 or IPv6 literal without any lookup; null if the text is not one. */
    private static InetAddress literal(String text) {
        Matcher v4 = IPV4.matcher(text);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return null;
                }
            }
        } else if (!IPV6.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text);    // a literal by now: nothing is looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String textOf(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
