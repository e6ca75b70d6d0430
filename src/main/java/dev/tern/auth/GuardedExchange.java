package dev.tern.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps every exchange the authenticator starts: counts its failures in the {@link AuthThrottle},
 * logs its outcome ({@link AuthLog}), and ends it at once when the account it names is locked out.
 *
 * <p>What counts as a failure: wrong credentials, unavailable mechanism and malformed responses;
 * not store or KDC outages (TEMPORARY), which are not the client's doing.
 *
 * <p>Security: while an account is locked out, every exchange for it ends TEMPORARY whatever the
 * client sent, so the lockout cannot be used to test passwords.
 */
final class GuardedExchange implements SaslExchange {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedExchange.class);

    private final SaslExchange inner;
    private final AuthContext context;
    private final AuthThrottle throttle;
    private final AuthFailureListener failures;
    private boolean over;

    GuardedExchange(SaslExchange inner, AuthContext context, AuthThrottle throttle, AuthFailureListener failures) {
        this.inner = inner;
        this.context = context;
        this.throttle = throttle;
        this.failures = failures;
    }

    @Override
    public String mechanism() {
        return inner.mechanism();
    }

    @Override
    public String authenticationId() {
        return inner.authenticationId();
    }

    @Override
    public SaslStep step(byte[] response) {
        if (over) {
            return new SaslStep.Failure(SaslStep.FailureReason.MALFORMED, "the exchange is over");
        }
        SaslStep step;
        try {
            step = inner.step(response);
        } catch (RuntimeException e) {
            LOG.error("{} exchange failed", inner.mechanism(), e);
            step = new SaslStep.Failure(SaslStep.FailureReason.TEMPORARY, "internal error");
        }
        String login = inner.authenticationId();
        if (login != null && throttle.accountLocked(login)) {
            AuthLog.failed(context, login, inner.mechanism(), "locked-out");
            failures.failed(context.protocol(), inner.mechanism(), "locked-out");
            return end(new SaslStep.Failure(SaslStep.FailureReason.TEMPORARY, "too many failed logins; try again later"));
        }
        if (step instanceof SaslStep.Success success) {
            throttle.success(success.user().address());
            AuthLog.ok(context, success.user().address(), inner.mechanism());
            return end(step);
        }
        if (step instanceof SaslStep.Failure failure) {
            if (countsAgainstClient(failure.reason())) {
                throttle.failure(context.client(), login);
            }
            AuthLog.failed(context, login, inner.mechanism(), AuthLog.reason(failure.reason()));
            failures.failed(context.protocol(), inner.mechanism(), AuthLog.reason(failure.reason()));
            LOG.debug("{} failure from {}: {}", inner.mechanism(), context.client().getHostAddress(), failure.detail());
            return end(step);
        }
        return step;
    }

    private static boolean countsAgainstClient(SaslStep.FailureReason reason) {
        return reason != SaslStep.FailureReason.TEMPORARY && reason != SaslStep.FailureReason.CANCELLED;
    }

    private SaslStep end(SaslStep step) {
        over = true;
        inner.dispose();
        return step;
    }

    @Override
    public void dispose() {
        inner.dispose();
    }
}
