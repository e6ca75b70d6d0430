package dev.tern.message;

import dev.tern.mail.MailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubmissionHeaderFilterTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T09:08:07Z"), ZoneId.of("Europe/Paris"));
    private static final String DATE = "Date: Tue, 5 Mar 2024 10:08:07 +0100\r\n";
    private static final String ID = "Message-ID: <ID>\r\n";
    private static final String ID_PATTERN = "<[0-9a-z]+\\.[0-9a-f]{24}@mx\\.tern\\.test>";

    private SubmissionHeaderFilter filter;

    /** Runs a message through a new filter in chunks of the given size; returns the output. */
    private String run(String message, int chunk, int limit) {
        filter = new SubmissionHeaderFilter("mx.tern.test", CLOCK, limit);
        byte[] in = message.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Consumer<ByteBuffer> sink = b -> {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            out.writeBytes(copy);
        };
        for (int i = 0; i < in.length; i += chunk) {
            ByteBuffer buf = ByteBuffer.wrap(in, i, Math.min(chunk, in.length - i));
            filter.write(buf, sink);
            assertThat(buf.hasRemaining()).isFalse();
        }
        filter.finish(sink);
        String text = out.toString(StandardCharsets.UTF_8);
        if (filter.addedMessageId()) {
            assertThat(filter.messageId()).matches(ID_PATTERN);
            text = text.replace(filter.messageId(), "<ID>");
        }
        return text;
    }

    private String run(String message, int chunk) {
        return run(message, chunk, SubmissionHeaderFilter.DEFAULT_HEADER_LIMIT);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 8192})
    void missingFieldsAreAppendedToTheHeaderSection(int chunk) {
        String out = run("From: Alice <alice@example.org>\r\nSubject: hi\r\n\r\nbody line\r\nDate: not a header\r\n", chunk);
        assertThat(out).isEqualTo("From: Alice <alice@example.org>\r\nSubject: hi\r\n" + ID + DATE
                + "\r\nbody line\r\nDate: not a header\r\n");
        assertThat(filter.addedMessageId()).isTrue();
        assertThat(filter.addedDate()).isTrue();
        assertThat(filter.headerComplete()).isTrue();
        assertThat(filter.fromAddresses()).containsExactly(MailAddress.parse("alice@example.org"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 8192})
    void presentFieldsAreKeptAndNothingIsAdded(int chunk) {
        String msg = "message-id: <abc@client.example>\r\nDATE: Mon, 4 Mar 2024 08:00:00 +0000\r\n"
                + "From: bob@example.org\r\n\r\nHello\r\n";
        assertThat(run(msg, chunk)).isEqualTo(msg);
        assertThat(filter.addedMessageId()).isFalse();
        assertThat(filter.addedDate()).isFalse();
        assertThat(filter.messageId()).isEqualTo("<abc@client.example>");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 8192})
    void foldedFieldsAreUnfoldedForParsingAndLeftAsTheyWere(int chunk) {
        String msg = "From: \"Alice\r\n Liddell\" <alice@example.org>,\r\n\tbob@example.org\r\n"
                + "Message-ID:\r\n <folded@client.example>\r\nSubject: a\r\n  long subject\r\n\r\nx\r\n";
        assertThat(run(msg, chunk)).isEqualTo("From: \"Alice\r\n Liddell\" <alice@example.org>,\r\n\tbob@example.org\r\n"
                + "Message-ID:\r\n <folded@client.example>\r\nSubject: a\r\n  long subject\r\n" + DATE + "\r\nx\r\n");
        assertThat(filter.from()).containsExactly(
                new HeaderMailbox("Alice Liddell", MailAddress.parse("alice@example.org")),
                new HeaderMailbox(null, MailAddress.parse("bob@example.org")));
        assertThat(filter.messageId()).isEqualTo("<folded@client.example>");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 8192})
    void aMessageWithoutSeparatorGetsOneBeforeItsFirstBodyLine(int chunk) {
        assertThat(run("Subject: x\r\nHello world\r\nSecond: line\r\n", chunk))
                .isEqualTo("Subject: x\r\n" + ID + DATE + "\r\nHello world\r\nSecond: line\r\n");
        assertThat(run("Hello, no header at all\r\n", chunk)).isEqualTo(ID + DATE + "\r\nHello, no header at all\r\n");
        assertThat(run(" indented first line\r\n", chunk)).isEqualTo(ID + DATE + "\r\n indented first line\r\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 8192})
    void aMessageOfOnlyHeadersGetsTheFieldsAtItsEnd(int chunk) {
        assertThat(run("Subject: x\r\nTo: a@example.org\r\n", chunk)).isEqualTo("Subject: x\r\nTo: a@example.org\r\n" + ID + DATE);
        assertThat(run("Subject: no line ending", chunk)).isEqualTo("Subject: no line ending\r\n" + ID + DATE);
        assertThat(run("Subject: x\r\n folded, unterminated", chunk)).isEqualTo("Subject: x\r\n folded, unterminated\r\n" + ID + DATE);
        assertThat(run("Subject: x\r\nno line ending", chunk)).isEqualTo("Subject: x\r\n" + ID + DATE + "\r\nno line ending");
        assertThat(filter.headerComplete()).isTrue();
    }

    @Test
    void anEmptyMessageOrAnEmptyHeaderGetsOnlyTheAddedFields() {
        assertThat(run("", 8192)).isEqualTo(ID + DATE);
        assertThat(run("\r\nbody\r\n", 1)).isEqualTo(ID + DATE + "\r\nbody\r\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 8192})
    void aLargeBodyPassesThroughUnchanged(int chunk) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 200_000; i++) {
            body.append("line ").append(i).append(" \u00e9t\u00e9\r\n");
        }
        String header = "Date: Mon, 4 Mar 2024 08:00:00 +0000\r\nMessage-ID: <x@y>\r\n\r\n";
        assertThat(run(header + body, chunk)).isEqualTo(header + body);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 8192})
    void aHeaderBeyondTheLimitPassesThroughUntouched(int chunk) {
        String msg = "Subject: " + "x".repeat(100) + "\r\nFrom: a@example.org\r\n\r\nbody\r\n";
        assertThat(run(msg, chunk, 64)).isEqualTo(msg);
        assertThat(filter.headerTooLarge()).isTrue();
        assertThat(filter.headerComplete()).isFalse();
        assertThat(filter.addedMessageId()).isFalse();
        assertThat(filter.messageId()).isNull();
        assertThat(filter.from()).isEmpty();
    }

    @Test
    void neverHoldsMoreThanTheLimit() {
        filter = new SubmissionHeaderFilter("mx.tern.test", CLOCK, 16);
        List<ByteBuffer> out = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            filter.write(ByteBuffer.wrap(new byte[]{'a'}), out::add);
        }
        assertThat(out).isEmpty();
        filter.write(ByteBuffer.wrap(new byte[]{'b', 'c'}), out::add);
        assertThat(out.stream().mapToInt(ByteBuffer::remaining).sum()).isEqualTo(18);
        filter.finish(out::add);
        assertThatThrownBy(() -> filter.write(ByteBuffer.wrap(new byte[1]), b -> { }))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aHeaderEndingExactlyAtTheLimitIsStillFixed() {
        String header = "Subject: 1234\r\n\r\n";
        assertThat(run(header + "body\r\n", 1, header.length())).isEqualTo("Subject: 1234\r\n" + ID + DATE + "\r\nbody\r\n");
    }

    @Test
    void fromAcceptsGroupsEncodedNamesAndSeveralFields() {
        run("From: =?UTF-8?B?w4lsaXNl?= <Elise@Example.org>, Team: a@x.test, \"B, C\" <b@x.test>;\r\n"
                + "From: \"quoted local\"@example.org\r\nSender: Secretary <sec@example.org>\r\n\r\n", 7);
        assertThat(filter.from()).extracting(HeaderMailbox::toString).containsExactly(
                "\u00c9lise <Elise@example.org>", "<a@x.test>", "B, C <b@x.test>", "<\"quoted local\"@example.org>");
        assertThat(filter.fromUnreadable()).isFalse();
        assertThat(filter.sender()).get().extracting(HeaderMailbox::address).isEqualTo(MailAddress.parse("sec@example.org"));
    }

    @Test
    void utf8AddressesAreRead() {
        run("From: Jos\u00e9 <jos\u00e9@ex\u00e4mple.org>\r\n\r\n", 1);
        assertThat(filter.fromAddresses()).containsExactly(MailAddress.parse("jos\u00e9@ex\u00e4mple.org"));
    }

    @Test
    void unreadableFromFieldsAreReported() {
        for (String from : List.of("alice", "<bob@", "", "undisclosed:;", "ok@example.org, broken <<>>")) {
            run("From: " + from + "\r\n\r\n", 8192);
            assertThat(filter.fromUnreadable()).as(from).isTrue();
        }
        run("Subject: no from\r\n\r\n", 8192);
        assertThat(filter.fromUnreadable()).isFalse();
        assertThat(filter.from()).isEmpty();
    }

    @Test
    void twoSenderFieldsCountAsNone() {
        run("Sender: a@example.org\r\nSender: b@example.org\r\n\r\n", 8192);
        assertThat(filter.sender()).isEmpty();
    }

    @Test
    void theDefaultFilterUsesTheServerClockAndAnRfc5322Date() {
        filter = new SubmissionHeaderFilter("mx.tern.test");
        StringBuilder out = new StringBuilder();
        filter.write(ByteBuffer.wrap("Subject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                b -> out.append(StandardCharsets.US_ASCII.decode(b)));
        filter.finish(b -> out.append(StandardCharsets.US_ASCII.decode(b)));
        assertThat(out.toString()).matches("Subject: x\r\nMessage-ID: " + ID_PATTERN
                + "\r\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n\r\n");
    }
}
