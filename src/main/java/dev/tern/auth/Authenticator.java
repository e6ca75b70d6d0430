package dev.tern.auth;

import dev.tern.config.AuthSettings;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tern's {@link SaslAuthenticator}: which mechanisms a connection is offered, and new exchanges
 * guarded by throttling and logging ({@link GuardedExchange}).
 *
 * <p>Offered, strongest first: GSSAPI (when {@code [auth.kerberos]} is configured), SCRAM-SHA-256,
 * CRAM-MD5, PLAIN, LOGIN. The four password mechanisms only on TLS connections, or to loopback
 * clients when {@code plaintext_on_loopback} is set (RFC 4954 §4 and RFC 8314: no passwords in the
 * clear); GSSAPI needs no TLS, since Kerberos never sends a password.
 *
 * <p>Security: a client address locked out by {@link AuthThrottle} cannot start any exchange;
 * failure replies are delayed by {@link #failureDelay}. PLAIN and LOGIN share one
 * {@link PasswordCheck}, whose cache of recent successes ({@code [auth] cache_ttl},
 * {@code cache_size}) spares repeated logins the Argon2id hash; see
 * {@code docs/adr/0020-password-verification-cache.md}.
 */
public final class Authenticator implements SaslAuthenticator {

    public static final String GSSAPI = "GSSAPI";
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    public static final String CRAM_MD5 = "CRAM-MD5";
    public static final String PLAIN = "PLAIN";
    public static final String LOGIN = "LOGIN";

    private final List<String> passwordMechanisms;

    private final CredentialLookup lookup;
    private final CredentialLookup smtpLookup;
    private final AuthSettings settings;
    private final AuthThrottle throttle;
    private final KerberosAcceptor kerberos;
    private final Clock clock;
    private final AuthFailureListener failures;
    private final PasswordCheck passwords;

    public Authenticator(CredentialLookup lookup, AuthSettings settings) {
        this(lookup, settings, Clock.systemUTC());
    }

    /** @param clock the time of throttling windows and lockouts, and of CRAM-MD5 challenges */
    public Authenticator(CredentialLookup lookup, AuthSettings settings, Clock clock) {
        this(lookup, lookup, settings, clock, AuthFailureListener.NONE);
    }

    /**
     * @param lookup     what IMAP and POP3 logins are checked against: accounts
     * @param smtpLookup what SMTP logins are checked against: accounts, and the SMTP credentials
     *                   of applications, which may submit mail but have no mailbox to read
     * @param clock      the time of throttling windows and lockouts, and of CRAM-MD5 challenges
     * @param failures   told of every failed authentication, besides the log
     */
    public Authenticator(CredentialLookup lookup, CredentialLookup smtpLookup, AuthSettings settings, Clock clock,
                         AuthFailureListener failures) {
        this(lookup, smtpLookup, settings, clock, failures, PasswordUpgrade.NONE);
    }

    /** @param upgrade told of each login that a password hash from another server accepted */
    public Authenticator(CredentialLookup lookup, CredentialLookup smtpLookup, AuthSettings settings, Clock clock,
                         AuthFailureListener failures, PasswordUpgrade upgrade) {
        this.failures = failures;
        this.lookup = lookup;
        this.smtpLookup = smtpLookup;
        this.settings = settings;
        this.clock = clock;
        this.throttle = AuthThrottle.of(settings, clock);
        this.kerberos = settings.kerberos() == null ? null : new KerberosAcceptor(settings.kerberos());
        this.passwordMechanisms = settings.cramMd5() ? List.of(SCRAM_SHA_256, CRAM_MD5, PLAIN, LOGIN)
                : List.of(SCRAM_SHA_256, PLAIN, LOGIN);
        this.passwords = new PasswordCheck(new PasswordCache(settings.cacheTtl(), settings.cacheSize(), clock),
                dev.tern.directory.PasswordHasher::verify, upgrade);
    }

    @Override
    public List<String> mechanisms(AuthContext context) {
        List<String> out = new ArrayList<>(5);
        if (kerberos != null) {
            out.add(GSSAPI);
        }
        if (passwordsAllowed(context)) {
            out.addAll(passwordMechanisms);
        }
        return out;
    }

    @Override
    public SaslStart start(String mechanism, AuthContext context) {
        String name = mechanism.toUpperCase(Locale.ROOT);
        boolean password = passwordMechanisms.contains(name);
        if (!password && !(name.equals(GSSAPI) && kerberos != null)) {
            return new SaslStart.Refused(SaslStart.Reason.UNKNOWN_MECHANISM);
        }
        if (throttle.clientLocked(context.client())) {
            AuthLog.failed(context, null, name, "locked-out");
            failures.failed(context.protocol(), name, "locked-out");
            return new SaslStart.Refused(SaslStart.Reason.LOCKED_OUT);
        }
        if (password && !passwordsAllowed(context)) {
            return new SaslStart.Refused(SaslStart.Reason.ENCRYPTION_REQUIRED);
        }
        CredentialLookup logins = context.sendsMail() ? smtpLookup : lookup;
        SaslExchange exchange = switch (name) {
            case GSSAPI -> new GssapiExchange(kerberos, logins, context);
            case SCRAM_SHA_256 -> new ScramSha256Exchange(logins);
            case CRAM_MD5 -> new CramMd5Exchange(logins, context.serverName(), clock);
            case PLAIN -> new PlainExchange(logins, passwords);
            default -> new LoginExchange(logins, passwords);
        };
        return new SaslStart.Started(new GuardedExchange(exchange, context, throttle, failures));
    }

    @Override
    public Duration failureDelay(AuthContext context) {
        return throttle.delay(context.client());
    }

    /** The throttle this authenticator counts failures in (for an admin view; tests). */
    public AuthThrottle throttle() {
        return throttle;
    }

    @Override
    public boolean passwordsAllowed(AuthContext context) {
        return context.tls() || (settings.plaintextOnLoopback() && context.client().isLoopbackAddress());
    }
}
