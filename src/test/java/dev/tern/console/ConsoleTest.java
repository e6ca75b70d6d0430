package dev.tern.console;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every console test class shares: one Tern with the admin listener ({@link #tern}) and one
 * headless browser ({@link #browser}), which the class's own {@code @BeforeAll} starts with what it
 * needs; both closed after the class, and no page may have raised a script error.
 */
abstract class ConsoleTest {

    static ConsoleFixture tern;
    static ConsoleBrowser browser;

    @AfterAll
    static void closeConsole() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
        if (tern != null) {
            tern.close();
            tern = null;
        }
    }

    @AfterEach
    void noScriptErrors() {
        assertThat(browser.scriptErrors()).isEmpty();
    }
}
