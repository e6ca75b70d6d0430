package dev.tern.security.dkim;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The body hash of one (canonicalization, {@code l=}) combination, computed as the body streams
 * past: canonical octets are hashed up to the limit and counted to the end, so that a signature
 * that covers only the start of the body can be told apart. Every algorithm Tern accepts hashes
 * with SHA-256.
 */
final class BodyHasher {

    /** Which hash a signature needs; signatures with equal keys share one hasher. */
    record Key(Canonicalization canonicalization, long limit) {
    }

    /**
     * @param hash           SHA-256 of the first {@code limit} canonical octets (all when there is no limit)
     * @param canonicalLength all canonical octets of the body, whether hashed or not
     */
    record Result(byte[] hash, long canonicalLength) {
    }

    private final MessageDigest digest;
    private final LimitedSink sink;
    private final BodyCanonicalizer canonicalizer;
    private Result result;

    BodyHasher(Key key) {
        digest = sha256();
        sink = new LimitedSink(digest, key.limit() < 0 ? Long.MAX_VALUE : key.limit());
        canonicalizer = key.canonicalization().body(sink);
    }

    void update(byte[] b, int off, int len) {
        try {
            canonicalizer.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the sink is a digest: cannot happen
        }
    }

    /** Ends the body; later calls return the same result. */
    Result finish() {
        if (result == null) {
            try {
                canonicalizer.finish();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            result = new Result(digest.digest(), sink.count);
        }
        return result;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static final class LimitedSink extends OutputStream {
        private final MessageDigest digest;
        private final long limit;
        long count;

        LimitedSink(MessageDigest digest, long limit) {
            this.digest = digest;
            this.limit = limit;
        }

        @Override
        public void write(int b) {
            if (count < limit) {
                digest.update((byte) b);
            }
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            long room = limit - count;
            if (room > 0) {
                digest.update(b, off, (int) Math.min(room, len));
            }
            count += len;
        }
    }
}
