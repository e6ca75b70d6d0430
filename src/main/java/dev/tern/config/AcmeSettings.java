package dev.tern.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code [acme]}: the server certificate obtained and renewed from a certificate authority that
 * speaks ACME (RFC 8555), such as Let's Encrypt, instead of files named by {@code [tls]}. The CA
 * checks each name with the http-01 challenge (RFC 8555 §8.3), which the {@code autoconfig}
 * listener (plain HTTP, port 80) answers.
 *
 * @param directory   the CA's directory URL
 * @param email       the contact address given to the CA (expiry notices, problems), or null
 * @param names       the DNS names the certificate covers; the first is its subject
 * @param renewBefore how long before the certificate's end a new one is ordered
 * @param caFile      certificates trusted besides the JDK's for the connection to the CA (a private
 *                    or test CA), or null
 * @param domainNames also cover the HTTPS names of each local domain (mta-sts., autoconfig.,
 *                    autodiscover.) once DNS points them at this server
 * @param reuseKey    a renewed certificate keeps the key of the one it replaces, so that a TLSA
 *                    record of the key ({@code 3 1 1}, DANE) stays true; false makes a new key each time
 */
public record AcmeSettings(URI directory, String email, List<String> names, Duration renewBefore, Path caFile,
                           boolean domainNames, boolean reuseKey) {

    /** Short names for the directories of well-known authorities. */
    static final Map<String, String> DIRECTORIES = Map.of(
            "letsencrypt", "https://acme-v02.api.letsencrypt.org/directory",
            "letsencrypt-staging", "https://acme-staging-v02.api.letsencrypt.org/directory");

    /** Let's Encrypt's limit of names on one certificate. */
    public static final int MAX_NAMES = 100;

    /** What Let's Encrypt and certbot use: a third of a 90-day certificate's life. */
    public static final Duration DEFAULT_RENEW_BEFORE = Duration.ofDays(30);

    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

    public AcmeSettings {
        names = List.copyOf(names);
    }

    /** The settings of {@code [acme]}, or null when the section is absent (ACME is off). */
    static AcmeSettings read(ConfigNode n, Path base, String hostname) {
        if (n.presentKeys().isEmpty()) {
            return null;
        }
        String given = n.string("directory", null);
        if (given == null) {
            throw new ConfigException(n.key("directory") + ": missing; the CA's ACME directory URL, or \"letsencrypt\" "
                    + "(or \"letsencrypt-staging\" to try it out)");
        }
        URI directory = directory(n.key("directory"), given);
        String email = n.string("email", null);
        if (email != null) {
            try {
                dev.tern.mail.MailAddress.parse(email);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(n.key("email") + ": \"" + email + "\" is not an address: " + e.getMessage());
            }
        }
        List<String> names = n.has("names") ? names(n.key("names"), n.stringList("names"))
                : names(n.key("names") + " (by default the hostname)", List.of(hostname));
        n.stringList("names");   // marks the key as known when it is absent
        Duration renewBefore = n.duration("renew_before", DEFAULT_RENEW_BEFORE);
        if (renewBefore.compareTo(Duration.ofDays(1)) < 0) {
            throw new ConfigException(n.key("renew_before") + ": at least 1d, got " + renewBefore);
        }
        String ca = n.string("ca_file", null);
        boolean domainNames = n.bool("domain_names", true);
        return new AcmeSettings(directory, email, names, renewBefore, ca == null ? null : base.resolve(ca).normalize(),
                domainNames, n.bool("reuse_key", true));
    }

    private static URI directory(String key, String given) {
        String text = DIRECTORIES.getOrDefault(given.trim().toLowerCase(Locale.ROOT), given.trim());
        URI uri;
        try {
            uri = new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(key + ": \"" + given + "\" is not a URL: " + e.getMessage());
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new ConfigException(key + ": expected an https:// URL (RFC 8555 §6.1) or one of "
                    + String.join(", ", new java.util.TreeSet<>(DIRECTORIES.keySet())) + ", got \"" + given + "\"");
        }
        return uri;
    }

    private static List<String> names(String key, List<String> given) {
        if (given.isEmpty()) {
            throw new ConfigException(key + ": at least one name, the one the MX record points to");
        }
        if (given.size() > MAX_NAMES) {
            throw new ConfigException(key + ": at most " + MAX_NAMES + " names on one certificate, got " + given.size());
        }
        List<String> names = new ArrayList<>();
        for (String g : given) {
            String name = g.trim().toLowerCase(Locale.ROOT);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            if (name.startsWith("*.")) {
                throw new ConfigException(key + ": \"" + g + "\": a wildcard needs the dns-01 challenge; "
                        + "Tern answers http-01, so list each name");
            }
            if (!DNS_NAME.matcher(name).matches()) {
                throw new ConfigException(key + ": \"" + g + "\" is not a DNS name with a dot, such as mail.example.org");
            }
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }
}
