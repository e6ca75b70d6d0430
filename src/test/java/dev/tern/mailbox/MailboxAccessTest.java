package dev.tern.mailbox;

import dev.tern.store.Rows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Names resolved for a user: own mailboxes, other accounts' under Shared/, and the rights that count. */
class MailboxAccessTest {

    @TempDir
    Path dir;
    MailboxFixture f;
    MailboxAccess access;
    long bob;

    @BeforeEach
    void open() {
        f = new MailboxFixture(dir);
        access = f.mailboxes.access();
        bob = f.store.writeAndWait(tx -> {
            Rows.Account b = tx.directory().insertAccount("bob@example.test", "bob@example.test",
                    tx.directory().domain("example.test").orElseThrow().id(), "h", Instant.now());
            MailboxService.createDefaultMailboxes(tx, b.id());
            return b.id();
        });
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void theRightsOfAUserAreTheirOwnEntryAndAnyonesTogether() {
        access.setRights(f.accountId, "Archive", "anyone", MailboxAccess.RightsChange.parse("lr"));
        access.setRights(f.accountId, "Archive", "bob@example.test", MailboxAccess.RightsChange.parse("si"));
        MailboxAccess.Reached r = access.reach(bob, "Shared/u@example.test/Archive");
        assertThat(r.rights().letters()).isEqualTo("lrsi");
        assertThat(r.own()).isFalse();
        assertThat(r.mailbox().id()).isEqualTo(f.id("Archive"));
        assertThat(access.reach(f.accountId, "Archive").own()).isTrue();
        assertThatThrownBy(() -> r.require('e', "expunge")).isInstanceOf(MailboxException.class)
                .extracting(e -> ((MailboxException) e).reason()).isEqualTo(MailboxException.Reason.NO_PERMISSION);
    }

    @Test
    void aUsersOwnSharedFolderStaysTheirsAndOnlyAnAddressMakesANameAnotherAccounts() {
        f.mailboxes.create(bob, "Shared/Projects", null);
        assertThat(access.reach(bob, "Shared/Projects").own()).isTrue();
        assertThat(access.list(bob, "*")).extracting(MailboxListing::name).contains("Shared", "Shared/Projects");
        assertThatThrownBy(() -> access.reach(bob, "Shared/u@example.test/INBOX"))
                .extracting(e -> ((MailboxException) e).reason()).isEqualTo(MailboxException.Reason.NONEXISTENT);
        assertThatThrownBy(() -> access.reach(bob, "Shared/nobody@example.test/INBOX"))
                .extracting(e -> ((MailboxException) e).reason()).isEqualTo(MailboxException.Reason.NONEXISTENT);
    }

    @Test
    void deliveryNeverMakesAMailboxOfASharedName() {
        Rows.Message m = f.store.writeAndWait(tx -> {
            String blob = "b1";
            tx.blobs().insertInline(blob, "Subject: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0);
            return f.mailboxes.deliver(tx, bob, "Shared/u@example.test/Archive", blob, 10, "", Instant.now());
        });
        assertThat(m.mailboxId()).isEqualTo(f.mailboxes.mailbox(bob, "INBOX").orElseThrow().id());
        List<String> names = f.mailboxes.mailboxes(bob).stream().map(Rows.Mailbox::name).toList();
        assertThat(names).noneMatch(n -> n.startsWith("Shared"));
    }
}
