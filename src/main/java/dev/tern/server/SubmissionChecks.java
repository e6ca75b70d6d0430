package dev.tern.server;

import dev.tern.config.SubmissionSettings;
import dev.tern.credentials.SendPermit;
import dev.tern.credentials.SmtpCredentials;
import dev.tern.directory.SenderPolicy;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.mail.SenderScope;
import dev.tern.message.SubmissionHeaderFilter;
import dev.tern.onboarding.DomainOwnership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the SMTP server asks about mail submitted by an authenticated user (RFC 6409): may the
 * user use this envelope sender (at MAIL FROM), and the addresses of the From: header (after DATA,
 * when {@code [submission] check_from_header} is on)? The header fix-ups come from
 * {@link #newHeaderFilter()}, put between the client's content and the message sink (after the
 * Received header), whose From: addresses {@link #checkHeaders} then checks.
 *
 * <p>A session that authenticated with an SMTP credential carries the credential's
 * {@link SenderScope}: its senders are checked against the scope instead of ownership (the From:
 * check then applies whatever {@code check_from_header} says), the credential must still be valid
 * (530 5.7.0 once revoked), and its rate limit is taken at MAIL (451 4.7.1).
 *
 * <p>With {@code require_verified_domain}, mail that leaves this server (a recipient in another
 * domain) must come from local domains whose ownership is verified: the envelope sender is checked
 * at each such RCPT, the From: addresses after DATA; refusals are 550 5.7.1. Mail to local
 * recipients is not affected.
 *
 * <p>Refusals are {@link MailException}s ready for the reply: 553 5.7.1 for an address the user
 * does not own, 451 4.3.0 when the store cannot answer. Store lookups block, so they run on the
 * given executor, never on the caller's thread (an event loop).
 */
public final class SubmissionChecks {

    private static final Logger log = LoggerFactory.getLogger(SubmissionChecks.class);
    private static final String COMPONENT = "submission-policy";

    static final String FROM_NOT_OWNED = "From: header address not owned by the authenticated user";

    private final SenderPolicy policy;
    private final SmtpCredentials credentials;
    private final DomainOwnership ownership;
    private final SubmissionSettings settings;
    private final String hostname;
    private final Executor executor;

    /**
     * Checks for accounts only: no SMTP credentials, no verified domains.
     *
     * @param hostname the right-hand side of the Message-IDs added to submitted mail
     * @param executor where the store lookups run
     */
    public SubmissionChecks(SenderPolicy policy, SubmissionSettings settings, String hostname, Executor executor) {
        this(policy, null, null, settings, hostname, executor);
    }

    /**
     * @param credentials the SMTP credentials of applications, or null when there are none
     * @param ownership   whether domains are verified ({@code require_verified_domain}), or null
     * @param hostname    the right-hand side of the Message-IDs added to submitted mail
     * @param executor    where the store lookups run
     */
    public SubmissionChecks(SenderPolicy policy, SmtpCredentials credentials, DomainOwnership ownership,
                            SubmissionSettings settings, String hostname, Executor executor) {
        this.policy = policy;
        this.credentials = credentials;
        this.ownership = ownership;
        this.settings = settings;
        this.hostname = hostname;
        this.executor = executor;
    }

    /** The checks as configured, over the services' directory and storage threads. */
    public static SubmissionChecks of(Services services) {
        return new SubmissionChecks(new SenderPolicy(services.directory()), services.smtpCredentials(),
                services.domainOwnership(), services.config().submission(), services.config().hostname(),
                services.storageExecutor());
    }

    /**
     * At MAIL FROM: completes normally when {@code authUser} may use {@code sender} (null: the null
     * sender, allowed), else exceptionally with a {@link MailException} (553 5.7.1, or 451 4.3.0).
     */
    public CompletableFuture<Void> checkSender(String authUser, MailAddress sender) {
        return checkSender(authUser, null, sender);
    }

    /**
     * At MAIL FROM, for an account ({@code scope} null) or an SMTP credential with its scope:
     * completes normally when the sender may be used, else exceptionally with a
     * {@link MailException}: 553 5.7.1 (not the user's, or not in the scope), 530 5.7.0 (the
     * credential was revoked), 451 4.7.1 (its rate limit), 451 4.3.0 (the store cannot answer).
     */
    public CompletableFuture<Void> checkSender(String authUser, SenderScope scope, MailAddress sender) {
        if (scope != null) {
            return CompletableFuture.runAsync(() -> {
                SendPermit p = permit(() -> requireCredentials().checkSender(authUser, scope, sender));
                log.debug("sender check for credential {}: {}", authUser, p.reason());
                if (!p.allowed()) {
                    throw refusal(p);
                }
            }, executor);
        }
        return CompletableFuture.runAsync(() -> {
            SenderPolicy.Decision d = decide(() -> policy.checkEnvelopeSender(authUser, sender));
            log.debug("sender check for {}: {}", authUser, d.reason());
            if (!d.allowed()) {
                throw new MailException(553, "5.7.1", d.reason(), COMPONENT);
            }
        }, executor);
    }

    /**
     * At RCPT of a recipient in another domain (mail that leaves this server): with
     * {@code require_verified_domain}, the refusal (550 5.7.1) of a sender whose domain is not a
     * verified local domain; else null. Blocks on the store: call it on a storage thread.
     *
     * @param sender the envelope sender, or null for {@code <>} (nothing to check here)
     */
    public MailException checkOutboundSender(MailAddress sender) {
        if (sender == null || !requiresVerifiedDomain()) {
            return null;
        }
        return unverified(sender);
    }

    /** Whether mail that leaves this server must come from verified domains. */
    public boolean requiresVerifiedDomain() {
        return settings.requireVerifiedDomain() && ownership != null;
    }

    /** Counts a message queued for a session authenticated with an SMTP credential. */
    public void messageQueued(String authUser, SenderScope scope) {
        if (scope != null && credentials != null) {
            credentials.messageSent(authUser);
        }
    }

    private MailException unverified(MailAddress address) {
        boolean verified;
        try {
            verified = ownership.isVerified(address.asciiDomain());
        } catch (RuntimeException e) {
            log.error("domain verification lookup failed: {}", e.toString());
            return MailException.temporary("Temporary lookup failure, try again later", COMPONENT, e);
        }
        return verified ? null : new MailException(550, "5.7.1", "Sender domain " + address.asciiDomain()
                + " is not verified", COMPONENT);
    }

    private SmtpCredentials requireCredentials() {
        if (credentials == null) {
            throw new IllegalStateException("no SMTP credentials in these checks");
        }
        return credentials;
    }

    private static MailException refusal(SendPermit p) {
        return switch (p.outcome()) {
            case REVOKED -> new MailException(530, "5.7.0", p.reason() + "; authentication required", COMPONENT);
            case RATE_LIMITED -> new MailException(451, "4.7.1", p.reason(), COMPONENT);
            default -> new MailException(553, "5.7.1", p.reason(), COMPONENT);
        };
    }

    /** Whether the From: header of submitted mail is checked ({@code check_from_header}). */
    public boolean checksFromHeader() {
        return settings.checkFromHeader();
    }

    /** The header fix-ups of one submitted message: Message-ID and Date when missing. */
    public SubmissionHeaderFilter newHeaderFilter() {
        return new SubmissionHeaderFilter(hostname);
    }

    /**
     * The refusal of a message whose From: addresses are not all {@code authUser}'s, or null when
     * they are (or when the From: header is not checked). Blocks on the store: call it off the
     * event loop, or use {@link #checkHeaders}.
     */
    public MailException checkFromHeader(String authUser, List<MailAddress> from) {
        if (!settings.checkFromHeader()) {
            return null;
        }
        for (MailAddress address : from) {
            SenderPolicy.Decision d;
            try {
                d = decide(() -> policy.checkFromAddress(authUser, address));
            } catch (MailException e) {
                return e;
            }
            log.debug("From: check for {}: {}", authUser, d.reason());
            if (!d.allowed()) {
                return new MailException(553, "5.7.1", FROM_NOT_OWNED, COMPONENT);
            }
        }
        return null;
    }

    /**
     * After the end of data, with the filter the content went through (after its
     * {@link SubmissionHeaderFilter#finish}): completes normally when the
     * message may be queued, else exceptionally with a {@link MailException}. With the From: check on,
     * a header section too large to examine (552 5.3.4) or a From: field that is not a list of
     * addresses (554 5.6.0) is refused too, since neither can be shown to be the user's.
     */
    public CompletableFuture<Void> checkHeaders(String authUser, SubmissionHeaderFilter headers) {
        return checkHeaders(authUser, null, headers, () -> false);
    }

    /**
     * After the end of data, for an account ({@code scope} null) or an SMTP credential: the From:
     * addresses must be the account's (with {@code check_from_header}) or in the credential's scope
     * (always), and, for mail that leaves this server under {@code require_verified_domain}, in
     * verified domains (550 5.7.1). A From: that cannot be examined is refused when any of these
     * applies.
     *
     * @param outbound whether the message has a recipient in another domain; asked on a storage
     *                 thread, only when the answer matters
     */
    public CompletableFuture<Void> checkHeaders(String authUser, SenderScope scope, SubmissionHeaderFilter headers,
                                                BooleanSupplier outbound) {
        boolean owner = scope != null || settings.checkFromHeader();
        if (!owner && !requiresVerifiedDomain()) {
            return CompletableFuture.completedFuture(null);
        }
        if (!headers.headerComplete() && !headers.headerTooLarge()) {
            throw new IllegalStateException("check the headers after the filter's finish");
        }
        return CompletableFuture.runAsync(() -> {
            boolean verify = requiresVerifiedDomain() && outbound.getAsBoolean();
            if (!owner && !verify) {
                return;
            }
            if (headers.headerTooLarge()) {
                throw new MailException(552, "5.3.4", "Message header too large: its From: address cannot be checked",
                        COMPONENT);
            }
            if (headers.fromUnreadable()) {
                throw new MailException(554, "5.6.0",
                        "From: header is not a valid list of addresses (RFC 5322 section 3.6.2)", COMPONENT);
            }
            List<MailAddress> from = headers.fromAddresses();
            MailException refusal = null;
            if (owner && !from.isEmpty()) {
                refusal = scope == null ? checkFromHeader(authUser, from) : fromScope(authUser, scope, from);
            }
            for (int i = 0; refusal == null && verify && i < from.size(); i++) {
                refusal = unverified(from.get(i));
            }
            if (refusal != null) {
                throw refusal;
            }
        }, executor);
    }

    private MailException fromScope(String authUser, SenderScope scope, List<MailAddress> from) {
        SendPermit p;
        try {
            p = permit(() -> requireCredentials().checkFrom(authUser, scope, from));
        } catch (MailException e) {
            return e;
        }
        log.debug("From: check for credential {}: {}", authUser, p.reason());
        return p.allowed() ? null : refusal(p);
    }

    /** Runs a credential lookup; a storage failure becomes a temporary refusal. */
    private static SendPermit permit(Supplier<SendPermit> lookup) {
        try {
            return lookup.get();
        } catch (RuntimeException e) {
            log.error("credential lookup failed: {}", e.toString());
            throw MailException.temporary("Temporary lookup failure, try again later", COMPONENT,
                    e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
        }
    }

    /** Runs a policy lookup; a storage failure becomes a temporary refusal. */
    private static SenderPolicy.Decision decide(Supplier<SenderPolicy.Decision> lookup) {
        try {
            return lookup.get();
        } catch (MailException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("sender lookup failed: {}", e.toString());
            throw MailException.temporary("Temporary lookup failure, try again later", COMPONENT,
                    e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
        }
    }
}
