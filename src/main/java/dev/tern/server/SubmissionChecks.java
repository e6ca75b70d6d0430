package dev.tern.server;

import dev.tern.config.SubmissionSettings;
import dev.tern.directory.SenderPolicy;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.message.SubmissionHeaderFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What the SMTP server asks about mail submitted by an authenticated user (RFC 6409): may the
 * user use this envelope sender (at MAIL FROM), and the addresses of the From: header (after DATA,
 * when {@code [submission] check_from_header} is on)? The header fix-ups come from
 * {@link #newHeaderFilter()}, put between the client's content and the message sink (after the
 * Received header), whose From: addresses {@link #checkHeaders} then checks.
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
    private final SubmissionSettings settings;
    private final String hostname;
    private final Executor executor;

    /**
     * @param hostname the right-hand side of the Message-IDs added to submitted mail
     * @param executor where the store lookups run
     */
    public SubmissionChecks(SenderPolicy policy, SubmissionSettings settings, String hostname, Executor executor) {
        this.policy = policy;
        this.settings = settings;
        this.hostname = hostname;
        this.executor = executor;
    }

    /** The checks as configured, over the services' directory and storage threads. */
    public static SubmissionChecks of(Services services) {
        return new SubmissionChecks(new SenderPolicy(services.directory()), services.config().submission(),
                services.config().hostname(), services.storageExecutor());
    }

    /**
     * At MAIL FROM: completes normally when {@code authUser} may use {@code sender} (null: the null
     * sender, allowed), else exceptionally with a {@link MailException} (553 5.7.1, or 451 4.3.0).
     */
    public CompletableFuture<Void> checkSender(String authUser, MailAddress sender) {
        return CompletableFuture.runAsync(() -> {
            SenderPolicy.Decision d = decide(() -> policy.checkEnvelopeSender(authUser, sender));
            log.debug("sender check for {}: {}", authUser, d.reason());
            if (!d.allowed()) {
                throw new MailException(553, "5.7.1", d.reason(), COMPONENT);
            }
        }, executor);
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
        if (!settings.checkFromHeader()) {
            return CompletableFuture.completedFuture(null);
        }
        if (!headers.headerComplete() && !headers.headerTooLarge()) {
            throw new IllegalStateException("check the headers after the filter's finish");
        }
        if (headers.headerTooLarge()) {
            return CompletableFuture.failedFuture(new MailException(552, "5.3.4",
                    "Message header too large: its From: address cannot be checked", COMPONENT));
        }
        if (headers.fromUnreadable()) {
            return CompletableFuture.failedFuture(new MailException(554, "5.6.0",
                    "From: header is not a valid list of addresses (RFC 5322 section 3.6.2)", COMPONENT));
        }
        List<MailAddress> from = headers.fromAddresses();
        if (from.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> {
            MailException refusal = checkFromHeader(authUser, from);
            if (refusal != null) {
                throw refusal;
            }
        }, executor);
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
