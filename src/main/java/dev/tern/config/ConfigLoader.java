package dev.tern.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and validates the TOML configuration file. Every error names the key and what is wrong. */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** The config file to use: the given one, else {@code $TERN_CONFIG}, else {@code ./tern.toml}. */
    public static Path locate(Path explicit) {
        if (explicit != null) {
            return explicit;
        }
        String env = System.getenv("TERN_CONFIG");
        return Path.of(env != null && !env.isBlank() ? env : "tern.toml");
    }

    public static TernConfig load(Path file) {
        return parse(file, text(file));
    }

    public static TernConfig parse(Path file, String text) {
        return read(file, text).config();
    }

    /**
     * Every setting of the file that the server reads, with the value it takes (the file's, or the
     * default), in the order the server reads them; after the same checks as {@link #load}.
     */
    public static List<ConfigSetting> settings(Path file) {
        return read(file, text(file)).settings();
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file (create one with `bin/tern init`)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
    }

    private record Read(TernConfig config, List<ConfigSetting> settings) {
    }

    private static Read read(Path file, String text) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (IOException e) {
            throw new ConfigException(file + ": not valid TOML: " + firstLine(e.getMessage()));
        }
        ConfigNode top = new ConfigNode(root);
        Path base = file.toAbsolutePath().getParent();

        String hostname = top.string("hostname", defaultHostname());
        if (hostname.isBlank() || !hostname.matches("[A-Za-z0-9.-]+")) {
            throw new ConfigException("hostname: \"" + hostname + "\" is not a host name (letters, digits, dots and hyphens)");
        }
        Path dataDir = base.resolve(top.string("data_dir", "data")).normalize();
        String postmaster = top.string("postmaster", null);
        if (postmaster != null) {
            try {
                dev.tern.mail.MailAddress.parse(postmaster);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("postmaster: \"" + postmaster + "\" is not an address: " + e.getMessage());
            }
        }

        ConfigNode listenersNode = top.table("listeners");
        Map<String, List<ListenAddress>> listeners = new LinkedHashMap<>();
        for (String name : listenersNode.presentKeys()) {
            if (!TernConfig.LISTENER_NAMES.contains(name)) {
                throw new ConfigException(listenersNode.key(name) + ": unknown listener; this version of Tern serves "
                        + String.join(", ", TernConfig.LISTENER_NAMES));
            }
        }
        for (String name : TernConfig.LISTENER_NAMES) {
            if (listenersNode.has(name)) {
                List<ListenAddress> addrs = listenersNode.stringList(name).stream()
                        .map(a -> ListenAddress.parse(listenersNode.key(name), a,
                                TernConfig.LMTP_LISTENER.equals(name))).toList();
                listeners.put(name, addrs);
            }
        }

        ConfigNode smtpNode = top.table("smtp");
        SmtpLimits smtp = SmtpLimits.read(smtpNode);
        ClientNetworks relayFrom = ClientNetworks.read(smtpNode);
        SubmissionSettings submission = SubmissionSettings.read(top.table("submission"));

        ConfigNode delivery = top.table("delivery");
        String delimiter = delivery.string("recipient_delimiter", "+");
        if (delimiter.length() > 1) {
            throw new ConfigException(delivery.key("recipient_delimiter") + ": expected one character such as \"+\" or \"\" to disable, got \"" + delimiter + "\"");
        }
        DeliverySettings outbound = DeliverySettings.read(delivery, base);

        ConfigNode log = top.table("log");
        boolean trace = log.bool("protocol_trace", false);

        AuthSettings auth = AuthSettings.read(top.table("auth"), base);
        TlsConfig tls = TlsConfig.read(top.table("tls"), base);
        DnsSettings dns = DnsSettings.read(top.table("dns"));
        Pop3Settings pop3 = Pop3Settings.read(top.table("pop3"));
        ImapSettings imap = ImapSettings.read(top.table("imap"));
        ManageSieveSettings managesieve = ManageSieveSettings.read(top.table("managesieve"));
        CheckSettings checks = CheckSettings.read(top.table("checks"), hostname);
        RateLimitSettings rateLimits = RateLimitSettings.read(top.table("rate_limits"));
        GreylistSettings greylisting = GreylistSettings.read(top.table("greylisting"));
        AdminSettings admin = AdminSettings.read(top.table("admin"));
        TrackingSettings tracking = TrackingSettings.read(top.table("tracking"));
        WebhookSettings webhooks = WebhookSettings.read(top.table("webhooks"));
        StoreSettings store = StoreSettings.read(top.table("store"), base);
        ProxyProtocolSettings proxyProtocol = ProxyProtocolSettings.read(top.table("proxy_protocol"));
        MtaStsSettings mtaSts = MtaStsSettings.read(top.table("mta_sts"));
        AcmeSettings acme = AcmeSettings.read(top.table("acme"), base, hostname);
        SuppressionSettings suppression = SuppressionSettings.read(top.table("suppression"));
        RetentionSettings retention = RetentionSettings.read(top.table("retention"));
        QuotaSettings quota = QuotaSettings.read(top.table("quota"));
        LmtpSettings lmtp = LmtpSettings.read(top.table("lmtp"));
        SieveSettings sieve = SieveSettings.read(top.table("sieve"), base, dataDir);
        MilterSettings milter = MilterSettings.read(top.table("milter"));
        if (acme != null && tls.isConfigured()) {
            throw new ConfigException("acme: the certificate comes either from the files of [tls] or from ACME; "
                    + "remove tls.cert and tls.key, or the [acme] section");
        }
        if (acme != null && !listeners.containsKey("autoconfig")) {
            throw new ConfigException("acme: the CA checks each name over plain HTTP on port 80 (http-01), which the "
                    + "autoconfig listener answers; add autoconfig = [\"0.0.0.0:80\"] to [listeners]");
        }

        top.rejectUnknownKeys();
        return new Read(new TernConfig(file, hostname, dataDir, listeners, smtp, relayFrom, postmaster, delimiter, trace,
                auth, submission, tls, outbound, dns, pop3, imap, managesieve, checks, rateLimits, greylisting, admin,
                tracking, webhooks, store, proxyProtocol, mtaSts, acme, suppression, retention, quota, lmtp, sieve, milter),
                top.settings());
    }

    private static String defaultHostname() {
        try {
            String h = InetAddress.getLocalHost().getCanonicalHostName();
            return h.matches("[A-Za-z0-9.-]+") ? h : "localhost";
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
