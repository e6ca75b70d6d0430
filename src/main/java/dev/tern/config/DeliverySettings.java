package dev.tern.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Outbound delivery ({@code [delivery]}, {@code [delivery.routes]}, {@code [delivery.tls_policy]}
 * and {@code [delivery.smarthost]} in the config file).
 *
 * @param smtpPort                  port of the MX hosts (25; tests use another)
 * @param maxConnections            outbound SMTP connections open at once, in total
 * @param maxConnectionsPerDestination connections open at once to one destination (a domain's MX set,
 *                                  a fixed route, or the smarthost)
 * @param tls                       TLS level for MX delivery when {@code tlsPolicy} says nothing for the domain
 * @param tlsPolicy                 per recipient domain TLS level
 * @param caFile                    extra trusted CA certificates (PEM) for {@link TlsLevel#VERIFY}, or null
 * @param routes                    per recipient domain: a fixed next hop instead of the MX records
 * @param smarthost                 a relay that takes remote mail (all of it, or its domains), or null
 * @param retryFirst                delay before the first retry; doubled after each failure …
 * @param retryMax                  … up to this
 * @param maxLifetime               how long a message may stay in the queue before it expires with a bounce
 * @param delayWarning              after how long a still-deferred recipient's sender is warned, or null for never
 * @param bounceSizeLimit           the original message is returned whole in a bounce only up to this size
 * @param connectionReuse           how long an idle connection is kept for the next message to the same host
 * @param mtaSts                    honour the MTA-STS policies (RFC 8461) of recipient domains without a {@code tlsPolicy} entry
 * @param mtaStsPort                the HTTPS port policies are fetched from (443; tests use another)
 * @param tlsReports                the daily TLS reports to recipient domains (RFC 8460)
 * @param dane                      honour the DNSSEC-validated TLSA records (RFC 7672) of MX hosts of recipient
 *                                  domains without a {@code tlsPolicy} entry
 * @param saveToDetailMailbox       local delivery files mail for {@code user+detail@domain} into the account's
 *                                  mailbox named {@code detail}, when it has one without a special use (as
 *                                  Dovecot's {@code lmtp_save_to_detail_mailbox})
 */
public record DeliverySettings(int smtpPort, int maxConnections, int maxConnectionsPerDestination, TlsLevel tls,
                               Map<String, TlsLevel> tlsPolicy, Path caFile, Map<String, NextHopAddress> routes,
                               Smarthost smarthost, Duration retryFirst, Duration retryMax, Duration maxLifetime,
                               Duration delayWarning, long bounceSizeLimit, Duration connectionReuse,
                               boolean mtaSts, int mtaStsPort, ReportSettings tlsReports, boolean dane,
                               boolean saveToDetailMailbox) {

    /** How much TLS a delivery insists on (the names of Postfix's smtp_tls_security_level). */
    public enum TlsLevel {
        /** Never STARTTLS. */
        NONE,
        /** STARTTLS when offered, certificate not checked; plaintext when not offered or the handshake fails. */
        MAY,
        /** STARTTLS required, certificate not checked. */
        ENCRYPT,
        /** STARTTLS required, certificate chain and host name checked. */
        VERIFY,
        /**
         * For one domain in {@code tls_policy}: MX hosts with DNSSEC-validated TLSA records get
         * DANE (RFC 7672) whatever {@code dane} says, the others {@link #MAY}.
         */
        DANE,
        /** For one domain in {@code tls_policy}: only MX hosts with usable validated TLSA records, with DANE (RFC 7672 §6). */
        DANE_ONLY;

        static TlsLevel parse(String key, String text) {
            TlsLevel level = parseAny(text);
            if (level == null) {
                throw new ConfigException(key + ": expected \"none\", \"may\", \"encrypt\" or \"verify\", got \"" + text + "\"");
            }
            if (level.dane()) {
                throw new ConfigException(key + ": \"" + text + "\" is for one domain in [delivery.tls_policy]; "
                        + "for every domain, DANE is [delivery] dane = true");
            }
            return level;
        }

        static TlsLevel parsePolicy(String key, String text) {
            TlsLevel level = parseAny(text);
            if (level == null) {
                throw new ConfigException(key + ": expected \"none\", \"may\", \"encrypt\", \"verify\", \"dane\" or "
                        + "\"dane-only\", got \"" + text + "\"");
            }
            return level;
        }

        private static TlsLevel parseAny(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** DANE or DANE_ONLY. */
        public boolean dane() {
            return this == DANE || this == DANE_ONLY;
        }
    }

    /** How the connection to a smarthost is protected. */
    public enum SmarthostTls {
        /** STARTTLS, required (port 587). */
        STARTTLS,
        /** Implicit TLS (port 465, RFC 8314). */
        TLS,
        /** No TLS: only for a relay on a trusted network; AUTH is then refused. */
        NONE
    }

    /** A host and port to deliver to instead of the MX records. */
    public record NextHopAddress(String host, int port) {

        static NextHopAddress parse(String key, String text, int defaultPort) {
            String t = text.trim();
            String host = t;
            int port = defaultPort;
            if (t.startsWith("[")) {
                int close = t.indexOf(']');
                if (close < 0) {
                    throw new ConfigException(key + ": unclosed \"[\" in \"" + text + "\"");
                }
                host = t.substring(1, close);
                String rest = t.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw new ConfigException(key + ": expected \"host\", \"host:port\" or \"[address]:port\", got \"" + text + "\"");
                    }
                    port = port(key, rest.substring(1));
                }
            } else if (t.indexOf(':') >= 0) {
                if (t.indexOf(':') != t.lastIndexOf(':')) {
                    throw new ConfigException(key + ": IPv6 addresses need brackets, as in \"[::1]:25\"; got \"" + text + "\"");
                }
                host = t.substring(0, t.indexOf(':'));
                port = port(key, t.substring(t.indexOf(':') + 1));
            }
            if (host.isEmpty()) {
                throw new ConfigException(key + ": no host name in \"" + text + "\"");
            }
            return new NextHopAddress(host.toLowerCase(Locale.ROOT), port);
        }

        private static int port(String key, String s) {
            return PortNumbers.parse(key, s);
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * A relay (a cloud SMTP service, the provider's server) that delivers for Tern.
     *
     * @param address           where it listens
     * @param tls               how the connection is protected
     * @param verifyCertificate check its certificate chain and name (on by default)
     * @param username          AUTH user name, or null for no AUTH
     * @param password          AUTH password (from {@code password} or {@code password_file}), or null
     * @param domains           recipient domains it takes; empty for all remote mail
     */
    public record Smarthost(NextHopAddress address, SmarthostTls tls, boolean verifyCertificate, String username,
                            String password, List<String> domains) {

        @Override
        public String toString() {   // never the password
            return address + " (" + tls.name().toLowerCase(Locale.ROOT) + (username == null ? "" : ", user " + username) + ")";
        }
    }

    public static DeliverySettings defaults() {
        return new DeliverySettings(25, 100, 20, TlsLevel.MAY, Map.of(), null, Map.of(), null,
                Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(5), null, 50_000, Duration.ofSeconds(5),
                true, 443, ReportSettings.defaults(), true, false);
    }

    /** Whether {@code [delivery.tls_policy]} names {@code domain}: the operator's word, which MTA-STS does not override. */
    public boolean hasTlsPolicy(String domain) {
        return tlsPolicy.containsKey(domain);
    }

    /** The TLS level for mail to {@code domain} (an A-label, lower case). */
    public TlsLevel tlsFor(String domain) {
        return tlsPolicy.getOrDefault(domain, tls);
    }

    static DeliverySettings read(ConfigNode n, Path base) {
        DeliverySettings d = defaults();
        int port = n.positiveInt("smtp_port", d.smtpPort());
        if (port > 65535) {
            throw new ConfigException(n.key("smtp_port") + ": not a port number (1-65535)");
        }
        int max = n.positiveInt("max_connections", d.maxConnections());
        int perDestination = n.positiveInt("max_connections_per_destination", d.maxConnectionsPerDestination());
        TlsLevel tls = TlsLevel.parse(n.key("tls"), n.string("tls", "may"));
        String ca = n.string("ca_file", null);
        Path caFile = ca == null ? null : base.resolve(ca);

        Map<String, TlsLevel> policy = new LinkedHashMap<>();
        ConfigNode policyNode = n.table("tls_policy");
        for (String domain : policyNode.presentKeys()) {
            policy.put(domainKey(domain), TlsLevel.parsePolicy(policyNode.key(domain), policyNode.string(domain, "may")));
        }
        Map<String, NextHopAddress> routes = new LinkedHashMap<>();
        ConfigNode routesNode = n.table("routes");
        for (String domain : routesNode.presentKeys()) {
            routes.put(domainKey(domain), NextHopAddress.parse(routesNode.key(domain),
                    routesNode.string(domain, ""), port));
        }
        for (Map.Entry<String, TlsLevel> e : policy.entrySet()) {
            if (e.getValue().dane() && routes.containsKey(e.getKey())) {
                throw new ConfigException(policyNode.key(e.getKey()) + ": DANE applies to MX hosts, and "
                        + routesNode.key(e.getKey()) + " sends this domain's mail to a fixed host");
            }
        }
        Smarthost smarthost = n.has("smarthost") ? readSmarthost(n.table("smarthost"), base) : null;
        if (!n.has("smarthost")) {
            n.table("smarthost");   // marks the key as known
        }
        Duration first = n.duration("retry_first", d.retryFirst());
        Duration maxRetry = n.duration("retry_max", d.retryMax());
        if (maxRetry.compareTo(first) < 0) {
            throw new ConfigException(n.key("retry_max") + ": must not be shorter than " + n.key("retry_first"));
        }
        Duration lifetime = n.duration("max_lifetime", d.maxLifetime());
        Duration warning = n.duration("delay_warning", null);
        long bounceLimit = n.size("bounce_size_limit", d.bounceSizeLimit());
        Duration reuse = n.duration("connection_reuse", d.connectionReuse());
        boolean mtaSts = n.bool("mta_sts", d.mtaSts());
        int mtaStsPort = n.positiveInt("mta_sts_port", d.mtaStsPort());
        if (mtaStsPort > 65535) {
            throw new ConfigException(n.key("mta_sts_port") + ": not a port number (1-65535)");
        }
        return new DeliverySettings(port, max, perDestination, tls, Map.copyOf(policy), caFile, Map.copyOf(routes),
                smarthost, first, maxRetry, lifetime, warning, bounceLimit, reuse, mtaSts, mtaStsPort,
                ReportSettings.read(n.table("tls_reports")), n.bool("dane", d.dane()),
                n.bool("save_to_detail_mailbox", d.saveToDetailMailbox()));
    }

    private static Smarthost readSmarthost(ConfigNode n, Path base) {
        if (!n.has("host")) {
            throw new ConfigException(n.key("host") + ": the smarthost needs a host, as in host = \"smtp.example.net\"");
        }
        String tlsText = n.string("tls", "starttls");
        SmarthostTls tls;
        try {
            tls = SmarthostTls.valueOf(tlsText.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.key("tls") + ": expected \"starttls\", \"tls\" or \"none\", got \"" + tlsText + "\"");
        }
        int defaultPort = tls == SmarthostTls.TLS ? 465 : tls == SmarthostTls.STARTTLS ? 587 : 25;
        NextHopAddress address = NextHopAddress.parse(n.key("host"), n.string("host", ""), defaultPort);
        if (n.has("port")) {
            int p = n.positiveInt("port", defaultPort);
            if (p > 65535) {
                throw new ConfigException(n.key("port") + ": not a port number (1-65535)");
            }
            address = new NextHopAddress(address.host(), p);
        }
        boolean verify = n.bool("verify_certificate", true);
        String user = n.string("username", null);
        String password = n.string("password", null);
        String passwordFile = n.string("password_file", null);
        if (password != null && passwordFile != null) {
            throw new ConfigException(n.key("password_file") + ": give either password or password_file, not both");
        }
        if (passwordFile != null) {
            Path p = base.resolve(passwordFile);
            try {
                password = java.nio.file.Files.readString(p).strip();
            } catch (java.io.IOException e) {
                throw new ConfigException(n.key("password_file") + ": cannot read " + p + ": " + e.getMessage());
            }
        }
        if (user != null && password == null) {
            throw new ConfigException(n.key("password") + ": username is set but no password or password_file");
        }
        if (user == null && password != null) {
            throw new ConfigException(n.key("username") + ": a password is set but no username");
        }
        if (user != null && tls == SmarthostTls.NONE) {
            throw new ConfigException(n.key("tls") + ": \"none\" would send the password in clear text; use \"starttls\" or \"tls\"");
        }
        List<String> domains = n.stringList("domains").stream().map(DeliverySettings::domainKey).toList();
        return new Smarthost(address, tls, verify, user, password, domains);
    }

    private static String domainKey(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }
}
