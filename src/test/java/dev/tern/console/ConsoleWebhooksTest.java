package dev.tern.console;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks in the console: one is added (its secret shown once), Tern posts the delivery events of
 * a message to a receiver on loopback, the deliveries page lists them, and the webhook is deleted.
 *
 * <p>Needs GET/POST/DELETE /api/webhooks and GET /api/webhooks/{id}/deliveries.
 */
class ConsoleWebhooksTest extends ConsoleTest {

    static final String DOMAIN = "example.test";

    @TempDir
    static Path dir;
    static HttpServer receiver;
    static final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        // The receiver is on loopback, which webhooks may only reach when allowed.
        tern = new ConsoleFixture(dir, "[webhooks]\nallow_private = true\n");
        tern.services().directory().addDomain(DOMAIN);
        tern.services().directory().addUser("bob@" + DOMAIN, "bob's password");
        browser = new ConsoleBrowser(tern.baseUrl());
        browser.login(ConsoleFixture.ADMIN, ConsoleFixture.PASSWORD);
    }

    @AfterAll
    static void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void aWebhookIsAddedItsDeliveriesListedAndItIsDeleted() throws Exception {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        browser.go("#/webhooks");
        browser.waitForHeading("Webhooks");
        assertThat(browser.text(By.id("view"))).contains("No webhooks yet");
        browser.type(By.name("url"), url);
        // The usual events are ticked already.
        List<WebElement> boxes = browser.driver.findElements(By.cssSelector("input[name=events]"));
        assertThat(boxes).filteredOn(WebElement::isSelected).extracting(b -> b.getAttribute("value"))
                .containsExactlyInAnyOrder("delivered", "deferred", "bounced", "expired");
        browser.click(By.cssSelector("input[name=events][value=deferred]"));
        browser.type(By.name("domains"), DOMAIN);
        browser.click(By.cssSelector("form[aria-labelledby=add-webhook-title] button[type=submit]"));

        WebElement panel = browser.waitFor(By.cssSelector(".secret-panel"));
        assertThat(panel.getText()).contains("shown only now");
        assertThat(panel.findElement(By.cssSelector("code.secret")).getText()).isNotBlank();
        String list = browser.waitForText(By.id("webhook-list"), url);
        assertThat(list).contains("delivered, bounced, expired").contains(DOMAIN);
        browser.screenshot("webhooks");

        // Mail for the domain: Tern tells the webhook.
        tern.enqueue("alice@" + DOMAIN, "bob@" + DOMAIN);
        browser.waitUntil(d -> !received.isEmpty());

        browser.click(By.linkText("Deliveries"));
        browser.waitForHeading("Webhook deliveries");
        browser.waitUntil(d -> {
            browser.click(By.xpath("//button[text()='Refresh']"));
            return !d.findElements(By.cssSelector("#delivery-list tbody tr")).isEmpty();
        });
        browser.waitForText(By.id("delivery-list"), "delivered");
        assertThat(browser.text(By.id("view"))).contains(url);
        assertThat(received).anyMatch(body -> body.contains("\"type\":\"delivered\"") || body.contains("\"type\": \"delivered\""));

        // A test: a ping goes out and is listed.
        browser.click(By.id("ping"));
        browser.waitUntil(d -> {
            browser.click(By.xpath("//button[text()='Refresh']"));
            return browser.text(By.id("delivery-list")).contains("ping");
        });
        browser.screenshot("webhook-deliveries");

        browser.go("#/webhooks");
        browser.click(By.cssSelector("button[aria-label='Disable the webhook for " + url + "']"));
        browser.waitForText(By.id("webhook-list"), "disabled");

        browser.go("#/webhooks");
        browser.click(By.cssSelector("button[aria-label='Delete the webhook for " + url + "']"));
        browser.confirm();
        browser.waitForText(By.id("view"), "No webhooks yet");
    }
}
