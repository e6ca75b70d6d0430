package dev.tern.security.greylist;

import java.time.Duration;

/**
 * What greylisting says about one recipient of a transaction: accept it, or defer it with a
 * temporary failure ({@value #REPLY_CODE} {@value #ENHANCED_CODE}) so that the sender retries.
 *
 * @param outcome why
 * @param retryAfter for a deferral, how long until a retry will be accepted (at least a second);
 *                zero when passed
 */
public record GreylistVerdict(Outcome outcome, Duration retryAfter) {

    public static final int REPLY_CODE = 451;
    public static final String ENHANCED_CODE = "4.7.1";

    public enum Outcome {
        /** The client network, the sender or the recipient is on the configured whitelist. */
        WHITELISTED(true),
        /** The client network passed enough triplets to be trusted (the automatic allow list). */
        AUTO_ALLOWLISTED(true),
        /** The triplet passed before and has been in use since. */
        KNOWN(true),
        /** The sender retried after the delay, within the retry window: the triplet passes from now on. */
        RETRIED(true),
        /** The greylist state could not be read or written: mail is not held up for it. */
        STORE_FAILED(true),
        /** A new triplet (or one whose retry window ran out, or idle too long): deferred. */
        FIRST_SEEN(false),
        /** A retry before the delay: deferred again. */
        TOO_EARLY(false);

        private final boolean pass;

        Outcome(boolean pass) {
            this.pass = pass;
        }

        public boolean pass() {
            return pass;
        }
    }

    public GreylistVerdict {
        if (outcome.pass() != retryAfter.isZero()) {
            throw new IllegalArgumentException(outcome + " goes with " + (outcome.pass() ? "no wait" : "a wait"));
        }
    }

    static GreylistVerdict pass(Outcome outcome) {
        return new GreylistVerdict(outcome, Duration.ZERO);
    }

    /** A deferral; the wait is rounded up to whole seconds, at least one. */
    static GreylistVerdict defer(Outcome outcome, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new GreylistVerdict(outcome, Duration.ofSeconds(seconds));
    }

    public boolean passed() {
        return outcome.pass();
    }

    /** The text of the deferral reply, e.g. "greylisted, please try again in 300 seconds". */
    public String replyText() {
        return passed() ? "OK" : "greylisted, please try again in " + retryAfter.toSeconds() + " seconds";
    }
}
