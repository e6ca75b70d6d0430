package dev.tern.console;

import dev.tern.security.access.AccessRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access rules in the console: a network is rejected and a sender allowed (each checked in the
 * store the server decides from), a pattern that is none is refused with the server's words, the
 * same pattern again replaces its rule, and a rule is deleted.
 *
 * <p>Needs GET/POST/DELETE /api/access.
 */
class ConsoleAccessTest extends ConsoleTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        tern = new ConsoleFixture(dir);
        browser = new ConsoleBrowser(tern.baseUrl());
        browser.login(ConsoleFixture.ADMIN, ConsoleFixture.PASSWORD);
    }

    private void addRule(String pattern, String action, String note) {
        browser.type(By.name("pattern"), pattern);
        new Select(browser.waitFor(By.name("action"))).selectByValue(action);
        if (note != null) {
            browser.type(By.name("note"), note);
        }
        browser.click(By.cssSelector("form[aria-labelledby=add-rule-title] button[type=submit]"));
    }

    @Test
    void rulesAreAddedReplacedAndDeleted() {
        browser.go("#/access");
        browser.waitForHeading("Access rules");
        browser.waitForText(By.id("access-list"), "No access rules.");

        addRule("203.0.113.7/24", "reject", "spam run");
        String list = browser.waitForText(By.id("access-list"), "203.0.113.0/24");
        assertThat(list).contains("client network").contains("reject").contains("spam run");

        addRule("localhost", "reject", null);
        assertThat(browser.alert()).contains("\"localhost\" is not a domain");

        browser.type(By.name("keep_for"), "7d");
        addRule("alerts@Monitoring.example", "allow", null);
        list = browser.waitForText(By.id("access-list"), "alerts@monitoring.example");
        assertThat(list).contains("sender").contains("allow");
        assertThat(tern.services().access().rules().get(1).expiresAt()).as("for 7d").isNotNull();
        assertThat(tern.services().access().rules()).extracting(AccessRule::pattern, AccessRule::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("203.0.113.0/24", AccessRule.Action.REJECT),
                        org.assertj.core.groups.Tuple.tuple("alerts@monitoring.example", AccessRule.Action.ALLOW));
        browser.screenshot("access-rules");

        // The same network again: its rule is replaced, not doubled.
        addRule("203.0.113.0/24", "allow", "a partner after all");
        browser.waitForText(By.id("access-list"), "a partner after all");
        assertThat(tern.services().access().rules()).hasSize(2)
                .filteredOn(r -> r.pattern().equals("203.0.113.0/24")).extracting(AccessRule::action)
                .containsExactly(AccessRule.Action.ALLOW);

        browser.click(By.cssSelector("button[aria-label='Delete the rule for 203.0.113.0/24']"));
        browser.confirm();
        browser.waitUntil(d -> !browser.text(By.id("access-list")).contains("203.0.113.0/24"));
        assertThat(tern.services().access().rules()).extracting(AccessRule::pattern)
                .containsExactly("alerts@monitoring.example");

        addRule("to:NoReply@example.org", "reject", "sends only");
        list = browser.waitForText(By.id("access-list"), "to:noreply@example.org");
        assertThat(list).contains("recipient");
    }
}
