package dev.tern.console;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suppression list in the console: a hard bounce is listed with its refusal, an address is
 * suppressed by hand (a local one refused with the server's words), the list is narrowed to a
 * domain whose addresses are all deleted at once, and one address is deleted; each checked in the
 * store that delivery reads.
 *
 * <p>Needs GET/POST/DELETE /api/suppressions and DELETE /api/suppressions/{address}.
 */
class ConsoleSuppressionsTest extends ConsoleTest {

    static final String LOCAL = "example.test";

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        tern = new ConsoleFixture(dir);
        tern.services().directory().addDomain(LOCAL);
        tern.services().metadata().writeAndWait(tx -> tern.services().suppressions().recordRefusal(tx,
                "gone@example.org", "5.1.1", "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown",
                "1M8K3SS18737Q"));
        browser = new ConsoleBrowser(tern.baseUrl());
        browser.login(ConsoleFixture.ADMIN, ConsoleFixture.PASSWORD);
    }

    @Test
    void addressesAreSuppressedListedByDomainAndDeleted() {
        browser.go("#/suppressions");
        browser.waitForHeading("Suppression list");
        String list = browser.waitForText(By.id("suppression-list"), "gone@example.org");
        assertThat(list).contains("hard bounce 5.1.1").contains("User unknown");

        // A local address is not for the list: the server says why, and nothing is stored.
        browser.type(By.name("address"), "alice@" + LOCAL);
        browser.click(By.cssSelector("form[aria-labelledby=add-suppression-title] button[type=submit]"));
        assertThat(browser.alert()).contains("is an address of a local domain");
        assertThat(tern.services().suppressions().list(null, null, 10)).hasSize(1);

        browser.type(By.name("address"), "bob@example.com");
        browser.type(By.name("note"), "asked to receive nothing");
        browser.type(By.name("keep_for"), "30d");
        browser.click(By.cssSelector("form[aria-labelledby=add-suppression-title] button[type=submit]"));
        list = browser.waitForText(By.id("suppression-list"), "bob@example.com");
        assertThat(list).contains("manual").contains("asked to receive nothing");
        var bob = tern.services().suppressions().find("bob@example.com").orElseThrow();
        assertThat(bob.expiresAt()).isNotNull();
        assertThat(bob.detail()).isEqualTo("asked to receive nothing");
        browser.screenshot("suppressions");

        // One domain: its addresses only, then all of them deleted at once.
        browser.type(By.name("domain"), "example.com");
        browser.click(By.cssSelector("form[role=search] button[type=submit]"));
        browser.waitForHeading("Suppression list");
        browser.waitForText(By.cssSelector("#view h2[id=suppressions-title]"), "of example.com");
        browser.waitUntil(d -> !browser.text(By.id("suppression-list")).contains("gone@example.org"));
        assertThat(browser.text(By.id("suppression-list"))).contains("bob@example.com");
        browser.click(By.id("delete-domain"));
        browser.confirm();
        browser.waitForText(By.id("suppression-list"), "No suppressed addresses of example.com");
        assertThat(tern.services().suppressions().find("bob@example.com")).isEmpty();
        assertThat(tern.services().suppressions().find("gone@example.org")).isPresent();

        browser.go("#/suppressions");
        browser.waitForText(By.id("suppression-list"), "gone@example.org");
        browser.click(By.cssSelector("button[aria-label='Delete gone@example.org']"));
        browser.confirm();
        browser.waitForText(By.id("suppression-list"), "No suppressed addresses.");
        assertThat(tern.services().suppressions().find("gone@example.org")).isEmpty();
    }
}
