package dev.tern.config;

import dev.tern.mail.MailAddress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * GSSAPI (Kerberos V5) settings, {@code [auth.kerberos]}.
 *
 * <p>Tern accepts tickets for {@code <protocol>/<hostname>@<realm>} only ({@code smtp/}, {@code imap/},
 * {@code pop/}), whose keys the keytab holds. A client principal {@code name@REALM} logs in as the
 * account {@code name@domain}, where {@code realms} gives the domain of each accepted client realm;
 * principals with an instance ({@code name/admin@REALM}) and realms not listed are refused.
 *
 * @param keytab the service keytab
 * @param realm  the realm of the service principals
 * @param realms client realm to mail domain; by default only {@code realm}, mapped to its lower-case name
 */
public record KerberosSettings(Path keytab, String realm, Map<String, String> realms) {

    /** The mail domain of a client realm, or null when principals of that realm may not log in. */
    public String domainFor(String clientRealm) {
        return realms.get(clientRealm);
    }

    static KerberosSettings read(ConfigNode n, Path base) {
        String keytab = n.string("keytab", null);
        if (keytab == null) {
            throw new ConfigException(n.key("keytab") + ": required to offer GSSAPI (the keytab with this server's keys)");
        }
        Path file = base.resolve(keytab).normalize();
        if (!Files.isReadable(file)) {
            throw new ConfigException(n.key("keytab") + ": " + file + " does not exist or cannot be read");
        }
        String realm = n.string("realm", null);
        if (realm == null || !realm.matches("[A-Za-z0-9.-]+")) {
            throw new ConfigException(n.key("realm") + ": expected the Kerberos realm of this server, such as \"EXAMPLE.ORG\""
                    + (realm == null ? "" : ", got \"" + realm + "\""));
        }
        Map<String, String> realms = new LinkedHashMap<>();
        if (n.has("realms")) {
            ConfigNode map = n.table("realms");
            for (String r : new TreeSet<>(map.presentKeys())) {
                String domain = map.string(r, null);
                try {
                    MailAddress.parse("x@" + domain);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(map.key(r) + ": \"" + domain + "\" is not a mail domain: " + e.getMessage());
                }
                realms.put(r, MailAddress.toAsciiDomain(domain.toLowerCase(Locale.ROOT)));
            }
        } else {
            realms.put(realm, realm.toLowerCase(Locale.ROOT));
        }
        return new KerberosSettings(file, realm, Map.copyOf(realms));
    }
}
