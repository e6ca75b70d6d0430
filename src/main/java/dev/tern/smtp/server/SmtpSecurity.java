package dev.tern.smtp.server;

import dev.tern.auth.SaslAuthenticator;
import dev.tern.net.tls.ServerTls;
import dev.tern.net.tls.TlsMode;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What one SMTP listener offers and demands beyond RFC 5321: TLS (STARTTLS or implicit) and
 * authentication (RFC 4954).
 *
 * @param tlsMode          plaintext only, STARTTLS offered (smtp, submission), or TLS from the first byte (submissions)
 * @param tls              the server's TLS context; null exactly when {@code tlsMode} is NONE
 * @param authenticator    the SASL mechanisms; null when AUTH is not offered on this listener
 * @param authExecutor     where SASL steps run (they may block: password hashing, store lookups);
 *                         bounded, never an event loop; null exactly when {@code authenticator} is
 * @param authRequired     MAIL needs a successful AUTH first (submission, RFC 6409 §4.3): {@code 530 5.7.0}
 * @param passwordsNeedTls password mechanisms (PLAIN, LOGIN, CRAM-MD5, SCRAM-*) are neither announced nor
 *                         accepted before TLS ({@code 538 5.7.11}), whatever the authenticator would allow
 * @param hideClientIp     leave the client's address and HELO name out of the Received header of
 *                         authenticated mail ({@code [submission] hide_client_ip})
 */
public record SmtpSecurity(TlsMode tlsMode, ServerTls tls, SaslAuthenticator authenticator, Executor authExecutor,
                           boolean authRequired, boolean passwordsNeedTls, boolean hideClientIp) {

    public SmtpSecurity {
        Objects.requireNonNull(tlsMode, "tlsMode");
        if ((tls == null) != (tlsMode == TlsMode.NONE)) {
            throw new IllegalArgumentException("a TLS context is needed exactly when TLS is offered");
        }
        if ((authenticator == null) != (authExecutor == null)) {
            throw new IllegalArgumentException("an authenticator needs an executor for its steps");
        }
        if (authRequired && authenticator == null) {
            throw new IllegalArgumentException("AUTH cannot be required without an authenticator");
        }
    }

    /** Plain SMTP: no TLS, no AUTH. */
    public static SmtpSecurity none() {
        return new SmtpSecurity(TlsMode.NONE, null, null, null, false, false, false);
    }

    /** Port 25: STARTTLS offered; AUTH offered when there is an authenticator, never required. */
    public static SmtpSecurity relay(ServerTls tls, SaslAuthenticator authenticator, Executor authExecutor) {
        return new SmtpSecurity(TlsMode.STARTTLS, tls, authenticator, authExecutor, false, false, false);
    }

    /**
     * Submission (RFC 6409) with STARTTLS (port 587) or implicit TLS (port 465, RFC 8314): AUTH
     * required, and passwords only over TLS.
     */
    public static SmtpSecurity submission(TlsMode mode, ServerTls tls, SaslAuthenticator authenticator,
                                          Executor authExecutor, boolean hideClientIp) {
        return new SmtpSecurity(mode, tls, authenticator, authExecutor, true, true, hideClientIp);
    }

    boolean offersAuth() {
        return authenticator != null;
    }
}
