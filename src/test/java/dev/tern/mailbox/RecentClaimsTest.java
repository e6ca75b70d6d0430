package dev.tern.mailbox;

import dev.tern.store.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecentClaimsTest {

    @TempDir
    Path dir;

    @Test
    void eachUidIsClaimedOnceAndALaterSessionStandsAside() {
        try (MailboxFixture f = new MailboxFixture(dir)) {
            RecentClaims claims = new RecentClaims(f.store);
            long inbox = f.id("INBOX");
            f.append("INBOX", MailboxFixture.message(1), Flags.NONE);
            f.append("INBOX", MailboxFixture.message(2), Flags.NONE);

            Rows.RecentClaim first = claims.claim(inbox, 3);
            assertThat(first.end() - first.first()).isEqualTo(2);
            Rows.RecentClaim second = claims.claim(inbox, 3);
            assertThat(second.end()).isEqualTo(second.first());   // nothing left for it

            f.append("INBOX", MailboxFixture.message(3), Flags.NONE);
            Rows.RecentClaim third = claims.claim(inbox, 4);
            assertThat(third.first()).isEqualTo(first.end());
            assertThat(third.end() - third.first()).isEqualTo(1);
        }
    }

    @Test
    void marksOfManyMailboxesAreForgottenWithoutClaimingAnyUidTwice() {
        try (MailboxFixture f = new MailboxFixture(dir)) {
            RecentClaims claims = new RecentClaims(f.store, 3);
            List<Long> boxes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String name = "box" + i;
                f.mailboxes.create(f.accountId, name, null);
                boxes.add(f.id(name));
                f.append(name, MailboxFixture.message(i), Flags.NONE);
            }
            for (long box : boxes) {
                Rows.RecentClaim c = claims.claim(box, 2);
                assertThat(c.end() - c.first()).as("box %d", box).isEqualTo(1);
                assertThat(claims.marked()).isLessThanOrEqualTo(3);
            }
            // The marks of the first boxes are gone: their sessions ask the store, which has nothing left.
            for (long box : boxes) {
                Rows.RecentClaim again = claims.claim(box, 2);
                assertThat(again.end()).as("box %d", box).isEqualTo(again.first());
            }
        }
    }
}
