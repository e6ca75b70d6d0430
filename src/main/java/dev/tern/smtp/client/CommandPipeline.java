package dev.tern.smtp.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The wire side of one SMTP connection: writes commands, frames and parses reply lines, and
 * matches each reply to the oldest command waiting for one (RFC 5321 replies come in order;
 * RFC 2920 pipelining only lets several commands wait at once). Every wait has a timer. The
 * first failure (timeout, malformed reply, broken connection) is kept, fails every wait, and
 * closes the connection.
 *
 * <p>Threads: the queue of waits is touched on the channel's I/O thread only; callers' futures
 * are completed on the executor, so their stages never run on the I/O thread.
 */
final class CommandPipeline {

    /** Longest reply line accepted. RFC 5321 §4.5.3.1.5 says 512; real servers exceed it, so allow more, but not without bound. */
    static final int MAX_REPLY_LINE = 8192;
    /** A guard against building nonsense: extensions (RFC 1870, 3461) let MAIL and RCPT grow past 512 octets. */
    private static final int MAX_COMMAND = 4000;

    /** A command line as sent, as shown in the transcript, and how long to wait for its reply. */
    record Command(String line, String shown, Duration timeout) {
        static Command of(String line, Duration timeout) {
            return new Command(line, line, timeout);
        }
    }

    /** A reply the session waits for. */
    private static final class Wait {
        final String what;
        final CompletableFuture<ServerReply> future;
        final Consumer<ServerReply> onIoThread;
        ScheduledFuture<?> timer;

        Wait(String what, CompletableFuture<ServerReply> future, Consumer<ServerReply> onIoThread) {
            this.what = what;
            this.future = future;
            this.onIoThread = onIoThread;
        }
    }

    private final Channel channel;
    private final String serverName;
    private final Executor executor;
    private final TranscriptListener transcript;
    private final Duration greetingTimeout;
    private final CompletableFuture<ServerReply> greeting = new CompletableFuture<>();
    private final ArrayDeque<Wait> waits = new ArrayDeque<>();   // I/O thread only
    private final ReplyReader reader = new ReplyReader();
    private volatile SmtpClientException failure;
    private volatile boolean contentInFlight;
    private volatile boolean quitting;

    CommandPipeline(Channel channel, String serverName, Executor executor, TranscriptListener transcript,
                    Duration greetingTimeout) {
        this.channel = channel;
        this.serverName = serverName;
        this.executor = executor;
        this.transcript = transcript;
        this.greetingTimeout = greetingTimeout;
    }

    Channel channel() {
        return channel;
    }

    Executor executor() {
        return executor;
    }

    TranscriptListener transcript() {
        return transcript;
    }

    /** The Netty handler that reads replies; the last handler of the pipeline, named "smtp". */
    ChannelInboundHandlerAdapter handler() {
        return reader;
    }

    /** The 220 greeting (or whatever the server said first), waited for from the moment the connection is up. */
    CompletableFuture<ServerReply> greeting() {
        return offIoThread(greeting);
    }

    ServerReply greetingNow() {
        return greeting.getNow(null);
    }

    SmtpClientException failure() {
        return failure;
    }

    boolean hasBufferedInput() {
        return reader.hasBufferedInput();
    }

    /** The connection is being ended on purpose (QUIT, close): its closing is not reported as the server's doing. */
    void quitting() {
        quitting = true;
    }

    // ---- sending ---------------------------------------------------------------------------------

    CompletableFuture<ServerReply> send(String line, String shown, Duration timeout) {
        return send(List.of(new Command(line, shown, timeout)), null).get(0);
    }

    /**
     * Writes the commands in one flush and returns one future per reply, in order.
     *
     * @param onIoThread run on the I/O thread with the first command's reply, before anything
     *                   after it is read (STARTTLS installs TLS there); may throw
     *                   {@link SmtpClientException} to end the session
     */
    List<CompletableFuture<ServerReply>> send(List<Command> commands, Consumer<ServerReply> onIoThread) {
        List<CompletableFuture<ServerReply>> futures = new ArrayList<>();
        for (Command c : commands) {
            futures.add(new CompletableFuture<>());
        }
        for (Command c : commands) {
            if (c.line().length() > MAX_COMMAND || c.line().indexOf('\r') >= 0 || c.line().indexOf('\n') >= 0) {
                IllegalArgumentException e = new IllegalArgumentException("not a valid command line: " + c.shown());
                futures.forEach(f -> f.completeExceptionally(e));
                return futures;
            }
        }
        onIoThread(() -> {
            for (int i = 0; i < commands.size(); i++) {
                Command c = commands.get(i);
                String what = c.shown().equals(SmtpConnection.REDACTED) ? "an AUTH response" : c.shown().split(" ", 2)[0];
                if (expect(what, futures.get(i), c.timeout(), i == 0 ? onIoThread : null)) {
                    channel.write(Unpooled.copiedBuffer(c.line() + "\r\n", StandardCharsets.UTF_8));
                    transcript.sent(c.shown());
                }
            }
            channel.flush();
        }, futures);
        return futures.stream().map(this::offIoThread).toList();
    }

    /** Writes raw bytes (the end of DATA, a BDAT chunk) and waits for one reply; {@code shown} tells the transcript. */
    CompletableFuture<ServerReply> sendRaw(byte[] bytes, String what, Duration timeout, Runnable shown) {
        CompletableFuture<ServerReply> f = new CompletableFuture<>();
        onIoThread(() -> {
            if (expect(what, f, timeout, null)) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
                shown.run();
            }
        }, List.of(f));
        return offIoThread(f);
    }

    /** Writes a block of content; fails the session when the network has not taken it within {@code timeout}. */
    CompletableFuture<Void> write(byte[] block, Duration timeout) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (failure != null) {
            f.completeExceptionally(failure);
            return f;
        }
        ChannelFuture written = channel.writeAndFlush(Unpooled.wrappedBuffer(block));
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
            if (!written.isDone()) {
                fail(new SmtpClientException(SmtpClientException.Kind.TIMEOUT,
                        "content not taken by " + serverName + " within " + human(timeout)));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        written.addListener(w -> {
            timer.cancel(false);
            if (w.isSuccess()) {
                f.complete(null);
            } else {
                f.completeExceptionally(failure != null ? failure : Failures.classify(serverName, w.cause()));
            }
        });
        return f;
    }

    /** Between 354 and the end of data: a reply now is the server refusing the message early. */
    void contentInFlight(boolean inFlight) {
        contentInFlight = inFlight;
    }

    // ---- waits -----------------------------------------------------------------------------------

    /** Registers a reply to wait for; false (and the future failed) when the session is already over. */
    private boolean expect(String what, CompletableFuture<ServerReply> future, Duration timeout, Consumer<ServerReply> onIoThread) {
        if (failure != null) {
            future.completeExceptionally(failure);
            return false;
        }
        Wait w = new Wait(what, future, onIoThread);
        w.timer = channel.eventLoop().schedule(() -> {
            if (waits.contains(w)) {
                fail(new SmtpClientException(SmtpClientException.Kind.TIMEOUT,
                        "no reply from " + serverName + " to " + what + " within " + human(timeout)));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        waits.add(w);
        return true;
    }

    private void onReply(ServerReply reply) {
        Wait w = waits.poll();
        if (w == null) {
            if (reply.code() == 421) {
                fail(new SmtpClientException(SmtpClientException.Kind.CLOSED,
                        serverName + " is closing the connection: " + reply, reply));
            } else if (contentInFlight) {
                fail(new SmtpClientException(SmtpClientException.Kind.REJECTED,
                        serverName + " refused the message before its end: " + reply, reply));
            } else {
                fail(new SmtpClientException(SmtpClientException.Kind.PROTOCOL,
                        serverName + " sent a reply no command asked for: " + reply, reply));
            }
            return;
        }
        w.timer.cancel(false);
        if (w.onIoThread != null) {
            try {
                w.onIoThread.accept(reply);
            } catch (SmtpClientException e) {
                w.future.completeExceptionally(e);
                fail(e);
                return;
            }
        }
        w.future.complete(reply);
    }

    /** Ends the session with this failure (the first one counts): every wait fails with it, and the connection closes. */
    void fail(SmtpClientException e) {
        if (!channel.eventLoop().inEventLoop()) {
            try {
                channel.eventLoop().execute(() -> fail(e));
            } catch (RejectedExecutionException x) {
                failure = failure == null ? e : failure;
            }
            return;
        }
        if (failure == null) {
            failure = e;
        }
        failWaits();
        channel.close();
    }

    private void failWaits() {
        Wait w;
        while ((w = waits.poll()) != null) {
            w.timer.cancel(false);
            w.future.completeExceptionally(failure);
        }
    }

    void onIoThread(Runnable task, List<CompletableFuture<ServerReply>> failIfShutDown) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            SmtpClientException closed = new SmtpClientException(SmtpClientException.Kind.CLOSED, "the SMTP client is shut down");
            failIfShutDown.forEach(f -> f.completeExceptionally(closed));
        }
    }

    /** The same outcome, delivered on the executor. */
    <T> CompletableFuture<T> offIoThread(CompletableFuture<T> f) {
        CompletableFuture<T> out = new CompletableFuture<>();
        f.whenComplete((v, e) -> {
            Runnable r = () -> {
                if (e != null) {
                    out.completeExceptionally(Failures.unwrap(e));
                } else {
                    out.complete(v);
                }
            };
            try {
                executor.execute(r);
            } catch (RejectedExecutionException x) {
                r.run();
            }
        });
        return out;
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** Frames reply lines (LF, with or without CR), bounded in length, and feeds them to the parser. */
    private final class ReplyReader extends ChannelInboundHandlerAdapter {

        private final ReplyParser parser = new ReplyParser();
        private ByteBuf in;

        boolean hasBufferedInput() {
            return in != null && in.isReadable();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            expect("the greeting", greeting, greetingTimeout, null);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf bytes) || failure != null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            in = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), in == null ? Unpooled.EMPTY_BUFFER : in, bytes);
            while (failure == null && in.isReadable()) {
                int start = in.readerIndex();
                int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
                if (lf < 0) {
                    if (in.readableBytes() > MAX_REPLY_LINE) {
                        fail(new SmtpClientException(SmtpClientException.Kind.PROTOCOL,
                                serverName + " sent a reply line longer than " + MAX_REPLY_LINE + " octets"));
                    }
                    break;
                }
                int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
                String line = in.toString(start, end - start, StandardCharsets.UTF_8);
                in.readerIndex(lf + 1);
                transcript.received(line);
                ServerReply reply;
                try {
                    reply = parser.line(line);
                } catch (SmtpClientException e) {
                    fail(e);
                    break;
                }
                if (reply != null) {
                    onReply(reply);
                }
            }
            if (in != null && !in.isReadable()) {
                in.release();
                in = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (in != null) {
                in.release();
                in = null;
            }
            if (failure == null) {
                failure = new SmtpClientException(SmtpClientException.Kind.CLOSED, quitting
                        ? "the connection to " + serverName + " is closed"
                        : "the connection was closed by " + serverName);
            }
            failWaits();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(Failures.classify(serverName, cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause));
        }
    }
}
