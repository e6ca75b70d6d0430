package dev.tern.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Mail filters spoken to over the Sendmail milter protocol ({@code [milter]}), as Postfix's
 * {@code smtpd_milters}: each SMTP session of the chosen listeners is shown to every filter, in
 * order, and each may refuse it, change the message or leave it alone (docs/milter.md). Off unless
 * {@code servers} lists one.
 *
 * @param servers        the filters, in the order they are asked
 * @param listeners      the SMTP listeners whose sessions the filters see, and {@code "http"} for
 *                       the messages of the send API (each shown as a session of its own)
 * @param onFailure      what a filter that cannot be reached, is too slow or breaks the protocol
 *                       does to the session (Postfix's {@code milter_default_action})
 * @param connectTimeout how long connecting to a filter and agreeing on the protocol may take
 * @param commandTimeout how long a filter may take to answer one command
 * @param contentTimeout how long a filter may take to answer the message's content and its end
 */
public record MilterSettings(List<Endpoint> servers, List<String> listeners, OnFailure onFailure,
                             Duration connectTimeout, Duration commandTimeout, Duration contentTimeout) {

    public MilterSettings {
        servers = List.copyOf(servers);
        listeners = List.copyOf(listeners);
    }

    /** What a failing filter does. */
    public enum OnFailure {
        /** Go on as if the filter were not there (logged). */
        ACCEPT,
        /** Answer {@code 451 4.3.5} to the session's transactions: senders try again later (the default). */
        TEMPFAIL,
        /** Answer {@code 550 5.5.0}: refuse mail while the filter fails. */
        REJECT
    }

    /** Where a filter listens: a TCP address, or a Unix socket. */
    public record Endpoint(String text, String host, int port, Path socket) {

        public boolean isUnixSocket() {
            return socket != null;
        }

        @Override
        public String toString() {
            return text;
        }

        /**
         * Postfix's {@code inet:host:port} (IPv6 in brackets) and {@code unix:/path}, and Sendmail's
         * {@code inet:port@host} and {@code local:/path}, which milters' own manuals give.
         */
        static Endpoint parse(String key, String text) {
            String t = text.strip();
            int colon = t.indexOf(':');
            String scheme = colon < 0 ? "" : t.substring(0, colon).toLowerCase(Locale.ROOT);
            String rest = colon < 0 ? t : t.substring(colon + 1);
            switch (scheme) {
                case "unix", "local" -> {
                    if (!rest.startsWith("/")) {
                        throw new ConfigException(key + ": \"" + text + "\": a Unix socket needs an absolute path, "
                                + "like \"unix:/run/opendkim/opendkim.sock\"");
                    }
                    return new Endpoint(t, null, 0, Path.of(rest));
                }
                case "inet", "inet6" -> {
                    String host;
                    String port;
                    int at = rest.indexOf('@');
                    if (at >= 0) {
                        port = rest.substring(0, at);
                        host = rest.substring(at + 1);
                    } else if (rest.startsWith("[")) {
                        int close = rest.indexOf("]:");
                        if (close < 0) {
                            throw new ConfigException(key + ": \"" + text + "\" is not of the form \"inet:[::1]:8891\"");
                        }
                        host = rest.substring(1, close);
                        port = rest.substring(close + 2);
                    } else {
                        int last = rest.lastIndexOf(':');
                        if (last < 0) {
                            throw new ConfigException(key + ": \"" + text + "\" names no port; write \"inet:HOST:PORT\", "
                                    + "like \"inet:127.0.0.1:8891\"");
                        }
                        host = rest.substring(0, last);
                        port = rest.substring(last + 1);
                    }
                    int p = PortNumbers.parse(key, port);
                    if (host.isEmpty()) {
                        host = "127.0.0.1";
                    }
                    return new Endpoint(t, host, p, null);
                }
                default -> throw new ConfigException(key + ": \"" + text + "\": expected \"inet:HOST:PORT\" or "
                        + "\"unix:/PATH\"");
            }
        }
    }

    public static MilterSettings defaults() {
        return new MilterSettings(List.of(), TernConfig.SMTP_LISTENERS, OnFailure.TEMPFAIL, Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofMinutes(5));
    }

    public boolean enabled() {
        return !servers.isEmpty();
    }

    /** Whether sessions on this listener are shown to the filters. */
    public boolean appliesTo(String listener) {
        return enabled() && listeners.contains(listener);
    }

    static MilterSettings read(ConfigNode n) {
        MilterSettings d = defaults();
        List<Endpoint> servers = new ArrayList<>();
        for (String s : n.stringList("servers")) {
            servers.add(Endpoint.parse(n.key("servers"), s));
        }
        List<String> listeners = n.has("listeners") ? n.stringList("listeners") : d.listeners();
        for (String l : listeners) {
            if (!TernConfig.SMTP_LISTENERS.contains(l) && !TernConfig.SEND_API.equals(l)) {
                throw new ConfigException(n.key("listeners") + ": \"" + l + "\" is not an SMTP listener; expected some of "
                        + String.join(", ", TernConfig.SMTP_LISTENERS) + ", or \"" + TernConfig.SEND_API
                        + "\" for the send API");
            }
        }
        OnFailure onFailure = CheckSettings.choice(n, "on_failure", OnFailure.class, d.onFailure());
        return new MilterSettings(servers, listeners, onFailure, n.duration("connect_timeout", d.connectTimeout()),
                n.duration("command_timeout", d.commandTimeout()), n.duration("content_timeout", d.contentTimeout()));
    }
}
