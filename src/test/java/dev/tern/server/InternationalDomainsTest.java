package dev.tern.server;

import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Domains in Unicode are the names IDNA2008 makes of them (RFC 5891, RFC 6531 §3.2):
 * {@code straße.test} and {@code strasse.test} are two domains, as they are in DNS, where
 * IDNA2003 (the JDK's {@code java.net.IDN}) made one of them.
 */
class InternationalDomainsTest {

    @TempDir
    Path dir;

    @Test
    void mailForStrasseWithSharpSIsNotMailForStrasse() throws Exception {
        try (RunningServer tern = new RunningServer(dir, "")) {
            assertThat(tern.services().directory().addDomain("stra\u00DFe.test").name()).isEqualTo("xn--strae-oqa.test");
            tern.services().directory().addDomain("strasse.test");
            tern.services().directory().addUser("anna@stra\u00DFe.test", "pw one");
            tern.services().directory().addUser("anna@strasse.test", "pw two");
            try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
                c.reply();
                c.command("EHLO client.example");
                RawSmtpClient.expect(c.command("MAIL FROM:<j\u00F6rg@example.net> SMTPUTF8"), "250");
                RawSmtpClient.expect(c.command("RCPT TO:<anna@stra\u00DFe.test>"), "250");
                RawSmtpClient.expect(c.command("RCPT TO:<nobody@stra\u00DFe.test>"), "550 5.1.1");
                RawSmtpClient.expect(c.command("DATA"), "354");
                c.send("From: j\u00F6rg@example.net\r\nSubject: f\u00FCr Anna in der Stra\u00DFe\r\n\r\nHallo\r\n.\r\n");
                RawSmtpClient.expect(c.reply(), "250");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("anna@xn--strae-oqa.test").size() == 1);
            assertThat(tern.content(tern.inbox("anna@stra\u00DFe.test").get(0))).contains("Stra\u00DFe");
            assertThat(tern.inbox("anna@strasse.test")).isEmpty();
        }
    }
}
