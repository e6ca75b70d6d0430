package dev.tern.managesieve;

import dev.tern.auth.SaslAuthenticator;
import dev.tern.net.tls.ServerTls;
import dev.tern.net.tls.TlsMode;
import dev.tern.sieve.SieveScripts;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What every session of the ManageSieve listener shares.
 *
 * @param listener        the listener name (managesieve): in logs
 * @param hostname        this server's name (GSSAPI, challenges)
 * @param tlsMode         STARTTLS (offered), or NONE in tests; ManageSieve has no implicit-TLS port
 * @param tls             the TLS context; null exactly when {@code tlsMode} is NONE
 * @param authenticator   the SASL mechanisms, the same as the other protocols'
 * @param authExecutor    where SASL steps run (bounded, never an event loop)
 * @param scripts         the accounts' Sieve scripts: the only way to them
 * @param storageExecutor where the scripts are read, checked and written
 * @param idleTimeout     how long a silent client stays connected
 */
public record ManageSieveContext(String listener, String hostname, TlsMode tlsMode, ServerTls tls,
                                 SaslAuthenticator authenticator, Executor authExecutor, SieveScripts scripts,
                                 Executor storageExecutor, Duration idleTimeout) {

    /** The idle timeout of the server: long enough for a person editing a script between two commands. */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);

    public ManageSieveContext {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(authExecutor, "authExecutor");
        Objects.requireNonNull(scripts, "scripts");
        if (tlsMode == TlsMode.IMPLICIT) {
            throw new IllegalArgumentException("ManageSieve offers STARTTLS; it has no implicit-TLS port");
        }
        if ((tls == null) != (tlsMode == TlsMode.NONE)) {
            throw new IllegalArgumentException("a TLS context is needed exactly when TLS is offered");
        }
    }
}
