package dev.tern.smtp.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tern.config.SmtpLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.tern.smtp.server.SmtpTestClient.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code [smtp] min_free_space}: MAIL is refused with 452 4.3.1 while the storage could not take
 * the declared message and keep its reserve, the session goes on, and mail is taken again once
 * there is room.
 */
class SmtpFreeSpaceTest extends SmtpServerTestSupport {

    private static final long RESERVE = 1_000;

    private static SmtpLimits withReserve(long reserve) {
        return new SmtpLimits(10_000, 3, 1000, 10, Duration.ofSeconds(60), Duration.ofSeconds(60), 20, 10, false,
                reserve);
    }

    @Test
    void mailIsRefusedWhileTheReserveIsNotThereAndTakenWhenItIsBack() throws Exception {
        start(withReserve(RESERVE));
        backend.freeSpace = RESERVE - 1;
        SmtpTestClient c = greeted();
        assertThat(c.command("MAIL FROM:<a@b.test>").text())
                .isEqualTo("452 4.3.1 Insufficient system storage, try again later");
        // No transaction began: RCPT is out of order, and the session is still served.
        expect(c.command("RCPT TO:<alice@example.test>"), 503);
        expect(c.command("NOOP"), 250);

        backend.freeSpace = RESERVE;
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: room again\r\n\r\nHi\r\n.\r\n");
        expect(c.reply(), 250);
        assertThat(backend.queued).hasSize(1);
    }

    @Test
    void theDeclaredSizeMustFitBesideTheReserve() throws Exception {
        start(withReserve(RESERVE));
        ListAppender<ILoggingEvent> log = capture("dev.tern.smtp");
        backend.freeSpace = RESERVE + 5_000;
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test> SIZE=5001"), 452);
        expect(c.command("MAIL FROM:<a@b.test> SIZE=5000"), 250);
        expect(c.command("RSET"), 250);
        // Above the fixed limit the permanent refusal comes first (RFC 1870 §6.1).
        assertThat(c.command("MAIL FROM:<c@b.test> SIZE=10001").text()).startsWith("552 5.3.4");
        assertThat(messages(log)).contains(
                "NOQUEUE: client=unknown[127.0.0.1] from=<a@b.test> result=rejected code=452 status=4.3.1"
                        + " text=\"Insufficient system storage, try again later\"",
                "NOQUEUE: client=unknown[127.0.0.1] from=<c@b.test> result=rejected code=552 status=5.3.4"
                        + " text=\"Message size exceeds fixed maximum message size\"");
    }

    @Test
    void aReserveOfZeroStillWantsRoomForTheDeclaredSize() throws Exception {
        start(withReserve(0));
        backend.freeSpace = 0;
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        assertThat(backend.freeSpaceReads.get()).isZero();
        expect(c.command("RSET"), 250);
        expect(c.command("MAIL FROM:<a@b.test> SIZE=1"), 452);
    }

    @Test
    void theDefaultReserveIsOneAndAHalfLargestMessages() {
        assertThat(new SmtpLimits(10_000, 3, 1000, 10, Duration.ofSeconds(60), Duration.ofSeconds(60), 20, 10, false)
                .minFreeSpace()).isEqualTo(15_000);
        assertThat(SmtpLimits.defaults().minFreeSpace()).isEqualTo(75L * 1024 * 1024);
    }
}
