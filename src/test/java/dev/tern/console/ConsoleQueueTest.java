package dev.tern.console;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue pages: the list, a message, and hold, release, retry and delete from the console. */
class ConsoleQueueTest extends ConsoleTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        tern = new ConsoleFixture(dir);
        tern.services().directory().addDomain("example.test");
        browser = new ConsoleBrowser(tern.baseUrl());
        browser.login(ConsoleFixture.ADMIN, ConsoleFixture.PASSWORD);
    }

    private boolean held(String id) {
        return tern.services().queue().message(id).orElseThrow().held();
    }

    @Test
    void aMessageIsHeldReleasedRetriedAndDeletedFromItsPage() throws Exception {
        // Mail for other domains waits in the queue: the tests' DNS never answers.
        String other = tern.enqueue("news@example.test", "reader@elsewhere.test", "editor@elsewhere.test");
        String id = tern.enqueue("alice@example.test", "bob@remote.test");

        for (String q : new String[] {other, id}) {
            browser.waitUntil(d -> tern.services().queue().recipients(q).stream()
                    .allMatch(r -> r.state().equals("deferred")));
        }
        browser.go("#/queue");
        browser.waitForText(By.id("queue-list"), id);
        assertThat(browser.text(By.id("queue-list"))).contains(other).contains("reader@elsewhere.test")
                .contains("bob@remote.test").contains("alice@example.test");
        browser.screenshot("queue");

        browser.click(By.linkText(id));
        browser.waitForText(By.cssSelector("#view h1"), id);
        assertThat(browser.text(By.id("queue-recipients"))).contains("bob@remote.test");
        assertThat(browser.text(By.id("queue-state"))).isEqualTo("waiting");

        browser.click(By.id("hold"));
        browser.waitForText(By.id("queue-state"), "held");
        assertThat(held(id)).isTrue();
        // The button that undoes the action has the focus.
        assertThat(browser.focused().getAttribute("id")).isEqualTo("release");
        assertThat(browser.text(By.id("status"))).contains("Held");

        browser.click(By.id("retry"));
        browser.waitForText(By.id("status"), "held: release it");
        assertThat(held(id)).isTrue();
        browser.screenshot("queue-message");

        browser.click(By.id("release"));
        browser.waitForText(By.id("queue-state"), "waiting");
        assertThat(held(id)).isFalse();

        browser.click(By.id("delete"));
        browser.confirm();
        browser.waitForHeading("Queue");
        assertThat(browser.text(By.id("status"))).contains("Deleted message " + id);
        assertThat(tern.services().queue().message(id)).isEmpty();
        browser.waitUntil(d -> !browser.text(By.id("view")).contains(id));
        assertThat(browser.text(By.id("queue-list"))).contains(other);

        // A message that left the queue: its page says so and points at its trace.
        browser.go("#/queue/" + id);
        assertThat(browser.waitFor(By.id("not-in-queue")).getText()).contains("not in the queue");
    }

    @Test
    void cancellingTheConfirmationDeletesNothing() throws Exception {
        String id = tern.enqueue("alice@example.test", "carol@remote.test");
        browser.go("#/queue/" + id);
        browser.waitForText(By.cssSelector("#view h1"), id);
        browser.click(By.id("delete"));
        browser.click(By.cssSelector("dialog.confirm button[value=no]"));
        browser.waitUntil(d -> d.findElements(By.cssSelector("dialog.confirm")).isEmpty());
        assertThat(tern.services().queue().message(id)).isPresent();
        assertThat(browser.focused().getAttribute("id")).isEqualTo("delete");
    }
}
