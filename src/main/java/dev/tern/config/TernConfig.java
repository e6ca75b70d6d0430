package dev.tern.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration, read from one TOML file (the single source of configuration truth).
 *
 * @param source             the file it was read from
 * @param hostname           name used in the greeting, EHLO, Received headers and certificates
 * @param dataDir            where the embedded store keeps its database and message files
 * @param listeners          listener name (smtp, submission…) to the addresses it binds
 * @param smtp               SMTP server limits
 * @param relayFrom          client networks allowed to relay without authentication ({@code [smtp] relay_from})
 * @param postmaster         where mail for postmaster@ (each local domain and the host name) goes when no
 *                           account or alias of that name exists, or null
 * @param recipientDelimiter separator of plus addressing ({@code user+tag@domain}), or empty to disable
 * @param protocolTrace      log every SMTP command and reply (debugging only: logs addresses)
 * @param auth               SASL authentication: mechanisms offered, throttling, Kerberos
 * @param submission         mail submitted by authenticated users ({@code [submission]})
 * @param tls                the server certificate ({@code [tls]})
 * @param delivery           outbound delivery: MX, routes, smarthost, TLS, retries ({@code [delivery]})
 * @param dns                the nameservers to ask and how long to wait for them ({@code [dns]})
 * @param pop3               the POP3 server ({@code [pop3]})
 * @param imap               the IMAP server ({@code [imap]})
 * @param managesieve        the ManageSieve server ({@code [managesieve]})
 * @param checks             the receiving checks on port 25: SPF, DKIM, DMARC, DNSBL, HELO ({@code [checks]})
 * @param rateLimits         rate limits per client address and per user ({@code [rate_limits]})
 * @param greylisting        greylisting on port 25 ({@code [greylisting]})
 * @param admin              the admin listener: HTTP API, web console, metrics ({@code [admin]})
 * @param tracking           delivery tracking: how long records are kept ({@code [tracking]})
 * @param webhooks           HTTP POSTs of delivery events: private addresses, concurrency ({@code [webhooks]})
 * @param store              where the metadata and the message contents live ({@code [store]})
 * @param proxyProtocol      listeners behind a load balancer that sends PROXY headers ({@code [proxy_protocol]})
 * @param mtaSts             the MTA-STS policy published for the local domains ({@code [mta_sts]})
 * @param acme               the certificate obtained from an ACME CA ({@code [acme]}), or null: the files of
 *                           {@code [tls]}, or a self-signed certificate
 * @param suppression        addresses outbound mail is not sent to after a hard bounce ({@code [suppression]})
 * @param retention          how long messages stay in Trash and Junk ({@code [retention]})
 * @param quota              the warnings accounts get as they fill their quota ({@code [quota]})
 * @param lmtp               who may use the LMTP listener ({@code [lmtp]})
 * @param sieve              Sieve filtering: where the operator's global scripts are ({@code [sieve]})
 * @param milter             mail filters over the milter protocol ({@code [milter]})
 */
public record TernConfig(Path source, String hostname, Path dataDir, Map<String, List<ListenAddress>> listeners,
                         SmtpLimits smtp, ClientNetworks relayFrom, String postmaster, String recipientDelimiter, boolean protocolTrace,
                         AuthSettings auth, SubmissionSettings submission, TlsConfig tls,
                         DeliverySettings delivery, DnsSettings dns, Pop3Settings pop3,
                         ImapSettings imap, ManageSieveSettings managesieve, CheckSettings checks, RateLimitSettings rateLimits,
                         GreylistSettings greylisting, AdminSettings admin, TrackingSettings tracking,
                         WebhookSettings webhooks, StoreSettings store, ProxyProtocolSettings proxyProtocol,
                         MtaStsSettings mtaSts, AcmeSettings acme, SuppressionSettings suppression,
                         RetentionSettings retention, QuotaSettings quota, LmtpSettings lmtp,
                         SieveSettings sieve, MilterSettings milter) {

    /**
     * The SMTP listeners: inbound MTA (port 25, STARTTLS), message submission (587, STARTTLS,
     * RFC 6409) and submission over implicit TLS (465, RFC 8314).
     */
    public static final List<String> SMTP_LISTENERS = List.of("smtp", "submission", "submissions");

    /** The POP3 listeners: STLS offered (port 110, RFC 2595) and implicit TLS (995, RFC 8314). */
    public static final List<String> POP3_LISTENERS = List.of("pop3", "pop3s");

    /** The IMAP listeners: STARTTLS offered (port 143, RFC 9051 §6.2.1) and implicit TLS (993, RFC 8314). */
    public static final List<String> IMAP_LISTENERS = List.of("imap", "imaps");

    /**
     * The LMTP listener (RFC 2033; port 24 by convention): final delivery into the mailboxes for an
     * MTA in front of Tern, from the networks of {@code [lmtp] allow_from}.
     */
    public static final String LMTP_LISTENER = "lmtp";

    /** The ManageSieve listener (port 4190, RFC 5804): users manage their Sieve scripts; STARTTLS offered. */
    public static final String MANAGESIEVE_LISTENER = "managesieve";

    /** The admin listener: HTTP API, web console and metrics. */
    public static final String ADMIN_LISTENER = "admin";

    /**
     * The name mail sent through the admin listener's send API goes by where a listener's is
     * asked: the backend, the logs, delivery records, metrics and {@code [milter] listeners}.
     */
    public static final String SEND_API = "http";

    /**
     * The public listeners of mail client autoconfiguration: plain HTTP (port 80) and HTTPS with
     * the [tls] certificate (443). They serve only the autoconfig and Autodiscover files.
     */
    public static final List<String> AUTOCONFIG_LISTENERS = List.of("autoconfig", "autoconfigs");

    /** Listener names Tern knows, in the order they are started. */
    public static final List<String> LISTENER_NAMES = List.of("smtp", "submission", "submissions", LMTP_LISTENER, "pop3", "pop3s",
            "imap", "imaps", MANAGESIEVE_LISTENER, ADMIN_LISTENER, "autoconfig", "autoconfigs");

    public List<ListenAddress> listener(String name) {
        return listeners.getOrDefault(name, List.of());
    }

    /**
     * The MTA-STS policy file this server publishes for its domains, or null when it publishes none:
     * {@code [mta_sts] mode = "off"}, or no {@code autoconfigs} (HTTPS) listener to serve it.
     */
    public String mtaStsPolicy() {
        if (mtaSts.mode() == MtaStsSettings.Mode.OFF || listener("autoconfigs").isEmpty()) {
            return null;
        }
        return "version: STSv1\r\nmode: " + mtaSts.mode().name().toLowerCase(java.util.Locale.ROOT) + "\r\n"
                + (mtaSts.mode() == MtaStsSettings.Mode.NONE ? "" : "mx: " + hostname + "\r\n")
                + "max_age: " + mtaSts.maxAge().toSeconds() + "\r\n";
    }
}
