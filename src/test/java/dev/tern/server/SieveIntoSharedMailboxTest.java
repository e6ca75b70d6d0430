package dev.tern.server;

import dev.tern.mailbox.MailboxAccess;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Sieve script files into another account's shared mailbox when the account may post to it
 * (RFC 4314 {@code p}): a team's "Incoming" fed by its members' filters. Without the right, or
 * with the owner's quota full, the copy stays in the member's own INBOX.
 */
class SieveIntoSharedMailboxTest {

    static final String ALICE = "alice@example.test";
    static final String BOB = "bob@example.test";

    @TempDir
    Path dir;
    RunningServer tern;
    long alice;
    long bob;

    @BeforeEach
    void start() throws Exception {
        tern = RunningServer.plainImap(dir, "pw", ALICE, BOB);
        alice = tern.services().directory().user(ALICE).orElseThrow().id();
        bob = tern.services().directory().user(BOB).orElseThrow().id();
        tern.services().mailboxes().create(alice, "Incoming", null);
        tern.services().sieveScripts().put(bob, "main", """
                require "fileinto";
                fileinto "Shared/alice@example.test/Incoming";
                """);
        tern.services().sieveScripts().activate(bob, "main");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private void share(String rights) {
        tern.services().mailboxes().access().setRights(alice, "Incoming", BOB, MailboxAccess.RightsChange.parse(rights));
    }

    private void deliverToBob(String subject) {
        int before = tern.inbox(BOB).size() + tern.mailbox(ALICE, "Incoming").size();
        tern.submit("customer@example.org", "Subject: " + subject + "\r\n\r\nhello\r\n", BOB);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> tern.inbox(BOB).size() + tern.mailbox(ALICE, "Incoming").size() == before + 1);
    }

    @Test
    void thePostRightLetsAFilterFileIntoTheSharedMailbox() {
        share("lrp");
        deliverToBob("posted");
        assertThat(tern.mailbox(ALICE, "Incoming")).singleElement()
                .satisfies(m -> assertThat(tern.content(m)).contains("Subject: posted", "Delivered-To: " + BOB));
        assertThat(tern.inbox(BOB)).isEmpty();
        assertThat(tern.services().mailboxes().mailboxes(bob)).noneMatch(m -> m.name().startsWith("Shared"));
    }

    @Test
    void withoutThePostRightOrWithTheOwnersQuotaFullTheCopyStaysWithTheRecipient() {
        share("lrswi");
        deliverToBob("not posted");
        assertThat(tern.mailbox(ALICE, "Incoming")).isEmpty();
        assertThat(tern.inbox(BOB)).hasSize(1);

        share("+p");
        tern.services().directory().setQuota(ALICE, 10L);
        deliverToBob("no room");
        assertThat(tern.mailbox(ALICE, "Incoming")).isEmpty();
        assertThat(tern.inbox(BOB)).hasSize(2);
    }

    @Test
    void mailboxexistsIsTrueForASharedMailboxTheAccountMayPostTo() throws Exception {
        tern.services().sieveScripts().put(bob, "main", """
                require ["fileinto", "mailbox"];
                if mailboxexists "Shared/alice@example.test/Incoming" {
                    fileinto "Can post";
                } else {
                    fileinto "Cannot post";
                }
                """);
        share("lr");
        tern.submit("customer@example.org", "Subject: without p\r\n\r\nhello\r\n", BOB);
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.services().mailboxes().mailbox(bob, "Cannot post")
                .isPresent());
        share("+p");
        tern.submit("customer@example.org", "Subject: with p\r\n\r\nhello\r\n", BOB);
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.services().mailboxes().mailbox(bob, "Can post")
                .isPresent());
        assertThat(tern.content(tern.mailbox(BOB, "Cannot post").get(0))).contains("Subject: without p");
        assertThat(tern.content(tern.mailbox(BOB, "Can post").get(0))).contains("Subject: with p");
        assertThat(tern.services().mailboxes().mayPostToShared(bob, "Shared/alice@example.test/Nothing")).isFalse();
        assertThat(tern.services().mailboxes().mayPostToShared(alice, "Incoming")).as("not a shared name").isFalse();
    }
}
