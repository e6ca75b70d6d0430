package dev.tern.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The receiving checks on the {@code smtp} listener ({@code [checks]}): they apply to clients that
 * have not authenticated and are neither in {@code exempt} nor in {@code [smtp] relay_from}.
 *
 * @param exempt          client networks that skip every check (loopback by default)
 * @param authservId      the name in Authentication-Results header fields (RFC 8601 §2.5); the host name by default
 * @param greetingDelay   how long the greeting is held back; a client that talks before it is refused (zero: off)
 * @param helo            how strictly the HELO/EHLO name is checked
 * @param dnsbl           DNS block lists (RFC 5782) whose listed clients are refused at MAIL
 * @param dnswl           DNS allow lists whose listed clients skip the block lists and greylisting
 * @param spf             check SPF (RFC 7208) for the MAIL FROM (or HELO) identity
 * @param spfFail         what an SPF {@code fail} does by itself (DMARC judges the rest)
 * @param dkim            verify DKIM signatures (RFC 6376)
 * @param dmarc           evaluate DMARC (RFC 7489)
 * @param dmarcReject     what a DMARC failure under a published {@code p=reject} does
 * @param dmarcQuarantine what a DMARC failure under a published {@code p=quarantine} does
 * @param dmarcReports    DMARC aggregate reports to the domains that ask for them ({@code [checks.dmarc_reports]})
 * @param rspamd          the content scan by rspamd ({@code [checks.rspamd]}), off by default
 * @param arcTrustedSealers forwarders (domains of ARC seals) whose intact chain, when its newest
 *                        set says DMARC passed on their arrival, lifts what a DMARC failure here would do
 */
public record CheckSettings(ClientNetworks exempt, String authservId, Duration greetingDelay, Helo helo,
                           List<String> dnsbl, List<String> dnswl, boolean spf, Action spfFail, boolean dkim,
                           boolean dmarc, Action dmarcReject, Action dmarcQuarantine,
                           ReportSettings dmarcReports, RspamdSettings rspamd, List<String> arcTrustedSealers) {

    /** How strictly HELO names are checked. */
    public enum Helo { OFF, LENIENT, STRICT }

    /** What happens to a message a check condemns. */
    public enum Action {
        /** Only recorded in the Authentication-Results header. */
        NONE,
        /** Delivered to the recipient's Junk mailbox. */
        QUARANTINE,
        /** Refused at the end of data with 550 5.7.1. */
        REJECT
    }

    private static final Pattern ZONE = Pattern.compile("(?i)[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)+\\.?");

    public CheckSettings {
        dnsbl = List.copyOf(dnsbl);
        dnswl = List.copyOf(dnswl);
        arcTrustedSealers = List.copyOf(arcTrustedSealers);
    }

    /** Whether an ARC seal of {@code domain} (its {@code d=}) is one of the trusted sealers or below one. */
    public boolean trustsSealer(String domain) {
        if (domain == null) {
            return false;
        }
        String d = domain.toLowerCase(java.util.Locale.ROOT);
        return arcTrustedSealers.stream().anyMatch(t -> d.equals(t) || d.endsWith("." + t));
    }

    public static CheckSettings defaults(String hostname) {
        return new CheckSettings(loopback(), hostname, Duration.ZERO, Helo.LENIENT, List.of(), List.of(), true,
                Action.NONE, true, true, Action.REJECT, Action.QUARANTINE, ReportSettings.defaults(),
                RspamdSettings.defaults(), List.of());
    }

    private static ClientNetworks loopback() {
        return ClientNetworks.parse("checks.exempt", List.of("127.0.0.0/8", "::1/128"));
    }

    static CheckSettings read(ConfigNode n, String hostname) {
        CheckSettings d = defaults(hostname);
        ClientNetworks exempt = n.has("exempt") ? ClientNetworks.parse(n.key("exempt"), n.stringList("exempt")) : d.exempt();
        String id = n.string("authserv_id", hostname);
        if (id.isBlank() || !id.matches("[!#-'*+\\-.0-9A-Z^-~]+")) {
            throw new ConfigException(n.key("authserv_id") + ": expected a host name such as \"mx.example.org\", got \"" + id + "\"");
        }
        Duration delay = n.durationOrZero("greeting_delay", d.greetingDelay());
        if (delay.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new ConfigException(n.key("greeting_delay") + ": at most 30s (clients give up on a slow greeting), got " + delay);
        }
        Helo helo = choice(n, "helo", Helo.class, d.helo());
        List<String> dnsbl = zones(n, "dnsbl");
        List<String> dnswl = zones(n, "dnswl");
        boolean spf = n.bool("spf", d.spf());
        Action spfFail = choice(n, "spf_fail", Action.class, d.spfFail());
        if (spfFail == Action.QUARANTINE) {
            throw new ConfigException(n.key("spf_fail") + ": expected \"none\" or \"reject\"");
        }
        boolean dkim = n.bool("dkim", d.dkim());
        boolean dmarc = n.bool("dmarc", d.dmarc());
        Action reject = choice(n, "dmarc_reject", Action.class, d.dmarcReject());
        Action quarantine = choice(n, "dmarc_quarantine", Action.class, d.dmarcQuarantine());
        if (dmarc && (!spf || !dkim)) {
            throw new ConfigException(n.key("dmarc") + ": DMARC needs both spf and dkim checks turned on");
        }
        ReportSettings reports = ReportSettings.read(n.table("dmarc_reports"));
        if (reports.enabled() && !dmarc) {
            throw new ConfigException(n.key("dmarc_reports") + ": reports need DMARC checks on (dmarc = true)");
        }
        List<String> sealers = new java.util.ArrayList<>();
        for (String domain : n.stringList("arc_trusted_sealers")) {
            if (!ZONE.matcher(domain).matches()) {
                throw new ConfigException(n.key("arc_trusted_sealers") + ": \"" + domain
                        + "\" is not a domain name such as \"google.com\"");
            }
            String name = domain.toLowerCase(java.util.Locale.ROOT);
            sealers.add(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
        }
        if (!sealers.isEmpty() && !dmarc) {
            throw new ConfigException(n.key("arc_trusted_sealers") + ": trusted sealers lift DMARC results; they need "
                    + "DMARC checks on (dmarc = true)");
        }
        return new CheckSettings(exempt, id, delay, helo, dnsbl, dnswl, spf, spfFail, dkim, dmarc, reject, quarantine,
                reports, RspamdSettings.read(n.table("rspamd")), sealers);
    }

    private static List<String> zones(ConfigNode n, String key) {
        List<String> zones = n.stringList(key);
        for (String z : zones) {
            if (!ZONE.matcher(z).matches()) {
                throw new ConfigException(n.key(key) + ": \"" + z + "\" is not a DNS zone such as \"zen.spamhaus.org\"");
            }
        }
        return zones.stream().map(z -> z.endsWith(".") ? z.substring(0, z.length() - 1) : z).toList();
    }

    static <E extends Enum<E>> E choice(ConfigNode n, String key, Class<E> type, E fallback) {
        String v = n.string(key, fallback == null ? null : fallback.name().toLowerCase(java.util.Locale.ROOT));
        if (v == null) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        throw new ConfigException(n.key(key) + ": expected one of "
                + String.join(", ", java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> "\"" + e.name().toLowerCase(java.util.Locale.ROOT) + "\"").toList()) + ", got \"" + v + "\"");
    }
}
