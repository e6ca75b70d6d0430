package dev.tern.auth;

import dev.tern.config.KerberosSettings;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This server's side of Kerberos V5: its keys (read from the keytab through the JDK's
 * Krb5LoginModule, without contacting the KDC), the acceptor credentials of each service principal
 * {@code <protocol>/<host>@<realm>}, and the rule that maps a client principal to an account.
 *
 * <p>Mapping: {@code name@REALM} becomes {@code name@domain}, with the domain configured for REALM;
 * a principal with an instance ({@code name/admin@REALM}) or of a realm not configured maps to
 * nothing and cannot log in.
 *
 * <p>Security: the keytab is as secret as a password file. The JAAS login is done once, on first
 * use; the JDK reads the keytab file again when it needs keys, so a rotated keytab is picked up.
 */
final class KerberosAcceptor {

    static final Oid KRB5_MECHANISM = oid("1.2.840.113554.1.2.2");
    static final Oid KRB5_PRINCIPAL_NAME = oid("1.2.840.113554.1.2.2.1");

    private final KerberosSettings settings;
    private final Map<String, GSSCredential> credentials = new ConcurrentHashMap<>();
    private Subject subject;

    KerberosAcceptor(KerberosSettings settings) {
        this.settings = settings;
    }

    /** The one service principal a ticket may be for on this connection. */
    String servicePrincipal(AuthContext context) {
        return context.protocol().toLowerCase(Locale.ROOT) + "/" + context.serverName().toLowerCase(Locale.ROOT)
                + "@" + settings.realm();
    }

    /** Acceptor credentials for a service principal; made once each. */
    GSSCredential credential(String servicePrincipal) throws LoginException, GSSException {
        GSSCredential c = credentials.get(servicePrincipal);
        if (c != null) {
            return c;
        }
        GSSManager manager = GSSManager.getInstance();
        GSSName name = manager.createName(servicePrincipal, KRB5_PRINCIPAL_NAME);
        try {
            c = Subject.doAs(subject(), (PrivilegedExceptionAction<GSSCredential>) () -> manager.createCredential(
                    name, GSSCredential.INDEFINITE_LIFETIME, KRB5_MECHANISM, GSSCredential.ACCEPT_ONLY));
        } catch (PrivilegedActionException e) {
            if (e.getException() instanceof GSSException g) {
                throw g;
            }
            throw new IllegalStateException(e.getException());
        }
        credentials.put(servicePrincipal, c);
        return c;
    }

    /** The account address of a client principal, or null when it may not log in. */
    String address(String clientPrincipal) {
        int at = clientPrincipal.lastIndexOf('@');
        if (at <= 0 || clientPrincipal.indexOf('/') >= 0) {
            return null;
        }
        String domain = settings.domainFor(clientPrincipal.substring(at + 1));
        return domain == null ? null : clientPrincipal.substring(0, at) + "@" + domain;
    }

    private synchronized Subject subject() throws LoginException {
        if (subject == null) {
            Map<String, String> options = Map.of(
                    "useKeyTab", "true",
                    "keyTab", settings.keytab().toString(),
                    "principal", "*", // every key of the keytab; credential() picks the principal
                    "storeKey", "true",
                    "isInitiator", "false",
                    "doNotPrompt", "true");
            AppConfigurationEntry entry = new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
                    AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options);
            Configuration config = new Configuration() {
                @Override
                public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                    return new AppConfigurationEntry[]{entry};
                }
            };
            Subject s = new Subject();
            new LoginContext("tern-gssapi", s, null, config).login();
            subject = s;
        }
        return subject;
    }

    private static Oid oid(String dotted) {
        try {
            return new Oid(dotted);
        } catch (GSSException e) {
            throw new IllegalStateException(e);
        }
    }
}
