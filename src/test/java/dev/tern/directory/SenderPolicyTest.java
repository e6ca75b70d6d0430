package dev.tern.directory;

import dev.tern.mail.MailAddress;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sender ownership over a real embedded store. One directory for all tests: account creation hashes passwords. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SenderPolicyTest {

    Path dir;
    Services services;
    Directory directory;
    SenderPolicy policy;

    @BeforeAll
    void setUp(@TempDir Path dir) {
        this.dir = dir;
        services = new Services(TestConfigs.write(dir, "postmaster = \"bob@example.test\"\n"), 2);
        directory = services.directory();
        directory.addDomain("example.test");
        directory.addDomain("other.test");
        directory.addUser("Alice@example.test", "a");
        directory.addUser("bob@example.test", "b");
        directory.addUser("carol@other.test", "c");
        directory.addAlias("team@example.test", List.of("alice@example.test", "bob@example.test"));
        directory.addAlias("sales@example.test", List.of("team@example.test"));
        directory.addAlias("info@other.test", List.of("carol@other.test"));
        directory.addAlias("help@example.test", List.of("bob@example.test"));
        // A copy of carol's mail to alice does not make alice carol.
        directory.addAlias("carol@other.test", List.of("carol@other.test", "alice@example.test"));
        directory.setCatchAll("other.test", "alice@example.test");
        policy = new SenderPolicy(directory);
    }

    @AfterAll
    void tearDown() {
        services.close();
    }

    private boolean sender(String user, String address) {
        return policy.checkEnvelopeSender(user, MailAddress.parse(address)).allowed();
    }

    @Test
    void anAccountOwnsItsAddressInAnyCaseAndWithATag() {
        assertThat(sender("alice@example.test", "alice@example.test")).isTrue();
        assertThat(sender("ALICE@Example.Test", "Alice@EXAMPLE.test")).isTrue();
        assertThat(sender("alice@example.test", "alice+lists@example.test")).isTrue();
        assertThat(sender("alice@example.test", "bob@example.test")).isFalse();
        assertThat(sender("alice@example.test", "alice@elsewhere.test")).isFalse();
        assertThat(sender("alice@example.test", "alicex@example.test")).isFalse();
    }

    @Test
    void anAliasBelongsToTheAccountsItLeadsTo() {
        assertThat(sender("alice@example.test", "team@example.test")).isTrue();
        assertThat(sender("bob@example.test", "team+x@example.test")).isTrue();
        assertThat(sender("bob@example.test", "sales@example.test")).isTrue();
        assertThat(sender("alice@example.test", "help@example.test")).isFalse();
        assertThat(sender("bob@example.test", "help@example.test")).isTrue();
        assertThat(sender("carol@other.test", "info@other.test")).isTrue();
        // info@ reaches alice too, through the copy of carol's mail
        assertThat(sender("alice@example.test", "info@other.test")).isTrue();
    }

    @Test
    void receivingSomeonesMailDoesNotMakeTheirAddressYours() {
        assertThat(sender("alice@example.test", "carol@other.test")).isFalse();
        assertThat(sender("carol@other.test", "carol@other.test")).isTrue();
        // catch-all of other.test and the postmaster setting grant nothing
        assertThat(sender("alice@example.test", "whoever@other.test")).isFalse();
        assertThat(sender("bob@example.test", "postmaster@example.test")).isFalse();
    }

    @Test
    void explicitPermissionsCoverAnAddressOrADomain() {
        assertThat(sender("bob@example.test", "billing@other.test")).isFalse();
        directory.addSendAs("bob@example.test", "Billing@Other.test");
        directory.addSendAs("bob@example.test", "@partner.test");
        try {
            assertThat(sender("bob@example.test", "billing@other.test")).isTrue();
            assertThat(sender("bob@example.test", "billing+x@other.test")).isTrue();
            assertThat(sender("bob@example.test", "anyone@PARTNER.test")).isTrue();
            assertThat(sender("bob@example.test", "anyone@sub.partner.test")).isFalse();
            assertThat(sender("alice@example.test", "anyone@partner.test")).isFalse();
            assertThat(directory.sendAs("bob@example.test")).extracting(Rows.SendAs::pattern)
                    .containsExactly("@partner.test", "billing@other.test");
            assertThat(policy.checkEnvelopeSender("bob@example.test", MailAddress.parse("a@partner.test")).reason())
                    .isEqualTo("<a@partner.test>: bob@example.test may send as @partner.test");
        } finally {
            directory.deleteSendAs("bob@example.test", "billing@other.test");
            directory.deleteSendAs("bob@example.test", "@partner.test");
        }
        assertThat(sender("bob@example.test", "billing@other.test")).isFalse();
    }

    @Test
    void theNullSenderIsAllowed() {
        SenderPolicy.Decision d = policy.checkEnvelopeSender("alice@example.test", null);
        assertThat(d.allowed()).isTrue();
        assertThat(d.reason()).startsWith("<>:");
    }

    @Test
    void refusalsSayWhoDoesNotOwnWhat() {
        assertThat(policy.checkEnvelopeSender("Alice@example.test", MailAddress.parse("x@y.test")))
                .isEqualTo(new SenderPolicy.Decision(false, "<x@y.test>: Sender address rejected: not owned by user alice@example.test"));
        assertThat(policy.checkFromAddress("alice@example.test", MailAddress.parse("x@y.test")))
                .isEqualTo(new SenderPolicy.Decision(false, "<x@y.test>: From: header address not owned by user alice@example.test"));
        assertThat(policy.checkEnvelopeSender("nobody@example.test", MailAddress.parse("nobody@example.test")).allowed())
                .isFalse();
        assertThat(policy.checkFromAddress("alice@example.test", MailAddress.parse("team@example.test")).reason())
                .isEqualTo("<team@example.test>: alias team@example.test leads to alice@example.test");
    }

    @Test
    void withoutPlusAddressingATagIsPartOfTheAddress() throws Exception {
        Path other = dir.resolve("noplus");
        java.nio.file.Files.createDirectories(other);
        try (Services s = new Services(TestConfigs.write(other, "[delivery]\nrecipient_delimiter = \"\"\n"), 2)) {
            s.directory().addDomain("example.test");
            s.directory().addUser("dave@example.test", "d");
            SenderPolicy p = new SenderPolicy(s.directory());
            assertThat(p.checkEnvelopeSender("dave@example.test", MailAddress.parse("dave@example.test")).allowed()).isTrue();
            assertThat(p.checkEnvelopeSender("dave@example.test", MailAddress.parse("dave+x@example.test")).allowed()).isFalse();
        }
    }

    @Test
    void permissionsAreValidatedAndGoWithTheirAccount() {
        assertThatThrownBy(() -> directory.addSendAs("nobody@example.test", "@x.test")).hasMessageContaining("no such account");
        assertThatThrownBy(() -> directory.addSendAs("carol@other.test", "not an address"))
                .hasMessageContaining("neither an address nor @domain");
        assertThatThrownBy(() -> directory.addSendAs("carol@other.test", "@bad..domain")).hasMessageContaining("not a valid domain");
        assertThatThrownBy(() -> directory.deleteSendAs("carol@other.test", "@x.test")).hasMessageContaining("no such permission");

        directory.addUser("erin@example.test", "e");
        directory.addSendAs("erin@example.test", "@x.test");
        assertThatThrownBy(() -> directory.addSendAs("erin@example.test", "@X.test")).hasMessageContaining("may already send as @x.test");
        directory.deleteUser("erin@example.test", services.mailboxes());
        assertThat(directory.sendAs(null)).extracting(Rows.SendAs::account).doesNotContain("erin@example.test");
    }
}
