package dev.tern.directory;

import dev.tern.mail.MailAddress;
import dev.tern.security.dkim.DkimKey;
import dev.tern.server.Services;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectoryTest {

    @TempDir
    Path dir;
    Services services;
    Directory directory;

    @BeforeEach
    void setUp() {
        services = new Services(TestConfigs.write(dir), 2);
        directory = services.directory();
        directory.addDomain("Example.TEST");
        directory.addUser("Alice@example.test", "secret-a");
        directory.addUser("bob@example.test", "secret-b");
    }

    @AfterEach
    void tearDown() {
        services.close();
    }

    private List<String> resolve(String address) {
        Resolution r = directory.resolve(MailAddress.parse(address));
        if (r instanceof Resolution.Local local) {
            return local.accounts().stream().map(Account::address).toList();
        }
        return List.of(r.getClass().getSimpleName());
    }

    @Test
    void accountsResolveCaseInsensitivelyWithPlusAddressing() {
        assertThat(resolve("alice@example.test")).containsExactly("alice@example.test");
        assertThat(resolve("ALICE@EXAMPLE.test")).containsExactly("alice@example.test");
        assertThat(resolve("alice+lists@example.test")).containsExactly("alice@example.test");
        assertThat(resolve("nobody@example.test")).containsExactly("Unknown");
        assertThat(resolve("alice@elsewhere.test")).containsExactly("NotLocal");
    }

    /** The accounts and the forwarded-to addresses an address leads to, or the kind of resolution. */
    private List<String> destinations(String address) {
        Resolution r = directory.resolve(MailAddress.parse(address));
        if (r instanceof Resolution.Local local) {
            List<String> out = new java.util.ArrayList<>(local.accounts().stream().map(Account::address).toList());
            local.forwards().forEach(f -> out.add("forward " + f));
            return out;
        }
        return List.of(r.getClass().getSimpleName());
    }

    @Test
    void anAliasForwardsToAddressesOfOtherDomainsAsWellAsToAccounts() {
        directory.addAlias("info@example.test", List.of("alice@example.test", "Someone@Elsewhere.TEST"));
        directory.addAlias("out@example.test", List.of("someone@elsewhere.test", "info@example.test"));
        directory.addAlias("away@example.test", List.of("x@other.test"));
        directory.addAlias("gone@example.test", List.of("nobody@example.test"));

        assertThat(destinations("info@example.test")).as("another domain decides what case means in its local parts")
                .containsExactly("alice@example.test", "forward Someone@elsewhere.test");
        assertThat(destinations("out@example.test")).as("each address elsewhere once, through nested aliases")
                .containsExactly("alice@example.test", "forward Someone@elsewhere.test");
        assertThat(destinations("away@example.test")).containsExactly("forward x@other.test");
        assertThat(destinations("away+tag@example.test")).containsExactly("forward x@other.test");
        assertThat(destinations("gone@example.test")).as("a local address nobody has is not forwarded anywhere")
                .containsExactly("Unknown");
        assertThat(directory.targetsLeadingNowhere("away@example.test")).isEmpty();
        assertThat(directory.targetsLeadingNowhere("gone@example.test")).containsExactly("nobody@example.test");
    }

    @Test
    void aTargetElsewhereKeepsTheCaseOfItsLocalPartAndIsOneAddressInAnyCase() {
        directory.addAlias("Team@Example.TEST", List.of("ALICE@example.test", "J.Doe@Elsewhere.TEST"));
        assertThat(directory.aliases("example.test")).as("local targets are keys; a target elsewhere keeps its local part")
                .containsEntry("team@example.test", List.of("J.Doe@elsewhere.test", "alice@example.test"));
        assertThat(destinations("team@example.test")).containsExactly("alice@example.test", "forward J.Doe@elsewhere.test");

        directory.addAlias("team@example.test", List.of("j.doe@elsewhere.test"));
        assertThat(directory.aliases("example.test").get("team@example.test")).as("written again, the new spelling replaces the old")
                .containsExactly("alice@example.test", "j.doe@elsewhere.test");
        assertThat(destinations("team@example.test")).containsExactly("alice@example.test", "forward j.doe@elsewhere.test");

        directory.deleteAlias("team@example.test", List.of("J.DOE@elsewhere.test"));
        assertThat(directory.aliases("example.test").get("team@example.test")).containsExactly("alice@example.test");
    }

    @Test
    void aDomainAddedLaterTurnsATargetWrittenWithCapitalsIntoItsAccount() {
        directory.addAlias("team@example.test", List.of("Carol@Later.test"));
        directory.addDomain("later.test");
        directory.addUser("carol@later.test", "secret-enough-1");
        assertThat(destinations("team@example.test")).containsExactly("carol@later.test");
    }

    @Test
    void aRewrittenSenderAddressOfOursLeadsBackToTheSenderOnlyWhenItsSignatureIsOurs() {
        String rewritten = services.senderRewriting().forward("jane", "example.org", "example.test");
        assertThat(rewritten).startsWith("SRS0=").endsWith("=example.org=jane@example.test");
        assertThat(destinations(rewritten)).containsExactly("forward jane@example.org");
        assertThat(destinations(rewritten.toLowerCase(java.util.Locale.ROOT)))
                .as("a server on the way may lower-case it").containsExactly("forward jane@example.org");

        String forged = rewritten.replaceFirst("=jane@", "=mallory@");
        assertThat(destinations(forged)).containsExactly("Unknown");
        assertThat(destinations("SRS0=AAAAAAAA=AA=evil.test=x@example.test")).containsExactly("Unknown");
        assertThat(destinations(rewritten.replace("@example.test", "@elsewhere.test"))).containsExactly("NotLocal");
    }

    @Test
    void newAccountsGetTheStandardMailboxes() {
        Account a = directory.user("alice@example.test").orElseThrow();
        assertThat(a.display()).isEqualTo("Alice@example.test");
        assertThat(services.mailboxes().mailboxes(a.id()))
                .extracting(m -> m.name() + (m.specialUse() == null ? "" : " " + m.specialUse()))
                .containsExactlyInAnyOrder("INBOX", "Sent \\Sent", "Drafts \\Drafts", "Trash \\Trash",
                        "Junk \\Junk", "Archive \\Archive");
    }

    @Test
    void aliasesExpandToSeveralAccountsAndThroughOtherAliases() {
        directory.addAlias("team@example.test", List.of("alice@example.test", "bob@example.test"));
        directory.addAlias("all@example.test", List.of("team@example.test", "alice@example.test"));
        assertThat(resolve("team@example.test")).containsExactly("alice@example.test", "bob@example.test");
        assertThat(resolve("all@example.test")).containsExactlyInAnyOrder("alice@example.test", "bob@example.test");
        assertThat(resolve("team+x@example.test")).containsExactly("alice@example.test", "bob@example.test");
        assertThat(directory.aliases("example.test")).containsKeys("team@example.test", "all@example.test");
    }

    @Test
    void aliasLoopsResolveToNothing() {
        directory.addAlias("loop1@example.test", List.of("loop2@example.test"));
        directory.addAlias("loop2@example.test", List.of("loop1@example.test"));
        assertThat(resolve("loop1@example.test")).containsExactly("Unknown");
    }

    @Test
    void anAliasOverridesAnAccountAndCanKeepACopy() {
        directory.addAlias("alice@example.test", List.of("alice@example.test", "bob@example.test"));
        assertThat(resolve("alice@example.test")).containsExactly("alice@example.test", "bob@example.test");
    }

    @Test
    void targetsLeadingNowhereAreNamed() {
        directory.addAlias("alice@example.test", List.of("alice@example.test", "bob@example.test"));
        directory.addAlias("team@example.test", List.of("alice@example.test", "later@example.test", "loop1@example.test"));
        directory.addAlias("loop1@example.test", List.of("loop2@example.test"));
        directory.addAlias("loop2@example.test", List.of("loop1@example.test"));
        directory.addAlias("ghost@example.test", List.of("ghost@example.test"));
        assertThat(directory.targetsLeadingNowhere("alice@example.test")).isEmpty();
        assertThat(directory.targetsLeadingNowhere("team@example.test"))
                .containsExactlyInAnyOrder("later@example.test", "loop1@example.test");
        assertThat(directory.targetsLeadingNowhere("ghost@example.test")).containsExactly("ghost@example.test");
        directory.addUser("later@example.test", "pw");
        assertThat(directory.targetsLeadingNowhere("team@example.test")).containsExactly("loop1@example.test");
    }

    @Test
    void catchAllTakesUnknownUsers() {
        directory.setCatchAll("example.test", "bob@example.test");
        assertThat(resolve("whoever@example.test")).containsExactly("bob@example.test");
        assertThat(resolve("alice@example.test")).containsExactly("alice@example.test");
        directory.setCatchAll("example.test", null);
        assertThat(resolve("whoever@example.test")).containsExactly("Unknown");
    }

    @Test
    void passwordsAreHashedAndChecked() {
        assertThat(directory.checkPassword("alice@example.test", "secret-a")).isTrue();
        assertThat(directory.checkPassword("alice@example.test", "wrong")).isFalse();
        assertThat(directory.checkPassword("nobody@example.test", "secret-a")).isFalse();
        directory.setPassword("alice@example.test", "new-secret");
        assertThat(directory.checkPassword("alice@example.test", "new-secret")).isTrue();
        String stored = services.metadata().read(tx -> tx.directory().account("alice@example.test")).orElseThrow()
                .passwordHash();
        assertThat(stored).startsWith("$argon2id$").doesNotContain("new-secret");
    }

    @Test
    void postmasterOfEveryLocalDomainAndOfTheHostReachesTheConfiguredAddress() {
        services.close();
        services = new Services(TestConfigs.write(dir, "postmaster = \"bob@example.test\"\n"), 2);
        directory = services.directory();
        assertThat(resolve("postmaster@example.test")).containsExactly("bob@example.test");
        assertThat(resolve("PostMaster@mx.tern.test")).containsExactly("bob@example.test");
        assertThat(resolve("postmaster@elsewhere.test")).containsExactly("NotLocal");
        directory.addAlias("postmaster@example.test", List.of("alice@example.test"));
        assertThat(resolve("postmaster@example.test")).containsExactly("alice@example.test");
    }

    @Test
    void withoutAPostmasterSettingPostmasterIsAnOrdinaryAddress() {
        assertThat(resolve("postmaster@example.test")).containsExactly("Unknown");
        // The host's own postmaster is never an address to relay to.
        assertThat(resolve("postmaster@mx.tern.test")).containsExactly("Unknown");
        assertThat(resolve("postmaster@elsewhere.test")).containsExactly("NotLocal");
    }

    @Test
    void theHostsPostmasterIsThePostmasterOfTheDomainItIsUnder() {
        directory.addDomain("tern.test");
        assertThat(resolve("postmaster@mx.tern.test")).containsExactly("Unknown");
        directory.addAlias("postmaster@tern.test", List.of("alice@example.test"));
        assertThat(resolve("postmaster@mx.tern.test")).containsExactly("alice@example.test");
        assertThat(resolve("postmaster@example.test")).containsExactly("Unknown");
    }

    @Test
    void aDomainIsAddedWithItsDkimKeysAndDeletedWithThem() {
        List<DkimKey> keys = services.dkimKeys().newKeySet();
        directory.addDomain("keys.test", keys);
        assertThat(services.dkimKeys().keys("keys.test")).extracting(DkimKey::dnsPublicKey)
                .containsExactlyInAnyOrderElementsOf(keys.stream().map(DkimKey::dnsPublicKey).toList());
        assertThatThrownBy(() -> directory.addDomain("keys.test", keys)).hasMessageContaining("already exists");
        assertThat(services.dkimKeys().keys("keys.test")).hasSize(2);
        directory.deleteDomain("keys.test");
        directory.addDomain("keys.test");
        assertThat(services.dkimKeys().keys("keys.test")).isEmpty();
    }

    @Test
    void refusalsSayWhatIsWrong() {
        assertThatThrownBy(() -> directory.addDomain("example.test")).hasMessageContaining("already exists");
        assertThatThrownBy(() -> directory.addUser("carol@other.test", "x")).hasMessageContaining("no such domain: other.test");
        assertThatThrownBy(() -> directory.addUser("alice@example.test", "x")).hasMessageContaining("already exists");
        assertThatThrownBy(() -> directory.addUser("not an address", "x")).hasMessageContaining("not a valid address");
        assertThatThrownBy(() -> directory.addDomain("\0evil.test")).hasMessageContaining("not a valid domain name");
        assertThatThrownBy(() -> directory.addDomain(" \u0001 ")).hasMessageContaining("not a valid domain name");
        assertThatThrownBy(() -> directory.addDomain(" . ")).hasMessage("a domain name is needed");
        assertThat(directory.domains()).extracting(d -> d.name()).doesNotContain("evil.test");
        assertThatThrownBy(() -> directory.addUser("\0carol@example.test", "x")).hasMessageContaining("not a valid address");
        // Other spellings of example.test that IDNA2003 would map onto it are not names at all.
        assertThatThrownBy(() -> directory.addDomain("\uFF45xample.test")).hasMessageContaining("not a valid domain name")
                .hasMessageContaining("U+FF45");
        assertThatThrownBy(() -> directory.addUser("carol@example\u3002test", "x")).hasMessageContaining("not a valid address")
                .hasMessageContaining("U+3002");
        assertThatThrownBy(() -> directory.deleteDomain("example.test")).hasMessageContaining("2 account(s)");
        assertThatThrownBy(() -> directory.addAlias("x@example.test", List.of("y@[192.0.2.1]")))
                .hasMessageContaining("address literal");
        assertThatThrownBy(() -> directory.deleteAlias("x@example.test", List.of())).hasMessageContaining("no such alias");
    }

    @Test
    void deletingEverythingEmptiesTheDomain() {
        directory.addAlias("team@example.test", List.of("alice@example.test"));
        directory.deleteAlias("team@example.test", List.of());
        directory.deleteUser("alice@example.test", services.mailboxes());
        directory.deleteUser("bob@example.test", services.mailboxes());
        directory.deleteDomain("example.test");
        assertThat(directory.domains()).isEmpty();
    }
}
