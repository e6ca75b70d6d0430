package dev.tern.auth;

import dev.tern.mail.IpAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * The authentication log: one line per outcome on logger {@code dev.tern.auth}, with fixed
 * {@code key=value} fields so that fail2ban and grep can use it:
 * <pre>
 * auth failed: client=192.0.2.1 user=alice@example.org mechanism=PLAIN protocol=smtp reason=bad-credentials
 * auth ok: client=192.0.2.1 user=alice@example.org mechanism=SCRAM-SHA-256 protocol=imap
 * </pre>
 * A fail2ban filter: {@code failregex = auth failed: client=<HOST> }.
 *
 * <p>Security: never logs a password or any other response content; the user name is what the
 * client claimed, made printable and cut short ({@link SaslText#forLog}), {@code -} when none.
 */
final class AuthLog {

    private static final Logger LOG = LoggerFactory.getLogger("dev.tern.auth");

    private AuthLog() {
    }

    static void failed(AuthContext c, String user, String mechanism, String reason) {
        LOG.warn("auth failed: client={} user={} mechanism={} protocol={} reason={}", IpAddresses.format(c.client()),
                SaslText.forLog(user), SaslText.forLog(mechanism), c.protocol(), reason);
    }

    static void ok(AuthContext c, String user, String mechanism) {
        LOG.info("auth ok: client={} user={} mechanism={} protocol={}", IpAddresses.format(c.client()),
                SaslText.forLog(user), mechanism, c.protocol());
    }

    /** {@code BAD_CREDENTIALS} as {@code bad-credentials}. */
    static String reason(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
