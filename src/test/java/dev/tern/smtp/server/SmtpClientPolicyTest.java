package dev.tern.smtp.server;

import dev.tern.mail.ClientInfo;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.mail.ReceptionVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static dev.tern.smtp.server.SmtpTestClient.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** The session consults the backend's per-connection client policy at each stage. */
class SmtpClientPolicyTest extends SmtpServerTestSupport {

    private SmtpTestClient connectWith(ClientPolicy policy) throws Exception {
        start(limits());
        backend.policy = policy;
        return connect();
    }

    private static CompletableFuture<Void> refuse(int code, String enhanced, String text) {
        return CompletableFuture.failedFuture(new MailException(code, enhanced, text, "test"));
    }

    @Test
    void aClientThatTalksBeforeTheDelayedGreetingIsRefused() throws Exception {
        SmtpTestClient c = connectWith(new ClientPolicy() {
            @Override
            public Duration greetingDelay() {
                return Duration.ofMillis(700);
            }
        });
        c.send("EHLO early.test\r\n");
        assertThat(c.reply().text()).isEqualTo("554 5.5.1 Protocol error: commands sent before the greeting");
        assertThat(c.isClosedByServer()).isTrue();
        assertThat(backend.queued).isEmpty();
    }

    /**
     * Lines the connection answers without parsing them (a bare LF, one over the length limit)
     * are talk before the greeting too: no error reply may come before the 220, and the client is
     * refused as any other early talker.
     */
    @ParameterizedTest
    @ValueSource(strings = {"EHLO early.test\n", "\n", "LONG\r\n"})
    void anUnparsedLineBeforeTheDelayedGreetingIsTalkingEarlyToo(String line) throws Exception {
        SmtpTestClient c = connectWith(new ClientPolicy() {
            @Override
            public Duration greetingDelay() {
                return Duration.ofMillis(700);
            }
        });
        c.send(line.equals("LONG\r\n") ? "X".repeat(limits().maxLineLength() + 10) + "\r\n" : line);
        assertThat(c.reply().text()).isEqualTo("554 5.5.1 Protocol error: commands sent before the greeting");
        assertThat(c.isClosedByServer()).isTrue();
    }

    @Test
    void aPatientClientGetsTheGreetingAfterTheDelay() throws Exception {
        SmtpTestClient c = connectWith(new ClientPolicy() {
            @Override
            public Duration greetingDelay() {
                return Duration.ofMillis(300);
            }
        });
        expect(c.reply(), 220);
        expect(c.command("EHLO patient.test"), 250);
    }

    @Test
    void aConnectionRefusalReplacesTheGreetingAndCloses() throws Exception {
        CompletableFuture<Void> decision = new CompletableFuture<>();
        SmtpTestClient c = connectWith(new ClientPolicy() {
            @Override
            public CompletableFuture<Void> connected() {
                return decision;
            }
        });
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() ->
                decision.completeExceptionally(new MailException(421, "4.7.0", "Too many connections", "test")));
        assertThat(c.reply().text()).isEqualTo("421 4.7.0 Too many connections");
        assertThat(c.isClosedByServer()).isTrue();
    }

    @Test
    void heloMailAndRecipientRefusalsAreRepliesAndTheSessionGoesOn() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        SmtpTestClient c = connectWith(new ClientPolicy() {
            @Override
            public String verifiedName() {
                return "mail.client.test";
            }

            @Override
            public CompletableFuture<Void> helo(String name) {
                seen.add("helo " + name);
                return name.equals("bad") ? refuse(550, "5.7.1", "HELO refused") : CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> mail(ClientInfo client, MailAddress sender) {
                seen.add("mail " + sender + " " + client.reverseName());
                return String.valueOf(sender).startsWith("spam") ? refuse(554, "5.7.1", "Blocked")
                        : CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> recipient(ClientInfo client, MailAddress sender, MailAddress recipient) {
                seen.add("rcpt " + recipient);
                return recipient.toString().startsWith("bob") ? refuse(451, "4.7.1", "Greylisted")
                        : CompletableFuture.completedFuture(null);
            }
        });
        expect(c.reply(), 220);
        assertThat(c.command("EHLO bad").text()).isEqualTo("550 5.7.1 HELO refused");
        assertThat(c.command("MAIL FROM:<a@b.test>").code()).isEqualTo(503);   // not greeted yet
        expect(c.command("EHLO good.test"), 250);
        assertThat(c.command("MAIL FROM:<spam@b.test>").text()).isEqualTo("554 5.7.1 Blocked");
        expect(c.command("MAIL FROM:<ham@b.test>"), 250);
        assertThat(c.command("RCPT TO:<nobody@example.test>").code()).isEqualTo(550);  // the backend first
        assertThat(c.command("RCPT TO:<bob@example.test>").text()).isEqualTo("451 4.7.1 Greylisted");
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: s\r\n\r\nhi\r\n.\r\n");
        expect(c.reply(), 250);
        assertThat(seen).containsExactly("helo bad", "helo good.test", "mail spam@b.test mail.client.test",
                "mail ham@b.test mail.client.test", "rcpt bob@example.test", "rcpt alice@example.test");
        assertThat(backend.last().text()).startsWith("Received: from good.test (mail.client.test [127.0.0.1])");
    }

    @Test
    void theContentFilterCanRefuseOrAnnotateTheMessage() throws Exception {
        SmtpTestClient c = connectWith(new ClientPolicy() {
            @Override
            public ContentFilter contentFilter(ClientInfo client, MailAddress sender) {
                return new ContentFilter() {
                    private final StringBuilder seen = new StringBuilder();

                    @Override
                    public void write(ByteBuffer in, Consumer<ByteBuffer> out) {
                        seen.append(java.nio.charset.StandardCharsets.ISO_8859_1.decode(in.duplicate()));
                        out.accept(in);
                        in.position(in.limit());
                    }

                    @Override
                    public void finish(Consumer<ByteBuffer> out) {
                    }

                    @Override
                    public CompletableFuture<Void> verdict() {
                        return seen.toString().contains("reject me") ? refuse(550, "5.7.1", "DMARC policy")
                                : CompletableFuture.completedFuture(null);
                    }

                    @Override
                    public ReceptionVerdict reception() {
                        return new ReceptionVerdict("Authentication-Results: mx; none\r\n", true);
                    }
                };
            }
        });
        expect(c.reply(), 220);
        expect(c.command("EHLO client.test"), 250);
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: s\r\n\r\nreject me\r\n.\r\n");
        assertThat(c.reply().text()).isEqualTo("550 5.7.1 DMARC policy");
        assertThat(backend.queued).isEmpty();
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: s\r\n\r\nfine\r\n.\r\n");
        expect(c.reply(), 250);
        assertThat(backend.last().envelope().verdict())
                .isEqualTo(new ReceptionVerdict("Authentication-Results: mx; none\r\n", true));
    }
}
