package dev.tern.console;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Logging in to the console and out of it, in a real browser. */
class ConsoleLoginTest extends ConsoleTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        tern = new ConsoleFixture(dir);
        browser = new ConsoleBrowser(tern.baseUrl());
    }

    @Test
    void aWrongPasswordIsSaidInAnAlertAndTheFormStays() {
        browser.open("#/login");
        browser.type(By.name("name"), ConsoleFixture.ADMIN);
        browser.type(By.name("password"), "not the password");
        browser.click(By.cssSelector("form.login-form button[type=submit]"));

        assertThat(browser.alert()).contains("wrong name or password");
        assertThat(browser.driver.findElement(By.id("alerts")).getAttribute("role")).isEqualTo("alert");
        assertThat(browser.driver.findElement(By.name("password")).getAttribute("value")).isEmpty();
        assertThat(browser.focused().getAttribute("name")).isEqualTo("password");
        assertThat(browser.driver.findElement(By.id("nav")).isDisplayed()).isFalse();
        browser.screenshot("login-error");
    }

    @Test
    void aPageAskedForBeforeLoggingInIsShownAfterTheLoginAndLogoutEndsTheSession() {
        browser.open("#/domains");
        browser.waitFor(By.cssSelector("form.login-form"));
        assertThat(browser.driver.getCurrentUrl()).endsWith("#/login");

        // The keyboard alone: type, Enter submits.
        browser.type(By.name("name"), ConsoleFixture.ADMIN);
        browser.type(By.name("password"), ConsoleFixture.PASSWORD + Keys.ENTER);
        browser.waitForHeading("Domains");
        assertThat(browser.driver.getCurrentUrl()).endsWith("#/domains");
        assertThat(browser.text(By.id("who-name"))).isEqualTo(ConsoleFixture.ADMIN);
        assertThat(browser.driver.findElement(By.cssSelector("#nav a[aria-current=page]")).getText()).isEqualTo("Domains");

        // A reload keeps the session (cookie), and the CSRF token comes back with GET /api/session.
        browser.open("#/domains");
        browser.waitForHeading("Domains");
        browser.type(By.name("name"), "after-reload.test");
        browser.click(By.cssSelector("form.inline-form button[type=submit]"));
        browser.waitForText(By.cssSelector("#view h1"), "after-reload.test");

        browser.click(By.id("logout"));
        browser.waitFor(By.cssSelector("form.login-form"));
        assertThat(browser.text(By.id("status"))).contains("logged out");
        browser.open("#/domains");
        browser.waitFor(By.cssSelector("form.login-form"));
        browser.screenshot("login");
    }

    @Test
    void onANarrowScreenTheMenuFoldsBehindAButtonAndTheKeyboardReachesEverything() {
        browser.login(ConsoleFixture.ADMIN, ConsoleFixture.PASSWORD);
        browser.go("#/domains");
        browser.waitForHeading("Domains");

        // The first Tab reaches the skip link, which takes the focus to the page's heading.
        browser.open("#/domains");
        browser.waitForHeading("Domains");
        browser.driver.findElement(By.tagName("body")).sendKeys(Keys.TAB);
        assertThat(browser.focused().getAttribute("id")).isEqualTo("skip-link");
        assertThat(browser.focused().isDisplayed()).isTrue();
        browser.focused().sendKeys(Keys.ENTER);
        assertThat(browser.focused().getTagName()).isEqualTo("h1");

        try {
            browser.size(390, 844);
            browser.waitUntil(d -> d.findElement(By.id("menu-toggle")).isDisplayed());
            assertThat(browser.driver.findElement(By.id("nav")).isDisplayed()).isFalse();
            assertThat(browser.driver.findElement(By.id("menu-toggle")).getAttribute("aria-expanded")).isEqualTo("false");
            browser.click(By.id("menu-toggle"));
            assertThat(browser.driver.findElement(By.id("menu-toggle")).getAttribute("aria-expanded")).isEqualTo("true");
            browser.waitUntil(d -> d.findElement(By.id("nav")).isDisplayed());
            browser.screenshot("narrow-menu");
            browser.click(By.linkText("Accounts"));
            browser.waitForHeading("Accounts and aliases");
            assertThat(browser.driver.findElement(By.id("nav")).isDisplayed()).isFalse();
            // Nothing is wider than the screen but the tables, which scroll inside their own region.
            Number overflow = (Number) browser.js("return document.documentElement.scrollWidth - window.innerWidth");
            assertThat(overflow.intValue()).isLessThanOrEqualTo(0);
            browser.screenshot("narrow-accounts");
        } finally {
            browser.size(1280, 800);
        }
    }
}
