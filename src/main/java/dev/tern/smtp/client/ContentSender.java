package dev.tern.smtp.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * Sends message content: after DATA's 354 (line endings repaired, dot-stuffed, ended by ".") or
 * as BDAT chunks (RFC 3030). The content is read on the executor a block at a time, and the next
 * block is read only once the network has taken the previous one: memory per connection stays
 * bounded whatever the message size.
 *
 * <p>Content that cannot be read half-way ends the connection without the final "." (or LAST
 * chunk): a truncated message must never look complete to the server.
 */
final class ContentSender {

    private static final int BLOCK = 64 * 1024;

    private final CommandPipeline pipe;
    private final SmtpTimeouts timeouts;

    ContentSender(CommandPipeline pipe, SmtpTimeouts timeouts) {
        this.pipe = pipe;
        this.timeouts = timeouts;
    }

    /** The content after 354, then ".", and the reply to it. */
    CompletableFuture<ServerReply> data(MessageContent content) {
        ContentEncoder encoder = new ContentEncoder(ContentEncoder.Mode.DATA);
        pipe.contentInFlight(true);
        return stream(content, encoder, block -> pipe.write(block, timeouts.dataBlock())).thenCompose(v -> {
            byte[] end = encoder.finish();
            long octets = encoder.octets();
            return pipe.sendRaw(end, "end of data", timeouts.dataTermination(), () -> {
                pipe.contentInFlight(false);
                pipe.transcript().contentSent(octets);
                pipe.transcript().sent(".");
            });
        });
    }

    /** BDAT chunks, each answered before the next goes; the reply to the LAST chunk, or the first refusal. */
    CompletableFuture<ServerReply> chunks(MessageContent content, boolean binary) {
        ContentEncoder encoder = new ContentEncoder(binary ? ContentEncoder.Mode.BINARY : ContentEncoder.Mode.CHUNKS);
        ServerReply[] refusal = new ServerReply[1];
        return stream(content, encoder, block -> chunk(block, false).thenAccept(r -> {
            if (!r.isPositive()) {
                refusal[0] = r;
                throw new CompletionException(new ChunkRefused());
            }
        })).handle((v, e) -> {
            if (e != null && !(Failures.unwrap(e) instanceof ChunkRefused)) {
                throw new CompletionException(Failures.unwrap(e));
            }
            return refusal[0];
        }).thenCompose(refused -> refused != null ? CompletableFuture.completedFuture(refused) : chunk(encoder.finish(), true));
    }

    private CompletableFuture<ServerReply> chunk(byte[] block, boolean last) {
        String line = "BDAT " + block.length + (last ? " LAST" : "");
        byte[] head = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + block.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(block, 0, all, head.length, block.length);
        return pipe.sendRaw(all, "BDAT", last ? timeouts.dataTermination() : timeouts.dataBlock(), () -> {
            pipe.transcript().sent(line);
            pipe.transcript().contentSent(block.length);
        });
    }

    /** Stops the stream of chunks at a refused one; not an error of the session. */
    private static final class ChunkRefused extends RuntimeException {
        ChunkRefused() {
            super(null, null, false, false);
        }
    }

    private interface BlockSink {
        CompletableFuture<?> accept(byte[] block);
    }

    private CompletableFuture<Void> stream(MessageContent content, ContentEncoder encoder, BlockSink sink) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        pipe.executor().execute(() -> {
            InputStream in;
            try {
                in = content.open();
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(unreadable(e));
                return;
            }
            done.whenComplete((v, e) -> closeQuietly(in));
            pump(in, encoder, sink, done);
        });
        return done;
    }

    private void pump(InputStream in, ContentEncoder encoder, BlockSink sink, CompletableFuture<Void> done) {
        byte[] buf = new byte[BLOCK];
        int n;
        try {
            n = in.readNBytes(buf, 0, BLOCK);
        } catch (IOException | RuntimeException e) {
            done.completeExceptionally(unreadable(e));
            return;
        }
        if (n == 0) {
            done.complete(null);
            return;
        }
        sink.accept(encoder.encode(buf, 0, n)).whenComplete((v, e) -> {
            if (e != null) {
                done.completeExceptionally(Failures.unwrap(e));
                return;
            }
            try {
                pipe.executor().execute(() -> pump(in, encoder, sink, done));
            } catch (RejectedExecutionException x) {
                done.completeExceptionally(x);
            }
        });
    }

    private SmtpClientException unreadable(Exception e) {
        SmtpClientException x = new SmtpClientException(SmtpClientException.Kind.CLOSED,
                "the message content could not be read: " + e.getMessage(), null, e);
        pipe.fail(x);
        return x;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the content was only read: nothing is lost
        }
    }
}
