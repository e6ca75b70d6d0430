package dev.tern.security.spam;

import dev.tern.config.RspamdSettings;
import dev.tern.mail.MailException;
import dev.tern.mail.ReceptionVerdict;
import dev.tern.message.HeaderFieldRemoval;
import dev.tern.smtp.server.ContentFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The rspamd scan of one message: the content is kept as it streams by (up to the configured
 * size; a larger message is not scanned), posted to rspamd at the end of the data, and rspamd's
 * action decides:
 *
 * <ul>
 *   <li>{@code reject}: refused with 554 5.7.1, with rspamd's message for the client if it gave one;</li>
 *   <li>{@code soft reject}, {@code greylist}: 451 4.7.1, the sender tries again later;</li>
 *   <li>{@code add header}, {@code rewrite subject}: delivered to the recipients' Junk mailbox,
 *       with {@code X-Spam: Yes} (the subject is left as the sender wrote it);</li>
 *   <li>{@code no action}: delivered.</li>
 * </ul>
 *
 * What an authenticated user submits (when {@code scan_submission} is on) is only ever refused or
 * deferred: it is never filed as junk for its recipients.
 *
 * <p>A scanned message gets an {@code X-Spam-Status} field with the score, for users' filters, and
 * below it the fields rspamd's {@code milter_headers} module asks for ({@link MilterFields}); the
 * fields it asks to remove are not looked at, since the content is stored as it streams by: instead
 * the verdict fields a sender wrote ({@link #verdictField}) never reach the store, as Postfix
 * setups drop them with {@code header_checks}; rspamd still sees them. A scan
 * that fails (rspamd down, slow, or answering nonsense) accepts the message unscanned or defers
 * it, as {@code on_failure} says.
 */
public final class SpamScan implements ContentFilter {

    private static final Logger log = LoggerFactory.getLogger(SpamScan.class);

    /** The component refusals name, for logs and the refusal metrics. */
    public static final String COMPONENT = "spam";

    private final RspamdClient client;
    private final RspamdSettings settings;
    private final RspamdClient.Envelope envelope;
    private final Consumer<String> results;
    /** Removes the sender's verdict fields from what is stored; rspamd sees them (its SPAM_FLAG rule). */
    private final HeaderFieldRemoval verdictFields = new HeaderFieldRemoval(SpamScan::verdictField, 64 * 1024);
    private byte[] content = new byte[8192];
    private int length;
    private boolean tooLarge;
    private volatile ReceptionVerdict reception = ReceptionVerdict.NONE;

    /**
     * @param results hears how each scan ended: the action with spaces as underscores
     *                ({@code no_action}, {@code add_header}, {@code reject}…), {@code error} or
     *                {@code skipped} (too large)
     */
    public SpamScan(RspamdClient client, RspamdSettings settings, RspamdClient.Envelope envelope,
                    Consumer<String> results) {
        this.client = client;
        this.settings = settings;
        this.envelope = envelope;
        this.results = results;
    }

    @Override
    public void write(ByteBuffer in, Consumer<ByteBuffer> out) {
        keep(in.duplicate());
        verdictFields.write(in, out);
    }

    private void keep(ByteBuffer in) {
        if (tooLarge) {
            return;
        }
        int n = in.remaining();
        if ((long) length + n > settings.maxSize()) {
            tooLarge = true;
            content = null;   // nothing to scan: let it go at once
            return;
        }
        if (length + n > content.length) {
            content = Arrays.copyOf(content, (int) Math.min(settings.maxSize(), Math.max(length + n, 2L * content.length)));
        }
        in.get(content, length, n);
        length += n;
    }

    @Override
    public void finish(Consumer<ByteBuffer> out) {
        verdictFields.finish(out);
    }

    /**
     * A field a spam filter states its verdict in ({@code X-Spam}, {@code X-Spam-*}, {@code X-Spamd-*},
     * {@code X-Rspamd-*}): what this scan writes and mail readers and filters act on, so none may
     * come from the sender. Given in lower case.
     */
    static boolean verdictField(String name) {
        return name.equals("x-spam") || name.startsWith("x-spam-") || name.startsWith("x-spamd-")
                || name.startsWith("x-rspamd-");
    }

    @Override
    public CompletableFuture<Void> verdict() {
        if (tooLarge) {
            results.accept("skipped");
            return CompletableFuture.completedFuture(null);
        }
        byte[] message = content;
        content = null;
        return client.check(message, length, envelope).handle((v, failure) -> {
            if (failure != null) {
                return failed(failure);
            }
            return decide(v);
        });
    }

    private Void failed(Throwable failure) {
        results.accept("error");
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        log.warn("rspamd scan of {} from {} failed: {}", envelope.queueId(), envelope.ip(),
                cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": "
                        + cause.getMessage());
        if (settings.onFailure() == RspamdSettings.OnFailure.DEFER) {
            throw new MailException(451, "4.7.1", "Temporary failure checking the message for spam, try again later",
                    COMPONENT);
        }
        return null;
    }

    private Void decide(RspamdClient.Verdict v) {
        String action = v.action().toLowerCase(Locale.ROOT);
        results.accept(action.replace(' ', '_'));
        String score = String.format(Locale.ROOT, "score=%.2f required=%.2f", v.score(), v.required());
        switch (action) {
            case "reject" -> {
                log.info("rspamd refused {} from {} sender <{}> ({})", envelope.queueId(), envelope.ip(),
                        envelope.sender(), score);
                String why = clientText(v.smtpMessage());
                throw new MailException(554, "5.7.1", why == null ? "Message refused as spam"
                        : "Message refused as spam: " + why, COMPONENT);
            }
            case "soft reject" -> throw new MailException(451, "4.7.1",
                    "Message deferred by the content filter, try again later", COMPONENT);
            case "greylist" -> throw new MailException(451, "4.7.1",
                    "Greylisted by the content filter, try again later", COMPONENT);
            case "add header", "rewrite subject" -> {
                if (envelope.user() != null) {
                    // A user's own mail is not filed as junk for its recipients: only a refusal stops it.
                    reception = new ReceptionVerdict("X-Spam-Status: Yes, " + score + "\r\n" + v.addedFields(), false);
                    return null;
                }
                log.info("rspamd marked {} from {} sender <{}> as spam ({}): filed as junk", envelope.queueId(),
                        envelope.ip(), envelope.sender(), score);
                reception = new ReceptionVerdict("X-Spam: Yes\r\nX-Spam-Status: Yes, " + score + "\r\n" + v.addedFields(),
                        true);
            }
            default -> reception = new ReceptionVerdict("X-Spam-Status: No, " + score + "\r\n" + v.addedFields(), false);
        }
        return null;
    }

    /** rspamd's message for the client as it may stand in a reply: printable ASCII, one line, short. */
    static String clientText(String message) {
        if (message == null) {
            return null;
        }
        String text = message.replaceAll("[^\\x20-\\x7e]", " ").replaceAll(" +", " ").strip();
        if (text.isEmpty()) {
            return null;
        }
        return text.length() > 200 ? text.substring(0, 200) : text;
    }

    @Override
    public ReceptionVerdict reception() {
        return reception;
    }
}
