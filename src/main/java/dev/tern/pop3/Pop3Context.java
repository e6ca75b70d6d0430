package dev.tern.pop3;

import dev.tern.auth.SaslAuthenticator;
import dev.tern.mailbox.MailboxService;
import dev.tern.net.tls.ServerTls;
import dev.tern.net.tls.TlsMode;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What every session of one POP3 listener shares.
 *
 * @param listener           the listener name (pop3, pop3s): in logs
 * @param hostname           this server's name (GSSAPI, challenges)
 * @param tlsMode            STARTTLS for pop3 (STLS offered), IMPLICIT for pop3s, NONE in tests
 * @param tls                the TLS context; null exactly when {@code tlsMode} is NONE
 * @param authenticator      the SASL mechanisms; USER/PASS runs as PLAIN through it
 * @param authExecutor       where SASL steps run (bounded, never an event loop)
 * @param allowPlaintextAuth passwords also on connections without TLS ({@code [pop3] allow_plaintext_auth})
 * @param mailboxes          the mailbox layer, the only way to the messages
 * @param storageExecutor    where store reads and writes run
 * @param idleTimeout        autologout (RFC 1939 §3: at least 10 minutes)
 */
public record Pop3Context(String listener, String hostname, TlsMode tlsMode, ServerTls tls,
                          SaslAuthenticator authenticator, Executor authExecutor, boolean allowPlaintextAuth,
                          MailboxService mailboxes, Executor storageExecutor, Duration idleTimeout) {

    /** RFC 1939 §3: "at least 10 minutes". */
    public static final Duration AUTOLOGOUT = Duration.ofMinutes(10);

    public Pop3Context {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(authExecutor, "authExecutor");
        if ((tls == null) != (tlsMode == TlsMode.NONE)) {
            throw new IllegalArgumentException("a TLS context is needed exactly when TLS is offered");
        }
    }
}
