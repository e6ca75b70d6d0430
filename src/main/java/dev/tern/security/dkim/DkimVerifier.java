package dev.tern.security.dkim;

import dev.tern.dns.DnsAnswer;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Checks the DKIM signatures of received messages (RFC 6376, ed25519-sha256 of RFC 8463, the
 * algorithm and key-size rules of RFC 8301), as the message streams in.
 *
 * <p>Made for an event loop: {@link Verification#update} never blocks and only hashes; the header
 * section is kept up to {@link #MAX_HEADER_BYTES}, the body never (one running hash per distinct
 * canonicalization and {@code l=} among the signatures); {@link Verification#finish} starts the key
 * lookups and returns at once. The signatures are checked (a few RSA or Ed25519 verifications, well
 * under a millisecond each) where the key lookups complete: on a DNS thread, or on the caller's
 * thread when the answers come from the resolver's cache.
 *
 * <p>Thread-safe; each {@link Verification} belongs to one message and one thread at a time.
 */
public final class DkimVerifier {

    /** The largest header section kept; a larger one gets PERMERROR for every signature. */
    public static final int MAX_HEADER_BYTES = 256 * 1024;
    /** Signatures checked per message, from the top; the others get POLICY, so that a message cannot make us do unbounded work. */
    public static final int MAX_SIGNATURES = 10;

    private final Function<String, CompletableFuture<DnsAnswer<String>>> txtLookup;
    private final Clock clock;

    /**
     * @param txtLookup the TXT records of a name, each record's strings joined (as
     *                  {@link dev.tern.dns.DnsResolver#txt} gives them); never completed exceptionally
     *                  in normal use, but an exception counts as a temporary DNS failure
     * @param clock     for {@code x=} (signature expiry)
     */
    public DkimVerifier(Function<String, CompletableFuture<DnsAnswer<String>>> txtLookup, Clock clock) {
        this.txtLookup = Objects.requireNonNull(txtLookup);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Starts checking one message. */
    public Verification begin() {
        return new MessageVerification(txtLookup, clock, MAX_HEADER_BYTES, MAX_SIGNATURES);
    }

    /** Checks a message that is at hand as a whole. */
    public CompletableFuture<List<DkimResult>> verify(byte[] message) {
        Verification v = begin();
        v.update(ByteBuffer.wrap(message));
        return v.finish();
    }

    /** The check of one message: its octets go in as they arrive, the results come out at the end. */
    public interface Verification {

        /**
         * The next octets of the message as received (header section, empty line, body; CRLF line
         * ends; dot-stuffing already removed), in any chunking. Consumes all remaining octets of
         * {@code data} (its position moves to its limit).
         *
         * @throws IllegalStateException after {@link #finish()}
         */
        void update(ByteBuffer data);

        /** Whether the header section outgrew {@link #MAX_HEADER_BYTES} (then no field is kept). */
        boolean headerTooLarge();

        /**
         * The message is complete: one result per {@code DKIM-Signature:} field, in the order of the
         * fields (the first {@link #MAX_SIGNATURES} checked, the others POLICY "too many
         * signatures"); an empty list when the message is not signed. The future never completes
         * exceptionally. Calling it again returns the same future.
         */
        CompletableFuture<List<DkimResult>> finish();

        /**
         * The header fields of the message in order (name, and the raw field with its folding), for
         * checks that read them too, such as DMARC's {@code From:} domain. Complete once the header
         * section has ended, and at the latest after {@link #finish()}; empty before, and when the
         * header section is larger than {@link #MAX_HEADER_BYTES}.
         */
        List<HeaderField> headerFields();

        /**
         * The validation of the message's ARC chain (RFC 8617 §5.2), its keys looked up beside
         * the DKIM keys; {@link ArcResult#NONE} when the message has no ARC sets. Valid after
         * {@link #finish()}; never completes exceptionally.
         */
        CompletableFuture<ArcResult> arc();
    }
}
