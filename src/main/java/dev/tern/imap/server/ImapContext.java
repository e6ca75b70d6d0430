package dev.tern.imap.server;

import dev.tern.auth.SaslAuthenticator;
import dev.tern.config.ImapSettings;
import dev.tern.imap.protocol.FramingLimits;
import dev.tern.mailbox.MailboxService;
import dev.tern.net.tls.ServerTls;
import dev.tern.net.tls.TlsMode;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What every session of one IMAP listener shares.
 *
 * @param listener           the listener name (imap, imaps): in logs
 * @param hostname           this server's name (greeting, GSSAPI, challenges)
 * @param tlsMode            STARTTLS for imap, IMPLICIT for imaps, NONE in tests
 * @param tls                the TLS context; null exactly when {@code tlsMode} is NONE
 * @param authenticator      the SASL mechanisms; LOGIN runs as PLAIN through it
 * @param authExecutor       where SASL steps run (bounded, never an event loop)
 * @param allowPlaintextAuth passwords also on connections without TLS ({@code [imap] allow_plaintext_auth})
 * @param mailboxes          the mailbox layer, the only way to the messages
 * @param storageExecutor    where store reads and writes run
 * @param idleTimeout        autologout (RFC 9051 §5.4: at least 30 minutes)
 * @param limits             command line and literal limits, checked before the octets are read
 * @param literalBudget      memory for large literals, shared by the IMAP listeners
 * @param searchFields       header field values kept between searches, shared by the IMAP listeners
 * @param summaries          flags, sizes and dates of messages kept between searches, shared by the IMAP listeners
 * @param spamLearning       teaches rspamd from messages filed into and out of Junk; null when it learns nothing
 */
public record ImapContext(String listener, String hostname, TlsMode tlsMode, ServerTls tls,
                          SaslAuthenticator authenticator, Executor authExecutor, boolean allowPlaintextAuth,
                          MailboxService mailboxes, Executor storageExecutor, Duration idleTimeout,
                          FramingLimits limits, LiteralBudget literalBudget,
                          SearchFieldCache searchFields, MailboxSummaries summaries,
                          dev.tern.security.spam.SpamLearning spamLearning) {

    /** A context whose users' filing teaches no spam filter. */
    public ImapContext(String listener, String hostname, TlsMode tlsMode, ServerTls tls,
                       SaslAuthenticator authenticator, Executor authExecutor, boolean allowPlaintextAuth,
                       MailboxService mailboxes, Executor storageExecutor, Duration idleTimeout,
                       FramingLimits limits, LiteralBudget literalBudget,
                       SearchFieldCache searchFields, MailboxSummaries summaries) {
        this(listener, hostname, tlsMode, tls, authenticator, authExecutor, allowPlaintextAuth, mailboxes,
                storageExecutor, idleTimeout, limits, literalBudget, searchFields, summaries, null);
    }

    public ImapContext {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(authExecutor, "authExecutor");
        Objects.requireNonNull(searchFields, "searchFields");
        Objects.requireNonNull(summaries, "summaries");
        if ((tls == null) != (tlsMode == TlsMode.NONE)) {
            throw new IllegalArgumentException("a TLS context is needed exactly when TLS is offered");
        }
    }

    /**
     * The framing limits of the {@code [imap]} settings. APPEND's messages are streamed, so the
     * command limit only bounds what is buffered: the lines and the small literals of other
     * commands (strings of SEARCH, LOGIN's password).
     */
    public static FramingLimits limits(ImapSettings settings) {
        return new FramingLimits(settings.maxLine(), settings.maxLiteral(), 4L * settings.maxLine(), false);
    }
}
