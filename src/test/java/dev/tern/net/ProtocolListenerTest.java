package dev.tern.net;

import dev.tern.config.ListenAddress;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSession;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtocolListenerTest {

    private final ServerTransport transport = new ServerTransport(1);

    @AfterEach
    void close() {
        transport.close();
    }

    /** A protocol of its own: greets, answers each line in capitals, says "bye" when the server stops. */
    private static final class Shouting extends ProtocolConnection {

        Shouting(String id) {
            super(LoggerFactory.getLogger(Shouting.class), id);
        }

        private void say(String text) {
            ctx.write(Unpooled.copiedBuffer(text + "\r\n", StandardCharsets.US_ASCII));
        }

        @Override
        protected void open(InetAddress client) {
            say("hello");
        }

        @Override
        protected boolean step() {
            CommandLines.Line line = CommandLines.next(in, 100);
            if (line == null) {
                return false;
            }
            say(new String(line.octets(), StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT));
            return true;
        }

        @Override
        protected void closed() {
        }

        @Override
        protected void tlsEstablished(SSLSession tls) {
        }

        @Override
        protected void shuttingDown() {
            say("bye");
            closeAfterFlush();
        }

        @Override
        protected long idleTimeoutNanos() {
            return TimeUnit.MINUTES.toNanos(1);
        }

        @Override
        protected void idleTimedOut() {
            close();
        }
    }

    @Test
    void servesEachConnectionInOrderAndEndsItsSessionsWhenClosed() throws Exception {
        ProtocolListener listener = new ProtocolListener("shout", transport,
                new ConnectionLimiter(10, 10, (alloc, limit) -> null), null, Shouting::new);
        listener.start(List.of(new ListenAddress("127.0.0.1", 0)));
        assertThatThrownBy(() -> listener.start(List.of(new ListenAddress("127.0.0.1", 0))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("shout");
        try (Socket s = new Socket("127.0.0.1", listener.port())) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("hello");
            s.getOutputStream().write("one\r\ntwo\r\nthr".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write("ee\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("ONE");
            assertThat(in.readLine()).isEqualTo("TWO");
            assertThat(in.readLine()).isEqualTo("THREE");
            listener.close();
            assertThat(in.readLine()).isEqualTo("bye");
            assertThat(in.readLine()).isNull();
        }
    }
}
