package dev.tern.delivery.remote;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What a message's content holds that decides which extensions the next server must offer,
 * whatever its sender declared: UTF-8 in the header section (SMTPUTF8, RFC 6531) and 8-bit
 * octets anywhere (8BITMIME, RFC 6152). Some clients declare both whenever they are offered; a
 * message that needs neither goes to a server without them as an ordinary message, as Postfix
 * sends it, instead of bouncing.
 *
 * <p>The 8-bit scan reads the whole message, so it runs only when a server lacks 8BITMIME, once
 * per message whatever the number of servers; so does the conversion of 8-bit content to 7-bit
 * ({@link SevenBitDowngrade}), made only when the scan finds some. The header section is read for
 * {@code TLS-Required: No} (RFC 8689 §5) only when a recipient domain has a TLS policy it could set
 * aside, once per message.
 */
final class ContentFacts {

    private final boolean utf8Headers;
    private final Supplier<CompletableFuture<Boolean>> eightBitScan;
    private final Supplier<CompletableFuture<SevenBitContent>> conversion;
    private final Supplier<CompletableFuture<Boolean>> tlsRequiredRead;
    private CompletableFuture<Boolean> eightBit;
    private CompletableFuture<Boolean> tlsOptional;
    private CompletableFuture<SevenBitContent> sevenBit;

    /** The message converted to 7-bit, signed as it leaves, and its size in octets. */
    record SevenBitContent(dev.tern.smtp.client.MessageContent content, long size) {
    }

    /**
     * @param utf8Headers  whether the header section has UTF-8 in it
     * @param eightBitScan starts the scan of the whole content for 8-bit octets (off the I/O threads)
     * @param conversion   starts the conversion to 7-bit (off the I/O threads); null when impossible
     * @param tlsRequiredRead starts reading the header section for {@code TLS-Required: No} (off the I/O threads)
     */
    ContentFacts(boolean utf8Headers, Supplier<CompletableFuture<Boolean>> eightBitScan,
                 Supplier<CompletableFuture<SevenBitContent>> conversion,
                 Supplier<CompletableFuture<Boolean>> tlsRequiredRead) {
        this.utf8Headers = utf8Headers;
        this.eightBitScan = eightBitScan;
        this.conversion = conversion;
        this.tlsRequiredRead = tlsRequiredRead;
    }

    /** Whether the header section says {@code TLS-Required: No}; read at the first call. */
    synchronized CompletableFuture<Boolean> tlsOptional() {
        if (tlsOptional == null) {
            tlsOptional = tlsRequiredRead.get();
        }
        return tlsOptional;
    }

    boolean utf8Headers() {
        return utf8Headers;
    }

    /** Whether any octet of the content is 8-bit; scanned at the first call. */
    synchronized CompletableFuture<Boolean> eightBit() {
        if (eightBit == null) {
            eightBit = eightBitScan.get();
        }
        return eightBit;
    }

    /** The message as 7-bit, or null when it cannot be converted; made at the first call. */
    synchronized CompletableFuture<SevenBitContent> sevenBit() {
        if (sevenBit == null) {
            sevenBit = conversion.get();
        }
        return sevenBit;
    }
}
