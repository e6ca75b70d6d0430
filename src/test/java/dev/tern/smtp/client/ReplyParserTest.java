package dev.tern.smtp.client;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplyParserTest {

    @Test
    void singleLineWithEnhancedCode() {
        ServerReply r = ReplyParser.parse("550 5.1.1 <x@example.org>: Recipient address rejected\r\n");
        assertThat(r.code()).isEqualTo(550);
        assertThat(r.enhancedCode()).isEqualTo("5.1.1");
        assertThat(r.lines()).containsExactly("<x@example.org>: Recipient address rejected");
        assertThat(r.isPermanent()).isTrue();
        assertThat(r).hasToString("550 5.1.1 <x@example.org>: Recipient address rejected");
    }

    @Test
    void multiLineEhloReply() {
        ServerReply r = ReplyParser.parse("250-mx.example.org Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 HELP\r\n");
        assertThat(r.code()).isEqualTo(250);
        assertThat(r.enhancedCode()).isNull();
        assertThat(r.lines()).containsExactly("mx.example.org Hello", "PIPELINING", "SIZE 10240000", "HELP");
    }

    @Test
    void enhancedCodeRepeatedOnEveryLineIsRemovedFromEach() {
        ServerReply r = ReplyParser.parse("550-5.7.1 first line\n550-5.7.1 second line\n550 5.7.1 third\n");
        assertThat(r.enhancedCode()).isEqualTo("5.7.1");
        assertThat(r.lines()).containsExactly("first line", "second line", "third");
    }

    @Test
    void enhancedCodeOfAnotherClassIsText() {
        ServerReply r = ReplyParser.parse("250 5.0.0 odd but text");
        assertThat(r.enhancedCode()).isNull();
        assertThat(r.lines()).containsExactly("5.0.0 odd but text");
        assertThat(ReplyParser.parse("220 1.2.3.4 host").enhancedCode()).isNull();
    }

    @Test
    void bareCodeAndEmptyContinuation() {
        assertThat(ReplyParser.parse("250").lines()).containsExactly("");
        assertThat(ReplyParser.parse("250-\r\n250 ok").lines()).containsExactly("", "ok");
        assertThat(ReplyParser.parse("334 ").lines()).containsExactly("");
        assertThat(ReplyParser.parse("354 End data with <CR><LF>.<CR><LF>").isIntermediate()).isTrue();
    }

    @Test
    void fedLineByLine() {
        ReplyParser p = new ReplyParser();
        assertThat(p.line("250-first")).isNull();
        assertThat(p.inReply()).isTrue();
        ServerReply r = p.line("250 2.0.0 last");
        assertThat(r.lines()).containsExactly("first", "2.0.0 last");
        assertThat(r.enhancedCode()).isNull();
        assertThat(p.inReply()).isFalse();
        assertThat(p.line("421 4.3.2 bye").isTransient()).isTrue();
    }

    @Test
    void malformedRepliesAreProtocolErrors() {
        for (String bad : List.of("25", "abc hello", "2500 x", "250x", "199 too low", "600 too high")) {
            assertThatThrownBy(() -> ReplyParser.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(SmtpClientException.class,
                            e -> assertThat(e.kind()).isEqualTo(SmtpClientException.Kind.PROTOCOL));
        }
        assertThatThrownBy(() -> ReplyParser.parse("250-a\r\n251 b")).hasMessageContaining("different codes");
        assertThatThrownBy(() -> ReplyParser.parse("250-a\r\n")).hasMessageContaining("incomplete");
        assertThatThrownBy(() -> ReplyParser.parse("250 a\r\n250 b")).hasMessageContaining("after the end");
    }

    @Test
    void replyLengthIsBounded() {
        ReplyParser p = new ReplyParser();
        for (int i = 0; i < ReplyParser.MAX_LINES; i++) {
            assertThat(p.line("250-x")).isNull();
        }
        assertThatThrownBy(() -> p.line("250-x")).hasMessageContaining("longer than");
    }

    @Test
    void controlCharactersAreNotEchoedInErrors() {
        assertThatThrownBy(() -> ReplyParser.parse("bad\u001b[2Jline")).hasMessageContaining("bad?[2Jline");
    }
}
