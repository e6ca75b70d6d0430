package dev.tern.config;

import java.net.InetSocketAddress;

/** One "address:port" a listener binds, e.g. {@code 0.0.0.0:25} or {@code [::1]:587}. */
public record ListenAddress(String host, int port) {

    static ListenAddress parse(String key, String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new ConfigException(key + ": \"" + text + "\" is not of the form \"address:port\" (for example \"0.0.0.0:25\" or \"[::1]:25\")");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new ConfigException(key + ": IPv6 addresses need brackets, as in \"[::1]:25\"; got \"" + text + "\"");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key + ": \"" + t.substring(colon + 1) + "\" is not a port number (0-65535)");
        }
        return new ListenAddress(host, port);
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
