package dev.tern.console;

import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MailboxException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An account's mailboxes in the console: opened from the accounts list, a mailbox is shared with
 * another account, with anyone of the domain, and no longer; a mistake is said in the alert.
 *
 * <p>Needs GET /api/accounts/{address}/mailboxes, GET .../acl?mailbox=, PUT and DELETE .../acl/{identifier}.
 */
class ConsoleMailboxesTest extends ConsoleTest {

    static final String ANNA = "anna@example.test";
    static final String BOB = "bob@example.test";
    static final String TEAM = "Shared/" + ANNA + "/Projects/Team";

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        tern = new ConsoleFixture(dir);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser(ANNA, "anna's password");
        tern.services().directory().addUser(BOB, "bob's password");
        tern.services().mailboxes().create(id(ANNA), "Projects/Team", null);
        browser = new ConsoleBrowser(tern.baseUrl());
        browser.login(ConsoleFixture.ADMIN, ConsoleFixture.PASSWORD);
    }

    private static long id(String address) {
        return tern.services().directory().user(address).orElseThrow().id();
    }

    private static String bobsRights() {
        MailboxAccess access = tern.services().mailboxes().access();
        return access.reach(id(BOB), TEAM).rights().letters();
    }

    @Test
    void aMailboxIsSharedWithAnAccountAndAnyoneThenNoLonger() {
        browser.go("#/accounts");
        browser.waitForText(By.id("account-list"), ANNA);
        browser.click(By.cssSelector("a[aria-label='Mailboxes of " + ANNA + "']"));
        browser.waitForHeading("Mailboxes of " + ANNA);
        assertThat(browser.driver.getCurrentUrl()).endsWith("#/accounts/anna%40example.test/mailboxes");
        browser.waitForText(By.id("mailbox-list"), "Projects/Team");
        assertThat(browser.text(By.id("mailbox-list"))).contains("INBOX", "\\Junk");

        browser.click(By.cssSelector("button[aria-label='Sharing of Projects/Team']"));
        browser.waitForText(By.id("acl-list"), ANNA + " (owner)");
        assertThat(browser.focused().getText()).isEqualTo("Sharing of Projects/Team");

        browser.type(By.name("grantee"), BOB);
        new Select(browser.driver.findElement(By.name("rights"))).selectByValue("lrswi");
        browser.click(By.cssSelector("#share-form button[type=submit]"));
        browser.waitForText(By.id("acl-list"), BOB);
        assertThat(browser.text(By.id("acl-list"))).contains("lrswi").contains("read, add, flag");
        assertThat(bobsRights()).isEqualTo("lrswi");
        browser.screenshot("mailboxes-sharing", By.id("sharing"));

        // A mistake: an address that is no account here.
        browser.type(By.name("grantee"), "nobody@example.test");
        browser.click(By.cssSelector("#share-form button[type=submit]"));
        assertThat(browser.alert()).contains("no account nobody@example.test");

        browser.type(By.name("grantee"), "anyone");
        new Select(browser.driver.findElement(By.name("rights"))).selectByValue("lrs");
        browser.click(By.cssSelector("#share-form button[type=submit]"));
        browser.waitForText(By.id("acl-list"), "anyone");

        browser.click(By.cssSelector("button[aria-label='Stop sharing Projects/Team with " + BOB + "']"));
        browser.confirm();
        browser.waitUntil(d -> !browser.text(By.id("acl-list")).contains(BOB));
        assertThat(bobsRights()).as("what anyone of example.test has").isEqualTo("lrs");
        browser.click(By.cssSelector("button[aria-label='Stop sharing Projects/Team with anyone']"));
        browser.confirm();
        browser.waitUntil(d -> !browser.text(By.id("acl-list")).contains("anyone"));
        assertThatThrownBy(ConsoleMailboxesTest::bobsRights).isInstanceOf(MailboxException.class);
    }
}
