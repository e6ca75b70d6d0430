package dev.tern.sieve;

import dev.tern.sieve.commands.MailtoUri;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** enotify (RFC 5435) with the mailto method (RFC 5436): notify, its tests, :encodeurl, the mail it sends. */
class SieveNotifyTest {

    private final SieveEngine engine = new SieveEngine();

    private static FilteredMessage message(String extra) throws IOException {
        byte[] bytes = ("From: Bob <bob@example.org>\r\nSubject: Lunch?\r\nDate: Thu, 3 Dec 2026 10:00:00 +0000\r\n"
                + extra + "\r\nHi.\r\n").getBytes(StandardCharsets.UTF_8);
        return FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length, "bob@example.org",
                "anna@example.test");
    }

    private SieveOutcome run(String script) throws IOException, SieveScriptException {
        engine.check(script);
        SieveOutcome o = engine.run(script, message(""));
        assertThat(o.error()).as(script).isNull();
        return o;
    }

    @Test
    void notifyAsksForOneMailPerMethodAndKeeps() throws Exception {
        SieveOutcome o = run("""
                require ["enotify", "variables"];
                if header :matches "from" "*" { set "from" "${1}"; }
                notify :importance "1" :message "Mail from ${from}" "mailto:anna@phone.example";
                notify "mailto:anna@phone.example";
                notify :from "anna@example.test" "mailto:x@example.net,y@example.net?cc=z@example.net&subject=Hi%20there&body=See%20INBOX&from=evil@example.net";
                """);
        assertThat(o.keep()).as("notify leaves the implicit keep").isTrue();
        assertThat(o.notifications()).hasSize(2);
        NotifyRequest first = o.notifications().get(0);
        assertThat(first.recipients()).containsExactly("anna@phone.example");
        assertThat(first.message()).isEqualTo("Mail from Bob <bob@example.org>");
        assertThat(first.importance()).isEqualTo("1");
        NotifyRequest second = o.notifications().get(1);
        assertThat(second.recipients()).containsExactly("x@example.net", "y@example.net", "z@example.net");
        assertThat(second.subject()).isEqualTo("Hi there");
        assertThat(second.body()).isEqualTo("See INBOX");
        assertThat(second.from()).isEqualTo("anna@example.test");
        assertThat(o.summary()).contains("notify anna@phone.example");
    }

    @Test
    void theMailANotificationSends() throws Exception {
        NotifyRequest n = new NotifyRequest("mailto:anna@phone.example", List.of("anna@phone.example"), null, null, null,
                "1", null);
        String mail = new String(NotifyMessage.compose(n, message(""), "anna@example.test", "mx.example.test",
                Instant.parse("2026-12-03T10:00:05Z")), StandardCharsets.UTF_8);
        assertThat(mail).contains("From: anna@example.test\r\n").contains("To: <anna@phone.example>\r\n")
                .contains("Subject: [New mail] Bob <bob@example.org>: Lunch?\r\n")
                .contains("Auto-Submitted: auto-notified\r\n").contains("Importance: high\r\n");
        String body = new String(Base64.getMimeDecoder().decode(mail.substring(mail.indexOf("\r\n\r\n") + 4).strip()),
                StandardCharsets.UTF_8);
        assertThat(body).contains("From: Bob <bob@example.org>\r\nSubject: Lunch?\r\nDate: Thu, 3 Dec 2026");
        assertThat(NotifyMessage.refusal(message(""))).isNull();
        assertThat(NotifyMessage.refusal(message("Auto-Submitted: auto-notified\r\n"))).contains("Auto-Submitted");
        assertThat(NotifyMessage.refusal(message("Auto-Submitted: no\r\n"))).isNull();
    }

    @Test
    void theTestsAndEncodeurl() throws Exception {
        SieveOutcome o = run("""
                require ["enotify", "variables", "fileinto"];
                if valid_notify_method ["mailto:a@example.net", "mailto:b@example.net?subject=x"] { fileinto "valid"; }
                if valid_notify_method ["mailto:a@example.net", "xmpp:a@example.net"] { fileinto "never"; }
                if valid_notify_method "mailto:" { fileinto "never2"; }
                if notify_method_capability "mailto:a@example.net" "Online" "maybe" { fileinto "maybe"; }
                if notify_method_capability "mailto:a@example.net" "other" "maybe" { fileinto "never3"; }
                set :encodeurl "s" "Lunch? ä/&";
                fileinto "${s}";
                """);
        assertThat(o.fileInto()).containsExactly("valid", "maybe", "Lunch%3F%20%C3%A4%2F%26");
    }

    @Test
    void badMethodsAndTooManyFail() throws Exception {
        SieveOutcome bad = engine.run("require [\"enotify\", \"variables\"];\nset \"m\" \"sms:123\";\nnotify \"${m}\";",
                message(""));
        assertThat(bad.error()).contains("not a mailto: URI");
        assertThat(bad.notifications()).isEmpty();
        StringBuilder many = new StringBuilder("require \"enotify\";\n");
        for (int i = 0; i < 5; i++) {
            many.append("notify \"mailto:n").append(i).append("@example.net\";\n");
        }
        SieveOutcome five = engine.run(many.toString(), message(""));
        assertThat(five.error()).contains("more than 4 notifications");
        assertThatThrownBy(() -> engine.check("notify \"mailto:a@example.net\";")).hasMessageContaining("require \"enotify\"");
        assertThatThrownBy(() -> engine.check("require \"enotify\";\nnotify \"xmpp:a@example.net\";"))
                .hasMessageContaining("is not a method Tern has");
        assertThatThrownBy(() -> engine.check("require \"variables\";\nset :encodeurl \"a\" \"b\";"))
                .hasMessageContaining("needs require \"enotify\"");
    }

    @Test
    void mailtoUris() {
        assertThat(MailtoUri.parse("MAILTO:a%40example.net?To=b@example.net&subject=%E2%82%AC")).isEqualTo(
                new MailtoUri(List.of("a@example.net", "b@example.net"), "€", null));
        assertThat(MailtoUri.parse("mailto:anna+alerts@example.net?subject=1+1")).as("a plus is a plus").isEqualTo(
                new MailtoUri(List.of("anna+alerts@example.net"), "1+1", null));
        assertThatThrownBy(() -> MailtoUri.parse("mailto:?subject=x")).hasMessageContaining("no address");
        assertThatThrownBy(() -> MailtoUri.parse("mailto:" + String.join(",", java.util.stream.IntStream.range(0, 9)
                .mapToObj(i -> "n" + i + "@example.net").toList()))).hasMessageContaining("more than 8 addresses");
        assertThatThrownBy(() -> MailtoUri.parse("mailto:not-an-address")).hasMessageContaining("not an address");
        assertThatThrownBy(() -> MailtoUri.parse("mailto:a@example.net?subject=%ZZ")).hasMessageContaining("bad percent");
        assertThat(MailtoUri.encode("a b~_-.é")).isEqualTo("a%20b~_-.%C3%A9");
    }
}
