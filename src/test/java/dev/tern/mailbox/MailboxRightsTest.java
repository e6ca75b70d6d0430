package dev.tern.mailbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 4314 rights: letters in and out, RFC 2086's c and d, and which flags they let a user change. */
class MailboxRightsTest {

    @Test
    void lettersAreReadInAnyOrderAndWrittenInTheRfcsOrder() {
        assertThat(MailboxRights.parse("isrl").letters()).isEqualTo("lrsi");
        assertThat(MailboxRights.parse("").isEmpty()).isTrue();
        assertThat(MailboxRights.parse("lrswipkxtea")).isEqualTo(MailboxRights.ALL);
        assertThat(MailboxRights.ALL.withObsoleteLetters()).isEqualTo("lrswipkxteacd");
        assertThat(MailboxRights.parse("lrxt").withObsoleteLetters()).as("d only with all of x, t and e")
                .isEqualTo("lrxt");
    }

    @Test
    void obsoleteCreateAndDeleteStandForTheirNewRights() {
        assertThat(MailboxRights.parse("c").letters()).isEqualTo("k");
        assertThat(MailboxRights.parse("d").letters()).isEqualTo("xte");
        assertThat(MailboxRights.parse("lrd").minus(MailboxRights.parse("t")).letters()).isEqualTo("lrxe");
    }

    @Test
    void unknownAndUpperCaseLettersAreRefusedByName() {
        assertThatThrownBy(() -> MailboxRights.parse("lrq")).hasMessageContaining("\"q\" is no right");
        assertThatThrownBy(() -> MailboxRights.parse("lrQ")).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> MailboxRights.parse("l r")).hasMessageContaining("U+0020");
    }

    @Test
    void readWriteTakesAFlagRightInsertOrExpunge() {
        assertThat(MailboxRights.parse("lr").writable()).isFalse();
        assertThat(MailboxRights.parse("lrs").writable()).isTrue();
        assertThat(MailboxRights.parse("lri").writable()).isTrue();
        assertThat(MailboxRights.parse("lre").writable()).isTrue();
    }

    @Test
    void flagsFollowTheRightThatCoversEach() {
        Flags before = Flags.of("\\Answered", "$Old");
        Flags wanted = Flags.of("\\Seen", "\\Flagged", "\\Deleted", "$New");
        assertThat(wanted.within(MailboxRights.parse("lrs"), before))
                .isEqualTo(Flags.of("\\Seen", "\\Answered", "$Old"));
        assertThat(wanted.within(MailboxRights.parse("lrw"), before))
                .isEqualTo(Flags.of("\\Flagged", "$New"));
        assertThat(wanted.within(MailboxRights.parse("lrt"), before))
                .isEqualTo(Flags.of("\\Deleted", "\\Answered", "$Old"));
        assertThat(wanted.within(MailboxRights.ALL, before)).isEqualTo(wanted);
        assertThat(wanted.changeableWith(MailboxRights.parse("lri"))).isEqualTo(Flags.NONE);
    }
}
