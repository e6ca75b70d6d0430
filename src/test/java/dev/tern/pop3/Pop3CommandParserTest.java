package dev.tern.pop3;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Pop3CommandParserTest {

    private static Object parse(String line) {
        return Pop3CommandParser.parse(line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keywordsAreCaseInsensitiveAndArgumentsSplitOnSpaces() {
        assertThat(parse("list 1")).isEqualTo(new Pop3Command("LIST", List.of("1"), "1"));
        assertThat(parse("TOP 2 10")).isEqualTo(new Pop3Command("TOP", List.of("2", "10"), "2 10"));
        assertThat(parse("QUIT")).isEqualTo(new Pop3Command("QUIT", List.of(), ""));
        assertThat(parse("AUTH PLAIN AGFsaWNlAHNlY3JldA==")).isEqualTo(
                new Pop3Command("AUTH", List.of("PLAIN", "AGFsaWNlAHNlY3JldA=="), "PLAIN AGFsaWNlAHNlY3JldA=="));
    }

    @Test
    void passKeepsItsWholeArgumentSpacesIncluded() {
        assertThat(parse("PASS my secret  words")).isEqualTo(
                new Pop3Command("PASS", List.of("my secret  words"), "my secret  words"));
    }

    @Test
    void malformedLinesAreInvalidNotExceptions() {
        assertThat(parse("")).isInstanceOf(Pop3CommandParser.Invalid.class);
        assertThat(parse("HELLOWORLD")).isInstanceOf(Pop3CommandParser.Invalid.class);
        assertThat(parse("RE")).isInstanceOf(Pop3CommandParser.Invalid.class);
        assertThat(parse("LIST  1")).isInstanceOf(Pop3CommandParser.Invalid.class);
        assertThat(parse("USER a\u0001b")).isInstanceOf(Pop3CommandParser.Invalid.class);
        assertThat(parse("LIST " + "1".repeat(41))).isInstanceOf(Pop3CommandParser.Invalid.class);
        assertThat(parse("USER " + "x".repeat(60) + "@example.test")).isInstanceOf(Pop3Command.class);
        assertThat(parse("R3TR 1")).isInstanceOf(Pop3CommandParser.Invalid.class);
    }

    @Test
    void numbersArePositiveDecimals() {
        assertThat(Pop3CommandParser.messageNumber("12")).isEqualTo(12);
        assertThat(Pop3CommandParser.messageNumber("0")).isEqualTo(-1);
        assertThat(Pop3CommandParser.messageNumber("-1")).isEqualTo(-1);
        assertThat(Pop3CommandParser.messageNumber("1x")).isEqualTo(-1);
        assertThat(Pop3CommandParser.messageNumber("9999999999")).isEqualTo(-1);
        assertThat(Pop3CommandParser.lineCount("0")).isZero();
        assertThat(Pop3CommandParser.lineCount("99999999999999999999999")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void repliesAreOneLineWithCodesAndMultilineBodiesAreStuffed() {
        assertThat(Pop3Reply.err("IN-USE", "busy\r\nX").text()).isEqualTo("-ERR [IN-USE] busy  X\r\n");
        assertThat(Pop3Reply.multiline("follows", List.of("TOP", ".hidden")).text())
                .isEqualTo("+OK follows\r\nTOP\r\n..hidden\r\n.\r\n");
        assertThat(Pop3Reply.ok("").text()).isEqualTo("+OK\r\n");
    }

    @Test
    void aPasswordMayBeUtf8() {
        // Octets above 0x7f are not control characters: a UTF-8 password reaches the check whole.
        assertThat(parse("PASS p\u00e4ssw\u00f6rd \u65e5\u672c")).isEqualTo(
                new Pop3Command("PASS", List.of("p\u00e4ssw\u00f6rd \u65e5\u672c"), "p\u00e4ssw\u00f6rd \u65e5\u672c"));
        assertThat(parse("USER j\u00f6rg@example.test")).isEqualTo(new Pop3CommandParser.Invalid("arguments are printable ASCII"));
        assertThat(parse("PASS a\u007fb")).isEqualTo(new Pop3CommandParser.Invalid("control characters are not allowed in commands"));
    }
}
