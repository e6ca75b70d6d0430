package dev.tern.smtp.server;

import dev.tern.config.SmtpLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.tern.smtp.server.SmtpTestClient.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code [smtp] max_junk_commands}: NOOP, RSET, VRFY and HELP past the limit are answered as
 * always but count as errors, so a client that only sends them is disconnected at
 * {@code max_errors}; an accepted message starts the count again.
 */
class SmtpJunkCommandsTest extends SmtpServerTestSupport {

    private static SmtpLimits limits(int maxErrors, int maxJunk) {
        return new SmtpLimits(10_000, 3, 1000, maxErrors, Duration.ofSeconds(60), Duration.ofSeconds(60), 20, 10, false,
                0, maxJunk);
    }

    @Test
    void junkPastTheLimitCountsAsErrorsUntilTheSessionIsClosed() throws Exception {
        start(limits(3, 4));
        SmtpTestClient c = greeted();
        expect(c.command("NOOP"), 250);
        expect(c.command("RSET"), 250);
        expect(c.command("HELP"), 214);
        expect(c.command("VRFY alice@example.test"), 252);
        // Past the limit: still answered, each one an error.
        expect(c.command("NOOP"), 250);
        expect(c.command("NOOP"), 250);
        c.send("NOOP\r\n");
        expect(c.reply(), 250);
        assertThat(c.reply().text()).startsWith("421 4.7.0");
        assertThat(c.isClosedByServer()).isTrue();
    }

    @Test
    void anAcceptedMessageStartsTheCountAgain() throws Exception {
        start(limits(2, 2));
        SmtpTestClient c = greeted();
        expect(c.command("NOOP"), 250);
        expect(c.command("NOOP"), 250);
        expect(c.command("NOOP"), 250);   // one error
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: x\r\n\r\nHi\r\n.\r\n");
        expect(c.reply(), 250);
        expect(c.command("NOOP"), 250);
        expect(c.command("NOOP"), 250);
        expect(c.command("NOOP"), 250);   // the first error since the message
        expect(c.command("QUIT"), 221);
    }

    @Test
    void theDefaultIsPostfixs() {
        assertThat(SmtpLimits.defaults().maxJunkCommands()).isEqualTo(100);
        assertThat(limits().maxJunkCommands()).isEqualTo(100);
    }
}
