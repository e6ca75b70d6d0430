package dev.tern.mailimport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Dovecot's pop3_uidl_format, as its POP3 server expands it (the Dovecot test compares the two). */
class Pop3UidlFormatTest {

    @Test
    void variablesAreExpandedWithWidthsAndLowerCaseHex() {
        assertThat(Pop3UidlFormat.parse("%08Xu%08Xv").expand(3, 1796164048L, null)).isEqualTo("000000036b0f49d0");
        assertThat(Pop3UidlFormat.parse("%v.%u").expand(3, 1796164048L, null)).isEqualTo("1796164048.3");
        assertThat(Pop3UidlFormat.parse("%f").expand(3, 0, "1796164048.M1P2.host,S=19")).isEqualTo("1796164048.M1P2.host,S=19");
        assertThat(Pop3UidlFormat.parse("x%%%04u").expand(7, 0, null)).isEqualTo("x%0007");
        assertThat(Pop3UidlFormat.parse("%4u").expand(7, 0, null)).as("padded with spaces: no POP3 id").isNull();
    }

    @Test
    void whatIsNotKnownOrMakesNoPop3IdGivesNone() {
        assertThat(Pop3UidlFormat.parse("%u.%v").expand(3, 0, null)).as("no UIDVALIDITY").isNull();
        assertThat(Pop3UidlFormat.parse("%f").expand(3, 9, null)).as("an mbox has no file names").isNull();
        assertThat(Pop3UidlFormat.parse("%f").expand(3, 9, "a b")).as("a space is not allowed in a POP3 id").isNull();
        assertThat(Pop3UidlFormat.parse("%u" + "x".repeat(70)).expand(3, 9, null)).as("longer than 70").isNull();
    }

    @Test
    void formatsAnImportCannotFollowAreRefusedSayingWhy() {
        assertThatThrownBy(() -> Pop3UidlFormat.parse("%m")).hasMessageContaining("%m cannot be known");
        assertThatThrownBy(() -> Pop3UidlFormat.parse("%08X")).hasMessageContaining("ends inside a %-variable");
        assertThatThrownBy(() -> Pop3UidlFormat.parse("fixed")).hasMessageContaining("every message would get the same id");
    }
}
