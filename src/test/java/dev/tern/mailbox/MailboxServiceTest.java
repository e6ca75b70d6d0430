package dev.tern.mailbox;

import dev.tern.store.Rows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailboxServiceTest {

    @TempDir
    Path dir;
    MailboxFixture f;

    @BeforeEach
    void open() {
        f = new MailboxFixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private List<String> names() {
        return f.mailboxes.mailboxes(f.accountId).stream().map(Rows.Mailbox::name).toList();
    }

    @Test
    void createMakesMissingParentsAndRefusesDuplicates() {
        f.mailboxes.create(f.accountId, "a/b/c", null);
        assertThat(names()).contains("a", "a/b", "a/b/c");
        assertThatThrownBy(() -> f.mailboxes.create(f.accountId, "a/b", null))
                .isInstanceOfSatisfying(MailboxException.class,
                        e -> assertThat(e.reason()).isEqualTo(MailboxException.Reason.ALREADY_EXISTS));
        assertThatThrownBy(() -> f.mailboxes.create(f.accountId, "inbox", null))
                .isInstanceOf(MailboxException.class);
        for (String bad : List.of("", "/a", "a/", "a//b", "a*", "50%", "tab\there")) {
            assertThatThrownBy(() -> f.mailboxes.create(f.accountId, bad, null))
                    .isInstanceOfSatisfying(MailboxException.class,
                            e -> assertThat(e.reason()).isEqualTo(MailboxException.Reason.INVALID_NAME));
        }
    }

    @Test
    void deletingAMailboxOfManyMessagesRemovesThemAndTheirContents() {
        long archive = f.id("Archive");
        f.appendMany("Archive", 2 * MailboxService.MESSAGES_PER_TRANSACTION + 10, Flags.NONE);
        List<String> contents = f.blobIds(archive);

        assertThat(f.mailboxes.delete(f.accountId, "Archive")).isEqualTo(archive);

        assertThat(names()).doesNotContain("Archive");
        assertThat(f.contentsLeft(contents)).isZero();
        assertThat(f.blobIds(archive)).isEmpty();
    }

    @Test
    void aMailboxThatMayNotBeDeletedKeepsItsMessages() {
        f.mailboxes.create(f.accountId, "a/b", null);
        f.mailboxes.delete(f.accountId, "a");   // a stays as \Noselect, parent of a/b
        long parent = f.id("a");
        assertThatThrownBy(() -> f.mailboxes.delete(f.accountId, "a"))
                .isInstanceOfSatisfying(MailboxException.class,
                        e -> assertThat(e.reason()).isEqualTo(MailboxException.Reason.HAS_CHILDREN));
        long inbox = f.id("INBOX");
        f.appendMany("INBOX", 3, Flags.NONE);
        assertThatThrownBy(() -> f.mailboxes.delete(f.accountId, "INBOX")).isInstanceOf(MailboxException.class);
        assertThat(f.blobIds(inbox)).hasSize(3);
        assertThat(f.mailboxes.mailbox(f.accountId, "a").orElseThrow().id()).isEqualTo(parent);
    }

    @Test
    void aMailboxReplacedUnderItsNameWhileItIsBeingDeletedIsRefusedAndTheNewOneKept() {
        long archive = f.id("Archive");
        f.appendMany("Archive", MailboxService.MESSAGES_PER_TRANSACTION + 5, Flags.NONE);
        WriteCountingStore store = new WriteCountingStore(f.store);
        MailboxService mailboxes = new MailboxService(store, f.blobs);
        // Between the first piece and the rest, another session renames it away and makes a new one.
        store.afterWrite(1, () -> {
            f.mailboxes.rename(f.accountId, "Archive", "Old");
            f.mailboxes.create(f.accountId, "Archive", null);
            f.append("Archive", MailboxFixture.message(1), Flags.NONE);
        });

        assertThatThrownBy(() -> mailboxes.delete(f.accountId, "Archive"))
                .isInstanceOfSatisfying(MailboxException.class,
                        e -> assertThat(e.reason()).isEqualTo(MailboxException.Reason.NONEXISTENT));

        Rows.Mailbox replacement = f.mailboxes.mailbox(f.accountId, "Archive").orElseThrow();
        assertThat(replacement.id()).isNotEqualTo(archive);
        assertThat(f.blobIds(replacement.id())).hasSize(1);
        // The mailbox the command was about lost its messages but not its new name.
        assertThat(f.mailboxes.mailbox(f.accountId, "Old").orElseThrow().id()).isEqualTo(archive);
        assertThat(f.blobIds(archive)).isEmpty();
    }

    @Test
    void aMailboxDeletedByAnotherSessionMeanwhileEndsTheDeletionAsNonexistent() {
        f.appendMany("Archive", MailboxService.MESSAGES_PER_TRANSACTION + 5, Flags.NONE);
        WriteCountingStore store = new WriteCountingStore(f.store);
        MailboxService mailboxes = new MailboxService(store, f.blobs);
        store.afterWrite(1, () -> f.mailboxes.delete(f.accountId, "Archive"));

        assertThatThrownBy(() -> mailboxes.delete(f.accountId, "Archive"))
                .isInstanceOfSatisfying(MailboxException.class,
                        e -> assertThat(e.reason()).isEqualTo(MailboxException.Reason.NONEXISTENT));
        assertThat(store.writes()).isEqualTo(3);   // the first piece, the second finding it gone, the last
        assertThat(names()).doesNotContain("Archive");
    }

    @Test
    void anAccountsMessagesAreDeletedInTransactionsOfTheirOwn() {
        int piece = MailboxService.MESSAGES_PER_TRANSACTION;
        f.appendMany("INBOX", 2 * piece + 3, Flags.NONE);
        f.appendMany("Sent", 4, Flags.NONE);
        List<String> contents = new java.util.ArrayList<>(f.blobIds(f.id("INBOX")));
        contents.addAll(f.blobIds(f.id("Sent")));
        WriteCountingStore counting = new WriteCountingStore(f.store);
        MailboxService mailboxes = new MailboxService(counting, f.blobs);

        mailboxes.deleteMessagesInPieces(f.accountId);

        assertThat(counting.writes()).isEqualTo(3);   // 500, 500, 7
        assertThat(f.contentsLeft(contents)).isZero();
        assertThat(f.blobIds(f.id("INBOX"))).isEmpty();
        assertThat(f.blobIds(f.id("Sent"))).isEmpty();
        assertThat(names()).contains("INBOX", "Sent");   // the mailboxes go with the account
    }

    @Test
    void aRecreatedMailboxGetsANewUidValidity() {
        long first = f.mailboxes.create(f.accountId, "Lists", null).uidValidity();
        f.mailboxes.delete(f.accountId, "Lists");
        long second = f.mailboxes.create(f.accountId, "Lists", null).uidValidity();
        assertThat(second).isGreaterThan(first);
        List<Long> all = f.mailboxes.mailboxes(f.accountId).stream().map(Rows.Mailbox::uidValidity).toList();
        assertThat(all).doesNotHaveDuplicates();
    }

    @Test
    void inboxCannotBeDeletedAndAParentWithChildrenBecomesNoselect() {
        assertThatThrownBy(() -> f.mailboxes.delete(f.accountId, "Inbox"))
                .isInstanceOfSatisfying(MailboxException.class,
                        e -> assertThat(e.reason()).isEqualTo(MailboxException.Reason.NOT_ALLOWED));
        f.mailboxes.create(f.accountId, "p/child", null);
        f.append("p", MailboxFixture.message(1), Flags.NONE);
        f.mailboxes.delete(f.accountId, "p");
        Rows.Mailbox p = f.mailboxes.mailbox(f.accountId, "p").orElseThrow();
        assertThat(p.selectable()).isFalse();
        assertThat(f.mailboxes.messages(p.id())).isEmpty();
        assertThat(f.mailboxes.list(f.accountId, "p")).singleElement()
                .satisfies(l -> assertThat(l.selectable()).isFalse())
                .satisfies(l -> assertThat(l.hasChildren()).isTrue());
        assertThatThrownBy(() -> f.mailboxes.delete(f.accountId, "p"))
                .isInstanceOfSatisfying(MailboxException.class,
                        e -> assertThat(e.reason()).isEqualTo(MailboxException.Reason.HAS_CHILDREN));
        f.mailboxes.delete(f.accountId, "p/child");
        f.mailboxes.delete(f.accountId, "p");
        assertThat(names()).doesNotContain("p", "p/child");
    }

    @Test
    void renameMovesChildrenAndKeepsUidValidity() {
        Rows.Mailbox a = f.mailboxes.create(f.accountId, "a/x", null);
        f.mailboxes.rename(f.accountId, "a", "b/c");
        assertThat(names()).contains("b", "b/c", "b/c/x").doesNotContain("a", "a/x");
        Rows.Mailbox moved = f.mailboxes.mailbox(f.accountId, "b/c/x").orElseThrow();
        assertThat(moved.id()).isEqualTo(a.id());
        assertThat(moved.uidValidity()).isEqualTo(a.uidValidity());
        assertThatThrownBy(() -> f.mailboxes.rename(f.accountId, "b", "Sent"))
                .isInstanceOfSatisfying(MailboxException.class,
                        e -> assertThat(e.reason()).isEqualTo(MailboxException.Reason.ALREADY_EXISTS));
        assertThatThrownBy(() -> f.mailboxes.rename(f.accountId, "nope", "other"))
                .isInstanceOfSatisfying(MailboxException.class,
                        e -> assertThat(e.reason()).isEqualTo(MailboxException.Reason.NONEXISTENT));
    }

    @Test
    void renamingInboxMovesItsMessagesAndLeavesItEmpty() {
        f.mailboxes.create(f.accountId, "INBOX/kept", null);
        f.append("INBOX", MailboxFixture.message(1), Flags.of(SystemFlag.SEEN));
        f.append("INBOX", MailboxFixture.message(2), Flags.NONE);
        long inbox = f.id("INBOX");
        f.mailboxes.rename(f.accountId, "INBOX", "Old mail");
        assertThat(f.messages.messages(inbox)).isEmpty();
        List<MessageEntry> moved = f.messages.messages(f.id("Old mail"));
        assertThat(moved).extracting(MessageEntry::uid).containsExactly(1L, 2L);
        assertThat(moved.get(0).flags()).isEqualTo(Flags.of(SystemFlag.SEEN));
        assertThat(names()).contains("INBOX", "INBOX/kept", "Old mail");
        assertThat(f.mailboxes.status(inbox).uidNext()).isEqualTo(3);
    }

    @Test
    void listMatchesPatternsAndSubscriptionsMayNameNothing() {
        f.mailboxes.create(f.accountId, "Work/2024", null);
        f.mailboxes.create(f.accountId, "Work/2025/Q1", null);
        assertThat(f.mailboxes.list(f.accountId, "*")).extracting(MailboxListing::name)
                .startsWith("INBOX").contains("Work", "Work/2024", "Work/2025", "Work/2025/Q1", "Sent");
        assertThat(f.mailboxes.list(f.accountId, "Work/%")).extracting(MailboxListing::name)
                .containsExactly("Work/2024", "Work/2025");
        assertThat(f.mailboxes.list(f.accountId, "%")).extracting(MailboxListing::name)
                .doesNotContain("Work/2024").contains("Work", "INBOX");
        assertThat(f.mailboxes.list(f.accountId, "inBox")).extracting(MailboxListing::name).containsExactly("INBOX");
        assertThat(f.mailboxes.list(f.accountId, "Sent")).singleElement()
                .satisfies(l -> assertThat(l.specialUse()).isEqualTo("\\Sent"))
                .satisfies(l -> assertThat(l.subscribed()).isTrue())
                .satisfies(l -> assertThat(l.hasChildren()).isFalse());

        assertThat(f.mailboxes.subscribe(f.accountId, "Gone/away")).isTrue();
        assertThat(f.mailboxes.subscribe(f.accountId, "Gone/away")).isFalse();
        assertThat(f.mailboxes.listSubscribed(f.accountId, "Gone/*")).singleElement()
                .satisfies(l -> assertThat(l.exists()).isFalse());
        assertThat(f.mailboxes.unsubscribe(f.accountId, "Gone/away")).isTrue();
        assertThat(f.mailboxes.listSubscribed(f.accountId, "*")).extracting(MailboxListing::name)
                .contains("INBOX", "Trash").doesNotContain("Gone/away");
    }

    @Test
    void statusCountsMessagesUnseenDeletedAndSize() {
        String m1 = MailboxFixture.message(1);
        f.append("INBOX", m1, Flags.of(SystemFlag.SEEN));
        f.append("INBOX", MailboxFixture.message(2), Flags.of(SystemFlag.DELETED));
        f.append("INBOX", MailboxFixture.message(3), Flags.NONE);
        MailboxStatus s = f.mailboxes.status(f.id("INBOX"));
        assertThat(s.messages()).isEqualTo(3);
        assertThat(s.unseen()).isEqualTo(2);
        assertThat(s.deleted()).isEqualTo(1);
        assertThat(s.recent()).as("no session has seen them yet").isEqualTo(3);
        assertThat(s.uidNext()).isEqualTo(4);
        assertThat(s.size()).isEqualTo(3L * m1.length());
        assertThat(s.highestModSeq()).isGreaterThan(1);
    }

    @Test
    void maildropLockIsExclusiveUntilReleased() {
        var first = f.mailboxes.maildropLocks().tryLock(f.accountId);
        assertThat(first).isPresent();
        assertThat(f.mailboxes.maildropLocks().tryLock(f.accountId)).isEmpty();
        first.get().close();
        first.get().close();
        var again = f.mailboxes.maildropLocks().tryLock(f.accountId);
        assertThat(again).isPresent();
        again.get().close();
    }
}
