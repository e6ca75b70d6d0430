package dev.tern.auth.client;

import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the client's Kerberos credentials come from, for GSSAPI: the user's ticket cache (after
 * {@code kinit}; {@code $KRB5CCNAME} or the system default) or a keytab (a service sending mail
 * unattended). The JDK's {@code Krb5LoginModule} does the login, configured here in code, so no
 * JAAS file is needed. The realm and KDCs come from {@code krb5.conf} as usual
 * ({@code -Djava.security.krb5.conf} to point elsewhere).
 */
public final class KerberosLogin {

    private static final String MODULE = "com.sun.security.auth.module.Krb5LoginModule";

    private final String principal;
    private final Path keytab;

    private KerberosLogin(String principal, Path keytab) {
        this.principal = principal;
        this.keytab = keytab;
    }

    /** Use the ticket cache; {@code principal} (may be null) picks one when the cache holds several. */
    public static KerberosLogin ticketCache(String principal) {
        return new KerberosLogin(principal, null);
    }

    /** Log in with a key from a keytab file, for {@code principal} (e.g. {@code mailer@EXAMPLE.ORG}). */
    public static KerberosLogin keytab(String principal, Path keytab) {
        if (principal == null || principal.isBlank()) {
            throw new IllegalArgumentException("a keytab login needs the principal name");
        }
        return new KerberosLogin(principal, keytab);
    }

    /** The options given to the JDK's Krb5LoginModule. */
    Map<String, String> options() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("doNotPrompt", "true");
        o.put("isInitiator", "true");
        o.put("refreshKrb5Config", "true");
        if (keytab != null) {
            o.put("useKeyTab", "true");
            o.put("keyTab", keytab.toAbsolutePath().toString());
            o.put("storeKey", "true");
        } else {
            o.put("useTicketCache", "true");
            o.put("renewTGT", "false");
        }
        if (principal != null && !principal.isBlank()) {
            o.put("principal", principal);
        }
        return o;
    }

    /** Logs in; the subject carries the ticket-granting ticket that GSS-API uses. */
    public Subject login() throws SaslClientException {
        if (keytab != null && !Files.isReadable(keytab)) {
            throw new SaslClientException("Kerberos keytab " + keytab + " does not exist or cannot be read");
        }
        Map<String, String> options = options();
        Configuration config = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[]{
                        new AppConfigurationEntry(MODULE, AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)};
            }
        };
        try {
            LoginContext lc = new LoginContext("tern-smtp-client", new Subject(), null, config);
            lc.login();
            return lc.getSubject();
        } catch (LoginException | SecurityException e) {
            throw new SaslClientException("Kerberos login failed (" + (keytab != null ? "keytab " + keytab
                    : "ticket cache; run kinit first") + "): " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return keytab != null ? "keytab " + keytab + " for " + principal
                : "ticket cache" + (principal == null ? "" : " for " + principal);
    }
}
