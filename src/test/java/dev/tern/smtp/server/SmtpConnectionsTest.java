package dev.tern.smtp.server;

import dev.tern.config.ListenAddress;
import dev.tern.config.SmtpLimits;
import dev.tern.net.ListenException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.tern.smtp.server.SmtpTestClient.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Connection limits, binding errors and shutdown. */
class SmtpConnectionsTest extends SmtpServerTestSupport {

    private static SmtpLimits connectionLimits(int total, int perIp) {
        return new SmtpLimits(10_000, 3, 1000, 10, Duration.ofSeconds(60), Duration.ofSeconds(60), total, perIp, false);
    }

    @Test
    void perAddressLimit() throws Exception {
        start(connectionLimits(10, 2));
        SmtpTestClient first = connect();
        SmtpTestClient second = connect();
        expect(first.reply(), 220);
        expect(second.reply(), 220);

        SmtpTestClient third = connect();
        assertThat(third.reply().text()).isEqualTo("421 4.7.0 mx.example.test Too many connections, try again later");
        assertThat(third.isClosedByServer()).isTrue();

        SmtpTestClient otherAddress = connect("127.0.0.2");
        expect(otherAddress.reply(), 220);

        expect(first.command("QUIT"), 221);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.activeConnections() == 2);
        SmtpTestClient again = connect();
        expect(again.reply(), 220);
        expect(again.command("NOOP"), 250);
    }

    @Test
    void totalLimit() throws Exception {
        start(connectionLimits(2, 10));
        expect(connect("127.0.0.1").reply(), 220);
        expect(connect("127.0.0.2").reply(), 220);
        SmtpTestClient refused = connect("127.0.0.3");
        assertThat(refused.reply().text()).startsWith("421 4.7.0 ");
        assertThat(refused.isClosedByServer()).isTrue();
        assertThat(server.activeConnections()).isEqualTo(2);
    }

    @Test
    void aBusyPortGivesOneLine() throws Exception {
        start(limits());
        SmtpServer second = new SmtpServer("submission", HOSTNAME, limits(), false, backend, serverTransport());
        assertThatThrownBy(() -> second.start(List.of(new ListenAddress("127.0.0.1", server.port()))))
                .isInstanceOf(ListenException.class)
                .hasMessage("cannot listen on 127.0.0.1:" + server.port() + " for submission: address already in use");
    }

    @Test
    void closeEndsOpenSessions() throws Exception {
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: interrupted\r\n\r\npartial");
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.sinks.containsKey("Q1"));
        server.close();
        assertThat(c.reply().text()).isEqualTo("421 4.3.2 mx.example.test Service shutting down, try again later");
        assertThat(c.isClosedByServer()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.sinks.get("Q1").aborted());
    }
}
