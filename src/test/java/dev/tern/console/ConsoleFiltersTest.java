package dev.tern.console;

import dev.tern.store.Rows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An account's Sieve filters in the console: opened from the accounts list, a script with a
 * mistake is refused with its line, a good one is stored and activated, the vacation form writes a
 * script that is saved, and the scripts are deactivated and deleted.
 *
 * <p>Needs GET /api/accounts (with sieve_active) and /api/accounts/{address}/sieve with its
 * GET/PUT/PATCH/DELETE /{name}.
 */
class ConsoleFiltersTest extends ConsoleTest {

    static final String DOMAIN = "example.test";
    static final String ANNA = "anna@" + DOMAIN;

    static final String BAD = """
            require "fileinto";
            if header :contains "subject" "report" {
                fileinto :create "Reports";
            }
            """;
    static final String GOOD = """
            require ["fileinto", "mailbox"];
            if header :contains "subject" "report" {
                fileinto :create "Reports";
            }
            """;
    /** What the vacation form must write for the subject, days and message the test types. */
    static final String VACATION = """
            require "vacation";

            vacation :days 5 :subject "Away \\"until\\" Monday \\\\ back" text:
            I am away until Monday.
            ..signed with a dot
            Anna
            .
            ;
            """;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        tern = new ConsoleFixture(dir);
        tern.services().directory().addDomain(DOMAIN);
        tern.services().directory().addUser(ANNA, "anna's password");
        browser = new ConsoleBrowser(tern.baseUrl());
        browser.login(ConsoleFixture.ADMIN, ConsoleFixture.PASSWORD);
    }

    private static long annaId() {
        return tern.services().directory().user(ANNA).orElseThrow().id();
    }

    private static Optional<Rows.SieveScript> stored(String name) {
        return tern.services().sieveScripts().get(annaId(), name);
    }

    private static boolean filtered() {
        return tern.services().directory().user(ANNA).orElseThrow().filtered();
    }

    private static String value(By by) {
        return browser.driver.findElement(by).getDomProperty("value");
    }

    private static void save(String button) {
        browser.click(By.xpath("//form[@id='script-editor']//button[@type='submit'][text()='" + button + "']"));
    }

    @Test
    void scriptsAreCheckedStoredActivatedDeactivatedAndDeletedAndAVacationReplyIsWritten() {
        browser.go("#/accounts");
        browser.waitForText(By.id("account-list"), ANNA);
        assertThat(browser.text(By.id("account-list"))).doesNotContain("filtered");
        browser.click(By.cssSelector("a[aria-label='Filters of " + ANNA + "']"));
        browser.waitForHeading("Filters of " + ANNA);
        assertThat(browser.driver.getCurrentUrl()).endsWith("#/accounts/anna%40example.test/filters");
        assertThat(browser.driver.findElement(By.cssSelector("#nav a[aria-current=page]")).getText()).isEqualTo("Accounts");
        browser.waitForText(By.id("view"), "No scripts yet");
        assertThat(browser.text(By.id("filter-state"))).contains("No script is active");

        // A mistake: refused with its line, nothing stored, the caret on the line.
        browser.type(By.name("script-name"), "main");
        browser.type(By.name("script"), BAD);
        save("Save and activate");
        assertThat(browser.alert()).contains("line 3").contains(":create").contains("mailbox");
        WebElement editor = browser.driver.findElement(By.name("script"));
        assertThat(editor.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.focused()).isEqualTo(editor);
        assertThat(browser.js("const t = arguments[0]; return t.value.substring(t.selectionStart, t.selectionEnd)", editor))
                .isEqualTo("    fileinto :create \"Reports\";");
        assertThat(stored("main")).isEmpty();

        // Corrected: stored and active.
        browser.type(By.name("script"), GOOD);
        save("Save and activate");
        browser.waitForText(By.id("script-list"), "main");
        browser.waitForText(By.id("filter-state"), "Active: main");
        assertThat(browser.text(By.id("script-list"))).contains("active");
        assertThat(browser.driver.findElements(By.cssSelector("#alerts .alert"))).isEmpty();
        assertThat(editor.getAttribute("aria-invalid")).isNull();
        assertThat(stored("main")).hasValueSatisfying(s -> {
            assertThat(s.content()).isEqualTo(GOOD);
            assertThat(s.active()).isTrue();
        });
        assertThat(filtered()).isTrue();

        // The vacation form fills the editor; saving stores it, inactive, beside the active one.
        browser.type(By.name("vacation-subject"), "Away \"until\" Monday \\ back");
        browser.type(By.name("vacation-days"), "5");
        browser.type(By.name("vacation-message"), "I am away until Monday.\n.signed with a dot\nAnna");
        browser.click(By.cssSelector("#vacation-form button[type=submit]"));
        browser.waitUntil(d -> VACATION.equals(value(By.name("script"))));
        assertThat(value(By.name("script-name"))).isEqualTo("vacation");
        browser.screenshot("filters-vacation", By.id("script-editor"));
        save("Save");
        browser.waitForText(By.id("script-list"), "vacation");
        assertThat(stored("vacation")).hasValueSatisfying(s -> {
            assertThat(s.content()).isEqualTo(VACATION);
            assertThat(s.active()).isFalse();
        });
        assertThat(stored("main").orElseThrow().active()).isTrue();

        // Edit loads a script into the editor.
        browser.click(By.cssSelector("button[aria-label='Edit the script main']"));
        browser.waitUntil(d -> GOOD.equals(value(By.name("script"))));
        assertThat(value(By.name("script-name"))).isEqualTo("main");
        browser.screenshot("filters");

        // The accounts list says the account is filtered.
        browser.go("#/accounts");
        browser.waitForText(By.id("account-list"), "filtered");
        browser.click(By.cssSelector("a[aria-label='Filters of " + ANNA + "']"));
        browser.waitForHeading("Filters of " + ANNA);

        // Deactivated: the focus goes to the button that activates it again.
        browser.click(By.cssSelector("button[aria-label='Deactivate the script main']"));
        browser.waitForText(By.id("filter-state"), "No script is active");
        browser.waitUntil(d -> "Activate the script main".equals(browser.focused().getAttribute("aria-label")));
        assertThat(stored("main").orElseThrow().active()).isFalse();
        assertThat(filtered()).isFalse();

        // On a phone's screen nothing is wider than the screen.
        try {
            browser.size(390, 844);
            browser.waitUntil(d -> d.findElement(By.id("menu-toggle")).isDisplayed());
            Number overflow = (Number) browser.js("return document.documentElement.scrollWidth - window.innerWidth");
            assertThat(overflow.intValue()).isLessThanOrEqualTo(0);
        } finally {
            browser.size(1280, 800);
        }

        browser.click(By.cssSelector("button[aria-label='Delete the script vacation']"));
        browser.confirm();
        browser.waitUntil(d -> !browser.text(By.id("script-list")).contains("vacation"));
        browser.click(By.cssSelector("button[aria-label='Delete the script main']"));
        browser.confirm();
        browser.waitForText(By.id("view"), "No scripts yet");
        assertThat(tern.services().sieveScripts().list(annaId())).isEmpty();
    }

    @Test
    void aMissingAccountIsSaidInAnAlert() {
        browser.go("#/accounts/nobody%40example.test/filters");
        browser.waitForHeading("Filters of nobody@" + DOMAIN);
        assertThat(browser.alert()).contains("no such account");
    }
}
