package dev.tern.config;

import java.util.List;

/**
 * The PROXY protocol ({@code [proxy_protocol]}, HAProxy's v1 text and v2 binary headers): lets
 * nodes behind a TCP load balancer see the real client address, for the logs, Received fields,
 * rate limits, SPF and the relay and exempt networks.
 *
 * @param listeners names of the listeners on which the header is read (for example "smtp", "imaps")
 * @param trusted   the load balancers: a connection from one of these networks must begin with a
 *                  PROXY header, and the address it carries replaces the connection's; a
 *                  connection from anywhere else is served as a direct one and any header it
 *                  sends is a protocol error, so that no client can claim another address
 */
public record ProxyProtocolSettings(List<String> listeners, ClientNetworks trusted) {

    public static ProxyProtocolSettings defaults() {
        return new ProxyProtocolSettings(List.of(), ClientNetworks.none());
    }

    /** True when connections to this listener from trusted sources carry a PROXY header. */
    public boolean appliesTo(String listener) {
        return listeners.contains(listener);
    }

    static ProxyProtocolSettings read(ConfigNode n) {
        List<String> listeners = n.stringList("listeners");
        for (String l : listeners) {
            if (!TernConfig.LISTENER_NAMES.contains(l)) {
                throw new ConfigException(n.key("listeners") + ": unknown listener \"" + l + "\"; expected some of "
                        + String.join(", ", TernConfig.LISTENER_NAMES));
            }
        }
        ClientNetworks trusted = ClientNetworks.parse(n.key("trusted"), n.stringList("trusted"));
        if (!listeners.isEmpty() && n.stringList("trusted").isEmpty()) {
            throw new ConfigException(n.key("trusted") + ": list the load balancers' addresses (CIDR), "
                    + "or no connection will be read as proxied");
        }
        return new ProxyProtocolSettings(listeners, trusted);
    }
}
